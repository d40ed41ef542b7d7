"""A ticket's lifecycle: reopens (final, first, each), a priority changed mid-ticket (latest,
at_creation), escalation rules that pause, `escalation.forward_only`, and `--by group` by the
group that held the ticket at the deadline. Figures counted by hand on an Oslo office calendar,
Monday to Friday 08:00–16:00 (and Sunday 00:00–04:00, to hold the night clocks go back), with
Tuesday 27 October 2026 a holiday."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from charter_cli.charter import load_charter
from charter_cli.cli import app
from tests.audit.oslo_desk import HEAD
from tests.audit.oslo_desk import pairs as _pairs
from tests.audit.oslo_desk import write as _write
from tests.clock import reference

runner = CliRunner()
OSLO = ZoneInfo("Europe/Oslo")
REOPENS = (
    HEAD
    + """\
promises:
  - {id: final, measure: resolution, within: 8h, target: 90%}
  - {id: first, measure: resolution, within: 8h, target: 90%, reopens: first}
  - {id: each, measure: resolution, within: 8h, target: 90%, reopens: each}
"""
)
# solved on Friday, reopened on Monday, solved again on Wednesday (Tuesday is a holiday; the
# night of Sunday 25 October holds five real hours from 00:00 to 04:00)
TICKETS = (
    "\ufeffticket_id;created_at;resolved_at;channel;priority;status;group;subject\n"
    'R;2026-10-23 14:00;2026-10-28 10:00;e-post;normal;solved;Kundeservice;"Faktura, feil beløp"\n'
)
EVENTS = (
    "ticket_id,at,status\n"
    "R,2026-10-23 14:00,open\n"
    "R,2026-10-23 15:00,solved\n"
    "R,2026-10-26 09:00,open\n"
    "R,2026-10-28 10:00,solved\n"
)


def test_a_reopen_under_each_mode(tmp_path: Path) -> None:
    f = _write(tmp_path, **{"c.yaml": REOPENS, "t.csv": TICKETS, "e.csv": EVENTS})
    rows = _pairs(tmp_path, f["c.yaml"], f["t.csv"], "--events", str(f["e.csv"]))
    got = [
        (r["promise"], r["instance"], r["state"], r["elapsed_seconds"], r["overdue_seconds"])
        for r in rows
    ]
    h = 3600
    assert got == [
        # Fri 14–16 (2h) + Sun night (5h) + Mon 8–16 (8h) + Wed 8–10 (2h) = 17h, less the time it
        # was solved (Fri 15–16, Sun night 5h, Mon 8–9: 7h) = 10h of 8h
        ("final", "1", "breached", str(10 * h), str(2 * h)),
        ("first", "1", "met", str(1 * h), "0"),  # Fri 14–15
        ("each", "1", "met", str(1 * h), "0"),
        # Mon 9–16 (7h), the holiday, Wed 8–10 (2h): 9h of 8h, due Wed 09:00 CET
        ("each", "2", "breached", str(9 * h), str(1 * h)),
    ]
    second = rows[-1]
    assert (second["started_at"], second["stopped_at"], second["deadline_at"]) == (
        "2026-10-26T08:00:00Z",
        "2026-10-28T09:00:00Z",
        "2026-10-28T08:00:00Z",
    )
    summary = json.loads(
        runner.invoke(
            app,
            ["audit", str(f["c.yaml"]), str(f["t.csv"]), "--events", str(f["e.csv"]), "-f", "json"],
        ).stdout
    )
    each = next(p for p in summary["promises"] if p["id"] == "each")
    assert (each["applicable"], each["met"], each["breached"]) == (2, 1, 1)  # instances


def test_without_a_status_history_first_and_each_are_not_measurable(tmp_path: Path) -> None:
    f = _write(tmp_path, **{"c.yaml": REOPENS, "t.csv": TICKETS})
    rows = {r["promise"]: r for r in _pairs(tmp_path, f["c.yaml"], f["t.csv"])}
    # final reads resolved_at: Fri 14:00 → Wed 10:00, 17h
    assert (rows["final"]["state"], rows["final"]["elapsed_seconds"]) == ("breached", "61200")
    for mode in ("first", "each"):
        assert rows[mode]["state"] == "unmeasurable"
        assert (
            rows[mode]["reason"]
            == f"reopens: {mode} needs a status history (an event-log export, or --events)"
        )


PRIORITY = (
    HEAD
    + """\
