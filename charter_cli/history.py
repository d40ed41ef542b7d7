"""Audit history: what `charter audit --record FILE.sqlite` keeps of a run, and how it is read back.

Each partition's audit is reduced (`reduce_history`, whole columns) to a small table per promise
× month × channel × priority × group × type: the instances in each state, and a log-spaced
histogram of the elapsed business seconds of the stopped, judged instances (the ones percentiles
are taken over). Partitions add up (`merge_history`), so the table is the same for any number of
partitions, streamed or not. `record` writes it to an SQLite file in one transaction; `load`
reads back the months of the latest recording of each month, for `charter trend` and
`charter review`.

Months are those of `created_at` in the charter's zone, as the audit's month breakdown counts
them. A ticket without a value for a key has the empty text there.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from charter_cli import __version__
from charter_cli.clock import NAT
from charter_cli.errors import UsageError
from charter_cli.outcome import STATE_LABELS, State

if TYPE_CHECKING:
    from charter_cli.audit import AuditResult
    from charter_cli.charter.model import Charter
    from charter_cli.summary import Summary

# --- the histogram's bins ------------------------------------------------------------------------

# Bin 0 holds [0 s, 60 s); bin k ≥ 1 holds [EDGES[k], EDGES[k + 1]) where EDGES[k] is
# 60 s · 2^((k-1)/4) rounded to the second: four bins per doubling, so a bin is at most 19 % wider
# than its lower edge; the last bin (from about 2.8 years of business time) is open-ended.
BIN_BASE = 60
BINS_PER_DOUBLING = 4
BIN_COUNT = 84
EDGES = np.concatenate(
    [
        [0],
        np.round(BIN_BASE * 2 ** (np.arange(BIN_COUNT - 1) / BINS_PER_DOUBLING)).astype(np.int64),
    ]
).astype(np.int64)

PLACES = ("month", "channel", "priority", "group", "type")  # a ticket's place in the history
CELL = ("promise", *PLACES)
STATES = list(STATE_LABELS)


def bin_of(elapsed: np.ndarray) -> np.ndarray:
    """The bin of each elapsed time (negative times, which a measure never gives, in bin 0)."""
    return np.searchsorted(EDGES, np.maximum(np.asarray(elapsed, dtype=np.int64), 0), "right") - 1


def bin_upper(bins: np.ndarray) -> np.ndarray:
    """The upper edge of each bin (the lower edge of the last, open-ended one)."""
    b = np.asarray(bins, dtype=np.int64)
    return np.where(b + 1 < EDGES.size, EDGES[np.minimum(b + 1, EDGES.size - 1)], EDGES[-1])


def quantile_bin(bins: np.ndarray, counts: np.ndarray, q: float) -> int | None:
    """The bin holding the nearest-rank `q` quantile (0 < q ≤ 1) of a histogram (the same rank
    as `numpy.percentile(..., method="inverted_cdf")`), or None for an empty one."""
    order = np.argsort(bins, kind="stable")
    b, c = np.asarray(bins)[order], np.asarray(counts, dtype=np.int64)[order]
    n = int(c.sum())
    if n == 0:
        return None
    virtual = n * np.float64(q)
    below = np.floor(virtual)
    rank = int(below) if virtual == below else int(below) + 1
    rank = min(max(rank, 1), n)
    return int(b[np.searchsorted(np.cumsum(c), rank)])


def quantile_seconds(bins: np.ndarray, counts: np.ndarray, q: float) -> int | None:
    """The `q` quantile as a bin estimate: the upper edge of the bin that holds it (at least a
    share `q` of the times were under it)."""
    found = quantile_bin(bins, counts, q)
    return None if found is None else int(bin_upper(np.array([found]))[0])


# --- a partition's history, and partitions added up ----------------------------------------------


@dataclass
class History:
    """The recorded figures of an audit (or of one partition of it)."""

    cells: pd.DataFrame  # CELL, then a count per state
    elapsed: pd.DataFrame  # CELL, bin, count
    tickets: pd.DataFrame  # PLACES, tickets (audited), covered (some promise applies)


def _codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """A column's codes (missing → the last label, the empty text) and its labels."""
    cat = values.astype("category") if not isinstance(values.dtype, pd.CategoricalDtype) else values
    labels = np.append(np.asarray(cat.cat.categories.astype(str), dtype=object), "")
    codes = cat.cat.codes.to_numpy().astype(np.int64)
    return np.where(codes < 0, labels.size - 1, codes), labels


