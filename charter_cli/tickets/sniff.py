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

from charter_cli.errors import InputError, shown_path
from charter_cli.frames import TEXT, arrow_array
from charter_cli.progress import RowProgress

MAX_COLUMNS = 2_000
MAX_EXPORT_BYTES = 1 << 30  # the largest export read whole; more is several exports
_TOO_LARGE = (
    f"is larger than {MAX_EXPORT_BYTES >> 30} GiB, the largest export charter reads: split it "
    "(by month, say) and give the parts together"
)
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
        `TIMESTAMP` for naive ISO times (`TIMESTAMP_UTC` where they carry an offset), `CATEGORY`
        for low-cardinality text, `STRING` otherwise; a column whose values do not all fit its
        type is read as text instead. Workbooks and Parquet files always come back whole, as
        text. `nulls` are further missing markers (a profile's `missing:`), cells that hold one
        are empty."""
        self.nulls[:] = dict.fromkeys([*self.nulls, *nulls])
        table = self.reader(columns)
        extra = [m for m in nulls if m not in NULL_MARKERS]
        if extra and self.kind != "csv":  # a CSV reader knows them already, through `nulls`
            table.frame = table.frame.replace(dict.fromkeys(extra, pd.NA))
        return table


STRING = pa.large_string()  # what pandas' Arrow-backed strings hold: no conversion
CATEGORY = pa.dictionary(pa.int32(), pa.string())
TIMESTAMP = pa.timestamp("s")
# ISO instants that all carry an offset (`2026-03-05T09:12:03+01:00`, `…Z`): pyarrow parses them
# to UTC while it reads (5 s of pandas parsing on a million-ticket export with offsets, 0.1 s so)
TIMESTAMP_UTC = pa.timestamp("s", tz="UTC")


def read_table(
    file: Path, *, extra_nulls: list[str] | None = None, progress: RowProgress | None = None
) -> RawTable:
    """Read one export whole, every column as text; raises `InputError` with one clear message
    when it cannot."""
    return open_export(file, extra_nulls=extra_nulls, progress=progress).read()


def open_export(
    file: Path, *, extra_nulls: list[str] | None = None, progress: RowProgress | None = None
) -> Export:
    """An export opened far enough to know its columns (a workbook or Parquet file is read whole
    here). `progress` hears how far the reader is: a workbook's rows, a CSV's bytes parsed."""
    path = shown_path(file)
    try:
        # a large UTF-8 CSV is parsed where it lies: only its head is read here
        head = _on_disk_head(file) if file.suffix.lower() not in (".xlsx", ".xlsm") else None
        raw = head if head is not None else read_bounded(file, path)
    except IsADirectoryError:
        raise InputError("is a directory, not an export", path=path) from None
    except FileNotFoundError:
        raise InputError("no such file", path=path) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=path) from None
    if not raw[:65536].strip() and not raw.strip():  # the full strip only for a blank head
        raise InputError("the file is empty", path=path)
    if raw.startswith((b"PK\x03\x04", b"PAR1")):
        from charter_cli.tickets.tables import read_parquet, read_xlsx  # they use RawTable

        table = (
            read_xlsx(file, path, progress) if raw.startswith(b"PK") else read_parquet(file, path)
        )
        return Export(path, list(table.frame.columns), table.kind, lambda _: table)
    if file.suffix.lower() in (".xlsx", ".xlsm"):
        raise InputError("is not a valid .xlsx workbook", path=path)
    from charter_cli.tickets.csvfile import CsvExport  # it reads RawTable from here

    csv = CsvExport(raw, path, extra_nulls or [], progress, on_disk=None if head is None else file)
    return Export(
        path, csv.names, "csv", csv.read, repeated=repeated_names(csv.header), nulls=csv.nulls
    )


ON_DISK = 64 << 20  # a CSV file this large is parsed where it lies when its head is plain UTF-8
HEAD = 1 << 20


def _on_disk_head(file: Path) -> bytes | None:
    """The head of a CSV file large enough to be parsed where it lies (up to its last newline),
    when that head is UTF-8 without carriage returns or NUL bytes; None for any other file (read
    whole, as before), a file of another kind or encoding, and anything not a regular file."""
    try:
        info = file.stat()
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode) or not ON_DISK <= info.st_size <= MAX_EXPORT_BYTES:
        return None
    try:
        with file.open("rb") as handle:
            head = handle.read(HEAD)
    except OSError:
        return None
    head = head[: head.rfind(b"\n") + 1]
    kinds = (b"PK\x03\x04", b"PAR1", b"\xff\xfe", b"\xfe\xff")
    if not head.strip() or head.startswith(kinds) or b"\x00" in head or b"\r" in head:
        return None
    from charter_cli.tickets.csvfile import valid_utf8

    return head if head.isascii() or valid_utf8(head) else None


def read_bounded(file: Path, path: str) -> bytes:
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


def check_field_sizes(frame: pd.DataFrame, path: str) -> None:
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
