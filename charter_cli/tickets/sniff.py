"""Turn whatever a helpdesk exported into a table of strings, losing no row without saying so.

- text: UTF-8 (with or without BOM), UTF-16 with BOM, cp1252; a file that mixes UTF-8 with
  another encoding is refused rather than half-decoded;
- delimiters `,` `;` tab `|`, quoted newlines, CRLF and stray carriage returns;
- `.xlsx` through openpyxl, `.parquet` through pyarrow;
- every record keeps the file line it starts on; rows with the wrong number of fields are
  reported as skipped, never dropped.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from charter_cli.errors import InputError
from charter_cli.frames import TEXT

MAX_COLUMNS = 2_000
MAX_FIELD_BYTES = 256 * 1024  # a cell larger than this is not a ticket export
DELIMITERS = (",", ";", "\t", "|")
NULL_MARKERS = ["", "?", "N/A", "n/a", "NA", "null", "NULL", "None", "-", "\u00a0", " "]


@dataclass
class RawTable:
    """All cells as strings (None where empty), plus the line each row starts on."""

    path: str
    frame: pd.DataFrame
    lines: np.ndarray  # int64, 1-based line (CSV), row (xlsx) or record number (parquet)
    rows_read: int
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)
    encoding: str = "utf-8"
    delimiter: str | None = None
    kind: str = "csv"


def read_table(file: Path, *, extra_nulls: list[str] | None = None) -> RawTable:
    """Read one export; raises `InputError` with one clear message when it cannot."""
    path = str(file)
    try:
        raw = file.read_bytes()
    except IsADirectoryError:
        raise InputError("is a directory, not an export", path=path) from None
    except FileNotFoundError:
        raise InputError("no such file", path=path) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=path) from None
    if not raw[:65536].strip() and not raw.strip():  # the full strip only for a blank head
        raise InputError("the file is empty", path=path)
    if raw.startswith(b"PK\x03\x04"):
        return _read_xlsx(file, path)
    if raw.startswith(b"PAR1"):
        return _read_parquet(file, path)
    if file.suffix.lower() in (".xlsx", ".xlsm"):
        raise InputError("is not a valid .xlsx workbook", path=path)
    return _read_csv(raw, path, extra_nulls or [])


def _decode(raw: bytes, path: str) -> tuple[bytes, str]:
    """UTF-8 bytes of the file's text, and the encoding it was in."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw, encoding = raw[3:], "utf-8-sig"
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16").encode("utf-8"), "utf-16"
        except UnicodeDecodeError:
            raise InputError("declares UTF-16 (BOM) but is not valid UTF-16", path=path) from None
    else:
        encoding = "utf-8"
    if b"\x00" in raw[:65536]:
        raise InputError("contains NUL bytes: a binary file, not a CSV export", path=path)
    try:
        raw.decode("utf-8")
        return raw, encoding
    except UnicodeDecodeError as exc:
        bad_at = exc.start
    # not UTF-8: cp1252, unless the file also holds real UTF-8 (a file pasted together)
    multibyte = np.frombuffer(raw, dtype=np.uint8) >= 0xC2
    if multibyte.any() and _has_utf8_sequences(raw):
        line = raw.count(b"\n", 0, bad_at) + 1
        raise InputError(
            f"mixes encodings: most text is UTF-8 but line {line} is not; save the file "
            "again as UTF-8",
            path=path,
        )
    text = raw.decode("cp1252", errors="replace")
    if "\ufffd" in text:
        line = text[: text.index("\ufffd")].count("\n") + 1
        raise InputError(f"is neither UTF-8 nor cp1252 (line {line})", path=path)
    return text.encode("utf-8"), "cp1252"


def _has_utf8_sequences(raw: bytes) -> bool:
    """Whether the bytes contain well-formed UTF-8 multi-byte sequences (é as C3 A9)."""
    arr = np.frombuffer(raw, dtype=np.uint8)
    lead = (arr[:-1] >= 0xC2) & (arr[:-1] <= 0xDF)
    cont = (arr[1:] & 0xC0) == 0x80
    return bool((lead & cont).any())


def _normalise_newlines(data: bytes) -> bytes:
    if b"\r" not in data:
        return data
    data = data.replace(b"\r\n", b"\n")
    if b"\n" not in data:  # an old Mac file: CR alone ends lines
        return data.replace(b"\r", b"\n")
    return data.replace(b"\r", b" ")  # a stray carriage return inside a line


