"""Parsers for the small languages inside a charter: durations, hours, days, targets, dates."""

from __future__ import annotations

import calendar as _cal
import re
from dataclasses import dataclass

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

_UNITS = {
    "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1,
    "m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60,
    "h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600,
}  # fmt: skip
# the grammar of a duration as the JSON Schema states it for editors (scripts/make_schema.py);
# parse_duration below reads the same language
DURATION_UNIT = "(?:s|sec|secs|seconds?|m|min|mins|minutes?|h|hrs?|hours?)"
DURATION_PATTERN = (
    f"^\\s*(?:(?:[0-9]+(?:\\.[0-9]+)?\\s*{DURATION_UNIT}\\s*)+"
    "|PT(?:[0-9]+(?:\\.[0-9]+)?H)?(?:[0-9]+(?:\\.[0-9]+)?M)?(?:[0-9]+(?:\\.[0-9]+)?S)?"
    "|[0-9]+\\s+(?:working|business)\\s+days?)\\s*$"
)
_PART = re.compile(r"([0-9]+(?:\.[0-9]+)?)\s*([a-z]+)\s*")
_ISO = re.compile(r"^PT(?:([0-9.]+)H)?(?:([0-9.]+)M)?(?:([0-9.]+)S)?$")
_WORKING = re.compile(r"^([0-9]+)\s+(?:working|business)\s+days?$")
_INTERVAL = re.compile(r"^([0-9]{2}):([0-9]{2})\s*-\s*([0-9]{2}):([0-9]{2})$")
_TARGET = re.compile(r"^\s*(-?[0-9]+(?:\.[0-9]+)?)\s*%\s*$")
_DATE = re.compile(r"^(?:([0-9]{4})-)?([0-9]{2})-([0-9]{2})$")


class ValueError_(ValueError):
    """A value inside a charter that does not parse; the message says how to write it."""


@dataclass(frozen=True, order=True)
class Duration:
    """Business seconds, or a number of working days (never both)."""

    seconds: int = 0
    working_days: int = 0

    @property
    def is_working_days(self) -> bool:
        return self.working_days > 0

    def approx_seconds(self, day_seconds: int) -> int:
        """Seconds, counting a working day as `day_seconds` (for comparing durations only)."""
        return self.working_days * day_seconds if self.is_working_days else self.seconds

    def __str__(self) -> str:
        if self.is_working_days:
            n = self.working_days
            return f"{n} working day" + ("" if n == 1 else "s")
        return format_seconds(self.seconds)


