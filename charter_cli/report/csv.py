"""The per-ticket CSV: one row per (ticket, promise) that applies.

Built as UTF-8 by Arrow compute, a slice of rows at a time: every cell becomes its CSV text
(quoted as Python's csv module quotes: only a value holding a comma, a quote or a newline, its
quotes doubled; spreadsheet formulas neutralised; missing as empty), the cells of a row are
joined, and each slice's rows are one buffer, handed on as it is. A million tickets make four
million rows: pandas' `to_csv` took 40 s and 4 GB for them, one Python call per cell.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from charter_cli.clock import NAT
from charter_cli.report.common import Options
from charter_cli.summary import CSV_COLUMNS, Summary

TEXT = pa.large_string()
RISKY = r"^[=+\-@\t\r]"  # what a spreadsheet would take for a formula
# a lone \r is a line end to CSV readers (Python's csv module quotes it from 3.13 on)
NEEDS_QUOTES = '[,"\n\r]'
SLICE = 1 << 19  # rows built at once: bounds the memory of the cells


def render(result: Summary, options: Options) -> Iterator[memoryview]:
    """The header, then the lines as the audit kept them (held, or read back from disk a
    window at a time: written as they come, never joined)."""
    if result.csv is None:  # pragma: no cover - a bug: the audit was not asked for the CSV
        raise AssertionError("the per-ticket CSV was not kept by the audit (Wants.csv)")
    yield memoryview((",".join(CSV_COLUMNS) + "\n").encode())
    for chunk in result.csv.chunks():
        yield from _buffers(chunk)


def lines(table: pd.DataFrame) -> pa.Array:
    """The CSV lines of the pairs in `table` (each ending in a newline), as one text array."""
    cells = []
    for col in CSV_COLUMNS:
        values = table[col]
        if col.endswith("_at"):
            cells.append(_instants(values.to_numpy(dtype=np.int64)))
        elif col.endswith("_seconds") or col == "instance":
            cells.append(_integers(values.to_numpy(dtype=np.int64)))
        elif col == "used":
            cells.append(_shares(values.to_numpy(dtype=float)))
        else:
            cells.append(_texts(values))
    # the line end rides on the last cell, which is short: one join of whole lines, not two
    cells[-1] = pc.binary_join_element_wise(cells[-1], _s("\n"), _s(""))
    joined: pa.Array = pc.binary_join_element_wise(*cells, _s(","))
    return joined


def _instants(seconds: np.ndarray) -> pa.Array:
    """`2026-10-31T22:59:00Z`; empty where missing. Arrow's cast gives `2026-10-31 22:59:00`,
    19 bytes each: the `T` and `Z` are put in place on the bytes."""
    present = seconds != NAT
    stamps = pa.array(seconds[present], type=pa.int64()).cast(pa.timestamp("s"))
    text = pc.cast(stamps, TEXT)
    _, offsets, data = text.buffers()
    ends = np.frombuffer(offsets, dtype=np.int64)[: len(text) + 1]
    if len(text) and not (np.diff(ends) == 19).all():  # a year past 9999: the general way
        every = pa.array(seconds, type=pa.int64(), mask=~present).cast(pa.timestamp("s"))
        spaced = pc.replace_substring(pc.cast(every, TEXT), " ", "T")
        return pc.fill_null(pc.binary_join_element_wise(spaced, _s("Z"), _s("")), "")
    body = np.frombuffer(data, dtype=np.uint8)[: ends[-1]].reshape(-1, 19)
    wide = np.empty((body.shape[0], 20), dtype=np.uint8)
    wide[:, :19] = body
    wide[:, 10] = ord("T")
    wide[:, 19] = ord("Z")
    lengths = np.where(present, 20, 0)
    bounds = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
    return pa.LargeStringArray.from_buffers(
        seconds.size, pa.py_buffer(bounds), pa.py_buffer(wide.tobytes())
    )


def _integers(values: np.ndarray) -> pa.Array:
    numbers = pa.array(values, type=pa.int64(), mask=values == NAT)
    return pc.fill_null(numbers.cast(TEXT), "")


def _shares(values: np.ndarray) -> pa.Array:
    """`0.750`: three decimals, rounded half to even; empty where unknown."""
    known = ~np.isnan(values)
    milli = np.round(np.where(known, values, 0) * 1000).astype(np.int64)
    size = np.abs(milli)
    whole = pa.array(size // 1000, type=pa.int64()).cast(TEXT)
    part = pc.utf8_lpad(pa.array(size % 1000, type=pa.int64()).cast(TEXT), 3, "0")
    text = pc.binary_join_element_wise(whole, part, _s("."))
    text = pc.if_else(pa.array(milli < 0), pc.binary_join_element_wise(_s("-"), text, _s("")), text)
    return pc.if_else(pa.array(known), text, _s(""))


def _texts(values: pd.Series) -> pa.Array:
    """A text column's cells. A categorical is done per category, then spread by code."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        categories = pa.array([str(c) for c in values.cat.categories] + [""], type=TEXT)
        codes = values.cat.codes.to_numpy().astype(np.int64)
        codes[codes < 0] = len(categories) - 1  # the last category stands for missing
        return _cells(categories).take(pa.array(codes))
    inner = getattr(values.array, "_pa_array", None)  # Arrow-backed text: used as it is
    array = (
        inner.cast(TEXT)
        if inner is not None
        else pa.array(values.to_numpy(dtype=object), type=TEXT, from_pandas=True)
    )
    return _cells(pc.fill_null(array, ""))


def _cells(text: pa.Array) -> pa.Array:
    """Values → CSV cells: formulas neutralised with a leading `'`, quoted where needed."""
    risky = pc.match_substring_regex(text, RISKY)
    text = pc.if_else(risky, pc.binary_join_element_wise(_s("'"), text, _s("")), text)
    quote = pc.match_substring_regex(text, NEEDS_QUOTES)
    if pc.any(quote).as_py():
        doubled = pc.replace_substring(text, '"', '""')
        quoted = pc.binary_join_element_wise(_s('"'), doubled, _s('"'), _s(""))
        text = pc.if_else(quote, quoted, text)
    return text


def _s(text: str) -> pa.Scalar:
    return pa.scalar(text, TEXT)


def _buffers(lines: pa.Array | pa.ChunkedArray) -> list[memoryview]:
    """The text of every line, one after the other: each chunk's value buffer, sliced by its
    offsets (no copy; the views keep the buffers alive)."""
    chunks = lines.chunks if isinstance(lines, pa.ChunkedArray) else [lines]
    parts = []
    for chunk in chunks:
        if not len(chunk):
            continue
        _, offsets, data = chunk.buffers()
        bounds = np.frombuffer(offsets, dtype=np.int64)[
            chunk.offset : chunk.offset + len(chunk) + 1
        ]
        parts.append(memoryview(data)[int(bounds[0]) : int(bounds[-1])])
    return parts
