"""The audit as a reduction over partitions: 1, 4 or 16 partitions in this process, or a local
Dask cluster of two workers, give byte-identical reports (JSON, CSV, Markdown, HTML, JUnit and the
terminal text) on an export shaped like a real one: free text with commas, quotes, newlines and
emoji, timestamps with offsets, repeated rows, unreadable cells, unknown channels, tickets that
no promise covers, and a status and group history beside it (pauses and escalations)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from charter_cli.cli import app
from charter_cli.outcome import Counted
from charter_cli.summary import NO_MATCH, Spread, _merged, _notes
from tests.conftest import ROOT

CHARTER = ROOT / "charters" / "examples" / "it-helpdesk.yaml"
runner = CliRunner()
SUBJECTS = np.array(
    [
        'Drukarka w magazynie "Łódź-2" nie drukuje, pilne',
        "VPN: nie mogę się połączyć 😩",
        "Skaner ręczny\nnie skanuje kodów, źle",
        "Zażółć gęślą jaźń; hasło wygasło",
        "=SUM(A1:A9) w raporcie, błąd",
        "Åse Bråten: tilgang til SAP, takk",
        "  ",
    ]
)
CHANNELS = np.array(["E-mail", "phone", "self-service", "web", "fax", "Teams"])
PRIORITIES = np.array(["1 - Critical", "2 - High", "3 - Moderate", "4 - Low", "5 - Planning", ""])
GROUPS = np.array(
    ["Service Desk", "Network", "Warehouse Systems", "Workplace", "Major Incident Team"]
)
STATUSES = np.array(["open", "pending", "on-hold", "open", "solved"])


def _stamp(seconds: np.ndarray, offset_hours: np.ndarray) -> np.ndarray:
    """ISO 8601 with the offset the row's office wrote (`+01:00`, `+02:00` or `Z`)."""
    local = (seconds + offset_hours * 3600).astype("datetime64[s]")
    text = np.datetime_as_string(local, unit="s").astype(object)
    suffix = np.where(offset_hours == 0, "Z", np.char.add("+0", offset_hours.astype(str)))
    return text + np.char.add(suffix.astype(str), np.where(offset_hours == 0, "", ":00"))


def write_desk(folder: Path, n: int = 2400, seed: int = 7) -> tuple[Path, Path]:
    rng = np.random.default_rng(seed)
    start = np.datetime64("2026-03-01T00:00:00", "s").astype(np.int64)
    created = start + rng.integers(0, 240 * 86400, n)  # over both DST changes
    offset = rng.choice([0, 1, 2], n)
    ack = created + rng.integers(0, 120, n)
    reply = created + rng.exponential(3 * 3600, n).astype(np.int64)
    resolved = reply + rng.exponential(40 * 3600, n).astype(np.int64)
    closed = resolved + rng.integers(600, 6 * 86400, n)
    still_open = rng.random(n) < 0.15
    ids = np.char.add("INC", (100000 + np.arange(n)).astype(str))

    def text(values: np.ndarray, missing: np.ndarray) -> np.ndarray:
        out = _stamp(values, offset)
        out[missing] = ""
        return out

    frame = pd.DataFrame(
        {
            "ticket_id": ids,
            "created_at": text(created, np.zeros(n, dtype=bool)),
            "channel": CHANNELS[rng.integers(0, len(CHANNELS), n)],
            "priority": PRIORITIES[rng.integers(0, len(PRIORITIES), n)],
            "status": np.where(still_open, "open", "closed"),
            "group": GROUPS[rng.integers(0, len(GROUPS), n)],
            "assignee": np.array(["Łukasz Żółć", "Ewa Kęska", "Jörg Åström", ""])[
                rng.integers(0, 4, n)
            ],
            "subject": SUBJECTS[rng.integers(0, len(SUBJECTS), n)],
            "acknowledged_at": text(ack, rng.random(n) < 0.05),
            "first_response_at": text(reply, still_open & (rng.random(n) < 0.5)),
            "resolved_at": text(resolved, still_open),
            "closed_at": text(closed, still_open),
        }
    )
    frame.loc[rng.random(n) < 0.01, "first_response_at"] = "wczoraj"  # unreadable cells
    # years typed wrong: far from the rest, named in a note whatever the partitions
    frame.loc[[3, 17], "acknowledged_at"] = ["1970-01-02T10:00:00Z", "1970-01-02T10:00:00Z"]
    frame.loc[29, "closed_at"] = "1971-05-03T08:00:00+01:00"
    # the same ticket exported twice (a later state wins), and rows without a creation time
    again = frame.sample(40, random_state=seed).assign(status="closed")
    broken = frame.sample(5, random_state=seed + 1).assign(created_at="")
    export = folder / "incidents.csv"
    pd.concat([frame, again, broken]).to_csv(export, index=False)
    # three events per ticket: statuses with the group holding the ticket
    step = rng.exponential(6 * 3600, (n, 3)).astype(np.int64).cumsum(axis=1)
    events = pd.DataFrame(
        {
            "ticket_id": np.repeat(ids, 3),
            "at": _stamp((created[:, None] + step).ravel(), np.repeat(offset, 3)),
            "status": STATUSES[rng.integers(0, len(STATUSES), 3 * n)],
            "group": GROUPS[rng.integers(0, len(GROUPS), 3 * n)],
        }
    ).sample(frac=1.0, random_state=seed)  # an event log is not in ticket order
    history = folder / "history.csv"
    events.to_csv(history, index=False)
    return export, history


