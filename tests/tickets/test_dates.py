"""Numeric dates read in the order the data decides, and date-only instants as the end of the
local day, checked against independent computations (the `datetime` module and zoneinfo)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from charter_cli.clock import NAT
from charter_cli.errors import InputError, UsageError
from charter_cli.frames import TEXT
from charter_cli.tickets.profile import builtin_profiles
from charter_cli.tickets.read import read_tickets
from charter_cli.tickets.timestamps import (
    DAYFIRST,
    MONTHFIRST,
    decide_order,
    end_of_day,
    parse_timestamps,
    scan_numeric,
)
from tests.conftest import DATA

DST_ZONES = [
    "Europe/Oslo",
    "America/New_York",
    "Australia/Lord_Howe",  # 30-minute DST at 02:00
    "Pacific/Chatham",  # changes at 02:45 / 03:45
    "America/Sao_Paulo",  # DST (until 2019) began at midnight: that day had no 00:00
]


def text(values: list[str | None]) -> pd.Series:
    return pd.Series(values, dtype=TEXT)


def utc(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def last_second_of(day: date, zone: ZoneInfo) -> int:
    """The instant before `day`'s local day ends, found with zoneinfo alone: the last UTC second
    whose local date is still `day` (bisection from local noon; the local date never goes back
    across a midnight in these zones)."""
    lo = int(datetime(day.year, day.month, day.day, 12, tzinfo=zone).timestamp())
    hi = lo + 36 * 3600
    assert datetime.fromtimestamp(hi, zone).date() > day
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if datetime.fromtimestamp(mid, zone).date() > day:
            hi = mid
        else:
            lo = mid
    return lo


def due_dates(days: list[date], zone: str) -> np.ndarray:
    """Date-only due dates as the importer reads them: the day's start, then its end."""
    parsed = parse_timestamps(text([d.isoformat() for d in days]), ("iso",), zone, dates=True)
    assert parsed.date_only.all() and not parsed.bad.any()
    return end_of_day(parsed.seconds, zone)


@st.composite
def days_of_a_year(draw: st.DrawFn) -> list[date]:
    """Up to 40 dates of one year between 1971 and 2037 (a column spans months, not decades)."""
    year = draw(st.integers(1971, 2037))
    return draw(st.lists(st.dates(date(year, 1, 1), date(year, 12, 31)), min_size=1, max_size=40))


@st.composite
def instants_of_a_year(draw: st.DrawFn) -> list[datetime]:
    year = draw(st.integers(1971, 2037))
    moments = st.datetimes(datetime(year, 1, 1), datetime(year, 12, 31), timezones=st.just(UTC))
    return draw(st.lists(moments, min_size=1, max_size=40))


@pytest.mark.parametrize("zone", DST_ZONES)
@given(days=days_of_a_year())
def test_end_of_day_equals_zoneinfo(zone: str, days: list[date]) -> None:
    got = due_dates(days, zone)
    assert [utc(int(s)) for s in got] == [utc(last_second_of(d, ZoneInfo(zone))) for d in days]


@pytest.mark.parametrize("zone", DST_ZONES)
@given(moments=instants_of_a_year())
def test_any_instant_of_a_day_ends_with_it(zone: str, moments: list[datetime]) -> None:
    seconds = np.array([int(m.timestamp()) for m in moments], dtype=np.int64)
    got = end_of_day(seconds, zone)
    tz = ZoneInfo(zone)
    assert [utc(int(s)) for s in got] == [
        utc(last_second_of(m.astimezone(tz).date(), tz)) for m in moments
    ]


