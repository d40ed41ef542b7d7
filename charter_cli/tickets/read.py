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

import difflib
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from charter_cli.charter.model import TIME_FIELDS, normalise
from charter_cli.clock import NAT
from charter_cli.errors import InputError, UsageError, shown_path
from charter_cli.fields import TICKET_FIELDS
from charter_cli.frames import CATEGORY_FIELDS, TEXT, arrow_array, recode
from charter_cli.tickets.profile import Profile, detect_profile, header_key, load_profile
from charter_cli.tickets.sniff import (
    CATEGORY,
    STRING,
    TIMESTAMP,
    Columns,
    RawTable,
    open_export,
    read_table,
)
from charter_cli.tickets.timestamps import (
    EARLIEST,
    LATEST,
    NUMERIC_FORMATS,
    ORDERS,
    NumericDates,
    Parsed,
    check_zone,
    decide_order,
    end_of_day,
    parse_timestamps,
    scan_numeric,
)
from charter_cli.workers import in_background, in_parallel

TEXT_FIELDS = (
    "channel",
    "priority",
    "status",
    "group",
    "assignee",
    "type",
    "subject",
    "escalation_level",
)
RESOLVED = ("solved", "closed")
CLOSE = 0.8  # difflib ratio from which a header name is taken for a typo of the profile's column
BAD_SHARE = 0.05  # more unparseable timestamps than this in a column: the import stops
Progress = Callable[[str, int], None]


@dataclass
class Tickets:
    """The canonical tickets, their events, and the accounting of every input row:
    rows_read = tickets + duplicates + skipped + events_folded + events_used."""

    frame: pd.DataFrame  # one row per ticket; *_at columns are int64 UTC seconds (NAT missing)
    events: pd.DataFrame | None  # ticket_id, at, status, category, group, escalation_level
    files: list[str]
    profile: str
    rows_read: int
    duplicates: int
    skipped: pd.DataFrame  # file, line, reason
    problems: pd.DataFrame  # ticket_id, field, value, file, line, reason
    missing_fields: tuple[str, ...]  # canonical fields the export does not have (absent)
    fields: dict[str, str] = field(default_factory=dict)  # present field → its source column(s)
    lacking: dict[str, tuple[str, ...]] = field(default_factory=dict)  # mapped, column not there
    events_folded: int = 0  # event-log rows folded into their ticket (not tickets themselves)
    events_file: str | None = None  # --events
    events_used: int = 0  # its rows that are events (the rest are in skipped)
    events_unmatched: int = 0  # of those, naming a ticket the exports do not have
    duplicate_examples: list[str] = field(default_factory=list)
    timezone: str = "UTC"
    notes: list[str] = field(default_factory=list)  # what the import noticed, for the report

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


def _first_present(header: dict[str, str], alternatives: Sequence[str]) -> str | None:
    for name in alternatives:
        found = header.get(header_key(name))
        if found is not None:
            return found
    return None


def _mapped_text(col: pd.Series, mapping: dict[str, str] | None) -> pd.Series:
    """Strip; apply the profile's value map on normalised values (per distinct value)."""
    table = mapping or {}

    def clean(value: str) -> str | None:
        text = value.strip()
        return table.get(normalise(text), text) if text else None

    return recode(col, clean)


def _categories(status: pd.Series, profile: Profile) -> pd.Series:
    return recode(status, lambda value: profile.statuses.get(normalise(value)))


def column_types(profile: Profile, names: Sequence[str]) -> Columns:
    """How to read each column the profile uses: naive ISO times as timestamps (when the
    profile's first format is ISO; a due date may be a bare date, so it stays text), ticket
    attributes as categories, the rest as text. Columns no field uses are not read at all."""
    header = {header_key(str(n)): str(n) for n in names}
    iso = bool(profile.formats) and profile.formats[0] == "iso"
    types: Columns = {}

    def want(alternatives: Sequence[str], kind: pa.DataType) -> None:
        column = _first_present(header, alternatives)
        if column is not None:  # one column read for two fields of different kinds: as text
            types[column] = kind if types.get(column, kind) == kind else STRING

    for fld, alternatives in profile.columns.items():
        if fld in TIME_FIELDS:
            want(alternatives, TIMESTAMP if iso and fld != "due_at" else STRING)
        else:
            want(alternatives, CATEGORY if fld in CATEGORY_FIELDS else STRING)
    for _, minutes in profile.derive.values():
        want((minutes,), STRING)
    for column_name in profile.vendor.values():
        want((column_name,), STRING)
    if profile.layout == "event-log" and profile.event_at:
        want((profile.event_at,), TIMESTAMP if iso else STRING)
        for name in profile.event_order:
            want((name,), STRING)
    return types


