"""The gaps of a conversation, as whole columns: what `next_reply` and `periodic_update` measure.

Both read the message rows of the audited tickets, sorted by (ticket, time, original order):
`owner` (the ticket's position in the promise's rows), `at`, `author` (AGENT, CUSTOMER, SYSTEM)
and `public`. A reply is a public agent message; a system message or an internal note (a message
that is not public) never answers.

- `reply_gaps`: from the oldest customer message not yet answered to the next reply, counted only
  once the ticket has had its first reply (before it, the wait is the first response).
- `update_gaps`: from the creation, and from each reply, to the next reply; the last gap ends at
  the resolution (or is open).

No loop over tickets or messages: cumulative sums and running maxima over the sorted rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from charter_cli.clock import I64, NAT
from charter_cli.measures.allowance import allowances
from charter_cli.measures.base import Measure
from charter_cli.measures.history import owners_of_rows
from charter_cli.measures.messages import AGENT, CUSTOMER, SYSTEM

__all__ = ["AGENT", "CUSTOMER", "SYSTEM", "Conversational", "Gaps", "reply_gaps", "update_gaps"]

if TYPE_CHECKING:
    from charter_cli.measures.context import Context
    from charter_cli.outcome import Outcome


@dataclass(frozen=True)
class Gaps:
    """One row per instance, in ticket order then time order."""

    owner: I64  # the ticket's position in the rows the messages were given for
    number: I64  # its number within the ticket, from 1
    start: I64
    stop: I64  # NAT: no message stopped it
    opened_by: I64  # the message (its index in the given rows) that started it; -1: the creation
    closed_by: I64  # the message that stopped it; -1: none
    waiting: I64  # customer messages waiting in it (next_reply; 0 for periodic_update)


def _groups(owner: I64) -> tuple[I64, I64]:
    """For each row of `owner` (sorted), the index of its group's first and last row."""
    n = owner.size
    idx = np.arange(n, dtype=np.int64)
    first = np.ones(n, dtype=bool)
    first[1:] = owner[1:] != owner[:-1]
    last = np.ones(n, dtype=bool)
    last[:-1] = owner[1:] != owner[:-1]
    begin = np.maximum.accumulate(np.where(first, idx, 0))
    end = np.minimum.accumulate(np.where(last, idx, n)[::-1])[::-1]
    return begin.astype(np.int64), end.astype(np.int64)


def _numbers(owner: I64) -> I64:
    """Each row's place within its group of `owner` (sorted), from 1."""
    begin, _ = _groups(owner)
    out: I64 = np.arange(owner.size, dtype=np.int64) - begin + 1
    return out


def reply_gaps(owner: I64, at: I64, author: np.ndarray, public: np.ndarray) -> Gaps:
    """The next-reply instances of the given messages (sorted by owner, then time)."""
    owner = np.asarray(owner, dtype=np.int64)
    n = owner.size
    idx = np.arange(n, dtype=np.int64)
    begin, end = _groups(owner)
    reply = (np.asarray(author) == AGENT) & np.asarray(public, dtype=bool)
    # the last reply at or before each message (of its own ticket when >= its group's start)
    last_reply = np.maximum.accumulate(np.where(reply, idx, -1))
    counted = (np.asarray(author) == CUSTOMER) & (last_reply >= begin)
    waiting = np.cumsum(counted)  # customer messages counted so far, all tickets together
    before = np.where(counted, waiting[np.maximum(last_reply, 0)], 0)
    # the first customer message after a reply opens an instance; those after it join it
    opens = np.flatnonzero(counted & (waiting - 1 == before))
    next_reply = np.minimum.accumulate(np.where(reply, idx, n)[::-1])[::-1]
    close = next_reply[opens]
    closed = close <= end[opens]
    last = np.where(closed, close - 1, end[opens])  # the instance's last message
    stop = np.where(closed, at[np.minimum(close, n - 1)] if n else close, NAT)
    who = owner[opens]
    return Gaps(
        owner=who,
        number=_numbers(who),
        start=at[opens],
        stop=stop.astype(np.int64),
        opened_by=opens.astype(np.int64),
        closed_by=np.where(closed, close, -1).astype(np.int64),
        waiting=(waiting[last] - waiting[opens] + 1).astype(np.int64),
    )


