"""The channel each ticket counts under in the coverage: the charter's name for it, else the
export's own value, else `(no channel)`; the per-channel counts that add up over partitions."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from charter_cli.coverage import NO_CHANNEL, channel_counts, channel_labels

NAMES = st.sampled_from(["E-post", "Chat", "Telefon", "Łódź-butikk", "(no channel)"])
RAW = st.sampled_from(["email", "E-post", "chat 💬", "Skjema æøå", "", NO_CHANNEL])


def by_hand(named: list[str | None], raw: list[str | None] | None) -> list[str]:
    """The rule, ticket by ticket."""
    return [
        n if n is not None else (r if raw is not None and (r := raw[i]) is not None else NO_CHANNEL)
        for i, n in enumerate(named)
    ]


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(st.tuples(st.none() | NAMES, st.none() | RAW), max_size=30),
    with_raw=st.booleans(),
)
def test_each_ticket_counts_under_its_label(
    rows: list[tuple[str | None, str | None]], with_raw: bool
) -> None:
    named = [n for n, _ in rows]
    raw = [r for _, r in rows] if with_raw else None
    tickets = pd.DataFrame(
        {
            "channel": pd.Categorical(
                named, categories=["Chat", "E-post", "Telefon", "Łódź-butikk", "(no channel)"]
            )
        }
    )
    if raw is not None:
        tickets["channel_raw"] = pd.Series(raw, dtype="str").astype("category")
    labels = channel_labels(tickets)
    expected = by_hand(named, raw)
    assert labels.astype(object).tolist() == expected
    assert sorted(labels.cat.categories) == sorted(set(expected))  # only the labels present
    rng = np.random.default_rng(len(rows))
    covered = rng.random(len(rows)) < 0.5
    kept = rng.random(len(rows)) < 0.8
    counts = channel_counts(tickets, covered, kept)
    for label in set(expected):
        mine = np.array([e == label for e in expected], dtype=bool)
        total, hit = int((mine & kept).sum()), int((mine & kept & covered).sum())
        assert counts.get(label, (0, 0)) == (total, hit)
    assert all(total > 0 for total, _ in counts.values())
