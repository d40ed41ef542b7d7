"""`measure: {time_in: [STATUS, …]}`: the business time a ticket spends in the listed statuses
(categories such as new, open, on-hold, or raw statuses), from creation to its final resolution,
or to as-of while it runs; Zendesk's requester wait and agent work times are two such lists. A
ticket is new from its creation to its first status change. Needs a status history."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from charter_cli.clock import NAT
from charter_cli.measures.allowance import allowance_s, allowances
from charter_cli.measures.base import Measure

if TYPE_CHECKING:
    from charter_cli.charter.model import Promise
    from charter_cli.measures.context import Context
    from charter_cli.outcome import Outcome

NO_HISTORY = "time_in needs a status history (an event-log export, or --events)"


class TimeIn(Measure):
    name = "time_in"
    summary = "the business time spent in the listed statuses, from creation to resolution"
    also_reads = "a status history"
    walks_history = True
    replays_from_history = True
    form: ClassVar[dict[str, Any] | None] = {
        "type": "object",
        "x-written": "{time_in: [STATUS, …]}",
        "required": ["time_in"],
        "additionalProperties": False,
        "properties": {
            "time_in": {
                "title": "Statuses",
                "description": "Status categories (new, open, pending, on-hold) or raw "
                "statuses whose business time counts.",
                "type": "array",
                "items": {"type": "string", "minLength": 1},
                "minItems": 1,
            }
        },
    }
    stop_field = "resolved_at"
    pausable = False  # the statuses it counts are the point
    counts_intervals = False

    def parse(self, value: object) -> tuple[str, str, dict[str, tuple[str, ...]]]:
        assert isinstance(value, dict)
        return "created_at", "resolved_at", {"statuses": tuple(map(str, value["time_in"]))}

    def needs(self, promise: Promise) -> dict[str, str]:
        return {
            "created_at": "the time counts from creation",
            "resolved_at": "until the final resolution",
        }

    def evaluate(self, ctx: Context, out: Outcome) -> None:
        p = out.promise
        rows = out.rows
        start = ctx.col("created_at", rows)
        stop = ctx.stop_column("resolved_at", rows)
        out.started, out.stopped = start, stop
        if not ctx.source.has_history:
            out.reason.put(slice(None), NO_HISTORY)
            out.notes.append(NO_HISTORY)
            return
        names, _ = ctx.priorities(out, rows, stop)
        seconds, days, no_allowance = allowances(p, names)
        out.reason.put(no_allowance, "no allowance for this ticket's priority")
        # the tickets with an event (with messages known, one with a status: a message is none)
        known = ctx.with_events(rows, statuses=ctx.source.has_messages)
        out.reason.fill(~known, "no status history for this ticket")
        out.reason.fill(
            (stop != NAT) & (stop < start), "resolved_at is before created_at: a data error"
        )
        ok = out.reason.none
        if not ok.any():
            return
        stopped = stop != NAT
        until = np.where(stopped, stop, ctx.as_of)
        spent, _ = ctx.in_statuses(
            out, rows, start, until, ok, p.options["statuses"], before_first="new"
        )
        for clock, sel in ctx.by_calendar(out, ok):
            begin = start[sel]
            allow = allowance_s(clock, begin, clock.business_s(begin), seconds[sel], days[sel])
            ctx.judge(out, sel, stopped[sel], spent[sel], allow)


MEASURE = TimeIn()
