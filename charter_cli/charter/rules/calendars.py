"""Rules on calendars: opening hours, zones, holidays, and calendars that are never open."""

from __future__ import annotations

import calendar as _cal
import difflib
import itertools
import zoneinfo
from functools import cache
from pathlib import Path
from typing import Any

from charter_cli.charter.findings import Severity
from charter_cli.charter.ical import IcalError, read_ical
from charter_cli.charter.load import PathKey
from charter_cli.charter.model import (
    TICKET_ZONE,
    Calendar,
    Charter,
)
from charter_cli.charter.rules.base import (
    ModelYield,
    Yield,
    _calendars,
    _suggest,
    _weekly,
    file_rule,
    model_rule,
    rule,
)
from charter_cli.charter.values import (
    DAYS,
    ValueError_,
    parse_holiday_date,
    parse_intervals,
)


@rule("bad-time")
def bad_time(data: dict[str, Any]) -> Yield:
    """Hours must be real times of day (`00:00` to `24:00`), and no interval starts at `24:00`."""
    for path, spec in _calendars(data):
        for sub, _key, _days, text in _weekly(spec):
            try:
                parse_intervals(text)
            except ValueError_ as exc:
                yield (*path, *sub), str(exc)
        for i, item in enumerate((spec.get("holidays") or {}).get("dates") or []):
            if isinstance(item, dict) and item.get("hours"):
                try:
                    parse_intervals(item["hours"])
                except ValueError_ as exc:
                    yield (*path, "holidays", "dates", i, "hours"), str(exc)


@rule("empty-interval")
def empty_interval(data: dict[str, Any]) -> Yield:
    """An interval that starts when it ends (`08:00-08:00`) opens nothing; write `00:00-24:00`
    for a whole day."""
    for path, spec in _calendars(data):
        for sub, _key, _days, text in _weekly(spec):
            try:
                intervals = parse_intervals(text)
            except ValueError_:
                continue
            for iv in intervals:
                if iv.start == iv.end:
                    yield (
                        (*path, *sub),
                        f"interval {iv.text!r} is empty; for a whole day write 00:00-24:00",
                    )


@rule("end-2359", Severity.WARNING)
def end_2359(data: dict[str, Any]) -> Yield:
    """An interval ending at `23:59` loses a minute every night; `24:00` is the end of the day."""
    for path, spec in _calendars(data):
        for sub, _key, _days, text in _weekly(spec):
            try:
                intervals = parse_intervals(text)
            except ValueError_:
                continue
            for iv in intervals:
                if iv.raw_end == 23 * 60 + 59:
                    yield (
                        (*path, *sub),
                        (f"{iv.text!r} ends at 23:59 and loses a minute every night; write 24:00"),
                    )


@rule("day-repeated")
def day_repeated(data: dict[str, Any]) -> Yield:
    """Each weekday's hours are given once: `mon-fri` and `fri` together define Friday twice."""
    for path, spec in _calendars(data):
        seen: dict[int, str] = {}
        for sub, key, days, _text in _weekly(spec):
            for day in days:
                if day in seen:
                    yield (
                        (*path, *sub),
                        (f"{DAYS[day]} is already given by {seen[day]!r}; give each day once"),
                    )
                    break
            for day in days:
                seen.setdefault(day, key)


@rule("overlapping-hours")
def overlapping_hours(data: dict[str, Any]) -> Yield:
    """Intervals must not overlap, on the same day or where an overnight interval runs into the
    next day's hours (`mon: 20:00-02:00` with `tue: 01:00-…`)."""
    week = 7 * 1440
    for path, spec in _calendars(data):
        spans: list[tuple[int, int, PathKey, str]] = []
        given: set[int] = set()  # a day given twice is day-repeated's finding, not an overlap
        for sub, _key, days, text in _weekly(spec):
            try:
                intervals = parse_intervals(text)
            except ValueError_:
                continue
            for day in [d for d in days if d not in given]:
                given.add(day)
                for iv in intervals:
                    if iv.start == iv.end:
                        continue
                    start, end = day * 1440 + iv.start, day * 1440 + iv.end
                    label = f"{DAYS[day]} {iv.text}"
                    if end > week:
                        spans.append((start, week, (*path, *sub), label))
                        spans.append((0, end - week, (*path, *sub), label))
                    else:
                        spans.append((start, end, (*path, *sub), label))
        spans.sort()
        reported: set[tuple[str, str]] = set()
        for (_s1, e1, _p1, l1), (s2, _e2, p2, l2) in itertools.pairwise(spans):
            if s2 < e1 and (l1, l2) not in reported:
                reported.add((l1, l2))
                yield p2, f"{l2} overlaps {l1}"


@cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def is_zone(zone: str) -> bool:
    """Whether `zone` is an IANA zone name this machine's zone database knows."""
    return zone in _zones()


def countries_with_holidays() -> list[str]:
    """The country codes the `holidays` library knows, sorted."""
    return sorted(_holiday_countries())


def zone_hint(zone: str) -> str:
    """` (did you mean 'Europe/Oslo'?)` for a mistyped zone, or nothing."""
    hint = difflib.get_close_matches(zone, sorted(_zones()), n=1)
    return f" (did you mean {hint[0]!r}?)" if hint else ""


