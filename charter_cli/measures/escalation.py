"""Escalation rules, audited as promises of their own (`escalation-1`, …): a ticket still
unresolved when `after` has run out must have reached the rule's level (or a higher one) by
then, from `escalation_level` with `escalated_at`, or from the groups of its status history."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from charter_cli.charter.model import Charter, normalise
from charter_cli.clock import I64, NAT
from charter_cli.frames import per_value
from charter_cli.measures.allowance import allowance_s, allowances
from charter_cli.measures.base import Measure

if TYPE_CHECKING:
    from charter_cli.charter.model import Promise
    from charter_cli.measures.context import Context
    from charter_cli.outcome import Outcome

NO_HISTORY = "no escalation history (escalated_at with escalation_level, or events with groups)"


class Escalation(Measure):
    name = "escalation"
    summary = "an escalation rule: the level reached in time"
    also_reads = "escalation_level with escalated_at, or group changes in a status history"
    start_field = "created_at"
    stop_field = "resolved_at"
    allowance_key = "after"
    pausable = True  # `pause_when` on a rule: the threshold's clock stops in those statuses
    sentence = None  # rendered with the escalation path, not as a promise sentence

    def needs(self, promise: Promise) -> dict[str, str]:
        return {
            "created_at": "the clock starts at creation",
            "resolved_at": "a ticket resolved in time needs no escalation",
        }

    def evaluate(self, ctx: Context, out: Outcome) -> None:
        p = out.promise
        rows = out.rows
        levels = Levels(ctx.charter)
        target = levels.index.get(p.escalate_to or "", 0)
        created = ctx.col("created_at", rows)
        resolved = ctx.stop_column("resolved_at", rows)
        reached = _reached(ctx, levels, rows, target)
        if reached is None:
            out.reason.put(slice(None), NO_HISTORY)
            out.notes.append(NO_HISTORY)
            return
        out.started = created
        out.stopped = np.full(rows.size, NAT, dtype=np.int64)
        names, _ = ctx.priorities(out, rows, np.where(resolved != NAT, resolved, ctx.as_of))
        seconds, days, no_allowance = allowances(p, names)
        out.reason.put(no_allowance, "no escalation threshold for this priority")
        ok = out.reason.none
        n = rows.size
        # `pause_when`: the threshold's clock stops in those statuses (the customer's wait)
        ended = np.where(resolved != NAT, resolved, ctx.as_of)
        paused_to_end = ctx.paused(out, rows, created, ended, ok)
        allow = np.zeros(n, dtype=np.int64)
        until = np.full(n, NAT, dtype=np.int64)
        in_time = np.zeros(n, dtype=bool)
        for clock, sel in ctx.by_calendar(out, ok):
            c0 = clock.business_s(created[sel])
            allow[sel] = allowance_s(clock, created[sel], c0, seconds[sel], days[sel])
            # resolved within the threshold: no escalation was needed
            res_elapsed = clock.elapsed_s(created[sel], ended[sel], start_business=c0)
            if paused_to_end is not None:
                res_elapsed = res_elapsed - paused_to_end[sel]
            in_time[sel] = (resolved[sel] != NAT) & (res_elapsed <= allow[sel])
        stop = np.where(in_time, resolved, reached)
        until = np.where(stop != NAT, stop, ended)
        # the pauses up to where this clock stops (the level reached, or the end)
        paused = (
            paused_to_end if paused_to_end is None else ctx.paused(out, rows, created, until, ok)
        )
        for clock, sel in ctx.by_calendar(out, ok):
            c0 = clock.business_s(created[sel])
            res, hit = resolved[sel], reached[sel]
            stopped = stop[sel] != NAT
            elapsed = clock.elapsed_s(created[sel], until[sel], start_business=c0)
            extended = allow[sel]
            if paused is not None:
                elapsed = elapsed - paused[sel]
                extended = extended + paused[sel]
            # a ticket resolved late without escalation stays breached: its clock ran out
            elapsed = np.where(
                ~stopped & (res != NAT), np.maximum(elapsed, allow[sel] + 1), elapsed
            )
            stopped = stopped | (res != NAT)
            out.stopped[sel] = stop[sel]
            out.deadline[sel] = clock.deadline_s(created[sel], extended, start_business=c0)
            ctx.judge(out, sel, stopped, elapsed, allow[sel])
            never = np.zeros(n, dtype=bool)
            never[sel] = (hit == NAT) & ~in_time[sel] & (elapsed > allow[sel])
            out.reason.put(never, f"not escalated to {p.escalate_to} in time")

    def counted_until(self, stop: int, resolved: int, as_of: int) -> int:
        # never escalated: its clock ran until the ticket was resolved
        if stop == NAT and resolved != NAT and resolved <= as_of:
            return resolved
        return stop


class Levels:
    """The charter's escalation path: level names and the groups forming each, by index."""

    def __init__(self, charter: Charter) -> None:
        self.index = {name: i for i, (name, _) in enumerate(charter.levels)}
        self.by_group = {
            normalise(g): i for i, (_, groups) in enumerate(charter.levels) for g in groups
        }

    def of(self, values: pd.Series) -> np.ndarray:
        """Level index of group names or level names/numbers (-1 when unknown)."""
        names = {normalise(k): v for k, v in self.index.items()}

        def level(value: str) -> int:
            key = normalise(value)
            if key in self.by_group:
                return self.by_group[key]
            if key in names:
                return names[key]
            # level 1 is the first level; `isdigit` alone takes '²' (which int() refuses), and
            # twenty digits overflow the int64 table: anything else is an unknown level
            plain = key.isascii() and key.isdigit() and len(key) <= 9
            return int(key) - 1 if plain else -1

        return per_value(values, level, missing=-1, dtype=np.int64)


def _reached(ctx: Context, levels: Levels, rows: I64, target: int) -> I64 | None:
    """When each ticket first reached the target level or higher (NAT: never), or None when
    the data says nothing about escalation."""
    n = rows.size
    found = np.full(n, NAT, dtype=np.int64)
    known = False
    if "escalation_level" in ctx.present and "escalated_at" in ctx.present:
        level = levels.of(ctx.attr("escalation_level", rows))
        at = ctx.col("escalated_at", rows)
        hit = (level >= target) & (at != NAT)
        found = np.where(hit, at, found)
        known = True
    events = ctx.source.events
    if events is not None and ctx.source.has_group_history:
        known = True
        lvl = levels.of(events["group"])
        lvl = np.maximum(lvl, levels.of(events["escalation_level"]))
        ev = events.loc[lvl >= target]
        if not ev.empty:
            first = ev.groupby("ticket_id", sort=False)["at"].min()
            pos = pd.Index(first.index.to_numpy(dtype=object)).get_indexer(
                ctx.t["ticket_id"].to_numpy(dtype=object)[rows]
            )
            from_events = np.where(pos >= 0, first.to_numpy()[np.maximum(pos, 0)], NAT)
            found = np.where(
                (found == NAT) | ((from_events != NAT) & (from_events < found)),
                from_events,
                found,
            )
    return found if known else None


MEASURE = Escalation()
