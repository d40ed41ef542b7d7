"""Cells as real exports write them, read on the fast paths: instants with their offset (`+01:00`,
`+02:00`, `Z`) parsed by pyarrow while it reads, free text with quoted newlines, doubled quotes,
emoji and three alphabets, and the row lines kept through it all."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from charter_cli.clock import NAT
from charter_cli.frames import TEXT
from charter_cli.tickets.read import read_tickets
from charter_cli.tickets.sniff import STRING, TIMESTAMP, TIMESTAMP_UTC, open_export
from charter_cli.tickets.timestamps import parse_timestamps

HEADER = "ticket_id,created_at,subject,description,first_response_at,due_at\n"
ROWS = [
    '1,2026-03-29T01:30:00+01:00,"Jakken er for liten, kan jeg bytte til ""L""?","Hei,\nMvh Åse",'
    "2026-03-29T03:30:00+02:00,2026-04-01\n",
    "2,2026-03-29T00:45:00Z,Pakken har ikke kommet 📦,,2026-10-25T02:30:00+02:00,\n",
    '3,2026-10-25T02:30:00+01:00,"Zwrot towaru: ąęłżź, „pilne”","Dzień dobry\n\n""paczka""\nuszkodzona",'
    "2026-10-25T01:30:00Z,2026-10-26T12:00:00+01:00\n",
    "4,2026-07-01T12:00:00-05:30,Var är mitt paket?,x,,\n",
]


def utc(text: str) -> int:
    return int(pd.Timestamp(text).tz_convert("UTC").timestamp())


def write(tmp_path: Path, text: str) -> Path:
    file = tmp_path / "export.csv"
    file.write_bytes(text.encode())
    return file


def test_offsets_and_quoted_newlines(tmp_path: Path) -> None:
    file = write(tmp_path, HEADER + "".join(ROWS))
    tickets = read_tickets([file], timezone="Europe/Oslo")
    frame = tickets.frame
    assert frame["created_at"].tolist() == [
        utc("2026-03-29T01:30:00+01:00"),
        utc("2026-03-29T00:45:00Z"),
        utc("2026-10-25T02:30:00+01:00"),  # the second 02:30 of the night: the offset tells
        utc("2026-07-01T12:00:00-05:30"),
    ]
    assert frame["first_response_at"].tolist() == [
        utc("2026-03-29T03:30:00+02:00"),
        utc("2026-10-25T02:30:00+02:00"),  # the first 02:30
        utc("2026-10-25T01:30:00Z"),
        NAT,
    ]
    # due dates mix a bare date (the end of that day in Oslo) with instants: read as text
    assert frame["due_at"].tolist()[:3] == [
        utc("2026-04-01T23:59:59+02:00"),
        NAT,
        utc("2026-10-26T12:00:00+01:00"),
    ]
    assert frame["subject"].tolist()[0] == 'Jakken er for liten, kan jeg bytte til "L"?'
    assert frame["subject"].tolist()[2] == "Zwrot towaru: ąęłżź, „pilne”"
    assert frame["source_line"].tolist() == [2, 4, 5, 9]
    assert tickets.problems.empty and tickets.skipped.empty
    assert "description" not in frame  # no field reads it


def test_columns_with_offsets_are_parsed_while_read(tmp_path: Path) -> None:
    file = write(tmp_path, HEADER + "".join(ROWS))
    raw = open_export(file).read({"created_at": TIMESTAMP, "due_at": STRING})
    assert str(raw.frame["created_at"].dtype) == "datetime64[s, UTC]"
    assert raw.frame["due_at"].dtype == TEXT


def test_a_bad_offset_cell_past_the_sample_is_reported_with_its_line(tmp_path: Path) -> None:
    # 3,000 rows with offsets and a quoted newline each fill the sample; then a cell that is not
    # an instant, and one in year 1: only their column is read again as text
    rows = [
        f'{i},2026-10-05T09:{i % 60:02d}:00+02:00,"Hei,\nhjelp",x,2026-10-05T10:00:00Z,\n'
        for i in range(3000)
    ]
    rows.append('3000,2026-10-05T09:00:00+02:00,"s",x,i morgen,\n')
    rows.append('3001,2026-10-05T09:00:00+02:00,"s",x,0001-01-01T00:00:00Z,\n')
    tickets = read_tickets([write(tmp_path, HEADER + "".join(rows))], timezone="Europe/Oslo")
    assert tickets.count == 3002 and tickets.skipped.empty
    problems = tickets.problems.sort_values("line")
    assert problems["value"].tolist() == ["i morgen", "0001-01-01T00:00:00Z"]
    assert problems["line"].tolist() == [6002, 6003]
    assert tickets.frame["first_response_at"].iloc[0] == utc("2026-10-05T10:00:00Z")
    assert tickets.frame["created_at"].iloc[-1] == utc("2026-10-05T09:00:00+02:00")


def test_an_implausible_instant_with_an_offset_is_a_bad_cell(tmp_path: Path) -> None:
    good = "".join(f"{i},2026-10-05T09:00:00Z,2026-10-05T10:00:00Z\n" for i in range(40))
    data = (
        "ticket_id,created_at,first_response_at\n"
        + good
        + "40,2026-10-05T09:00:00Z,2400-01-01T00:00:00+01:00\n"
    )
    tickets = read_tickets([write(tmp_path, data)])
    assert tickets.frame["first_response_at"].tolist() == [utc("2026-10-05T10:00:00Z")] * 40 + [NAT]
    problem = tickets.problems.iloc[0]
    # shown as the instant it names, in UTC
    assert (problem["line"], problem["value"]) == (42, "2399-12-31T23:00:00Z")


OFFSETS = st.sampled_from(["Z", "+01:00", "+02:00", "-05:00", "+05:30", "+0100", "-0930"])


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2199, 1, 1)),
            OFFSETS,
        ),
        min_size=1,
        max_size=20,
    )
)
def test_pyarrow_and_the_full_parser_agree_on_offsets(values: list[tuple[datetime, str]]) -> None:
    texts = [f"{moment:%Y-%m-%dT%H:%M:%S}{offset}" for moment, offset in values]
    column = pd.Series(texts, dtype=TEXT)
    full = parse_timestamps(column, ("iso",), "Europe/Oslo")  # the general parser (pandas)

    # as the CSV reader hands over a column it parsed itself (TIMESTAMP_UTC)
    typed = pd.Series(pa.array(texts).cast(TIMESTAMP_UTC).to_pandas())
    fast = parse_timestamps(typed, ("iso",), "Europe/Oslo")
    expected = []
    for moment, offset in values:
        sign = -1 if offset.startswith("-") else 1
        digits = offset.strip("Z+-").replace(":", "") or "0000"
        delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        aware = moment.replace(tzinfo=timezone(sign * delta))
        seconds = int(aware.timestamp())
        plausible = datetime(1970, 1, 2, tzinfo=UTC).timestamp() <= seconds
        plausible &= seconds < datetime(2200, 1, 1, tzinfo=UTC).timestamp()
        expected.append(seconds if plausible else NAT)
    assert fast.seconds.tolist() == expected
    assert full.seconds.tolist() == expected
    assert fast.bad.tolist() == full.bad.tolist()


def test_an_events_file_with_offsets_in_time_order(tmp_path: Path) -> None:
    # an audit log: every ticket's changes mixed in time order, instants with offsets or Z,
    # statuses padded as spreadsheets pad them; grouped by ticket (in the export's order) and
    # in time order within each
    tickets = write(tmp_path, HEADER + "".join(ROWS))
    history = tmp_path / "historikk.csv"
    history.write_text(
        "ticket_id,at,status,group\n"
        "3,2026-10-25T02:30:00+01:00,open,Kundeservice\n"
        "1,2026-03-29T01:30:00+01:00,open,Kundeservice\n"
        "1,2026-03-29T01:00:00Z, pending ,Teknisk support\n"
        "9,2026-03-29T02:00:00Z,open,\n"
        "3,2026-10-25T01:45:00Z,solved,\n"
        "1,2026-03-29T04:00:00+02:00,solved,\n",
        encoding="utf-8",
    )
    t = read_tickets([tickets], timezone="Europe/Oslo", events_file=history)
    assert t.events is not None and (t.events_used, t.events_unmatched) == (6, 1)
    events = t.events
    assert events["ticket_id"].tolist() == ["1", "1", "1", "3", "3"]
    assert events["at"].tolist() == [
        utc("2026-03-29T01:30:00+01:00"),
        utc("2026-03-29T01:00:00Z"),
        utc("2026-03-29T04:00:00+02:00"),
        utc("2026-10-25T02:30:00+01:00"),
        utc("2026-10-25T01:45:00Z"),
    ]
    assert events["status"].astype(str).tolist() == ["open", "pending", "solved", "open", "solved"]
    assert events["category"].astype(str).tolist() == [
        "open",
        "pending",
        "solved",
        "open",
        "solved",
    ]
    assert events["group"].astype(object).tolist()[:2] == ["Kundeservice", "Teknisk support"]


LAYOUT_VALUES = st.builds(
    lambda a, b, y, h, mi, se, sep, layout, ampm: layout.format(
        a=a, b=b, y=y, y2=y % 100, h=h, mi=mi, se=se, ap=ampm
    ).replace("/", sep),
    st.integers(0, 39),
    st.integers(0, 19),
    st.integers(1950, 2199),
    st.integers(0, 25),
    st.integers(0, 61),
    st.integers(0, 61),
    st.sampled_from("/-."),
    st.sampled_from(
        [
            "{a:02d}/{b:02d}/{y}",
            "{a:02d}/{b:02d}/{y} {h:02d}:{mi:02d}",
            "{a:02d}/{b:02d}/{y} {h:02d}:{mi:02d}:{se:02d}",
            "{a:02d}/{b:02d}/{y} {h:02d}:{mi:02d} {ap}",
            "{a:02d}/{b:02d}/{y} {h:02d}:{mi:02d}:{se:02d} {ap}",
            "{a:02d}/{b:02d}/{y2:02d} {h:02d}:{mi:02d} {ap}",
            "{a:02d}/{b:02d}/{y2:02d}",
        ]
    ),
    st.sampled_from(["AM", "PM", "am", "pm"]),
)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_fixed_layout_dates_read_as_the_regular_expression_reads_them(data: st.DataObject) -> None:
    # one column in one layout (the first value decides it), some cells missing: the bytes read
    # as digits give the same parts, and so the same instants either way round
    from charter_cli.tickets import timestamps

    first = data.draw(LAYOUT_VALUES)
    same = LAYOUT_VALUES.filter(lambda v: len(v) == len(first) and v[2] == first[2])
    same = same.filter(lambda v: ("M" in v.upper()) == ("M" in first.upper()))
    rest = data.draw(st.lists(st.one_of(same, st.none()), max_size=12))
    values = [first, *rest]
    # the regex reading, with the fixed layout turned off
    array = pa.array(values, pa.large_string())
    fixed = timestamps._fixed_layout(array)
    original = timestamps._fixed_layout
    try:
        timestamps._fixed_layout = lambda _: None  # type: ignore[assignment]
        slow = timestamps.scan_numeric(pd.Series(values, dtype=TEXT))
    finally:
        timestamps._fixed_layout = original
    if fixed is None:  # a layout the fast path does not take (hours 24+, a lone P): nothing to say
        return
    assert slow is not None
    for order in ("dayfirst", "monthfirst"):
        assert fixed.valid(order).tolist() == slow.valid(order).tolist()
        assert (
            fixed.seconds(order, "America/New_York").tolist()
            == slow.seconds(order, "America/New_York").tolist()
        )
    assert fixed.matched.tolist() == slow.matched.tolist()


def test_a_us_export_column_takes_the_fixed_layout() -> None:
    from charter_cli.tickets.timestamps import _fixed_layout

    column = ["03/07/2026 11:30 PM", None, "12/25/2026 12:05 AM", "13/01/2026 01:00 PM"]
    found = _fixed_layout(pa.array(column, pa.large_string()))
    assert found is not None
    assert found.valid("monthfirst").tolist() == [True, False, True, False]  # no 13th month
    assert found.valid("dayfirst").tolist() == [True, False, False, True]
    assert found.clock.tolist() == [23 * 3600 + 1800, 0, 300, 13 * 3600]
    # one value in another layout: the regular expression reads the column
    assert _fixed_layout(pa.array(["03/07/2026 11:30 PM", "3/7/2026 11:30 PM"])) is None
    # not a date at all, non-ASCII first: no layout, no error
    assert _fixed_layout(pa.array(["Ødegård 11", "03/07/2026", "03/07/2026"])) is None
    assert _fixed_layout(pa.array(["ab/cd/efgh", None])) is None