def working_day_seconds(weekly_open: int, open_days: int) -> int:
    """How long a working day counts when durations are compared (never when they are measured:
    the clock runs to the close of the N-th business day): the calendar's weekly opening hours
    over its open days, so 8 h for Monday–Friday 08–16 and for Monday–Saturday 08–16 alike; a full
    day on `24/7`. The one definition for the validator's rules and `charter diff`."""
    return max(weekly_open // open_days, 1) if open_days else 86400


def format_seconds(seconds: int) -> str:
    """`5400` → `1h30m`; `0` → `0s`."""
    if seconds == 0:
        return "0s"
    sign = "-" if seconds < 0 else ""
    s = abs(seconds)
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    parts = [f"{h}h" if h else "", f"{m}m" if m else "", f"{sec}s" if sec else ""]
    return sign + "".join(parts)


# The longest duration a charter may state: the audit lays a calendar out over the span it
# measures, so 99999999999h would ask for gigabytes. Ten years of wall time, or 2,600 working
# days (ten years of five-day weeks), is longer than any promise made to a customer.
MAX_SECONDS = 10 * 365 * 86400
MAX_WORKING_DAYS = 2600
_LONGEST = f"the longest duration charter audits is {MAX_SECONDS // 3600:,}h (10 years)"


def _shown(raw: str) -> str:
    return repr(raw) if len(raw) <= 40 else f"{raw[:40]!r}…"


def _bounded(raw: str, seconds: float) -> Duration:
    if not seconds <= MAX_SECONDS:  # also NaN and infinity
        raise ValueError_(f"{_shown(raw)} is too long: {_LONGEST}")
    return Duration(seconds=round(seconds))


def parse_duration(text: str) -> Duration:
    """Parse `90s`, `30m`, `4h`, `1h30m`, `1.5h`, `PT4H` or `N working days`; at most
    `MAX_SECONDS`, or `MAX_WORKING_DAYS` working days."""
    raw = str(text).strip()
    low = raw.lower()
    if re.search(r"(?<![0-9.])[0-9]{16}", low):  # before int(): 5,000 digits are no number
        raise ValueError_(f"{_shown(raw)} is too long: {_LONGEST}")
    working = _WORKING.match(low)
    if working:
        n = int(working.group(1))
        if n < 1:
            raise ValueError_(f"{raw!r}: a number of working days must be at least 1")
        if n > MAX_WORKING_DAYS:
            raise ValueError_(
                f"{raw!r} is too long: the most charter audits is {MAX_WORKING_DAYS:,} working "
                "days (10 years)"
            )
        return Duration(working_days=n)
    iso = _ISO.match(raw.upper()) if raw.upper().startswith("PT") else None
    if iso and any(iso.groups()):
        try:
            h, m, s = (float(g) if g else 0.0 for g in iso.groups())
        except ValueError:  # `PT1.2.3H`
            raise ValueError_(f"{raw!r} is not an ISO 8601 duration like PT4H30M") from None
        return _bounded(raw, h * 3600 + m * 60 + s)
    pos = 0
    total = 0.0
    found = False
    while pos < len(low):
        part = _PART.match(low, pos)
        if not part or part.group(2) not in _UNITS:
            break
        total += float(part.group(1)) * _UNITS[part.group(2)]
        pos = part.end()
        found = True
    if found and pos == len(low):
        return _bounded(raw, total)
    raise ValueError_(
        f"{raw!r} is not a duration: write e.g. `30m`, `4h`, `1h30m`, `PT4H` or `2 working days`"
    )


def parse_target(value: object) -> float:
    """`95%` or `0.95` → 0.95 (not range-checked: that is a rule's job)."""
    if isinstance(value, bool):
        raise ValueError_(f"{value!r} is not a target")
    if isinstance(value, int | float):
        return float(value)
    match = _TARGET.match(str(value))
    if not match:
        raise ValueError_(f"{value!r} is not a target: write `95%` or `0.95`")
    return float(match.group(1)) / 100.0


def parse_time(hh: str, mm: str) -> int:
    """Minutes after midnight; 24:00 is 1440. Raises on 24:30 or 08:61."""
    h, m = int(hh), int(mm)
    if m > 59 or h > 24 or (h == 24 and m != 0):
        raise ValueError_(f"{hh}:{mm} is not a time of day (00:00 to 24:00)")
    return h * 60 + m


@dataclass(frozen=True)
class Interval:
    """Local opening interval in minutes after midnight; `end` may exceed 1440 (past midnight)."""

    start: int
    end: int
    text: str
    raw_end: int  # the end as written, in minutes (for the 23:59 and empty checks)


def parse_intervals(text: str | list[str]) -> list[Interval]:
    """`"08:00-11:30, 12:00-16:00"` → intervals; `closed` → none.

    An interval that ends before it starts runs past midnight."""
    items = text if isinstance(text, list) else [text]
    out: list[Interval] = []
    for item in items:
        for piece in str(item).split(","):
            chunk = piece.strip()
            if not chunk or chunk.lower() == "closed":
                continue
            match = _INTERVAL.match(chunk)
            if not match:
                raise ValueError_(f"{chunk!r} is not an interval like 08:00-16:00")
            start = parse_time(match.group(1), match.group(2))
            end = parse_time(match.group(3), match.group(4))
            if start == 1440:
                raise ValueError_(f"{chunk!r}: an interval cannot start at 24:00")
            real_end = end if end > start else end + 1440
            if end == start:
                real_end = start  # empty: reported by a rule, never opened
            out.append(Interval(start, real_end, chunk, end))
    return out


def parse_day_key(key: str) -> list[int]:
    """`mon-fri` → [0..4]; `fri-mon` wraps → [4, 5, 6, 0]; `sat` → [5]."""
    parts = key.split("-")
    if not 1 <= len(parts) <= 2 or any(p not in DAYS for p in parts):
        raise ValueError_(f"{key!r} is not a weekday or range like mon-fri")
    first = DAYS.index(parts[0])
    last = DAYS.index(parts[-1])
    span = (last - first) % 7
    return [(first + i) % 7 for i in range(span + 1)]


def parse_holiday_date(text: str) -> tuple[int | None, int, int]:
    """`2026-12-24` → (2026, 12, 24); `12-31` → (None, 12, 31); checks the day exists."""
    match = _DATE.match(str(text).strip())
    if not match:
        raise ValueError_(f"{text!r} is not a date: write 2026-12-24, or 12-24 for every year")
    year = int(match.group(1)) if match.group(1) else None
    month, day = int(match.group(2)), int(match.group(3))
    leap_year = year if year is not None else 2024  # MM-DD: 02-29 exists in leap years
    if not 1 <= month <= 12 or not 1 <= day <= _cal.monthrange(leap_year, month)[1]:
        raise ValueError_(f"{text!r} is not a date that exists")
    return year, month, day