def _sniff_delimiter(data: bytes, path: str) -> str:
    head = data[:65536].decode("utf-8", errors="replace")
    lines = [ln for ln in head.split("\n")[:20] if ln.strip()]
    if not lines:
        raise InputError("has no header line", path=path)

    def counts(line: str) -> dict[str, int]:
        # count delimiters outside double quotes
        outside, inside = [], False
        for ch in line:
            if ch == '"':
                inside = not inside
            elif not inside:
                outside.append(ch)
        text = "".join(outside)
        return {d: text.count(d) for d in DELIMITERS}

    header = counts(lines[0])
    best = max(DELIMITERS, key=lambda d: (header[d], -DELIMITERS.index(d)))
    if header[best] == 0:
        return ","  # one column; the profile check will say what is missing
    # prefer a delimiter whose count is the same on the following lines
    stable = [
        d for d in DELIMITERS if header[d] and all(counts(ln)[d] == header[d] for ln in lines[1:6])
    ]
    if stable and best not in stable:
        best = max(stable, key=lambda d: header[d])
    return best


def _records(
    data: bytes, delimiter: str, *, count_fields: bool
) -> tuple[np.ndarray, np.ndarray, int]:
    """For every non-empty CSV record (the header first): the 1-based line it starts on and, when
    asked (only needed when some rows are malformed), its number of fields. Quoted newlines and
    delimiters are honoured. Vectorised over the bytes. Also the longest record, in bytes."""
    arr = np.frombuffer(data, dtype=np.uint8)
    newlines = np.flatnonzero(arr == 0x0A)
    quoted: np.ndarray | None = None
    if b'"' in data:
        # parity of the quotes seen so far: odd inside a quoted field ("" toggles twice)
        quoted = (np.cumsum(arr == 0x22, dtype=np.uint8) & 1).astype(bool)
        ends = newlines[~quoted[newlines]]
    else:
        ends = newlines
    if arr.size and (ends.size == 0 or ends[-1] != arr.size - 1):
        ends = np.append(ends, arr.size)  # a last record without a final newline
    starts = np.concatenate(([0], ends[:-1] + 1))
    start_line = np.searchsorted(newlines, starts) + 1
    blank = (ends - starts) == 0
    longest = int((ends - starts).max(initial=0))
    if not count_fields:
        return start_line[~blank].astype(np.int64), np.zeros(int((~blank).sum()), np.int64), longest
    hits = arr == ord(delimiter)
    if quoted is not None:
        hits &= ~quoted
    delims = np.flatnonzero(hits)
    fields = np.bincount(np.searchsorted(ends, delims), minlength=ends.size)[: ends.size] + 1
    return start_line[~blank].astype(np.int64), fields[~blank].astype(np.int64), longest


def _read_csv(raw: bytes, path: str, extra_nulls: list[str]) -> RawTable:
    data, encoding = _decode(raw, path)
    data = _normalise_newlines(data)
    header_end = data.find(b"\n")
    header = data if header_end < 0 else data[:header_end]
    if len(header) > MAX_FIELD_BYTES:
        raise InputError("the header line is over 256 KiB: not a ticket export", path=path)
    delimiter = _sniff_delimiter(data, path)
    columns = header.decode("utf-8", errors="replace").count(delimiter) + 1
    if columns > MAX_COLUMNS:
        raise InputError(
            f"has {columns:,} columns; a ticket export has at most {MAX_COLUMNS:,}", path=path
        )
    bad: list[tuple[int | None, str]] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        bad.append(
            (row.number, f"expected {row.expected_columns} fields, found {row.actual_columns}")
        )
        return "skip"

    nulls = list(dict.fromkeys([*NULL_MARKERS, *extra_nulls]))

    def parse(block_size: int) -> pa.Table:
        bad.clear()
        return pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(block_size=block_size),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, newlines_in_values=True, invalid_row_handler=on_invalid
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=_all_strings(header.decode("utf-8", errors="replace"), delimiter),
                null_values=nulls,
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )

    # pyarrow's default 1 MiB blocks parse in parallel; a record longer than a block needs
    # bigger blocks, which parse more slowly, so they are only a second attempt
    try:
        try:
            table = parse(1 << 20)
        except pa.ArrowInvalid as exc:
            if "straddling" not in str(exc) and "block size" not in str(exc):
                raise
            table = parse(1 << 24)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        message = str(exc).split("\n")[0]
        if "straddling" in message or "block size" in message:
            message = "a field or line is larger than 16 MiB"
        raise InputError(f"cannot be read as CSV: {message}", path=path) from None
    if (
        table.num_columns == 1
        and delimiter == ","
        and table.num_rows
        and table.column_names[0].count(";")
    ):
        raise InputError("could not tell the delimiter", path=path)  # pragma: no cover
    frame = table.to_pandas(types_mapper=lambda t: TEXT if pa.types.is_string(t) else None)
    frame.columns = unique_names([str(c) for c in frame.columns])
    simple = (
        not bad
        and b'"' not in data
        and b"\n\n" not in data
        and not data.startswith(b"\n")
        and data.count(b"\n") + (not data.endswith(b"\n")) == table.num_rows + 1
    )
    if simple:  # no quoting, no blank lines: record k is simply line k + 2
        record_lines = np.arange(1, table.num_rows + 2, dtype=np.int64)
        fields = np.zeros(0, dtype=np.int64)
        if len(data) > MAX_FIELD_BYTES:
            breaks = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 0x0A)
            if int(np.diff(breaks, prepend=-1, append=len(data)).max()) > MAX_FIELD_BYTES:
                _check_field_sizes(frame, path)
    else:
        record_lines, fields, longest = _records(data, delimiter, count_fields=bool(bad))
        if longest > MAX_FIELD_BYTES:  # only a record that long can hold a field that long
            _check_field_sizes(frame, path)
    row_lines = record_lines[1:]
    skipped: list[tuple[int, str]] = []
    if not bad:
        lines = (
            row_lines if row_lines.size == table.num_rows else np.zeros(table.num_rows, np.int64)
        )
    else:
        header_fields, row_fields = fields[0], fields[1:]
        valid = row_fields == header_fields
        if int((~valid).sum()) == len(bad) and int(valid.sum()) == table.num_rows:
            lines = row_lines[valid]
            skipped = [
                (int(line), f"expected {header_fields} fields, found {found}")
                for line, found in zip(row_lines[~valid], row_fields[~valid], strict=True)
            ]
        else:  # quoting our scan reads differently from pyarrow's: keep the count, not the lines
            lines = np.zeros(table.num_rows, dtype=np.int64)
            skipped = [(0, reason + " (line unknown: irregular quoting)") for _, reason in bad]
    total_records = table.num_rows + len(bad)
    return RawTable(
        path=path,
        frame=frame,
        lines=lines[: len(frame)],
        rows_read=total_records,
        skipped=skipped,
        encoding=encoding,
        delimiter=delimiter,
    )


