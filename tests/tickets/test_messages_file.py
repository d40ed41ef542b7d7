"""Message events (`author`, `public`) in an events file and in an event log: read into the
right columns whatever the file looks like, vendor words mapped, a column that says the opposite
negated, and a word that is none of them an exit 2 naming file, line, column and value."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from charter_cli.cli import app
from charter_cli.clock import NAT
from charter_cli.errors import InputError
from charter_cli.measures.messages import AGENT, CUSTOMER, SYSTEM, Messages
from charter_cli.tickets.read import read_tickets
from tests.conftest import DATA

runner = CliRunner()
DESK = DATA / "charters" / "audit" / "events-desk.yaml"
OSLO = "Europe/Oslo"

TICKETS = (
    "ticket_id,created_at,channel,status\n"
    "A-1,2026-10-05 09:00,email,open\n"
    "B-2,2026-10-05 09:00,email,new\n"
    "C-3,2026-10-05 09:00,email,open\n"
)
# a BOM, `;` between fields, free text nobody reads with the separator, quotes and line breaks
# inside, names with æøå; empty status cells on message rows; vendor-ish casing of the words
MESSAGES = (
    "\ufeffticket_id;at;status;author;public;from;body\n"
    'A-1;2026-10-05 09:00;open;Customer;;Øystein Ærø;"Hei; jeg får ikke logget inn\n'
    '""Feil 42"", sier den, og det var det"\n'
    "A-1;2026-10-05 09:05;;SYSTEM;true;Zammad-bot;Vi har mottatt saken din, takk\n"
    'A-1;2026-10-05 09:30;;agent;No;Kari Sæther;"Intern: ring ham; han er, ærlig talt, sur"\n'
    "A-1;2026-10-05 10:00;pending;Agent;yes;Kari Sæther;Prøv å nullstille passordet\n"
    "A-1;2026-10-05 11:00;;customer;1;Øystein Ærø;Takk!\n"
    "B-2;2026-10-05 09:10;open;;;;\n"  # a status change only: no message
    "C-3;2026-10-05 09:00;;customer;0;Åsa Ström;hjälp\n"
)


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    file = tmp_path / name
    file.write_bytes(text.encode(encoding))
    return file


def read(tmp_path: Path, messages: str = MESSAGES, tickets: str = TICKETS):  # type: ignore[no-untyped-def]
    export = write(tmp_path, "tickets.csv", tickets)
    events = write(tmp_path, "meldinger.csv", messages)
    return read_tickets([export], timezone=OSLO, events_file=events)


def test_messages_are_read_into_author_and_public(tmp_path: Path) -> None:
    t = read(tmp_path)
    assert t.has_messages and t.has_history
    ev = t.events
    assert ev is not None
    # free text with the separator, quotes and a line break stays in its row: 7 events
    assert t.events_used == 7 and t.skipped.empty
    got = ev[["ticket_id", "author", "public"]].astype(object)
    got = got.where(got.notna(), None).values.tolist()
    assert got == [
        ["A-1", "customer", None],
        ["A-1", "system", True],
        ["A-1", "agent", False],
        ["A-1", "agent", True],
        ["A-1", "customer", True],
        ["B-2", None, None],
        ["C-3", "customer", False],
    ]
    # one byte a message, whatever the file: the three authors as a categorical
    assert list(ev["author"].cat.categories) == ["agent", "customer", "system"]
    assert ev["public"].dtype == "boolean"
    # the rows without a status are messages, not a status of nothing
    assert ev["status"].isna().tolist() == [False, True, True, False, True, False, True]
    assert (
        "messages" in t.fields["first_response_at"]
        and "meldinger.csv" in t.fields["first_response_at"]
    )


def test_messages_sorted_per_ticket_row_with_codes(tmp_path: Path) -> None:
    t = read(tmp_path)
    m = Messages(t.events, t.frame["ticket_id"])
    at = pd.Timestamp("2026-10-05 09:00", tz=OSLO).value // 10**9
    assert m.row.tolist() == [0, 0, 0, 0, 0, 2]
    assert (m.at - at).tolist() == [0, 300, 1800, 3600, 7200, 0]
    assert m.author.tolist() == [CUSTOMER, SYSTEM, AGENT, AGENT, CUSTOMER, CUSTOMER]
    # visibility not said: public
    assert m.public.tolist() == [True, True, False, True, True, False]
    first = m.first_public_agent(np.arange(3, dtype=np.int64))
    assert first.tolist() == [at + 3600, NAT, NAT]
    assert m.has_any(np.arange(3, dtype=np.int64)).tolist() == [True, False, True]


def test_a_latin1_semicolon_file_reads_the_same(tmp_path: Path) -> None:
    export = write(tmp_path, "tickets.csv", TICKETS)
    events = write(tmp_path, "meldinger.csv", MESSAGES.lstrip("\ufeff"), encoding="cp1252")
    t = read_tickets([export], timezone=OSLO, events_file=events)
    assert t.events is not None
    assert t.events["author"].tolist()[:5] == ["customer", "system", "agent", "agent", "customer"]


@pytest.mark.parametrize(
    ("row", "column", "value"),
    [
        ("A-1;2026-10-05 12:00;;Kunde;true;x;y\n", "author", "Kunde"),
        ("A-1;2026-10-05 12:00;;agent;kanskje;x;y\n", "public", "kanskje"),
    ],
)
def test_an_unknown_word_is_exit_2_with_file_line_column_and_value(
    tmp_path: Path, row: str, column: str, value: str
) -> None:
    messages = MESSAGES + row  # line 10 (the quoted body spans two lines)
    with pytest.raises(InputError) as caught:
        read(tmp_path, messages)
    err = caught.value
    assert err.line == 10 and str(err.path).endswith("meldinger.csv")
    assert f"column {column!r} ({column}): {value!r}" in err.message
    export = tmp_path / "tickets.csv"
    result = runner.invoke(
        app, ["audit", str(DESK), str(export), "--events", str(tmp_path / "meldinger.csv")]
    )
    assert result.exit_code == 2
    said = " ".join(result.output.split())
    assert "meldinger.csv:10" in said and repr(value) in said and "Traceback" not in said


NEGATED_PROFILE = """\
profile: 1
name: artikler
columns:
  ticket_id: Ticket
  created_at: Created
  status: State
  author: Sender
  public: {not: Internal}
