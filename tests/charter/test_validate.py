"""`charter validate` over the valid and invalid corpora (tests/data/charters)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from charter_cli.charter import validate_file
from charter_cli.charter.rules import RULES
from charter_cli.cli import app
from tests.conftest import DATA, ROOT

VALID = sorted((DATA / "charters" / "valid").glob("*.yaml"))
INVALID = sorted((DATA / "charters" / "invalid").glob("*.yaml"))
runner = CliRunner()


def expectation(path: Path) -> tuple[str, int, list[str]]:
    """The first line of an invalid case: `# expect: RULE LINE [--strict]`."""
    first = path.read_bytes().split(b"\n", 1)[0].decode()
    match = re.match(r"# expect: (\S+) (\d+)(.*)$", first)
    assert match, f"{path.name} has no `# expect:` line"
    return match.group(1), int(match.group(2)), match.group(3).split()


def test_corpora_are_large_enough() -> None:
    assert len(VALID) >= 4
    assert len(INVALID) >= 25


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_valid_charter_exits_0(path: Path) -> None:
    result = runner.invoke(app, ["validate", "--strict", str(path)])
    assert result.exit_code == 0, result.output
    assert "ok" in result.stdout
    assert "Traceback" not in result.output


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_invalid_charter_exits_1_with_rule_and_line(path: Path) -> None:
    rule, line, flags = expectation(path)
    result = runner.invoke(app, ["validate", *flags, str(path)])
    assert result.exit_code == 1, result.output
    assert re.search(
        rf"^{re.escape(str(path))}:{line}:\d+: (error|warning) \[{rule}\] ", result.stdout, re.M
    ), result.stdout
    assert "Traceback" not in result.output


def test_every_rule_has_an_invalid_case() -> None:
    covered = {expectation(p)[0] for p in INVALID}
    missing = {r.id for r in RULES} - covered
    assert not missing, f"rules without a case in tests/data/charters/invalid: {missing}"


def test_every_rule_documents_itself() -> None:
    for item in RULES:
        assert len(item.doc) > 30, item.id


def test_warnings_pass_without_strict() -> None:
    path = DATA / "charters" / "invalid" / "end-2359.yaml"
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0
    assert "warning [end-2359]" in result.stdout


def test_directory_collects_all_findings_per_file(tmp_path: Path) -> None:
    bad = (DATA / "charters" / "invalid" / "unknown-priority-map.yaml").read_text()
    bad = bad.replace("target: 95%", "target: 150%")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "two-problems.yml").write_text(bad)
    (tmp_path / "good.yaml").write_text((DATA / "charters" / "valid" / "minimal.yaml").read_text())
    (tmp_path / "notes.txt").write_text("not a charter")
    result = runner.invoke(app, ["validate", str(tmp_path)])
    assert result.exit_code == 1
    assert "[unknown-priority]" in result.stdout and "[target-range]" in result.stdout
    assert "good.yaml: ok" in result.stdout
    assert "notes.txt" not in result.stdout
    assert "2 files checked: 1 invalid (2 errors, 0 warnings)" in result.stdout


def test_missing_path_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2
    assert "no such file" in result.stdout


def test_empty_directory_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(tmp_path)])
    assert result.exit_code == 2
    assert "no *.yaml" in result.stderr


def test_binary_garbage_is_one_message_without_traceback(tmp_path: Path) -> None:
    junk = tmp_path / "junk.yaml"
    junk.write_bytes(bytes(range(256)) * 10)
    result = runner.invoke(app, ["validate", str(junk)])
    assert result.exit_code == 1
    assert result.stdout.count("[encoding]") == 1
    assert "Traceback" not in result.output


def test_json_format(tmp_path: Path) -> None:
    path = DATA / "charters" / "invalid" / "unknown-channel.yaml"
    result = runner.invoke(app, ["validate", "--format", "json", str(path), str(VALID[0])])
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["schema_version"] == 1 and doc["valid"] is False
    bad = doc["files"][0]
    finding = bad["findings"][0]
    assert {k: finding[k] for k in ("line", "severity", "rule")} == {
        "line": 14,
        "severity": "error",
        "rule": "unknown-channel",
    }
    assert finding["message"].startswith("unknown channel 'phone'")
    assert doc["files"][1]["valid"] is True


def test_github_annotations_chosen_automatically(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    path = DATA / "charters" / "invalid" / "unknown-calendar.yaml"
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    line = result.stdout.splitlines()[0]
    assert line.startswith(f"::error file={path},line=9,col=")
    assert "title=charter unknown-calendar::unknown calendar 'ofice'" in line


def test_github_escapes_newlines_and_commas() -> None:
    from charter_cli.report.validation import render_github

    report = validate_file(DATA / "charters" / "invalid" / "yaml-syntax.yaml")
    text = render_github([report], False)
    first = text.splitlines()[0]
    assert "\n" not in first and first.startswith("::error file=")


def test_validate_file_returns_model_for_valid_charter() -> None:
    report = validate_file(ROOT / "charters" / "examples" / "nordlys-nettbutikk.yaml")
    assert report.charter is not None
    ids = [p.id for p in report.charter.promises]
    assert ids[:2] == ["auto-ack", "first-reply"]
    assert ids[-2:] == ["escalation-1", "escalation-2"]
    office = report.charter.calendars["office"]
    assert office.country == "NO"  # YAML 1.2: NO is a string, not False
    assert office.weekly_open_seconds() == (5 * 8 + 4) * 3600


def test_schema_command_prints_the_shipped_schema() -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["$id"].endswith("service-charter.v1.schema.json")
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_schema_file_is_generated_from_the_script() -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_schema.py"), "--check"], check=False
    )
    assert done.returncode == 0, "charter_cli/schemas/ is stale: run python scripts/make_schema.py"


def _titled(node: object, where: str, missing: list[str]) -> None:
    """Every property an editor can show help for has a title and a description."""
    if isinstance(node, dict):
        props = node.get("properties")
        if isinstance(props, dict):
            for name, sub in props.items():
                if not (isinstance(sub, dict) and sub.get("title") and sub.get("description")):
                    missing.append(f"{where}/{name}")
        for key, value in node.items():
            if key != "if":  # conditions restate properties; they are not shown as help
                _titled(value, f"{where}/{key}", missing)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            _titled(value, f"{where}/{i}", missing)


def test_every_schema_property_has_a_title() -> None:
    from charter_cli.charter.schema import schema_text

    missing: list[str] = []
    _titled(json.loads(schema_text()), "", missing)
    assert not missing


@pytest.mark.parametrize(
    ("hours", "second", "in_order"),
    [
        # Monday–Saturday 08–16: a working day is 8 h (48 h over 6 days, not a fifth of 48 h)
        ('{mon-sat: "08:00-16:00"}', "9h", True),
        ('{mon-sat: "08:00-16:00"}', "7h", False),
        # around the clock: a working day is 24 h
        ("24/7", "30h", True),
        ("24/7", "23h", False),
    ],
)
def test_escalation_order_counts_a_working_day_as_an_open_day(
    tmp_path: Path, hours: str, second: str, in_order: bool
) -> None:
    calendar = "24/7" if hours == "24/7" else f"{{hours: {hours}}}"
    text = f"""charter: 1
