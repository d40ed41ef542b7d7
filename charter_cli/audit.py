"""Promises × tickets → what happened (DESIGN.md §3 states, §10 decisions). No loop over tickets.

Each promise is evaluated on whole columns: the tickets it applies to are grouped by the calendar
their clock runs on (the promise's own, else their channel's, else the charter's first), and each
group is measured at once on that calendar's `BusinessClock`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

import numpy as np
import pandas as pd

from charter_cli.charter.model import TIME_FIELDS, Calendar, Charter, Promise, normalise
from charter_cli.charter.values import Duration
from charter_cli.clock import DAY, I64, NAT, BusinessClock, in_background
from charter_cli.errors import CharterError, UsageError
from charter_cli.frames import TEXT, categorical, flags, per_value, recode
from charter_cli.tickets.read import RESOLVED, Tickets


class State(IntEnum):
    MET = 0
    BREACHED = 1
    RUNNING = 2
    UNMEASURABLE = 3

    @property
    def label(self) -> str:
        return self.name.lower()


STATE_LABELS = np.array([s.label for s in State], dtype=object)


class Labels:
    """Text per row from a small vocabulary (reasons, calendar names): int32 codes into `words`,
    -1 for none. Tests and updates are integer work; indexing gives the text (None for none)."""

    def __init__(self, size: int, word: str | None = None) -> None:
        self.words: list[str] = []
        self.codes = np.full(size, -1 if word is None else 0, dtype=np.int32)
        if word is not None:
            self.words.append(word)

    def code(self, word: str) -> int:
        try:
            return self.words.index(word)
        except ValueError:
            self.words.append(word)
            return len(self.words) - 1

    @property
    def none(self) -> np.ndarray:
        """The rows with no text."""
        return np.asarray(self.codes == -1)

    def put(self, where: np.ndarray | slice, word: str) -> None:
        """Set `word` on the rows `where` selects (a mask, indices or a slice)."""
        self.codes[where] = self.code(word)

    def fill(self, where: np.ndarray, word: str) -> None:
        """Set `word` on the rows of the mask `where` that have no text yet."""
        self.codes[where & self.none] = self.code(word)

    def put_each(self, rows: np.ndarray, words: list[str]) -> None:
        """Row `rows[k]` gets `words[k]` (rows given by position)."""
        self.codes[rows] = np.array([self.code(w) for w in words], dtype=np.int32)

    def put_by_value(
        self, where: np.ndarray, values: pd.Series, word: Callable[[str], str], missing: str
    ) -> None:
        """Rows of the mask `where` get `word(value)` of their value in `values` (`missing` for
        none), computed once per distinct value that occurs there."""
        rows = np.flatnonzero(where)
        cats = categorical(values.iloc[rows])
        codes = cats.cat.codes.to_numpy()
        present = np.unique(codes)
        table = np.full(len(cats.cat.categories) + 1, -1, dtype=np.int32)
        for k in present:
            table[k] = self.code(missing if k < 0 else word(str(cats.cat.categories[k])))
        self.codes[rows] = table[codes]

    def table(self) -> np.ndarray:
        return np.array([*self.words, None], dtype=object)  # code -1 picks the trailing None

    def __getitem__(self, key: Any) -> Any:
        return self.table()[self.codes[key]]

    def __len__(self) -> int:
        return int(self.codes.size)

    def categorical(self, key: Any = slice(None)) -> pd.Categorical:
        return pd.Categorical.from_codes(
            self.codes[key], categories=pd.Index(self.words, dtype=object), validate=False
        )


@dataclass
class Outcome:
    """Every (ticket, promise) pair of one promise, as columns (positions into the ticket frame)."""

    promise: Promise
    rows: I64  # positions in AuditResult.tickets
    state: np.ndarray  # int8 State
    started: I64
    stopped: I64
    deadline: I64
    elapsed: I64  # net business seconds (NAT where not measured)
    allowed: I64
    overdue: I64
    reason: Labels  # why a row is unmeasurable (or more about its state); none for most
    calendar: Labels  # the calendar each row's clock ran on
    notes: list[str] = field(default_factory=list)  # said once for the whole promise

    def count(self, state: State) -> int:
        return int((self.state == state).sum())

    @property
    def compliance(self) -> float | None:
        met, breached = self.count(State.MET), self.count(State.BREACHED)
        return met / (met + breached) if met + breached else None

    def passed(self, target: float) -> bool | None:
        value = self.compliance
        return None if value is None else value >= target

    def percentiles(self) -> dict[str, int | None]:
        done = (self.state == State.MET) | (self.state == State.BREACHED)
        values = self.elapsed[done & (self.elapsed != NAT)]
        if values.size == 0:
            return {"p50": None, "p90": None, "p95": None}
        p = np.percentile(values, [50, 90, 95], method="lower")
        return {"p50": int(p[0]), "p90": int(p[1]), "p95": int(p[2])}


@dataclass
class AuditResult:
    charter: Charter
    tickets: pd.DataFrame  # the audited tickets (after --since/--until)
    source: Tickets
    as_of: int
    outcomes: list[Outcome]
    since: int | None = None
    until: int | None = None
    fail_under: float | None = None
    strict: bool = False
    unknown_values: dict[str, dict[str, int]] = field(default_factory=dict)
    unmatched: int = 0
    unmatched_examples: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    clocks: Clocks | None = None  # the calendars' clocks, for `charter explain`
    # tables the reports derive from this result, built once (see report/common.py)
    cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def target(self, promise: Promise) -> float:
        return self.fail_under if self.fail_under is not None else promise.target

    def promise_passed(self, outcome: Outcome) -> bool | None:
        return outcome.passed(self.target(outcome.promise))

    @property
    def passed(self) -> bool:
        for outcome in self.outcomes:
            verdict = self.promise_passed(outcome)
            if verdict is False or (verdict is None and self.strict):
                return False
        return True


# --- matching -------------------------------------------------------------------------------


def _lookup(names: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """normalised name or alias → charter name."""
    out: dict[str, str] = {}
    for name, aliases in names.items():
        for value in (name, *aliases):
            out.setdefault(normalise(value), name)
    return out


def _match(column: pd.Series, lookup: dict[str, str]) -> tuple[pd.Series, dict[str, int]]:
    """Map raw values to charter names (per distinct value); count the values nobody knows."""
    matched = recode(column, lambda value: lookup.get(normalise(value)))
    unknown_mask = column.notna().to_numpy() & matched.isna().to_numpy()
    unknown = column[unknown_mask].astype(object).value_counts()
    return matched, {str(k): int(v) for k, v in unknown.items()}


def _where_mask(tickets: pd.DataFrame, where: dict[str, tuple[str, ...]]) -> np.ndarray:
    mask = np.ones(len(tickets), dtype=bool)
    for fld, wanted in where.items():
        if fld not in tickets:
            return np.zeros(len(tickets), dtype=bool)
        wanted_norm = {normalise(w) for w in wanted}
        mask &= flags(tickets[fld], lambda value, w=wanted_norm: normalise(value) in w)  # type: ignore[misc]
    return mask


# --- the clocks ---------------------------------------------------------------------------


class Clocks:
    """One BusinessClock per calendar, built once over the audited range."""

    def __init__(self, charter: Charter, lo: int, hi: int, reach: int) -> None:
        self.charter = charter
        self.lo, self.hi, self.reach = lo, hi, reach
        self.built: dict[str, BusinessClock] = {}

    def get(self, name: str) -> BusinessClock:
        if name not in self.built:
            cal = self._calendar(name)
            self.built[name] = BusinessClock.spanning(
                cal, self.lo, self.hi, allowance=self.reach, working_days=self.reach // DAY
            )
        return self.built[name]

    def _calendar(self, name: str) -> Calendar:
        if name == "24/7":
            return Calendar(name="24/7", timezone=self.charter.timezone, always=True)
        return self.charter.calendars[name]


def _calendar_labels(promise: Promise, charter: Charter, channel: pd.Series) -> Labels:
    """The calendar each row's clock runs on: the promise's, else its channel's, else the
    charter's first (computed per distinct channel)."""
    if promise.calendar:
        return Labels(len(channel), promise.calendar)
    default = charter.default_calendar
    by_channel = {name: ch.calendar for name, ch in charter.channels.items()}
    labels = Labels(0)
    labels.codes = per_value(
        channel,
        lambda c: labels.code(by_channel.get(c, default)),
        missing=labels.code(default),
        dtype=np.int32,
    )
    return labels