def update_gaps(
    created: I64, end: I64, owner: I64, at: I64, author: np.ndarray, public: np.ndarray
) -> Gaps:
    """The periodic-update instances of every ticket (`created`, `end`: per ticket, `end` its
    resolution or NAT while it runs; every ticket has at least one instance). The replies after
    the creation and before the resolution each end a gap and open the next; a reply at the
    same instant as the one before it (or as the creation) opens no new gap."""
    created = np.asarray(created, dtype=np.int64)
    end = np.asarray(end, dtype=np.int64)
    owner = np.asarray(owner, dtype=np.int64)
    n = created.size
    reply = (np.asarray(author) == AGENT) & np.asarray(public, dtype=bool)
    ticket_end = end[owner] if owner.size else np.empty(0, dtype=np.int64)
    inside = reply & (at > created[owner]) & ((ticket_end == NAT) | (at < ticket_end))
    kept = np.flatnonzero(inside)
    k_owner, k_at = owner[kept], at[kept]
    same = np.zeros(kept.size, dtype=bool)
    same[1:] = (k_owner[1:] == k_owner[:-1]) & (k_at[1:] == k_at[:-1])
    kept, k_owner, k_at = kept[~same], k_owner[~same], k_at[~same]
    count = np.bincount(k_owner, minlength=n) + 1  # instances per ticket
    who = np.repeat(np.arange(n, dtype=np.int64), count)
    base = np.cumsum(count) - count
    number = np.arange(who.size, dtype=np.int64) - base[who] + 1
    start = created[who].copy()
    stop = np.full(who.size, NAT, dtype=np.int64)
    opened_by = np.full(who.size, -1, dtype=np.int64)
    closed_by = np.full(who.size, -1, dtype=np.int64)
    place = base[k_owner] + _numbers(k_owner) - 1  # the instance each kept reply stops
    stop[place], closed_by[place] = k_at, kept
    start[place + 1], opened_by[place + 1] = k_at, kept
    last = base + count - 1
    stop[last] = end
    return Gaps(
        owner=who,
        number=number,
        start=start,
        stop=stop,
        opened_by=opened_by,
        closed_by=closed_by,
        waiting=np.zeros(who.size, dtype=np.int64),
    )


def any_between(ev_owner: I64, ev_at: I64, owner: I64, low: I64, high: I64) -> np.ndarray:
    """Whether an event of `owner` falls in [low, high) (`high` NAT: no upper end), per query
    row; `ev_owner`, `ev_at`: the events, sorted by owner then time."""
    found = np.zeros(owner.size, dtype=bool)
    if not ev_owner.size or not owner.size:
        return found
    lo_t = int(ev_at.min())
    hi_t = int(ev_at.max())
    span = hi_t - lo_t + 2
    keys = ev_owner * span + (ev_at - lo_t)
    top = np.where(high == NAT, hi_t + 1, np.minimum(high, hi_t + 1))
    a = np.searchsorted(keys, owner * span + (np.clip(low, lo_t, hi_t + 1) - lo_t), "left")
    b = np.searchsorted(keys, owner * span + (np.maximum(top, lo_t) - lo_t), "left")
    found[:] = b > a
    return found


