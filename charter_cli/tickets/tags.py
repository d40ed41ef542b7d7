"""Tags: several per ticket, written as the export writes them (`vip billing` in Zendesk,
`vip, billing` in Freshdesk, one `Labels` column per label in Jira), read into one list column
of Arrow strings, a list per ticket (empty when it has none). Whole-column Arrow compute: no
Python call per ticket."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from charter_cli.frames import TEXT, arrow_array
from charter_cli.tickets.profile import REPEATED

TAGS = pa.list_(pa.string())
UNIT = "\x1f"  # joins repeated columns before splitting: no tag holds it


def _whole(values: object) -> pa.Array:
    """One contiguous Arrow string array (a chunked one is combined)."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    assert isinstance(values, pa.Array)
    return pc.cast(values, pa.string())


def tag_columns(names: Sequence[str], column: str, separator: str) -> list[str]:
    """The export columns holding tags: `column`, and with `repeated`, every later column of
    the same name (the importer names the repeats `Labels (2)`, `Labels (3)`, …)."""
    if separator != REPEATED:
        return [column]
    again = re.compile(re.escape(column) + r" \(\d+\)")
    return [str(n) for n in names if str(n) == column or again.fullmatch(str(n))]


def read_tags(frame: pd.DataFrame, columns: Sequence[str], separator: str) -> pd.Series:
    """Each row's tags as a list (blanks around tags dropped, empty tags dropped, order kept)."""
    # no nulls before joining (pyarrow's null_handling="skip" drops a row of nulls altogether)
    arrays = [pc.fill_null(_whole(arrow_array(frame[c].astype(TEXT))), "") for c in columns]
    if separator == REPEATED:
        joined = pc.binary_join_element_wise(*arrays, UNIT) if len(arrays) > 1 else arrays[0]
        pattern = re.escape(UNIT)
    else:
        joined = arrays[0]
        pattern = "[" + "".join(re.escape(ch) for ch in separator) + "]"
    split = pc.split_pattern_regex(joined, pattern=pattern)
    flat = pc.utf8_trim_whitespace(pc.list_flatten(split))
    parents = pc.list_parent_indices(split).to_numpy()
    keep = pc.not_equal(flat, "").to_numpy(zero_copy_only=False)
    counts = np.bincount(parents[keep], minlength=len(frame))
    offsets = np.concatenate(([0], np.cumsum(counts))).astype(np.int32)
    values = _whole(pc.filter(flat, pa.array(keep)))
    lists = pa.ListArray.from_arrays(pa.array(offsets), values)
    return pd.Series(pd.arrays.ArrowExtensionArray(lists), index=frame.index, name="tags")


def no_tags(n: int) -> pd.Series:
    """`n` rows without tags."""
    lists = pa.ListArray.from_arrays(
        pa.array(np.zeros(n + 1, dtype=np.int32)), pa.array([], pa.string())
    )
    return pd.Series(pd.arrays.ArrowExtensionArray(lists), name="tags")
