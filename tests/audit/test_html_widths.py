"""The HTML report reads at 360, 1200 and 1920 pixels: no sideways scrolling of the page, wide
tables scrolling in their own box, no text under 12 px. Checked in headless Chromium by
scripts/check_html_widths.py; skipped where no `chromium` is on PATH (a fresh CI machine)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from charter_cli.cli import app
from tests.conftest import ROOT

CHARTER = ROOT / "charters" / "examples" / "nordlys-nettbutikk.yaml"
EXPORT = ROOT / "charters" / "examples" / "nordlys-tickets-2026.csv"
runner = CliRunner()

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="no chromium on PATH")
def test_html_report_reads_from_360_to_1920_pixels(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "check_html_widths.py"),
            "--out",
            str(tmp_path),
            "--shot-height",
            "1200",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    for page in ("example", "wide"):
        for width in (360, 1200, 1920):
            assert f"{page} at {width} px: ok" in done.stdout
            png = tmp_path / f"{page}-{width}.png"
            assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


class Layout(HTMLParser):
    """Notes, for every table, whether its parent is a `div.scroll`; the sizes the SVGs ask for;
    and the `--by` tables' numbers by (table id, promise, key value, column)."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, dict[str, str | None]]] = []
        self.tables: dict[str, bool] = {}
        self.svg_widths: list[str] = []
        self.by: dict[tuple[str, str, str, str], str] = {}
        self.table = ""
        self.row: tuple[str, str] = ("", "")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table":
            parent = self.stack[-1] if self.stack else ("", {})
            self.table = str(a.get("id"))
            self.tables[self.table] = parent[0] == "div" and parent[1].get("class") == "scroll"
        if tag == "svg":
            self.svg_widths.append(str(a.get("width")))
        if tag == "tr" and "data-by-promise" in a:
            self.row = (str(a["data-by-promise"]), str(a["data-by-value"]))
        if tag == "td" and "data-col" in a:
            self.by[(self.table, *self.row, str(a["data-col"]))] = str(a["data-value"])
        if tag not in ("meta", "br", "rect", "line", "circle", "i"):
            self.stack.append((tag, a))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break


def test_tables_scroll_in_their_box_and_charts_take_the_page_width(tmp_path: Path) -> None:
    """Without a browser: the markup the width check relies on, and the `--by` tables' numbers
    equal the JSON envelope's breakdowns (long non-ASCII group names included)."""
    export = tmp_path / "tickets.csv"
    rows = EXPORT.read_text(encoding="utf-8").splitlines()
    long_group = "Innbyggertorget–Førstelinje–Søndre–Bydel–Ålesund–Kommune–Łódź"
    export.write_text(
        "\n".join([rows[0], *(r.replace("Kundeservice", long_group) for r in rows[1:])]) + "\n",
        encoding="utf-8",
    )
    page, envelope = tmp_path / "report.html", tmp_path / "report.json"
    outputs = ["-o", str(page), "-o", str(envelope)]
    result = runner.invoke(
        app, ["audit", str(CHARTER), str(export), "-q", "--by", "group,month", *outputs]
    )
    assert result.exit_code == 1, result.output
    layout = Layout()
    layout.feed(page.read_text(encoding="utf-8"))
    assert {"promises", "sources", "by-group", "by-month", "breaches"} <= set(layout.tables)
    assert all(layout.tables.values()), layout.tables  # every table in its own scroll box
    assert layout.svg_widths and set(layout.svg_widths) == {"100%"}
    doc = json.loads(envelope.read_text(encoding="utf-8"))
    for key in ("group", "month"):
        assert doc["breakdowns"][key]
        for row in doc["breakdowns"][key]:
            for col in ("met", "breached", "running", "unmeasurable"):
                cell = layout.by[(f"by-{key}", row["promise"], row[key], col)]
                assert int(cell) == row[col], (key, row, col)
            shown = layout.by[(f"by-{key}", row["promise"], row[key], "compliance")]
            assert (float(shown) if shown else None) == row["compliance"]
    assert any(row["group"] == long_group for row in doc["breakdowns"]["group"])
