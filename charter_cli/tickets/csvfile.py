"""A CSV export read by pyarrow: its encoding and delimiter sniffed, every record numbered with
its line (quoted newlines and stray quotes included), only the columns a profile uses parsed,
each as what it is."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from charter_cli.errors import InputError
from charter_cli.frames import TEXT
from charter_cli.memory import give_back
from charter_cli.progress import RowProgress
from charter_cli.tickets.sniff import (
    DELIMITERS,
    MAX_COLUMNS,
    MAX_FIELD_BYTES,
    NULL_MARKERS,
    STRING,
    TIMESTAMP,
    TIMESTAMP_UTC,
    Columns,
    RawTable,
    check_field_sizes,
    unique_names,
)
from charter_cli.workers import in_background, in_parallel


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
    found = _record_ends(arr, ord(delimiter), unquoted=b'"' not in data)
    if found is None or found.quotes % 2:  # a quote out of place, or one left open
        return None
    start_line, blank_ends = _starts(found, ends_with_newline=not arr.size or arr[-1] == 0x0A)
    if not count_fields:
        return start_line[~blank_ends], np.zeros(int((~blank_ends).sum()), np.int64)
    newlines = _positions(arr, 0x0A)
    ends = newlines
    delims = _positions(arr, ord(delimiter))
    if found.quotes:
        quotes = _positions(arr, 0x22)
        ends = newlines[(np.searchsorted(quotes, newlines) & 1) == 0]
        delims = delims[(np.searchsorted(quotes, delims) & 1) == 0]
    if arr.size and (ends.size == 0 or ends[-1] != arr.size - 1):
        ends = np.append(ends, arr.size)
    fields = np.bincount(np.searchsorted(ends, delims), minlength=ends.size)[: ends.size] + 1
    return start_line[~blank_ends], fields[~blank_ends].astype(np.int64)


def _starts(found: Ends, *, ends_with_newline: bool) -> tuple[np.ndarray, np.ndarray]:
    """Each record's first line and whether it is blank, from the newlines that end records: a
    record starts on the line after the one its predecessor ended on; a last record without a
    final newline ends at the end of the text."""
    end_lines, blank_ends = found.lines, found.blank
    n = end_lines.size + (not ends_with_newline)
    if not ends_with_newline:
        blank_ends = np.append(blank_ends, False)
    start_line = np.empty(n, dtype=np.int64)  # one pass, no intermediate arrays
    if n:
        start_line[0] = 1
        np.add(end_lines[: n - 1], 1, out=start_line[1:])
    return start_line, blank_ends


@dataclass
class Ends:
    """The newlines of some text that end a record (`_record_ends`)."""

    lines: np.ndarray  # the line each is on (1-based, in the whole text)
    blank: np.ndarray  # whether the record it ends is blank
    quotes: int  # quotes in the text
    newlines: int  # newlines in the text


_SLICE = 1 << 22  # bytes a task of `_record_ends` looks at


def _record_ends(
    arr: np.ndarray,
    delimiter: int,
    *,
    quotes: int = 0,
    lines: int = 0,
    first: bool = True,
    unquoted: bool = False,
) -> Ends | None:
    """The newlines of `arr` that end a record: for each, the line it is on and whether its
    record is blank. A newline ends a record when an even number of quotes precede it (`""`
    counts twice); None when a quote stands where quoting does not put it. `arr` may be a part of
    the text that starts after a newline, `quotes` and `lines` the quotes and newlines before it
    (`first`: it starts the text). Slice by slice on the worker pool, each slice told how many
    quotes and newlines came before it: no array of every quote or newline of the file (on the
    629 MB messages file, 0.4 GB less at the peak of the read, benchmarks/README.md). The quotes
    and newlines of a slice are found in one pass. `unquoted`: `arr` holds no quote (a search
    of the bytes said so); then a slice without a blank line is only counted, each of its
    newlines ending a record (an unquoted 118 MB events file: 0.10 -> 0.03 s of CPU)."""
    starts = range(0, arr.size, _SLICE)
    bom_end = 3 if first and arr[:3].tobytes() == b"\xef\xbb\xbf" else 0
    last = arr.size - 1

    def located(at: int) -> Callable[[], tuple[int, int, np.ndarray | None]]:
        def task() -> tuple[int, int, np.ndarray | None]:
            part = arr[at : at + _SLICE]
            if unquoted:  # only counted, unless a newline follows another (a blank line)
                newline = part == 0x0A
                blank = part.size > 0 and bool(newline[0]) and (at == 0 or arr[at - 1] == 0x0A)
                if not blank and not np.count_nonzero(newline[1:] & newline[:-1]):
                    return int(np.count_nonzero(newline)), 0, None
                return int(np.count_nonzero(newline)), 0, np.flatnonzero(newline)
            found = part == 0x0A
            found |= part == 0x22
            where = np.flatnonzero(found)  # the quotes and newlines, in order
            quoted = int(np.count_nonzero(part[where] == 0x22))
            return where.size - quoted, quoted, where

        return task

    # each slice's quotes and newlines found once, side by side; what comes before each slice
    # is then their counts summed (one pass over the bytes, not a count and then a search)
    found = in_parallel([located(at) for at in starts])
    counts = np.array([(q, n) for n, q, _ in found], dtype=np.int64).reshape(-1, 2)
    quotes_before = quotes + np.concatenate(([0], np.cumsum(counts[:, 0])[:-1]))
    lines_before = lines + np.concatenate(([0], np.cumsum(counts[:, 1])[:-1]))
    ok = np.zeros(256, dtype=bool)  # the bytes that may stand beside a quote quoting puts there
    ok[[delimiter, 0x0A, 0x22]] = True

    def ends(k: int, at: int) -> Callable[[], tuple[np.ndarray, np.ndarray] | None]:
        def task() -> tuple[np.ndarray, np.ndarray] | None:
            count, _, where = found[k]
            odd = int(quotes_before[k]) & 1
            if where is None:  # no quote: all its newlines end records, or none (inside quotes)
                n = 0 if odd else count
                return lines_before[k] + np.arange(1, n + 1, dtype=np.int64), np.zeros(n, bool)
            where += at
            is_quote = arr[where] == 0x22
            quotes_up_to = np.cumsum(is_quote)  # each quote counts itself
            at_quote = where[is_quote]
            if at_quote.size:
                # every quote that opens starts a field or follows the quote that closed (a
                # doubled quote); every quote that closes ends a field or precedes a quote
                opening = ((np.arange(at_quote.size) + odd) & 1) == 0
                beside = np.where(
                    opening,
                    ok[arr[np.maximum(at_quote - 1, 0)]] | (at_quote == bom_end),
                    ok[arr[np.minimum(at_quote + 1, last)]] | (at_quote == last),
                )
                if not beside.all():
                    return None
            is_newline = ~is_quote
            even = ((quotes_up_to[is_newline] + odd) & 1) == 0
            line = lines_before[k] + np.flatnonzero(even) + 1  # the line each end is on
            pos = where[is_newline][even]
            blank = (pos == 0) | (arr[np.maximum(pos - 1, 0)] == 0x0A)
            return line.astype(np.int64), blank

        return task

    parts = in_parallel([ends(k, at) for k, at in enumerate(starts)])
    if any(p is None for p in parts):
        return None
    done = [p for p in parts if p is not None]
    total = int(counts[:, 0].sum()), int(counts[:, 1].sum())
    if not done:
        return Ends(np.zeros(0, np.int64), np.zeros(0, bool), *total)
    return Ends(np.concatenate([p[0] for p in done]), np.concatenate([p[1] for p in done]), *total)


@dataclass
class Scan:
    """What a pass over a file on disk found (`scan`): whether pyarrow's parse of it holds."""

    plain: bool  # UTF-8 without carriage returns: the text pyarrow parsed is the file's
    ends: Ends | None  # None: a quote out of place, or left open
    ends_with_newline: bool


