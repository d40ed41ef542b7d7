"""`charter explain`: one ticket's timeline, and pauses from a status history."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from charter_cli.cli import app
from tests.conftest import DATA, ROOT

CHARTER = ROOT / "charters" / "examples" / "nordlys-nettbutikk.yaml"
EXPORT = ROOT / "charters" / "examples" / "nordlys-tickets-2026.csv"
DESK = DATA / "charters" / "audit" / "servicenow-desk.yaml"
SNOW = DATA / "exports" / "servicenow.csv"
runner = CliRunner()


def test_explain_shows_the_counted_hours_and_holidays() -> None:
    result = runner.invoke(app, ["explain", str(CHARTER), str(EXPORT), "--ticket", "NL-1032"])
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "Ticket NL-1032 — Lille julaften" in text
    assert (
        "counted:  3 working hours of 4 working hours allowed; deadline Thu 24 Dec 2026 11:00 CET"
        in text
    )
    assert "verdict: MET with 1 working hour to spare" in text
    assert "open  Thu 24 Dec 2026 08:00 CET – 12:00  (4h 00m)" in text
    assert "holiday Thu 24 Dec 2026: Christmas Eve (short day)" in text
    assert "closed Fri 25 Dec 2026: Christmas Day" in text
    assert "does not apply: only for tickets with channel chat" in text
    assert "BREACHED by 2 working hours (not escalated to specialists in time)" in text


def test_explain_unknown_ticket_is_exit_2() -> None:
    result = runner.invoke(app, ["explain", str(CHARTER), str(EXPORT), "--ticket", "NL-9999"])
    assert result.exit_code == 2 and "NL-9999" in result.stderr


def test_pauses_from_an_event_log_are_subtracted_and_shown() -> None:
    audit = runner.invoke(app, ["audit", str(DESK), str(SNOW), "-f", "csv"])
    rows = {(r.split(",")[0], r.split(",")[1]): r.split(",") for r in audit.stdout.splitlines()[1:]}
    resolution = rows[("INC0000045", "resolution")]
    # 01:16 → 11:29 on 29 Feb is 10h13m; 'Awaiting User Info' 09:10 → 11:29 is 2h19m: 7h54m net
    assert resolution[2] == "met" and resolution[6] == str(7 * 3600 + 54 * 60)
    story = runner.invoke(app, ["explain", str(DESK), str(SNOW), "--ticket", "INC0000045"])
    assert (
        "paused Mon 29 Feb 2016 09:10 CET – Mon 29 Feb 2016 11:29 CET  (2h 19m wall clock)"
        in story.stdout
    )


def test_event_log_audit_reports_the_folded_rows() -> None:
    result = runner.invoke(app, ["audit", str(DESK), str(SNOW), "-f", "json"])
    doc = json.loads(result.stdout)
    assert (
        doc["input"]["rows"] == 12
        and doc["input"]["tickets"] == 3
        and doc["input"]["events_folded"] == 9
    )


def test_events_file_supplies_pauses_for_a_one_row_per_ticket_export() -> None:
    desk = DATA / "charters" / "audit" / "events-desk.yaml"
    export = DATA / "exports" / "with-events.csv"
    events = DATA / "exports" / "events.csv"
    without = runner.invoke(app, ["audit", str(desk), str(export), "-f", "csv"])
    assert [line.split(",")[2] for line in without.stdout.splitlines()[1:]] == [
        "breached",
        "breached",
    ]
    result = runner.invoke(
        app, ["audit", str(desk), str(export), "--events", str(events), "-f", "csv"]
    )
    rows = {r.split(",")[0]: r.split(",") for r in result.stdout.splitlines()[1:]}
    assert rows["A"][2] == "met" and rows["A"][6] == str(4 * 3600)  # 6 h, 2 h of it pending
    assert rows["B"][2] == "met" and rows["B"][6] == str(2 * 3600)  # resolved straight from pending


LONG_CHARTER = """\
charter: 1
name: Łódzka Pomoc Sp. z o.o.
timezone: Europe/Oslo
calendars:
  office:
    hours: {mon-fri: "08:00-16:00"}
channels:
  e-post: {calendar: office}
promises:
  - {id: solve, measure: resolution, within: 16h, pause_when: [pending], target: 90%}
