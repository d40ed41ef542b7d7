"""Wall-clock → UTC (`localize`) against a value-by-value zoneinfo reference, in zones whose
changes are on the hour, on the half hour, at 02:45, negative (Dublin's winter "DST") and in
the southern hemisphere; every value near a change is drawn as often as any other."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from charter_cli.zones import HOUR, localize, transitions

ZONES = (
    "Europe/Oslo",
    "America/New_York",
    "Pacific/Chatham",
    "Australia/Lord_Howe",
    "Europe/Dublin",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "UTC",
)


def reference(wall: int, tz: str, *, start: bool) -> int:
    """One value, the slow and obvious way: try both folds, keep the readings that give the same
    wall time back; none is a gap (answer: the change), two an overlap."""
    zone = ZoneInfo(tz)
    naive = datetime.fromtimestamp(wall, ZoneInfo("UTC")).replace(tzinfo=None)
    readings = {int(naive.replace(tzinfo=zone, fold=f).timestamp()) for f in (0, 1)}
    valid = sorted(
        u for u in readings if datetime.fromtimestamp(u, zone).replace(tzinfo=None) == naive
    )
    if valid:
        return valid[0] if start else valid[-1]
    lo, hi = min(readings), max(readings)  # the change lies between the two readings
    before = datetime.fromtimestamp(lo, zone).utcoffset()
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if datetime.fromtimestamp(mid, zone).utcoffset() == before:
            lo = mid
        else:
            hi = mid
    return hi


YEAR_2026 = int(np.datetime64("2026-01-01T00:00:00", "s").astype(np.int64))


@st.composite
def walls(draw: st.DrawFn) -> tuple[str, list[int]]:
    tz = draw(st.sampled_from(ZONES))
    changes, offsets = transitions(tz, YEAR_2026 // HOUR - 24, (YEAR_2026 + 366 * 86400) // HOUR)
    anchors = [int(c + o) for c, o in zip(changes, offsets[1:], strict=True)] or [YEAR_2026]
    near = st.builds(lambda a, d: a + d, st.sampled_from(anchors), st.integers(-3 * HOUR, 3 * HOUR))
    anywhere = st.integers(YEAR_2026, YEAR_2026 + 365 * 86400)
    values = draw(st.lists(st.one_of(near, anywhere), min_size=1, max_size=40))
    return tz, values


@given(walls(), st.booleans())
def test_localize_matches_zoneinfo_value_by_value(case: tuple[str, list[int]], start: bool) -> None:
    tz, values = case
    wall = np.array(values, dtype=np.int64)
    expected = [reference(v, tz, start=start) for v in values]
    got = localize(wall.view("datetime64[s]"), tz, start=start)
    assert got.tolist() == expected
    # as many values as hours in their range: the table of hours, not value by value
    hours = (wall.max() - wall.min()) // HOUR + 1
    dense = np.tile(wall, -(-hours // wall.size))
    got = localize(dense.view("datetime64[s]"), tz, start=start)[: wall.size]
    assert got.tolist() == expected


def test_chatham_gap_at_0245_is_the_change_itself() -> None:
    # 2026-09-27 02:45 NZST+12:45 → NZDT+13:45: 02:45–03:45 does not exist
    wall = np.array(["2026-09-27T03:00:00", "2026-09-27T03:44:59"], dtype="datetime64[s]")
    got = localize(wall, "Pacific/Chatham", start=True)
    change = int(datetime(2026, 9, 27, 2, 45, tzinfo=ZoneInfo("Pacific/Chatham")).timestamp())
    assert got.tolist() == [change, change]


def test_fall_back_hour_is_earlier_for_starts_and_later_for_ends() -> None:
    wall = np.array(["2026-10-25T02:30:00"], dtype="datetime64[s]")  # Oslo, twice that night
    early = localize(wall, "Europe/Oslo", start=True)[0]
    late = localize(wall, "Europe/Oslo", start=False)[0]
    assert late - early == HOUR
    assert early == int(np.datetime64("2026-10-25T00:30:00", "s").astype(np.int64))


def test_a_long_span_of_years_in_one_call() -> None:
    rng = np.random.default_rng(5)
    low = int(np.datetime64("1971-01-01", "s").astype(np.int64))
    high = int(np.datetime64("2199-01-01", "s").astype(np.int64))
    values = rng.integers(low, high, 3000)
    got = localize(values.view("datetime64[s]"), "America/New_York", start=True)
    assert got.tolist() == [reference(int(v), "America/New_York", start=True) for v in values]
