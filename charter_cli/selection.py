"""Which tickets each promise covers, as whole-column masks: `where` selectors (any text field,
`tags`, `fields.NAME`, `{not: [...]}`), the charter's `exclude`, `in_force` dates and `policy`
groups (the first member whose `where` matches takes the ticket); and the per-ticket key a
breakdown groups by. No Python loop over tickets: tests run once per distinct value, tags through
their flattened Arrow values.

A selector on a field the export lacks (an absent field) cannot select: it is left out, and the
tickets the rest of the selector picks are *undecided*: a promise reports them unmeasurable,
naming the missing column, never met or breached.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from charter_cli.charter.model import Charter, Promise, normalise
from charter_cli.charter.selectors import Match, Selector
from charter_cli.clock import NAT
from charter_cli.fields import EITHER, satisfied
from charter_cli.frames import TEXT, arrow_array, flags


def _wanted(match: Match) -> set[str]:
    return {normalise(v) for v in match.values}


def tag_lists(column: pd.Series) -> pa.ListArray:
    """A tags column as one Arrow list array."""
    values = arrow_array(column)
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    assert isinstance(values, pa.ListArray)
    return values


def _tags_hit(column: pd.Series, wanted: set[str]) -> np.ndarray:
    """Tickets with at least one tag in `wanted` (normalised): the flattened tags are
    dictionary-encoded, each distinct tag tested once, hits counted back per ticket."""
    lists = tag_lists(column)
    flat = pc.list_flatten(lists)
    if len(flat) == 0:
        return np.zeros(len(column), dtype=bool)
    encoded = pc.dictionary_encode(flat)
    table = np.array([normalise(str(t)) in wanted for t in encoded.dictionary.to_pylist()])
    hit = table[encoded.indices.to_numpy(zero_copy_only=False)]
    parents = pc.list_parent_indices(lists).to_numpy()
    return np.bincount(parents[hit], minlength=len(column)) > 0


def _arrow_normalised(values: pa.Array) -> pa.Array:
    """`normalise` as Arrow kernels: lower case, `-`, `_` and blanks as one space, trimmed."""
    lowered = pc.utf8_lower(values)
    spaced = pc.replace_substring_regex(lowered, pattern=r"[-_\s]+", replacement=" ")
    return pc.utf8_trim(spaced, characters=" ")


def _text_hit(column: pd.Series, wanted: tuple[str, ...]) -> np.ndarray:
    """Free text with a value per ticket (ids, subjects): compared by Arrow kernels over the
    whole column, not a Python call per distinct value (there are as many as tickets)."""
    values = arrow_array(column.astype(TEXT))
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    keys = _arrow_normalised(pa.array([str(w) for w in wanted], pa.string()))
    found = pc.is_in(_arrow_normalised(pc.cast(values, pa.string())), value_set=keys)
    return np.asarray(pc.fill_null(found, False).to_numpy(zero_copy_only=False), dtype=bool)


def match_mask(tickets: pd.DataFrame, match: Match) -> np.ndarray:
    """The tickets one key of a selector holds for (the field is in the frame)."""
    wanted = _wanted(match)
    if match.field == "tags":
        hit = _tags_hit(tickets["tags"], wanted)
    elif not isinstance(tickets[match.field].dtype, pd.CategoricalDtype):
        hit = _text_hit(tickets[match.field], match.values)
    else:
        hit = flags(tickets[match.field], lambda value: normalise(value) in wanted)
        if match.field == "status" and "status_category" in tickets:
            # a status category (`pending`) selects every status in it
            hit |= flags(tickets["status_category"], lambda value: normalise(value) in wanted)
    return ~hit if match.negated else hit


def selector_mask(
    tickets: pd.DataFrame, selector: Selector, present: set[str] | dict[str, str]
) -> tuple[np.ndarray, list[str]]:
    """The tickets the selector can match, and the absent fields it names (left out of the
    test: with any, every selected ticket is undecided)."""
    mask = np.ones(len(tickets), dtype=bool)
    absent: list[str] = []
    for m in selector.matches:
        if not satisfied(m.field, present) or m.field not in tickets:
            absent.append(m.field)
            continue
        mask &= match_mask(tickets, m)
    return mask, list(dict.fromkeys(absent))


def local_midnight(day: str, timezone: str) -> int:
    """The instant a local date begins in `timezone`, as UTC seconds (exact on DST days)."""
    start = datetime.combine(date.fromisoformat(day), time(0), tzinfo=ZoneInfo(timezone))
    return int(start.timestamp())


def in_force_mask(tickets: pd.DataFrame, promise: Promise, timezone: str) -> np.ndarray:
    """Tickets whose clock starts while the promise is in force (from inclusive, until
    exclusive, dates in the charter's zone). The clock's start is the promise's start field;
    where that is empty (the clock has not started), the creation decides."""
    span = promise.in_force
    if span is None:
        return np.ones(len(tickets), dtype=bool)
    created = tickets["created_at"].to_numpy()
    start = created
    if promise.start_field in tickets and promise.start_field != "created_at":
        own = tickets[promise.start_field].to_numpy()
        start = np.where(own != NAT, own, created)
    mask = start != NAT
    if span.start:
        mask &= start >= local_midnight(span.start, timezone)
    if span.end:
        mask &= start < local_midnight(span.end, timezone)
    return np.asarray(mask, dtype=bool)


def absent_reason(absent: list[str], why: str = "") -> str:
    """`the export has no tags column` (resolved_at with what would stand in for it)."""
    said = [" or ".join(EITHER.get(f, (f,))) for f in absent]
    return f"the export has no {' column, no '.join(said)} column{why}"


@dataclass
class Exclusion:
    """What the charter's `exclude` did: the tickets dropped, and those it could not decide on
    (a selector on an absent field)."""

    dropped: np.ndarray  # bool per ticket
    undecided: np.ndarray  # bool per ticket
    absent: list[str] = field(default_factory=list)


def exclusion(
    tickets: pd.DataFrame, charter: Charter, present: set[str] | dict[str, str]
) -> Exclusion:
    """The tickets `exclude` drops (any of its selectors matches on present fields alone), and
    those it may drop but cannot tell (a selector that names an absent field)."""
    n = len(tickets)
    dropped = np.zeros(n, dtype=bool)
    undecided = np.zeros(n, dtype=bool)
    absent: list[str] = []
    for selector in charter.exclude:
        mask, missing = selector_mask(tickets, selector, present)
        if missing:
            undecided |= mask
            absent += missing
        else:
            dropped |= mask
    return Exclusion(dropped, undecided & ~dropped, list(dict.fromkeys(absent)))


def exclusion_absent(charter: Charter, present: set[str] | dict[str, str]) -> list[str]:
    """The fields the charter's `exclude` names that the export lacks."""
    fields = [f for selector in charter.exclude for f in selector.fields]
    return [f for f in dict.fromkeys(fields) if not satisfied(f, present)]


class Scope:
    """Which tickets each promise covers: its `where` (absent fields left out), its `in_force`
    dates, and, in a policy group, not the tickets an earlier member matches."""

    def __init__(
        self,
        charter: Charter,
        tickets: pd.DataFrame,
        present: set[str] | dict[str, str],
        dropped: np.ndarray | None = None,
    ) -> None:
        self.charter = charter
        self.t = tickets
        self.present = present
        # the tickets the charter's `exclude` drops: no promise covers them
        self.kept = ~dropped if dropped is not None else np.ones(len(tickets), dtype=bool)
        self._matches: dict[str, tuple[np.ndarray, list[str]]] = {}
        self._matching = threading.Lock()  # promises are audited side by side

    def matches(self, promise: Promise) -> tuple[np.ndarray, list[str]]:
        """The tickets the promise's `where` and `in_force` select (before its policy), and the
        absent fields its `where` names."""
        with self._matching:
            if promise.id not in self._matches:
                mask, absent = selector_mask(self.t, promise.selector, self.present)
                mask &= in_force_mask(self.t, promise, self.charter.timezone) & self.kept
                self._matches[promise.id] = (mask, absent)
            return self._matches[promise.id]

    def blocked_by(self, promise: Promise) -> list[str]:
        """The earlier members of the promise's policy whose `where` names an absent field: they
        keep the tickets they may match (undecided there), so this promise cannot have them."""
        out: list[str] = []
        for other in self.charter.promises:
            if other.id == promise.id or promise.policy is None:
                break
            if other.policy == promise.policy and self.matches(other)[1]:
                out.append(other.id)
        return out

    def covers(self, promise: Promise) -> tuple[np.ndarray, list[str]]:
        """The tickets the promise measures, and the absent fields its `where` names. In a policy
        group, a ticket an earlier member matches is that member's (an earlier member whose
        `where` names an absent field keeps the tickets it may match: undecided there)."""
        mask, absent = self.matches(promise)
        if promise.policy is None:
            return mask, absent
        taken = np.zeros(len(self.t), dtype=bool)
        for other in self.charter.promises:
            if other.id == promise.id:
                break
            if other.policy == promise.policy:
                taken |= self.matches(other)[0]
        return mask & ~taken, absent


# --- breakdown keys ---------------------------------------------------------------------------


def ticket_key(tickets: pd.DataFrame, key: str) -> pd.Series:
    """The value of `key` per ticket, as a categorical Series indexed by ticket position (missing
    where a ticket has none). For `tags` a ticket appears once per tag (the index repeats) and
    once, missing, when it has none: built from the flattened list values and their parent
    positions, a whole-column Arrow step, never a loop over tickets."""
    if key != "tags":
        values = tickets[key]
        cats = (
            values if isinstance(values.dtype, pd.CategoricalDtype) else values.astype("category")
        )
        return pd.Series(cats.to_numpy(), index=pd.RangeIndex(len(tickets)), dtype=cats.dtype)
    lists = tag_lists(tickets["tags"])
    flat = pc.list_flatten(lists)
    parents = pc.list_parent_indices(lists).to_numpy().astype(np.int64)
    encoded = pc.dictionary_encode(flat) if len(flat) else None
    if encoded is None:
        words: list[str] = []
        codes = np.empty(0, dtype=np.int64)
    else:
        words = [str(w) for w in encoded.dictionary.to_pylist()]
        codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    lengths = pc.list_value_length(lists).to_numpy(zero_copy_only=False)
    untagged = np.flatnonzero(np.nan_to_num(lengths, nan=0) == 0)
    positions = np.concatenate((parents, untagged))
    all_codes = np.concatenate((codes, np.full(untagged.size, -1, dtype=np.int64)))
    order = np.argsort(positions, kind="stable")
    return pd.Series(
        pd.Categorical.from_codes(all_codes[order], categories=pd.Index(words, dtype=object)),
        index=pd.Index(positions[order]),
    )
