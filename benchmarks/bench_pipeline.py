"""Benchmark of record for the whole audit (issues 4, 5 and 14) on synthetic exports.

    python benchmarks/bench_pipeline.py [--tickets N] [--runs R] [--cases easy,realistic,us,events,messages]

Each case is a whole `charter audit` process with the example charter (8 promises), terminal
report included (stdout not a terminal), against its floor: a separate process that reads the
same file(s) with pandas' pyarrow engine and parses the timestamp columns the audit reads with
`pandas.to_datetime`. Files come from benchmarks/make_tickets.py (N tickets, default 1,000,000):

- easy: the reference line (naive ISO minutes, one subject, no quotes); target ≤ 1.5×;
- realistic: free text with commas, quotes, quoted newlines, emoji; ISO instants with their
  offset or `Z`; target ≤ 2× and peak memory < 1.5 GB;
- us: Freshdesk's export of a US account (`03/07/2026 11:30 PM`); same targets as realistic;
- events: the realistic file with `--events` (3 status changes per ticket); the floor reads
  both files; time and memory are reported, no target of record;
- messages: the realistic file with `--events` of six messages a ticket (customer, bot, agent
  replies, an internal note; `author`, `public`, free-text bodies), audited with the example
  charter plus `next_reply` and `periodic_update` (10 promises); held to the realistic targets.

pandas' pyarrow engine cannot read a file whose values hold newlines (it has no way to pass
pyarrow's `newlines_in_values` and fails with "CSV parser got out of sync with chunker"), so for
such a file the floor calls the reader that engine calls, `pyarrow.csv.read_csv`, with that
option, then `to_pandas()`: the same work the engine would do.

Medians of R runs; each run runs every case's floor and audit back to back, so ratios compare
processes run at the same moment. `--import` adds the in-process comparison of `read_tickets`
with the bare read (issue 4's import target, ≤ 2×) on the easy file.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import machine

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
CHARTER = ROOT / "charters" / "examples" / "nordlys-nettbutikk.yaml"
# the example charter with the two conversation promises, for the `messages` case
CONVERSATIONS = """
  - id: next-reply
    title: We answer every message within 4 working hours
    measure: next_reply
    within: 4h
    pause_when: [pending]
    target: 90%

  - id: updates
    title: We give you an update at least every 2 working days
    measure: periodic_update
    within: 2 working days
    pause_when: [pending]
    target: 90%
"""
MB = 1024  # ru_maxrss is in KiB
FLOOR = """
import json, sys
import pandas as pd
for spec in json.loads(sys.argv[1]):
    if spec["newlines"]:  # what pandas' pyarrow engine runs, with the option it cannot pass
        import pyarrow.csv as pacsv
        options = pacsv.ParseOptions(newlines_in_values=True)
        df = pacsv.read_csv(spec["path"], parse_options=options).to_pandas()
    else:
        df = pd.read_csv(spec["path"], engine="pyarrow")
    for c in spec["columns"]:
        df[c] = pd.to_datetime(df[c], format=spec["format"], utc=spec["utc"])
