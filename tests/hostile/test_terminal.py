"""Hostile text in an export reaches the terminal as literal, visible text: no markup is
interpreted, no escape sequence is passed through (recorded output in hostile-subjects.txt)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from charter_cli.cli import app
from tests.conftest import ROOT

HERE = ROOT / "tests" / "hostile"
CHARTER = "charters/examples/nordlys-nettbutikk.yaml"
runner = CliRunner()


def test_hostile_subjects_render_literally(
    update_golden: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    result = runner.invoke(
        app, ["audit", CHARTER, "tests/hostile/hostile-subjects.csv"], env={"COLUMNS": "120"}
    )
    assert result.exit_code == 1, result.output
    text = result.stdout
    golden = HERE / "hostile-subjects.txt"
    if update_golden:
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert "[bold red]ALARM[/bold red]" in text  # markup shown, not applied
    assert "\\x1b[2J\\x1b[31mscreen" in text  # escapes made visible
    assert "[red]Kundeservice[/red]" in text


ESC = "\x1b]0;owned\x07\x1b[2J"


def test_header_names_in_the_unknown_helpdesk_error(tmp_path: Path) -> None:
    export = tmp_path / "odd.csv"
    export.write_text(f"{ESC}id,{ESC}when\nA,2026-10-05 09:00\n", encoding="utf-8")
    result = runner.invoke(app, ["audit", str(ROOT / CHARTER), str(export)])
    assert result.exit_code == 2 and "cannot tell which helpdesk" in result.stderr
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "\\x1b]0;owned\\x07" in result.stderr


def test_ticket_ids_in_the_explain_not_found_error(tmp_path: Path) -> None:
    export = tmp_path / "ids.csv"
    export.write_text(f"ticket_id,created_at\n{ESC}A,2026-10-05 09:00\n", encoding="utf-8")
    result = runner.invoke(
        app, ["explain", str(ROOT / CHARTER), str(export), "--ticket", f"{ESC}B"]
    )
    assert result.exit_code == 2 and "is not in the audited tickets" in result.stderr
    assert "\x1b" not in result.output and "\x07" not in result.output


def test_file_names_in_the_validate_ok_line(tmp_path: Path) -> None:
    sneaky = tmp_path / f"{ESC}.yaml"
    sneaky.write_bytes((ROOT / CHARTER).read_bytes())
    result = runner.invoke(app, ["validate", str(sneaky)])
    assert result.exit_code == 0 and ": ok" in result.stdout
    assert "\x1b" not in result.output and "\x07" not in result.output
