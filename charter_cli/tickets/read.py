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
from charter_cli.frames import CATEGORY_FIELDS, TEXT, recode, take_rows
from charter_cli.memory import give_back
from charter_cli.progress import FileProgress, Progress
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
    EVENT_TIME_NAMES,
    EventsFile,
    collapse_event_log,
    event_log_fields,
    grouped_order,
    read_events,
    ticket_rows,
)
from charter_cli.tickets.inputs import expand_inputs, total_bytes
from charter_cli.tickets.messages import (
    AUTHOR,
    MESSAGE_FIELDS,
    first_response_source,
    read_author,
    read_public,
    settled,
)
from charter_cli.tickets.profile import (
    REPEATED,
    Profile,
    VendorCheck,
    check_columns,
    detect_profile,
    header_key,
    load_profile,
)
from charter_cli.tickets.rows import Example, all_distinct, first_examples, latest_wins, skip_rows
from charter_cli.tickets.sniff import (
    RawTable,
    open_export,
)
from charter_cli.tickets.tags import read_tags, tag_columns
from charter_cli.tickets.timestamps import (
    EARLIEST,
    LATEST,
    ORDERS,
    Parsed,
    check_zone,
    end_of_day,
    parse_timestamps,
)
from charter_cli.workers import in_background, in_thread


@dataclass
class Tickets:
    """The canonical tickets, their events, and the accounting of every input row:
    rows_read = tickets + duplicates + skipped + events_folded + events_used."""

    frame: pd.DataFrame  # one row per ticket; *_at columns are int64 UTC seconds (NAT missing)
    # ticket_id, at, status, category, group, escalation_level: an event log's by ticket id and
    # time, an events file's by ticket in the tickets' order and time (measures that need them
    # grouped ask Context.events_by_ticket); with messages (has_messages) also author (object:
    # agent / customer / system, None for a change) and public (boolean, NA: not said, public)
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
    events_files: list[str] = field(default_factory=list)  # --events, each file it names
    events_used: int = 0  # its rows that are events (the rest are in skipped)
    events_unmatched: int = 0  # of those, naming a ticket the exports do not have
    # each event's row in `frame`, as the import matched them (None: not known); valid only
    # while `frame` holds the rows it was read with, in their order (a partition has its own)
    event_rows: np.ndarray | None = None
    duplicate_examples: list[str] = field(default_factory=list)
    timezone: str = "UTC"
    notes: list[str] = field(default_factory=list)  # what the import noticed, for the report
    checks: tuple[VendorCheck, ...] = ()  # the profile's `reconcile:` (vendor verdict columns)
    # on one partition of an audit: whether the whole input has a status history, a group
    # history and statuses in its events (a partition whose tickets have no events must judge
    # as the whole input does)
    whole_history: tuple[bool, bool, bool] | None = None
    total: int | None = None  # tickets, when `frame` does not hold them (a streamed audit)

    # the export or an events file maps `author`: messages are known (a ticket without any has
    # had none), and the first response is the first public agent message
    has_messages: bool = False

    @property
    def has_history(self) -> bool:
        """Status history known (an event log or --events), even if no event is for these
        tickets. A history of messages alone says nothing of statuses."""
        if self.whole_history is not None:
            return self.whole_history[0]
        return self.events is not None and _has_status(self.events)

    @property
    def has_group_history(self) -> bool:
        """Events that say which group held the ticket."""
        if self.whole_history is not None:
            return self.whole_history[1]
        return self.has_history and bool(self.events["group"].notna().any())  # type: ignore[index]

    @property
    def has_statuses(self) -> bool:
        """Events that carry a status (a history of group changes alone carries none): they say
        when a ticket entered a resolved state."""
        if self.whole_history is not None:
            return self.whole_history[2]
        return self.events is not None and bool(self.events["status"].notna().any())

    @property
    def events_file(self) -> str | None:
        """The events files as reports name them in one line (None: no --events)."""
        return ", ".join(self.events_files) or None

    @property
    def missing_fields(self) -> tuple[str, ...]:
        """The canonical fields the export does not have (absent), in canonical order; tags
        only matter to a charter that selects by them, which then says so itself."""
        return tuple(f for f in TICKET_FIELDS if f not in self.fields and f != "tags")

    @property
    def count(self) -> int:
        return len(self.frame) if self.total is None else self.total

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