SCAN_BYTES = 1 << 25  # the part of a file on disk `scan` reads at a time


def scan(file: Path, delimiter: str) -> Scan:
    """A pass over a file on disk, a part at a time, each cut after a newline (a character and
    a record may end there; a quoted field may go on, which the count of quotes before it
    carries): whether it is UTF-8 without carriage returns, and the newlines that end records.
    The parts are read into one buffer and looked at in place (no copy of a part)."""
    quotes = lines = 0
    found: list[Ends] = []
    regular = True
    last = 0x0A
    # bytes for `find` (a carriage return searched as memchr does: a quarter of the time of
    # comparing every byte, benchmarks/README.md), seen by numpy in place
    raw = bytearray(SCAN_BYTES)
    buffer = np.frombuffer(raw, dtype=np.uint8)
    held = 0  # bytes of the part before, after its last newline, moved to the buffer's start
    with file.open("rb") as handle:
        while True:
            if held == buffer.size:  # no newline in a whole buffer: a larger one
                raw = raw + bytearray(len(raw))
                buffer = np.frombuffer(raw, dtype=np.uint8)
            got = handle.readinto(buffer[held:].data)
            size = held + got
            if size == 0:
                break
            text = buffer[:size]
            newline = _last_newline(text)
            if got and newline < 0:  # no newline yet: read on
                held = size
                continue
            cut = newline + 1 if got else size
            arr = text[:cut]
            if raw.find(b"\r", 0, cut) >= 0 or not valid_utf8(arr.data):
                return Scan(False, None, True)
            ends = (
                _record_ends(
                    arr,
                    ord(delimiter),
                    quotes=quotes,
                    lines=lines,
                    first=not found,
                    unquoted=raw.find(b'"', 0, cut) < 0,
                )
                if regular
                else None
            )
            if ends is None:
                regular = False
                quotes += int(np.count_nonzero(arr == 0x22))
                lines += int(np.count_nonzero(arr == 0x0A))
            else:
                found.append(ends)
                quotes, lines = quotes + ends.quotes, lines + ends.newlines
            last = int(arr[-1])
            held = size - cut
            buffer[:held] = text[cut:size].copy()
            if not got:
                break
    if not regular or quotes % 2:
        return Scan(True, None, last == 0x0A)
    return Scan(
        True,
        Ends(
            np.concatenate([e.lines for e in found]) if found else np.zeros(0, np.int64),
            np.concatenate([e.blank for e in found]) if found else np.zeros(0, bool),
            quotes,
            lines,
        ),
        last == 0x0A,
    )


