"""An audit reduced to what the reports show, and the reduction of partitions into one.

An audit is a reduction over partitions of the tickets (`charter_cli.partition`): each partition
is audited alone (`charter_cli.audit.audit`) and reduced here to a `Piece`: per promise the counts
by state, the sorted elapsed times of the stopped instances, the reasons, the notes; the
breakdowns asked for as counts; the worst breaches of the partition; the per-ticket CSV lines with
each ticket's row number in the whole input. `merge` adds pieces up into the `Summary` every
report reads: counts add, percentiles come from the merged sorted elapsed arrays (exact), the
worst breaches are the worst of the partitions' worst, the CSV lines are put back in input order.
One partition or sixteen, in this process or on a cluster: the same summary, byte for byte in
every report.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa

from charter_cli.clock import NAT
from charter_cli.coverage import Coverage, from_counts
from charter_cli.frames import categorical, few_rows
from charter_cli.history import History, merge_history, reduce_history
from charter_cli.measures import measure_of
from charter_cli.outcome import STATE_LABELS, Compliance, Counted, Outcome, State
from charter_cli.selection import ticket_key

if TYPE_CHECKING:
    from charter_cli.audit import AuditResult
    from charter_cli.charter.model import Charter, Promise
    from charter_cli.measures.history import Timeline
    from charter_cli.reconcile import Disagreement
    from charter_cli.tickets.read import Tickets

CSV_COLUMNS = [
    "ticket_id", "promise", "state", "started_at", "stopped_at", "deadline_at", "elapsed_seconds",
    "allowed_seconds", "overdue_seconds", "channel", "priority", "group", "assignee", "reason",
    "used", "instance",
]  # fmt: skip
Run = tuple[np.ndarray, np.ndarray, pa.ChunkedArray]  # CSV lines: rows, instances, the lines
STATE_DTYPE = pd.CategoricalDtype(list(STATE_LABELS))
BREAKDOWNS = ("channel", "priority", "group", "assignee", "month", "calendar")
NAMED = ("channel", "priority")  # shown by the charter's name, else the export's own
TICKET_FIELDS = ("ticket_id", *NAMED, "group", "assignee", "created_at", "subject")
NO_MATCH = "no ticket matches this promise"
NONE = "(none)"  # a breakdown's row for tickets without a value
EXAMPLES = 5  # tickets named as examples of those no promise applies to


@dataclass(frozen=True)
class Wants:
    """What the reports of this run will show, so each partition keeps only that."""

    keys: tuple[str, ...] = ()  # breakdowns (--by, and the month for the HTML page)
    worst: int = 10  # how many worst breaches the longest list shows
    csv: bool = False  # the per-ticket CSV
    record: bool = False  # the history table (`charter_cli.history`) for --record


def check_keys(present: Mapping[str, str], keys: Sequence[str]) -> None:
    """A breakdown by a field the export does not have cannot be made: a usage error naming it
    (rather than a table of `(none)`), before any partition is audited."""
    from charter_cli.errors import UsageError

    missing = [k for k in keys if k not in BREAKDOWNS and k not in present]
    if missing:
        raise UsageError(
            f"--by {','.join(missing)}: the export has no such field (a custom column needs "
            "`custom:` in the profile)"
        )


# --- one promise, reduced ----------------------------------------------------------------------


@dataclass
class Tally(Compliance):
    """One promise over the audited tickets, reduced to what reports show."""

    promise: Promise
    counts: np.ndarray  # int64 per State
    stopped: Spread  # elapsed seconds of the judged, stopped instances
    oldest: int | None  # the longest elapsed time still running
    at_risk: int  # running instances that have used at least the promise's at_risk share
    reasons: dict[str, int]  # why instances are unmeasurable, most frequent first
    notes: list[str]
    fields: dict[str, str]

    @property
    def applicable(self) -> int:
        return int(self.counts.sum())

    def count(self, state: State) -> int:
        return int(self.counts[state])

    def percentiles(self) -> dict[str, int | None]:
        """p50/p90/p95 of the elapsed time of the stopped instances, nearest-rank (the smallest
        value with at least that share at or below it: p90 of [0, 25 h] is 25 h); a running
        instance has no final time yet (see `oldest_running`)."""
        if self.stopped.total == 0:
            return {"p50": None, "p90": None, "p95": None}
        return {f"p{q}": self.stopped.percentile(q) for q in (50, 90, 95)}

    def oldest_running(self) -> int | None:
        """The longest elapsed time of an instance still running at as-of (late or not)."""
        return self.oldest


@dataclass(frozen=True)
class Spread:
    """Many elapsed times, exactly, as their distinct values (ascending) and how often each
    occurs: ten million instances take a few megabytes, partitions add up by value."""

    values: np.ndarray  # int64, ascending, distinct
    counts: np.ndarray  # int64

    @classmethod
    def of(cls, elapsed: np.ndarray) -> Spread:
        values, counts = np.unique(elapsed, return_counts=True)
        return cls(values.astype(np.int64), counts.astype(np.int64))

    @classmethod
    def merged(cls, spreads: Sequence[Spread]) -> Spread:
        values = np.concatenate([s.values for s in spreads]) if spreads else np.empty(0, np.int64)
        counts = np.concatenate([s.counts for s in spreads]) if spreads else np.empty(0, np.int64)
        distinct, where = np.unique(values, return_inverse=True)
        return cls(
            distinct.astype(np.int64), np.bincount(where.ravel(), weights=counts).astype(np.int64)
        )

    @property
    def total(self) -> int:
        return int(self.counts.sum())

    def percentile(self, q: float) -> int:
        """Nearest rank, as numpy's `percentile(..., method="inverted_cdf")` of the expanded
        values gives it (the same float arithmetic: the tests compare them)."""
        n = self.total
        virtual = n * (np.float64(q) / 100)
        below = np.floor(virtual)
        rank = int(below) if virtual == below else int(below) + 1  # 1-based
        rank = min(max(rank, 1), n)
        return int(self.values[np.searchsorted(np.cumsum(self.counts), rank)])


@dataclass
class _PieceTally:
    """A partition's tally, before the notes that count tickets are added up."""

    counts: np.ndarray
    stopped: Spread
    oldest: int | None
    at_risk: int
    reasons: Counter[str]
    notes: list[str | Counted]
    fields: dict[str, str]