name: Sekskanten
timezone: Europe/Warsaw
calendars:
  shop: {calendar}
channels:
  email: {{calendar: shop}}
promises:
  - {{id: reply, measure: first_response, within: 4h, target: 90%}}
escalation:
  levels:
    pierwsza: [Obsługa]
    druga: [Specjaliści]
    trzecia: [Kierownictwo]
  rules:
    - {{to: druga, after: 1 working day}}
    - {{to: trzecia, after: {second}}}
"""
    file = tmp_path / "charter.yaml"
    file.write_text(text, encoding="utf-8")
    rules = [f.rule for f in validate_file(file).findings]
    assert ("escalation-order" not in rules) is in_order, rules


def test_diff_and_the_validator_count_a_working_day_alike(tmp_path: Path) -> None:
    """One answer: the typed charter's working day of a promise, which the escalation-order rule
    and `charter diff` both ask (weekly opening hours over open days)."""
    file = tmp_path / "charter.yaml"
    file.write_text(
        "charter: 1\nname: Søndagsåpent\ntimezone: Europe/Oslo\ncalendars:\n"
        '  shop: {hours: {mon-sat: "08:00-16:00", sun: "10:00-14:00"}}\n'
        "channels:\n  email: {calendar: shop}\n"
        "promises:\n  - {id: reply, measure: first_response, within: 4h, target: 90%}\n",
        encoding="utf-8",
    )
    charter = validate_file(file).charter
    assert charter is not None
    assert charter.working_day_seconds(charter.promises[0]) == (6 * 8 + 4) * 3600 // 7
    assert charter.calendars["shop"].working_day_seconds() == (6 * 8 + 4) * 3600 // 7
