"""Durations as a promise counts them (issue 16): business time in working hours and working days
of the calendar's own length, wall-clock days and hours on 24/7; percentiles nearest-rank over
the instances that have ended, the oldest running one beside them."""

from __future__ import annotations

import numpy as np
import pytest

from charter_cli.audit import audit_files
from charter_cli.charter.model import Allowance, Promise
from charter_cli.clock import NAT
from charter_cli.outcome import Labels, Outcome, State
from charter_cli.report.common import business_time, late_by, promise_day
from charter_cli.summary import _tally as reduce_outcome
from charter_cli.summary import _tally_merge as merge
from tests.conftest import ROOT

EIGHT_HOURS = 8 * 3600


@pytest.mark.parametrize(
    ("seconds", "day", "shown"),
    [
        (171 * 3600, EIGHT_HOURS, "21 working days 3 h"),  # a "7d 3h" read as a week before
        (21 * 3600, EIGHT_HOURS, "2 working days 5 h"),
        (3600, EIGHT_HOURS, "1 working hour"),
        (5 * 3600 + 1800, EIGHT_HOURS, "5 working hours 30 min"),
        (8 * 3600 + 60, EIGHT_HOURS, "1 working day 1 min"),
        (1800, EIGHT_HOURS, "30 working min"),
        (45, EIGHT_HOURS, "45 working s"),
        (0, EIGHT_HOURS, "no working time"),
        (26400 * 2, 26400, "2 working days"),  # Mon–Sat 08–16 with Saturday 10–14: 7 h 20 min
        (171 * 3600, None, "7d 3h"),  # on 24/7, days are days
        (None, EIGHT_HOURS, "–"),
    ],
)
def test_business_time(seconds: int | None, day: int | None, shown: str) -> None:
    assert business_time(seconds, day) == shown


def _outcome(elapsed: list[int], done: list[bool], state: list[State]) -> Outcome:
    n = len(elapsed)
    promise = Promise(
        "p", None, "resolution", "created_at", "resolved_at", {}, None, Allowance(), 0.9
    )
    return Outcome(
        promise=promise,
        rows=np.arange(n, dtype=np.int64),
        state=np.array(state, dtype=np.int8),
        started=np.zeros(n, dtype=np.int64),
        stopped=np.where(done, 1, NAT).astype(np.int64),
        deadline=np.full(n, NAT, dtype=np.int64),
        elapsed=np.array(elapsed, dtype=np.int64),
        allowed=np.full(n, 3600, dtype=np.int64),
        overdue=np.full(n, NAT, dtype=np.int64),
        done=np.array(done, dtype=bool),
        reason=Labels(n),
        calendar=Labels(n, "office"),
    )


def test_percentiles_are_nearest_rank_over_ended_instances() -> None:
    # p90 of [0, 25 h] is 25 h (it was shown as 0 s); the open ticket late by 300 h is no p90
    o = _outcome(
        [0, 25 * 3600, 300 * 3600, 1800],
        [True, True, False, False],
        [State.MET, State.BREACHED, State.BREACHED, State.RUNNING],
    )
    tally = merge([reduce_outcome(o)], o.promise)
    assert tally.percentiles() == {"p50": 0, "p90": 25 * 3600, "p95": 25 * 3600}
    assert tally.oldest_running() == 300 * 3600


def test_reports_say_late_in_the_promises_own_time() -> None:
    result = audit_files(
        str(ROOT / "charters" / "examples" / "nordlys-nettbutikk.yaml"),
        [str(ROOT / "charters" / "examples" / "nordlys-tickets-2026.csv")],
    )
    first = next(o for o in result.outcomes if o.promise.id == "first-reply")
    # the office calendar: Mon–Fri 08–16 and Sat 10–14, 44 h over 6 days = 7 h 20 min a day
    assert promise_day(result, first) == 44 * 3600 // 6
    keep = next(o for o in result.outcomes if o.promise.id == "keep-the-date")
    assert promise_day(result, keep) is None  # a date is kept by the clock on the wall
    early = {"reason": "followed up too early", "promise": "follow-up", "overdue_seconds": 0}
    assert late_by(result, early) == "too early"
    chat = {"reason": None, "promise": "chat-reply", "overdue_seconds": 14 * 3600 + 60,
            "calendar": "evenings"}  # fmt: skip
    assert late_by(result, chat) == "1 working day 1 min"  # evenings: 08–22 every day, 14 h