values:
  author: {kunde: customer, saksbehandler: agent, automatikk: system}
"""


def test_a_column_that_says_the_opposite_is_negated(tmp_path: Path) -> None:
    profile = write(tmp_path, "artikler.yaml", NEGATED_PROFILE)
    export = write(tmp_path, "t.csv", "Ticket,Created,State\n7,2026-03-27 15:00,open\n")
    events = write(
        tmp_path,
        "a.csv",
        "ticket_id,created_at,updated_at,sender,internal\n"
        "7,2026-03-27 15:00,2026-03-30 08:00,Kunde,false\n"
        "7,2026-03-27 15:01,2026-03-27 15:01,Automatikk,false\n"
        "7,2026-03-27 15:30,2026-03-27 15:30,Saksbehandler,true\n"
        "7,2026-03-30 08:15,2026-03-30 09:00,Saksbehandler,false\n",
    )
    t = read_tickets([export], profile=str(profile), timezone=OSLO, events_file=events)
    assert t.events is not None
    assert t.events["author"].tolist() == ["customer", "system", "agent", "agent"]
    assert t.events["public"].tolist() == [True, True, False, True]
    # a message's time is when it was written (created_at), not its last edit (updated_at)
    first = Messages(t.events, t.frame["ticket_id"]).first_public_agent(np.zeros(1, np.int64))
    assert first[0] == pd.Timestamp("2026-03-30 08:15", tz=OSLO).value // 10**9
    # messages alone are no status history: pause_when must say it cannot pause
    assert t.has_messages and not t.has_history


def test_a_mistyped_negation_is_exit_2_with_a_suggestion(tmp_path: Path) -> None:
    profile = write(
        tmp_path, "artikler.yaml", NEGATED_PROFILE.replace("{not: Internal}", "{nott: Internal}")
    )
    export = write(tmp_path, "t.csv", "Ticket,Created,State\n7,2026-03-27 15:00,open\n")
    result = runner.invoke(app, ["audit", str(DESK), str(export), "--profile", str(profile)])
    assert result.exit_code == 2
    said = " ".join(result.output.split())
    assert "artikler.yaml:8:12" in said and "unknown key 'nott' (did you mean 'not'?)" in said


EVENT_LOG_PROFILE = """\
profile: 1
name: logg
layout: event-log
columns:
  ticket_id: Case
  created_at: Opened
  status: Status
  author: Author
  public: Public
