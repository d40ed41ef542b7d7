"""Profiles are checked like charters (issue 12, DESIGN §11.2), and mistakes in them end in one
precise error (file:line and a suggestion), never in figures. The export is shaped like Boston's
311 open data (upper-case names, `;`-separated as a European Excel saves it, a BOM, free text
with commas and quotes)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from charter_cli.cli import app
from charter_cli.fields import reference
from charter_cli.tickets.profile import builtin_profiles
from tests.conftest import PROFILES as PROFILE_DIR
from tests.conftest import ROOT
from tests.conftest import TEMPLATES as TEMPLATE_DIR

runner = CliRunner()
EXPORT = (
    "\ufeffCASE_ENQUIRY_ID;OPEN_DT;SLA_TARGET_DT;CLOSED_DT;ON_TIME;CASE_STATUS;CASE_TITLE;SUBJECT;QUEUE;SOURCE\n"
    "101004113;2026-03-02 08:13:00;2026-03-04 08:30:00;2026-03-02 10:00:00;ONTIME;Closed;"
    '"Pothole, large; ""dangerous"" says caller";Public Works Department;PWDx_District 1A;Constituent Call\n'
    "101004114;2026-03-02 09:00:00;2026-03-03 09:00:00;;OVERDUE;Open;Graffiti på muren – Åsa;"
    "Property Management;PROP_GRAF;Citizens Connect App\n"
    '101004115;2026-03-02 11:30:00;;2026-03-06 09:30:00;ONTIME;Closed;"Street light out\nat the corner";'
    "Public Works Department;PWDx_Street Lights;Self Service\n"
)
PROFILE = """\
profile: 1
name: boston311
title: Boston 311 service requests
columns:
  ticket_id: CASE_ENQUIRY_ID
  created_at: OPEN_DT
  resolved_at: CLOSED_DT
  due_at: SLA_TARGET_DT
  status: CASE_STATUS
  channel: SOURCE
  group: QUEUE
  subject: CASE_TITLE
timestamps:
  formats: [iso]
  timezone: America/New_York
statuses:
  open: [Open]
  closed: [Closed]
"""
CHARTER = """\
charter: 1
name: Boston 311
timezone: America/New_York
calendars:
  office: {hours: {mon-fri: "08:00-17:00"}}
channels:
  constituent call: {}
  citizens connect app: {}
  self service: {}
promises:
  - id: first-reply
    measure: first_response
    within: 4h
    target: 90%
  - id: resolution
    measure: resolution
    within: 3 working days
    target: 80%
  - id: keep-the-date
    measure: due_date
    target: 90%