class Conversational(Measure):
    """What `next_reply` and `periodic_update` share: the messages, the resolutions, the
    judging of each instance against its allowance, minus the paused time."""

    also_reads = "message history (author and public)"
    walks_history = True

    @property
    def no_messages(self) -> str:
        return f"{self.name} needs message history (an events file with author and public)"

    def without_messages(self, ctx: Context, out: Outcome) -> bool:
        """Without messages every ticket is unmeasurable, for one reason (and True)."""
        if ctx.source.has_messages:
            return False
        out.reason.put(slice(None), self.no_messages)
        out.notes.append(self.no_messages)
        return True

    def messages(self, ctx: Context, rows: I64) -> tuple[I64, I64, np.ndarray, np.ndarray]:
        """The messages of the tickets at `rows` up to as-of: each one's position in `rows`,
        its instant, author code and visibility, sorted by ticket then time."""
        m = ctx.messages
        index, owner = owners_of_rows(rows, m.row, len(ctx.t))
        at = m.at[index]
        known = at <= ctx.as_of  # messages after as-of have not happened yet
        index, owner, at = index[known], owner[known], at[known]
        return owner, at, m.author[index], m.public[index]

    @staticmethod
    def resolutions(ctx: Context, rows: I64, created: I64) -> tuple[I64, I64, I64, np.ndarray]:
        """The instants each ticket entered a resolved state (its position in `rows` and the
        instant, sorted), its final resolution (NAT: unresolved at as-of), and whether it is
        resolved at as-of. With a status history, every resolution before a reopen; else the
        export's resolved_at (or closed_at)."""
        stop = ctx.stop_column("resolved_at", rows)
        if ctx.has_status_history():
            owner, _, _, end = ctx.resolution_cycles(rows, created, stop)
            count = np.bincount(owner, minlength=rows.size)
            final = end[np.cumsum(count) - 1]
            now = final != NAT
        else:
            owner, end, final = np.arange(rows.size, dtype=np.int64), stop, stop
            now = (final != NAT) | ctx.closed_by_as_of(rows)
        has = end != NAT
        return owner[has], end[has], final, np.asarray(now, dtype=bool)

    def ends(self, result: Any, outcome: Outcome, i: int) -> list[tuple[str, int, str]]:
        """The messages of one instance, for `explain`: the one that started it, the ones that
        did not answer (internal notes, system messages), the one that stopped it."""
        events = result.source.events
        if events is None or "author" not in events:
            return []
        ticket = result.tickets["ticket_id"].iloc[int(outcome.rows[i])]
        start, stop = int(outcome.started[i]), int(outcome.stopped[i])
        if start == NAT:
            return []
        until = result.as_of if stop == NAT else stop
        own = events.loc[(events["ticket_id"] == ticket).to_numpy(dtype=bool)]  # one ticket
        author = own["author"].astype("string").str.lower().to_numpy(dtype=object, na_value="")
        at = own["at"].to_numpy()
        if "public" in own:
            public = own["public"].astype("boolean").to_numpy(dtype=bool, na_value=True)
        else:
            public = np.ones(at.size, dtype=bool)
        reply = (author == "agent") & public
        inside = (at >= start) & (at <= until)
        lines = self.opened(outcome, i, start, at, author, inside, until)
        quiet = inside & ~reply & (at > start) & (at < until) & np.isin(author, ["agent", "system"])
        for t, who in sorted(zip(at[quiet].tolist(), author[quiet].tolist(), strict=True)):
            lines.append(
                ("no answer:", t, "an internal note" if who == "agent" else "a system message")
            )
        if stop == NAT:
            return lines
        if (reply & (at == stop)).any():
            lines.append(("stopped:", stop, "a public reply by an agent"))
        else:
            lines.append(("stopped:", stop, "the resolution"))
        return lines

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
        """The line telling what started instance `i` (`inside`: the ticket's messages from its
        start to its stop)."""
        return [("started:", start, "")]

    def judge_instances(
        self, ctx: Context, out: Outcome, start: I64, stop: I64, also: tuple[str, ...] = ()
    ) -> None:
        """Judge every instance whose reason is still none: business time from `start` to
        `stop` (NAT: to as-of, running), minus the paused time, against its allowance."""
        p = out.promise
        rows = out.rows
        out.started, out.stopped = start, stop
        names, raw = ctx.priorities(out, rows, stop)
        seconds, days, no_allowance = allowances(p, names)
        if no_allowance.any():
            out.reason.put_by_value(
                no_allowance,
                raw,
                lambda v: f"no allowance for priority '{v}'",
                "the ticket has no priority",
            )
        ok = out.reason.none
        if not ok.any():
            return
        ctx.judge_clock(out, start, stop, ok, (seconds, days), also)
