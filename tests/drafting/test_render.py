"""`charter render`: golden texts for four templates in every language, plural forms, HTML."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from charter_cli.charter import validate_file
from charter_cli.charter.values import Duration
from charter_cli.cli import app
from charter_cli.drafting.render import LANGS, duration_phrase
from charter_cli.drafting.templates import templates
from tests.conftest import ROOT, TEMPLATES

GOLDEN = ROOT / "tests" / "golden" / "render"
runner = CliRunner()


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", ["online-shop", "municipality", "it-service-desk", "saas-b2b"])
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
        ("en", 1800, 0, True, "30 working minutes"),  # "30m" on opening hours keeps "working"
        ("nb", 1800, 0, True, "30 arbeidsminutter"),
        ("sv", 1800, 0, True, "30 arbetsminuter"),
        ("pl", 1800, 0, True, "30 minut roboczych"),
        ("sv", 7200, 0, False, "2 timmar"),
        ("pl", 22 * 60, 0, False, "22 minut"),  # the genitive: 22 minut after "w ciągu"
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
        "Er saken ikke løst innen 30 arbeidsminutter (Haster), 2 arbeidstimer (Høy), 1 virkedag "
        "(Normal), 2 virkedager (Lav), går den videre til spesialistene våre." in text
    )
    assert "Utenfor åpningstiden får du likevel en automatisk bekreftelse innen 5 minutter" in text
    assert "24. desember: 08.00–12.00." in text  # Christmas Eve's own hours, Norwegian style


@pytest.mark.parametrize(
    ("n", "unit", "business", "expected"),
    [
        (1, "m", False, "1 minuta"),
        (2, "m", False, "2 minuty"),
        (4, "m", False, "4 minuty"),
        (5, "m", False, "5 minut"),
        (12, "m", False, "12 minut"),
        (22, "m", False, "22 minuty"),
        (1, "h", False, "1 godzina"),
        (3, "h", False, "3 godziny"),
        (8, "h", True, "8 godzin roboczych"),
        (2, "h", True, "2 godziny robocze"),
        (1, "h", True, "1 godzina robocza"),
    ],
)
def test_polish_nominative_counts_one_few_many(
    n: int, unit: str, business: bool, expected: str
) -> None:
    """After "nie dłuższym niż" a count stands in the nominative: 1 / 2–4 / 5+ (CLDR's one, few,
    many, through Babel), 22 like 2 and 12 like 5."""
    seconds = n * (60 if unit == "m" else 3600)
    assert (
        duration_phrase(Duration(seconds, 0), "pl", business=business, nominative=True) == expected
    )


def test_polish_working_days_nominative() -> None:
    phrase = [
        duration_phrase(Duration(0, n), "pl", business=True, nominative=True) for n in (1, 3, 5)
    ]
    assert phrase == ["1 dzień roboczy", "3 dni robocze", "5 dni roboczych"]


def _english_texts(path: Path) -> set[str]:
    """The charter's English texts that it also gives in another language (the words that must
    not show on a page in that language)."""
    import yaml

    found: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "en" in node and isinstance(node["en"], str) and len(node) > 1:
                others = {str(v) for k, v in node.items() if k != "en"}
                if node["en"] not in others:
                    found.add(node["en"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return found


SHIPPED = [
    *(TEMPLATES / f"{name}.yaml" for name in sorted(templates())),
    ROOT / "charters" / "examples" / "nordlys-nettbutikk.yaml",
]
# words only the tool itself would add in English
TOOL_ENGLISH = re.compile(
    r"\b(?:working|within|minutes?|hours?|days?|every day|around the clock|closed)\b"
)


@pytest.mark.parametrize("lang", ["nb", "sv", "pl"])
@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_a_page_is_in_one_language(path: Path, lang: str) -> None:
    """Every shipped template and the Norwegian example give their texts in all four languages:
    a page in nb, sv or pl shows none of the charter's English texts and no English word of the
    tool's own."""
    assert validate_file(path).findings == [] or all(
        f.rule != "missing-translation" for f in validate_file(path).findings
    )
    page = runner.invoke(app, ["render", str(path), "--lang", lang]).stdout
    body = page.split("\n", 1)[1]  # the heading carries the charter's name, a proper name
    leaked = sorted(
        t for t in _english_texts(path) if re.search(rf"(?<!\w){re.escape(t)}(?!\w)", body)
    )
    assert not leaked, f"English texts on the {lang} page: {leaked}"
    assert not TOOL_ENGLISH.findall(body)
