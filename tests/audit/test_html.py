"""The HTML report is self-contained and its numbers read back equal the JSON envelope's."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

from typer.testing import CliRunner

from charter_cli.cli import app
from tests.conftest import ROOT

CHARTER = ROOT / "charters" / "examples" / "nordlys-nettbutikk.yaml"
EXPORT = ROOT / "charters" / "examples" / "nordlys-tickets-2026.csv"
runner = CliRunner()


class Numbers(HTMLParser):
    """Collects data-value attributes by (row promise, field) and the page's external references."""

    def __init__(self) -> None:
        super().__init__()
        self.promise: str | None = None
        self.values: dict[tuple[str | None, str], str] = {}
        self.points: dict[tuple[str, str], float] = {}
        self.external: list[str] = []
        self.breaches = 0
        self.in_breaches = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        for key in ("src", "href"):
            if a.get(key):
                self.external.append(str(a[key]))
        if tag == "table":
            self.in_breaches = a.get("id") == "breaches"
        if tag == "tr" and "data-promise" in a:
            self.promise = a["data-promise"]
        if tag == "tr" and self.in_breaches:
            self.breaches += 1
        if "data-field" in a and a.get("data-value") is not None:
            self.values[(self.promise if tag == "td" else None, str(a["data-field"]))] = str(
                a["data-value"]
            )
        if tag == "circle" and a.get("class") == "point":
            self.points[(str(a["data-promise"]), str(a["data-month"]))] = float(
                str(a["data-value"])
            )


def test_html_numbers_equal_the_json_envelope(tmp_path: Path) -> None:
    page, envelope = tmp_path / "report.html", tmp_path / "report.json"
    runner.invoke(
        app,
        [
            "audit",
            str(CHARTER),
            str(EXPORT),
            "-q",
            "-o",
            str(page),
            "-o",
            str(envelope),
            "--by",
            "month",
        ],
    )
    doc = json.loads(envelope.read_text())
    parser = Numbers()
    parser.feed(page.read_text())
    assert parser.external == []  # nothing loaded from anywhere: no src, no href
    assert not re.search(r"https?://", page.read_text())
    for promise in doc["promises"]:
        pid = promise["id"]
        for field in ("met", "breached", "running", "unmeasurable"):
            assert int(parser.values[(pid, field)]) == promise[field], (pid, field)
        assert float(parser.values[(pid, "compliance")]) == promise["compliance"]
        assert float(parser.values[(pid, "target")]) == promise["target"]
        assert parser.values[(pid, "p90")] == str(promise["elapsed_seconds"]["p90"])
    assert int(parser.values[(None, "rows")]) == doc["input"]["rows"]
    assert int(parser.values[(None, "tickets")]) == doc["input"]["tickets"]
    assert parser.breaches - 1 == sum(
        p["breached"] for p in doc["promises"]
    )  # minus the header row
    months = {(r["promise"], r["month"]): r["compliance"] for r in doc["breakdowns"]["month"]}
    for key, value in parser.points.items():
        assert value == months[key]


def test_html_escapes_everything_from_the_export(tmp_path: Path) -> None:
    export = tmp_path / "evil.csv"
    export.write_text(
        "ticket_id,created_at,channel,priority,subject,group,first_response_at\n"
        '<img src=x onerror=alert(1)>,2026-10-05 09:00,"<script>alert(2)</script>",normal,'
        '"</td><script>alert(3)</script>",<b>g</b>,2026-10-06 15:00\n'
    )
    page = tmp_path / "r.html"
    runner.invoke(app, ["audit", str(CHARTER), str(export), "-q", "-o", str(page)])
    text = page.read_text()
    assert "<img src=x" not in text and "<script>alert" not in text and "<b>g</b>" not in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text
    assert text.count("<script>") == 1  # ours: the table sorter


def test_times_are_shown_in_the_charters_zone(tmp_path: Path) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    out = tmp_path / "report.html"
    result = runner.invoke(app, ["audit", str(CHARTER), str(EXPORT), "-q", "-o", str(out)])
    assert result.exit_code == 1
    page = out.read_text(encoding="utf-8")
    assert "(times in Europe/Oslo)" in page
    shown = re.findall(r'<time datetime="([^"]+)Z">([^<]*)</time>', page)
    assert len(shown) > 10
    oslo = ZoneInfo("Europe/Oslo")
    for utc, local in shown:  # every instant on the page, read on an Oslo wall clock
        when = datetime.fromisoformat(utc + "+00:00").astimezone(oslo)
        assert local == when.strftime("%Y-%m-%d %H:%M %Z"), (utc, local)
    assert any(local.endswith("CEST") for _, local in shown)  # October, before the change