@dataclass
class _File:
    """One file's rows in canonical columns, with what was found on the way."""

    frame: pd.DataFrame
    problems: list[pd.DataFrame]
    sources: dict[str, str]  # present canonical field → where its values come from
    lacking: dict[str, tuple[str, ...]]  # mapped fields whose column the file lacks
    distinct_ids: bool  # no ticket id repeats within the file


ORDER_WORDS = {"dayfirst": "day-first", "monthfirst": "month-first"}


@dataclass(frozen=True)
class _Dates:
    """How one file's numeric dates are read: in one order, from each column's scan."""

    order: str | None = None
    scans: Mapping[str, NumericDates | None] = field(default_factory=dict)
    note: str | None = None  # for the reports, when the data did not decide it alone

    def of(self, column: str) -> dict[str, Any]:
        return {"order": self.order, "numeric": self.scans.get(column)}


def _date_order(raw: RawTable, profile: Profile, columns: Sequence[str], stated_by: str) -> _Dates:
    """The day and month order of a file's numeric dates, decided from the data across all its
    timestamp `columns`: the order under which every value parses wins; when
    both read every value (no day above 12), the stated order stands and a note says so; with no
    stated order the import stops and asks for one. Where neither reads every value, the one that
    reads more, and the bad cells go to the share check."""
    if not any(f in NUMERIC_FORMATS for f in profile.formats):
        return _Dates()
    values = {c: raw.frame[c] for c in dict.fromkeys(columns) if c in raw.frame}
    scanned = in_parallel([lambda v=v: scan_numeric(v) for v in values.values()])  # type: ignore[misc]
    scans = dict(zip(values, scanned, strict=True))
    found = decide_order(scans, values)
    if found.example is None:
        return _Dates(found.order or profile.order, scans)
    assert found.row is not None
    line = int(raw.lines[found.row])
    value = f"column {found.column!r}: {found.example!r}"
    if found.decided:
        assert found.order is not None
        note = None
        if profile.order not in (None, found.order):
            note = (
                f"{raw.path}: dates read {ORDER_WORDS[found.order]}, as the data shows (line "
                f"{line}, {value}), not {ORDER_WORDS[str(profile.order)]} as {stated_by} says"
            )
        return _Dates(found.order, scans, note)
    if found.mixed:
        why = f"{value} reads only day-first, and as many dates in the file read only month-first"
        said = f"the dates disagree (e.g. line {line}, {value} reads only day-first)"
    else:
        why = (
            f"{value} reads both day-first and month-first, and no date in the file tells "
            "which (no day above 12)"
        )
        said = f"no date tells day from month (no day above 12; e.g. line {line}, {value})"
    if profile.order is None:
        raise InputError(
            f"{why}; {stated_by} states no order: run again with --dayfirst or --monthfirst",
            path=raw.path,
            line=line,
        )
    note = f"{raw.path}: {said}: read {ORDER_WORDS[profile.order]}, as {stated_by} says"
    return _Dates(profile.order, scans, note)


def _stamp_columns(profile: Profile, names: Sequence[str]) -> list[str]:
    """The export columns the profile reads as timestamps."""
    header = {header_key(str(n)): str(n) for n in names}
    wanted = [alts for fld, alts in profile.columns.items() if fld in TIME_FIELDS]
    if profile.layout == "event-log" and profile.event_at:
        wanted.append((profile.event_at,))
    return [c for alts in wanted if (c := _first_present(header, alts)) is not None]