def used(o: Outcome, chosen: slice | np.ndarray = slice(None)) -> np.ndarray:
    """Elapsed / allowed of every instance, or of those `chosen` (NaN where either is unknown
    or nothing is allowed)."""
    elapsed, allowed = o.elapsed[chosen], o.allowed[chosen]
    known = (elapsed != NAT) & (allowed != NAT) & (allowed > 0)
    out = np.full(elapsed.size, np.nan)
    out[known] = elapsed[known] / allowed[known]
    return out


def at_risk(o: Outcome) -> np.ndarray:
    """Running instances that have used at least the promise's `at_risk` share (not late yet:
    a late one is breached); the share as `used` computes it, for the running ones only."""
    running = np.flatnonzero(o.state == State.RUNNING)
    elapsed, allowed = o.elapsed[running], o.allowed[running]
    known = (elapsed != NAT) & (allowed != NAT) & (allowed > 0)
    out = np.zeros(o.state.size, dtype=bool)
    out[running[known]] = elapsed[known] / allowed[known] >= o.promise.at_risk
    return out


def counted(o: Outcome) -> None:
    """What the reports count of an outcome, kept on it (`audit(then=)`: in the thread that
    judged it, while the other promises are judged)."""
    o.tally = _tally(o)


def _tally(o: Outcome) -> _PieceTally:
    judged = (o.state == State.MET) | (o.state == State.BREACHED)
    stopped = Spread.of(o.elapsed[judged & o.done & (o.elapsed != NAT)])
    running = (o.state != State.UNMEASURABLE) & ~o.done & (o.elapsed != NAT)
    oldest = int(o.elapsed[running].max()) if running.any() else None
    unmeasurable = o.state == State.UNMEASURABLE
    codes = o.reason.codes[unmeasurable]
    counts = np.bincount(codes + 1, minlength=len(o.reason.words) + 1)
    reasons = Counter(
        {w: int(counts[k + 1]) for k, w in enumerate(o.reason.words) if counts[k + 1]}
    )
    return _PieceTally(
        counts=np.bincount(o.state, minlength=len(State)).astype(np.int64),
        stopped=stopped,
        oldest=oldest,
        at_risk=int(at_risk(o).sum()),
        reasons=reasons,
        notes=list(o.notes),
        fields=dict(o.fields),
    )


# --- the tickets' columns the reports show ------------------------------------------------------


def ticket_columns(tickets: pd.DataFrame, rows: np.ndarray | None = None) -> pd.DataFrame:
    """The ticket attributes the reports show: categoricals (a row is taken by code), and the
    charter's name for channel and priority, or the export's own where the charter lacks it;
    for a few `rows` (the worst breaches), only for those."""
    from charter_cli.fields import TICKET_FIELDS as CANONICAL

    t = tickets
    if rows is not None:
        shown = [c for c in t.columns if c in CANONICAL or c.removesuffix("_raw") in NAMED]
        t = few_rows(t[shown], rows)

    def named(field_name: str) -> pd.Series:
        values = categorical(t[field_name])
        if f"{field_name}_raw" not in t or not values.isna().any():
            return values
        raw = categorical(t[f"{field_name}_raw"])
        merged = pd.Index(values.cat.categories).append(pd.Index(raw.cat.categories)).unique()
        codes = np.where(
            values.cat.codes.to_numpy() >= 0,
            np.append(merged.get_indexer(values.cat.categories), -1)[values.cat.codes.to_numpy()],
            np.append(merged.get_indexer(raw.cat.categories), -1)[raw.cat.codes.to_numpy()],
        )
        return pd.Series(pd.Categorical.from_codes(codes, categories=merged), index=t.index)

    return pd.DataFrame(
        {
            "ticket_id": t["ticket_id"],
            "channel": named("channel"),
            "priority": named("priority"),
            "group": categorical(t["group"]),
            "assignee": categorical(t["assignee"]),
            "created_at": t["created_at"],
            "subject": t["subject"],
        }
    )


