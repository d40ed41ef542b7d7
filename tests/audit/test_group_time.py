"""`measure: group_time` (OLAs between teams): each interval a group holds a ticket is an
instance. Figures counted by hand on an Oslo office calendar, Monday to Friday 08:00–16:00 (and
Sunday 00:00–04:00, to hold the nights the clocks change: five real hours on 25 October 2026,
three on 29 March 2026), with Tuesday 27 October 2026 a holiday."""

from __future__ import annotations

import json
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from charter_cli.charter import load_charter
from charter_cli.cli import app
from tests.audit.oslo_desk import HEAD
from tests.audit.oslo_desk import pairs as _pairs
from tests.audit.oslo_desk import write as _write
from tests.audit.test_partitions import _count_streamed
from tests.clock import reference

runner = CliRunner()
OSLO = ZoneInfo("Europe/Oslo")
H = 3600
CHARTER = (
    HEAD
    + """\
promises:
  - {id: ola-front, measure: group_time, where: {group: [Første linje]}, within: 4h,
     pause_when: [pending], target: 90%}
  - {id: ola-second, measure: group_time, where: {group: [andre-linje]}, within: 4h,
     pause_when: [pending], target: 90%}
  - {id: ola-all, measure: group_time, within: {urgent: 2h, normal: 8h}, target: 90%}
"""
)
# A1: Første linje → Andre linje → Første linje, over the night the clocks go back and the
#     holiday; H: handed over while the customer is asked (pending); R: solved, reopened, then
#     handed over; P, Q: still held at as-of (urgent, normal); M: over the night the clocks go
#     forward; F: never leaves the front line
TICKETS = (
    "\ufeffticket_id;created_at;resolved_at;channel;priority;status;group;subject\n"
    'A1;2026-10-23 14:00;2026-10-28 10:00;e-post;normal;solved;Første linje;"Faktura, feil beløp"\n'
    "H;2026-10-19 09:00;2026-10-20 10:00;e-post;normal;solved;Andre linje;Skriver på 3. etasje\n"
    "R;2026-10-19 09:00;2026-10-20 15:00;e-post;normal;solved;Andre linje;Zażółć gęślą jaźń\n"
    "P;2026-10-29 09:00;;e-post;urgent;open;Andre linje;Nettet er nede\n"
    "Q;2026-10-29 09:00;;e-post;normal;open;Andre linje;Ny bruker, Åsa Öberg\n"
    "M;2026-03-27 15:00;2026-03-30 09:00;e-post;normal;solved;Andre linje;Sommertid\n"
    "F;2026-10-19 09:00;2026-10-19 10:00;e-post;normal;solved;Første linje;Passord\n"
)
EVENTS = (
    "ticket_id,at,status,group\n"
    "A1,2026-10-23 14:00,open,Første linje\n"
    "A1,2026-10-23 15:00,,Andre linje\n"
    "A1,2026-10-26 10:00,,Første linje\n"
    "A1,2026-10-28 10:00,solved,\n"
    "H,2026-10-19 09:00,open,Første linje\n"
    "H,2026-10-19 11:00,pending,\n"
    "H,2026-10-19 13:00,,Andre linje\n"
    "H,2026-10-19 14:00,open,Andre linje\n"
    "H,2026-10-20 10:00,solved,\n"
    "R,2026-10-19 09:00,open,Første linje\n"
    "R,2026-10-19 12:00,solved,\n"
    "R,2026-10-20 09:00,open,\n"
    "R,2026-10-20 10:00,,Andre linje\n"
    "R,2026-10-20 15:00,solved,\n"
    "P,2026-10-29 09:00,open,Andre linje\n"
    "Q,2026-10-29 09:00,open,Andre linje\n"
    "M,2026-03-27 15:00,open,Andre linje\n"
    "M,2026-03-30 09:00,solved,\n"
    "F,2026-10-19 09:00,open,Første linje\n"
    "F,2026-10-19 10:00,solved,\n"
)
AS_OF = "2026-10-29T12:00:00+01:00"


