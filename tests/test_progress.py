"""Progress: every file read (a workbook row by row), every events file, every promise and every
report written is told to a `Progress`; the command line draws it on a terminal only, never with
-q, and never into stdout or an output."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

import charter_cli.tickets.tables as tables
from charter_cli import console
from charter_cli.cli import app
from charter_cli.console import _Progress
from charter_cli.tickets.read import read_tickets
from charter_cli.tickets.sniff import open_export
from tests.conftest import DATA

runner = CliRunner()
MONTHLY = DATA / "exports" / "monthly"
HISTORY = DATA / "exports" / "monthly-events"
DESK = DATA / "charters" / "audit" / "events-desk.yaml"
Call = tuple[str, int, int]


def december(folder: Path, rows: int, *, dimension: bool = True) -> Path:
    """December's export saved from Excel instead: a workbook with date cells, Nordic names, and
    the extent of its sheet declared, as Excel declares it (`dimension`; openpyxl's streaming
    writer declares none)."""
    book = openpyxl.Workbook(write_only=not dimension)
    sheet = book.active if dimension else book.create_sheet("Ärenden")
    assert sheet is not None
    sheet.append(["Id", "Subject", "Requester", "Status", "Via", "Created at", "Solved at"])
    start = datetime(2026, 12, 1, 8, 0)
    for i in range(rows):
        created = start + timedelta(minutes=7 * i)
        sheet.append(
            [9300 + i, f"Återbetalning nr {i}", "Øystein Ærø", "Solved", "Mail", created,
             created + timedelta(hours=2)]
        )  # fmt: skip
    file = folder / "ärenden 2026-12.xlsx"
    book.save(file)
    return file


def test_a_workbook_tells_its_rows_as_openpyxl_streams_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tables, "XLSX_CHUNK", 200)
    file = december(tmp_path, 450)
    heard: list[tuple[int, int, str]] = []
    table = tables.read_xlsx(file, str(file), lambda *told: heard.append(told))
    assert table.rows_read == 450
    assert heard == [(199, 450, "rows"), (399, 450, "rows"), (450, 450, "rows")]  # no header
    heard.clear()
    file = december(tmp_path, 450, dimension=False)
    tables.read_xlsx(file, str(file), lambda *told: heard.append(told))
    assert [h[:2] for h in heard] == [(199, 0), (399, 0), (450, 0)]  # how many: unknown


def test_a_csv_tells_the_bytes_pyarrow_has_parsed(tmp_path: Path) -> None:
    export = tmp_path / "ärenden 2026-10.csv"
    text = (MONTHLY / "ärenden 2026-10.csv").read_text(encoding="utf-8-sig")
    header, *rows = text.splitlines()
    # 40,000 tickets: a little over a megabyte, two of pyarrow's blocks
    body = [rows[i % len(rows)].replace(";", f"{i};", 1) for i in range(40_000)]
    export.write_text("\ufeff" + "\n".join([header, *body]) + "\n", encoding="utf-8")
    heard: list[tuple[int, int, str]] = []
    with_progress = open_export(export, progress=lambda *told: heard.append(told)).read()
    size = export.stat().st_size
    assert len(heard) >= 2 and heard[-1] == (size, size, "bytes")
    assert [h[0] for h in heard] == sorted(h[0] for h in heard)
    without = open_export(export).read()
    assert with_progress.frame.equals(without.frame)
    assert (with_progress.lines == without.lines).all()


def test_every_file_and_events_file_is_told_in_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tables, "XLSX_CHUNK", 100)
    workbook = december(tmp_path, 250)
    exports = [MONTHLY / "ärenden 2026-11.csv", workbook]
    heard: list[Call] = []
    tickets = read_tickets(
        exports,
        timezone="Europe/Oslo",
        events_file=HISTORY,
        progress=lambda what, done, total: heard.append((what, done, total)),
    )
    assert tickets.count == 252
    reading = [c for c in heard if not c[0].startswith("reading events")]
    size = sum(f.stat().st_size for f in exports)
    assert reading[0] == (f"reading {exports[0].name} (1/2)", 0, size)
    parsed = int(exports[0].stat().st_size * 0.75)
    assert (f"reading {exports[0].name} (1/2): dates and columns", parsed, size) in reading
    assert (f"reading {exports[0].name} (1/2)", exports[0].stat().st_size, size) in reading
    assert reading[-1] == (f"reading {workbook.name} (2/2)", size, size)
    rows = [c for c in reading if c[0].endswith(" rows")]
    assert [c[0].rsplit(": ", 1)[1] for c in rows] == ["99 rows", "199 rows", "250 rows"]
    assert all(c[2] == size for c in reading)
    assert [c[1] for c in reading] == sorted(c[1] for c in reading)  # never backwards
    history = [c for c in heard if c[0].startswith("reading events")]
    sizes = sum(f.stat().st_size for f in HISTORY.iterdir())
    first, second = sorted(HISTORY.iterdir())
    # each file: begun, its bytes parsed (these small ones in one block: 3/4 of its share), done
    parsed = [int(f.stat().st_size * 0.75) for f in (first, second)]
    assert [h for i, h in enumerate(history) if h != history[i - 1]] == [
        (f"reading events {first.name} (1/2)", 0, sizes),
        (f"reading events {first.name} (1/2)", parsed[0], sizes),
        (f"reading events {first.name} (1/2)", first.stat().st_size, sizes),
        (f"reading events {second.name} (2/2)", first.stat().st_size, sizes),
        (f"reading events {second.name} (2/2)", first.stat().st_size + parsed[1], sizes),
        (f"reading events {second.name} (2/2)", sizes, sizes),
    ]


def recording(monkeypatch: pytest.MonkeyPatch, *, terminal: bool) -> list[Call]:
    """What the command line's progress is told while it is drawn (on a terminal, if
    `terminal`, at once instead of after half a second)."""
    drawn: list[Call] = []
    call = _Progress.__call__

    def record(self: _Progress, what: str, done: int, total: int) -> None:
        call(self, what, done, total)
        if self.bar is not None:
            drawn.append((what, done, total))

    monkeypatch.setattr(_Progress, "__call__", record)
    monkeypatch.setattr(_Progress, "DELAY", 0.0)
    monkeypatch.setattr(console, "_terminal", lambda stream: terminal)
    return drawn


def audit(tmp_path: Path, *extra: str) -> tuple[int, str, str, list[str]]:
    outputs = [tmp_path / "rapport.json", tmp_path / "resultat.csv"]
    result = runner.invoke(
        app,
        ["audit", str(DESK), str(MONTHLY), "--events", str(HISTORY), "--as-of", "2026-11-03",
         "-o", str(outputs[0]), "-o", str(outputs[1]), *extra],
    )  # fmt: skip
    texts = [o.read_text(encoding="utf-8") for o in outputs]
    texts[0] = json.dumps({k: v for k, v in json.loads(texts[0]).items() if k != "timings"})
    return result.exit_code, result.stdout, result.stderr, texts


def test_no_progress_where_stderr_is_no_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn = recording(monkeypatch, terminal=False)
    code, _, err, _ = audit(tmp_path)
    assert code == 1 and not drawn
    assert err.splitlines() == [
        f"wrote {tmp_path / 'rapport.json'}",
        f"wrote {tmp_path / 'resultat.csv'}",
    ]


def test_on_a_terminal_every_phase_and_nothing_in_the_outputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, quiet_out, _, quiet_files = audit(tmp_path, "-f", "json")
    drawn = recording(monkeypatch, terminal=True)
    code, out, err, files = audit(tmp_path, "-f", "json")
    assert code == 1
    phases = [what.split(" ")[0] for what, _, _ in drawn]
    assert phases[:1] == ["reading"] and phases[-1] == "writing"
    assert [w for w, _, _ in drawn if w.startswith("reading events")][-1].endswith("(2/2)")
    audited = [c for c in drawn if c[0].startswith("audit")]
    assert audited == [("auditing resolution (1/1)", 0, 1), ("audited", 1, 1)]
    summing = [(done, total) for what, done, total in drawn if what == "summing up the audit"]
    assert summing == [(0, 2), (1, 2), (2, 2)]  # the worst tickets, the per-ticket rows
    assert [c for c in drawn if c[0].startswith("writing")] == [
        (f"writing {tmp_path / 'rapport.json'}", 0, 2),
        (f"writing {tmp_path / 'resultat.csv'}", 1, 2),
    ]
    assert "wrote" in err
    assert json.loads(out)["input"] == json.loads(quiet_out)["input"]  # stdout: the report only
    assert files == quiet_files


def test_quiet_silences_it_on_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    drawn = recording(monkeypatch, terminal=True)
    code, out, err, _ = audit(tmp_path, "-q")
    assert (code, out, err, drawn) == (1, "", "", [])


def test_a_file_name_cannot_write_markup_or_escapes_into_the_bar(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    recording(monkeypatch, terminal=True)
    with _Progress(quiet=False) as progress:
        progress("reading [bold]\x1b[2Jx\ny.csv", 1, 2)
        label = progress.bar.tasks[0].description
    assert "\x1b" not in label and "\n" not in label and "\\[bold]" in label