def _has_status(events: pd.DataFrame) -> bool:
    if events.empty:
        return False
    return "author" not in events or bool(events["status"].notna().any())


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
        if fld in MESSAGE_FIELDS and profile.layout != "event-log":
            continue  # a message history comes with --events, never in a ticket export
        column = first_present(header, alternatives)
        if column is None:
            lacking[fld] = alternatives
            continue
        sources[fld] = column
        if fld == "ticket_id":
            pass
        elif fld == "author":
            out[fld] = read_author(
                source[column],
                profile.values.get(fld, {}),
                lines=raw.lines,
                path=raw.path,
                column=column,
            ).astype(AUTHOR)
        elif fld == "public":
            out[fld] = read_public(
                source[column],
                profile.values.get(fld, {}),
                negate=fld in profile.negated,
                lines=raw.lines,
                path=raw.path,
                column=column,
            )
        elif fld == "tags":
            found = tag_columns(list(source.columns), column, profile.tag_separator)
            out[fld] = read_tags(source, found, profile.tag_separator)
            if len(found) > 1:
                sources[fld] = f"{column} ({len(found)} columns)"
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
    for name, alternatives in profile.custom.items():
        column = first_present(header, alternatives)
        if column is None:
            lacking[f"fields.{name}"] = alternatives
            continue
        sources[f"fields.{name}"] = column
        out[f"fields.{name}"] = _mapped_text(source[column], None)
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


@dataclass
class FileRows:
    """One export file read: its rows that can be tickets (`_file` is the file's position in the
    input), the rows skipped, the problems found, and where its fields come from."""

    path: str
    frame: pd.DataFrame
    skipped: pd.DataFrame  # file, line, reason
    problems: list[pd.DataFrame]
    sources: dict[str, str]
    lacking: dict[str, tuple[str, ...]]
    notes: list[str]
    rows_read: int
    distinct: bool  # no ticket id repeats within the file


