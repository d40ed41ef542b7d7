"""The shipped example, audited and checked pair by pair against hand-computed expectations.

charters/examples/nordlys-tickets-2026.csv holds 38 hand-written tickets for the Nordlys charter
(office Mon–Fri 08–16 and Sat 10–14 with Norwegian holidays, Christmas Eve 08–12, New Year's Eve
closed; chat and social 08–22 every day; e-mail acknowledgement 24/7). Every number below was
worked out by hand from the charter, before and independently of the code; the trickier ones:

- NL-1003: Fri 15:30 high, reply Mon 08:30 → 30 min Fri + 4 h Sat (the office opens Saturdays)
  + 30 min Mon = 5 h against 1 h; resolution "2 working days" = close of Mon (Sat is day 1).
- NL-1008: chat at 21:59, answered 08:01 next day → 1 + 1 min = exactly 2 min: met.
- NL-1021: Sat 24 Oct 13:00 on social; reply Sun 25 08:30, after the clocks went back →
  9 h + 30 min.
- NL-1022: created 02:30 on 25 Oct, the repeated hour → the earlier instant (00:30Z).
- NL-1024: open since Mon 26 Oct 09:00; as of Tue 5 Jan 09:00 → 10 weeks × 44 h − (Christmas
  Eve's 4 lost hours + 25 Dec 8 h + 26 Dec 4 h + 31 Dec 8 h + 1 Jan 8 h) + 8 h = 416 h.
- NL-1032: 5 working days from Wed 23 Dec → Thu 24, Mon 28, Tue 29, Wed 30, Sat 2 Jan (25, 26,
  31 Dec and 1 Jan are closed) → close Sat 2 Jan 14:00.
- NL-1036: created on closed New Year's Eve, answered 10 min later: 0 business seconds.
- NL-1037/NL-1038: still within their allowances at the as-of time (Tue 5 Jan 09:00): running.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from charter_cli.cli import app
from tests.conftest import ROOT

CHARTER = ROOT / "charters" / "examples" / "nordlys-nettbutikk.yaml"
EXPORT = ROOT / "charters" / "examples" / "nordlys-tickets-2026.csv"
runner = CliRunner()

# ticket promise state elapsed allowed overdue (business seconds; '-' where not applicable)
EXPECTED = """
NL-1001 auto-ack met 60 300 0
NL-1001 escalation-1 met 18000 54000 0
NL-1001 first-reply met 9000 14400 0
NL-1001 resolution met 18000 154800 0
NL-1002 auto-ack breached 420 300 120
NL-1002 escalation-1 met 28800 50400 0
NL-1002 first-reply breached 18000 14400 3600
NL-1002 resolution met 28800 151200 0
NL-1003 auto-ack met 60 300 0
NL-1003 escalation-1 breached 30600 7200 23400
NL-1003 escalation-2 breached 30600 16200 14400
NL-1003 first-reply breached 18000 3600 14400
NL-1003 resolution met 30600 45000 0
NL-1004 auto-ack met 120 300 0
NL-1004 escalation-1 breached 30600 7200 23400
NL-1004 escalation-2 breached 30600 16200 14400
NL-1004 first-reply breached 18060 3600 14460
NL-1004 resolution met 30600 45000 0
NL-1005 escalation-1 met 5400 36000 0
NL-1005 first-reply met 3600 14400 0
NL-1005 resolution met 5400 151200 0
NL-1006 escalation-1 met 28800 86400 0
NL-1006 first-reply met 27000 28800 0
NL-1006 resolution met 28800 302400 0
NL-1007 chat-reply met 60 120 0
NL-1007 escalation-1 met 1200 97200 0
NL-1007 first-reply met 60 14400 0
NL-1007 resolution met 1200 298800 0
NL-1008 chat-reply met 120 120 0
NL-1008 escalation-1 met 3660 50460 0
NL-1008 first-reply met 120 14400 0
NL-1008 resolution met 3660 252060 0
NL-1009 chat-reply breached 300 120 180
NL-1009 escalation-1 met 1800 100800 0
NL-1009 first-reply met 300 14400 0
NL-1009 resolution met 1800 302400 0
NL-1010 escalation-1 met 14400 93600 0
NL-1010 first-reply met 10800 14400 0
NL-1010 resolution met 14400 295200 0
NL-1011 auto-ack met 0 300 0
NL-1011 escalation-1 met 1500 1800 0
NL-1011 escalation-2 breached 25200 7200 18000
NL-1011 first-reply met 1200 1800 0
NL-1011 resolution met 25200 28800 0
NL-1012 auto-ack met 60 300 0
NL-1012 escalation-1 breached 2400 1800 600
NL-1012 escalation-2 breached 39600 7200 32400
NL-1012 first-reply breached 2700 1800 900
NL-1012 resolution breached 39600 28800 10800
NL-1013 auto-ack met 120 300 0
NL-1013 escalation-1 breached 10800 7200 3600
NL-1013 escalation-2 met 10800 54000 0
NL-1013 first-reply met 1800 3600 0
NL-1013 resolution met 10800 68400 0
NL-1014 auto-ack met 180 300 0
NL-1014 escalation-1 met 32400 54000 0
NL-1014 first-reply met 7200 14400 0
NL-1014 resolution met 75600 154800 0
NL-1015 auto-ack met 240 300 0
NL-1015 escalation-1 breached 75600 54000 21600
NL-1015 first-reply met 10800 14400 0
NL-1015 resolution met 75600 154800 0
NL-1016 auto-ack met 120 300 0
NL-1016 escalation-1 met 7200 36000 0
NL-1016 first-reply met 3600 14400 0
NL-1016 keep-the-date met 7200 367200 0
NL-1016 resolution met 7200 151200 0
NL-1017 auto-ack met 120 300 0
NL-1017 escalation-1 breached 108000 36000 72000
NL-1017 first-reply met 3600 14400 0
NL-1017 keep-the-date breached 439200 367200 72000
NL-1017 resolution met 108000 151200 0
NL-1018 escalation-1 met 7200 50400 0
NL-1018 first-reply met 1800 14400 0
NL-1018 follow-up met 93600 172800 0
NL-1018 resolution met 7200 151200 0
NL-1019 escalation-1 met 7200 50400 0
NL-1019 first-reply met 1800 14400 0
NL-1019 follow-up breached 259200 172800 86400
NL-1019 resolution met 7200 151200 0
NL-1020 escalation-1 met 7200 50400 0
NL-1020 first-reply met 1800 14400 0
NL-1020 follow-up breached 21600 172800 0
NL-1020 resolution met 7200 151200 0
NL-1021 escalation-1 met 36000 82800 0
NL-1021 first-reply breached 34200 14400 19800
NL-1021 resolution met 36000 284400 0
NL-1022 auto-ack met 180 300 0
NL-1022 escalation-1 met 28800 86400 0
NL-1022 first-reply met 25200 28800 0
NL-1022 resolution met 28800 302400 0
NL-1023 auto-ack met 60 300 0
NL-1023 escalation-1 breached 21600 18000 3600
NL-1023 first-reply met 9000 14400 0
NL-1023 resolution met 21600 133200 0
NL-1024 auto-ack met 60 300 0
NL-1024 escalation-1 breached 1497600 54000 1443600
NL-1024 first-reply breached 1497600 14400 1483200
NL-1024 resolution breached 1497600 154800 1342800
NL-1025 auto-ack met 60 300 0
NL-1025 escalation-1 breached 1364400 21600 1342800
NL-1025 first-reply breached 1364400 14400 1350000
NL-1025 resolution breached 1364400 136800 1227600
NL-1026 chat-reply breached 3202200 120 3202080
NL-1026 escalation-1 breached 3202200 7200 3195000
NL-1026 escalation-2 breached 3202200 73800 3128400
NL-1026 first-reply breached 3202200 3600 3198600
NL-1026 resolution breached 3202200 124200 3078000
NL-1027 auto-ack met 60 300 0
NL-1027 escalation-1 met 3600 50400 0
NL-1027 first-reply unmeasurable - - -
NL-1027 resolution met 3600 151200 0
NL-1028 auto-ack met 60 300 0
NL-1028 escalation-1 met 7200 50400 0
NL-1028 first-reply unmeasurable - - -
NL-1028 resolution met 7200 151200 0
NL-1029 auto-ack met 60 300 0
NL-1029 escalation-1 met 7200 46800 0
NL-1029 first-reply met 3600 14400 0
NL-1029 resolution met 7200 147600 0
NL-1030 escalation-1 met 7200 43200 0
NL-1030 first-reply met 3600 14400 0
NL-1030 resolution met 7200 144000 0
NL-1031 auto-ack met 60 300 0
NL-1031 escalation-1 met 10800 54000 0
NL-1031 first-reply unmeasurable - - -
NL-1031 resolution met 10800 154800 0
NL-1032 auto-ack met 60 300 0
NL-1032 escalation-1 breached 25200 18000 7200
NL-1032 first-reply met 10800 14400 0
NL-1032 resolution met 25200 118800 0
NL-1033 auto-ack met 120 300 0
NL-1033 escalation-1 breached 18000 7200 10800
NL-1033 escalation-2 met 18000 32400 0
NL-1033 first-reply breached 5400 3600 1800
NL-1033 resolution met 18000 61200 0
NL-1034 auto-ack met 120 300 0
NL-1034 escalation-1 breached 18000 7200 10800
NL-1034 escalation-2 met 18000 32400 0
NL-1034 first-reply met 3000 3600 0
NL-1034 resolution met 18000 61200 0
NL-1035 auto-ack met 60 300 0
NL-1035 escalation-1 breached 25200 21600 3600
NL-1035 first-reply breached 23400 14400 9000
NL-1035 resolution met 25200 136800 0
NL-1036 escalation-1 breached 46800 1800 45000
NL-1036 escalation-2 breached 46800 7200 39600
NL-1036 first-reply met 0 1800 0
NL-1036 resolution breached 46800 28800 18000
NL-1037 auto-ack met 60 300 0
NL-1037 escalation-1 running 1800 55800 -
NL-1037 first-reply running 1800 14400 -
NL-1037 resolution running 1800 156600 -
NL-1038 escalation-1 met 25200 54000 0
NL-1038 first-reply met 600 14400 0
NL-1038 follow-up running 61200 172800 -
NL-1038 resolution met 25200 154800 0
"""

# promise: met, breached, running, unmeasurable
COUNTS = {
    "auto-ack": (23, 1, 0, 0),
    "first-reply": (24, 10, 1, 3),
    "chat-reply": (2, 2, 0, 0),
    "resolution": (32, 5, 1, 0),
    "keep-the-date": (1, 1, 0, 0),
    "follow-up": (1, 2, 1, 0),
    "escalation-1": (22, 15, 1, 0),
    "escalation-2": (3, 6, 0, 0),
}


@pytest.fixture(scope="module")
def report() -> dict:
    result = runner.invoke(app, ["audit", str(CHARTER), str(EXPORT), "--format", "json"])
    assert result.exit_code == 1, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    result = runner.invoke(app, ["audit", str(CHARTER), str(EXPORT), "--format", "csv"])
    assert result.exit_code == 1
    return list(csv.DictReader(io.StringIO(result.stdout)))


def test_every_pair_matches_the_hand_computation(rows: list[dict]) -> None:
    got = sorted(
        f"{r['ticket_id']} {r['promise']} {r['state']} {r['elapsed_seconds'] or '-'} "
        f"{r['allowed_seconds'] or '-'} {r['overdue_seconds'] or '-'}"
        for r in rows
    )
    want = sorted(line for line in EXPECTED.strip().splitlines())
    assert got == want


def test_counts_agree_with_the_pairs() -> None:
    lines = [line.split() for line in EXPECTED.strip().splitlines()]
    for promise, counts in COUNTS.items():
        states = [state for _, p, state, *_ in lines if p == promise]
        assert counts == tuple(
            states.count(s) for s in ("met", "breached", "running", "unmeasurable")
        )


def test_counts_and_compliance(report: dict) -> None:
    for promise in report["promises"]:
        met, breached, running, unmeasurable = COUNTS[promise["id"]]
        assert (promise["met"], promise["breached"], promise["running"], promise["unmeasurable"]) == (
            met, breached, running, unmeasurable,
        ), promise["id"]  # fmt: skip
        assert promise["applicable"] == met + breached + running + unmeasurable
        assert promise["compliance"] == pytest.approx(met / (met + breached))
        assert promise["passed"] is (promise["compliance"] >= promise["target"])
    assert [p["id"] for p in report["promises"]] == list(COUNTS)
    assert report["passed"] is False


def test_accounting_and_data_quality(report: dict) -> None:
    assert report["input"] == {
        "files": [str(EXPORT)],
        "rows": 38,
        "tickets": 38,
        "audited": 38,
        "duplicates": 0,
        "events_folded": 0,
        "events_file": None,
        "events_files": [],
        "events": 0,
        "skipped": 0,
        "profile": "generic",
    }
    assert report["as_of"] == "2027-01-05T08:00:00Z"  # NL-1035 closed 5 Jan 09:00 Oslo
    quality = report["data_quality"]
    assert quality["unknown_values"] == {"channel": {"fax": 1}}
    assert quality["missing_columns"] == ["reopens", "timezone"]
    assert quality["unreadable_cells"] == 1  # NL-1031's 'i går'


def test_specific_reasons(rows: list[dict]) -> None:
    reasons = {(r["ticket_id"], r["promise"]): r["reason"] for r in rows if r["reason"]}
    assert reasons[("NL-1027", "first-reply")] == "closed without reply"
    assert (
        reasons[("NL-1028", "first-reply")]
        == "first_response_at is before created_at: a data error"
    )
    assert reasons[("NL-1031", "first-reply")] == "first_response_at 'i går' is not a date"
    assert reasons[("NL-1020", "follow-up")] == "followed up too early"
    assert reasons[("NL-1003", "escalation-1")] == "not escalated to specialists in time"


def test_deadlines_in_utc(rows: list[dict]) -> None:
    deadline = {(r["ticket_id"], r["promise"]): r["deadline_at"] for r in rows}
    assert deadline[("NL-1003", "first-reply")] == "2026-10-10T08:30:00Z"  # Saturday 10:30 CEST
    assert deadline[("NL-1032", "resolution")] == "2027-01-02T13:00:00Z"
    assert deadline[("NL-1036", "first-reply")] == "2027-01-02T09:30:00Z"
    assert deadline[("NL-1021", "first-reply")] == "2026-10-24T15:00:00Z"


def test_terminal_report_shows_the_numbers() -> None:
    result = runner.invoke(app, ["audit", str(CHARTER), str(EXPORT)], env={"COLUMNS": "100"})
    assert result.exit_code == 1
    text = result.stdout
    assert "38 read → 38 tickets + 0 skipped" in text
    assert "70.6%" in text and "FAIL" in text  # first-reply: 24 of 34
    assert "fax (1)" in text
    assert "8 promise(s) under target" in text


def test_priorities_without_an_allowance_say_which(tmp_path: Path) -> None:
    export = tmp_path / "export.csv"
    export.write_text(
        "ticket_id,created_at,channel,priority,first_response_at\n"
        "A-1,2026-10-05 09:00,email,kritisk,2026-10-05 09:10\n"
        "A-2,2026-10-05 09:00,email,,2026-10-05 09:10\n"
        "A-3,2026-10-05 09:00,email,urgent,2026-10-05 09:10\n"
        "A-4,2026-10-05 09:00,email,Kritisk ,2026-10-05 09:10\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["audit", str(CHARTER), str(export), "--format", "csv"])
    reasons = {
        r["ticket_id"]: (r["state"], r["reason"])
        for r in csv.DictReader(io.StringIO(result.stdout))
        if r["promise"] == "first-reply"
    }
    assert reasons == {
        "A-1": ("unmeasurable", "no allowance for priority 'kritisk'"),
        "A-2": ("unmeasurable", "the ticket has no priority"),
        "A-3": ("met", ""),
        "A-4": ("unmeasurable", "no allowance for priority 'Kritisk'"),  # stripped, as written
    }
