"""The realistic conversation fixture (tests/data/exports/conversations, written by
tests/data/make_conversations.py): a few hundred tickets with back-and-forth messages, internal
notes, bot replies, pending waits, reopens, the night the clocks go forward and Easter inside
some waits. Its first-response figures are computed here with pandas from the definition
(the first public agent message; the export's column only for a ticket without messages), by a
minute grid of the office hours, independently of the tool's clock."""

from __future__ import annotations

import importlib.util
import io
import json
from itertools import pairwise
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from charter_cli.cli import app
from tests.audit.test_partitions import _count_streamed
from tests.conftest import DATA

runner = CliRunner()
FOLDER = DATA / "exports" / "conversations"
CHARTER = DATA / "charters" / "audit" / "conversations.yaml"
MAKER = DATA / "make_conversations.py"
OSLO = "Europe/Oslo"
AS_OF = pd.Timestamp("2026-04-10 12:00", tz=OSLO)
PROMISES = {"first-reply": (4 * 3600, True), "first-reply-24-7": (24 * 3600, False)}


def _expected() -> pd.DataFrame:
    """ticket_id, promise, state, elapsed_seconds from the definition, per (ticket, promise)."""
    t = pd.read_csv(FOLDER / "tickets.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    e = pd.read_csv(FOLDER / "events.csv", dtype=str, keep_default_na=False)
    created = pd.to_datetime(t["created_at"]).dt.tz_localize(OSLO).dt.tz_convert("UTC")
    messages = e.loc[e["author"] != ""].copy()
    messages["at"] = pd.to_datetime(messages["at"], utc=True)
    public = ~messages["public"].str.lower().isin(["false", "no", "0"])
    answers = messages.loc[(messages["author"] == "agent") & public]
    first = answers.groupby("ticket_id")["at"].min()
    with_messages = t["ticket_id"].isin(messages["ticket_id"])
    column = pd.to_datetime(t["first_response_at"].replace("", None))
    column = column.dt.tz_localize(OSLO).dt.tz_convert("UTC")
    stop = pd.Series(t["ticket_id"].map(first).to_numpy(), index=t.index)
    stop = stop.where(with_messages, column)
    closed = (t["resolved_at"] != "") | (t["closed_at"] != "")
    as_of = AS_OF.tz_convert("UTC")
    until = stop.fillna(as_of)
    # office minutes: a grid of every minute from the first creation to as-of, in Oslo time
    grid = pd.date_range(created.min(), as_of, freq="min")
    local = grid.tz_convert(OSLO)
    open_minute = (local.day_of_week < 5) & (local.hour >= 8) & (local.hour < 16)
    before = np.concatenate(([0], np.cumsum(open_minute)))  # open minutes before each minute

    def at(instants: pd.Series) -> np.ndarray:
        return before[((instants - grid[0]) // pd.Timedelta(minutes=1)).to_numpy(dtype=np.int64)]

    out = []
    for promise, (allowed, office) in PROMISES.items():
        if office:
            elapsed = (at(until) - at(created)) * 60
        else:
            elapsed = ((until - created) // pd.Timedelta(seconds=1)).to_numpy(dtype=np.int64)
        stopped = stop.notna().to_numpy()
        late = elapsed > allowed
        state = np.where(
            stopped,
            np.where(late, "breached", "met"),
            np.where(closed, "unmeasurable", np.where(late, "breached", "running")),
        )
        out.append(
            pd.DataFrame(
                {
                    "ticket_id": t["ticket_id"],
                    "promise": promise,
                    "state": state,
                    "elapsed_seconds": np.where(state == "unmeasurable", "", elapsed.astype(str)),
                }
            )
        )
    return pd.concat(out, ignore_index=True)


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, dict]:
    folder: Path = tmp_path_factory.mktemp("conversations")
    out = folder / "pairs.csv"
    args = [
        "audit",
        str(CHARTER),
        str(FOLDER / "tickets.csv"),
        "--events",
        str(FOLDER / "events.csv"),
        "--as-of",
        AS_OF.isoformat(),
    ]
    result = runner.invoke(app, [*args, "-q", "-o", str(out)])
    assert result.exit_code in (0, 1), result.output
    rows = pd.read_csv(
        io.StringIO(out.read_text(encoding="utf-8")), dtype=str, keep_default_na=False
    )
    summary = json.loads(runner.invoke(app, [*args, "-f", "json"]).stdout)
    return rows, summary


def test_the_fixture_is_what_it_says() -> None:
    t = pd.read_csv(FOLDER / "tickets.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    e = pd.read_csv(FOLDER / "events.csv", dtype=str, keep_default_na=False)
    assert 250 <= len(t) <= 400
    assert set(e["author"]) == {"", "agent", "customer", "system"}
    notes = (e["author"] == "agent") & e["public"].isin(["false", "no", "0"])
    assert notes.sum() > 30
    by_ticket = e.loc[e["status"] != ""].groupby("ticket_id")["status"].agg(list)
    reopened = by_ticket.map(lambda s: any(a == "solved" and b == "open" for a, b in pairwise(s)))
    assert reopened.sum() >= 5
    assert (e["status"] == "pending").sum() > 50
    assert (e["group"] == "Andrelinje").sum() > 10
    at = pd.to_datetime(e["at"], utc=True).dt.tz_convert(OSLO)
    assert ((at.dt.month == 3) & (at.dt.day == 29)).any()  # the clocks go forward
    easter = at.dt.strftime("%m-%d").isin(["04-02", "04-03", "04-06"])
    assert easter.any()
    text = (FOLDER / "events.csv").read_text(encoding="utf-8")
    assert all(c in text for c in ('""', ";", "æ", "ø", "å", "ę"))
    assert any("\n" in body for body in e["body"])
    # phone tickets without any message: the export's column is the first response
    assert (~t["ticket_id"].isin(e["ticket_id"]) & (t["first_response_at"] != "")).sum() >= 10


def test_first_response_figures_match_pandas(audited: tuple[pd.DataFrame, dict]) -> None:
    rows, summary = audited
    got = rows[["ticket_id", "promise", "state", "elapsed_seconds"]]
    want = _expected()
    merged = want.merge(got, on=["ticket_id", "promise"], how="outer", suffixes=("", "_tool"))
    assert len(merged) == len(want) == len(got)
    wrong = merged.loc[
        (merged["state"] != merged["state_tool"])
        | (merged["elapsed_seconds"] != merged["elapsed_seconds_tool"])
    ]
    assert wrong.empty, wrong.head(10).to_string()
    for promise in PROMISES:
        counts = want.loc[want["promise"] == promise, "state"].value_counts()
        said = next(p for p in summary["promises"] if p["id"] == promise)
        for state in ("met", "breached", "running", "unmeasurable"):
            assert said[state] == counts.get(state, 0), (promise, state)
    # every state occurs, or the test would not test much
    assert set(want["state"]) == {"met", "breached", "running", "unmeasurable"}


def test_the_report_names_the_messages_as_the_source(audited: tuple[pd.DataFrame, dict]) -> None:
    _, summary = audited
    said = json.dumps(summary["promises"][0]["fields"])
    assert "events.csv: the first public agent message" in said


def test_the_fixture_is_what_its_generator_writes(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("make_conversations", MAKER)
    assert spec is not None and spec.loader is not None
    maker = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(maker)
    maker.OUT = tmp_path
    maker.main()
    for name in ("tickets.csv", "events.csv"):
        assert (tmp_path / name).read_bytes() == (FOLDER / name).read_bytes(), name


def test_partitions_and_streaming_give_the_same_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Messages travel with their ticket into every partition, spilled or not."""
    args = [
        "audit",
        str(CHARTER),
        str(FOLDER / "tickets.csv"),
        "--events",
        str(FOLDER / "events.csv"),
        "--as-of",
        AS_OF.isoformat(),
        "-q",
    ]

    def reports(name: str, *extra: str) -> dict[str, bytes]:
        outs = [tmp_path / f"{name}.{kind}" for kind in ("json", "csv")]
        result = runner.invoke(app, [*args, *extra, *(f"-o{p}" for p in outs)])
        assert result.exit_code in (0, 1), result.output
        return {p.suffix: p.read_bytes() for p in outs}

    one = reports("one")
    assert reports("five", "--partitions", "5") == one
    monkeypatch.setattr("charter_cli.streamed.BYTES_PER_BYTE", 20000)  # larger than the budget
    calls = _count_streamed(monkeypatch)
    assert reports("streamed", "--memory", "64MB") == one
    assert len(calls) == 1 and calls[0] > 1  # streamed, in partitions of its own choosing
