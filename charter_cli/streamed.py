"""An audit in bounded memory: the exports are read one file at a time and spilled to temporary
Parquet files by partition (a hash of the ticket id, as `charter_cli.partition` splits), then
each partition is put together (duplicates merged across files, an event log folded, its events
attached), audited and reduced on its own. Only one file, or one partition, is in memory at a
time; the temporary files go when the audit ends. The result is the one the in-memory audit
gives, byte for byte (the tests compare them).

Phases: (1) every export file read and split into partition pieces; (2) every events file
likewise; (3) every partition put together, with what only all of them can say: the default
as-of (the latest instant of all), whether a status or group history exists, the span the
clocks cover; (4) every partition audited and reduced, in this process or on Dask.
"""

from __future__ import annotations

import itertools
import math
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from charter_cli.audit import period_mask, source_notes
from charter_cli.charter.model import TIME_FIELDS
from charter_cli.clock import NAT
from charter_cli.errors import InputError, shown_path
from charter_cli.measures.context import Clocks, span
from charter_cli.memory import bounded
from charter_cli.outliers import Sample, Strays, add_strays, instants, strays_of
from charter_cli.outliers import notes as notes_of_strays
from charter_cli.partition import Step, partition_of, run_pieces
from charter_cli.progress import FileProgress, Progress, RowProgress
from charter_cli.summary import Piece, Summary, Wants, check_keys, merge, spill_lines
from charter_cli.tickets.events import event_log_fields, read_events
from charter_cli.tickets.inputs import expand_inputs, total_bytes
from charter_cli.tickets.messages import first_response_source, settled
from charter_cli.tickets.read import (
    FileRows,
    Reader,
    Tickets,
    as_tickets,
    events_paths,
    merged_sources,
    skipped_frame,
)
from charter_cli.tickets.rows import Example, first_examples

if TYPE_CHECKING:
    from charter_cli.charter.model import Charter
    from charter_cli.tickets.profile import Profile

# memory an audit takes per byte of CSV export, measured on the benchmark's exports (a 156 MB
# export audits in about 0.8 GB): the in-memory audit of more than the budget is streamed
BYTES_PER_BYTE = 6
FILE = 1 << 40  # a ticket's place in the input: file index × FILE + line