class Reader:
    """Reads the exports of one helpdesk a file at a time, with what they share: the profile
    (given, or detected from the first file), the zone of naive times and the stated day and
    month order. `timezone` may be a function, asked only once the first file is parsed (the
    charter that names it can be loading meanwhile); `input_tz` overrides it and the profile's
    zone; `order` (dayfirst, monthfirst) overrides the profile's stated order of numeric dates,
    which the data decides wherever it can."""

    def __init__(
        self,
        *,
        profile: str | None = None,
        timezone: str | Callable[[], str] = "UTC",
        order: str | None = None,
        input_tz: str | None = None,
    ) -> None:
        if order is not None and order not in ORDERS:
            raise UsageError(f"unknown day and month order {order!r}: dayfirst or monthfirst")
        if input_tz is not None and not check_zone(input_tz):
            raise UsageError(
                f"--input-tz {input_tz!r} is not a time zone (an IANA name such as "
                "Europe/Oslo, America/New_York or UTC)"
            )
        self.order, self.input_tz = order, input_tz
        self.stated_by = f"--{order}"
        self._timezone = timezone
        self.chosen: Profile | None = self._adjusted(load_profile(profile)) if profile else None
        self.first_sources: dict[str, str] | None = None

    def _adjusted(self, found: Profile) -> Profile:
        if self.order is None:
            self.stated_by = f"profile {found.name}"
        return replace(
            found, order=self.order or found.order, timezone=self.input_tz or found.timezone
        )

    @property
    def profile(self) -> Profile:
        assert self.chosen is not None, "no file read yet"
        return self.chosen

    def detect(self, file: Path) -> None:
        """Settle the profile from `file`'s header, before any file is read (readers in other
        processes then all read with it)."""
        if self.chosen is None:
            export = open_export(file)
            self.chosen = self._adjusted(detect_profile(export.names, export.path).profile)

    @property
    def timezone(self) -> str:
        if callable(self._timezone):
            self._timezone = self._timezone()
        return self._timezone

    def read(
        self,
        index: int,
        file: Path,
        progress: FileProgress | None = None,
        *,
        alone: bool = True,
        parsed: Callable[[], None] | None = None,
    ) -> FileRows:
        """The file at position `index` of the input (`progress` hears how far it is read).
        A file with a header and no rows is an error `alone`; among other files, a month
        without tickets, noted. `parsed` is called once the file is parsed, before its columns
        are made canonical."""
        export = open_export(file, progress=progress.start(index) if progress else None)
        if self.chosen is None:
            self.chosen = self._adjusted(detect_profile(export.names, export.path).profile)
        chosen = self.chosen
        header = {header_key(str(c)) for c in export.names}
        for required in ("ticket_id", "created_at"):
            if not any(header_key(a) in header for a in chosen.columns[required]):
                raise InputError(
                    f"no column for {required} (profile {chosen.name} expects "
                    f"{' or '.join(map(repr, chosen.columns[required]))})"
                    + _history_hint(header, chosen),
                    path=export.path,
                )
        notes = _repeated_notes(export.path, export.repeated, chosen)
        raw = export.read(column_types(chosen, export.names), nulls=chosen.missing)
        names, path = export.names, export.path
        del export  # the file's bytes: gone once parsed
        if parsed is not None:
            parsed()
        if progress:
            progress.columns(index)
        if raw.rows_read == 0 and alone:
            raise InputError("has a header but no rows", path=raw.path)
        if raw.rows_read == 0:
            notes.append(f"{raw.path}: a header and no rows")
        dates = date_order(raw, chosen, _stamp_columns(chosen, names), self.stated_by)
        notes += [dates.note] if dates.note else []
        part = _canonical(raw, chosen, self.timezone, index, dates)
        check_columns(part.lacking, self.first_sources or part.sources, names, chosen, path)
        if self.first_sources is None:
            self.first_sources = part.sources
        rows, skipped_rows = skip_rows(part.frame)
        skipped = pd.DataFrame(
            {
                "file": raw.path,
                "line": [ln for ln, _ in raw.skipped],
                "reason": [r for _, r in raw.skipped],
            }
        )
        if progress:
            progress.done(index)
        give_back(read=True)  # the file's bytes and the parse's buffers, before the next file
        return FileRows(
            path=raw.path,
            frame=rows,
            skipped=_by_line(skipped, skipped_rows),
            problems=part.problems,
            sources=part.sources,
            lacking=part.lacking,
            notes=notes,
            rows_read=raw.rows_read,
            distinct=part.distinct_ids,
        )


def _by_line(*parts: pd.DataFrame) -> pd.DataFrame:
    """Skipped rows of one file, in the order of its lines."""
    shown = [p for p in parts if len(p)]
    if not shown:
        return pd.DataFrame({"file": [], "line": [], "reason": []})
    frame = pd.concat(shown, ignore_index=True) if len(shown) > 1 else shown[0]
    return frame.sort_values("line", kind="stable", ignore_index=True)


def merged_sources(parts: Sequence[dict[str, str]]) -> dict[str, str]:
    """Where each file's fields come from → the input's: a field is present only when every
    file has it; read from different columns in different files, both are named."""
    sources = dict(parts[0])
    for part in parts[1:]:
        sources = {
            k: v if part[k] == v else f"{v} / {part[k]}" for k, v in sources.items() if k in part
        }
    return sources


