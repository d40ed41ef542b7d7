"""Holidays from an iCalendar file: a Google Calendar export with an Outlook event in it
(VTIMEZONE blocks, CRLF, folded lines, Norwegian names), hand-computed against the clock."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from charter_cli.charter import load_charter
from charter_cli.charter.ical import IcalError, parse_ical
from charter_cli.charter.model import build_calendar
from charter_cli.cli import app
from charter_cli.clock import BusinessClock, _subtract, to_seconds
from charter_cli.errors import InvalidCharterError
from tests.conftest import DATA

CHARTER = DATA / "charters" / "valid" / "nordlys-closures.yaml"
ICS = DATA / "calendars" / "nordlys-closures.ics"
runner = CliRunner()


@pytest.fixture(scope="module")
def office() -> BusinessClock:
    charter = load_charter(CHARTER)
    return BusinessClock.build(charter.calendar("office"), date(2027, 1, 1), date(2027, 12, 31))


def oslo(*local: str) -> np.ndarray:
    return to_seconds(pd.Series(pd.to_datetime(list(local))).dt.tz_localize("Europe/Oslo"))


def open_hours(clock: BusinessClock, day: str) -> float:
    elapsed = clock.elapsed_s(oslo(f"{day} 00:00"), oslo(f"{day} 23:59"))
    return float(elapsed[0]) / 3600


@pytest.mark.parametrize(
    ("day", "hours", "why"),
    [
        ("2027-03-02", 6, "Allmøte, first Tuesday, 13:00-15:00 Oslo (recurring)"),
        ("2027-06-01", 6, "a cancelled all-day event closes nothing; the Allmøte still does"),
        ("2027-07-06", 8, "the July Allmøte is excluded (EXDATE)"),
        ("2027-08-03", 6, "the August Allmøte moved to 14:00-16:00 (RECURRENCE-ID)"),
        ("2027-03-10", 6.5, "12:00-13:30Z is 13:00-14:30 in Oslo in winter"),
        ("2027-04-14", 6, "floating 08:00-10:00, read in the calendar's zone (summer time)"),
        ("2027-09-22", 4, "Outlook's 'W. Europe Standard Time' from its VTIMEZONE, 12-16"),
        ("2027-07-19", 0, "first day of the holiday (all-day, several days)"),
        ("2027-07-30", 0, "last day: DTEND 2027-07-31 is exclusive"),
        ("2027-08-02", 8, "back after the holiday"),
        ("2027-12-23", 4, "the charter's own date keeps its own hours"),
        ("2027-12-24", 0, "Julaften from the file (not a public holiday in Norway)"),
        ("2027-12-31", 0, "an all-day event without DTEND lasts its day"),
        ("2027-05-17", 0, "a public holiday from the holidays library, beside the file"),
    ],
)
def test_closures_hand_computed(office: BusinessClock, day: str, hours: float, why: str) -> None:
    assert open_hours(office, day) == hours, why


def test_deadline_skips_the_two_week_holiday(office: BusinessClock) -> None:
    # Friday 16 July 15:00 + 2 business hours: 1 h that day, then Monday 2 August 08:00 + 1 h
    due = office.deadline_s(oslo("2027-07-16 15:00"), np.array([7200]))
    assert (due == oslo("2027-08-02 09:00")).all()


def test_working_days_skip_days_closed_all_day(office: BusinessClock) -> None:
    # a day whose hours a timed closure only shortens still counts as a business day
    due = office.deadline(oslo("2027-03-01 09:00"), working_days=1)
    assert (due.astype("datetime64[s]").view(np.int64) == oslo("2027-03-02 16:00")).all()


def test_holiday_names_for_explain(office: BusinessClock) -> None:
    assert office.holidays[date(2027, 12, 24)] == "Julaften"
    assert office.holidays[date(2027, 7, 22)] == "Fellesferie – kundeservice stengt"
    assert date(2027, 3, 2) in office.short_days


def _ics(*event: str) -> str:
    body = "\r\n".join(["BEGIN:VEVENT", "UID:x@test", *event, "END:VEVENT"])
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n{body}\r\nEND:VCALENDAR\r\n"


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("", 1, "empty"),
        ("hello\r\n", 1, "does not start with BEGIN:VCALENDAR"),
        ("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20270101\r\nEND:VCALENDAR\r\n", 4, "END"),
        (_ics("DTSTART;VALUE=DATE:20271399", "SUMMARY:Stengt"), 6, "DTSTART"),
        (_ics("DTSTART;TZID=Mars/Olympus:20270101T100000", "SUMMARY:Stengt"), 6, "Mars/Olympus"),
        (_ics("DTSTART:20270101T100000", "RRULE:FREQ=SOMETIMES"), 7, "RRULE"),
        (_ics("SUMMARY:Ingen start"), 4, "no DTSTART"),
        (_ics("DTSTART;VALUE=DATE:20270105", "DTEND;VALUE=DATE:20270101"), 7, "ends before"),
        (_ics("DTSTART;VALUE=DATE:20270105", "DTEND:20270106T100000"), 7, "date-time"),
        (
            _ics("DTSTART:20270105T100000", "RECURRENCE-ID;RANGE=THISANDFUTURE:20270105T100000"),
            7,
            "THISANDFUTURE",
        ),
        (_ics("DTSTART:20270105T100000", "EXRULE:FREQ=WEEKLY"), 7, "EXRULE"),
        (
            _ics(
                "DTSTART;TZID=Europe/Oslo:20270105T100000", "RRULE:FREQ=DAILY;UNTIL=20270110T100000"
            ),
            7,
            "cannot be expanded",
        ),
    ],
)
def test_malformed_files_say_where(text: str, line: int, words: str) -> None:
    with pytest.raises(IcalError) as caught:
        parse_ical(text, "stengt.ics")
    assert words in caught.value.message
    assert caught.value.line == line


def test_audit_with_a_missing_file_exits_2_naming_it(tmp_path: Path) -> None:
    charter = tmp_path / "charter.yaml"
    charter.write_text(
        CHARTER.read_text(encoding="utf-8").replace(
            "../../calendars/nordlys-closures.ics", "stengt.ics"
        ),
        encoding="utf-8",
    )
    with pytest.raises(InvalidCharterError, match=r"stengt\.ics: no such file"):
        load_charter(charter)
    result = runner.invoke(app, ["render", str(charter)])
    assert result.exit_code == 2
    assert "stengt.ics: no such file" in result.output
    assert "Traceback" not in result.output
    (tmp_path / "stengt.ics").write_bytes(ICS.read_bytes())  # found beside the charter
    assert runner.invoke(app, ["validate", str(charter)]).exit_code == 0


def test_bom_and_lf_only_files_are_read(tmp_path: Path) -> None:
    text = ICS.read_text(encoding="utf-8").replace("\r\n", "\n")
    cal = build_calendar("c", {"hours": {"mon-fri": "08:00-16:00"}}, "Europe/Oslo")
    assert cal.ical is None
    (tmp_path / "c.ics").write_bytes(b"\xef\xbb\xbf" + text.encode())
    spec = {"hours": {"mon-fri": "08:00-16:00"}, "holidays": {"ical": "c.ics"}}
    cal = build_calendar("c", spec, "Europe/Oslo", tmp_path)
    assert cal.ical is not None and len(cal.ical.events) == 8


# --- the subtraction of timed closures, against a minute-by-minute reference ---------------

intervals = st.lists(
    st.tuples(st.integers(0, 2000), st.integers(1, 300)), min_size=0, max_size=8
).map(lambda xs: [(a, a + n) for a, n in xs])


@given(opened=intervals, cuts=intervals)
def test_subtract_matches_minutes(
    opened: list[tuple[int, int]], cuts: list[tuple[int, int]]
) -> None:
    minutes = np.zeros(2400, dtype=bool)
    # disjoint sorted opens, as the clock has them: merge what overlaps
    for a, b in opened:
        minutes[a:b] = True
    edges = np.diff(np.concatenate(([0], minutes.astype(np.int8), [0])))
    opens = np.flatnonzero(edges == 1).astype(np.int64)
    closes = np.flatnonzero(edges == -1).astype(np.int64)
    days = np.arange(opens.size).astype("datetime64[D]")
    lo = np.array([a for a, _ in cuts], dtype=np.int64)
    hi = np.array([b for _, b in cuts], dtype=np.int64)
    expected = minutes.copy()
    for a, b in cuts:
        expected[a:b] = False
    o, c, d = _subtract(opens, closes, days, lo, hi)
    got = np.zeros(2400, dtype=bool)
    for a, b in zip(o, c, strict=True):
        assert b > a
        got[a:b] = True
    assert (got == expected).all()
    assert (o[1:] >= c[:-1]).all()
    # each piece keeps the day of the interval it came from
    assert ((d.astype(np.int64) >= 0) & (d.astype(np.int64) < max(opens.size, 1))).all()
    owner = np.searchsorted(opens, o, side="right") - 1
    assert (d == days[owner]).all()


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda p: p.mkdir(), "is a directory"),
        (lambda p: p.symlink_to("/dev/zero"), "not a regular file"),
        (lambda p: p.write_bytes(b"BEGIN:VCALENDAR\r\nSUMMARY:\xff\r\n"), "invalid UTF-8"),
    ],
)
def test_files_that_are_not_calendars(tmp_path: Path, make, words: str) -> None:  # type: ignore[no-untyped-def]
    from charter_cli.charter.ical import read_ical

    target = tmp_path / "c.ics"
    make(target)
    with pytest.raises(IcalError, match=words):
        read_ical(target, "c.ics")


def test_a_cancelled_occurrence_of_a_series_closes_nothing() -> None:
    text = _ics(
        "DTSTART;TZID=Europe/Oslo:20270105T130000",
        "DTEND;TZID=Europe/Oslo:20270105T150000",
        "RRULE:FREQ=WEEKLY;COUNT=3",
        "SUMMARY:Teammøte",
    ).replace(
        "END:VCALENDAR",
        "BEGIN:VEVENT\r\nUID:x@test\r\nRECURRENCE-ID;TZID=Europe/Oslo:20270112T130000\r\n"
        "DTSTART;TZID=Europe/Oslo:20270112T130000\r\nDTEND;TZID=Europe/Oslo:20270112T150000\r\n"
        "STATUS:CANCELLED\r\nSUMMARY:Teammøte\r\nEND:VEVENT\r\nEND:VCALENDAR",
    )
    (series,) = parse_ical(text, "c.ics").events
    starts = [s.date() for s, _ in series.occurrences(date(2027, 1, 1), date(2027, 1, 31))]  # type: ignore[union-attr]
    assert starts == [date(2027, 1, 5), date(2027, 1, 19)]


def test_a_rule_too_frequent_for_the_span_is_an_input_error(tmp_path: Path) -> None:
    ics = _ics("DTSTART:20270105T100000", "DTEND:20270105T100500", "RRULE:FREQ=HOURLY")
    (tmp_path / "c.ics").write_text(ics, encoding="utf-8")
    minutely = _ics("DTSTART:20270105T100000", "RRULE:FREQ=MINUTELY")
    with pytest.raises(IcalError, match="more often than hourly"):
        parse_ical(minutely, "c.ics")
    spec = {"hours": {"mon-fri": "08:00-16:00"}, "holidays": {"ical": "c.ics"}}
    cal = build_calendar("c", spec, "Europe/Oslo", tmp_path)
    assert BusinessClock.build(cal, date(2027, 1, 1), date(2027, 12, 31)).total > 0
    from charter_cli.errors import InputError

    with pytest.raises(InputError, match=r"recurs 100,001 times") as caught:
        BusinessClock.build(cal, date(2027, 1, 1), date(2040, 12, 31))
    assert str(caught.value).startswith("c.ics:8: calendar 'c'")


def test_rdates_without_a_rule_keep_the_first_occurrence() -> None:
    text = _ics(
        "DTSTART;VALUE=DATE:20270104",
        "RDATE;VALUE=DATE:20270208,20270308",
        "EXDATE;VALUE=DATE:20270208",
        "SUMMARY:Inventar – stengt",
    )
    (event,) = parse_ical(text, "c.ics").events
    days = [s for s, _ in event.occurrences(date(2027, 1, 1), date(2027, 12, 31))]
    assert days == [date(2027, 1, 4), date(2027, 3, 8)]
