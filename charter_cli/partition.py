"""The audit as a reduction over partitions of the tickets.

Tickets are split by a hash of their id (a ticket's events always go with it); each partition is
audited alone with what only the whole input can say (the as-of time, whether a status or group
history exists) and reduced to a `charter_cli.summary.Piece`; the pieces are merged into the
summary every report reads. Here the partitions are split from tickets in memory and audited one
after the other; `charter_cli.streamed` does the same from files spilled to disk, in this process
or on a Dask cluster. Any number of partitions, any way, gives the same summary: the tests
compare the reports byte for byte.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from charter_cli.audit import audit, default_as_of, in_period, source_notes
from charter_cli.errors import UsageError
from charter_cli.measures.context import Clocks
from charter_cli.memory import give_back
from charter_cli.outliers import far_notes
from charter_cli.summary import Piece, Summary, Wants, counted, merge, reduce
from charter_cli.workers import in_background

if TYPE_CHECKING:
    from charter_cli.audit import Inputs
    from charter_cli.charter.model import Charter
    from charter_cli.tickets.read import Tickets

Step = Callable[[str, int, int], None]


def partition_of(ids: pd.Series, count: int) -> np.ndarray:
    """The partition of each ticket id: a hash of the id's text that is the same in every
    process and on every machine, modulo `count` (a missing id hashes as an empty one)."""
    if count == 1:
        return np.zeros(len(ids), dtype=np.int64)
    return (text_hash(ids) % np.uint64(count)).astype(np.int64)


_PRIME = np.uint64(0x100000001B3)


def text_hash(values: pd.Series) -> np.ndarray:
    """A 64-bit hash of each text, from its UTF-8 bytes as Arrow holds them: a polynomial over
    the bytes (each byte + 1 times a power of a prime, all modulo 2**64), then mixed (MurmurHash3's
    finaliser). Whole columns, no Python string per value: a million ticket ids in 0.08 s, where
    pandas' hash of them as Python objects took 0.4 s."""
    import pyarrow as pa

    from charter_cli.frames import TEXT, arrow_array

    given = arrow_array(values.astype(TEXT))
    if isinstance(given, pa.ChunkedArray):
        given = given.combine_chunks()
    text = pa.array(given).cast(pa.large_string())
    n = len(text)
    _, offset_buffer, data_buffer = text.buffers()
    offsets = np.frombuffer(offset_buffer, dtype=np.int64)[text.offset : text.offset + n + 1]
    lengths = np.diff(offsets)
    if text.null_count:  # a missing value's bytes, if any, are not its text
        lengths = np.where(text.is_null().to_numpy(zero_copy_only=False), 0, lengths)
    total = int(lengths.sum())
    starts = offsets[:-1]
    if data_buffer is None or total == 0:
        hashed = np.zeros(n, dtype=np.uint64)
    else:
        data = np.frombuffer(data_buffer, dtype=np.uint8)
        ends = np.cumsum(lengths)
        # every byte of every value, in order, and its place within its value
        place = np.arange(total, dtype=np.int64) - np.repeat(ends - lengths, lengths)
        byte = data[np.repeat(starts, lengths) + place].astype(np.uint64) + np.uint64(1)
        powers = np.cumprod(np.full(int(lengths.max()), _PRIME, dtype=np.uint64))
        summed = np.concatenate(([np.uint64(0)], np.cumsum(byte * powers[place], dtype=np.uint64)))
        hashed = summed[ends] - summed[ends - lengths]
    hashed = hashed ^ lengths.astype(np.uint64)
    hashed ^= hashed >> np.uint64(33)
    hashed *= np.uint64(0xFF51AFD7ED558CCD)
    hashed ^= hashed >> np.uint64(33)
    hashed *= np.uint64(0xC4CEB9FE1A85EC53)
    hashed ^= hashed >> np.uint64(33)
    return hashed


# tickets and events one in-process partition holds when --partitions is not given: an audit's
# arrays grow with them, and smaller ones are faster too (a million tickets with six million
# messages: 4 partitions audit in 8.9 s and 1.3 GB, one in 9.8 s and 2.3 GB); up to ONE_PIECE
# rows the input is audited whole, where splitting it costs more than it saves (a million
# tickets with three million events: 4.1 s and 1.05 GB whole, 4.7 s and 1.1 GB in two;
# benchmarks/README.md)
ROWS_PER_PARTITION = 2_000_000
ONE_PIECE = 4_500_000


def partitions_for(rows: int) -> int:
    """How many partitions an in-process audit of `rows` tickets and events uses by default."""
    return 1 if rows <= ONE_PIECE else math.ceil(rows / ROWS_PER_PARTITION)


def split(source: Tickets, frame: pd.DataFrame, count: int) -> Iterator[tuple[Tickets, np.ndarray]]:
    """The `count` partitions of `frame` (the tickets of the period, from `source`), each as the
    Tickets of its own rows and events, with the row number of each of its tickets in `frame`."""
    history = (source.has_history, source.has_group_history, source.has_statuses)
    if count == 1:
        same = len(frame) == len(source.frame)  # the period kept every row: the same rows
        rows = source.event_rows if same else None
        yield (
            replace(source, frame=frame, whole_history=history, event_rows=rows),
            np.arange(len(frame)),
        )
        return
    part = partition_of(frame["ticket_id"], count)
    order = _grouped_by(part)
    bounds = np.searchsorted(part[order], np.arange(count + 1))
    events = source.events
    # each event's ticket row, as the import matched them: its partition is its ticket's (no
    # id hashed again: six million events took 2 s as Python strings), and its row in its
    # partition's tickets known
    known = source.event_rows
    if events is None or known is None or len(frame) != len(source.frame):
        known = None
    if known is not None:  # each ticket's row in its partition
        place = np.empty(len(frame), dtype=np.int64)
        place[order] = np.arange(len(frame), dtype=np.int64) - np.repeat(
            bounds[:-1], np.diff(bounds)
        )
    if events is not None:
        event_part = part[known] if known is not None else partition_of(events["ticket_id"], count)
        event_order = _grouped_by(event_part)
        event_bounds = np.searchsorted(event_part[event_order], np.arange(count + 1))
    for k in range(count):
        rows = order[bounds[k] : bounds[k + 1]]
        own = own_rows = None
        if events is not None:
            picked = event_order[event_bounds[k] : event_bounds[k + 1]]
            own = events.take(picked).reset_index(drop=True)
            if known is not None:
                own_rows = place[known[picked]]
        tickets = frame.take(rows).reset_index(drop=True)
        piece = replace(
            source, frame=tickets, events=own, whole_history=history, event_rows=own_rows
        )
        yield piece, rows
        del piece, tickets, own, own_rows  # gone before the next partition is taken