def _audit(folder: Path) -> list[dict[str, str]]:
    f = _write(folder, **{"c.yaml": CHARTER, "t.csv": TICKETS, "e.csv": EVENTS})
    return _pairs(folder, f["c.yaml"], f["t.csv"], "--events", str(f["e.csv"]), "--as-of", AS_OF)


def test_each_interval_a_group_holds_the_ticket_is_an_instance(tmp_path: Path) -> None:
    got = [
        (
            r["ticket_id"],
            r["promise"],
            r["instance"],
            r["group"],
            r["state"],
            r["elapsed_seconds"],
            r["overdue_seconds"],
        )
        for r in _audit(tmp_path)
    ]
    assert sorted(got) == sorted(
        [
            # A1, the front line twice: Fri 14–15; Mon 10–16, the holiday, Wed 8–10 (8h of 4h)
            ("A1", "ola-front", "1", "Første linje", "met", str(1 * H), "0"),
            ("A1", "ola-front", "2", "Første linje", "breached", str(8 * H), str(4 * H)),
            # the second line between: Fri 15–16, the Sunday night of five real hours, Mon 8–10
            ("A1", "ola-second", "1", "Andre linje", "breached", str(8 * H), str(4 * H)),
            ("A1", "ola-all", "1", "Første linje", "met", str(1 * H), "0"),
            ("A1", "ola-all", "2", "Andre linje", "met", str(8 * H), "0"),  # equal is met
            ("A1", "ola-all", "3", "Første linje", "met", str(8 * H), "0"),
            # H: front 9–13 less pending 11–13; second 13–16 and Tue 8–10 less pending 13–14
            ("H", "ola-front", "1", "Første linje", "met", str(2 * H), "0"),
            ("H", "ola-second", "1", "Andre linje", "met", str(4 * H), "0"),
            ("H", "ola-all", "1", "Første linje", "met", str(4 * H), "0"),  # no pause_when
            ("H", "ola-all", "2", "Andre linje", "met", str(5 * H), "0"),
            # R: front Mon 9–12, solved until Tue 9 (not counted), front again Tue 9–10
            ("R", "ola-front", "1", "Første linje", "met", str(3 * H), "0"),
            ("R", "ola-front", "2", "Første linje", "met", str(1 * H), "0"),
            ("R", "ola-second", "1", "Andre linje", "breached", str(5 * H), str(1 * H)),
            ("R", "ola-all", "1", "Første linje", "met", str(3 * H), "0"),
            ("R", "ola-all", "2", "Første linje", "met", str(1 * H), "0"),
            ("R", "ola-all", "3", "Andre linje", "met", str(5 * H), "0"),
            # still held at as-of, Thu 9–12: urgent 3h of 2h, normal 3h of 8h
            ("P", "ola-second", "1", "Andre linje", "running", str(3 * H), ""),
            ("P", "ola-all", "1", "Andre linje", "breached", str(3 * H), str(1 * H)),
            ("Q", "ola-second", "1", "Andre linje", "running", str(3 * H), ""),
            ("Q", "ola-all", "1", "Andre linje", "running", str(3 * H), ""),
            # M: Fri 15–16, the Sunday night of three real hours, Mon 8–9
            ("M", "ola-second", "1", "Andre linje", "breached", str(5 * H), str(1 * H)),
            ("M", "ola-all", "1", "Andre linje", "met", str(5 * H), "0"),
            ("F", "ola-front", "1", "Første linje", "met", str(1 * H), "0"),
            ("F", "ola-all", "1", "Første linje", "met", str(1 * H), "0"),
        ]
    )


