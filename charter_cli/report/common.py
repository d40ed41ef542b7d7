"""What every audit renderer shares: the per-ticket table, formatting, and making text safe."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from charter_cli.audit import STATE_LABELS, AuditResult, Outcome, State
from charter_cli.charter.selectors import selectable
from charter_cli.clock import NAT
from charter_cli.coverage import sentence as coverage_sentence
from charter_cli.errors import UsageError
from charter_cli.frames import categorical
from charter_cli.measures import measure_of
from charter_cli.report.escape import safe_text
from charter_cli.selection import ticket_key

CSV_COLUMNS = [
    "ticket_id", "promise", "state", "started_at", "stopped_at", "deadline_at", "elapsed_seconds",
    "allowed_seconds", "overdue_seconds", "channel", "priority", "group", "assignee", "reason",
]  # fmt: skip
STATE_DTYPE = pd.CategoricalDtype(list(STATE_LABELS))
BREAKDOWNS = ("channel", "priority", "group", "assignee", "month", "calendar")
# besides these, any field a selector can name: type, status, tags, fields.NAME (selectable)


@dataclass(frozen=True)
class Options:
    """Renderer options chosen on the command line."""

    by: tuple[str, ...] = ()
    color: bool = False
    width: int = 100
    top: int = 10
    extra: dict[str, object] = field(default_factory=dict)
    # the tables derived from the result, shared by every report of one run (built on first use)
    tables: Tables | None = None

    def tables_of(self, result: AuditResult) -> Tables:
        """This run's tables of `result`, or new ones for a renderer called on its own."""
        if self.tables is not None and self.tables.result is result:
            return self.tables
        return Tables(result)


def iso(seconds: np.ndarray) -> np.ndarray:
    """UTC seconds → `2026-10-31T22:59:00Z` strings ('' for NAT), whole column."""
    arr = np.asarray(seconds, dtype=np.int64)
    text = np.datetime_as_string(arr.view("datetime64[s]"), unit="s").astype(object) + "Z"
    text[arr == NAT] = ""
    return text


def local_times(seconds: np.ndarray, timezone: str) -> np.ndarray:
    """UTC seconds → `2026-10-31 23:59 CET` in `timezone` ('' for NAT), whole column: what a
    reader of the charter's zone reads on a wall clock."""
    arr = np.asarray(seconds, dtype=np.int64)
    stamps = pd.DatetimeIndex(pd.to_datetime(np.where(arr == NAT, 0, arr), unit="s", utc=True))
    text = np.asarray(stamps.tz_convert(timezone).strftime("%Y-%m-%d %H:%M %Z"), dtype=object)
    text[arr == NAT] = ""
    return text


def iso_one(seconds: int | None) -> str | None:
    if seconds is None or seconds == NAT:
        return None
    return str(iso(np.array([seconds]))[0])


def duration(seconds: int | None) -> str:
    """A short human duration: `45s`, `12m`, `3h 05m`, `2d 4h`."""
    if seconds is None or seconds == NAT:
        return "–"
    s = int(seconds)
    sign = "-" if s < 0 else ""
    s = abs(s)
    if s < 60:
        return f"{sign}{s}s"
    if s < 3600:
        return f"{sign}{s // 60}m"
    if s < 86400:
        return f"{sign}{s // 3600}h {s % 3600 // 60:02d}m"
    return f"{sign}{s // 86400}d {s % 86400 // 3600}h"