def outcome_frame(
    result: AuditResult, outcome: Outcome, pick: np.ndarray | None, frame: pd.DataFrame
) -> pd.DataFrame:
    """One promise's pairs (or the `pick`ed ones) as a frame with the ticket's attributes,
    `frame`: `ticket_columns` of those pairs' tickets, in their order."""
    chosen = slice(None) if pick is None else pick
    rows = outcome.rows[chosen]
    ids = [o.promise.id for o in result.outcomes]
    frame = frame.reset_index(drop=True)
    return pd.DataFrame(
        {
            "ticket_id": frame["ticket_id"],
            "promise": pd.Categorical.from_codes(
                np.full(len(rows), ids.index(outcome.promise.id), dtype=np.int16),
                categories=pd.Index(ids, dtype=object),
            ),
            "state": pd.Categorical.from_codes(outcome.state[chosen], dtype=STATE_DTYPE),
            "started_at": outcome.started[chosen],
            "stopped_at": outcome.stopped[chosen],
            "deadline_at": outcome.deadline[chosen],
            "elapsed_seconds": outcome.elapsed[chosen],
            "allowed_seconds": outcome.allowed[chosen],
            "overdue_seconds": outcome.overdue[chosen],
            "channel": frame["channel"],
            # the priority the row was judged under, where the events changed it
            "priority": frame["priority"]
            if outcome.priority is None
            else pd.Series(outcome.priority[chosen], dtype=object).astype("category"),
            # an instance that belongs to a group (group_time): that group, not the ticket's last
            "group": frame["group"]
            if outcome.held is None
            else pd.Series(outcome.held[chosen], dtype=object).astype("category"),
            "assignee": frame["assignee"],
            "reason": outcome.reason.categorical(chosen),
            "created_at": frame["created_at"],
            "subject": frame["subject"],
            "calendar": outcome.calendar.categorical(chosen),
            "used": used(outcome, chosen),
            "instance": outcome.instances()[chosen],
        }
    )


def month_of(seconds: np.ndarray, timezone: str) -> Any:
    """`2026-10` in the charter's zone, for the month breakdown (the text is made once per
    distinct month, not once per row)."""
    stamps = pd.DatetimeIndex(
        pd.to_datetime(np.asarray(seconds, dtype=np.int64), unit="s", utc=True)
    )
    local = stamps.tz_convert(timezone)
    key = np.asarray(local.year, dtype=np.int64) * 12 + np.asarray(local.month, dtype=np.int64) - 1
    distinct, codes = np.unique(key, return_inverse=True)
    labels = [f"{k // 12}-{k % 12 + 1:02d}" for k in distinct.tolist()]
    return pd.Categorical.from_codes(codes.ravel(), dtype=pd.CategoricalDtype(labels))


# --- a partition, reduced ------------------------------------------------------------------------


@dataclass
class Piece:
    """One partition's audit, reduced; `rows` everywhere are row numbers in the whole input."""

    tallies: list[_PieceTally]
    audited: int
    unknown: dict[str, dict[str, int]]
    unmatched: int
    unmatched_first: list[tuple[int, str]]  # (row, ticket id) of the first few
    excluded: int  # tickets the charter's `exclude` dropped
    excluded_first: list[tuple[int, str]]
    coverage: dict[str, tuple[int, int]]  # channel → (kept tickets, covered)
    breakdowns: dict[str, pd.DataFrame]  # promise, value, and a count per state
    worst: pd.DataFrame  # the partition's worst breaches, with `_promise` and `_row`
    risky: pd.DataFrame  # its running instances closest to breach, likewise
    # per promise: each line's row number in the whole input, its instance, the CSV lines
    csv: list[Run] | None
    reconciliation: list[Disagreement]
    csv_file: Path | None = None  # or the lines spilled to this Arrow file (`spill_lines`)
    history: History | None = None  # for --record: per promise, month and ticket kind


