"""Templates and `charter init`, both ways (flags, and answers fed to the questionnaire)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from charter_cli.charter import validate_file
from charter_cli.charter.schema import SCHEMA_FILE, schema_text
from charter_cli.cli import app
from charter_cli.drafting.templates import templates
from tests.conftest import ROOT, TEMPLATES

EXPORT = ROOT / "charters" / "examples" / "nordlys-tickets-2026.csv"
runner = CliRunner()


def test_six_templates_listed_with_one_line_each() -> None:
    result = runner.invoke(app, ["templates"])
    lines = result.stdout.strip().splitlines()
    assert len(lines) >= 6 and {
        "online-shop",
        "saas-b2b",
        "it-service-desk",
        "municipality",
        "utility-telecom",
        "hotel",
    } <= {line.split()[0] for line in lines}


@pytest.mark.parametrize("name", sorted(templates()))
def test_template_validates_strictly_and_audits_the_example(name: str) -> None:
    path = TEMPLATES / f"{name}.yaml"
    assert runner.invoke(app, ["validate", "--strict", str(path)]).exit_code == 0
    audit = runner.invoke(app, ["audit", str(path), str(EXPORT), "-q"])
    assert audit.exit_code in (0, 1), audit.output  # a verdict, never "could not run"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=") and text.count("#") > 10


def test_init_with_flags(tmp_path: Path) -> None:
    out = tmp_path / "charter.yaml"
    result = runner.invoke(
        app,
        [
            "init",
            "-t",
            "saas-b2b",
            "--name",
            "Żółw Software: Wsparcie",
            "--timezone",
            "Europe/Warsaw",
            "--country",
            "PL",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    report = validate_file(out)
    assert report.charter is not None and not report.findings
    assert (
        report.charter.name == "Żółw Software: Wsparcie"
        and report.charter.timezone == "Europe/Warsaw"
    )
    assert report.charter.calendars["business"].country == "PL"
    assert report.charter.calendars["business"].subdivision is None  # England's was dropped
    text = out.read_text(encoding="utf-8")
    assert "# Drafted by `charter init` from the saas-b2b template" in text
    assert (
        "# P1 never waits for business hours" in text.replace("  ", " ") or "P1 never waits" in text
    )
    assert text.splitlines()[0] == f"# yaml-language-server: $schema=./{SCHEMA_FILE}"
    assert (tmp_path / SCHEMA_FILE).read_text(encoding="utf-8") == schema_text()
    assert "wrote" in result.stderr and SCHEMA_FILE in result.stderr


def test_init_schema_reference_travels_with_the_folder(tmp_path: Path) -> None:
    """The editor line names the copy beside the charter, relatively: a clone elsewhere (another
    machine, another user) finds it, and nothing names the environment charter ran in."""
    repo = tmp_path / "repo" / "support"
    repo.mkdir(parents=True)
    out = repo / "charter.yaml"
    assert runner.invoke(app, ["init", "--no-interactive", "-o", str(out)]).exit_code == 0
    reference = out.read_text(encoding="utf-8").splitlines()[0].split("=", 1)[1]
    assert not Path(reference).is_absolute() and str(tmp_path) not in reference
    clone = tmp_path / "elsewhere"
    shutil.copytree(tmp_path / "repo", clone)
    copied = clone / "support" / "charter.yaml"
    schema = json.loads((copied.parent / reference).read_text(encoding="utf-8"))
    assert schema == json.loads(schema_text())


def test_init_keeps_an_identical_schema_and_refreshes_an_older_one(tmp_path: Path) -> None:
    schema = tmp_path / SCHEMA_FILE
    first = runner.invoke(app, ["init", "--no-interactive", "-o", str(tmp_path / "a.yaml")])
    assert first.exit_code == 0 and schema.read_text(encoding="utf-8") == schema_text()
    second = runner.invoke(app, ["init", "--no-interactive", "-o", str(tmp_path / "b.yaml")])
    assert second.exit_code == 0 and SCHEMA_FILE not in second.stderr  # already there
    older = json.loads(schema_text())
    older["title"] = "an older copy"
    schema.write_text(json.dumps(older), encoding="utf-8")
    third = runner.invoke(app, ["init", "--no-interactive", "-o", str(tmp_path / "c.yaml")])
    assert third.exit_code == 0 and schema.read_text(encoding="utf-8") == schema_text()


def test_init_refuses_to_point_at_someone_elses_file(tmp_path: Path) -> None:
    (tmp_path / SCHEMA_FILE).write_text('{"$id": "https://example.org/other"}\n')
    out = tmp_path / "charter.yaml"
    result = runner.invoke(app, ["init", "--no-interactive", "-o", str(out)])
    assert result.exit_code == 2 and "is not charter's schema" in result.stderr
    assert not out.exists()
    assert (tmp_path / SCHEMA_FILE).read_text() == '{"$id": "https://example.org/other"}\n'


def test_init_never_overwrites_without_force(tmp_path: Path) -> None:
    out = tmp_path / "charter.yaml"
    out.write_text("mine\n")
    result = runner.invoke(app, ["init", "--no-interactive", "-o", str(out)])
    assert result.exit_code == 2 and "use --force" in result.stderr
    assert out.read_text() == "mine\n"
    assert (
        runner.invoke(app, ["init", "--no-interactive", "--force", "-o", str(out)]).exit_code == 0
    )
    assert validate_file(out).charter is not None


def test_init_refuses_a_bad_time_zone(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "init",
            "--template",
            "online-shop",
            "--timezone",
            "Europe/Olso",
            "-o",
            str(tmp_path / "c.yaml"),
        ],
    )
    assert result.exit_code == 2 and "Europe/Oslo" in result.stderr
    assert not (tmp_path / "c.yaml").exists()


def test_init_questionnaire(tmp_path: Path) -> None:
    out = tmp_path / "shop.yaml"
    answers = [
        "online-shop",  # template
        "Sklep Łąka",  # name
        "Europe/Warsaw",  # time zone
        "PL",  # holidays
        "08:00-16:00",  # office mon-fri
        "",  # office sat: keep
        "25:00-26:00",  # evenings: not a time, asked again
        "10:00-22:00",  # evenings mon-sun
        "30m",
        "",
        "",
        "",  # first reply: urgent changed, others kept
        "5 minutes",  # chat
        "",
        "",
        "",
        "",  # resolution kept
        "y",  # follow up after complaints
        "1 day",  # not a duration: asked again
        "24h",
        "72h",
    ]
    result = runner.invoke(
        app, ["init", "--interactive", "-o", str(out)], input="\n".join(answers) + "\n"
    )
    assert result.exit_code == 0, result.output
    charter = validate_file(out).charter
    assert charter is not None
    assert charter.name == "Sklep Łąka" and charter.timezone == "Europe/Warsaw"
    office = charter.calendars["office"]
    assert office.country == "PL" and office.week[0][0].text == "08:00-16:00"
    assert charter.calendars["evenings"].week[6][0].text == "10:00-22:00"
    first = next(p for p in charter.promises if p.id == "first-reply")
    assert first.within.by_priority["urgent"].seconds == 1800
    assert next(p for p in charter.promises if p.id == "chat-reply").within.default.seconds == 300
    follow = next(p for p in charter.promises if p.measure == "follow_up")
    assert follow.between is not None and follow.between[1].seconds == 72 * 3600
    assert "is not a time of day" in result.output and "is not a duration" in result.output


def test_init_asks_again_for_a_mistyped_zone_and_country(tmp_path: Path) -> None:
    """A wrong zone or country is caught when typed, with a suggestion, and asked again: the
    answers given so far are kept and the draft is written."""
    out = tmp_path / "desk.yaml"
    answers = ["saas-b2b", "Łódź Cloud Support", "Europe/Warsw", "Europe/Warsaw", "XX", "PL"]
    result = runner.invoke(
        app,
        ["init", "--interactive", "-o", str(out)],
        input="\n".join(answers) + "\n" * 40,
    )
    assert result.exit_code == 0, result.output
    assert (
        "'Europe/Warsw' is not an IANA time zone (did you mean 'Europe/Warsaw'?)" in result.output
    )
    assert "no public holidays are known for country 'XX'" in result.output
    charter = validate_file(out).charter
    assert charter is not None and charter.timezone == "Europe/Warsaw"
    assert charter.calendars["business"].country == "PL"


def test_init_off_a_terminal_needs_a_template(tmp_path: Path) -> None:
    out = tmp_path / "c.yaml"
    result = runner.invoke(app, ["init", "-o", str(out)], input="")
    assert result.exit_code == 2 and "--template" in result.stderr
    assert not out.exists()
    named = runner.invoke(app, ["init", "--template", "hotel", "-o", str(out)], input="")
    assert named.exit_code == 0
    assert "drafted from the hotel template, keeping its --name" in named.stderr


def test_a_comment_about_the_templates_value_goes_with_it(tmp_path: Path) -> None:
    """England's bank holidays are not Poland's: the comment beside a changed value goes, the
    ones that hold whatever the answer stay."""
    out = tmp_path / "c.yaml"
    result = runner.invoke(
        app,
        [
            *("init", "--template", "saas-b2b", "--country", "PL"),
            *("--timezone", "Europe/Warsaw", "--name", "Chmura", "-o", str(out)),
        ],
    )
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "England" not in text and "country: PL" in text and "subdivision: null\n" in text
    assert "# P1 never waits for business hours" in text
    sweden = runner.invoke(
        app,
        [
            "init",
            "--template",
            "it-service-desk",
            "--country",
            "FI",
            "-o",
            str(tmp_path / "f.yaml"),
        ],
    )
    assert sweden.exit_code == 0
    assert "midsummer" not in (tmp_path / "f.yaml").read_text(encoding="utf-8")