def business_time(seconds: int | None, day_seconds: int | None) -> str:
    """A duration as the promise counts it: on a business calendar in working time, whole
    working days by the calendar's day length (`21 working hours`, `2 working days 5 h`), so a
    late reply is never read as a week of wall-clock time; `day_seconds` None (24/7): `duration`."""
    if seconds is None or seconds == NAT or day_seconds is None:
        return duration(seconds)
    s = int(seconds)
    sign = "-" if s < 0 else ""
    s = abs(s)
    if s < 60:
        return f"{sign}{s} working s"
    hours, minutes = divmod(s // 60, 60)
    if s < 3600:
        return f"{sign}{minutes} working min"
    if s < day_seconds or day_seconds <= 0:
        unit = "hour" if hours == 1 else "hours"
        return f"{sign}{hours} working {unit}" + (f" {minutes} min" if minutes else "")
    days, rest = divmod(s, day_seconds)
    hours, minutes = divmod(rest // 60, 60)
    text = f"{sign}{days} working day" + ("" if days == 1 else "s")
    return text + (f" {hours} h" if hours else "") + (f" {minutes} min" if minutes else "")


def promise_day(result: AuditResult, outcome: Outcome) -> int | None:
    """The working day a promise's durations are told in (None: wall-clock)."""
    promise = outcome.promise
    return measure_of(promise.measure).business_day(result.charter, promise)


def late_by(result: AuditResult, row: Mapping[Hashable, Any]) -> str:
    """How late one breach was, as its promise counts time (a follow-up too early says so)."""
    if str(row.get("reason")) == "followed up too early":
        return "too early"
    promise = next(o.promise for o in result.outcomes if o.promise.id == str(row["promise"]))
    day = measure_of(promise.measure).business_day(result.charter, promise, str(row["calendar"]))
    return business_time(int(str(row["overdue_seconds"])), day)


def percent(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value * 100:.{digits}f}%"


NAMED = ("channel", "priority")  # shown by the charter's name, else the export's own
TICKET_FIELDS = ("ticket_id", *NAMED, "group", "assignee", "created_at", "subject")


class Tables:
    """The tables the reports derive from one audit result, each built on first use and then
    only read: every report of a run shares them (through `Options.tables`), and nothing is
    written into the result."""

    def __init__(self, result: AuditResult) -> None:
        self.result = result

    @cached_property
    def tickets(self) -> pd.DataFrame:
        """`ticket_columns` of every audited ticket."""
        return ticket_columns(self.result)

    @cached_property
    def pairs(self) -> pd.DataFrame:
        """Every (ticket, promise) pair, promise by promise (select columns into a new frame
        before changing anything)."""
        frames = [outcome_frame(self, o) for o in self.result.outcomes]
        if not frames:
            return pd.DataFrame(columns=[*CSV_COLUMNS, "created_at", "subject", "calendar"])
        return pd.concat(frames, ignore_index=True)


def ticket_columns(result: AuditResult, rows: np.ndarray | None = None) -> pd.DataFrame:
    """The ticket attributes the reports show: categoricals (a row is taken by code), and the
    charter's name for channel and priority, or the export's own where the charter lacks it;
    for a few `rows` (the worst breaches), only for those."""
    t = result.tickets
    if rows is not None:
        shown = [c for c in t.columns if c in TICKET_FIELDS or c.removesuffix("_raw") in NAMED]
        t = t[shown].iloc[rows].reset_index(drop=True)

    def ordered(values: pd.Series) -> pd.Series:  # breakdowns list values alphabetically
        cats = values.cat.categories
        return values.cat.reorder_categories(sorted(cats, key=str)) if len(cats) > 1 else values

    def named(field_name: str) -> pd.Series:
        values = categorical(t[field_name])
        if f"{field_name}_raw" not in t or not values.isna().any():
            return ordered(values)
        raw = categorical(t[f"{field_name}_raw"])
        merged = pd.Index(values.cat.categories).append(pd.Index(raw.cat.categories)).unique()
        codes = np.where(
            values.cat.codes.to_numpy() >= 0,
            np.append(merged.get_indexer(values.cat.categories), -1)[values.cat.codes.to_numpy()],
            np.append(merged.get_indexer(raw.cat.categories), -1)[raw.cat.codes.to_numpy()],
        )
        return ordered(
            pd.Series(pd.Categorical.from_codes(codes, categories=merged), index=t.index)
        )

    frame = pd.DataFrame(
        {
            "ticket_id": t["ticket_id"],
            "channel": named("channel"),
            "priority": named("priority"),
            "group": ordered(categorical(t["group"])),
            "assignee": ordered(categorical(t["assignee"])),
            "created_at": t["created_at"],
            "subject": t["subject"],
        }
    )
    return frame


def outcome_frame(tables: Tables, outcome: Outcome, pick: np.ndarray | None = None) -> pd.DataFrame:
    """One promise's pairs (or the `pick`ed ones) as a frame with the ticket's attributes."""
    result = tables.result
    chosen = slice(None) if pick is None else pick
    rows = outcome.rows[chosen]
    ids = [o.promise.id for o in result.outcomes]
    if pick is not None and pick.size < len(result.tickets) // 100:  # a few: only those
        frame = ticket_columns(result, rows)
    else:
        frame = tables.tickets.iloc[rows].reset_index(drop=True)
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
            "priority": frame["priority"],
            "group": frame["group"],
            "assignee": frame["assignee"],
            "reason": outcome.reason.categorical(chosen),
            "created_at": frame["created_at"],
            "subject": frame["subject"],
            "calendar": outcome.calendar.categorical(chosen),
        }
    )


