"""Instants far from the rest of the data: the rule, the notes the audit gives, and an export
with tickets 150 years apart audited in bounded memory (issue 14)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from charter_cli.cli import app
from charter_cli.clock import DAY, NAT
from charter_cli.frames import TEXT
from charter_cli.outliers import YEAR, Sample, bulk, strays
from tests.conftest import ROOT
from tests.hostile.measure import peak

CHARTER = ROOT / "charters" / "examples" / "nordlys-nettbutikk.yaml"
runner = CliRunner()


def at(text: str) -> int:
    return int(np.datetime64(text, "s").astype(np.int64))


def test_too_few_instants_have_no_bulk() -> None:
    assert bulk([np.array([at("2026-10-05"), NAT, at("2126-10-05")])]) is None
    assert bulk([]) is None


def test_one_stray_among_three() -> None:
    values = np.array([at("2026-10-05T09:00"), at("2026-10-05T11:00"), at("2199-01-01")])
    found = bulk([values])
    assert found is not None
    assert found.far(values).tolist() == [False, False, True]
    assert (found.first, found.last) == (at("2026-10-05T09:00"), at("2026-10-05T11:00"))
    assert found.high - found.low == 2 * YEAR  # the middle one, widened by a year either side


def test_a_year_of_tickets_with_strays_either_side() -> None:
    rng = np.random.default_rng(14)
    created = rng.integers(at("2026-01-01"), at("2027-01-01"), 100_000)
    resolved = np.where(rng.random(created.size) < 0.3, NAT, created + rng.integers(0, 9 * DAY))
    created[[10, 20]] = at("2126-03-01"), at("1970-01-02")
    found = bulk([created, resolved])
    assert found is not None
    assert np.flatnonzero(found.far(created)).tolist() == [10, 20]
    assert not found.far(resolved).any()
    assert found.low < at("2025-06-01") and found.high > at("2027-06-01")  # legit tails are not


def test_more_than_a_tenth_of_a_percent_is_the_data() -> None:
    rng = np.random.default_rng(15)
    created = rng.integers(at("2026-01-01"), at("2027-01-01"), 10_000)
    created[:50] = at("2126-03-01")  # 0.5 %: a second cluster, not strays
    found = bulk([created])
    assert found is not None and not found.far(created).any()


def test_a_decade_of_history_is_not_far() -> None:
    created = np.linspace(at("2016-01-01"), at("2026-12-31"), 5000).astype(np.int64)
    later = np.array([at("2036-06-01"), at("2062-01-01")])
    found = bulk([created, later])
    assert found is not None and not found.far(created).any()
    assert found.far(later).tolist() == [False, True]


def export(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "far.csv"
    path.write_text(
        "ticket_id,created_at,channel,priority,status,first_response_at,resolved_at\n"
        + "\n".join(rows)
        + "\n",
        encoding="utf-8",
    )
    return path


TWO_ROWS = [
    "4710,2026-10-05 09:00,e-post,normal,closed,2026-10-05 11:30,2026-10-05 14:00",
    "4711,2176-10-05 10:00,e-post,normal,open,,",
]


def test_the_note_names_field_count_ticket_and_the_moved_as_of(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["audit", str(CHARTER), str(export(tmp_path, TWO_ROWS)), "-f", "json"]
    )
    assert result.exit_code in (0, 1), result.output
    doc = json.loads(result.stdout)
    assert doc["as_of"] == "2176-10-05T08:00:00Z"
    assert (
        "1 created_at in 2176, far from the rest (2026-10 … 2026-10): ticket 4711 "
        "(2176-10-05 10:00); it is the latest instant, so it moved the default as-of there "
        "(give --as-of to choose one)"
    ) in doc["data_quality"]["notes"]


@pytest.mark.parametrize("piece", [8, 1 << 20])
def test_with_as_of_given_the_note_stays_and_says_nothing_of_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, piece: int
) -> None:
    """(The columns looked at a slice at a time, of 8 instants, the strays in two, or all at once:
    the same note.)"""
    import charter_cli.outliers

    monkeypatch.setattr(charter_cli.outliers, "SLICE", piece)
    rows = [
        f"{4000 + i},2026-10-{1 + i % 28:02d} 09:00,e-post,normal,closed,"
        f"2026-10-{1 + i % 28:02d} 09:30,2026-10-{1 + i % 28:02d} 12:00"
        for i in range(400)
    ]
    rows[7] = rows[7][: -len("2026-10-08 12:00")] + "1970-01-02 10:00"
    rows[9] = rows[9][: -len("2026-10-10 12:00")] + "2126-01-03 10:00"
    path = export(tmp_path, rows)
    result = runner.invoke(
        app, ["audit", str(CHARTER), str(path), "-f", "json", "--as-of", "2026-11-01"]
    )
    doc = json.loads(result.stdout)
    assert doc["as_of"] == "2026-10-31T23:00:00Z"
    far = [n for n in doc["data_quality"]["notes"] if "far from the rest" in n]
    assert far == [
        "2 resolved_at in 1970–2126, far from the rest (2026-10 … 2026-10): e.g. ticket 4007 "
        "(1970-01-02 10:00)"
    ]


def test_tickets_150_years_apart_audit_in_bounded_memory(tmp_path: Path) -> None:
    """Issue 14: the clock's minute tables once grew with the span (2.6 GB for a year typed
    2126); a clock over 150 years now answers the stray instant without them. The time goes in
    benchmarks/bench_far.py; here the peak memory, against the same audit with both tickets in
    2026."""
    near_rows = [TWO_ROWS[0], TWO_ROWS[1].replace("2176", "2026")]
    near = export(tmp_path, near_rows).rename(tmp_path / "near.csv")
    status, near_mb, said = peak(["audit", str(CHARTER), str(near), "-q"])
    assert status == 0, said
    status, far_mb, said = peak(["audit", str(CHARTER), str(export(tmp_path, TWO_ROWS)), "-q"])
    assert status == 0, said
    assert far_mb - near_mb < 100, (near_mb, far_mb)
    assert far_mb < 300


@pytest.mark.parametrize("year", ["1971", "2199"])
def test_as_far_as_an_export_can_reach(tmp_path: Path, year: str) -> None:
    rows = [TWO_ROWS[0], TWO_ROWS[1].replace("2176", year)]
    status, megabytes, said = peak(["audit", str(CHARTER), str(export(tmp_path, rows)), "-q"])
    assert status in (0, 1), said
    assert megabytes < 300


def test_a_stray_ticket_changes_no_answer_of_the_clock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The example export and one ticket of 2126 (as-of moves there, so every open ticket runs
    for a century): the audit with minute tables for the bulk is the audit without any."""
    from charter_cli import clock

    export = ROOT / "charters" / "examples" / "nordlys-tickets-2026.csv"
    stray = tmp_path / "stray.csv"
    stray.write_text(
        export.read_text(encoding="utf-8")
        + "NL-9999,2126-10-05 09:00,E-mail,normal,open,Kundeservice,Åse Bråten,question,"
        + "Hvor er pakken?,,,,,,,,\n",
        encoding="utf-8",
    )

    def outputs(name: str) -> tuple[str, str]:
        out_json, out_csv = tmp_path / f"{name}.json", tmp_path / f"{name}.csv"
        args = ["audit", str(CHARTER), str(stray), "-q", "-o", str(out_json), "-o", str(out_csv)]
        result = runner.invoke(app, args)
        assert result.exit_code in (0, 1), result.output
        return out_json.read_text(encoding="utf-8"), out_csv.read_text(encoding="utf-8")

    tabled = outputs("tabled")
    assert "ticket NL-9999 (2126-10-05 09:00)" in tabled[0]
    monkeypatch.setattr(clock, "TABLE_SPAN", -1)  # no tables anywhere: searchsorted alone
    assert outputs("plain") == tabled


