"""Who a promise covers: `where` on any field, tags and custom fields, `{not: [...]}`, the
charter's `exclude`, first-match policy groups, `in_force` dates, coverage, and breakdowns by any
field. Every expected number is worked out by hand in the comments."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from charter_cli.audit import audit
from charter_cli.charter import load_charter
from charter_cli.charter.model import InForce, Promise
from charter_cli.cli import app
from charter_cli.drafting.diff import REPLACED, compare
from charter_cli.drafting.render import render_markdown
from charter_cli.selection import in_force_mask, local_midnight, ticket_key
from charter_cli.tickets.read import read_tickets
from tests.conftest import DATA, PROFILES

runner = CliRunner()
SELECTORS = DATA / "exports" / "selectors"
ZENDESK = SELECTORS / "zendesk-tiers.csv"
ZENDESK_PROFILE = SELECTORS / "zendesk-tiers-profile.yaml"
ZENDESK_CHARTER = DATA / "charters" / "audit" / "zendesk-tiers.yaml"

HEAD = """charter: 1
name: Selektortest
timezone: Europe/Oslo
calendars:
  always: 24/7
channels:
  email: {}
  chat: {}
  phone: {}
priorities: [urgent, high, normal, low]
"""

# Eight tickets, 24/7, every reply time in whole minutes after creation. The tags column is
# comma-separated (the generic profile); `tier` is a custom column mapped by the profile below.
TICKETS = """ticket_id,created_at,channel,priority,status,group,type,first_response_at,tags,tier
A1,2026-10-05 09:00,email,normal,solved,Kundeservice,question,2026-10-05 09:30,"vip, faktura",premium
A2,2026-10-05 09:00,email,high,pending,Kundeservice,complaint,2026-10-05 11:00,,standard
A3,2026-10-05 09:00,chat,normal,open,Teknisk support,question,2026-10-05 09:05,vip,premium
A4,2026-10-05 09:00,chat,low,on hold,Teknisk support,incident,2026-10-05 09:20,spam,
A5,2026-10-05 09:00,phone,urgent,solved,Kundeservice,complaint,2026-10-05 13:00,"retur,Faktura",gold
A6,2026-10-05 09:00,phone,normal,closed,Fakturering,question,2026-10-05 09:10,merged,standard
A7,2026-10-05 09:00,email,low,new,Fakturering,Complaint,,,Premium
A8,2026-10-05 09:00,chat,high,solved,Kundeservice,question,2026-10-05 10:00,Ødelagt vare,gold
"""
PROFILE = """profile: 1
name: generic-tier
detect: [ticket_id, created_at]
tag_separator: ","
columns:
  ticket_id: ticket_id
  created_at: created_at
  channel: channel
  priority: priority
  status: status
  group: group
  type: type
  first_response_at: first_response_at
  tags: tags
custom:
  tier: tier
timestamps:
  formats: [iso]
statuses:
  new: [new]
  open: [open]
  pending: [pending]
  on-hold: [on hold]
  solved: [solved]
  closed: [closed]