def memory_budget() -> int:
    """Half the memory this machine has free (at least 1 GB)."""
    try:
        free = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - not on Linux
        free = 8 << 30
    return max(1 << 30, free // 2)


def needs_streaming(files: list[Path], budget: int) -> int:
    """How many partitions the exports need to be audited within `budget` bytes of memory (1:
    they fit in memory whole, no streaming)."""
    need = total_bytes(files) * BYTES_PER_BYTE
    if need <= budget:
        return 1
    # a partition takes at most a quarter of the budget: the file being read, the reduction
    # and the next partition fit beside it
    return max(2, math.ceil(need / (budget / 4)))


@dataclass
class _Meta:
    """What the import says of every file, kept while the rows are spilled."""

    files: list[str] = field(default_factory=list)
    skipped: list[pd.DataFrame] = field(default_factory=list)
    problems: list[pd.DataFrame] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sources: list[dict[str, str]] = field(default_factory=list)
    rows_read: int = 0
    lacking: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass
class _Stats:
    """What a partition put together says that only all of them together can use."""

    tickets: int = 0
    duplicates: int = 0
    examples: list[Example] = field(default_factory=list)
    folded: int = 0
    unmatched: int = 0  # events naming no ticket of the exports
    latest: int = NAT  # for the default as-of: the latest instant
    lo: int | None = None  # the span the clocks cover (tickets of the period)
    hi: int | None = None
    history: bool = False
    group_history: bool = False
    statuses: bool = False  # events that carry a status
    sample: Sample = field(default_factory=Sample)  # for the bulk of the instants (far ones)

    def add(self, other: _Stats) -> None:
        self.tickets += other.tickets
        self.duplicates += other.duplicates
        self.examples += other.examples
        self.folded += other.folded
        self.unmatched += other.unmatched
        self.latest = max(self.latest, other.latest)
        if other.lo is not None:
            self.lo = other.lo if self.lo is None else min(self.lo, other.lo)
        if other.hi is not None:
            self.hi = other.hi if self.hi is None else max(self.hi, other.hi)
        self.history |= other.history
        self.group_history |= other.group_history
        self.statuses |= other.statuses
        self.sample.add(other.sample)


def _split(frame: pd.DataFrame, partitions: int) -> list[pa.Table | None]:
    """`frame`'s rows by the partition of their ticket id, in their order (None: no row)."""
    part = partition_of(frame["ticket_id"], partitions)
    order = np.argsort(part, kind="stable")
    bounds = np.searchsorted(part[order], np.arange(partitions + 1))
    table = _table(frame)
    pieces: list[pa.Table | None] = []
    for k in range(partitions):
        rows = order[bounds[k] : bounds[k + 1]]
        pieces.append(table.take(pa.array(rows)) if rows.size else None)
    return pieces


def _frame(tables: list[pa.Table]) -> pd.DataFrame | None:
    """Pieces of several files, in file order, as one frame (None: no piece)."""
    if not tables:
        return None
    table = pa.concat_tables(tables, promote_options="permissive") if len(tables) > 1 else tables[0]
    return _from_table(table)


def _is_list(dtype: object) -> bool:
    return isinstance(dtype, pd.ArrowDtype) and pa.types.is_list(dtype.pyarrow_dtype)


def _lists(schema: pa.Schema) -> list[str]:
    return [f.name for f in schema if pa.types.is_list(f.type)]


def _table(frame: pd.DataFrame) -> pa.Table:
    """A frame as an Arrow table to spill. List columns (a ticket's tags) are appended as the
    Arrow lists they are, outside pandas' metadata: pandas cannot read its name for their type
    back (`_from_table` and `_read` put them back)."""
    lists = [c for c in frame.columns if _is_list(frame[c].dtype)]
    table = pa.Table.from_pandas(frame.drop(columns=lists), preserve_index=False)
    for name in lists:
        table = table.append_column(name, pa.chunked_array(frame[name].array._pa_array))
    return table


def _from_table(table: pa.Table) -> pd.DataFrame:
    """A spilled table back as a frame, its list columns as Arrow lists."""
    lists = _lists(table.schema)
    frame: pd.DataFrame = table.drop_columns(lists).to_pandas()
    for name in lists:
        frame[name] = pd.Series(
            pd.arrays.ArrowExtensionArray(table.column(name)), index=frame.index
        )
    return frame


def _write(frame: pd.DataFrame, path: Path) -> None:
    pq.write_table(_table(frame), path)


def _read(path: Path) -> pd.DataFrame:
    """A spilled partition as pandas reads it, its list columns as Arrow lists."""
    schema = pq.read_schema(path)
    lists = _lists(schema)
    if not lists:
        return pd.read_parquet(path)
    frame = pd.read_parquet(path, columns=[f.name for f in schema if f.name not in lists])
    table = pq.read_table(path, columns=lists)
    for name in lists:
        frame[name] = pd.Series(
            pd.arrays.ArrowExtensionArray(table.column(name)), index=frame.index
        )
    return frame


def _assemble(
    rows: pd.DataFrame,
    more: pd.DataFrame | None,
    profile: Profile,
    period: tuple[int | None, int | None, int | None],
) -> tuple[pd.DataFrame, pd.DataFrame | None, _Stats]:
    """A partition's rows of every file → its tickets (duplicates merged across files, an
    event log folded; `_key` their place in the input) and events (those of other tickets
    dropped), and what it says for the whole. `period`: as-of (if given), since, until."""
    tickets, events, folded, duplicates, examples = as_tickets(rows, profile, distinct=False)
    stats = _Stats(tickets=len(tickets), duplicates=duplicates, examples=examples, folded=folded)
    if more is not None:
        known = more["ticket_id"].isin(tickets["ticket_id"]).to_numpy()
        stats.unmatched = int((~known).sum())
        more = more.loc[known]
        events = more if events is None else pd.concat([events, more], ignore_index=True)
    latest = [int(tickets[c].max()) for c in TIME_FIELDS if c != "due_at" and c in tickets]
    if events is not None and len(events):
        latest.append(int(events["at"].max()))
        stats.statuses = bool(events["status"].notna().any())
        stats.history = "author" not in events or stats.statuses
        stats.group_history = bool(events["group"].notna().any())
    stats.latest = max(latest, default=NAT)
    stats.sample = instants(tickets, events)
    # without --as-of, as-of is the latest instant: no ticket is created after it
    stats.lo, stats.hi = span(tickets.loc[period_mask(tickets, *period)])
    key = tickets.pop("_file").to_numpy(dtype=np.int64) * FILE
    tickets["_key"] = key + tickets["source_line"].to_numpy(dtype=np.int64)
    return tickets, events if events is not None and len(events) else None, stats


def _no_events() -> pd.DataFrame:
    """An empty status history, for a partition none of whose tickets has an event."""
    return pd.DataFrame(
        {
            "ticket_id": pd.Series([], dtype="str"),
            "at": np.empty(0, dtype=np.int64),
            "status": pd.Series([], dtype="str"),
            "category": pd.Series([], dtype="str"),
            "group": pd.Series([], dtype="str"),
            "escalation_level": pd.Series([], dtype="str"),
            "priority": pd.Series([], dtype="str"),
        }
    )


def _problems(parts: list[pd.DataFrame]) -> pd.DataFrame:
    if parts:
        return pd.concat(parts, ignore_index=True).drop(columns=["row"])
    return pd.DataFrame(
        {"field": [], "value": [], "reason": [], "ticket_id": [], "file": [], "line": []}
    )


@dataclass
class _Part:
    """How a partition put together becomes the Tickets its audit reads."""

    template: Tickets  # the whole input's fields, problems, files (no rows)
    when: int
    since: int | None
    until: int | None

    def tickets(
        self, frame: pd.DataFrame, events: pd.DataFrame | None
    ) -> tuple[Tickets, np.ndarray]:
        keep = period_mask(frame, self.when, self.since, self.until)
        if not keep.all():
            frame = frame.loc[keep].reset_index(drop=True)
        if events is None and self.template.has_history:
            events = _no_events()
        if events is not None:
            events = settled(events)
        key = frame.pop("_key").to_numpy()
        return replace(self.template, frame=frame, events=events), key


def _read_split(
    reader: Reader, index: int, file: Path, partitions: int, alone: bool
) -> tuple[FileRows, list[pa.Table | None]]:
    """One export read and split by partition (the rows leave the FileRows); bounded, on a Dask
    worker too."""
    with bounded():
        rows = reader.read(index, file, alone=alone)
    pieces = _split(rows.frame, partitions)
    return replace(rows, frame=rows.frame.iloc[:0]), pieces


@dataclass
class _EventsRead:
    """An events file's accounting, once its rows are split off."""

    skipped: pd.DataFrame
    rows_read: int
    note: str | None
    used: int  # rows that are events
    messages: bool = False  # it has an author column


def _events_split(
    file: Path, reader: Reader, partitions: int, progress: RowProgress | None = None
) -> tuple[_EventsRead, list[pa.Table | None]]:
    with bounded():  # on a Dask worker too
        extra = read_events(
            file, reader.profile, reader.timezone, stated_by=reader.stated_by, progress=progress
        )
    read = _EventsRead(
        extra.skipped, extra.rows_read, extra.note, len(extra.events), "author" in extra.events
    )
    return read, _split(extra.events, partitions)


def audit_streamed(
    charter: Charter,
    files: list[Path],
    reader: Reader,
    workdir: Path,
    wants: Wants,
    *,
    partitions: int,
    events_file: Path | str | list[Path] | None = None,
    as_of: int | None = None,
    since: int | None = None,
    until: int | None = None,
    fail_under: float | None = None,
    strict: bool = False,
    engine: str = "local",
    scheduler: str | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
    step: Step | None = None,
) -> Summary:
    """The audit of `files` (and `events_file`; each a file, a folder of them or a glob) in
    `partitions` partitions spilled to `workdir`; see the module's docstring."""
    named = expand_inputs(files)
    inputs = _Inputs(named.files, events_paths(events_file), named.notes())
    if engine == "dask":
        return _streamed_on_dask(
            charter, inputs, reader, workdir, wants, partitions=partitions,
            period=(as_of, since, until), fail_under=fail_under,
            strict=strict, scheduler=scheduler, workers=workers, step=step,
        )  # fmt: skip
    file_rows: list[FileRows] = []
    reading = FileProgress(progress, inputs.files, "reading")
    for index, file in enumerate(inputs.files):
        read = reader.read(index, file, reading, alone=len(inputs.files) == 1)
        _spill(_split(read.frame, partitions), workdir, f"tickets-{index:05d}")
        file_rows.append(replace(read, frame=read.frame.iloc[:0]))
        del read
    inputs.check(file_rows)
    extras = []
    history = FileProgress(progress, inputs.events, "reading events")
    for index, file in enumerate(inputs.events):
        extra, split = _events_split(file, reader, partitions, history.start(index))
        _spill(split, workdir, f"events-{index:05d}")
        extras.append(extra)
        del split
        history.done(index)
    whole = _Stats()
    kept = []
    for k in range(partitions):
        rows = _frame(
            [pq.read_table(p) for p in sorted(workdir.glob(f"tickets-*-p{k:05d}.parquet"))]
        )
        if rows is not None:
            more = _frame(
                [pq.read_table(p) for p in sorted(workdir.glob(f"events-*-p{k:05d}.parquet"))]
            )
            tickets, events, stats = _assemble(rows, more, reader.profile, (as_of, since, until))
            del rows, more
            whole.add(stats)
            kept.append(k)
            _write(tickets, workdir / f"part-{k:05d}.parquet")
            if events is not None:
                _write(events, workdir / f"part-{k:05d}-events.parquet")
        for piece in workdir.glob(f"*-p{k:05d}.parquet"):
            piece.unlink()
        if step:
            step("partitions put together", k + 1, partitions)
    source, part = _whole_input(inputs, reader, file_rows, extras, whole, as_of, since, until)
    check_keys(source.fields, wants.keys)
    clocks = Clocks.over(charter, whole.lo, whole.hi, part.when)
    bounds = whole.sample.bounds()
    far: dict[str, Strays] = {}

    def load(k: int) -> tuple[Tickets, np.ndarray]:
        events_path = workdir / f"part-{k:05d}-events.parquet"
        tickets = _read(workdir / f"part-{k:05d}.parquet")
        events = _read(events_path) if events_path.exists() else None
        if bounds is not None:
            add_strays(far, strays_of(tickets, events, bounds))
        return part.tickets(tickets, events)

    count = itertools.count()
    pieces_done: list[Piece] = run_pieces(
        charter,
        clocks,
        (load(k) for k in kept),
        part.when,
        as_of is not None,
        wants,
        len(kept),
        step=step,
        keep=lambda piece: spill_lines(piece, workdir / f"lines-{next(count):05d}.arrow"),
    )
    notes = _far(far, part.when, as_of is not None, charter)
    return _summary(
        charter, pieces_done, source, part.when, since, until, fail_under, strict, notes
    )


def _spill(pieces: list[pa.Table | None], workdir: Path, stem: str) -> None:
    for k, piece in enumerate(pieces):
        if piece is not None:
            pq.write_table(piece, workdir / f"{stem}-p{k:05d}.parquet")


@dataclass
class _Inputs:
    """The files a streamed audit reads (its folders and globs expanded), and what their
    expansion noticed."""

    files: list[Path]
    events: list[Path]
    notes: list[str]

    def check(self, file_rows: list[FileRows]) -> None:
        if not any(r.rows_read for r in file_rows):
            raise InputError(f"the {len(self.files)} exports have a header each but no rows")


def _whole_input(
    inputs: _Inputs,
    reader: Reader,
    file_rows: list[FileRows],
    extras: list[_EventsRead],
    whole: _Stats,
    as_of: int | None,
    since: int | None,
    until: int | None,
) -> tuple[Tickets, _Part]:
    """The import's accounting of the whole input, and how its partitions become Tickets."""
    profile = reader.profile
    sources = merged_sources([r.sources for r in file_rows])
    if profile.layout == "event-log":
        sources.update(event_log_fields(sources))
    lacking: dict[str, tuple[str, ...]] = {}
    for r in file_rows:
        lacking.update(r.lacking)
    notes = inputs.notes + [n for r in file_rows for n in r.notes]
    skipped = [r.skipped for r in file_rows]
    rows_read = sum(r.rows_read for r in file_rows)
    events_used = 0
    for extra in extras:
        notes += [extra.note] if extra.note else []
        rows_read += extra.rows_read
        skipped.append(extra.skipped)
        events_used += extra.used
    messages = "author" in sources or any(e.messages for e in extras)
    if messages:
        sources["first_response_at"] = first_response_source(
            sources, ", ".join(shown_path(f) for f in inputs.events) or None
        )
    skipped_rows = skipped_frame(skipped)
    accounted = whole.tickets + whole.duplicates + len(skipped_rows) + whole.folded + events_used
    if accounted != rows_read:  # pragma: no cover - a bug, never the user's input
        raise AssertionError(f"rows read {rows_read} != {accounted} accounted for")
    source = Tickets(
        frame=pd.DataFrame({"ticket_id": pd.Series([], dtype="str")}),
        events=None,
        files=[shown_path(f) for f in inputs.files],
        profile=profile.name,
        rows_read=rows_read,
        duplicates=whole.duplicates,
        skipped=skipped_rows,
        problems=_problems([p for r in file_rows for p in r.problems]),
        fields=sources,
        lacking=lacking,
        events_folded=whole.folded,
        events_files=[shown_path(f) for f in inputs.events],
        events_used=events_used,
        events_unmatched=whole.unmatched,
        duplicate_examples=first_examples(whole.examples),
        timezone=profile.timezone or reader.timezone,
        notes=notes,
        whole_history=(whole.history, whole.group_history, whole.statuses),
        total=whole.tickets,
        checks=profile.reconcile,  # the vendor columns to reconcile, in every partition
        has_messages=messages,
    )
    template = replace(source, skipped=pd.DataFrame(), rows_read=0, duplicates=0, total=None)
    when = as_of if as_of is not None else whole.latest
    return source, _Part(template, when, since, until)


def _summary(
    charter: Charter,
    pieces: list[Piece],
    source: Tickets,
    when: int,
    since: int | None,
    until: int | None,
    fail_under: float | None,
    strict: bool,
    far: list[str],
) -> Summary:
    return merge(
        pieces,
        charter,
        source=source,
        as_of=when,
        since=since,
        until=until,
        fail_under=fail_under,
        strict=strict,
        # over the whole input, like the default as-of: a stray year and whether it moved it
        notes=source_notes(source, charter) + far,
    )


def _far(found: dict[str, Strays], when: int, given: bool, charter: Charter) -> list[str]:
    return notes_of_strays(found, when, as_of_given=given, timezone=charter.timezone)


def _streamed_on_dask(
    charter: Charter,
    inputs: _Inputs,
    reader: Reader,
    workdir: Path,
    wants: Wants,
    *,
    partitions: int,
    period: tuple[int | None, int | None, int | None],
    fail_under: float | None,
    strict: bool,
    scheduler: str | None,
    workers: int | None,
    step: Step | None,
) -> Summary:
    """The streamed audit on a Dask cluster: every export read by a worker and split there,
    each partition put together and audited by a worker; only the reduced pieces come back.
    The workers read the exports by their paths: on a cluster of several machines they need
    the same files at the same paths (a shared file system)."""
    from charter_cli.partition import dask_client

    as_of, since, until = period
    files = inputs.files
    reader.detect(files[0])  # the profile, from the first export's header, for every worker
    with dask_client(scheduler, workers) as client:
        shared = client.scatter(reader, broadcast=True)

        # a local cluster's workers start where this process runs: the paths as given (and
        # shown); a remote cluster's get absolute paths
        def where(path: Path) -> Path:
            return path if scheduler is None else path.resolve()

        alone = len(files) == 1
        read = [
            client.submit(_read_split, shared, i, where(f), partitions, alone, pure=False)
            for i, f in enumerate(files)
        ]
        extra_reads = [
            client.submit(_events_split, where(f), shared, partitions, pure=False)
            for f in inputs.events
        ]
        pick = _nth
        assembled = []
        for k in range(partitions):
            of_files = [client.submit(_nth_piece, r, k, pure=False) for r in read]
            more = [client.submit(_nth_piece, e, k, pure=False) for e in extra_reads]
            assembled.append(
                client.submit(
                    _assemble_pieces,
                    of_files,
                    more,
                    reader.profile,
                    (as_of, since, until),
                    pure=False,
                )
            )
        stats = client.gather([client.submit(pick, a, 2, pure=False) for a in assembled])
        file_rows = client.gather([client.submit(pick, r, 0, pure=False) for r in read])
        inputs.check(file_rows)
        extras = client.gather([client.submit(pick, e, 0, pure=False) for e in extra_reads])
        for r in read:
            r.release()
        whole = _Stats()
        kept = []
        for k, s in enumerate(stats):
            if s is not None:
                whole.add(s)
                kept.append(k)
        source, part = _whole_input(inputs, reader, file_rows, extras, whole, as_of, since, until)
        check_keys(source.fields, wants.keys)
        clocks = Clocks.over(charter, whole.lo, whole.hi, part.when)
        bounds = whole.sample.bounds()
        far: dict[str, Strays] = {}
        if bounds is not None:
            for found in client.gather(
                [client.submit(_strays, assembled[k], bounds, pure=False) for k in kept]
            ):
                add_strays(far, found)
        shared_charter, shared_clocks, shared_part = client.scatter(
            [charter, clocks, part], broadcast=True
        )
        futures = [
            client.submit(
                _audit_assembled,
                shared_charter,
                shared_clocks,
                shared_part,
                assembled[k],
                as_of is not None,
                wants,
                pure=False,
            )
            for k in kept
        ]
        count = itertools.count()
        pieces: list[Piece] = []
        for done, future in enumerate(client.dask.as_completed(futures), start=1):
            pieces.append(spill_lines(future.result(), workdir / f"lines-{next(count):05d}.arrow"))
            future.release()
            if step:
                step("partitions", done, len(futures))
    notes = _far(far, part.when, as_of is not None, charter)
    return _summary(charter, pieces, source, part.when, since, until, fail_under, strict, notes)


def _strays(
    assembled: tuple[pd.DataFrame, pd.DataFrame | None, _Stats], bounds: tuple[int, int]
) -> dict[str, Strays]:
    return strays_of(assembled[0], assembled[1], bounds)


def _nth(value: tuple[object, ...] | None, n: int) -> object:
    return None if value is None else value[n]


def _nth_piece(split: tuple[object, list[pa.Table | None]] | None, k: int) -> pa.Table | None:
    return None if split is None else split[1][k]


def _assemble_pieces(
    pieces: list[pa.Table | None],
    more: list[pa.Table | None],
    profile: Profile,
    period: tuple[int | None, int | None, int | None],
) -> tuple[pd.DataFrame, pd.DataFrame | None, _Stats] | None:
    rows = _frame([p for p in pieces if p is not None])
    if rows is None:
        return None
    return _assemble(rows, _frame([p for p in more if p is not None]), profile, period)


def _audit_assembled(
    charter: Charter,
    clocks: Clocks,
    part: _Part,
    assembled: tuple[pd.DataFrame, pd.DataFrame | None, _Stats],
    given: bool,
    wants: Wants,
) -> Piece:
    from charter_cli.partition import audit_piece

    tickets, key = part.tickets(assembled[0].copy(), assembled[1])
    return audit_piece(charter, tickets, key, part.when, given, wants, clocks)


def parse_size(text: str) -> int:
    """`2GB`, `1.5 GiB`, `500MB`, `800M` → bytes (powers of 1024, as memory is counted)."""
    import re

    from charter_cli.errors import UsageError

    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:I?B)?\s*", text.upper())
    if not match:
        raise UsageError(f"--memory {text!r} is not a size: write 2GB, 1.5GB or 800MB")
    value = float(match.group(1)) * 1024 ** "BKMGT".index(match.group(2) or "B")
    if value < 64 << 20:
        raise UsageError(f"--memory {text}: at least 64MB")
    return int(value)


