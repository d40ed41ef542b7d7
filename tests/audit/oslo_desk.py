"""The charter head the hand-computed lifecycle, OLA and conversation tests share: an Oslo
desk open Mon–Fri 08–16 and Sunday 00–04 (so the nights the clocks change count), closed on
27 October 2026, with two priorities. Each test module adds its own promises; and the two
helpers they share to write the files and read the per-ticket CSV."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from typer.testing import CliRunner

from charter_cli.cli import app

runner = CliRunner()

HEAD = """\
charter: 1
name: Ærlig Støtte AS
timezone: Europe/Oslo
calendars:
  office:
    hours: {mon-fri: "08:00-16:00", sun: "00:00-04:00"}
    holidays: {dates: ["2026-10-27"]}
channels:
  e-post: {calendar: office}
priorities: [urgent, normal]
"""


def write(folder: Path, **files: str) -> dict[str, Path]:
    """Each named text as a UTF-8 file in `folder`, by name."""
    out = {}
    for name, text in files.items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        out[name] = path
    return out


def pairs(folder: Path, charter: Path, tickets: Path, *extra: str) -> list[dict[str, str]]:
    """The per-ticket CSV of `charter audit` (its rows as dicts)."""
    out = folder / "pairs.csv"
    result = runner.invoke(app, ["audit", str(charter), str(tickets), "-q", "-o", str(out), *extra])
    assert result.exit_code in (0, 1), result.output
    return list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
