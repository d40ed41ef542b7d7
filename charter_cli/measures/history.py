"""What a status history says of each ticket at a given instant, and the cycles a reopened
ticket goes through: whole columns, no loop over tickets or events.

- `value_at`: the value of an event column (priority, group) in force at an instant per row;
- `resolution_cycles`: creation or reopen → next resolution, one row per cycle (`reopens`);
- `owners`: which rows each event belongs to when a ticket has several rows (instances);
  `owners_of_rows` when the events know their ticket's row already.

Before a ticket's first event carrying a value, the ticket is taken to have had that first value
(an event log records the priority and group a ticket was created with on its first row; a
history of changes alone cannot say more).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from charter_cli.clock import I64, NAT
from charter_cli.frames import flags
from charter_cli.tickets.columns import RESOLVED


def owners(row_ids: np.ndarray, event_ids: np.ndarray) -> tuple[I64, I64]:
    """(event index, row position) pairs: every event with every row of its ticket (a ticket
    has several rows when a promise measures it more than once)."""
    index = pd.Index(row_ids)
    if index.is_unique:
        position = index.get_indexer(event_ids)
        keep = np.flatnonzero(position >= 0)
        return keep.astype(np.int64), position[keep].astype(np.int64)
    codes, uniques = pd.factorize(row_ids)
    event_code = pd.Index(uniques).get_indexer(event_ids)
    order = np.argsort(codes, kind="stable")
    counts = np.bincount(codes, minlength=len(uniques))
    starts = np.cumsum(counts) - counts
    keep = np.flatnonzero(event_code >= 0)
    code = event_code[keep]
    repeat = counts[code]
    event = np.repeat(keep, repeat)
    offset = np.arange(int(repeat.sum())) - np.repeat(np.cumsum(repeat) - repeat, repeat)
    position = order[np.repeat(starts[code], repeat) + offset]
    return event.astype(np.int64), position.astype(np.int64)


def owners_of_rows(rows: I64, ticket_rows: I64, tickets: int) -> tuple[I64, I64]:
    """`owners` for items that know their ticket's row among `tickets` (-1: none): (item,
    position in `rows`) for every item whose ticket row is in `rows`, in item order; by a table
    of the rows when each is in `rows` once and in order (a promise's rows), else by `owners`."""
    step = np.diff(rows)
    if rows.size == 0 or bool((step > 0).all()):
        if rows.size == tickets:  # every ticket, in order: the rows are the positions
            keep = np.flatnonzero(ticket_rows >= 0).astype(np.int64)
            return keep, np.asarray(ticket_rows, dtype=np.int64)[keep]
        place = np.full(tickets, -1, dtype=np.int64)
        place[rows] = np.arange(rows.size, dtype=np.int64)
        position = np.where(ticket_rows >= 0, place[np.maximum(ticket_rows, 0)], -1)
        keep = np.flatnonzero(position >= 0).astype(np.int64)
        return keep, position[keep]
    if bool((step >= 0).all()):  # a promise's instances: each ticket's rows side by side
        return _owners_of_runs(rows, ticket_rows, tickets)
    return owners(rows, ticket_rows)


def _owners_of_runs(rows: I64, ticket_rows: I64, tickets: int) -> tuple[I64, I64]:
    """`owners_of_rows` where each ticket's rows stand side by side in `rows` (in order): a
    table of each ticket's first position and number of rows, no hashing (two million
    instances of a million tickets and three million items: 0.10 s, where `owners` took 0.30)."""
    count = np.bincount(rows, minlength=tickets).astype(np.int64)
    first = np.cumsum(count) - count
    known = ticket_rows >= 0
    repeat = np.where(known, count[np.where(known, ticket_rows, 0)], 0)
    item = np.repeat(np.arange(ticket_rows.size, dtype=np.int64), repeat)
    # the k-th row of an item's ticket: its first position plus k
    offset = np.arange(item.size, dtype=np.int64) - np.repeat(np.cumsum(repeat) - repeat, repeat)
    position = np.repeat(first[np.where(known, ticket_rows, 0)], repeat) + offset
    return item, position


class Timeline:
    """The values of one event column (priority, group) over time, per ticket, sorted once:
    `at` answers for many (ticket, instant) pairs at a time."""

    def __init__(self, events: pd.DataFrame | None, column: str, as_of: int) -> None:
        self.empty = True
        if events is None or column not in events or events.empty:
            return
        carried = events[column]
        has = given(carried) & (events["at"].to_numpy() <= as_of)
        if not has.any():
            return
        self.empty = False
        at = events["at"].to_numpy()[has].astype(np.int64)
        found = carried.to_numpy(dtype=object)[has]
        codes, uniques = pd.factorize(events["ticket_id"].to_numpy(dtype=object)[has])
        order = np.lexsort((at, codes))
        self.codes, self.at, self.found = codes[order].astype(np.int64), at[order], found[order]
        self.index = pd.Index(uniques)
        self.low, self.high = int(self.at.min()), int(self.at.max())
        self.span = self.high - self.low + 1
        self.keys = self.codes * self.span + (self.at - self.low)

    def lookup(self, ids: np.ndarray) -> I64:
        """Each ticket id's place in the timeline (-1: no value for it); look the ids of a
        frame up once, then take rows of it."""
        if self.empty:
            return np.full(len(ids), -1, dtype=np.int64)
        found: I64 = self.index.get_indexer(np.asarray(ids, dtype=object)).astype(np.int64)
        return found

    def at_instants(
        self, ids: np.ndarray, when: I64 | None, *, codes: I64 | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """The value in force at `when` for each ticket id (None: its first value); and which
        rows had any value. Before a ticket's first value, that first value. `codes`: the ids
        already looked up (`lookup`)."""
        n = len(ids) if codes is None else codes.size
        values = np.full(n, None, dtype=object)
        if self.empty:
            return values, np.zeros(n, dtype=bool)
        query = self.lookup(ids) if codes is None else codes
        known = query >= 0
        code = np.maximum(query, 0)
        first = np.searchsorted(self.codes, code, side="left")
        if when is None:
            pick = first
        else:
            instants = np.where(np.asarray(when) == NAT, self.high, np.asarray(when))
            wanted = code * self.span + (np.clip(instants, self.low, self.high) - self.low)
            last = np.searchsorted(self.keys, wanted, side="right") - 1
            mine = (last >= 0) & (self.codes[np.maximum(last, 0)] == code)
            pick = np.where(mine, last, first)
        values[known] = self.found[pick[known]]
        return values, known


def value_at(
    events: pd.DataFrame | None,
    column: str,
    ids: np.ndarray,
    when: I64 | None,
    as_of: int,
) -> tuple[np.ndarray, np.ndarray]:
    """The value of `column` in force at `when` for each ticket id (None: its first value),
    from the events at or before `as_of` that carry one; and which rows had any such event."""
    return Timeline(events, column, as_of).at_instants(ids, when)


def resolution_cycles(
    events: pd.DataFrame | None,
    ids: np.ndarray,
    start: I64,
    stop: I64,
    as_of: int,
) -> tuple[I64, I64, I64, I64]:
    """A ticket's cycles: creation (`start`) or a reopen → the next resolution (NAT: running).
    Returns, one row per cycle, in ticket order then cycle order: the ticket's position, the
    cycle's number (from 0), its start and its stop. The status history says when a ticket
    entered and left a resolved state; the last cycle without a resolution in the history stops
    at `stop` (the export's resolution) when that is not before the cycle starts."""
    pos = np.empty(0, dtype=np.int64)
    at = np.empty(0, dtype=np.int64)
    resolved = np.empty(0, dtype=bool)
    if events is not None and not events.empty:
        # an event without a status (a priority or group change) changes no state
        ev = events.loc[(events["at"].to_numpy() <= as_of) & given(events["status"])]
        event, position = owners(np.asarray(ids, dtype=object), ev["ticket_id"].to_numpy(object))
        if event.size:
            at = ev["at"].to_numpy()[event].astype(np.int64)
            category = ev["category"].to_numpy(dtype=object)[event]
            resolved = pd.Series(category).isin(RESOLVED).to_numpy(dtype=bool)
            order = np.lexsort((np.arange(at.size), at, position))
            pos, at, resolved = position[order], at[order], resolved[order]
    return cycles(pos, at, resolved, start, stop)


def cycles(
    pos: I64, at: I64, resolved: np.ndarray, start: I64, stop: I64
) -> tuple[I64, I64, I64, I64]:
    """`resolution_cycles` from the status changes of the tickets: each one's ticket position
    (into `start`), instant and whether it is a resolved state, sorted by position, then time,
    then the history's order."""
    n = len(start)
    entering = np.empty(0, dtype=bool)
    if pos.size:
        first = np.concatenate(([True], pos[1:] != pos[:-1]))
        before = np.concatenate(([False], resolved[:-1])) & ~first
        change = resolved != before
        # a change of state only: resolved → resolved again is the same resolution
        pos, at, entering = pos[change], at[change], resolved[change]
    # per ticket: cycle k starts at the k-th reopen (cycle 0 at `start`), stops at the k-th
    # entry into a resolved state; the history alternates entries and reopens
    reopen = ~entering
    n_cycles = 1 + np.bincount(pos[reopen], minlength=n)
    total = int(n_cycles.sum())
    owner = np.repeat(np.arange(n, dtype=np.int64), n_cycles)
    base = np.cumsum(n_cycles) - n_cycles
    number = np.arange(total, dtype=np.int64) - base[owner]
    begin = np.asarray(start, dtype=np.int64)[owner].copy()
    end = np.full(total, NAT, dtype=np.int64)
    if pos.size:
        # the k-th reopen of a ticket starts its cycle k; the k-th entry stops its cycle k
        rank_reopen = _rank(pos, reopen)
        rank_enter = _rank(pos, entering)
        at_reopen = np.flatnonzero(reopen)
        at_enter = np.flatnonzero(entering)
        begin[base[pos[at_reopen]] + rank_reopen[at_reopen] + 1] = np.maximum(
            at[at_reopen], np.asarray(start)[pos[at_reopen]]
        )
        fits = rank_enter[at_enter] < n_cycles[pos[at_enter]]
        at_enter = at_enter[fits]
        end[base[pos[at_enter]] + rank_enter[at_enter]] = at[at_enter]
    last = base + n_cycles - 1
    export = np.asarray(stop, dtype=np.int64)
    fallback = (end[last] == NAT) & (export != NAT) & (export >= begin[last])
    end[last[fallback]] = export[fallback]
    return owner, number, begin, end


def given(values: pd.Series) -> np.ndarray:
    """Cells that hold a value (events are read stripped: an empty text is none)."""
    if isinstance(values.dtype, pd.CategoricalDtype):  # by its few values (0.6 s on 6M rows)
        return flags(values, lambda v: v != "")
    given = np.array(values.notna().to_numpy(dtype=bool))
    if given.any():
        given &= (values.astype("string") != "").fillna(False).to_numpy(dtype=bool)
    return given


def _rank(group: I64, mask: np.ndarray) -> I64:
    """For each selected element, how many selected elements of its group come before it
    (`group` sorted)."""
    counted = np.cumsum(mask) - mask
    first = np.concatenate(([True], group[1:] != group[:-1]))
    start_count = counted[np.maximum.accumulate(np.where(first, np.arange(group.size), 0))]
    ranks: I64 = (counted - start_count).astype(np.int64)
    return ranks
