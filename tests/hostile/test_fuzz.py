"""Fuzzing: for any input, the loader, the validator and the importer return a result or raise a
`CharterError` with a message; never another exception, never a hang (5 s per example)."""

from __future__ import annotations

import os
import tempfile
from datetime import timedelta
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from charter_cli.charter import validate_file
from charter_cli.charter.load import parse_yaml
from charter_cli.errors import CharterError
from charter_cli.tickets.read import read_tickets
from tests.conftest import ROOT

FUZZ = settings(
    max_examples=500 if os.environ.get("CI") else 100,
    deadline=timedelta(seconds=5),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
EXAMPLE = (ROOT / "charters" / "examples" / "nordlys-nettbutikk.yaml").read_text(encoding="utf-8")
YAML_BITS = ["charter: 1", "name: x", "- ", "&a ", "*a", "!!python/object:os.system", "<<: *a", "{", "}", "[", "]",
             ": ", "\n", "  ", "'", '"', "#", "---", "...", "? ", "|", ">", "NO", "08:00-16:00", "24/7", "%YAML 1.1",
             "\t", "\x00", "é", "\u202e", "~", "1e999", "0x1F", ".nan"]  # fmt: skip


@FUZZ
@given(st.lists(st.sampled_from(YAML_BITS) | st.text(max_size=8), max_size=60).map("".join))
def test_loader_returns_a_document_or_a_charter_error(text: str) -> None:
    try:
        doc = parse_yaml(text, "fuzz.yaml")
    except CharterError as exc:
        assert exc.message
    else:
        assert isinstance(doc.data, dict)


scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.floats(allow_nan=False)
    | st.text(max_size=12)
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)
KEYS = ["charter", "name", "timezone", "calendars", "channels", "priorities", "promises", "escalation",
        "hours", "holidays", "within", "measure", "target", "where", "between", "calendar", "id"]  # fmt: skip


def _mutations() -> st.SearchStrategy[str]:
    lines = EXAMPLE.splitlines()

    @st.composite
    def mutated(draw: st.DrawFn) -> str:
        out = list(lines)
        for _ in range(draw(st.integers(1, 6))):
            i = draw(st.integers(0, len(out) - 1))
            action = draw(st.sampled_from(["drop", "dup", "replace", "indent"]))
            if action == "drop":
                out.pop(i)
            elif action == "dup":
                out.insert(i, out[i])
            elif action == "indent":
                out[i] = " " * draw(st.integers(0, 6)) + out[i].lstrip()
            else:
                key = draw(st.sampled_from(KEYS))
                out[i] = (
                    out[i].split(":")[0]
                    + ": "
                    + yaml.safe_dump(draw(values), default_flow_style=True).strip()
                )
                if draw(st.booleans()):
                    out[i] = "  " + key + ": " + out[i].split(": ", 1)[-1]
        return "\n".join(out) + "\n"

    return mutated()


@FUZZ
@given(
    _mutations()
    | st.dictionaries(st.sampled_from(KEYS), values, max_size=8).map(lambda d: yaml.safe_dump(d))
)
def test_validator_returns_findings_never_crashes(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "charter.yaml"
        path.write_text(text, encoding="utf-8")
        report = validate_file(path)
    assert report.charter is not None or report.findings
    for finding in report.findings:
        assert finding.message and finding.line >= 1 and finding.rule


CELLS = ["", "x", "2026-10-05 09:00", "31/02/2026", "12/25/2013 11:59:08 PM", "1767607200", '"', '""', ",", ";",
         "\n", "\r", "\t", "N/A", "?", "\u00a0", "=1+1", "0001-01-01", "9999-12-31", "æøå", "\x00", "é".encode("latin-1").decode("latin-1")]  # fmt: skip
HEADERS = [
    "ticket_id",
    "created_at",
    "channel",
    "priority",
    "status",
    "first_response_at",
    "resolved_at",
    "due_at",
    "x",
]


@FUZZ
@given(
    st.lists(st.sampled_from(HEADERS), min_size=1, max_size=8),
    st.lists(st.lists(st.sampled_from(CELLS) | st.text(max_size=6), max_size=9), max_size=25),
    st.sampled_from([",", ";", "\t", "|"]),
    st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
    st.booleans(),
)
def test_importer_reads_or_refuses_never_crashes(
    header: list[str], rows: list[list[str]], sep: str, encoding: str, quote: bool
) -> None:
    def field(value: str) -> str:
        return (
            '"' + value.replace('"', '""') + '"'
            if quote or any(c in value for c in f'{sep}"\n\r')
            else value
        )

    text = sep.join(header) + "\n" + "".join(sep.join(field(v) for v in row) + "\n" for row in rows)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.csv"
        path.write_bytes(data)
        try:
            tickets = read_tickets([path], profile="generic", timezone="Europe/Oslo")
        except CharterError as exc:
            assert str(exc)
            return
        assert path.read_bytes() == data  # never written to
    assert (
        tickets.rows_read
        == tickets.count
        + tickets.duplicates
        + len(tickets.skipped)
        + tickets.events_folded
        + tickets.events_used
    )


@FUZZ
@given(st.binary(max_size=2000))
def test_importer_on_raw_bytes(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.csv"
        path.write_bytes(data)
        try:
            read_tickets([path], timezone="UTC")
        except CharterError as exc:
            assert str(exc)