@settings(max_examples=40, deadline=None)
@given(
    st.integers(0, 2**31),
    st.integers(1, 300_000),
    st.lists(st.integers(0, 100), min_size=1, max_size=6),
)
def test_a_sample_split_in_any_partitions_is_the_sample_of_the_whole(
    seed: int, n: int, cuts: list[int]
) -> None:
    """The bulk of a streamed audit is worked out from samples of each partition: sampled by
    the value's hash, they thin out into exactly the sample of the whole column."""
    rng = np.random.default_rng(seed)
    values = rng.integers(at("2026-01-01"), at("2027-01-01"), n)
    values[rng.random(n) < 0.2] = NAT
    values[: min(n, 3)] = at("2126-03-01")
    whole = Sample.of([("created_at", values)])
    parts = np.split(rng.permutation(values), sorted({c * n // 100 for c in cuts}))
    merged = Sample()
    for part in parts:
        merged.add(Sample.of([("created_at", part)]))
    size, extent, picked = merged.columns["created_at"]
    assert (size, extent) == whole.columns["created_at"][:2]
    assert np.array_equal(np.sort(picked), np.sort(whole.columns["created_at"][2]))
    assert merged.bounds() == whole.bounds()


@settings(max_examples=60, deadline=None)
@given(
    st.integers(0, 2**31),
    st.integers(0, 2_000),
    st.sampled_from(["none", "low", "high", "both", "all missing"]),
)
def test_a_column_within_the_bulk_is_not_looked_at_again(seed: int, n: int, where: str) -> None:
    """The strays found with each column's extent known (a column within the bounds is
    skipped) are those found by looking at every value."""
    rng = np.random.default_rng(seed)
    created = rng.integers(at("2026-01-01"), at("2027-01-01"), n)
    resolved = np.where(rng.random(n) < 0.3, NAT, created + rng.integers(0, 30 * DAY, n))
    if where in ("low", "both") and n:
        resolved[rng.integers(0, n)] = at("1970-01-01")
    if where in ("high", "both") and n:
        resolved[rng.integers(0, n)] = at("2126-05-17")
    if where == "all missing":
        resolved[:] = NAT
    ids = pd.Series([f"SAK-{i}-ø" for i in range(n)], dtype=TEXT)
    columns = {"created_at": created, "resolved_at": resolved}
    sample = Sample.of(columns.items())
    bounds = sample.bounds() or (at("2025-01-01"), at("2028-01-01"))
    # in slices, as far_notes looks at them
    named = [
        (name, values[i : i + 300], ids.iloc[i : i + 300])
        for name, values in columns.items()
        for i in range(0, max(n, 1), 300)
    ]
    ranges = {name: extent for name, (_, extent, _) in sample.columns.items()}
    assert strays(named, bounds, ranges) == strays(named, bounds)