def months(seconds: np.ndarray, timezone: str) -> Any:
    """`2026-10` of each instant in `timezone` (as `summary.month_of` says it), by a search among
    the few month starts of the span instead of converting every instant."""
    instants = np.asarray(seconds, dtype=np.int64)
    if instants.size == 0:
        return pd.Categorical.from_codes([], dtype=pd.CategoricalDtype([]))
    lo, hi = (
        pd.Timestamp(int(v), unit="s", tz="UTC").tz_convert(timezone)
        for v in (instants.min(), instants.max())
    )
    starts = pd.date_range(
        pd.Timestamp(lo.year, lo.month, 1), pd.Timestamp(hi.year, hi.month, 1), freq="MS"
    ).tz_localize(timezone, ambiguous=True, nonexistent="shift_forward")
    edges = np.asarray(starts.as_unit("s").asi8, dtype=np.int64)
    codes = np.searchsorted(edges, instants, side="right") - 1
    labels = [f"{t.year}-{t.month:02d}" for t in starts]
    return pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(labels))


def reduce_history(result: AuditResult, shown: pd.DataFrame | None = None) -> History:
    """One partition's history (whole columns; a loop over promises only). `shown`: the
    `summary.ticket_columns` of its tickets when already made."""
    from charter_cli.summary import ticket_columns

    tickets = result.tickets
    if shown is None:
        shown = ticket_columns(tickets)
    month = pd.Series(months(tickets["created_at"].to_numpy(), result.charter.timezone))
    kind = tickets["type"] if "type" in tickets else pd.Series([None] * len(tickets), dtype=object)
    columns = {
        "month": month,
        "channel": shown["channel"],
        "priority": shown["priority"],
        "group": shown["group"],
        "type": kind.reset_index(drop=True),
    }
    coded = {k: _codes(v) for k, v in columns.items()}
    cells, elapsed = [], []
    covered = np.zeros(len(tickets), dtype=bool)
    for o in result.outcomes:
        covered[o.rows] = True
        frame = pd.DataFrame({k: codes[o.rows] for k, (codes, _) in coded.items()})
        if o.held is not None:  # instances that belong to a group (group_time): that group
            frame["group"] = _held_codes(coded, o.held, "group")
        if o.priority is not None:  # judged under a priority the events gave: that one
            frame["priority"] = _held_codes(coded, o.priority, "priority")
        frame["state"] = o.state.astype(np.int64)
        counts = frame.groupby([*PLACES, "state"], sort=False).size().unstack("state", 0)
        counts = counts.reindex(columns=range(len(State)), fill_value=0)
        counts.columns = STATES
        counts = counts.reset_index()
        counts.insert(0, "promise", o.promise.id)
        cells.append(counts)
        judged = (o.state == State.MET) | (o.state == State.BREACHED)
        stopped = judged & o.done & (o.elapsed != NAT)
        times = frame.loc[stopped, list(PLACES)].assign(bin=bin_of(o.elapsed[stopped]))
        hist = times.groupby([*PLACES, "bin"], sort=False).size().rename("count").reset_index()
        hist.insert(0, "promise", o.promise.id)
        elapsed.append(hist)
    per_ticket = pd.DataFrame({k: codes for k, (codes, _) in coded.items()})
    per_ticket["covered"] = covered.astype(np.int64)
    dropped = result.excluded  # by the charter's `exclude`: not kept, so not counted
    if dropped.size:
        per_ticket = per_ticket.loc[~dropped]
    volume = (
        per_ticket.groupby(list(PLACES), sort=False)
        .agg(tickets=("covered", "size"), covered=("covered", "sum"))
        .reset_index()
    )

    def labelled(frame: pd.DataFrame) -> pd.DataFrame:
        for key, (_, labels) in coded.items():
            frame[key] = labels[frame[key].to_numpy(dtype=np.int64)]
        return frame

    return History(
        cells=labelled(_concat(cells, [*CELL, *STATES])),
        elapsed=labelled(_concat(elapsed, [*CELL, "bin", "count"])),
        tickets=labelled(volume),
    )


