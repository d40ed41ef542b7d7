"""Turn whatever a helpdesk exported into a table of strings, losing no row without saying so.

- text: UTF-8 (with or without BOM), UTF-16 with BOM, cp1252; a file that mixes UTF-8 with
  another encoding is refused rather than half-decoded;
- delimiters `,` `;` tab `|`, quoted newlines, CRLF and stray carriage returns;
- `.xlsx` through openpyxl, `.parquet` through pyarrow;
- every record keeps the file line it starts on; rows with the wrong number of fields are
  reported as skipped, never dropped.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from charter_cli.errors import InputError, shown_path
from charter_cli.frames import TEXT, arrow_array
from charter_cli.workers import in_background

MAX_COLUMNS = 2_000
MAX_EXPORT_BYTES = 1 << 30  # the largest export read whole; more is several exports
_TOO_LARGE = (
    f"is larger than {MAX_EXPORT_BYTES >> 30} GiB, the largest export charter reads: split it "
    "(by month, say) and give the parts together"
)
MAX_XLSX_ROWS = 100_000  # about 40 s through openpyxl; a CSV of a million rows takes a second
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


Columns = dict[str, pa.DataType]  # column name → the Arrow type to read it as


@dataclass
class Export:
    """An export opened far enough to know its columns (header names made unique); `read`
    parses the rows."""

    path: str
    names: list[str]
    kind: str
    reader: Callable[[Columns | None], RawTable]
    repeated: dict[str, int] = field(default_factory=dict)  # a name the header repeats: how often
    nulls: list[str] = field(default_factory=list)  # missing markers beyond NULL_MARKERS

    def read(self, columns: Columns | None = None, *, nulls: Sequence[str] = ()) -> RawTable:
        """Every row. With `columns`, a CSV reads only those columns, each as the type given:
        `TIMESTAMP` for naive ISO times, `CATEGORY` for low-cardinality text, `STRING`
        otherwise; a column whose values do not all fit its type is read as text instead.
        Workbooks and Parquet files always come back whole, as text. `nulls` are further
        missing markers (a profile's `missing:`), cells that hold one are empty."""
        self.nulls[:] = dict.fromkeys([*self.nulls, *nulls])
        table = self.reader(columns)
        extra = [m for m in nulls if m not in NULL_MARKERS]
        if extra and self.kind != "csv":  # a CSV reader knows them already, through `nulls`
            table.frame = table.frame.replace(dict.fromkeys(extra, pd.NA))
        return table


STRING = pa.large_string()  # what pandas' Arrow-backed strings hold: no conversion
CATEGORY = pa.dictionary(pa.int32(), pa.string())
TIMESTAMP = pa.timestamp("s")


def read_table(file: Path, *, extra_nulls: list[str] | None = None) -> RawTable:
    """Read one export whole, every column as text; raises `InputError` with one clear message
    when it cannot."""
    return open_export(file, extra_nulls=extra_nulls).read()


def open_export(file: Path, *, extra_nulls: list[str] | None = None) -> Export:
    path = shown_path(file)
    try:
        raw = _read_bounded(file, path)
    except IsADirectoryError:
        raise InputError("is a directory, not an export", path=path) from None
    except FileNotFoundError:
        raise InputError("no such file", path=path) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=path) from None
    if not raw[:65536].strip() and not raw.strip():  # the full strip only for a blank head
        raise InputError("the file is empty", path=path)
    if raw.startswith((b"PK\x03\x04", b"PAR1")):
        table = _read_xlsx(file, path) if raw.startswith(b"PK") else _read_parquet(file, path)
        return Export(path, list(table.frame.columns), table.kind, lambda _: table)
    if file.suffix.lower() in (".xlsx", ".xlsm"):
        raise InputError("is not a valid .xlsx workbook", path=path)
    csv = _CsvExport(raw, path, extra_nulls or [])
    return Export(
        path, csv.names, "csv", csv.read, repeated=repeated_names(csv.header), nulls=csv.nulls
    )