def _positions(arr: np.ndarray, byte: int) -> np.ndarray:
    """Where `byte` occurs, found slice by slice (no bool array the size of the file), the
    slices side by side on the worker pool (on two cores: 0.2 → 0.1 s for the newlines and
    quotes of a 335 MB export, benchmarks/README.md)."""
    step = 1 << 22

    def found(at: int) -> Callable[[], np.ndarray]:
        return lambda: np.flatnonzero(arr[at : at + step] == byte) + at

    parts = in_parallel([found(at) for at in range(0, arr.size, step)])
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


class CsvExport:
    """A CSV export: bytes, encoding, delimiter and header known; rows parsed on `read`.

    UTF-8 text is handed to pyarrow as it is (it understands a BOM and CRLF); only another
    encoding or stray carriage returns make a copy of the text before parsing.
    """

    def __init__(
        self,
        raw: bytes,
        path: str,
        extra_nulls: list[str],
        progress: RowProgress | None = None,
        *,
        on_disk: Path | None = None,
    ) -> None:
        self.path = path
        self.progress = progress
        self.nulls = list(dict.fromkeys([*NULL_MARKERS, *extra_nulls]))
        # a large UTF-8 file is parsed where it lies, `raw` its head (`on_disk_head`)
        self.on_disk = on_disk
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
        if not self.data:
            raise AssertionError(f"{self.path} was read already")  # pragma: no cover - a bug
        if self.on_disk is not None:
            read = self._read_on_disk(columns)
            if read is not None:
                return read
            self._load()  # what the parse where it lies cannot read: as any other file
        return self._read(columns)

    def _load(self) -> None:
        """The whole file's text in memory, as a file below `ON_DISK` is read."""
        from charter_cli.tickets.sniff import read_bounded  # it imports this module

        assert self.on_disk is not None
        data, self.encoding = _start_text(read_bounded(self.on_disk, self.path), self.path)
        self.data = _normalise_newlines(data)
        self.quoted = b'"' in self.data
        self.on_disk = None

    def _types(self, columns: Columns | None) -> tuple[Columns, list[str] | None]:
        """The Arrow type of every column, and the columns to read (None: all)."""
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
        return types, include

    def _read_on_disk(self, columns: Columns | None) -> RawTable | None:
        """A large UTF-8 file parsed by pyarrow where it lies, while a pass over it (`scan`)
        checks the text and finds the records' lines: the file's bytes are never held whole
        (a 629 MB events file: 0.6 GB less at the peak, and no time spent reading it first).
        None where that parse does not hold: not UTF-8, carriage returns, quotes beyond the
        head of a file parsed as unquoted, a cell pyarrow refuses."""
        assert self.on_disk is not None
        types, include = self._types(columns)
        file, delimiter = self.on_disk, self.delimiter
        checked = in_background(lambda: scan(file, delimiter))
        bad: list[tuple[int | None, str]] = []
        try:
            table = self._parse(types, include, bad)
        except InputError:
            checked.result()
            return None
        found = checked.result()
        if not found.plain or (found.ends is not None and found.ends.quotes and not self.quoted):
            return None
        starts = (
            _starts(found.ends, ends_with_newline=found.ends_with_newline)
            if found.ends is not None
            else None
        )
        lines = starts[0][~starts[1]][1:] if starts is not None else None  # after the header
        if bad or lines is None or lines.size != table.num_rows:
            # malformed rows or odd quoting: their lines counted in the text itself
            self._load()
            lines, skipped = self._lines(table.num_rows, bad, None, None)
        else:
            skipped = []
        return self._finish(table, include, lines, skipped, bad)

    def _read(self, columns: Columns | None) -> RawTable:
        types, include = self._types(columns)
        bad: list[tuple[int | None, str]] = []
        # a quoted file's record starts are found on the pool while pyarrow parses (it leaves a
        # core idle part of the time: 0.1–0.2 s of a 335 MB export, benchmarks/README.md)
        found = (
            in_background(lambda: _records(self.data, self.delimiter, count_fields=False))
            if self.quoted
            else None
        )
        table = self._parse(types, include, bad)
        # without quoting, rows map to lines by counting line ends: counted on the pool meanwhile
        ends = in_background(lambda: _line_ends(self.data)) if not bad and not self.quoted else None
        records = found.result() if found is not None and not bad else None
        lines, skipped = self._lines(table.num_rows, bad, ends.result() if ends else None, records)
        return self._finish(table, include, lines, skipped, bad)

    def _finish(
        self,
        table: pa.Table,
        include: list[str] | None,
        lines: np.ndarray,
        skipped: list[tuple[int, str]],
        bad: list[tuple[int | None, str]],
    ) -> RawTable:
        """The parsed table as a frame of the columns read, with each row's line."""
        # the text is read: its bytes go before the table is turned into columns (a file read
        # is read once), so that the two are never held together; the memory goes back to the
        # system only when the process is large or the audit streams (`give_back`, `bounded`):
        # otherwise the columns are made from it
        self.data = b""
        give_back(read=True)
        frame = table.to_pandas(types_mapper=_pandas_type)
        frame.columns = (
            unique_names([str(c) for c in frame.columns]) if include is None else include
        )
        check_field_sizes(frame, self.path)
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
                    # in place, no Python file object in the way, unless someone listens
                    self._source(),
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
                elif "to timestamp" in message and _as_text(types, message, self.header):
                    continue
                else:
                    raise InputError(f"cannot be read as CSV: {message}", path=self.path) from None

    def _source(self) -> object:
        """What pyarrow parses: the text in place, or the file where it lies, or either a block
        at a time told to `progress`."""
        if self.progress is not None:
            return _Told(self)
        return str(self.on_disk) if self.on_disk is not None else pa.py_buffer(self.data)

    def _lines(
        self,
        rows: int,
        bad: list[tuple[int | None, str]],
        ends: int | None,
        found: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> tuple[np.ndarray, list[tuple[int, str]]]:
        """The line each row starts on, and the skipped rows with their line and reason. `ends`:
        the number of line ends, when there is no quoting and no bad row; `found`: the records
        (`_records` without field counts) when they were found already."""
        data = self.data
        # no quoting: as many line ends as records means no blank line either
        simple = ends is not None and ends + (not data.endswith(b"\n")) == rows + 1
        if simple:  # record k is simply line k + 2
            return np.arange(2, rows + 2, dtype=np.int64), []
        records = (
            found if found is not None else _records(data, self.delimiter, count_fields=bool(bad))
        )
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


class _Told(io.RawIOBase):
    """The text handed to pyarrow a block at a time, each block told to the export's `progress`
    in bytes (as fast as the buffer in place: a copy per block of a megabyte)."""

    def __init__(self, export: CsvExport) -> None:
        self.progress = export.progress
        self.at = 0
        self.file = export.on_disk.open("rb") if export.on_disk is not None else None
        self.view = memoryview(export.data)
        self.size = export.on_disk.stat().st_size if export.on_disk is not None else len(self.view)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self.file is not None:
            n = self.file.readinto(buffer)
            if not n:
                self.file.close()
        else:
            n = min(len(buffer), len(self.view) - self.at)
            buffer[:n] = self.view[self.at : self.at + n]
        self.at += n
        if self.progress is not None:
            self.progress(min(self.at, self.size), self.size, "bytes")
        return n


def _as_text(types: Columns, message: str, header: list[str]) -> bool:
    """After pyarrow refused a cell of a timestamp column: that column (`In CSV column #3`,
    counted in the file from 0) read as text from now on, or every timestamp column when the
    message names none. Whether any column changed."""
    stamps = [n for n, t in types.items() if pa.types.is_timestamp(t)]
    found = re.match(r"In CSV column #(\d+)", message)
    position = int(found.group(1)) if found else -1
    named = header[position] if 0 <= position < len(header) else None
    for name in [named] if named in stamps else stamps:
        types[name] = STRING
    return bool(stamps)


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
    if raw.isascii() or valid_utf8(raw):
        return raw, ("utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8")
    return _decode(raw, path)


def _last_newline(text: np.ndarray) -> int:
    """Where the last newline of `text` is (-1: none), looked for from the end a window at a
    time."""
    end = text.size
    while end > 0:
        start = max(0, end - (1 << 16))
        found = np.flatnonzero(text[start:end] == 0x0A)
        if found.size:
            return start + int(found[-1])
        end = start
    return -1


def valid_utf8(raw: bytes | memoryview) -> bool:
    """Arrow's UTF-8 check over the bytes in place (a few times faster than decoding them)."""
    offsets = pa.py_buffer(np.array([0, len(raw)], dtype=np.int64))
    text = pa.Array.from_buffers(pa.large_string(), 1, [None, offsets, pa.py_buffer(raw)])
    try:
        text.validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _naive_times_only(export: CsvExport, types: Columns, include: list[str]) -> None:
    """Keep `TIMESTAMP` only for columns whose first rows are naive ISO times, and make it
    `TIMESTAMP_UTC` for those whose first rows all carry an offset (`+01:00`, `Z`): a column that
    mixes them, or has fractions, is read as text at once rather than found out after a full
    parse."""
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
        types[name] = STRING
        for kind in (TIMESTAMP, TIMESTAMP_UTC):
            try:
                if sample is None:
                    raise ValueError(name)
                pc.cast(sample.column(name), kind)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError, ValueError, KeyError):
                continue
            types[name] = kind
            break


def _skip_row(row: pacsv.InvalidRow) -> str:
    return "skip"


def _pandas_type(kind: pa.DataType) -> object:
    return TEXT if pa.types.is_string(kind) or pa.types.is_large_string(kind) else None


def _header_names(header: str, delimiter: str) -> list[str]:
    import csv

    return next(csv.reader([header], delimiter=delimiter), [""])
