"""`charter diff OLD NEW --against history.sqlite`: compliance read from the history instead of
re-reading the exports, on the year of a Norwegian desk that tests/audit/test_history.py
generates (`;`-separated exports with a BOM, holidays in May and December). Each estimate is
checked against `charter diff --against EXPORTS` on the same exports."""

from __future__ import annotations

import json
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from charter_cli.cli import app
from charter_cli.drafting.estimate import met_between
from charter_cli.history import EDGES, bin_of, charter_hash
from tests.audit.test_history import CHARTER, write_year
from tests.conftest import ROOT

runner = CliRunner()
YEAR = [f"2025-{m:02d}" for m in range(1, 13)]


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[Path], Path]:
    """The year's exports, the charter, and its history recorded from all of them at once (the
    as-of is the exports' own, as `diff --against EXPORTS` takes it)."""
    folder = tmp_path_factory.mktemp("diff-history")
    charter = folder / "kundeservice.yaml"
    charter.write_text(CHARTER, encoding="utf-8")
    files = write_year(folder)
    db = folder / "historikk.sqlite"
    _record(charter, files, db)
    return folder, charter, files, db


def _record(charter: Path, files: list[Path], db: Path) -> None:
    result = runner.invoke(
        app, ["audit", str(charter), *map(str, files), "--record", str(db), "-q"]
    )
    assert result.exit_code in (0, 1), result.output