# --- evaluation ---------------------------------------------------------------------------


def _allowance_s(clock: BusinessClock, start: I64, c0: I64, seconds: I64, days: I64) -> I64:
    """Business seconds each row is allowed from `start`: `seconds`, or where `days` > 0, up to the
    close of the N-th business day after the start day (DESIGN.md §10.1). `c0` is C(start)."""
    if not (days > 0).any():
        return seconds
    by_day = clock.working_days_deadline_s(start, days)
    return np.where(days > 0, clock.elapsed_s(start, by_day, start_business=c0), seconds)


def _window(clock: BusinessClock, start: I64, c0: I64, d: Duration) -> I64:
    """Business seconds from `start` that one duration allows on `clock`."""
    seconds = np.full(start.size, d.seconds, dtype=np.int64)
    return _allowance_s(
        clock, start, c0, seconds, np.full(start.size, d.working_days, dtype=np.int64)
    )


def _allowances(promise: Promise, priority: pd.Series) -> tuple[I64, I64, np.ndarray]:
    """Per-row allowance in seconds or working days, and the rows that have none (computed per
    distinct priority, spread back by category code)."""
    norm = {normalise(k): v for k, v in promise.within.by_priority.items()}
    default = promise.within.default

    def chosen(value: str) -> Duration | None:
        return norm.get(normalise(value), default)

    def seconds_of(d: Duration | None) -> int:
        return NAT if d is None or d.is_working_days else d.seconds

    none = per_value(priority, lambda v: chosen(v) is None, missing=default is None, dtype=bool)
    seconds = per_value(
        priority, lambda v: seconds_of(chosen(v)), missing=seconds_of(default), dtype=np.int64
    )
    days = per_value(
        priority,
        lambda v: 0 if (d := chosen(v)) is None else d.working_days,
        missing=0 if default is None else default.working_days,
        dtype=np.int64,
    )
    return seconds, days, none