promises:
  - id: latest
    measure: resolution
    within: {urgent: 2h, normal: 8h}
    pause_when: [pending]
    target: 90%
  - id: at-creation
    measure: resolution
    within: {urgent: 2h, normal: 8h}
    pause_when: [pending]
    priority: at_creation
    target: 90%
"""
)


def test_a_priority_change_under_both_modes(tmp_path: Path) -> None:
    tickets = (
        "ticket_id,created_at,resolved_at,channel,priority,status\n"
        "P,2026-10-05 09:00,2026-10-05 13:00,e-post,Urgent,solved\n"
    )
    # created normal, raised to urgent at 10:00, waiting on the customer 11–12
    events = (
        "ticket_id,at,status,priority\n"
        "P,2026-10-05 09:00,open,normal\n"
        "P,2026-10-05 10:00,open,urgent\n"
        "P,2026-10-05 11:00,pending,\n"
        "P,2026-10-05 12:00,open,\n"
        "P,2026-10-05 13:00,solved,\n"
    )
    f = _write(tmp_path, **{"c.yaml": PRIORITY, "t.csv": tickets, "e.csv": events})
    rows = {
        r["promise"]: r
        for r in _pairs(tmp_path, f["c.yaml"], f["t.csv"], "--events", str(f["e.csv"]))
    }
    # 9–13 less the pause: 3h either way; urgent allows 2h, normal 8h
    assert [rows["latest"][k] for k in ("state", "elapsed_seconds", "allowed_seconds")] == [
        "breached", "10800", "7200",
    ]  # fmt: skip
    assert [rows["at-creation"][k] for k in ("state", "elapsed_seconds", "allowed_seconds")] == [
        "met", "10800", "28800",
    ]  # fmt: skip
    # the clock starts at creation whichever priority applies
    assert (
        rows["latest"]["started_at"] == rows["at-creation"]["started_at"] == "2026-10-05T07:00:00Z"
    )
    # each row names the priority it was judged under (the export's column says urgent), and so
    # do the breakdown by priority and the history
    assert (rows["latest"]["priority"], rows["at-creation"]["priority"]) == ("urgent", "normal")
    history = tmp_path / "h.sqlite"
    result = runner.invoke(
        app,
        [
            "audit", str(f["c.yaml"]), str(f["t.csv"]), "--events", str(f["e.csv"]),
            "--by", "priority", "-f", "json", "--record", str(history),
        ],
    )  # fmt: skip
    assert result.exit_code in (0, 1), result.output
    by = json.loads(result.stdout)["breakdowns"]["priority"]
    judged = {(r["promise"], r["priority"]) for r in by if r["met"] + r["breached"]}
    assert judged == {("latest", "urgent"), ("at-creation", "normal")}
    with contextlib.closing(sqlite3.connect(history)) as db:
        recorded = set(db.execute("SELECT promise, priority FROM cells").fetchall())
    assert recorded == {("latest", "urgent"), ("at-creation", "normal")}


ESCALATION = (
    HEAD
    + """\
promises:
  - {id: resolution, measure: resolution, within: 4h, target: 90%}
escalation:
  forward_only: true
  levels:
    frontline: [Kundeservice]
    specialists: [Teknisk støtte]
  rules:
    - to: specialists
      after: 2h
      pause_when: [pending]
