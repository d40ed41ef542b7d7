"""`charter rules` and `charter validate --list-rules`: every rule with its id and severity."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from charter_cli.charter.rules import RULES
from charter_cli.charter.rules.reference import reference
from charter_cli.cli import app

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]


def test_every_rule_is_listed_with_its_severity_and_meaning() -> None:
    for command in (["rules"], ["validate", "--list-rules"]):
        result = runner.invoke(app, command)
        assert result.exit_code == 0, result.output
        for item in RULES:
            row = next(line for line in result.stdout.splitlines() if f"| `{item.id}` |" in line)
            assert f"| {item.severity} |" in row
            assert item.doc, f"rule {item.id} has no docstring"
            assert len(row) > len(item.id) + 20


def test_docs_rules_page_is_the_command_output() -> None:
    docs = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert docs == reference(), "docs/rules.md is `charter rules > docs/rules.md`"


def test_main_help_says_where_to_start() -> None:
    text = " ".join(runner.invoke(app, ["--help"]).stdout.split())
    for step in ("charter init", "charter validate", "charter audit", "docs/"):
        assert step in text