def _missing(n: int) -> I64:
    """`n` missing instants, read-only: one shared block of memory, not one per use."""
    values = np.broadcast_to(np.int64(NAT), (n,))
    return values


Rows = np.ndarray | slice  # positions into an outcome's rows, or all of them


class Auditor:
    def __init__(
        self,
        charter: Charter,
        source: Tickets,
        tickets: pd.DataFrame,
        as_of: int,
        as_of_given: bool,
    ) -> None:
        self.as_of_given = as_of_given
        self.charter = charter
        self.source = source
        self.t = tickets
        self.as_of = as_of
        self.missing = set(source.missing_fields)
        self.problems = source.problems
        reach = self._reach()
        instants = [tickets[c].to_numpy() for c in ("created_at", "resolved_at", "due_at")]
        valid = np.concatenate(instants)
        valid = valid[valid != NAT]
        lo = int(valid.min()) if valid.size else as_of
        self.clocks = Clocks(
            charter, lo, max(as_of, int(valid.max()) if valid.size else as_of), reach
        )
        self.levels = {name: i for i, (name, _) in enumerate(charter.levels)}
        self.group_level = {
            normalise(g): i for i, (_, groups) in enumerate(charter.levels) for g in groups
        }

    def _reach(self) -> int:
        """How far past the data deadlines may fall: the largest allowance, in rough seconds."""
        longest = 0
        for p in self.charter.promises:
            durations = [p.within.default, *p.within.by_priority.values()]
            if p.between:
                durations += list(p.between)
            for d in durations:
                if d is not None:
                    longest = max(longest, d.seconds, d.working_days * DAY)
        return longest + 2 * DAY

    # -- helpers --

    def _col(self, name: str, rows: I64) -> I64:
        """A ticket column's values at `rows`; when `rows` is every ticket, the column itself
        (not a copy: callers must not write into it)."""
        values: I64 = self.t[name].to_numpy()
        return values if rows.size == values.size else values[rows]

    def _attr(self, name: str, rows: I64) -> pd.Series:
        """A ticket attribute (text) at `rows`, the whole column when `rows` is every ticket."""
        column: pd.Series = self.t[name]
        return column if rows.size == len(column) else column.iloc[rows]

    def _bad_cells(self, field_name: str, rows: I64) -> tuple[np.ndarray, list[str]]:
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
        has = np.flatnonzero(found.notna().to_numpy())
        return has, [f"{field_name} '{v}' is not a date" for v in found.iloc[has]]

    def _closed_by_as_of(self, rows: I64) -> np.ndarray:
        """Tickets closed or resolved by the as-of time. With no closing timestamp at all, the
        status says so, unless an earlier --as-of was asked for (the status is of today)."""
        closing = np.maximum(self._col("closed_at", rows), self._col("resolved_at", rows))
        by_time = (closing != NAT) & (closing <= self.as_of)
        status = flags(self._attr("status_category", rows), lambda v: v in RESOLVED)
        by_status = status & (closing == NAT) & (not self.as_of_given)
        return np.asarray(by_time | by_status, dtype=bool)

    def _stop_column(self, name: str, rows: I64) -> I64:
        stop = self._col(name, rows)
        if name == "resolved_at":  # resolution falls back to closed_at (DESIGN.md §10.5)
            stop = np.where(stop == NAT, self._col("closed_at", rows), stop)
        late = stop > self.as_of  # facts after as-of are ignored
        if late.any():
            stop = np.where(late, NAT, stop)
        return stop

    # -- one promise --

    def evaluate(self, promise: Promise) -> Outcome:
        mask = _where_mask(self.t, dict(promise.where))
        notes: list[str] = []
        if promise.measure == "due_date":
            mask &= self.t["due_at"].to_numpy() != NAT
        if promise.measure == "follow_up":
            mask &= self._stop_column("resolved_at", np.arange(len(self.t))) != NAT
        rows = np.flatnonzero(mask).astype(np.int64)
        calendar = _calendar_labels(promise, self.charter, self._attr("channel", rows))
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
            reason=Labels(n),
            calendar=calendar,
            notes=notes,
        )
        if n == 0:
            notes.append("no ticket matches this promise")
            return out
        needed = {promise.start_field, promise.stop_field}
        if promise.measure == "escalation":
            needed = {"created_at"}
        lacking = sorted(
            f
            for f in needed
            if f in self.missing and not (f == "resolved_at" and "closed_at" not in self.missing)
        )
        if lacking:
            reason = f"the export has no {' or '.join(lacking)} column"
            out.reason.put(slice(None), reason)
            notes.append(reason)
            return out
        if promise.measure == "due_date":
            self._due_date(out)
        elif promise.measure == "follow_up":
            self._follow_up(out)
        elif promise.measure == "escalation":
            self._escalation(out)
        else:
            self._clocked(out)
        return out

    def _judge(
        self, out: Outcome, where: Rows, stopped: np.ndarray, elapsed: I64, allowed: I64
    ) -> None:
        """met / breached / running of the rows `where` selects, from net elapsed business time
        and the allowance (§10.1); `stopped`, `elapsed` and `allowed` hold those rows only."""
        late = elapsed > allowed
        out.state[where] = np.where(
            late, State.BREACHED, np.where(stopped, State.MET, State.RUNNING)
        )
        out.elapsed[where] = elapsed
        out.allowed[where] = allowed
        out.overdue[where] = np.where(late, elapsed - allowed, np.where(stopped, 0, NAT))

    def _by_calendar(self, out: Outcome, ok: np.ndarray) -> Iterator[tuple[BusinessClock, Rows]]:
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

    def _clocked(self, out: Outcome) -> None:
        p = out.promise
        rows = out.rows
        start = self._col(p.start_field, rows)
        stop = self._stop_column(p.stop_field, rows)
        out.started, out.stopped = start, stop
        seconds, days, no_allowance = _allowances(p, self._attr("priority", rows))
        reason = out.reason
        if no_allowance.any():
            raw = self._attr("priority_raw" if "priority_raw" in self.t else "priority", rows)
            reason.put_by_value(
                no_allowance,
                raw,
                lambda v: f"no allowance for priority '{v}'",
                "the ticket has no priority",
            )
        missing_start = start == NAT
        if missing_start.any():
            at, texts = self._bad_cells(p.start_field, rows)
            bad_start = np.zeros(rows.size, dtype=bool)
            bad_start[at] = True
            reason.fill(missing_start & ~bad_start, f"no {p.start_field}")
            keep = reason.none[at]
            reason.put_each(at[keep], [t for t, k in zip(texts, keep, strict=True) if k])
        at, texts = self._bad_cells(p.stop_field, rows)
        keep = reason.none[at]
        reason.put_each(at[keep], [t for t, k in zip(texts, keep, strict=True) if k])
        reason.fill(
            (stop != NAT) & (stop < start),
            f"{p.stop_field} is before {p.start_field}: a data error",
        )
        if p.start_field == "created_at" and p.stop_field in (
            "first_response_at",
            "acknowledged_at",
        ):
            label = "reply" if p.stop_field == "first_response_at" else "acknowledgement"
            unstopped = reason.none & (stop == NAT)
            if unstopped.any():
                reason.fill(unstopped & self._closed_by_as_of(rows), f"closed without {label}")
        if p.start_field != "created_at":
            reason.fill(start > self.as_of, f"{p.start_field} is after the as-of time")
        ok = reason.none
        if not ok.any():
            return
        stopped = stop != NAT
        until = np.where(stopped, stop, self.as_of)
        paused = self._paused(out, rows, start, until, ok)
        for clock, sel in self._by_calendar(out, ok):
            begin = start[sel]
            c0 = clock.business_s(begin)
            elapsed = clock.elapsed_s(begin, until[sel], start_business=c0)
            allow = _allowance_s(clock, begin, c0, seconds[sel], days[sel])
            extended = allow
            if paused is not None:
                pause = paused[sel]
                elapsed -= pause
                extended = allow + pause
            out.deadline[sel] = clock.deadline_s(begin, extended, start_business=c0)
            self._judge(out, sel, stopped[sel], elapsed, allow)

    def _paused(
        self, out: Outcome, rows: I64, start: I64, until: I64, ok: np.ndarray
    ) -> I64 | None:
        """Business seconds each row spent paused (None: nothing to subtract)."""
        p = out.promise
        if not p.pause_when:
            return None
        events = self.source.events
        if events is None or events.empty:
            out.notes.append(
                "pause_when needs status history (an event log or --events); no pauses subtracted"
            )
            return None
        paused = np.zeros(rows.size, dtype=np.int64)
        wanted = {normalise(s) for s in p.pause_when}
        ev = events.sort_values(["ticket_id", "at"], kind="stable")
        same_next = ev["ticket_id"].to_numpy(dtype=object)
        at = ev["at"].to_numpy()
        next_at = np.concatenate((at[1:], [NAT]))
        last = np.concatenate((same_next[1:] != same_next[:-1], [True]))
        next_at[last] = NAT  # the last status lasts until the clock stops
        is_pause = flags(ev["category"], lambda v: normalise(v) in wanted) | flags(
            ev["status"], lambda v: normalise(v) in wanted
        )
        position = pd.Index(self.t["ticket_id"].to_numpy(dtype=object)[rows]).get_indexer(
            same_next[is_pause]
        )
        keep = position >= 0
        if not keep.any():
            return paused
        ticket = position[keep].astype(np.int64)
        p_start, p_stop = at[is_pause][keep], next_at[is_pause][keep]
        for clock, where in self._by_calendar(out, ok):
            in_cal = np.zeros(rows.size, dtype=bool)
            in_cal[where] = True
            sel = in_cal[ticket]
            if not sel.any():
                continue
            part = clock.paused_s(ticket[sel], p_start[sel], p_stop[sel], start, until)
            paused = np.where(in_cal, part, paused)
        return paused

    def _due_date(self, out: Outcome) -> None:
        rows = out.rows
        created = self._col("created_at", rows)
        due = self._col("due_at", rows)
        resolved = self._stop_column("resolved_at", rows)
        out.started, out.stopped = created, resolved
        out.deadline[:] = due
        out.reason.put_each(*self._bad_cells("due_at", rows))
        backwards = (resolved != NAT) & (resolved < created)
        out.reason.fill(backwards, "resolved_at is before created_at: a data error")
        ok = out.reason.none
        stopped = resolved != NAT
        until = np.where(stopped, resolved, self.as_of)
        # a promised date is a wall-clock promise: late by the clock on the wall
        self._judge(out, ok, stopped[ok], (until - created)[ok], (due - created)[ok])

    def _follow_up(self, out: Outcome) -> None:
        p = out.promise
        assert p.between is not None
        rows = out.rows
        resolved = self._stop_column("resolved_at", rows)
        follow = self._col("follow_up_at", rows)
        follow = np.where(follow > self.as_of, NAT, follow)
        out.started, out.stopped = resolved, follow
        out.reason.put_each(*self._bad_cells("follow_up_at", rows))
        ok = out.reason.none
        stopped = follow != NAT
        low, high = p.between
        for clock, sel in self._by_calendar(out, ok):
            c0 = clock.business_s(resolved[sel])
            until = np.where(stopped[sel], follow[sel], self.as_of)
            elapsed = clock.elapsed_s(resolved[sel], until, start_business=c0)
            lo = _window(clock, resolved[sel], c0, low)
            hi = _window(clock, resolved[sel], c0, high)
            out.deadline[sel] = clock.deadline_s(resolved[sel], hi, start_business=c0)
            self._judge(out, sel, stopped[sel], elapsed, hi)
            early = np.zeros(rows.size, dtype=bool)
            early[sel] = stopped[sel] & (elapsed < lo)
            out.state[early] = State.BREACHED
            out.overdue[early] = 0
            out.reason.put(early, "followed up too early")

    def _escalation(self, out: Outcome) -> None:
        p = out.promise
        rows = out.rows
        target = self.levels.get(p.escalate_to or "", 0)
        created = self._col("created_at", rows)
        resolved = self._stop_column("resolved_at", rows)
        reached = self._reached(rows, target)
        if reached is None:
            reason = (
                "no escalation history (escalated_at with escalation_level, or events with groups)"
            )
            out.reason.put(slice(None), reason)
            out.notes.append(reason)
            return
        out.started = created
        out.stopped = np.full(rows.size, NAT, dtype=np.int64)
        seconds, days, no_allowance = _allowances(p, self._attr("priority", rows))
        out.reason.put(no_allowance, "no escalation threshold for this priority")
        ok = out.reason.none
        for clock, sel in self._by_calendar(out, ok):
            c0 = clock.business_s(created[sel])
            allow = _allowance_s(clock, created[sel], c0, seconds[sel], days[sel])
            # resolved within the threshold: no escalation was needed
            res = resolved[sel]
            res_elapsed = clock.elapsed_s(
                created[sel], np.where(res != NAT, res, self.as_of), start_business=c0
            )
            resolved_in_time = (res != NAT) & (res_elapsed <= allow)
            hit = reached[sel]
            stop = np.where(resolved_in_time, res, hit)
            stopped = stop != NAT
            until = np.where(stopped, stop, np.where(res != NAT, res, self.as_of))
            elapsed = clock.elapsed_s(created[sel], until, start_business=c0)
            # a ticket resolved late without escalation stays breached: its clock ran out
            elapsed = np.where(~stopped & (res != NAT), np.maximum(elapsed, allow + 1), elapsed)
            stopped = stopped | (res != NAT)
            out.stopped[sel] = stop
            out.deadline[sel] = clock.deadline_s(created[sel], allow, start_business=c0)
            self._judge(out, sel, stopped, elapsed, allow)
            never = np.zeros(rows.size, dtype=bool)
            never[sel] = (hit == NAT) & ~resolved_in_time & (elapsed > allow)
            out.reason.put(never, f"not escalated to {p.escalate_to} in time")

    def _reached(self, rows: I64, target: int) -> I64 | None:
        """When each ticket first reached the target level or higher (NAT: never), or None when
        the data says nothing about escalation."""
        n = rows.size
        found = np.full(n, NAT, dtype=np.int64)
        known = False
        if "escalation_level" not in self.missing and "escalated_at" not in self.missing:
            level = self._level_of(self._attr("escalation_level", rows))
            at = self._col("escalated_at", rows)
            hit = (level >= target) & (at != NAT)
            found = np.where(hit, at, found)
            known = True
        events = self.source.events
        if events is not None and not events.empty and events["group"].notna().any():
            known = True
            lvl = self._level_of(events["group"])
            lvl = np.maximum(lvl, self._level_of(events["escalation_level"]))
            ev = events.loc[lvl >= target]
            if not ev.empty:
                first = ev.groupby("ticket_id", sort=False)["at"].min()
                pos = pd.Index(first.index.to_numpy(dtype=object)).get_indexer(
                    self.t["ticket_id"].to_numpy(dtype=object)[rows]
                )
                from_events = np.where(pos >= 0, first.to_numpy()[np.maximum(pos, 0)], NAT)
                found = np.where(
                    (found == NAT) | ((from_events != NAT) & (from_events < found)),
                    from_events,
                    found,
                )
        return found if known else None

    def _level_of(self, values: pd.Series) -> np.ndarray:
        """Level index of group names or level names/numbers (-1 when unknown)."""
        names = {normalise(k): v for k, v in self.levels.items()}

        def level(value: str) -> int:
            key = normalise(value)
            if key in self.group_level:
                return self.group_level[key]
            if key in names:
                return names[key]
            # level 1 is the first level; `isdigit` alone takes '²' (which int() refuses), and
            # twenty digits overflow the int64 table: anything else is an unknown level
            plain = key.isascii() and key.isdigit() and len(key) <= 9
            return int(key) - 1 if plain else -1

        return per_value(values, level, missing=-1, dtype=np.int64)


