"""Closures read from an iCalendar file (`holidays: {ical: closures.ics}`), through `icalendar`.

An all-day event closes whole local days (DTEND exclusive); a timed event closes the hours it
spans: in its own zone (a TZID, with the file's VTIMEZONE blocks, or UTC), or in the calendar's
zone when its times are floating. Recurring events (RRULE, RDATE, EXDATE, and instances moved
with RECURRENCE-ID) are expanded over the span asked for; what cannot be expanded exactly
(`RANGE=THISANDFUTURE`, EXRULE, RDATE periods) is refused with the line it is written on.
Cancelled events (STATUS:CANCELLED) close nothing.

The file is read once per (path, size, modification time); errors are `IcalError`s that carry the
line of the file they are on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

MAX_ICAL_BYTES = 16 << 20  # 16 MiB: a year of a busy shared calendar is a few hundred kilobytes
MAX_OCCURRENCES = 100_000  # occurrences of one recurring event over the audited span
_CONTENT_LINE = re.compile(r"^[A-Za-z0-9-]+(?:;[^:]*)?:")


class IcalError(ValueError):
    """An iCalendar file that cannot be used; `line` is the line of the file at fault, if known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True)
class IcalEvent:
    """One VEVENT as written: a single closure, or the first of a series."""

    name: str
    line: int
    start: date | datetime  # a date (all day), an aware datetime, or a naive one (floating)
    end: date | datetime  # exclusive
    rules: tuple[str, ...] = ()  # RRULE texts
    rdates: tuple[date | datetime, ...] = ()
    exdates: tuple[date | datetime, ...] = ()
    moved: tuple[date | datetime, ...] = ()  # occurrences replaced by a RECURRENCE-ID event
    rule_line: int = 0  # the line of its RRULE, for messages

    @property
    def all_day(self) -> bool:
        return not isinstance(self.start, datetime)

    def occurrences(self, first: date, last: date) -> list[tuple[date | datetime, date | datetime]]:
        """(start, end) of every occurrence that may touch the local days first..last (a day of
        margin each side: a timed event's zone may differ from the calendar's)."""
        length = _difference(self.start, self.end)
        lo = datetime.combine(first - timedelta(days=2), datetime.min.time()) - length
        hi = datetime.combine(last + timedelta(days=2), datetime.min.time())
        if not self.rules and not self.rdates:
            starts: list[date | datetime] = [self.start]
        else:
            starts = self._expand(lo, hi)
        out = []
        for s in starts:
            plain = s if isinstance(s, datetime) else datetime.combine(s, datetime.min.time())
            if _naive(plain) < lo or _naive(plain) > hi:
                continue
            out.append((s, _add(s, length)))
        return out

    def _expand(self, lo: datetime, hi: datetime) -> list[date | datetime]:
        from dateutil.rrule import (  # type: ignore[import-untyped]  # icalendar's own dependency
            rruleset,
            rrulestr,
        )

        anchor = self.start
        dtstart = anchor if isinstance(anchor, datetime) else _midnight(anchor)
        rules = rruleset()
        try:
            for text in self.rules:
                rules.rrule(rrulestr(text, dtstart=dtstart, forceset=False))
        except (ValueError, TypeError) as exc:
            raise IcalError(
                f"the recurrence of {self.name!r} cannot be expanded: {exc}",
                self.rule_line or self.line,
            ) from None
        rules.rdate(dtstart)  # the first occurrence, whether or not a rule yields it
        for extra in self.rdates:
            rules.rdate(extra if isinstance(extra, datetime) else _midnight(extra))
        tz = dtstart.tzinfo
        window_lo = lo.replace(tzinfo=tz) if tz else lo
        window_hi = hi.replace(tzinfo=tz) if tz else hi
        found = []
        try:
            for occurrence in rules.xafter(window_lo, count=MAX_OCCURRENCES + 1, inc=True):
                if occurrence > window_hi:
                    break
                found.append(occurrence)
        except (ValueError, TypeError) as exc:
            raise IcalError(
                f"the recurrence of {self.name!r} cannot be expanded: {exc}",
                self.rule_line or self.line,
            ) from None
        if len(found) > MAX_OCCURRENCES:
            raise IcalError(
                f"{self.name!r} recurs {len(found):,} times over the audited span; "
                f"at most {MAX_OCCURRENCES:,} are read",
                self.rule_line or self.line,
            )
        dropped = {_key(d) for d in (*self.exdates, *self.moved)}
        starts: list[date | datetime] = []
        for occurrence in found:
            value: date | datetime = occurrence if self.all_day is False else occurrence.date()
            if _key(value) in dropped or (
                isinstance(value, datetime) and _key(value.date()) in dropped and self._by_date()
            ):
                continue
            starts.append(value)
        return starts

    def _by_date(self) -> bool:
        """Whether EXDATEs of a timed series were written as dates (some exporters do)."""
        return any(not isinstance(d, datetime) for d in self.exdates)


