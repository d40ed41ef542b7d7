"""Bounded resources (issue 13): durations `validate` accepts are at most 10 years (87,600 h) or
2,600 working days, and a 5,000-digit one is a finding, not a crash; tickets in 1970 and 2199, a
follow-up in 2199 or a calendar open a minute a week are audited in bounded memory (the clock's
minute tables cover at most 10 years where the data is, issue 14)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from charter_cli.cli import app
from tests.conftest import ROOT
from tests.hostile.measure import peak

CHARTER = ROOT / "charters" / "examples" / "nordlys-nettbutikk.yaml"
EXPORT = ROOT / "charters" / "examples" / "nordlys-tickets-2026.csv"
runner = CliRunner()
# `within: 5m` of auto-ack in the example charter (the first such line)
ACK_LINE = 1 + [x.strip() for x in CHARTER.read_text(encoding="utf-8").splitlines()].index(
    "within: 5m"
)


def with_within(tmp_path: Path, within: str) -> Path:
    lines = CHARTER.read_text(encoding="utf-8").splitlines()
    assert lines[ACK_LINE - 1].strip() == "within: 5m"
    lines[ACK_LINE - 1] = f'    within: "{within}"'
    charter = tmp_path / "long.yaml"
    charter.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return charter


@pytest.mark.parametrize(
    ("within", "message"),
    [
        ("99999999999h", "is too long: the longest duration charter audits is 87,600h"),
        ("PT99999999999H", "is too long: the longest duration charter audits is 87,600h"),
        ("99999999 working days", "the most charter audits is 2,600 working days"),
        ("9" * 5000 + "h", "is too long"),
        ("9" * 5000 + " working days", "is too long"),
    ],
)
def test_durations_are_bounded(tmp_path: Path, within: str, message: str) -> None:
    charter = with_within(tmp_path, within)
    result = runner.invoke(app, ["validate", str(charter)])
    assert result.exit_code == 1, result.output
    assert f"{charter}:{ACK_LINE}:" in result.stdout and message in result.stdout
    assert len(result.stdout) < 1000  # the 5,000 digits are not quoted back
    result = runner.invoke(app, ["audit", str(charter), str(EXPORT)])
    assert result.exit_code == 2 and message in result.stderr


def test_the_longest_durations_are_valid(tmp_path: Path) -> None:
    for within in ("87600h", "2600 working days"):
        result = runner.invoke(app, ["validate", str(with_within(tmp_path, within))])
        assert result.exit_code == 0, result.output


def export(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "span.csv"
    path.write_text(
        "ticket_id,created_at,channel,priority,first_response_at,resolved_at,follow_up_at\n"
        + "\n".join(rows)
        + "\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    "rows",
    [
        ["A,1970-01-03 09:00,email,normal,,,", "B,2199-10-05 09:00,email,normal,,,"],
        ["A,2026-10-05 09:00,email,normal,,2026-10-05 11:00,2199-01-01 10:00"],
    ],
    ids=["tickets-1970-2199", "follow-up-2199"],
)
def test_a_time_span_of_two_centuries(tmp_path: Path, rows: list[str]) -> None:
    status, megabytes, said = peak(["audit", str(CHARTER), str(export(tmp_path, rows)), "-q"])
    assert status in (0, 1), said
    assert megabytes < 300


def test_a_calendar_open_one_minute_a_week(tmp_path: Path) -> None:
    rare = tmp_path / "rare.yaml"
    rare.write_text(
        "charter: 1\nname: Rare\ntimezone: UTC\n"
        'calendars:\n  rare:\n    hours: {mon: "00:00-00:01"}\n'
        "channels:\n  email: {calendar: rare}\npriorities: [normal]\n"
        "promises:\n  - id: first-reply\n    measure: first_response\n"
        "    within: 87600h\n    target: 90%\n",
        encoding="utf-8",
    )
    rows = [
        "A,2026-10-05 09:00,email,normal,2026-10-05 10:00,,",
        "B,2026-10-05 09:00,email,normal,,,",
    ]
    status, megabytes, said = peak(["audit", str(rare), str(export(tmp_path, rows)), "-q"])
    assert status in (0, 1), said
    assert megabytes < 2000


def test_a_5000_digit_number_anywhere_in_a_charter(tmp_path: Path) -> None:
    digits = "9" * 5000
    for text in (f"charter: {digits}\nname: x\n", f"charter: 1\nname: x\nfoo: !!int {digits}\n"):
        path = tmp_path / "number.yaml"
        path.write_text(text, encoding="utf-8")
        result = runner.invoke(app, ["validate", str(path)])
        assert result.exit_code == 1, result.output
        assert "[too-large] a number of 5,000 digits" in result.stdout