def default_as_of(source: Tickets) -> int:
    """The latest canonical instant in the data except due dates, and of events (§10.6)."""
    frame = source.frame
    columns = [c for c in TIME_FIELDS if c != "due_at" and c in frame]
    # column by column: stacking them into one 2-D array would copy every instant
    latest = (
        max((int(frame[c].to_numpy().max()) for c in columns), default=NAT) if len(frame) else NAT
    )
    if source.events is not None and len(source.events):
        latest = max(latest, int(source.events["at"].max()))
    return latest


def audit(
    charter: Charter,
    source: Tickets,
    *,
    as_of: int | None = None,
    since: int | None = None,
    until: int | None = None,
    fail_under: float | None = None,
    strict: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
) -> AuditResult:
    """Evaluate every promise of the charter on every ticket it applies to. `progress`, if given,
    hears ("promise", done, total) after each promise."""
    when = as_of if as_of is not None else default_as_of(source)
    frame = source.frame
    keep = np.ones(len(frame), dtype=bool)
    created = frame["created_at"].to_numpy()
    if since is not None:
        keep &= created >= since
    if until is not None:
        keep &= created < until
    keep &= created <= when  # tickets opened after as-of did not exist yet
    # all kept (the usual case): the same columns, not a copy of them; columns added below go
    # to this frame only
    tickets = frame.copy(deep=False) if keep.all() else frame.loc[keep].reset_index(drop=True)
    unknown: dict[str, dict[str, int]] = {}
    channels = _lookup({n: c.match for n, c in charter.channels.items()})
    tickets["channel_raw"] = tickets["channel"]
    tickets["channel"], unknown["channel"] = _match(tickets["channel"], channels)
    if charter.priorities:
        priorities = _lookup({p.name: p.match for p in charter.priorities})
        tickets["priority_raw"] = tickets["priority"]
        tickets["priority"], unknown["priority"] = _match(tickets["priority"], priorities)
    unknown = {k: v for k, v in unknown.items() if v}
    auditor = Auditor(charter, source, tickets, when, as_of is not None)
    outcomes = []
    for done, promise in enumerate(charter.promises, start=1):
        outcomes.append(auditor.evaluate(promise))
        if progress:
            progress(promise.id, done, len(charter.promises))
    covered = np.zeros(len(tickets), dtype=bool)
    for o in outcomes:
        covered[o.rows] = True
    unmatched = np.flatnonzero(~covered)
    notes = []
    if source.missing_fields:
        notes.append("the export has no column for " + ", ".join(source.missing_fields))
    if source.events_unmatched:
        notes.append(
            f"{source.events_unmatched:,} events name tickets the exports do not have: ignored"
        )
    return AuditResult(
        charter=charter,
        tickets=tickets,
        source=source,
        as_of=when,
        outcomes=outcomes,
        since=since,
        until=until,
        fail_under=fail_under,
        strict=strict,
        unknown_values=unknown,
        unmatched=int(unmatched.size),
        unmatched_examples=[str(x) for x in tickets["ticket_id"].iloc[unmatched[:5]]],
        notes=notes,
        clocks=auditor.clocks,
    )