def reduce(
    result: AuditResult,
    origin: np.ndarray,
    wants: Wants,
    step: Callable[[str, int, int], None] | None = None,
) -> Piece:
    """One partition's audit as a `Piece`; `origin[i]` is the row number of its ticket `i` in the
    whole input. `step` hears ("summing up", done, total) between its parts (the breakdowns, the
    worst tickets, the per-ticket rows take seconds on millions of tickets)."""
    total = 1 + len(wants.keys) + bool(wants.csv) + bool(wants.record)  # the parts below
    done = itertools.count()

    def said() -> None:  # one more part done (the first call: none yet)
        if step is not None:
            step("summing up", next(done), total)

    said()
    shown = ticket_columns(result.tickets) if wants.csv or wants.keys else None
    covered = np.zeros(len(result.tickets), dtype=bool)
    for o in result.outcomes:
        covered[o.rows] = True
    dropped = result.excluded if result.excluded.size else np.zeros(covered.size, dtype=bool)
    unmatched = np.flatnonzero(~covered & ~dropped)
    first = unmatched[:EXAMPLES]
    ids = few_rows(result.tickets["ticket_id"], first).astype(str).tolist()
    excluded = np.flatnonzero(dropped)
    excluded_ids = few_rows(result.tickets["ticket_id"], excluded[:EXAMPLES]).astype(str).tolist()
    tallies = [o.tally if isinstance(o.tally, _PieceTally) else _tally(o) for o in result.outcomes]
    breakdowns = {}
    for key in wants.keys:
        breakdowns[key] = _counts(result, shown, key)
        said()
    worst = _worst(result, shown, origin, wants.worst, _late)
    risky = _worst(result, shown, origin, wants.worst, _risky)
    said()
    csv = None
    if wants.csv:
        csv = _csv(result, shown, origin)
        said()
    history = None
    if wants.record:
        history = reduce_history(result, shown)
        said()
    return Piece(
        tallies=tallies,
        audited=len(result.tickets),
        unknown=result.unknown_values,
        unmatched=int(unmatched.size),
        unmatched_first=list(zip(origin[first].tolist(), ids, strict=True)),
        excluded=int(excluded.size),
        excluded_first=list(zip(origin[excluded[:EXAMPLES]].tolist(), excluded_ids, strict=True)),
        coverage=_coverage_counts(result),
        breakdowns=breakdowns,
        worst=worst,
        risky=risky,
        csv=csv,
        reconciliation=[d.at_rows(origin) for d in result.reconciliation],
        history=history,
    )


def _coverage_counts(result: AuditResult) -> dict[str, tuple[int, int]]:
    """The per-channel coverage counts the audit made (not counted again here)."""
    assert result.coverage is not None, "audit() always measures coverage"
    return result.coverage.counts()


def _counts(result: AuditResult, shown: pd.DataFrame | None, key: str) -> pd.DataFrame:
    """Per promise and value of `key`: the instances in each state (values with none left out)."""
    assert shown is not None
    if key == "month":
        per_ticket: pd.Categorical | None = month_of(
            result.tickets["created_at"].to_numpy(), result.charter.timezone
        )
    elif key == "calendar":
        per_ticket = None
    elif key in shown:
        per_ticket = shown[key].array
    else:  # any other ticket field, tags (several per ticket) or fields.NAME
        return _field_counts(result, key)
    frames = []
    held = key == "group" and result.source.has_group_history
    timeline = None
    if held:
        from charter_cli.measures.history import Timeline

        timeline = Timeline(result.source.events, "group", result.as_of)
        places = timeline.lookup(result.tickets["ticket_id"].to_numpy(dtype=object))
    for index, o in enumerate(result.outcomes):
        if per_ticket is None:
            labels = np.asarray(o.calendar.words, dtype=object)
            codes = o.calendar.codes.astype(np.int64)
        elif timeline is not None:
            labels, codes = group_held(result, o, shown, timeline, places)
        elif key == "priority" and o.priority is not None:  # as judged, where events changed it
            found, uniques = pd.factorize(pd.Series(o.priority, dtype=object), sort=True)
            labels, codes = np.asarray(uniques, dtype=object), found.astype(np.int64)
        else:
            labels = np.asarray(per_ticket.categories, dtype=object)
            codes = np.asarray(per_ticket.codes, dtype=np.int64)[o.rows]
        frames.append(_tabled(index, labels, codes, o.state))
    return pd.concat(frames, ignore_index=True) if frames else _no_counts()


def _tabled(index: int, labels: np.ndarray, codes: np.ndarray, state: np.ndarray) -> pd.DataFrame:
    """One promise's instances counted per value (`codes` into `labels`, -1: none) and state;
    the values with none left out."""
    states = len(State)
    codes = np.where(codes < 0, labels.size, codes)  # no value: the last slot
    table = np.bincount(
        codes * states + state.astype(np.int64), minlength=(labels.size + 1) * states
    ).reshape(-1, states)
    used = np.flatnonzero(table.sum(axis=1))
    values = np.append(labels, NONE)[used]
    frame = pd.DataFrame(table[used], columns=list(STATE_LABELS))
    frame.insert(0, "value", [str(v) for v in values])
    frame.insert(0, "promise", index)
    return frame


