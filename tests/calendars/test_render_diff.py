"""`render` and `diff` know iCalendar closures and ticket-zone calendars."""

from __future__ import annotations

from pathlib import Path

import pytest

from charter_cli.charter import load_charter
from charter_cli.drafting.diff import compare
from charter_cli.drafting.render import LANGS, render_html, render_markdown
from tests.conftest import DATA

CHARTER = DATA / "charters" / "valid" / "nordlys-closures.yaml"
ICS = DATA / "calendars" / "nordlys-closures.ics"

WORDS = {
    "en": ("(your local time)", "Also closed:", "24 December 2027: Julaften", "13:00–15:00 (recurring)"),
    "nb": ("(din lokale tid)", "Også stengt:", "24. desember 2027: Julaften", "13.00–15.00 (gjentas)"),
    "sv": ("(din lokala tid)", "Även stängt:", "24 december 2027: Julaften", "13.00–15.00 (återkommande)"),
    "pl": (
        "(według Twojego czasu lokalnego)",
        "Nieczynne także:",
        "24 grudnia 2027: Julaften",
        "13:00–15:00 (cyklicznie)",
    ),
}  # fmt: skip


@pytest.mark.parametrize("lang", LANGS)
def test_render_tells_local_time_and_closures(lang: str) -> None:
    charter = load_charter(CHARTER)
    text = render_markdown(charter, lang)
    for words in WORDS[lang]:
        assert words in text, (lang, words)
    # the Outlook event in its own zone, shown in the calendar's: 12-16 in Oslo
    assert "22" in text and ("12:00–16:00" in text or "12.00–16.00" in text)
    assert "Avlyst" not in text  # cancelled
    assert "Julaften" in render_html(charter, lang)


def _copy(tmp_path: Path, name: str, text: str, ics: str) -> Path:
    (tmp_path / f"{name}.ics").write_text(ics, encoding="utf-8", newline="")
    path = tmp_path / f"{name}.yaml"
    path.write_text(text.replace("../../calendars/nordlys-closures.ics", f"{name}.ics"), "utf-8")
    return path


def test_diff_names_closures_and_zone_changes(tmp_path: Path) -> None:
    text = CHARTER.read_text(encoding="utf-8")
    ics = ICS.read_bytes().decode("utf-8")
    old = _copy(
        tmp_path,
        "old",
        text.replace("timezone: ticket", "timezone: Europe/Oslo").replace(
            "    default_timezone: Europe/Oslo\n", ""
        ),
        ics.replace("SUMMARY:Julaften", "SUMMARY:Julaften – stengt"),
    )
    new = _copy(tmp_path, "new", text, ics)
    changes = [str(c) for c in compare(load_charter(old), load_charter(new))]
    assert "~ calendar local: hours read in each ticket's zone instead of its own zone" in changes
    assert "- calendar office: closure 2027-12-24 Julaften – stengt (until 2027-12-25)" in changes
    assert "+ calendar office: closure 2027-12-24 Julaften (until 2027-12-25)" in changes