"""
)
ESC_TICKETS = (
    "ticket_id,created_at,resolved_at,channel,priority,status,group\n"
    "E,2026-10-05 09:00,,e-post,normal,open,Teknisk støtte\n"
    "F,2026-10-05 09:00,,e-post,normal,open,Kundeservice\n"
    "G,2026-10-05 09:00,,e-post,normal,open,Kundeservice\n"
    "H,2026-10-05 09:00,2026-10-05 12:00,e-post,normal,solved,Teknisk støtte\n"
    "I,2026-10-05 09:00,2026-10-05 15:00,e-post,normal,solved,Kundeservice\n"
)
ESC_EVENTS = (
    "ticket_id,at,status,group\n"
    # E waits on the customer 10–12, then goes to the specialists at 12:30: 1h30 counted
    "E,2026-10-05 09:00,open,Kundeservice\n"
    "E,2026-10-05 10:00,pending,Kundeservice\n"
    "E,2026-10-05 12:00,open,Kundeservice\n"
    "E,2026-10-05 12:30,open,Teknisk støtte\n"
    # F waits 10–11:30 and is never escalated: by as-of (15:00) 6h less 1h30
    "F,2026-10-05 09:00,open,Kundeservice\n"
    "F,2026-10-05 10:00,pending,Kundeservice\n"
    "F,2026-10-05 11:30,open,Kundeservice\n"
    # G goes up at 10:00 and is passed back down at 11:00
    "G,2026-10-05 09:00,open,Kundeservice\n"
    "G,2026-10-05 10:00,open,Teknisk støtte\n"
    "G,2026-10-05 11:00,open,Kundeservice\n"
    # H is with the specialists when it is solved at 12:00 (before its 13:00 deadline)
    "H,2026-10-05 09:00,open,Kundeservice\n"
    "H,2026-10-05 11:00,open,Teknisk støtte\n"
    "H,2026-10-05 12:00,solved,Teknisk støtte\n"
    # I is with the specialists at its 13:00 deadline, back at the front line when solved
    "I,2026-10-05 09:00,open,Kundeservice\n"
    "I,2026-10-05 10:00,open,Teknisk støtte\n"
    "I,2026-10-05 14:00,open,Kundeservice\n"
    "I,2026-10-05 15:00,solved,Kundeservice\n"
)


def _escalation(tmp_path: Path, *extra: str) -> tuple[dict[tuple[str, str], dict[str, str]], dict]:
    f = _write(tmp_path, **{"c.yaml": ESCALATION, "t.csv": ESC_TICKETS, "e.csv": ESC_EVENTS})
    base = [str(f["c.yaml"]), str(f["t.csv"]), "--events", str(f["e.csv"]), *extra]
    rows = {
        (r["ticket_id"], r["promise"]): r for r in _pairs(tmp_path, *map(Path, base[:2]), *base[2:])
    }
    doc = json.loads(runner.invoke(app, ["audit", *base, "-f", "json", "--by", "group"]).stdout)
    return rows, doc


def test_an_escalation_rule_pauses_while_the_customer_is_asked(tmp_path: Path) -> None:
    rows, _ = _escalation(tmp_path)
    e, f = rows[("E", "escalation-1")], rows[("F", "escalation-1")]
    assert (e["state"], e["elapsed_seconds"], e["stopped_at"]) == (
        "met",
        "5400",
        "2026-10-05T10:30:00Z",
    )
    # F: 9:00–15:00 is 6h, less the 1h30 pause: 4h30 of 2h; due 9:00 + 2h + 1h30 = 12:30
    assert (f["state"], f["elapsed_seconds"], f["overdue_seconds"]) == ("breached", "16200", "9000")
    assert f["deadline_at"] == "2026-10-05T10:30:00Z"


def test_a_level_drop_breaks_forward_only(tmp_path: Path) -> None:
    rows, doc = _escalation(tmp_path)
    g = rows[("G", "escalation-order")]
    assert (g["state"], g["stopped_at"]) == ("breached", "2026-10-05T09:00:00Z")
    assert g["reason"] == "passed back from specialists to frontline"
    # I was passed back at 14:00 too; E, F still open without a drop; H solved without one
    assert rows[("I", "escalation-order")]["state"] == "breached"
    assert [rows[(t, "escalation-order")]["state"] for t in "EFH"] == ["running", "running", "met"]
    order = next(p for p in doc["promises"] if p["id"] == "escalation-order")
    assert (order["met"], order["breached"], order["running"]) == (1, 2, 2)


def test_by_group_attributes_an_instance_to_the_group_at_its_deadline(tmp_path: Path) -> None:
    rows, doc = _escalation(tmp_path)
    assert rows[("H", "resolution")]["state"] == "met"  # 3h
    assert rows[("I", "resolution")]["state"] == "breached"  # 6h
    table = [r for r in doc["breakdowns"]["group"] if r["promise"] == "resolution"]
    by_group = {r["group"]: (r["met"], r["breached"]) for r in table}
    # H: with the specialists when solved (before its deadline); I: with them at its deadline,
    # though the front line had it last
    # (the export's last groups would give Teknisk støtte 1 met, 1 breached; Kundeservice 0, 3)
    # E, F and G are late at 13:00: E with the specialists then, F and G at the front line
    assert by_group == {"Teknisk støtte": (1, 2), "Kundeservice": (0, 2)}


# --- property: reopens: each against a per-instance loop ------------------------------------

PROPERTY = """\
charter: 1
name: Prøve
timezone: Europe/Oslo
calendars:
  office:
    hours: {mon-fri: "08:00-16:00", sun: "00:00-04:00"}
    holidays: {dates: ["2026-10-27"]}