def _audit(folder: Path, export: Path, history: Path, name: str, *extra: str) -> dict[str, bytes]:
    out = folder / name
    out.mkdir()
    files = [out / f"report.{s}" for s in ("json", "csv", "md", "html", "xml")]
    result = runner.invoke(
        app,
        [
            "audit", str(CHARTER), str(export), "--events", str(history),
            "--by", "channel,priority,group,assignee,month,calendar",
            "--top", "25", "-q", *(a for f in files for a in ("-o", str(f))), *extra,
        ],
    )  # fmt: skip
    assert result.exit_code in (0, 1), result.output
    text = runner.invoke(
        app,
        [
            "audit", str(CHARTER), str(export), "--events", str(history),
            "--by", "channel,group", *extra,
        ],
    )  # fmt: skip
    return {f.suffix: f.read_bytes() for f in files} | {"text": text.stdout.encode()}


def test_any_number_of_partitions_gives_the_same_reports(tmp_path: Path) -> None:
    export, history = write_desk(tmp_path)
    one = _audit(tmp_path, export, history, "one")
    assert b"second-line" in one[".json"] and b'"running"' in one[".json"]
    assert one[".csv"].count(b"\n") > 5000  # every (ticket, promise) pair
    for count in ("4", "16"):
        many = _audit(tmp_path, export, history, count, "--partitions", count)
        for kind, content in one.items():
            assert many[kind] == content, f"{kind} differs with {count} partitions"


