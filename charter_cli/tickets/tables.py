"""Workbooks (.xlsx) and Parquet files as the same raw table a CSV export gives: every column as
text, under the same bounds and missing markers, rows numbered as a spreadsheet shows them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from charter_cli.errors import InputError
from charter_cli.frames import TEXT
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


def read_xlsx(file: Path, path: str) -> RawTable:
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
