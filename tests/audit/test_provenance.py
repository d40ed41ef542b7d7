"""Field provenance (issue 12): a promise is never met or breached on a field the export does
not have. The fields each promise reads are worked out here from the charter's YAML, and the
fields each export has from its header and the profile's YAML, independently of the audit."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from charter_cli.cli import app
from tests.conftest import DATA, ROOT
from tests.conftest import PROFILES as PROFILE_DIR
from tests.conftest import TEMPLATES as TEMPLATE_DIR

runner = CliRunner()
TEMPLATES = sorted(TEMPLATE_DIR.glob("*.yaml"))
assert TEMPLATES, f"no templates in {TEMPLATE_DIR}"  # an empty matrix would pass for nothing
PROFILES = sorted((PROFILE_DIR).glob("*.yaml"))
EXAMPLE = ROOT / "charters" / "examples" / "nordlys-tickets-2026.csv"
FROM_TO = {
    "acknowledgement": ["created_at", "acknowledged_at"],
    "first_response": ["created_at", "first_response_at"],
    "resolution": ["created_at", "resolved_at"],
    "due_date": ["due_at", "resolved_at"],
    "follow_up": ["resolved_at", "follow_up_at"],
    "next_reply": ["created_at"],  # and messages
    "periodic_update": ["created_at", "resolved_at"],  # and messages
}


def fixture_for(name: str) -> Path:
    if name == "generic":
        return EXAMPLE
    found = sorted(p for p in (DATA / "exports").glob(f"{name}.*") if p.suffix != ".md")
    assert found, f"every built-in profile has a fixture: none for {name} in tests/data/exports"
    return found[0]


def header(path: Path) -> set[str]:
    if path.suffix == ".xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True)
        try:
            first = next(book.worksheets[0].iter_rows(max_row=1, values_only=True))
        finally:
            book.close()
        return {" ".join(str(c).casefold().split()) for c in first if c is not None}
    text = path.read_bytes().decode("utf-8-sig")
    dialect = csv.Sniffer().sniff(text.splitlines()[0], delimiters=",;\t|")
    row = next(csv.reader(io.StringIO(text), dialect))
    return {" ".join(c.casefold().split()) for c in row}


def present_fields(profile: dict[str, Any], names: set[str]) -> set[str]:
    def has(column: str | list[str] | dict[str, Any]) -> bool:
        if isinstance(column, dict):  # `{not: COLUMN}`
            column = column["not"]
        options = column if isinstance(column, list) else [column]
        return any(" ".join(o.casefold().split()) in names for o in options)

    out = {f for f, col in profile["columns"].items() if has(col)}
    for f, spec in (profile.get("derive") or {}).items():
        if spec["from"] in out and has(spec["add_minutes"]):
            out.add(f)
    if profile.get("layout") == "event-log" and "status" in out:
        out |= {"resolved_at", "first_response_at", "reopens"}
    return out


def reads(spec: dict[str, Any], charter: dict[str, Any], escalation: bool) -> list[set[str]]:
    """What a promise reads: each set is one need, met by any of its fields."""
    if escalation:
        needs = [{"created_at"}, {"resolved_at", "closed_at"}]
    else:
        measure = spec["measure"]
        fields = [measure["from"], measure["to"]] if isinstance(measure, dict) else FROM_TO[measure]
        needs = [{f, "closed_at"} if f == "resolved_at" else {f} for f in fields]
    needs += [{k} for k in spec.get("where") or {}]
    if isinstance(spec.get("within", spec.get("after")), dict):
        needs.append({"priority"})
    first = next(iter(charter["calendars"]))
    calendars = {(c or {}).get("calendar", first) for c in charter["channels"].values()}
    if "calendar" not in spec and calendars != {first}:
        needs.append({"channel"})
    return needs


@pytest.mark.parametrize("profile_file", PROFILES, ids=lambda p: p.stem)
@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.stem)
def test_no_verdict_on_a_field_the_export_lacks(template: Path, profile_file: Path) -> None:
    profile = yaml.safe_load(profile_file.read_text(encoding="utf-8"))
    charter = yaml.safe_load(template.read_text(encoding="utf-8"))
    export = fixture_for(profile["name"])
    have = present_fields(profile, header(export))
    result = runner.invoke(
        app,
        ["audit", str(template), str(export), "--profile", profile["name"], "--format", "json"],
    )
    assert result.exit_code in (0, 1), result.output
    doc = {p["id"]: p for p in json.loads(result.stdout)["promises"]}
    specs = [(s["id"], s, False) for s in charter["promises"]]
    specs += [
        (f"escalation-{i}", r, True)
        for i, r in enumerate((charter.get("escalation") or {}).get("rules") or [], start=1)
    ]
    judged_without = 0
    for pid, spec, escalation in specs:
        got = doc[pid]
        lacking = [n for n in reads(spec, charter, escalation) if not n & have]
        if escalation and not ({"escalation_level", "escalated_at"} <= have):
            history = profile.get("layout") == "event-log" and "group" in have
            if not history:
                lacking.append({"escalation_level"})
        if not lacking:
            continue
        judged_without += 1
        assert (got["met"], got["breached"], got["running"]) == (0, 0, 0), (pid, lacking, got)
        assert got["unmeasurable"] == got["applicable"], (pid, got)
        if got["applicable"] == 0:
            continue  # its filter selects no ticket: nothing judged, nothing to explain
        named = " ".join(got["notes"])
        assert any(sorted(need)[0] in named or "escalation" in named for need in lacking), (
            pid,
            lacking,
            got["notes"],
        )
    # not vacuous: the online shop's auto-ack needs an acknowledgement none of these exports has
    if template.stem == "online-shop" and profile["name"] in (
        "zendesk",
        "freshdesk",
        "hubspot",
        "zammad",
    ):
        assert judged_without > 0
        assert doc["auto-ack"]["unmeasurable"] > 0
