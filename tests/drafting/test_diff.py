"""`charter diff`: what changed, and what it would have meant on the shipped example export.

The flips below were counted by hand: with the online-shop template's calendars (office
Mon–Fri 09–17 and Sat 10–14, Christmas Eve 09–12; evenings 09–21 every day), tightening the
first reply for normal tickets from 4 h to 2 h turns exactly these met replies into breaches:
NL-1001 (2 h 30 m), NL-1010 (3 h, social, evening calendar), NL-1015 (3 h), NL-1023 (Fri 2 h +
Sat 1 h 30 m) and NL-1032 (Wed 2 h + Christmas Eve 1 h). NL-1014 took exactly 2 h: still met.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from charter_cli.cli import app
from tests.conftest import ROOT, TEMPLATES

SHOP = TEMPLATES / "online-shop.yaml"
EXPORT = ROOT / "charters" / "examples" / "nordlys-tickets-2026.csv"
runner = CliRunner()


@pytest.fixture
def tightened(tmp_path: Path) -> Path:
    text = SHOP.read_text(encoding="utf-8")
    changed = text.replace(
        "within: {urgent: 1h, high: 2h, normal: 4h, low: 8h}",
        "within: {urgent: 1h, high: 2h, normal: 2h, low: 8h}",
    )
    assert changed != text
    path = tmp_path / "online-shop-v2.yaml"
    path.write_text(changed, encoding="utf-8")
    return path


def test_one_first_reply_change_is_exactly_what_is_reported(tightened: Path) -> None:
    result = runner.invoke(app, ["diff", str(SHOP), str(tightened), "--format", "json"])
    assert result.exit_code == 0, result.output
    changes = json.loads(result.stdout)["changes"]
    assert changes == [
        {
            "kind": "tightened",
            "subject": "promise first-reply",
            "detail": "within for normal 4h → 2h",
            "old": "4h",
            "new": "2h",
        }
    ]
    text = runner.invoke(app, ["diff", str(SHOP), str(tightened)]).stdout
    assert text.strip() == "~ promise first-reply: within for normal 4h → 2h (tightened)"


def test_against_counts_the_flipped_tickets(tightened: Path) -> None:
    result = runner.invoke(
        app, ["diff", str(SHOP), str(tightened), "--against", str(EXPORT), "--format", "json"]
    )
    doc = json.loads(result.stdout)["against"]
    assert doc["flipped"] == 5
    assert sorted(f["ticket_id"] for f in doc["flips"]) == [
        "NL-1001",
        "NL-1010",
        "NL-1015",
        "NL-1023",
        "NL-1032",
    ]
    assert {(f["promise"], f["old"], f["new"]) for f in doc["flips"]} == {
        ("first-reply", "met", "breached")
    }
    old, new = doc["compliance"]["first-reply"]["old"], doc["compliance"]["first-reply"]["new"]
    assert (
        new < old
        and doc["compliance"]["resolution"]["old"] == doc["compliance"]["resolution"]["new"]
    )


def test_hours_holidays_promises_and_channels(tmp_path: Path) -> None:
    text = SHOP.read_text(encoding="utf-8")
    text = text.replace('sat: "10:00-14:00"', 'sat: "10:00-16:00"')
    text = text.replace(
        '- "12-31"                  # New Year\'s Eve: closed', '- "12-31"\n        - "05-01"'
    )
    text = text.replace("target: 85%", "target: 90%")
    text = text.replace("  - id: chat-reply", "  - id: chat-answer", 1)
    text = text.replace("  sms: {}", "")
    new = tmp_path / "v2.yaml"
    new.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["diff", str(SHOP), str(new)])
    lines = result.stdout.strip().splitlines()
    assert "~ calendar office: sat 10:00-14:00 → 10:00-16:00" in lines
    assert "+ calendar office: holiday 05-01 (closed)" in lines
    assert "+ promise chat-answer: Chats are answered within 2 minutes" in lines
    assert "- promise chat-reply: Chats are answered within 2 minutes" in lines


def test_identical_charters() -> None:
    result = runner.invoke(app, ["diff", str(SHOP), str(SHOP)])
    assert result.exit_code == 0 and result.stdout.strip() == "no differences that change a promise"


def test_one_first_reply_target_change(tmp_path: Path) -> None:
    text = SHOP.read_text(encoding="utf-8")
    first_reply = text.index("  - id: first-reply")
    target = text.index("target: 90%", first_reply)
    new = tmp_path / "v2.yaml"
    new.write_text(
        text[:target] + "target: 95%" + text[target + len("target: 90%") :], encoding="utf-8"
    )
    result = runner.invoke(app, ["diff", str(SHOP), str(new), "--format", "json"])
    assert json.loads(result.stdout)["changes"] == [
        {
            "kind": "tightened",
            "subject": "promise first-reply",
            "detail": "target 90.0% → 95.0%",
            "old": 0.9,
            "new": 0.95,
        }
    ]
    replayed = json.loads(
        runner.invoke(
            app, ["diff", str(SHOP), str(new), "--against", str(EXPORT), "-f", "json"]
        ).stdout
    )
    assert replayed["against"]["flipped"] == 0  # a target judges the promise, not the tickets
