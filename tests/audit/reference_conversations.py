"""A slow, obvious reading of next_reply and periodic_update, to check the vectorised measures
against: one ticket at a time, one message at a time, written from the definitions (not from
the code under test).

A message is (at, author, public) with author "agent", "customer" or "system". Statuses are
(at, status) changes; before the first one the ticket is "open".
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.clock import reference

Message = tuple[int, str, bool]
Change = tuple[int, str]
RESOLVED = ("solved", "closed")


@dataclass(frozen=True)
class Instance:
    start: int
    stop: int | None  # None: no message stopped it
    waiting: int = 0  # customer messages waiting in it (next reply)


def next_reply_instances(messages: list[Message]) -> list[Instance]:
    """Each wait: from the oldest customer message not yet answered to the next public agent
    message, once the ticket has had a first public agent message."""
    out: list[Instance] = []
    answered_once = False
    oldest: int | None = None
    waiting = 0
    for at, author, public in messages:
        if author == "agent" and public:
            if oldest is not None:
                out.append(Instance(oldest, at, waiting))
            oldest, waiting = None, 0
            answered_once = True
        elif author == "customer" and answered_once:
            if oldest is None:
                oldest = at
            waiting += 1
    if oldest is not None:
        out.append(Instance(oldest, None, waiting))
    return out


def update_instances(created: int, end: int | None, messages: list[Message]) -> list[Instance]:
    """Each gap: creation or a public agent message → the next one; the last to `end` (the
    final resolution; None: still open)."""
    out: list[Instance] = []
    since = created
    for at, author, public in messages:
        if author != "agent" or not public or at <= created:
            continue
        if end is not None and at >= end:
            continue
        if at == since:  # a second reply at the same instant opens no new gap
            continue
        out.append(Instance(since, at))
        since = at
    out.append(Instance(since, end))
    return out


def entries_into_resolved(changes: list[Change]) -> list[int]:
    """The instants the ticket entered a resolved state."""
    out = []
    before = "open"
    for at, status in changes:
        if status in RESOLVED and before not in RESOLVED:
            out.append(at)
        before = status
    return out


def final_resolution(changes: list[Change]) -> int | None:
    """The last entry into a resolved state, if the ticket is resolved at the end."""
    entries = entries_into_resolved(changes)
    if changes and changes[-1][1] in RESOLVED and entries:
        return entries[-1]
    return None


def time_in(
    ivs: list[reference.RefInterval],
    changes: list[Change],
    statuses: tuple[str, ...],
    lo: int,
    hi: int,
) -> int:
    """Business seconds in [lo, hi) the ticket spent in `statuses`."""
    total = 0
    for k, (at, status) in enumerate(changes):
        if status not in statuses:
            continue
        until = changes[k + 1][0] if k + 1 < len(changes) else hi
        a, b = max(at, lo), min(until, hi)
        if b > a:
            total += reference.elapsed(ivs, a, b)
    return total


def judged(
    ivs: list[reference.RefInterval],
    inst: Instance,
    changes: list[Change],
    paused: tuple[str, ...],
    allowance: int,
    as_of: int,
) -> tuple[str, int]:
    """(state, net elapsed business seconds) of one instance."""
    end = as_of if inst.stop is None else inst.stop
    elapsed = reference.elapsed(ivs, inst.start, end) - time_in(
        ivs, changes, paused, inst.start, end
    )
    if elapsed > allowance:
        return "breached", elapsed
    return ("met" if inst.stop is not None else "running"), elapsed
