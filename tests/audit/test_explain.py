"""`charter explain`: one ticket's timeline, and pauses from a status history."""

from __future__ import annotations

import json

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
