"""The timeline of one ticket under every promise: what a manager shows a customer in a dispute.

Works on an `AuditResult`, so the verdicts are exactly the audit's; for the one ticket asked about
it also lists the open intervals each clock counted and the closed days it skipped (a loop over
that ticket's intervals, never over tickets).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

import numpy as np

from charter_cli.audit import AuditResult, Outcome, State
from charter_cli.charter.model import TIME_FIELDS, Promise
from charter_cli.charter.selectors import describe
from charter_cli.clock import NAT, BusinessClock
from charter_cli.errors import UsageError
from charter_cli.measures import measure_of
from charter_cli.measures.messages import Messages

MAX_INTERVALS = 40  # a ticket open for months would list hundreds: show the first and last


@dataclass(frozen=True)
class Span:
    start: datetime  # local
    stop: datetime
    seconds: int
    status: str | None = None  # for a pause: the status that caused it


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
    counted: list[Span] = field(default_factory=list)
    counted_more: int = 0
    paused: list[Span] = field(default_factory=list)
    skipped_days: list[tuple[date, str]] = field(default_factory=list)
    day_seconds: int | None = None  # its calendar's working day (None: wall-clock time)
    instance: int | None = None  # which instance, when the promise measures the ticket often
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
    return Story(
        ticket_id,
        attributes,
        facts,
        result.charter.timezone,
        stories,
        as_of,
        tuple(result.source.notes),
    )


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
    return [
        _story(result, outcome, int(i), zone, int(outcome.instances()[i]) if several else None)
        for i in hit
    ]


def _story(
    result: AuditResult, outcome: Outcome, i: int, zone: ZoneInfo, instance: int | None
) -> PromiseStory:
    promise = outcome.promise
    row = int(outcome.rows[i])
    measure = measure_of(promise.measure)
    state = State(int(outcome.state[i])).label
    calendar = str(outcome.calendar[i])
    start, stop = int(outcome.started[i]), int(outcome.stopped[i])
    resolved = int(result.tickets["resolved_at"].iloc[row])
    stop = measure.counted_until(stop, resolved, result.as_of)
    counted: list[Span] = []
    more = 0
    skipped: list[tuple[date, str]] = []
    paused: list[Span] = []
    if state != "unmeasurable" and start != NAT and measure.counts_intervals:
        clock = result_clock(result, calendar)
        until = stop if stop != NAT else result.as_of
        if clock is not None and until >= start:
            spans = [
                (max(int(o), start), min(int(c), until))
                for o, c in zip(clock.opens, clock.closes, strict=True)
                if c > start and o < until
            ]
            for o, c in spans[: MAX_INTERVALS // 2] + (
                spans[-MAX_INTERVALS // 2 :]
                if len(spans) > MAX_INTERVALS
                else spans[MAX_INTERVALS // 2 :]
            ):
                a, b = _local(o, zone), _local(c, zone)
                assert a is not None and b is not None
                counted.append(Span(a, b, c - o))
            more = max(0, len(spans) - MAX_INTERVALS)
            first_day = _local(start, zone)
            last_day = _local(until, zone)
            assert first_day is not None and last_day is not None
            skipped = sorted(
                (d, name + (" (short day)" if d in clock.short_days else ""))
                for d, name in clock.holidays.items()
                if first_day.date() <= d <= last_day.date()
            )
            paused = _pauses(outcome, i, start, until, zone)
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
        counted_more=more,
        day_seconds=measure.business_day(result.charter, promise, calendar),
        paused=paused,
        skipped_days=skipped,
        instance=instance,
        ends=_ends(result, outcome, i, zone),
    )


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
    rows, starts, stops, statuses = outcome.pauses
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
