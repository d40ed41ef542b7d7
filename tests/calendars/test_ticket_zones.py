"""`timezone: ticket`: one "9–17 local time" promise for customers in three zones, across the
DST changes of 2027 (New York 14 March, Oslo 28 March, Sydney 4 April), every number computed
by hand."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from charter_cli.audit import audit
from charter_cli.charter import load_charter
from charter_cli.charter.model import Charter
from charter_cli.clock import NAT
from charter_cli.outcome import State
from charter_cli.tickets.read import read_tickets

CHARTER = """\
charter: 1
name: Nordlys Global Support
timezone: Europe/Oslo
calendars:
  local:
    title: Your local office hours
    timezone: ticket
    default_timezone: Europe/London
    hours: {mon-fri: "09:00-17:00"}
channels:
  email: {calendar: local}
promises:
  - id: first-reply
    measure: first_response
    within: 2h
    target: 90%
"""

# ticket_id;created_at;first_response_at;timezone: a `;` file with a BOM, as Excel saves it
ROWS = [
    # New York, Friday 12 March 16:00 EST (-5): 1 h that day; Monday 15 March opens 09:00 EDT
    # (-4) = 13:00Z; the reply at 14:30Z is 1 h 30 min into Monday: 2 h 30 min, 30 min late.
    # Deadline Monday 10:00 EDT = 14:00Z.
    ("NY-1", "2027-03-12T21:00:00Z", "2027-03-15T14:30:00Z", "America/New_York"),
    # Oslo, Friday 26 March 15:30 CET (+1) = 14:30Z: 1 h 30 min that day; Monday 29 March opens
    # 09:00 CEST (+2) = 07:00Z; the reply at 07:30Z makes exactly 2 h: met (equality is met).
    ("OSL-1", "2027-03-26T14:30:00Z", "2027-03-29T07:30:00Z", "Europe/Oslo"),
    # Sydney, Friday 2 April 16:00 AEDT (+11) = 05:00Z: 1 h that day; Monday 5 April opens
    # 09:00 AEST (+10) = Sunday 23:00Z; the reply at 00:30Z is 1 h 30 min in: 2 h 30 min.
    # Deadline Monday 10:00 AEST = 00:00Z.
    ("SYD-1", "2027-04-02T05:00:00Z", "2027-04-05T00:30:00Z", "Australia/Sydney"),
    # no zone: London (the calendar's default, not the charter's Oslo, where 16:00Z is closed)
    ("LON-1", "2027-03-17T16:00:00Z", "2027-03-17T16:30:00Z", ""),
    # a Rails / Zendesk zone name is not an IANA name: London as well, and counted
    ("LON-2", "2027-03-17T16:00:00Z", "2027-03-17T16:30:00Z", "Eastern Time (US & Canada)"),
    # written in lower case: still New York; Wednesday 16:30 EDT to 17:15 EDT: 30 min
    ("NY-2", "2027-03-17T20:30:00Z", "2027-03-17T21:15:00Z", "america/new_york"),
    # Oslo again, still running at as-of: created Monday 29 March 16:00 CEST, 1 h by 17:00
    ("OSL-2", "2027-03-29T14:00:00Z", "", "Europe/Oslo"),
]
EXPECTED = {
    "NY-1": (State.BREACHED, 9000, "2027-03-15T14:00:00"),
    "OSL-1": (State.MET, 7200, "2027-03-29T07:30:00"),
    "SYD-1": (State.BREACHED, 9000, "2027-04-05T00:00:00"),
    # 16:00-17:00 GMT on Wednesday, then Thursday 09:00-10:00 GMT
    "LON-1": (State.MET, 1800, "2027-03-18T10:00:00"),
    "LON-2": (State.MET, 1800, "2027-03-18T10:00:00"),
    # 16:30-17:00 EDT on Wednesday, then Thursday 09:00-10:30 EDT = 14:30Z
    "NY-2": (State.MET, 1800, "2027-03-18T14:30:00"),
}


@pytest.fixture
def charter(tmp_path: Path) -> Charter:
    path = tmp_path / "global.yaml"
    path.write_text(CHARTER, encoding="utf-8")
    return load_charter(path)


def _export(tmp_path: Path, rows: list[tuple[str, ...]], header: str) -> Path:
    lines = [header, *(";".join(r) for r in rows)]
    path = tmp_path / "tickets.csv"
    path.write_bytes(b"\xef\xbb\xbf" + ("\r\n".join(lines) + "\r\n").encode("utf-8"))
    return path


def test_three_zones_across_dst_hand_computed(charter: Charter, tmp_path: Path) -> None:
    file = _export(tmp_path, ROWS, "ticket_id;created_at;first_response_at;timezone")
    source = read_tickets([file], profile="generic", timezone=charter.timezone)
    result = audit(charter, source, as_of=int(np.datetime64("2027-04-06T00:00:00", "s").view("i8")))
    (out,) = result.outcomes
    ids = result.tickets["ticket_id"].to_numpy(dtype=object)[out.rows]
    for i, ticket in enumerate(ids):
        if ticket == "OSL-2":
            assert out.state[i] == State.BREACHED  # 1 h Monday, then 8 h Tuesday…
            continue
        state, elapsed, deadline = EXPECTED[ticket]
        assert State(int(out.state[i])) == state, ticket
        assert int(out.elapsed[i]) == elapsed, ticket
        assert out.deadline[i] == np.datetime64(deadline, "s").view("i8"), ticket
    calendars = dict(zip(ids, (str(w) for w in out.calendar[slice(None)]), strict=True))
    assert calendars["NY-1"] == calendars["NY-2"] == "local (America/New_York)"
    assert calendars["SYD-1"] == "local (Australia/Sydney)"
    assert calendars["LON-1"] == calendars["LON-2"] == "local (Europe/London)"  # the default
    # one clock per distinct zone, not per ticket
    assert set(result.clocks.built) == {  # type: ignore[union-attr]
        "local (Europe/London)",
        "local (America/New_York)",
        "local (Europe/Oslo)",
        "local (Australia/Sydney)",
    }
    notes = [str(n) for n in out.notes if "each ticket's zone" in str(n)]
    assert notes == [
        "calendar 'local' reads hours in each ticket's zone: 1 ticket without a time zone was "
        "read in Europe/London",
        "calendar 'local' reads hours in each ticket's zone: 1 ticket whose zone is not an IANA "
        "name (such as America/New_York) was read in Europe/London; a profile can map the "
        "export's names under `values: timezone:`",
    ]


def test_an_export_without_the_column_reads_every_ticket_in_the_default(
    charter: Charter, tmp_path: Path
) -> None:
    rows = [r[:3] for r in ROWS if r[0].startswith("LON")]
    file = _export(tmp_path, rows, "ticket_id;created_at;first_response_at")
    source = read_tickets([file], profile="generic", timezone=charter.timezone)
    (out,) = audit(charter, source).outcomes
    assert (out.elapsed == 1800).all()
    assert any(
        "has no timezone column: 2 tickets were read in Europe/London" in str(n) for n in out.notes
    )
    assert (out.deadline != NAT).all()


def test_cli_audit_of_the_example_with_a_semicolon_export(tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from charter_cli.cli import app
    from tests.conftest import ROOT

    rows = [
        ("NY-1", "2027-03-12T21:00:00Z", "chat", "normal", "2027-03-15T14:30:00Z", "America/New_York"),
        ("OSL-1", "2027-03-26T14:30:00Z", "chat", "normal", "2027-03-29T07:30:00Z", "Europe/Oslo"),
        ("LON-1", "2027-03-17T16:00:00Z", "chat", "normal", "2027-03-17T16:30:00Z", ""),
    ]  # fmt: skip
    header = "ticket_id;created_at;channel;priority;first_response_at;timezone"
    export = _export(tmp_path, rows, header)
    charter = ROOT / "charters" / "examples" / "nordlys-global.yaml"
    result = CliRunner().invoke(app, ["audit", str(charter), str(export), "--format", "json"])
    assert result.exit_code == 1, result.output  # NY-1 is 30 min late on a 90 % target
    chat = next(p for p in json.loads(result.stdout)["promises"] if p["id"] == "chat-reply")
    assert (chat["met"], chat["breached"]) == (2, 1)
    assert chat["fields"]["timezone"] == "timezone"
    assert any("1 ticket without a time zone was read in Europe/London" in n for n in chat["notes"])


# --- grouping by zone is exact: each row measured as on its own zone's calendar ---------------

ZONES = [None, "America/New_York", "europe/oslo", "Australia/Sydney", "Asia/Kolkata", "Mars/Base"]
SPAN = (int(np.datetime64("2027-03-01T00:00:00", "s").view("i8")), 40 * 86400)


def _reference_clock(zone: str):  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from charter_cli.clock import BusinessClock

    if zone not in _CACHE:
        local = replace(_charter().calendars["local"], timezone=zone)
        _CACHE[zone] = BusinessClock.spanning(local, SPAN[0], SPAN[0] + SPAN[1])
    return _CACHE[zone]


_CACHE: dict = {}


def _charter() -> Charter:
    from charter_cli.charter.load import parse_yaml
    from charter_cli.charter.model import build_charter

    if "charter" not in _CACHE:
        _CACHE["charter"] = build_charter(parse_yaml(CHARTER, "global.yaml").data, "global.yaml")
    return _CACHE["charter"]  # type: ignore[no-any-return]


@given(
    st.lists(
        st.tuples(
            st.sampled_from(range(len(ZONES))),
            st.integers(0, SPAN[1] - 10 * 86400),
            st.integers(0, 5 * 86400),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_grouped_by_zone_equals_each_zone_alone(rows: list[tuple[int, int, int]]) -> None:
    from charter_cli.measures.context import Clocks
    from charter_cli.measures.ticket_zones import in_ticket_zones
    from charter_cli.outcome import Labels

    charter = _charter()
    zones = pd.Series([ZONES[z] for z, _, _ in rows], dtype="string")
    start = np.array([SPAN[0] + s for _, s, _ in rows], dtype=np.int64)
    stop = start + np.array([d for _, _, d in rows], dtype=np.int64)
    labels = Labels(len(rows), "local")
    in_ticket_zones(labels, charter, zones, True)
    clocks = _CACHE.setdefault("clocks", Clocks(charter, SPAN[0], SPAN[0] + SPAN[1], 0))
    got = np.full(len(rows), -1, dtype=np.int64)
    for code in np.unique(labels.codes):  # as `Context.by_calendar` groups them
        sel = labels.codes == code
        got[sel] = clocks.get(labels.words[int(code)]).elapsed_s(start[sel], stop[sel])
    for i, (z, _, _) in enumerate(rows):
        zone = {None: "Europe/London", "europe/oslo": "Europe/Oslo", "Mars/Base": "Europe/London"}
        name = zone.get(ZONES[z], ZONES[z])
        assert name is not None
        expected = _reference_clock(name).elapsed_s(start[i : i + 1], stop[i : i + 1])[0]
        assert got[i] == expected


def test_validate_with_a_profile_that_maps_no_zone_warns() -> None:
    from typer.testing import CliRunner

    from charter_cli.cli import app
    from tests.conftest import ROOT

    charter = str(ROOT / "charters" / "examples" / "nordlys-global.yaml")
    result = CliRunner().invoke(app, ["validate", "--profile", "zendesk", charter])
    assert result.exit_code == 0
    assert "profile zendesk maps no timezone: every ticket will be read in Europe/London" in (
        result.stdout
    )
    clean = CliRunner().invoke(app, ["validate", "--strict", "--profile", "generic", charter])
    assert clean.exit_code == 0, clean.stdout


def test_any_number_of_partitions_gives_the_same_report(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from charter_cli.cli import app
    from tests.conftest import ROOT

    rows = [(*r[:2], "chat", "normal", *r[2:]) for r in ROWS]
    header = "ticket_id;created_at;channel;priority;first_response_at;timezone"
    export = _export(tmp_path, rows, header)
    charter = str(ROOT / "charters" / "examples" / "nordlys-global.yaml")
    outputs = []
    for count in ("1", "3", "7"):
        out = tmp_path / f"p{count}.json"
        args = ["audit", charter, str(export), "--partitions", count, "-o", str(out), "--quiet"]
        result = CliRunner().invoke(app, [*args, "--as-of", "2027-04-06T00:00:00Z"])
        assert result.exit_code == 1, result.output
        outputs.append(out.read_text(encoding="utf-8"))
    assert outputs[0] == outputs[1] == outputs[2]
    assert "1 ticket without a time zone was read in Europe/London" in outputs[0]
    assert "1 ticket whose zone is not an IANA name" in outputs[0]
