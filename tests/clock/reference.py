"""A deliberately simple business clock, to check the vectorised one against.

No numpy, no pandas, no cumulative sums: for every local day it asks zoneinfo where each opening
and closing falls (with the DST rule of DESIGN.md §10.2 written out longhand), then walks those
intervals one by one. Slow and obvious.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays as holidays_lib

from charter_cli.charter.model import Calendar


def _wall(t: int, zone: ZoneInfo) -> datetime:
    return datetime.fromtimestamp(t, zone).replace(tzinfo=None)


def local_to_utc(local: datetime, zone: ZoneInfo, *, start: bool) -> int:
    """Seconds since the epoch of a local wall-clock time, by the DST rule."""
    early = int(local.replace(tzinfo=zone, fold=0).timestamp())
    late = int(local.replace(tzinfo=zone, fold=1).timestamp())
    exists = [t for t in sorted({early, late}) if _wall(t, zone) == local]
    if exists:
        return exists[0] if start else exists[-1]
    # in a gap: the transition instant, the first second with the new offset
    lo, hi = min(early, late), max(early, late)
    before = datetime.fromtimestamp(lo, zone).utcoffset()
    while hi - lo > 1:
        mid = (lo + hi) // 2
        offset = datetime.fromtimestamp(mid, zone).utcoffset()
        if offset == before:
            lo = mid
        else:
            hi = mid
    return hi


@dataclass
class RefInterval:
    open: int
    close: int
    day: date


def closed_days(
    cal: Calendar, first: date, last: date
) -> tuple[set[date], dict[date, list[tuple[int, int]]]]:
    closed: set[date] = set()
    special: dict[date, list[tuple[int, int]]] = {}
    if cal.country:
        found = holidays_lib.country_holidays(
            cal.country, subdiv=cal.subdivision, years=range(first.year, last.year + 1)
        )
        closed.update(found.keys())
    for item in cal.dates:
        for year in [item.year] if item.year else range(first.year, last.year + 1):
            try:
                day = date(year, item.month, item.day)
            except ValueError:
                continue
            if item.intervals:
                special[day] = [(iv.start, iv.end) for iv in item.intervals]
                closed.discard(day)
            else:
                closed.add(day)
                special.pop(day, None)
    return closed, special


def intervals(cal: Calendar, first: date, last: date) -> list[RefInterval]:
    zone = ZoneInfo(cal.timezone)
    closed, special = (set(), {}) if cal.always else closed_days(cal, first, last)
    out: list[RefInterval] = []
    day = first
    while day <= last:
        if cal.always:
            spans = [(0, 1440)]
        elif day in special:
            spans = special[day]
        elif day in closed:
            spans = []
        else:
            spans = [(iv.start, iv.end) for iv in cal.week[day.weekday()]]
        midnight = datetime.combine(day, time())
        for s, e in spans:
            o = local_to_utc(midnight + timedelta(minutes=s), zone, start=True)
            c = local_to_utc(midnight + timedelta(minutes=e), zone, start=False)
            if c > o:
                out.append(RefInterval(o, c, day))
        day += timedelta(days=1)
    out.sort(key=lambda iv: iv.open)
    # touching or overlapping (DST) intervals: the later one starts where the earlier ended
    latest = None
    for iv in out:
        if latest is not None:
            iv.open = max(iv.open, latest)
        latest = iv.close if latest is None else max(latest, iv.close)
    return [iv for iv in out if iv.close > iv.open]


def elapsed(ivs: list[RefInterval], t0: int, t1: int) -> int:
    if t1 < t0:
        return -elapsed(ivs, t1, t0)
    return sum(max(0, min(iv.close, t1) - max(iv.open, t0)) for iv in ivs)


def deadline(ivs: list[RefInterval], t0: int, allowance: int) -> int | None:
    if allowance <= 0:
        return t0
    left = allowance
    for iv in ivs:
        if iv.close <= t0:
            continue
        begin = max(iv.open, t0)
        if iv.close - begin >= left:
            return begin + left
        left -= iv.close - begin
    return None


def working_days_deadline(ivs: list[RefInterval], t0: int, n: int) -> int | None:
    days: list[date] = []
    for iv in ivs:
        if not days or days[-1] != iv.day:
            days.append(iv.day)
    start = next((iv for iv in ivs if iv.close > t0), None)
    if start is None:
        return None
    k = days.index(start.day) + n
    if k >= len(days):
        return None
    return max(iv.close for iv in ivs if iv.day == days[k])