def _read_bounded(file: Path, path: str) -> bytes:
    """The file's bytes, after a look at its head: a binary file (NUL bytes: `/dev/zero`, a sparse
    file) is refused before it is read, and nothing larger than `MAX_EXPORT_BYTES` is read at all
    (a regular file by its size, a device or a pipe as it streams)."""
    with file.open("rb") as handle:
        regular = stat.S_ISREG(os.fstat(handle.fileno()).st_mode)
        if regular and os.fstat(handle.fileno()).st_size > MAX_EXPORT_BYTES:
            raise InputError(_TOO_LARGE, path=path)
        head = handle.read(65536)
        binary_format = head.startswith((b"PK\x03\x04", b"PAR1", b"\xff\xfe", b"\xfe\xff"))
        if b"\x00" in head and not binary_format:
            raise InputError("contains NUL bytes: a binary file, not a CSV export", path=path)
        if regular:
            handle.seek(0)
            raw = handle.read(MAX_EXPORT_BYTES + 1)
        else:
            raw = head + handle.read(MAX_EXPORT_BYTES + 1 - len(head))
    if len(raw) > MAX_EXPORT_BYTES:
        raise InputError(_TOO_LARGE, path=path)
    return raw


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
) -> tuple[np.ndarray, np.ndarray] | None:
    """For every non-empty CSV record (the header first): the 1-based line it starts on and, when
    asked (only needed when some rows are malformed), its number of fields. Quoted newlines and
    delimiters are honoured. Vectorised over the bytes: a quote toggles "inside a quoted field",
    which is how a CSV reader sees it only when every quote stands where quoting puts it. None
    when one does not (a quote inside an unquoted field, as in `27" screen`, is text)."""
    arr = np.frombuffer(data, dtype=np.uint8)
    newlines = np.flatnonzero(arr == 0x0A)
    quoted: np.ndarray | None = None
    if b'"' in data:
        is_quote = arr == 0x22
        if not _quotes_in_place(arr, np.flatnonzero(is_quote), ord(delimiter)):
            return None
        # parity of the quotes seen so far: odd inside a quoted field ("" toggles twice)
        quoted = (np.cumsum(is_quote, dtype=np.uint8) & 1).astype(bool)
        ends = newlines[~quoted[newlines]]
    else:
        ends = newlines
    if arr.size and (ends.size == 0 or ends[-1] != arr.size - 1):
        ends = np.append(ends, arr.size)  # a last record without a final newline
    starts = np.concatenate(([0], ends[:-1] + 1))
    start_line = np.searchsorted(newlines, starts) + 1
    blank = (ends - starts) == 0
    if not count_fields:
        return start_line[~blank].astype(np.int64), np.zeros(int((~blank).sum()), np.int64)
    hits = arr == ord(delimiter)
    if quoted is not None:
        hits &= ~quoted
    delims = np.flatnonzero(hits)
    fields = np.bincount(np.searchsorted(ends, delims), minlength=ends.size)[: ends.size] + 1
    return start_line[~blank].astype(np.int64), fields[~blank].astype(np.int64)


def _quotes_in_place(arr: np.ndarray, quotes: np.ndarray, delimiter: int) -> bool:
    """Whether counting quotes reads the text as a CSV reader does: every quote that opens
    (even position among the quotes) starts a field or follows the quote that closed (a doubled
    quote), every quote that closes ends a field or precedes another quote, and none is left
    open."""
    if quotes.size % 2:
        return False
    opening, closing = quotes[0::2], quotes[1::2]
    before = arr[np.maximum(opening - 1, 0)]
    bom_end = 3 if arr[:3].tobytes() == b"\xef\xbb\xbf" else 0
    field_start = (opening == bom_end) | (before == delimiter) | (before == 0x0A) | (before == 0x22)
    after = arr[np.minimum(closing + 1, arr.size - 1)]
    field_end = (closing == arr.size - 1) | (after == delimiter) | (after == 0x0A) | (after == 0x22)
    return bool(field_start.all() and field_end.all())


