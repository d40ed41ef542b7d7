"""The vectorised clock against the plainest possible reference: step minute by minute and ask
the wall clock whether the calendar is open.

Schedules here keep their boundaries away from the hours in which clocks change (between 00:30
and 04:30), where "is it open at this wall-clock time?" has no single answer and DESIGN.md §10.2
decides instead; the property tests in test_properties.py cover those hours against the
interval reference.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from charter_cli.charter.model import build_calendar
from charter_cli.clock import BusinessClock

ZONES = [
    "Europe/Oslo",
    "Europe/Warsaw",
    "America/New_York",
    "Australia/Lord_Howe",
    "Asia/Kolkata",
    "Pacific/Chatham",
    "UTC",
]
SCHEDULE = {"mon-fri": "07:30-12:00, 12:45-17:15", "sat": "10:00-14:00", "sun": "18:00-24:00"}
HOLIDAYS = {"dates": ["03-30", "10-05"]}
# three weeks around each zone's 2026 clock changes (and around the holidays above)
WINDOWS = [date(2026, 3, 20), date(2026, 9, 22), date(2026, 10, 20)]
DAYS = 21


def minute_is_open(t: int, zone: ZoneInfo) -> bool:
    local = datetime.fromtimestamp(t, zone)
    if (local.month, local.day) in ((3, 30), (10, 5)):
        return False
    minute = local.hour * 60 + local.minute
    spans = {
        0: [(450, 720), (765, 1035)], 1: [(450, 720), (765, 1035)], 2: [(450, 720), (765, 1035)],
        3: [(450, 720), (765, 1035)], 4: [(450, 720), (765, 1035)], 5: [(600, 840)], 6: [(1080, 1440)],
    }[local.weekday()]  # fmt: skip
    return any(a <= minute < b for a, b in spans)


def stepped(zone_name: str, base: date) -> tuple[int, np.ndarray]:
    """The business seconds before each minute of the window, by asking minute by minute."""
    zone = ZoneInfo(zone_name)
    start = int(datetime(base.year, base.month, base.day, tzinfo=UTC).timestamp())
    counts = [0]
    for k in range(DAYS * 1440):
        counts.append(counts[-1] + (60 if minute_is_open(start + 60 * k, zone) else 0))
    return start, np.array(counts, dtype=np.int64)


CACHE: dict[tuple[str, date], tuple[int, np.ndarray, BusinessClock]] = {}


def window(zone: str, base: date) -> tuple[int, np.ndarray, BusinessClock]:
    if (zone, base) not in CACHE:
        start, counts = stepped(zone, base)
        cal = build_calendar("stepped", {"hours": SCHEDULE, "holidays": HOLIDAYS}, zone)
        clock = BusinessClock.build(cal, base - timedelta(days=3), base + timedelta(days=DAYS + 3))
        CACHE[(zone, base)] = (start, counts, clock)
    return CACHE[(zone, base)]


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("base", WINDOWS, ids=str)
def test_every_minute_of_three_weeks(zone: str, base: date) -> None:
    start, counts, clock = window(zone, base)
    minutes = start + 60 * np.arange(DAYS * 1440 + 1, dtype=np.int64)
    got = clock.elapsed_s(np.full(minutes.size, start, dtype=np.int64), minutes)
    assert np.array_equal(got, counts)


@given(
    st.sampled_from(ZONES),
    st.sampled_from(WINDOWS),
    st.lists(
        st.tuples(st.integers(0, DAYS * 1440 * 60 - 1), st.integers(0, DAYS * 1440 * 60 - 1)),
        min_size=1,
        max_size=20,
    ),
)
def test_elapsed_between_any_seconds(zone: str, base: date, pairs: list[tuple[int, int]]) -> None:
    start, counts, clock = window(zone, base)
    zone_info = ZoneInfo(zone)

    def business(offset: int) -> int:
        minute, second = divmod(offset, 60)
        partial = second if minute_is_open(start + 60 * minute, zone_info) else 0
        return int(counts[minute]) + partial

    t0 = np.array([start + a for a, _ in pairs], dtype=np.int64)
    t1 = np.array([start + b for _, b in pairs], dtype=np.int64)
    want = [business(b) - business(a) for a, b in pairs]
    assert clock.elapsed_s(t0, t1).tolist() == want
