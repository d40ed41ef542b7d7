"""Real vendor exports recognised: Jira's own CSV, ServiceNow's list export (CSV names and Excel
labels) and Zendesk Explore. Each fixture in tests/data/exports is shaped like the vendor's file
(header order, extra columns, quoting, BOM, non-ASCII text); each audit figure below was worked
out by hand, as each test's docstring says."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from charter_cli.cli import app
from charter_cli.clock import NAT
from charter_cli.tickets.profile import builtin_profiles, detect_profile
from charter_cli.tickets.read import read_tickets
from charter_cli.tickets.sniff import open_export
from charter_cli.tickets.timestamps import parse_timestamps
from tests.conftest import DATA
from tests.conftest import TEMPLATES as TEMPLATE_DIR
from tests.tickets import workbooks

EXPORTS = DATA / "exports"
TEMPLATES = TEMPLATE_DIR
runner = CliRunner()


def utc(text: str | None) -> int:
    if text is None:
        return NAT
    return int(np.datetime64(text, "s").astype(np.int64))


def row(frame: pd.DataFrame, ticket_id: str) -> dict[str, object]:
    found = frame.loc[frame["ticket_id"] == ticket_id]
    assert len(found) == 1, ticket_id
    return dict(found.iloc[0].to_dict())


def fixture_of(name: str) -> Path | None:
    found = [EXPORTS / f"{name}{suffix}" for suffix in (".csv", ".xlsx")]
    return next((f for f in found if f.exists()), None)


def audit(template: str, export: Path) -> dict[str, dict[str, object]]:
    """`charter audit TEMPLATE EXPORT -f json`, promises by id (plus `_doc`: the envelope)."""
    result = runner.invoke(app, ["audit", str(TEMPLATES / template), str(export), "-f", "json"])
    assert result.exit_code in (0, 1), result.output
    doc = json.loads(result.stdout)
    out: dict[str, dict[str, object]] = {p["id"]: p for p in doc["promises"]}
    out["_doc"] = doc
    return out


def counts(promise: dict[str, object]) -> tuple[object, ...]:
    return tuple(promise[k] for k in ("applicable", "met", "breached", "running"))


@pytest.mark.parametrize("name", sorted(builtin_profiles()))
def test_every_builtin_profile_has_a_fixture_that_it_detects(name: str) -> None:
    """tests/data/exports/NAME.csv or NAME.xlsx exists for every built-in profile (the fixtures a
    template × profile matrix runs on), and detection picks exactly that profile for it."""
    file = fixture_of(name)
    assert file is not None, f"no fixture tests/data/exports/{name}.csv or .xlsx"
    export = open_export(file)
    assert detect_profile(export.names, export.path).profile.name == name


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        # Jira "current fields": whatever the issue navigator shows, after Summary and Issue key
        (["Summary", "Issue key", "Status", "Priority", "Created", "Resolved"], "jira-csv"),
        # a ServiceNow list a user trimmed to a few columns, by name and by label
        (["number", "opened_at", "state", "resolved_at"], "servicenow-list"),
        (["Number", "Opened", "State", "Resolved"], "servicenow-excel"),
        # the incident event log keeps winning when it also carries `state`: more specific
        (["number", "incident_state", "state", "sys_updated_at", "opened_at"], "servicenow"),
        (["Ticket ID", "Ticket created - Timestamp", "Tickets"], "zendesk-explore"),
        (["Ticket ID", "Create date", "Ticket status", "Ticket name"], "hubspot"),
        (["issue_key", "summary", "created", "resolution_date"], "jira"),
    ],
)
def test_detection_tells_the_exports_apart(header: list[str], expected: str) -> None:
    assert detect_profile(header, "export.csv").profile.name == expected


def test_jira_csv_export_read() -> None:
    """Jira's `03/Jun/26 4:30 PM` times in the exporting user's zone (here the charter's, London
    BST), the first response from `[CHART] Date of First Response` written ISO-style with
    milliseconds, a date-only due date at the end of its day, BOM, CRLF, repeated `Labels`,
    `Component/s`, `Watchers` and `Comment` columns, and free text with commas, quotes and
    newlines."""
    t = read_tickets([EXPORTS / "jira-csv.csv"], timezone="Europe/London")
    assert t.profile == "jira-csv"
    assert (t.rows_read, t.count, len(t.skipped), len(t.problems)) == (5, 5, 0, 0)
    p1 = row(t.frame, "SUP-1040")
    assert p1["created_at"] == utc("2026-10-05T08:00:00")  # 05/Oct/26 9:00 AM BST
    assert p1["first_response_at"] == utc("2026-10-05T08:20:00")  # 2026-10-05 09:20:00.000
    assert p1["resolved_at"] == utc("2026-10-05T10:30:00")
    assert p1["due_at"] == utc("2026-10-06T22:59:59")  # 06/Oct/26: the end of that day
    assert p1["priority"] == "urgent" and p1["status_category"] == "solved"
    assert p1["subject"] == 'Betalingsløsningen er nede, kunder får "500"'
    assert p1["assignee"] == "Øystein Bråten" and p1["type"] == "[System] Incident"
    assert p1["vendor_request_type"] == "Report a system problem"
    assert p1["vendor_time_to_first_response"] == "00:10"
    late = row(t.frame, "SUP-1041")
    assert late["created_at"] == utc("2026-10-05T15:30:00")  # 4:30 PM: the PM hour
    assert late["vendor_time_to_first_response"] == "-00:15"  # breached, in Jira's own SLA
    waiting = row(t.frame, "SUP-1042")
    assert waiting["subject"] == 'Faktura, kreditnota og "purregebyr" for september\nmå rettes'
    assert waiting["status_category"] == "pending" and waiting["priority"] == "normal"
    fresh = row(t.frame, "SUP-1043")
    assert fresh["status_category"] == "new" and fresh["first_response_at"] == NAT
    assert row(t.frame, "SUP-1044")["created_at"] == utc("2026-10-02T16:00:00")
    # the export has no channel and no team: absent fields, never guessed
    assert not {"channel", "group"} & set(builtin_profiles()["jira-csv"].columns)


def test_jira_csv_audit_by_hand() -> None:
    """saas-b2b template (Europe/London; business Mon-Fri 08:00-18:00, P1 on call 24/7; Highest
    → urgent → P1, High → P2, Medium → normal → P3, Low → P4). As of the latest instant in the
    export: SUP-1044 resolved 09/Oct/26 12:00 PM BST = 11:00Z.

    - p1-response: SUP-1040 answered 20 min after creation (≤ 30 min): met 1 of 1.
    - response: SUP-1041 (P2, 2 h) created Mon 16:30, answered Tue 08:45: 1 h 30 + 45 min =
      2 h 15 business → breached; SUP-1042 (P3, 8 h) 1 h → met; SUP-1044 (P3) created Fri 17:00,
      answered Mon 10:30: 1 h + 2 h 30 = 3 h 30 → met; SUP-1043 (P4, 2 working days from Wed
      14:00 = Fri 9 Oct 18:00) unanswered at Fri 12:00 → running. 2 met / 3 = 2/3.
    - p1-resolution: SUP-1040 resolved after 2 h 30 (≤ 4 h, 24/7): met.
    - resolution: SUP-1041 (P2, 2 working days after Mon → Wed 18:00) resolved Wed 10:00 → met;
      SUP-1044 (P3, 5 working days after Fri 2 Oct → Fri 9 Oct 18:00) resolved Fri 12:00 → met;
      SUP-1042 (P3, until Tue 13 Oct) and SUP-1043 (P4) still open → running.
    """
    promises = audit("saas-b2b.yaml", EXPORTS / "jira-csv.csv")
    doc = promises["_doc"]
    assert doc["as_of"] == "2026-10-09T11:00:00Z"
    assert doc["input"]["profile"] == "jira-csv" and doc["input"]["tickets"] == 5
    assert counts(promises["p1-response"]) == (1, 1, 0, 0)
    assert counts(promises["response"]) == (4, 2, 1, 1)
    assert promises["response"]["compliance"] == pytest.approx(2 / 3)
    assert counts(promises["p1-resolution"]) == (1, 1, 0, 0)
    assert counts(promises["resolution"]) == (4, 2, 0, 2)


def test_jira_site_with_another_date_format_stops_with_one_message(tmp_path: Path) -> None:
    """A site set to `dd.MM.yyyy HH:mm` is not this profile's format: exit 2, one line naming
    the column and the first value, no traceback."""
    text = (EXPORTS / "jira-csv.csv").read_text(encoding="utf-8-sig")
    file = tmp_path / "jira-dotted.csv"
    file.write_text(
        text.replace("05/Oct/26 9:00 AM", "05.10.2026 09:00")
        .replace("05/Oct/26 4:30 PM", "05.10.2026 16:30")
        .replace("06/Oct/26 10:00 AM", "06.10.2026 10:00")
        .replace("07/Oct/26 2:00 PM", "07.10.2026 14:00")
        .replace("02/Oct/26 5:00 PM", "02.10.2026 17:00"),
        encoding="utf-8-sig",
    )
    result = runner.invoke(app, ["audit", str(TEMPLATES / "saas-b2b.yaml"), str(file)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "column 'Created'" in lines[0] and "05.10.2026 09:00" in lines[0]


@pytest.mark.parametrize("month", range(1, 13))
def test_jira_month_abbreviations_and_two_digit_years(month: int) -> None:
    """`%b` reads every English month abbreviation; `%y` puts 26 in 2026 and 99 in 1999."""
    name = pd.Timestamp(2026, month, 1).strftime("%b")
    values = pd.Series([f"09/{name}/26 12:05 AM", f"09/{name}/99 12:05 PM"], dtype="string")
    parsed = parse_timestamps(values, builtin_profiles()["jira-csv"].formats, "UTC")
    assert parsed.seconds.tolist() == [
        utc(f"2026-{month:02d}-09T00:05:00"),
        utc(f"1999-{month:02d}-09T12:05:00"),
    ]
    assert not parsed.bad.any()


def test_servicenow_list_csv_read() -> None:
    """Field names, display values, every value quoted, system date format in the user's zone
    (the charter's, Stockholm CEST)."""
    t = read_tickets([EXPORTS / "servicenow-list.csv"], timezone="Europe/Stockholm")
    assert t.profile == "servicenow-list"
    assert (t.rows_read, t.count, len(t.skipped)) == (7, 7, 0)
    first = row(t.frame, "INC0010023")
    assert first["created_at"] == utc("2026-10-05T06:00:00")
    assert first["resolved_at"] == utc("2026-10-05T09:00:00")
    assert first["closed_at"] == utc("2026-10-08T09:00:00")
    assert first["priority"] == "critical" and first["channel"] == "Email"
    assert first["status_category"] == "closed" and first["group"] == "Network"
    assert first["vendor_made_sla"] == "true"
    assert row(t.frame, "INC0010025")["channel"] == "web form"  # Self-service
    on_hold = row(t.frame, "INC0010026")
    assert on_hold["status_category"] == "on-hold" and on_hold["reopens"] == 1
    assert (
        on_hold["subject"] == 'Outlook kraschar när jag öppnar "Kalender", igen\nSkärmdump bifogad'
    )
    assert row(t.frame, "INC0010028")["priority"] == "planning"
    canceled = row(t.frame, "INC0010029")
    assert canceled["status_category"] == "closed" and canceled["resolved_at"] == NAT
    # no first-response column: ServiceNow measures it with task SLAs, not on the incident
    assert "first_response_at" not in builtin_profiles()["servicenow-list"].columns


def test_servicenow_list_audit_by_hand() -> None:
    """it-service-desk template (Europe/Stockholm; office Mon-Fri 07:30-12:00 and
    13:00-16:30; critical incidents 24/7). As of the latest instant: INC0010027 resolved Fri 9 Oct
    15:00 CEST = 13:00Z.

    - critical-restore (4 h, 24/7): INC0010023 08:00 → 11:00, 3 h → met; INC0010024 20:00 →
      01:30, 5 h 30 → breached: 1 of 2.
    - resolution (high 8 h, moderate 3, low 5, planning 20 working days): INC0010025 (high) Mon
      15:00 → Tue 10:00: 1 h 30 + 2 h 30 = 4 h → met; INC0010026 (moderate) Thu 1 Oct, deadline
      Tue 6 Oct 16:30, still on hold on 9 Oct (no status history, so no pause) → breached;
      INC0010027 (low) Fri 2 Oct → Fri 9 Oct 16:30, resolved 15:00 → met; INC0010028 (planning)
      new → running; INC0010029 (moderate) canceled 30 min after opening, no resolved_at, so
      closed_at counts → met. 3 met, 1 breached, 1 running.
    """
    promises = audit("it-service-desk.yaml", EXPORTS / "servicenow-list.csv")
    assert promises["_doc"]["as_of"] == "2026-10-09T13:00:00Z"
    assert counts(promises["critical-restore"]) == (2, 1, 1, 0)
    assert counts(promises["resolution"]) == (5, 3, 1, 1)
    assert promises["resolution"]["compliance"] == 0.75


def test_servicenow_excel_is_the_same_list_with_labels() -> None:
    """The same seven incidents exported to Excel (labels, date cells): the same tickets and the
    same audit as the CSV export."""
    xlsx = read_tickets([EXPORTS / "servicenow-excel.xlsx"], timezone="Europe/Stockholm")
    csv = read_tickets([EXPORTS / "servicenow-list.csv"], timezone="Europe/Stockholm")
    assert xlsx.profile == "servicenow-excel"
    fields = ["ticket_id", "created_at", "resolved_at", "closed_at", "priority", "channel",
              "status_category", "group", "assignee", "subject", "reopens"]  # fmt: skip
    pd.testing.assert_frame_equal(
        xlsx.frame[fields].astype(str), csv.frame[fields].astype(str), check_dtype=False
    )
    by_label = audit("it-service-desk.yaml", EXPORTS / "servicenow-excel.xlsx")
    by_name = audit("it-service-desk.yaml", EXPORTS / "servicenow-list.csv")
    for promise in ("critical-restore", "resolution"):
        assert counts(by_label[promise]) == counts(by_name[promise])


def test_zendesk_explore_read() -> None:
    """Explore's attribute and metric names, `2026-10-05T09:12:03` in the account's zone (the
    charter's, Berlin CEST), `NULL` for empty attributes, one row per tag merged into one
    ticket, and the first reply derived from `First reply time (min)`."""
    t = read_tickets([EXPORTS / "zendesk-explore.csv"], timezone="Europe/Berlin")
    assert t.profile == "zendesk-explore"
    assert (t.rows_read, t.count, t.duplicates, len(t.skipped)) == (6, 5, 1, 0)
    first = row(t.frame, "50231")
    assert first["created_at"] == utc("2026-10-05T07:12:03")
    assert first["first_response_at"] == utc("2026-10-05T08:00:03")  # + 48 min
    assert first["resolved_at"] == utc("2026-10-06T09:00:00")
    assert first["channel"] == "Email" and first["status_category"] == "solved"
    assert first["assignee"] == "Åsa Lindqvist"
    assert first["vendor_first_reply_business_minutes"] == "48"
    chat = row(t.frame, "50232")
    assert chat["channel"] == "Chat" and chat["status_category"] == "pending"
    assert chat["subject"] == "Größe passt nicht –\numtauschen?"
    assert row(t.frame, "50233")["channel"] == "phone" and row(t.frame, "50233")["reopens"] == 1
    web = row(t.frame, "50234")
    assert web["channel"] == "web form" and web["first_response_at"] == NAT
    assert pd.isna(web["group"]) and pd.isna(web["assignee"])  # NULL
    assert web["due_at"] == utc("2026-10-13T22:00:00")
    assert row(t.frame, "50235")["channel"] == "social"  # Facebook


def test_zendesk_explore_audit_by_hand() -> None:
    """online-shop template (Europe/Berlin; e-mail and phone in office hours Mon-Fri 09-17, Sat
    10-14; chat and social 09-21 every day; German holidays). As of the latest instant: 50233
    solved Thu 8 Oct 10:00 CEST = 08:00Z.

    - first-reply (urgent 1 h, high 2 h, normal 4 h, low 8 h): 50231 (e-mail, normal) 48 min →
      met; 50232 (chat, high) 1 min → met; 50233 (phone, urgent) created Tue 16:30, replied 95
      calendar minutes later, 30 business minutes → met; 50235 (Facebook → social, normal)
      created Sat 3 Oct, German Unity Day: the evenings calendar is closed, 0 business minutes
      (as Zendesk's own business-hours metric says) → met; 50234 (web form → e-mail, low) created
      Wed 11:00, unanswered, deadline Thu 11:00 → running. 4 met, 1 running.
    - chat-reply (2 min): 50232 → met.
    - resolution (urgent 1, high 2, normal 3, low 5 working days): 50231 solved next day → met;
      50232 (chat, high) pending, deadline Wed 7 Oct 21:00 → breached; 50233 (urgent) deadline
      Wed 7 Oct 17:00, solved Thu 10:00 → breached; 50235 (social) solved Mon 5 Oct, deadline
      Tue 6 Oct 21:00 → met; 50234 open → running.
    """
    promises = audit("online-shop.yaml", EXPORTS / "zendesk-explore.csv")
    doc = promises["_doc"]
    assert doc["as_of"] == "2026-10-08T08:00:00Z"
    assert (doc["input"]["rows"], doc["input"]["tickets"], doc["input"]["duplicates"]) == (6, 5, 1)
    assert counts(promises["first-reply"]) == (5, 4, 0, 1)
    assert counts(promises["chat-reply"]) == (1, 1, 0, 0)
    assert counts(promises["resolution"]) == (5, 2, 2, 1)


@pytest.mark.parametrize("name", sorted(workbooks.RECIPES))
def test_committed_workbooks_match_their_recipe(name: str) -> None:
    """The .xlsx fixtures hold exactly what tests/tickets/workbooks.py says (rewrite them with
    `python -m tests.tickets.workbooks`)."""
    assert workbooks.read(EXPORTS / name) == workbooks.RECIPES[name]()


def test_zammad_fixture() -> None:
    t = read_tickets([EXPORTS / "zammad.xlsx"], timezone="Europe/Oslo")
    assert t.profile == "zammad" and t.count == 3
    assert row(t.frame, "31003")["first_response_at"] == utc("2026-10-07T08:00:00")


def test_generic_fixture_has_every_canonical_column() -> None:
    t = read_tickets([EXPORTS / "generic.csv"], timezone="Europe/Oslo")
    assert t.profile == "generic" and t.count == 4 and t.missing_fields == ()
    assert row(t.frame, "T-1003")["escalation_level"] == "specialists"
    assert row(t.frame, "T-1001")["due_at"] == utc("2026-10-09T21:59:59")


def test_profiles_command_lists_every_profile_in_one_column() -> None:
    result = runner.invoke(app, ["profiles"])
    assert result.exit_code == 0
    lines = result.stdout.split("\n\n")[0].splitlines()  # the list, before the closing hint
    names = sorted(builtin_profiles())
    width = max(map(len, names)) + 1
    titles = [ln for ln in lines if not ln.startswith(" ")]
    assert sorted(ln[:width].strip() for ln in titles) == names
    assert all(ln[width - 1] == " " and ln[width] != " " for ln in titles)
    assert all(ln.startswith(" " * width + "detected by: ") for ln in lines if ln.startswith(" "))
