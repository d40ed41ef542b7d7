"""`charter` as a process: the entry point ends the process itself once the command is done
(charter_cli/cli.py `main`), so its output must be complete and its exit code exact."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

CHARTER = ROOT / "charters" / "examples" / "nordlys-nettbutikk.yaml"
EXPORT = ROOT / "charters" / "examples" / "nordlys-tickets-2026.csv"


def charter(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "charter_cli", *args],
        capture_output=True,
        text=True,
        check=False,
        env={"NO_COLOR": "1", "COLUMNS": "100", "PATH": "/usr/bin:/bin"},
    )


def test_piped_output_is_complete_and_the_exit_code_exact(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    done = charter("audit", str(CHARTER), str(EXPORT), "--format", "json", "-o", str(out))
    assert done.returncode == 1, done.stderr  # the example breaks promises on purpose
    piped = json.loads(done.stdout)  # a pipe is block-buffered: all of it arrived
    assert piped == json.loads(out.read_text(encoding="utf-8")) and len(piped["promises"]) == 8


def test_exit_codes_of_the_process() -> None:
    assert charter("validate", str(CHARTER)).returncode == 0
    missing = charter("audit", str(CHARTER), "no-such-export.csv")
    assert missing.returncode == 2 and missing.stderr.startswith("error: ")
    assert charter("--version").returncode == 0
    assert charter("no-such-command").returncode == 2