def _held_codes(
    coded: dict[str, tuple[np.ndarray, np.ndarray]], held: np.ndarray, key: str
) -> np.ndarray:
    """Codes of the values `held` names (one per row of a promise: the group of an instance,
    the priority it was judged under) among the labels of `key`, the labels extended with the
    values they lack (`coded` is updated; a missing value is the empty text)."""
    codes, labels = coded[key]
    names = pd.Series(held, dtype=object).fillna("").astype(str)
    known = {str(label): i for i, label in enumerate(labels)}
    new = [v for v in pd.unique(names) if v not in known]  # distinct values, not rows
    if new:
        labels = np.concatenate((labels, np.array(new, dtype=object)))
        known.update({v: len(known) + k for k, v in enumerate(new)})
        coded[key] = (codes, labels)
    return names.map(known).to_numpy(dtype=np.int64)


def _concat(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame({c: pd.Series([], dtype=np.int64) for c in columns})
    return pd.concat(frames, ignore_index=True)[columns]


def _added(frames: Sequence[pd.DataFrame], keys: list[str]) -> pd.DataFrame:
    """Frames with the same columns, added up by `keys`, sorted by them (the same order for any
    partitioning)."""
    table = pd.concat(frames, ignore_index=True)
    if table.empty:
        return table.reset_index(drop=True)
    for key in keys:
        if table[key].dtype == object:
            table[key] = table[key].astype(str)
    out = table.groupby(keys, sort=True).sum().reset_index()
    values = [c for c in out.columns if c not in keys]
    out[values] = out[values].astype(np.int64)
    return out


def merge_history(parts: Sequence[History]) -> History:
    """Partitions' histories added up."""
    return History(
        cells=_added([p.cells for p in parts], list(CELL)),
        elapsed=_added([p.elapsed for p in parts], [*CELL, "bin"]),
        tickets=_added([p.tickets for p in parts], list(PLACES)),
    )


# --- the SQLite file ----------------------------------------------------------------------------

SCHEMA_VERSION = 1
_PLACE_COLUMNS = (
    'month TEXT NOT NULL, channel TEXT NOT NULL, priority TEXT NOT NULL, "group" TEXT NOT NULL, '
    "type TEXT NOT NULL"
)
_PLACE_KEY = 'month, channel, priority, "group", type'
# MIGRATIONS[v]: the statements that bring a file of schema version v to v + 1
MIGRATIONS: dict[int, str] = {
    0: f"""
CREATE TABLE runs (
  run INTEGER PRIMARY KEY AUTOINCREMENT,
  charter_hash TEXT NOT NULL,
  charter_name TEXT NOT NULL,
  charter_path TEXT NOT NULL,
  timezone TEXT NOT NULL,
  files TEXT NOT NULL,
  as_of TEXT NOT NULL,
  since TEXT,
  until TEXT,
  first_month TEXT,
  last_month TEXT,
  tool_version TEXT NOT NULL,
  recorded_at TEXT NOT NULL
);
CREATE TABLE promises (
  run INTEGER NOT NULL REFERENCES runs(run) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  promise TEXT NOT NULL,
  title TEXT,
  measure TEXT NOT NULL,
  target REAL NOT NULL,
  within TEXT NOT NULL,
  PRIMARY KEY (run, promise)
);
CREATE TABLE cells (
  run INTEGER NOT NULL REFERENCES runs(run) ON DELETE CASCADE,
  promise TEXT NOT NULL, {_PLACE_COLUMNS},
  met INTEGER NOT NULL, breached INTEGER NOT NULL,
  running INTEGER NOT NULL, unmeasurable INTEGER NOT NULL,
  PRIMARY KEY (run, promise, {_PLACE_KEY})
);
CREATE TABLE elapsed (
  run INTEGER NOT NULL REFERENCES runs(run) ON DELETE CASCADE,
  promise TEXT NOT NULL, {_PLACE_COLUMNS},
  bin INTEGER NOT NULL REFERENCES bins(bin),
  count INTEGER NOT NULL,
  PRIMARY KEY (run, promise, {_PLACE_KEY}, bin)
);
CREATE TABLE tickets (
  run INTEGER NOT NULL REFERENCES runs(run) ON DELETE CASCADE,
  {_PLACE_COLUMNS},
  tickets INTEGER NOT NULL,
  covered INTEGER NOT NULL,
  PRIMARY KEY (run, {_PLACE_KEY})
);
CREATE TABLE bins (
  bin INTEGER PRIMARY KEY,
  lower INTEGER NOT NULL,
  upper INTEGER
);
CREATE INDEX cells_month ON cells (month);
""",
}
_OURS = {"runs", "promises", "cells", "elapsed", "tickets", "bins"}


def _connect(path: Path, *, create: bool) -> sqlite3.Connection:
    if not create and not path.is_file():
        raise UsageError(
            f"{path}: no such history file (record one with `charter audit ... --record {path}`)"
        )
    try:
        db = sqlite3.connect(path, isolation_level=None)
    except sqlite3.DatabaseError as exc:
        raise UsageError(f"{path}: cannot open the history file ({exc})") from None
    try:
        db.execute("PRAGMA foreign_keys = ON")
        version = int(db.execute("PRAGMA user_version").fetchone()[0])
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError as exc:
        db.close()  # Python 3.13 warns about a connection left open
        raise UsageError(f"{path}: not a charter history file ({exc})") from None
    tables.discard("sqlite_sequence")
    if version > SCHEMA_VERSION:
        db.close()
        raise UsageError(
            f"{path}: history schema version {version} is newer than this charter's "
            f"({SCHEMA_VERSION}); upgrade charter to read it"
        )
    if version == 0 and tables:
        db.close()
        raise UsageError(f"{path}: an SQLite file, but not a charter history (it has other tables)")
    if version > 0 and not tables >= _OURS:
        db.close()
        raise UsageError(f"{path}: not a charter history file (tables are missing)")
    if version < SCHEMA_VERSION:
        try:
            _migrate(db, version)
        except BaseException:
            db.close()
            raise
    return db


def _migrate(db: sqlite3.Connection, version: int) -> None:
    """Bring the file forward to SCHEMA_VERSION, one version at a time, in one transaction."""
    db.execute("BEGIN IMMEDIATE")
    try:
        for v in range(version, SCHEMA_VERSION):
            for statement in MIGRATIONS[v].split(";"):
                if statement.strip():
                    db.execute(statement)
        if version == 0:
            upper = [*EDGES[1:].tolist(), None]
            db.executemany(
                "INSERT INTO bins VALUES (?, ?, ?)",
                zip(range(EDGES.size), EDGES.tolist(), upper, strict=True),
            )
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


def check_record(path: Path, others: Sequence[Path]) -> None:
    """Refuse a history file that is one of the inputs or outputs, a folder, or in a folder that
    does not exist (before the audit runs)."""
    real = path.resolve()
    if real in {p.resolve() for p in others}:
        raise UsageError(f"--record {path} is one of the inputs or outputs; name another file")
    if real.is_dir():
        raise UsageError(f"--record {path} is a directory; name a file (history.sqlite)")
    if not real.parent.is_dir():
        raise UsageError(f"--record {path}: the folder {path.parent} does not exist")
    if real.exists():
        with closing(_connect(path, create=True)):
            pass  # a file that is no history (or too new) is said before the audit runs


def charter_hash(path: Path) -> str:
    """The charter's content (its parsed data, not its layout or comments) as a SHA-256."""
    from charter_cli.charter.load import read_yaml_file

    data = read_yaml_file(path).data
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _iso(seconds: int | None) -> str | None:
    if seconds is None or seconds == NAT:
        return None
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _month(seconds: int, timezone: str) -> str:
    from charter_cli.summary import month_of

    return str(month_of(np.array([seconds]), timezone)[0])


def _within(charter: Charter, index: int) -> str:
    promise = charter.promises[index]
    parts = {**({"*": str(promise.within.default)} if promise.within.default else {})}
    parts |= {k: str(v) for k, v in promise.within.by_priority.items()}
    return json.dumps(parts, ensure_ascii=False)


def record(path: Path, summary: Summary, charter_file: Path, *, now: datetime | None = None) -> int:
    """Write the run's history to `path` (created if need be) in one transaction, replacing
    what earlier runs of the same charter (by content) recorded for the months this run covers;
    the run's number."""
    history = summary.history
    assert history is not None, "the audit was not asked to record (Wants.record)"
    charter = summary.charter
    digest = charter_hash(charter_file)
    months = sorted((set(history.cells["month"]) | set(history.tickets["month"])) - {""})
    tz = charter.timezone
    first = (
        _month(summary.since, tz) if summary.since is not None else (months[0] if months else None)
    )
    last = (
        _month(summary.until - 1, tz)
        if summary.until is not None
        else (months[-1] if months else None)
    )
    stamp = (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    with closing(_connect(path, create=True)) as db:
        db.execute("BEGIN IMMEDIATE")
        try:
            if first is not None and last is not None:
                same = "SELECT run FROM runs WHERE charter_hash = ?"
                for table in ("cells", "elapsed", "tickets"):
                    db.execute(
                        f"DELETE FROM {table} WHERE run IN ({same}) AND month BETWEEN ? AND ?",
                        (digest, first, last),
                    )
                db.execute(
                    "DELETE FROM runs WHERE charter_hash = ? AND run NOT IN "
                    "(SELECT run FROM cells UNION SELECT run FROM tickets)",
                    (digest,),
                )
            cursor = db.execute(
                "INSERT INTO runs (charter_hash, charter_name, charter_path, timezone, files, "
                "as_of, since, until, first_month, last_month, tool_version, recorded_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    digest,
                    charter.name,
                    str(charter_file),
                    tz,
                    json.dumps(list(summary.source.files), ensure_ascii=False),
                    _iso(summary.as_of),
                    _iso(summary.since),
                    _iso(summary.until),
                    first,
                    last,
                    __version__,
                    stamp,
                ),
            )
            run = int(cursor.lastrowid or 0)
            db.executemany(
                "INSERT INTO promises VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (run, k, p.id, p.title, p.measure, p.target, _within(charter, k))
                    for k, p in enumerate(charter.promises)
                ],
            )
            _insert(db, "cells", run, history.cells, [*CELL, *STATES])
            _insert(db, "elapsed", run, history.elapsed, [*CELL, "bin", "count"])
            _insert(db, "tickets", run, history.tickets, [*PLACES, "tickets", "covered"])
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
    return run


