"""Make the README's pictures from the shipped example: the terminal report as SVG (rich's own
recording) and the HTML report as PNG (headless Chromium, network off; needs Debian's chromium);
and the trend page of a year of synthetic tickets (the benchmark's generator) recorded as history.

    python scripts/make_screenshots.py
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from rich.console import Console
from rich.text import Text

from charter_cli.audit import read_inputs
from charter_cli.partition import run
from charter_cli.report import renderer
from charter_cli.report.common import Options
from charter_cli.summary import Wants

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "images"
CHARTER = "charters/examples/nordlys-nettbutikk.yaml"
EXPORT = "charters/examples/nordlys-tickets-2026.csv"


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    os.chdir(ROOT)  # relative paths in the pictures, as a user in the repository sees them
    # the summary every report reads (the month breakdown for the HTML page's chart)
    result = run(read_inputs(CHARTER, [EXPORT]), Wants(keys=("month",), worst=2000))
    # the report exactly as a 100-column colour terminal shows it, recorded as SVG
    text = renderer("text")(result, Options(color=True, width=100, top=6))
    console = Console(
        record=True,
        width=100,
        force_terminal=True,
        color_system="truecolor",
        file=io.StringIO(),
    )
    console.print(Text("$ charter audit " + CHARTER + " " + EXPORT, style="bold"))
    console.print(Text.from_ansi(text))
    svg = OUT / "terminal-report.svg"
    svg.write_text(console.export_svg(title="charter audit"), encoding="utf-8")
    print(f"wrote {svg.relative_to(ROOT)}")
    if not any(shutil.which(b) for b in ("chromium", "chromium-browser")):
        print("no chromium on this machine: the HTML picture is left as it is", file=sys.stderr)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "report.html"
        page.write_text(renderer("html")(result, Options(by=("month",))), encoding="utf-8")
        png = OUT / "html-report.png"
        subprocess.run(
            ["bash", str(ROOT / "scripts" / "screenshot_html.sh"), str(page), str(png), "1500"],
            check=True,
        )
    trend_page()
    return 0


def trend_page() -> None:
    """A year of the benchmark's synthetic tickets, recorded, as `charter trend` draws it."""
    sys.path.insert(0, str(ROOT))
    from benchmarks.make_tickets import tickets
    from charter_cli.cli import main as charter
    from charter_cli.report.trend import render_html
    from charter_cli.trend import trend

    with tempfile.TemporaryDirectory() as tmp:
        export, history = Path(tmp) / "tickets-2026.csv", Path(tmp) / "history.sqlite"
        tickets(6000).to_csv(export, index=False)
        args = ["audit", CHARTER, str(export), "--record", str(history), "--quiet"]
        try:
            charter(args)
        except SystemExit as done:
            assert done.code in (0, 1), done.code
        page = Path(tmp) / "trend.html"
        page.write_text(render_html(trend(history, promise="first-reply")), encoding="utf-8")
        png = OUT / "trend.png"
        subprocess.run(
            ["bash", str(ROOT / "scripts" / "screenshot_html.sh"), str(page), str(png), "900"],
            check=True,
        )


if __name__ == "__main__":
    sys.exit(main())