def month_of(seconds: pd.Series, timezone: str) -> pd.Series:
    """`2026-10` in the charter's zone, for the month breakdown (a categorical: the text is made
    once per distinct month, not once per row)."""
    stamps = pd.DatetimeIndex(pd.to_datetime(seconds.to_numpy(dtype=np.int64), unit="s", utc=True))
    local = stamps.tz_convert(timezone)
    key = np.asarray(local.year, dtype=np.int64) * 12 + np.asarray(local.month, dtype=np.int64) - 1
    distinct, codes = np.unique(key, return_inverse=True)
    labels = [f"{k // 12}-{k % 12 + 1:02d}" for k in distinct.tolist()]
    return pd.Series(
        pd.Categorical.from_codes(codes.ravel(), dtype=pd.CategoricalDtype(labels)),
        index=seconds.index,
    )


def breakdown(tables: Tables, key: str) -> pd.DataFrame:
    """Per promise and value of `key`: met, breached, running, unmeasurable, compliance."""
    result = tables.result
    if key not in BREAKDOWNS:
        table = keyed_pairs(tables, key)
    else:
        table = tables.pairs[["promise", "state", "created_at" if key == "month" else key]]
    if key == "month":
        table = table.assign(month=month_of(table["created_at"], result.charter.timezone))
    values = table[key].astype("category")
    table = table.assign(**{key: values.cat.add_categories(["(none)"]).fillna("(none)")})
    counts = (
        table.groupby(["promise", key, "state"], sort=False, observed=True)
        .size()
        .unstack("state", fill_value=0)
    )
    for state in STATE_LABELS:
        if state not in counts:
            counts[state] = 0
    counts = counts[list(STATE_LABELS)].reset_index()
    decided = counts["met"] + counts["breached"]
    counts["compliance"] = (counts["met"] / decided.where(decided > 0)).astype(float)
    order = {o.promise.id: i for i, o in enumerate(result.outcomes)}
    counts["_order"] = counts["promise"].map(order)
    return (
        counts.sort_values(["_order", key], kind="stable")
        .drop(columns="_order")
        .reset_index(drop=True)
    )


def breakdown_keys(text: str | None) -> tuple[str, ...]:
    """`--by channel,tags,fields.tier` → the keys, each a built-in breakdown or a field a
    selector can name; anything else is a usage error."""
    keys = tuple(dict.fromkeys(k.strip() for k in (text or "").split(",") if k.strip()))
    unknown = [k for k in keys if k not in BREAKDOWNS and not selectable(k)]
    if unknown:
        raise UsageError(
            f"--by {','.join(unknown)}: choose from {', '.join(BREAKDOWNS)}, any ticket field "
            "(type, status, tags, …) or fields.NAME (a custom column of the profile)"
        )
    return keys


def check_breakdowns(result: AuditResult, keys: tuple[str, ...]) -> None:
    """A breakdown by a field the export does not have cannot be made: a usage error naming it
    (rather than a table of `(none)`)."""
    missing = [
        k
        for k in keys
        if k not in BREAKDOWNS and (k not in result.source.fields or k not in result.tickets)
    ]
    if missing:
        raise UsageError(
            f"--by {','.join(missing)}: the export has no such field (a custom column needs "
            "`custom:` in the profile)"
        )


def keyed_pairs(tables: Tables, key: str) -> pd.DataFrame:
    """Every (ticket, promise) pair's promise and state with the ticket's `key`
    (`selection.ticket_key`); a ticket with several tags counts once under each: a merge on the
    ticket's position, no loop."""
    result = tables.result
    rows = np.concatenate([o.rows for o in result.outcomes]) if result.outcomes else np.empty(0)
    pairs = tables.pairs[["promise", "state"]].assign(_row=rows.astype(np.int64))
    keys = ticket_key(result.tickets, key)
    keys = keys.cat.reorder_categories(sorted(keys.cat.categories, key=str))
    frame = pd.DataFrame({"_row": keys.index.to_numpy(dtype=np.int64), key: keys.to_numpy()})
    frame[key] = frame[key].astype(keys.dtype)
    return pairs.merge(frame, on="_row", how="left", sort=False).drop(columns="_row")


