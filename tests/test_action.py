"""action.yml: inputs reach its scripts through the environment only (an input is data, never
shell text), and the audit runs once. Its bash steps are run here as a runner would run them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT

ACTION = ROOT / "action.yml"
CHARTER = "charters/examples/nordlys-nettbutikk.yaml"
EXPORT = "charters/examples/nordlys-tickets-2026.csv"

pytestmark = pytest.mark.skipif(
    not ACTION.is_file() or shutil.which("bash") is None, reason="needs action.yml and bash"
)


def steps() -> dict[str, dict[str, Any]]:
    action = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    return {step.get("id") or step.get("name", ""): step for step in action["runs"]["steps"]}


def test_no_input_is_interpolated_into_a_script() -> None:
    for step in steps().values():
        assert "${{" not in step.get("run", ""), step


def run_step(
    step: dict[str, Any], env: dict[str, str], tmp_path: Path
) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """The step's script as GitHub's `shell: bash` runs it, with `charter` logging each call."""
    shim = tmp_path / "bin"
    shim.mkdir(exist_ok=True)
    real = Path(sys.executable).parent / "charter"
    log = tmp_path / "calls.log"
    (shim / "charter").write_text(f'#!/bin/sh\necho "$1" >> "{log}"\nexec "{real}" "$@"\n')
    (shim / "charter").chmod(0o755)
    runner_env = {
        "PATH": f"{shim}{os.pathsep}{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "RUNNER_TEMP": str(tmp_path),
        "GITHUB_OUTPUT": str(tmp_path / "output"),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary"),
        **{k: v for k, v in os.environ.items() if k in ("HOME", "LANG", "SYSTEMROOT")},
        **env,
    }
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        cwd=ROOT, env=runner_env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    calls = log.read_text().split() if log.exists() else []
    return done, calls


def test_the_audit_runs_once_and_writes_report_summary_and_annotations(tmp_path: Path) -> None:
    env = {"CHARTER": CHARTER, "TICKETS": EXPORT, "ARGS": "--by channel,month"}
    done, calls = run_step(steps()["audit"], env, tmp_path)
    assert done.returncode == 1, done.stderr  # the example breaks promises on purpose
    assert calls == ["audit"]
    assert "::error file=charters/examples/nordlys-nettbutikk.yaml" in done.stdout
    assert (tmp_path / "charter-report.json").is_file()
    assert "first-reply" in (tmp_path / "summary").read_text()  # the Markdown report
    assert (tmp_path / "output").read_text() == f"report={tmp_path / 'charter-report.json'}\n"


def test_inputs_are_words_never_shell(tmp_path: Path) -> None:
    planted = tmp_path / "planted"
    hostile = f"'{EXPORT}' \"a b.csv\" $(touch {planted}) `touch {planted}`; touch {planted}"
    env = {"CHARTER": CHARTER, "TICKETS": hostile, "ARGS": f"--by channel; touch {planted}"}
    done, calls = run_step(steps()["audit"], env, tmp_path)
    assert not planted.exists()
    assert calls == ["audit"] and done.returncode == 2  # words taken as paths that do not exist
    assert "--by channel;" in done.stderr  # the `;` reached charter as text


def test_validate_takes_the_charter_from_the_environment(tmp_path: Path) -> None:
    done, calls = run_step(steps()["Validate the charter"], {"CHARTER": CHARTER}, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert calls == ["validate"]
