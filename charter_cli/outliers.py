"""Instants far from the rest of the data: a year typed 2126 for 2026, a 1970 placeholder.

They are audited like any other instant (the business clock answers them without its minute
tables), but they stretch the span the audit covers and, when one is the latest instant, move
the default as-of (the latest instant in the data), so the report names them.

The rule, on the instants of every timestamp field of the tickets and of the events together:
leave out the 0.1 % at either end (at least one instant each side), and widen the range of the
rest by its own width, at least a year, on both sides. That is the data's bulk; an instant
outside it is far. With fewer than three instants none is far (no instant can be told from the
rest). An export of 2026 has its bulk from 2025 to 2027, one of 2016–2026 from 2006 to 2036; a
stray 2126 is far from either, and so are up to 0.1 % of strays (more are the data).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
import pandas as pd

from charter_cli.charter.model import TIME_FIELDS
from charter_cli.clock import DAY, I64, NAT
from charter_cli.tickets.read import Tickets

TAIL = 0.001  # left out at either end before the bulk is measured
YEAR = 365 * DAY  # the least the bulk is widened by on either side
SAMPLE = 1 << 16  # instants of a column the bulk is measured on (evenly spaced; all when fewer)
BIG = np.iinfo(np.int64).max


@dataclass(frozen=True)
class Bulk:
    """Where the data's instants are (UTC seconds): outside low..high an instant is far; first
    and last are the earliest and latest instants that are not."""

    low: int
    high: int
    first: int
    last: int
    ranges: tuple[tuple[int, int], ...] = ()  # each column's earliest and latest instant

    def far(self, values: I64) -> npt.NDArray[np.bool_]:
        """Which values are far (NAT never is)."""
        far: npt.NDArray[np.bool_] = (values != NAT) & ((values < self.low) | (values > self.high))
        return far

    @property
    def span(self) -> tuple[int, int]:
        return self.first, self.last


def _range(values: I64) -> tuple[int, int]:
    """The earliest and latest instant of a column (NAT ignored; (BIG, NAT) when none)."""
    latest = int(values.max(initial=NAT))
    earliest = int(values.min(initial=BIG))
    if earliest == NAT:  # some are missing (NAT is the least int64)
        earliest = int(np.where(values == NAT, BIG, values).min(initial=BIG))
    return earliest, latest


def bulk(columns: Iterable[I64]) -> Bulk | None:
    """The bulk of the instants of these columns (NAT ignored), by the rule above; None when
    there are fewer than three."""
    columns = [np.asarray(c, dtype=np.int64) for c in columns]
    samples = []
    for values in columns:
        sample = values[:: max(1, values.size // SAMPLE)]
        samples.append(sample[sample != NAT])
    pooled = np.concatenate(samples) if samples else np.empty(0, dtype=np.int64)
    n = pooled.size
    if n < 3:
        return None
    drop = max(1, int(n * TAIL))
    ranked = np.partition(pooled, (drop, n - 1 - drop))
    low, high = int(ranked[drop]), int(ranked[n - 1 - drop])
    width = max(high - low, YEAR)
    low, high = low - width, high + width
    first, last = BIG, NAT
    ranges = tuple(_range(values) for values in columns)
    for values, (earliest, latest) in zip(columns, ranges, strict=True):
        if earliest < low or latest > high:  # strays: the extent of the rest
            inside = values[(values >= low) & (values <= high)]
            earliest, latest = int(inside.min(initial=BIG)), int(inside.max(initial=NAT))
        first, last = min(first, earliest), max(last, latest)
    return Bulk(low, high, first, last, ranges)


def _local(seconds: int, zone: ZoneInfo, pattern: str) -> str:
    return datetime.fromtimestamp(seconds, zone).strftime(pattern)


def far_notes(source: Tickets, as_of: int, *, as_of_given: bool, timezone: str) -> list[str]:
    """One note per field that holds far instants: how many, in which years, the bulk, and one
    ticket with its value; and, when the latest of them is the default as-of, that it moved it.
    Over every ticket and event read, before --since and --until, like the default as-of."""
    frame = source.frame
    named: list[tuple[str, I64, pd.Series]] = [
        (c, frame[c].to_numpy(), frame["ticket_id"]) for c in TIME_FIELDS if c in frame
    ]
    if source.events is not None and len(source.events):
        named.append(("event", source.events["at"].to_numpy(), source.events["ticket_id"]))
    found = bulk(values for _, values, _ in named)
    if found is None:
        return []
    zone = ZoneInfo(timezone)
    rest = f"{_local(found.first, zone, '%Y-%m')} … {_local(found.last, zone, '%Y-%m')}"
    notes = []
    for (name, values, ids), (earliest, latest) in zip(named, found.ranges, strict=True):
        if found.low <= earliest and latest <= found.high:
            continue
        far = np.flatnonzero(found.far(values))
        if far.size == 0:
            continue
        stray = values[far]
        # the as-of is the latest instant of every field but the due date, events included
        moved = not as_of_given and name != "due_at" and int(stray.max()) == as_of
        shown = int(far[np.argmax(stray)]) if moved else int(far[0])
        years = sorted({_local(int(v), zone, "%Y") for v in (stray.min(), stray.max())})
        label = name if name != "event" else ("event" if far.size == 1 else "events")
        example = "ticket" if far.size == 1 else "e.g. ticket"
        value = _local(int(values[shown]), zone, "%Y-%m-%d %H:%M")
        note = (
            f"{far.size:,} {label} in {'–'.join(years)}, far from the rest ({rest}): "
            f"{example} {ids.iloc[shown]} ({value})"
        )
        if moved:
            note += (
                "; it is the latest instant, so it moved the default as-of there "
                "(give --as-of to choose one)"
            )
        notes.append(note)
    return notes


def data_bulk(columns: Sequence[I64]) -> tuple[int, int] | None:
    """first..last of the bulk of these instants, for the clock's minute tables."""
    found = bulk(columns)
    return None if found is None else found.span
