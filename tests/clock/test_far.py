"""Minute tables over a window of the clock's range, `searchsorted` outside it: the same answers
as `searchsorted` alone, for instants near the window and far from it (a stray year), on random
calendars in DST zones; and a clock over 150 years stays small."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from charter_cli.charter.model import Calendar, build_calendar
from charter_cli.clock import DAY, NAT, TABLE_SPAN, BusinessClock, _Lookup
from tests.clock.test_properties import calendars

NO_TABLES = (0, -1)
RANGE_DAYS = 400  # either side of the calendar's base day


def _seconds(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


def _same(
    a: BusinessClock, b: BusinessClock, t0: np.ndarray, t1: np.ndarray, allow: np.ndarray
) -> None:
    assert a.business_s(t0).tolist() == b.business_s(t0).tolist()
    assert a.elapsed_s(t0, t1).tolist() == b.elapsed_s(t0, t1).tolist()
    assert a.deadline_s(t0, allow).tolist() == b.deadline_s(t0, allow).tolist()
    assert [x.tolist() for x in a.measure(t0, t1, allow)] == [
        x.tolist() for x in b.measure(t0, t1, allow)
    ]


@given(
    calendars(),
    st.integers(-20, 40),  # where the window starts, in days from the base day
    st.integers(0, 60),  # how long it is, in days
    st.lists(
        st.tuples(
            st.one_of(
                st.integers(-3 * DAY, 70 * DAY),  # near the window (around the base day)
                st.integers(-RANGE_DAYS * DAY, RANGE_DAYS * DAY),  # anywhere: far from it
                st.integers(-50 * 365 * DAY, 50 * 365 * DAY),  # even outside the clock's range
                st.just(NAT),
            ),
            st.integers(-2 * DAY, 200 * DAY),  # the stop, after (or before) the start
            st.integers(-3600, 90 * DAY),  # an allowance
        ),
        min_size=1,
        max_size=30,
    ),
)
def test_tables_for_a_window_answer_as_searchsorted(
    case: tuple[Calendar, date], start: int, length: int, rows: list[tuple[int, int, int]]
) -> None:
    cal, base = case
    plain = BusinessClock.build(
        cal, base - timedelta(days=RANGE_DAYS), base + timedelta(days=RANGE_DAYS), tables=NO_TABLES
    )
    assert not plain.index.aligned
    lo = _seconds(base) + start * DAY
    tabled = plain.with_tables((lo, lo + length * DAY))
    # every zone here has whole-minute boundaries; a calendar never open has nothing to tabulate
    assert tabled.index.aligned == bool(plain.opens.size)
    origin = _seconds(base)
    t0 = np.array([NAT if a == NAT else origin + a for a, _, _ in rows], dtype=np.int64)
    t1 = np.array([NAT if a == NAT else origin + a + b for a, b, _ in rows], dtype=np.int64)
    allow = np.array([c for _, _, c in rows], dtype=np.int64)
    _same(tabled, plain, t0, t1, allow)


@given(
    st.lists(st.tuples(st.integers(1, 50), st.integers(1, 50)), min_size=1, max_size=40),
    st.integers(-100, 3000),
    st.integers(0, 3000),
    st.lists(st.integers(-200_000, 400_000), min_size=1, max_size=30),
)
def test_a_lookup_window_anywhere_agrees_with_searchsorted(
    gaps: list[tuple[int, int]], start: int, length: int, offsets: list[int]
) -> None:
    """Windows that cut intervals, hold none, or lie outside the intervals altogether."""
    opens, closes, t = [], [], 1_800_000_000
    for gap, size in gaps:
        t += gap * 60
        opens.append(t)
        t += size * 60
        closes.append(t)
    o, c = np.array(opens, dtype=np.int64), np.array(closes, dtype=np.int64)
    cum = np.concatenate(([0], np.cumsum(c - o)[:-1])).astype(np.int64)
    first = opens[0] + start * 60 + 17  # not on a whole minute: the window starts before it
    windowed = _Lookup.build(o, c, cum, first, first + length * 60)
    plain = _Lookup.build(o, c, cum, first, first + length * 60, tables=False)
    assert windowed.aligned and not plain.aligned
    q = np.array([opens[0] + x for x in offsets], dtype=np.int64)
    assert windowed.business(q).tolist() == plain.business(q).tolist()
    total = int((c - o).sum())
    targets = np.array([1 + abs(x) % (total + 100) for x in offsets], dtype=np.int64)
    got, beyond = windowed.instant(targets)
    want, beyond_plain = plain.instant(targets)
    assert beyond.tolist() == beyond_plain.tolist()
    assert got[~beyond].tolist() == want[~beyond].tolist()


def test_a_clock_over_150_years_has_tables_for_the_bulk_only() -> None:
    cal = build_calendar(
        "office",
        {"hours": {"mon-fri": "08:00-16:00"}, "holidays": {"country": "NO"}},
        "Europe/Oslo",
    )
    lo, hi = _seconds(date(2026, 1, 1)), _seconds(date(2176, 1, 1))
    bulk = (lo, _seconds(date(2026, 12, 31)))
    clock = BusinessClock.spanning(cal, lo, hi, allowance=8 * 3600, bulk=bulk)
    plain = clock.with_tables(NO_TABLES)
    assert clock.index.aligned and clock.index.open_minute.size < 400 * 1440
    rng = np.random.default_rng(150)
    near = rng.integers(bulk[0], bulk[1], 20_000)
    far = rng.integers(lo, hi, 2_000)
    t0 = np.concatenate((near, far))
    t1 = t0 + rng.integers(0, 30 * DAY, t0.size)
    allow = rng.integers(0, 40 * 3600, t0.size)
    _same(clock, plain, t0, t1, allow)
    # without a bulk the whole span is the bulk: wider than tables may be, so none
    assert not BusinessClock.spanning(cal, lo, hi).index.aligned


def test_tables_are_capped() -> None:
    cal = build_calendar("always", {"hours": {"mon-sun": "00:00-24:00"}}, "UTC")
    lo = _seconds(date(2020, 1, 1))
    years = TABLE_SPAN // (366 * DAY)
    within = BusinessClock.spanning(cal, lo, lo + (years - 1) * 365 * DAY)
    beyond = BusinessClock.spanning(cal, lo, lo + (years + 1) * 366 * DAY)
    assert within.index.aligned and not beyond.index.aligned
    # a long deadline after a narrow bulk: tables from the bulk on, at most TABLE_SPAN
    long = BusinessClock.spanning(cal, lo, lo + DAY, allowance=3 * TABLE_SPAN)
    assert long.index.aligned
    assert long.index.open_minute.size * 60 <= TABLE_SPAN + 2 * 60
