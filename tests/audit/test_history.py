"""Audit history: `--record`, `charter trend` and `charter review`, on twelve monthly exports of a
Norwegian desk whose replies get faster over the year with a summer dip (holidays in July), a
complaint type that grows, a chat channel no promise covers and a vendor channel the charter does
not know. Exports are `;`-separated with a BOM, as a spreadsheet writes them."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from charter_cli.cli import app
from charter_cli.history import EDGES, bin_of, bin_upper, quantile_bin, rows_of
from tests.audit.test_partitions import _count_streamed, write_desk

runner = CliRunner()
AS_OF = "2026-01-15T12:00"
CHARTER = """\
# Kundeservice for Fjordkraft Sørøst: e-post og telefon i kontortid, chat uten løfte ennå.
charter: 1
name: Kundeservice Sørøst
timezone: Europe/Oslo
calendars:
  office:
    hours:
      mon-fri: "08:00-16:00"
    holidays:
      country: "NO"
channels:
  email: {calendar: office, title: E-post, match: [e-post, mail]}
  phone: {calendar: office, title: Telefon}
  chat: {calendar: office, title: Chat}
priorities:
  - {name: høy, match: [high, høy]}
  - {name: normal, match: [normal, medium]}
promises:
  - id: first-reply
    title: Svar innen fire arbeidstimer
    measure: first_response
    where: {channel: [email, phone]}
    within: {høy: 1h, normal: 4h}   # the team's own promise
    target: 90%
  - id: resolution
    title: Løst innen tre arbeidsdager
    measure: resolution
    where: {channel: [email, phone]}
    within: 3 working days
    target: 85%