def _grouped_by(part: np.ndarray) -> np.ndarray:
    """The stable order that groups rows by partition number (a radix sort of small keys)."""
    key = part.astype(np.int16) if part.size and int(part.max()) < 1 << 15 else part
    return np.argsort(key, kind="stable").astype(np.int64)


def audit_piece(
    charter: Charter,
    part: Tickets,
    origin: np.ndarray,
    when: int,
    given: bool,
    wants: Wants,
    clocks: Clocks,
    step: Step | None = None,
) -> Piece:
    """One partition audited and reduced (what a Dask worker runs)."""
    result = audit(
        charter, part, as_of=when, as_of_given=given, progress=step, clocks=clocks, then=counted
    )
    return reduce(result, origin, wants, step)


def run(
    inputs: Inputs,
    wants: Wants,
    *,
    partitions: int | None = 1,
    fail_under: float | None = None,
    strict: bool = False,
    step: Step | None = None,
    min_coverage: float | None = None,
) -> Summary:
    """The audit of `inputs`, reduced over `partitions` partitions on `engine`. `step` hears
    ("promise id", done, total) per promise on one partition, ("partition k", done, total) on
    several."""
    if partitions is not None and partitions < 1:
        raise UsageError(f"--partitions {partitions}: at least 1")
    source, charter = inputs.source, inputs.charter
    given = inputs.as_of is not None
    when = inputs.as_of if inputs.as_of is not None else default_as_of(source)
    frame = in_period(source, when, inputs.since, inputs.until)
    if partitions is None:
        partitions = partitions_for(
            len(frame) + (0 if source.events is None else len(source.events))
        )
    # built once over the whole period, each calendar's clock on first use, for every partition
    clocks = Clocks.of(charter, frame, when)
    # over the whole input, like the default as-of: a stray year and whether it moved it; found
    # while the partitions are audited (0.08 s of a million tickets, benchmarks/README.md)
    far = in_background(
        lambda: far_notes(source, when, as_of_given=given, timezone=charter.timezone)
    )
    parts = split(source, frame, partitions)
    pieces = run_pieces(
        charter,
        clocks,
        parts,
        when,
        given,
        wants,
        partitions,
        step=step,
    )
    return merge(
        pieces,
        charter,
        min_coverage,
        source=source,
        as_of=when,
        since=inputs.since,
        until=inputs.until,
        fail_under=fail_under,
        strict=strict,
        notes=source_notes(source, charter) + far.result(),
    )


def run_pieces(
    charter: Charter,
    clocks: Clocks,
    parts: Iterator[tuple[Tickets, np.ndarray]],
    when: int,
    given: bool,
    wants: Wants,
    partitions: int,
    *,
    step: Step | None = None,
    keep: Callable[[Piece], Piece] = lambda piece: piece,
) -> list[Piece]:
    """Every partition audited and reduced in this process; `keep` has each piece as it comes
    (to spill what it holds)."""
    pieces = []
    for done, (part, origin) in enumerate(parts, start=1):
        pieces.append(
            keep(
                audit_piece(
                    charter,
                    part,
                    origin,
                    when,
                    given,
                    wants,
                    clocks,
                    step if partitions == 1 or step is None else _within(step, done, partitions),
                )
            )
        )
        del part  # this partition's tickets and events, before the next is taken
        if partitions > 1:  # and what it freed, back to the system before the next one's arrays
            give_back(always=True)
        if step and partitions > 1:
            step("partitions", done, partitions)
    return pieces


def _within(step: Step, k: int, count: int) -> Step:
    """`step` told which partition a promise is audited in."""

    def told(what: str, done: int, total: int) -> None:
        step(what if what == "summing up" else f"{what} in partition {k} of {count}", done, total)

    return told


@contextlib.contextmanager
def dask_client(scheduler: str | None, workers: int | None) -> Iterator[Any]:
    """A client of the Dask cluster at `scheduler`, or of a local cluster of `workers` processes
    started (and stopped) for this audit; `client.dask` is the `distributed` module."""
    try:
        import distributed
    except ImportError:
        raise UsageError("--engine dask needs Dask: pip install 'service-charter[dask]'") from None
    dask: Any = distributed  # untyped
    cluster: Any = None
    client: Any
    try:
        if scheduler:
            client = dask.Client(scheduler, timeout="20s")
        else:
            cluster = dask.LocalCluster(
                n_workers=workers or 2,
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",  # a free port: another cluster may hold 8787
                silence_logs=40,  # logging.ERROR: the report is the output
            )
            client = dask.Client(cluster)
    except OSError as err:
        raise UsageError(f"cannot reach the Dask scheduler {scheduler}: {err}") from None
    client.dask = dask
    try:
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
