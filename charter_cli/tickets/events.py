"""Status history: an event-log export folded into one row per ticket and its events, and a
separate events file (`--events`), every row an event or skipped with its line."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from charter_cli.clock import I64, NAT
from charter_cli.errors import InputError
from charter_cli.frames import IN_PIECES, TEXT, arrow_array, recode
from charter_cli.progress import RowProgress
from charter_cli.tickets.columns import (
    RESOLVED,
    TEXT_FIELDS,
    categories,
    check_share,
    date_order,
    first_present,
)
from charter_cli.tickets.messages import (
    AUTHOR,
    MESSAGE_FIELDS,
    MESSAGE_TIME_NAMES,
    read_author,
    read_public,
    unknown_public,
)
from charter_cli.tickets.profile import Profile, header_key
from charter_cli.tickets.sniff import CATEGORY, STRING, TIMESTAMP, Columns, open_export
from charter_cli.tickets.timestamps import parse_timestamps
from charter_cli.workers import in_parallel


def collapse_event_log(rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """An event log (one row per change) → one row per ticket, plus its events."""
    order_cols = sorted(c for c in rows.columns if c.startswith("_order"))
    keys = [rows["ticket_id"].to_numpy(dtype=object), rows["_at"].to_numpy()]
    keys += [rows[c].fillna(-1).to_numpy() for c in order_cols]
    keys += [rows["_file"].to_numpy(), rows["source_line"].to_numpy()]
    ordered = rows.iloc[np.lexsort(keys[::-1])].reset_index(drop=True)
    tid = ordered["ticket_id"]
    first_row = ~tid.duplicated(keep="first").to_numpy()
    last_row = ~tid.duplicated(keep="last").to_numpy()
    group_id = np.cumsum(first_row) - 1  # ticket ordinal of every row
    category = ordered["status_category"]
    state = category
    if "author" in ordered:  # a message without a status leaves the ticket in the one it had
        silent = category.isna().to_numpy() & pd.notna(ordered["author"]).to_numpy()
        if silent.any():
            state = category.astype(object).where(
                ~silent, category.astype(object).groupby(group_id).ffill()
            )
    resolved = state.isin(RESOLVED).fillna(False).to_numpy(dtype=bool)
    prev_resolved = np.concatenate(([False], resolved[:-1])) & ~first_row
    entering = resolved & ~prev_resolved
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
    custom = [c for c in ordered.columns if str(c).startswith("fields.")]
    for fld in (*TEXT_FIELDS, "status_category", *custom):
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
            # each row's priority: a change of priority is known from the row it first shows on
            "priority": ordered["priority"],
        }
    )
    for name in MESSAGE_FIELDS:
        if name in ordered:
            events[name] = ordered[name].to_numpy()
            if name == "public":
                events[name] = events[name].astype("boolean")
    events = events.loc[events["at"] != NAT].reset_index(drop=True)
    folded = len(ordered) - n_tickets
    drop = [c for c in tickets.columns if c.startswith("_order") or c in ("_at", *MESSAGE_FIELDS)]
    return tickets.drop(columns=drop), events, folded


def event_log_fields(sources: dict[str, str]) -> dict[str, str]:
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

    # ticket_id, at, status, category, group, escalation_level, priority; with messages also
    # author (agent / customer / system, None: no message) and public (nullable boolean)
    events: pd.DataFrame
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
    file: Path,
    profile: Profile,
    timezone: str,
    *,
    stated_by: str = "the profile",
    progress: RowProgress | None = None,
) -> EventsFile:
    """A separate status history (`--events`): ticket_id, at, status[, group, escalation_level,
    priority],
    by their canonical names or by the names the export's profile gives those fields (so a
    history exported from the same helpdesk needs no renaming). Every row is an event or
    skipped with its line: no id, no time, a time that is not one, a malformed row. A workbook
    tells `progress` of its rows as they are read, a CSV of its bytes."""
    export = open_export(file, progress=progress)
    header = {header_key(str(c)): str(c) for c in export.names}

    def names(fld: str, canonical: tuple[str, ...]) -> tuple[str, ...]:
        return (*canonical, *profile.columns.get(fld, ()))

    author = first_present(header, names("author", ("author",)))
    public = first_present(header, ("public",))
    negate = False
    if public is None:
        public = first_present(header, profile.columns.get("public", ()))
        negate = "public" in profile.negated
    times = (*EVENT_TIME_NAMES, *((profile.event_at,) if profile.event_at else ()))
    if author is not None:  # a message's time is when it was sent, not when it was edited
        times = (*MESSAGE_TIME_NAMES, *times)
    need = {
        "ticket_id": names("ticket_id", ("ticket_id", "ticket id", "id")),
        "at": times,
        "status": names("status", ("status",)),
    }
    cols = {k: first_present(header, v) for k, v in need.items()}
    lacking = [k for k, v in cols.items() if v is None and not (k == "status" and author)]
    if lacking:
        wanted = "; ".join(
            f"{k}: {' or '.join(map(repr, dict.fromkeys(need[k])))}" for k in lacking
        )
        if "status" in lacking:
            wanted += "; author: " + " or ".join(map(repr, names("author", ("author",))))
        raise InputError(
            "an events file needs a ticket id, a time, and a status or a message author; "
            f"no column for {wanted}",
            path=export.path,
        )
    extra = {
        f: first_present(header, names(f, (f,))) for f in ("group", "escalation_level", "priority")
    }
    # only these columns are parsed, each as what it is (as for ticket exports: times by pyarrow
    # while it reads, statuses and groups as dictionaries): on three million events, 2 s
    # instead of 12 s read as text and converted afterwards
    iso = bool(profile.formats) and profile.formats[0] == "iso"
    types: Columns = {str(cols["ticket_id"]): STRING}
    for col in (cols["status"], author, public):
        if col is not None:
            types[col] = CATEGORY
    types[str(cols["at"])] = TIMESTAMP if iso else STRING
    for fld, col in extra.items():
        if col is not None:
            types.setdefault(col, CATEGORY if fld == "group" else STRING)
    raw = export.read(types)
    del export  # the file's bytes (629 MB for six million messages): gone before the frame is built
    at = raw.frame[cols["at"]]
    dates = date_order(raw, profile, [str(cols["at"])], stated_by)
    parsed = parse_timestamps(
        at, profile.formats, profile.timezone or timezone, **dates.of(str(cols["at"]))
    )
    check_share(at, parsed.bad, "event time", str(cols["at"]), raw)
    ids = raw.frame[cols["ticket_id"]].astype(TEXT).str.strip()
    status = (
        _stripped(raw.frame[cols["status"]])
        if cols["status"] is not None
        else pd.Series(pd.array(pa.nulls(len(ids), pa.large_string()), dtype=TEXT))
    )
    events = pd.DataFrame(
        {
            "ticket_id": ids,
            "at": parsed.seconds,
            "status": status,
            "category": categories(status, profile),
        }
    )
    for fld, col in extra.items():
        events[fld] = _stripped(raw.frame[col]) if col else absent(len(events))
        if col and fld == "priority" and profile.values.get(fld):  # `3 - Moderate` → normal
            from charter_cli.tickets.read import _mapped_text

            events[fld] = _mapped_text(raw.frame[col], dict(profile.values[fld])).astype(TEXT)
    if author is not None:
        events["author"] = read_author(
            raw.frame[author],
            profile.values.get("author", {}),
            lines=raw.lines,
            path=raw.path,
            column=author,
        ).astype(AUTHOR)
        events["public"] = (
            read_public(
                raw.frame[public],
                profile.values.get("public", {}),
                negate=negate,
                lines=raw.lines,
                path=raw.path,
                column=public,
            )
            if public is not None
            else unknown_public(len(events))
        )
    no_id = (ids.isna() | (ids == "")).fillna(True).to_numpy()
    no_time = parsed.seconds == NAT
    drop = no_id | no_time
    reason = np.where(  # for the dropped rows only: no string per event
        no_id[drop],
        "missing ticket id",
        np.where(parsed.bad[drop], "event time is not a date", "missing event time"),
    )
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
    # in the file's order: the importer groups them by ticket (by_ticket), with integers; a sort
    # by the id strings took 3-5 s on three million events
    kept = events.loc[~drop].reset_index(drop=True) if drop.any() else events  # no copy
    return EventsFile(kept, skipped, raw.rows_read, dates.note)


def absent(n: int) -> pd.Series:
    """A column the events file does not have (group, escalation level, priority): `n`
    missing values as a categorical of one byte a row (six million events: 6 MB, where text
    took 49 MB and the grouping's take of it 0.1 s)."""
    return pd.Series(pd.Categorical.from_codes(np.full(n, -1, np.int8), dtype=NOTHING))


NOTHING = pd.CategoricalDtype(pd.Index([], dtype=object))


def _stripped(col: pd.Series) -> pd.Series:
    """Text stripped of spaces: a categorical stays one (its few values stripped, not every
    row), other text as text."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        return recode(col, lambda value: value.strip() or None)
    return col.astype(TEXT).str.strip()


def ticket_rows(events: pd.DataFrame, ticket_ids: pd.Series) -> I64:
    """For each event, the row of its ticket in `ticket_ids` (distinct ids; -1: none): by
    number where the ids are numbers (`by_number`), else Arrow hashes the ids. No Python
    string per event (pandas' `isin` of a million tickets took 10 s on three million events,
    building object arrays per value)."""
    ids: Any = arrow_array(events["ticket_id"].astype(TEXT))
    known: Any = arrow_array(ticket_ids.astype(TEXT))
    if known.type != ids.type:
        known = pc.cast(known, ids.type)
    numbered = by_number(ids, known)
    if numbered is not None:
        return numbered

    # the events in a piece per core, each piece hashing the tickets' ids again (3M events of
    # 1M tickets: 0.44 -> 0.30 s on two cores, benchmarks/README.md)
    def rows(part: Any) -> I64:
        found = pc.fill_null(pc.index_in(part, value_set=known), -1)
        return np.asarray(found.to_numpy(zero_copy_only=False), dtype=np.int64)

    return _in_pieces(ids, rows) if len(ids) > len(known) else rows(ids)


def by_number(ids: Any, known: Any) -> I64 | None:
    """`ticket_rows` where every ticket's id is one prefix and a number (`48213`, `SUP-1207`,
    `INC0012345`): the numbers matched as integers, by a table of the tickets' numbers when they
    are dense, else by a search of them sorted. Only where the number says the id: the tickets'
    digits are either of one width or without a leading zero (`7` and `007` would be one
    number), and an event's id of any other form is no ticket's. None where the tickets' ids
    are not so (three million events of a million tickets: 0.45 s of CPU hashing the strings,
    0.1 s so, benchmarks/README.md)."""
    if not len(known) or known.null_count:
        return None
    first = known[0].as_py()
    prefix = first[: next((i for i, c in enumerate(first) if c.isdigit()), len(first))]
    digits, lengths, ok = _digits(known, prefix)
    if not pc.all(ok).as_py():
        return None
    widths = pc.min_max(lengths).as_py()
    width = widths["min"] if widths["min"] == widths["max"] else None
    if width is None and pc.any(_padded(digits, lengths)).as_py():
        return None
    have = _integers(digits)
    low, high = int(have.min()), int(have.max())
    dense = high - low < 4 * have.size + (1 << 16)
    if dense:  # a table from number to row
        table = np.full(high - low + 1, -1, dtype=np.int64)
        table[have[::-1] - low] = np.arange(have.size - 1, -1, -1, dtype=np.int64)  # first wins
    else:  # the numbers sorted, searched
        order = np.argsort(have, kind="stable")
        ranked = have[order]

    def rows(part: Any) -> I64:
        theirs, lengths, ok = _digits(part, prefix)
        form = (
            pc.equal(lengths, width) if width is not None else pc.invert(_padded(theirs, lengths))
        )
        valid = pc.fill_null(pc.and_(ok, form), False)
        found = _integers(pc.if_else(valid, theirs, pa.scalar("0", theirs.type)))
        mine = np.asarray(valid.to_numpy(zero_copy_only=False), dtype=bool)
        if dense:
            at = found - low
            mine &= (at >= 0) & (at <= high - low)
            return np.where(mine, table[np.where(mine, at, 0)], -1)
        pos = np.minimum(np.searchsorted(ranked, found), ranked.size - 1)
        return np.where(mine & (ranked[pos] == found), order[pos], -1)

    # pieces of a quarter million ids: each one's digits, numbers and checks held only while
    # it is matched (six million messages: 170 MB less at that moment)
    return _in_pieces(ids, rows, step=NUMBERED)


NUMBERED = 1 << 18  # ids matched by number in one piece


def _in_pieces(ids: Any, rows: Callable[[Any], I64], *, step: int | None = None) -> I64:
    """`rows` of `ids`, a piece per core when they are many, or pieces of `step` ids on the
    worker pool (what a piece allocates for a while is then that much smaller)."""
    if step is None:
        pieces = min(os.cpu_count() or 1, 4) if len(ids) >= IN_PIECES else 1
        step = -(-len(ids) // pieces)
    step = max(step, 1)
    parts = in_parallel([partial(rows, ids.slice(at, step)) for at in range(0, len(ids), step)])
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def _digits(arr: Any, prefix: str) -> tuple[Any, Any, Any]:
    """What follows `prefix` in each id, its length in bytes, and whether the id is `prefix`
    and 1 to 18 digits (a number an int64 holds)."""
    digits = pc.utf8_slice_codeunits(arr, len(prefix)) if prefix else arr
    lengths = pc.binary_length(digits)
    ok = pc.and_(pc.ascii_is_decimal(digits), pc.less_equal(lengths, 18))  # "" is not decimal
    if prefix:
        ok = pc.and_(ok, pc.starts_with(arr, prefix))
    return digits, lengths, ok


def _padded(digits: Any, lengths: Any) -> Any:
    """Digits with a leading zero (`007`, not `0`)."""
    return pc.and_(pc.starts_with(digits, "0"), pc.greater(lengths, 1))


def _integers(digits: Any) -> I64:
    return np.asarray(pc.cast(digits, pa.int64()).to_numpy(zero_copy_only=False), np.int64)


def by_ticket(
    events: pd.DataFrame, ticket_ids: pd.Series, rows: I64 | None = None
) -> tuple[I64, I64]:
    """The order that groups `events` by ticket, in time order within each (stable), and for
    each event in that order the row of its ticket in `ticket_ids` (-1: none); integers only,
    no sort of strings. `rows`: each event's ticket row when the import matched them already."""
    if rows is None:
        rows = ticket_rows(events, ticket_ids)
    at = events["at"].to_numpy()
    if _grouped(rows, at):  # as an import leaves them: no sort (0.5–1 s on three million)
        return np.arange(rows.size, dtype=np.int64), rows
    order = grouped_order(rows, at)
    return order, rows[order]


