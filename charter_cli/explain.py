"""The timeline of one ticket under every promise: what a manager shows a customer in a dispute.

Works on an `AuditResult`, so the verdicts are exactly the audit's; for the one ticket asked about
it also lists its status and group history (from the events), the open intervals each clock
counted, the pauses with the status that caused them, the closed days it skipped, and for a
promise measured several times (`reopens: each`, `group_time`) what started and stopped each
instance (a loop over that ticket's intervals, never over tickets).

Long tickets skip where nothing happens, at the place they skip: of the open intervals a clock
counted, the days something happens on are kept (the clock's start, stop and deadline, a status
or group change, a pause beginning or ending) with the first and last `EDGE` intervals; a run
of more than `QUIET` intervals between them becomes one line, `… 12 days not shown …`, counting
the calendar days between the lines shown. A history longer than `HISTORY` lines keeps its first
and last `HISTORY // 2` changes, with the same line between them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from charter_cli.audit import AuditResult, Outcome, State
from charter_cli.charter.model import TIME_FIELDS, Promise, normalise
from charter_cli.charter.selectors import describe
from charter_cli.clock import NAT, BusinessClock
from charter_cli.errors import UsageError
from charter_cli.measures import measure_of
from charter_cli.measures.history import given
from charter_cli.measures.messages import Messages
from charter_cli.tickets.columns import RESOLVED

EDGE = 2  # the open intervals always shown at each end of a clock
QUIET = 5  # more intervals than this with nothing happening collapse into one line
HISTORY = 40  # status and group changes shown at most (the first and last half)


@dataclass(frozen=True)
class Span:
    start: datetime  # local
    stop: datetime
    seconds: int
    status: str | None = None  # for a pause: the status that caused it


@dataclass(frozen=True)
class Gap:
    """Lines left out where nothing happens: the calendar days between the lines shown."""

    days: int


@dataclass(frozen=True)
class Change:
    """A status or group change from the events (None: that one did not change)."""

    when: datetime  # local
    status: str | None
    group: str | None


@dataclass(frozen=True)
class PromiseStory:
    promise: Promise
    applies: bool
    why_not: str | None = None
    state: str | None = None
    reason: str | None = None
    calendar: str | None = None
    started: datetime | None = None
    stopped: datetime | None = None
    deadline: datetime | None = None
    elapsed: int | None = None
    allowed: int | None = None
    overdue: int | None = None
    counted: list[Span | Gap] = field(default_factory=list)  # open intervals, gaps in place
    paused: list[Span] = field(default_factory=list)
    skipped_days: list[tuple[date, str]] = field(default_factory=list)
    day_seconds: int | None = None  # its calendar's working day (None: wall-clock time)
    instance: int | None = None  # which instance, when the promise measures the ticket often
    began: str | None = None  # what started this instance (`reopened`, `Andre linje took it`)
    ended: str | None = None  # what stopped it (`resolved`, `passed to Første linje`)
    # the messages that started and stopped it (conversation measures): what, when, more
    ends: list[tuple[str, datetime, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Story:
    ticket_id: str
    attributes: dict[str, str]
    facts: list[tuple[str, datetime]]  # canonical timestamps, local time, in order
    timezone: str
    stories: list[PromiseStory]
    as_of: datetime
    notes: tuple[str, ...] = ()  # how the import read the exports (day and month order)
    history: list[Change | Gap] = field(default_factory=list)  # status and group changes


def _local(seconds: int, zone: ZoneInfo) -> datetime | None:
    if seconds == NAT:
        return None
    return datetime.fromtimestamp(int(seconds), zone)


def explain(result: AuditResult, ticket_id: str) -> Story:
    """The story of one ticket; `UsageError` when the ticket is not in the audited data."""
    tickets = result.tickets
    matches = np.flatnonzero((tickets["ticket_id"] == ticket_id).fillna(False).to_numpy(dtype=bool))
    if matches.size == 0:
        some = ", ".join(str(x) for x in tickets["ticket_id"].head(3))
        raise UsageError(f"ticket {ticket_id!r} is not in the audited tickets (e.g. {some})")
    row = int(matches[0])
    if result.excluded.size and bool(result.excluded[row]):
        raise UsageError(
            f"ticket {ticket_id!r} is excluded by the charter's `exclude`: it counts for no promise"
        )
    zone = ZoneInfo(result.charter.timezone)
    record = tickets.iloc[row]
    attributes = {
        k: str(record[k])
        for k in (
            "subject",
            "channel",
            "channel_raw",
            "priority",
            "priority_raw",
            "status",
            "group",
            "assignee",
            "type",
        )
        if k in record and record[k] is not None and str(record[k]) not in ("<NA>", "nan", "")
    }
    for name in ("channel", "priority"):  # the export's spelling only where it differs
        if attributes.get(f"{name}_raw") == attributes.get(name):
            attributes.pop(f"{name}_raw", None)
    facts = []
    instants = {name: int(record[name]) for name in TIME_FIELDS}
    events = result.source.events
    if result.source.has_messages and events is not None:  # the first public agent message
        own = events.loc[(events["ticket_id"] == ticket_id).fillna(False).to_numpy(dtype=bool)]
        ids = tickets["ticket_id"].iloc[[row]].reset_index(drop=True)
        given = np.array([instants["first_response_at"]], dtype=np.int64)
        instants["first_response_at"] = int(Messages(own, ids).first_responses(given)[0])
    for name in TIME_FIELDS:
        when = _local(instants[name], zone)
        if when is not None:
            facts.append((name, when))
    facts.sort(key=lambda f: f[1])
    stories = [
        story
        for outcome_index in range(len(result.outcomes))
        for story in _stories(result, outcome_index, row, zone)
    ]
    as_of = _local(result.as_of, zone)
    assert as_of is not None
    history = _history(result, ticket_id)
    shown: list[Change | Gap] = _thinned(
        [Change(w, s, g) for w, s, g in _changes(history, zone)], HISTORY
    )
    return Story(
        ticket_id,
        attributes,
        facts,
        result.charter.timezone,
        stories,
        as_of,
        tuple(result.source.notes),
        shown,
    )


def _history(result: AuditResult, ticket_id: str) -> pd.DataFrame:
    """The ticket's events at or before as-of, in time order (empty: none)."""
    events = result.source.events
    if events is None or events.empty:
        return pd.DataFrame({"at": [], "status": [], "category": [], "group": []})
    mine = (events["ticket_id"] == ticket_id).fillna(False).to_numpy(dtype=bool)
    mine &= events["at"].to_numpy() <= result.as_of
    own = events.loc[mine, ["at", "status", "category", "group"]].astype(
        {"status": object, "category": object, "group": object}
    )
    return own.sort_values("at", kind="stable").reset_index(drop=True)