class _CsvExport:
    """A CSV export: bytes, encoding, delimiter and header known; rows parsed on `read`.

    UTF-8 text is handed to pyarrow as it is (it understands a BOM and CRLF); only another
    encoding or stray carriage returns make a copy of the text before parsing.
    """

    def __init__(self, raw: bytes, path: str, extra_nulls: list[str]) -> None:
        self.path = path
        self.nulls = list(dict.fromkeys([*NULL_MARKERS, *extra_nulls]))
        data, self.encoding = _start_text(raw, path)
        self.data = _normalise_newlines(data)
        header_end = self.data.find(b"\n")
        header = self.data if header_end < 0 else self.data[:header_end]
        if len(header) > MAX_FIELD_BYTES:
            raise InputError("the header line is over 256 KiB: not a ticket export", path=path)
        header_text = header.decode("utf-8-sig")
        self.delimiter = _sniff_delimiter(self.data, path)
        columns = header_text.count(self.delimiter) + 1
        if columns > MAX_COLUMNS:
            raise InputError(
                f"has {columns:,} columns; a ticket export has at most {MAX_COLUMNS:,}", path=path
            )
        self.header = _header_names(header_text.rstrip("\r"), self.delimiter)
        self.quoted = b'"' in self.data
        self.names = unique_names(self.header)

    def read(self, columns: Columns | None) -> RawTable:
        # typed columns by name only when the header names are plain and distinct
        plain = self.names == [n.strip() for n in self.header] and len(set(self.header)) == len(
            self.header
        )
        types: Columns = dict.fromkeys(self.header, STRING)
        include: list[str] | None = None
        if columns is not None and plain:
            wanted = {n: t for n, t in columns.items() if n in types}
            include = [n for n in self.header if n in wanted]
            types.update(wanted)
            _naive_times_only(self, types, include)
        bad: list[tuple[int | None, str]] = []
        table = self._parse(types, include, bad)
        # without quoting, rows map to lines by counting line ends: counted on the pool meanwhile
        ends = in_background(lambda: _line_ends(self.data)) if not bad and not self.quoted else None
        frame = table.to_pandas(types_mapper=_pandas_type)
        frame.columns = (
            unique_names([str(c) for c in frame.columns]) if include is None else include
        )
        _check_field_sizes(frame, self.path)
        lines, skipped = self._lines(table.num_rows, bad, ends.result() if ends else None)
        return RawTable(
            path=self.path,
            frame=frame,
            lines=lines[: len(frame)],
            rows_read=table.num_rows + len(bad),
            skipped=skipped,
            encoding=self.encoding,
            delimiter=self.delimiter,
        )

    def _parse(
        self, types: Columns, include: list[str] | None, bad: list[tuple[int | None, str]]
    ) -> pa.Table:
        """pyarrow's reader, asked again when needed: with blocks large enough for the longest
        record, with timestamps as text."""

        def on_invalid(row: pacsv.InvalidRow) -> str:
            bad.append(
                (row.number, f"expected {row.expected_columns} fields, found {row.actual_columns}")
            )
            return "skip"

        block = 1 << 20  # parsed in parallel; longer records need bigger, slower blocks
        quoted = self.quoted  # without quotes no value holds a newline: a faster parse
        while True:
            bad.clear()
            try:
                return pacsv.read_csv(
                    pa.py_buffer(self.data),  # in place: no Python file object in the way
                    read_options=pacsv.ReadOptions(block_size=block),
                    parse_options=pacsv.ParseOptions(
                        delimiter=self.delimiter,
                        newlines_in_values=quoted,
                        invalid_row_handler=on_invalid,
                    ),
                    convert_options=pacsv.ConvertOptions(
                        column_types=types,
                        include_columns=include,
                        null_values=self.nulls,
                        strings_can_be_null=True,
                        quoted_strings_can_be_null=True,
                    ),
                )
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
                message = str(exc).split("\n")[0]
                if ("straddling" in message or "block size" in message) and block < 1 << 24:
                    block = 1 << 24
                elif "straddling" in message or "block size" in message:
                    raise InputError(
                        "cannot be read as CSV: a field or line is larger than 16 MiB",
                        path=self.path,
                    ) from None
                elif "to timestamp" in message and TIMESTAMP in types.values():
                    for name, kind in list(types.items()):
                        if kind == TIMESTAMP:
                            types[name] = STRING
                else:
                    raise InputError(f"cannot be read as CSV: {message}", path=self.path) from None

    def _lines(
        self, rows: int, bad: list[tuple[int | None, str]], ends: int | None
    ) -> tuple[np.ndarray, list[tuple[int, str]]]:
        """The line each row starts on, and the skipped rows with their line and reason. `ends`:
        the number of line ends, when there is no quoting and no bad row."""
        data = self.data
        # no quoting: as many line ends as records means no blank line either
        simple = ends is not None and ends + (not data.endswith(b"\n")) == rows + 1
        if simple:  # record k is simply line k + 2
            return np.arange(2, rows + 2, dtype=np.int64), []
        records = _records(data, self.delimiter, count_fields=bool(bad))
        if records is not None:
            record_lines, fields = records
            row_lines = record_lines[1:]
            if not bad and row_lines.size == rows:
                return row_lines, []
            header_fields, row_fields = fields[0], fields[1:]
            valid = row_fields == header_fields
            if bad and int((~valid).sum()) == len(bad) and int(valid.sum()) == rows:
                skipped = [
                    (int(line), f"expected {header_fields} fields, found {found}")
                    for line, found in zip(row_lines[~valid], row_fields[~valid], strict=True)
                ]
                return row_lines[valid], skipped
        # quotes our quick scan cannot read (a quote inside an unquoted field, as in
        # `27" screen`, is text): ask pyarrow itself where its records are
        exact = self._exact_lines(rows, len(bad))
        if exact is not None:
            return exact
        return np.zeros(rows, dtype=np.int64), [  # pragma: no cover - pyarrow disagrees with itself
            (0, reason + " (line unknown: irregular quoting)") for _, reason in bad
        ]

    def _exact_lines(self, rows: int, bad: int) -> tuple[np.ndarray, list[tuple[int, str]]] | None:
        """Record lines as pyarrow reads the records: one more parse, single-threaded (the reader
        then numbers the rows it rejects), every column as text to count the newlines inside
        values. A blank line gets a NUL so that it is a (rejected) record too, not skipped
        unseen. None if the parse does not see the same rows as the first."""
        if len(self.header) < 2:
            return None
        arr = np.frombuffer(self.data, dtype=np.uint8)
        blank = np.flatnonzero((arr[:-1] == 0x0A) & (arr[1:] == 0x0A)) + 1
        data = np.insert(arr, blank, 0).tobytes() if blank.size else self.data
        rejected: list[tuple[int, int, int]] = []  # record number, newlines in it, fields

        def keep(row: pacsv.InvalidRow) -> str:
            if row.number is None:  # pragma: no cover - single-threaded readers number rows
                raise ValueError("row number unknown")
            blank_line = row.text == "\x00"
            rejected.append(
                (row.number, row.text.count("\n"), -1 if blank_line else row.actual_columns)
            )
            return "skip"

        try:
            table = pacsv.read_csv(
                pa.py_buffer(data),
                read_options=pacsv.ReadOptions(use_threads=False, block_size=1 << 24),
                parse_options=pacsv.ParseOptions(
                    delimiter=self.delimiter, newlines_in_values=True, invalid_row_handler=keep
                ),
                convert_options=pacsv.ConvertOptions(
                    column_types=dict.fromkeys(self.header, STRING), strings_can_be_null=False
                ),
            )
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, ValueError):  # pragma: no cover
            return None
        numbers = np.array([r[0] for r in rejected], dtype=np.int64)
        if table.num_rows != rows or sum(r[2] >= 0 for r in rejected) != bad:
            return None  # pragma: no cover - the first parse saw other rows
        # newlines inside each record, records in file order (the header is record 1)
        inside = np.zeros(1 + table.num_rows + len(rejected), dtype=np.int64)
        is_row = np.ones(inside.size, dtype=bool)
        is_row[0] = False
        is_row[numbers - 1] = False
        per_row = np.zeros(table.num_rows, dtype=np.int64)
        for column in table.columns:
            per_row += pc.fill_null(pc.count_substring(column, "\n"), 0).to_numpy()
        inside[is_row] = per_row
        inside[numbers - 1] = [r[1] for r in rejected]
        starts = np.concatenate(([1], 1 + np.cumsum(inside + 1)[:-1]))
        # lines count in the original file: the NULs added no line, but their lines are lines
        skipped = [
            (int(starts[n - 1]), f"expected {len(self.header)} fields, found {found}")
            for n, _, found in rejected
            if found >= 0
        ]
        return starts[is_row], skipped


