"""The per-ticket CSV's cells, built by Arrow compute, against Python's csv module (which pandas'
`to_csv` used before): quoting, doubled quotes, formula neutralisation, missing values."""

from __future__ import annotations

import csv
import io
import re

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from charter_cli.report.csv import _texts

ALPHABET = st.sampled_from([*"ab ,;\"\n\r\t=+-@'æøåąęłżź“”", "\u00a0", "€"])
VALUES = st.lists(st.one_of(st.none(), st.text(ALPHABET, max_size=12)), min_size=1, max_size=30)


def reference(values: list[str | None]) -> list[str]:
    cells = []
    for value in values:
        if value is None:
            cells.append("")
            continue
        if re.match(r"[=+\-@\t\r]", value):
            value = "'" + value
        out = io.StringIO()
        # "x": never a lone field; "\r\n" makes every Python quote a \r (3.13 does anyway)
        csv.writer(out, lineterminator="\r\n").writerow([value, "x"])
        cells.append(out.getvalue()[: -len(",x\r\n")])
    return cells


@given(VALUES)
def test_text_cells_quote_like_the_csv_module(values: list[str | None]) -> None:
    assert _texts(pd.Series(values, dtype=object)).to_pylist() == reference(values)


@given(VALUES)
def test_categorical_cells_are_the_same_cells(values: list[str | None]) -> None:
    as_category = pd.Series(values, dtype=object).astype("category")
    assert _texts(as_category).to_pylist() == reference(values)
