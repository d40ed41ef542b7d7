"""The vectorised clock equals the simple reference, to the second, on random calendars."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from charter_cli.charter.model import Calendar, HolidayDate
from charter_cli.charter.values import Interval
from charter_cli.clock import NAT, BusinessClock
from tests.clock import reference as ref

ZONES = [
    "Europe/Oslo",
    "Europe/Warsaw",
    "America/New_York",
    "Australia/Lord_Howe",  # 30-minute DST
    "Asia/Kolkata",  # +05:30, no DST
    "Pacific/Chatham",  # +12:45 / +13:45
    "UTC",
]
COUNTRY = {
    "Europe/Oslo": "NO",
    "Europe/Warsaw": "PL",
    "America/New_York": "US",
    "Pacific/Chatham": "NZ",
}
# windows around 2026's DST changes, north and south, and one quiet stretch
WINDOWS = [
    date(2026, 3, 6),
    date(2026, 3, 22),
    date(2026, 4, 1),
    date(2026, 9, 24),
    date(2026, 10, 20),
    date(2026, 6, 10),
]
SPAN_DAYS = 24


def _fmt(m: int) -> str:
    return f"{m // 60 % 24:02d}:{m % 60:02d}"


@st.composite
def weeks(draw: st.DrawFn) -> tuple[tuple[Interval, ...], ...]:
    """Random weekly hours: 0–3 intervals a day, some running past midnight, none overlapping."""
    grid = st.integers(0, 96).map(lambda q: q * 15) | st.integers(0, 1440)
    days: list[list[Interval]] = []
    for _ in range(7):
        cuts = sorted(draw(st.sets(grid, max_size=6)))
        if len(cuts) % 2:
            cuts = cuts[:-1]
        days.append(
            [
                Interval(a, b, f"{_fmt(a)}-{_fmt(b)}", b)
                for a, b in zip(cuts[::2], cuts[1::2], strict=True)
            ]
        )
    for d in range(7):
        if not draw(st.booleans()) or draw(st.integers(0, 3)) > 0:
            continue
        last_end = max((iv.end for iv in days[d]), default=0)
        nxt = days[(d + 1) % 7]
        first_next = min((iv.start for iv in nxt), default=1440)
        if last_end >= 1439 or first_next < 1:
            continue
        start = draw(st.integers(last_end + 1, 1439))
        end = draw(st.integers(1, first_next)) if first_next > 1 else 1
        days[d].append(Interval(start, 1440 + end, f"{_fmt(start)}-{_fmt(end)}", end))
    return tuple(tuple(d) for d in days)


@st.composite
def calendars(draw: st.DrawFn) -> tuple[Calendar, date]:
    zone = draw(st.sampled_from(ZONES))
    base = draw(st.sampled_from(WINDOWS))
    always = draw(st.integers(0, 9)) == 0
    extra = draw(
        st.lists(
            st.tuples(st.integers(0, SPAN_DAYS), st.booleans(), st.integers(0, 20)), max_size=3
        )
    )
    dates = []
    for offset, own_hours, start_q in extra:
        day = base + timedelta(days=offset)
        hours = (
            (Interval(start_q * 30, start_q * 30 + 180, "x", start_q * 30 + 180),)
            if own_hours
            else ()
        )
        dates.append(
            HolidayDate(None if draw(st.booleans()) else day.year, day.month, day.day, None, hours)
        )
    cal = Calendar(
        name="random",
        timezone=zone,
        always=always,
        week=draw(weeks()),
        country=COUNTRY.get(zone) if draw(st.booleans()) else None,
        dates=tuple(dates),
    )
    return cal, base


def _bounds(base: date) -> tuple[int, int]:
    lo = int(datetime(base.year, base.month, base.day, tzinfo=UTC).timestamp())
    return lo, lo + SPAN_DAYS * 86400


def _build(cal: Calendar, base: date) -> tuple[BusinessClock, list[ref.RefInterval]]:
    first, last = base - timedelta(days=3), base + timedelta(days=SPAN_DAYS + 40)
    return BusinessClock.build(cal, first, last), ref.intervals(cal, first, last)


instants = st.integers(0, SPAN_DAYS * 86400)


@given(calendars(), st.lists(st.tuples(instants, instants), min_size=1, max_size=12))
def test_elapsed_equals_reference(
    case: tuple[Calendar, date], pairs: list[tuple[int, int]]
) -> None:
    cal, base = case
    clock, ivs = _build(cal, base)
    lo, _ = _bounds(base)
    t0 = np.array([lo + a for a, _ in pairs], dtype=np.int64)
    t1 = np.array([lo + b for _, b in pairs], dtype=np.int64)
    got = clock.elapsed_s(t0, t1)
    want = [ref.elapsed(ivs, int(a), int(b)) for a, b in zip(t0, t1, strict=True)]
    assert got.tolist() == want


@given(
    calendars(), st.lists(st.tuples(instants, st.integers(0, 30 * 3600)), min_size=1, max_size=12)
)
def test_deadline_equals_reference(
    case: tuple[Calendar, date], pairs: list[tuple[int, int]]
) -> None:
    cal, base = case
    clock, ivs = _build(cal, base)
    lo, _ = _bounds(base)
    t0 = np.array([lo + a for a, _ in pairs], dtype=np.int64)
    allow = np.array([b for _, b in pairs], dtype=np.int64)
    got = clock.deadline_s(t0, allow)
    want = [ref.deadline(ivs, int(a), int(b)) for a, b in zip(t0, allow, strict=True)]
    assert [None if g == NAT else g for g in got.tolist()] == want


@given(calendars(), st.lists(st.tuples(instants, st.integers(0, 10)), min_size=1, max_size=12))
def test_working_days_equal_reference(
    case: tuple[Calendar, date], pairs: list[tuple[int, int]]
) -> None:
    cal, base = case
    clock, ivs = _build(cal, base)
    lo, _ = _bounds(base)
    t0 = np.array([lo + a for a, _ in pairs], dtype=np.int64)
    n = np.array([b for _, b in pairs], dtype=np.int64)
    got = clock.working_days_deadline_s(t0, n)
    want = [ref.working_days_deadline(ivs, int(a), int(b)) for a, b in zip(t0, n, strict=True)]
    assert [None if g == NAT else g for g in got.tolist()] == want


@given(calendars(), st.lists(st.tuples(instants, instants, instants), min_size=1, max_size=12))
def test_elapsed_is_additive(
    case: tuple[Calendar, date], triples: list[tuple[int, int, int]]
) -> None:
    cal, base = case
    clock, _ = _build(cal, base)
    lo, _ = _bounds(base)
    a, b, c = (np.array([lo + t[i] for t in triples], dtype=np.int64) for i in range(3))
    assert (clock.elapsed_s(a, b) + clock.elapsed_s(b, c) == clock.elapsed_s(a, c)).all()


@given(
    calendars(),
    st.lists(st.tuples(instants, st.integers(1, 30 * 3600), instants), min_size=1, max_size=12),
)
def test_deadline_and_elapsed_are_inverse(
    case: tuple[Calendar, date], rows: list[tuple[int, int, int]]
) -> None:
    cal, base = case
    clock, _ = _build(cal, base)
    lo, _ = _bounds(base)
    t0 = np.array([lo + r[0] for r in rows], dtype=np.int64)
    allow = np.array([r[1] for r in rows], dtype=np.int64)
    due = clock.deadline_s(t0, allow)
    ok = due != NAT
    # the deadline uses up exactly the allowance, and no earlier instant does
    assert (clock.elapsed_s(t0[ok], due[ok]) == allow[ok]).all()
    assert (clock.elapsed_s(t0[ok], due[ok] - 1) < allow[ok]).all()
    # and the deadline of the business time up to t1 is never after t1
    t1 = np.maximum(t0, np.array([lo + r[2] for r in rows], dtype=np.int64))
    spent = clock.elapsed_s(t0, t1)
    back = clock.deadline_s(t0, spent)
    assert (back <= t1).all()
    assert (clock.elapsed_s(t0, back) == spent).all()


@given(
    st.sampled_from(ZONES),
    st.sampled_from(WINDOWS),
    st.lists(st.tuples(instants, instants), min_size=1, max_size=12),
)
def test_always_open_is_wall_clock_time(
    zone: str, base: date, pairs: list[tuple[int, int]]
) -> None:
    cal = Calendar(name="always", timezone=zone, always=True)
    clock, _ = _build(cal, base)
    lo, _ = _bounds(base)
    t0 = np.array([lo + a for a, _ in pairs], dtype=np.int64)
    t1 = np.array([lo + b for _, b in pairs], dtype=np.int64)
    assert (clock.elapsed_s(t0, t1) == t1 - t0).all()
    allow = np.abs(t1 - t0)
    assert (clock.deadline_s(t0, allow) == t0 + allow).all()


@given(
    calendars(),
    st.lists(
        st.tuples(st.integers(0, 5), instants, st.integers(0, 3 * 86400), st.booleans()),
        max_size=15,
    ),
    st.lists(st.tuples(instants, instants), min_size=6, max_size=6),
)
def test_paused_time_equals_reference(
    case: tuple[Calendar, date],
    pauses: list[tuple[int, int, int, bool]],
    clocks: list[tuple[int, int]],
) -> None:
    cal, base = case
    clock, ivs = _build(cal, base)
    lo, _ = _bounds(base)
    t0 = np.array([lo + min(a, b) for a, b in clocks], dtype=np.int64)
    t1 = np.array([lo + max(a, b) for a, b in clocks], dtype=np.int64)
    # pauses of one ticket never overlap: lay each ticket's pauses end to end
    rows: list[tuple[int, int, int]] = []
    cursor: dict[int, int] = {}
    for ticket, start, length, open_ended in sorted(pauses, key=lambda p: (p[0], p[1])):
        begin = max(lo + start, cursor.get(ticket, 0))
        end = NAT if open_ended else begin + length
        if ticket in cursor and cursor[ticket] == NAT:
            continue
        rows.append((ticket, begin, end))
        cursor[ticket] = end if end != NAT else NAT
    tk = np.array([r[0] for r in rows], dtype=np.int64)
    ps = np.array([r[1] for r in rows], dtype=np.int64)
    pe = np.array([r[2] for r in rows], dtype=np.int64)
    got = clock.paused_s(tk, ps, pe, t0, t1)
    want = [0] * 6
    for ticket, begin, end in rows:
        stop = int(t1[ticket]) if end == NAT else end
        a, b = max(begin, int(t0[ticket])), min(stop, int(t1[ticket]))
        if b > a:
            want[ticket] += ref.elapsed(ivs, a, b)
    assert got.tolist() == want
