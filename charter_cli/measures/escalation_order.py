"""`escalation.forward_only: true`: the promise `escalation-order`. A ticket is never passed back
down the escalation path: one whose level ever drops (a group or level of a lower level than
the one it held before) is breached at that instant; one resolved without a drop is met; one
still open without a drop is running. Needs a group or level history (events)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from charter_cli.clock import NAT
from charter_cli.measures.base import Measure
from charter_cli.measures.escalation import Levels
from charter_cli.measures.history import owners
from charter_cli.outcome import State

if TYPE_CHECKING:
    from charter_cli.charter.model import Promise
    from charter_cli.measures.context import Context
    from charter_cli.outcome import Outcome

NO_HISTORY = "escalation-order needs a group or level history (events with group changes)"


class EscalationOrder(Measure):
    name = "escalation_order"
    summary = "a ticket is never passed back down the escalation path"
    also_reads = "group or escalation_level changes in a status history"
    walks_history = True
    start_field = "created_at"
    stop_field = "resolved_at"
    allowance_key = None
    pausable = False
    counts_intervals = False
    sentence = None  # rendered with the escalation path

    def needs(self, promise: Promise) -> dict[str, str]:
        return {
            "created_at": "the ticket's path starts here",
            "resolved_at": "a ticket resolved without a drop kept the promise",
        }

    def evaluate(self, ctx: Context, out: Outcome) -> None:
        rows = out.rows
        created = ctx.col("created_at", rows)
        resolved = ctx.stop_column("resolved_at", rows)
        out.started = created
        events = ctx.source.events
        if not ctx.source.has_group_history and not _has_levels(events):
            out.reason.put(slice(None), NO_HISTORY)
            out.notes.append(NO_HISTORY)
            out.stopped = resolved
            return
        levels = Levels(ctx.charter)
        n = rows.size
        drop_at = np.full(n, NAT, dtype=np.int64)
        drop_from = np.full(n, -1, dtype=np.int64)
        drop_to = np.full(n, -1, dtype=np.int64)
        if events is not None and not events.empty:
            level = np.maximum(levels.of(events["group"]), levels.of(events["escalation_level"]))
            keep = (level >= 0) & (events["at"].to_numpy() <= ctx.as_of)
            ids = ctx.t["ticket_id"].to_numpy(dtype=object)[rows]
            event, position = owners(ids, events["ticket_id"].to_numpy(dtype=object)[keep])
            at = events["at"].to_numpy()[keep][event]
            lvl = level[keep][event]
            order = np.lexsort((np.arange(at.size), at, position))
            position, at, lvl = position[order], at[order], lvl[order]
            same = np.concatenate(([False], position[1:] == position[:-1]))
            before = np.concatenate(([-1], lvl[:-1]))
            dropped = np.flatnonzero(same & (lvl < before))
            if dropped.size:
                # each ticket's first drop: the first of its rows among the drops
                first = np.concatenate(([True], position[dropped][1:] != position[dropped][:-1]))
                hit = dropped[first]
                drop_at[position[hit]] = at[hit]
                drop_from[position[hit]] = before[hit]
                drop_to[position[hit]] = lvl[hit]
        dropped_rows = drop_at != NAT
        done = dropped_rows | (resolved != NAT)
        out.stopped = np.where(dropped_rows, drop_at, resolved)
        out.state[:] = np.where(
            dropped_rows, State.BREACHED, np.where(done, State.MET, State.RUNNING)
        )
        out.done[:] = done
        if dropped_rows.any():
            names = [name for name, _ in ctx.charter.levels]
            pairs = pd.Series(drop_from * len(names) + drop_to)
            out.reason.put_by_value(
                dropped_rows,
                pairs.astype(str),
                lambda v: (
                    f"passed back from {names[int(v) // len(names)]} "
                    f"to {names[int(v) % len(names)]}"
                ),
                "passed back down the path",
            )


def _has_levels(events: pd.DataFrame | None) -> bool:
    return events is not None and bool(events["escalation_level"].notna().any())


MEASURE = EscalationOrder()