def test_a_large_input_is_audited_in_partitions_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without --partitions, one partition per so many tickets and events read: the same
    reports as one partition (each event placed by its ticket's row, no id hashed again)."""
    import charter_cli.partition

    export, history = write_desk(tmp_path, n=600)
    one = _audit(tmp_path, export, history, "one", "--partitions", "1")
    monkeypatch.setattr(charter_cli.partition, "ROWS_PER_PARTITION", 500)
    monkeypatch.setattr(charter_cli.partition, "ONE_PIECE", 2000)
    counts: list[int] = []
    real = charter_cli.partition.split

    def split(*args: Any) -> Any:
        counts.append(args[2])
        return real(*args)

    monkeypatch.setattr(charter_cli.partition, "split", split)
    auto = _audit(tmp_path, export, history, "auto")
    # 600 tickets (some rows without a creation time are not tickets) and 1,800 events: more
    # than one piece holds
    assert counts and counts[0] == 5, counts
    assert charter_cli.partition.partitions_for(2000) == 1
    for kind, content in one.items():
        assert auto[kind] == content, f"{kind} differs in partitions by default"


def test_promises_side_by_side_give_the_same_reports_as_one_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The audit runs two promises at a time, sharing the clocks, the scope and the status
    history each builds on first use: the same reports as one promise after the other."""
    import charter_cli.audit

    export, history = write_desk(tmp_path, n=1200)
    both = _audit(tmp_path, export, history, "both")
    monkeypatch.setattr(charter_cli.audit, "in_order", lambda tasks, **_: (t() for t in tasks))
    alone = _audit(tmp_path, export, history, "alone")
    for kind, content in both.items():
        assert alone[kind] == content, f"{kind} differs with one promise at a time"


def test_a_local_dask_cluster_gives_the_same_reports(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    export, history = write_desk(tmp_path, n=600)
    one = _audit(tmp_path, export, history, "one")
    dask = _audit(tmp_path, export, history, "dask", "--engine", "dask", "--workers", "2")
    for kind, content in one.items():
        assert dask[kind] == content, f"{kind} differs on Dask"


def test_scheduler_options_need_the_dask_engine(tmp_path: Path) -> None:
    export, _ = write_desk(tmp_path, n=50)
    result = runner.invoke(app, ["audit", str(CHARTER), str(export), "--workers", "2"])
    assert result.exit_code == 2 and "--engine dask" in result.stderr


def test_notes_of_partitions_keep_their_order_and_add_up_counts() -> None:
    def late(n: int) -> Counted:
        return Counted("{n} ticket late", "{n} tickets late", n)

    assert _notes([["b"], ["a", "b"], [late(1), "c"], [late(2)]]) == [
        "a",
        "b",
        "c",
        "3 tickets late",
    ]
    assert _notes([[late(1)]]) == ["1 ticket late"]
    assert _notes([[NO_MATCH], []]) == [NO_MATCH]


def _monthly(export: Path, folder: Path) -> list[Path]:
    """The export as three files by creation month, the repeated rows in a later file (a ticket
    exported again the month after)."""
    frame = pd.read_csv(export, dtype=str, keep_default_na=False)
    month = frame["created_at"].str[:7]
    cuts = [month < "2026-06", (month >= "2026-06") & (month < "2026-09"), month >= "2026-09"]
    files = []
    for k, cut in enumerate(cuts):
        part = frame.loc[cut.to_numpy()]
        if k == 2:  # a ticket of an earlier month exported again, closed since
            part = pd.concat([part, frame.loc[cuts[0].to_numpy()].head(30).assign(status="closed")])
        path = folder / f"incidents-{k + 1}.csv"
        part.to_csv(path, index=False, sep=";", encoding="utf-8-sig")
        files.append(path)
    return files


def test_a_streamed_audit_gives_the_in_memory_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    export, history = write_desk(tmp_path)
    monkeypatch.chdir(tmp_path)  # the exports by relative paths, as a manager types them
    files = [Path(f.name) for f in _monthly(export, tmp_path)]
    history = Path(history.name)
    one = _audit(tmp_path, files[0], history, "memory", *map(str, files[1:]))
    assert b'"incidents-1.csv"' in one[".json"]
    far = "2 acknowledged_at in 1970, far from the rest (2026-03 … 2026-11): e.g. ticket INC100003"
    assert far.encode() in one[".json"] and b"1 closed_at in 1971" in one[".json"]
    assert b"duplicates" in one[".json"]
    # the exports are larger than the budget now: streamed through temporary files, in about
    # eight partitions (each takes a quarter of the budget)
    monkeypatch.setattr("charter_cli.streamed.BYTES_PER_BYTE", 200)
    monkeypatch.setattr("charter_cli.summary.SpilledLines.WINDOW", 100)  # CSV merged in windows
    spilled: list[Path] = []
    real = __import__("tempfile").TemporaryDirectory

    def watched(*args: object, **kwargs: object) -> object:
        folder = real(*args, **kwargs)  # type: ignore[call-overload]
        spilled.append(Path(folder.name))
        return folder

    monkeypatch.setattr("tempfile.TemporaryDirectory", watched)
    calls = _count_streamed(monkeypatch)
    for extra in (("--memory", "64MB"), ("--memory", "64MB", "--partitions", "13")):
        name = "streamed" + "".join(extra)
        streamed = _audit(tmp_path, files[0], history, name, *map(str, files[1:]), *extra)
        for kind, content in one.items():
            assert streamed[kind] == content, f"{kind} differs when streamed {extra}"
    pytest.importorskip("distributed")  # the same, read and audited on a local Dask cluster
    extra = ("--memory", "64MB", "--engine", "dask", "--workers", "2")
    dask = _audit(tmp_path, files[0], history, "dask", *map(str, files[1:]), *extra)
    for kind, content in one.items():
        assert dask[kind] == content, f"{kind} differs when streamed on Dask"
    assert spilled and not any(p.exists() for p in spilled)  # cleaned up
    assert len(calls) == 6 and min(calls) > 2 and calls[3] == 13, calls  # two runs each


EVENT_LOG_HEADER = (
    "number,incident_state,active,reassignment_count,reopen_count,sys_mod_count,made_sla,"
    "caller_id,opened_at,sys_updated_at,contact_type,priority,assignment_group,assigned_to,"
    "short_description,resolved_at,closed_at"
)


LEVELS = ["Critical", "High", "Moderate", "Low"]


def _dmy(when: object) -> str:
    """ServiceNow's day-first export format (empty for none)."""
    return "" if when == "" else pd.Timestamp(when).strftime("%d/%m/%Y %H:%M")  # type: ignore[arg-type]


LEVELS = ["Critical", "High", "Moderate", "Low"]


def _dmy(when: object) -> str:
    """ServiceNow's day-first export format (empty for none)."""
    return "" if when == "" else pd.Timestamp(when).strftime("%d/%m/%Y %H:%M")  # type: ignore[arg-type]


def test_a_streamed_event_log_folds_tickets_across_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ServiceNow incident log in two monthly files, incidents whose events span both."""
    rng = np.random.default_rng(3)
    lines = []
    start = np.datetime64("2026-02-20T08:00", "m")
    for i in range(300):
        opened = start + np.timedelta64(int(rng.integers(0, 20 * 24 * 60)), "m")
        steps = np.cumsum(rng.integers(5, 3000, 4))
        states = ["New", "Active", "Awaiting User Info", "Resolved"][: int(rng.integers(2, 5))]
        for k, state in enumerate(states):
            at = opened + np.timedelta64(int(steps[k]), "m")
            resolved = at if state == "Resolved" else ""
            lines.append(
                f"INC{10000 + i},{state},true,{k},0,{k},true,Caller {i % 40},{_dmy(opened)},"
                f"{_dmy(at)},{'Phone' if i % 3 else 'Email'},{1 + i % 4} - {LEVELS[i % 4]},"
                f'Group {i % 7},Resolver {i % 11},"Skriver, ""Łódź"" nie działa",{_dmy(resolved)},'
            )
    lines.sort(key=lambda ln: ln.split(",")[9][3:5] + ln.split(",")[9][:2])  # by update month
    feb = [ln for ln in lines if ln.split(",")[9][3:5] == "02"]
    rest = [ln for ln in lines if ln.split(",")[9][3:5] != "02"]
    files = []
    for name, part in (("log-02.csv", feb), ("log-03.csv", rest)):
        path = tmp_path / name
        path.write_text(EVENT_LOG_HEADER + "\n" + "\n".join(part) + "\n", encoding="utf-8")
        files.append(str(path))
    charter = ROOT / "charters" / "examples" / "it-helpdesk.yaml"
    args = ["audit", str(charter), *files, "--profile", "servicenow", "--dayfirst", "-f", "json"]
    memory = runner.invoke(app, args)
    assert memory.exit_code in (0, 1), memory.output
    assert '"events_folded"' in memory.stdout
    monkeypatch.setattr("charter_cli.streamed.BYTES_PER_BYTE", 500)
    calls = _count_streamed(monkeypatch)
    streamed = runner.invoke(app, [*args, "--memory", "64MB"])
    assert calls and calls[0] > 2, calls  # streamed, in several partitions
    assert streamed.stdout == memory.stdout


def _count_streamed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The partitions of every streamed audit from now on."""
    import charter_cli.streamed

    calls: list[int] = []
    real = charter_cli.streamed.audit_streamed

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(int(kwargs["partitions"]))  # type: ignore[call-overload]
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(charter_cli.streamed, "audit_streamed", counted)
    return calls


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.lists(st.integers(0, 40), max_size=30), min_size=1, max_size=5),
    st.sampled_from([50, 90, 95, 99, 1, 100]),
)
def test_spread_percentiles_are_numpys_nearest_rank(parts: list[list[int]], q: int) -> None:
    """Partitions' elapsed times kept as distinct values and counts, merged, give the
    percentile numpy gives of all of them."""
    every = [x for part in parts for x in part]
    assume(every)
    merged = Spread.merged([Spread.of(np.array(p, dtype=np.int64)) for p in parts])
    assert merged.total == len(every)
    expected = np.percentile(np.array(every), q, method="inverted_cdf")
    assert merged.percentile(q) == int(expected)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sets(st.integers(0, 200), max_size=25), min_size=1, max_size=6),
    st.integers(1, 5),
    st.integers(1, 3),
)
def test_spilled_lines_merge_into_row_order_a_window_at_a_time(
    runs: list[set[int]], window: int, most: int
) -> None:
    """Every partition's lines (row numbers ascending within it, none shared; a row's instances
    one after the other) come out in (row, instance) order, whatever the window."""
    seen: set[int] = set()
    disjoint = []
    for run in runs:
        disjoint.append(sorted(run - seen))
        seen |= run

    def count(row: int) -> int:  # instances of a row: 1 to `most`
        return 1 + row % most

    pieces = []
    for rows in disjoint:
        each = [(r, k) for r in rows for k in range(1, count(r) + 1)]
        pieces.append(
            (
                np.array([r for r, _ in each], dtype=np.int64),
                np.array([k for _, k in each], dtype=np.int64),
                pa.chunked_array([pa.array([f"{r}.{k}\n" for r, k in each], pa.large_string())]),
            )
        )
    merged = [x for chunk in _merged(pieces, window) for x in chunk.to_pylist()]
    assert merged == [f"{r}.{k}\n" for r in sorted(seen) for k in range(1, count(r) + 1)]


