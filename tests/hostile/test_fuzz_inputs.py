"""Fuzzing beyond charters and CSV (issue 13): profiles, events files, Parquet and xlsx exports,
and output paths. For any of them the command returns a result or stops with a `CharterError`
(exit 2); never another exception, never a temporary file left behind. Fewer examples than the
charter fuzzing: each one is a whole audit."""

from __future__ import annotations

import os
import tempfile
from datetime import timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from charter_cli.audit import audit
from charter_cli.charter import load_charter
from charter_cli.cli import app
from charter_cli.errors import CharterError
from charter_cli.tickets.profile import load_profile
from charter_cli.tickets.read import read_tickets
from tests.conftest import PROFILES as PROFILE_DIR
from tests.conftest import ROOT

FUZZ = settings(
    max_examples=200 if os.environ.get("CI") else 25,
    deadline=timedelta(seconds=10),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
CHARTER = ROOT / "charters" / "examples" / "nordlys-nettbutikk.yaml"
MODEL = load_charter(CHARTER)
runner = CliRunner()
# the bad cells of both rounds: vendor minutes, levels, years out of range, markup, controls
CELLS = ["", "x", "2026-10-05 09:00", "2026-10-05T09:00:00+02:00", "31/02/2026", "1e8", "1e12", "-1e12",
         "inf", "nan", "²", "9" * 20, "٣", "0001-01-01", "2199-12-31", "1970-01-01", "\x1b[2J", "\u202e",
         "\uffff", "=1+1", "?", "N/A", "email", "urgent", "Kundeservice", "pending", "solved"]  # fmt: skip
TEXT = st.sampled_from(CELLS) | st.text(max_size=6)


def _audit(paths: list[Path], **kwargs: object) -> None:
    try:
        source = read_tickets(paths, timezone="Europe/Oslo", **kwargs)  # type: ignore[arg-type]
        audit(MODEL, source)
    except CharterError as exc:
        assert str(exc)


PROFILE = (PROFILE_DIR / "zendesk.yaml").read_text("utf-8")
PROFILE_KEYS = ["profile", "name", "title", "layout", "detect", "columns", "derive", "vendor",
                "timestamps", "formats", "values", "statuses", "missing", "timezone", "event_log"]  # fmt: skip
PROFILE_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=10,
)


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(PROFILE_KEYS), PROFILE_VALUES), max_size=4))
def test_profiles_load_or_are_refused(changes: list[tuple[str, object]]) -> None:
    doc = yaml.safe_load(PROFILE)
    for key, value in changes:
        doc[key] = value
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "profile.yaml"
        path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
        try:
            load_profile(str(path))
        except CharterError as exc:
            assert str(exc)


EXPORT = (
    "ticket_id,created_at,channel,priority,first_response_at,resolved_at,escalated_at,"
    "escalation_level\n"
    "A,2026-10-05 09:00,email,urgent,2026-10-05 09:20,2026-10-05 15:00,2026-10-05 09:10,2\n"
    "B,2026-10-05 10:00,chat,high,,,,\n"
)
EVENT_HEADERS = ["ticket_id", "at", "status", "group", "escalation_level", "priority", "x"]


@FUZZ
@given(
    st.lists(st.sampled_from(EVENT_HEADERS), max_size=5, unique=True).map(
        lambda extra: ["ticket_id", "at", *(h for h in extra if h not in ("ticket_id", "at"))]
    ),
    st.lists(st.lists(st.sampled_from(["A", "B", "Z", *CELLS]), max_size=7), max_size=12),
)
def test_events_files_audit_or_are_refused(header: list[str], rows: list[list[str]]) -> None:
    def field(value: str) -> str:
        return '"' + value.replace('"', '""') + '"'

    text = ",".join(header) + "\n" + "".join(",".join(map(field, r)) + "\n" for r in rows)
    with tempfile.TemporaryDirectory() as tmp:
        export, events = Path(tmp) / "tickets.csv", Path(tmp) / "events.csv"
        export.write_text(EXPORT, encoding="utf-8")
        events.write_text(text, encoding="utf-8")
        _audit([export], events_file=events)


ARROW_COLUMNS = {
    "int": st.lists(st.none() | st.integers(-(2**63), 2**63 - 1), min_size=3, max_size=3).map(
        lambda v: pa.array(v, type=pa.int64())
    ),
    "binary": st.lists(st.none() | st.binary(max_size=6), min_size=3, max_size=3).map(
        lambda v: pa.array(v, type=pa.binary())
    ),
    "text": st.lists(st.none() | TEXT, min_size=3, max_size=3).map(
        lambda v: pa.array(v, type=pa.string())
    ),
    "float": st.lists(st.none() | st.floats(), min_size=3, max_size=3).map(
        lambda v: pa.array(v, type=pa.float64())
    ),
    "time": st.lists(st.none() | st.integers(-(2**40), 2**40), min_size=3, max_size=3).map(
        lambda v: pa.array(v, type=pa.timestamp("s"))
    ),
}


@FUZZ
@given(
    st.fixed_dictionaries(
        dict.fromkeys(
            ["ticket_id", "created_at", "channel", "first_response_at"],
            st.sampled_from(sorted(ARROW_COLUMNS)).flatmap(lambda k: ARROW_COLUMNS[k]),
        )
    )
)
def test_parquet_exports_audit_or_are_refused(columns: dict[str, pa.Array]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.parquet"
        pq.write_table(pa.table(columns), path)
        _audit([path], profile="generic")


@FUZZ
@given(
    st.lists(st.sampled_from(["ticket_id", "created_at", "channel", "first_response_at", "x"]),
             min_size=1, max_size=5),
    st.lists(st.lists(st.none() | TEXT | st.integers(-(10**12), 10**12) | st.floats(allow_nan=False,
             allow_infinity=False), max_size=5), max_size=8),
)  # fmt: skip
def test_xlsx_exports_audit_or_are_refused(header: list[str], rows: list[list[object]]) -> None:
    from openpyxl import Workbook
    from openpyxl.utils.exceptions import IllegalCharacterError

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    try:
        sheet.append(header)
        for row in rows:
            sheet.append(row)
    except IllegalCharacterError:  # openpyxl refuses to write control characters at all
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.xlsx"
        book.save(path)
        _audit([path], profile="generic")


SMALL = ROOT / "tests" / "data" / "exports" / "with-events.csv"
NAME_PARTS = [b"r", b"\xff", b"\x1b[2J", b"\n", b"a" * 120, b"..", b"-", b"~", b" ", b".json",
              b".csv", b".xml", b".html", b".md", b"\xc3\xa5", b"/", b"//", b"nope/"]  # fmt: skip


@FUZZ
@given(st.lists(st.sampled_from(NAME_PARTS), min_size=1, max_size=6).map(b"".join))
def test_output_paths_write_or_refuse(name: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        target = os.fsdecode(os.fsencode(tmp) + b"/" + name)
        result = runner.invoke(app, ["audit", str(CHARTER), str(SMALL), "-q", "-o", target])
        assert result.exit_code in (0, 1, 2), result.output
        assert "internal error" not in result.output and "Traceback" not in result.output
        if result.exit_code == 2:
            assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        left = [p for p in Path(tmp).rglob("*") if p.name.startswith(".charter-")]
        assert left == []
