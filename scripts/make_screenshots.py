"""Make the README's pictures from the shipped example: the terminal report as SVG (rich's own
recording) and the HTML report as PNG (headless Chromium, network off; needs Debian's chromium).

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
    return 0


if __name__ == "__main__":
    sys.exit(main())
