"""`charter calendar CHARTER --year`: the review of a year's closed days and special hours."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from charter_cli.cli import app
from tests.conftest import DATA

CHARTER = DATA / "charters" / "valid" / "nordlys-closures.yaml"
runner = CliRunner()


def _json(year: int = 2027) -> dict:
    result = runner.invoke(app, ["calendar", str(CHARTER), "--year", str(year), "-f", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_json_lists_every_source_with_names() -> None:
    doc = _json()
    assert doc["year"] == 2027
    office, local = doc["calendars"]
    days = {(d["date"], d["kind"]): d for d in office["days"]}
    assert days["2027-12-24", "closed"]["name"] == "Julaften"
    assert days["2027-12-24", "closed"]["sources"] == ["nordlys-closures.ics"]
    assert days["2027-05-17", "closed"]["sources"] == ["public holidays (NO)"]
    own = days["2027-12-23", "hours"]
    assert (own["hours"], own["name"], own["sources"]) == (
        "08:00-12:00",
        "Lille julaften",
        ["charter dates"],
    )
    moved = days["2027-08-03", "closed-hours"]
    assert moved["hours"] == "14:00-16:00"
    assert moved["name"] == "Allmøte – kundeservice stengt (flyttet)"
    assert ("2027-07-06", "closed-hours") not in days  # EXDATE
    assert ("2027-06-01", "closed") not in days  # cancelled
    assert sum(1 for d in office["days"] if d["name"].startswith("Fellesferie")) == 12
    # 261 weekdays in 2027, minus 6 public holidays on weekdays (1 January, 25, 26 and 29 March,
    # 6 and 17 May), 10 weekdays of Fellesferie, 24 and 31 December; every other day keeps hours
    assert office["working_days"] == 261 - 6 - 10 - 2
    assert local["ticket_zone"] is True and local["timezone"] == "Europe/Oslo"
    assert local["days"] == []


def test_open_hours_hand_computed() -> None:
    office = _json()["calendars"][0]
    # 243 days of 8 h, minus 4 h on 23 December (own hours), 11 Allmøter of 2 h (12 first
    # Tuesdays, July's excluded, August's moved and still 2 h), 1.5 h on 10 March, 2 h on
    # 14 April, 4 h on 22 September
    hours = 243 * 8 - 4 - 11 * 2 - 1.5 - 2 - 4
    assert office["open_seconds"] == hours * 3600


def test_text_and_markdown() -> None:
    text = runner.invoke(app, ["calendar", str(CHARTER), "--year", "2027"])
    assert text.exit_code == 0, text.output
    assert "2027-07-19 → 07-30" in text.stdout
    assert "Julaften" in text.stdout and "nordlys-closures.ics" in text.stdout
    md = runner.invoke(app, ["calendar", str(CHARTER), "--year", "2027", "-f", "markdown"])
    assert md.exit_code == 0
    assert "| 2027-12-23 | thu | open 08:00-12:00 only | Lille julaften |" in md.stdout


def test_year_is_required_and_a_bad_charter_exits_2(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert runner.invoke(app, ["calendar", str(CHARTER)]).exit_code == 2
    assert runner.invoke(app, ["calendar", str(CHARTER), "--year", "1"]).exit_code == 2
    result = runner.invoke(app, ["calendar", str(tmp_path / "none.yaml"), "--year", "2027"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