def _field_counts(result: AuditResult, key: str) -> pd.DataFrame:
    """`_counts` for a key that is not among the report's ticket columns: the ticket's key from
    `selection.ticket_key`, a ticket with several tags counted under each. No loop over tickets:
    the key's rows, sorted by ticket, are found for each instance's ticket by `searchsorted`,
    and the instances repeated as often as their ticket has values."""
    keys = ticket_key(result.tickets, key)
    positions = keys.index.to_numpy(dtype=np.int64)  # sorted; every ticket at least once
    labels = np.asarray(keys.cat.categories, dtype=object)
    codes = keys.cat.codes.to_numpy().astype(np.int64)
    frames = []
    for index, o in enumerate(result.outcomes):
        start = np.searchsorted(positions, o.rows, side="left")
        stop = np.searchsorted(positions, o.rows, side="right")
        many = stop - start
        total = int(many.sum())
        offsets = np.repeat(start - (np.cumsum(many) - many), many) + np.arange(total)
        frames.append(_tabled(index, labels, codes[offsets], np.repeat(o.state, many)))
    return pd.concat(frames, ignore_index=True) if frames else _no_counts()


def group_held(
    result: AuditResult, o: Outcome, shown: pd.DataFrame, timeline: Timeline, tickets: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The group each instance is attributed to (labels, and a code per instance, -1 for none):
    the group holding the ticket at the instance's deadline, or at its stop if that came first
    (at as-of while it runs), from the group history; the ticket's group where its history
    names none. Instances that belong to a group (`Outcome.held`) count under it."""
    if o.held is not None:  # instances that belong to a group (group_time): that group
        codes, labels = pd.factorize(pd.Series(o.held, dtype=object), sort=True)
        return np.asarray(labels, dtype=object), codes.astype(np.int64)
    deadline, stop = o.deadline, o.stopped
    when = np.where(
        deadline == NAT,
        np.where(stop == NAT, result.as_of, stop),
        np.where(stop == NAT, deadline, np.minimum(deadline, stop)),
    )
    found, known = timeline.at_instants(o.rows, when, codes=tickets[o.rows])
    column = shown["group"].array
    own = np.asarray(column.categories, dtype=object)[
        np.maximum(np.asarray(column.codes)[o.rows], 0)
    ]
    own = np.where(np.asarray(column.codes)[o.rows] < 0, None, own)
    values = pd.Series(np.where(known, found, own), dtype=object)
    codes, labels = pd.factorize(values, sort=True)
    return np.asarray(labels, dtype=object), codes.astype(np.int64)


def _no_counts() -> pd.DataFrame:
    return pd.DataFrame({"promise": [], "value": [], **{s: [] for s in STATE_LABELS}}).astype(
        {"promise": np.int64, **dict.fromkeys(STATE_LABELS, np.int64)}
    )


def _late(o: Outcome) -> tuple[np.ndarray, np.ndarray]:
    """Breaches, the most overdue first."""
    return (o.state == State.BREACHED) & (o.overdue != NAT), -o.overdue


def _risky(o: Outcome) -> tuple[np.ndarray, np.ndarray]:
    """Instances at risk, the soonest deadline first."""
    return at_risk(o) & (o.deadline != NAT), o.deadline


def _worst(
    result: AuditResult,
    shown: pd.DataFrame | None,
    origin: np.ndarray,
    top: int,
    which: Callable[[Outcome], tuple[np.ndarray, np.ndarray]],
) -> pd.DataFrame:
    """The `top` instances of each promise that `which` picks, by its order (ties by row); the
    ticket attributes taken once, for those tickets only unless `shown` has them all already."""
    picks = []
    for o in result.outcomes:
        chosen, order = which(o)
        late = np.flatnonzero(chosen)
        if top <= 0:
            late = late[:0]
        elif late.size > top:
            # the top few without sorting them all: those at least as far up as the top-th,
            # then sorted (ties in row order, as a stable sort of everything would give)
            keys = order[late]
            cut = np.partition(keys, top - 1)[top - 1]
            late = late[keys <= cut]
            late = late[np.argsort(order[late], kind="stable")[:top]]
        picks.append(late)
    tickets = np.unique(
        np.concatenate(
            [o.rows[late] for o, late in zip(result.outcomes, picks, strict=True)]
            or [np.empty(0, np.int64)]
        )
    )
    if tickets.size == 0:
        return pd.DataFrame()
    if shown is None:
        shown = ticket_columns(result.tickets, tickets)
        at = np.full(len(result.tickets), -1, dtype=np.int64)
        at[tickets] = np.arange(tickets.size)
    else:
        at = np.arange(len(result.tickets))
    frames = []
    for index, (o, late) in enumerate(zip(result.outcomes, picks, strict=True)):
        if late.size:
            frame = outcome_frame(result, o, late, shown.iloc[at[o.rows[late]]])
            frame["_promise"] = index
            frame["_row"] = origin[o.rows[late]]
            frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def _csv(result: AuditResult, shown: pd.DataFrame | None, origin: np.ndarray) -> list[Run]:
    from charter_cli.report.csv import SLICE, lines

    out = []
    for o in result.outcomes:
        assert shown is not None
        frame = outcome_frame(result, o, None, shown.iloc[o.rows])
        chunks = [lines(frame.iloc[start : start + SLICE]) for start in range(0, len(frame), SLICE)]
        lines_of = pa.chunked_array(chunks, type=pa.large_string())
        out.append((origin[o.rows], o.instances(), lines_of))
    return out


# --- the whole audit ------------------------------------------------------------------------------


@dataclass
class Summary:
    """The audit as every report reads it: the same for any number of partitions."""

    charter: Charter
    source: Tickets  # the import's accounting (files, rows, skipped, problems, fields)
    as_of: int
    outcomes: list[Tally]
    audited: int  # tickets in the period
    since: int | None = None
    until: int | None = None
    fail_under: float | None = None
    strict: bool = False
    unknown_values: dict[str, dict[str, int]] = field(default_factory=dict)
    unmatched: int = 0
    unmatched_examples: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    reconciliation: list[Disagreement] = field(default_factory=list)
    excluded: int = 0  # tickets the charter's `exclude` dropped from every promise
    excluded_examples: list[str] = field(default_factory=list)
    coverage: Coverage | None = None
    breakdowns: dict[str, pd.DataFrame] = field(default_factory=dict)
    worst: pd.DataFrame = field(default_factory=pd.DataFrame)
    risky: pd.DataFrame = field(default_factory=pd.DataFrame)  # closest to breach first
    csv: Lines | None = None  # the per-ticket CSV's lines, when asked for
    history: History | None = None  # what --record keeps, when asked for

    def target(self, promise: Promise) -> float:
        return self.fail_under if self.fail_under is not None else promise.target

    def promise_passed(self, outcome: Tally) -> bool | None:
        return outcome.passed(self.target(outcome.promise))

    @property
    def passed(self) -> bool:
        if self.coverage is not None and not self.coverage.passed:
            return False
        for outcome in self.outcomes:
            verdict = self.promise_passed(outcome)
            if verdict is False or (verdict is None and self.strict):
                return False
        return True

    def breakdown(self, key: str) -> pd.DataFrame:
        return self.breakdowns[key]

    def worst_breaches(self, top: int) -> pd.DataFrame:
        return self.worst.head(max(top, 0)).reset_index(drop=True)

    def closest_to_breach(self, top: int) -> pd.DataFrame:
        """Running instances at risk, the soonest deadline first."""
        return self.risky.head(max(top, 0)).reset_index(drop=True)


def with_coverage_minimum(summary: Summary, minimum: float | None) -> Summary:
    """The summary judged against another minimum coverage (`--min-coverage`), if given."""
    if minimum is None or summary.coverage is None:
        return summary
    return replace(summary, coverage=replace(summary.coverage, minimum=minimum))


def merge(
    pieces: list[Piece], charter: Charter, min_coverage: float | None = None, **fields: Any
) -> Summary:
    """The pieces of every partition added up (see the module's docstring); coverage is judged
    against `min_coverage`, else the charter's `coverage`."""
    promises = charter.promises
    tallies = []
    for index, promise in enumerate(promises):
        tallies.append(_tally_merge([p.tallies[index] for p in pieces], promise))
    unknown: dict[str, Counter[str]] = {}
    for p in pieces:
        for name, values in p.unknown.items():
            unknown.setdefault(name, Counter()).update(values)
    first = sorted(x for p in pieces for x in p.unmatched_first)[:EXAMPLES]
    excluded_first = sorted(x for p in pieces for x in p.excluded_first)[:EXAMPLES]
    channels: Counter[str] = Counter()
    covered: Counter[str] = Counter()
    for p in pieces:
        for channel, (n, hit) in p.coverage.items():
            channels[channel] += n
            covered[channel] += hit
    minimum = min_coverage if min_coverage is not None else charter.coverage
    return Summary(
        charter=charter,
        outcomes=tallies,
        audited=sum(p.audited for p in pieces),
        unknown_values={
            name: dict(sorted(c.items(), key=lambda kv: (-kv[1], kv[0])))
            for name, c in unknown.items()
        },
        unmatched=sum(p.unmatched for p in pieces),
        unmatched_examples=[ticket for _, ticket in first],
        excluded=sum(p.excluded for p in pieces),
        excluded_examples=[ticket for _, ticket in excluded_first],
        coverage=from_counts({c: (n, covered[c]) for c, n in channels.items()}, minimum),
        reconciliation=_reconciliation([p.reconciliation for p in pieces]),
        breakdowns={
            key: _merge_counts([p.breakdowns[key] for p in pieces], promises).rename(
                columns={"value": key}
            )
            for key in (pieces[0].breakdowns if pieces else {})
        },
        worst=_merge_worst([p.worst for p in pieces], "overdue_seconds", descending=True),
        risky=_merge_worst([p.risky for p in pieces], "deadline_at", descending=False),
        csv=_lines(pieces, len(promises)),
        history=_history(pieces),
        **fields,
    )


def _history(pieces: list[Piece]) -> History | None:
    parts = [p.history for p in pieces if p.history is not None]
    return merge_history(parts) if parts else None


def _tally_merge(parts: list[_PieceTally], promise: Promise) -> Tally:
    """One promise's tallies of every partition, added up."""
    counts = np.sum([t.counts for t in parts], axis=0)
    reasons: Counter[str] = sum((t.reasons for t in parts), Counter())
    notes = _notes([t.notes for t in parts])
    if counts.sum():
        notes = [n for n in notes if n != NO_MATCH]
    elif NO_MATCH not in notes:
        # tickets matched but none had an instance: said once here, for the whole input (a
        # partition alone cannot tell)
        said = measure_of(promise.measure).none_found(promise)
        if said is not None and said not in notes:
            notes.append(said)
    return Tally(
        promise=promise,
        counts=counts,
        stopped=Spread.merged([t.stopped for t in parts]),
        oldest=max((t.oldest for t in parts if t.oldest is not None), default=None),
        at_risk=sum(t.at_risk for t in parts),
        reasons=dict(sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))),
        notes=notes,
        fields=parts[0].fields if parts else {},
    )


