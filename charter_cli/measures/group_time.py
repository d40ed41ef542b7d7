"""`measure: group_time` (an OLA, a promise between teams): each interval a group holds a ticket
is an instance, judged against the allowance on its own.

- The group history is the `group` column of the events (an event log, or `--events`); before a
  ticket's first event naming a group, the ticket is taken to have had that first group. A
  ticket with no group event at all is held by the export's `group` throughout.
- An interval starts when a group takes the ticket (at creation, at a handover, or at a reopen
  while the group holds it) and ends when another group takes it or the ticket is resolved; a
  ticket passed A → B → A gives A two instances. Time spent resolved never counts: a reopen
  starts a new instance for the group holding the ticket then. Running intervals run at as-of.
- `where: {group: [...]}` (or `{not: [...]}`) picks the groups whose intervals are measured, not
  tickets by their last group; a ticket counts when any of its intervals is picked. The other
  keys of `where` pick tickets as for every promise; both must hold.
- `pause_when` stops the clock in those statuses; the allowance is the one of the priority in
  force when the interval ends (or at as-of), as for every promise.

No Python loop over tickets, events or intervals: the boundaries of every ticket (group changes,
entries into and out of a resolved state) are sorted once, and the intervals are runs of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np
import pandas as pd

from charter_cli.charter.model import normalise
from charter_cli.clock import I64, NAT
from charter_cli.fields import satisfied
from charter_cli.frames import per_value
from charter_cli.measures.allowance import allowances
from charter_cli.measures.base import Measure
from charter_cli.measures.history import given, owners, resolution_cycles

if TYPE_CHECKING:
    from charter_cli.charter.model import Promise
    from charter_cli.charter.selectors import Selector
    from charter_cli.measures.context import Context
    from charter_cli.outcome import Outcome

NO_HISTORY = (
    "group_time needs a group history (events with a group column: an event log, or --events)"
)
UNTOLD = (
    "the export has no resolved_at column and the events carry no status for this ticket: "
    "when it was resolved is not known"
)
GROUPS = "groups"  # the options `where: {group: [...]}` becomes: the groups picked
NOT_GROUPS = "not_groups"  # and those refused (`where: {group: {not: [...]}}`)


class GroupTime(Measure):
    name = "group_time"
    summary = "an OLA: each interval a group holds the ticket, minus paused time"
    also_reads = "a group history (events with a group)"
    walks_history = True
    stop_field = "resolved_at"
    from_history = ("resolved_at",)
    pausable = True
    sentence = "ola"
    own_where = ("group",)
    sentences: ClassVar[dict[str, dict[str, str]]] = {
        "en": {"ola": "{lead}, they work on it within {d}{when}, before passing it on or solving it.",
               "ola_list": "{lead}, they pass it on or solve it within:",
               "ola_picked": "While your case is with {groups}",
               "ola_any": "While your case is with any of our teams",
               "ola_not": "While your case is with a team other than {groups}"},
        "nb": {"ola": "{lead}, behandler de den innen {d}{when}, før den sendes videre eller løses.",
               "ola_list": "{lead}, sendes den videre eller løses innen:",
               "ola_picked": "Mens saken din ligger hos {groups}",
               "ola_any": "Mens saken din ligger hos et av teamene våre",
               "ola_not": "Mens saken din ligger hos et annet team enn {groups}"},
        "sv": {"ola": "{lead} behandlar de det inom {d}{when}, innan det skickas vidare eller löses.",
               "ola_list": "{lead} skickas det vidare eller löses inom:",
               "ola_picked": "Medan ditt ärende ligger hos {groups}",
               "ola_any": "Medan ditt ärende ligger hos ett av våra team",
               "ola_not": "Medan ditt ärende ligger hos ett annat team än {groups}"},
        "pl": {"ola": "{lead}, zespół zajmuje się nią w ciągu {d}{when}, zanim przekaże ją dalej lub ją rozwiąże.",
               "ola_list": "{lead}, zespół przekazuje ją dalej lub rozwiązuje w czasie nie dłuższym niż:",
               "ola_picked": "Gdy Twoja sprawa jest w zespole {groups}",
               "ola_any": "Gdy Twoja sprawa jest w którymkolwiek z naszych zespołów",
               "ola_not": "Gdy Twoja sprawa jest w zespole innym niż {groups}"},
    }  # fmt: skip

    def needs(self, promise: Promise) -> dict[str, str]:
        return {
            "created_at": "the first group holds the ticket from its creation",
            "resolved_at": "a resolution ends the interval",
        }

    def take_where(
        self, selector: Selector, options: dict[str, tuple[str, ...]]
    ) -> tuple[Selector, dict[str, tuple[str, ...]]]:
        """`where: {group}` picks intervals: its values go to the options, out of the selector
        that picks tickets."""
        from charter_cli.charter.selectors import Selector

        options = dict(options)
        kept = []
        for m in selector.matches:
            if m.field != "group":
                kept.append(m)
                continue
            key = NOT_GROUPS if m.negated else GROUPS
            options[key] = (*options.get(key, ()), *m.values)
        return Selector(tuple(kept)), options

    def none_found(self, promise: Promise) -> str | None:
        picked = promise.options.get(GROUPS, ())
        if picked:
            return (
                f"no ticket was held by {', '.join(picked)} in the group history "
                "(check the group names against the export)"
            )
        return "no ticket was held by a group measured here in the group history"

    def sentence_args(self, promise: Promise, lang: str) -> dict[str, str]:
        """`{lead}`: while the case is with the groups measured (all of them, or all but some)."""
        words = self.sentences[lang]
        picked = promise.options.get(GROUPS, ())
        refused = promise.options.get(NOT_GROUPS, ())
        key = "ola_picked" if picked else ("ola_not" if refused else "ola_any")
        return {"lead": words[key].format(groups=_listed(picked or refused, lang))}

    def not_applicable(self, promise: Promise, where: str) -> str:
        picked = promise.options.get(GROUPS, ())
        refused = promise.options.get(NOT_GROUPS, ())
        if picked:
            held = f"{' or '.join(picked)} held"
        elif refused:
            held = f"a group other than {', '.join(refused)} held"
        else:
            held = "a group held"
        if where:  # which of the two did not hold, explain cannot tell apart
            return f"only for tickets with {where} that {held}"
        return f"{held.removesuffix(' held')} never held the ticket"

    def evaluate(self, ctx: Context, out: Outcome) -> None:
        p = out.promise
        if not ctx.source.has_group_history:
            out.reason.put(slice(None), NO_HISTORY)
            out.notes.append(NO_HISTORY)
            out.started = ctx.col("created_at", out.rows)
            return
        rows = out.rows
        ids = ctx.t["ticket_id"].to_numpy(dtype=object)[rows]
        created = ctx.col("created_at", rows)
        resolved = ctx.stop_column("resolved_at", rows)
        # without a resolution column only the status history says when a ticket was resolved:
        # a ticket with no status in it cannot be told resolved from still held
        told = (
            ctx.with_events(rows, statuses=True)
            if not satisfied("resolved_at", ctx.present)
            else None
        )
        own = ctx.attr("group", rows) if "group" in ctx.t else None
        held = holdings(ctx.source.events, ids, created, resolved, ctx.as_of, own)
        picked = _picked(held.names, p.options.get(GROUPS, ()), p.options.get(NOT_GROUPS, ()))
        keep = picked[held.group + 1]  # group -1 (none known): picked only when all are
        owner, begin, end, group = (
            held.owner[keep],
            held.begin[keep],
            held.end[keep],
            held.group[keep],
        )
        first = np.concatenate(([True], owner[1:] != owner[:-1])) if owner.size else owner
        index = np.arange(owner.size)
        number = index - np.maximum.accumulate(np.where(first, index, 0)) + 1
        out.repeat(owner, number)
        out.held = np.concatenate((held.names, np.array([None], dtype=object)))[group]
        rows = out.rows
        out.started, out.stopped = begin, end
        if not rows.size:
            return
        reason = out.reason
        reason.fill(group < 0, "no group history for this ticket")
        if told is not None:
            reason.fill(~told[owner], UNTOLD)
        stop = resolved[owner]
        reason.fill(
            (stop != NAT) & (stop < created[owner]),
            "resolved_at is before created_at: a data error",
        )
        names, raw = ctx.priorities(out, rows, end)
        seconds, days, no_allowance = allowances(p, names)
        if no_allowance.any():
            reason.put_by_value(
                no_allowance & reason.none,
                raw,
                lambda v: f"no allowance for priority '{v}'",
                "the ticket has no priority",
            )
        ok = reason.none
        if not ok.any():
            return
        ctx.judge_clock(out, begin, end, ok, (seconds, days))


@dataclass(frozen=True)
class Holdings:
    """Every interval a group held a ticket, in ticket order then time order: the ticket's
    position (`owner`), start, end (NAT: still held at as-of) and the group (a code into
    `names`, -1 when no group is known)."""

    owner: I64
    begin: I64
    end: I64
    group: I64
    names: np.ndarray


def holdings(
    events: pd.DataFrame | None,
    ids: np.ndarray,
    created: I64,
    resolved: I64,
    as_of: int,
    own: pd.Series | None = None,
) -> Holdings:
    """The intervals each ticket (`ids`, created at `created`, resolved at `resolved` per the
    export, NAT: not) was held by a group, from the events at or before `as_of`; `own`: the
    export's group of each ticket, for a ticket whose events name none."""
    n = len(ids)
    created = np.asarray(created, dtype=np.int64)
    # the cycles: creation or a reopen → the next resolution (NAT: still open)
    c_owner, _, c_begin, c_end = resolution_cycles(events, ids, created, resolved, as_of)
    # the group changes, per ticket in time order; a group named again is no change
    names, g_pos, g_at, g_code = _group_changes(events, ids, as_of)
    # a ticket with no group event: the export's group, from its creation
    if own is not None:
        has = np.zeros(n, dtype=bool)
        has[g_pos] = True
        lacking = np.flatnonzero(~has)
        if lacking.size:
            theirs = own.iloc[lacking].astype(object).to_numpy()
            names, extra = _codes(names, pd.Series(theirs, dtype=object))
            found = extra >= 0
            g_pos = np.concatenate((g_pos, lacking[found]))
            g_at = np.concatenate((g_at, created[lacking[found]]))
            g_code = np.concatenate((g_code, extra[found]))
            order = np.lexsort((g_at, g_pos))
            g_pos, g_at, g_code = g_pos[order], g_at[order], g_code[order]
    # every boundary of every ticket: cycle starts and ends, group changes
    ends = c_end != NAT
    b_pos = np.concatenate((c_owner, c_owner[ends], g_pos))
    b_at = np.concatenate((c_begin, c_end[ends], g_at))
    order = np.lexsort((b_at, b_pos))
    b_pos, b_at = b_pos[order], b_at[order]
    fresh = np.concatenate(([True], (b_pos[1:] != b_pos[:-1]) | (b_at[1:] != b_at[:-1])))
    b_pos, b_at = b_pos[fresh], b_at[fresh]
    # piece k: [b_at[k], its ticket's next boundary) (NAT: open at as-of)
    last = np.concatenate((b_pos[1:] != b_pos[:-1], [True])) if b_pos.size else b_pos
    p_end = np.concatenate((b_at[1:], [NAT])) if b_pos.size else b_at
    p_end = np.where(last, NAT, p_end)
    # the cycle each piece falls in: the ticket's last cycle starting at or before it
    low = int(min(b_at.min(), c_begin.min())) if b_at.size else 0
    high = int(max(b_at.max(), c_begin.max())) if b_at.size else 0
    span = high - low + 1
    c_key = c_owner * span + (c_begin - low)  # sorted: owner, then cycle order
    k = np.searchsorted(c_key, b_pos * span + (b_at - low), side="right") - 1
    mine = (k >= 0) & (c_owner[np.maximum(k, 0)] == b_pos)
    cycle = np.where(mine, k, -1)
    end_of = c_end[np.maximum(cycle, 0)]
    # (a piece never runs past its cycle's end: that end is a boundary of its own)
    active = mine & ((end_of == NAT) | (b_at < end_of))
    # the group holding each piece: the ticket's last change at or before it, else its first
    group = np.full(b_pos.size, -1, dtype=np.int64)
    if g_pos.size:
        g_key = g_pos * span + (np.clip(g_at, low, high) - low)
        j = np.searchsorted(g_key, b_pos * span + (b_at - low), side="right") - 1
        same = (j >= 0) & (g_pos[np.maximum(j, 0)] == b_pos)
        first = np.searchsorted(g_pos, b_pos, side="left")
        has_any = (first < g_pos.size) & (g_pos[np.minimum(first, g_pos.size - 1)] == b_pos)
        pick = np.where(same, j, first)
        group = np.where(has_any, g_code[np.minimum(pick, g_pos.size - 1)], -1)
    # intervals: runs of active pieces of one ticket, one cycle and one group
    prev_same = np.zeros(b_pos.size, dtype=bool)
    if b_pos.size > 1:
        prev_same[1:] = (
            active[:-1]
            & active[1:]
            & (b_pos[1:] == b_pos[:-1])
            & (cycle[1:] == cycle[:-1])
            & (group[1:] == group[:-1])
        )
    starts = np.flatnonzero(active & ~prev_same)
    following = np.concatenate((prev_same[1:], [False])) if b_pos.size else prev_same
    stops = np.flatnonzero(active & ~following)  # the last piece of each run, in the same order
    return Holdings(
        b_pos[starts].astype(np.int64),
        b_at[starts].astype(np.int64),
        p_end[stops].astype(np.int64),
        group[starts].astype(np.int64),
        names,
    )


