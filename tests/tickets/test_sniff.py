"""Whatever a helpdesk exports: encodings, delimiters, quoting, Excel, Parquet, and garbage."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from charter_cli.cli import app
from charter_cli.clock import NAT
from charter_cli.errors import InputError
from charter_cli.tickets.read import read_tickets
from charter_cli.tickets.sniff import read_table
from tests.conftest import ROOT

HEADER = "ticket_id,created_at,channel,priority,subject,first_response_at\n"
runner = CliRunner()


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    file = tmp_path / name
    file.write_bytes(data)
    return file


def test_excel_semicolons_bom_crlf_and_norwegian(tmp_path: Path) -> None:
    text = (
        "ticket_id;created_at;channel;subject\r\n"
        "1;2026-10-05 09:00;e-post;Bytte av jakke – størrelse L\r\n"
        '2;2026-10-05 10:00;telefon;"Sitat: ""hei"" og; semikolon"\r\n'
    )
    file = write(tmp_path, "export.csv", b"\xef\xbb\xbf" + text.encode("utf-8"))
    table = read_table(file)
    assert table.delimiter == ";" and table.encoding == "utf-8-sig"
    assert table.frame["subject"].tolist() == [
        "Bytte av jakke – størrelse L",
        'Sitat: "hei" og; semikolon',
    ]
    assert next(iter(table.frame.columns)) == "ticket_id"  # the BOM is not part of the name
    assert table.lines.tolist() == [2, 3]


def test_utf16_tab_separated_unicode_text(tmp_path: Path) -> None:
    text = "ticket_id\tcreated_at\tsubject\n7\t2026-10-05 09:00\tŻółta kurtka, źle uszyta\n"
    file = write(tmp_path, "unicode.txt", text.encode("utf-16"))
    table = read_table(file)
    assert table.delimiter == "\t" and table.encoding == "utf-16"
    assert table.frame["subject"].tolist() == ["Żółta kurtka, źle uszyta"]


def test_cp1252_windows_export(tmp_path: Path) -> None:
    text = "ticket_id,created_at,subject\n1,2026-10-05 09:00,Blåbærsyltetøy – «ekstra» ärligt\n"
    file = write(tmp_path, "ansi.csv", text.encode("cp1252"))
    table = read_table(file)
    assert table.encoding == "cp1252"
    assert table.frame["subject"].tolist() == ["Blåbærsyltetøy – «ekstra» ärligt"]


def test_mixed_encodings_are_refused_with_the_line(tmp_path: Path) -> None:
    data = (
        "ticket_id,created_at,subject\n1,2026-10-05 09:00,Åse\n".encode()
        + "2,2026-10-05 10:00,Ærlig\n".encode("cp1252")
    )
    with pytest.raises(InputError, match=r"mixes encodings.*line 3"):
        read_table(write(tmp_path, "mixed.csv", data))


def test_quoted_newlines_and_stray_carriage_returns_keep_line_numbers(tmp_path: Path) -> None:
    data = (
        b"ticket_id|created_at|subject\n"
        b'1|2026-10-05 09:00|"first line\nsecond line\nthird"\n'
        b"2|2026-10-05 10:00|stray\rreturn\n"
        b"3|2026-10-05 11:00|last\n"
    )
    table = read_table(write(tmp_path, "pipes.csv", data))
    assert table.delimiter == "|"
    assert table.frame["subject"].tolist() == [
        "first line\nsecond line\nthird",
        "stray return",
        "last",
    ]
    assert table.lines.tolist() == [2, 5, 6]


def test_missing_markers_become_empty(tmp_path: Path) -> None:
    data = "ticket_id,created_at,channel,priority,subject,first_response_at\n1,2026-10-05 09:00,?,N/A,null,-\n2,2026-10-05 09:00,\u00a0,,x,\n"
    table = read_table(write(tmp_path, "m.csv", data.encode()))
    assert table.frame[["channel", "priority", "first_response_at"]].isna().all().all()
    assert table.frame["subject"].isna().tolist() == [True, False]


def test_rows_with_wrong_field_counts_are_skipped_with_their_lines(tmp_path: Path) -> None:
    data = (
        HEADER
        + "1,2026-10-05 09:00,email,high,ok,\n2,2026-10-05 09:00,email\n3,2026-10-05 09:00,email,high,x,,extra\n4,2026-10-05 09:00,chat,low,ok,\n"
    )
    tickets = read_tickets([write(tmp_path, "t.csv", data.encode())])
    assert tickets.count == 2 and tickets.rows_read == 4
    assert tickets.skipped[["line", "reason"]].values.tolist() == [
        [3, "expected 6 fields, found 3"],
        [4, "expected 6 fields, found 7"],
    ]


def test_missing_id_and_bad_created_at_are_skipped_not_lost(tmp_path: Path) -> None:
    rows = [f"{i},2026-10-05 09:{i % 60:02d},email,high,s,\n" for i in range(1, 41)]
    rows.insert(5, ",2026-10-05 09:00,email,high,no id,\n")
    rows.insert(9, "X,31/02/2026,email,high,bad date,\n")
    rows.insert(12, "Y,,email,high,no date,\n")
    tickets = read_tickets([write(tmp_path, "t.csv", (HEADER + "".join(rows)).encode())])
    assert tickets.rows_read == 43 and tickets.count == 40
    assert tickets.skipped[["line", "reason"]].values.tolist() == [
        [7, "missing ticket id"],
        [11, "created_at is not a date"],
        [14, "missing created_at"],
    ]


def test_a_column_of_wrong_dates_stops_the_import(tmp_path: Path) -> None:
    rows = "".join(
        f"{i},2026-10-{i:02d} 09:00,email,high,s,{i:02d}/13/2026 10:00\n" for i in range(1, 21)
    )
    with pytest.raises(InputError) as info:
        read_tickets([write(tmp_path, "t.csv", (HEADER + rows).encode())])
    assert "first_response_at" in str(info.value) and "line 2" in str(info.value)


def test_a_few_bad_cells_become_empty_with_a_reason(tmp_path: Path) -> None:
    rows = "".join(
        f"{i},2026-10-{i:02d} 09:00,email,high,s,2026-10-{i:02d} 10:00\n" for i in range(1, 28)
    )
    rows += "28,2026-10-28 09:00,email,high,s,i går\n"
    tickets = read_tickets([write(tmp_path, "t.csv", (HEADER + rows).encode())])
    assert tickets.count == 28
    problem = tickets.problems.iloc[0]
    assert (problem["ticket_id"], problem["field"], problem["value"], problem["line"]) == (
        "28",
        "first_response_at",
        "i går",
        29,
    )


def test_parquet(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "ticket_id": ["a", "b"],
            "created_at": pd.to_datetime(["2026-10-05 09:00", "2026-10-05 10:00"]).tz_localize(
                "UTC"
            ),
            "channel": ["email", "chat"],
        }
    )
    file = tmp_path / "tickets.parquet"
    frame.to_parquet(file)
    tickets = read_tickets([file])
    assert tickets.count == 2
    assert tickets.frame["created_at"].tolist() == [1791190800, 1791194400]


def test_duplicates_across_monthly_files_latest_wins(tmp_path: Path) -> None:
    october = write(
        tmp_path,
        "october.csv",
        (
            HEADER + "1,2026-10-30 09:00,email,high,open then,\n2,2026-10-30 09:00,email,low,x,\n"
        ).encode(),
    )
    november = write(
        tmp_path,
        "november.csv",
        (HEADER + "1,2026-10-30 09:00,email,high,answered,2026-11-02 10:00\n").encode(),
    )
    tickets = read_tickets([november, october])  # file order must not matter: the latest facts win
    assert tickets.count == 2 and tickets.duplicates == 1
    row = tickets.frame.loc[tickets.frame["ticket_id"] == "1"].iloc[0]
    assert row["subject"] == "answered"


def cli_error(tmp_path: Path, name: str, data: bytes) -> str:
    file = write(tmp_path, name, data)
    charter = ROOT / "charters" / "examples" / "nordlys-nettbutikk.yaml"
    result = runner.invoke(app, ["audit", str(charter), str(file)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def test_garbage_binary(tmp_path: Path) -> None:
    assert "binary" in cli_error(tmp_path, "x.csv", bytes(range(256)) * 64)


def test_garbage_empty(tmp_path: Path) -> None:
    assert "empty" in cli_error(tmp_path, "x.csv", b"")


def test_garbage_header_only(tmp_path: Path) -> None:
    assert "no rows" in cli_error(tmp_path, "x.csv", HEADER.encode())


def test_garbage_ten_thousand_columns(tmp_path: Path) -> None:
    header = ",".join(f"c{i}" for i in range(10_000))
    assert "10,000 columns" in cli_error(
        tmp_path, "x.csv", (header + "\n" + "1," * 9999 + "1\n").encode()
    )


def test_garbage_one_megabyte_field(tmp_path: Path) -> None:
    data = HEADER + "1,2026-10-05 09:00,email,high," + "x" * 1_000_000 + ",\n"
    assert "1,000,000 characters" in cli_error(tmp_path, "x.csv", data.encode())


def test_garbage_mixed_encodings(tmp_path: Path) -> None:
    data = (
        HEADER + "1,2026-10-05 09:00,e-post,høy,Åse,\n"
    ).encode() + "2,2026-10-05 10:00,e-post,høy,Øst,\n".encode("cp1252")
    assert "mixes encodings" in cli_error(tmp_path, "x.csv", data)


def test_garbage_not_an_xlsx(tmp_path: Path) -> None:
    assert "xlsx" in cli_error(tmp_path, "x.xlsx", b"PK\x03\x04 this is not a zip at all")


@pytest.mark.parametrize(
    "zone", ["Europe/Oslo", "America/New_York", "Pacific/Chatham", "Australia/Lord_Howe"]
)
def test_fast_and_full_timestamp_parsers_agree(zone: str) -> None:
    from charter_cli.frames import TEXT
    from charter_cli.tickets.timestamps import parse_timestamps

    # every quarter hour of 2026 in ISO: both DST changes, the repeated hour, the gap
    stamps = pd.date_range("2026-01-01", "2027-01-01", freq="15min").strftime("%Y-%m-%d %H:%M")
    column = pd.Series(list(stamps), dtype=TEXT)
    fast = parse_timestamps(column, ("iso",), zone)  # one Arrow cast
    full = parse_timestamps(column, ("iso",), zone, dates=True)  # the general parser
    assert (fast.seconds == full.seconds).all()
    assert not fast.bad.any() and not full.bad.any()


def test_typed_read_falls_back_to_text_for_a_bad_timestamp_past_the_sample(
    tmp_path: Path,
) -> None:
    # the first 5,000 rows are clean naive ISO times, so the columns are read as timestamps;
    # row 5,001 is not one: the read is done again with text and the cell is reported
    rows = [f"{i},2026-10-05 09:{i % 60:02d},email,high,s,2026-10-05 10:00\n" for i in range(5000)]
    rows.append("5000,2026-10-05 09:00,email,high,s,kl. 10 i morgen\n")
    tickets = read_tickets([write(tmp_path, "t.csv", (HEADER + "".join(rows)).encode())])
    assert tickets.count == 5001 and tickets.skipped.empty
    problem = tickets.problems.iloc[0]
    assert (problem["ticket_id"], problem["value"], problem["line"]) == (
        "5000",
        "kl. 10 i morgen",
        5002,
    )


def test_due_dates_with_and_without_a_time_in_one_column(tmp_path: Path) -> None:
    data = (
        "ticket_id,created_at,due_at\n"
        "1,2026-10-05 09:00,2026-10-07\n"
        "2,2026-10-05 09:00,2026-10-07 12:00\n"
        "3,2026-10-05 09:00,\n"
    )
    frame = read_tickets([write(tmp_path, "t.csv", data.encode())], timezone="Europe/Oslo").frame
    utc = pd.to_datetime(["2026-10-07 21:59:59", "2026-10-07 10:00:00"]).astype("datetime64[s]")
    assert frame["due_at"].tolist() == [*utc.astype("int64").tolist(), NAT]  # end of day, CEST


def test_repeated_ids_within_one_file_are_merged(tmp_path: Path) -> None:
    data = (
        HEADER
        + "7,2026-10-05 09:00,email,high,first,\n7,2026-10-05 09:00,email,high,again,2026-10-05 10:00\n"
    )
    tickets = read_tickets([write(tmp_path, "t.csv", data.encode())])
    assert tickets.count == 1 and tickets.duplicates == 1
    assert tickets.frame["subject"].tolist() == ["again"]


def test_columns_no_field_uses_are_not_read(tmp_path: Path) -> None:
    # an export's extra columns (custom fields, notes) may hold anything; only mapped ones count
    data = (
        "ticket_id,created_at,internal_notes,channel\n"
        '1,2026-10-05 09:00,"not, a; date ' + "x" * 1000 + '",email\n'
    )
    tickets = read_tickets([write(tmp_path, "t.csv", data.encode())])
    assert tickets.count == 1 and "internal_notes" not in tickets.frame


@pytest.mark.parametrize(
    ("ids", "distinct"),
    [
        (["T1", "T2", "T9", "T10", "T11", "T100"], True),  # in id order: one look at neighbours
        (["T100", "T11", "T10", "T9", "T2", "T1"], True),  # newest first
        (["T1", "T10", "T2", "T9"], True),  # not in order: hashed
        (["T1", "T2", "T10", "T2"], False),
        (["T1", "T2", "T2", "T3"], False),  # a repeat next to itself is not "strictly" ordered
        (["T1", None, "T2"], True),  # a missing id is skipped elsewhere, never a repeat
        (["T1", None, "T1"], False),
    ],
)
def test_repeated_ids_are_found_in_any_order(ids: list[str | None], distinct: bool) -> None:
    from charter_cli.frames import TEXT
    from charter_cli.tickets.rows import all_distinct as _all_distinct

    assert _all_distinct(pd.Series(ids, dtype=TEXT)) is distinct


def test_literal_quotes_inside_unquoted_fields_keep_line_numbers(tmp_path: Path) -> None:
    # inch marks: a quote that does not open a field is text, for pyarrow as for Excel; the
    # line of every row must still be known (it names the row in every skipped-row reason)
    data = (
        HEADER + '1,2026-10-05 09:00,email,high,Skjerm 27" knust,\n'
        '2,2026-10-05 09:00,email,high,"to\nlinjer",\n'
        ",2026-10-05 09:00,email,high,no id,\n"
        '4,2026-10-05 09:00,chat,low,Bærbar 13" og 15",\n'
        "5,2026-10-05 09:00,chat,low,ok,\n"
    )
    tickets = read_tickets([write(tmp_path, "t.csv", data.encode())])
    assert tickets.count == 4 and tickets.rows_read == 5
    assert tickets.skipped[["line", "reason"]].values.tolist() == [[5, "missing ticket id"]]
    assert tickets.frame["subject"].tolist()[::3] == ['Skjerm 27" knust', "ok"]


def test_malformed_rows_among_literal_quotes_are_skipped_with_their_lines(tmp_path: Path) -> None:
    data = (
        HEADER + '1,2026-10-05 09:00,email,high,Skjerm 27" knust,\n'
        "\n"
        '2,2026-10-05 09:00,email,high,"to\nlinjer ""sitat""",\n'
        "3,2026-10-05 09:00,email\n"
        '4,2026-10-05 09:00,chat,low,Bærbar 13" og 15",\n'
        '5,2026-10-05 09:00,chat,low,"a,b",,extra\n'
        '6,2026-10-05 09:00,chat,low,"""quoted""",\n'
        ",2026-10-05 09:00,chat,low,x,\n"
    )
    tickets = read_tickets([write(tmp_path, "t.csv", data.encode())])
    assert tickets.rows_read == 7 and tickets.count == 4
    assert tickets.skipped[["line", "reason"]].values.tolist() == [
        [6, "expected 6 fields, found 3"],
        [8, "expected 6 fields, found 7"],
        [10, "missing ticket id"],
    ]
    assert tickets.frame["subject"].tolist()[-1] == '"quoted"'
