"""The audit as a reduction over partitions: 1, 4 or 16 partitions in this process, or a local
Dask cluster of two workers, give byte-identical reports (JSON, CSV, Markdown, HTML, JUnit and the
terminal text) on an export shaped like a real one: free text with commas, quotes, newlines and
emoji, timestamps with offsets, repeated rows, unreadable cells, unknown channels, tickets that
no promise covers, and a status and group history beside it (pauses and escalations)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from charter_cli.cli import app
from charter_cli.outcome import Counted
from charter_cli.summary import NO_MATCH, _notes
from tests.conftest import ROOT

CHARTER = ROOT / "charters" / "examples" / "it-helpdesk.yaml"
runner = CliRunner()
SUBJECTS = np.array(
    [
        'Drukarka w magazynie "Łódź-2" nie drukuje, pilne',
        "VPN: nie mogę się połączyć 😩",
        "Skaner ręczny\nnie skanuje kodów, źle",
        "Zażółć gęślą jaźń; hasło wygasło",
        "=SUM(A1:A9) w raporcie, błąd",
        "Åse Bråten: tilgang til SAP, takk",
        "  ",
    ]
)
CHANNELS = np.array(["E-mail", "phone", "self-service", "web", "fax", "Teams"])
PRIORITIES = np.array(["1 - Critical", "2 - High", "3 - Moderate", "4 - Low", "5 - Planning", ""])
GROUPS = np.array(
    ["Service Desk", "Network", "Warehouse Systems", "Workplace", "Major Incident Team"]
)
STATUSES = np.array(["open", "pending", "on-hold", "open", "solved"])


def _stamp(seconds: np.ndarray, offset_hours: np.ndarray) -> np.ndarray:
    """ISO 8601 with the offset the row's office wrote (`+01:00`, `+02:00` or `Z`)."""
    local = (seconds + offset_hours * 3600).astype("datetime64[s]")
    text = np.datetime_as_string(local, unit="s").astype(object)
    suffix = np.where(offset_hours == 0, "Z", np.char.add("+0", offset_hours.astype(str)))
    return text + np.char.add(suffix.astype(str), np.where(offset_hours == 0, "", ":00"))


def write_desk(folder: Path, n: int = 2400, seed: int = 7) -> tuple[Path, Path]:
    rng = np.random.default_rng(seed)
    start = np.datetime64("2026-03-01T00:00:00", "s").astype(np.int64)
    created = start + rng.integers(0, 240 * 86400, n)  # over both DST changes
    offset = rng.choice([0, 1, 2], n)
    ack = created + rng.integers(0, 120, n)
    reply = created + rng.exponential(3 * 3600, n).astype(np.int64)
    resolved = reply + rng.exponential(40 * 3600, n).astype(np.int64)
    closed = resolved + rng.integers(600, 6 * 86400, n)
    still_open = rng.random(n) < 0.15
    ids = np.char.add("INC", (100000 + np.arange(n)).astype(str))

    def text(values: np.ndarray, missing: np.ndarray) -> np.ndarray:
        out = _stamp(values, offset)
        out[missing] = ""
        return out

    frame = pd.DataFrame(
        {
            "ticket_id": ids,
            "created_at": text(created, np.zeros(n, dtype=bool)),
            "channel": CHANNELS[rng.integers(0, len(CHANNELS), n)],
            "priority": PRIORITIES[rng.integers(0, len(PRIORITIES), n)],
            "status": np.where(still_open, "open", "closed"),
            "group": GROUPS[rng.integers(0, len(GROUPS), n)],
            "assignee": np.array(["Łukasz Żółć", "Ewa Kęska", "Jörg Åström", ""])[
                rng.integers(0, 4, n)
            ],
            "subject": SUBJECTS[rng.integers(0, len(SUBJECTS), n)],
            "acknowledged_at": text(ack, rng.random(n) < 0.05),
            "first_response_at": text(reply, still_open & (rng.random(n) < 0.5)),
            "resolved_at": text(resolved, still_open),
            "closed_at": text(closed, still_open),
        }
    )
    frame.loc[rng.random(n) < 0.01, "first_response_at"] = "wczoraj"  # unreadable cells
    # the same ticket exported twice (a later state wins), and rows without a creation time
    again = frame.sample(40, random_state=seed).assign(status="closed")
    broken = frame.sample(5, random_state=seed + 1).assign(created_at="")
    export = folder / "incidents.csv"
    pd.concat([frame, again, broken]).to_csv(export, index=False)
    # three events per ticket: statuses with the group holding the ticket
    step = rng.exponential(6 * 3600, (n, 3)).astype(np.int64).cumsum(axis=1)
    events = pd.DataFrame(
        {
            "ticket_id": np.repeat(ids, 3),
            "at": _stamp((created[:, None] + step).ravel(), np.repeat(offset, 3)),
            "status": STATUSES[rng.integers(0, len(STATUSES), 3 * n)],
            "group": GROUPS[rng.integers(0, len(GROUPS), 3 * n)],
        }
    ).sample(frac=1.0, random_state=seed)  # an event log is not in ticket order
    history = folder / "history.csv"
    events.to_csv(history, index=False)
    return export, history