def _line_ends(data: bytes) -> int:
    """How many `\\n` the text holds, in slices (NumPy without the GIL, no file-sized array)."""
    view = np.frombuffer(data, dtype=np.uint8)
    step = 1 << 24
    return sum(int(np.count_nonzero(view[i : i + step] == 0x0A)) for i in range(0, view.size, step))


def _start_text(raw: bytes, path: str) -> tuple[bytes, str]:
    """The file's text as UTF-8 bytes ready to parse, and the encoding it was in. A file that is
    already UTF-8 (with or without BOM: pyarrow skips it) is only checked, not copied."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decode(raw, path)
    if b"\x00" in raw[:65536]:
        raise InputError("contains NUL bytes: a binary file, not a CSV export", path=path)
    if raw.isascii() or _valid_utf8(raw):
        return raw, ("utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8")
    return _decode(raw, path)


def _valid_utf8(raw: bytes) -> bool:
    """Arrow's UTF-8 check over the bytes in place (a few times faster than decoding them)."""
    offsets = pa.py_buffer(np.array([0, len(raw)], dtype=np.int64))
    text = pa.Array.from_buffers(pa.large_string(), 1, [None, offsets, pa.py_buffer(raw)])
    try:
        text.validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _naive_times_only(export: _CsvExport, types: Columns, include: list[str]) -> None:
    """Keep `TIMESTAMP` only for columns whose first rows are naive ISO times: a column with
    offsets or fractions is read as text at once rather than found out after a full parse."""
    stamps = [n for n, t in types.items() if t == TIMESTAMP]
    if not stamps:
        return
    head = export.data[: 1 << 16]
    head = head[: head.rfind(b"\n") + 1] or head
    try:
        sample = pacsv.read_csv(
            pa.py_buffer(head),
            parse_options=pacsv.ParseOptions(
                delimiter=export.delimiter, newlines_in_values=True, invalid_row_handler=_skip_row
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(export.header, STRING),
                include_columns=stamps,
                null_values=export.nulls,
                strings_can_be_null=True,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        sample = None
    for name in stamps:
        try:
            if sample is None:
                raise ValueError(name)
            pc.cast(sample.column(name), TIMESTAMP)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, ValueError, KeyError):
            types[name] = STRING


def _skip_row(row: pacsv.InvalidRow) -> str:
    return "skip"


def _pandas_type(kind: pa.DataType) -> object:
    return TEXT if pa.types.is_string(kind) or pa.types.is_large_string(kind) else None


def _header_names(header: str, delimiter: str) -> list[str]:
    import csv

    return next(csv.reader([header], delimiter=delimiter), [""])


def repeated_names(names: list[str]) -> dict[str, int]:
    """The names a header repeats (Jira writes one `Labels` column per label), with their count."""
    counts: dict[str, int] = {}
    for raw in names:
        if raw.strip():
            counts[raw.strip()] = counts.get(raw.strip(), 0) + 1
    return {name: n for name, n in counts.items() if n > 1}


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
    """Refuse a text cell over 256 KiB (a categorical's longest value is among its categories;
    parsed timestamps are short by nature)."""
    for name in frame.columns:
        col = frame[name]
        if isinstance(col.dtype, pd.CategoricalDtype):
            values = pd.Series(col.cat.categories, dtype=TEXT)
        elif col.dtype == TEXT or col.dtype == object:
            values = col
        else:
            continue
        if not len(values) or values.isna().all():
            continue
        if values.dtype == TEXT:  # bytes bound characters: count those only when needed
            size = pc.max(pc.binary_length(arrow_array(values))).as_py()
            if size is None or size <= MAX_FIELD_BYTES:
                continue
        longest = values.str.len().max()
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
        # one row past the limit tells that there are more, without reading them all
        frame = pd.read_excel(
            file, engine="openpyxl", dtype=object, sheet_name=0, nrows=MAX_XLSX_ROWS + 1
        )
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        raise InputError(f"cannot be read as an .xlsx workbook: {exc}", path=path) from None
    if len(frame) > MAX_XLSX_ROWS:
        raise InputError(
            f"has more than {MAX_XLSX_ROWS:,} rows, the most charter reads from a workbook "
            "(openpyxl takes minutes for more); save it as CSV, which is read in seconds",
            path=path,
        )
    return _typed_table(frame, path, kind="xlsx", first_line=2)


def _read_parquet(file: Path, path: str) -> RawTable:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(file)
    except Exception as exc:  # pyarrow raises several kinds for a broken file
        raise InputError(f"cannot be read as Parquet: {exc}", path=path) from None
    frame = _arrow_text(table).to_pandas()
    return _typed_table(frame, path, kind="parquet", first_line=1)


def _arrow_text(table: pa.Table) -> pa.Table:
    """Integer and binary columns as text while still in Arrow: pandas would turn an integer
    column with one null into floats (two ids above 2**53 then merge as duplicates), and bytes
    that are not UTF-8 have no text at all (they are decoded with U+FFFD where they fail)."""
    columns = []
    for column in table.columns:
        kind = column.type
        if pa.types.is_integer(kind) or pa.types.is_decimal(kind):
            column = pc.cast(column, pa.string())
        elif pa.types.is_binary(kind) or pa.types.is_large_binary(kind):
            try:
                column = pc.cast(column, pa.string())
            except pa.ArrowInvalid:
                decoded = column.to_pandas().str.decode("utf-8", errors="replace")
                column = pa.chunked_array([pa.array(decoded, type=pa.string())])
        columns.append(column)
    return pa.Table.from_arrays(columns, names=table.column_names)


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
