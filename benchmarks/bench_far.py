"""Instants far apart (issue 14): a stray year must not cost the clock its memory.

1. The acceptance case: `charter audit` of two tickets 150 years apart (2026 and 2176), as a
   process of its own, against the same two tickets a day apart; wall time and peak memory,
   medians of several runs. Targets: under 2 s and 300 MB.
2. Whether minute tables for the data's bulk pay beside `searchsorted` for the strays: N tickets
   over 2026 plus one created in 2126; the clock built as the audit builds it (tables over the
   bulk, the stray by `searchsorted`) against one without tables (what a span of 100 years gets
   when no bulk is known); the build plus elapsed and deadline for every ticket.

    python benchmarks/bench_far.py [--runs R] [--tickets N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import machine, median_seconds, synthetic_instants

from charter_cli.charter.model import build_calendar
from charter_cli.clock import BusinessClock
from charter_cli.outliers import data_bulk

ROOT = Path(__file__).resolve().parent.parent
CHARTER = ROOT / "charters" / "examples" / "nordlys-nettbutikk.yaml"
HEADER = "ticket_id,created_at,channel,priority,status,first_response_at,resolved_at\n"
FIRST = "4710,2026-10-05 09:00,e-post,normal,closed,2026-10-05 11:30,2026-10-05 14:00\n"
OFFICE = {"hours": {"mon-fri": "08:00-16:00"}, "holidays": {"country": "NO"}}


# `charter` in a process of its own that says its peak memory: Linux's VmHWM, as ru_maxrss
# keeps the parent's high-water mark across fork and exec
CHILD = """import sys
from charter_cli.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
with open("/proc/self/status") as lines:
    print([line.split()[1] for line in lines if line.startswith("VmHWM:")][0], file=sys.stderr)
"""


def process(args: list[str]) -> tuple[float, int]:
    """Wall time and peak resident memory (KiB) of `charter ARGS` as a process of its own."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        text=True, check=False,
    )  # fmt: skip
    wall = time.perf_counter() - start
    return wall, int(done.stderr.split()[-1])


def two_tickets(runs: int) -> bool:
    folder = Path(tempfile.mkdtemp(prefix="bench-far-"))
    far, near = folder / "far.csv", folder / "near.csv"
    far.write_text(HEADER + FIRST + "4711,2176-10-05 10:00,e-post,normal,open,,\n", "utf-8")
    near.write_text(HEADER + FIRST + "4711,2026-10-06 10:00,e-post,normal,open,,\n", "utf-8")
    results: dict[str, list[tuple[float, int]]] = {"near": [], "far": []}
    for _ in range(runs):  # interleaved: the machine's noise falls on both alike
        for name, path in (("near", near), ("far", far)):
            results[name].append(process(["audit", str(CHARTER), str(path), "-q"]))
    for path in (far, near):
        path.unlink()
    folder.rmdir()
    print(f"two tickets, `charter audit -q` as a process, medians of {runs} runs:")
    line = {}
    for name, label in (("near", "a day apart      "), ("far", "150 years apart  ")):
        wall = statistics.median(w for w, _ in results[name])
        peak = max(p for _, p in results[name]) / 1024
        line[name] = (wall, peak)
        print(f"  {label} {wall:.2f} s   peak {peak:.0f} MB (largest of the runs)")
    wall, peak = line["far"]
    ok = wall < 2 and peak < 300
    extra = peak - line["near"][1]
    print(f"  150 years apart costs {wall - line['near'][0]:+.2f} s and {extra:+.0f} MB")
    print(f"  targets (< 2 s, < 300 MB): {'met' if ok else 'NOT met'}")
    return ok


def bulk_tables(tickets: int, runs: int) -> None:
    created, replied = synthetic_instants(tickets)
    created[0] = np.datetime64("2126-03-01T10:00:00", "s").astype(np.int64)
    replied[0] = created[0] + 3600
    cal = build_calendar("office", OFFICE, "Europe/Oslo")
    lo, hi = int(created.min()), int(replied.max())
    allowance = np.int64(4 * 3600)

    def audit_like(bulk: tuple[int, int] | None) -> None:
        clock = BusinessClock.spanning(cal, lo, hi, allowance=4 * 3600, bulk=bulk)
        clock.measure(created, replied, allowance)

    bulk = data_bulk([created, replied])
    assert bulk is not None and bulk[1] < created[0]  # the stray is outside
    with_tables, _ = median_seconds(lambda: audit_like(bulk), runs)
    without, _ = median_seconds(lambda: audit_like(None), runs)
    clock = BusinessClock.spanning(cal, lo, hi, allowance=4 * 3600, bulk=bulk)
    index = clock.index
    size = index.at_minute.nbytes + index.open_minute.nbytes + index.minute_start.nbytes
    print(f"{tickets:,} tickets over 2026 and one in 2126, office hours, Europe/Oslo:")
    print(f"  tables for the bulk ({size / 1e6:.0f} MB), the stray by searchsorted: ", end="")
    print(f"median {with_tables * 1000:.0f} ms of {runs} runs")
    print(f"  searchsorted only (no tables):                      median {without * 1000:.0f} ms")
    print(f"  the tables pay {without / with_tables:.1f}x (build + elapsed + deadline)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    ok = two_tickets(args.runs)
    bulk_tables(args.tickets, args.runs)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
