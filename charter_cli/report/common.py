"""What every audit renderer shares: the per-ticket table, formatting, and making text safe."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from charter_cli.audit import STATE_LABELS, AuditResult, Outcome, State
from charter_cli.clock import NAT
from charter_cli.frames import TEXT
from charter_cli.report.escape import safe_text

CSV_COLUMNS = [
    "ticket_id", "promise", "state", "started_at", "stopped_at", "deadline_at", "elapsed_seconds",
    "allowed_seconds", "overdue_seconds", "channel", "priority", "group", "assignee", "reason",
]  # fmt: skip
BREAKDOWNS = ("channel", "priority", "group", "assignee", "month", "calendar")


@dataclass(frozen=True)
class Options:
    """Renderer options chosen on the command line."""

    by: tuple[str, ...] = ()
    color: bool = False
    width: int = 100
    top: int = 10
    extra: dict[str, object] = field(default_factory=dict)


def iso(seconds: np.ndarray) -> np.ndarray:
    """UTC seconds → `2026-10-31T22:59:00Z` strings ('' for NAT), whole column."""
    arr = np.asarray(seconds, dtype=np.int64)
    text = np.datetime_as_string(arr.view("datetime64[s]"), unit="s").astype(object) + "Z"
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


def percent(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value * 100:.{digits}f}%"


def _named(t: pd.DataFrame, field: str) -> np.ndarray:
    """The charter's name for each value, or the export's own where the charter lacks it."""
    named = t[field].astype(object).to_numpy()
    if f"{field}_raw" in t:
        raw = t[f"{field}_raw"].astype(object).to_numpy()
        named = np.where(pd.isna(named), raw, named)
    return named


def outcome_frame(result: AuditResult, outcome: Outcome) -> pd.DataFrame:
    """One promise's pairs as a frame with the ticket's attributes (no formatting)."""
    t = result.tickets
    rows = outcome.rows
    return pd.DataFrame(
        {
            "ticket_id": t["ticket_id"].to_numpy(dtype=object)[rows],
            "promise": outcome.promise.id,
            "state": STATE_LABELS[outcome.state.astype(np.intp)],
            "started_at": outcome.started,
            "stopped_at": outcome.stopped,
            "deadline_at": outcome.deadline,
            "elapsed_seconds": outcome.elapsed,
            "allowed_seconds": outcome.allowed,
            "overdue_seconds": outcome.overdue,
            # the charter's name for the value, or the export's own when the charter lacks it
            "channel": _named(t, "channel")[rows],
            "priority": _named(t, "priority")[rows],
            "group": t["group"].to_numpy(dtype=object)[rows],
            "assignee": t["assignee"].to_numpy(dtype=object)[rows],
            "reason": outcome.reason,
            "created_at": t["created_at"].to_numpy()[rows],
            "subject": t["subject"].to_numpy(dtype=object)[rows],
            "calendar": outcome.calendar,
        }
    )


def pairs(result: AuditResult) -> pd.DataFrame:
    """Every (ticket, promise) pair of the audit, promise by promise."""
    frames = [outcome_frame(result, o) for o in result.outcomes]
    if not frames:
        return pd.DataFrame(columns=[*CSV_COLUMNS, "created_at", "subject", "calendar"])
    return pd.concat(frames, ignore_index=True)


def month_of(seconds: pd.Series, timezone: str) -> pd.Series:
    """`2026-10` in the charter's zone, for the month breakdown."""
    stamps = pd.to_datetime(seconds.to_numpy(dtype=np.int64), unit="s", utc=True).tz_convert(
        timezone
    )
    return pd.Series(stamps.strftime("%Y-%m"), index=seconds.index)


def breakdown(result: AuditResult, key: str) -> pd.DataFrame:
    """Per promise and value of `key`: met, breached, running, unmeasurable, compliance."""
    table = pairs(result)
    if key == "month":
        table["month"] = month_of(table["created_at"], result.charter.timezone)
    table[key] = table[key].fillna("(none)").astype(str)
    counts = (
        table.groupby(["promise", key, "state"], sort=False).size().unstack("state", fill_value=0)
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


def worst_breaches(result: AuditResult, top: int) -> pd.DataFrame:
    """The breaches with the most overdue time, across promises."""
    table = pairs(result)
    late = table.loc[(table["state"] == State.BREACHED.label) & (table["overdue_seconds"] != NAT)]
    return late.sort_values("overdue_seconds", ascending=False, kind="stable").head(top)


def neutralise(values: pd.Series) -> pd.Series:
    """Spreadsheet formula injection: a cell starting with = + - @ (or tab/CR) gets a leading '."""
    text = values.astype(TEXT)
    risky = text.str.match(r"^[=+\-@\t\r]").fillna(False)
    return text.mask(risky, "'" + text)


def quality_items(result: AuditResult) -> list[str]:
    """The data-quality findings of an audit, one sentence each (not escaped: each renderer
    escapes for its own format)."""
    src = result.source
    items = []
    for field_name, counts in result.unknown_values.items():
        shown = ", ".join(f"{safe_text(k)} ({v})" for k, v in list(counts.items())[:6])
        more = f" and {len(counts) - 6} more" if len(counts) > 6 else ""
        items.append(f"{field_name} values the charter does not know: {shown}{more}")
    if result.unmatched:
        examples = ", ".join(safe_text(x) for x in result.unmatched_examples)
        items.append(f"{result.unmatched:,} tickets match no promise (e.g. {examples})")
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
    from charter_cli.reconcile import reconcile

    items += [safe_text(d.sentence()) for d in reconcile(result)]
    items += [safe_text(note) for note in result.notes]
    for o in result.outcomes:
        items += [f"{o.promise.id}: {safe_text(note)}" for note in dict.fromkeys(o.notes)]
        unmeasurable = o.state == State.UNMEASURABLE
        if unmeasurable.any() and not o.notes:
            top = pd.Series(o.reason[unmeasurable]).value_counts().head(3)
            shown = "; ".join(f"{safe_text(r)} ({n})" for r, n in top.items())
            items.append(f"{o.promise.id}: {int(unmeasurable.sum())} not measurable: {shown}")
    return items
