"""What every audit renderer shares: the per-ticket table, formatting, and making text safe."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from charter_cli.charter.selectors import selectable
from charter_cli.clock import NAT
from charter_cli.coverage import sentence as coverage_sentence
from charter_cli.errors import UsageError
from charter_cli.measures import measure_of
from charter_cli.outcome import State
from charter_cli.report.escape import safe_text
from charter_cli.summary import BREAKDOWNS, Summary, Tally


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
    if s == 0:
        return "no working time"  # all of it outside the hours, or paused
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


def promise_day(result: Summary, outcome: Tally) -> int | None:
    """The working day a promise's durations are told in (None: wall-clock)."""
    promise = outcome.promise
    return measure_of(promise.measure).business_day(result.charter, promise)


def late_by(result: Summary, row: Mapping[Hashable, Any]) -> str:
    """How late one breach was, as its promise counts time (a follow-up too early says so)."""
    if str(row.get("reason")) == "followed up too early":
        return "too early"
    promise = next(o.promise for o in result.outcomes if o.promise.id == str(row["promise"]))
    day = measure_of(promise.measure).business_day(result.charter, promise, str(row["calendar"]))
    return business_time(int(str(row["overdue_seconds"])), day)


def time_left(result: Summary, row: Mapping[Hashable, Any]) -> str:
    """How much of its allowance an instance at risk has left, as its promise counts time."""
    promise = next(o.promise for o in result.outcomes if o.promise.id == str(row["promise"]))
    day = measure_of(promise.measure).business_day(result.charter, promise, str(row["calendar"]))
    left = int(str(row["allowed_seconds"])) - int(str(row["elapsed_seconds"]))
    return business_time(left, day)


def percent(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value * 100:.{digits}f}%"


def field_sources(result: Summary) -> list[tuple[str, str]]:
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


def breakdown_keys(text: str | None) -> tuple[str, ...]:
    """`--by channel,tags,fields.tier` → the keys, each a built-in breakdown or a field a
    selector can name (type, status, tags, fields.NAME); anything else is a usage error."""
    keys = tuple(dict.fromkeys(k.strip() for k in (text or "").split(",") if k.strip()))
    unknown = [k for k in keys if k not in BREAKDOWNS and not selectable(k)]
    if unknown:
        raise UsageError(
            f"--by {','.join(unknown)}: choose from {', '.join(BREAKDOWNS)}, any ticket field "
            "(type, status, tags, …) or fields.NAME (a custom column of the profile)"
        )
    return keys


def coverage_failure(result: Summary) -> str | None:
    """Why the audit fails on coverage, in one sentence (None: it does not): the share, the
    minimum and the channels under it."""
    cov = result.coverage
    if cov is None or cov.passed or cov.minimum is None:
        return None
    low = ", ".join(f"{c.channel} {percent(c.share)}" for c in cov.under())
    return f"coverage {percent(cov.share)} is under the minimum {percent(cov.minimum)}" + (
        f"; channels under it: {low}" if low else ""
    )


def quality_items(result: Summary) -> list[str]:
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
        unmeasurable = o.count(State.UNMEASURABLE)
        # unless a note says it already (a note may also be about the measured pairs)
        if unmeasurable and not set(o.reasons) <= set(o.notes):
            top = list(o.reasons.items())[:3]
            shown = "; ".join(f"{safe_text(r)} ({n})" for r, n in top)
            items.append(f"{o.promise.id}: {unmeasurable} not measurable: {shown}")
    return items