def parse_when(text: str, timezone: str, *, what: str) -> int:
    """`--as-of`/`--since`/`--until`: a date or date-time, read in the charter's zone unless it
    carries an offset."""
    from charter_cli.tickets.timestamps import parse_timestamps

    parsed = parse_timestamps(pd.Series([text], dtype=TEXT), ("iso", "epoch"), timezone)
    seconds = int(parsed.seconds[0])
    if seconds == NAT:
        raise UsageError(
            f"{what} {text!r} is not a date or time (write 2026-10-31 or 2026-10-31T18:00)"
        )
    return seconds


def audit_files(
    charter_path: str,
    files: list[str],
    *,
    profile: str | None = None,
    events: str | None = None,
    as_of: str | None = None,
    since: str | None = None,
    until: str | None = None,
    fail_under: float | None = None,
    strict: bool = False,
    progress: Callable[[str, int], None] | None = None,
    step: Callable[[str, int, int], None] | None = None,
) -> AuditResult:
    """Load the charter, read the exports, audit: the one call behind `charter audit`."""
    from pathlib import Path

    from charter_cli.charter import load_charter
    from charter_cli.tickets.read import read_tickets

    # the charter loads (Python work) while pyarrow parses the exports (no GIL): side by side;
    # a broken charter is still the error reported, whatever the exports hold
    loading = in_background(lambda: load_charter(Path(charter_path)))
    try:
        source = read_tickets(
            [Path(f) for f in files],
            profile=profile,
            timezone=lambda: loading.result().timezone,
            events_file=Path(events) if events else None,
            progress=progress,
        )
    except CharterError:
        loading.result()  # raises the charter's own error first, if it has one
        raise
    charter = loading.result()
    tz = charter.timezone
    start = parse_when(since, tz, what="--since") if since else None
    end = parse_when(until, tz, what="--until") if until else None
    if start is not None and end is not None and start >= end:
        raise UsageError(
            f"--since {since} is not before --until {until}: the period would be empty "
            "(--since is inclusive, --until exclusive)"
        )
    return audit(
        charter,
        source,
        as_of=parse_when(as_of, tz, what="--as-of") if as_of else None,
        since=start,
        until=end,
        fail_under=fail_under,
        strict=strict,
        progress=step,
    )
