"""Exports → the canonical ticket frame, with every row accounted for.

The importer knows nothing of the charter: it skips a row only for a missing id
or a missing or unparseable `created_at`; any other bad cell becomes empty and is listed in
`problems`, and the audit reports the promises that needed it as unmeasurable. More than 5 % of
unparseable values in a timestamp column stops the import (a wrong day-first setting must not
pass silently).

rows read = tickets + duplicates merged + skipped (for an event log: + events folded into their
ticket), asserted here and printed by the report.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from charter_cli.charter.model import TIME_FIELDS, normalise
from charter_cli.clock import NAT
from charter_cli.errors import InputError, UsageError, shown_path
from charter_cli.fields import TICKET_FIELDS
from charter_cli.frames import CATEGORY_FIELDS, TEXT, recode
from charter_cli.tickets.columns import (
    TEXT_FIELDS,
    Dates,
    categories,
    check_share,
    column_types,
    date_order,
    first_present,
)
from charter_cli.tickets.events import (
    collapse_event_log,
    event_log_fields,
    read_events,
    ticket_rows,
)
from charter_cli.tickets.profile import (
    Profile,
    check_columns,
    detect_profile,
    header_key,
    load_profile,
)
from charter_cli.tickets.rows import all_distinct, latest_wins, skip_rows
from charter_cli.tickets.sniff import (
    RawTable,
    open_export,
)
from charter_cli.tickets.timestamps import (
    EARLIEST,
    LATEST,
    ORDERS,
    Parsed,
    check_zone,
    end_of_day,
    parse_timestamps,
)
from charter_cli.workers import in_background

Progress = Callable[[str, int], None]


@dataclass
class Tickets:
    """The canonical tickets, their events, and the accounting of every input row:
    rows_read = tickets + duplicates + skipped + events_folded + events_used."""

    frame: pd.DataFrame  # one row per ticket; *_at columns are int64 UTC seconds (NAT missing)
    # ticket_id, at, status, category, group, escalation_level: an event log's by ticket id and
    # time, an events file's by ticket in the tickets' order and time (measures that need them
    # grouped ask Context.events_by_ticket)
    events: pd.DataFrame | None
    files: list[str]
    profile: str
    rows_read: int
    duplicates: int
    skipped: pd.DataFrame  # file, line, reason
    problems: pd.DataFrame  # ticket_id, field, value, file, line, reason
    fields: dict[str, str]  # present canonical field → its source column(s); the rest absent
    lacking: dict[str, tuple[str, ...]] = field(default_factory=dict)  # mapped, column not there
    events_folded: int = 0  # event-log rows folded into their ticket (not tickets themselves)
    events_file: str | None = None  # --events
    events_used: int = 0  # its rows that are events (the rest are in skipped)
    events_unmatched: int = 0  # of those, naming a ticket the exports do not have
    duplicate_examples: list[str] = field(default_factory=list)
    timezone: str = "UTC"
    notes: list[str] = field(default_factory=list)  # what the import noticed, for the report

    @property
    def missing_fields(self) -> tuple[str, ...]:
        """The canonical fields the export does not have (absent), in canonical order."""
        return tuple(f for f in TICKET_FIELDS if f not in self.fields)

    @property
    def count(self) -> int:
        return len(self.frame)

    def accounting(self) -> list[tuple[int, str]]:
        """Where the rows read went, for the reports: tickets and skipped always, the rest when
        there are any. They add up to rows_read."""
        parts = [(self.count, "tickets")]
        for n, what in (
            (self.duplicates, "duplicates merged"),
            (self.events_folded, "events folded"),
            (self.events_used, "events"),
        ):
            if n:
                parts.append((n, what))
        return [*parts, (len(self.skipped), "skipped")]


def _mapped_text(col: pd.Series, mapping: dict[str, str] | None) -> pd.Series:
    """Strip; apply the profile's value map on normalised values (per distinct value)."""
    table = mapping or {}

    def clean(value: str) -> str | None:
        text = value.strip()
        return table.get(normalise(text), text) if text else None

    return recode(col, clean)


@dataclass
class _File:
    """One file's rows in canonical columns, with what was found on the way."""

    frame: pd.DataFrame
    problems: list[pd.DataFrame]
    sources: dict[str, str]  # present canonical field → where its values come from
    lacking: dict[str, tuple[str, ...]]  # mapped fields whose column the file lacks
    distinct_ids: bool  # no ticket id repeats within the file


def _stamp_columns(profile: Profile, names: Sequence[str]) -> list[str]:
    """The export columns the profile reads as timestamps."""
    header = {header_key(str(n)): str(n) for n in names}
    wanted = [alts for fld, alts in profile.columns.items() if fld in TIME_FIELDS]
    if profile.layout == "event-log" and profile.event_at:
        wanted.append((profile.event_at,))
    return [c for alts in wanted if (c := first_present(header, alts)) is not None]