def audit_large(
    charter_path: Path,
    files: list[Path],
    wants: Wants,
    workdir: Path,
    *,
    partitions: int,
    profile: str | None = None,
    events: Path | str | list[Path] | None = None,
    as_of: str | None = None,
    since: str | None = None,
    until: str | None = None,
    order: str | None = None,
    input_tz: str | None = None,
    fail_under: float | None = None,
    strict: bool = False,
    engine: str = "local",
    scheduler: str | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
    step: Step | None = None,
) -> Summary:
    """`charter audit` of exports too large for memory: the charter loaded, the period read in
    its zone, the exports streamed through temporary files in `workdir` (which the caller
    removes once the reports are written: the per-ticket CSV is read back from there)."""
    from charter_cli.audit import period_of
    from charter_cli.charter import load_charter

    charter = load_charter(charter_path)
    when, start, end = period_of(charter.timezone, as_of, since, until)
    reader = Reader(profile=profile, timezone=charter.timezone, order=order, input_tz=input_tz)
    with bounded():
        return audit_streamed(
            charter,
            files,
            reader,
            workdir,
            wants,
            partitions=partitions,
            events_file=events,
            as_of=when,
            since=start,
            until=end,
            fail_under=fail_under,
            strict=strict,
            engine=engine,
            scheduler=scheduler,
            workers=workers,
            progress=progress,
            step=step,
        )
