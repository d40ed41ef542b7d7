"""Shared helpers for the benchmarks: synthetic tickets and honest timing (medians, same run)."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

YEAR_START = np.datetime64("2026-01-01T00:00:00", "s").astype(np.int64)
YEAR_SECONDS = 365 * 86400


def synthetic_instants(n: int, seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    """n (created, replied) pairs over 2026, UTC seconds; replies 0–72 h later."""
    rng = np.random.default_rng(seed)
    created = YEAR_START + rng.integers(0, YEAR_SECONDS, n)
    replied = created + rng.exponential(6 * 3600, n).astype(np.int64) % (72 * 3600)
    return created.astype(np.int64), replied.astype(np.int64)


def median_seconds(func: Callable[[], object], runs: int) -> tuple[float, list[float]]:
    """Median wall time of `runs` calls (after one warm-up), and all the times."""
    func()
    times = []
    for _ in range(runs):
        gc.collect()
        t = time.perf_counter()
        func()
        times.append(time.perf_counter() - t)
    return statistics.median(times), times


def machine() -> str:
    import os
    import platform

    python = f"{platform.python_implementation()} {platform.python_version()}"
    return f"{python}, {os.cpu_count()} cores, pandas {pd.__version__}, numpy {np.__version__}"
