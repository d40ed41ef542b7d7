"""Benchmarks of record for reading exports (issue 4) and the whole audit (issue 5).

    python benchmarks/bench_pipeline.py [--tickets N] [--runs R]

On one synthetic generic export of N tickets (default 1,000,000; benchmarks/make_tickets.py):

- import: `read_tickets` against a bare `pandas.read_csv(engine="pyarrow")` plus
  `pandas.to_datetime` of the same timestamp columns, both in this process (target: ≤ 2×);
- audit: `charter audit` of the example charter (8 promises) as a whole process, terminal report
  included (written to a file), against the bare read-and-parse as a separate process
  (target: ≤ 3×), and the audit's peak memory (target: < 2 GB); `-q` is shown for reference.

Medians of R runs each, baseline and candidate interleaved in the same run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import machine

ROOT = Path(__file__).resolve().parent.parent
CHARTER = ROOT / "charters" / "examples" / "nordlys-nettbutikk.yaml"
BASELINE = """
import sys, pandas as pd
df = pd.read_csv(sys.argv[1], engine="pyarrow")
for c in [c for c in df.columns if c.endswith("_at")]:
    df[c] = pd.to_datetime(df[c], format="ISO8601")
"""


def bare_read(path: Path) -> None:
    import pandas as pd

    df = pd.read_csv(path, engine="pyarrow")
    for c in [c for c in df.columns if c.endswith("_at")]:
        df[c] = pd.to_datetime(df[c], format="ISO8601")


def charter_read(path: Path) -> None:
    from charter_cli.tickets.read import read_tickets

    read_tickets([path], timezone="Europe/Oslo")


def timed(func: object, *args: object) -> float:
    start = time.perf_counter()
    func(*args)  # type: ignore[operator]
    return time.perf_counter() - start


def process(cmd: list[str]) -> tuple[float, int]:
    """Wall time and peak resident memory (KiB) of this one child process."""
    start = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    # wait4 gives the resources of this child alone (RUSAGE_CHILDREN would be the largest of
    # every child so far, the export generator included)
    _, _, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = 0  # reaped above; keeps Popen from waiting for it again
    return wall, usage.ru_maxrss


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    data = ROOT / "benchmarks" / "out" / f"tickets-{args.tickets}.csv"
    if not data.exists():
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "benchmarks" / "make_tickets.py"),
                str(args.tickets),
                str(data),
            ],
            check=True,
        )
    charter = str(Path(sys.executable).with_name("charter"))
    # this process's allocator set as `charter` sets its own (charter_cli/memory.py); both
    # arms of the import comparison run in it
    from charter_cli.memory import tune_allocator

    tune_allocator()

    bare, ours = [], []
    charter_read(data)  # warm imports and caches once
    for _ in range(args.runs):
        bare.append(timed(bare_read, data))
        ours.append(timed(charter_read, data))
    base_proc, audit_proc, quiet_proc, peaks = [], [], [], []
    for _ in range(args.runs):
        base_proc.append(process([sys.executable, "-c", BASELINE, str(data)])[0])
        # the command as a manager runs it, terminal report included (stdout not a terminal)
        wall, peak = process([charter, "audit", str(CHARTER), str(data)])
        audit_proc.append(wall)
        peaks.append(peak)
        quiet_proc.append(process([charter, "audit", str(CHARTER), str(data), "-q"])[0])

    med = statistics.median
    import_ratio = med(ours) / med(bare)
    audit_ratio = med(audit_proc) / med(base_proc)
    print(f"machine: {machine()}")
    print(
        f"export: {data.name}, {args.tickets:,} tickets, {data.stat().st_size / 1e6:.0f} MB; medians of {args.runs} runs"
    )
    print(
        f"import   bare pandas read + to_datetime: {med(bare):.2f} s   read_tickets: {med(ours):.2f} s   ratio {import_ratio:.2f} (target ≤ 2)"
    )
    print(
        f"audit    bare read+parse process: {med(base_proc):.2f} s   charter audit process: {med(audit_proc):.2f} s   ratio {audit_ratio:.2f} (target ≤ 3)"
    )
    print(
        f"audit -q (no report) process: {med(quiet_proc):.2f} s   ratio {med(quiet_proc) / med(base_proc):.2f}"
    )
    print(f"audit    peak memory (largest of the runs): {max(peaks) / 1024:.0f} MB (target < 2048)")
    ok = import_ratio <= 2 and audit_ratio <= 3 and max(peaks) < 2 * 1024 * 1024
    print("targets:", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
