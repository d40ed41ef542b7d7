"""Golden files for the terminal report: as a colour terminal 100 columns wide shows it (rich's
console, ANSI styles kept) and as a pipe gets it (plain text). `pytest --update-golden`
rewrites them; review the diff."""

from __future__ import annotations

import pytest

from charter_cli.audit import read_inputs
from charter_cli.partition import run
from charter_cli.report import renderer
from charter_cli.report.common import Options
from charter_cli.summary import Wants
from tests.conftest import ROOT

GOLDEN = ROOT / "tests" / "golden"


@pytest.mark.parametrize(
    ("color", "name"), [(True, "nordlys.terminal.ansi"), (False, "nordlys.terminal.txt")]
)
def test_terminal_report(
    color: bool, name: str, update_golden: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)  # relative paths, as a user in the repository sees them
    inputs = read_inputs(
        "charters/examples/nordlys-nettbutikk.yaml", ["charters/examples/nordlys-tickets-2026.csv"]
    )
    summary = run(inputs, Wants(keys=("channel",), worst=10))
    text = renderer("text")(summary, Options(by=("channel",), color=color, width=100, top=10))
    assert isinstance(text, str)
    golden = GOLDEN / name
    if update_golden:
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8"), f"{golden} differs; --update-golden"
    assert ("\x1b[" in text) is color
    assert "Working day" not in text and "working day" in text  # durations in business time
