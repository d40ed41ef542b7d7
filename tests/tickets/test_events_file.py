"""`--events`: a status history beside a one-row-per-ticket export. Every row is an event or
skipped with its line; its columns may have the helpdesk's own names."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from charter_cli.cli import app
from charter_cli.errors import InputError
from charter_cli.tickets.events import by_ticket, grouped_order
from charter_cli.tickets.read import read_tickets
from tests.conftest import DATA

runner = CliRunner()
EXPORTS = DATA / "exports"
DESK = DATA / "charters" / "audit" / "events-desk.yaml"


def write(tmp_path: Path, name: str, text: str) -> Path:
    file = tmp_path / name
    file.write_text(text, encoding="utf-8")
    return file


UGLY_EVENTS = (
    "ticket_id,at,status\n"
    "A,2026-10-05 09:00,open\n"
    "A,2026-10-05 10:00,pending\n"
    ",2026-10-05 10:30,open\n"  # line 4: no id
    "A,2026-10-05 12:00,open\n"
    "B,i går,pending\n"  # line 6: not a time
    "A,2026-10-05 15:00,solved\n"
    "B,2026-10-05 09:00,new\n"
    "B,2026-10-05 11:00,pending,extra\n"  # line 9: a field too many
    "B,,pending\n"  # line 10: no time
    "B,2026-10-05 11:00,pending\n"
    "B,2026-10-05 16:00,solved\n"
    "Ø-99,2026-10-05 16:00,solved\n"  # a ticket the export does not have
) + (
    "A,2026-10-05 15:30,closed\n" * 17  # enough good times for one bad one to be a cell error
)


def test_every_events_row_is_an_event_or_skipped_with_its_line(tmp_path: Path) -> None:
    events = write(tmp_path, "historikk.csv", UGLY_EVENTS)
    t = read_tickets([EXPORTS / "with-events.csv"], timezone="Europe/Oslo", events_file=events)
    assert t.events_file == str(events)
    assert (t.count, t.events_used, t.events_unmatched) == (2, 8 + 17, 1)
    assert t.skipped[["line", "reason"]].values.tolist() == [
        [4, "missing ticket id"],
        [6, "event time is not a date"],
        [9, "expected 3 fields, found 4"],
        [10, "missing event time"],
    ]
    assert set(t.skipped["file"]) == {str(events)}
    # rows read = tickets + skipped + events (with-events.csv has 2 rows, the history 29)
    assert t.rows_read == 2 + 29 == t.count + len(t.skipped) + t.events_used
    assert t.events is not None and set(t.events["ticket_id"]) == {"A", "B"}


def test_the_report_accounts_for_the_events_file(tmp_path: Path) -> None:
    events = write(tmp_path, "historikk.csv", UGLY_EVENTS)
    export = EXPORTS / "with-events.csv"
    result = runner.invoke(app, ["audit", str(DESK), str(export), "--events", str(events)])
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())
    assert "Events " in out and "historikk.csv" in out
    assert "31 read → 2 tickets + 25 events + 4 skipped" in out
    assert "1 events name tickets the exports do not have: ignored" in out
    # the pauses from the history still count: A and B met, as with the clean history
    csv_out = runner.invoke(
        app, ["audit", str(DESK), str(export), "--events", str(events), "-f", "csv"]
    )
    states = [line.split(",")[2] for line in csv_out.stdout.splitlines()[1:]]
    assert states == ["met", "met"]


def test_a_history_from_the_same_helpdesk_keeps_its_column_names(tmp_path: Path) -> None:
    # ticket id, status and group by the Zendesk profile's names, the time as "Updated at"
    history = write(
        tmp_path,
        "zendesk-historikk.csv",
        "Id,Updated at,Status,Group\n"
        "4711,2026-10-05 09:30:00 +0200,Open,Kundtjänst\n"
        "4711,2026-10-05 11:00:00 +0200,Pending,Kundtjänst\n"
        "4711,2026-10-06 08:00:00 +0200,Open,Reklamationer\n"
        "4711,2026-10-06 09:42:11 +0200,Solved,Reklamationer\n",
    )
    t = read_tickets([EXPORTS / "zendesk.csv"], timezone="Europe/Stockholm", events_file=history)
    assert t.profile == "zendesk" and t.events is not None
    ev = t.events.loc[t.events["ticket_id"] == "4711"]
    assert ev["category"].tolist() == ["open", "pending", "open", "solved"]
    assert ev["group"].tolist() == ["Kundtjänst", "Kundtjänst", "Reklamationer", "Reklamationer"]
    # 11:00 +0200 is 09:00 UTC
    assert int(ev["at"].iloc[1]) == int(np.datetime64("2026-10-05T09:00:00", "s").astype(np.int64))


def test_an_events_file_without_a_time_column_names_what_it_looked_for(tmp_path: Path) -> None:
    history = write(tmp_path, "h.csv", "Id,Når,Status\n4711,2026-10-05 09:30:00 +0200,Open\n")
    with pytest.raises(InputError) as err:
        read_tickets([EXPORTS / "zendesk.csv"], timezone="Europe/Stockholm", events_file=history)
    message = str(err.value)
    assert "no column for at:" in message and "'updated at'" in message
    assert "ticket_id" not in message.split("no column for")[1]  # Id was found


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 6), st.integers(0, 5)), max_size=40),
    st.booleans(),
)
def test_events_grouped_by_ticket_the_same_way_sorted_or_not(
    pairs: list[tuple[int, int]], presorted: bool
) -> None:
    """`by_ticket` skips its sort when the events are grouped already (as the import leaves
    them); either way each ticket's events come together, in time order, stable on ties."""
    if presorted:
        pairs = sorted(pairs)
    tickets = pd.Series([f"Ø-{k}" for k in range(5)], dtype="string")  # ticket 5 and 6: none
    events = pd.DataFrame(
        {
            "ticket_id": pd.Series([f"Ø-{k}" for k, _ in pairs], dtype="string"),
            "at": np.array([t for _, t in pairs], dtype=np.int64),
        }
    )
    order, rows = by_ticket(events, tickets)
    rows_of = np.array([k if k < 5 else -1 for k, _ in pairs], dtype=np.int64)
    expected = np.lexsort((events["at"].to_numpy(), rows_of)) if pairs else np.empty(0, int)
    assert order.tolist() == expected.tolist()
    assert rows.tolist() == rows_of[expected].tolist()


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(-1, 70_000), st.integers(0, 50)), max_size=60),
    st.booleans(),
)
def test_events_grouped_by_radix_as_by_lexsort(pairs: list[tuple[int, int]], in_time: bool) -> None:
    """`grouped_order` sorts events in time order by two radix passes over the ticket row's
    16-bit halves (rows beyond 65,535 and -1 included): the same order as `np.lexsort`."""
    if in_time:
        pairs = sorted(pairs, key=lambda p: p[1])
    rows = np.array([r for r, _ in pairs], dtype=np.int64)
    at = np.array([t for _, t in pairs], dtype=np.int64)
    expected = np.lexsort((at, rows)) if pairs else np.empty(0, dtype=np.int64)
    assert grouped_order(rows, at).tolist() == expected.tolist()


