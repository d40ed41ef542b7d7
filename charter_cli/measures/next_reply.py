"""`measure: next_reply`: from the oldest customer message not yet answered to the next public
agent message (Zendesk's next reply time), one instance per such wait, counted once the ticket
has had its first public agent message (before it, the wait is the first response). System
messages and internal notes never answer; customer messages in a row make one instance, from the
oldest. A wait still open when the ticket is resolved is unmeasurable ("resolved without reply");
one open at as-of is running. Needs message history."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from charter_cli.clock import NAT
from charter_cli.measures.conversation import Conversational, any_between, reply_gaps
from charter_cli.tickets.columns import RESOLVED

if TYPE_CHECKING:
    from charter_cli.charter.model import Promise
    from charter_cli.measures.context import Context
    from charter_cli.outcome import Outcome

RESOLVED_WITHOUT = "resolved without reply"


class NextReply(Conversational):
    name = "next_reply"
    summary = "each customer message after our first reply → our next public reply"
    start_field = "created_at"
    stop_field = ""
    pausable = True
    sentence = "next_reply"
    sentences: ClassVar[dict[str, dict[str, str]]] = {
        "en": {"next_reply": "We answer every message within {d}{when}.", "next_reply_list": "We answer every message within:"},
        "nb": {"next_reply": "Vi svarer på hver melding innen {d}{when}.", "next_reply_list": "Vi svarer på hver melding innen:"},
        "sv": {"next_reply": "Vi svarar på varje meddelande inom {d}{when}.", "next_reply_list": "Vi svarar på varje meddelande inom:"},
        "pl": {"next_reply": "Odpowiadamy na każdą wiadomość w ciągu {d}{when}.", "next_reply_list": "Odpowiadamy na każdą wiadomość w czasie nie dłuższym niż:"},
    }  # fmt: skip

    def none_found(self, promise: Promise) -> str | None:
        return "no customer message waited for a reply after the first one"

    def needs(self, promise: Promise) -> dict[str, str]:
        return {"created_at": "the ticket's resolutions are read from its start"}

    def not_applicable(self, promise: Promise, where: str) -> str:
        said = "no customer message waited for a reply after our first public reply"
        return said + (f" (only for tickets with {where})" if where else "")

    def evaluate(self, ctx: Context, out: Outcome) -> None:
        if self.without_messages(ctx, out):
            return
        rows = out.rows
        owner, at, author, public = self.messages(ctx, rows)
        gaps = reply_gaps(owner, at, author, public)
        created = ctx.col("created_at", rows)
        r_owner, r_at, _, resolved_now = self.resolutions(ctx, rows, created)
        out.repeat(gaps.owner, gaps.number)
        if not gaps.owner.size:  # said for the whole input when merged (`none_found`)
            return
        # still open when the ticket was resolved: a resolution at or after its start and
        # before its reply; or no reply and the ticket resolved at as-of
        unanswered = any_between(r_owner, r_at, gaps.owner, gaps.start, gaps.stop) | (
            (gaps.stop == NAT) & resolved_now[gaps.owner]
        )
        out.reason.put(np.asarray(unanswered, dtype=bool), RESOLVED_WITHOUT)
        self.judge_instances(ctx, out, gaps.start, gaps.stop)

    def ends(self, result: Any, outcome: Outcome, i: int) -> list[tuple[str, int, str]]:
        lines = super().ends(result, outcome, i)
        if outcome.reason[i] != RESOLVED_WITHOUT or not lines:
            return lines
        # the resolution it was left open at: the first entry into a resolved state from its
        # start on, or the one before it (a message after the resolution); one ticket's events
        start, stop = int(outcome.started[i]), int(outcome.stopped[i])
        row = int(outcome.rows[i])
        events = result.source.events
        mine = events.loc[(events["ticket_id"] == result.tickets["ticket_id"].iloc[row]).to_numpy()]
        at = mine["at"].to_numpy()
        entered = mine["category"].isin(RESOLVED).to_numpy(dtype=bool) & (at <= result.as_of)
        later = at[entered & (at >= start) & ((stop == NAT) | (at < stop))]
        earlier = at[entered & (at < start)]
        resolved = int(result.tickets["resolved_at"].iloc[row])
        if later.size:
            lines.append(("resolved:", int(later.min()), "while the message waited"))
        elif earlier.size:
            lines.append(("resolved:", int(earlier.max()), "before the message came"))
        elif resolved != NAT:
            lines.append(("resolved:", resolved, "while the message waited"))
        return sorted(lines, key=lambda line: line[1])

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
        # the customer's messages that waited: from the oldest to (not with) the reply
        waited = int((inside & (author == "customer") & (at < until)).sum())
        if int(outcome.stopped[i]) == NAT:
            waited = int((inside & (author == "customer")).sum())
        more = f" (the oldest of {waited} waiting)" if waited > 1 else ""
        return [("started:", start, "a message from the customer" + more)]


MEASURE = NextReply()