def _canonical(
    raw: RawTable, profile: Profile, timezone: str, file_index: int, dates: _Dates
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
        if fld in TIME_FIELDS and (column := _first_present(header, alternatives)) is not None
    }
    id_column = _first_present(header, profile.columns["ticket_id"])
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
            return ids, profile.layout == "tickets" and _all_distinct(ids)

        return run

    pending = {fld: in_background(parse(fld, column)) for fld, column in stamp_columns.items()}
    identified = in_background(id_check(id_column)) if id_column else None
    texts: dict[str, Future[pd.Series]] = {}
    for fld, alternatives in profile.columns.items():
        column = _first_present(header, alternatives)
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
        _check_share(col, parsed.bad, fld, column, raw)
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
        column = _first_present(header, (minutes_col,))
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
        column = _first_present(header, (column_name,))
        if column is not None:
            out[f"vendor_{name}"] = source[column].astype(TEXT).str.strip()
    if profile.layout == "event-log" and profile.event_at:
        column = _first_present(header, (profile.event_at,))
        if column is None:
            raise InputError(f"the event log has no {profile.event_at!r} column", path=raw.path)
        parsed = parse_timestamps(source[column], profile.formats, tz, **dates.of(column))
        _check_share(source[column], parsed.bad, "event time", column, raw)
        out["_at"] = parsed.seconds
        for i, name in enumerate(profile.event_order):
            col_name = _first_present(header, (name,))
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
        frame["status_category"] = _categories(frame["status"], profile)
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
    if values.dtype.kind == "M":
        return pd.Series(values.dt.strftime("%Y-%m-%d %H:%M:%S"))
    return values


def _check_share(col: pd.Series, bad: np.ndarray, fld: str, column: str, raw: RawTable) -> None:
    present = int(col.notna().sum())
    count = int(bad.sum())
    if present and count / present > BAD_SHARE:
        first = int(np.flatnonzero(bad)[0])
        value = col.iloc[first]  # a time read as one already (1970-01-01) is shown as text
        shown = repr(str(value)) if isinstance(value, pd.Timestamp) else repr(value)
        raise InputError(
            f"column {column!r} ({fld}): {count:,} of {present:,} values ({count / present:.0%}) "
            f"are not dates in the years 1970–2199, e.g. line {int(raw.lines[first])}: {shown}. "
            "Is it the right --profile, or a day-first/month-first mix-up?",
            path=raw.path,
        )