def _lines(pieces: list[Piece], promises: int) -> Lines | None:
    if any(p.csv_file is not None for p in pieces):
        return SpilledLines([p.csv_file for p in pieces if p.csv_file is not None], promises)
    held = [p.csv for p in pieces if p.csv is not None]
    return HeldLines(held, promises) if held else None


def _notes(lists: list[list[str | Counted]]) -> list[str]:
    """The notes of every partition, each once, the ones that count tickets with their counts
    added; in alphabetical order, which no partitioning can change (partitions see different
    subsets of a promise's notes, and nothing else orders them all)."""
    counted: dict[str, Counted] = {}
    plain: set[str] = set()
    for notes in lists:
        for note in notes:
            if isinstance(note, Counted):
                held = counted.get(note.many)
                total = note.n + (held.n if held else 0)
                counted[note.many] = Counted(note.one, note.many, total)
            else:
                plain.add(note)
    keys = sorted(plain | set(counted))
    return [str(counted[k]) if k in counted else k for k in keys]


def _merge_counts(frames: list[pd.DataFrame], promises: Sequence[Promise]) -> pd.DataFrame:
    """Per promise and value: counts added up, the values in alphabetical order (none last),
    and the compliance; promise ids in the `promise` column."""
    table = pd.concat(frames, ignore_index=True) if frames else _no_counts()
    table = table.groupby(["promise", "value"], sort=False).sum().reset_index()
    states = list(STATE_LABELS)
    table[states] = table[states].astype(np.int64)
    table["_none"] = table["value"] == NONE
    table = table.sort_values(["promise", "_none", "value"], kind="stable").drop(columns="_none")
    decided = table["met"] + table["breached"]
    table["compliance"] = (table["met"] / decided.where(decided > 0)).astype(float)
    ids = np.array([p.id for p in promises], dtype=object)
    table["promise"] = ids[table["promise"].to_numpy(dtype=np.int64)]
    return table.reset_index(drop=True)


