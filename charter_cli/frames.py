"""Column types used across the pipeline, chosen once, when a column is read.

Text is Arrow-backed, so `.str` methods run as Arrow compute kernels instead of a Python call per
value; low-cardinality ticket attributes become categoricals, so matching and grouping work on a
handful of distinct values, never per ticket.
"""

from __future__ import annotations

import os
from collections.abc import Callable
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


def take_rows(frame: pd.DataFrame, order: np.ndarray) -> pd.DataFrame:
    """`frame.take(order)` with a fresh index; a long Arrow text column (ticket ids) is taken in
    a piece per core, side by side (its take is most of the grouping of an events file: three
    million events, 0.20 -> 0.15 s on two cores, benchmarks/README.md)."""
    import pyarrow as pa

    from charter_cli.workers import in_parallel

    pieces = min(os.cpu_count() or 1, 4) if order.size >= IN_PIECES else 1
    step = -(-order.size // pieces) if order.size else 1
    columns: dict[str, pd.Series] = {}
    for name in frame.columns:
        column = frame[name]
        inner: Any = getattr(column.array, "_pa_array", None)
        if pieces == 1 or inner is None or not isinstance(column.dtype, pd.StringDtype):
            columns[name] = column.take(order).reset_index(drop=True)
            continue
        parts = in_parallel(
            [
                lambda at=at, text=inner: text.take(order[at : at + step])  # type: ignore[misc]
                for at in range(0, order.size, step)
            ]
        )
        taken = pa.chunked_array([c for part in parts for c in part.chunks], type=inner.type)
        columns[name] = pd.Series(type(column.array)(taken, dtype=column.dtype), copy=False)
    return pd.DataFrame(columns, copy=False)