"""


def write(tmp_path: Path, promises: str, extra: str = "") -> tuple[Path, Path, Path]:
    charter = tmp_path / "charter.yaml"
    charter.write_text(HEAD + extra + "promises:\n" + promises, encoding="utf-8")
    export = tmp_path / "tickets.csv"
    export.write_text(TICKETS, encoding="utf-8")
    profile = tmp_path / "profile.yaml"
    profile.write_text(PROFILE, encoding="utf-8")
    return charter, export, profile


def run(tmp_path: Path, promises: str, extra: str = "", *args: str) -> tuple[int, dict[str, Any]]:
    charter, export, profile = write(tmp_path, promises, extra)
    result = runner.invoke(
        app,
        ["audit", str(charter), str(export), "--profile", str(profile), "-f", "json", *args],
    )
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def promise(pid: str, where: str, within: str = "1h") -> str:
    return (
        f"  - id: {pid}\n    measure: first_response\n    where: {where}\n"
        f"    within: {within}\n    target: 50%\n"
    )


def counts(doc: dict[str, Any]) -> dict[str, tuple[int, int, int]]:
    """promise → (applicable, met, breached)."""
    return {p["id"]: (p["applicable"], p["met"], p["breached"]) for p in doc["promises"]}


# reply minutes: A1 30, A2 120, A3 5, A4 20, A5 240, A6 10, A7 none (running), A8 60
# as-of is the latest instant: 2026-10-05 13:00, so A7 has waited 4 h: breached against 1h
@pytest.mark.parametrize(
    ("where", "expected"),
    [
        # channel email: A1 met, A2 breached, A7 breached
        ("{channel: email}", (3, 1, 2)),
        # a list is any of: chat A3 A4 A8 met (60 min is within 1h), phone A5 breached, A6 met
        ("{channel: [chat, phone]}", (5, 4, 1)),
        # not email: the same five
        ("{channel: {not: [email]}}", (5, 4, 1)),
        # type, compared casefolded: complaint A2 A5 A7 (written `Complaint`): all breached
        ("{type: complaint}", (3, 0, 3)),
        # status by category: on-hold A4 (raw `on hold`), pending A2
        ("{status: [on-hold, pending]}", (2, 1, 1)),
        # group not Kundeservice: A3 A4 met, A6 met, A7 breached
        ("{group: {not: [Kundeservice]}}", (4, 3, 1)),
        # tags any of: vip A1 A3; faktura A1, `Faktura` A5 (casefolded): A1 A3 met, A5 breached
        ("{tags: [vip, faktura]}", (3, 2, 1)),
        # tags none of spam, merged: A4 A6 out; untagged A2 A7 are in (they carry neither)
        ("{tags: {not: [spam, merged]}}", (6, 3, 3)),
        # a tag with a space and non-ASCII letters, as the export writes it
        ("{tags: Ødelagt vare}", (1, 1, 0)),
        # a custom column: premium A1 A3 A7 (`Premium`)
        ("{fields.tier: premium}", (3, 2, 1)),
        # custom and tags together (every key must hold): premium and vip: A1 A3
        ("{fields.tier: premium, tags: vip}", (2, 2, 0)),
        # not on a custom column: a ticket without a tier is not gold either: A1 A2 A3 A4 A6 A7
        ("{fields.tier: {not: [gold]}}", (6, 4, 2)),
    ],
)
def test_each_selector_kind(tmp_path: Path, where: str, expected: tuple[int, int, int]) -> None:
    _, doc = run(tmp_path, promise("p", where))
    assert counts(doc)["p"] == expected


def test_selector_on_an_absent_field_makes_the_rest_unmeasurable(tmp_path: Path) -> None:
    """The export has no `region` custom column (not mapped): the promise covers the tickets the
    rest of its filter selects (chat: A3 A4 A8), and none of them is judged."""
    _, doc = run(tmp_path, promise("p", "{channel: chat, fields.region: [north]}"))
    p = doc["promises"][0]
    assert (p["applicable"], p["met"], p["breached"], p["unmeasurable"]) == (3, 0, 0, 3)
    assert "the export has no fields.region column" in p["notes"]


def test_tags_absent_from_the_export(tmp_path: Path) -> None:
    """Tags mapped by the profile but the export lacks the column: absent, not empty."""
    charter, export, profile = write(tmp_path, promise("p", "{tags: {not: [spam]}}"))
    export.write_text(
        "ticket_id,created_at,channel,first_response_at\n"
        "B1,2026-10-05 09:00,email,2026-10-05 09:30\n"
        "B2,2026-10-05 09:00,chat,2026-10-05 11:00\n"
    )
    result = runner.invoke(
        app, ["audit", str(charter), str(export), "--profile", str(profile), "-f", "json"]
    )
    doc = json.loads(result.stdout)
    p = doc["promises"][0]
    assert (p["applicable"], p["unmeasurable"], p["met"], p["breached"]) == (2, 2, 0, 0)
    assert p["notes"] == ["the export has no tags column"]


def test_exclusion_counts_lists_and_drops_from_every_promise(tmp_path: Path) -> None:
    """exclude spam or merged (A4, A6) and, separately, type question on phone (A6 again):
    two tickets dropped; the promise without a `where` covers the other six."""
    extra = "exclude:\n  - {tags: [spam, merged]}\n  - {type: question, channel: phone}\n"
    _, doc = run(tmp_path, promise("all", "{}"), extra, "--top", "0")
    assert doc["excluded"] == {"tickets": 2, "examples": ["A4", "A6"]}
    # the six kept: A1 met, A2 breached (120), A3 met, A5 breached (240), A7 breached (running
    # 4 h), A8 met
    assert counts(doc)["all"] == (6, 3, 3)
    assert doc["coverage"]["tickets"] == 6
    charter, export, profile = (
        tmp_path / n for n in ("charter.yaml", "tickets.csv", "profile.yaml")
    )
    text = runner.invoke(app, ["audit", str(charter), str(export), "--profile", str(profile)])
    assert "2 tickets excluded by the charter from every promise (e.g. A4, A6)" in text.stdout
    md = runner.invoke(
        app, ["audit", str(charter), str(export), "--profile", str(profile), "-f", "markdown"]
    )
    assert "2 tickets excluded by the charter" in md.stdout


def test_exclusion_on_an_absent_field_is_not_measurable(tmp_path: Path) -> None:
    """`exclude: {fields.source: [test]}`: the export has no such column, so which tickets to
    drop cannot be told: none is dropped, and every ticket is not measurable, with the reason."""
    _, doc = run(tmp_path, promise("all", "{}"), "exclude: {fields.source: [test]}\n")
    p = doc["promises"][0]
    assert doc["excluded"]["tickets"] == 0
    assert (p["applicable"], p["unmeasurable"], p["met"], p["breached"]) == (8, 8, 0, 0)
    assert any("fields.source" in n for n in doc["data_quality"]["notes"])


def test_first_match_group_of_three(tmp_path: Path) -> None:
    """One policy, three promises in charter order: premium tier (1h), then chat (10m), then
    everyone (4h). Each ticket is measured by the first whose `where` matches, and only by it.
    premium: A1 (30 met), A3 (5 met), A7 (running 4 h: breached)
    chat, not premium: A4 (20 > 10: breached), A8 (60: breached)
    the rest: A2 (120 met), A5 (240 met: equality is met), A6 (10 met)"""
    promises = (
        "  - {id: premium, policy: replies, measure: first_response,"
        " where: {fields.tier: premium}, within: 1h, target: 50%}\n"
        "  - {id: chat, policy: replies, measure: first_response,"
        " where: {channel: chat}, within: 10m, target: 50%}\n"
        "  - {id: rest, policy: replies, measure: first_response, within: 4h, target: 50%}\n"
        # outside the policy: measured independently of it
        "  - {id: all-chats, measure: first_response, where: {channel: chat}, within: 1h,"
        " target: 50%}\n"
    )
    _, doc = run(tmp_path, promises)
    assert counts(doc) == {
        "premium": (3, 2, 1),
        "chat": (2, 0, 2),
        "rest": (3, 3, 0),
        "all-chats": (3, 3, 0),  # A3 5, A4 20, A8 60: every chat, premium or not
    }
    assert doc["coverage"]["share"] == 1.0


OSLO = ZoneInfo("Europe/Oslo")
REPLACED_CHARTER = """charter: 1
name: Nordlys
timezone: Europe/Oslo
calendars:
  always: 24/7
