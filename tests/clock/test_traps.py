"""Named regression tests for the time traps of DESIGN.md §8, on charter-built calendars."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from charter_cli.charter.model import build_calendar
from charter_cli.clock import NAT, BusinessClock, to_seconds


def clock(
    hours: dict[str, str], tz: str = "Europe/Oslo", holidays: dict | None = None, year: int = 2026
) -> BusinessClock:
    spec: dict = {"hours": hours}
    if holidays:
        spec["holidays"] = holidays
    cal = build_calendar("t", spec, tz)
    return BusinessClock.build(cal, date(year - 1, 12, 1), date(year + 1, 1, 31))


def at(*local: str, tz: str = "Europe/Oslo") -> np.ndarray:
    return to_seconds(pd.Series(pd.to_datetime(list(local))).dt.tz_localize(tz))


def utc(*text: str) -> np.ndarray:
    return to_seconds(pd.to_datetime(list(text), utc=True))


def test_friday_1630_with_one_hour_is_due_monday_0930() -> None:
    c = clock({"mon-fri": "09:00-17:00"})
    due = c.deadline_s(at("2026-01-09 16:30"), np.array([3600]))  # a Friday
    assert (due == at("2026-01-12 09:30")).all()


def test_ticket_created_outside_hours_starts_at_next_opening() -> None:
    c = clock({"mon-fri": "09:00-17:00"})
    start = at("2026-01-10 11:00")  # Saturday
    assert c.elapsed_s(start, at("2026-01-12 09:00")).tolist() == [0]
    assert (c.deadline_s(start, np.array([1800])) == at("2026-01-12 09:30")).all()


def test_whole_day_loses_no_minute_at_midnight() -> None:
    whole = clock({"mon-sun": "00:00-24:00"})
    week = whole.elapsed_s(at("2026-01-05 00:00"), at("2026-01-12 00:00"))
    assert week.tolist() == [7 * 86400]
    almost = clock({"mon-sun": "00:00-23:59"})  # the trap: a minute lost every night
    assert almost.elapsed_s(at("2026-01-05 00:00"), at("2026-01-12 00:00")).tolist() == [
        7 * 86400 - 7 * 60
    ]


def test_lunch_break_is_not_business_time() -> None:
    c = clock({"mon-fri": "08:00-12:00, 12:30-16:00"})
    assert c.elapsed_s(at("2026-01-05 11:00"), at("2026-01-05 13:00")).tolist() == [5400]
    assert (c.deadline_s(at("2026-01-05 11:30"), np.array([3600])) == at("2026-01-05 13:00")).all()


def test_pending_over_a_weekend_removes_no_business_time() -> None:
    c = clock({"mon-fri": "09:00-17:00"})
    t0, t1 = at("2026-01-09 10:00"), at("2026-01-13 10:00")  # Friday → Tuesday
    paused = c.paused_s(np.array([0]), at("2026-01-09 17:00"), at("2026-01-12 09:00"), t0, t1)
    assert paused.tolist() == [0]
    assert c.elapsed_s(t0, t1).tolist() == [(7 + 8 + 1) * 3600]  # Fri 10–17, Mon, Tue 09–10


def test_hold_time_is_subtracted_when_resolved_straight_from_pending() -> None:
    c = clock({"mon-fri": "09:00-17:00"})
    t0, resolved = at("2026-01-05 09:00"), at("2026-01-05 15:00")
    # pending from 11:00 and never back to open: the pause has no end of its own
    paused = c.paused_s(np.array([0]), at("2026-01-05 11:00"), np.array([NAT]), t0, resolved)
    assert paused.tolist() == [4 * 3600]
    assert (c.elapsed_s(t0, resolved) - paused).tolist() == [2 * 3600]


def test_pause_counts_in_business_time_not_wall_clock() -> None:
    c = clock({"mon-fri": "09:00-17:00"})
    t0, t1 = at("2026-01-05 09:00"), at("2026-01-07 17:00")
    paused = c.paused_s(np.array([0]), at("2026-01-05 16:00"), at("2026-01-06 10:00"), t0, t1)
    assert paused.tolist() == [2 * 3600]  # 16–17 on Monday and 09–10 on Tuesday, not 18 h


def test_christmas_eve_half_day() -> None:
    c = clock(
        {"mon-fri": "08:00-16:00"},
        holidays={"country": "NO", "dates": [{"date": "12-24", "hours": "08:00-12:00"}, "12-31"]},
    )
    # Thursday 24 December 2026: open 08–12 only; 25 and 26 are public holidays
    assert c.elapsed_s(at("2026-12-24 00:00"), at("2026-12-25 00:00")).tolist() == [4 * 3600]
    due = c.deadline_s(at("2026-12-24 11:00"), np.array([2 * 3600]))
    assert (due == at("2026-12-28 09:00")).all()
    assert not c.is_open_day(date(2026, 12, 31))


@pytest.mark.parametrize(
    ("country", "tz", "day"),
    [("NO", "Europe/Oslo", date(2027, 5, 17)), ("PL", "Europe/Warsaw", date(2027, 5, 3))],
    ids=["17-May-Norway", "3-May-Poland"],
)
def test_national_days_are_closed(country: str, tz: str, day: date) -> None:
    c = clock({"mon-fri": "08:00-16:00"}, tz=tz, holidays={"country": country}, year=2027)
    assert day.weekday() == 0  # a Monday that would otherwise be open
    assert not c.is_open_day(day)
    assert c.is_open_day(date(2027, 5, 4) if country == "PL" else date(2027, 5, 18))


def test_regional_holiday_only_with_its_subdivision() -> None:
    bavaria = clock(
        {"mon-fri": "08:00-16:00"},
        tz="Europe/Berlin",
        holidays={"country": "DE", "subdivision": "BY"},
    )
    berlin = clock(
        {"mon-fri": "08:00-16:00"},
        tz="Europe/Berlin",
        holidays={"country": "DE", "subdivision": "BE"},
    )
    assert not bavaria.is_open_day(date(2026, 1, 6))  # Epiphany, Bavaria only
    assert berlin.is_open_day(date(2026, 1, 6))


def test_fall_back_night_holds_five_hours() -> None:
    c = clock({"mon-sun": "00:00-04:00"})
    assert c.elapsed_s(utc("2026-10-24T20:00Z"), utc("2026-10-25T20:00Z")).tolist() == [5 * 3600]


def test_spring_forward_gap_starts_at_the_transition() -> None:
    c = clock({"mon-sun": "02:30-05:00"})  # 02:30 does not exist on 29 March 2026 in Oslo
    opens = c.opens[
        (c.opens >= utc("2026-03-29T00:00Z")[0]) & (c.opens < utc("2026-03-30T00:00Z")[0])
    ]
    assert opens.tolist() == utc("2026-03-29T01:00Z").tolist()  # 03:00 CEST, the transition
    assert c.elapsed_s(utc("2026-03-29T00:00Z"), utc("2026-03-30T00:00Z")).tolist() == [2 * 3600]


def test_ambiguous_start_takes_the_earlier_instant_and_end_the_later() -> None:
    c = clock({"mon-sun": "02:30-02:45"})  # both boundaries fall in the repeated hour on 25 Oct
    day = (c.opens >= utc("2026-10-25T00:00Z")[0]) & (c.opens < utc("2026-10-26T00:00Z")[0])
    assert c.opens[day].tolist() == utc("2026-10-25T00:30Z").tolist()  # 02:30 CEST
    assert c.closes[day].tolist() == utc("2026-10-25T01:45Z").tolist()  # 02:45 CET


def test_chatham_gap_at_quarter_to_three() -> None:
    # Chatham's clocks jump 02:45 → 03:45; pandas' shift_forward gets this wrong, we do not
    c = clock({"sun": "00:00-02:45"}, tz="Pacific/Chatham")
    sunday = utc("2026-09-26T11:15Z", "2026-09-26T14:00Z")
    assert sunday[0] in c.opens and sunday[1] in c.closes


def test_working_days_run_to_close_of_business() -> None:
    c = clock({"mon-fri": "08:00-16:00"}, holidays={"country": "NO"})
    # Wednesday 13 May 2026 + 2 working days: Ascension (Thu 14) is closed → Mon 18 May 16:00
    due = c.working_days_deadline_s(at("2026-05-13 10:00"), 2)
    assert (due == at("2026-05-18 16:00")).all()
    # created after closing: the clock starts the next business day, which is day 0
    late = c.working_days_deadline_s(at("2026-05-12 20:00"), 1)
    assert (late == at("2026-05-15 16:00")).all()


def test_missing_instants_give_missing_results() -> None:
    c = clock({"mon-fri": "09:00-17:00"})
    t = np.array([NAT, at("2026-01-05 10:00")[0]])
    assert c.elapsed_s(t, t[::-1]).tolist() == [NAT, NAT]
    assert c.deadline_s(t, np.array([60, 60]))[0] == NAT
    assert np.isnat(c.elapsed(t.view("datetime64[s]"), t.view("datetime64[s]"))[0])


def test_covering_grows_until_the_deadline_fits() -> None:
    cal = build_calendar("thin", {"hours": {"wed": "10:00-11:00"}}, "UTC")
    start = utc("2026-01-01T00:00Z")
    c = BusinessClock.covering(cal, start, allowance=40 * 3600)  # 40 weeks of one hour a week
    due = c.deadline_s(start, np.array([40 * 3600]))
    assert due[0] != NAT
    assert c.elapsed_s(start, due).tolist() == [40 * 3600]