def _insert(
    db: sqlite3.Connection, table: str, run: int, frame: pd.DataFrame, cols: list[str]
) -> None:
    if frame.empty:
        return
    names = ", ".join(f'"{c}"' for c in ["run", *cols])
    marks = ", ".join("?" * (len(cols) + 1))
    columns = [[run] * len(frame), *(frame[c].tolist() for c in cols)]  # cells, not tickets
    db.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", zip(*columns, strict=True))


# --- reading it back ----------------------------------------------------------------------------


@dataclass
class Recorded:
    """The history as trend and review read it: for each month, the latest run that recorded it."""

    runs: pd.DataFrame  # run, charter_hash, charter_name, recorded_at, ...
    promises: pd.DataFrame  # run, position, promise, title, measure, target, within
    cells: pd.DataFrame  # run, CELL, states
    elapsed: pd.DataFrame  # run, CELL, bin, count
    tickets: pd.DataFrame  # run, PLACES, tickets, covered
    month_run: dict[str, int]  # month → the run its figures come from


def load(path: Path, *, since: str | None = None, charter: str | None = None) -> Recorded:
    """The history in `path`, each month from the latest run that recorded it (of the charter
    whose name or hash starts with `charter`, when given), from the month `since` on."""
    with closing(_connect(path, create=False)) as db:
        runs = pd.read_sql_query("SELECT * FROM runs ORDER BY run", db)
        promises = pd.read_sql_query("SELECT * FROM promises ORDER BY run, position", db)
        cells = pd.read_sql_query("SELECT * FROM cells", db)
        elapsed = pd.read_sql_query("SELECT * FROM elapsed", db)
        tickets = pd.read_sql_query("SELECT * FROM tickets", db)
    if charter:
        chosen = runs.loc[
            (runs["charter_name"] == charter) | runs["charter_hash"].str.startswith(charter.lower())
        ]
        if chosen.empty:
            raise UsageError(f"--charter {charter}: no run of the history has that name or hash")
        runs = chosen
    keep = set(runs["run"].tolist())
    frames = [f.loc[f["run"].isin(keep)] for f in (cells, elapsed, tickets)]
    months = pd.concat([frames[0][["run", "month"]], frames[2][["run", "month"]]])
    month_run = {str(m): int(r) for m, r in months.groupby("month")["run"].max().items()}
    if since:
        if not re.match(r"^\d{4}-\d{2}(-\d{2})?$", since):
            raise UsageError(f"--since {since}: a month (2026-01) or a date (2026-01-15)")
        month_run = {m: r for m, r in month_run.items() if m >= since[:7]}

    def latest(frame: pd.DataFrame) -> pd.DataFrame:
        wanted = frame["month"].map(month_run)
        return frame.loc[wanted.notna() & (frame["run"] == wanted)].reset_index(drop=True)

    return Recorded(
        runs=runs.reset_index(drop=True),
        promises=promises,
        cells=latest(frames[0]),
        elapsed=latest(frames[1]),
        tickets=latest(frames[2]),
        month_run=dict(sorted(month_run.items())),
    )


