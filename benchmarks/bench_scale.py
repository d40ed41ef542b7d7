"""Benchmark of record for scale (issue 14): a year of a large service desk in bounded memory.

    python benchmarks/bench_scale.py [--tickets 10000000] [--memory 2GB] [--partitions P]

Writes (once, into benchmarks/out/scale-N/) twelve monthly ticket exports of N/12 tickets each
and twelve monthly event files of three status changes per ticket (3N events in all): free-text
subjects with commas, quotes and non-ASCII letters, timestamps with UTC offsets. Then runs the
whole `charter audit` of the IT-helpdesk example charter (6 promises, pauses on statuses,
escalations by group) over them as one process, and reports its wall time and peak resident
memory (target: < 3 GB for 10M tickets and 30M events). Every phase streams: one file or one
partition in memory at a time (see charter_cli/streamed.py).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
CHARTER = ROOT / "charters" / "examples" / "it-helpdesk.yaml"
SUBJECTS = np.array(
    [
        'Drukarka "Łódź-2" nie drukuje, pilne',
        "VPN: nie mogę się połączyć",
        "Skaner nie skanuje, źle",
        "Zażółć gęślą jaźń; hasło wygasło",
        "SAP: brak dostępu, proszę",
    ]
)
CHANNELS = np.array(["E-mail", "phone", "self-service", "web"])
PRIORITIES = np.array(["1 - Critical", "2 - High", "3 - Moderate", "4 - Low"])
GROUPS = np.array(["Service Desk", "Network", "Warehouse Systems", "Workplace"])
STATUSES = np.array(["open", "pending", "on-hold", "solved"])


def _stamps(seconds: np.ndarray) -> np.ndarray:
    """ISO 8601 with a +01:00 offset (Warsaw in winter), whole column."""
    local = (seconds + 3600).astype("datetime64[s]")
    return np.char.add(np.datetime_as_string(local, unit="s"), "+01:00")


def write_month(folder: Path, month: int, n: int, first: int, rng: np.random.Generator) -> None:
    start = np.datetime64(f"2026-{month:02d}-01T00:00:00", "s").astype(np.int64)
    created = start + rng.integers(0, 28 * 86400, n)
    reply = created + rng.exponential(3 * 3600, n).astype(np.int64)
    resolved = reply + rng.exponential(30 * 3600, n).astype(np.int64)
    ids = np.char.add("INC", (first + np.arange(n)).astype(str))
    frame = pd.DataFrame(
        {
            "ticket_id": ids,
            "created_at": _stamps(created),
            "channel": CHANNELS[rng.integers(0, 4, n)],
            "priority": PRIORITIES[rng.integers(0, 4, n)],
            "group": GROUPS[rng.integers(0, 4, n)],
            "subject": SUBJECTS[rng.integers(0, len(SUBJECTS), n)],
            "acknowledged_at": _stamps(created + rng.integers(0, 90, n)),
            "first_response_at": _stamps(reply),
            "resolved_at": _stamps(resolved),
            "closed_at": _stamps(resolved + rng.integers(600, 3 * 86400, n)),
            "status": "closed",
        }
    )
    frame.to_csv(folder / f"tickets-2026-{month:02d}.csv", index=False)
    step = rng.exponential(5 * 3600, (n, 3)).astype(np.int64).cumsum(axis=1)
    pd.DataFrame(
        {
            "ticket_id": np.repeat(ids, 3),
            "at": _stamps((created[:, None] + step).ravel()),
            "status": STATUSES[rng.integers(0, 4, 3 * n)],
            "group": GROUPS[rng.integers(0, 4, 3 * n)],
        }
    ).to_csv(folder / f"events-2026-{month:02d}.csv", index=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=10_000_000)
    parser.add_argument("--memory", default="2GB")
    parser.add_argument("--partitions", type=int, default=None)
    parser.add_argument("--generate", action="store_true", help="only write the exports")
    args = parser.parse_args()
    folder = ROOT / "benchmarks" / "out" / f"scale-{args.tickets}"
    if not args.generate and not (folder / "done").exists():
        # in a process of its own: a child's peak memory (wait4) counts the parent's pages it
        # was forked with, so the measuring process stays small
        subprocess.run(
            [sys.executable, __file__, "--tickets", str(args.tickets), "--generate"], check=True
        )
    if args.generate:
        folder.mkdir(parents=True, exist_ok=True)
        rng = np.random.default_rng(14)
        per = args.tickets // 12
        for month in range(1, 13):
            n = per if month < 12 else args.tickets - 11 * per
            write_month(folder, month, n, 1 + (month - 1) * per, rng)
            print(f"wrote month {month}", file=sys.stderr)
        (folder / "done").write_text("")
        return 0
    tickets = sorted(folder.glob("tickets-*.csv"))
    events = sorted(folder.glob("events-*.csv"))
    size = sum(f.stat().st_size for f in [*tickets, *events]) / 1e9
    charter = str(Path(sys.executable).with_name("charter"))
    cmd = [charter, "audit", str(CHARTER), *map(str, tickets), "-q", "--memory", args.memory]
    cmd += [a for e in events for a in ("--events", str(e))]
    if args.partitions:
        cmd += ["--partitions", str(args.partitions)]
    start = time.perf_counter()
    child = subprocess.Popen(cmd)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = 0
    peak = usage.ru_maxrss / 1024 / 1024
    print(f"{args.tickets:,} tickets, {3 * args.tickets:,} events, {size:.1f} GB of CSV")
    print(f"audit: {wall:.0f} s, peak memory {peak:.2f} GB (target < 3), exit {status >> 8}")
    return 0 if peak < 3 and status >> 8 in (0, 1) else 1


if __name__ == "__main__":
    raise SystemExit(main())