@pytest.mark.parametrize(
    "zone, day, end, hours",
    [
        ("Europe/Oslo", date(2026, 3, 29), "2026-03-29T21:59:59Z", 23),
        ("Europe/Oslo", date(2026, 10, 25), "2026-10-25T22:59:59Z", 25),
        ("America/New_York", date(2026, 3, 8), "2026-03-09T03:59:59Z", 23),
        ("America/New_York", date(2026, 11, 1), "2026-11-02T04:59:59Z", 25),
        ("Australia/Lord_Howe", date(2026, 10, 4), "2026-10-04T12:59:59Z", 23.5),
        ("Pacific/Chatham", date(2026, 4, 5), "2026-04-05T11:14:59Z", 25),
        # no midnight on 4 November 2018: 3 November ends when the clocks jump to 01:00
        ("America/Sao_Paulo", date(2018, 11, 3), "2018-11-04T02:59:59Z", 24),
        ("America/Sao_Paulo", date(2018, 11, 4), "2018-11-05T01:59:59Z", 23),
        ("America/Sao_Paulo", date(2019, 2, 16), "2019-02-17T02:59:59Z", 25),
    ],
)
def test_end_of_day_on_dst_days(zone: str, day: date, end: str, hours: float) -> None:
    [got] = due_dates([day], zone)
    assert utc(int(got)) == end
    start = parse_timestamps(text([day.isoformat()]), ("iso",), zone).seconds[0]
    assert (int(got) + 1 - int(start)) / 3600 == hours


# ---- numeric dates --------------------------------------------------------------------------


def write(moment: datetime, order: str, sep: str, short_year: bool, twelve: bool) -> str:
    day, month = f"{moment.day:02d}", f"{moment.month:02d}"
    year = f"{moment.year % 100:02d}" if short_year else str(moment.year)
    first, second = (day, month) if order == DAYFIRST else (month, day)
    clock = moment.strftime("%I:%M:%S %p" if twelve else "%H:%M:%S")
    return f"{first}{sep}{second}{sep}{year} {clock}"