def charters_held(path: Path) -> pd.DataFrame:
    """Each charter the history holds, in the order first recorded: `charter_hash`,
    `charter_name`, `first` and `last` month."""
    with closing(_connect(path, create=False)) as db:
        return pd.read_sql_query(
            "SELECT charter_hash, charter_name, min(first_month) AS first, "
            "max(last_month) AS last FROM runs GROUP BY charter_hash, charter_name "
            "ORDER BY min(run)",
            db,
        )


def recorded_from_exports(
    charter: Path,
    files: Sequence[Path],
    *,
    profile: str | None = None,
    events: Path | None = None,
    as_of: str | None = None,
    order: str | None = None,
    input_tz: str | None = None,
) -> Recorded:
    """The history of one audit of `files`, as if recorded and read back (a temporary file)."""
    import tempfile

    from charter_cli.audit import read_inputs
    from charter_cli.partition import run
    from charter_cli.summary import Wants

    inputs = read_inputs(
        str(charter),
        [str(f) for f in files],
        profile=profile,
        events=str(events) if events else None,
        as_of=as_of,
        order=order,
        input_tz=input_tz,
    )
    summary = run(inputs, Wants(worst=0, record=True))
    with tempfile.TemporaryDirectory(prefix="charter-review-") as folder:
        path = Path(folder) / "history.sqlite"
        record(path, summary, charter)
        return load(path)


def rows_of(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every recorded figure of the file, without run numbers or times, sorted: what two
    histories must share to be the same (tests compare them)."""
    with closing(_connect(path, create=False)) as db:
        out = {}
        for table, cols in (
            ("cells", [*CELL, *STATES]),
            ("elapsed", [*CELL, "bin", "count"]),
            ("tickets", [*PLACES, "tickets", "covered"]),
        ):
            names = ", ".join(f'"{c}"' for c in cols)
            out[table] = sorted(db.execute(f"SELECT {names} FROM {table}").fetchall())
        return out