def _changes(
    history: pd.DataFrame, zone: ZoneInfo
) -> list[tuple[datetime, str | None, str | None]]:
    """The status and group changes of one ticket's events (a row repeating what holds is
    none): (local instant, new status or None, new group or None)."""
    out = []
    status: str | None = None
    group: str | None = None
    has_status = given(history["status"])
    has_group = given(history["group"])
    for k, at in enumerate(history["at"].to_numpy()):
        s = str(history["status"].iat[k]) if has_status[k] else None
        g = str(history["group"].iat[k]) if has_group[k] else None
        new_s = s if s is not None and s != status else None
        new_g = g if g is not None and (group is None or normalise(g) != normalise(group)) else None
        status, group = s or status, g or group
        when = _local(int(at), zone)
        if (new_s or new_g) and when is not None:
            out.append((when, new_s, new_g))
    return out


T = TypeVar("T")


def _thinned(items: Sequence[T], most: int) -> list[T | Gap]:
    """At most `most` items: the first and last half, and where they part, the calendar days
    between them not shown."""
    if len(items) <= most:
        return list(items)
    head, tail = list(items[: most // 2]), list(items[-(most // 2) :])
    return [*head, Gap(_days_between(_day(head[-1]), _day(tail[0]))), *tail]


def _day(item: object) -> date:
    when = item.when if isinstance(item, Change) else item.start  # type: ignore[attr-defined]
    assert isinstance(when, datetime)
    return when.date()


def _days_between(a: date, b: date) -> int:
    """The calendar days strictly between two shown days."""
    return max(0, (b - a).days - 1)


def _quiet_thinned(spans: list[Span], busy: set[date]) -> list[Span | Gap]:
    """The open intervals with the days nothing happens on left out (`EDGE`, `QUIET`)."""
    keep = [
        k < EDGE or k >= len(spans) - EDGE or span.start.date() in busy
        for k, span in enumerate(spans)
    ]
    out: list[Span | Gap] = []
    k = 0
    while k < len(spans):
        if keep[k]:
            out.append(spans[k])
            k += 1
            continue
        end = k
        while end < len(spans) and not keep[end]:
            end += 1
        if end - k > QUIET:  # the run k..end-1 is left out, between two shown intervals
            out.append(Gap(_days_between(spans[k - 1].start.date(), spans[end].start.date())))
        else:
            out.extend(spans[k:end])
        k = end
    return out


def _scope_text(promise: Promise) -> str:
    """The promise's filter as `explain` says it: `channel chat; tags not spam`, its dates in
    force, and its policy (the first matching promise of the group takes a ticket)."""
    parts = [describe(promise.selector)] if promise.selector else []
    span = promise.in_force
    if span is not None and (span.start or span.end):
        dates = " and ".join(
            ([f"on or after {span.start}"] if span.start else [])
            + ([f"before {span.end}"] if span.end else [])
        )
        parts.append(f"a clock starting {dates}")
    if promise.policy:
        parts.append(f"no earlier promise of policy {promise.policy!r} matching")
    return "; ".join(parts)


def _stories(result: AuditResult, index: int, row: int, zone: ZoneInfo) -> list[PromiseStory]:
    """The ticket under one promise: one story per instance (a reopened ticket under
    `reopens: each` has one per cycle)."""
    outcome = result.outcomes[index]
    promise = outcome.promise
    hit = np.flatnonzero(outcome.rows == row)
    if hit.size == 0:
        measure = measure_of(promise.measure)
        return [
            PromiseStory(
                promise,
                applies=False,
                why_not=measure.not_applicable(promise, _scope_text(promise)),
            )
        ]
    several = outcome.instance is not None
    history = _history(result, str(result.tickets["ticket_id"].iloc[row]))
    return [
        _story(
            result, outcome, int(i), zone, int(outcome.instances()[i]) if several else None, history
        )
        for i in hit
    ]


def _story(
    result: AuditResult,
    outcome: Outcome,
    i: int,
    zone: ZoneInfo,
    instance: int | None,
    history: pd.DataFrame,
) -> PromiseStory:
    promise = outcome.promise
    row = int(outcome.rows[i])
    measure = measure_of(promise.measure)
    state = State(int(outcome.state[i])).label
    calendar = str(outcome.calendar[i])
    start, stop = int(outcome.started[i]), int(outcome.stopped[i])
    resolved = int(result.tickets["resolved_at"].iloc[row])
    stop = measure.counted_until(stop, resolved, result.as_of)
    counted: list[Span | Gap] = []
    skipped: list[tuple[date, str]] = []
    paused: list[Span] = []
    if state != "unmeasurable" and start != NAT and measure.counts_intervals:
        clock = result_clock(result, calendar)
        until = stop if stop != NAT else result.as_of
        if clock is not None and until >= start:
            spans = []
            for o, c in zip(clock.opens, clock.closes, strict=True):
                if c > start and o < until:
                    lo, hi = max(int(o), start), min(int(c), until)
                    a, b = _local(lo, zone), _local(hi, zone)
                    assert a is not None and b is not None
                    spans.append(Span(a, b, hi - lo))
            first_day = _local(start, zone)
            last_day = _local(until, zone)
            assert first_day is not None and last_day is not None
            skipped = sorted(
                (d, name + (" (short day)" if d in clock.short_days else ""))
                for d, name in clock.holidays.items()
                if first_day.date() <= d <= last_day.date()
            )
            paused = _pauses(outcome, i, start, until, zone)
            # the days something happens on: the clock's ends and deadline, the ticket's
            # changes, the pauses' ends
            busy = {first_day.date(), last_day.date()}
            deadline = _local(int(outcome.deadline[i]), zone)
            if deadline is not None:
                busy.add(deadline.date())
            busy |= {w.date() for w, _, _ in _changes(history, zone)}
            busy |= {d for span in paused for d in (span.start.date(), span.stop.date())}
            counted = _quiet_thinned(spans, busy)
    began, ended = _instance_ends(result, outcome, i, history)
    return PromiseStory(
        promise,
        applies=True,
        state=state,
        reason=outcome.reason[i],
        calendar=calendar,
        started=_local(start, zone),
        stopped=_local(stop, zone),
        deadline=_local(int(outcome.deadline[i]), zone),
        elapsed=None if outcome.elapsed[i] == NAT else int(outcome.elapsed[i]),
        allowed=None if outcome.allowed[i] == NAT else int(outcome.allowed[i]),
        overdue=None if outcome.overdue[i] == NAT else int(outcome.overdue[i]),
        counted=counted,
        day_seconds=measure.business_day(result.charter, promise, calendar),
        paused=paused,
        skipped_days=skipped,
        instance=instance,
        began=began,
        ended=ended,
        ends=_ends(result, outcome, i, zone),
    )


# --- what started and stopped an instance ---------------------------------------------------
# One small function per kind of instance, (result, outcome, row of the outcome, the ticket's
# events) → (what started it, what stopped it), None where there is nothing to say. The
# instances of message measures (`next_reply`, `periodic_update`: the messages that started and
# stopped each) get a function here, registered in `INSTANCE_ENDS` by the measure's name.

Ends = tuple[str | None, str | None]
InstanceEnds = Callable[[AuditResult, Outcome, int, pd.DataFrame], Ends]


def _group_ends(result: AuditResult, outcome: Outcome, i: int, history: pd.DataFrame) -> Ends:
    """`group_time`: the group took the ticket (at creation, a handover or a reopen), and
    passed it on or saw it resolved."""
    assert outcome.held is not None
    group = str(outcome.held[i])
    start, stop = int(outcome.started[i]), int(outcome.stopped[i])
    row = int(outcome.rows[i])
    created = int(result.tickets["created_at"].iloc[row])
    at = history["at"].to_numpy()
    resolved = pd.Series(history["category"]).isin(RESOLVED).to_numpy(dtype=bool)
    before = np.flatnonzero((at < start) & given(history["status"]))
    if start == created:
        began = f"{group} had the ticket from its creation"
    elif before.size and resolved[before[-1]]:
        began = f"reopened while {group} had the ticket"
    else:
        began = f"{group} took the ticket"
    if stop == NAT:
        return began, None
    now = np.flatnonzero((at <= stop) & given(history["group"]))
    after = str(history["group"].iat[now[-1]]) if now.size else group
    if normalise(after) != normalise(group):
        return began, f"passed to {after}"
    return began, "resolved"


def _cycle_ends(result: AuditResult, outcome: Outcome, i: int, history: pd.DataFrame) -> Ends:
    """`reopens: each`: a cycle runs from the creation or a reopen to the next resolution."""
    first = int(outcome.instances()[i]) == 1
    return ("created" if first else "reopened"), (None if outcome.stopped[i] == NAT else "resolved")


INSTANCE_ENDS: dict[str, InstanceEnds] = {"group_time": _group_ends}


def _instance_ends(result: AuditResult, outcome: Outcome, i: int, history: pd.DataFrame) -> Ends:
    """What started and stopped row `i` of a promise measured several times per ticket."""
    if outcome.instance is None:
        return None, None
    told = INSTANCE_ENDS.get(outcome.promise.measure)
    if told is not None:
        return told(result, outcome, i, history)
    if outcome.promise.reopens == "each":
        return _cycle_ends(result, outcome, i, history)
    return None, None


def _ends(
    result: AuditResult, outcome: Outcome, i: int, zone: ZoneInfo
) -> list[tuple[str, datetime, str]]:
    """What started and stopped row `i` of the outcome, in local time (`Measure.ends`)."""
    told = measure_of(outcome.promise.measure).ends(result, outcome, i)
    return [(what, moment, more) for what, t, more in told if (moment := _local(t, zone))]


def result_clock(result: AuditResult, calendar: str) -> BusinessClock | None:
    """The clock the audit built for a calendar (None when it built none)."""
    return None if result.clocks is None else result.clocks.get(calendar)


def _pauses(outcome: Outcome, i: int, start: int, until: int, zone: ZoneInfo) -> list[Span]:
    """The paused intervals the audit subtracted for row `i` of the outcome, clipped to the part
    of the clock shown."""
    if outcome.pauses is None:
        return []
    rows, starts, stops, statuses = outcome.pauses()
    mine = np.flatnonzero(rows == i)
    spans = []
    for k in mine[np.argsort(starts[mine], kind="stable")]:  # one ticket's pauses only
        begin = max(int(starts[k]), start)
        end = min(until if stops[k] == NAT else int(stops[k]), until)
        if end > begin:
            a, b = _local(begin, zone), _local(end, zone)
            assert a is not None and b is not None
            spans.append(Span(a, b, end - begin, str(statuses[k])))
    return spans