"""


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path, Path]:
    export = tmp_path / "311.csv"
    export.write_text(EXPORT, encoding="utf-8")
    profile = tmp_path / "profile.yaml"
    profile.write_text(PROFILE, encoding="utf-8")
    charter = tmp_path / "charter.yaml"
    charter.write_text(CHARTER, encoding="utf-8")
    return charter, export, profile


def audit(charter: Path, export: Path, profile: Path, *more: str) -> tuple[int, str]:
    result = runner.invoke(
        app, ["audit", str(charter), str(export), "--profile", str(profile), *more]
    )
    return result.exit_code, result.output


def test_the_profile_as_written_audits(files: tuple[Path, Path, Path]) -> None:
    charter, export, profile = files
    code, out = audit(charter, export, profile, "--format", "json")
    assert code in (0, 1), out
    doc = {p["id"]: p for p in json.loads(out)["promises"]}
    # no first_response_at mapped: not measurable, never "0 % FAIL, all late"
    reply = doc["first-reply"]
    assert (reply["met"], reply["breached"], reply["unmeasurable"]) == (0, 0, 3)
    assert reply["notes"] == ["the export has no first_response_at column"]
    assert reply["compliance"] is None and reply["passed"] is None
    # resolution read from CLOSED_DT, said so; closed_at is not mapped and not used
    assert doc["resolution"]["fields"]["resolved_at"] == "CLOSED_DT"
    assert "closed_at" not in doc["resolution"]["fields"]
    # 101004113 closed 1h47m after opening (met); 101004115, opened Monday, had until the close
    # of the third working day after (Thursday 17:00) and was closed Friday 09:30 (breached);
    # 101004114, opened Monday 09:00, is still open at the as-of time (Friday 09:30, the latest
    # instant), past its Thursday-close deadline (breached)
    assert (doc["resolution"]["met"], doc["resolution"]["breached"]) == (1, 2)
    assert doc["keep-the-date"]["applicable"] == 2


def test_misspelt_column_with_a_close_header_name(files: tuple[Path, Path, Path]) -> None:
    charter, export, profile = files
    profile.write_text(PROFILE.replace("resolved_at: CLOSED_DT", "resolved_at: CLOSE_DT"))
    code, out = audit(charter, export, profile)
    assert code == 2
    assert f"{profile}:7: profile boston311 maps resolved_at to column 'CLOSE_DT'" in out
    assert "did you mean 'CLOSED_DT'?" in out
    assert "Traceback" not in out


def test_a_mapped_column_with_no_close_name_is_absent(files: tuple[Path, Path, Path]) -> None:
    charter, export, profile = files
    profile.write_text(PROFILE.replace("resolved_at: CLOSED_DT", "resolved_at: Solved"))
    code, out = audit(charter, export, profile, "--format", "json")
    assert code in (0, 1), out
    doc = json.loads(out)
    resolution = {p["id"]: p for p in doc["promises"]}["resolution"]
    # resolved_at absent and closed_at never mapped: not judged against anything
    assert (resolution["met"], resolution["breached"], resolution["running"]) == (0, 0, 0)
    assert resolution["notes"] == ["the export has no resolved_at or closed_at column"]
    assert "the export has no column for resolved_at" in doc["data_quality"]["notes"]


@pytest.mark.parametrize(
    ("edit", "line", "said"),
    [
        (
            ("due_at: SLA_TARGET_DT", "due_date: SLA_TARGET_DT"),
            8,
            "unknown key 'due_date' (did you mean 'due_at'?)",
        ),
        (
            ("status: CASE_STATUS", "statsu: CASE_STATUS"),
            9,
            "unknown key 'statsu' (did you mean 'status'?)",
        ),
        (
            ("channel: SOURCE", "priorty: SOURCE"),
            10,
            "unknown key 'priorty' (did you mean 'priority'?)",
        ),
        (
            ("America/New_York", "America/New_Yrok"),
            15,
            "'America/New_Yrok' is not an IANA time zone (did you mean 'America/New_York'?)",
        ),
        (
            ("formats: [iso]", "formats: [isoo]"),
            14,
            "unknown timestamp format 'isoo' (did you mean 'iso'?)",
        ),
        (
            ("  open: [Open]", "  opne: [Open]"),
            17,
            "'opne' is not a valid name here (did you mean 'open'?)",
        ),
    ],
    ids=[
        "unknown-canonical-key",
        "key-typo",
        "priority-typo",
        "bad-zone",
        "bad-format",
        "bad-category",
    ],
)
def test_profile_mistakes_exit_2_with_line_and_suggestion(
    files: tuple[Path, Path, Path], edit: tuple[str, str], line: int, said: str
) -> None:
    charter, export, profile = files
    profile.write_text(PROFILE.replace(*edit))
    code, out = audit(charter, export, profile)
    assert code == 2, out
    assert out.startswith(f"error: {profile}:{line}:"), out
    assert said in out
    assert "Traceback" not in out and len(out.strip().splitlines()) == 1
    # `charter validate` says the same, as a finding of the profile (exit 1: invalid)
    result = runner.invoke(app, ["validate", str(profile)])
    assert result.exit_code == 1
    assert f"{profile}:{line}:" in result.output and said in result.output


def test_validate_knows_a_profile_and_every_builtin_is_valid(
    files: tuple[Path, Path, Path],
) -> None:
    _, _, profile = files
    result = runner.invoke(app, ["validate", str(profile)])
    assert result.exit_code == 0
    assert result.output.startswith(f"{profile}: ok (export profile)")
    folder = PROFILE_DIR
    result = runner.invoke(app, ["validate", str(folder)])
    assert result.exit_code == 0, result.output
    assert result.output.count("ok (export profile)") == len(builtin_profiles())


def test_a_profile_given_as_the_charter_is_said_to_be_one(files: tuple[Path, Path, Path]) -> None:
    _, export, profile = files
    result = runner.invoke(app, ["audit", str(profile), str(export)])
    assert result.exit_code == 2
    assert "this is an export profile, not a charter: pass it with --profile" in result.output


def test_event_log_profile_without_reopens(tmp_path: Path) -> None:
    log = tmp_path / "log.csv"
    log.write_text(
        "number,state,updated,opened\n"
        "INC1,New,2026-03-02 08:00:00,2026-03-02 08:00:00\n"
        "INC1,In Progress,2026-03-02 09:00:00,2026-03-02 08:00:00\n"
        "INC1,Resolved,2026-03-02 12:00:00,2026-03-02 08:00:00\n"
        "INC1,In Progress,2026-03-03 09:00:00,2026-03-02 08:00:00\n"
        "INC1,Resolved,2026-03-03 10:00:00,2026-03-02 08:00:00\n",
        encoding="utf-8",
    )
    profile = tmp_path / "log.yaml"
    profile.write_text(
        "profile: 1\nname: log\nlayout: event-log\nevent_log: {at: updated}\n"
        "columns: {ticket_id: number, created_at: opened, status: state}\n"
        "statuses: {new: [New], open: [In Progress], solved: [Resolved]}\n",
        encoding="utf-8",
    )
    charter = tmp_path / "c.yaml"
    charter.write_text(CHARTER.replace("constituent call: {}", "phone: {}"), encoding="utf-8")
    code, out = audit(charter, log, profile, "--format", "json")
    assert code in (0, 1), out
    doc = {p["id"]: p for p in json.loads(out)["promises"]}
    assert doc["resolution"]["fields"]["resolved_at"] == "the change into a resolved state"
    assert doc["resolution"]["met"] == 1  # resolved again the next morning, within 3 working days


def test_profiles_show_prints_a_builtin_to_copy() -> None:
    result = runner.invoke(app, ["profiles", "show", "zendesk"])
    assert result.exit_code == 0
    assert result.output.startswith("# Zendesk")  # the comments come along
    assert yaml.safe_load(result.output)["name"] == "zendesk"
    result = runner.invoke(app, ["profiles", "show", "zendsk"])
    assert result.exit_code == 2
    assert "did you mean 'zendesk'?" in result.output
    assert "show NAME" in runner.invoke(app, ["profiles"]).output


def test_fields_reference_is_the_docs_page() -> None:
    result = runner.invoke(app, ["fields"])
    assert result.exit_code == 0
    assert result.output == reference()
    docs = (ROOT / "docs" / "fields.md").read_text(encoding="utf-8")
    assert docs == reference(), "docs/fields.md is `charter fields > docs/fields.md`"
    for name in ("acknowledged_at", "first_response_at", "escalation_level", "reopens"):
        assert f"| `{name}` |" in docs


def test_validate_with_a_profile_says_what_it_cannot_measure() -> None:
    shop = TEMPLATE_DIR / "online-shop.yaml"
    result = runner.invoke(app, ["validate", "--profile", "zendesk", str(shop)])
    assert result.exit_code == 0
    assert "warning [profile-lacks-field] auto-ack: profile zendesk maps no acknowledged_at" in (
        result.output
    )
    assert (
        runner.invoke(app, ["validate", "--strict", "--profile", "zendesk", str(shop)]).exit_code
        == 1
    )
    assert runner.invoke(app, ["validate", "--profile", "generic", str(shop)]).exit_code == 0


def test_validate_with_a_profile_checks_pause_statuses(tmp_path: Path) -> None:
    charter = tmp_path / "c.yaml"
    charter.write_text(
        CHARTER.replace(
            "within: 3 working days",
            "within: 3 working days\n    pause_when: [Waiting on contact, Wating on us]",
        ),
        encoding="utf-8",
    )
    plain = runner.invoke(app, ["validate", str(charter)])
    assert plain.exit_code == 0 and plain.output.count("unknown-status") == 2
    result = runner.invoke(app, ["validate", "--profile", "hubspot", str(charter)])
    assert result.exit_code == 1, result.output
    assert "[unknown-status]" not in result.output
    assert (
        "'Wating on us' is neither a status category nor a status of profile hubspot"
        in result.output
    )
    assert "'Waiting on contact'" not in result.output  # HubSpot's own status


def test_top_zero_lists_no_breaches() -> None:
    result = runner.invoke(
        app,
        [
            "audit",
            str(ROOT / "charters" / "examples" / "nordlys-nettbutikk.yaml"),
            str(ROOT / "charters" / "examples" / "nordlys-tickets-2026.csv"),
            "--top",
            "0",
        ],
    )
    assert result.exit_code == 1, result.output
    assert "Worst" not in result.output and "internal error" not in result.output


def test_the_documented_profile_is_valid_and_reads_its_export(tmp_path: Path) -> None:
    from charter_cli.tickets.read import read_tickets

    readme = (ROOT / "docs" / "profiles.md").read_text(encoding="utf-8")
    section = readme.split("## Writing a profile", 1)[1]
    block = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    profile = tmp_path / "my-profile.yaml"
    profile.write_text("\n".join(line[3:] for line in block.splitlines()) + "\n")
    assert runner.invoke(app, ["validate", str(profile)]).exit_code == 0
    export = tmp_path / "311.csv"
    export.write_text(EXPORT, encoding="utf-8")
    tickets = read_tickets([export], profile=str(profile), timezone="UTC")
    assert tickets.frame["channel"].astype(str).tolist()[:2] == ["phone", "app"]
    assert "first_response_at" in tickets.missing_fields
    assert tickets.fields["resolved_at"] == "CLOSED_DT"


def test_validate_with_a_profile_counts_messages_as_the_first_response(tmp_path: Path) -> None:
    """A profile that reads conversations but maps no first-response column: the messages
    give the first response (an event log's own; a ticket export's with --events)."""
    shop = TEMPLATE_DIR / "online-shop.yaml"
    base = {
        "profile": 1,
        "name": "helpdesk-samtaler",
        "columns": {
            "ticket_id": "Sak",
            "created_at": "Opprettet",
            "channel": "Kanal",
            "status": "Status",
            "priority": "Prioritet",
            "resolved_at": "Løst",
            "author": "Avsender",
        },
    }
    tickets = tmp_path / "tickets.yaml"
    tickets.write_text(yaml.safe_dump({**base, "layout": "tickets"}, allow_unicode=True), "utf-8")
    result = runner.invoke(app, ["validate", "--profile", str(tickets), str(shop)])
    assert result.exit_code == 0, result.output
    line = next(ln for ln in result.output.splitlines() if "first_response_at" in ln)
    assert "unless their messages are given with --events" in line
    log = tmp_path / "log.yaml"
    log.write_text(
        yaml.safe_dump(
            {**base, "layout": "event-log", "event_log": {"at": "Tidspunkt"}}, allow_unicode=True
        ),
        "utf-8",
    )
    result = runner.invoke(app, ["validate", "--profile", str(log), str(shop)])
    assert result.exit_code == 0, result.output
    assert "first_response_at" not in result.output
    without = {**base, "columns": {k: v for k, v in base["columns"].items() if k != "author"}}
    plain = tmp_path / "plain.yaml"
    plain.write_text(yaml.safe_dump({**without, "layout": "tickets"}, allow_unicode=True), "utf-8")
    result = runner.invoke(app, ["validate", "--profile", str(plain), str(shop)])
    line = next(ln for ln in result.output.splitlines() if "first_response_at" in ln)
    assert "--events" not in line