channels:
  email: {}
promises:
  - id: reply
    measure: first_response
    within: 2h
    in_force: {until: 2026-07-01}
    target: 90%
  - id: reply-2026
    measure: first_response
    within: 1h
    in_force: {from: 2026-07-01}
    target: 90%
"""


def test_promise_replaced_on_a_date(tmp_path: Path) -> None:
    """The reply promise tightens from 2 h to 1 h on 1 July 2026, Oslo time. Tickets on both
    sides of local midnight (22:00 UTC on 30 June: the UTC date is wrong by a day there):
    R1 30 Jun 23:59:59 local, 90 min: old promise, met; R2 1 Jul 00:00 local (= 30 Jun 22:00
    UTC), 90 min: new promise, breached; R3 29 Jun, 150 min: old, breached; R4 2 Jul, 30 min:
    new, met."""
    charter = tmp_path / "charter.yaml"
    charter.write_text(REPLACED_CHARTER, encoding="utf-8")
    export = tmp_path / "t.csv"
    export.write_text(
        "ticket_id,created_at,channel,first_response_at\n"
        "R1,2026-06-30T23:59:59+02:00,email,2026-07-01T01:29:59+02:00\n"
        "R2,2026-06-30T22:00:00Z,email,2026-06-30T23:30:00Z\n"
        "R3,2026-06-29 08:00,email,2026-06-29 10:30\n"
        "R4,2026-07-02 08:00,email,2026-07-02 08:30\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["audit", str(charter), str(export), "-f", "json"])
    doc = json.loads(result.stdout)
    assert counts(doc) == {"reply": (2, 1, 1), "reply-2026": (2, 1, 1)}
    assert doc["coverage"]["share"] == 1.0
    # charter diff: a replacement, not a removal and an addition
    old = tmp_path / "old.yaml"
    old.write_text(
        REPLACED_CHARTER.split("    in_force: {until: 2026-07-01}\n")[0] + "    target: 90%\n",
        encoding="utf-8",
    )
    changes = compare(load_charter(old), load_charter(charter))
    assert [(c.kind, c.subject) for c in changes] == [(REPLACED, "promise reply")]
    assert changes[0].detail == "replaced by reply-2026 from 2026-07-01: within 2h → 1h"
    shown = runner.invoke(app, ["diff", str(old), str(charter)])
    assert "~ promise reply: replaced by reply-2026 from 2026-07-01" in shown.stdout
    assert "+ promise" not in shown.stdout and "- promise" not in shown.stdout
    # render: the dates customers read (the day before `until` is the last day in force)
    text = render_markdown(load_charter(charter), "en")
    assert "Through 30 June 2026" in text and "From 1 July 2026" in text
    assert "Til og med 30. juni 2026" in render_markdown(load_charter(charter), "nb")
    assert "Od 1 lipca 2026" in render_markdown(load_charter(charter), "pl")
    assert "Från 1 juli 2026" in render_markdown(load_charter(charter), "sv")


@given(
    st.datetimes(
        min_value=datetime(2026, 3, 27), max_value=datetime(2026, 11, 3), timezones=st.just(UTC)
    ),
    st.sampled_from(["2026-03-29", "2026-03-30", "2026-10-25", "2026-10-26", "2026-07-01"]),
)
def test_in_force_boundary_is_local_midnight(instant: datetime, day: str) -> None:
    """A ticket is in force `from` a date exactly when its local (Oslo) date is that date or
    later, across both DST changes."""
    seconds = int(instant.timestamp())
    tickets = pd.DataFrame({"created_at": np.array([seconds], dtype=np.int64)})
    p = Promise("p", None, "first_response", "created_at", "first_response_at", {}, None, None, 1)  # type: ignore[arg-type]
    after = bool(in_force_mask(tickets, _with(p, InForce(start=day)), "Europe/Oslo")[0])
    before = bool(in_force_mask(tickets, _with(p, InForce(end=day)), "Europe/Oslo")[0])
    local = instant.astimezone(OSLO).date().isoformat()
    assert after == (local >= day) and before == (not after)
    midnight = local_midnight(day, "Europe/Oslo")
    assert datetime.fromtimestamp(midnight, OSLO).time().isoformat() == "00:00:00"
    assert datetime.fromtimestamp(midnight - 1, OSLO).date() < datetime.fromisoformat(day).date()


def _with(p: Promise, span: InForce) -> Promise:
    from dataclasses import replace

    return replace(p, in_force=span)


def test_coverage_under_minimum_exits_1_and_names_channels(tmp_path: Path) -> None:
    """Promises for e-mail only, coverage 80 %: 3 of 8 tickets covered (37.5 %); chat 0 of 3
    and phone 0 of 2 are under it; the promise itself passes (target 0 %)."""
    promises = (
        "  - {id: email-reply, measure: first_response, where: {channel: email},"
        " within: 8h, target: 0%}\n"
    )
    charter, export, profile = write(tmp_path, promises, "coverage: 80%\n")
    args = ["audit", str(charter), str(export), "--profile", str(profile)]
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    assert (
        "coverage 37.5% is under the minimum 80.0%; channels under it: chat 0.0%, phone 0.0%"
        in (" ".join(result.stdout.split()))
    )
    doc = json.loads(runner.invoke(app, [*args, "-f", "json"]).stdout)
    cov = doc["coverage"]
    assert (cov["tickets"], cov["covered"], cov["minimum"], cov["passed"]) == (8, 3, 0.8, False)
    assert cov["under"] == ["chat", "phone"]
    assert {c["channel"]: (c["tickets"], c["covered"]) for c in cov["by_channel"]} == {
        "chat": (3, 0),
        "email": (3, 3),
        "phone": (2, 0),
    }
    assert doc["passed"] is False and all(p["passed"] for p in doc["promises"])
    # --min-coverage overrides the charter's
    assert runner.invoke(app, [*args, "--min-coverage", "35"]).exit_code == 0
    junit = runner.invoke(app, [*args, "-f", "junit"]).stdout
    assert 'name="coverage"' in junit and "CoverageUnderMinimum" in junit
    github = runner.invoke(app, [*args, "-f", "github"]).stdout
    assert "::error" in github and "charter coverage" in github
    assert "under the minimum: chat, phone" in runner.invoke(app, [*args, "-f", "markdown"]).stdout
    assert "channels under it" in runner.invoke(app, [*args, "-f", "html"]).stdout


def test_breakdowns_by_any_field(tmp_path: Path) -> None:
    """--by type, status, tags and fields.tier on a promise for every ticket (1h):
    met A1 A3 A4 A6 A8, breached A2 A5 A7."""
    _, doc = run(tmp_path, promise("all", "{}"), "", "--by", "type,tags,fields.tier,status")
    by = doc["breakdowns"]

    def table(key: str) -> dict[str, tuple[int, int]]:
        return {r[key]: (r["met"], r["breached"]) for r in by[key]}

    # types, as written (`Complaint` and `complaint` are two spellings of one value, shown apart)
    assert table("type") == {
        "Complaint": (0, 1),
        "complaint": (0, 2),
        "incident": (1, 0),
        "question": (4, 0),
    }
    # a ticket counts under each of its tags: A1 vip+faktura, A5 retur+Faktura; A2 A7 untagged
    assert table("tags") == {
        "Faktura": (0, 1),
        "faktura": (1, 0),
        "merged": (1, 0),
        "retur": (0, 1),
        "spam": (1, 0),
        "vip": (2, 0),
        "Ødelagt vare": (1, 0),
        "(none)": (0, 2),
    }
    assert table("fields.tier") == {
        "Premium": (0, 1),
        "gold": (1, 1),
        "premium": (2, 0),
        "standard": (1, 1),
        "(none)": (1, 0),
    }
    assert sum(m + b for m, b in table("status").values()) == 8


def test_breakdown_refusals(tmp_path: Path) -> None:
    charter, export, profile = write(tmp_path, promise("all", "{}"))
    args = ["audit", str(charter), str(export), "--profile", str(profile)]
    bad = runner.invoke(app, [*args, "--by", "colour"])
    assert bad.exit_code == 2 and "--by colour" in bad.output
    absent = runner.invoke(app, [*args, "--by", "fields.region"])
    assert absent.exit_code == 2 and "the export has no such field" in absent.output
    assert "Traceback" not in bad.output + absent.output


def test_ticket_key_explodes_tags_by_position() -> None:
    """The breakdown key of `tags`: one row per (ticket, tag), one missing row per untagged
    ticket, in ticket order, as a categorical."""
    source = read_tickets([ZENDESK], profile=str(ZENDESK_PROFILE), timezone="Europe/Stockholm")
    key = ticket_key(source.frame, "tags")
    assert isinstance(key.dtype, pd.CategoricalDtype)
    pairs = list(zip(key.index.tolist(), key.astype(object).where(key.notna(), None), strict=True))
    assert pairs == [
        (0, "vip"),
        (0, "billing"),
        (1, None),
        (2, "chat_bot"),
        (3, "spam"),
        (4, "billing"),
        (4, "refund"),
        (5, "vip"),
    ]
    tiers = ticket_key(source.frame, "fields.tier")
    assert tiers.tolist()[:3] == ["Premium", "Gold", "Standard"] and pd.isna(tiers.iloc[3])


def test_zendesk_export_with_tags_and_a_service_tier_end_to_end() -> None:
    """A Zendesk ticket export (BOM, CRLF, space-separated `Tags`, the account's "Service Tier"
    field mapped under `custom:` in a copy of the built-in profile). Worked out by hand:
    5004 is spam: excluded. First replies, one first-match policy:
      premium/gold 1h: 5001 (30 met), 5002 (90 breached), 5006 (20 met, a chat: premium first)
      chat 10m: 5003 (5 met); everyone else 4h: 5005 (120 met)
    Resolution, 24h until 1 July 2026 then 8h (Stockholm dates):
      old: 5001 (11h met), 5002 (30 Jun 23:30 local, 12.5h: met; it would breach 8h)
      new: 5003 (1 Jul 00:10 local, 30 Jun in UTC; 10h breached), 5005 (4h met), 5006 (3h met)"""
    result = runner.invoke(
        app,
        [
            "audit",
            str(ZENDESK_CHARTER),
            str(ZENDESK),
            "--profile",
            str(ZENDESK_PROFILE),
            "--by",
            "fields.tier",
            "-f",
            "json",
        ],
    )
    assert result.exit_code == 1, result.output  # resolution-2026: 2 of 3 against 90 %
    doc = json.loads(result.stdout)
    assert counts(doc) == {
        "reply-premium": (3, 2, 1),
        "reply-chat": (1, 1, 0),
        "reply": (1, 1, 0),
        "resolution": (2, 2, 0),
        "resolution-2026": (3, 2, 1),
    }
    assert doc["excluded"] == {"tickets": 1, "examples": ["5004"]}
    assert doc["coverage"]["share"] == 1.0 and doc["coverage"]["minimum"] == 0.95
    tiers = {
        (r["promise"], r["fields.tier"]): (r["met"], r["breached"])
        for r in doc["breakdowns"]["fields.tier"]
    }
    assert tiers[("reply-premium", "Gold")] == (0, 1)
    assert tiers[("reply-premium", "Premium")] == (2, 0)
    assert tiers[("resolution-2026", "Standard")] == (1, 1)
    fields = {p["id"]: p["fields"] for p in doc["promises"]}
    assert fields["reply-premium"]["fields.tier"] == "Service Tier"


FRESHDESK_CHARTER = """charter: 1
name: Nordlys Kundeservice
timezone: Europe/Oslo
calendars:
  always: 24/7
