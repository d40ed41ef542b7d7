"""`measure: periodic_update`: while a ticket is unresolved, the time since our last public
agent message (or since its creation) stays within the allowance. One instance per gap (the
creation or a public agent message → the next one); the last ends at the final resolution, or
runs at as-of. Paused statuses stop it; with a status history, the time a reopened ticket spent
resolved does not count either (as `reopens: final`). Needs message history."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np

from charter_cli.clock import NAT
from charter_cli.measures.conversation import Conversational, update_gaps
from charter_cli.tickets.columns import RESOLVED

if TYPE_CHECKING:
    from charter_cli.charter.model import Promise
    from charter_cli.measures.context import Context
    from charter_cli.outcome import Outcome


class PeriodicUpdate(Conversational):
    name = "periodic_update"
    summary = "created or our last public reply → the next one, until resolution"
    start_field = "created_at"
    stop_field = "resolved_at"
    pausable = True
    sentence = "update"
    sentences: ClassVar[dict[str, dict[str, str]]] = {
        "en": {"update": "Until your case is solved, we give you an update at least every {d}{when}.", "update_list": "Until your case is solved, we give you an update at least every:"},
        "nb": {"update": "Til saken din er løst, hører du fra oss senest {d} etter forrige oppdatering{when}.", "update_list": "Til saken din er løst, hører du fra oss senest så lenge etter forrige oppdatering:"},
        "sv": {"update": "Tills ditt ärende är löst hör du av oss senast {d} efter förra uppdateringen{when}.", "update_list": "Tills ditt ärende är löst hör du av oss senast så här länge efter förra uppdateringen:"},
        "pl": {"update": "Dopóki sprawa nie zostanie rozwiązana, kolejną informację o postępach otrzymasz w ciągu {d} od poprzedniej{when}.", "update_list": "Dopóki sprawa nie zostanie rozwiązana, kolejną informację o postępach otrzymasz w czasie nie dłuższym niż:"},
    }  # fmt: skip

    def needs(self, promise: Promise) -> dict[str, str]:
        return {
            "created_at": "the first gap starts at creation",
            "resolved_at": "the last gap ends at resolution",
        }

    def evaluate(self, ctx: Context, out: Outcome) -> None:
        if self.without_messages(ctx, out):
            out.started = ctx.col("created_at", out.rows)
            return
        rows = out.rows
        created = ctx.col("created_at", rows)
        _, _, final, _ = self.resolutions(ctx, rows, created)
        reason = out.reason
        at, texts = ctx.bad_cells("created_at", rows)
        reason.put_each(at, texts)
        reason.fill(created == NAT, "no created_at")
        at, texts = ctx.bad_cells("resolved_at", rows)
        keep = reason.none[at]
        reason.put_each(at[keep], [t for t, k in zip(texts, keep, strict=True) if k])
        reason.fill(
            (final != NAT) & (final < created), "resolved_at is before created_at: a data error"
        )
        # a ticket the events file says nothing of: its messages are not known
        reason.fill(~ctx.with_events(rows), "no message history for this ticket")
        ok = reason.none
        sub = np.flatnonzero(ok)
        owner, at_m, author, public = self.messages(ctx, rows[sub])
        gaps = update_gaps(created[sub], final[sub], owner, at_m, author, public)
        others = np.flatnonzero(~ok)
        who = np.concatenate((sub[gaps.owner], others))
        number = np.concatenate((gaps.number, np.ones(others.size, dtype=np.int64)))
        start = np.concatenate((gaps.start, created[others]))
        stop = np.concatenate((gaps.stop, final[others]))
        order = np.lexsort((number, who))
        out.repeat(who[order], number[order])
        also = RESOLVED if ctx.has_status_history() else ()
        self.judge_instances(ctx, out, start[order], stop[order], also)

    def opened(
        self,
        outcome: Outcome,
        i: int,
        start: int,
        at: np.ndarray,
        author: np.ndarray,
        inside: np.ndarray,
        until: int,
    ) -> list[tuple[str, int, str]]:
        first = int(outcome.instances()[i]) == 1
        return [("started:", start, "the creation" if first else "a public reply by an agent")]


MEASURE = PeriodicUpdate()
