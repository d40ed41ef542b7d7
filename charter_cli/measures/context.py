"""The context every measure is evaluated in, and the one generic step of every promise: which
tickets it covers, which fields it needs and whether the export has them, then
the measure's own evaluator (see `charter_cli.measures`)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from charter_cli.charter.model import Charter, Promise, normalise
from charter_cli.clock import DAY, I64, NAT, BusinessClock
from charter_cli.fields import EITHER, Need, needs, satisfied
from charter_cli.frames import flags, per_value, recode
from charter_cli.measures import measure_of
from charter_cli.measures.allowance import allowance_s
from charter_cli.measures.history import (
    Timeline,
    cycles,
    given,
    owners_of_rows,
    resolution_cycles,
)
from charter_cli.measures.messages import Messages
from charter_cli.measures.ticket_zones import in_ticket_zones
from charter_cli.outcome import Counted, Labels, Outcome, Pauses, State
from charter_cli.outliers import data_bulk
from charter_cli.selection import Exclusion, Scope, absent_reason
from charter_cli.tickets.columns import RESOLVED
from charter_cli.tickets.events import by_ticket
from charter_cli.tickets.read import Tickets
from charter_cli.workers import once

if TYPE_CHECKING:
    from charter_cli.measures.base import Measure

Rows = np.ndarray | slice  # positions into an outcome's rows, or all of them


def _either(absent: list[str]) -> list[str]:
    """Absent fields as said to the user: resolved_at with what would stand in for it."""
    return [" or ".join(EITHER.get(f, (f,))) for f in absent]


def _missing(n: int) -> I64:
    """`n` missing instants, read-only: one shared block of memory, not one per use."""
    values = np.broadcast_to(np.int64(NAT), (n,))
    return values


class Clocks:
    """One BusinessClock per calendar, built once over the audited range (`of`): the partitions
    of one audit share them."""

    @classmethod
    def of(cls, charter: Charter, tickets: pd.DataFrame, as_of: int) -> Clocks:
        """The clocks for `tickets` judged at `as_of`: from the earliest instant to the latest
        (or as-of), and as far past it as the longest allowance reaches; minute tables where
        most instants are (a stray year is answered without them)."""
        lo, hi = span(tickets)
        bulk = data_bulk([tickets[name].to_numpy() for name in SPANNED])
        return cls.over(charter, lo, hi, as_of, bulk)

    @classmethod
    def over(
        cls,
        charter: Charter,
        lo: int | None,
        hi: int | None,
        as_of: int,
        bulk: tuple[int, int] | None = None,
    ) -> Clocks:
        """The clocks for instants from `lo` to `hi` (None: there are none) judged at `as_of`;
        `bulk`: where most of them are (`outliers.data_bulk`; None: lo..hi)."""
        return cls(
            charter,
            as_of if lo is None else lo,
            max(as_of, as_of if hi is None else hi),
            _reach(charter),
            bulk,
        )

    def __init__(
        self, charter: Charter, lo: int, hi: int, reach: int, bulk: tuple[int, int] | None = None
    ) -> None:
        self.charter = charter
        self.lo, self.hi, self.reach, self.bulk = lo, hi, reach, bulk
        self.built: dict[str, BusinessClock] = {}

    def get(self, name: str) -> BusinessClock:
        """The clock of calendar `name`, built by the first promise that asks (promises are
        audited side by side: the others wait for it)."""
        if name not in self.built:
            with _BUILDING:
                if name not in self.built:
                    cal = self.charter.calendar(name)
                    self.built[name] = BusinessClock.spanning(
                        cal,
                        self.lo,
                        self.hi,
                        allowance=self.reach,
                        working_days=self.reach // DAY,
                        bulk=self.bulk,
                    )
        return self.built[name]


_BUILDING = threading.Lock()  # one clock built at a time (a lock here: `Clocks` go to workers)


SPANNED = ("created_at", "resolved_at", "due_at")  # the instants the clocks must cover


def span(tickets: pd.DataFrame) -> tuple[int | None, int | None]:
    """The earliest and the latest instant the clocks must cover (None: none at all)."""
    lo: int | None = None
    hi: int | None = None
    for name in SPANNED:
        values = tickets[name].to_numpy()
        values = values[values != NAT]
        if values.size:
            lo = int(values.min()) if lo is None else min(lo, int(values.min()))
            hi = int(values.max()) if hi is None else max(hi, int(values.max()))
    return lo, hi


def _reach(charter: Charter) -> int:
    """How far past the data deadlines may fall: the largest allowance, in rough seconds."""
    longest = 0
    for p in charter.promises:
        durations = [p.within.default, *p.within.by_priority.values()]
        if p.between:
            durations += list(p.between)
        for d in durations:
            if d is not None:
                longest = max(longest, d.seconds, d.working_days * DAY)
    return longest + 2 * DAY


def calendar_labels(promise: Promise, charter: Charter, channel: pd.Series) -> Labels:
    """The calendar each row's clock runs on (`Charter.calendar_for`, asked once per distinct
    channel)."""
    if promise.calendar:
        return Labels(len(channel), promise.calendar)
    labels = Labels(0)
    labels.codes = per_value(
        channel,
        lambda c: labels.code(charter.calendar_for(promise, c)),
        missing=labels.code(charter.calendar_for(promise)),
        dtype=np.int32,
    )
    return labels


class Context:
    """What every measure reads from: the audited tickets and their columns, the clocks of the
    charter's calendars, the as-of time, the status history, and the shared ways of judging."""

    def __init__(
        self,
        charter: Charter,
        source: Tickets,
        tickets: pd.DataFrame,
        as_of: int,
        as_of_given: bool,
        clocks: Clocks | None = None,
        excluded: Exclusion | None = None,
    ) -> None:
        self.as_of_given = as_of_given
        self.excluded = excluded
        dropped = excluded.dropped if excluded is not None else None
        self.scope = Scope(charter, tickets, source.fields, dropped)
        self.charter = charter
        self.source = source
        self.t = tickets
        self.as_of = as_of
        self.present = source.fields
        self.problems = source.problems
        self.clocks = clocks if clocks is not None else Clocks.of(charter, tickets, as_of)
        # event columns over time, and each ticket's place in them, built on first use
        self.timelines: dict[str, tuple[Timeline, I64]] = {}
        self.building = threading.Lock()  # promises are audited side by side (`audit`)

    # -- helpers --

    def col(self, name: str, rows: I64) -> I64:
        """A ticket column's values at `rows`; when `rows` is every ticket, the column itself
        (not a copy: callers must not write into it)."""
        if name == "first_response_at" and self.source.has_messages:
            values: I64 = self.first_responses
        else:
            values = self.t[name].to_numpy()
        return values if _every(rows, values.size) else values[rows]

    @once
    def messages(self) -> Messages:
        """The messages of the audited tickets, sorted once (none without a message history)."""
        if not self.source.has_messages:
            return Messages(None, self.t["ticket_id"])
        return Messages(self.source.events, self.t["ticket_id"], self.events_by_ticket)

    @once
    def first_responses(self) -> I64:
        """Every ticket's first response once messages are known: its first public agent
        message; the export's first_response_at only for a ticket without any message."""
        return self.messages.first_responses(self.t["first_response_at"].to_numpy())

    def attr(self, name: str, rows: I64) -> pd.Series:
        """A ticket attribute (text) at `rows`, the whole column when `rows` is every ticket."""
        column: pd.Series = self.t[name]
        return column if _every(rows, len(column)) else column.iloc[rows]

    def bad_cells(self, field_name: str, rows: I64) -> tuple[np.ndarray, list[str]]:
        """The rows (positions into `rows`) whose `field_name` cell was present but unreadable,
        and the reason for each."""
        none: tuple[np.ndarray, list[str]] = (np.empty(0, dtype=np.int64), [])
        if self.problems.empty:
            return none
        bad = self.problems.loc[self.problems["field"] == field_name]
        if bad.empty:
            return none
        ids = self.t["ticket_id"].to_numpy(dtype=object)[rows]
        lookup = dict(zip(bad["ticket_id"], bad["value"], strict=False))
        found = pd.Series(ids).map(lookup)
        bad_cell = found.notna().to_numpy()
        if field_name == "first_response_at" and self.source.has_messages:
            bad_cell = bad_cell & ~self.messages.has_any(rows)  # the messages say it, not the cell
        has = np.flatnonzero(bad_cell)
        return has, [f"{field_name} '{v}' is not a date" for v in found.iloc[has]]

    def closed_by_as_of(self, rows: I64) -> np.ndarray:
        """Tickets closed or resolved by the as-of time. With no closing timestamp at all, the
        status says so, unless an earlier --as-of was asked for (the status is of today)."""
        closing = np.maximum(self.col("closed_at", rows), self.col("resolved_at", rows))
        by_time = (closing != NAT) & (closing <= self.as_of)
        status = flags(self.attr("status_category", rows), lambda v: v in RESOLVED)
        by_status = status & (closing == NAT) & (not self.as_of_given)
        return np.asarray(by_time | by_status, dtype=bool)

    def stop_column(self, name: str, rows: I64) -> I64:
        stop = self.col(name, rows)
        if name == "resolved_at":  # resolution falls back to closed_at
            stop = np.where(stop == NAT, self.col("closed_at", rows), stop)
        late = stop > self.as_of  # facts after as-of are ignored
        if late.any():
            stop = np.where(late, NAT, stop)
        return stop

    # -- one promise --

    def evaluate(self, promise: Promise) -> Outcome:
        measure = measure_of(promise.measure)
        needed = needs(promise, self.charter)
        absent = [
            n.field
            for n in needed
            if not satisfied(n.field, self.present) and not self._from_history(measure, n.field)
        ]
        # a filter on a field the export lacks cannot select: the promise covers the tickets the
        # rest of its filter selects, and none of them can be judged
        mask, _ = self.scope.covers(promise)
        notes: list[str | Counted] = []
        blocked = self.scope.blocked_by(promise)
        if blocked:
            notes.append(
                f"policy {promise.policy}: {', '.join(blocked)} comes first and filters on a "
                "field the export lacks; the tickets it may take are not measurable there"
            )
        if not absent:
            mask = measure.select(self, mask)
        rows = np.flatnonzero(mask).astype(np.int64)
        calendar = calendar_labels(promise, self.charter, self.attr("channel", rows))
        if any(self.charter.calendar(c).ticket_zone for c in calendar.words):
            zones = self.attr("timezone", rows)
            notes += in_ticket_zones(calendar, self.charter, zones, "timezone" in self.present)
        n = rows.size
        out = Outcome(
            promise=promise,
            rows=rows,
            state=np.full(n, State.UNMEASURABLE, dtype=np.int8),
            started=_missing(n),  # replaced by each measure; written into by none
            stopped=_missing(n),
            deadline=np.full(n, NAT, dtype=np.int64),
            elapsed=np.full(n, NAT, dtype=np.int64),
            allowed=np.full(n, NAT, dtype=np.int64),
            overdue=np.full(n, NAT, dtype=np.int64),
            done=np.zeros(n, dtype=bool),
            reason=Labels(n),
            calendar=calendar,
            notes=notes,
            fields=self.sources(promise, needed),
        )
        if absent:
            reason = f"the export has no {' column, no '.join(_either(absent))} column"
            out.reason.put(slice(None), reason)
            notes.append(reason)
            return out
        if n == 0:
            notes.append("no ticket matches this promise")
            return out
        measure.evaluate(self, out)
        self._undecided(out)
        return out

    def _from_history(self, measure: Measure, name: str) -> bool:
        """Whether the status history says what the export's absent `name` would."""
        return name in measure.from_history and self.source.has_statuses

    def _undecided(self, out: Outcome) -> None:
        """Rows the charter's `exclude` may drop but cannot tell (it names an absent field):
        not measurable, whatever the measure found."""
        if self.excluded is None or not self.excluded.undecided.any():
            return
        where = np.flatnonzero(self.excluded.undecided[out.rows])
        if not where.size:
            return
        out.state[where] = State.UNMEASURABLE
        for name in ("elapsed", "allowed", "overdue", "deadline"):
            values = getattr(out, name)
            if not values.flags.writeable:
                values = values.copy()
                setattr(out, name, values)
            values[where] = NAT
        out.done[where] = False
        reason = absent_reason(self.excluded.absent, " (the charter's exclude needs it)")
        out.reason.put(where, reason)
        out.notes.append(Counted(f"{{n}} ticket: {reason}", f"{{n}} tickets: {reason}", where.size))

    def judge(
        self, out: Outcome, where: Rows, stopped: np.ndarray, elapsed: I64, allowed: I64
    ) -> None:
        """met / breached / running of the rows `where` selects, from net elapsed business time
        and the allowance (late when over it); `stopped`, `elapsed` and `allowed` hold those rows only."""
        late = elapsed > allowed
        out.state[where] = np.where(
            late, State.BREACHED, np.where(stopped, State.MET, State.RUNNING)
        )
        out.elapsed[where] = elapsed
        out.done[where] = stopped
        out.allowed[where] = allowed
        out.overdue[where] = np.where(late, elapsed - allowed, np.where(stopped, 0, NAT))

    def judge_clock(
        self,
        out: Outcome,
        start: I64,
        stop: I64,
        ok: np.ndarray,
        allowance: tuple[I64, I64],
        also: tuple[str, ...] = (),
    ) -> None:
        """Judge the `ok` rows of `out` by their clock: business time from `start` to `stop`
        (NAT: to as-of, running) on each row's calendar, minus the time paused (`pause_when`,
        and `also` with a status history), against the allowance (seconds, working days per
        row); the deadline moves by the time paused."""
        stopped = stop != NAT
        until = np.where(stopped, stop, self.as_of)
        paused = self.paused(out, out.rows, start, until, ok, also)
        seconds, days = allowance
        for clock, sel in self.by_calendar(out, ok):
            begin = start[sel]
            c0 = clock.business_s(begin)
            elapsed = clock.elapsed_s(begin, until[sel], start_business=c0)
            allow = allowance_s(clock, begin, c0, seconds[sel], days[sel])
            extended = allow
            if paused is not None:
                elapsed = elapsed - paused[sel]
                extended = allow + paused[sel]
            out.deadline[sel] = clock.deadline_s(begin, extended, start_business=c0)
            self.judge(out, sel, stopped[sel], elapsed, allow)

    def by_calendar(self, out: Outcome, ok: np.ndarray) -> Iterator[tuple[BusinessClock, Rows]]:
        """Each calendar the `ok` rows run on, with its clock and those rows: as positions, or
        `slice(None)` when they are all the rows (no gathering at all)."""
        codes = out.calendar.codes
        used = np.flatnonzero(np.bincount(codes[ok], minlength=len(out.calendar.words)))
        every = bool(ok.all())
        for code in used:
            clock = self.clocks.get(out.calendar.words[int(code)])
            if used.size == 1:
                yield clock, slice(None) if every else np.flatnonzero(ok)
            else:
                yield clock, np.flatnonzero(ok & (codes == code))

    def paused(
        self,
        out: Outcome,
        rows: I64,
        start: I64,
        until: I64,
        ok: np.ndarray,
        also: tuple[str, ...] = (),
    ) -> I64 | None:
        """Business seconds each row spent paused (None: nothing to subtract); the intervals go
        to `out.pauses` for `explain`. `also`: statuses that stop the clock besides `pause_when`
        (a resolved state before a reopen), counted only with a status history."""
        p = out.promise
        if not p.pause_when and not (also and self.has_status_history()):
            return None
        if not self.has_status_history():
            out.notes.append(
                "pause_when needs status history (an event log or --events); no pauses subtracted"
            )
            return None
        statuses = tuple(dict.fromkeys((*p.pause_when, *also)))
        seconds, out.pauses = self.in_statuses(out, rows, start, until, ok, statuses)
        return seconds

    @once
    def events_by_ticket(self) -> tuple[I64, I64]:
        """The order that groups the events by ticket, in time order, and for each event in
        that order its ticket's row in the audited tickets (-1: none); worked out once."""
        events = self.source.events
        assert events is not None
        rows = self.source.event_rows
        if rows is not None and rows.size == len(events) and len(self.t) == len(self.source.frame):
            return by_ticket(events, self.t["ticket_id"], rows)  # as the import matched them
        return by_ticket(events, self.t["ticket_id"])

    def with_events(self, rows: I64, *, statuses: bool = False) -> np.ndarray:
        """Which tickets at `rows` the history has an event of (`statuses`: one that carries a
        status), from the events' ticket rows matched once per audit."""
        order, owner = self.events_by_ticket
        if statuses:
            owner = owner[self.carries_status[order]]
        seen = np.zeros(len(self.t), dtype=bool)
        seen[owner[owner >= 0]] = True
        found: np.ndarray = seen[rows]
        return found

    @once
    def carries_status(self) -> np.ndarray:
        """Which events carry a status (in the events' order)."""
        assert self.source.events is not None
        return given(self.source.events["status"])

    @once
    def status_changes(self) -> tuple[I64, I64, np.ndarray]:
        """The events that carry a status, up to as-of, grouped by ticket row in time order
        (the history's order on a tie): each one's ticket row, instant, and whether it is a
        resolved state; worked out once for every promise that reads the cycles."""
        events = self.source.events
        assert events is not None
        order, ticket = self.events_by_ticket
        at = events["at"].to_numpy()[order]
        keep = self.carries_status[order] & (at <= self.as_of) & (ticket >= 0)
        category = events["category"].isin(RESOLVED).to_numpy(dtype=bool)[order]
        return ticket[keep], at[keep].astype(np.int64), category[keep]

    def resolution_cycles(self, rows: I64, start: I64, stop: I64) -> tuple[I64, I64, I64, I64]:
        """`history.resolution_cycles` of the tickets at `rows`: from the status changes sorted
        once per audit when each ticket is there once and in order (a promise's rows), without
        matching the events' ticket ids again."""
        events = self.source.events
        if events is not None and not events.empty and bool((np.diff(rows) > 0).all()):
            ticket, at, resolved = self.status_changes
            mine, pos = owners_of_rows(
                rows, ticket, len(self.t)
            )  # by a table: each row once, in order
            return cycles(pos, at[mine], resolved[mine], start, stop)
        ids = self.t["ticket_id"].to_numpy(dtype=object)[rows]
        return resolution_cycles(events, ids, start, stop, self.as_of)

    def priorities(self, out: Outcome, rows: I64, stop: I64) -> tuple[pd.Series, pd.Series]:
        """The charter's priority name and the export's own spelling for each row: in force
        when its clock stopped (`stop`; NAT: at as-of) under `priority: latest`, the first one
        under `at_creation`, from events that carry a priority, else the ticket's column."""
        names = self.attr("priority", rows).reset_index(drop=True)
        raw_name = "priority_raw" if "priority_raw" in self.t else "priority"
        raw = self.attr(raw_name, rows).reset_index(drop=True)
        events = self.source.events
        if events is None or "priority" not in events:
            return names, raw
        when = (
            None
            if out.promise.priority == "at_creation"
            else np.where(stop == NAT, self.as_of, stop)
        )
        with self.building:  # sorted, and the tickets looked up, once
            if "priority" not in self.timelines:
                timeline = Timeline(events, "priority", self.as_of)
                # no priority changed in the history (the column is there, empty): no ticket's
                # id looked up (a million ids as Python strings, 35 ms a promise's critical path)
                codes = (
                    timeline.lookup(self.t["ticket_id"].to_numpy(dtype=object))
                    if not timeline.empty
                    else np.zeros(0, dtype=np.int64)
                )
                self.timelines["priority"] = (timeline, codes)
        timeline, codes = self.timelines["priority"]
        if timeline.empty:
            return names, raw
        found, known = timeline.at_instants(rows, when, codes=codes[rows])
        if not known.any():
            return names, raw
        lookup = {
            normalise(v): pr.name for pr in self.charter.priorities for v in (pr.name, *pr.match)
        }
        given = pd.Series(found, dtype=object)
        mapped = (
            recode(given, lambda v: lookup.get(normalise(v))).astype(object)
            if self.charter.priorities
            else given
        )
        names = names.astype(object).where(~known, mapped)
        raw = raw.astype(object).where(~known, given)
        if len(names) == out.rows.size:  # the rows of the outcome: the reports name it so
            shown = names.where(names.notna(), raw)
            out.priority = shown.to_numpy(dtype=object)
        return names, raw

    @once
    def status_spans(self) -> tuple[I64, I64, I64, I64]:
        """The events that carry a status, grouped by ticket row in time order: their order in
        the events, ticket row (-1: none), instant, and the instant of the ticket's next status
        (NAT: the last lasts until the clock stops); worked out once per audit."""
        events = self.source.events
        assert events is not None
        order, ids = self.events_by_ticket
        carries = self.carries_status[order]
        if not carries.all():
            order, ids = order[carries], ids[carries]
        at = events["at"].to_numpy()[order]
        next_at = np.concatenate((at[1:], [NAT]))
        last = np.concatenate((ids[1:] != ids[:-1], [True]))
        next_at[last] = NAT
        return order, ids, at, next_at

    def walks_history(self, promise: Promise) -> bool:
        """Whether judging `promise` reads the events one by one (a measure of the history, its
        pauses, a resolution's cycles): with millions of events, the longest promises."""
        events = self.source.events
        if events is None or events.empty:
            return False
        measure = measure_of(promise.measure)
        return measure.walks_history or bool(promise.pause_when) or measure.reopenable(promise)

    def has_status_history(self) -> bool:
        return self.source.has_history

    def in_statuses(
        self,
        out: Outcome,
        rows: I64,
        start: I64,
        until: I64,
        ok: np.ndarray,
        statuses: tuple[str, ...],
        *,
        before_first: str | None = None,
    ) -> tuple[I64, Pauses | None]:
        """Business seconds each row spent in `statuses` (raw statuses or their categories)
        between `start` and `until`, on its calendar, and those intervals (position in `rows`,
        start, stop or NAT while it lasts, the status). `before_first`: the status a ticket is
        taken to have from its start to its first event (none: that time is in no status)."""
        seconds = np.zeros(rows.size, dtype=np.int64)
        events = self.source.events
        if events is None or events.empty:
            return seconds, None
        wanted = {normalise(s) for s in statuses}
        # events grouped by the row of their ticket (integers; -1 for none), in time order; an
        # event that carries no status (a group or priority change) changes none: a status
        # lasts until the next event that carries one
        order, ids, at, next_at = self.status_spans
        hit = (
            flags(events["category"], lambda v: normalise(v) in wanted)
            | flags(events["status"], lambda v: normalise(v) in wanted)
        )[order]
        picked = order[hit]  # the events of the statuses wanted (their status told by `explain`)
        if before_first is not None and normalise(before_first) in wanted:
            first = np.concatenate(([True], ids[1:] != ids[:-1]))
            # from the ticket's start (clipped below) to its first event
            ids = np.concatenate((ids[hit], ids[first]))
            next_at = np.concatenate((next_at[hit], at[first]))
            at = np.concatenate((at[hit], np.full(int(first.sum()), np.iinfo(np.int64).min + 1)))
            picked = np.concatenate((picked, np.full(int(first.sum()), -1, dtype=np.int64)))
        else:
            ids, at, next_at = ids[hit], at[hit], next_at[hit]
        # every row of a ticket (a promise may measure it more than once) gets its intervals;
        # `ids` are the tickets' rows in the audited tickets
        keep, ticket = owners_of_rows(rows, ids, len(self.t))
        if not keep.size:
            return seconds, None
        p_start, p_stop = at[keep], next_at[keep]
        intervals = Pauses(
            ticket, p_start, p_stop, start, picked[keep], events["status"], before_first
        )
        for clock, where in self.by_calendar(out, ok):
            in_cal = np.zeros(rows.size, dtype=bool)
            in_cal[where] = True
            sel = in_cal[ticket]
            if not sel.any():
                continue
            part = clock.paused_s(ticket[sel], p_start[sel], p_stop[sel], start, until)
            seconds = np.where(in_cal, part, seconds)
        return seconds, intervals

    def sources(self, promise: Promise, needed: list[Need]) -> dict[str, str]:
        """Where the promise's fields come from in the export (present ones only)."""
        names = [n for need in needed for n in EITHER.get(need.field, (need.field,))]
        if promise.measure == "escalation":
            names += ["escalation_level", "escalated_at"]
        if any(self.charter.calendar(c).ticket_zone for c in self.charter.calendars_of(promise)):
            names.append("timezone")  # the zone each ticket's hours are read in
        out = {n: self.present[n] for n in names if n in self.present}
        history = self.source.has_history
        measure = measure_of(promise.measure)
        for name in measure.from_history:
            if self._from_history(measure, name) and not satisfied(name, self.present):
                where = self.source.events_file or "the event log"
                out[name] = f"entering a resolved state in {where}"
        if promise.measure in ("escalation", "escalation_order", "group_time") and history:
            out["group history"] = self.source.events_file or "the event log"
        if promise.pause_when and history:
            out["status history"] = self.source.events_file or "the event log"
        if promise.measure in ("next_reply", "periodic_update") and self.source.has_messages:
            out["messages"] = self.source.events_file or "the event log"  # the conversation
            if history:  # resolutions and reopens
                out["status history"] = self.source.events_file or "the event log"
        return out


def _every(rows: I64, n: int) -> bool:
    """Whether `rows` is every one of `n` tickets, in order: not only as many (a promise's
    instances, a ticket measured twice and another not at all, can be as many as the tickets)."""
    if rows.size != n:
        return False
    return n == 0 or (
        int(rows[0]) == 0 and int(rows[-1]) == n - 1 and bool((np.diff(rows) > 0).all())
    )
