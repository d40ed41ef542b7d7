"""The benchmark of record for the business clock (issue 3).

For N tickets over one year (default 1,000,000), computes elapsed + deadline on two calendars
(office hours with Norwegian holidays, and evenings 7 days a week) with the vectorised clock,
and the same elapsed times with a per-row loop of the `businesstime` package on a random sample
of the same tickets (a full loop takes minutes; its per-ticket rate is what is compared). Both are
timed in the same run; medians of several runs are reported.

    python benchmarks/bench_clock.py [--tickets N] [--sample K] [--runs R]

Needs `pip install -e '.[bench]'` for businesstime.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import machine, median_seconds, synthetic_instants

from charter_cli.charter.model import build_calendar
from charter_cli.clock import BusinessClock, public_holidays

OFFICE = {"hours": {"mon-fri": "08:00-16:00"}, "holidays": {"country": "NO"}}
EVENINGS = {"hours": {"mon-sun": "08:00-22:00"}}


def vectorised(created: np.ndarray, replied: np.ndarray) -> None:
    lo, hi = int(created.min()), int(replied.max())  # once per audit, shared by every calendar
    for spec in (OFFICE, EVENINGS):
        cal = build_calendar("c", spec, "Europe/Oslo")
        clock = BusinessClock.spanning(cal, lo, hi, allowance=4 * 3600)
        clock.measure(created, replied, np.int64(4 * 3600))


def per_row(created: np.ndarray, replied: np.ndarray) -> None:
    import businesstime

    days = sorted(public_holidays("NO", None, 2025, 2027))
    office = businesstime.BusinessTime(business_hours=(dt.time(8), dt.time(16)), holidays=days)
    evenings = businesstime.BusinessTime(business_hours=(dt.time(8), dt.time(22)), weekends=())
    # businesstime knows no time zones: it gets naive Oslo wall-clock times (a head start)
    offset = np.timedelta64(1, "h")
    c = (created.view("datetime64[s]") + offset).astype(dt.datetime)
    r = (replied.view("datetime64[s]") + offset).astype(dt.datetime)
    for bt in (office, evenings):
        for a, b in zip(c, r, strict=True):
            bt.businesstimedelta(a, b)


def calendar_build() -> None:
    cal = build_calendar("c", OFFICE, "Europe/Oslo")
    BusinessClock.build(cal, dt.date(2024, 1, 1), dt.date(2028, 12, 31))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=20_000, help="tickets for the per-row loop")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    created, replied = synthetic_instants(args.tickets)
    rng = np.random.default_rng(1)
    pick = rng.choice(args.tickets, size=min(args.sample, args.tickets), replace=False)

    public_holidays.cache_clear()
    vec, vec_all = median_seconds(lambda: vectorised(created, replied), args.runs)
    loop, _ = median_seconds(lambda: per_row(created[pick], replied[pick]), max(3, args.runs // 2))
    public_holidays.cache_clear()
    build, _ = median_seconds(lambda: (public_holidays.cache_clear(), calendar_build()), args.runs)

    vec_rate = args.tickets / vec
    loop_rate = pick.size / loop
    print(f"machine: {machine()}")
    print(f"tickets: {args.tickets:,}; two calendars; elapsed + deadline each (vectorised)")
    print(
        f"vectorised clock:   median {vec:.3f} s of {len(vec_all)} runs"
        f" -> {vec_rate:,.0f} tickets/s"
    )
    print(
        f"businesstime loop:  median {loop:.3f} s for {pick.size:,} tickets (elapsed only)"
        f" -> {loop_rate:,.0f} tickets/s"
    )
    print(f"speed-up:           {vec_rate / loop_rate:,.0f} x")
    print(f"5-year calendar with holidays (built from scratch): median {build * 1000:.1f} ms")
    ok = vec_rate >= 3_000_000 and vec_rate / loop_rate >= 100 and build < 0.2
    print("targets (>= 3M tickets/s, >= 100x, build < 0.2 s):", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
