"""Golden files for the machine and CI formats; `pytest --update-golden` rewrites them."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from charter_cli.cli import app
from charter_cli.report import FORMATS, SUFFIXES, renderer
from tests.conftest import DATA, ROOT

GOLDEN = ROOT / "tests" / "golden"
CHARTER = "charters/examples/nordlys-nettbutikk.yaml"
EXPORT = "charters/examples/nordlys-tickets-2026.csv"
runner = CliRunner()


@pytest.mark.parametrize(
    ("fmt", "suffix"),
    [("json", "json"), ("csv", "csv"), ("junit", "xml"), ("markdown", "md"), ("github", "txt")],
)
def test_golden(
    fmt: str, suffix: str, update_golden: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)  # relative paths in the outputs, as a user in the repository gets
    result = runner.invoke(
        app, ["audit", CHARTER, EXPORT, "--by", "channel,month", "--format", fmt]
    )
    assert result.exit_code == 1, result.output
    golden = GOLDEN / f"nordlys.{suffix}"
    if update_golden:
        golden.write_text(result.stdout, encoding="utf-8")
    assert result.stdout == golden.read_text(encoding="utf-8"), (
        f"{golden} differs; run pytest --update-golden and review the diff"
    )


def test_junit_is_valid_against_the_common_schema() -> None:
    import xmlschema

    schema = xmlschema.XMLSchema(DATA / "junit.xsd")
    schema.validate(GOLDEN / "nordlys.xml")


def test_every_format_has_a_renderer_and_every_suffix_a_format() -> None:
    for fmt in FORMATS:
        assert callable(renderer(fmt))
    assert set(SUFFIXES.values()) <= set(FORMATS)


def test_outputs_match_stdout_formats(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    paths = [tmp_path / name for name in ("r.json", "r.csv", "r.xml", "r.md")]
    args = [arg for p in paths for arg in ("-o", str(p))]
    runner.invoke(app, ["audit", CHARTER, EXPORT, "--by", "channel,month", "-q", *args])
    for path, suffix in zip(paths, ("json", "csv", "xml", "md"), strict=True):
        assert path.read_text(encoding="utf-8") == (GOLDEN / f"nordlys.{suffix}").read_text(
            encoding="utf-8"
        )
