"""Hostile inputs, round 2 (issue 13): `/dev/zero` and a 2 GiB sparse file are refused before
they are read, a name that is not UTF-8 and a lone surrogate never end in a UnicodeEncodeError,
U+FFFF leaves JUnit XML parseable, a profile's `missing:` markers are applied, `--since` after
`--until` is exit 2, and a calendar closed on every day by its holidays is invalid."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from calendar import monthrange
from pathlib import Path

import pytest
from typer.testing import CliRunner

from charter_cli.cli import app
from charter_cli.clock import NAT
from charter_cli.tickets.read import read_tickets
from tests.conftest import ROOT

CHARTER = ROOT / "charters" / "examples" / "nordlys-nettbutikk.yaml"
EXPORT = ROOT / "charters" / "examples" / "nordlys-tickets-2026.csv"
runner = CliRunner()


def charter(*args: str | bytes) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "charter_cli", *args],
        capture_output=True,
        check=False,
        # a strict UTF-8 stdout, as under en_US.UTF-8 (C.UTF-8 would pass raw bytes through)
        env={"NO_COLOR": "1", "COLUMNS": "100", "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
        | {"PYTHONIOENCODING": "utf-8:strict"},
        cwd=ROOT,
        timeout=60,
    )


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_dev_zero_is_refused_before_it_is_read() -> None:
    for args in (
        [str(CHARTER), "/dev/zero"],
        [str(CHARTER), str(EXPORT), "--events", "/dev/zero"],
    ):
        result = runner.invoke(app, ["audit", *args])
        assert result.exit_code == 2, result.output
        assert "/dev/zero: contains NUL bytes" in result.stderr


def test_a_sparse_file(tmp_path: Path) -> None:
    sparse = tmp_path / "sparse.csv"
    with sparse.open("wb") as out:
        out.truncate(2 << 30)  # 2 GiB of nothing, on no disk
    result = runner.invoke(app, ["audit", str(CHARTER), str(sparse)])
    assert result.exit_code == 2 and "is larger than 1 GiB" in result.stderr
    with sparse.open("wb") as out:
        out.truncate(300 << 20)  # under the limit: its head says it is binary
    result = runner.invoke(app, ["audit", str(CHARTER), str(sparse)])
    assert result.exit_code == 2 and "contains NUL bytes" in result.stderr


def test_file_names_that_are_not_utf8(tmp_path: Path) -> None:
    folder = os.fsencode(tmp_path) + b"/bad\xff"
    os.mkdir(folder)  # noqa: PTH102 (a bytes path: not UTF-8)
    for name, source in ((b"c.yaml", CHARTER), (b"t.csv", EXPORT)):
        with open(folder + b"/" + name, "wb") as out:  # noqa: PTH123
            out.write(source.read_bytes())
    c, t = folder + b"/c.yaml", folder + b"/t.csv"
    for args in (
        [b"validate", c],
        [b"audit", c, t],
        [b"audit", c, t, b"--format", b"csv"],
        [b"audit", c, t, b"-q", b"-o", folder + b"/r.html", b"-o", folder + b"/r.xml"],
        [b"diff", c, c, b"--format", b"json"],
        [b"diff", c, CHARTER.as_posix().encode(), b"--against", t],
    ):
        done = charter(*args)
        assert done.returncode in (0, 1), done.stderr.decode()
        assert b"Error" not in done.stderr
    done = charter(b"audit", c, t, b"--format", b"json")
    assert json.loads(done.stdout)["charter"]["path"].endswith("bad\\xff/c.yaml")
    done = charter(b"diff", c, c, b"--format", b"json")
    assert json.loads(done.stdout)["old"].endswith("bad\\xff/c.yaml")
    ET.parse(os.fsdecode(folder + b"/r.xml"))


def with_name(tmp_path: Path, name: str) -> Path:
    text = CHARTER.read_text(encoding="utf-8")
    out = tmp_path / "named.yaml"
    out.write_text(text.replace("name: Nordlys Kundeservice", f'name: "{name}"', 1))
    assert out.read_text() != text
    return out


def test_a_lone_surrogate_in_the_charter(tmp_path: Path) -> None:
    charter_file = with_name(tmp_path, "Nordlys \\ud800")
    result = runner.invoke(app, ["validate", str(charter_file)])
    assert result.exit_code == 1
    assert "[encoding] \\ud800 is not a character (a lone surrogate)" in result.stdout
    result = runner.invoke(app, ["audit", str(charter_file), str(EXPORT), "--format", "json"])
    assert result.exit_code == 2 and "lone surrogate" in result.stderr


def test_u_ffff_in_junit_xml(tmp_path: Path) -> None:
    charter_file = with_name(tmp_path, "Nordlys \\uffff \\ufffe")
    out = tmp_path / "report.xml"
    result = runner.invoke(app, ["audit", str(charter_file), str(EXPORT), "-q", "-o", str(out)])
    assert result.exit_code == 1, result.output
    suite = ET.parse(out).getroot().find("testsuite")
    assert suite is not None and suite.get("name") == "Nordlys \\uffff \\ufffe"


def test_profile_missing_markers_are_applied(tmp_path: Path) -> None:
    profile = tmp_path / "mine.yaml"
    profile.write_text(
        "profile: 1\nname: mine\ntitle: Mine\nlayout: tickets\ndetect: [Key, Opened]\n"
        "columns:\n  ticket_id: Key\n  created_at: Opened\n  resolved_at: Done\n"
        'missing: ["(none)", "n.a."]\n',
        encoding="utf-8",
    )
    export = tmp_path / "mine.csv"
    export.write_text(
        "Key,Opened,Done\nA,2026-10-05 09:00,(none)\nB,2026-10-05 09:00,n.a.\n"
        "C,2026-10-05 09:00,2026-10-05 12:00\n",
        encoding="utf-8",
    )
    tickets = read_tickets([export], profile=str(profile), timezone="UTC")
    assert tickets.frame["resolved_at"].tolist()[:2] == [NAT, NAT]
    assert tickets.problems.empty


def test_since_after_until() -> None:
    result = runner.invoke(
        app, ["audit", str(CHARTER), str(EXPORT), "--since", "2026-11-01", "--until", "2026-10-01"]
    )
    assert result.exit_code == 2
    assert "--since 2026-11-01 is not before --until 2026-10-01" in result.stderr


def test_a_calendar_closed_every_day_by_holidays(tmp_path: Path) -> None:
    common_year = [
        f"{m:02d}-{d:02d}" for m in range(1, 13) for d in range(1, monthrange(2025, m)[1] + 1)
    ]
    text = CHARTER.read_text(encoding="utf-8")
    closed = text.replace(
        '      dates:\n        - {date: "12-24", name: Christmas Eve, hours: "08:00-12:00"}   '
        '# half day\n        - {date: "12-31", name: New Year\'s Eve}\n',
        "      dates: [" + ", ".join(f'"{d}"' for d in common_year) + "]\n",
    )
    assert closed != text
    path = tmp_path / "closed.yaml"
    path.write_text(closed, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert "calendar 'office' is closed on every day of the year by its holidays" in result.stdout


def test_a_workbook_with_too_many_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from openpyxl import Workbook

    from charter_cli.tickets import tables

    monkeypatch.setattr(tables, "MAX_XLSX_ROWS", 10)  # 100,000 in earnest: 40 s to write here
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["ticket_id", "created_at"])
    for i in range(11):
        sheet.append([f"T{i}", "2026-10-05 09:00"])
    workbook = tmp_path / "big.xlsx"
    book.save(workbook)
    result = runner.invoke(app, ["audit", str(CHARTER), str(workbook)])
    assert result.exit_code == 2
    assert "has more than 10 rows, the most charter reads from a workbook" in result.stderr
    workbook.unlink()
    sheet.delete_rows(2)
    book.save(workbook)
    result = runner.invoke(app, ["audit", str(CHARTER), str(workbook)])
    assert result.exit_code in (0, 1), result.output