channels:
  e-post: {calendar: office}
promises:
  - {id: each, measure: resolution, within: 4h, pause_when: [pending], reopens: each, target: 90%}
"""
BASE = datetime(2026, 10, 19, 7, 0, tzinfo=OSLO)  # a fortnight over DST and the holiday
AS_OF = BASE + timedelta(days=16)


def _slow(
    created: int, changes: list[tuple[int, str]], ivs: list, as_of: int
) -> list[tuple[str, int]]:
    """Each cycle of one ticket, judged in a plain loop: (state, elapsed business seconds)."""
    cycles: list[tuple[int, int | None]] = []
    start, resolved = created, False
    for at, status in changes:
        if status == "solved" and not resolved:
            cycles.append((start, at))
            resolved = True
        elif status != "solved" and resolved:
            start, resolved = at, False
    if not resolved:
        cycles.append((start, None))
    out = []
    for begin, stop in cycles:
        end = as_of if stop is None else stop
        paused = 0
        for k, (at, status) in enumerate(changes):
            if status != "pending":
                continue
            until = changes[k + 1][0] if k + 1 < len(changes) else end
            lo, hi = max(at, begin), min(until, end)
            if hi > lo:
                paused += reference.elapsed(ivs, lo, hi)
        elapsed = reference.elapsed(ivs, begin, end) - paused
        state = "breached" if elapsed > 4 * 3600 else ("met" if stop is not None else "running")
        out.append((state, elapsed))
    return out


def _stamp(t: int) -> str:
    return datetime.fromtimestamp(t, OSLO).strftime("%Y-%m-%dT%H:%M:%S%z")


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 10 * 24 * 60),
            st.lists(
                st.tuples(
                    st.integers(1, 3 * 24 * 60), st.sampled_from(["open", "pending", "solved"])
                ),
                min_size=1,
                max_size=6,
            ),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_reopens_each_matches_a_per_instance_loop(tickets: list) -> None:
    base, as_of = int(BASE.timestamp()), int(AS_OF.timestamp())
    lines = ["ticket_id,created_at,resolved_at,channel,status"]
    history = ["ticket_id,at,status"]
    expected: list[tuple[str, str, str, str]] = []
    with tempfile.TemporaryDirectory() as folder:
        charter = Path(folder) / "c.yaml"
        charter.write_text(PROPERTY, encoding="utf-8")
        cal = load_charter(charter).calendars["office"]
        ivs = reference.intervals(
            cal, BASE.date() - timedelta(days=1), AS_OF.date() + timedelta(days=1)
        )
        for n, (offset, steps) in enumerate(tickets):
            created = base + offset * 60
            at, changes = created, []
            for gap, status in steps:
                at += gap * 60
                if at <= as_of:
                    changes.append((at, status))
            entry, before = None, "open"
            for a, s in changes:  # the export's resolved_at: the last entry into solved
                if s == "solved" and before != "solved":
                    entry = a
                before = s
            final = bool(changes) and changes[-1][1] == "solved"
            resolved = _stamp(entry) if final and entry is not None else ""
            lines.append(
                f"T{n},{_stamp(created)},{resolved},e-post,{'solved' if final else 'open'}"
            )
            history += [f"T{n},{_stamp(a)},{s}" for a, s in changes]
            for k, (state, elapsed) in enumerate(_slow(created, changes, ivs, as_of), start=1):
                expected.append((f"T{n}", str(k), state, str(elapsed)))
        tickets_file, events_file = Path(folder) / "t.csv", Path(folder) / "e.csv"
        tickets_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
        events_file.write_text("\n".join(history) + "\n", encoding="utf-8")
        rows = _pairs(
            Path(folder), charter, tickets_file, "--events", str(events_file),
            "--as-of", AS_OF.strftime("%Y-%m-%dT%H:%M:%S%z"),
        )  # fmt: skip
    got = [(r["ticket_id"], r["instance"], r["state"], r["elapsed_seconds"]) for r in rows]
    assert got == expected


def test_explain_tells_each_instance_and_the_time_resolved(tmp_path: Path) -> None:
    f = _write(tmp_path, **{"c.yaml": REOPENS, "t.csv": TICKETS, "e.csv": EVENTS})
    args = ["explain", str(f["c.yaml"]), str(f["t.csv"]), "--events", str(f["e.csv"])]
    text = runner.invoke(app, [*args, "--ticket", "R"]).stdout
    assert "each #1" in text and "each #2" in text
    assert "instance: created → resolved" in text and "instance: reopened → resolved" in text
    assert "clock:    Mon 26 Oct 2026 09:00 CET → Wed 28 Oct 2026 10:00 CET" in text
    # under `final`, the time it was solved before the reopen is a pause, said with its status
    assert "paused Fri 23 Oct 2026 15:00 CEST – Mon 26 Oct 2026 09:00 CET" in text
    assert "— solved" in text


def test_render_tells_the_new_keys(tmp_path: Path) -> None:
    charter = tmp_path / "c.yaml"
    charter.write_text(
        HEAD
        + """\