def test_instances_of_reopened_tickets_are_the_same_for_any_number_of_partitions(
    tmp_path: Path,
) -> None:
    """`reopens: each`: a reopened ticket has one CSV line per cycle, in input order then
    instance order, whatever the partitions; the history's statuses reopen about a third."""
    charter = tmp_path / "it-helpdesk.yaml"
    text = CHARTER.read_text(encoding="utf-8").replace(
        "    measure: resolution\n", "    measure: resolution\n    reopens: each\n"
    )
    assert text.count("reopens: each") == 2
    charter.write_text(text, encoding="utf-8")
    export, history = write_desk(tmp_path, n=1200)
    outputs = {}
    # 9 and 23 put some partition's instances at exactly its number of tickets
    for count in ("1", "4", "9", "16", "23"):
        out = tmp_path / f"p{count}.csv"
        summary = tmp_path / f"p{count}.json"
        result = runner.invoke(
            app,
            [
                "audit", str(charter), str(export), "--events", str(history), "-q",
                "--by", "group,priority", "-o", str(out), "-o", str(summary),
                "--partitions", count,
            ],
        )  # fmt: skip
        assert result.exit_code in (0, 1), result.output
        outputs[count] = (out.read_bytes(), summary.read_bytes())
    for count in ("4", "9", "16", "23"):
        assert outputs[count] == outputs["1"], f"{count} partitions"
    lines = pd.read_csv(tmp_path / "p1.csv", dtype=str, keep_default_na=False)
    several = lines.loc[lines["instance"] != "1"]
    assert len(several) > 50  # instances beyond the first
    # a ticket's instances follow each other, counted from 1
    for _, one in several.groupby(["promise", "ticket_id"]).head(1).head(20).iterrows():
        mine = lines.loc[
            (lines["promise"] == one["promise"]) & (lines["ticket_id"] == one["ticket_id"])
        ]
        assert mine["instance"].astype(int).tolist() == list(range(1, len(mine) + 1))
        assert np.diff(mine.index.to_numpy()).tolist() == [1] * (len(mine) - 1)


def test_a_large_events_file_streams_the_audit_by_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The memory an audit needs grows with its events as with its tickets: a small export with
    a year of events beside it is streamed too, with the same reports."""
    export, history = write_desk(tmp_path, n=300)
    one = _audit(tmp_path, export, history, "memory")
    tickets = export.stat().st_size
    # a budget the export alone fits in, the export and its events do not
    monkeypatch.setattr("charter_cli.streamed.BYTES_PER_BYTE", (64 << 20) // tickets)
    calls = _count_streamed(monkeypatch)
    streamed = _audit(tmp_path, export, history, "streamed", "--memory", "64MB")
    assert calls and min(calls) > 1, calls
    for kind, content in one.items():
        assert streamed[kind] == content, f"{kind} differs when the events stream the audit"
