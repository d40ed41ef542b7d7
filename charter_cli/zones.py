"""Local wall-clock time → UTC, whole-column and exact on DST days (a time in a spring-forward gap
is the transition instant; an ambiguous fall-back time the earlier instant for a start, the later
for an end)."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
import pandas as pd

I64 = npt.NDArray[np.int64]
DAY = 86400
HOUR = 3600


BLOCK_DAYS = 366  # transitions are found for whole blocks of days, so nearby ranges share them


def transitions(tz: str, first_hour: int, last_hour: int) -> tuple[I64, I64]:
    """The zone's offset changes between two UTC hours (epoch hours), and maybe a few around
    them: the instants `changes` (UTC seconds, sorted) and `offsets` (seconds east of UTC),
    `offsets[0]` in force before the first change and `offsets[k + 1]` from change k on."""
    block = BLOCK_DAYS * DAY // HOUR
    return _transitions(tz, first_hour // block, -(-(last_hour + 1) // block))


@lru_cache(maxsize=256)
def _transitions(tz: str, first_block: int, last_block: int) -> tuple[I64, I64]:
    """`transitions` for the blocks of `BLOCK_DAYS` days first_block..last_block (from the epoch).

    Offsets are read on a grid of whole UTC days (pandas converts the grid in one call; an hourly
    grid cost 0.5 s and 60 MB for the 230 years an export's instants may span) and each change is
    then pinned to its exact second with zoneinfo by bisection: a handful a year. Changes closer
    together than a day would be seen as one: none are in the tz database from 1970 to 2215
    (the closest, in Gaza and Brazil, are a week apart).
    """
    grid = np.arange(first_block * BLOCK_DAYS, last_block * BLOCK_DAYS + 1, dtype=np.int64) * DAY
    utc = pd.DatetimeIndex(grid.view("datetime64[s]"), tz="UTC")
    local = utc.tz_convert(tz).tz_localize(None).to_numpy().astype("datetime64[s]")
    offsets = local.view(np.int64) - grid
    step = np.flatnonzero(offsets[1:] != offsets[:-1])
    zone = ZoneInfo(tz)
    changes = np.empty(step.size, dtype=np.int64)
    for k, i in enumerate(step):
        lo, hi = int(grid[i]), int(grid[i + 1])  # offset(lo) is the old one, offset(hi) the new
        before = datetime.fromtimestamp(lo, zone).utcoffset()
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if datetime.fromtimestamp(mid, zone).utcoffset() == before:
                lo = mid
            else:
                hi = mid
        changes[k] = hi
    return changes, np.concatenate((offsets[:1], offsets[step + 1])).astype(np.int64)


def localize(local: npt.NDArray[np.datetime64], tz: str, *, start: bool) -> I64:
    """Local wall-clock instants (no NaT) → UTC seconds, by the DST rule: a time
    in a spring-forward gap is the transition instant; a fall-back (ambiguous) time is the earlier
    instant when `start`, the later one otherwise.

    Whole-column: the offset of every local hour of the range is read once into a table, and each
    value takes its hour's; values in the hours around an offset change (a handful a year) are
    resolved exactly by `_localize_exact`, which also takes values sparser than an hour apart on
    average (a table of hours would cost more). pandas' `tz_localize` is several times slower,
    and its `shift_forward` is wrong for gaps that do not start on the hour (Pacific/Chatham's
    02:45).
    """
    values = np.asarray(local)
    if values.dtype != np.dtype("datetime64[s]"):
        values = values.astype("datetime64[s]")
    wall: I64 = values.view(np.int64)
    if wall.size == 0:
        return np.empty(0, dtype=np.int64)
    low, high = int(wall.min()), int(wall.max())
    changes, offsets = transitions(tz, (low - DAY) // HOUR, (high + DAY) // HOUR)
    if changes.size == 0:
        return np.asarray(wall - offsets[0], dtype=np.int64)
    first_hour = low // HOUR
    hours = high // HOUR - first_hour + 1
    if hours > wall.size:
        # fewer values than hours in their range (a calendar's two boundaries a day, a stray
        # year in an export): the table of hours would cost more than it saves
        return _localize_exact(wall, changes, offsets, start=start)
    grid = (first_hour + np.arange(hours, dtype=np.int64)) * HOUR
    offset_of_hour = grid - _localize_exact(grid, changes, offsets, start=start)
    special = np.zeros(hours + 2, dtype=bool)
    around_low = (changes + np.minimum(offsets[:-1], offsets[1:])) // HOUR - 1 - first_hour
    around_high = (changes + np.maximum(offsets[:-1], offsets[1:])) // HOUR + 1 - first_hour
    for a, b in zip(np.clip(around_low, 0, hours), np.clip(around_high + 1, 0, hours), strict=True):
        special[a:b] = True
    hour = wall // HOUR - first_hour
    utc = wall - offset_of_hour[hour]
    near = special[hour]
    if near.any():
        idx = np.flatnonzero(near)
        utc[idx] = _localize_exact(wall[idx], changes, offsets, start=start)
    return utc


def _localize_exact(wall: I64, changes: I64, offsets: I64, *, start: bool) -> I64:
    """`localize` for any values: each finds the offset period whose local span starts at or
    before it (a `searchsorted` over the changes), then gaps and overlaps are read off the
    neighbouring periods."""
    # local start of each period after the first: the change, read with the new offset
    period = np.searchsorted(changes + offsets[1:], wall, side="right")
    offset = offsets[period]
    utc = wall - offset
    ends = np.append(changes, np.iinfo(np.int64).max // 2)[period]
    gap = utc >= ends  # past this period's local end, before the next one's start
    if gap.any():
        utc = np.where(gap, ends, utc)
    if start:
        # still inside the previous period's local span: the previous offset is the earlier
        # instant (an overlap only happens when the offset went down)
        prev = np.maximum(period - 1, 0)
        overlap = (period > 0) & (wall - offsets[prev] < changes[prev])
        if overlap.any():
            utc = np.where(overlap, wall - offsets[prev], utc)
    return utc
