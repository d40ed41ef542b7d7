"""Where the whole audit's time goes, phase by phase, in one process (issue 14).

    python benchmarks/phases.py benchmarks/out/tickets-1000000.csv [--events FILE] [--runs 3]
        [--charter CHARTER]

Imports (measured in a fresh interpreter each run), reading the export(s), the audit of every
promise, summing the audit up for the reports, and the terminal report; medians of the runs.
The floor of bench_pipeline.py is printed beside it: its import of pandas and pyarrow, and its
read and parse."""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHARTER = ROOT / "charters" / "examples" / "nordlys-nettbutikk.yaml"


def _import_time(code: str) -> float:
    out = subprocess.run(
        [sys.executable, "-c", f"import time; t = time.perf_counter(); {code}; "
         "print(time.perf_counter() - t)"],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return float(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("export", type=Path)
    parser.add_argument("--events", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--charter", type=Path, default=CHARTER)
    args = parser.parse_args()

    from charter_cli.audit import read_inputs
    from charter_cli.partition import run
    from charter_cli.report import renderer
    from charter_cli.report.common import Options
    from charter_cli.summary import Wants

    times: dict[str, list[float]] = {}
    steps: list[tuple[str, float]] = []  # the audit's steps of the current run, timed

    def step(what: str, done: int, total: int) -> None:
        steps.append((what, time.perf_counter()))

    def lap(name: str, start: float) -> float:
        now = time.perf_counter()
        times.setdefault(name, []).append(now - start)
        return now

    for _ in range(args.runs):
        times.setdefault("imports (charter)", []).append(
            _import_time("import charter_cli.cli, charter_cli.audit, charter_cli.report.text")
        )
        times.setdefault("imports (floor: pandas, pyarrow)", []).append(
            _import_time("import pandas, pyarrow.csv")
        )
        t = time.perf_counter()
        loaded = read_inputs(
            str(args.charter),
            [str(args.export)],
            profile=None,
            events=[str(args.events)] if args.events else [],
            as_of=None,
            since=None,
            until=None,
        )
        t = lap("read", t)
        steps.clear()
        result = run(loaded, Wants(csv=False, keys=(), worst=10, record=False), step=step)
        summing = next((at for what, at in steps if what == "summing up"), None)
        if summing is not None:
            times.setdefault("audit (promises)", []).append(summing - t)
            times.setdefault("summing up", []).append(time.perf_counter() - summing)
        t = time.perf_counter()
        text = renderer("text")(result, Options(by=(), width=100, top=10))
        lap("terminal report", t)
        del loaded, result, text
    width = max(map(len, times))
    for name, values in times.items():
        print(f"{name:<{width}}  {statistics.median(values):6.2f} s")


if __name__ == "__main__":
    main()
