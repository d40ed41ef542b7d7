"""The documentation: every command marked runnable in docs/ is run as written, and the site
builds without a warning (`mkdocs build --strict`, when mkdocs is installed: the dev extra)."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from charter_cli.cli import app
from tests.conftest import ROOT

DOCS = ROOT / "docs"
# `<!-- runnable -->` or `<!-- runnable: exit 1 -->` on the line before a ```sh block
RUNNABLE = re.compile(r"<!-- runnable(?::\s*exit (\d+))? -->\n```sh\n(.*?)```", re.S)
runner = CliRunner()


def _commands() -> list[tuple[str, int, str]]:
    found = []
    for page in sorted(DOCS.glob("*.md")):
        for match in RUNNABLE.finditer(page.read_text(encoding="utf-8")):
            code = int(match.group(1) or 0)
            for line in match.group(2).replace("\\\n", " ").splitlines():
                if line.strip():
                    found.append((page.name, code, line.strip()))
    return found


def test_the_docs_mark_commands_as_runnable() -> None:
    assert len(_commands()) >= 6


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder like a clone of the repository: the examples, run in order (init before
    validate)."""
    folder = tmp_path_factory.mktemp("docs")
    shutil.copytree(ROOT / "charters", folder / "charters")
    shutil.copytree(ROOT / "examples", folder / "examples")
    return folder


@pytest.mark.parametrize(("page", "code", "command"), _commands(), ids=lambda v: str(v)[:60])
def test_runnable_command(
    page: str, code: int, command: str, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    words = shlex.split(command)
    assert words[0] == "charter", f"{page}: {command}"
    monkeypatch.chdir(workdir)
    result = runner.invoke(app, words[1:])
    assert result.exit_code == code, f"{page}: {command}\n{result.output}"


def test_no_page_points_to_files_users_do_not_have() -> None:
    for page in [*DOCS.glob("*.md"), ROOT / "README.md", ROOT / "mkdocs.yml"]:
        text = page.read_text(encoding="utf-8")
        assert "DESIGN" not in text and "../shared" not in text, page


@pytest.mark.slow
def test_the_site_builds_strictly(tmp_path: Path) -> None:
    mkdocs = shutil.which("mkdocs", path=str(Path(sys.executable).parent))
    if mkdocs is None:
        pytest.skip("mkdocs is not installed (pip install -e '.[dev]')")
    done = subprocess.run(
        [mkdocs, "build", "--strict", "--quiet", "-d", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "WARNING" not in done.stderr, done.stderr


def test_the_reference_pages_are_the_commands_output() -> None:
    from charter_cli.charter.schema_doc import reference

    docs = (DOCS / "reference.md").read_text(encoding="utf-8")
    assert docs == reference(), (
        "docs/reference.md is `charter schema --markdown > docs/reference.md`"
    )
    assert runner.invoke(app, ["schema", "--markdown"]).stdout == reference()
