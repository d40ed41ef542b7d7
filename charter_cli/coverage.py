"""Coverage: the share of kept tickets (after the charter's `exclude`) that at least one promise
applies to, in all and per channel; under the charter's `coverage` (or `--min-coverage`) the
audit fails."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

NO_CHANNEL = "(no channel)"


@dataclass(frozen=True)
class ChannelCoverage:
    channel: str
    tickets: int
    covered: int

    @property
    def share(self) -> float | None:
        return self.covered / self.tickets if self.tickets else None


@dataclass(frozen=True)
class Coverage:
    tickets: int
    covered: int
    minimum: float | None
    by_channel: tuple[ChannelCoverage, ...]

    @property
    def share(self) -> float | None:
        return self.covered / self.tickets if self.tickets else None

    @property
    def passed(self) -> bool:
        """Not under the minimum (no minimum, or no ticket: passed)."""
        share = self.share
        return self.minimum is None or share is None or share >= self.minimum

    def counts(self) -> dict[str, tuple[int, int]]:
        """Per channel, the kept tickets and those some promise applies to (`channel_counts`)."""
        return {c.channel: (c.tickets, c.covered) for c in self.by_channel}

    def under(self) -> list[ChannelCoverage]:
        """The channels under the minimum (every channel with an uncovered ticket when there is
        no minimum), least covered first."""
        floor = 1.0 if self.minimum is None else self.minimum
        low = [c for c in self.by_channel if c.share is not None and c.share < floor]
        return sorted(low, key=lambda c: (c.share or 0.0, c.channel))


def channel_labels(tickets: pd.DataFrame) -> pd.Series:
    """The charter's channel name, else the export's own value, else `(no channel)`: a
    categorical of the labels present, made from the two columns' codes (no copy of a million
    values to Python objects: 0.05 s of the audit's end, benchmarks/README.md)."""
    named = tickets["channel"].astype("category")
    codes = named.cat.codes.to_numpy()
    if not (codes < 0).any():  # every ticket has a charter channel: the channels present
        return named.cat.remove_unused_categories()
    raw = tickets["channel_raw"] if "channel_raw" in tickets else pd.Series([None] * len(named))
    raw = raw.astype("category")
    raw_codes = raw.cat.codes.to_numpy()
    labels = (
        pd.Index(named.cat.categories.astype(str))
        .append(pd.Index(raw.cat.categories.astype(str)))
        .append(pd.Index([NO_CHANNEL]))
        .unique()
    )
    # each column's code as the code of its label among all of them; -1 (missing) picks the last
    by_named = np.append(labels.get_indexer(named.cat.categories.astype(str)), -1)
    by_raw = np.append(
        labels.get_indexer(raw.cat.categories.astype(str)), labels.get_loc(NO_CHANNEL)
    )
    merged = np.where(codes >= 0, by_named[codes], by_raw[raw_codes])
    chosen = pd.Categorical.from_codes(merged, categories=labels, validate=False)
    return pd.Series(chosen, index=named.index).cat.remove_unused_categories()


def channel_counts(
    tickets: pd.DataFrame, covered: np.ndarray, kept: np.ndarray
) -> dict[str, tuple[int, int]]:
    """Per channel, the kept tickets and those of them some promise applies to: counts that add
    up over partitions."""
    labels = channel_labels(tickets)
    codes = labels.cat.codes.to_numpy()[kept]
    size = len(labels.cat.categories)
    total = np.bincount(codes, minlength=size)
    hit = np.bincount(codes[covered[kept]], minlength=size)
    return {
        str(name): (int(total[i]), int(hit[i]))
        for i, name in enumerate(labels.cat.categories)
        if total[i]
    }


def from_counts(counts: dict[str, tuple[int, int]], minimum: float | None) -> Coverage:
    """Coverage from the per-channel counts (of one piece, or added up over partitions)."""
    rows = tuple(ChannelCoverage(c, t, k) for c, (t, k) in sorted(counts.items()))
    return Coverage(sum(r.tickets for r in rows), sum(r.covered for r in rows), minimum, rows)


def coverage(
    tickets: pd.DataFrame, covered: np.ndarray, kept: np.ndarray, minimum: float | None
) -> Coverage:
    """Coverage of the `kept` tickets given which of them some promise applies to."""
    return from_counts(channel_counts(tickets, covered, kept), minimum)


def sentence(cov: Coverage) -> str:
    """One line for the reports: the share, the minimum, and the channels under it."""
    share = cov.share
    shown = "–" if share is None else f"{share:.1%}"
    head = f"coverage {shown}: {cov.covered:,} of {cov.tickets:,} tickets match a promise"
    if cov.minimum is not None:
        verdict = "under" if not cov.passed else "meets"
        head += f" ({verdict} the minimum {cov.minimum:.1%})"
    parts = [
        f"{c.channel} {c.share:.1%} ({c.covered:,} of {c.tickets:,})"
        for c in cov.by_channel
        if c.share is not None
    ]
    low = cov.under()
    tail = ""
    if low:
        word = "under the minimum" if cov.minimum is not None else "not fully covered"
        tail = f"; {word}: " + ", ".join(c.channel for c in low)
    return head + "; by channel: " + ", ".join(parts) + tail
