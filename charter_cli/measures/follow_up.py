"""`measure: follow_up`: a survey or call inside the window `between: [low, high]` after the
resolution. Applies only to resolved tickets; too early is breached too."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np

from charter_cli.clock import NAT
from charter_cli.measures.allowance import window
from charter_cli.measures.base import Measure
from charter_cli.outcome import State

if TYPE_CHECKING:
    from charter_cli.charter.model import Promise
    from charter_cli.measures.context import Context
    from charter_cli.outcome import Outcome


class FollowUp(Measure):
    name = "follow_up"
    summary = "resolved → follow-up, inside `between`"
    start_field = "resolved_at"
    stop_field = "follow_up_at"
    allowance_key = "between"
    pausable = False
    sentence = "follow"
    sentences: ClassVar[dict[str, dict[str, str]]] = {
        "en": {"follow": "After we have solved a complaint, we contact you between {a} and {b} later to hear whether you are satisfied."},
        "nb": {"follow": "Etter at en klage er løst, tar vi kontakt mellom {a} og {b} senere for å høre om du er fornøyd."},
        "sv": {"follow": "När ett klagomål är löst hör vi av oss mellan {a} och {b} senare för att höra om du är nöjd."},
        "pl": {"follow": "Po rozpatrzeniu reklamacji kontaktujemy się z Tobą po upływie od {a} do {b}, aby upewnić się, że sprawa została załatwiona."},
    }  # fmt: skip

    def needs(self, promise: Promise) -> dict[str, str]:
        return {"resolved_at": "the window opens at resolution", "follow_up_at": "the follow-up"}

    def select(self, ctx: Context, mask: np.ndarray) -> np.ndarray:
        every = np.arange(len(ctx.t))
        return np.asarray(mask & (ctx.stop_column("resolved_at", every) != NAT))

    def evaluate(self, ctx: Context, out: Outcome) -> None:
        p = out.promise
        assert p.between is not None
        rows = out.rows
        resolved = ctx.stop_column("resolved_at", rows)
        follow = ctx.col("follow_up_at", rows)
        follow = np.where(follow > ctx.as_of, NAT, follow)
        out.started, out.stopped = resolved, follow
        out.reason.put_each(*ctx.bad_cells("follow_up_at", rows))
        ok = out.reason.none
        stopped = follow != NAT
        low, high = p.between
        for clock, sel in ctx.by_calendar(out, ok):
            c0 = clock.business_s(resolved[sel])
            until = np.where(stopped[sel], follow[sel], ctx.as_of)
            elapsed = clock.elapsed_s(resolved[sel], until, start_business=c0)
            lo = window(clock, resolved[sel], c0, low)
            hi = window(clock, resolved[sel], c0, high)
            out.deadline[sel] = clock.deadline_s(resolved[sel], hi, start_business=c0)
            ctx.judge(out, sel, stopped[sel], elapsed, hi)
            early = np.zeros(rows.size, dtype=bool)
            early[sel] = stopped[sel] & (elapsed < lo)
            out.state[early] = State.BREACHED
            out.overdue[early] = 0
            out.reason.put(early, "followed up too early")

    def not_applicable(self, promise: Promise, where: str) -> str:
        return "only for resolved tickets" + (f" with {where}" if where else "")


MEASURE = FollowUp()
