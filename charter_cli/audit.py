"""Promises × tickets → what happened: the audit as an orchestrator. It keeps the tickets of the
period, matches their channels and priorities to the charter's names, evaluates every promise in
one `Context` (each by its measure: `charter_cli.measures`) and gathers the result. No loop over
tickets: every measure works on whole columns, grouped by the calendar their clock runs on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial

import numpy as np
import pandas as pd

from charter_cli.charter.model import TIME_FIELDS, Charter, Promise, normalise
from charter_cli.clock import NAT
from charter_cli.coverage import Coverage, coverage
from charter_cli.errors import CharterError, UsageError
from charter_cli.frames import TEXT, few_rows, recode
from charter_cli.measures.context import Clocks, Context
from charter_cli.memory import give_back, roomy
from charter_cli.outcome import STATE_LABELS, Labels, Outcome, State
from charter_cli.progress import Progress
from charter_cli.reconcile import Disagreement, reconcile
from charter_cli.selection import exclusion, exclusion_absent
from charter_cli.tickets.read import Tickets
from charter_cli.workers import in_background, in_order

__all__ = ["STATE_LABELS", "AuditResult", "Labels", "Outcome", "State", "audit", "audit_files"]


@dataclass
class AuditResult:
    charter: Charter
    tickets: pd.DataFrame  # the audited tickets (after --since/--until)
    source: Tickets
    as_of: int
    outcomes: list[Outcome]
    since: int | None = None
    until: int | None = None
    unknown_values: dict[str, dict[str, int]] = field(default_factory=dict)
    unmatched: int = 0
    unmatched_examples: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    reconciliation: list[Disagreement] = field(default_factory=list)  # the vendor's own verdicts
    clocks: Clocks | None = None  # the calendars' clocks, for `charter explain`
    # the tickets the charter's `exclude` drops from every promise (they stay in `tickets`, so a
    # partition's rows keep their place in the whole input)
    excluded: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    coverage: Coverage | None = None

    @property
    def excluded_count(self) -> int:
        return int(self.excluded.sum())


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


def default_as_of(source: Tickets) -> int:
    """The latest canonical instant in the data except due dates, and of events."""
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
    progress: Callable[[str, int, int], None] | None = None,
    as_of_given: bool | None = None,
    clocks: Clocks | None = None,
    min_coverage: float | None = None,
    then: Callable[[Outcome], None] | None = None,
) -> AuditResult:
    """Evaluate every promise of the charter on every ticket it applies to. `progress`, if given,
    hears (promise id, promises done, total) before each promise, and once more when all are
    done. `as_of_given`: whether `as_of` was asked
    for (default: whether it is given), when it comes from the whole input of a partition;
    `clocks`: the whole input's, shared by its partitions. `min_coverage` overrides the
    charter's `coverage`. `then`: done with each outcome in the thread that judged it, as soon
    as it is judged (what the reports count of it, while the other promises are judged)."""
    when = as_of if as_of is not None else default_as_of(source)
    # a shallow copy at least: columns added below go to this frame only
    tickets = in_period(source, when, since, until)
    unknown: dict[str, dict[str, int]] = {}
    channels = _lookup({n: c.match for n, c in charter.channels.items()})
    tickets["channel_raw"] = tickets["channel"]
    tickets["channel"], unknown["channel"] = _match(tickets["channel"], channels)
    if charter.priorities:
        priorities = _lookup({p.name: p.match for p in charter.priorities})
        tickets["priority_raw"] = tickets["priority"]
        tickets["priority"], unknown["priority"] = _match(tickets["priority"], priorities)
    unknown = {k: v for k, v in unknown.items() if v}
    given = as_of is not None if as_of_given is None else as_of_given
    excluded = exclusion(tickets, charter, source.fields)
    auditor = Context(charter, source, tickets, when, given, clocks, excluded)
    outcomes = []
    total = len(charter.promises)
    # two promises at a time: much of a promise's work holds the GIL (pandas, small arrays) and
    # would leave the second core idle (8 promises on a million tickets: 0.45 -> 0.30 s,
    # benchmarks/README.md); one at a time above 1 GB resident, where two promises' arrays
    # would make the peak. Those that read the history event by event start first, the others
    # beside them as each is done; told in order, each as the one before it is done
    tasks = [partial(_judged, auditor, promise, then) for promise in charter.promises]
    longest = [k for k, promise in enumerate(charter.promises) if auditor.walks_history(promise)]
    evaluated = in_order(tasks, beside=roomy, first=longest)
    try:
        for done, promise in enumerate(charter.promises):
            if progress:
                progress(promise.id, done, total)
            outcomes.append(next(evaluated))
    finally:
        evaluated.close()  # after a failure, the promises not started are not
    if progress and total:
        progress(charter.promises[-1].id, total, total)
    covered = np.zeros(len(tickets), dtype=bool)
    for o in outcomes:
        covered[o.rows] = True
    unmatched = np.flatnonzero(~covered & ~excluded.dropped)
    minimum = min_coverage if min_coverage is not None else charter.coverage
    return AuditResult(
        charter=charter,
        tickets=tickets,
        source=source,
        as_of=when,
        outcomes=outcomes,
        since=since,
        until=until,
        unknown_values=unknown,
        unmatched=int(unmatched.size),
        unmatched_examples=[str(x) for x in few_rows(tickets["ticket_id"], unmatched[:5])],
        notes=source_notes(source, charter),
        reconciliation=reconcile(outcomes, tickets, source.checks),
        clocks=auditor.clocks,
        excluded=excluded.dropped,
        coverage=coverage(tickets, covered, ~excluded.dropped, minimum),
    )


def _judged(auditor: Context, promise: Promise, then: Callable[[Outcome], None] | None) -> Outcome:
    """One promise judged, `then` done with it, and what it freed given back as soon as it is
    done (not when its turn comes to be told: a promise started first and told later would
    otherwise leave its memory to the next one's peak)."""
    outcome = auditor.evaluate(promise)
    if then is not None:
        then(outcome)
    give_back()
    return outcome


def source_notes(source: Tickets, charter: Charter) -> list[str]:
    """What the import noticed, for every report (a ticket's zone only where a calendar reads
    it)."""
    notes = list(source.notes)
    absent = exclusion_absent(charter, source.fields)
    if absent:
        notes.append(
            f"the charter excludes tickets by {', '.join(absent)}, which the export does not "
            "have: the tickets it may exclude are not measurable"
        )
    lacking = [f for f in source.lacking if f != "timezone" or charter.reads_ticket_zones]
    if lacking:  # mapped by the profile, not in the export: absent, said once
        notes.append("the export has no column for " + ", ".join(sorted(lacking)))
    if source.events_unmatched:
        notes.append(
            f"{source.events_unmatched:,} events name tickets the exports do not have: ignored"
        )
    return notes


def in_period(source: Tickets, when: int, since: int | None, until: int | None) -> pd.DataFrame:
    """The tickets of the period: created in [since, until) and by `when` (a ticket opened after
    as-of did not exist yet); all of them (the usual case) without a copy."""
    frame = source.frame
    keep = period_mask(frame, when, since, until)
    return frame.copy(deep=False) if keep.all() else frame.loc[keep].reset_index(drop=True)


def period_mask(
    tickets: pd.DataFrame, when: int | None, since: int | None, until: int | None
) -> np.ndarray:
    """Which tickets are of the period: created in [since, until), and by `when`."""
    created = tickets["created_at"].to_numpy()
    keep = np.ones(created.size, dtype=bool)
    if when is not None:
        keep &= created <= when
    if since is not None:
        keep &= created >= since
    if until is not None:
        keep &= created < until
    return keep


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


def period_of(
    timezone: str, as_of: str | None, since: str | None, until: str | None
) -> tuple[int | None, int | None, int | None]:
    """--as-of, --since and --until as UTC seconds (read in the charter's zone)."""
    start = parse_when(since, timezone, what="--since") if since else None
    end = parse_when(until, timezone, what="--until") if until else None
    if start is not None and end is not None and start >= end:
        raise UsageError(
            f"--since {since} is not before --until {until}: the period would be empty "
            "(--since is inclusive, --until exclusive)"
        )
    when = parse_when(as_of, timezone, what="--as-of") if as_of else None
    return when, start, end


@dataclass
class Inputs:
    """A charter and its exports, read, with the period asked for (UTC seconds)."""

    charter: Charter
    source: Tickets
    as_of: int | None = None
    since: int | None = None
    until: int | None = None


def read_inputs(
    charter_path: str,
    files: list[str],
    *,
    profile: str | None = None,
    events: str | Sequence[str] | None = None,
    as_of: str | None = None,
    since: str | None = None,
    until: str | None = None,
    progress: Progress | None = None,
    order: str | None = None,
    input_tz: str | None = None,
) -> Inputs:
    """Load the charter and read the exports. `files`, `events`, `progress`, `order` and
    `input_tz`: as for `read_tickets`."""
    from pathlib import Path

    from charter_cli.charter import load_charter
    from charter_cli.tickets.read import read_tickets

    # the charter loads (Python work) while pyarrow parses the exports (no GIL): side by side;
    # a broken charter is still the error reported, whatever the exports hold
    loading = in_background(lambda: load_charter(Path(charter_path)))
    try:
        source = read_tickets(
            files,
            profile=profile,
            timezone=lambda: loading.result().timezone,
            events_file=events or None,
            progress=progress,
            order=order,
            input_tz=input_tz,
        )
    except CharterError:
        loading.result()  # raises the charter's own error first, if it has one
        raise
    charter = loading.result()
    when, start, end = period_of(charter.timezone, as_of, since, until)
    return Inputs(charter, source, when, start, end)


def audit_files(
    charter_path: str,
    files: list[str],
    *,
    profile: str | None = None,
    events: str | Sequence[str] | None = None,
    as_of: str | None = None,
    since: str | None = None,
    until: str | None = None,
    progress: Progress | None = None,
    step: Callable[[str, int, int], None] | None = None,
    order: str | None = None,
    input_tz: str | None = None,
    min_coverage: float | None = None,
) -> AuditResult:
    """Load the charter, read the exports, audit every ticket in one piece (what `explain` and
    the tests look into); `charter audit` reduces partitions instead (`charter_cli.partition`)."""
    inputs = read_inputs(
        charter_path,
        files,
        profile=profile,
        events=events,
        as_of=as_of,
        since=since,
        until=until,
        progress=progress,
        order=order,
        input_tz=input_tz,
    )
    return audit(
        inputs.charter,
        inputs.source,
        as_of=inputs.as_of,
        since=inputs.since,
        until=inputs.until,
        progress=step,
        min_coverage=min_coverage,
    )