def test_long_columns_matched_and_taken_in_pieces_as_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past a length, the events' ticket ids are matched in a piece per core and taken in
    pieces side by side: the same rows, values and types as in one piece (ids with æøå and
    emoji, missing ids, ids of no ticket)."""
    import charter_cli.frames
    import charter_cli.tickets.events
    from charter_cli.frames import TEXT, take_rows
    from charter_cli.tickets.events import ticket_rows

    rng = np.random.default_rng(3)
    known = pd.Series([f"SAK-{k}-{'æøå'[k % 3]}" for k in range(400)], dtype=TEXT)
    ids = known.sample(5000, replace=True, random_state=1).reset_index(drop=True).astype(object)
    ids[rng.random(5000) < 0.05] = None
    ids[rng.random(5000) < 0.05] = "ukjent 🙃"
    events = pd.DataFrame(
        {
            "ticket_id": pd.Series(ids, dtype=TEXT),
            "at": rng.integers(0, 10**9, 5000),
            "status": pd.Categorical(rng.choice(["open", "pending", None], 5000)),
            "public": rng.random(5000) < 0.5,
            "note": pd.Series(rng.choice(["ja", None, "nei 😀"], 5000), dtype=object),
            "author": pd.Categorical(rng.choice(["agent", "customer"], 5000)).astype(
                pd.CategoricalDtype(["agent", "customer", "system"])
            ),
        }
    )
    whole = ticket_rows(events, known)
    order = rng.permutation(5000)
    taken = events.take(order).reset_index(drop=True)
    assert take_rows(events, order).equals(taken)  # under the length: one piece
    monkeypatch.setattr(charter_cli.tickets.events, "IN_PIECES", 7)
    monkeypatch.setattr(charter_cli.frames, "IN_PIECES", 7)
    assert np.array_equal(ticket_rows(events, known), whole)
    assert (whole == -1).sum() > 300 and set(whole[whole >= 0]) <= set(range(400))
    pieces = take_rows(events, order)
    pd.testing.assert_frame_equal(pieces, taken)
    assert list(pieces.dtypes) == list(taken.dtypes)
    consumed = events.copy()
    pd.testing.assert_frame_equal(take_rows(consumed, order, consume=True), taken)
    assert consumed.columns.empty and len(events.columns) == 6  # each column dropped once taken


def _rows_by_dict(ids: list[str | None], known: list[str]) -> list[int]:
    """The reference: each id's first row among the tickets' ids, by a dict of strings."""
    first: dict[str, int] = {}
    for row, ticket in enumerate(known):
        first.setdefault(ticket, row)
    return [first.get(ticket, -1) if ticket is not None else -1 for ticket in ids]


def _ids(kind: str, numbers: list[int], width: int) -> list[str]:
    prefix = {"zendesk": "", "jira": "SUP-", "servicenow": "INC", "odd": "Sak æ-"}[kind]
    if kind == "servicenow":
        return [f"{prefix}{n:0{width}d}" for n in numbers]
    return [f"{prefix}{n}" for n in numbers]


@settings(max_examples=150, deadline=None)
@given(
    kind=st.sampled_from(["zendesk", "jira", "servicenow", "odd"]),
    numbers=st.lists(st.integers(0, 10**6), min_size=1, max_size=40, unique=True),
    spread=st.sampled_from([1, 10**12]),  # dense (a table) or sparse (a search)
    extra=st.lists(
        st.one_of(
            st.integers(0, 2 * 10**6).map(str),
            st.sampled_from(["", "0", "00", "007", "SUP-007", "INC7", "+5", "-5", " 12", "12 "]),
            st.sampled_from(["SUP-", "INC", "sup-5", "SUP-5x", "9" * 19, "SUP-" + "9" * 19]),
            st.sampled_from(["INC00000007", "Sak æ-3", "Sak æ-03", "٣", "SUP-١"]),
            st.none(),
        ),
        max_size=30,
    ),
)
def test_ticket_rows_by_number_are_those_by_string(
    kind: str, numbers: list[int], spread: int, extra: list[str | None]
) -> None:
    """Ids that are a prefix and a number are matched as integers: the same rows as matching
    the strings, whatever the events' ids look like (zero-padded, signs, spaces, other digits,
    other prefixes, too long for an int64, missing)."""
    from charter_cli.frames import TEXT
    from charter_cli.tickets.events import ticket_rows

    known = _ids(kind, [n * spread for n in numbers], 8)
    rng = np.random.default_rng(len(extra))
    ids: list[str | None] = [*rng.choice(known, 3 * len(known)).tolist(), *extra]
    rng.shuffle(ids)  # type: ignore[arg-type]
    events = pd.DataFrame({"ticket_id": pd.Series(ids, dtype=TEXT)})
    got = ticket_rows(events, pd.Series(known, dtype=TEXT))
    assert got.tolist() == _rows_by_dict(ids, known)


@pytest.mark.parametrize(
    ("known", "ids", "by_number"),
    [
        (["T1", "T2", "T10"], ["T10", "T01", "T1", "X1", "T2x", "T1 "], True),
        (["INC001", "INC002", "INC100"], ["INC1", "INC002", "INC0100", "INC100"], True),
        (["1", "2", "0"], ["0", "00", "1", "01"], True),
        (["7", "007"], ["7", "007", "07"], False),  # one number, two tickets: by string
        (["T1", "X2"], ["T1", "X2"], False),  # two prefixes
        (["12345678901234567890"], ["12345678901234567890"], False),  # beyond an int64
    ],
)
def test_ticket_rows_by_number_only_where_the_number_says_the_id(
    known: list[str], ids: list[str], by_number: bool
) -> None:
    import pyarrow as pa

    from charter_cli.frames import TEXT
    from charter_cli.tickets import events as module

    numbered = module.by_number(
        pa.array(ids, pa.large_string()), pa.array(known, pa.large_string())
    )
    assert (numbered is not None) is by_number
    got = module.ticket_rows(
        pd.DataFrame({"ticket_id": pd.Series(ids, dtype=TEXT)}), pd.Series(known, dtype=TEXT)
    )
    assert got.tolist() == _rows_by_dict(list(ids), known)


@pytest.mark.parametrize("history", ["ugly", "zendesk", "no time column"])
def test_a_small_history_read_beside_the_exports_reads_as_after_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, history: str
) -> None:
    """A status history much smaller than the exports is read while the exports' columns are
    made canonical: the same events, rows, skipped lines and notes as read after them, and the
    same error for a broken one."""
    import charter_cli.tickets.read as module

    if history == "ugly":
        files, zone = [EXPORTS / "with-events.csv"], "Europe/Oslo"
        text = UGLY_EVENTS
    else:
        files, zone = [EXPORTS / "zendesk.csv"], "Europe/Stockholm"
        text = (
            "Id,Updated at,Status,Group\n"
            "4711,2026-10-05 09:30:00 +0200,Open,Kundtjänst\n"
            "4711,2026-10-06 09:42:11 +0200,Solved,Reklamationer\n"
            "9999,2026-10-06 09:42:11 +0200,Solved,Reklamationer\n"
            if history == "zendesk"
            else "Id,Når,Status\n4711,2026-10-05 09:30:00 +0200,Open\n"
        )
    events = write(tmp_path, "historikk.csv", text)
    read: dict[bool, object] = {}
    calls: list[str] = []
    real = module.in_thread

    def counted(task: Callable[[], object]) -> object:
        calls.append("beside")
        return real(task)

    monkeypatch.setattr(module, "in_thread", counted)
    sizes = {True: lambda f: 1 if f == [events] else 10, False: lambda f: 10}
    for beside in (True, False):
        monkeypatch.setattr(module, "total_bytes", sizes[beside])
        calls.clear()
        try:
            read[beside] = module.read_tickets(files, timezone=zone, events_file=events)
        except InputError as exc:
            read[beside] = str(exc)
        assert calls == (["beside"] if beside else [])
    if history == "no time column":
        assert read[True] == read[False] and "no column for at" in str(read[True])
        return
    near, after = read[True], read[False]
    assert isinstance(near, module.Tickets) and isinstance(after, module.Tickets)
    assert near.events is not None and after.events is not None
    pd.testing.assert_frame_equal(near.events, after.events)
    assert np.array_equal(near.event_rows, after.event_rows)  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(near.skipped, after.skipped)
    assert near.notes == after.notes
    assert (near.events_used, near.events_unmatched) == (after.events_used, after.events_unmatched)