def _audit(folder: Path, export: Path, history: Path, name: str, *extra: str) -> dict[str, bytes]:
    out = folder / name
    out.mkdir()
    files = [out / f"report.{s}" for s in ("json", "csv", "md", "html", "xml")]
    result = runner.invoke(
        app,
        [
            "audit", str(CHARTER), str(export), "--events", str(history),
            "--by", "channel,priority,group,assignee,month,calendar",
            "--top", "25", "-q", *(a for f in files for a in ("-o", str(f))), *extra,
        ],
    )  # fmt: skip
    assert result.exit_code in (0, 1), result.output
    text = runner.invoke(
        app,
        [
            "audit", str(CHARTER), str(export), "--events", str(history),
            "--by", "channel,group", *extra,
        ],
    )  # fmt: skip
    return {f.suffix: f.read_bytes() for f in files} | {"text": text.stdout.encode()}


def test_any_number_of_partitions_gives_the_same_reports(tmp_path: Path) -> None:
    export, history = write_desk(tmp_path)
    one = _audit(tmp_path, export, history, "one")
    assert b"second-line" in one[".json"] and b'"running"' in one[".json"]
    assert one[".csv"].count(b"\n") > 5000  # every (ticket, promise) pair
    for count in ("4", "16"):
        many = _audit(tmp_path, export, history, count, "--partitions", count)
        for kind, content in one.items():
            assert many[kind] == content, f"{kind} differs with {count} partitions"


def test_a_local_dask_cluster_gives_the_same_reports(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    export, history = write_desk(tmp_path, n=600)
    one = _audit(tmp_path, export, history, "one")
    dask = _audit(tmp_path, export, history, "dask", "--engine", "dask", "--workers", "2")
    for kind, content in one.items():
        assert dask[kind] == content, f"{kind} differs on Dask"


def test_scheduler_options_need_the_dask_engine(tmp_path: Path) -> None:
    export, _ = write_desk(tmp_path, n=50)
    result = runner.invoke(app, ["audit", str(CHARTER), str(export), "--workers", "2"])
    assert result.exit_code == 2 and "--engine dask" in result.stderr


def test_notes_of_partitions_keep_their_order_and_add_up_counts() -> None:
    def late(n: int) -> Counted:
        return Counted("{n} ticket late", "{n} tickets late", n)

    assert _notes([["b"], ["a", "b"], [late(1), "c"], [late(2)]]) == [
        "a",
        "b",
        "c",
        "3 tickets late",
    ]
    assert _notes([[late(1)]]) == ["1 ticket late"]
    assert _notes([[NO_MATCH], []]) == [NO_MATCH]
