"""Exports and events as folders or globs of monthly files: read in natural order, hidden files
and charter's own reports passed over, a folder or glob that names nothing readable refused.

tests/data/exports/monthly holds three months of a Swedish Zendesk desk as its CSV export with a
Swedish locale writes them (UTF-8 with BOM, `;`, CRLF); November's export has its columns in
another order; ticket 9002 is in September's file (open) and October's (solved). Beside them lie
LibreOffice's and Excel's lock files, a per-ticket CSV charter wrote, and a note.
tests/data/exports/monthly-events holds the status history, one file per month: ticket 9103 is
paused from 31 October 20:30 to 1 November 03:00, across the two files.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from charter_cli.cli import app
from charter_cli.errors import InputError
from charter_cli.summary import CSV_COLUMNS
from charter_cli.tickets.inputs import OWN_CSV_HEADER, expand_inputs, natural_key
from charter_cli.tickets.read import read_tickets
from tests.conftest import DATA

runner = CliRunner()
MONTHLY = DATA / "exports" / "monthly"
HISTORY = DATA / "exports" / "monthly-events"
DESK = DATA / "charters" / "audit" / "events-desk.yaml"
MONTHS = [MONTHLY / f"ärenden 2026-{m}.csv" for m in ("09", "10", "11")]
AS_OF = ["--as-of", "2026-11-03T12:00"]
# worked by hand: resolution within 5 h, 24/7, paused while pending (Oslo)
STATES = {
    "9001": "met",  # 3 h
    "9002": "breached",  # October's row wins: solved after 7 h 30
    "9101": "met",  # 7 h, 3 h of it pending
    "9102": "breached",  # 01:30 CEST → 06:00 CET on the DST day: 5 h 30, not 4 h 30
    "9103": "breached",  # 14 h, 6 h 30 pending (the pause ends in November's history)
    "9201": "met",  # 6 h, 3 h pending (November: other column order)
    "9202": "running",  # 3 h at as-of
}


def audit(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["audit", str(DESK), *args, *AS_OF])
    return result.exit_code, result.stdout, result.stderr


def states(csv_text: str) -> dict[str, str]:
    rows = [line.split(",") for line in csv_text.splitlines()[1:]]
    return {row[0]: row[2] for row in rows}


def test_a_folder_of_monthly_exports_and_one_of_their_history() -> None:
    code, out, err = audit(str(MONTHLY), "--events", str(HISTORY), "-f", "json")
    assert code == 1, err
    report = json.loads(out)
    assert report["input"]["files"] == [str(m) for m in MONTHS]
    assert report["input"]["events_files"] == [
        str(HISTORY / "händelser 2026-10.csv"),
        str(HISTORY / "händelser 2026-11.csv"),
    ]
    assert (report["input"]["rows"], report["input"]["duplicates"]) == (20, 1)
    assert (
        f"{MONTHLY / 'resultat.csv'}: not read, it is a per-ticket CSV charter wrote"
        in (report["data_quality"]["notes"])
    )
    code, out, _ = audit(str(MONTHLY), "--events", str(HISTORY), "-f", "csv")
    assert states(out) == STATES
    assert list(states(out)) == list(STATES)  # rows in file order: September first


def test_a_folder_a_quoted_glob_and_the_files_the_shell_expands_agree() -> None:
    by_folder = audit(str(MONTHLY), "--events", str(HISTORY), "-f", "csv")
    by_glob = audit(str(MONTHLY / "ärenden *.csv"), "--events", str(HISTORY / "*.csv"), "-f", "csv")
    history = [str(p) for p in sorted(HISTORY.iterdir())]
    by_shell = audit(*map(str, MONTHS), "--events", history[0], "--events", history[1], "-f", "csv")
    assert by_folder[0] == by_glob[0] == by_shell[0] == 1
    assert by_folder[1] == by_glob[1] == by_shell[1]
    # with October's history alone, 9103's pause never ends: met, which would be wrong
    october = audit(str(MONTHLY), "--events", history[0], "-f", "csv")
    assert states(october[1]) == STATES | {"9103": "met", "9201": "breached"}


def test_an_unquoted_events_glob_spreads_its_files_over_the_exports() -> None:
    history = [str(p) for p in sorted(HISTORY.iterdir())]
    code, _, err = audit(*map(str, MONTHS), "--events", *history)
    assert code == 2
    assert "händelser 2026-11.csv: no column for created_at" in err
    assert "it looks like a status history: give it with --events, and quote a glob" in err


def test_a_glob_picks_months_in_natural_order(tmp_path: Path) -> None:
    # monthly names that are not zero-padded: 2026-9 comes before 2026-10, not after
    for month, source in zip(("9", "10", "11"), MONTHS, strict=True):
        shutil.copy(source, tmp_path / f"ärenden 2026-{month}.csv")
    tickets = read_tickets([tmp_path / "ärenden 2026-*.csv"], timezone="Europe/Stockholm")
    assert tickets.files == [str(tmp_path / f"ärenden 2026-{m}.csv") for m in ("9", "10", "11")]
    assert tickets.count == 7 and tickets.duplicates == 1
    later = read_tickets([str(tmp_path / "ärenden 2026-1?.csv")], timezone="Europe/Stockholm")
    assert later.files == [str(tmp_path / f"ärenden 2026-{m}.csv") for m in ("10", "11")]


def test_natural_order() -> None:
    names = ["tickets-2026-10.csv", "Tickets-2026-9.csv", "tickets-2026-11.csv", "tickets-2025.csv"]
    ordered = sorted((Path(n) for n in names), key=natural_key)
    assert [p.name for p in ordered] == [
        "tickets-2025.csv",
        "Tickets-2026-9.csv",
        "tickets-2026-10.csv",
        "tickets-2026-11.csv",
    ]


def test_hidden_files_lock_files_notes_and_own_reports_are_passed_over() -> None:
    named = expand_inputs([MONTHLY])
    assert named.files == MONTHS
    assert named.own_outputs == [MONTHLY / "resultat.csv"]


def test_the_own_csv_header_is_the_per_ticket_csv_header() -> None:
    assert ",".join(CSV_COLUMNS).startswith(OWN_CSV_HEADER)


def test_a_file_named_with_its_folder_is_read_once() -> None:
    named = expand_inputs([MONTHS[2], MONTHLY])
    assert named.files == [MONTHS[2], MONTHS[0], MONTHS[1]]


def test_a_file_named_on_its_own_is_read_whatever_its_name(tmp_path: Path) -> None:
    odd = tmp_path / ".ärenden"
    shutil.copy(MONTHS[0], odd)
    assert read_tickets([odd], timezone="Europe/Stockholm").count == 2


@pytest.mark.parametrize(
    ("setup", "argument", "message"),
    [
        ({}, "ärenden/", "ärenden: no export files in this folder (*.csv *.tsv"),
        (
            {"ärenden/2026/10.csv": "x"},
            "ärenden",
            "no export files in this folder (*.csv *.tsv *.txt *.xlsx *.xlsm *.parquet *.pq); "
            "subfolders are not searched, name them with a glob such as 'ärenden/**/*.csv'",
        ),
        ({"ärenden/LÄSMIG.md": "x"}, "ärenden", "ärenden: no export files in this folder"),
        ({"ärenden/a.csv": "x"}, "ärenden/2026-*.csv", "no file matches 'ärenden/2026-*.csv'"),
        (
            {"ärenden/2026-01.csv": "x", "ärenden/2026-02.xls": "x", "ärenden/2026-03.csv.gz": "x"},
            "ärenden",
            "ärenden holds files charter cannot read as exports: 2026-02.xls, 2026-03.csv.gz "
            "(it reads .csv .tsv .txt .xlsx .xlsm .parquet .pq); convert them, move them away, "
            "or name the files to read with a glob such as '*.csv'",
        ),
        (
            {"ärenden/2026-01.csv": "x", "ärenden/2026-02.pdf": "x"},
            "ärenden/2026-*",
            "'ärenden/2026-*' holds files charter cannot read as exports: 2026-02.pdf",
        ),
        (
            {"ärenden/2026-01.json": "x"},
            "ärenden/2026-*",
            "no export file among the 1 that 'ärenden/2026-*' matches",
        ),
    ],
)
def test_folders_and_globs_that_name_nothing_readable(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    setup: dict[str, str],
    argument: str,
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ärenden").mkdir()
    for name, text in setup.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_tickets([argument], timezone="UTC")
    assert message in str(caught.value)
    result = runner.invoke(app, ["audit", str(DESK), argument])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert "Traceback" not in result.output


def test_an_events_folder_without_events(tmp_path: Path) -> None:
    (tmp_path / "historik").mkdir()
    result = runner.invoke(
        app, ["audit", str(DESK), str(MONTHLY), "--events", str(tmp_path / "historik")]
    )
    assert result.exit_code == 2
    assert "historik: no events files in this folder" in result.stderr


def test_a_report_never_goes_over_a_file_a_glob_names(tmp_path: Path) -> None:
    for source in MONTHS:
        shutil.copy(source, tmp_path / source.name)
    target = tmp_path / MONTHS[0].name
    before = target.read_bytes()
    result = runner.invoke(
        app, ["audit", str(DESK), str(tmp_path / "*.csv"), "-o", str(target), "-q"]
    )
    assert result.exit_code == 2 and "is one of the inputs" in result.stderr
    assert target.read_bytes() == before
    # written beside them, the per-ticket CSV is not read by the next audit of the folder
    report = tmp_path / "resultat.csv"
    first = runner.invoke(app, ["audit", str(DESK), str(tmp_path), "-o", str(report), *AS_OF])
    second = runner.invoke(app, ["audit", str(DESK), str(tmp_path), "-f", "csv", *AS_OF])
    assert first.exit_code == second.exit_code == 1
    assert second.stdout == report.read_text(encoding="utf-8")


def test_explain_and_diff_take_folders_and_globs() -> None:
    result = runner.invoke(
        app,
        ["explain", str(DESK), str(MONTHLY), "--events", str(HISTORY / "*"), "-t", "9103"],
    )
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())
    assert "verdict: BREACHED by 2h 30m" in out
    assert "paused Sat 31 Oct 2026 20:30 CET – Sun 01 Nov 2026 03:00 CET" in out  # two files
    result = runner.invoke(
        app, ["diff", str(DESK), str(DESK), "--against", str(MONTHLY / "*.csv"), "-f", "json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["against"]["files"] == [str(m) for m in MONTHS]


def test_a_month_without_tickets_among_the_others(tmp_path: Path) -> None:
    for source in MONTHS:
        shutil.copy(source, tmp_path / source.name)
    header = MONTHS[0].read_bytes().split(b"\r\n")[0]
    quiet = tmp_path / "ärenden 2026-12.csv"
    quiet.write_bytes(header + b"\r\n")
    tickets = read_tickets([tmp_path], timezone="Europe/Stockholm")
    assert tickets.count == 7 and len(tickets.files) == 4
    assert f"{quiet}: a header and no rows" in tickets.notes
    with pytest.raises(InputError, match="has a header but no rows"):
        read_tickets([quiet], timezone="Europe/Stockholm")
    alone = tmp_path / "tyst"
    alone.mkdir()
    for month in ("11", "12"):
        (alone / f"ärenden 2026-{month}.csv").write_bytes(header + b"\r\n")
    with pytest.raises(InputError, match="the 2 exports have a header each but no rows"):
        read_tickets([alone], timezone="Europe/Stockholm")


def test_a_folder_of_csv_months_and_parquet_months(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    shutil.copy(MONTHS[0], tmp_path / MONTHS[0].name)
    shutil.copy(MONTHS[1], tmp_path / MONTHS[1].name)
    # November kept by a data team as Parquet, every column text, as it was exported
    november = pacsv.read_csv(
        MONTHS[2],
        parse_options=pacsv.ParseOptions(delimiter=";"),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(
                MONTHS[2].read_text("utf-8-sig").split("\n")[0].strip().split(";"), pa.string()
            )
        ),
    )
    pq.write_table(november, tmp_path / "ärenden 2026-11.parquet")
    code, out, err = audit(str(tmp_path), "--events", str(HISTORY), "-f", "csv")
    assert code == 1, err
    assert states(out) == STATES


def test_folders_and_globs_streamed_give_the_in_memory_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "ärenden"
    shutil.copytree(MONTHLY, folder)
    header = MONTHS[0].read_bytes().split(b"\r\n")[0]
    (folder / "ärenden 2026-12.csv").write_bytes(header + b"\r\n")  # a month without tickets
    args = [str(folder), "--events", str(HISTORY / "händelser 2026-1*.csv")]
    memory = [audit(*args, "-f", kind)[1] for kind in ("json", "csv")]
    assert f"{folder / 'ärenden 2026-12.csv'}: a header and no rows" in memory[0]
    # a budget these files exceed: streamed through temporary files in several partitions
    monkeypatch.setattr("charter_cli.streamed.BYTES_PER_BYTE", 100_000)
    import charter_cli.streamed

    calls: list[int] = []
    real = charter_cli.streamed.audit_streamed

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(int(kwargs["partitions"]))  # type: ignore[call-overload]
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(charter_cli.streamed, "audit_streamed", counted)
    streamed = [audit(*args, "--memory", "64MB", "-f", kind)[1] for kind in ("json", "csv")]
    assert calls and calls[0] > 2, calls
    assert streamed == memory
    assert states(streamed[1]) == STATES


def test_folders_and_globs_on_a_dask_cluster() -> None:
    pytest.importorskip("distributed")
    args = [str(MONTHLY), "--events", str(HISTORY / "*.csv"), "-f", "csv"]
    memory = audit(*args)[1]
    code, out, err = audit(*args, "--engine", "dask", "--workers", "1")
    assert code == 1, err
    assert out == memory and states(out) == STATES