promises:
  - {id: each, measure: resolution, within: 8h, target: 90%, reopens: each}
  - {id: pr, measure: first_response, within: {urgent: 1h, normal: 4h}, target: 90%, priority: at_creation}
escalation:
  forward_only: true
  levels: {frontline: [Kundeservice], specialists: [Teknisk støtte]}
  rules:
    - {to: specialists, after: 2h, pause_when: [pending]}
""",
        encoding="utf-8",
    )
    said = {
        "en": ["Each time a case is reopened, the time starts again.",
               "The time follows the priority your case was given when it was opened.",
               "Once your case has moved up, it is not passed back down.",
               "we hand it to specialists. Time we spend waiting for your answer is not counted."],
        "nb": ["Hver gang saken åpnes igjen, starter tiden på nytt."],
        "sv": ["Varje gång ärendet öppnas igen börjar tiden om."],
        "pl": ["Sprawa przekazana wyżej nie wraca na niższy poziom."],
    }  # fmt: skip
    for lang, sentences in said.items():
        page = runner.invoke(app, ["render", str(charter), "--lang", lang]).stdout
        for sentence in sentences:
            assert sentence in page, (lang, sentence)
        assert "escalation-order" not in page and "Never passed back" not in page


def test_reopens_on_a_clock_resolution_does_not_stop_is_a_warning(tmp_path: Path) -> None:
    charter = tmp_path / "c.yaml"
    charter.write_text(
        HEAD
        + "promises:\n  - {id: ack, measure: first_response, within: 1h, target: 90%, reopens: each}\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["validate", str(charter)])
    assert result.exit_code == 0 and "ignored-key" in result.stdout
    assert "`reopens` has no effect on `first_response`" in result.stdout


def test_a_priority_change_in_an_event_log(tmp_path: Path) -> None:
    """A ServiceNow incident log: every row carries the priority of the moment (day-first
    dates, the profile's value map `1 - Critical` → critical)."""
    header = (
        "number,incident_state,active,reassignment_count,reopen_count,sys_mod_count,made_sla,"
        "caller_id,opened_at,sys_updated_at,contact_type,priority,assignment_group,assigned_to,"
        "short_description,resolved_at,closed_at"
    )
    rows = [
        "INC1,New,true,0,0,0,true,Åse,05/10/2026 09:00,05/10/2026 09:00,Email,3 - Moderate,"
        'Kundeservice,Ola,"Skriver, nie działa",,',
        "INC1,Active,true,0,0,1,true,Åse,05/10/2026 09:00,05/10/2026 10:00,Email,1 - Critical,"
        'Kundeservice,Ola,"Skriver, nie działa",,',
        "INC1,Resolved,true,0,0,2,true,Åse,05/10/2026 09:00,05/10/2026 13:00,Email,1 - Critical,"
        'Kundeservice,Ola,"Skriver, nie działa",05/10/2026 13:00,',
    ]
    charter = (
        HEAD.replace("priorities: [urgent, normal]", "priorities: [critical, moderate]").replace(
            "e-post: {calendar: office}", "e-post: {calendar: office, match: [email]}"
        )
        + """\
promises:
  - {id: latest, measure: resolution, within: {critical: 2h, moderate: 8h}, target: 90%}
  - {id: at-creation, measure: resolution, within: {critical: 2h, moderate: 8h}, target: 90%,
     priority: at_creation}
"""
    )
    f = _write(tmp_path, **{"c.yaml": charter, "log.csv": header + "\n" + "\n".join(rows) + "\n"})
    got = {
        r["promise"]: (r["state"], r["elapsed_seconds"], r["allowed_seconds"])
        for r in _pairs(
            tmp_path, f["c.yaml"], f["log.csv"], "--profile", "servicenow", "--dayfirst"
        )
    }
    assert got == {
        "latest": ("breached", "14400", "7200"),
        "at-creation": ("met", "14400", "28800"),
    }


def test_an_escalation_rule_pausing_on_an_unknown_status_is_a_warning(tmp_path: Path) -> None:
    charter = tmp_path / "c.yaml"
    charter.write_text(
        ESCALATION.replace("pause_when: [pending]", "pause_when: [venter på kunde]"),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["validate", str(charter)])
    assert result.exit_code == 0 and "unknown-status" in result.stdout
    assert "'venter på kunde' is not a status category" in result.stdout


def test_instances_as_many_as_the_tickets_keep_their_own_priority(tmp_path: Path) -> None:
    """A promise measuring the reopened ticket R twice and not the chat ticket S has as many
    rows as there are tickets: each still reads its own ticket's priority and allowance (they
    were once taken for every ticket in order, S's priority given to R's second instance)."""
    charter = (
        HEAD.replace(
            "  e-post: {calendar: office}\n",
            "  e-post: {calendar: office}\n  chat: {calendar: office}\n",
        )
        + "promises:\n"
        "  - id: each\n"
        "    measure: resolution\n"
        "    where: {channel: e-post}\n"
        "    within: {urgent: 4h, normal: 8h}\n"
        "    target: 90%\n"
        "    reopens: each\n"
    )
    tickets = (
        TICKETS
        + 'S;2026-10-23 14:00;2026-10-23 15:00;chat;urgent;solved;Kundeservice;"Chat, løst"\n'
    )
    f = _write(tmp_path, **{"c.yaml": charter, "t.csv": tickets, "e.csv": EVENTS})
    rows = _pairs(tmp_path, f["c.yaml"], f["t.csv"], "--events", str(f["e.csv"]))
    got = [(r["ticket_id"], r["instance"], r["priority"], r["allowed_seconds"]) for r in rows]
    assert got == [("R", "1", "normal", str(8 * 3600)), ("R", "2", "normal", str(8 * 3600))]