def test_instants_deadlines_and_a_pause_across_the_handover(tmp_path: Path) -> None:
    rows = {(r["ticket_id"], r["promise"], r["instance"]): r for r in _audit(tmp_path)}
    second = rows[("A1", "ola-front", "2")]
    # Mon 10:00 CET → Wed 10:00 CET; 4h after Mon 10:00 is Mon 14:00 CET
    assert (second["started_at"], second["stopped_at"], second["deadline_at"]) == (
        "2026-10-26T09:00:00Z",
        "2026-10-28T09:00:00Z",
        "2026-10-26T13:00:00Z",
    )
    # the pause straddles the handover: each group's clock stops for its own part of it, and
    # each deadline moves by that part (front: 4h + 2h paused from 09:00; second: 4h + 1h
    # from 13:00, over the night to Tue 10:00)
    assert rows[("H", "ola-front", "1")]["deadline_at"] == "2026-10-19T13:00:00Z"
    assert rows[("H", "ola-second", "1")]["deadline_at"] == "2026-10-20T08:00:00Z"
    assert rows[("P", "ola-second", "1")]["stopped_at"] == ""  # running at as-of
    assert rows[("P", "ola-second", "1")]["used"] == "0.750"


def test_counts_and_by_group_follow_the_group_of_each_instance(tmp_path: Path) -> None:
    rows = _audit(tmp_path)
    f = {name: tmp_path / name for name in ("c.yaml", "t.csv", "e.csv")}
    args = ["audit", str(f["c.yaml"]), str(f["t.csv"]), "--events", str(f["e.csv"])]
    doc = json.loads(
        runner.invoke(app, [*args, "--as-of", AS_OF, "--by", "group", "-f", "json"]).stdout
    )
    frame = pd.DataFrame(rows)
    for promise in doc["promises"]:
        mine = frame[frame["promise"] == promise["id"]]
        counts = mine["state"].value_counts()
        assert promise["applicable"] == len(mine)  # instances, not tickets
        for state in ("met", "breached", "running"):
            assert promise[state] == int(counts.get(state, 0)), (promise["id"], state)
    expected = (
        frame.groupby(["promise", "group"])["state"]
        .value_counts()
        .unstack(fill_value=0)
        .reindex(columns=["met", "breached", "running"], fill_value=0)
    )
    ids = [p["id"] for p in doc["promises"]]
    got = {
        (ids[r["promise"]] if isinstance(r["promise"], int) else r["promise"], r["group"]): (
            r["met"],
            r["breached"],
            r["running"],
        )
        for r in doc["breakdowns"]["group"]
    }
    assert got == {k: tuple(int(x) for x in v) for k, v in expected.iterrows()}
    # the second line's breach of A1 counts under it, though A1's last group is the front line
    assert got[("ola-all", "Andre linje")] == (4, 1, 1)


def test_a_ticket_counts_where_any_interval_is_picked(tmp_path: Path) -> None:
    rows = _audit(tmp_path)
    # F never left the front line: ola-second does not apply to it (nor is it an instance)
    assert not [r for r in rows if r["ticket_id"] == "F" and r["promise"] == "ola-second"]
    # A1's last group is the front line and H's export says the second line: both count for
    # both, as their histories say (not as the export's group column says)
    for ticket in ("A1", "H"):
        assert {r["promise"] for r in rows if r["ticket_id"] == ticket} == {
            "ola-front",
            "ola-second",
            "ola-all",
        }
    f = {name: tmp_path / name for name in ("c.yaml", "t.csv", "e.csv")}
    said = runner.invoke(
        app,
        [
            *("explain", str(f["c.yaml"]), str(f["t.csv"]), "--events", str(f["e.csv"])),
            *("--as-of", AS_OF, "--ticket", "F"),
        ],
    ).stdout
    assert "does not apply: andre-linje never held the ticket" in said


def test_where_keys_other_than_group_pick_tickets_and_not_refuses_groups(tmp_path: Path) -> None:
    charter = (
        HEAD
        + """\
promises:
  - {id: not-front, measure: group_time, where: {group: {not: [Første linje]}, priority: urgent},
     within: 4h, target: 90%}
"""
    )
    f = _write(tmp_path, **{"c.yaml": charter, "t.csv": TICKETS, "e.csv": EVENTS})
    rows = _pairs(tmp_path, f["c.yaml"], f["t.csv"], "--events", str(f["e.csv"]), "--as-of", AS_OF)
    assert [(r["ticket_id"], r["group"], r["state"]) for r in rows] == [
        ("P", "Andre linje", "running")
    ]


