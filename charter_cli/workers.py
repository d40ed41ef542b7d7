"""The worker pool: whole-column tasks on threads (numpy, pandas and pyarrow release the GIL for
the long parts), in chunks, side by side, or in the background while Python work goes on; and
a second, smaller pool for the promises of an audit, whose own whole-column tasks go to the
first (a task never waits on the pool it runs on)."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from functools import lru_cache
from typing import Any, Generic, TypeVar, overload

T = TypeVar("T")

CHUNK = 1 << 17  # rows per chunk: small enough for the caches, large enough to amortise


_on_pool = threading.local()  # `inside` is set in the pool's own threads


def _inside() -> None:
    _on_pool.inside = True


@lru_cache(maxsize=1)
def _pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(
        max_workers=min(8, os.cpu_count() or 1), thread_name_prefix="charter", initializer=_inside
    )


def _here() -> bool:
    """Whether work is done in the calling thread: on a single core, or in one of the pool's own
    threads (a task that waited for tasks queued behind it on its own pool could wait for ever
    once every thread of the pool waits so; the thread it runs on does the work instead)."""
    return (os.cpu_count() or 1) == 1 or getattr(_on_pool, "inside", False)


def in_chunks(func: Callable[[slice], T], size: int) -> list[T]:
    """Apply `func` to consecutive slices of `size` rows; several slices go to a thread pool."""
    if size <= CHUNK or _here():
        return [func(slice(0, size))]
    slices = [slice(i, min(i + CHUNK, size)) for i in range(0, size, CHUNK)]
    return list(_pool().map(func, slices))


def in_parallel(tasks: list[Callable[[], T]]) -> list[T]:
    """Run independent whole-column tasks on the thread pool; results in the same order."""
    if len(tasks) <= 1 or _here():
        return [task() for task in tasks]
    return list(_pool().map(lambda task: task(), tasks))


def in_background(task: Callable[[], T]) -> Future[T]:
    """Start one whole-column task on the thread pool (at once, here, with a single core or in
    one of the pool's threads)."""
    if _here():
        done: Future[T] = Future()
        done.set_result(task())
        return done
    return _pool().submit(task)


def in_thread(task: Callable[[], T]) -> Future[T]:
    """Start `task` on a thread of its own, not one of the pool's: the work it fans out goes to
    the pool as it would from the caller's thread (here, with a single core)."""
    done: Future[T] = Future()
    if (os.cpu_count() or 1) == 1:
        done.set_result(task())
        return done

    def run() -> None:
        try:
            done.set_result(task())
        except BaseException as exc:  # handed to whoever asks for the result
            done.set_exception(exc)

    threading.Thread(target=run, name="charter-beside", daemon=True).start()
    return done


PROMISES_AT_ONCE = 2  # promises audited side by side: more would hold more promises' arrays


@lru_cache(maxsize=1)
def _promise_pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(
        max_workers=min(PROMISES_AT_ONCE, os.cpu_count() or 1), thread_name_prefix="charter-promise"
    )


def in_order(
    tasks: Sequence[Callable[[], T]],
    *,
    beside: Callable[[], bool] | None = None,
    first: Sequence[int] = (),
) -> Generator[T, None, None]:
    """Run `tasks` two at a time on a pool of their own and yield their results in order, each
    as soon as it and those before it are done (one at a time, here, on a single core). As soon
    as one finishes the next starts, whichever is still running: a long task does not hold the
    second thread idle until it is done. `first`: tasks to start before the others (the longest,
    so that the short ones fill the other thread beside them). `beside`: asked before a task
    would start beside another, whether it may (when not, it starts when the others are done).
    A task that fails stops those not started."""
    if len(tasks) <= 1 or (os.cpu_count() or 1) == 1:
        yield from (task() for task in tasks)
        return
    pool = _promise_pool()
    early = dict.fromkeys(first)
    starts = iter([*early, *(k for k in range(len(tasks)) if k not in early)])
    futures: dict[int, Future[T]] = {}  # started, not yet yielded
    left = len(tasks)  # not yet started
    try:
        for k in range(len(tasks)):
            while True:
                running = [f for f in futures.values() if not f.done()]
                while left and (
                    not running
                    or (len(running) < PROMISES_AT_ONCE and (beside is None or beside()))
                ):
                    at = next(starts)
                    futures[at] = pool.submit(tasks[at])
                    running.append(futures[at])
                    left -= 1
                if k in futures and futures[k].done():
                    break
                wait(running, return_when=FIRST_COMPLETED)
            yield futures.pop(k).result()
    finally:
        for future in futures.values():
            future.cancel()


class once(Generic[T]):
    """A `cached_property` worked out once even when threads ask for it together (Python 3.12
    dropped the lock `functools.cached_property` had): the first builds it, the others wait."""

    def __init__(self, func: Callable[[Any], T]) -> None:
        self.func = func
        self.name = func.__name__
        self.lock = threading.RLock()
        self.__doc__ = func.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, owner: type) -> once[T]: ...
    @overload
    def __get__(self, obj: object, owner: type) -> T: ...
    def __get__(self, obj: object | None, owner: type) -> once[T] | T:
        if obj is None:
            return self
        cache = obj.__dict__
        if self.name not in cache:
            with self.lock:
                if self.name not in cache:
                    cache[self.name] = self.func(obj)
        value: T = cache[self.name]
        return value
