"""`measure: {time_in: [...]}`: the business time a ticket spends in given statuses, from a
status history (DESIGN §11.7). The figures below are counted by hand on an Oslo office calendar,
Monday to Friday 08:00–16:00; Monday 5 October 2026 is an ordinary working day."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from charter_cli.cli import app

runner = CliRunner()
CHARTER = """\
charter: 1
name: Ærlig Støtte AS
timezone: Europe/Oslo
calendars:
  office: {hours: {mon-fri: "08:00-16:00"}}
channels:
  e-post: {calendar: office}
promises:
  - id: agent-work
    title: We work on your case for at most four working hours
    measure: {time_in: [new, open]}
    within: 4h
    target: 90%
"""
# a Zendesk-like export, `;`-separated with a BOM, as a Norwegian Excel saves it
TICKETS = (
    "\ufeffticket_id;created_at;resolved_at;channel;status;subject\n"
    'A;2026-10-05 09:00;2026-10-05 14:30;e-post;solved;"Faktura, feil beløp"\n'
    "B;2026-10-05 15:00;2026-10-06 13:00;e-post;solved;Pakken kom aldri\n"
    'C;2026-10-06 09:00;;e-post;open;"Bytte ""størrelse"""\n'
    "D;2026-10-06 11:00;;e-post;open;Retur av jakke – Åse\n"
)
EVENTS = (
    "ticket_id,at,status\n"
    "A,2026-10-05 10:00,open\n"
    "A,2026-10-05 11:00,pending\n"
    "A,2026-10-05 13:00,open\n"
    "A,2026-10-05 14:30,solved\n"
    "B,2026-10-05 15:30,open\n"
    "B,2026-10-06 13:00,solved\n"
    "D,2026-10-06 11:00,open\n"
)


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path, Path]:
    charter, tickets, events = (tmp_path / n for n in ("c.yaml", "t.csv", "e.csv"))
    charter.write_text(CHARTER, encoding="utf-8")
    tickets.write_text(TICKETS, encoding="utf-8")
    events.write_text(EVENTS, encoding="utf-8")
    return charter, tickets, events


def test_time_in_statuses_counted_by_hand(files: tuple[Path, Path, Path], tmp_path: Path) -> None:
    charter, tickets, events = files
    pairs = tmp_path / "pairs.csv"
    result = runner.invoke(
        app,
        ["audit", str(charter), str(tickets), "--events", str(events), "-f", "json",
         "-o", str(pairs)],
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    promise = json.loads(result.stdout)["promises"][0]
    # A: new 09:00–10:00, open 10:00–11:00 and 13:00–14:30 (pending between): 3h30 → met
    # B: new 15:00–15:30, open 15:30–16:00 and Tuesday 08:00–13:00: 6h → breached by 2h
    # C: no status history → not measurable; D: open 11:00 → as-of 13:00 (B's solve): 2h, running
    assert (promise["met"], promise["breached"], promise["running"]) == (1, 1, 1)
    assert promise["unmeasurable"] == 1
    rows = {r["ticket_id"]: r for r in csv.DictReader(io.StringIO(pairs.read_text()))}
    assert rows["A"]["elapsed_seconds"] == str(3 * 3600 + 1800)
    assert (rows["B"]["elapsed_seconds"], rows["B"]["overdue_seconds"]) == (
        str(6 * 3600),
        str(2 * 3600),
    )
    assert rows["C"]["reason"] == "no status history for this ticket"
    assert (rows["D"]["state"], rows["D"]["elapsed_seconds"]) == ("running", str(2 * 3600))
    assert promise["fields"] == {"created_at": "created_at", "resolved_at": "resolved_at"}


def test_time_in_without_a_status_history_is_not_measurable(
    files: tuple[Path, Path, Path],
) -> None:
    charter, tickets, _ = files
    result = runner.invoke(app, ["audit", str(charter), str(tickets), "-f", "json"])
    promise = json.loads(result.stdout)["promises"][0]
    assert (promise["met"], promise["breached"], promise["unmeasurable"]) == (0, 0, 4)
    assert promise["notes"] == ["time_in needs a status history (an event-log export, or --events)"]


def test_time_in_is_a_valid_measure_and_needs_an_allowance(tmp_path: Path) -> None:
    good = tmp_path / "ok.yaml"
    good.write_text(CHARTER, encoding="utf-8")
    assert runner.invoke(app, ["validate", str(good)]).exit_code == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text(CHARTER.replace("    within: 4h\n", "").replace("[new, open]", "[]"))
    result = runner.invoke(app, ["validate", str(bad)])
    assert result.exit_code == 1
    assert "within" in result.output
