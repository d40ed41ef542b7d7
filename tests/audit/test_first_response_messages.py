"""The first response from messages (once an events file maps `author`): the first public agent
message stops the clock; a bot's (system) message never does, nor an internal note; the export's
first_response_at is read only for a ticket without any message. Figures counted by hand on an
Oslo office calendar (Monday to Friday 08:00–16:00, Norway's holidays: Ascension Day, Thursday
14 May 2026) and a 24/7 one across the night the clocks go back (Sunday 25 October 2026)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from charter_cli.cli import app

runner = CliRunner()
H = 3600
CHARTER = """\
charter: 1
name: Ærlig Støtte AS
timezone: Europe/Oslo
calendars:
  office:
    hours: {mon-fri: "08:00-16:00"}
    holidays: {country: "NO"}
  always: 24/7
channels:
  e-post: {calendar: office}
promises:
  - {id: reply, measure: first_response, within: 4h, target: 90%}
  - {id: reply-24, measure: first_response, within: 12h, calendar: always, target: 90%}
"""
TICKETS = (
    "ticket_id,created_at,channel,status,first_response_at,closed_at,subject\n"
    "BOT,2026-10-05 09:00,e-post,open,2026-10-05 09:01,,Automatisk svar først\n"
    'NOTE,2026-10-05 09:00,e-post,open,,,"Intern notat, så svar"\n'
    "HOLIDAY,2026-05-13 14:00,e-post,open,,,Kristi himmelfartsdag\n"
    "DST,2026-10-24 22:00,e-post,open,,,Natten klokka stilles\n"
    "WAITING,2026-10-26 10:00,e-post,open,2026-10-26 10:05,,Ingen har svart ennå\n"
    "CLOSED,2026-10-05 10:00,e-post,closed,,2026-10-05 12:00,Lukket uten svar\n"
    "PLAIN,2026-10-05 09:00,e-post,open,2026-10-05 13:00,,Ingen meldinger: kolonnen gjelder\n"
    "COLUMN,2026-10-05 09:00,e-post,open,2026-10-05 09:05,,Kolonnen tar feil\n"
)
EVENTS = (
    "ticket_id,at,status,author,public\n"
    "BOT,2026-10-05 09:00,,customer,true\n"
    "BOT,2026-10-05 09:01,,system,true\n"  # the autoresponder: not a response
    "BOT,2026-10-05 11:30,,agent,true\n"
    "NOTE,2026-10-05 09:10,,agent,false\n"  # an internal note: not a response
    "NOTE,2026-10-05 10:00,,agent,true\n"
    "HOLIDAY,2026-05-13 14:00,,customer,\n"
    "HOLIDAY,2026-05-15 09:00,,agent,\n"
    "DST,2026-10-24 22:00,,customer,\n"
    "DST,2026-10-25 10:00,,agent,yes\n"
    "WAITING,2026-10-26 10:00,,customer,\n"
    "WAITING,2026-10-26 10:05,,system,\n"
    "WAITING,2026-10-26 10:20,,agent,no\n"
    "CLOSED,2026-10-05 10:00,,customer,\n"
    "COLUMN,2026-10-05 09:00,,customer,\n"
    "COLUMN,2026-10-05 15:00,,agent,1\n"
)
AS_OF = "2026-10-26T12:00:00+01:00"


def _audit(
    tmp_path: Path, *extra: str, tickets: str = TICKETS
) -> tuple[dict[tuple[str, str], dict[str, str]], dict]:
    for name, text in (("c.yaml", CHARTER), ("t.csv", tickets), ("e.csv", EVENTS)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    base = [
        "audit",
        str(tmp_path / "c.yaml"),
        str(tmp_path / "t.csv"),
        "--events",
        str(tmp_path / "e.csv"),
        "--as-of",
        AS_OF,
        *extra,
    ]
    out = tmp_path / "pairs.csv"
    result = runner.invoke(app, [*base, "-q", "-o", str(out)])
    assert result.exit_code in (0, 1), result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    summary = json.loads(runner.invoke(app, [*base, "-f", "json"]).stdout)
    return {(r["ticket_id"], r["promise"]): r for r in rows}, summary


def test_first_response_from_messages_counted_by_hand(tmp_path: Path) -> None:
    rows, _ = _audit(tmp_path)

    def got(ticket: str, promise: str) -> tuple[str, str, str]:
        r = rows[(ticket, promise)]
        return r["state"], r["elapsed_seconds"], r["stopped_at"]

    # the bot at 09:01 is not a reply, the agent at 11:30 is: 2.5 h
    assert got("BOT", "reply") == ("met", str(int(2.5 * H)), "2026-10-05T09:30:00Z")
    # the internal note at 09:10 is not a reply, the public answer at 10:00 is
    assert got("NOTE", "reply") == ("met", str(H), "2026-10-05T08:00:00Z")
    # Wed 14–16 (2 h), Ascension Day closed, Fri 8–9 (1 h); 43 hours by the wall clock
    assert got("HOLIDAY", "reply") == ("met", str(3 * H), "2026-05-15T07:00:00Z")
    assert got("HOLIDAY", "reply-24")[:2] == ("breached", str(43 * H))
    # Saturday 22:00 to Sunday 10:00 across the night the clocks go back: 13 real hours; the
    # office is closed all weekend
    assert got("DST", "reply-24") == ("breached", str(13 * H), "2026-10-25T09:00:00Z")
    assert rows[("DST", "reply-24")]["overdue_seconds"] == str(H)
    assert got("DST", "reply")[:2] == ("met", "0")
    # only a bot and an internal note so far: running at as-of (Mon 26 October 12:00), 2 h; the export's
    # 10:05 (the bot) is not read for a ticket with messages
    assert got("WAITING", "reply") == ("running", str(2 * H), "")
    # closed with the customer's message unanswered
    assert rows[("CLOSED", "reply")]["state"] == "unmeasurable"
    assert rows[("CLOSED", "reply")]["reason"] == "closed without reply"
    # no message at all: the export's column stands (4 h: equality is met)
    assert got("PLAIN", "reply") == ("met", str(4 * H), "2026-10-05T11:00:00Z")
    # the export says 09:05, the messages 15:00: the messages win
    assert got("COLUMN", "reply") == ("breached", str(6 * H), "2026-10-05T13:00:00Z")


def test_the_report_says_the_first_response_comes_from_messages(tmp_path: Path) -> None:
    _, summary = _audit(tmp_path)
    reply = next(p for p in summary["promises"] if p["id"] == "reply")
    (met, breached, running, unmeasurable) = (
        reply["met"],
        reply["breached"],
        reply["running"],
        reply["unmeasurable"],
    )
    assert (met, breached, running, unmeasurable) == (5, 1, 1, 1)
    said = json.dumps(reply["fields"])
    assert "messages (" in said and "e.csv" in said and "first public agent message" in said
    assert "first_response_at" in said and "else first_response_at" in said


def test_without_messages_the_export_column_is_read(tmp_path: Path) -> None:
    """The same tickets with a status history only: the column is the first response."""
    events = "ticket_id,at,status\nBOT,2026-10-05 09:00,open\n"
    (tmp_path / "e2.csv").write_text(events, encoding="utf-8")
    for name, text in (("c.yaml", CHARTER), ("t.csv", TICKETS)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    out = tmp_path / "p.csv"
    args = ["audit", str(tmp_path / "c.yaml"), str(tmp_path / "t.csv"), "--as-of", AS_OF]
    result = runner.invoke(app, [*args, "--events", str(tmp_path / "e2.csv"), "-q", "-o", str(out)])
    assert result.exit_code in (0, 1), result.output
    rows = {
        (r["ticket_id"], r["promise"]): r
        for r in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8")))
    }
    assert rows[("BOT", "reply")]["elapsed_seconds"] == "60"  # the bot's 09:01, as exported
    assert rows[("COLUMN", "reply")]["state"] == "met"


def test_a_message_without_a_status_leaves_the_pause_running(tmp_path: Path) -> None:
    """Pending from 09:30 to 11:00 (the customer is asked by phone); an internal note at 10:00
    carries no status and changes none: 3 office hours less 1.5 paused."""
    charter = CHARTER.replace(
        "within: 4h, target: 90%}", "within: 4h, target: 90%, pause_when: [pending]}"
    )
    tickets = "ticket_id,created_at,channel,status\nP,2026-10-05 09:00,e-post,open\n"
    events = (
        "ticket_id,at,status,author,public\n"
        "P,2026-10-05 09:00,open,customer,true\n"
        "P,2026-10-05 09:30,pending,,\n"
        "P,2026-10-05 10:00,,agent,false\n"
        "P,2026-10-05 11:00,open,,\n"
        "P,2026-10-05 12:00,,agent,true\n"
    )
    for name, text in (("c.yaml", charter), ("t.csv", tickets), ("e.csv", events)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    out = tmp_path / "p.csv"
    result = runner.invoke(
        app,
        ["audit", str(tmp_path / "c.yaml"), str(tmp_path / "t.csv"), "--events",
         str(tmp_path / "e.csv"), "-q", "-o", str(out)],
    )  # fmt: skip
    assert result.exit_code in (0, 1), result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    reply = next(r for r in rows if r["promise"] == "reply")
    assert (reply["state"], reply["elapsed_seconds"]) == ("met", str(int(1.5 * H)))


def test_explain_tells_the_first_response_from_the_messages(tmp_path: Path) -> None:
    _audit(tmp_path)  # writes the files
    args = ["explain", str(tmp_path / "c.yaml"), str(tmp_path / "t.csv")]
    args += ["--events", str(tmp_path / "e.csv"), "--as-of", AS_OF]
    bot = runner.invoke(app, [*args, "--ticket", "BOT"]).stdout
    lines = [" ".join(line.split()) for line in bot.splitlines()]
    # the agent at 11:30, not the export's 09:01 (the autoresponder)
    assert "Mon 05 Oct 2026 11:30 CEST first response" in lines
    assert not any("09:01" in line for line in lines)
    plain = runner.invoke(app, [*args, "--ticket", "PLAIN"]).stdout
    assert "Mon 05 Oct 2026 13:00 CEST first response" in " ".join(plain.split())


def test_time_in_status_reads_statuses_not_messages(tmp_path: Path) -> None:
    """A ticket whose history holds messages only has no status history: time in a status is
    not measurable for it, while a ticket with status changes is measured through its messages."""
    charter = CHARTER.split("promises:")[0] + (
        "promises:\n  - {id: waiting, measure: {time_in: [open]}, within: 8h, target: 90%}\n"
    )
    tickets = (
        "ticket_id,created_at,channel,status,resolved_at\n"
        "S,2026-10-05 09:00,e-post,open,\n"
        "M,2026-10-05 09:00,e-post,open,\n"
    )
    events = (
        "ticket_id,at,status,author,public\n"
        "S,2026-10-05 09:00,open,customer,\n"
        "S,2026-10-05 10:00,,agent,true\n"  # a message: still open
        "S,2026-10-05 11:00,pending,,\n"
        "S,2026-10-05 13:00,open,customer,\n"
        "M,2026-10-05 09:00,,customer,\n"
        "M,2026-10-05 10:00,,agent,\n"
    )
    for name, text in (("c.yaml", charter), ("t.csv", tickets), ("e.csv", events)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    out = tmp_path / "p.csv"
    result = runner.invoke(
        app,
        ["audit", str(tmp_path / "c.yaml"), str(tmp_path / "t.csv"), "--events",
         str(tmp_path / "e.csv"), "--as-of", "2026-10-05T15:00:00+02:00", "-q", "-o", str(out)],
    )  # fmt: skip
    assert result.exit_code in (0, 1), result.output
    rows = {r["ticket_id"]: r for r in csv.DictReader(io.StringIO(out.read_text("utf-8")))}
    # open 09–11 and 13–15: 4 h, running
    assert (rows["S"]["state"], rows["S"]["elapsed_seconds"]) == ("running", str(4 * H))
    assert rows["M"]["state"] == "unmeasurable"
    assert rows["M"]["reason"] == "no status history for this ticket"


def test_an_unreadable_export_cell_does_not_matter_once_messages_say_it(tmp_path: Path) -> None:
    tickets = TICKETS.replace(
        "BOT,2026-10-05 09:00,e-post,open,2026-10-05 09:01",
        "BOT,2026-10-05 09:00,e-post,open,i går",
    )
    tickets = tickets.replace(
        "PLAIN,2026-10-05 09:00,e-post,open,2026-10-05 13:00",
        "PLAIN,2026-10-05 09:00,e-post,open,snart",
    )
    tickets += "".join(f"X{i},2026-10-05 09:00,e-post,open,2026-10-05 10:00,,\n" for i in range(40))
    rows, _ = _audit(tmp_path, tickets=tickets)
    assert (rows[("BOT", "reply")]["state"], rows[("BOT", "reply")]["elapsed_seconds"]) == (
        "met",
        str(int(2.5 * H)),
    )
    # no message: the unreadable cell makes it not measurable, naming the value
    assert rows[("PLAIN", "reply")]["state"] == "unmeasurable"
    assert rows[("PLAIN", "reply")]["reason"] == "first_response_at 'snart' is not a date"
