"""Every row's line, as the csv module counts it, whatever the quoting: quoted newlines, doubled
quotes, quotes inside unquoted fields (inch marks), blank lines, rows with the wrong number of
fields. The line names a row in every skipped-row reason and every unreadable cell."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from unittest.mock import patch

from hypothesis import given
from hypothesis import strategies as st

from charter_cli.tickets import csvfile
from charter_cli.tickets.sniff import read_table

HEADER = ["ticket_id", "created_at", "subject"]
# the awkward characters, a few letters, no delimiter other than the comma
TEXT = st.text(alphabet='ab æøå"\n,', max_size=8)


@st.composite
def fields(draw: st.DrawFn) -> str:
    value = draw(TEXT)
    plain = not value.startswith('"') and not any(c in value for c in ",\n")
    if plain and draw(st.booleans()):
        return value  # as written: a quote inside it is text
    return '"' + value.replace('"', '""') + '"'


@st.composite
def exports(draw: st.DrawFn) -> str:
    # a few plain rows first: the delimiter is sniffed from the first lines
    lines = [",".join(HEADER)] + [f"{i},2026-10-05 09:00,plain" for i in range(3)]
    for _ in range(draw(st.integers(0, 12))):
        if draw(st.integers(0, 9)) == 0:
            lines.append("")  # a blank line
            continue
        width = draw(st.sampled_from([3, 3, 3, 3, 2, 4]))
        lines.append(",".join(draw(fields()) for _ in range(width)))
    return "\n".join(lines) + "\n"


def reference(text: str) -> tuple[list[int], list[tuple[int, str]]]:
    """Start lines of the rows with three fields and of the others, by the csv module."""
    reader = csv.reader(io.StringIO(text, newline=""))
    good: list[int] = []
    bad: list[tuple[int, str]] = []
    last = 0
    for number, row in enumerate(reader):
        start, last = last + 1, reader.line_num
        if number == 0 or not row:
            continue
        if len(row) == len(HEADER):
            good.append(start)
        else:
            bad.append((start, f"expected {len(HEADER)} fields, found {len(row)}"))
    return good, bad


@given(exports())
def test_row_lines_match_the_csv_module(tmp_path_factory: object, text: str) -> None:
    folder = tmp_path_factory.mktemp("lines")  # type: ignore[attr-defined]
    file = Path(folder) / "export.csv"
    file.write_bytes(text.encode())
    table = read_table(file)
    good, bad = reference(text)
    assert table.lines.tolist() == good
    assert table.skipped == bad
    assert table.rows_read == len(good) + len(bad)


@given(exports(), st.integers(1, 9))
def test_row_lines_do_not_depend_on_where_the_text_is_cut(
    tmp_path_factory: object, text: str, cut: int
) -> None:
    """The record ends are found slice by slice of the text: with slices of a few bytes, every
    quote, doubled quote and quoted newline falls on a cut somewhere."""
    folder = tmp_path_factory.mktemp("cuts")  # type: ignore[attr-defined]
    file = Path(folder) / "export.csv"
    file.write_bytes(text.encode())
    # slices of the text in memory; parts of the file on disk (the fixture reads it both ways)
    with patch.object(csvfile, "_SLICE", cut), patch.object(csvfile, "SCAN_BYTES", cut):
        table = read_table(file)
    good, bad = reference(text)
    assert table.lines.tolist() == good
    assert table.skipped == bad


@st.composite
def quoted_fields(draw: st.DrawFn) -> str:
    value = draw(TEXT)
    if '"' not in value and "," not in value and "\n" not in value and draw(st.booleans()):
        return value
    return '"' + value.replace('"', '""') + '"'


@given(st.lists(st.lists(quoted_fields(), min_size=1, max_size=4), max_size=10), st.integers(1, 9))
def test_record_starts_and_fields_slice_by_slice(rows: list[list[str]], cut: int) -> None:
    """Where every quote stands where quoting puts it, the quick scan finds each record's line
    and field count as the csv module does, however small the slices it works in."""
    text = "\n".join([",".join(HEADER), *(",".join(row) for row in rows)]) + "\n"
    expected: list[tuple[int, int]] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    last = 0
    for row in reader:
        start, last = last + 1, reader.line_num
        if row:
            expected.append((start, len(row)))
    with patch.object(csvfile, "_SLICE", cut):
        found = csvfile._records(text.encode(), ",", count_fields=True)
        starts = csvfile._records(text.encode(), ",", count_fields=False)
    assert found is not None and starts is not None
    assert list(zip(found[0].tolist(), found[1].tolist(), strict=True)) == expected
    assert starts[0].tolist() == [line for line, _ in expected]
