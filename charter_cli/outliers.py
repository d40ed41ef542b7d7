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

On a large column the 0.1 % are measured on a sample of about 65,000 instants, chosen by a hash
of each value rather than its place: a streamed or distributed audit samples each partition,
and the samples thin out into exactly the one of the whole input, so every engine finds the
same bulk, the same strays and names the same ticket (the earliest stray's, or the latest's
when it moved the as-of; the least ticket id on a tie).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
import pandas as pd

from charter_cli.charter.model import TIME_FIELDS
from charter_cli.clock import DAY, I64, NAT
from charter_cli.frames import few_rows
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


def _range(kept: I64) -> tuple[int, int]:
    """The earliest and latest of a column's instants (NAT left out; (BIG, NAT) when none)."""
    return int(kept.min(initial=BIG)), int(kept.max(initial=NAT))


def _step(size: int) -> int:
    """Every how many values of a column of `size` go into the sample: a power of two, so that
    a sample of part of a column (a partition's) thins out into the sample of the whole."""
    ratio = size // SAMPLE
    return 1 if ratio < 2 else 1 << (ratio.bit_length() - 1)


def _picked(kept: I64, step: int) -> I64:
    """The instants (NAT left out) a sample keeps at `step`: chosen by a hash of the value itself,
    not by its place, so that any split of the rows into partitions samples the same instants."""
    if step == 1:
        return kept
    mixed = kept.view(np.uint64) * np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing
    picked: I64 = kept[(mixed >> np.uint64(32)) & np.uint64(step - 1) == 0]
    return picked


@dataclass
class Sample:
    """What the instants of every timestamp column say of the bulk, added up over partitions:
    per column the rows seen, its earliest and latest instant, and a sample by value hash."""

    columns: dict[str, tuple[int, tuple[int, int], I64]] = field(default_factory=dict)

    @classmethod
    def of(cls, named: Iterable[tuple[str, I64]]) -> Sample:
        out = cls()
        for name, values in named:
            values = np.asarray(values, dtype=np.int64)
            kept = values[values != NAT]
            out.columns[name] = (values.size, _range(kept), _picked(kept, _step(values.size)))
        return out

    def add(self, other: Sample) -> None:
        for name, (size, (earliest, latest), picked) in other.columns.items():
            if name not in self.columns:
                self.columns[name] = (size, (earliest, latest), picked)
                continue
            have, (lo, hi), mine = self.columns[name]
            total = have + size
            self.columns[name] = (
                total,
                (min(lo, earliest), max(hi, latest)),
                _picked(np.concatenate((mine, picked)), _step(total)),
            )

    def bounds(self) -> tuple[int, int] | None:
        """low..high of the bulk by the rule above (None: fewer than three instants)."""
        samples = [picked for _, _, picked in self.columns.values()]
        pooled = np.concatenate(samples) if samples else np.empty(0, dtype=np.int64)
        n = pooled.size
        if n < 3:
            return None
        drop = max(1, int(n * TAIL))
        ranked = np.partition(pooled, (drop, n - 1 - drop))
        low, high = int(ranked[drop]), int(ranked[n - 1 - drop])
        width = max(high - low, YEAR)
        return low - width, high + width


def bulk(columns: Iterable[I64]) -> Bulk | None:
    """The bulk of the instants of these columns (NAT ignored), by the rule above; None when
    there are fewer than three."""
    columns = [np.asarray(c, dtype=np.int64) for c in columns]
    sample = Sample.of((str(i), values) for i, values in enumerate(columns))
    found = sample.bounds()
    if found is None:
        return None
    low, high = found
    first, last = BIG, NAT
    ranges = tuple(sample.columns[str(i)][1] for i in range(len(columns)))
    for values, (earliest, latest) in zip(columns, ranges, strict=True):
        if earliest < low or latest > high:  # strays: the extent of the rest
            inside = values[(values >= low) & (values <= high)]
            earliest, latest = int(inside.min(initial=BIG)), int(inside.max(initial=NAT))
        first, last = min(first, earliest), max(last, latest)
    return Bulk(low, high, first, last, ranges)


def _local(seconds: int, zone: ZoneInfo, pattern: str) -> str:
    return datetime.fromtimestamp(seconds, zone).strftime(pattern)


@dataclass
class Strays:
    """One column's instants outside the bulk, added up over partitions: how many, the earliest
    and the latest of them with a ticket each (ties: the least ticket id), and the extent of
    the column's other instants."""

    count: int = 0
    least: tuple[int, str] = (BIG, "")
    most: tuple[int, str] = (NAT, "")
    inside: tuple[int, int] = (BIG, NAT)

    def add(self, other: Strays) -> None:
        self.count += other.count
        self.least = min(self.least, other.least)
        value, ticket = other.most
        if value > self.most[0] or (value == self.most[0] and ticket < self.most[1]):
            self.most = other.most
        self.inside = (min(self.inside[0], other.inside[0]), max(self.inside[1], other.inside[1]))


