"""next_reply and periodic_update: the gaps of a conversation, against a slow reference
(`tests/audit/reference_conversations.py`), by hand on an Oslo office calendar, and on the
realistic conversation fixture with its figures counted by pandas."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from charter_cli.clock import NAT
from charter_cli.measures.conversation import (
    AGENT,
    CUSTOMER,
    SYSTEM,
    any_between,
    reply_gaps,
    update_gaps,
)
from tests.audit import reference_conversations as ref

CODE = {"agent": AGENT, "customer": CUSTOMER, "system": SYSTEM}

# --- the gaps alone, on random conversations ---------------------------------------------------

message = st.tuples(
    st.integers(0, 200),  # minutes after the creation (before it, some of the time)
    st.sampled_from(["agent", "customer", "system"]),
    st.booleans(),
)
conversation = st.tuples(
    st.integers(0, 20),  # the creation, minutes
    st.one_of(st.none(), st.integers(0, 220)),  # the final resolution, minutes (None: open)
    st.lists(message, max_size=12),
)


def _columns(tickets: list) -> tuple[np.ndarray, ...]:
    owner, at, author, public = [], [], [], []
    for k, (_, _, messages) in enumerate(tickets):
        for m, who, seen in sorted(messages, key=lambda x: x[0]):  # stable: ties keep order
            owner.append(k)
            at.append(m * 60)
            author.append(CODE[who])
            public.append(seen)
    return (
        np.array(owner, dtype=np.int64),
        np.array(at, dtype=np.int64),
        np.array(author, dtype=np.int8),
        np.array(public, dtype=bool),
    )


@settings(max_examples=300, deadline=None)
@given(st.lists(conversation, max_size=6))
def test_the_gaps_match_a_message_by_message_loop(tickets: list) -> None:
    owner, at, author, public = _columns(tickets)
    replies = reply_gaps(owner, at, author, public)
    created = np.array([c * 60 for c, _, _ in tickets], dtype=np.int64)
    end = np.array([NAT if e is None else max(e, c) * 60 for c, e, _ in tickets], dtype=np.int64)
    updates = update_gaps(created, end, owner, at, author, public)
    want_replies, want_updates = [], []
    for k, (c, e, messages) in enumerate(tickets):
        ordered = [(m * 60, who, seen) for m, who, seen in sorted(messages, key=lambda x: x[0])]
        for n, i in enumerate(ref.next_reply_instances(ordered), start=1):
            want_replies.append((k, n, i.start, NAT if i.stop is None else i.stop, i.waiting))
        final = None if e is None else max(e, c) * 60
        for n, i in enumerate(ref.update_instances(c * 60, final, ordered), start=1):
            want_updates.append((k, n, i.start, NAT if i.stop is None else i.stop))
    got_replies = list(
        zip(*(x.tolist() for x in (replies.owner, replies.number, replies.start, replies.stop,
                                    replies.waiting)), strict=True)
    )  # fmt: skip
    got_updates = list(
        zip(*(x.tolist() for x in (updates.owner, updates.number, updates.start, updates.stop)),
            strict=True)
    )  # fmt: skip
    assert got_replies == want_replies
    assert got_updates == want_updates
    # the messages that opened and closed each instance are the ones at its ends
    opened = replies.opened_by
    assert (author[opened] == CUSTOMER).all() and (at[opened] == replies.start).all()
    closed = replies.closed_by[replies.closed_by >= 0]
    assert (author[closed] == AGENT).all() and public[closed].all()
    assert (at[closed] == replies.stop[replies.closed_by >= 0]).all()
    by_message = updates.opened_by >= 0
    assert (at[updates.opened_by[by_message]] == updates.start[by_message]).all()
    assert ((updates.number == 1) == ~by_message).all()


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 3), st.integers(0, 50)), max_size=10),
    st.lists(
        st.tuples(st.integers(0, 3), st.integers(0, 50), st.one_of(st.none(), st.integers(0, 50))),
        max_size=10,
    ),
)
def test_any_between_matches_a_loop(events: list, queries: list) -> None:
    events = sorted(events)
    ev_owner = np.array([o for o, _ in events], dtype=np.int64)
    ev_at = np.array([a for _, a in events], dtype=np.int64)
    owner = np.array([o for o, _, _ in queries], dtype=np.int64)
    low = np.array([a for _, a, _ in queries], dtype=np.int64)
    high = np.array([NAT if b is None else b for _, _, b in queries], dtype=np.int64)
    got = any_between(ev_owner, ev_at, owner, low, high).tolist()
    want = [
        any(eo == o and a <= t and (b is None or t < b) for eo, t in events) for o, a, b in queries
    ]
    assert got == want


def test_the_gaps_of_one_conversation_by_hand() -> None:
    # the customer writes (09:00), the agent answers (09:30); the customer writes twice (10:00,
    # 10:05), an internal note (10:10) and a bot (10:15) answer nothing, the agent answers
    # (11:00); the customer thanks (12:00) and nobody answers
    m = [
        (9 * 60, "customer", True),
        (9 * 60 + 30, "agent", True),
        (10 * 60, "customer", True),
        (10 * 60 + 5, "customer", True),
        (10 * 60 + 10, "agent", False),
        (10 * 60 + 15, "system", True),
        (11 * 60, "agent", True),
        (12 * 60, "customer", True),
    ]
    owner, at, author, public = _columns([(0, None, m)])
    g = reply_gaps(owner, at, author, public)
    assert g.start.tolist() == [600 * 60, 720 * 60]
    assert g.stop.tolist() == [660 * 60, NAT]
    assert g.waiting.tolist() == [2, 1]
    assert g.opened_by.tolist() == [2, 7] and g.closed_by.tolist() == [6, -1]
    u = update_gaps(np.array([540 * 60]), np.array([NAT]), owner, at, author, public)
    # created 09:00 → 09:30 → 11:00 → running
    assert u.start.tolist() == [540 * 60, 570 * 60, 660 * 60]
    assert u.stop.tolist() == [570 * 60, 660 * 60, NAT]
