"""`measure: due_date`: resolved no later than the date promised to the customer (`due_at`),
by the clock on the wall. Applies only to tickets that carry a due date."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np

from charter_cli.clock import NAT
from charter_cli.measures.base import Measure
from charter_cli.outcome import Counted

if TYPE_CHECKING:
    from charter_cli.charter.model import Charter, Promise
    from charter_cli.measures.context import Context
    from charter_cli.outcome import Outcome


class DueDate(Measure):
    name = "due_date"
    summary = "resolved no later than the date promised to the customer"
    start_field = "resolved_at"
    stop_field = "due_at"
    allowance_key = None  # the ticket's own date is the deadline
    pausable = False
    counts_intervals = False
    sentence = "due"
    sentences: ClassVar[dict[str, dict[str, str]]] = {
        "en": {"due": "When we give you a date, we keep it."},
        "nb": {"due": "Når vi lover deg en dato, holder vi den."},
        "sv": {"due": "När vi lovar dig ett datum håller vi det."},
        "pl": {"due": "Jeśli podamy Ci termin, dotrzymamy go."},
    }  # fmt: skip

    def needs(self, promise: Promise) -> dict[str, str]:
        return {"due_at": "the promised date", "resolved_at": "kept if resolved by then"}

    def select(self, ctx: Context, mask: np.ndarray) -> np.ndarray:
        return np.asarray(mask & (ctx.t["due_at"].to_numpy() != NAT))

    def evaluate(self, ctx: Context, out: Outcome) -> None:
        rows = out.rows
        created = ctx.col("created_at", rows)
        due = ctx.col("due_at", rows)
        resolved = ctx.stop_column("resolved_at", rows)
        out.started, out.stopped = created, resolved
        out.deadline[:] = due
        out.reason.put_each(*ctx.bad_cells("due_at", rows))
        ok = out.reason.none
        # judged from the resolution and the due date alone: a resolution stamped before the
        # creation is a data-quality note, not a reason to leave the promised date unjudged
        backwards = ok & (resolved != NAT) & (resolved < created)
        if backwards.any():
            out.reason.fill(backwards, "resolved_at is before created_at")
            out.notes.append(
                Counted(
                    "{n} ticket was resolved before created (a data error): judged on the "
                    "resolution and the due date alone",
                    "{n} tickets were resolved before created (a data error): judged on the "
                    "resolution and the due date alone",
                    int(backwards.sum()),
                )
            )
        stopped = resolved != NAT
        until = np.where(stopped, resolved, ctx.as_of)
        # a promised date is a wall-clock promise: late by the clock on the wall
        ctx.judge(out, ok, stopped[ok], (until - created)[ok], (due - created)[ok])

    def business_day(
        self, charter: Charter, promise: Promise, calendar: str | None = None
    ) -> int | None:
        return None  # a promised date is kept or not by the clock on the wall

    def not_applicable(self, promise: Promise, where: str) -> str:
        return super().not_applicable(promise, where) if where else "the ticket has no due date"


MEASURE = DueDate()