def as_tickets(
    rows: pd.DataFrame, profile: Profile, *, distinct: bool
) -> tuple[pd.DataFrame, pd.DataFrame | None, int, int, list[Example]]:
    """Rows of one or more files → one row per ticket, in input order (by file and line; a
    folded ticket where its last row is): an event log folded into its tickets and their
    events, a ticket exported twice merged (the latest row wins). Also: the events folded, the
    duplicates merged and the first few of them. `_file` stays: the caller drops it."""
    events: pd.DataFrame | None = None
    folded = 0
    if profile.layout == "event-log":
        rows, events, folded = collapse_event_log(rows)
        order = np.lexsort((rows["source_line"].to_numpy(), rows["_file"].to_numpy()))
        rows = rows.iloc[order].reset_index(drop=True)
    # dropping rows cannot make distinct ids repeat
    tickets, duplicates, examples = latest_wins(rows, distinct=distinct)
    return tickets, events, folded, duplicates, examples


def events_paths(events: Path | str | Sequence[Path | str] | None) -> list[Path]:
    """The events files `--events` names (files, folders, globs: `expand_inputs`)."""
    if events is None:
        return []
    given = [events] if isinstance(events, (str, Path)) else list(events)
    return expand_inputs(given, what="events").files


def read_tickets(
    files: Sequence[Path | str],
    *,
    profile: str | None = None,
    timezone: str | Callable[[], str] = "UTC",
    events_file: Path | str | Sequence[Path | str] | None = None,
    progress: Progress | None = None,
    order: str | None = None,
    input_tz: str | None = None,
) -> Tickets:
    """Read one or more exports of the same helpdesk into canonical tickets (`Reader` says what
    `timezone`, `order` and `input_tz` do). Each of `files` and `events_file` is a file, a folder
    of them or a glob (`expand_inputs`); `progress` hears of every file read."""
    if not files:
        raise InputError("no ticket export given")
    named = expand_inputs(files)
    paths = named.files
    events_files = events_paths(events_file)
    reader = Reader(profile=profile, timezone=timezone, order=order, input_tz=input_tz)
    reading = FileProgress(progress, paths, "reading")
    alone = len(paths) == 1
    # a status history much smaller than the exports is read while the last export's columns
    # are made canonical, work that leaves a core idle (three million status changes beside a
    # million tickets: 0.15 s, benchmarks/README.md); a larger one after, not to hold both
    early: list[Future[EventsFile]] = []
    told: list[tuple[int, int, str]] = []  # how far it was read, told when its turn comes
    beside = bool(events_files) and 2 * total_bytes(events_files) <= total_bytes(paths)

    def read_events_beside() -> None:
        file, profile_read, zone = events_files[0], reader.profile, reader.timezone
        early.append(
            in_thread(
                lambda: read_events(
                    file,
                    profile_read,
                    zone,
                    stated_by=reader.stated_by,
                    progress=lambda *how_far: told.append(how_far),
                )
            )
        )

    parts = [
        reader.read(
            i,
            file,
            reading,
            alone=alone,
            parsed=read_events_beside if beside and i == len(paths) - 1 else None,
        )
        for i, file in enumerate(paths)
    ]
    if not any(p.rows_read for p in parts):
        raise InputError(f"the {len(paths)} exports have a header each but no rows")
    chosen = reader.profile
    full = [p.frame for p in parts if len(p.frame)] or [parts[0].frame]
    rows = pd.concat(full, ignore_index=True) if len(full) > 1 else full[0]
    distinct = len(parts) == 1 and parts[0].distinct
    sources = merged_sources([p.sources for p in parts])
    if chosen.layout == "event-log":
        sources.update(event_log_fields(sources))
    tickets, events, folded, duplicates, examples = as_tickets(rows, chosen, distinct=distinct)
    tickets = tickets.drop(columns=["_file"])
    skipped_parts = [p.skipped for p in parts]
    notes = named.notes() + [n for p in parts for n in p.notes]
    rows_read = sum(p.rows_read for p in parts)
    events_used = events_unmatched = 0
    # each event's ticket row, kept for the audit when every event comes from --events files
    event_rows: list[np.ndarray] | None = [] if events is None else None
    history = FileProgress(progress, events_files, "reading events")
    for index, file in enumerate(events_files):
        if index == 0 and early:
            extra = early.pop().result()
            within = history.start(index)
            if within is not None:
                for done, expected, unit in told:
                    within(done, expected, unit)
        else:
            extra = read_events(
                file,
                chosen,
                reader.timezone,
                stated_by=reader.stated_by,
                progress=history.start(index),
            )
        notes += [extra.note] if extra.note else []
        rows_read += extra.rows_read
        skipped_parts.append(extra.skipped)
        events_used += len(extra.events)
        owner = ticket_rows(extra.events, tickets["ticket_id"])
        unmatched = int((owner < 0).sum())
        events_unmatched += unmatched
        # grouped by ticket, in the tickets' order, each ticket's in time order (stable)
        grouped = grouped_order(owner, extra.events["at"].to_numpy())[unmatched:]
        ticket = owner[grouped]
        # each event's ticket id is its ticket's: taken from the tickets, whose rows `ticket` goes
        # through in order (three million events: 0.01 s, where a gather of the events' own ids
        # in that order took 0.12 s, benchmarks/README.md)
        del extra.events["ticket_id"]
        more = take_rows(extra.events, grouped, consume=True)  # the events as read, dropped
        ids = tickets["ticket_id"].astype(TEXT).array.take(ticket)
        more.insert(0, "ticket_id", pd.Series(ids, copy=False))
        if event_rows is not None:
            event_rows.append(ticket)
        del extra, owner, grouped, ticket, ids  # the file's events in their own order: gone now
        events = more if events is None else pd.concat([events, more], ignore_index=True)
        del more
        give_back(always=True)
        history.done(index)
    messages = "author" in sources or (events is not None and "author" in events)
    if messages:
        assert events is not None
        events = settled(events)
        sources["first_response_at"] = first_response_source(
            sources, ", ".join(shown_path(f) for f in events_files) or None
        )
    skipped = skipped_frame(skipped_parts)
    problems = [p for part in parts for p in part.problems]
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
    lacking: dict[str, tuple[str, ...]] = {}
    for part in parts:
        lacking.update(part.lacking)
    return Tickets(
        frame=tickets,
        events=events,
        files=[shown_path(f) for f in paths],
        profile=chosen.name,
        rows_read=rows_read,
        duplicates=duplicates,
        skipped=skipped,
        problems=problem_frame,
        fields=sources,
        lacking=lacking,
        events_folded=folded,
        events_files=[shown_path(f) for f in events_files],
        events_used=events_used,
        events_unmatched=events_unmatched,
        event_rows=np.concatenate(event_rows) if event_rows else None,
        duplicate_examples=first_examples(examples),
        timezone=chosen.timezone or reader.timezone,
        notes=notes,
        checks=chosen.reconcile,
        has_messages=messages,
    )


