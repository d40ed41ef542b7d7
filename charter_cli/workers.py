"""The worker pool: whole-column tasks on threads (numpy, pandas and pyarrow release the GIL for
the long parts), in chunks, side by side, or in the background while Python work goes on."""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import lru_cache
from typing import TypeVar

T = TypeVar("T")

CHUNK = 1 << 17  # rows per chunk: small enough for the caches, large enough to amortise


@lru_cache(maxsize=1)
def _pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 1), thread_name_prefix="charter")


def in_chunks(func: Callable[[slice], T], size: int) -> list[T]:
    """Apply `func` to consecutive slices of `size` rows; several slices go to a thread pool."""
    if size <= CHUNK or (os.cpu_count() or 1) == 1:
        return [func(slice(0, size))]
    slices = [slice(i, min(i + CHUNK, size)) for i in range(0, size, CHUNK)]
    return list(_pool().map(func, slices))


def in_parallel(tasks: list[Callable[[], T]]) -> list[T]:
    """Run independent whole-column tasks on the thread pool; results in the same order."""
    if len(tasks) <= 1 or (os.cpu_count() or 1) == 1:
        return [task() for task in tasks]
    return list(_pool().map(lambda task: task(), tasks))


def in_background(task: Callable[[], T]) -> Future[T]:
    """Start one whole-column task on the thread pool (at once, here, with a single core)."""
    if (os.cpu_count() or 1) == 1:
        done: Future[T] = Future()
        done.set_result(task())
        return done
    return _pool().submit(task)
