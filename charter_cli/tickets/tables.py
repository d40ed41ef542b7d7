"""Workbooks (.xlsx) and Parquet files as the same raw table a CSV export gives: every column as
text, under the same bounds and missing markers, rows numbered as a spreadsheet shows them."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from charter_cli.errors import InputError
from charter_cli.frames import TEXT
from charter_cli.progress import RowProgress
from charter_cli.tickets.sniff import (
    MAX_COLUMNS,
    NULL_MARKERS,
    RawTable,
    check_field_sizes,
    unique_names,
)

MAX_XLSX_ROWS = 100_000  # about 40 s through openpyxl; a CSV of a million rows takes a second


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


# what pandas' reader took for missing in a workbook (kept, so workbooks read as they did), and
# Excel's error values (`#N/A`, `#DIV/0!`), which are no value either
_XLSX_MISSING = [
    "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
    "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
    "#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!",
]  # fmt: skip
XLSX_CHUNK = 2_000  # rows read between two reports of progress


def read_xlsx(file: Path, path: str, progress: RowProgress | None = None) -> RawTable:
    """The first worksheet, streamed by openpyxl's read-only reader (which a row at a time is
    the slow part of reading a workbook: `progress` hears after every `XLSX_CHUNK` rows)."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(file, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        raise InputError(f"cannot be read as an .xlsx workbook: {exc}", path=path) from None
    try:
        rows = _sheet_rows(book, progress)
    except Exception as exc:  # a broken sheet inside a sound zip
        raise InputError(f"cannot be read as an .xlsx workbook: {exc}", path=path) from None
    finally:
        book.close()
    if not rows:
        raise InputError("the worksheet is empty", path=path)
    # columns at C speed (rows are ragged: a row ends at its last cell), padded with None
    columns = list(itertools.zip_longest(*rows))
    names = [_header_name(c[0]) for c in columns]
    cells = [pd.Series(c[1:], dtype=object) for c in columns]
    filled = np.zeros(len(rows) - 1, dtype=bool)
    for column in cells:
        filled |= (column.notna() & (column != "")).to_numpy(dtype=bool)
    # trailing empty rows (formatted, never filled) are no rows
    count = int(np.flatnonzero(filled)[-1]) + 1 if filled.any() else 0
    if count > MAX_XLSX_ROWS:
        raise InputError(
            f"has more than {MAX_XLSX_ROWS:,} rows, the most charter reads from a workbook "
            "(openpyxl takes minutes for more); save it as CSV, which is read in seconds",
            path=path,
        )
    frame = pd.DataFrame(
        {i: _cells_as_text(column[:count]) for i, column in enumerate(cells)},
        index=pd.RangeIndex(count),
    )
    frame.columns = pd.Index(names)
    frame = frame.replace(dict.fromkeys(_XLSX_MISSING, pd.NA))
    return _typed_table(frame, path, kind="xlsx", first_line=2)


def _sheet_rows(book: Any, progress: RowProgress | None) -> list[tuple[object, ...]]:
    """The first worksheet's rows as values: at most the header and `MAX_XLSX_ROWS + 1` rows (one
    more tells that there are more)."""
    sheet = book.worksheets[0]
    declared = sheet.max_row or 0  # what the sheet says (Excel does); it can be wrong
    sheet.reset_dimensions()
    stream = sheet.iter_rows(values_only=True)
    rows: list[tuple[object, ...]] = []
    wanted = MAX_XLSX_ROWS + 2
    while len(rows) < wanted:
        chunk = list(itertools.islice(stream, min(XLSX_CHUNK, wanted - len(rows))))
        if not chunk:
            break
        rows += chunk
        if progress:  # rows below the header; 0: the sheet does not say, or says too few
            progress(len(rows) - 1, declared - 1 if declared >= len(rows) else 0, "rows")
    return rows


def _header_name(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _cells_as_text(cells: pd.Series) -> pd.Series:
    """A worksheet column's values (text, numbers, dates, booleans) as text, as pandas shows
    them; a whole number stored as a float (`1234.0`, `1.2E3`) as the integer."""
    kind = pd.api.types.infer_dtype(cells, skipna=True)
    text = cells.astype(TEXT)
    if kind in ("floating", "mixed-integer-float", "mixed"):
        floats = cells.map(type).isin([float]).to_numpy()
        if floats.any():
            values = cells[floats].astype(float).to_numpy()
            whole = np.isfinite(values) & (values == np.trunc(values)) & (np.abs(values) < 2**53)
            index = np.flatnonzero(floats)[whole]
            text.iloc[index] = values[whole].astype(np.int64).astype(str)
    return text


def read_parquet(file: Path, path: str) -> RawTable:
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
    check_field_sizes(text, path)
    return RawTable(
        path=path,
        frame=text,
        lines=np.arange(first_line, len(text) + first_line, dtype=np.int64),
        rows_read=len(text),
        kind=kind,
        encoding=kind,
    )