event_log: {at: When}
statuses:
  open: [Open]
  pending: [Pending]
  solved: [Solved]
"""


def test_an_event_log_carries_messages_and_a_message_is_no_reopen(tmp_path: Path) -> None:
    profile = write(tmp_path, "logg.yaml", EVENT_LOG_PROFILE)
    log = write(
        tmp_path,
        "logg.csv",
        "Case,Opened,When,Status,Author,Public\n"
        "K1,2026-10-05 09:00,2026-10-05 09:00,Open,customer,\n"
        "K1,2026-10-05 09:00,2026-10-05 09:40,,agent,false\n"
        "K1,2026-10-05 09:00,2026-10-05 10:00,Solved,agent,true\n"
        "K1,2026-10-05 09:00,2026-10-05 10:30,,customer,true\n",  # a thank-you after solving
    )
    t = read_tickets([log], profile=str(profile), timezone=OSLO)
    assert t.has_messages and t.events is not None
    assert t.events["author"].tolist() == ["customer", "agent", "agent", "customer"]
    assert t.events["public"].tolist()[1:] == [False, True, True]
    ticket = t.frame.iloc[0]
    # the message after the resolution leaves the ticket solved: resolved, not reopened
    assert ticket["resolved_at"] == pd.Timestamp("2026-10-05 10:00", tz=OSLO).value // 10**9
    assert int(ticket["reopens"]) == 0
    assert "author" not in t.frame and "public" not in t.frame


MESSAGE = st.tuples(
    st.sampled_from(["A-1", "B-2", "C-3", "Ø-4", "unknown"]),
    st.integers(0, 20),  # minutes: ties are likely
    st.sampled_from([None, "agent", "customer", "system"]),
    st.sampled_from([None, True, False]),
)


@given(st.lists(MESSAGE, max_size=40))
@settings(max_examples=150, deadline=None)
def test_messages_match_a_loop_over_each_ticket(rows: list[tuple]) -> None:  # type: ignore[type-arg]
    ids = pd.Series(["C-3", "A-1", "Ø-4", "B-2"], dtype="string")
    events = pd.DataFrame(
        {
            "ticket_id": pd.Series([r[0] for r in rows], dtype="string"),
            "at": np.array([r[1] * 60 for r in rows], dtype=np.int64),
            "author": pd.Series([r[2] for r in rows], dtype=object),
            "public": pd.Series([r[3] for r in rows], dtype="boolean"),
        }
    )
    m = Messages(events, ids)
    every = np.arange(len(ids), dtype=np.int64)
    first = m.first_public_agent(every)
    given_at = np.array([7, NAT, 9, NAT], dtype=np.int64)
    responses = m.first_responses(given_at)
    for row, tid in enumerate(ids):
        mine = [(at, i, a, p) for i, (t, at, a, p) in enumerate(rows) if t == tid and a]
        answers = [at * 60 for at, _, a, p in sorted(mine) if a == "agent" and p is not False]
        want = min(answers) if answers else NAT
        assert first[row] == want
        assert responses[row] == (want if mine else given_at[row])
        # the messages of this row, in (time, file order), with their codes
        codes = {"agent": AGENT, "customer": CUSTOMER, "system": SYSTEM}
        picked = m.row == row
        assert m.at[picked].tolist() == [at * 60 for at, _, _, _ in sorted(mine)]
        assert m.author[picked].tolist() == [codes[a] for _, _, a, _ in sorted(mine)]
        assert m.public[picked].tolist() == [p is not False for _, _, _, p in sorted(mine)]
    assert len(m) == sum(1 for r in rows if r[2] and r[0] != "unknown")
