"""Hostile text in an export reaches the terminal as literal, visible text: no markup is
interpreted, no escape sequence is passed through (recorded output in hostile-subjects.txt)."""

from __future__ import annotations

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