@dataclass(frozen=True)
class IcalClosures:
    """The closures of one iCalendar file."""

    path: str  # as the charter writes it
    events: tuple[IcalEvent, ...]


def _midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time())


def _naive(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def _key(value: date | datetime) -> object:
    """A comparable key: aware instants in UTC, naive ones and dates as written."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return ("utc", value.astimezone(ZoneInfo("UTC")).replace(tzinfo=None))
    return (type(value).__name__, value)


def _difference(start: date | datetime, end: date | datetime) -> timedelta:
    if isinstance(start, datetime) and isinstance(end, datetime):
        if (start.tzinfo is None) != (end.tzinfo is None):
            return _naive(end) - _naive(start)
        return end - start if start.tzinfo is None else _naive(end) - _naive(start)
    return _as_date(end) - _as_date(start)


def _add(start: date | datetime, length: timedelta) -> date | datetime:
    if isinstance(start, datetime) and start.tzinfo is not None:
        # an exact duration: added to the instant, not to the wall clock
        return (start.astimezone(ZoneInfo("UTC")) + length).astimezone(start.tzinfo)
    return start + length


def _as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def _physical_lines(text: str) -> tuple[list[str], list[int]]:
    """Unfolded content lines and the physical line each starts on (1-based)."""
    logical: list[str] = []
    starts: list[int] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if raw[:1] in (" ", "\t") and logical:
            logical[-1] += raw[1:]
        elif raw.strip():
            logical.append(raw)
            starts.append(number)
    return logical, starts


@dataclass
class _Scan:
    """Where each VEVENT and each of its properties is written (document order)."""

    events: list[dict[str, int]]


def _scan(text: str) -> _Scan:
    """Check the file's structure line by line (content lines, BEGIN/END nesting) and note the
    line of each VEVENT's properties, for messages."""
    logical, starts = _physical_lines(text)
    if not logical:
        raise IcalError("the file is empty: an iCalendar file starts with BEGIN:VCALENDAR", 1)
    if logical[0].strip().upper() != "BEGIN:VCALENDAR":
        raise IcalError("not an iCalendar file: it does not start with BEGIN:VCALENDAR", starts[0])
    stack: list[tuple[str, int]] = []
    events: list[dict[str, int]] = []
    for content, line in zip(logical, starts, strict=True):
        if not _CONTENT_LINE.match(content):
            shown = content if len(content) <= 40 else content[:40] + "…"
            raise IcalError(f"{shown!r} is not an iCalendar content line (NAME:value)", line)
        name = content.split(":", 1)[0].split(";", 1)[0].upper()
        value = content.split(":", 1)[1].strip().upper()
        if name == "BEGIN":
            stack.append((value, line))
            if value == "VEVENT":
                events.append({"BEGIN": line})
        elif name == "END":
            if not stack or stack[-1][0] != value:
                opened = f" (BEGIN:{stack[-1][0]} on line {stack[-1][1]} is open)" if stack else ""
                raise IcalError(f"END:{value} without its BEGIN{opened}", line)
            stack.pop()
        elif stack and stack[-1][0] == "VEVENT":
            events[-1].setdefault(name, line)
    if stack:
        kind, line = stack[-1]
        raise IcalError(f"BEGIN:{kind} is never ended (no END:{kind})", line)
    return _Scan(events)


def _decoded(event: Any, name: str, where: dict[str, int], title: str) -> Any:
    """A date or date-time property, checked: a value that does not parse, or a TZID no
    VTIMEZONE and no zone database knows, is an error at its line."""
    prop = event.get(name)
    if prop is None:
        return None
    line = where.get(name, where["BEGIN"])
    value = getattr(prop, "dt", None)
    if not isinstance(value, date):
        raise IcalError(f"{name} of {title!r} is not a date or date-time: {prop!s}", line)
    tzid = prop.params.get("TZID") if hasattr(prop, "params") else None
    if isinstance(value, datetime) and tzid and value.tzinfo is None:
        raise IcalError(
            f"{name} of {title!r} is in the zone {str(tzid)!r}, which neither the file's "
            "VTIMEZONE blocks nor the zone database know",
            line,
        )
    return value


def _dates(event: Any, name: str, where: dict[str, int], title: str) -> list[date | datetime]:
    props = event.get(name)
    if props is None:
        return []
    line = where.get(name, where["BEGIN"])
    out: list[date | datetime] = []
    for prop in props if isinstance(props, list) else [props]:
        if str(getattr(prop, "params", {}).get("VALUE", "")).upper() == "PERIOD":
            raise IcalError(f"{name} of {title!r} lists periods; only dates are read", line)
        for item in getattr(prop, "dts", []):
            value = item.dt
            if isinstance(value, tuple) or not isinstance(value, date):
                raise IcalError(f"{name} of {title!r} lists periods; only dates are read", line)
            out.append(value)
    return out


def _events(calendar: Any, scan: _Scan) -> tuple[IcalEvent, ...]:
    """The file's events, checked property by property, each with the line it begins on."""
    found = list(calendar.walk("VEVENT"))
    if len(found) != len(scan.events):  # pragma: no cover - both read the same BEGIN lines
        raise IcalError("the events could not be matched to their lines")
    moved: dict[str, list[date | datetime]] = {}
    kept: list[tuple[Any, dict[str, int], str]] = []
    for event, where in zip(found, scan.events, strict=True):
        title = str(event.get("SUMMARY") or "").strip() or "Closed"
        for prop_name, problem in getattr(event, "errors", []) or []:
            line = where.get(str(prop_name).upper(), where["BEGIN"])
            raise IcalError(f"{prop_name} of {title!r}: {problem}", line)
        if "EXRULE" in event:
            raise IcalError(
                f"{title!r} uses EXRULE (withdrawn from the standard); write EXDATEs",
                where.get("EXRULE", where["BEGIN"]),
            )
        recurrence = event.get("RECURRENCE-ID")
        if recurrence is not None:
            if str(recurrence.params.get("RANGE", "")).upper() == "THISANDFUTURE":
                raise IcalError(
                    f"{title!r} moves this and every later occurrence (RANGE=THISANDFUTURE), "
                    "which is not read; export the series again from the calendar",
                    where.get("RECURRENCE-ID", where["BEGIN"]),
                )
            uid = str(event.get("UID", ""))
            moved.setdefault(uid, []).append(recurrence.dt)
        if str(event.get("STATUS", "")).upper() == "CANCELLED":
            continue  # a cancelled occurrence (RECURRENCE-ID) still takes its place in the series
        kept.append((event, where, title))
    out: list[IcalEvent] = []
    for event, where, title in kept:
        start = _decoded(event, "DTSTART", where, title)
        if start is None:
            raise IcalError(f"the event {title!r} has no DTSTART", where["BEGIN"])
        end = _decoded(event, "DTEND", where, title)
        if end is None and "DURATION" in event:
            duration = event.decoded("DURATION")
            if not isinstance(duration, timedelta):
                raise IcalError(
                    f"DURATION of {title!r} is not a duration", where.get("DURATION", 0) or None
                )
            if not isinstance(start, datetime) and duration % timedelta(days=1):
                raise IcalError(
                    f"the all-day event {title!r} lasts {duration}, not whole days",
                    where.get("DURATION"),
                )
            end = _add(start, duration)
        if end is None:  # RFC 5545: a date lasts the day; a date-time, no time at all
            end = start + timedelta(days=1) if not isinstance(start, datetime) else start
        if isinstance(start, datetime) != isinstance(end, datetime):
            raise IcalError(
                f"{title!r} starts on a {'date-time' if isinstance(start, datetime) else 'date'}"
                f" but ends on a {'date-time' if isinstance(end, datetime) else 'date'}",
                where.get("DTEND", where["BEGIN"]),
            )
        if _difference(start, end) < timedelta(0):
            raise IcalError(f"{title!r} ends before it starts", where.get("DTEND", where["BEGIN"]))
        rules = event.get("RRULE")
        for rule in rules if isinstance(rules, list) else [rules] if rules else []:
            if str((rule.get("FREQ") or [""])[0]).upper() in ("SECONDLY", "MINUTELY"):
                raise IcalError(
                    f"{title!r} recurs every {str(rule['FREQ'][0]).lower()[:-2]}; closures that "
                    "recur more often than hourly are not read",
                    where.get("RRULE", where["BEGIN"]),
                )
        rule_texts = tuple(
            r.to_ical().decode()
            for r in (rules if isinstance(rules, list) else [rules] if rules else [])
        )
        uid = str(event.get("UID", ""))
        is_override = event.get("RECURRENCE-ID") is not None
        out.append(
            IcalEvent(
                name=title,
                line=where["BEGIN"],
                start=start,
                end=end,
                rules=rule_texts,
                rdates=tuple(_dates(event, "RDATE", where, title)),
                exdates=tuple(_dates(event, "EXDATE", where, title)),
                moved=() if is_override or not rule_texts else tuple(moved.get(uid, ())),
                rule_line=where.get("RRULE", where.get("RDATE", 0)),
            )
        )
    return tuple(out)


def parse_ical(text: str, path: str) -> IcalClosures:
    """The closures of an iCalendar text; `IcalError` with the line at fault otherwise."""
    import icalendar

    scan = _scan(text)
    try:
        calendar = icalendar.Calendar.from_ical(text)
    except ValueError as exc:
        raise IcalError(f"not a valid iCalendar file: {str(exc).splitlines()[0]}") from None
    events = _events(calendar, scan)
    for event in events:  # expand once over a short span: a rule that cannot be read says so now
        if event.rules:
            start = _as_date(event.start)
            event.occurrences(start, start + timedelta(days=400))
    return IcalClosures(path, events)


def read_ical(file: Path, shown: str) -> IcalClosures:
    """Read an iCalendar file (cached by path, size and modification time)."""
    try:
        stat = file.stat()
    except FileNotFoundError:
        raise IcalError("no such file") from None
    except OSError as exc:
        raise IcalError(f"cannot read: {exc.strerror or exc}") from None
    return _read_cached(str(file.resolve()), shown, stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=16)
def _read_cached(file: str, shown: str, size: int, mtime: int) -> IcalClosures:
    del size, mtime  # the key: a file changed on disk is read again
    path = Path(file)
    if path.is_dir():
        raise IcalError("is a directory, not an iCalendar file")
    if not path.is_file():  # a device or a pipe would be read forever
        raise IcalError("is not a regular file")
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_ICAL_BYTES + 1)
    except OSError as exc:
        raise IcalError(f"cannot read: {exc.strerror or exc}") from None
    if len(raw) > MAX_ICAL_BYTES:
        raise IcalError(f"the file is larger than {MAX_ICAL_BYTES >> 20} MiB")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise IcalError("invalid UTF-8; iCalendar files are UTF-8", line) from None
    return parse_ical(text, shown)


def zone_of(moment: datetime, fallback: str) -> tzinfo:
    """The zone a timed occurrence is read in: its own, or `fallback` when floating."""
    return moment.tzinfo if moment.tzinfo is not None else ZoneInfo(fallback)