def grouped_order(rows: I64, at: I64) -> I64:
    """The stable order that groups events by ticket row, each ticket's in time order:
    `np.lexsort((at, rows))`. Events in time order already (an audit log is) are grouped by two
    stable passes over 16-bit halves of the row, which numpy sorts by radix: three times faster
    than the comparison sort on six million events (benchmarks/README.md)."""
    rows = np.asarray(rows, dtype=np.int64)
    if rows.size > 1 and bool((np.diff(at) >= 0).all()) and int(rows.max()) < (1 << 32) - 1:
        key = (rows + 1).astype(np.uint32)  # -1 (no ticket) first, as lexsort puts it
        low = np.argsort((key & 0xFFFF).astype(np.uint16), kind="stable")
        high = np.argsort((key[low] >> 16).astype(np.uint16), kind="stable")
        del key
        order: I64 = low[high].astype(np.int64, copy=False)
        return order
    return np.lexsort((at, rows)).astype(np.int64)


def _grouped(rows: I64, at: I64) -> bool:
    """Whether events are already grouped by ticket row and in time order within each ticket
    (an events file after the import, an event log folded by ticket in the tickets' order)."""
    if rows.size < 2:
        return True
    step = np.diff(rows)
    return bool((step >= 0).all() and ((step > 0) | (np.diff(at) >= 0)).all())