@rule("invalid-timezone")
def invalid_timezone(data: dict[str, Any]) -> Yield:
    """`timezone` (of the charter or of a calendar) must be an IANA zone such as `Europe/Oslo`
    (a calendar's may be `ticket`: read in each ticket's zone), and so must a calendar's
    `default_timezone`."""
    zones = _zones()
    candidates: list[tuple[PathKey, str]] = [(("timezone",), data["timezone"])]
    candidates += [
        ((*p, "timezone"), s["timezone"])
        for p, s in _calendars(data)
        if "timezone" in s and s["timezone"] != TICKET_ZONE
    ]
    candidates += [
        ((*p, "default_timezone"), s["default_timezone"])
        for p, s in _calendars(data)
        if "default_timezone" in s
    ]
    for path, zone in candidates:
        if zone not in zones:
            # a calendar's own zone may also be `ticket`
            own = len(path) == 3 and path[-1] == "timezone"
            ticket = own and str(zone).strip().casefold() in ("ticket", "tickets")
            hint = f" (did you mean {TICKET_ZONE!r}?)" if ticket else zone_hint(zone)
            yield path, f"{zone!r} is not an IANA time zone{hint}"


@rule("default-timezone-unused")
def default_timezone_unused(data: dict[str, Any]) -> Yield:
    """`default_timezone` is the zone of tickets without one on a `timezone: ticket` calendar;
    on any other calendar it would be ignored, so it is refused there."""
    for path, spec in _calendars(data):
        if "default_timezone" in spec and spec.get("timezone") != TICKET_ZONE:
            yield (
                (*path, "default_timezone"),
                "`default_timezone` is only read with `timezone: ticket`; "
                "write the calendar's zone as `timezone`",
            )


@file_rule("ical-file")
def ical_file(data: dict[str, Any], folder: Path) -> Yield:
    """`holidays.ical` names an iCalendar file (relative to the charter) that exists and can be
    read: well-formed content lines, every BEGIN ended, dates and zones that parse, recurrences
    that can be expanded exactly."""
    for path, spec in _calendars(data):
        written = (spec.get("holidays") or {}).get("ical")
        if not written:
            continue
        try:
            read_ical(folder / str(written), str(written))
        except IcalError as exc:
            where = f"{written}:{exc.line}" if exc.line else str(written)
            looked = (
                f" (looked for {folder / str(written)}, beside the charter)"
                if exc.message == "no such file"
                else ""
            )
            yield (*path, "holidays", "ical"), f"{where}: {exc.message}{looked}"


@cache
def _holiday_countries() -> dict[str, list[str]]:
    import holidays

    supported: dict[str, list[str]] = holidays.list_supported_countries()
    return supported


@cache
def _subdivisions(country: str) -> tuple[str, ...] | None:
    """The subdivisions of a country the `holidays` library knows, or None for an unknown one."""
    import holidays

    try:
        return tuple(holidays.country_holidays(country).subdivisions)
    except NotImplementedError:
        return None


@rule("unknown-holiday-country")
def unknown_holiday_country(data: dict[str, Any]) -> Yield:
    """`holidays.country` must be a country the `holidays` library knows, and `subdivision` one of
    its subdivisions (`DE` + `BY`)."""
    for path, spec in _calendars(data):
        hol = spec.get("holidays") or {}
        country, sub = hol.get("country"), hol.get("subdivision")
        if country is None:
            if sub is not None:
                yield (*path, "holidays", "subdivision"), "a subdivision needs a `country`"
            continue
        subdivisions = _subdivisions(str(country))
        if subdivisions is not None and (sub is None or str(sub) in subdivisions):
            continue  # the common case, answered without listing every country
        countries = _holiday_countries()
        if country not in countries:
            yield (
                (*path, "holidays", "country"),
                f"no public holidays are known for country {country!r}"
                + _suggest(country, sorted(countries)),
            )
            continue
        if sub is not None and str(sub) not in countries[country]:
            subs = countries[country]
            listing = ", ".join(subs[:20]) + (" …" if len(subs) > 20 else "")
            yield (
                (*path, "holidays", "subdivision"),
                (
                    f"{sub!r} is not a subdivision of {country}"
                    + (f"; known: {listing}" if subs else f"; {country} has none")
                ),
            )


@rule("bad-date")
def bad_date(data: dict[str, Any]) -> Yield:
    """Holiday dates must exist: `2026-12-24` or `12-24` (every year); `02-30` does not."""
    for path, spec in _calendars(data):
        for i, item in enumerate((spec.get("holidays") or {}).get("dates") or []):
            text = item["date"] if isinstance(item, dict) else item
            try:
                parse_holiday_date(text)
            except ValueError_ as exc:
                yield (*path, "holidays", "dates", i), str(exc)


@model_rule("zero-hours")
def zero_hours(charter: Charter) -> ModelYield:
    """A promise (or escalation rule) runs on a calendar with no open hours in the week, or one
    whose yearly holidays (`MM-DD`, closed) take every day of the year: its clock would never
    run."""
    for index, promise in enumerate(charter.promises):
        for name in charter.calendars_of(promise):
            calendar = charter.calendar(name)
            if calendar.weekly_open_seconds() == 0:
                yield (
                    index,
                    (),
                    f"calendar {name!r} has no open hours in the week; this clock never runs",
                )
            elif _closed_every_day(calendar):
                yield (
                    index,
                    (),
                    f"calendar {name!r} is closed on every day of the year by its holidays; this "
                    "clock never runs",
                )


def _closed_every_day(calendar: Calendar) -> bool:
    """Whether the yearly closed dates (`MM-DD` without hours of their own) cover every day of
    a common year: whichever weekdays are open, each such day is then a holiday."""
    closed = {(d.month, d.day) for d in calendar.dates if d.year is None and not d.intervals}
    if len(closed) < 365:
        return False
    common_year = ((m, d) for m in range(1, 13) for d in range(1, _cal.monthrange(2025, m)[1] + 1))
    return closed.issuperset(common_year)