"""
# three weeks waiting for the customer: Tue 3 Nov 10:00 → Mon 23 Nov 10:00
LONG_TICKETS = (
    "ticket_id;created_at;resolved_at;channel;status;subject\n"
    "L;2026-11-02 09:00;2026-11-25 12:00;e-post;solved;Żółta skrzynka, ærlig talt\n"
)
LONG_EVENTS = (
    "ticket_id,at,status\n"
    "L,2026-11-02 09:00,open\n"
    "L,2026-11-03 10:00,pending\n"
    "L,2026-11-23 10:00,open\n"
    "L,2026-11-25 12:00,solved\n"
)


def _long_story(tmp_path: Path) -> list[str]:
    files = {"c.yaml": LONG_CHARTER, "t.csv": LONG_TICKETS, "e.csv": LONG_EVENTS}
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    args = [str(tmp_path / "c.yaml"), str(tmp_path / "t.csv"), "--events", str(tmp_path / "e.csv")]
    result = runner.invoke(app, ["explain", *args, "--ticket", "L"])
    assert result.exit_code == 0, result.output
    return [line.strip() for line in result.stdout.splitlines()]


def test_a_long_ticket_skips_where_nothing_happens_at_the_place_of_the_gap(
    tmp_path: Path,
) -> None:
    lines = _long_story(tmp_path)
    opens = [line for line in lines if line.startswith(("open ", "…"))]
    # 18 working days; kept: the first two and the last two, and the days something happens on
    # (the pause ends on Mon 23 Nov, the deadline is Tue 24 Nov 09:00: 7h + 2h, then 7h more)
    assert opens == [
        "open  Mon 02 Nov 2026 09:00 CET – 16:00  (7h 00m)",
        "open  Tue 03 Nov 2026 08:00 CET – 16:00  (8h 00m)",
        "… 19 days not shown …",  # Wed 4 to Sun 22 November
        "open  Mon 23 Nov 2026 08:00 CET – 16:00  (8h 00m)",
        "open  Tue 24 Nov 2026 08:00 CET – 16:00  (8h 00m)",
        "open  Wed 25 Nov 2026 08:00 CET – 12:00  (4h 00m)",
    ]
    assert "deadline Tue 24 Nov 2026 09:00 CET" in " ".join(lines)
    assert not [line for line in lines if "more open intervals" in line]
    # the pause, with the status that caused it
    assert (
        "paused Tue 03 Nov 2026 10:00 CET – Mon 23 Nov 2026 10:00 CET  (20d 0h wall clock)"
        " — pending" in lines
    )
    # the ticket's status history, from the events
    at = lines.index("status and group history (from the events):")
    assert lines[at + 1 : at + 5] == [
        "Mon 02 Nov 2026 09:00 CET        status open",
        "Tue 03 Nov 2026 10:00 CET        status pending",
        "Mon 23 Nov 2026 10:00 CET        status open",
        "Wed 25 Nov 2026 12:00 CET        status solved",
    ]


def test_a_short_quiet_stretch_is_shown_whole(tmp_path: Path) -> None:
    # five quiet working days between the kept ones are shown, not collapsed (QUIET = 5)
    from charter_cli.explain import QUIET

    files = {"c.yaml": LONG_CHARTER, "t.csv": LONG_TICKETS.replace("11-25", "11-13")}
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = runner.invoke(
        app, ["explain", str(tmp_path / "c.yaml"), str(tmp_path / "t.csv"), "--ticket", "L"]
    )
    opens = [line.strip() for line in result.stdout.splitlines() if "open  " in line]
    # Mon 2 → Fri 13 Nov: 10 working days, deadline Wed 4 Nov 09:00; quiet: Thu 5 … Wed 11
    assert len(opens) == 10 and not [line for line in result.stdout.splitlines() if "…" in line]
    assert QUIET == 5


def test_a_long_history_keeps_its_ends_and_says_what_it_skips() -> None:
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from charter_cli.explain import Change, Gap, _thinned

    start = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Europe/Oslo"))
    changes = [
        Change(start + timedelta(days=k), "open" if k % 2 else "pending", None) for k in range(60)
    ]
    shown = _thinned(changes, 40)
    assert len(shown) == 41 and shown[:20] == changes[:20] and shown[21:] == changes[40:]
    # 21 March (the 20th shown) to 11 April (the 41st): 20 days between
    assert shown[20] == Gap(20)
