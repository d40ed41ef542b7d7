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

import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from charter_cli.audit import period_mask, source_notes
from charter_cli.charter.model import TIME_FIELDS
from charter_cli.clock import NAT
from charter_cli.errors import shown_path
from charter_cli.measures.context import Clocks, span
from charter_cli.partition import Step, partition_of, run_pieces
from charter_cli.summary import Piece, Summary, Wants, merge
from charter_cli.tickets.events import event_log_fields, read_events
from charter_cli.tickets.read import (
    Progress,
    Reader,
    Tickets,
    as_tickets,
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
    size = sum(f.stat().st_size for f in files if f.is_file())
    need = size * BYTES_PER_BYTE
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
class _Whole:
    """What only all partitions together can say, gathered while they are put together."""

    kept: list[int] = field(default_factory=list)  # the partitions that have tickets
    tickets: int = 0
    duplicates: int = 0
    examples: list[Example] = field(default_factory=list)
    folded: int = 0
    unmatched: int = 0  # events naming no ticket of the exports
    latest: int = NAT  # the default as-of
    lo: int | None = None  # the span the clocks cover (tickets of the period)
    hi: int | None = None
    history: bool = False
    group_history: bool = False


def _spill(frame: pd.DataFrame, workdir: Path, stem: str, partitions: int) -> None:
    """`frame`'s rows by the partition of their ticket id, a Parquet file each (none for a
    partition without rows), in their order."""
    part = partition_of(frame["ticket_id"], partitions)
    order = np.argsort(part, kind="stable")
    bounds = np.searchsorted(part[order], np.arange(partitions + 1))
    table = pa.Table.from_pandas(frame, preserve_index=False)
    for k in range(partitions):
        rows = order[bounds[k] : bounds[k + 1]]
        if rows.size:
            pq.write_table(table.take(pa.array(rows)), workdir / f"{stem}-p{k:05d}.parquet")


def _gather(workdir: Path, pattern: str) -> pd.DataFrame | None:
    """The spilled pieces matching `pattern`, in file order, as one frame (None: no piece)."""
    paths = sorted(workdir.glob(pattern))
    if not paths:
        return None
    tables = [pq.read_table(p) for p in paths]
    table = pa.concat_tables(tables, promote_options="permissive") if len(tables) > 1 else tables[0]
    frame: pd.DataFrame = table.to_pandas()
    return frame


def _put_together(
    workdir: Path,
    partitions: int,
    profile: Profile,
    *,
    since: int | None,
    until: int | None,
    as_of: int | None,
    step: Step | None,
) -> _Whole:
    """Every partition's tickets (duplicates merged across files, an event log folded) and
    events (those of other tickets dropped), written back as one file each."""
    whole = _Whole()
    for k in range(partitions):
        rows = _gather(workdir, f"tickets-*-p{k:05d}.parquet")
        if rows is not None:
            tickets, events, folded, duplicates, examples = as_tickets(
                rows, profile, distinct=False
            )
            del rows
            more = _gather(workdir, f"events-*-p{k:05d}.parquet")
            if more is not None:
                known = more["ticket_id"].isin(tickets["ticket_id"]).to_numpy()
                whole.unmatched += int((~known).sum())
                more = more.loc[known]
                events = more if events is None else pd.concat([events, more], ignore_index=True)
            whole.kept.append(k)
            whole.tickets += len(tickets)
            whole.duplicates += duplicates
            whole.examples += examples
            whole.folded += folded
            latest = [int(tickets[c].max()) for c in TIME_FIELDS if c != "due_at" and c in tickets]
            if events is not None and len(events):
                latest.append(int(events["at"].max()))
                whole.history = True
                whole.group_history |= bool(events["group"].notna().any())
            whole.latest = max(whole.latest, *latest)
            created = tickets["created_at"].to_numpy()
            keep = np.ones(len(tickets), dtype=bool)
            for bound, test in (
                (since, np.greater_equal),
                (until, np.less),
                (as_of, np.less_equal),
            ):
                if bound is not None:
                    keep &= test(created, bound)
            lo, hi = span(tickets.loc[keep])
            if lo is not None:
                whole.lo = lo if whole.lo is None else min(whole.lo, lo)
            if hi is not None:
                whole.hi = hi if whole.hi is None else max(whole.hi, hi)
            key = tickets.pop("_file").to_numpy(dtype=np.int64) * FILE
            tickets["_key"] = key + tickets["source_line"].to_numpy(dtype=np.int64)
            tickets.to_parquet(workdir / f"part-{k:05d}.parquet", index=False)
            if events is not None and len(events):
                events.to_parquet(workdir / f"part-{k:05d}-events.parquet", index=False)
        for piece in workdir.glob(f"*-p{k:05d}.parquet"):
            piece.unlink()
        if step:
            step("partitions read", k + 1, partitions)
    return whole


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
        }
    )