"""
ISO_COLUMNS = [
    "created_at",
    "acknowledged_at",
    "first_response_at",
    "resolved_at",
    "closed_at",
    "due_at",
    "follow_up_at",
]
# the timestamp columns the freshdesk profile reads
US_COLUMNS = [
    "Created time",
    "Due by Time",
    "Resolved time",
    "Closed time",
    "Initial response time",
]


@dataclass
class Case:
    name: str
    title: str
    files: list[tuple[str, Path]]  # (make_tickets kind, path)
    floor: list[dict[str, object]]
    audit: list[str]
    ratio_target: float | None
    memory_target_mb: float | None
    charter: Path = CHARTER
    floor_times: list[float] = field(default_factory=list)
    audit_times: list[float] = field(default_factory=list)
    peaks_kib: list[int] = field(default_factory=list)
    floor_cpu: list[float] = field(default_factory=list)
    audit_cpu: list[float] = field(default_factory=list)
    before_times: list[float] = field(default_factory=list)
    before_peaks_kib: list[int] = field(default_factory=list)


def cases(n: int) -> dict[str, Case]:
    easy = OUT / f"tickets-{n}.csv"
    real = OUT / f"tickets-{n}-realistic.csv"
    us = OUT / f"tickets-{n}-us.csv"
    events = OUT / f"tickets-{n}-events.csv"
    messages = OUT / f"tickets-{n}-messages.csv"

    def spec(
        path: Path, columns: list[str], fmt: str, *, utc: bool, newlines: bool
    ) -> dict[str, object]:
        return {
            "path": str(path),
            "columns": columns,
            "format": fmt,
            "utc": utc,
            "newlines": newlines,
        }

    real_floor = spec(real, ISO_COLUMNS, "ISO8601", utc=True, newlines=True)
    return {
        "easy": Case(
            "easy",
            "easy (naive ISO, no quotes)",
            [("easy", easy)],
            [spec(easy, ISO_COLUMNS, "ISO8601", utc=False, newlines=False)],
            [str(easy)],
            1.5,
            None,
        ),
        "realistic": Case(
            "realistic",
            "realistic (free text, offsets)",
            [("realistic", real)],
            [real_floor],
            [str(real)],
            2.0,
            1536,
        ),
        "us": Case(
            "us",
            "Freshdesk US (12-hour)",
            [("us", us)],
            [spec(us, US_COLUMNS, "%m/%d/%Y %I:%M %p", utc=False, newlines=True)],
            [str(us)],
            2.0,
            1536,
        ),
        "events": Case(
            "events",
            "realistic + 3 events/ticket",
            [("realistic", real), ("events", events)],
            [real_floor, spec(events, ["at"], "ISO8601", utc=True, newlines=False)],
            [str(real), "--events", str(events)],
            None,
            None,
        ),
        "messages": Case(
            "messages",
            "realistic + 6 messages/ticket",
            [("realistic", real), ("messages", messages)],
            [real_floor, spec(messages, ["at"], "ISO8601", utc=True, newlines=True)],
            [str(real), "--events", str(messages)],
            2.0,
            1536,
            conversation_charter(),
        ),
    }


def conversation_charter() -> Path:
    """The example charter with `next_reply` and `periodic_update` added (written to OUT)."""
    text = CHARTER.read_text(encoding="utf-8")
    cut = text.index("\nescalation:")
    out = OUT / "nordlys-conversations.yaml"
    OUT.mkdir(parents=True, exist_ok=True)
    out.write_text(text[:cut] + CONVERSATIONS + text[cut:], encoding="utf-8")
    return out


def process(cmd: list[str]) -> tuple[float, int, float]:
    """Wall time, peak resident memory (KiB) and CPU time (user + system, every thread) of this
    one child process."""
    start = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # wait4 gives the resources of this child alone (RUSAGE_CHILDREN would be the largest of
    # every child so far, the export generator included)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = 0  # reaped above; keeps Popen from waiting for it again
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):  # 1: some promise missed its target, which is the data's business
        raise SystemExit(f"{' '.join(cmd)} exited with {code}")
    return wall, usage.ru_maxrss, usage.ru_utime + usage.ru_stime


def import_lines(path: Path, runs: int) -> tuple[list[str], bool]:
    """read_tickets against the bare read, in this process (issue 4: ≤ 2×)."""
    import pandas as pd

    from charter_cli.memory import tune_allocator
    from charter_cli.tickets.read import read_tickets

    # this process's allocator set as `charter` sets its own; both arms run in it
    tune_allocator()

    def bare() -> None:
        df = pd.read_csv(path, engine="pyarrow")
        for c in ISO_COLUMNS:
            df[c] = pd.to_datetime(df[c], format="ISO8601")

    def ours() -> None:
        read_tickets([path], timezone="Europe/Oslo")

    times: tuple[list[float], list[float]] = ([], [])
    ours()  # warm imports and caches once
    for _ in range(runs):
        for arm, func in zip(times, (bare, ours), strict=True):
            start = time.perf_counter()
            func()
            arm.append(time.perf_counter() - start)
    b, o = statistics.median(times[0]), statistics.median(times[1])
    ok = o / b <= 2
    return [
        f"import (easy, in-process): bare read + to_datetime {b:.2f} s, read_tickets {o:.2f} s, "
        f"ratio {o / b:.2f} (target ≤ 2): {'met' if ok else 'NOT met'}"
    ], ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--cases", default="easy,realistic,us,events,messages", help="comma-separated"
    )
    parser.add_argument(
        "--import", dest="import_", action="store_true", help="also read_tickets in-process"
    )
    parser.add_argument(
        "--charter-bin",
        default=str(Path(sys.executable).with_name("charter")),
        help="the `charter` to time (another build's, to compare)",
    )
    parser.add_argument(
        "--before-bin",
        help="another build's `charter`, timed in the same runs for a before/after column",
    )
    args = parser.parse_args()
    known = cases(args.tickets)
    chosen = [known[c.strip()] for c in args.cases.split(",") if c.strip()]
    needed = [f for case in chosen for f in case.files]
    if args.import_:
        needed += known["easy"].files
    for kind, path in dict.fromkeys(needed):
        if not path.exists():
            make = ROOT / "benchmarks" / "make_tickets.py"
            subprocess.run(
                [sys.executable, str(make), str(args.tickets), str(path), "--kind", kind],
                check=True,
            )
    charter = args.charter_bin
    for _ in range(args.runs):
        for case in chosen:
            wall, _, cpu = process([sys.executable, "-c", FLOOR, json.dumps(case.floor)])
            case.floor_times.append(wall)
            case.floor_cpu.append(cpu)
            # the command as a manager runs it, terminal report included (stdout not a terminal)
            wall, peak, cpu = process([charter, "audit", str(case.charter), *case.audit])
            case.audit_times.append(wall)
            case.audit_cpu.append(cpu)
            case.peaks_kib.append(peak)
            if args.before_bin:
                wall, peak, _ = process([args.before_bin, "audit", str(case.charter), *case.audit])
                case.before_times.append(wall)
                case.before_peaks_kib.append(peak)

    med = statistics.median
    print(f"machine: {machine()}")
    print(
        f"{args.tickets:,} tickets; charter {CHARTER.name} (8 promises); medians of {args.runs} runs"
    )
    sizes = {p.name: p.stat().st_size / 1e6 for c in chosen for _, p in c.files}
    print("files: " + ", ".join(f"{name} {size:.0f} MB" for name, size in sizes.items()))
    print()
    header = (
        f"{'case':<30} {'floor':>7} {'audit':>7} {'ratio':>6} {'target':>7} {'peak MB':>8} "
        f"{'target':>7}  {'result':<8} {'CPU ratio':>9}"
    )
    print(header)
    print("-" * len(header))
    all_ok = True
    for case in chosen:
        floor, audit = med(case.floor_times), med(case.audit_times)
        ratio, peak = audit / floor, max(case.peaks_kib) / MB
        checks = []
        if case.ratio_target is not None:
            checks.append(ratio <= case.ratio_target)
        if case.memory_target_mb is not None:
            checks.append(peak < case.memory_target_mb)
        result = "—" if not checks else "met" if all(checks) else "NOT met"
        all_ok = all_ok and all(checks)
        rt = f"≤ {case.ratio_target:g}" if case.ratio_target else "—"
        mt = f"< {case.memory_target_mb:.0f}" if case.memory_target_mb else "—"
        print(
            f"{case.title:<30} {floor:>6.2f}s {audit:>6.2f}s {ratio:>6.2f} {rt:>7} {peak:>8.0f} "
            f"{mt:>7}  {result:<8} {med(case.audit_cpu) / med(case.floor_cpu):>9.2f}"
        )
    print()
    print("floor: a separate process, pandas read (pyarrow) + to_datetime of the columns read;")
    print("audit: the whole `charter audit` process; peak: the largest of its runs (wait4);")
    print("CPU ratio: of user + system time (all threads), for reference on a busy machine")
    print(
        "all runs: "
        + "; ".join(
            f"{c.name} floor "
            + " ".join(f"{t:.2f}" for t in c.floor_times)
            + " audit "
            + " ".join(f"{t:.2f}" for t in c.audit_times)
            for c in chosen
        )
    )
    if args.before_bin:
        print(f"before ({args.before_bin}), same runs:")
        for case in chosen:
            before = med(case.before_times)
            print(
                f"  {case.title:<30} audit {before:.2f} s, ratio {before / med(case.floor_times):.2f}, "
                f"peak {max(case.before_peaks_kib) / MB:.0f} MB"
            )
    if args.import_:
        lines, ok = import_lines(OUT / f"tickets-{args.tickets}.csv", args.runs)
        print("\n".join(lines))
        all_ok = all_ok and ok
    print("targets:", "met" if all_ok else "NOT met")
    return 0 if all_ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
