"""Vendor message histories (`--events`) read by the helpdesk's own profile: Zammad's ticket
articles (sender Agent/Customer/System, `internal`), Freshdesk's conversations (`incoming`,
`private`) and Zendesk's ticket comments (the author's role, `public`). Each fixture is one row
per article, conversation or comment as the vendor's API gives them, flattened to CSV."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from charter_cli.clock import NAT
from charter_cli.measures.messages import Messages
from charter_cli.tickets.read import read_tickets
from tests.conftest import DATA

EXPORTS = DATA / "exports"
UTC = "UTC"


def _utc(text: str) -> int:
    return pd.Timestamp(text, tz=UTC).value // 10**9


@pytest.mark.parametrize(
    ("export", "events", "profile", "authors", "public", "first"),
    [
        (
            "zammad.xlsx",
            "zammad-articles.csv",
            "zammad",
            ["customer", "system", "agent", "agent", "customer", "agent", "customer", "agent"],
            # `internal` negated; the auto-reply (System) is public, yet no response
            [True, True, False, True, True, False, True, True],
            # 31001: the agent's e-mail, not the System auto-reply 4 s after the customer's nor
            # the internal note; 31002: only a note so far; 31003: the web reply (created_at,
            # not its later edit)
            {
                "31001": "2026-10-05 07:40",
                "31002": None,
                "31003": "2026-10-07 08:00",
            },
        ),
        (
            "freshdesk.csv",
            "freshdesk-conversations.csv",
            "freshdesk",
            ["agent", "agent", "customer", "agent", "customer", "customer", "agent"],
            [False, True, True, True, True, True, True],  # `private` negated
            {"101": "2026-10-05 06:20", "102": "2026-10-05 13:00", "103": "2026-10-06 08:01"},
        ),
        (
            "zendesk.csv",
            "zendesk-comments.csv",
            "zendesk",
            ["customer", "agent", "agent", "customer", "agent"],  # end-user; agent; admin
            [True, False, True, True, True],
            {"4711": "2026-10-05 08:00:03", "4712": "2026-10-25 09:00"},
        ),
    ],
)
def test_a_vendor_message_history(
    export: str,
    events: str,
    profile: str,
    authors: list[str],
    public: list[bool],
    first: dict[str, str | None],
) -> None:
    t = read_tickets(
        [EXPORTS / export], profile=profile, timezone="Europe/Oslo", events_file=EXPORTS / events
    )
    assert t.has_messages and not t.has_history  # messages are no status history
    assert t.skipped.empty
    ev = t.events
    assert ev is not None
    assert ev["author"].tolist() == authors
    assert ev["public"].tolist() == public
    ids = t.frame["ticket_id"].tolist()
    rows = np.array([ids.index(k) for k in first], dtype=np.int64)
    got = Messages(ev, t.frame["ticket_id"]).first_public_agent(rows)
    want = [NAT if v is None else _utc(v) for v in first.values()]
    assert got.tolist() == want
    assert t.fields["first_response_at"].startswith(f"messages ({EXPORTS / events}")
