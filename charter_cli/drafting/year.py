"""`charter calendar CHARTER --year 2027`: each calendar's closed days and special hours over one
year, with their names and where each comes from: the review before a year starts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import numpy as np

from charter_cli.charter.model import Calendar, Charter
from charter_cli.charter.values import DAYS, Interval
from charter_cli.closures import Closures, closures

CLOSED = "closed"  # the whole day
OWN_HOURS = "hours"  # open only at its own hours
CLOSED_HOURS = "closed-hours"  # some hours closed by a timed event


@dataclass(frozen=True)
class ReviewDay:
    day: date
    kind: str  # CLOSED, OWN_HOURS or CLOSED_HOURS
    name: str
    sources: tuple[str, ...]
    hours: str | None  # the day's own hours, or the hours closed; None when closed all day
    usual: str  # the weekday's regular hours (`closed` when it has none)


@dataclass(frozen=True)
class CalendarYear:
    name: str
    title: str | None
    timezone: str
    ticket_zone: bool
    always: bool
    hours: dict[str, str]  # weekday → regular hours
    days: tuple[ReviewDay, ...]
    working_days: int  # days with any open hours
    open_seconds: int


@dataclass(frozen=True)
class YearReview:
    charter: str
    path: str
    year: int
    calendars: tuple[CalendarYear, ...]


def _hours(intervals: tuple[Interval, ...]) -> str:
    return ", ".join(iv.text for iv in intervals) or CLOSED


def _span(start: datetime, end: datetime) -> str:
    if end.date() == start.date() or (
        (end.hour, end.minute) == (0, 0) and ((end.date() - start.date()).days == 1)
    ):
        close = "24:00" if end.date() != start.date() else f"{end:%H:%M}"
        return f"{start:%H:%M}-{close}"
    return f"{start:%H:%M}-{end:%Y-%m-%d %H:%M}"


def _days(cal: Calendar, found: Closures, first: date, last: date) -> list[ReviewDay]:
    out: list[ReviewDay] = []
    effective = found.effective()
    for day in sorted(effective):
        word = effective[day]
        usual = _hours(cal.week[day.weekday()])
        kind = CLOSED if word.closed else OWN_HOURS
        hours = None if word.closed else _hours(word.hours)
        out.append(ReviewDay(day, kind, word.name, tuple(found.sources(day)), hours, usual))
    zone = ZoneInfo(cal.timezone)
    for timed in found.timed:
        start, end = timed.local_start.astimezone(zone), timed.local_end.astimezone(zone)
        if not first <= start.date() <= last:
            continue
        usual = _hours(cal.week[start.weekday()])
        span = _span(start, end)
        out.append(ReviewDay(start.date(), CLOSED_HOURS, timed.name, (timed.source,), span, usual))
    out.sort(key=lambda d: (d.day, d.kind != CLOSED, d.hours or ""))
    return out


def review_year(charter: Charter, year: int) -> YearReview:
    """Every calendar of the charter over `year` (local days 1 January to 31 December)."""
    from charter_cli.clock import BusinessClock

    first, last = date(year, 1, 1), date(year, 12, 31)
    calendars = []
    for name in charter.calendars:
        cal = charter.calendar(name)
        found = closures(cal, first, last)
        clock = BusinessClock.build(cal, first, last)
        in_year = (clock.day_date >= np.datetime64(first, "D")) & (
            clock.day_date <= np.datetime64(last, "D")
        )
        weekly = {} if cal.always else {DAYS[i]: _hours(d) for i, d in enumerate(cal.week)}
        calendars.append(
            CalendarYear(
                name=name,
                title=cal.title,
                timezone=cal.timezone,
                ticket_zone=cal.ticket_zone,
                always=cal.always,
                hours=weekly,
                days=tuple(_days(cal, found, first, last)),
                working_days=int(in_year.sum()),
                open_seconds=clock.total,
            )
        )
    return YearReview(charter.name, charter.path, year, tuple(calendars))
