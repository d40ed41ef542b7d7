"""The allocator settings of the `charter` process, for whole-column work.

Auditing a million tickets allocates and frees hundreds of arrays of 1–8 MB (a byte or an int64
per ticket). glibc serves blocks that large with a fresh `mmap` and unmaps them when freed, so
every new array pays its page faults again: on the CI kind of machine that was about a third of
an audit's time, spent in the kernel. Serving them from the heap (a higher mmap threshold) and
keeping freed heap for the next array (a higher trim threshold) removes most of that. The memory
is returned when the process ends, which for a command is moments later. Arrow's tables are
asked to come from the same heap, and every thread takes from one arena of it. An audit of large
exports faults its heap in while the libraries import (`make_ready`).

Only glibc has `mallopt`; anywhere else this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8
THRESHOLD = 1 << 30


@lru_cache(maxsize=1)
def _libc() -> ctypes.CDLL | None:
    """The C library, loaded once (None off Linux, or where it cannot be loaded)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None


@lru_cache(maxsize=1)
def tune_allocator() -> bool:
    """Apply the settings once per process; whether they took."""
    mallopt = getattr(_libc(), "mallopt", None)  # musl and others: no mallopt
    if mallopt is None:
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    # a glibc that refuses a threshold this high still takes its own maximum (32 MiB)
    mapped = mallopt(M_MMAP_THRESHOLD, THRESHOLD) or mallopt(M_MMAP_THRESHOLD, 32 << 20)
    trimmed = mallopt(M_TRIM_THRESHOLD, THRESHOLD)
    # one heap for every thread: glibc gives each thread that allocates an arena of its own,
    # and what one thread frees then waits there for that thread; a streamed year of 10M
    # tickets and 30M events held 3.1 GB at its peak, 2.4 GB with one arena (benchmarks/README.md)
    mallopt(M_ARENA_MAX, 1)
    if mapped and trimmed and "pyarrow" not in sys.modules:
        # Arrow's buffers from the same heap (its own allocator, mimalloc, asks the system for
        # fresh pages as it grows): what numpy frees, Arrow's next table reuses, and the other
        # way round (a million tickets: 0.1-0.3 s less, 100 MB lower peak, benchmarks/README.md).
        # Read when Arrow first allocates; a pool the user names is kept.
        os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
    return bool(mapped and trimmed)


READY_FROM = 64 << 20  # input bytes from which `make_ready` pays
READY_AT_MOST = 800 << 20  # the most memory it makes ready


def make_ready(input_bytes: int) -> threading.Thread | None:
    """Fault in, on a thread of its own, heap memory for an audit of `input_bytes` of exports
    (twice that, at most `READY_AT_MOST` and a quarter of what the machine has free), while the
    process is still importing its libraries on one core; the thread, or None where it does
    nothing (inputs under `READY_FROM`, one core, no glibc).

    A page the process touches for the first time costs the kernel a fault (about 4 µs on the
    virtual machines CI runs on); a million tickets touch a gigabyte, and most of those faults
    fall while both cores are busy reading and judging. Here the heap is grown by one block,
    every page of it touched, and the block freed: the trim threshold above keeps it, and with
    one arena for every thread (`tune_allocator`) the arrays of every thread are cut from it.
    A clever trick, kept because the benchmark shows it pays: a million tickets with three
    million status changes 0.2-0.45 s faster (two sets of alternate runs), the realistic file
    0.1 s, and lower peaks (the one
    heap is less fragmented than one per thread; benchmarks/README.md)."""
    cores = os.cpu_count() or 1
    if input_bytes < READY_FROM or cores < 2 or not tune_allocator():
        return None
    try:
        free = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - Linux has both
        return None
    size = min(2 * input_bytes, READY_AT_MOST, free // 4)
    libc = _libc()
    assert libc is not None  # tune_allocator took
    libc.malloc.argtypes = [ctypes.c_size_t]
    libc.malloc.restype = ctypes.c_void_p
    libc.memset.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_size_t]
    libc.free.argtypes = [ctypes.c_void_p]
    block = libc.malloc(size)
    if not block:  # pragma: no cover - no memory to spare: nothing to make ready
        return None

    def touch() -> None:  # ctypes lets the GIL go while it runs
        libc.memset(block, 0, size)
        libc.free(block)

    thread = threading.Thread(target=touch, name="charter-ready", daemon=True)
    thread.start()
    return thread


@lru_cache(maxsize=1)
def _trim() -> object:
    """glibc's `malloc_trim`, or None where there is none."""
    trim = getattr(_libc(), "malloc_trim", None)
    if trim is None:
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


KEPT = 1 << 30  # resident memory below which freed memory is kept for the next arrays
ALONE = KEPT  # resident memory above which an audit judges one promise at a time


def roomy() -> bool:
    """Whether this process holds less than `ALONE` (unknown: yes): room for a second promise
    beside the one being judged."""
    held = resident()
    return held is None or held < ALONE


def resident() -> int | None:
    """This process's resident memory in bytes (Linux; None elsewhere)."""
    try:
        statm = Path("/proc/self/statm").read_bytes()
        return int(statm.split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


_bounded = 0  # streamed audits running in this process (`bounded`)


@contextmanager
def bounded() -> Iterator[None]:
    """Within it (an audit streamed through temporary files, its memory bounded), what a file
    read frees goes back to the system whatever the process holds (`give_back(read=True)`):
    kept for the columns made next, a year of monthly exports left the heap in pieces (10M
    tickets and 30M events in 2 GB: 2.3 -> 3.1 GB at the peak, benchmarks/README.md)."""
    global _bounded
    _bounded += 1
    try:
        yield
    finally:
        _bounded -= 1


def give_back(*, always: bool = False, read: bool = False) -> None:
    """Return the memory freed so far to the system, once the process holds more than `KEPT`:
    what Arrow's pool keeps for its next tables and, with glibc, the free heap the thresholds
    above keep for the next arrays. Called between the phases of an audit (after each file
    read, after each promise), where the next phase's arrays are of other sizes anyway: the
    peak is the largest phase's, not the sum of what every phase left free (six million
    messages: 2.7 → 2.3 GB, benchmarks/README.md). Below `KEPT` the memory is kept: giving it
    back after each promise cost a million tickets 0.17 s of page faults, and after each file
    read (before its columns are made from that memory) 0.2-0.4 s on a million tickets with
    their events or messages, for no lower peak. `always`: whatever the process holds (once the
    history is grouped, and between partitions: what is freed then is not the size of what the
    next phase allocates). `read`: after a file is read, where `bounded` makes it `always`."""
    held = None if always or (read and _bounded) else resident()
    if held is not None and held < KEPT:
        return
    import pyarrow as pa

    pa.default_memory_pool().release_unused()
    trim = _trim()
    if callable(trim):
        trim(0)