def skipped_frame(parts: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Every skipped row: file by file, in line order."""
    shown = [p for p in parts if len(p)]
    skipped = (
        pd.concat(shown, ignore_index=True)
        if shown
        else pd.DataFrame({"file": [], "line": [], "reason": []})
    )
    skipped["line"] = skipped["line"].astype(np.int64)
    return skipped


def _history_hint(header: set[str], profile: Profile) -> str:
    """For a status history among the exports (`--events history/*.csv` unquoted: the shell
    gives --events the first file and the exports the rest), what to do instead."""
    times = {header_key(n) for n in EVENT_TIME_NAMES}
    statuses = {header_key(n) for n in ("status", *profile.columns.get("status", ()))}
    if header & times and header & statuses:
        return (
            "; it looks like a status history: give it with --events, and quote a glob after "
            "--events ('history/*.csv'), which the shell would otherwise spread over the exports"
        )
    return ""


def _repeated_notes(path: str, repeated: dict[str, int], profile: Profile) -> list[str]:
    """A column the profile reads whose name the header repeats: the first of them is read."""
    used = {header_key(c) for c in profile.source_columns()}
    if profile.tag_separator == REPEATED:  # read whole: one column per tag
        used -= {header_key(c) for c in profile.columns.get("tags", ())}
    return [
        f"{path}: the header has {count} columns named {name!r}; the first is read"
        for name, count in repeated.items()
        if header_key(name) in used
    ]