def _problems(parts: list[pd.DataFrame]) -> pd.DataFrame:
    if parts:
        return pd.concat(parts, ignore_index=True).drop(columns=["row"])
    return pd.DataFrame(
        {"field": [], "value": [], "reason": [], "ticket_id": [], "file": [], "line": []}
    )


def audit_streamed(
    charter: Charter,
    files: list[Path],
    reader: Reader,
    workdir: Path,
    wants: Wants,
    *,
    partitions: int,
    events_file: Path | None = None,
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
    """The audit of `files` (and `events_file`) in `partitions` partitions spilled to
    `workdir`; see the module's docstring."""
    meta = _Meta(files=[shown_path(f) for f in files])
    for index, file in enumerate(files):
        rows = reader.read(index, file, progress)
        meta.skipped.append(rows.skipped)
        meta.problems += rows.problems
        meta.notes += rows.notes
        meta.sources.append(rows.sources)
        meta.rows_read += rows.rows_read
        meta.lacking.update(rows.lacking)
        _spill(rows.frame, workdir, f"tickets-{index:05d}", partitions)
        del rows
    profile = reader.profile
    sources = merged_sources(meta.sources)
    if profile.layout == "event-log":
        sources.update(event_log_fields(sources))
    events_used = 0
    events_shown = shown_path(events_file) if events_file is not None else None
    if events_file is not None:
        extra = read_events(events_file, profile, reader.timezone, stated_by=reader.stated_by)
        meta.notes += [extra.note] if extra.note else []
        meta.rows_read += extra.rows_read
        meta.skipped.append(extra.skipped)
        events_used = len(extra.events)
        _spill(extra.events, workdir, "events-00000", partitions)
        del extra
    whole = _put_together(
        workdir, partitions, profile, since=since, until=until, as_of=as_of, step=step
    )
    when = as_of if as_of is not None else whole.latest
    clocks = Clocks.over(charter, whole.lo, whole.hi, when)
    problems = _problems(meta.problems)
    zone = profile.timezone or reader.timezone

    def load(k: int) -> tuple[Tickets, np.ndarray]:
        frame = pd.read_parquet(workdir / f"part-{k:05d}.parquet")
        keep = period_mask(frame, when, since, until)
        if not keep.all():
            frame = frame.loc[keep].reset_index(drop=True)
        events_path = workdir / f"part-{k:05d}-events.parquet"
        events = pd.read_parquet(events_path) if events_path.exists() else None
        if events is None and whole.history:
            events = _no_events()
        key = frame.pop("_key").to_numpy()
        part = Tickets(
            frame=frame,
            events=events,
            files=meta.files,
            profile=profile.name,
            rows_read=0,
            duplicates=0,
            skipped=pd.DataFrame(),
            problems=problems,
            fields=sources,
            lacking=meta.lacking,
            events_file=events_shown,
            timezone=zone,
            whole_history=(whole.history, whole.group_history),
        )
        return part, key

    pieces: list[Piece] = run_pieces(
        charter,
        clocks,
        (load(k) for k in whole.kept),
        when,
        as_of is not None,
        wants,
        len(whole.kept),
        engine=engine,
        scheduler=scheduler,
        workers=workers,
        step=step,
    )
    skipped = skipped_frame(meta.skipped)
    source = Tickets(
        frame=pd.DataFrame({"ticket_id": pd.Series([], dtype="str")}),
        events=None,
        files=meta.files,
        profile=profile.name,
        rows_read=meta.rows_read,
        duplicates=whole.duplicates,
        skipped=skipped,
        problems=problems,
        fields=sources,
        lacking=meta.lacking,
        events_folded=whole.folded,
        events_file=events_shown,
        events_used=events_used,
        events_unmatched=whole.unmatched,
        duplicate_examples=first_examples(whole.examples),
        timezone=zone,
        notes=meta.notes,
        total=whole.tickets,
    )
    accounted = whole.tickets + whole.duplicates + len(skipped) + whole.folded + events_used
    if accounted != meta.rows_read:  # pragma: no cover - a bug, never the user's input
        raise AssertionError(f"rows read {meta.rows_read} != {accounted} accounted for")
    return merge(
        pieces,
        charter,
        source=source,
        as_of=when,
        since=since,
        until=until,
        fail_under=fail_under,
        strict=strict,
        notes=source_notes(source, charter),
    )


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
    *,
    partitions: int,
    profile: str | None = None,
    events: Path | None = None,
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
    its zone, the exports streamed through temporary files that are removed afterwards."""
    import tempfile

    from charter_cli.audit import period_of
    from charter_cli.charter import load_charter

    charter = load_charter(charter_path)
    when, start, end = period_of(charter.timezone, as_of, since, until)
    reader = Reader(profile=profile, timezone=charter.timezone, order=order, input_tz=input_tz)
    with tempfile.TemporaryDirectory(prefix="charter-spill-") as workdir:
        return audit_streamed(
            charter,
            files,
            reader,
            Path(workdir),
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
