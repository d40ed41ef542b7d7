"""`charter render`: golden texts for two templates in every language, plural forms, HTML."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from charter_cli.charter.values import Duration
from charter_cli.cli import app
from charter_cli.drafting.render import LANGS, duration_phrase
from charter_cli.drafting.templates import templates
from tests.conftest import ROOT, TEMPLATES

GOLDEN = ROOT / "tests" / "golden" / "render"
runner = CliRunner()


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", ["online-shop", "municipality"])
def test_golden_text(name: str, lang: str, update_golden: bool) -> None:
    result = runner.invoke(app, ["render", str(TEMPLATES / f"{name}.yaml"), "--lang", lang])
    assert result.exit_code == 0, result.output
    golden = GOLDEN / f"{name}.{lang}.md"
    if update_golden:
        golden.write_text(result.stdout, encoding="utf-8")
    assert result.stdout == golden.read_text(encoding="utf-8"), (
        f"{golden} differs; pytest --update-golden, then read the diff"
    )


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", sorted(templates()))
def test_every_template_renders_in_every_language(name: str, lang: str) -> None:
    for fmt in ("markdown", "html"):
        result = runner.invoke(
            app,
            [
                "render",
                str(TEMPLATES / f"{name}.yaml"),
                "--lang",
                lang,
                "--format",
                fmt,
            ],
        )
        assert result.exit_code == 0, result.output
        assert (
            "{" not in result.stdout.replace("{margin", "").split("<style>")[0]
        )  # no unfilled placeholder


@pytest.mark.parametrize(
    ("lang", "seconds", "working_days", "business", "expected"),
    [
        ("en", 60, 0, False, "1 minute"),
        ("en", 5400, 0, True, "1 working hour and 30 minutes"),
        ("en", 0, 1, True, "1 working day"),
        ("nb", 7200, 0, True, "2 arbeidstimer"),
        ("nb", 0, 10, True, "10 virkedager"),
        ("sv", 3600, 0, False, "1 timme"),
        ("sv", 0, 2, True, "2 arbetsdagar"),
        ("pl", 60, 0, False, "1 minuty"),  # w ciągu 1 minuty
        ("pl", 120, 0, False, "2 minut"),  # w ciągu 2 minut
        ("pl", 3600, 0, True, "1 godziny roboczej"),
        ("pl", 4 * 3600, 0, True, "4 godzin roboczych"),
        ("pl", 0, 1, True, "1 dnia roboczego"),
        ("pl", 0, 5, True, "5 dni roboczych"),
        ("pl", 90, 0, False, "1 minuty i 30 sekund"),
    ],
)
def test_durations_read_naturally(
    lang: str, seconds: int, working_days: int, business: bool, expected: str
) -> None:
    assert duration_phrase(Duration(seconds, working_days), lang, business=business) == expected


def test_html_is_self_contained_and_escaped(tmp_path: Path) -> None:
    text = (TEMPLATES / "hotel.yaml").read_text(encoding="utf-8")
    charter = tmp_path / "hotel.yaml"
    charter.write_text(
        text.replace(
            "name: Example Hotel Guest Services", 'name: "<script>alert(1)</script> Hotel"'
        ),
        encoding="utf-8",
    )
    out = tmp_path / "charter.html"
    result = runner.invoke(
        app, ["render", str(charter), "--lang", "sv", "--format", "html", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and '<html lang="sv">' in page
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; Hotel" in page
    assert "http" not in page  # nothing to fetch
    assert "dygnet runt" in page


def test_unknown_language_is_a_usage_error() -> None:
    result = runner.invoke(app, ["render", str(TEMPLATES / "hotel.yaml"), "--lang", "de"])
    assert result.exit_code == 2 and "--lang de" in result.stderr


def test_escalation_and_after_hours_sentences() -> None:
    charter = ROOT / "charters" / "examples" / "nordlys-nettbutikk.yaml"
    text = runner.invoke(app, ["render", str(charter), "--lang", "nb"]).stdout
    assert (
        "Er saken ikke løst innen 30 minutter (urgent), 2 arbeidstimer (high), 1 virkedag (normal), "
        "2 virkedager (low), går den videre til specialists." in text
    )
    assert "Utenfor åpningstiden får du likevel en automatisk bekreftelse innen 5 minutter" in text
    assert "24. desember: 08.00–12.00." in text  # Christmas Eve's own hours, Norwegian style
