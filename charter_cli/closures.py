"""The days a calendar is closed or keeps hours of its own, and the hours closed by timed events,
over a span of local days, each with its name and where it comes from: the `holidays` library
(`country`, `subdivision`), an iCalendar file (`ical`), and the charter's own `dates`, applied
in that order (a later source overrides an earlier one on the same day). The one answer for the
clock (`BusinessClock.build`) and for `charter calendar`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import PurePath
from zoneinfo import ZoneInfo

from charter_cli.charter.ical import IcalError, zone_of
from charter_cli.charter.model import Calendar, HolidayDate
from charter_cli.charter.values import Interval
from charter_cli.errors import InputError


@dataclass(frozen=True)
class DayClosure:
    """One source's word on one local day: closed (no hours) or open only `hours`."""

    day: date
    name: str
    source: str
    hours: tuple[Interval, ...] = ()

    @property
    def closed(self) -> bool:
        return not self.hours


@dataclass(frozen=True)
class TimedClosure:
    """Hours closed by a timed event: [start, end) in UTC seconds, and the same in the zone the
    event was written in (for showing)."""

    start: int
    end: int
    local_start: datetime
    local_end: datetime
    name: str
    source: str


@dataclass(frozen=True)
class Closures:
    days: tuple[DayClosure, ...]  # in the order applied: the last word on a day decides
    timed: tuple[TimedClosure, ...]

    def effective(self) -> dict[date, DayClosure]:
        """The deciding word per day; a day's name is the last one given to it."""
        out: dict[date, DayClosure] = {}
        for item in self.days:
            out[item.day] = item
        return out

    def names(self) -> dict[date, str]:
        return {d: c.name for d, c in self.effective().items()}

    def sources(self, day: date) -> list[str]:
        """Every source that speaks of a day, in order, once each."""
        return list(dict.fromkeys(c.source for c in self.days if c.day == day))


@lru_cache(maxsize=64)
def public_holidays(
    country: str, subdivision: str | None, first_year: int, last_year: int
) -> dict[date, str]:
    """Public holidays (the `holidays` library's default category) for a span of years, named in
    English where the library has English names, else in the country's own language: never in
    the language of the user's locale, which the library follows when none is asked for."""
    import holidays

    languages = holidays.country_holidays(country, subdiv=subdivision)
    language = "en_US" if "en_US" in languages.supported_languages else languages.default_language
    found = holidays.country_holidays(
        country, subdiv=subdivision, years=range(first_year, last_year + 1), language=language
    )
    return dict(found.items())


def _safe_date(year: int, item: HolidayDate) -> date | None:
    try:
        return date(year, item.month, item.day)
    except ValueError:  # 02-29 in a common year
        return None


def public_source(cal: Calendar) -> str:
    where = f"{cal.country}-{cal.subdivision}" if cal.subdivision else str(cal.country)
    return f"public holidays ({where})"


DATES_SOURCE = "charter dates"


def closures(cal: Calendar, first: date, last: date) -> Closures:
    """Every closure of `cal` touching the local days first..last."""
    days: list[DayClosure] = []
    if cal.always:
        return Closures((), ())
    if cal.country:
        found = public_holidays(cal.country, cal.subdivision, first.year, last.year)
        source = public_source(cal)
        days += [DayClosure(d, n, source) for d, n in sorted(found.items()) if first <= d <= last]
    timed: list[TimedClosure] = []
    if cal.ical is not None:
        source = PurePath(cal.ical.path).name
        utc = ZoneInfo("UTC")
        for event in cal.ical.events:
            try:
                occurrences = event.occurrences(first, last)
            except IcalError as exc:  # found only over this span (too many occurrences)
                raise InputError(
                    f"calendar {cal.name!r}: {exc.message}",
                    path=cal.ical.path,
                    line=exc.line,
                ) from None
            for start, end in occurrences:
                if not isinstance(start, datetime) or not isinstance(end, datetime):
                    day = start if not isinstance(start, datetime) else start.date()
                    stop = end if not isinstance(end, datetime) else end.date()
                    while day < stop:
                        if first <= day <= last:
                            days.append(DayClosure(day, event.name, source))
                        day += timedelta(days=1)
                    continue
                zone = zone_of(start, cal.timezone)
                begin = start if start.tzinfo else start.replace(tzinfo=zone)
                finish = end if end.tzinfo else end.replace(tzinfo=zone)
                lo, hi = (
                    int(begin.astimezone(utc).timestamp()),
                    int(finish.astimezone(utc).timestamp()),
                )
                if hi > lo:
                    timed.append(TimedClosure(lo, hi, begin, finish, event.name, source))
    named: dict[date, str] = {d.day: d.name for d in days}
    for item in cal.dates:
        years = [item.year] if item.year is not None else range(first.year, last.year + 1)
        for year in years:
            given = _safe_date(year, item)
            if given is None or not first <= given <= last:
                continue
            name = item.name or named.get(given) or "Closed"
            days.append(DayClosure(given, name, DATES_SOURCE, item.intervals))
    return Closures(tuple(days), tuple(sorted(timed, key=lambda t: (t.start, t.end))))
