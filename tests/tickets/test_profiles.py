"""One fixture per built-in profile, shaped like that vendor's real export (tests/data/exports)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from charter_cli.clock import NAT
from charter_cli.errors import InputError
from charter_cli.tickets.profile import builtin_profiles, detect_profile, load_profile
from charter_cli.tickets.read import read_tickets
from tests.conftest import DATA, ROOT

EXPORTS = DATA / "exports"


def utc(text: str | None) -> int:
    if text is None:
        return NAT
    return int(np.datetime64(text, "s").astype(np.int64))


def row(tickets, ticket_id: str) -> dict:
    frame = tickets.frame
    found = frame.loc[frame["ticket_id"] == ticket_id]
    assert len(found) == 1, ticket_id
    return found.iloc[0].to_dict()


def test_zendesk_explore_repeats_nbsp_and_derived_first_reply() -> None:
    t = read_tickets([EXPORTS / "zendesk.csv"], timezone="Europe/Stockholm")
    assert t.profile == "zendesk"
    assert (t.rows_read, t.count, t.duplicates, len(t.skipped)) == (4, 3, 1, 0)
    assert t.duplicate_examples == ["4711"]
    first = row(t, "4711")
    assert first["created_at"] == utc("2026-10-05T07:12:03")
    assert first["first_response_at"] == utc("2026-10-05T08:00:03")  # created + 48 minutes
    assert first["resolved_at"] == utc("2026-10-06T07:42:11")
    assert first["assignee"] == "Åsa Lindqvist" and first["group"] == "Kundtjänst"
    assert first["status_category"] == "solved"
    assert first["vendor_first_reply_business_minutes"] == "48"
    second = row(t, "4712")
    assert second["channel"] == "email"  # Mail → email
    assert (
        second["assignee"] is None
        or second["assignee"] != second["assignee"]
        or str(second["assignee"]) == "<NA>"
    )
    assert second["first_response_at"] == NAT  # an NBSP cell is empty
    assert second["due_at"] == utc("2026-10-27T22:59:59")  # a due date is the end of its day
    assert row(t, "4713")["channel"] == "phone"  # Voice → phone


def test_freshdesk() -> None:
    t = read_tickets([EXPORTS / "freshdesk.csv"], timezone="Europe/Oslo")
    assert t.profile == "freshdesk" and t.count == 3
    urgent = row(t, "101")
    assert urgent["first_response_at"] == utc("2026-10-05T06:20:00")
    assert urgent["closed_at"] == utc("2026-10-05T09:00:00")
    assert urgent["vendor_resolution_status"] == "Within SLA"
    pending = row(t, "102")
    assert pending["channel"] == "web form" and pending["priority"] == "normal"
    assert pending["status_category"] == "pending"
    assert row(t, "103")["status_category"] == "solved"


def test_freshservice_title_case() -> None:
    t = read_tickets([EXPORTS / "freshservice.csv"], timezone="Europe/Warsaw")
    assert t.profile == "freshservice"
    printer = row(t, "INC-7")
    assert printer["first_response_at"] == utc("2026-10-05T06:45:00")
    assert printer["priority"] == "normal" and printer["channel"] == "web form"
    assert row(t, "INC-8")["status_category"] == "open"


def test_hubspot_with_bom_and_quotes() -> None:
    t = read_tickets([EXPORTS / "hubspot.csv"], timezone="Europe/Oslo")
    assert t.profile == "hubspot"
    closed = row(t, "1844020")
    assert closed["first_response_at"] == utc("2026-10-05T08:02:00")
    assert closed["resolved_at"] == utc("2026-10-06T09:00:00")
    assert closed["vendor_first_response_sla_status"] == "Completed on time"
    waiting = row(t, "1844021")
    assert waiting["status_category"] == "pending" and waiting["priority"] == "normal"


def test_servicenow_event_log_collapses_reopen_aware() -> None:
    t = read_tickets([EXPORTS / "servicenow.csv"], timezone="Europe/Oslo")
    assert t.profile == "servicenow"
    assert (t.rows_read, t.count, t.events_folded) == (12, 3, 9)
    assert t.events is not None and len(t.events) == 12
    a = row(t, "INC0000045")
    assert a["created_at"] == utc("2016-02-29T00:16:00")  # day-first 29/2/2016 01:16 Oslo
    assert a["first_response_at"] == utc("2016-02-29T07:53:00")  # first change out of New
    assert a["resolved_at"] == utc("2016-02-29T10:29:00")
    assert a["priority"] == "moderate" and a["group"] == "Group 24"
    assert a["vendor_made_sla"] == "true"
    reopened = row(t, "INC0000047")
    assert reopened["resolved_at"] == utc("2016-03-01T08:52:00")  # the second resolution
    assert reopened["reopens"] == 1
    still_open = row(t, "INC0000048")
    assert still_open["resolved_at"] == NAT and still_open["channel"] == "web form"
    pending = t.events.loc[
        (t.events["ticket_id"] == "INC0000045") & (t.events["category"] == "pending")
    ]
    assert pending["at"].tolist() == [utc("2016-02-29T08:10:00")]


def test_jira_snake_case_utc() -> None:
    t = read_tickets([EXPORTS / "jira.csv"], timezone="Europe/Oslo")  # the profile says UTC
    assert t.profile == "jira"
    done = row(t, "SUP-1")
    assert done["created_at"] == utc("2026-10-05T07:00:00")
    assert done["channel"] == "web form" and done["priority"] == "normal"
    assert row(t, "SUP-2")["priority"] == "urgent"
    assert row(t, "SUP-2")["due_at"] == utc("2026-10-06T23:59:59")


def test_zammad_excel_report(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["#", "Title", "State", "Priority", "Group", "Owner", "Customer", "Organization",
                  "Create Channel", "Sender", "Tags", "Created At", "Updated At", "Closed At",
                  "First Response At", "Escalation At"])  # fmt: skip
    sheet.append([31001, "Passord virker ikke", "closed", "2 normal", "Users", "Nils Ødegård",
                  "Kari Å.", "Nordlys", "email", "Customer", None, datetime(2026, 10, 5, 9, 0),
                  datetime(2026, 10, 5, 11, 0), datetime(2026, 10, 5, 11, 0),
                  datetime(2026, 10, 5, 9, 40), None])  # fmt: skip
    sheet.append([31002, "Faktura", "pending reminder", "3 high", "Billing", None, "Ola", None,
                  "phone", "Agent", "faktura", datetime(2026, 10, 6, 14, 30),
                  datetime(2026, 10, 6, 15, 0), None, None, None])  # fmt: skip
    file = tmp_path / "zammad-report.xlsx"
    book.save(file)
    t = read_tickets([file], timezone="Europe/Oslo")
    assert t.profile == "zammad" and t.count == 2
    first = row(t, "31001")
    assert first["created_at"] == utc("2026-10-05T07:00:00")
    assert first["first_response_at"] == utc("2026-10-05T07:40:00")
    assert first["resolved_at"] == utc("2026-10-05T09:00:00")
    assert first["priority"] == "normal" and first["status_category"] == "closed"
    second = row(t, "31002")
    assert second["priority"] == "high" and second["status_category"] == "pending"
    assert second["source_line"] == 3


def test_every_builtin_profile_has_a_fixture() -> None:
    fixtures = {p.stem for p in [*EXPORTS.glob("*.csv"), *EXPORTS.glob("*.xlsx")]}
    assert set(builtin_profiles()) <= fixtures


@pytest.mark.parametrize("name", sorted(builtin_profiles()))
def test_every_builtin_profile_passes_the_checks_a_profile_file_gets(name: str) -> None:
    """The shipped profiles are not checked at run time (an audit would pay for the schema
    before its first file is read): every one passes the schema and the semantic checks here."""
    from charter_cli.charter.load import parse_yaml
    from charter_cli.tickets.profile import builtin_profile_text, check_profile

    doc = parse_yaml(builtin_profile_text(name), f"<builtin>/{name}.yaml", shipped=True)
    assert check_profile(doc) == []


@pytest.mark.parametrize("name", sorted(builtin_profiles()))
def test_builtin_profiles_detect_themselves(name: str) -> None:
    profile = builtin_profiles()[name]
    assert detect_profile([*list(profile.detect), "Something else"], "x.csv").profile.name == name


def test_failed_detection_names_closest_profiles() -> None:
    with pytest.raises(InputError) as info:
        detect_profile(["Ticket ID", "Created time", "Subject"], "export.csv")
    message = str(info.value)
    assert "export.csv" in message and "freshdesk (missing" in message and "--profile" in message


def test_unknown_profile_name() -> None:
    with pytest.raises(InputError, match="unknown profile 'zendeks'"):
        load_profile("zendeks")


def test_user_profile_file_for_nyc_311() -> None:
    t = read_tickets(
        [ROOT / "examples" / "nyc311" / "nyc311-2013-12-25.csv"],
        profile=str(ROOT / "examples" / "nyc311" / "profile.yaml"),
        timezone="America/New_York",
    )
    assert t.profile == "nyc311"
    assert t.rows_read == t.count + t.duplicates + len(t.skipped) == 2386
    first = row(t, "26984072")
    assert first["created_at"] == utc("2013-12-26T04:59:08")  # 12/25/2013 11:59:08 PM EST
    assert first["due_at"] == utc("2013-12-26T12:59:08")


def test_invalid_profile_file_is_reported_with_line(tmp_path: Path) -> None:
    bad = tmp_path / "mine.yaml"
    bad.write_text("profile: 1\nname: mine\ncolumns:\n  ticket_id: Id\n")
    with pytest.raises(InputError) as info:
        load_profile(str(bad))
    assert "mine.yaml:3" in str(info.value) and "created_at" in str(info.value)
