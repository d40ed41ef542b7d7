"""The worker pools: a lazily built value is built once when threads ask together, and the
promises of an audit, run two at a time, come back in order (a failure stops the rest)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

from charter_cli.workers import in_order, once


class _Built:
    def __init__(self) -> None:
        self.calls = 0

    @once
    def value(self) -> list[int]:
        self.calls += 1
        time.sleep(0.05)  # long enough for every thread to arrive while it is being built
        return [self.calls]


def test_once_builds_once_when_threads_ask_together() -> None:
    built, other = _Built(), _Built()
    seen: list[list[int]] = []
    start = threading.Barrier(8)

    def ask() -> None:
        start.wait()
        seen.append(built.value)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert built.calls == 1 and len(seen) == 8 and all(s is seen[0] for s in seen)
    assert other.value == [1] and other.value is other.value  # each object its own
    assert isinstance(_Built.value, once) and _Built.value.__doc__ is None


def _slow(k: int, seconds: float, ran: list[int]) -> Callable[[], int]:
    def task() -> int:
        time.sleep(seconds)
        ran.append(k)
        return k

    return task


def test_in_order_gives_results_in_order_whatever_finishes_first() -> None:
    ran: list[int] = []
    tasks = [_slow(k, 0.02 * (6 - k), ran) for k in range(6)]  # the later, the quicker
    assert list(in_order(tasks)) == list(range(6))
    assert sorted(ran) == list(range(6))


def test_in_order_stops_at_a_failure_and_starts_no_more() -> None:
    ran: list[int] = []

    def fails() -> int:
        raise ValueError("promise 1 failed")

    tasks = [_slow(0, 0.2, ran), fails, *(_slow(k, 0.2, ran) for k in range(2, 12))]
    results = in_order(tasks)
    assert next(results) == 0
    with pytest.raises(ValueError, match="promise 1 failed"):
        next(results)
    time.sleep(0.5)  # what had started finishes; what had not never starts
    assert len(ran) < 6, ran


@pytest.mark.parametrize("room", [True, False])
def test_in_order_starts_a_task_beside_another_only_when_there_is_room(room: bool) -> None:
    """Asked before a task would start beside a running one: without room, one at a time."""
    running: list[int] = []
    most = [0]
    lock = threading.Lock()

    def task(k: int) -> Callable[[], int]:
        def run() -> int:
            with lock:
                running.append(k)
                most[0] = max(most[0], len(running))
            time.sleep(0.03)
            with lock:
                running.remove(k)
            return k

        return run

    asked: list[bool] = []

    def beside() -> bool:
        asked.append(room)
        return room

    assert list(in_order([task(k) for k in range(6)], beside=beside)) == list(range(6))
    assert asked and most[0] == (2 if room else 1)


def test_tasks_on_the_pool_never_wait_for_tasks_queued_behind_them() -> None:
    """Tasks that fan out again (a pass over a file finding record ends, run in the background)
    do that work in their own thread: with every thread of the pool busy with such a task, all
    of them still finish."""
    from charter_cli.workers import _pool, in_background, in_parallel

    threads = _pool()._max_workers
    everyone = threading.Barrier(threads, timeout=10)

    def fans_out(k: int) -> int:
        everyone.wait()  # every thread of the pool holds one of these now
        return sum(in_parallel([lambda i=i: i * k for i in range(4)]))

    started = [in_background(lambda k=k: fans_out(k)) for k in range(threads)]
    assert [f.result(timeout=20) for f in started] == [6 * k for k in range(threads)]


def test_in_order_starts_the_long_tasks_first_and_keeps_both_threads_busy() -> None:
    """`first` start before the others, and as soon as a task finishes the next starts beside
    the one still running. Each short task waits for the long one to have started (it can only
    have if the long one started first), and the long one waits for every short one to be done
    (they can only be if they ran beside it); results in order. Whichever thread is scheduled
    first, neither wait times out unless the order is wrong."""
    long_started = threading.Event()
    shorts_done = threading.Event()
    done: list[int] = []
    lock = threading.Lock()

    def short(k: int) -> Callable[[], object]:
        def run() -> object:
            seen = long_started.wait(10)
            with lock:
                done.append(k)
                if len(done) == 5:
                    shorts_done.set()
            return seen

        return run

    def long() -> object:
        long_started.set()
        return shorts_done.wait(10)

    tasks = [short(k) for k in range(5)] + [long]
    assert list(in_order(tasks, first=[5])) == [True] * 6
    assert sorted(done) == list(range(5))