"""


def write_year(folder: Path, seed: int = 3) -> list[Path]:
    """Twelve monthly exports of 2025: each the tickets created that month, as exported after
    they were done (a few still open). Reply times shrink over the year; July is slow."""
    rng = np.random.default_rng(seed)
    files = []
    for month in range(1, 13):
        start = pd.Timestamp(2025, month, 1, tz="Europe/Oslo")
        end = start + pd.offsets.MonthBegin(1)
        n = 300 + 10 * month + (40 if month == 7 else 0)
        created = start.value // 10**9 + rng.integers(0, (end - start).total_seconds(), n)
        slow = (1.6 - month / 12) * (3.0 if month == 7 else 1.0)  # the trend and the dip
        reply = created + (rng.exponential(3 * 3600, n) * slow).astype(np.int64)
        resolved = reply + (rng.exponential(30 * 3600, n) * slow).astype(np.int64)
        still_open = rng.random(n) < 0.03
        kinds = np.where(
            rng.random(n) < 0.05 + 0.02 * month, "Klage", rng.choice(["Spørsmål", "Feil"], n)
        )

        def stamp(seconds: np.ndarray) -> np.ndarray:
            s = pd.to_datetime(seconds, unit="s", utc=True).tz_convert("Europe/Oslo")
            return np.asarray(s.strftime("%Y-%m-%dT%H:%M:%S%z"), dtype=object)

        frame = pd.DataFrame(
            {
                "ticket_id": [f"FS-{month:02d}-{k:04d}" for k in range(n)],
                "created_at": stamp(created),
                "channel": rng.choice(
                    ["e-post", "phone", "chat", "Fax (legacy)"], n, p=[0.5, 0.3, 0.15, 0.05]
                ),
                "priority": rng.choice(["high", "normal"], n, p=[0.2, 0.8]),
                "group": rng.choice(["Førstelinje", "Fakturering"], n),
                "type": kinds,
                "status": np.where(still_open, "open", "closed"),
                "first_response_at": np.where(still_open, "", stamp(reply)),
                "resolved_at": np.where(still_open, "", stamp(resolved)),
            }
        )
        path = folder / f"henvendelser-2025-{month:02d}.csv"
        path.write_bytes(b"\xef\xbb\xbf" + frame.to_csv(index=False, sep=";").encode())
        files.append(path)
    return files


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[Path]]:
    folder = tmp_path_factory.mktemp("year")
    charter = folder / "kundeservice.yaml"
    charter.write_text(CHARTER, encoding="utf-8")
    return folder, charter, write_year(folder)


def _record(charter: Path, files: list[Path], db: Path, *extra: str, as_of: str = AS_OF) -> None:
    result = runner.invoke(
        app,
        [
            "audit",
            str(charter),
            *map(str, files),
            "--as-of",
            as_of,
            "--record",
            str(db),
            "-q",
            *extra,
        ],
    )
    assert result.exit_code in (0, 1), result.output


def _json(args: list[str]) -> dict:  # type: ignore[type-arg]
    result = runner.invoke(app, args)
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_one_by_one_and_all_at_once_give_the_same_history(
    year: tuple[Path, Path, list[Path]],
) -> None:
    folder, charter, files = year
    one_by_one, at_once = folder / "one-by-one.sqlite", folder / "at-once.sqlite"
    for f in files:
        _record(charter, [f], one_by_one)
    _record(charter, files, at_once)
    a, b = rows_of(one_by_one), rows_of(at_once)
    assert a == b
    assert {r[1] for r in a["cells"]} == {f"2025-{m:02d}" for m in range(1, 13)}
    assert sum(r[-1] for r in a["elapsed"]) > 5000
    # re-recording replaces (same charter, same months): the history is unchanged, the runs go
    _record(charter, files[2:4], one_by_one)
    _record(charter, files, one_by_one)
    assert rows_of(one_by_one) == b
    with closing(sqlite3.connect(one_by_one)) as db, db:
        assert db.execute("SELECT count(*) FROM runs").fetchone() == (1,)
        assert db.execute("PRAGMA user_version").fetchone() == (1,)
        assert db.execute("SELECT count(*) FROM bins").fetchone() == (EDGES.size,)


def test_the_trend_equals_twelve_separate_audits(year: tuple[Path, Path, list[Path]]) -> None:
    folder, charter, files = year
    db = folder / "trend.sqlite"
    for f in files:
        _record(charter, [f], db)
    trend = _json(["trend", str(db), "--format", "json"])
    series = {s["promise"]: {p["month"]: p for p in s["points"]} for s in trend["series"]}
    for month, f in enumerate(files, start=1):
        audited = _json(["audit", str(charter), str(f), "--as-of", AS_OF, "--format", "json"])
        for promise in audited["promises"]:
            point = series[promise["id"]][f"2025-{month:02d}"]
            assert point["compliance"] == promise["compliance"]
            assert point["met"] == promise["met"] and point["breached"] == promise["breached"]
            for q in ("p50", "p90"):
                exact = promise["elapsed_seconds"][q]
                # the estimate is the upper edge of the bin holding the exact percentile
                assert point[f"{q}_seconds"] == int(bin_upper(bin_of(np.array([exact])))[0])
    first = [series["first-reply"][f"2025-{m:02d}"]["compliance"] for m in (6, 7, 8)]
    assert first[1] < first[0] and first[1] < first[2]  # the summer dip
    assert (
        series["first-reply"]["2025-12"]["p90_seconds"]
        < series["first-reply"]["2025-01"]["p90_seconds"]
    )
    text = runner.invoke(app, ["trend", str(db), "--promise", "first-reply"]).stdout
    assert "first-reply" in text and "▁" in text and "resolution" not in text
    markdown = runner.invoke(app, ["trend", str(db), "--by", "priority", "-f", "markdown"]).stdout
    assert "## first-reply · høy" in markdown


def test_the_html_trend_page_needs_no_network_and_marks_charter_changes(
    year: tuple[Path, Path, list[Path]],
) -> None:
    folder, charter, files = year
    db = folder / "changed.sqlite"
    _record(charter, files[:6], db)
    stricter = folder / "kundeservice-2.yaml"
    stricter.write_text(CHARTER.replace("normal: 4h", "normal: 2h"), encoding="utf-8")
    _record(stricter, files[6:], db)
    page = folder / "trend.html"
    result = runner.invoke(app, ["trend", str(db), "-o", str(page)])
    assert result.exit_code == 0, result.output
    html = page.read_text(encoding="utf-8")
    assert "http://" not in html and "https://" not in html and "<link" not in html
    assert html.count("<svg") == 4  # two charts per promise
    assert html.count('class="charter-changed" data-month="2025-07"') == 4
    months = _json(["trend", str(db), "-f", "json"])["months"]
    assert [m["month"] for m in months if m["charter_changed"]] == ["2025-07"]
    # different charters live side by side: the first charter's months stay when the second
    # records the whole year, and --charter picks one
    _record(stricter, files, db)
    with closing(sqlite3.connect(db)) as con, con:
        assert con.execute("SELECT count(DISTINCT charter_hash) FROM runs").fetchone() == (2,)
    old = _json(["trend", str(db), "-f", "json", "--charter", "Kundeservice Sørøst"])
    assert len(old["months"]) == 12


def test_the_review_allowance_is_pandas_quantile_within_one_bin(
    year: tuple[Path, Path, list[Path]],
) -> None:
    folder, charter, files = year
    db = folder / "review.sqlite"
    _record(charter, files, db)
    found = _json(["review", str(charter), "--history", str(db), "--months", "6", "-f", "json"])
    assert found["months"] == [f"2025-{m:02d}" for m in range(7, 13)]
    pairs = folder / "pairs.csv"
    result = runner.invoke(
        app, ["audit", str(charter), *map(str, files[6:]), "--as-of", AS_OF, "-q", "-o", str(pairs)]
    )
    assert result.exit_code in (0, 1), result.output
    table = pd.read_csv(pairs, dtype={"priority": str})
    stopped = table["state"].isin(["met", "breached"]) & table["stopped_at"].notna()
    checked = 0
    for promise in found["promises"]:
        for a in promise["achieved"]:
            rows = stopped & (table["promise"] == promise["id"])
            if a["priority"] is not None:
                rows &= table["priority"] == a["priority"]
            times = table.loc[rows, "elapsed_seconds"].astype(np.int64)
            exact = int(np.percentile(times, promise["target"] * 100, method="inverted_cdf"))
            # within one bin: the estimate is the upper edge of the exact quantile's bin
            assert bin_of(np.array([exact]))[0] == bin_of(np.array([a["achieved_seconds"] - 1]))[0]
            assert 0 <= a["achieved_seconds"] - exact <= 0.19 * exact + 60
            checked += 1
    assert checked == 3
    verdicts = {p["id"]: p["verdict"] for p in found["promises"]}
    assert set(verdicts.values()) <= {
        "kept",
        "missed",
        "persistently missed",
        "met with a wide margin",
    }
    uncovered = {(u["field"], u["value"]): u for u in found["uncovered"]}
    assert uncovered[("channel", "chat")]["in_charter"] is True
    assert uncovered[("channel", "Fax (legacy)")]["in_charter"] is False
    assert [g["type"] for g in found["grew"]] == ["Klage"]


def test_review_writes_a_proposal_with_its_comments_and_never_edits_in_place(
    year: tuple[Path, Path, list[Path]],
) -> None:
    folder, charter, files = year
    db = folder / "proposal.sqlite"
    before = charter.read_bytes()
    tight = folder / "tight.yaml"  # promises far looser than the team's times: a wide margin
    tight.write_text(
        CHARTER.replace("{høy: 1h, normal: 4h}", "{høy: 40h, normal: 80h}"), encoding="utf-8"
    )
    _record(tight, files, db)
    other = runner.invoke(app, ["review", str(charter), "--history", str(db)])
    assert "another version of the charter" in other.stdout
    new = folder / "proposed.yaml"
    result = runner.invoke(app, ["review", str(tight), "--history", str(db), "--write", str(new)])
    assert result.exit_code == 0, result.output
    assert "met with a wide margin" in result.stdout
    assert "~ promise first-reply: within for høy 40h →" in result.stdout
    assert "(tightened)" in result.stdout
    written = new.read_text(encoding="utf-8")
    assert "# Kundeservice for Fjordkraft Sørøst" in written and "  chat: {calendar" in written
    assert "within: {høy: 40h" not in written
    assert runner.invoke(app, ["validate", str(new)]).exit_code == 0
    assert charter.read_bytes() == before
    same = runner.invoke(app, ["review", str(tight), "--history", str(db), "--write", str(tight)])
    assert same.exit_code == 2 and "inputs" in same.output


def test_recording_is_the_same_for_partitions_and_streamed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.audit.test_partitions import CHARTER as DESK

    export, events = write_desk(tmp_path, n=1500)
    dbs = []
    for name, extra in (("one", ()), ("four", ("--partitions", "4"))):
        db = tmp_path / f"{name}.sqlite"
        _record(DESK, [export], db, "--events", str(events), *extra, as_of="2026-11-30")
        dbs.append(db)
    monkeypatch.setattr("charter_cli.streamed.BYTES_PER_BYTE", 500)
    calls = _count_streamed(monkeypatch)
    for name, extra in (("streamed", ()), ("streamed-7", ("--partitions", "7"))):
        db = tmp_path / f"{name}.sqlite"
        _record(
            DESK, [export], db, "--events", str(events), "--memory", "64MB", *extra,
            as_of="2026-11-30",
        )  # fmt: skip
        dbs.append(db)
    assert len(calls) == 2 and min(calls) > 1, calls  # streamed through temporary files
    one = rows_of(dbs[0])
    assert len(one["cells"]) > 500 and len(one["tickets"]) > 100
    trends = _trends(dbs[0])
    assert len(trends["json"]["series"]) > 10  # --by group: one series per promise and group
    for other in dbs[1:]:
        assert rows_of(other) == one, other.name
        assert _trends(other) == trends, other.name
    pytest.importorskip("distributed")  # and on a local Dask cluster
    db = tmp_path / "dask.sqlite"
    _record(
        DESK, [export], db, "--events", str(events), "--engine", "dask", "--workers", "2",
        as_of="2026-11-30",
    )  # fmt: skip
    assert rows_of(db) == one
    assert _trends(db) == trends


def _trends(db: Path) -> dict[str, Any]:
    """What `charter trend` says of a history, as JSON (by group) and as text, the file's name
    left out."""
    doc = _json(["trend", str(db), "--by", "group", "-f", "json"])
    doc.pop("history")
    text = runner.invoke(app, ["trend", str(db)])
    assert text.exit_code == 0, text.output
    return {"json": doc, "text": text.stdout.replace(db.name, "HISTORY")}


def test_bad_history_files_are_said_in_one_line(
    year: tuple[Path, Path, list[Path]], tmp_path: Path
) -> None:
    _, charter, files = year
    text = tmp_path / "notes.sqlite"
    text.write_text("not a database, just notes\n" * 100, encoding="utf-8")
    other = tmp_path / "other.sqlite"
    with closing(sqlite3.connect(other)) as con, con:
        con.execute("CREATE TABLE customers (id INTEGER)")
    newer = tmp_path / "newer.sqlite"
    _record(charter, files[:1], newer)
    with closing(sqlite3.connect(newer)) as con, con:
        con.execute("PRAGMA user_version = 9")
    for db in (text, other, newer, tmp_path / "missing.sqlite"):
        result = runner.invoke(app, ["trend", str(db)])
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output and db.name in result.output
    same = runner.invoke(app, ["audit", str(charter), str(files[0]), "--record", str(files[0])])
    assert same.exit_code == 2 and "--record" in same.output
    assert runner.invoke(app, ["trend", str(newer), "--by", "assignee"]).exit_code == 2


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(0, 40 * 86400), min_size=1, max_size=60),
    st.sampled_from([0.5, 0.9, 0.95, 0.995, 1.0]),
)
def test_the_quantile_bin_holds_numpys_nearest_rank(values: list[int], q: float) -> None:
    elapsed = np.array(values, dtype=np.int64)
    bins, counts = np.unique(bin_of(elapsed), return_counts=True)
    exact = int(np.percentile(elapsed, q * 100, method="inverted_cdf"))
    assert quantile_bin(bins, counts, q) == bin_of(np.array([exact]))[0]
    assert np.all(np.diff(EDGES) > 0) and EDGES[1] == 60


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.integers(-(10**9), 4 * 10**9), min_size=1, max_size=40),
    st.sampled_from(
        [
            "Europe/Oslo",
            "America/Sao_Paulo",
            "America/Havana",
            "Asia/Beirut",
            "Australia/Lord_Howe",
            "Pacific/Chatham",
            "UTC",
        ]
    ),
)
def test_months_are_the_audits_months(seconds: list[int], zone: str) -> None:
    """The history's months (a search among month starts) are the month breakdown's (every
    instant converted), on zones whose clocks change at midnight too."""
    from charter_cli.history import months
    from charter_cli.summary import month_of

    instants = np.array(seconds, dtype=np.int64)
    fast, slow = months(instants, zone), month_of(instants, zone)
    assert list(np.asarray(fast.astype(str))) == list(np.asarray(slow.astype(str)))


def test_months_match_every_quarter_hour_for_forty_years() -> None:
    from charter_cli.history import months
    from charter_cli.summary import month_of

    instants = np.arange(631152000, 1893456000, 900, dtype=np.int64)  # 1990 to 2030
    for zone in ("Europe/Oslo", "America/Sao_Paulo", "Asia/Beirut", "America/Havana"):
        fast, slow = months(instants, zone), month_of(instants, zone)
        assert np.array_equal(np.asarray(fast.codes), np.asarray(slow.codes)), zone


def test_a_review_straight_from_exports_is_the_review_of_their_history(
    year: tuple[Path, Path, list[Path]],
) -> None:
    folder, charter, files = year
    db = folder / "straight.sqlite"
    _record(charter, files, db)
    recorded = _json(["review", str(charter), "--history", str(db), "-f", "json"])
    straight = _json(["review", str(charter), *map(str, files), "--as-of", AS_OF, "-f", "json"])
    assert straight == recorded
    both = runner.invoke(app, ["review", str(charter), str(files[0]), "--history", str(db)])
    assert both.exit_code == 2 and "either" in both.output
    assert runner.invoke(app, ["trend", str(db), "--since", "März"]).exit_code == 2
    assert len(_json(["trend", str(db), "--since", "2025-10-15", "-f", "json"])["months"]) == 3


def test_the_schema_is_documented_and_every_version_migrates(
    year: tuple[Path, Path, list[Path]], tmp_path: Path
) -> None:
    from charter_cli.history import MIGRATIONS, SCHEMA_VERSION
    from tests.conftest import ROOT

    assert set(MIGRATIONS) == set(range(SCHEMA_VERSION))
    _, charter, files = year
    empty = tmp_path / "empty.sqlite"
    sqlite3.connect(empty).close()  # an empty SQLite file: version 0, brought forward
    _record(charter, files[:1], empty)
    page = (ROOT / "docs" / "history.md").read_text(encoding="utf-8")
    with closing(sqlite3.connect(empty)) as db, db:
        tables = [
            r[0]
            for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if r[0] != "sqlite_sequence"
        ]
        for table in tables:
            assert f"| `{table}` |" in page, table
            for column in db.execute(f"PRAGMA table_info({table})"):
                assert f"`{column[1]}`" in page or f'`"{column[1]}"`' in page, (table, column[1])
