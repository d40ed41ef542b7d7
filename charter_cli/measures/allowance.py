"""How much business time a promise allows each ticket: per priority, in seconds or working
days (a working-day allowance ends at the close of the N-th business day after the start day)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from charter_cli.charter.model import Promise, normalise
from charter_cli.charter.values import Duration
from charter_cli.clock import I64, NAT, BusinessClock
from charter_cli.frames import per_value


def allowance_s(clock: BusinessClock, start: I64, c0: I64, seconds: I64, days: I64) -> I64:
    """Business seconds each row is allowed from `start`: `seconds`, or where `days` > 0, up to the
    close of the N-th business day after the start day. `c0` is C(start)."""
    if not (days > 0).any():
        return seconds
    by_day = clock.working_days_deadline_s(start, days)
    return np.where(days > 0, clock.elapsed_s(start, by_day, start_business=c0), seconds)


def window(clock: BusinessClock, start: I64, c0: I64, d: Duration) -> I64:
    """Business seconds from `start` that one duration allows on `clock`."""
    seconds = np.full(start.size, d.seconds, dtype=np.int64)
    return allowance_s(
        clock, start, c0, seconds, np.full(start.size, d.working_days, dtype=np.int64)
    )


def allowances(promise: Promise, priority: pd.Series) -> tuple[I64, I64, np.ndarray]:
    """Per-row allowance in seconds or working days, and the rows that have none (computed per
    distinct priority, spread back by category code)."""
    norm = {normalise(k): v for k, v in promise.within.by_priority.items()}
    default = promise.within.default

    def chosen(value: str) -> Duration | None:
        return norm.get(normalise(value), default)

    def seconds_of(d: Duration | None) -> int:
        return NAT if d is None or d.is_working_days else d.seconds

    none = per_value(priority, lambda v: chosen(v) is None, missing=default is None, dtype=bool)
    seconds = per_value(
        priority, lambda v: seconds_of(chosen(v)), missing=seconds_of(default), dtype=np.int64
    )
    days = per_value(
        priority,
        lambda v: 0 if (d := chosen(v)) is None else d.working_days,
        missing=0 if default is None else default.working_days,
        dtype=np.int64,
    )
    return seconds, days, none
