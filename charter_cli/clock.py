"""Business time on a calendar, over whole columns of instants.

A calendar becomes, for a range of instants, sorted UTC open/close boundaries with the cumulative
business seconds before each opening. Then, for any instant t,

    C(t) = cum[i] + clip(t - open[i], 0, close[i] - open[i])     (i: last opening ≤ t)

so elapsed(t0, t1) = C(t1) − C(t0) and a deadline is C⁻¹(C(t0) + allowance), both found with
`searchsorted`: no Python loop over tickets anywhere.

Instants are int64 seconds since the epoch (UTC) internally; the public functions take and return
numpy `datetime64[s]` / `timedelta64[s]` arrays, NaT in giving NaT out.

Wall-clock hours are turned into instants day by day in the calendar's zone, so DST is exact:
a boundary in a spring-forward gap moves to the transition instant; an ambiguous (fall-back)
start takes the earlier instant and an ambiguous end the later one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import TypeVar
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
import pandas as pd

from charter_cli.charter.model import Calendar
from charter_cli.charter.values import Interval
from charter_cli.closures import closures
from charter_cli.errors import InputError
from charter_cli.workers import in_chunks
from charter_cli.zones import localize

I64 = npt.NDArray[np.int64]
T = TypeVar("T")
NAT = np.iinfo(np.int64).min  # datetime64's NaT, seen as int64
DAY = 86400
# How far before the earliest and after the latest instant a clock is built at first; a
# deadline further out makes the clock grow (see `BusinessClock.covering`).
MARGIN_DAYS = 7
# The widest span of local days one clock is laid out over: the audited data, as-of and the
# longest deadline after them. Its open intervals cost a few bytes a day (minute tables cover at
# most `TABLE_SPAN` of it), and instants an export can hold lie in 1970–2199 and durations reach
# 10 years, so an audit fits; the bound keeps a calendar open a minute a year from growing on.
MAX_SPAN_YEARS = 250
MAX_SPAN_DAYS = MAX_SPAN_YEARS * 366


def to_seconds(values: npt.ArrayLike) -> I64:
    """Any datetime-like array (numpy, pandas, tz-aware or naive UTC) → int64 epoch seconds."""
    if isinstance(values, pd.Series | pd.Index) and isinstance(values.dtype, pd.DatetimeTZDtype):
        values = pd.DatetimeIndex(values).tz_convert("UTC").tz_localize(None)
    arr = np.asarray(values)
    if arr.dtype.kind == "M":
        return arr.astype("datetime64[s]").view(np.int64)
    return arr.astype(np.int64)


def to_datetime64(seconds: I64) -> npt.NDArray[np.datetime64]:
    """int64 epoch seconds (NAT for missing) → `datetime64[s]`."""
    return np.asarray(seconds, dtype=np.int64).view("datetime64[s]")


def to_timedelta64(seconds: I64) -> npt.NDArray[np.timedelta64]:
    return np.asarray(seconds, dtype=np.int64).view("timedelta64[s]")


def _closed_and_special_days(
    cal: Calendar, first: date, last: date
) -> tuple[set[date], dict[date, tuple[Interval, ...]], dict[date, str], I64, I64, set[date]]:
    """Days closed by a holiday, days with their own hours, every holiday's name, and the UTC
    [start, end) of hours closed by timed events (`charter_cli.closures`)."""
    found = closures(cal, first, last)
    effective = found.effective()
    special = {d: c.hours for d, c in effective.items() if not c.closed}
    closed = {d for d, c in effective.items() if c.closed}
    names = {d: c.name for d, c in effective.items()}
    cut_lo = np.array([t.start for t in found.timed], dtype=np.int64)
    cut_hi = np.array([t.end for t in found.timed], dtype=np.int64)
    zone = ZoneInfo(cal.timezone)
    for t in found.timed:  # a timed closure shortens the local day it starts on
        day = t.local_start.astimezone(zone).date()
        names.setdefault(day, t.name)
    shortened = {t.local_start.astimezone(zone).date() for t in found.timed}
    return closed, special, names, cut_lo, cut_hi, shortened


Days = npt.NDArray[np.datetime64]


def _subtract(
    opens: I64, closes: I64, days: Days, cut_lo: I64, cut_hi: I64
) -> tuple[I64, I64, Days]:
    """Sorted, disjoint open intervals (each with its local day) minus the union of the cuts:
    the pieces that stay open, each keeping the day of the interval it came from."""
    if opens.size == 0 or cut_lo.size == 0:
        return opens, closes, days
    points = np.unique(np.concatenate((opens, closes, cut_lo, cut_hi)))
    seg_lo, seg_hi = points[:-1], points[1:]
    i = np.searchsorted(opens, seg_lo, side="right") - 1
    inside = (i >= 0) & (seg_lo < closes[np.maximum(i, 0)])
    # covered by a cut: more cuts started at or before the segment than ended at or before it
    started = np.searchsorted(np.sort(cut_lo), seg_lo, side="right")
    ended = np.searchsorted(np.sort(cut_hi), seg_lo, side="right")
    keep = inside & (started <= ended)
    lo, hi, owner = seg_lo[keep], seg_hi[keep], i[keep]
    if lo.size == 0:
        return lo, hi, days[:0]
    join = np.concatenate(([True], (lo[1:] != hi[:-1]) | (owner[1:] != owner[:-1])))
    first = np.flatnonzero(join)
    return lo[first], np.maximum.reduceat(hi, first), days[owner[first]]


BUCKET = 60  # seconds per table row: every boundary of a modern zone falls on a whole minute
# The widest span the minute tables cover. They hold 17 bytes a minute (9 MB a year for a 24/7
# calendar) and take about 13 MB a year at the peak while built, per calendar; they make C(t)
# and its inverse about 5 times faster than `searchsorted` (measured: 8 against 46 ms a million
# on 2 cores), which pays for exports of a year or a few. Ten years keep one calendar's tables
# near 90 MB (127 MB while built, 0.2 s); instants outside them (a stray 2126, a long deadline,
# an audit over decades) are answered by `searchsorted` over the intervals, which cost a few
# bytes a day whatever the span (benchmarks/bench_far.py).
TABLE_SPAN_YEARS = 10
TABLE_SPAN = TABLE_SPAN_YEARS * 366 * DAY


@dataclass(frozen=True)
class _Lookup:
    """Tables that turn C(t) and its inverse into direct indexing instead of binary searches.

    The tables cover a window of whole minutes from `base`. When every opening and closing inside
    it falls on a whole minute (true of every modern zone), the open state is constant within each
    minute, so with

        at_minute[k] = C(base + 60 k)       open_minute[k] = 1 if minute k is open else 0

    C(t) = at_minute[k] + open_minute[k] * (t − base − 60 k), and with minute_start[m] = the
    instant the m-th business minute after `base` begins, the earliest instant at which C reaches
    T > C(base) is minute_start[(T − C(base) − 1) // 60] + (T − C(base) − 1) % 60 + 1. Instants
    and targets outside the window, and every query when there are no tables (`aligned` False),
    are answered by `searchsorted` over the intervals, with the same results.
    """

    base: int
    opens: I64  # padded with sentinels: [very early, opens…, very late]
    cum: I64
    lengths: I64
    ends: I64  # cumulative business seconds at each close (unpadded)
    aligned: bool  # whether there are tables
    at_minute: I64
    open_minute: npt.NDArray[np.int8]
    minute_start: I64
    base_business: int = 0  # C(base)

    @classmethod
    def build(
        cls, opens: I64, closes: I64, cum: I64, first: int, last: int, *, tables: bool = True
    ) -> _Lookup:
        """Tables for the instants first..last (when `tables` and the boundaries allow them)."""
        lengths = closes - opens
        low, high = np.iinfo(np.int64).min // 4, np.iinfo(np.int64).max // 4
        padded_opens = np.concatenate(([low], opens, [high])).astype(np.int64)
        padded_cum = np.concatenate(([0], cum, [cum[-1] + lengths[-1] if opens.size else 0]))
        padded_len = np.concatenate(([0], lengths, [0])).astype(np.int64)
        ends = (cum + lengths).astype(np.int64)
        base = first - first % BUCKET
        size = (max(last, base) - base) // BUCKET + 2
        end = base + size * BUCKET
        # the intervals that meet the window, cut to it: only boundaries inside it must be whole
        # minutes (a zone's odd offset in 1970 leaves the tables for 2026 alone)
        i0 = int(np.searchsorted(closes, base, side="right"))
        i1 = int(np.searchsorted(opens, end, side="left"))
        cut_opens = np.clip(opens[i0:i1], base, end)
        cut_closes = np.clip(closes[i0:i1], base, end)
        aligned = bool(
            tables
            and opens.size
            and not (cut_opens % BUCKET).any()
            and not (cut_closes % BUCKET).any()
        )
        plain = cls(
            base,
            padded_opens,
            padded_cum.astype(np.int64),
            padded_len,
            ends,
            False,
            np.empty(0, dtype=np.int64),
            np.empty(0, dtype=np.int8),
            np.empty(0, dtype=np.int64),
        )
        if not aligned:
            return plain
        base_business = int(plain.search(np.array([base], dtype=np.int64))[0])
        # +1 at each opening minute, -1 at each closing minute; intervals never overlap, so each
        # set of minutes has no repeats and the running sum is 1 inside an interval, 0 outside
        # (int8 throughout: a quarter of the memory of counting in int64)
        change = np.zeros(size + 1, dtype=np.int8)
        change[(cut_opens - base) // BUCKET] += 1
        change[(cut_closes - base) // BUCKET] -= 1
        open_minute = np.cumsum(change[:size], dtype=np.int8)
        del change
        at_minute = np.cumsum(open_minute, dtype=np.int64)  # open minutes up to and with k
        at_minute -= open_minute
        at_minute *= BUCKET
        at_minute += base_business  # C at the start of each minute
        minute_start = np.flatnonzero(open_minute).astype(np.int64)
        minute_start *= BUCKET
        minute_start += base
        return cls(
            base, padded_opens, padded_cum.astype(np.int64), padded_len, ends, True,
            at_minute, open_minute, minute_start, base_business,
        )  # fmt: skip

    def search(self, t: I64) -> I64:
        """C(t) by `searchsorted` over the intervals (any instant; callers mask NAT)."""
        i = np.searchsorted(self.opens, t, side="right") - 1
        value: I64 = self.cum[i] + np.clip(t - self.opens[i], 0, self.lengths[i])
        return value

    def search_instant(self, target: I64) -> I64:
        """The earliest instant at which C reaches each target, by `searchsorted`."""
        j = np.minimum(np.searchsorted(self.ends, target, side="left"), self.ends.size - 1)
        value: I64 = self.opens[j + 1] + (target - self.cum[j + 1])
        return value

    def business(self, t: I64) -> I64:
        """C(t) (callers mask NAT)."""
        if not self.aligned:
            return self.search(t)
        k, r = np.divmod(t - self.base, BUCKET)
        r *= np.take(self.open_minute, k, mode="clip")
        r += np.take(self.at_minute, k, mode="clip")
        if k.size and (k.min() < 0 or k.max() >= self.open_minute.size):  # some outside the tables
            outside = np.flatnonzero((k < 0) | (k >= self.open_minute.size))
            r[outside] = self.search(t[outside])
        return r.astype(np.int64, copy=False)

    def instant(self, target: I64) -> tuple[I64, npt.NDArray[np.bool_]]:
        """The earliest instant at which C reaches each target (> 0), and where none is in range."""
        total = int(self.ends[-1]) if self.ends.size else 0
        beyond = target > total
        if not self.aligned or self.minute_start.size == 0:
            return self.search_instant(target), beyond
        q, r = np.divmod(target - self.base_business - 1, BUCKET)
        r += np.take(self.minute_start, q, mode="clip")
        r += 1
        if q.size and (q.min() < 0 or q.max() >= self.minute_start.size):
            outside = np.flatnonzero((q < 0) | (q >= self.minute_start.size))
            r[outside] = self.search_instant(target[outside])
        return r, beyond


@dataclass(frozen=True)
class BusinessClock:
    """One calendar's open intervals over a range, ready for vectorised queries."""

    calendar: Calendar
    first_day: date
    last_day: date
    opens: I64  # UTC seconds, sorted, intervals do not overlap
    closes: I64
    cum: I64  # business seconds before opens[i]
    day_of: I64  # business-day ordinal of interval i (the local day it starts on)
    day_close: I64  # close of business of each business day
    day_date: npt.NDArray[np.datetime64]  # the local date of each business day
    holidays: dict[date, str]
    index: _Lookup
    short_days: frozenset[date] = frozenset()  # holidays that keep hours of their own

    # --- construction -------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        cal: Calendar,
        first_day: date,
        last_day: date,
        *,
        tables: tuple[int, int] | None = None,
    ) -> BusinessClock:
        """The calendar's open intervals for the local days first_day..last_day, with minute
        tables for the instants `tables` (UTC seconds, from..to; the whole range when None)
        unless that is wider than `TABLE_SPAN`."""
        days = np.arange(
            np.datetime64(first_day, "D"), np.datetime64(last_day, "D") + np.timedelta64(1, "D")
        )
        weekday = (days.view(np.int64) + 3) % 7  # 1970-01-01 was a Thursday; Monday is 0
        none = np.empty(0, dtype=np.int64)
        closed, special, names, cut_lo, cut_hi, shortened = (
            (set(), {}, {}, none, none, set())
            if cal.always
            else _closed_and_special_days(cal, first_day, last_day)
        )
        is_regular = np.ones(days.size, dtype=bool)
        if closed or special:
            exceptional = np.array(sorted(closed | set(special)), dtype="datetime64[D]")
            is_regular = ~np.isin(days, exceptional)
        day_parts: list[npt.NDArray[np.datetime64]] = []
        start_parts: list[I64] = []
        end_parts: list[I64] = []

        def add(selected: npt.NDArray[np.datetime64], intervals: tuple[Interval, ...]) -> None:
            for iv in intervals:
                if iv.end <= iv.start or selected.size == 0:
                    continue
                day_parts.append(selected)
                start_parts.append(np.full(selected.size, iv.start, dtype=np.int64))
                end_parts.append(np.full(selected.size, iv.end, dtype=np.int64))

        if cal.always:
            add(days, (Interval(0, 1440, "00:00-24:00", 1440),))
        else:
            for wd in range(7):
                add(days[(weekday == wd) & is_regular], cal.week[wd])
            for day, intervals in special.items():
                if first_day <= day <= last_day:
                    add(np.array([day], dtype="datetime64[D]"), intervals)
        if day_parts:
            local_day = np.concatenate(day_parts)
            start_min = np.concatenate(start_parts)
            end_min = np.concatenate(end_parts)
        else:
            local_day = np.empty(0, dtype="datetime64[D]")
            start_min = end_min = np.empty(0, dtype=np.int64)
        base = local_day.astype("datetime64[s]")
        opens = localize(base + start_min.astype("timedelta64[m]"), cal.timezone, start=True)
        closes = localize(base + end_min.astype("timedelta64[m]"), cal.timezone, start=False)
        order = np.lexsort((closes, opens))
        opens, closes, local_day = opens[order], closes[order], local_day[order]
        # no overlaps (rules forbid them, DST can still make boundaries touch): clip each opening
        # to the latest close before it, then drop what became empty
        if opens.size:
            latest = np.maximum.accumulate(closes)
            opens = np.maximum(opens, np.concatenate(([opens[0]], latest[:-1])))
        keep = closes > opens
        opens, closes, local_day = opens[keep], closes[keep], local_day[keep]
        opens, closes, local_day = _subtract(opens, closes, local_day, cut_lo, cut_hi)
        lengths = closes - opens
        cum = (
            np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)
            if opens.size
            else (np.empty(0, dtype=np.int64))
        )
        day_date, day_of = np.unique(local_day, return_inverse=True)
        day_close = np.full(day_date.size, NAT, dtype=np.int64)
        np.maximum.at(day_close, day_of, closes)
        clock = cls(
            index=_Lookup.build(opens, closes, cum, 0, -1, tables=False),
            calendar=cal,
            first_day=first_day,
            last_day=last_day,
            opens=opens,
            closes=closes,
            cum=cum,
            day_of=day_of.astype(np.int64),
            day_close=day_close,
            day_date=day_date,
            holidays=names,
            short_days=frozenset(special) | shortened,
        )
        return clock.with_tables(tables)

    def with_tables(self, window: tuple[int, int] | None) -> BusinessClock:
        """This clock with minute tables for the instants window[0]..window[1] (UTC seconds; the
        whole range when None), none when that is wider than `TABLE_SPAN`."""
        first = int(np.datetime64(self.first_day, "s").astype(np.int64)) - 2 * DAY
        last = int(np.datetime64(self.last_day, "s").astype(np.int64)) + 3 * DAY
        if self.opens.size:
            first, last = min(first, int(self.opens[0])), max(last, int(self.closes[-1]))
        if window is not None:
            first, last = max(first, window[0]), min(last, window[1])
        wanted = 0 <= last - first <= TABLE_SPAN
        index = _Lookup.build(self.opens, self.closes, self.cum, first, last, tables=wanted)
        return replace(self, index=index)

    @classmethod
    def covering(
        cls, cal: Calendar, instants: I64, *, allowance: int = 0, working_days: int = 0
    ) -> BusinessClock:
        """A clock covering every instant (NAT ignored), plus room for deadlines that far ahead."""
        valid = instants != NAT
        if not valid.any():
            return cls.spanning(cal, 0, 0, allowance=allowance, working_days=working_days)
        lo = int(instants.min(where=valid, initial=np.iinfo(np.int64).max))
        return cls.spanning(
            cal, lo, int(instants.max()), allowance=allowance, working_days=working_days
        )

    @classmethod
    def spanning(
        cls,
        cal: Calendar,
        lo: int,
        hi: int,
        *,
        allowance: int = 0,
        working_days: int = 0,
        bulk: tuple[int, int] | None = None,
    ) -> BusinessClock:
        """A clock from `lo` to `hi` (UTC seconds), plus room for deadlines that far ahead.

        `bulk` (from..to, inside lo..hi) is where most instants are: the minute tables cover it
        and the deadlines after it, at most `TABLE_SPAN`; a stray instant far from it is
        answered by `searchsorted`. None: the bulk is lo..hi."""

        def day(seconds: int, days: int) -> date:
            moment = np.datetime64(seconds, "s") + np.timedelta64(days, "D")
            result: date = moment.astype("datetime64[D]").item()
            return result

        first = day(lo, -MARGIN_DAYS)
        limit = day(lo, MAX_SPAN_DAYS - MARGIN_DAYS)
        if day(hi, MARGIN_DAYS) > limit:
            raise InputError(
                f"the audit spans {day(lo, 0)} to {day(hi, 0)} (tickets and as-of), more than "
                f"the {MAX_SPAN_YEARS} years charter lays a calendar over: look for stray dates "
                "in the export, or narrow the audit with --since, --until or --as-of"
            )
        span = MARGIN_DAYS + (allowance // DAY) + 2 * working_days
        start, stop = bulk if bulk is not None else (lo, hi)
        start -= MARGIN_DAYS * DAY
        window = (start, min(stop + span * DAY, start + TABLE_SPAN))
        if stop + MARGIN_DAYS * DAY - start > TABLE_SPAN:
            window = (start, start - 1)  # a bulk wider than tables may be: none
        last = min(day(hi, span), limit)
        no_tables = (0, -1)
        clock = cls.build(cal, first, last, tables=no_tables)
        # grow until the latest deadline asked for fits (a calendar open 1 h a week needs far
        # more than `allowance` wall-clock seconds), bounded: a calendar with no open hours
        # never fits and is a validation error caught earlier; a calendar open a minute a year
        # stops at the widest span, and deadlines past it are reported as beyond the clock
        for _ in range(12):
            if last >= limit or clock.fits(hi, allowance, working_days):
                break
            span = span * 2 + 7
            last = min(day(hi, span), limit)
            clock = cls.build(cal, first, last, tables=no_tables)
        return clock.with_tables(window)

    def fits(self, latest: int, allowance: int, working_days: int) -> bool:
        """Whether deadlines from `latest` (allowance seconds, or N working days) are inside."""
        if self.opens.size == 0:
            return False
        end = self._business(np.array([latest], dtype=np.int64))[0] + allowance
        if end > self.cum[-1] + (self.closes[-1] - self.opens[-1]):
            return False
        if working_days:
            i = int(np.searchsorted(self.closes, latest, side="right"))
            return i < self.opens.size and int(self.day_of[i]) + working_days < self.day_close.size
        return True

    # --- queries (int64 seconds, NAT for missing) ----------------------------------------

    @property
    def total(self) -> int:
        return int(self.cum[-1] + self.closes[-1] - self.opens[-1]) if self.opens.size else 0

    def _business(self, t: I64) -> I64:
        """C(t): business seconds from the start of the range to t (NAT → NAT)."""
        t = np.asarray(t, dtype=np.int64)
        missing = t == NAT
        if self.opens.size == 0:
            return np.where(missing, NAT, 0).astype(np.int64)
        if missing.any():
            value = self.index.business(np.where(missing, self.index.base, t))
            return np.where(missing, NAT, value)
        return self.index.business(t)

    business_s = _business

    def elapsed_s(self, start: I64, stop: I64, *, start_business: I64 | None = None) -> I64:
        """Business seconds in [start, stop); negative when stop < start; NAT if either is.

        `start_business` may pass C(start) when the caller has it already.
        """
        c0 = self._business(start) if start_business is None else start_business
        c1 = self._business(stop)
        missing = (c0 == NAT) | (c1 == NAT)
        return np.where(missing, NAT, c1 - c0).astype(np.int64)

    def deadline_s(self, start: I64, allowance: I64, *, start_business: I64 | None = None) -> I64:
        """The earliest instant at which elapsed(start, ·) reaches the allowance (seconds).

        `start_business` may pass C(start) when the caller has it already.
        """
        start = np.asarray(start, dtype=np.int64)
        allowance = np.broadcast_to(np.asarray(allowance, dtype=np.int64), start.shape)
        c0 = self._business(start) if start_business is None else start_business
        missing = (c0 == NAT) | (allowance == NAT)
        if self.opens.size == 0:
            return np.where(missing | (allowance > 0), NAT, start).astype(np.int64)
        any_missing = bool(missing.any())
        target = np.where(missing, 1, c0 + allowance) if any_missing else c0 + allowance
        instant, beyond = self.index.instant(target)
        zero = allowance <= 0
        if zero.any():
            instant = np.where(zero, start, instant)
            beyond &= ~zero
        if any_missing or beyond.any():
            instant = np.where(missing | beyond, NAT, instant)
        return instant

    def working_days_deadline_s(self, start: I64, days: I64 | int) -> I64:
        """Close of business of the N-th business day after the day the clock starts (the day of
        the interval `start` falls in, or of the next opening when it falls outside hours)."""
        start = np.asarray(start, dtype=np.int64)
        n = np.broadcast_to(np.asarray(days, dtype=np.int64), start.shape)
        missing = start == NAT
        if self.opens.size == 0:
            return np.full(start.shape, NAT, dtype=np.int64)
        i = np.searchsorted(self.closes, start, side="right")
        day = self.day_of[np.minimum(i, self.opens.size - 1)] + n
        bad = missing | (i >= self.opens.size) | (day >= self.day_close.size)
        return np.where(bad, NAT, self.day_close[np.minimum(day, self.day_close.size - 1)]).astype(
            np.int64
        )

    def paused_s(
        self,
        ticket: I64,
        pause_start: I64,
        pause_stop: I64,
        clock_start: I64,
        clock_stop: I64,
    ) -> I64:
        """Business seconds of pauses inside each ticket's [clock_start, clock_stop).

        `ticket` indexes into the clock arrays (one row per pause); pauses of one ticket must not
        overlap (the importer derives them from a status sequence, so they do not). A pause with
        no stop lasts until the clock stops. The result has one value per ticket (0 when none).
        """
        n = np.asarray(clock_start).size
        ticket = np.asarray(ticket)
        if ticket.size == 0:
            return np.zeros(n, dtype=np.int64)
        clock_start = np.asarray(clock_start, dtype=np.int64)
        clock_stop = np.asarray(clock_stop, dtype=np.int64)
        pause_start, pause_stop = np.asarray(pause_start), np.asarray(pause_stop)

        def one(sl: slice) -> I64:  # in chunks over the cores (a million pauses: 0.16 -> 0.09 s)
            t0, t1 = clock_start[ticket[sl]], clock_stop[ticket[sl]]
            ok = (t0 != NAT) & (t1 != NAT) & (pause_start[sl] != NAT)
            stop = np.where(pause_stop[sl] == NAT, t1, pause_stop[sl])
            lo = np.where(ok, np.clip(pause_start[sl], t0, t1), 0)
            hi = np.where(ok, np.clip(stop, t0, t1), 0)
            each: I64 = np.where(ok & (hi > lo), self._business(hi) - self._business(lo), 0)
            return each

        each = np.concatenate(in_chunks(one, ticket.size))
        return np.bincount(ticket, weights=each, minlength=n).astype(np.int64)

    def measure(self, start: I64, stop: I64, allowance: I64) -> tuple[I64, I64]:
        """(elapsed(start, stop), deadline(start, allowance)) for whole columns, C(start) computed
        once, in chunks spread over the machine's cores (NumPy releases the GIL in these loops)."""
        start = np.asarray(start, dtype=np.int64)
        stop = np.asarray(stop, dtype=np.int64)
        allowance = np.broadcast_to(np.asarray(allowance, dtype=np.int64), start.shape)

        def one(sl: slice) -> tuple[I64, I64]:
            c0 = self._business(start[sl])
            return (
                self.elapsed_s(start[sl], stop[sl], start_business=c0),
                self.deadline_s(start[sl], allowance[sl], start_business=c0),
            )

        parts = in_chunks(one, start.size)
        if len(parts) == 1:
            return parts[0]
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])

    # --- the public, datetime64 face ---------------------------------------------------

    def elapsed(self, start: npt.ArrayLike, stop: npt.ArrayLike) -> npt.NDArray[np.timedelta64]:
        return to_timedelta64(self.elapsed_s(to_seconds(start), to_seconds(stop)))

    def deadline(
        self,
        start: npt.ArrayLike,
        allowance: npt.ArrayLike | None = None,
        *,
        working_days: int | None = None,
    ) -> npt.NDArray[np.datetime64]:
        """Deadline for an allowance (timedelta64 or seconds), or for N working days."""
        t0 = to_seconds(start)
        if working_days is not None:
            return to_datetime64(self.working_days_deadline_s(t0, working_days))
        assert allowance is not None
        allow = np.asarray(allowance)
        seconds = (
            allow.astype("timedelta64[s]").view(np.int64) if allow.dtype.kind == "m" else allow
        )
        return to_datetime64(self.deadline_s(t0, seconds.astype(np.int64)))

    def is_open_day(self, day: date) -> bool:
        return bool(np.isin(np.datetime64(day, "D"), self.day_date))