def _merge_worst(frames: list[pd.DataFrame], key: str, *, descending: bool) -> pd.DataFrame:
    """The first of all partitions' lists: by `key`, then promise order, then input order (as
    one partition's stable sort gives)."""
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=[*CSV_COLUMNS, "created_at", "subject", "calendar"])
    table = pd.concat(frames, ignore_index=True)
    values = table[key].to_numpy(dtype=np.int64)
    first = -values if descending else values
    order = np.lexsort(
        (
            table["instance"].to_numpy(),
            table["_row"].to_numpy(),
            table["_promise"].to_numpy(),
            first,
        )
    )
    return table.iloc[order].drop(columns=["_promise", "_row"]).reset_index(drop=True)


class Lines:
    """The per-ticket CSV's lines: promise by promise, each promise's in input order."""

    def chunks(self) -> Iterator[pa.Array]:
        raise NotImplementedError  # pragma: no cover


class HeldLines(Lines):
    """Lines in memory: every partition's, per promise, merged by (row number, instance)."""

    def __init__(self, parts: list[list[Run]], promises: int):
        self.parts, self.promises = parts, promises

    def chunks(self) -> Iterator[pa.Array]:
        for index in range(self.promises):
            pieces = [p[index] for p in self.parts]
            if len(pieces) == 1:
                yield from pieces[0][2].chunks
                continue
            rows = np.concatenate([r for r, _, _ in pieces])
            instances = np.concatenate([i for _, i, _ in pieces])
            text = pa.chunked_array(
                [c for _, _, lines in pieces for c in lines.chunks], type=pa.large_string()
            )
            yield from text.take(pa.array(np.lexsort((instances, rows)))).chunks