def strays(
    named: Iterable[tuple[str, I64, pd.Series]],
    bounds: tuple[int, int],
    ranges: Mapping[str, tuple[int, int]] | None = None,
) -> dict[str, Strays]:
    """Each column's strays outside `bounds` (low..high), with the ids of its tickets. `ranges`:
    each column's earliest and latest instant where known; a column within the bounds has no
    stray, and is not looked at again (most columns: a million tickets, 0.19 -> 0.07 s)."""
    low, high = bounds
    out: dict[str, Strays] = {}
    for name, values, ids in named:
        found = out.setdefault(name, Strays())
        earliest, latest = (ranges or {}).get(name, (NAT, BIG))
        if low <= earliest and latest <= high:  # (BIG, NAT): no instant at all
            found.inside = (min(found.inside[0], earliest), max(found.inside[1], latest))
            continue
        values = np.asarray(values, dtype=np.int64)
        far = (values != NAT) & ((values < low) | (values > high))
        inside = values[(values != NAT) & ~far]
        found.inside = (
            min(found.inside[0], int(inside.min(initial=BIG))),
            max(found.inside[1], int(inside.max(initial=NAT))),
        )
        where = np.flatnonzero(far)
        if not where.size:
            continue
        stray = values[where]
        names = few_rows(ids, where).astype(str).to_numpy(dtype=object)
        lo, hi = int(stray.min()), int(stray.max())
        found.add(
            Strays(
                count=int(where.size),
                least=(lo, str(min(names[stray == lo]))),
                most=(hi, str(min(names[stray == hi]))),
            )
        )
    return out


def _named(frame: pd.DataFrame, events: pd.DataFrame | None) -> list[tuple[str, I64, pd.Series]]:
    named: list[tuple[str, I64, pd.Series]] = [
        (c, frame[c].to_numpy(), frame["ticket_id"]) for c in TIME_FIELDS if c in frame
    ]
    if events is not None and len(events):
        named.append(("event", events["at"].to_numpy(), events["ticket_id"]))
    return named


def instants(frame: pd.DataFrame, events: pd.DataFrame | None) -> Sample:
    """The sample of every timestamp of these tickets and events (one partition's)."""
    return Sample.of((name, values) for name, values, _ in _named(frame, events))


def strays_of(
    frame: pd.DataFrame, events: pd.DataFrame | None, bounds: tuple[int, int]
) -> dict[str, Strays]:
    """The strays of these tickets and events (one partition's) outside `bounds`."""
    return strays(_named(frame, events), bounds)


def add_strays(into: dict[str, Strays], found: dict[str, Strays]) -> None:
    for name, column in found.items():
        into.setdefault(name, Strays()).add(column)


def far_notes(source: Tickets, as_of: int, *, as_of_given: bool, timezone: str) -> list[str]:
    """One note per field that holds far instants: how many, in which years, the bulk, and one
    ticket with its value; and, when the latest of them is the default as-of, that it moved it.
    Over every ticket and event read, before --since and --until, like the default as-of. A
    column a slice at a time, added up as partitions are: an audit works this out while it
    judges the promises, and six million messages whole took 0.15 GB more at its peak."""
    named = [
        (name, values[at : at + SLICE], ids.iloc[at : at + SLICE])
        for name, values, ids in _named(source.frame, source.events)
        for at in range(0, values.size, SLICE)
    ]
    sample = Sample()
    for name, values, _ in named:
        sample.add(Sample.of([(name, values)]))
    bounds = sample.bounds()
    if bounds is None:
        return []
    ranges = {name: extent for name, (_, extent, _) in sample.columns.items()}
    return notes(strays(named, bounds, ranges), as_of, as_of_given=as_of_given, timezone=timezone)


SLICE = 1 << 20  # instants of a column `far_notes` looks at at a time


def notes(found: dict[str, Strays], as_of: int, *, as_of_given: bool, timezone: str) -> list[str]:
    """The notes of `far_notes` from the strays of every column (added up over partitions),
    in the order of the fields. The ticket named is the one of the earliest stray, or of the
    latest when that moved the as-of (ties: the least ticket id)."""
    zone = ZoneInfo(timezone)
    first = min((s.inside[0] for s in found.values()), default=BIG)
    last = max((s.inside[1] for s in found.values()), default=NAT)
    if first == BIG:
        return []
    rest = f"{_local(first, zone, '%Y-%m')} … {_local(last, zone, '%Y-%m')}"
    out = []
    for name in (*TIME_FIELDS, "event"):
        column = found.get(name)
        if column is None or not column.count:
            continue
        # the as-of is the latest instant of every field but the due date, events included
        moved = not as_of_given and name != "due_at" and column.most[0] == as_of
        value, ticket = column.most if moved else column.least
        years = sorted({_local(v, zone, "%Y") for v in (column.least[0], column.most[0])})
        label = name if name != "event" else ("event" if column.count == 1 else "events")
        example = "ticket" if column.count == 1 else "e.g. ticket"
        shown = _local(value, zone, "%Y-%m-%d %H:%M")
        note = (
            f"{column.count:,} {label} in {'–'.join(years)}, far from the rest ({rest}): "
            f"{example} {ticket} ({shown})"
        )
        if moved:
            note += (
                "; it is the latest instant, so it moved the default as-of there "
                "(give --as-of to choose one)"
            )
        out.append(note)
    return out


def data_bulk(columns: Sequence[I64]) -> tuple[int, int] | None:
    """first..last of the bulk of these instants, for the clock's minute tables."""
    found = bulk(columns)
    return None if found is None else found.span