def _variant(folder: Path, name: str, *edits: tuple[str, str]) -> Path:
    text = CHARTER
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _diff(old: Path, new: Path, *against: Path) -> dict[str, Any]:
    args = ["diff", str(old), str(new), "-f", "json"]
    for a in against:
        args += ["--against", str(a)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["against"]  # type: ignore[no-any-return]


def _exact(old: Path, new: Path, files: list[Path]) -> dict[str, Any]:
    """Compliance from re-reading the exports with both charters."""
    return _diff(old, new, *files)["compliance"]  # type: ignore[no-any-return]


EDGE_NORMAL = 7679  # 2h7m59s: the last whole second before the bin edge 7680 s
EDGE_HIGH = 1919  # 31m59s: before 1920 s


def test_the_bin_edges_of_the_test_are_edges() -> None:
    assert EDGE_NORMAL + 1 in EDGES and EDGE_HIGH + 1 in EDGES
    assert 7200 not in EDGES and 2700 not in EDGES and 6 * 3600 not in EDGES


@pytest.mark.parametrize(
    ("within", "on_edge"),
    [
        ("{høy: 1h, normal: 2h}", False),
        ("{høy: 45m, normal: 2h}", False),
        ("{høy: 31m59s, normal: 2h7m59s}", True),
        ("{høy: 1h, normal: 6h}", False),  # looser: open breached replies may turn running
    ],
)
def test_a_new_allowance_is_estimated_from_the_histogram(
    desk: tuple[Path, Path, list[Path], Path], within: str, on_edge: bool
) -> None:
    folder, charter, files, db = desk
    new = _variant(folder, "ny.yaml", ("{høy: 1h, normal: 4h}", within))
    found = _diff(charter, new, db)
    exact = _exact(charter, new, files)
    assert found["months"] == YEAR and found["flips"] is None
    assert found["charters"]["new"]["months"] == [] and found["charters"]["old"]["months"] == YEAR
    first = found["figures"]["first-reply"]
    # the old charter's figure is the recorded one: exact, and what the exports say
    assert first["old"]["exact"] and first["old"]["compliance"] == exact["first-reply"]["old"]
    estimate = first["new"]
    assert estimate["estimated_months"] == YEAR and estimate["recorded_months"] == []
    assert estimate["at_least"] <= exact["first-reply"]["new"] <= estimate["at_most"]
    assert estimate["at_most"] - estimate["at_least"] < 0.05
    if on_edge:
        assert estimate["exact"]
        assert estimate["compliance"] == exact["first-reply"]["new"]
        assert found["compliance"]["first-reply"]["new"] == exact["first-reply"]["new"]
    else:
        assert not estimate["exact"] and estimate["compliance"] is None
        assert found["compliance"]["first-reply"]["new"] is None  # never a number that may be wrong
    # resolution did not change: the old charter's recorded figure, exact
    resolution = found["figures"]["resolution"]["new"]
    assert resolution["exact"] and resolution["unchanged_months"] == YEAR
    assert resolution["compliance"] == exact["resolution"]["new"]


def test_the_text_says_what_is_estimated_and_that_nothing_flips(
    desk: tuple[Path, Path, list[Path], Path],
) -> None:
    folder, charter, _, db = desk
    new = _variant(folder, "ny-tekst.yaml", ("normal: 4h", "normal: 2h"))
    result = runner.invoke(app, ["diff", str(charter), str(new), "--against", str(db)])
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "~ promise first-reply: within for normal 4h → 2h (tightened)" in text
    assert f"Read from the history {db} (2025-01 … 2025-12):" in text
    line = next(x for x in text.splitlines() if x.strip().startswith("first-reply"))
    assert "at least" in line and "at most" in line
    assert "new: estimate from the history, 2025-01 … 2025-12" in line
    assert "new: unchanged, as recorded with the old charter" in text
    assert "No verdicts to flip: a history keeps counts, not tickets" in text
    assert "Traceback" not in result.output


def test_changes_counts_cannot_replay_get_no_figure(
    desk: tuple[Path, Path, list[Path], Path],
) -> None:
    folder, charter, _, db = desk
    scope = _variant(
        folder,
        "bare-epost.yaml",
        ("where: {channel: [email, phone]}\n    within: {høy", "where: {channel: [email]}\n    within: {høy"),
        ("normal: 4h", "normal: 2h"),
    )  # fmt: skip
    found = _diff(charter, scope, db)
    first = found["figures"]["first-reply"]
    assert first["new"] is None and found["compliance"]["first-reply"]["new"] is None
    assert first["cannot_replay"].startswith("cannot be replayed from the history: applies to")
    assert first["cannot_replay"].endswith("use --against with the exports")
    assert found["figures"]["resolution"]["new"]["exact"]  # untouched by the change
    hours = _variant(
        folder, "lengre-dag.yaml", ('mon-fri: "08:00-16:00"', 'mon-fri: "08:00-17:00"')
    )
    found = _diff(charter, hours, db)
    for pid in ("first-reply", "resolution"):
        assert found["figures"][pid]["new"] is None
        assert (
            "calendar office: mon 08:00-16:00 → 08:00-17:00"
            in found["figures"][pid]["cannot_replay"]
        )
    days = _variant(folder, "to-dager.yaml", ("within: 3 working days", "within: 2 working days"))
    found = _diff(charter, days, db)
    assert "working-day allowance" in found["figures"]["resolution"]["cannot_replay"]
    assert found["figures"]["first-reply"]["new"]["exact"]
    added = _variant(
        folder,
        "ny-lofte.yaml",
        ("promises:\n", "promises:\n  - {id: kvittering, measure: first_response, within: 8h, target: 80%}\n"),
    )  # fmt: skip
    found = _diff(charter, added, db)
    assert found["figures"]["kvittering"]["old"] is None
    assert "a new promise" in found["figures"]["kvittering"]["cannot_replay"]
    text = runner.invoke(app, ["diff", str(charter), str(added), "--against", str(db)]).stdout
    assert "kvittering" in text and "cannot be replayed from the history: a new promise" in text


def test_verdicts_that_disagree_with_the_recorded_times_are_not_estimated(
    desk: tuple[Path, Path, list[Path], Path], tmp_path: Path
) -> None:
    """As if the allowance had been chosen by another priority than the recorded one (a priority
    changed during the ticket's life): normal replies met beyond 4 h."""
    folder, charter, _, db = desk
    moved = tmp_path / "moved.sqlite"
    shutil.copy(db, moved)
    with closing(sqlite3.connect(moved)) as con, con:
        con.execute(
            "UPDATE cells SET met = met + breached, breached = 0 WHERE promise = 'first-reply' "
            "AND priority = 'normal' AND breached > 0"
        )
    new = _variant(folder, "ny-normal.yaml", ("normal: 4h", "normal: 2h"))
    found = _diff(charter, new, moved)["figures"]["first-reply"]
    assert found["new"] is None
    assert "do not agree with the recorded times" in found["cannot_replay"]
    assert _diff(charter, new, db)["figures"]["first-reply"]["new"] is not None


def test_the_new_charters_own_runs_are_exact(
    desk: tuple[Path, Path, list[Path], Path], tmp_path: Path
) -> None:
    folder, charter, files, _ = desk
    scope = _variant(
        folder,
        "bare-epost-2h.yaml",
        ("where: {channel: [email, phone]}\n    within: {høy", "where: {channel: [email]}\n    within: {høy"),
        ("normal: 4h", "normal: 2h"),
    )  # fmt: skip
    both = tmp_path / "both.sqlite"
    _record(charter, files, both)
    _record(scope, files, both)
    found = _diff(charter, scope, both)
    exact = _exact(charter, scope, files)
    for pid in ("first-reply", "resolution"):
        for side in ("old", "new"):
            figure = found["figures"][pid][side]
            assert figure["exact"] and figure["recorded_months"] == YEAR
            assert figure["compliance"] == exact[pid][side]
        assert found["figures"][pid]["cannot_replay"] is None
    # a history split in July: each charter's own months exact, the others estimated from them
    split = tmp_path / "split.sqlite"
    tighter = _variant(folder, "strammere.yaml", ("normal: 4h", "normal: 2h"))
    _record(charter, files[:6], split)
    _record(tighter, files[6:], split)
    found = _diff(charter, tighter, split)
    assert found["months"] == YEAR
    old, new = found["figures"]["first-reply"]["old"], found["figures"]["first-reply"]["new"]
    assert old["recorded_months"] == YEAR[:6] and old["estimated_months"] == YEAR[6:]
    assert new["recorded_months"] == YEAR[6:] and new["estimated_months"] == YEAR[:6]
    assert old["at_least"] < old["at_most"] and new["at_least"] < new["at_most"]
    # the old charter recorded half the year, the new one (another scope) all of it: the new
    # figure is exact, the old one cannot be completed from counts
    half = tmp_path / "half.sqlite"
    _record(charter, files[:6], half)
    _record(scope, files, half)
    found = _diff(charter, scope, half)
    first = found["figures"]["first-reply"]
    assert first["old"] is None and first["new"]["recorded_months"] == YEAR
    assert first["new"]["compliance"] == exact["first-reply"]["new"]
    assert first["cannot_replay"].startswith("the old charter's figure cannot be replayed")
    text = runner.invoke(app, ["diff", str(charter), str(scope), "--against", str(half)]).stdout
    line = next(x for x in text.splitlines() if x.strip().startswith("first-reply"))
    assert line.split() == ["first-reply", "–", "→", f"{exact['first-reply']['new'] * 100:.1f}%"]
    assert (
        "the old charter's figure cannot be replayed from the history: applies to channel email "
        "instead of channel email or phone; use --against with the exports"
    ) in text
    # with no run of the new charter, the old one's: a split from the new charter's side
    only_new = _diff(tighter, charter, split)["charters"]
    assert only_new["old"]["months"] == YEAR[6:] and only_new["new"]["months"] == YEAR[:6]


def test_a_history_of_other_charters_or_a_mix_with_exports_is_exit_2(
    desk: tuple[Path, Path, list[Path], Path],
) -> None:
    folder, charter, files, db = desk
    a = _variant(folder, "a.yaml", ("normal: 4h", "normal: 3h"))
    b = _variant(folder, "b.yaml", ("normal: 4h", "normal: 2h"))
    result = runner.invoke(app, ["diff", str(a), str(b), "--against", str(db)])
    assert result.exit_code == 2, result.output
    message = result.output
    assert "holds no run of" in message and "a.yaml" in message and "b.yaml" in message
    assert "Kundeservice Sørøst" in message and "(2025-01 … 2025-12)" in message
    assert charter_hash(charter)[:8] in message and charter_hash(a)[:8] in message
    assert "Traceback" not in message
    mixed = runner.invoke(
        app, ["diff", str(charter), str(b), "--against", str(db), "--against", str(files[0])]
    )
    assert mixed.exit_code == 2 and "either one history file or exports" in mixed.output
    profiled = runner.invoke(
        app, ["diff", str(charter), str(b), "--against", str(db), "--dayfirst"]
    )
    assert profiled.exit_code == 2 and "read exports" in profiled.output
    notes = folder / "notater.db"
    notes.write_text("ikke en database\n", encoding="utf-8")
    bad = runner.invoke(app, ["diff", str(charter), str(b), "--against", str(notes)])
    assert bad.exit_code == 2 and "notater.db" in bad.output and "Traceback" not in bad.output


def test_the_online_shop_example_with_escalations_and_christmas_hours(tmp_path: Path) -> None:
    """The shipped example (Norwegian holidays, Christmas Eve hours, escalation rules, a promised
    date): a looser first reply and resolution are bracketed; a changed escalation threshold
    is not replayed."""
    examples = ROOT / "charters" / "examples"
    charter, export = examples / "nordlys-nettbutikk.yaml", examples / "nordlys-tickets-2026.csv"
    text = charter.read_text(encoding="utf-8")
    changed = text.replace(
        "urgent: 30m, high: 2h, normal: 1 working day",
        "urgent: 1h, high: 2h, normal: 1 working day",
    )
    changed = changed.replace(
        "within: {urgent: 30m, high: 1h, normal: 4h, low: 8h}",
        "within: {urgent: 1h, high: 6h, normal: 8h, low: 10h}",
    )
    assert changed.count("urgent: 1h") == 2
    new = tmp_path / "nordlys-ny.yaml"
    new.write_text(changed, encoding="utf-8")
    db = tmp_path / "nordlys.sqlite"
    result = runner.invoke(app, ["audit", str(charter), str(export), "--record", str(db), "-q"])
    assert result.exit_code in (0, 1), result.output
    found, exact = _diff(charter, new, db), _exact(charter, new, [export])
    first = found["figures"]["first-reply"]["new"]
    assert first["at_least"] <= exact["first-reply"]["new"] <= first["at_most"]
    assert first["at_least"] < first["at_most"]
    escalation = found["figures"]["escalation-1"]
    assert escalation["new"] is None
    assert "elapsed time alone does not judge for escalation" in escalation["cannot_replay"]
    for pid, figures in found["figures"].items():
        if pid not in ("first-reply", "escalation-1"):
            assert figures["new"]["exact"], pid
            assert figures["new"]["compliance"] == exact[pid]["new"], pid


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(0, 30 * 86400), min_size=0, max_size=80),
    st.one_of(st.integers(0, 40 * 86400), st.sampled_from([int(e) - 1 for e in EDGES[1:40]])),
)
def test_met_between_holds_the_exact_count(values: list[int], allowed: int) -> None:
    """The least and most met instances bracket the exact count (met: elapsed ≤ allowance), and
    are equal when the allowance is the last second before a bin edge."""
    elapsed = np.array(values, dtype=np.int64)
    bins, counts = np.unique(bin_of(elapsed), return_counts=True)
    low, high = met_between(bins, counts, allowed)
    exact = int((elapsed <= allowed).sum())
    assert low <= exact <= high
    if allowed + 1 in EDGES:
        assert low == high
    inside = bin_of(np.array([allowed]))[0]
    assert high - low == int(counts[bins == inside].sum()) or allowed + 1 in EDGES
