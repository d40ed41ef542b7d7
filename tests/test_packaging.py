"""The package's data are real files read with importlib.resources, and every shipped charter's
editor line points at a schema that exists: nothing depends on symlinks or on the checkout."""

from __future__ import annotations

import re
import shutil
import subprocess
from importlib import resources
from pathlib import Path

import pytest

from charter_cli.charter.schema import SCHEMA_FILE, schema_text
from charter_cli.drafting.templates import templates
from tests.conftest import DATA, ROOT, TEMPLATES

SCHEMA_LINE = re.compile(r"^# yaml-language-server: \$schema=(.+)$")
CHARTERS = sorted(  # every charter that carries an editor line
    p
    for p in [
        *(ROOT / "charters").rglob("*.yaml"),
        *TEMPLATES.glob("*.yaml"),
        *(DATA / "charters" / "valid").glob("*.yaml"),
    ]
    if SCHEMA_LINE.match(p.read_text(encoding="utf-8").split("\n", 1)[0])
)


def test_no_symlink_in_the_package() -> None:
    package = Path(str(resources.files("charter_cli")))
    links = [p for p in package.rglob("*") if p.is_symlink()]
    assert not links, links


@pytest.mark.skipif(
    not (ROOT / ".git").exists() or shutil.which("git") is None, reason="not a git checkout"
)
def test_git_tracks_no_symlink() -> None:
    listed = subprocess.run(
        ["git", "ls-files", "-s"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    links = [line.split("\t", 1)[1] for line in listed.splitlines() if line.startswith("120000")]
    assert not links, links


def test_the_data_are_package_resources() -> None:
    package = resources.files("charter_cli")
    assert package.joinpath("schemas", SCHEMA_FILE).is_file()
    assert package.joinpath("schemas", "profile.v1.schema.json").is_file()
    assert '"$id"' in schema_text()
    assert len(templates()) >= 6


@pytest.mark.skipif(
    not (ROOT / "charter_cli").is_dir(),
    reason="no source tree here: the installed package is tested",
)
@pytest.mark.parametrize("charter", CHARTERS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_editor_line_points_at_the_schema(charter: Path) -> None:
    found = SCHEMA_LINE.match(charter.read_text(encoding="utf-8").splitlines()[0])
    assert found is not None
    target = (charter.parent / found.group(1)).resolve()
    assert target.is_file(), f"{charter}: {found.group(1)} does not exist"
    assert target.read_text(encoding="utf-8") == schema_text()
