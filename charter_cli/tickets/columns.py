"""What the importer's parts share: the text fields, the resolved categories, finding a profile's
column in a header, status categories, the day/month order of a file's dates, and the share of
unreadable timestamps at which an import stops."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from charter_cli.charter.model import TIME_FIELDS, normalise
from charter_cli.errors import InputError
from charter_cli.frames import CATEGORY_FIELDS, recode
from charter_cli.tickets.profile import Profile, header_key
from charter_cli.tickets.sniff import CATEGORY, STRING, TIMESTAMP, Columns, RawTable
from charter_cli.tickets.timestamps import NUMERIC_FORMATS, NumericDates, decide_order, scan_numeric
from charter_cli.workers import in_parallel

TEXT_FIELDS = (
    "channel",
    "priority",
    "status",
    "group",
    "assignee",
    "type",
    "subject",
    "escalation_level",
    "timezone",
)
RESOLVED = ("solved", "closed")
BAD_SHARE = 0.05  # more unparseable timestamps than this in a column: the import stops


def first_present(header: dict[str, str], alternatives: Sequence[str]) -> str | None:
    for name in alternatives:
        found = header.get(header_key(name))
        if found is not None:
            return found
    return None


def categories(status: pd.Series, profile: Profile) -> pd.Series:
    return recode(status, lambda value: profile.statuses.get(normalise(value)))


ORDER_WORDS = {"dayfirst": "day-first", "monthfirst": "month-first"}


@dataclass(frozen=True)
class Dates:
    """How one file's numeric dates are read: in one order, from each column's scan."""

    order: str | None = None
    scans: Mapping[str, NumericDates | None] = field(default_factory=dict)
    note: str | None = None  # for the reports, when the data did not decide it alone

    def of(self, column: str) -> dict[str, Any]:
        return {"order": self.order, "numeric": self.scans.get(column)}


def date_order(raw: RawTable, profile: Profile, columns: Sequence[str], stated_by: str) -> Dates:
    """The day and month order of a file's numeric dates, decided from the data across all its
    timestamp `columns`: the order under which every value parses wins; when
    both read every value (no day above 12), the stated order stands and a note says so; with no
    stated order the import stops and asks for one. Where neither reads every value, the one that
    reads more, and the bad cells go to the share check."""
    if not any(f in NUMERIC_FORMATS for f in profile.formats):
        return Dates()
    values = {c: raw.frame[c] for c in dict.fromkeys(columns) if c in raw.frame}
    scanned = in_parallel([lambda v=v: scan_numeric(v) for v in values.values()])  # type: ignore[misc]
    scans = dict(zip(values, scanned, strict=True))
    found = decide_order(scans, values)
    if found.example is None:
        return Dates(found.order or profile.order, scans)
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
        return Dates(found.order, scans, note)
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
    return Dates(profile.order, scans, note)


def check_share(col: pd.Series, bad: np.ndarray, fld: str, column: str, raw: RawTable) -> None:
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


def column_types(profile: Profile, names: Sequence[str]) -> Columns:
    """How to read each column the profile uses: naive ISO times as timestamps (when the
    profile's first format is ISO; a due date may be a bare date, so it stays text), ticket
    attributes as categories, the rest as text. Columns no field uses are not read at all."""
    header = {header_key(str(n)): str(n) for n in names}
    iso = bool(profile.formats) and profile.formats[0] == "iso"
    types: Columns = {}

    def want(alternatives: Sequence[str], kind: pa.DataType) -> None:
        column = first_present(header, alternatives)
        if column is not None:  # one column read for two fields of different kinds: as text
            types[column] = kind if types.get(column, kind) == kind else STRING

    for fld, alternatives in profile.columns.items():
        if fld == "tags":
            from charter_cli.tickets.tags import tag_columns  # it reads profiles too

            column = first_present(header, alternatives)
            if column is not None:
                for name in tag_columns(names, column, profile.tag_separator):
                    want((name,), STRING)
            continue
        if fld in TIME_FIELDS:
            want(alternatives, TIMESTAMP if iso and fld != "due_at" else STRING)
        else:
            want(alternatives, CATEGORY if fld in CATEGORY_FIELDS else STRING)
    for _, minutes in profile.derive.values():
        want((minutes,), STRING)
    for column_name in profile.vendor.values():
        want((column_name,), STRING)
    for alternatives in profile.custom.values():
        want(alternatives, CATEGORY)
    if profile.layout == "event-log" and profile.event_at:
        want((profile.event_at,), TIMESTAMP if iso else STRING)
        for name in profile.event_order:
            want((name,), STRING)
    return types