def _skip(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rows that cannot be tickets: no id, no or unparseable created_at."""
    no_id = (
        frame["ticket_id"].isna().to_numpy() | (frame["ticket_id"] == "").fillna(False).to_numpy()
    )
    created = frame["created_at"].to_numpy()
    bad_created = (
        frame.pop("_created_bad").to_numpy()
        if "_created_bad" in frame
        else np.zeros(len(frame), bool)
    )
    no_created = (created == NAT) & ~bad_created
    drop = no_id | bad_created | no_created
    if not drop.any():
        return frame, pd.DataFrame({"file": [], "line": [], "reason": []})
    reason = np.where(
        no_id[drop],
        "missing ticket id",
        np.where(bad_created[drop], "created_at is not a date", "missing created_at"),
    )
    skipped = pd.DataFrame(
        {
            "file": frame["source_file"].to_numpy()[drop],
            "line": frame["source_line"].to_numpy()[drop],
            "reason": reason,
        }
    )
    return frame.loc[~drop].reset_index(drop=True), skipped


def _all_distinct(ids: pd.Series) -> bool:
    """Whether no id (missing ones aside) repeats. Exports usually list tickets in id order, up
    or down: ids strictly ordered by (length, bytes), which puts `T9` before `T10`, cannot repeat,
    and that takes one comparison of neighbours. Otherwise Arrow hashes every id (without the
    GIL; pandas' duplicated() is several times slower)."""
    import pyarrow.compute as pc

    try:
        array = arrow_array(ids)
        if _strictly_ordered(array):
            return True
        nulls = int(array.null_count)  # type: ignore[attr-defined]
        return bool(len(pc.unique(array)) - (nulls > 0) == len(ids) - nulls)
    except (pa.ArrowException, TypeError):  # pragma: no cover - any other storage: the slow way
        present = ids.dropna()
        return not bool(present.duplicated().any())


def _strictly_ordered(values: object) -> bool:
    """Whether the strings (no missing one) strictly increase or strictly decrease in shortlex
    order: by length first, then byte by byte."""
    import pyarrow.compute as pc

    array = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    if not isinstance(array, pa.Array) or array.null_count or len(array) < 2:
        return False
    sizes = pc.binary_length(array)
    before, after = array.slice(0, len(array) - 1), array.slice(1)
    size_before, size_after = sizes.slice(0, len(array) - 1), sizes.slice(1)
    same_size = pc.equal(size_after, size_before)
    for longer, later in ((pc.greater, pc.greater), (pc.less, pc.less)):
        step = pc.or_(longer(size_after, size_before), pc.and_(same_size, later(after, before)))
        if pc.all(step).as_py():
            return True
    return False


def _latest_wins(frame: pd.DataFrame, *, distinct: bool) -> tuple[pd.DataFrame, int, list[str]]:
    """One row per ticket id: the row with the latest timestamp wins, then the later file/line.
    `distinct`: the ids are known not to repeat already."""
    if distinct or _all_distinct(frame["ticket_id"]):
        return frame.reset_index(drop=True), 0, []
    stamps = frame[[f for f in TIME_FIELDS if f != "due_at"]].to_numpy()
    last_seen = stamps.max(axis=1)
    order = np.lexsort((frame["source_line"].to_numpy(), frame["_file"].to_numpy(), last_seen))
    ordered = frame.iloc[order]
    dup = ordered["ticket_id"].duplicated(keep="last").to_numpy()
    examples = pd.unique(ordered.loc[dup, "ticket_id"])[:5].tolist()
    kept = (
        ordered.loc[~dup]
        .sort_values(["_file", "source_line"], kind="stable")
        .reset_index(drop=True)
    )
    return kept, int(dup.sum()), [str(e) for e in examples]


def _collapse_event_log(rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """An event log (one row per change) → one row per ticket, plus its events."""
    order_cols = sorted(c for c in rows.columns if c.startswith("_order"))
    keys = [rows["ticket_id"].to_numpy(dtype=object), rows["_at"].to_numpy()]
    keys += [rows[c].fillna(-1).to_numpy() for c in order_cols]
    keys += [rows["_file"].to_numpy(), rows["source_line"].to_numpy()]
    ordered = rows.iloc[np.lexsort(keys[::-1])].reset_index(drop=True)
    tid = ordered["ticket_id"]
    first_row = ~tid.duplicated(keep="first").to_numpy()
    last_row = ~tid.duplicated(keep="last").to_numpy()
    category = ordered["status_category"]
    resolved = category.isin(RESOLVED).fillna(False).to_numpy(dtype=bool)
    prev_resolved = np.concatenate(([False], resolved[:-1])) & ~first_row
    entering = resolved & ~prev_resolved
    group_id = np.cumsum(first_row) - 1  # ticket ordinal of every row
    at = ordered["_at"].to_numpy()
    n_tickets = int(first_row.sum())

    def last_where(mask: np.ndarray, values: np.ndarray) -> np.ndarray:
        out = np.full(n_tickets, NAT, dtype=np.int64)
        idx = np.flatnonzero(mask)
        out[group_id[idx]] = values[idx]  # later rows overwrite earlier ones
        return out

    def first_where(mask: np.ndarray, values: np.ndarray) -> np.ndarray:
        out = np.full(n_tickets, NAT, dtype=np.int64)
        idx = np.flatnonzero(mask)[::-1]
        out[group_id[idx]] = values[idx]
        return out

    tickets = ordered.loc[last_row].reset_index(drop=True).copy()
    # attributes: the latest non-empty value of each text field
    for fld in (*TEXT_FIELDS, "status_category"):
        if fld in ordered:
            tickets[fld] = (
                ordered.groupby(group_id, sort=True)[fld].last().reset_index(drop=True).astype(TEXT)
            )
    has_status = category.notna().any()
    final_resolved = resolved[last_row]
    created = ordered["created_at"].to_numpy()
    tickets["created_at"] = first_where(created != NAT, created)
    if has_status:
        column = ordered["resolved_at"].to_numpy()
        from_column = last_where(column != NAT, column)
        from_events = last_where(entering, at)
        resolved_at = np.where(from_column != NAT, from_column, from_events)
        tickets["resolved_at"] = np.where(
            final_resolved, resolved_at, NAT
        )  # reopened: not resolved
        moved_on = category.notna().to_numpy() & (category != "new").fillna(False).to_numpy()
        first_change = first_where(moved_on & (at != NAT), at)
        reply = ordered["first_response_at"].to_numpy()
        given = first_where(reply != NAT, reply)
        tickets["first_response_at"] = np.where(given != NAT, given, first_change)
        reopened = (~resolved) & prev_resolved
        counted = np.bincount(group_id[reopened], minlength=n_tickets)
        if "reopens" not in tickets or tickets["reopens"].isna().all():
            tickets["reopens"] = pd.array(counted, dtype="Int64")
        closed_col = ordered["closed_at"].to_numpy()
        closed = last_where(closed_col != NAT, closed_col)
        tickets["closed_at"] = np.where(final_resolved, closed, NAT)
    events = pd.DataFrame(
        {
            "ticket_id": ordered["ticket_id"].astype(TEXT),
            "at": at,
            "status": ordered["status"],
            "category": category,
            "group": ordered["group"],
            "escalation_level": ordered["escalation_level"],
        }
    )
    events = events.loc[events["at"] != NAT].reset_index(drop=True)
    folded = len(ordered) - n_tickets
    drop = [c for c in tickets.columns if c.startswith("_order") or c == "_at"]
    return tickets.drop(columns=drop), events, folded


def _close_names(
    lacking: dict[str, tuple[str, ...]],
    sources: dict[str, str],
    names: Sequence[str],
    profile: Profile,
    path: str,
) -> None:
    """A mapped column the export lacks while a header name is close to it is a typo, not an
    absent field: exit 2 with the suggestion and the profile's line."""
    used = {header_key(c) for c in sources.values()}
    free = {header_key(str(n)): str(n) for n in names if header_key(str(n)) not in used}
    for fld, alternatives in lacking.items():
        for wanted in alternatives:
            key = header_key(wanted)
            close = [
                (difflib.SequenceMatcher(None, key, k).ratio(), name) for k, name in free.items()
            ]
            close = [c for c in close if c[0] >= CLOSE]
            if close:
                best = max(close)[1]
                raise InputError(
                    f"profile {profile.name} maps {fld} to column {wanted!r}, which {path} does "
                    f"not have; did you mean {best!r}?",
                    path=profile.path,
                    line=profile.lines.get(fld),
                )


def _from_event_log(sources: dict[str, str]) -> dict[str, str]:
    """The fields an event log gives beyond its columns, once its rows are folded by ticket."""
    status = sources.get("status")
    if status is None:
        return {}
    derived = {
        "resolved_at": f"{sources['resolved_at']}, else entering a resolved {status}"
        if "resolved_at" in sources
        else f"the change into a resolved {status}",
        "first_response_at": sources.get(
            "first_response_at", f"the first change of {status} away from new"
        ),
        "reopens": sources.get("reopens", f"{status} leaving a resolved state"),
    }
    return derived


@dataclass
class EventsFile:
    """A separate status history (`--events`) and the accounting of its rows."""

    events: pd.DataFrame  # ticket_id, at, status, category, group, escalation_level
    skipped: pd.DataFrame  # file, line, reason
    rows_read: int
    note: str | None = None  # how its dates were read, when the data did not decide


# besides the profile's own event-log time column (ServiceNow's sys_updated_at)
EVENT_TIME_NAMES = (
    "at",
    "timestamp",
    "time",
    "changed_at",
    "changed at",
    "updated_at",
    "updated at",
    "updated time",
)


def read_events(
    file: Path, profile: Profile, timezone: str, *, stated_by: str = "the profile"
) -> EventsFile:
    """A separate status history (`--events`): ticket_id, at, status[, group, escalation_level],
    by their canonical names or by the names the export's profile gives those fields (so a
    history exported from the same helpdesk needs no renaming). Every row is an event or
    skipped with its line: no id, no time, a time that is not one, a malformed row."""
    raw = read_table(file)
    header = {header_key(str(c)): str(c) for c in raw.frame.columns}

    def names(fld: str, canonical: tuple[str, ...]) -> tuple[str, ...]:
        return (*canonical, *profile.columns.get(fld, ()))

    need = {
        "ticket_id": names("ticket_id", ("ticket_id", "ticket id", "id")),
        "at": (*EVENT_TIME_NAMES, *((profile.event_at,) if profile.event_at else ())),
        "status": names("status", ("status",)),
    }
    cols = {k: _first_present(header, v) for k, v in need.items()}
    lacking = [k for k, v in cols.items() if v is None]
    if lacking:
        wanted = "; ".join(
            f"{k}: {' or '.join(map(repr, dict.fromkeys(need[k])))}" for k in lacking
        )
        raise InputError(
            f"an events file needs a ticket id, a time and a status; no column for {wanted}",
            path=raw.path,
        )
    at = raw.frame[cols["at"]]
    dates = _date_order(raw, profile, [str(cols["at"])], stated_by)
    parsed = parse_timestamps(
        at, profile.formats, profile.timezone or timezone, **dates.of(str(cols["at"]))
    )
    _check_share(at, parsed.bad, "event time", str(cols["at"]), raw)
    ids = raw.frame[cols["ticket_id"]].astype(TEXT).str.strip()
    status = raw.frame[cols["status"]].astype(TEXT).str.strip()
    events = pd.DataFrame(
        {
            "ticket_id": ids,
            "at": parsed.seconds,
            "status": status,
            "category": _categories(status, profile),
        }
    )
    for fld in ("group", "escalation_level"):
        col = _first_present(header, names(fld, (fld,)))
        events[fld] = (
            raw.frame[col].astype(TEXT).str.strip()
            if col
            else pd.array([pd.NA] * len(events), dtype=TEXT)
        )
    no_id = (ids.isna() | (ids == "")).fillna(True).to_numpy()
    no_time = parsed.seconds == NAT
    drop = no_id | no_time
    reason = np.where(
        no_id,
        "missing ticket id",
        np.where(parsed.bad, "event time is not a date", "missing event time"),
    )[drop]
    skipped = pd.concat(
        [
            pd.DataFrame(
                {
                    "file": raw.path,
                    "line": [ln for ln, _ in raw.skipped],
                    "reason": [r for _, r in raw.skipped],
                }
            ),
            pd.DataFrame({"file": raw.path, "line": raw.lines[drop], "reason": reason}),
        ],
        ignore_index=True,
    ).sort_values("line", kind="stable", ignore_index=True)
    events = events.loc[~drop].sort_values(["ticket_id", "at"], kind="stable")
    return EventsFile(events.reset_index(drop=True), skipped, raw.rows_read, dates.note)


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
        dates = _date_order(raw, chosen, _stamp_columns(chosen, export.names), stated_by)
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
        _close_names(part.lacking, sources or part.sources, export.names, chosen, export.path)
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
    rows, skipped_rows = _skip(rows)
    skipped_parts.append(skipped_rows)
    events: pd.DataFrame | None = None
    folded = 0
    assert sources is not None
    if chosen.layout == "event-log":
        rows, events, folded = _collapse_event_log(rows)
        sources.update(_from_event_log(sources))
    # dropping rows cannot make distinct ids repeat
    tickets, duplicates, examples = _latest_wins(rows, distinct=distinct)
    events_used = events_unmatched = 0
    if events_file is not None:
        assert isinstance(timezone, str)
        extra = read_events(events_file, chosen, timezone, stated_by=stated_by)
        notes += [extra.note] if extra.note else []
        rows_read += extra.rows_read
        skipped_parts.append(extra.skipped)
        events_used = len(extra.events)
        known = extra.events["ticket_id"].isin(tickets["ticket_id"]).to_numpy()
        events_unmatched = int((~known).sum())
        more = extra.events.loc[known]
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
        missing_fields=tuple(f for f in TICKET_FIELDS if f not in sources),
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
