"""Which rows of a promise each event belongs to: the quick paths of `owners_of_rows` (a table
of the rows; runs of a ticket's instances side by side) give what the general `owners` gives,
pair for pair and in the same order."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from charter_cli.measures.history import owners, owners_of_rows

TICKETS = 12


@given(
    st.lists(st.integers(0, TICKETS - 1), max_size=30),
    st.lists(st.integers(-1, TICKETS - 1), max_size=40),
    st.sampled_from(["distinct", "runs", "any", "every"]),
)
def test_quick_paths_agree_with_owners(rows_drawn: list[int], items: list[int], shape: str) -> None:
    rows = np.array(rows_drawn, dtype=np.int64)
    if shape == "distinct":
        rows = np.unique(rows)
    elif shape == "every":  # a promise of every ticket: its rows are the tickets' rows
        rows = np.arange(TICKETS, dtype=np.int64)
    elif shape == "runs":
        rows = np.sort(rows)  # instances: each ticket's rows side by side
    ticket_rows = np.array(items, dtype=np.int64)
    got = owners_of_rows(rows, ticket_rows, TICKETS)
    want = owners(rows, ticket_rows) if rows.size else (np.zeros(0), np.zeros(0))
    assert got[0].tolist() == want[0].tolist()
    assert got[1].tolist() == want[1].tolist()
