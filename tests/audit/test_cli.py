"""The command-line contract of `charter audit` (DESIGN.md §2, §6)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from charter_cli.cli import app
from charter_cli.summary import CSV_COLUMNS
from tests.conftest import ROOT

CHARTER = ROOT / "charters" / "examples" / "nordlys-nettbutikk.yaml"
EXPORT = ROOT / "charters" / "examples" / "nordlys-tickets-2026.csv"
runner = CliRunner()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_outputs_by_suffix_and_inputs_untouched(tmp_path: Path) -> None:
    before = (digest(CHARTER), digest(EXPORT))
    out_json, out_csv = tmp_path / "report.json", tmp_path / "pairs.csv"
    result = runner.invoke(
        app, ["audit", str(CHARTER), str(EXPORT), "-q", "-o", str(out_json), "-o", str(out_csv)]
    )
    assert result.exit_code == 1
    assert result.stdout == ""
    doc = json.loads(out_json.read_text())
    assert doc["schema_version"] == 1 and doc["charter"]["name"] == "Nordlys Kundeservice"
    header = out_csv.read_text().splitlines()[0]
    assert header.split(",") == CSV_COLUMNS
    assert (digest(CHARTER), digest(EXPORT)) == before
    assert not list(tmp_path.glob(".*.tmp"))  # written atomically, nothing left behind


def test_fail_under_overrides_every_target() -> None:
    result = runner.invoke(
        app, ["audit", str(CHARTER), str(EXPORT), "--fail-under", "30", "-f", "json"]
    )
    assert result.exit_code == 0
    assert all(p["target"] == 0.30 for p in json.loads(result.stdout)["promises"])


def test_since_and_until_select_created_at() -> None:
    result = runner.invoke(
        app,
        [
            "audit",
            str(CHARTER),
            str(EXPORT),
            "--since",
            "2026-12-01",
            "--until",
            "2027-01-01",
            "-f",
            "json",
        ],
    )
    doc = json.loads(result.stdout)
    assert doc["input"]["audited"] == 5  # NL-1032 … NL-1036
    assert doc["period"] == {"since": "2026-11-30T23:00:00Z", "until": "2026-12-31T23:00:00Z"}


def test_as_of_ignores_later_facts() -> None:
    result = runner.invoke(
        app, ["audit", str(CHARTER), str(EXPORT), "--as-of", "2026-10-05T12:00", "-f", "csv"]
    )
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    first = {(r["ticket_id"], r["promise"]): r for r in rows}
    # NL-1002 (created 10:00) was replied at 15:00: as of 12:00 the reply has not happened
    assert first[("NL-1002", "first-reply")]["state"] == "running"
    assert first[("NL-1002", "first-reply")]["stopped_at"] == ""
    assert {r["ticket_id"] for r in rows} == {"NL-1001", "NL-1002"}


def test_breakdowns_by_channel_and_month() -> None:
    result = runner.invoke(
        app, ["audit", str(CHARTER), str(EXPORT), "--by", "channel,month", "-f", "json"]
    )
    doc = json.loads(result.stdout)
    by_month = {(r["promise"], r["month"]): r for r in doc["breakdowns"]["month"]}
    assert by_month[("auto-ack", "2026-12")]["met"] == 4
    channels = {r["channel"] for r in doc["breakdowns"]["channel"] if r["promise"] == "first-reply"}
    assert channels == {
        "email",
        "phone",
        "chat",
        "social",
        "fax",
    }  # E-mail is email; fax is unknown


def test_unknown_breakdown_is_a_usage_error() -> None:
    result = runner.invoke(app, ["audit", str(CHARTER), str(EXPORT), "--by", "weather"])
    assert result.exit_code == 2 and "--by weather" in result.stderr


def test_output_over_an_input_is_refused(tmp_path: Path) -> None:
    copy = tmp_path / "tickets.csv"
    copy.write_bytes(EXPORT.read_bytes())
    before = digest(copy)
    result = runner.invoke(
        app, ["audit", str(CHARTER), str(copy), "-o", str(tmp_path / "." / "tickets.csv")]
    )
    assert result.exit_code == 2 and "one of the inputs" in result.stderr
    assert digest(copy) == before


def test_output_to_a_directory_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "out.json"
    folder.mkdir()
    result = runner.invoke(app, ["audit", str(CHARTER), str(EXPORT), "-o", str(folder)])
    assert result.exit_code == 2 and "is a directory" in result.stderr


def test_invalid_charter_is_exit_2_for_audit() -> None:
    bad = ROOT / "tests" / "data" / "charters" / "invalid" / "unknown-calendar.yaml"
    result = runner.invoke(app, ["audit", str(bad), str(EXPORT)])
    assert result.exit_code == 2
    assert "unknown-calendar" in result.stderr and "Traceback" not in result.output


def test_missing_export_is_exit_2() -> None:
    result = runner.invoke(app, ["audit", str(CHARTER), "nope.csv"])
    assert result.exit_code == 2 and result.stderr.startswith("error: nope.csv: no such file")


def test_csv_neutralises_formulas(tmp_path: Path) -> None:
    export = tmp_path / "evil.csv"
    export.write_text(
        "ticket_id,created_at,channel,priority,group,assignee,first_response_at\n"
        '=HYPERLINK("http://evil"),2026-10-05 09:00,email,normal,@SUM(A1),+cmd|calc,2026-10-05 10:00\n'
        "-5,2026-10-05 09:00,email,normal,Kundeservice,Åse,2026-10-05 10:00\n"
    )
    result = runner.invoke(app, ["audit", str(CHARTER), str(export), "-f", "csv"])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    first = next(r for r in rows if r["promise"] == "first-reply" and "HYPERLINK" in r["ticket_id"])
    assert (
        first["ticket_id"].startswith("'=")
        and first["group"] == "'@SUM(A1)"
        and first["assignee"] == "'+cmd|calc"
    )
    assert any(r["ticket_id"] == "'-5" for r in rows)


def test_debug_shows_the_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    from charter_cli import cli

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("kaboom")

    monkeypatch.setattr("charter_cli.partition.run", boom)
    result = runner.invoke(app, ["audit", str(CHARTER), str(EXPORT)])
    assert result.exit_code == 3 and "internal error: RuntimeError: kaboom" in result.stderr
    assert "Traceback" not in result.output
    result = runner.invoke(app, ["--debug", "audit", str(CHARTER), str(EXPORT)])
    assert isinstance(result.exception, RuntimeError)
    cli._state["debug"] = False


def test_no_colour_when_not_a_terminal() -> None:
    result = runner.invoke(app, ["audit", str(CHARTER), str(EXPORT)])
    assert "\x1b[" not in result.stdout


def test_help_documents_exit_codes() -> None:
    result = runner.invoke(app, ["audit", "--help"])
    assert "Exit codes: 0 success, 1 the check failed, 2 could not run" in " ".join(
        result.stdout.split()
    )


@pytest.mark.parametrize("export_kind", ["good", "garbage", "missing"])
def test_a_broken_charter_is_the_error_whatever_the_export(
    tmp_path: Path, export_kind: str
) -> None:
    # the charter loads while the export is parsed; its error still wins, as if read first
    charter = tmp_path / "charter.yaml"
    charter.write_text("charter: 1\nname: x\npromises: []\ntimezone: Mars/Olympus\n")
    export = {"good": EXPORT, "garbage": tmp_path / "x.csv", "missing": tmp_path / "nope.csv"}[
        export_kind
    ]
    if export_kind == "garbage":
        export.write_bytes(bytes(range(256)) * 64)
    result = runner.invoke(app, ["audit", str(charter), str(export)])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "charter.yaml" in lines[0], lines


@pytest.mark.parametrize(
    ("given", "target"),
    [("95", 0.95), ("95.5", 0.955), ("95.5%", 0.955), ("0.95", 0.95), ("30 %", 0.30)],
)
def test_fail_under_takes_percentages_and_shares(given: str, target: float) -> None:
    result = runner.invoke(
        app, ["audit", str(CHARTER), str(EXPORT), "--fail-under", given, "-f", "json"]
    )
    assert result.exit_code in (0, 1), result.output
    doc = json.loads(result.stdout)
    assert [p["target"] for p in doc["promises"]] == pytest.approx([target] * len(doc["promises"]))


@pytest.mark.parametrize("given", ["abc", "101", "-5", "nan", "inf"])
def test_fail_under_refuses_what_is_no_percentage(given: str) -> None:
    result = runner.invoke(app, ["audit", str(CHARTER), str(EXPORT), "--fail-under", given])
    assert result.exit_code == 2
    assert "--fail-under" in result.output and "Traceback" not in result.output