def _canonical(
    raw: RawTable, profile: Profile, timezone: str, file_index: int, dates: Dates
) -> _File:
    """One file's rows in canonical columns, the problems found, and the missing fields."""
    header = {header_key(str(c)): str(c) for c in raw.frame.columns}
    source = raw.frame
    out: dict[str, object] = {}
    sources: dict[str, str] = {}
    lacking: dict[str, tuple[str, ...]] = {}
    problems: list[pd.DataFrame] = []
    n = len(source)
    stamp_columns = {
        fld: column
        for fld, alternatives in profile.columns.items()
        if fld in TIME_FIELDS and (column := first_present(header, alternatives)) is not None
    }
    id_column = first_present(header, profile.columns["ticket_id"])
    tz = profile.timezone or timezone

    # on the thread pool, while the text columns are mapped here: the timestamp columns, side by
    # side, and whether any ticket id repeats (a hash of every id); both run without the GIL
    def parse(fld: str, column: str) -> Callable[[], Parsed]:
        series: pd.Series = source[column]
        return lambda: parse_timestamps(
            series, profile.formats, tz, dates=fld == "due_at", **dates.of(column)
        )

    def id_check(column: str) -> Callable[[], tuple[pd.Series, bool]]:
        def run() -> tuple[pd.Series, bool]:
            ids = source[column].astype(TEXT).str.strip()
            return ids, profile.layout == "tickets" and all_distinct(ids)

        return run

    pending = {fld: in_background(parse(fld, column)) for fld, column in stamp_columns.items()}
    identified = in_background(id_check(id_column)) if id_column else None
    texts: dict[str, Future[pd.Series]] = {}
    for fld, alternatives in profile.columns.items():
        column = first_present(header, alternatives)
        if column is None:
            lacking[fld] = alternatives
            continue
        sources[fld] = column
        if fld == "ticket_id":
            pass
        elif fld == "reopens":
            out[fld] = pd.to_numeric(source[column], errors="coerce").astype("Int64")
        elif fld in CATEGORY_FIELDS or fld in profile.values:
            out[fld] = _mapped_text(source[column], dict(profile.values.get(fld, {})))
        elif fld not in TIME_FIELDS:
            texts[fld] = in_background(lambda c=column: _stripped(source[c]))  # type: ignore[misc, arg-type]
    for fld, text in texts.items():
        out[fld] = text.result()
    for fld, future in pending.items():
        column = stamp_columns[fld]
        col = source[column]
        parsed = future.result()
        seconds = parsed.seconds
        day = parsed.date_only & (seconds != NAT)
        if fld == "due_at" and day.any():
            # a due date without a time means the end of that local day
            seconds = seconds.copy()
            seconds[day] = end_of_day(seconds[day], tz)
        out[fld] = seconds
        check_share(col, parsed.bad, fld, column, raw)
        if parsed.bad.any() and fld != "created_at":
            problems.append(
                pd.DataFrame(
                    {
                        "row": np.flatnonzero(parsed.bad),
                        "field": fld,
                        "value": _as_text(col[parsed.bad]).to_numpy(dtype=object),
                        "reason": f"{fld} is not a date",
                    }
                )
            )
        elif fld == "created_at":
            out["_created_bad"] = parsed.bad
    distinct = False
    if identified is not None:
        out["ticket_id"], distinct = identified.result()
    for fld, (base, minutes_col) in profile.derive.items():
        column = first_present(header, (minutes_col,))
        if column is None:
            lacking.setdefault(fld, (minutes_col,))
            continue
        if base not in out:
            continue
        minutes = pd.to_numeric(source[column], errors="coerce").to_numpy(dtype=float)
        start = np.asarray(out[base])
        # a derived instant gets the plausible-years bound a parsed one gets: 1e12 minutes
        # would stretch the calendar over two million years (NaN compares False: no warning)
        ok = (np.abs(minutes) < (LATEST - EARLIEST) / 60) & (start != NAT)
        derived = start + np.round(np.where(ok, minutes, 0) * 60).astype(np.int64)
        ok &= (derived >= EARLIEST) & (derived < LATEST)
        derived = np.where(ok, derived, NAT)
        bad = ~ok & (start != NAT) & ~np.isnan(minutes)
        if bad.any():
            problems.append(
                pd.DataFrame(
                    {
                        "row": np.flatnonzero(bad),
                        "field": fld,
                        "value": _as_text(source[column][bad]).to_numpy(dtype=object),
                        "reason": f"{fld}: {column} is not a plausible number of minutes",
                    }
                )
            )
        existing = np.asarray(out.get(fld, np.full(n, NAT, dtype=np.int64)))
        out[fld] = np.where(existing == NAT, derived, existing)
        sources[fld] = f"{sources[base]} + {column} (minutes)"
        lacking.pop(fld, None)
    for name, column_name in profile.vendor.items():
        column = first_present(header, (column_name,))
        if column is not None:
            out[f"vendor_{name}"] = source[column].astype(TEXT).str.strip()
    if profile.layout == "event-log" and profile.event_at:
        column = first_present(header, (profile.event_at,))
        if column is None:
            raise InputError(f"the event log has no {profile.event_at!r} column", path=raw.path)
        parsed = parse_timestamps(source[column], profile.formats, tz, **dates.of(column))
        check_share(source[column], parsed.bad, "event time", column, raw)
        out["_at"] = parsed.seconds
        for i, name in enumerate(profile.event_order):
            col_name = first_present(header, (name,))
            if col_name is not None:
                out[f"_order{i}"] = pd.to_numeric(source[col_name], errors="coerce").to_numpy(
                    dtype=float
                )
    for fld in TIME_FIELDS:
        if fld not in out:
            out[fld] = np.full(n, NAT, dtype=np.int64)
    for fld in TEXT_FIELDS:
        if fld not in out:
            out[fld] = _no_text(n, categorical=fld in CATEGORY_FIELDS)
    # copy=False: each column stays the array it is (pandas would otherwise copy all int64
    # columns into one block, and a million-row audit pays for every such copy)
    frame = pd.DataFrame(out, index=pd.RangeIndex(n), copy=False)
    if "status" in frame:
        frame["status_category"] = categories(frame["status"], profile)
    frame["source_file"] = pd.Categorical.from_codes(
        np.zeros(n, dtype=np.int8), categories=pd.Index([raw.path])
    )
    frame["source_line"] = raw.lines
    frame["_file"] = file_index
    for p in problems:
        p["ticket_id"] = frame["ticket_id"].to_numpy(dtype=object)[p["row"].to_numpy()]
        p["file"] = raw.path
        p["line"] = raw.lines[p["row"].to_numpy()]
    return _File(frame, problems, sources, lacking, distinct)