@given(
    moments=st.lists(
        st.datetimes(datetime(1971, 1, 2), datetime(2068, 12, 31)), min_size=1, max_size=30
    ),
    order=st.sampled_from([DAYFIRST, MONTHFIRST]),
    sep=st.sampled_from(["/", "-", "."]),
    short_year=st.booleans(),
    twelve=st.booleans(),
)
def test_numeric_dates_read_back_and_decide(
    moments: list[datetime], order: str, sep: str, short_year: bool, twelve: bool
) -> None:
    moments = [m.replace(microsecond=0) for m in moments]
    values = text([write(m, order, sep, short_year, twelve) for m in moments])
    scan = scan_numeric(values)
    assert scan is not None and scan.matched.all()
    expected = [m.replace(tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%SZ") for m in moments]
    assert [utc(int(s)) for s in scan.seconds(order, "UTC")] == expected
    decided = decide_order({"c": scan}, {"c": values})
    if any(m.day > 12 for m in moments):
        assert decided.decided and decided.order == order
        assert decided.example is not None and decided.row is not None
        assert moments[decided.row].day > 12
    else:
        assert not decided.decided and decided.order is None and decided.example == values[0]


@pytest.mark.parametrize(
    "value, dayfirst, monthfirst",
    [
        ("12/25/2013 11:59:08 PM", None, "2013-12-25T23:59:08Z"),
        ("03/08/2026 04:30 PM", "2026-08-03T16:30:00Z", "2026-03-08T16:30:00Z"),
        ("03/08/2026 12:05 AM", "2026-08-03T00:05:00Z", "2026-03-08T00:05:00Z"),
        ("03/08/2026 12:05 pm", "2026-08-03T12:05:00Z", "2026-03-08T12:05:00Z"),
        ("29-02-2016 01:16", "2016-02-29T01:16:00Z", None),
        ("29.02.2015", None, None),  # no 29 February in 2015
        ("29/2/2016", "2016-02-29T00:00:00Z", None),
        ("1.3.26 9:05", "2026-03-01T09:05:00Z", "2026-01-03T09:05:00Z"),
        ("01/02/2026 13:00 PM", None, None),
        ("01/02/2026 24:00", None, None),
        ("01/02/2026 00:00 AM", None, None),
    ],
)
def test_numeric_values(value: str, dayfirst: str | None, monthfirst: str | None) -> None:
    for order, expected in ((DAYFIRST, dayfirst), (MONTHFIRST, monthfirst)):
        parsed = parse_timestamps(text([value]), ("iso", "us", "dayfirst"), "UTC", order=order)
        got = None if parsed.seconds[0] == NAT else utc(int(parsed.seconds[0]))
        assert got == expected and bool(parsed.bad[0]) == (expected is None)


def test_mixed_separators_and_iso_are_not_numeric_dates() -> None:
    assert scan_numeric(text(["2026-03-08 10:00", "2026-03-09"])) is None
    scan = scan_numeric(text(["01/02.2026", "01/02/2026"]))
    assert scan is not None and scan.matched.tolist() == [False, True]


# ---- the order of a file ---------------------------------------------------------------------


def test_builtin_profiles_state_what_the_vendor_writes() -> None:
    orders = {name: p.order for name, p in builtin_profiles().items()}
    assert orders["freshdesk"] is None and orders["freshservice"] is None  # per account
    assert orders["hubspot"] == MONTHFIRST
    assert orders["servicenow"] == DAYFIRST and orders["zammad"] == DAYFIRST
    assert orders["generic"] is None and orders["zendesk"] is None  # no numeric dates read


def test_servicenow_fixture_is_read_day_first_by_itself() -> None:
    tickets = read_tickets([DATA / "exports" / "servicenow.csv"], timezone="UTC")
    assert tickets.notes == []  # 29/2/2016: the data decides
    assert utc(int(tickets.frame["created_at"].min())).startswith("2016-02-29T01:16")
    flipped = read_tickets([DATA / "exports" / "servicenow.csv"], timezone="UTC", order=MONTHFIRST)
    assert flipped.frame["created_at"].tolist() == tickets.frame["created_at"].tolist()
    assert "as the data shows" in flipped.notes[0] and "not month-first" in flipped.notes[0]


def freshdesk(tmp_path: Path, created: list[str], due: list[str], first_id: int = 1) -> Path:
    header = "Ticket ID,Created time,Resolved time,First response status,Due by Time"
    pairs = enumerate(zip(created, due, strict=True), first_id)
    rows = [f"{i},{c},,,{d}" for i, (c, d) in pairs]
    path = tmp_path / "export.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_the_order_is_decided_across_all_timestamp_columns(tmp_path: Path) -> None:
    # created_at alone reads both ways; only the due date on line 3 has a day above 12
    export = freshdesk(tmp_path, ["01/02/2026 10:00", "03/04/2026 11:00"], ["", "05/13/2026"])
    tickets = read_tickets([export], timezone="UTC")
    assert [utc(int(s)) for s in tickets.frame["created_at"]] == [
        "2026-01-02T10:00:00Z",
        "2026-03-04T11:00:00Z",
    ]
    assert utc(int(tickets.frame["due_at"].iloc[1])) == "2026-05-13T23:59:59Z"
    assert tickets.notes == []


def test_each_file_decides_its_own_order(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    us = freshdesk(tmp_path / "a", ["01/02/2026 10:00", "12/13/2026 11:00"], ["", ""])
    eu = freshdesk(tmp_path / "b", ["01/02/2026 10:00", "13/12/2026 11:00"], ["", ""], 3)
    tickets = read_tickets([us, eu], timezone="UTC")
    days = [utc(int(s))[:10] for s in tickets.frame["created_at"]]
    assert days == ["2026-01-02", "2026-12-13", "2026-02-01", "2026-12-13"]
    assert tickets.notes == []


def test_ambiguous_without_an_order_names_file_line_and_column(tmp_path: Path) -> None:
    export = freshdesk(tmp_path, ["01/02/2026 10:00", "03/04/2026 11:00"], ["", "05/06/2026"])
    with pytest.raises(InputError) as caught:
        read_tickets([export], timezone="UTC")
    message = str(caught.value)
    assert message.startswith(f"{export}:2: column 'Created time': '01/02/2026 10:00'")
    assert "--dayfirst or --monthfirst" in message
    tickets = read_tickets([export], timezone="UTC", order=DAYFIRST)
    assert utc(int(tickets.frame["created_at"].iloc[0])) == "2026-02-01T10:00:00Z"
    assert len(tickets.notes) == 1 and "read day-first, as --dayfirst says" in tickets.notes[0]


def test_neither_order_reads_everything_the_share_check_decides(tmp_path: Path) -> None:
    # 13/14/2026 is a date in neither order; the rest read both ways: undecided, so stated
    export = freshdesk(tmp_path, ["01/02/2026 10:00"] * 25 + ["13/14/2026 09:00"], [""] * 26)
    with pytest.raises(InputError, match="--dayfirst or --monthfirst"):
        read_tickets([export], timezone="UTC")
    tickets = read_tickets([export], timezone="UTC", order=MONTHFIRST)
    assert tickets.count == 25 and tickets.skipped["reason"].tolist() == [
        "created_at is not a date"
    ]
    assert {utc(int(s)) for s in tickets.frame["created_at"]} == {"2026-01-02T10:00:00Z"}
    # a day above 12 in one order and mostly garbage: more than 5 % unreadable stops the import
    export = freshdesk(
        tmp_path, ["01/13/2026 10:00", "40/40/2026 11:00", "41/41/2026 09:00"], ["", "", ""]
    )
    with pytest.raises(InputError, match="are not dates"):
        read_tickets([export], timezone="UTC")


def test_bad_zone_and_order_arguments(tmp_path: Path) -> None:
    export = freshdesk(tmp_path, ["01/13/2026 10:00"], [""])
    with pytest.raises(UsageError, match="is not a time zone"):
        read_tickets([export], input_tz="Nowhere/Atlantis")
    with pytest.raises(UsageError, match="dayfirst or monthfirst"):
        read_tickets([export], order="yearfirst")
    tickets = read_tickets([export], timezone="UTC", input_tz="Asia/Kolkata")
    assert utc(int(tickets.frame["created_at"].iloc[0])) == "2026-01-13T04:30:00Z"
    assert tickets.timezone == "Asia/Kolkata"


def test_an_events_file_decides_its_own_order(tmp_path: Path) -> None:
    export = freshdesk(tmp_path, ["01/13/2026 10:00"], [""])  # month-first, by the data
    events = tmp_path / "history.csv"
    events.write_text("Ticket ID,at,status\n1,01/02/2026 11:00,Open\n1,03/02/2026 12:00,Pending\n")
    with pytest.raises(InputError) as caught:
        read_tickets([export], timezone="UTC", events_file=events)
    assert str(caught.value).startswith(f"{events}:2: column 'at': '01/02/2026 11:00'")
    tickets = read_tickets([export], timezone="UTC", events_file=events, order=DAYFIRST)
    assert tickets.events is not None
    assert [utc(int(s)) for s in tickets.events["at"]] == [
        "2026-02-01T11:00:00Z",
        "2026-02-03T12:00:00Z",
    ]
    # the export's own dates: month-first whatever the option says, and said so
    assert utc(int(tickets.frame["created_at"].iloc[0])) == "2026-01-13T10:00:00Z"
    assert len(tickets.notes) == 2
    assert "as the data shows" in tickets.notes[0] and str(events) in tickets.notes[1]


def test_dates_that_disagree_are_not_decided_by_either(tmp_path: Path) -> None:
    created = ["01/02/2026 10:00"] * 25 + ["13/01/2026 10:00", "01/13/2026 11:00"]
    export = freshdesk(tmp_path, created, [""] * 27)
    with pytest.raises(InputError) as caught:
        read_tickets([export], timezone="UTC")
    assert str(caught.value).startswith(
        f"{export}:27: column 'Created time': '13/01/2026 10:00' reads only day-first, and as "
        "many dates in the file read only month-first; profile freshdesk states no order"
    )
    tickets = read_tickets([export], timezone="UTC", order=DAYFIRST)
    assert tickets.count == 26 and tickets.skipped["line"].tolist() == [28]
    assert tickets.notes == [
        f"{export}: the dates disagree (e.g. line 27, column 'Created time': '13/01/2026 10:00' "
        "reads only day-first): read day-first, as --dayfirst says"
    ]
