"""The HTML report reads at 360, 1200 and 1920 pixels: no sideways scrolling of the page, wide
tables scrolling in their own box, no text under 12 px. Checked in headless Chromium by
scripts/check_html_widths.py; skipped where no `chromium` is on PATH (a fresh CI machine)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

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