channels:
  email: {}
  web form: {}
  chat: {}
priorities: [urgent, high, normal, low]
exclude: {tags: [test, merged]}
promises:
  - id: vip-reply
    measure: first_response
    where: {tags: vip}
    within: 30m
    target: 90%
  - id: reply
    measure: first_response
    where: {tags: {not: [vip]}}
    within: 8h
    target: 90%
"""


def test_freshdesk_export_with_comma_tags(tmp_path: Path) -> None:
    """Freshdesk writes tags comma-separated (`login, vip`, `vip , retur`). 204 (`test,merged`)
    is excluded. vip: 201 (20 min met), 205 (4h breached); the rest: 202 (6h met), 203 (1 min
    met)."""
    charter = tmp_path / "charter.yaml"
    charter.write_text(FRESHDESK_CHARTER, encoding="utf-8")
    result = runner.invoke(
        app, ["audit", str(charter), str(SELECTORS / "freshdesk-tags.csv"), "-f", "json"]
    )
    assert result.exit_code == 1, result.output
    doc = json.loads(result.stdout)
    assert doc["input"]["profile"] == "freshdesk"
    assert counts(doc) == {"vip-reply": (2, 1, 1), "reply": (2, 2, 0)}
    assert doc["excluded"] == {"tickets": 1, "examples": ["204"]}


def test_jira_labels_in_repeated_columns() -> None:
    """Jira's CSV writes one `Labels` column per label: all of them are the ticket's tags."""
    source = read_tickets([DATA / "exports" / "jira-csv.csv"], timezone="Europe/Oslo")
    assert source.profile == "jira-csv"
    tags = source.frame["tags"].tolist()
    assert list(tags[0]) == ["betaling", "p1"] and list(tags[1]) == ["sso"]
    assert not any("Labels" in n for n in source.notes)


def test_policy_and_exclude_through_the_api() -> None:
    """The core call: excluded counts on the result, coverage on it, no printing."""
    source = read_tickets([ZENDESK], profile=str(ZENDESK_PROFILE), timezone="Europe/Stockholm")
    result = audit(load_charter(ZENDESK_CHARTER), source)
    # excluded tickets stay in the frame (a partition's rows keep their place), marked
    assert result.excluded_count == 1
    assert result.tickets["ticket_id"][result.excluded].tolist() == ["5004"]
    assert result.coverage is not None and result.coverage.passed
    assert result.coverage.tickets == 5 and len(result.tickets) == 6
    assert all(not result.excluded[o.rows].any() for o in result.outcomes)


def test_local_midnight_on_a_dst_day() -> None:
    # 29 March 2026: Oslo moves to summer time at 02:00; midnight is still +01:00
    assert local_midnight("2026-03-29", "Europe/Oslo") == int(
        datetime(2026, 3, 28, 23, 0, tzinfo=UTC).timestamp()
    )
    assert local_midnight("2026-03-30", "Europe/Oslo") - local_midnight(
        "2026-03-29", "Europe/Oslo"
    ) == int(timedelta(hours=23).total_seconds())


def test_free_text_fields_by_arrow_kernels(tmp_path: Path) -> None:
    """Ids are free text (one value per ticket): `exclude: {ticket_id: [a2, " A8 "]}` drops A2
    and A8, compared as every selector compares (case and blanks alike)."""
    _, doc = run(tmp_path, promise("all", "{}"), 'exclude: {ticket_id: [a2, " A8 "]}\n')
    assert doc["excluded"] == {"tickets": 2, "examples": ["A2", "A8"]}


def test_explain_says_why_a_promise_does_not_apply(tmp_path: Path) -> None:
    promises = (
        "  - {id: premium, policy: replies, measure: first_response,"
        " where: {fields.tier: premium}, within: 1h, target: 50%}\n"
        "  - {id: chat, policy: replies, measure: first_response,"
        " where: {channel: chat, tags: {not: [bot]}}, within: 10m, target: 50%,"
        " in_force: {from: 2026-10-01}}\n"
    )
    charter, export, profile = write(tmp_path, promises, "exclude: {tags: spam}\n")
    args = ["explain", str(charter), str(export), "--profile", str(profile)]
    a3 = runner.invoke(app, [*args, "--ticket", "A3"])  # premium chat: taken by `premium`
    assert a3.exit_code == 0, a3.output
    said = " ".join(a3.stdout.split())
    assert "channel chat; tags not bot; a clock starting on or after 2026-10-01" in said
    assert "no earlier promise of policy 'replies' matching" in said
    a4 = runner.invoke(app, [*args, "--ticket", "A4"])  # spam
    assert a4.exit_code == 2 and "excluded by the charter's `exclude`" in a4.output


def test_servicenow_u_fields_on_an_event_log(tmp_path: Path) -> None:
    """ServiceNow's `u_*` columns mapped under `custom:` of an event-log profile: each incident
    keeps its latest non-empty value, and `where` and `--by` read it."""
    profile = tmp_path / "servicenow-custom.yaml"
    text = (PROFILES / "servicenow.yaml").read_text(encoding="utf-8")
    profile.write_text(
        text.replace("name: servicenow\n", "name: servicenow-custom\n")
        + "custom:\n  symptom: u_symptom\n  confirmed: u_priority_confirmation\n",
        encoding="utf-8",
    )
    export = DATA / "exports" / "servicenow.csv"
    source = read_tickets([export], profile=str(profile), timezone="Europe/Oslo")
    assert source.fields["fields.symptom"] == "u_symptom"
    symptoms = source.frame["fields.symptom"].dropna()
    assert len(symptoms) and symptoms.astype(str).str.startswith("Symptom").all()
    charter = tmp_path / "charter.yaml"
    charter.write_text(
        HEAD + "promises:\n  - {id: resolution, measure: resolution, within: 5 working days,"
        " target: 50%, where: {fields.confirmed: {not: ['true']}}}\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        app,
        [
            "audit",
            str(charter),
            str(export),
            "--profile",
            str(profile),
            "--by",
            "fields.symptom",
            "-f",
            "json",
            "--dayfirst",
        ],
    )
    assert result.exit_code in (0, 1), result.output
    doc = json.loads(result.stdout)
    confirmed = source.frame["fields.confirmed"].astype(object)
    expected = int((confirmed.str.casefold() != "true").fillna(True).sum())
    assert doc["promises"][0]["applicable"] == expected > 0
    assert {r["fields.symptom"] for r in doc["breakdowns"]["fields.symptom"]} <= {
        *symptoms.astype(str),
        "(none)",
    }


def test_validate_with_a_profile_warns_about_exclude_fields() -> None:
    result = runner.invoke(app, ["validate", "--profile", "servicenow", str(ZENDESK_CHARTER)])
    said = " ".join(result.stdout.split())
    assert "profile servicenow maps no tags: the tickets this `exclude` may drop" in said
    assert "reply-premium: profile servicenow maps no fields.tier" in said
    ok = runner.invoke(app, ["validate", "--profile", str(ZENDESK_PROFILE), str(ZENDESK_CHARTER)])
    assert ok.exit_code == 0 and "0 warnings" in ok.stdout


def test_policy_member_on_an_absent_field_keeps_its_tickets(tmp_path: Path) -> None:
    """The first member filters on a custom column the export lacks: it may take any ticket,
    so every ticket is not measurable under it, and none falls through to the next member (a
    premium ticket judged by the general promise would be a wrong number)."""
    promises = (
        "  - {id: region, policy: replies, measure: first_response,"
        " where: {fields.region: north}, within: 1h, target: 50%}\n"
        "  - {id: rest, policy: replies, measure: first_response, within: 4h, target: 50%}\n"
    )
    _, doc = run(tmp_path, promises)
    region, rest = doc["promises"]
    assert (region["applicable"], region["unmeasurable"]) == (8, 8)
    assert rest["applicable"] == 0
    assert any(
        "region comes first and filters on a field the export lacks" in n for n in rest["notes"]
    )


@pytest.mark.parametrize("partitions", ["2", "3", "5"])
def test_same_report_for_any_number_of_partitions(tmp_path: Path, partitions: str) -> None:
    """Exclusion, policies, in_force, coverage and breakdowns by tags and custom fields are per
    ticket: the JSON and the Markdown are the same, byte for byte, in any number of partitions."""
    promises = (
        "  - {id: premium, policy: replies, measure: first_response,"
        " where: {fields.tier: premium}, within: 1h, target: 50%}\n"
        "  - {id: chat, policy: replies, measure: first_response,"
        " where: {channel: chat}, within: 10m, target: 50%, in_force: {from: 2026-10-05}}\n"
        "  - {id: rest, policy: replies, measure: first_response, within: 4h, target: 50%}\n"
    )
    charter, export, profile = write(tmp_path, promises, "exclude: {tags: [spam]}\ncoverage: 95%\n")
    base = ["audit", str(charter), str(export), "--profile", str(profile), "--by"]
    base += ["tags,fields.tier,type"]
    for fmt in ("json", "markdown"):
        one = runner.invoke(app, [*base, "-f", fmt])
        many = runner.invoke(app, [*base, "-f", fmt, "--partitions", partitions])
        assert one.exit_code == many.exit_code
        assert one.stdout == many.stdout
    zendesk = ["audit", str(ZENDESK_CHARTER), str(ZENDESK), "--profile", str(ZENDESK_PROFILE)]
    zendesk += ["--by", "tags,fields.tier", "-f", "json"]
    one = runner.invoke(app, zendesk)
    many = runner.invoke(app, [*zendesk, "--partitions", partitions])
    assert one.stdout == many.stdout and '"excluded"' in one.stdout


def test_streamed_audit_gives_the_same_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Exports larger than the memory budget are spilled to Parquet by partition: the tags
    (Arrow lists) and custom columns go with them, and the report is the same."""
    args = ["audit", str(ZENDESK_CHARTER), str(ZENDESK), "--profile", str(ZENDESK_PROFILE)]
    args += ["--by", "tags,fields.tier", "-f", "json"]
    whole = runner.invoke(app, args)
    monkeypatch.setattr("charter_cli.streamed.BYTES_PER_BYTE", 1_000_000)
    streamed = runner.invoke(app, [*args, "--memory", "64MB"])
    assert streamed.exit_code == whole.exit_code, streamed.output
    assert streamed.stdout == whole.stdout
    absent = runner.invoke(app, [*args[:-4], "--by", "fields.region", "--memory", "64MB"])
    assert absent.exit_code == 2 and "the export has no such field" in absent.output
