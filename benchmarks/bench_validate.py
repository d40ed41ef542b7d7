"""Benchmark of record for `charter validate` (issue 2).

    python benchmarks/bench_validate.py [--runs R]

- a directory of 100 charters (copies of the shipped examples and test charters, valid and
  invalid) validated by one `charter validate` process: target under 3 s in total;
- a "billion laughs" alias bomb: target refused within 2 s and 200 MB of memory.

Medians of R runs; each run is a fresh process, start-up included.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted((ROOT / "charters" / "examples").glob("*.yaml")) + sorted(
    (ROOT / "tests" / "data" / "charters").rglob("*.yaml")
)


def bomb(levels: int = 12, width: int = 10) -> str:
    lines = ["charter: 1", "a0: &a0 [" + ", ".join(["lol"] * width) + "]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def run(cmd: list[str]) -> tuple[float, int, int]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, check=False)
    wall = time.perf_counter() - start
    return (
        wall,
        max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss),
        done.returncode,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    charter = str(Path(sys.executable).with_name("charter"))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "charters"
        folder.mkdir()
        for i in range(100):
            source = SOURCES[i % len(SOURCES)]
            shutil.copy(source, folder / f"{i:03d}-{source.name}")
        bomb_file = Path(tmp) / "bomb.yaml"
        bomb_file.write_text(bomb())
        walls = [run([charter, "validate", str(folder)])[0] for _ in range(args.runs)]
        bombs = [run([charter, "validate", str(bomb_file)]) for _ in range(args.runs)]
    peak_mb = max(b[1] for b in bombs) / 1024
    print(
        f"100 charters ({len(SOURCES)} distinct, valid and invalid), one process: median {statistics.median(walls):.2f} s (target < 3 s)"
    )
    print(
        f"alias bomb (10^12 nodes if expanded): median {statistics.median(b[0] for b in bombs):.2f} s, exit {bombs[0][2]}, peak at most {peak_mb:.0f} MB (targets < 2 s, < 200 MB)"
    )
    ok = (
        statistics.median(walls) < 3
        and statistics.median(b[0] for b in bombs) < 2
        and peak_mb < 200
        and bombs[0][2] == 1
    )
    print("targets:", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