class SpilledLines(Lines):
    """Lines spilled to one Arrow file per partition (columns promise, row, instance, line;
    sorted by promise, row and instance), merged a window at a time: memory for the window, not
    for the lines."""

    WINDOW = 1 << 16  # rows taken from each file at a time

    def __init__(self, files: list[Path], promises: int) -> None:
        self.files, self.promises = files, promises

    def chunks(self) -> Iterator[pa.Array]:
        tables = [pa.ipc.open_file(pa.memory_map(str(f))).read_all() for f in self.files]
        for index in range(self.promises):
            runs = []
            for table in tables:
                kinds = table.column("promise").to_numpy()
                lo, hi = np.searchsorted(kinds, [index, index + 1])
                if hi > lo:
                    part = table.slice(int(lo), int(hi - lo))
                    runs.append(
                        (
                            part.column("row").to_numpy(),
                            part.column("instance").to_numpy(),
                            part.column("line"),
                        )
                    )
            yield from _merged(runs, self.WINDOW)


def _merged(runs: list[Run], window: int) -> Iterator[pa.Array]:
    """Runs of (ascending row numbers, instances ascending within a row, lines) merged into one
    run in (row, instance) order, a window at a time: from every run the rows up to the
    smallest last row of the runs' next windows (a row's instances are all in one run: a
    ticket is in one partition)."""
    at = [0] * len(runs)
    while True:
        live = [k for k, (rows, _, _) in enumerate(runs) if at[k] < rows.size]
        if not live:
            return
        ends = {k: min(at[k] + window, runs[k][0].size) for k in live}
        bounded = [int(runs[k][0][ends[k] - 1]) for k in live if ends[k] < runs[k][0].size]
        cutoff = min(bounded) if bounded else None
        rows_taken, instances_taken, lines_taken = [], [], []
        for k in live:
            rows, instances, lines = runs[k]
            stop = (
                ends[k]
                if cutoff is None
                else at[k] + int(np.searchsorted(rows[at[k] : ends[k]], cutoff, side="right"))
            )
            if stop > at[k]:
                rows_taken.append(rows[at[k] : stop])
                instances_taken.append(instances[at[k] : stop])
                lines_taken.extend(lines.slice(at[k], stop - at[k]).chunks)
                at[k] = stop
        order = np.lexsort((np.concatenate(instances_taken), np.concatenate(rows_taken)))
        yield from (
            pa.chunked_array(lines_taken, type=pa.large_string()).take(pa.array(order)).chunks
        )


def spill_lines(piece: Piece, path: Path) -> Piece:
    """A piece with its CSV lines written to `path` (an Arrow file) instead of held."""
    if piece.csv is None:
        return piece
    promise = np.concatenate(
        [np.full(rows.size, k, dtype=np.int16) for k, (rows, _, _) in enumerate(piece.csv)]
    )
    table = pa.table(
        {
            "promise": promise,
            "row": np.concatenate([rows for rows, _, _ in piece.csv]),
            "instance": np.concatenate([instances for _, instances, _ in piece.csv]),
            "line": pa.chunked_array(
                [c for _, _, lines in piece.csv for c in lines.chunks], type=pa.large_string()
            ),
        }
    )
    with pa.ipc.new_file(str(path), table.schema) as writer:
        writer.write_table(table)
    return replace(piece, csv=None, csv_file=path)


def _reconciliation(lists: list[list[Disagreement]]) -> list[Disagreement]:
    """Disagreements with the vendor's verdicts, added up per promise and vendor field; the
    examples the first in input order."""
    from charter_cli.reconcile import Disagreement

    found: dict[tuple[str, str], list[Disagreement]] = {}
    for found_here in lists:
        for d in found_here:
            found.setdefault((d.promise, d.vendor_field), []).append(d)
    out = []
    for (promise, vendor_field), parts in sorted(
        found.items(),
        key=lambda kv: kv[1][0].order,  # the profile's column, the charter's promise
    ):
        examples = sorted(
            (row, example) for d in parts for row, example in zip(d.rows, d.examples, strict=True)
        )[:3]
        out.append(
            Disagreement(
                promise,
                vendor_field,
                sum(d.compared for d in parts),
                sum(d.disagree for d in parts),
                [e for _, e in examples],
                tuple(r for r, _ in examples),
                parts[0].order,
            )
        )
    return out