def _all_strings(header: str, delimiter: str) -> dict[str, pa.DataType]:
    import csv

    names = next(csv.reader([header], delimiter=delimiter))
    return {name: pa.string() for name in names}


def unique_names(names: list[str]) -> list[str]:
    """Header names made unique: exports repeat names (custom fields) or leave some blank. The
    first keeps its name; later ones become `Name (2)`; a blank one `(column N)`."""
    out: list[str] = []
    seen: set[str] = set()
    for position, raw in enumerate(names, start=1):
        name = raw.strip() or f"(column {position})"
        candidate, copy = name, 1
        while candidate in seen:
            copy += 1
            candidate = f"{name} ({copy})"
        seen.add(candidate)
        out.append(candidate)
    return out


def _check_field_sizes(frame: pd.DataFrame, path: str) -> None:
    for name in frame.columns:
        col = frame[name]
        if col.isna().all():
            continue
        longest = col.str.len().max()
        if pd.notna(longest) and int(longest) > MAX_FIELD_BYTES:
            raise InputError(
                f"column {name!r} holds a field of {int(longest):,} characters; "
                "a ticket export has no such field",
                path=path,
            )


def _stringify(frame: pd.DataFrame) -> pd.DataFrame:
    """Every column as strings (None for missing); datetimes keep their full precision."""
    out = {}
    for name in frame.columns:
        col = frame[name]
        if pd.api.types.is_datetime64_any_dtype(col):
            if isinstance(col.dtype, pd.DatetimeTZDtype):
                text = col.dt.strftime("%Y-%m-%dT%H:%M:%S%z")
            else:
                text = col.dt.strftime("%Y-%m-%d %H:%M:%S")
        else:
            text = col.astype(TEXT)
        out[str(name).strip()] = text.astype(TEXT).str.strip().replace("", pd.NA)
    return pd.DataFrame(out)


def _read_xlsx(file: Path, path: str) -> RawTable:
    try:
        frame = pd.read_excel(file, engine="openpyxl", dtype=object, sheet_name=0)
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        raise InputError(f"cannot be read as an .xlsx workbook: {exc}", path=path) from None
    return _typed_table(frame, path, kind="xlsx", first_line=2)


def _read_parquet(file: Path, path: str) -> RawTable:
    import pyarrow.parquet as pq

    try:
        frame = pq.read_table(file).to_pandas()
    except Exception as exc:  # pyarrow raises several kinds for a broken file
        raise InputError(f"cannot be read as Parquet: {exc}", path=path) from None
    return _typed_table(frame, path, kind="parquet", first_line=1)


def _typed_table(frame: pd.DataFrame, path: str, *, kind: str, first_line: int) -> RawTable:
    """A workbook's or Parquet file's table under the same bounds and missing markers as CSV;
    rows are numbered from `first_line` (a worksheet's header is row 1; Parquet has none)."""
    if frame.shape[1] > MAX_COLUMNS:
        raise InputError(
            f"has {frame.shape[1]:,} columns; a ticket export has at most {MAX_COLUMNS:,}",
            path=path,
        )
    frame.columns = unique_names([str(c) for c in frame.columns])
    text = _stringify(frame).replace({m: pd.NA for m in NULL_MARKERS if m})
    _check_field_sizes(text, path)
    return RawTable(
        path=path,
        frame=text,
        lines=np.arange(first_line, len(text) + first_line, dtype=np.int64),
        rows_read=len(text),
        kind=kind,
        encoding=kind,
    )
