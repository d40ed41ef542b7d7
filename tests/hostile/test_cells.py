"""One bad cell never crashes the audit nor exhausts memory (issue 13): a vendor minutes column
holding 1e8 or 1e12, an escalation level written '²' or with twenty digits (in the export or in
`--events`), Parquet integer ids with one null, Parquet binary ids that are not UTF-8."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from typer.testing import CliRunner

from charter_cli.cli import app
from charter_cli.clock import NAT
from charter_cli.tickets.read import read_tickets
from tests.conftest import ROOT
from tests.hostile.measure import peak

CHARTER = ROOT / "charters" / "examples" / "nordlys-nettbutikk.yaml"
runner = CliRunner()


def zendesk(tmp_path: Path, minutes: list[str]) -> Path:
    export = tmp_path / "zendesk.csv"
    rows = [
        f"{i},2026-10-05 09:00:00 +0200,,Mail,Normal,{m}" for i, m in enumerate(minutes, start=1)
    ]
    export.write_text(
        "Id,Created at,Solved at,Via,Priority,First reply time in minutes\n"
        + "\n".join(rows)
        + "\n",
        encoding="utf-8",
    )
    return export


def test_implausible_vendor_minutes_are_bad_cells_not_instants(tmp_path: Path) -> None:
    export = zendesk(tmp_path, ["30", "1e8", "1e12", "-1e12", "1e300", "inf", "", "x"])
    tickets = read_tickets([export], timezone="Europe/Oslo")
    first = tickets.frame["first_response_at"].to_numpy()
    created = tickets.frame["created_at"].to_numpy()
    assert first[0] == created[0] + 1800
    assert (first[1:] == NAT).all()  # 1e8 minutes is the year 2216: past the plausible years
    reasons = tickets.problems["reason"].tolist()
    assert (
        reasons.count(
            "first_response_at: First reply time in minutes is not a plausible number of minutes"
        )
        == 5
    )


def test_implausible_vendor_minutes_in_an_audit(tmp_path: Path) -> None:
    export = zendesk(tmp_path, ["30", "1e12", "1e8"])
    status, megabytes, said = peak(["audit", str(CHARTER), str(export), "--format", "json"])
    assert status in (0, 1), said
    assert megabytes < 1000  # 1e12 minutes once took the whole machine's memory


def escalating(tmp_path: Path, level: str) -> tuple[Path, Path]:
    export = tmp_path / "tickets.csv"
    export.write_text(
        "ticket_id,created_at,channel,priority,escalated_at,escalation_level\n"
        f"A,2026-10-05 09:00,email,urgent,2026-10-05 09:10,{level}\n"
        "B,2026-10-05 09:00,email,urgent,2026-10-05 09:10,2\n",
        encoding="utf-8",
    )
    events = tmp_path / "events.csv"
    events.write_text(
        "ticket_id,at,status,escalation_level\n"
        f"A,2026-10-05 09:20,open,{level}\n"
        "B,2026-10-05 09:20,open,2\n",
        encoding="utf-8",
    )
    return export, events


def test_odd_escalation_levels(tmp_path: Path) -> None:
    for level in ("²", "9" * 20, "٣", "1" * 10):
        export, events = escalating(tmp_path, level)
        for extra in ([], ["--events", str(events)]):
            result = runner.invoke(
                app, ["audit", str(CHARTER), str(export), *extra, "--format", "json"]
            )
            assert result.exit_code in (0, 1), (level, extra, result.output)
            assert result.exception is None or isinstance(result.exception, SystemExit)


def test_parquet_integer_ids_with_a_null(tmp_path: Path) -> None:
    big = 2**53
    table = pa.table(
        {
            "ticket_id": pa.array([big + 1, big + 2, None, 7], type=pa.int64()),
            "created_at": ["2026-10-05 09:00"] * 4,
        }
    )
    export = tmp_path / "ids.parquet"
    pq.write_table(table, export)
    tickets = read_tickets([export], timezone="Europe/Oslo")
    assert tickets.frame["ticket_id"].tolist() == [str(big + 1), str(big + 2), "7"]
    assert tickets.duplicates == 0 and len(tickets.skipped) == 1


def test_parquet_binary_ids_that_are_not_utf8(tmp_path: Path) -> None:
    table = pa.table(
        {
            "ticket_id": pa.array([b"A-1", b"\xff\xfe-2", b"\xc3\xa5-3"], type=pa.binary()),
            "created_at": ["2026-10-05 09:00"] * 3,
        }
    )
    export = tmp_path / "ids.parquet"
    pq.write_table(table, export)
    tickets = read_tickets([export], timezone="Europe/Oslo")
    assert tickets.frame["ticket_id"].tolist() == ["A-1", "\ufffd\ufffd-2", "å-3"]
    result = runner.invoke(app, ["audit", str(CHARTER), str(export)])
    assert result.exit_code in (0, 1), result.output
    assert np.all(tickets.frame["created_at"].to_numpy() != NAT)


def test_an_implausible_time_read_as_one_is_quoted_as_text(tmp_path: Path) -> None:
    export = tmp_path / "early.csv"
    export.write_text("ticket_id,created_at\nA,1970-01-02 00:00\nB,2026-10-05 09:00\n")
    result = runner.invoke(app, ["audit", str(CHARTER), str(export)])
    assert result.exit_code == 2
    assert "are not dates in the years 1970–2199, e.g. line 2: '1970-01-02 00:00:00'" in (
        result.stderr
    )
    assert "Timestamp(" not in result.stderr