def _stripped(col: pd.Series) -> pd.Series:
    """Free text (a subject): stripped, blank as missing; never a categorical of a million
    distinct values."""
    text = col.astype(TEXT).str.strip()
    return text.mask(text == "")


def _no_text(n: int, *, categorical: bool) -> pd.Series:
    """A text column of `n` missing values, built without a Python object per row."""
    if categorical:
        codes = np.full(n, -1, dtype=np.int8)
        return pd.Series(pd.Categorical.from_codes(codes, categories=pd.Index([], dtype=object)))
    return pd.Series(pd.array(pa.nulls(n, pa.large_string()), dtype=TEXT))


def _as_text(values: pd.Series) -> pd.Series:
    """Cells as the export wrote them, near enough: parsed timestamps back in ISO form."""
    if values.dtype.kind == "M":  # read as instants while parsed: the same instant in UTC
        utc = getattr(values.dtype, "tz", None) is not None
        return pd.Series(values.dt.strftime("%Y-%m-%dT%H:%M:%SZ" if utc else "%Y-%m-%d %H:%M:%S"))
    return values


def read_tickets(
    files: Sequence[Path],
    *,
    profile: str | None = None,
    timezone: str | Callable[[], str] = "UTC",
    events_file: Path | None = None,
    progress: Progress | None = None,
    order: str | None = None,
    input_tz: str | None = None,
) -> Tickets:
    """Read one or more exports of the same helpdesk into canonical tickets. `timezone` (the zone
    of times without an offset) may be a function, asked only once the first file is parsed: the
    charter that names it can be loading meanwhile. `input_tz` overrides it and the profile's
    zone; `order` (dayfirst, monthfirst) overrides the profile's stated order of numeric dates,
    which the data decides wherever it can."""
    if not files:
        raise InputError("no ticket export given")
    if order is not None and order not in ORDERS:
        raise UsageError(f"unknown day and month order {order!r}: dayfirst or monthfirst")
    if input_tz is not None and not check_zone(input_tz):
        raise UsageError(
            f"--input-tz {input_tz!r} is not a time zone (an IANA name such as Europe/Oslo, "
            "America/New_York or UTC)"
        )
    stated_by = f"--{order}"

    def adjusted(found: Profile) -> Profile:
        nonlocal stated_by
        if order is None:
            stated_by = f"profile {found.name}"
        return replace(found, order=order or found.order, timezone=input_tz or found.timezone)

    chosen: Profile | None = adjusted(load_profile(profile)) if profile else None
    notes: list[str] = []
    frames: list[pd.DataFrame] = []
    problems: list[pd.DataFrame] = []
    skipped_parts: list[pd.DataFrame] = []
    sources: dict[str, str] | None = None
    lacking: dict[str, tuple[str, ...]] = {}
    rows_read = 0
    distinct = len(files) == 1
    for index, file in enumerate(files):
        export = open_export(file)
        if chosen is None:
            chosen = adjusted(detect_profile(export.names, export.path).profile)
        header = {header_key(str(c)) for c in export.names}
        for required in ("ticket_id", "created_at"):
            if not any(header_key(a) in header for a in chosen.columns[required]):
                raise InputError(
                    f"no column for {required} (profile {chosen.name} expects "
                    f"{' or '.join(map(repr, chosen.columns[required]))})",
                    path=export.path,
                )
        notes += _repeated_notes(export.path, export.repeated, chosen)
        raw = export.read(column_types(chosen, export.names), nulls=chosen.missing)
        if progress:
            progress(raw.path, raw.rows_read)
        if raw.rows_read == 0:
            raise InputError("has a header but no rows", path=raw.path)
        if callable(timezone):
            timezone = timezone()
        dates = date_order(raw, chosen, _stamp_columns(chosen, export.names), stated_by)
        notes += [dates.note] if dates.note else []
        part = _canonical(raw, chosen, timezone, index, dates)
        rows_read += raw.rows_read
        skipped_parts.append(
            pd.DataFrame(
                {
                    "file": raw.path,
                    "line": [ln for ln, _ in raw.skipped],
                    "reason": [r for _, r in raw.skipped],
                }
            )
        )
        frames.append(part.frame)
        problems.extend(part.problems)
        check_columns(part.lacking, sources or part.sources, export.names, chosen, export.path)
        lacking.update(part.lacking)
        # a field is present only when every file has it
        sources = (
            dict(part.sources)
            if sources is None
            else {
                k: v if part.sources[k] == v else f"{v} / {part.sources[k]}"
                for k, v in sources.items()
                if k in part.sources
            }
        )
        distinct = distinct and part.distinct_ids
    assert chosen is not None
    rows = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    rows, skipped_rows = skip_rows(rows)
    skipped_parts.append(skipped_rows)
    events: pd.DataFrame | None = None
    folded = 0
    assert sources is not None
    if chosen.layout == "event-log":
        rows, events, folded = collapse_event_log(rows)
        sources.update(event_log_fields(sources))
    # dropping rows cannot make distinct ids repeat
    tickets, duplicates, examples = latest_wins(rows, distinct=distinct)
    events_used = events_unmatched = 0
    if events_file is not None:
        assert isinstance(timezone, str)
        extra = read_events(events_file, chosen, timezone, stated_by=stated_by)
        notes += [extra.note] if extra.note else []
        rows_read += extra.rows_read
        skipped_parts.append(extra.skipped)
        events_used = len(extra.events)
        owner = ticket_rows(extra.events, tickets["ticket_id"])
        events_unmatched = int((owner < 0).sum())
        # grouped by ticket, in the tickets' order, each ticket's in time order (stable)
        grouped = np.lexsort((extra.events["at"].to_numpy(), owner))[events_unmatched:]
        more = extra.events.take(grouped).reset_index(drop=True)
        events = more if events is None else pd.concat([events, more], ignore_index=True)
    skipped = (
        pd.concat([p for p in skipped_parts if len(p)], ignore_index=True)
        if any(len(p) for p in skipped_parts)
        else pd.DataFrame({"file": [], "line": [], "reason": []})
    )
    skipped["line"] = skipped["line"].astype(np.int64)
    problem_frame = (
        pd.concat(problems, ignore_index=True).drop(columns=["row"])
        if problems
        else pd.DataFrame(
            {"field": [], "value": [], "reason": [], "ticket_id": [], "file": [], "line": []}
        )
    )
    accounted = len(tickets) + duplicates + len(skipped) + folded + events_used
    if accounted != rows_read:  # pragma: no cover - a bug, never the user's input
        raise AssertionError(
            f"rows read {rows_read} != tickets + duplicates + skipped + folded + events {accounted}"
        )
    tickets = tickets.drop(columns=["_file"])
    return Tickets(
        frame=tickets,
        events=events,
        files=[shown_path(f) for f in files],
        profile=chosen.name,
        rows_read=rows_read,
        duplicates=duplicates,
        skipped=skipped,
        problems=problem_frame,
        fields=sources,
        lacking=lacking,
        events_folded=folded,
        events_file=shown_path(events_file) if events_file is not None else None,
        events_used=events_used,
        events_unmatched=events_unmatched,
        duplicate_examples=examples,
        timezone=chosen.timezone or str(timezone),
        notes=notes,
    )


def _repeated_notes(path: str, repeated: dict[str, int], profile: Profile) -> list[str]:
    """A column the profile reads whose name the header repeats: the first of them is read."""
    used = {header_key(c) for c in profile.source_columns()}
    return [
        f"{path}: the header has {count} columns named {name!r}; the first is read"
        for name, count in repeated.items()
        if header_key(name) in used
    ]