def worst_breaches(tables: Tables, top: int) -> pd.DataFrame:
    """The breaches with the most overdue time, across promises."""
    result = tables.result
    frames = []
    for o in result.outcomes:  # the top few of each promise first, then of them all
        late = np.flatnonzero((o.state == State.BREACHED) & (o.overdue != NAT))
        if top <= 0:
            late = late[:0]
        elif late.size > top:
            # the top few without sorting them all: those at least as late as the top-th, then
            # sorted (ties in row order, as a stable sort of everything would give)
            overdue = o.overdue[late]
            cut = np.partition(overdue, overdue.size - top)[overdue.size - top]
            late = late[overdue >= cut]
            late = late[np.argsort(-o.overdue[late], kind="stable")[:top]]
        if late.size:
            frames.append(outcome_frame(tables, o, late))
    if not frames:
        return (
            outcome_frame(tables, result.outcomes[0], np.array([], dtype=np.intp))
            if result.outcomes
            else pd.DataFrame()
        )
    table = pd.concat(frames, ignore_index=True)
    return (
        table.sort_values("overdue_seconds", ascending=False, kind="stable")
        .head(top)
        .reset_index(drop=True)
    )


def field_sources(result: AuditResult) -> list[tuple[str, str]]:
    """Per promise, the fields it read and the export column(s) each came from, as one line:
    `created_at ← Created at; first_response_at ← …`, a field read from a column of its own name
    just named (not escaped: each renderer escapes)."""
    return [
        (
            o.promise.id,
            "; ".join(f if src == f else f"{f} ← {src}" for f, src in o.fields.items()) or "–",
        )
        for o in result.outcomes
    ]


def coverage_failure(result: AuditResult) -> str | None:
    """Why the audit fails on coverage, in one sentence (None: it does not): the share, the
    minimum and the channels under it."""
    cov = result.coverage
    if cov is None or cov.passed or cov.minimum is None:
        return None
    low = ", ".join(f"{c.channel} {percent(c.share)}" for c in cov.under())
    return f"coverage {percent(cov.share)} is under the minimum {percent(cov.minimum)}" + (
        f"; channels under it: {low}" if low else ""
    )


def quality_items(result: AuditResult) -> list[str]:
    """The data-quality findings of an audit, one sentence each (not escaped: each renderer
    escapes for its own format)."""
    src = result.source
    items = []
    for field_name, counts in result.unknown_values.items():
        shown = ", ".join(f"{safe_text(k)} ({v})" for k, v in list(counts.items())[:6])
        more = f" and {len(counts) - 6} more" if len(counts) > 6 else ""
        items.append(f"{field_name} values the charter does not know: {shown}{more}")
    if result.excluded:
        examples = ", ".join(safe_text(x) for x in result.excluded_examples)
        items.append(
            f"{result.excluded:,} tickets excluded by the charter from every promise "
            f"(e.g. {examples})"
        )
    if result.unmatched:
        examples = ", ".join(safe_text(x) for x in result.unmatched_examples)
        items.append(f"{result.unmatched:,} tickets match no promise (e.g. {examples})")
    cov = result.coverage
    if cov is not None and cov.tickets and (cov.minimum is not None or cov.covered < cov.tickets):
        items.append(safe_text(coverage_sentence(cov)))
    if len(src.skipped):
        reasons = src.skipped["reason"].value_counts()
        summary = "; ".join(f"{safe_text(r)} ({n})" for r, n in reasons.head(4).items())
        first = src.skipped.iloc[0]
        items.append(
            f"{len(src.skipped):,} rows skipped: {summary} — first at "
            f"{safe_text(first['file'])}:{int(first['line'])}"
        )
    if src.duplicates:
        examples = ", ".join(safe_text(x) for x in src.duplicate_examples)
        items.append(f"{src.duplicates:,} duplicate rows merged (latest wins), e.g. {examples}")
    if len(src.problems):
        items.append(f"{len(src.problems):,} unreadable cells left empty")
    items += [safe_text(d.sentence()) for d in result.reconciliation]
    items += [safe_text(note) for note in result.notes]
    for o in result.outcomes:
        items += [f"{o.promise.id}: {safe_text(note)}" for note in dict.fromkeys(o.notes)]
        unmeasurable = o.state == State.UNMEASURABLE
        # unless a note says it already (a note may also be about the measured pairs)
        if unmeasurable.any() and not set(pd.unique(o.reason[unmeasurable])) <= set(o.notes):
            top = pd.Series(o.reason[unmeasurable]).value_counts().head(3)
            shown = "; ".join(f"{safe_text(r)} ({n})" for r, n in top.items())
            items.append(f"{o.promise.id}: {int(unmeasurable.sum())} not measurable: {shown}")
    return items
