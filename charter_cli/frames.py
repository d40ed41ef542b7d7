"""Column types used across the pipeline, chosen once, when a column is read.

Text is Arrow-backed, so `.str` methods run as Arrow compute kernels instead of a Python call per
value; low-cardinality ticket attributes become categoricals, so matching and grouping work on a
handful of distinct values, never per ticket.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import partial
from typing import Any, cast

import numpy as np
import pandas as pd

TEXT = pd.StringDtype("pyarrow")
CATEGORY_FIELDS = (
    "channel",
    "priority",
    "status",
    "status_category",
    "group",
    "assignee",
    "type",
    "escalation_level",
    "timezone",
)


def categorical(values: pd.Series) -> pd.Series:
    """A text column as a categorical of its distinct values (missing stays missing)."""
    return values.astype("category")


def _categorical(values: pd.Series) -> pd.Series:
    return values if isinstance(values.dtype, pd.CategoricalDtype) else values.astype("category")


def recode(values: pd.Series, func: Callable[[str], object]) -> pd.Series:
    """Apply `func` to each distinct value only, and spread the results back by code: the way to
    normalise, map or test a text column without a Python call per ticket. Returns a categorical
    (values equal after `func` share one category); `None` results become missing."""
    cats = _categorical(values)
    results = [func(str(c)) for c in cats.cat.categories]
    unique: dict[object, int] = {}
    for r in results:
        if r is not None and r not in unique:
            unique[r] = len(unique)
    # codes as small as the categories allow: a million int8s, not a million int64s
    small = np.int8 if len(unique) < 127 else np.int16 if len(unique) < 32767 else np.int32
    table = np.array([unique[r] if r is not None else -1 for r in results] + [-1], dtype=small)
    new_codes = cast(
        "np.ndarray[Any, np.dtype[np.integer[Any]]]", table[cats.cat.codes.to_numpy()]
    )  # -1 picks the last
    return pd.Series(
        pd.Categorical.from_codes(
            new_codes, categories=pd.Index(list(unique), dtype=object), validate=False
        ),
        index=values.index,
    )


def flags(values: pd.Series, func: Callable[[str], bool]) -> np.ndarray:
    """A boolean per row from a test on each distinct value (missing values are False)."""
    return per_value(values, lambda v: bool(func(v)), missing=False, dtype=bool)


def per_value(
    values: pd.Series, func: Callable[[str], object], *, missing: object, dtype: object
) -> np.ndarray:
    """`func` of each distinct value, as a numpy array per row; `missing` for missing values."""
    cats = _categorical(values)
    table = np.array([func(str(c)) for c in cats.cat.categories] + [missing], dtype=dtype)  # type: ignore[call-overload]
    return np.asarray(table[cats.cat.codes.to_numpy()])  # code -1 (missing) picks `missing`


def arrow_array(values: pd.Series) -> object:
    """The column as an Arrow array: zero-copy for Arrow-backed text, converted otherwise."""
    import pyarrow as pa

    inner = getattr(values.array, "_pa_array", None)
    return inner if inner is not None else pa.array(values.astype(TEXT).array)


IN_PIECES = 1 << 20  # rows from which a long column is taken or matched in pieces


def take_rows(frame: pd.DataFrame, order: np.ndarray, *, consume: bool = False) -> pd.DataFrame:
    """`frame.take(order)` with a fresh index. A long frame's text columns are taken one at a
    time, each in a piece per core side by side, then its other columns side by side on the
    worker pool (a categorical by its codes, a NumPy column by NumPy's take: no check of the
    positions per column, `order` comes from a sort of the frame's own rows). Three million
    events grouped by ticket: 0.10 -> 0.06 s on two cores, six million messages 0.22 -> 0.18 s
    (on memory used before; on fresh pages, where the first touch of each costs too, the
    grouping's take was 0.5 s, benchmarks/README.md). `consume`: each column of `frame` is
    dropped from it once taken (the grouped events and the events as read are then never held
    whole together: 85 MB less at that moment on six million messages)."""
    if order.size < IN_PIECES or (os.cpu_count() or 1) == 1:
        return frame.take(order).reset_index(drop=True)
    import pyarrow as pa

    from charter_cli.workers import in_parallel

    order = np.asarray(order, dtype=np.intp)
    pieces = min(os.cpu_count() or 1, 4)
    step = -(-order.size // pieces)
    names = list(frame.columns)
    columns: dict[str, pd.Series] = {}
    for name in names:
        if not isinstance(frame[name].dtype, pd.StringDtype):
            continue
        array: Any = frame[name].array
        inner: Any = getattr(array, "_pa_array", None)
        if inner is None:
            continue
        kind, dtype = type(array), frame[name].dtype
        parts = in_parallel(
            [partial(inner.take, order[at : at + step]) for at in range(0, order.size, step)]
        )
        del array, inner
        if consume:
            del frame[name]
        taken = pa.chunked_array([k for part in parts for k in part.chunks], type=parts[0].type)
        columns[name] = pd.Series(kind(taken, dtype=dtype), copy=False)
    rest = [name for name in names if name not in columns]
    if consume and columns:  # the text as read, back to the system before the rest is taken
        from charter_cli.memory import give_back

        give_back(always=True)
    others = in_parallel([partial(_take_one, frame[n], order) for n in rest])
    columns |= dict(zip(rest, others, strict=True))
    if consume:
        for name in rest:
            del frame[name]
    return pd.DataFrame({name: columns[name] for name in names}, copy=False)


FEW = 1 << 12  # rows up to which `few_rows` takes Arrow text chunk by chunk


def few_rows(values: Any, rows: Any) -> Any:
    """`values.take(rows)` (a frame or a column) with a fresh index, for a few `rows` (the worst
    breaches, examples for a note): Arrow text of many chunks is taken from the chunks that hold
    those rows only. pyarrow's take of a chunked column joins its chunks first, a copy of the
    whole column each time: the worst breaches' attributes of a million tickets took 0.07 s,
    0.15 s on fresh pages, for a dozen rows (benchmarks/README.md)."""
    rows = np.asarray(rows, dtype=np.int64)
    if isinstance(values, pd.DataFrame):
        return pd.DataFrame(
            {name: few_rows(values[name], rows) for name in values.columns}, copy=False
        )
    inner: Any = getattr(values.array, "_pa_array", None)
    text = isinstance(values.dtype, pd.StringDtype)
    if not text or inner is None or inner.num_chunks < 2 or rows.size > FEW:
        return values.take(rows).reset_index(drop=True)
    import pyarrow as pa

    length = len(values)
    if rows.size and (rows.min() < -length or rows.max() >= length):
        raise IndexError(f"positions out of bounds for {length} rows")
    rows = np.where(rows < 0, rows + length, rows)
    starts = np.cumsum([0] + [len(c) for c in inner.chunks])
    chunk = np.searchsorted(starts, rows, side="right") - 1
    order = np.argsort(chunk, kind="stable")  # the rows chunk by chunk
    by_chunk, of = rows[order], chunk[order]
    cuts = np.flatnonzero(np.diff(of)) + 1
    taken = [
        inner.chunk(int(part[0])).take(pa.array(mine - starts[part[0]]))
        for mine, part in zip(np.split(by_chunk, cuts), np.split(of, cuts), strict=True)
        if mine.size
    ]
    joined = pa.concat_arrays(taken) if taken else inner.chunk(0).slice(0, 0)
    back = joined.take(pa.array(np.argsort(order)))
    array = type(values.array)(pa.chunked_array([back]), dtype=values.dtype)
    return pd.Series(array, name=values.name, copy=False)


def _take_one(column: pd.Series, order: np.ndarray) -> pd.Series:
    """One column at `order`: a categorical by its codes, NumPy values by NumPy's take."""
    dtype = column.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        codes = np.take(column.array.codes, order)
        return pd.Series(pd.Categorical.from_codes(codes, dtype=dtype, validate=False), copy=False)
    if isinstance(dtype, np.dtype) and dtype.kind != "O":
        return pd.Series(np.take(column.to_numpy(), order), copy=False)
    return column.take(order).reset_index(drop=True)
