"""At risk (a running instance that has used at least `at_risk` of its allowance), counted per
promise, listed closest to breach first, and `used` in the per-ticket CSV: computed by hand."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from charter_cli.cli import app

runner = CliRunner()
CHARTER = """\
charter: 1
name: Kundeservice Tromsø
timezone: Europe/Oslo
at_risk: 75%
calendars:
  always: 24/7
channels:
  e-post: {calendar: always}
promises:
  - id: svar
    measure: first_response
    within: 4h
    target: 90%
  - id: losning
    measure: resolution
    within: 10h
    at_risk: 50%
    target: 90%
"""
# as of 13:00 local (12:00 UTC, winter time)
EXPORT = """\
ticket_id;created_at;channel;first_response_at;resolved_at;subject
T-Å1;2026-11-20 10:00;e-post;;;"Faktura, ""feil"" beløp"
T-Ø2;2026-11-20 12:00;e-post;;;Spørsmål om levering
T-Æ3;2026-11-20 08:00;e-post;;;Kan ikke logge inn
T-4;2026-11-20 09:30;e-post;2026-11-20 12:30;;Bytte av vare
T-5;2026-11-20 06:00;e-post;2026-11-20 06:30;2026-11-20 13:00;Retur
"""


def test_at_risk_counts_lists_and_used(tmp_path: Path) -> None:
    (tmp_path / "charter.yaml").write_text(CHARTER, encoding="utf-8")
    (tmp_path / "export.csv").write_text("\ufeff" + EXPORT, encoding="utf-8")
    args = ["audit", str(tmp_path / "charter.yaml"), str(tmp_path / "export.csv")]
    result = runner.invoke(app, [*args, "-f", "json"])
    doc = json.loads(result.stdout)
    by_id = {p["id"]: p for p in doc["promises"]}
    # svar (4 h): T-Å1 3 h of 4 = 0.75 → at risk; T-Ø2 1 h = 0.25; T-Æ3 5 h → breached
    assert by_id["svar"]["running"] == 2 and by_id["svar"]["at_risk"] == 1
    assert by_id["svar"]["at_risk_share"] == 0.75
    # løst (10 h, at risk from 50 %): open T-Å1 3 h, T-Ø2 1 h, T-Æ3 5 h (0.5: at risk),
    # T-4 3.5 h; T-5 resolved at 13:00 after 7 h: met
    assert by_id["losning"]["running"] == 4 and by_id["losning"]["at_risk"] == 1
    assert by_id["losning"]["at_risk_share"] == 0.5
    listed = [(r["ticket_id"], r["promise"], r["used"], r["deadline_at"]) for r in doc["at_risk"]]
    assert listed == [
        ("T-Å1", "svar", 0.75, "2026-11-20T13:00:00Z"),
        ("T-Æ3", "losning", 0.5, "2026-11-20T17:00:00Z"),
    ]
    rows = list(csv.DictReader(io.StringIO(runner.invoke(app, [*args, "-f", "csv"]).stdout)))
    used = {(r["ticket_id"], r["promise"]): r["used"] for r in rows}
    assert used[("T-Å1", "svar")] == "0.750"
    assert used[("T-Ø2", "svar")] == "0.250"
    assert used[("T-Æ3", "svar")] == "1.250"
    assert used[("T-5", "losning")] == "0.700"
    text = runner.invoke(app, args).stdout
    assert "Closest to breach" in text and "T-Å1" in text and "75%" in text