def _codes(names: np.ndarray, values: pd.Series) -> tuple[np.ndarray, I64]:
    """A code per value into `names` (extended with the new groups; equal after `normalise`),
    -1 for none."""
    table = {normalise(str(v)): i for i, v in enumerate(names)}
    added: list[str] = []

    def code(value: str) -> int:
        key = normalise(value)
        if not key:
            return -1
        if key not in table:
            table[key] = len(names) + len(added)
            added.append(value)
        return table[key]

    codes = per_value(values, code, missing=-1, dtype=np.int64)
    return np.concatenate((names, np.array(added, dtype=object))), codes


def _group_changes(
    events: pd.DataFrame | None, ids: np.ndarray, as_of: int
) -> tuple[np.ndarray, I64, I64, I64]:
    """The group names, and per group change (ticket position, instant, group code), sorted by
    ticket then time; an event naming the group already holding the ticket is no change."""
    empty = np.empty(0, dtype=np.int64)
    names = np.empty(0, dtype=object)
    if events is None or events.empty or "group" not in events:
        return names, empty, empty, empty
    carried = events["group"]
    has = given(carried) & (events["at"].to_numpy() <= as_of)
    if not has.any():
        return names, empty, empty, empty
    ev = events.loc[has]
    event, pos = owners(np.asarray(ids, dtype=object), ev["ticket_id"].to_numpy(dtype=object))
    names, codes = _codes(names, ev["group"].astype(object).reset_index(drop=True))
    at = ev["at"].to_numpy().astype(np.int64)[event]
    code = codes[event]
    order = np.lexsort((event, at, pos))
    pos, at, code = pos[order], at[order], code[order]
    change = np.ones(pos.size, dtype=bool)
    change[1:] = (pos[1:] != pos[:-1]) | (code[1:] != code[:-1])
    return names, pos[change], at[change], code[change]


def _picked(names: np.ndarray, groups: tuple[str, ...], refused: tuple[str, ...]) -> np.ndarray:
    """Whether each group's intervals are measured: slot 0 for no group known (measured only
    when `where` names no group), then one per name."""
    wanted = {normalise(g) for g in groups}
    unwanted = {normalise(g) for g in refused}
    keys = [normalise(str(v)) for v in names]  # one per distinct group, not per event
    out = np.array(
        [not groups and not refused]
        + [(not groups or k in wanted) and k not in unwanted for k in keys],
        dtype=bool,
    )
    return out


def _listed(groups: tuple[str, ...], lang: str) -> str:
    """`A`, `A or B`, `A, B or C` in the language."""
    word = {"en": "or", "nb": "eller", "sv": "eller", "pl": "lub"}[lang]
    if len(groups) <= 1:
        return "".join(groups)
    return f"{', '.join(groups[:-1])} {word} {groups[-1]}"


MEASURE = GroupTime()