def test_without_a_group_history_it_is_not_measurable(tmp_path: Path) -> None:
    statuses = "\n".join(
        ",".join(line.split(",")[:3]) for line in EVENTS.splitlines()
    )  # the same events without their group column
    f = _write(tmp_path, **{"c.yaml": CHARTER, "t.csv": TICKETS, "e.csv": statuses + "\n"})
    for extra in ((), ("--events", str(f["e.csv"]))):
        rows = _pairs(tmp_path, f["c.yaml"], f["t.csv"], *extra, "--as-of", AS_OF)
        assert rows and {r["state"] for r in rows} == {"unmeasurable"}
        assert {r["reason"] for r in rows} == {
            "group_time needs a group history (events with a group column: an event log, "
            "or --events)"
        }


def test_partitions_and_a_streamed_audit_give_the_same_instances(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    f = _write(tmp_path, **{"c.yaml": CHARTER, "t.csv": TICKETS, "e.csv": EVENTS})
    base = [str(f["c.yaml"]), str(f["t.csv"]), "--events", str(f["e.csv"]), "--as-of", AS_OF]

    def both(*extra: str) -> tuple[list[dict[str, str]], str]:
        rows = _pairs(tmp_path, f["c.yaml"], f["t.csv"], *base[2:], *extra)
        doc = runner.invoke(app, ["audit", *base, "--by", "group", "-f", "json", *extra]).stdout
        return rows, doc

    one = both()
    assert both("--partitions", "3") == one
    # larger than the memory budget: streamed through temporary files, partition by partition
    monkeypatch.setattr("charter_cli.streamed.BYTES_PER_BYTE", 200_000)
    calls = _count_streamed(monkeypatch)
    assert both("--memory", "64MB", "--partitions", "4") == one
    assert len(calls) == 2 and min(calls) > 1, calls  # streamed, in several partitions


def test_a_servicenow_event_log_with_assignment_group_handovers(tmp_path: Path) -> None:
    """A ServiceNow incident log: every row a snapshot when the record was updated, with the
    assignment group of the moment (day-first dates)."""
    header = (
        "number,incident_state,active,reassignment_count,reopen_count,sys_mod_count,made_sla,"
        "caller_id,opened_at,sys_updated_at,contact_type,priority,assignment_group,assigned_to,"
        "short_description,resolved_at,closed_at"
    )
    snapshot = 'INC7,{state},true,{n},0,{n},true,Åse Ødegård,05/10/2026 09:00,{at},Email,3 - Moderate,{group},Ola,"Skriver, nie działa",{resolved},'
    steps = [
        ("New", "05/10/2026 09:00", "Kundeservice"),
        ("Active", "05/10/2026 10:00", "Kundeservice"),
        ("Active", "05/10/2026 11:00", "Nettverk og drift"),  # handed over
        ("Awaiting User Info", "05/10/2026 12:00", "Nettverk og drift"),
        ("Active", "05/10/2026 13:00", "Nettverk og drift"),
        ("Active", "05/10/2026 14:00", "Kundeservice"),  # and back
        ("Resolved", "05/10/2026 15:30", "Kundeservice"),
    ]
    rows = [
        snapshot.format(
            state=state,
            n=n,
            at=at,
            group=group,
            resolved="05/10/2026 15:30" if state == "Resolved" else "",
        )
        for n, (state, at, group) in enumerate(steps)
    ]
    charter = (
        HEAD.replace("priorities: [urgent, normal]", "priorities: [critical, moderate]").replace(
            "e-post: {calendar: office}", "e-post: {calendar: office, match: [email]}"
        )
        + """\
promises:
  - {id: ola-ks, measure: group_time, where: {group: Kundeservice}, within: 2h, target: 90%}
  - {id: ola-drift, measure: group_time, where: {group: [Nettverk og drift]}, within: 2h,
     pause_when: [on-hold, pending], target: 90%}
"""
    )
    f = _write(tmp_path, **{"c.yaml": charter, "log.csv": header + "\n" + "\n".join(rows) + "\n"})
    got = [
        (r["promise"], r["instance"], r["state"], r["elapsed_seconds"])
        for r in _pairs(
            tmp_path, f["c.yaml"], f["log.csv"], "--profile", "servicenow", "--dayfirst"
        )
    ]
    assert got == [
        ("ola-ks", "1", "met", str(2 * H)),  # 09–11
        ("ola-ks", "2", "met", str(H + H // 2)),  # 14–15:30
        # 11–14, less the hour awaiting the user (a pending status in the profile)
        ("ola-drift", "1", "met", str(2 * H)),
    ]


def test_render_phrases_the_promise_between_teams() -> None:
    with tempfile.TemporaryDirectory() as folder:
        charter = Path(folder) / "c.yaml"
        charter.write_text(CHARTER, encoding="utf-8")
        said = {
            "en": ["While your case is with Første linje, they work on it within 4 working hours",
                   "While your case is with any of our teams, they pass it on or solve it within"],
            "nb": ["Mens saken din ligger hos Første linje, behandler de den innen 4 arbeidstimer"],
            "sv": ["Medan ditt ärende ligger hos andre-linje behandlar de det inom 4 arbetstimmar"],
            "pl": ["Gdy Twoja sprawa jest w zespole Første linje, zespół zajmuje się nią w ciągu 4 godzin roboczych"],
        }  # fmt: skip
        for lang, sentences in said.items():
            page = runner.invoke(app, ["render", str(charter), "--lang", lang]).stdout
            for sentence in sentences:
                assert sentence in page, (lang, sentence, page)


# --- property: against a per-interval loop ----------------------------------------------------

PROPERTY = """\
charter: 1
name: Prøve
timezone: Europe/Oslo
calendars:
  office:
    hours: {{mon-fri: "{open}-{close}"{sunday}}}
    holidays: {{dates: ["{holiday}"]}}
channels:
  e-post: {{calendar: office}}
promises:
  - {{id: ola, measure: group_time, where: {{group: [Å-team]}}, within: 3h, pause_when: [pending],
     target: 90%}}
"""
BASE = datetime(2026, 10, 19, 7, 0, tzinfo=OSLO)  # a fortnight over DST and the holiday
AS_OF_P = BASE + timedelta(days=16)
GROUPS = ["Å-team", "Bø-team", "å team"]  # the last is the first, spelt otherwise
STATUSES = ["open", "pending", "solved"]


def _slow(
    created: int,
    group: str,
    changes: list[tuple[int, str | None, str | None]],
    ivs: list,
    as_of: int,
) -> list[tuple[str, int]]:
    """Each interval the Å team held one ticket (created open, held by `group`, then changed),
    judged in a plain loop: (state, elapsed business seconds)."""
    # the state of the ticket after each change: (instant, status, group)
    timeline: list[tuple[int, str, str]] = []
    status = "open"
    timeline.append((created, status, group))
    for at, s, g in changes:
        status = s if s is not None else status
        group = g if g is not None else group
        timeline.append((at, status, group or ""))
    out = []
    current: int | None = None  # when the current interval began
    for at, s, g in timeline:
        ours = g.replace("-", " ").casefold() == "å team" and s != "solved"
        if ours and current is None:
            current = at
        if not ours and current is not None:
            out.append((current, at))
            current = None
    if current is not None:
        out.append((current, -1))
    judged = []
    for begin, stop in out:
        end = as_of if stop == -1 else stop
        paused = 0
        for k, (at, s, _) in enumerate(timeline):
            if s != "pending":
                continue
            until = timeline[k + 1][0] if k + 1 < len(timeline) else end
            lo, hi = max(at, begin), min(until, end)
            if hi > lo:
                paused += reference.elapsed(ivs, lo, hi)
        elapsed = reference.elapsed(ivs, begin, end) - paused
        state = "breached" if elapsed > 3 * H else ("met" if stop != -1 else "running")
        judged.append((state, elapsed))
    return judged


def _stamp(t: int) -> str:
    return datetime.fromtimestamp(t, OSLO).strftime("%Y-%m-%dT%H:%M:%S%z")


@settings(max_examples=25, deadline=None)
@given(
    st.tuples(
        st.sampled_from(["07:00", "08:00", "09:30"]),
        st.sampled_from(["12:00", "16:00", "20:30"]),
        st.booleans(),
        st.integers(0, 15),
    ),
    st.lists(
        st.tuples(
            st.integers(0, 10 * 24 * 60),
            st.sampled_from(GROUPS),
            st.lists(
                st.tuples(
                    st.integers(1, 3 * 24 * 60),
                    st.one_of(st.none(), st.sampled_from(STATUSES)),
                    st.one_of(st.none(), st.sampled_from(GROUPS)),
                ).filter(lambda c: c[1] is not None or c[2] is not None),
                min_size=0,
                max_size=7,
            ),
        ),
        min_size=1,
        max_size=4,
    ),
)
def test_group_time_matches_a_per_interval_loop(calendar: tuple, tickets: list) -> None:
    opening, closing, sunday, holiday = calendar
    base, as_of = int(BASE.timestamp()), int(AS_OF_P.timestamp())
    text = PROPERTY.format(
        open=opening,
        close=closing,
        sunday=', sun: "00:00-04:00"' if sunday else "",
        holiday=(date(2026, 10, 19) + timedelta(days=holiday)).isoformat(),
    )
    lines = ["ticket_id,created_at,resolved_at,channel,status"]
    history = ["ticket_id,at,status,group"]
    expected: list[tuple[str, str, str, str]] = []
    with tempfile.TemporaryDirectory() as folder:
        charter = Path(folder) / "c.yaml"
        charter.write_text(text, encoding="utf-8")
        cal = load_charter(charter).calendars["office"]
        ivs = reference.intervals(
            cal, BASE.date() - timedelta(days=1), AS_OF_P.date() + timedelta(days=1)
        )
        for n, (offset, first_group, steps) in enumerate(tickets):
            created = base + offset * 60
            at = created
            changes: list[tuple[int, str | None, str | None]] = [(created, "open", first_group)]
            for gap, status, group in steps:
                at += gap * 60
                if at <= as_of:
                    changes.append((at, status, group))
            statuses = [s for _, s, _ in changes if s is not None]
            entry, before = None, "open"
            for a, s, _ in changes:  # the export's resolved_at: the last entry into solved
                if s == "solved" and before != "solved":
                    entry = a
                before = s if s is not None else before
            final = statuses[-1] == "solved"
            resolved = _stamp(entry) if final and entry is not None else ""
            lines.append(
                f"T{n},{_stamp(created)},{resolved},e-post,{'solved' if final else 'open'}"
            )
            history += [f"T{n},{_stamp(a)},{s or ''},{g or ''}" for a, s, g in changes]
            judged = _slow(created, first_group, changes[1:], ivs, as_of)
            for k, (state, elapsed) in enumerate(judged, start=1):
                expected.append((f"T{n}", str(k), state, str(elapsed)))
        tickets_file, events_file = Path(folder) / "t.csv", Path(folder) / "e.csv"
        tickets_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
        events_file.write_text("\n".join(history) + "\n", encoding="utf-8")
        rows = _pairs(
            Path(folder), charter, tickets_file, "--events", str(events_file),
            "--as-of", AS_OF_P.strftime("%Y-%m-%dT%H:%M:%S%z"),
        )  # fmt: skip
    got = [(r["ticket_id"], r["instance"], r["state"], r["elapsed_seconds"]) for r in rows]
    assert got == expected


def test_explain_tells_each_interval_and_the_group_history(tmp_path: Path) -> None:
    f = _write(tmp_path, **{"c.yaml": CHARTER, "t.csv": TICKETS, "e.csv": EVENTS})
    args = ["explain", str(f["c.yaml"]), str(f["t.csv"]), "--events", str(f["e.csv"])]
    lines = [
        line.strip()
        for line in runner.invoke(
            app, [*args, "--as-of", AS_OF, "--ticket", "A1"]
        ).stdout.splitlines()
    ]
    at = lines.index("status and group history (from the events):")
    assert lines[at + 1 : at + 5] == [
        "Fri 23 Oct 2026 14:00 CEST       status open · group Første linje",
        "Fri 23 Oct 2026 15:00 CEST       group Andre linje",
        "Mon 26 Oct 2026 10:00 CET        group Første linje",
        "Wed 28 Oct 2026 10:00 CET        status solved",
    ]
    front = lines.index("ola-front #2")
    assert lines[front + 3 : front + 5] == [
        "clock:    Mon 26 Oct 2026 10:00 CET → Wed 28 Oct 2026 10:00 CET",
        "instance: Første linje took the ticket → resolved",
    ]
    assert (
        "instance: Første linje had the ticket from its creation → passed to Andre linje" in lines
    )
    assert "instance: Andre linje took the ticket → passed to Første linje" in lines
    # R: solved, reopened while the front line had it; P: still held at as-of
    story = runner.invoke(app, [*args, "--as-of", AS_OF, "--ticket", "R"]).stdout
    assert "instance: reopened while Første linje had the ticket → passed to Andre linje" in story
    story = runner.invoke(app, [*args, "--as-of", AS_OF, "--ticket", "P"]).stdout
    assert "instance: Andre linje had the ticket from its creation → still running" in story


def test_a_ticket_whose_events_name_no_group_is_held_by_its_exported_group(
    tmp_path: Path,
) -> None:
    tickets = TICKETS + "X;2026-10-19 09:00;2026-10-19 15:00;e-post;normal;solved;Andre linje;Ø\n"
    events = EVENTS + "X,2026-10-19 09:00,open,\nX,2026-10-19 15:00,solved,\n"
    f = _write(tmp_path, **{"c.yaml": CHARTER, "t.csv": tickets, "e.csv": events})
    rows = _pairs(tmp_path, f["c.yaml"], f["t.csv"], "--events", str(f["e.csv"]), "--as-of", AS_OF)
    mine = [
        (r["promise"], r["group"], r["state"], r["elapsed_seconds"])
        for r in rows
        if r["ticket_id"] == "X"
    ]
    assert mine == [
        ("ola-second", "Andre linje", "breached", str(6 * H)),
        ("ola-all", "Andre linje", "met", str(6 * H)),
    ]


def test_the_history_records_each_instance_under_its_group(tmp_path: Path) -> None:
    import sqlite3

    f = _write(tmp_path, **{"c.yaml": CHARTER, "t.csv": TICKETS, "e.csv": EVENTS})
    record = tmp_path / "h.sqlite"
    rows = _pairs(
        tmp_path, f["c.yaml"], f["t.csv"], "--events", str(f["e.csv"]), "--as-of", AS_OF,
        "--record", str(record),
    )  # fmt: skip
    with sqlite3.connect(record) as db:
        cells = db.execute(
            'SELECT "group", SUM(met), SUM(breached), SUM(running) FROM cells '
            'WHERE promise = \'ola-all\' GROUP BY "group" ORDER BY "group"'
        ).fetchall()
    db.close()
    frame = pd.DataFrame(rows)
    mine = frame[frame["promise"] == "ola-all"]
    expected = [
        (group, *(int((part["state"] == s).sum()) for s in ("met", "breached", "running")))
        for group, part in sorted(mine.groupby("group"))
    ]
    assert cells == expected
    assert ("Andre linje", 4, 1, 1) in cells  # A1's second-line interval among them


def test_a_group_no_ticket_was_held_by_is_said_for_any_partitions(tmp_path: Path) -> None:
    """A mistyped group measures nothing: the report says so (once, for the whole input, however
    many partitions each see a part of the events), instead of an empty line."""
    typo = HEAD + (
        "promises:\n"
        "  - {id: ola-typo, measure: group_time, where: {group: [Andre linej]}, within: 4h,"
        " target: 90%}\n"
    )
    f = _write(tmp_path, **{"c.yaml": typo, "t.csv": TICKETS, "e.csv": EVENTS})
    said = (
        "no ticket was held by Andre linej in the group history (check the group names against "
        "the export)"
    )
    for extra in ((), ("--partitions", "3")):
        result = runner.invoke(
            app,
            [
                "audit", str(f["c.yaml"]), str(f["t.csv"]), "--events", str(f["e.csv"]),
                "--as-of", AS_OF, "-f", "json", *extra,
            ],
        )  # fmt: skip
        assert result.exit_code in (0, 1), result.output
        promise = json.loads(result.stdout)["promises"][0]
        assert (promise["met"], promise["breached"], promise["running"]) == (0, 0, 0)
        assert promise["notes"] == [said]


def test_an_export_without_resolution_times_ends_intervals_where_the_history_says(
    tmp_path: Path,
) -> None:
    """Without a resolved_at (or closed_at) column, entering a resolved state in the status
    history ends a group's interval: the same instances and figures as with the column."""
    for name in ("with", "without", "groups"):
        (tmp_path / name).mkdir()
    with_column = sorted(
        (r["ticket_id"], r["promise"], r["instance"], r["state"], r["elapsed_seconds"])
        for r in _audit(tmp_path / "with")
    )
    lines = TICKETS.splitlines()
    header = lines[0].split(";")
    at = header.index("resolved_at")
    stripped = "\n".join(
        ";".join(c for k, c in enumerate(line.split(";")) if k != at) for line in lines
    )
    folder = tmp_path / "without"
    f = _write(folder, **{"c.yaml": CHARTER, "t.csv": stripped + "\n", "e.csv": EVENTS})
    rows = _pairs(folder, f["c.yaml"], f["t.csv"], "--events", str(f["e.csv"]), "--as-of", AS_OF)
    without = sorted(
        (r["ticket_id"], r["promise"], r["instance"], r["state"], r["elapsed_seconds"])
        for r in rows
    )
    assert without == with_column
    out = runner.invoke(
        app,
        ["audit", str(f["c.yaml"]), str(f["t.csv"]), "--events", str(f["e.csv"]),
         "--as-of", AS_OF, "--format", "json"],
    )  # fmt: skip
    fields = {p["id"]: p["fields"] for p in json.loads(out.stdout)["promises"]}
    said = fields["ola-all"]["resolved_at"]
    assert said.startswith("entering a resolved state in ") and said.endswith("e.csv")
    # with no status in the history, nothing says when: not measurable, as before
    groups_only = (
        EVENTS.replace(",open,", ",,").replace(",solved,", ",,").replace(",pending,", ",,")
    )
    f = _write(
        tmp_path / "groups", **{"c.yaml": CHARTER, "t.csv": stripped + "\n", "e.csv": groups_only}
    )
    out = runner.invoke(
        app,
        ["audit", str(f["c.yaml"]), str(f["t.csv"]), "--events", str(f["e.csv"]),
         "--as-of", AS_OF, "--format", "json"],
    )  # fmt: skip
    assert "the export has no resolved_at" in out.stdout
    # a ticket whose events carry no status (F: its group only) cannot be told resolved from
    # still held: its instances are not measurable, the others' figures are as before
    (tmp_path / "one").mkdir()
    one_ticket = EVENTS.replace("F,2026-10-19 09:00,open,", "F,2026-10-19 09:00,,").replace(
        "F,2026-10-19 10:00,solved,\n", ""
    )
    assert "F,2026-10-19 10:00" not in one_ticket
    f = _write(
        tmp_path / "one", **{"c.yaml": CHARTER, "t.csv": stripped + "\n", "e.csv": one_ticket}
    )
    rows = _pairs(
        tmp_path / "one", f["c.yaml"], f["t.csv"], "--events", str(f["e.csv"]), "--as-of", AS_OF
    )
    untold = [r for r in rows if r["ticket_id"] == "F"]
    assert len(untold) == 2 and all(r["state"] == "unmeasurable" for r in untold)
    assert all("carry no status for this ticket" in r["reason"] for r in untold)
    rest = sorted(
        (r["ticket_id"], r["promise"], r["instance"], r["state"], r["elapsed_seconds"])
        for r in rows
        if r["ticket_id"] != "F"
    )
    assert rest == [r for r in with_column if r[0] != "F"]
