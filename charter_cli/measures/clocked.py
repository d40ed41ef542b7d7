"""The clock from one ticket timestamp to another, minus paused time, against an allowance per
priority: what acknowledgement, first response, resolution and custom pairs share."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np

from charter_cli.clock import NAT
from charter_cli.measures.allowance import allowances
from charter_cli.measures.base import Measure
from charter_cli.tickets.columns import RESOLVED

NO_HISTORY = "needs a status history (an event-log export, or --events)"

if TYPE_CHECKING:
    from charter_cli.charter.model import Promise
    from charter_cli.measures.context import Context
    from charter_cli.outcome import Outcome


class Clocked(Measure):
    """created (or any start) → a stop timestamp, judged in business time."""

    replays_from_history = True
    closed_without: ClassVar[str | None] = None  # a ticket closed before the stop: unmeasurable

    def closed_label(self, promise: Promise) -> str | None:
        """What a ticket closed before the stop was closed without (it is then unmeasurable)."""
        return self.closed_without

    def reopenable(self, promise: Promise) -> bool:
        return promise.stop_field == "resolved_at"

    def evaluate(self, ctx: Context, out: Outcome) -> None:
        p = out.promise
        rows = out.rows
        start = ctx.col(p.start_field, rows)
        stop = ctx.stop_column(p.stop_field, rows)
        reopens = p.reopens if self.reopenable(p) else "final"
        if reopens != "final":
            if not ctx.has_status_history():
                said = f"reopens: {reopens} {NO_HISTORY}"
                out.reason.put(slice(None), said)
                out.notes.append(said)
                out.started, out.stopped = start, stop
                return
            owner, number, start, stop = ctx.resolution_cycles(rows, start, stop)
            if reopens == "first":
                first = number == 0
                owner, start, stop = owner[first], start[first], stop[first]
            else:
                out.repeat(owner, number + 1)
                rows = out.rows
        out.started, out.stopped = start, stop
        names, raw = ctx.priorities(out, rows, stop)
        seconds, days, no_allowance = allowances(p, names)
        reason = out.reason
        if no_allowance.any():
            reason.put_by_value(
                no_allowance,
                raw,
                lambda v: f"no allowance for priority '{v}'",
                "the ticket has no priority",
            )
        missing_start = start == NAT
        if missing_start.any():
            at, texts = ctx.bad_cells(p.start_field, rows)
            bad_start = np.zeros(rows.size, dtype=bool)
            bad_start[at] = True
            reason.fill(missing_start & ~bad_start, f"no {p.start_field}")
            keep = reason.none[at]
            reason.put_each(at[keep], [t for t, k in zip(texts, keep, strict=True) if k])
        at, texts = ctx.bad_cells(p.stop_field, rows)
        keep = reason.none[at]
        reason.put_each(at[keep], [t for t, k in zip(texts, keep, strict=True) if k])
        reason.fill(
            (stop != NAT) & (stop < start),
            f"{p.stop_field} is before {p.start_field}: a data error",
        )
        label = self.closed_label(p)
        if label is not None:
            unstopped = reason.none & (stop == NAT)
            if unstopped.any():
                reason.fill(unstopped & ctx.closed_by_as_of(rows), f"closed without {label}")
        if p.start_field != "created_at":
            reason.fill(start > ctx.as_of, f"{p.start_field} is after the as-of time")
        ok = reason.none
        if not ok.any():
            return
        # `final`: the time a reopened ticket spent resolved does not count (with a history)
        also = RESOLVED if reopens == "final" and self.reopenable(p) else ()
        ctx.judge_clock(out, start, stop, ok, (seconds, days), also)
