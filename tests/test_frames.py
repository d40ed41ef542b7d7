"""A few rows taken from columns of Arrow text in many chunks (`frames.few_rows`): the same values,
types and index as pandas' take, without joining the chunks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from charter_cli.frames import TEXT, few_rows

VALUES = st.one_of(st.none(), st.text(max_size=6), st.sampled_from(["Åse", "Łódź 😡", "ø\nå"]))


def chunked(chunks: list[list[str | None]], dtype: object) -> pd.Series:
    """A text column of `dtype` whose Arrow array has exactly these chunks (empty ones too)."""
    inner = pa.chunked_array([pa.array(c, type=pa.string()) for c in chunks], type=pa.string())
    array = type(pd.array([], dtype=dtype))(inner, dtype=dtype)  # type: ignore[call-arg]
    return pd.Series(array, name="subject", copy=False)


@settings(max_examples=200, deadline=None)
@given(
    chunks=st.lists(st.lists(VALUES, max_size=5), min_size=1, max_size=8),
    picks=st.lists(st.integers(-40, 40), max_size=12),
    dtype=st.sampled_from([TEXT, pd.StringDtype("pyarrow", na_value=np.nan)]),
)
def test_a_few_rows_are_those_pandas_takes(
    chunks: list[list[str | None]], picks: list[int], dtype: object
) -> None:
    column = chunked(chunks, dtype)
    length = len(column)
    if length == 0:
        return
    rows = [p % length if p >= 0 else -(-p % length or length) for p in picks]
    expected = column.take(rows).reset_index(drop=True)
    got = few_rows(column, rows)
    pd.testing.assert_series_equal(got, expected)
    frame = pd.DataFrame(
        {
            "ticket_id": column,
            "group": pd.Categorical(["Kundeservice", "Fakturering"] * length)[:length],
            "created_at": np.arange(length, dtype=np.int64),
        }
    )
    pd.testing.assert_frame_equal(few_rows(frame, rows), frame.take(rows).reset_index(drop=True))


def test_positions_past_the_end_are_refused_as_take_refuses_them() -> None:
    column = chunked([["a", "b"], [], ["c"]], TEXT)
    with pytest.raises(IndexError):
        column.take([3])
    with pytest.raises(IndexError):
        few_rows(column, [3])
    with pytest.raises(IndexError):
        few_rows(column, [-4])
    assert few_rows(column, [-1, 0]).tolist() == ["c", "a"]
    assert few_rows(column, []).tolist() == [] and few_rows(column, []).dtype == TEXT
