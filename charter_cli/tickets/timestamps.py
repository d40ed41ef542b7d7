"""Parse a column of export timestamps into UTC seconds, whole-column (no loop over values).

Formats are tried in order and the results coalesced, so one column may mix them. A value with an
offset (`Z`, `+0100`, `+01:00`) is absolute; one without is read in the source zone, a fall-back
hour taking the earlier instant and a spring-forward gap the transition.

Numeric dates (`us` and `dayfirst`: d/m/y or m/d/y, separators `/ - .`, a 2- or 4-digit year, an
optional time with seconds, 24-hour or AM/PM) are read in one order for a whole export file, which
the importer decides from the data (`decide_order`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

from charter_cli.clock import DAY, I64, NAT
from charter_cli.frames import TEXT, arrow_array
from charter_cli.zones import HOUR, localize, transitions

# name -> (regex a value must match, strftime patterns tried in order; None = pandas ISO8601)
_NAMED: dict[str, tuple[str, tuple[str | None, ...]]] = {
    "iso": (
        r"\d{4}-\d{2}-\d{2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)?"
        r"(?: ?(?:Z|UTC|[+-]\d{2}:?\d{2}))?",
        (None,),
    ),
    "epoch": (r"\d{9,11}(?:\.\d+)?", ()),
    "twitter": (
        r"[A-Za-z]{3} [A-Za-z]{3} \d{2} \d{2}:\d{2}:\d{2} [+-]\d{4} \d{4}",
        ("%a %b %d %H:%M:%S %z %Y",),
    ),
}  # fmt: skip
_OFFSET = r"(?:Z|[+-]\d{2}:?\d{2})$"
# instants a helpdesk can have recorded; anything else (year 1, year 9999, epoch 0) is a data
# error for that cell, and never stretches the calendar over centuries
EARLIEST = int(np.datetime64("1970-01-02T00:00:00", "s").astype(np.int64))
LATEST = int(np.datetime64("2200-01-01T00:00:00", "s").astype(np.int64))
# a date without a time: ISO, numeric day-first or US (2- or 4-digit year), or with a month name
# (Jira's `20/Aug/25`)
_DATE_ONLY = (
    r"^(?:\d{4}-\d{2}-\d{2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2}(?:\d{2})?"
    r"|\d{1,2}[-/. ][A-Za-z]{3}[-/. ]\d{2,4})$"
)
DAYFIRST, MONTHFIRST = "dayfirst", "monthfirst"
ORDERS = (DAYFIRST, MONTHFIRST)
# the named formats that are numeric dates, and the order each reads them in on its own
NUMERIC_FORMATS = {"dayfirst": DAYFIRST, "us": MONTHFIRST}
_NUMERIC = (
    r"^(?P<a>[0-9]{1,2})(?P<s1>[-/.])(?P<b>[0-9]{1,2})(?P<s2>[-/.])(?P<y>[0-9]{4}|[0-9]{2})"
    r"(?:[ T]+(?P<h>[0-9]{1,2}):(?P<mi>[0-9]{2})(?::(?P<se>[0-9]{2}))?"
    r"(?: ?(?P<ap>[AaPp])\.?[Mm]\.?)?)?$"
)


@dataclass(frozen=True)
class Parsed:
    seconds: I64  # UTC seconds, NAT where missing or unparseable
    bad: np.ndarray  # bool: a value was there but is not a timestamp
    date_only: np.ndarray  # bool: the value had no time of day


def parse_timestamps(
    values: pd.Series,
    formats: tuple[str, ...],
    timezone: str,
    *,
    dates: bool = False,
    order: str | None = None,
    numeric: NumericDates | None = None,
) -> Parsed:
    """Parse a string column; `formats` are named formats (`iso`, `epoch`, `us`, `dayfirst`,
    `twitter`) or strftime patterns. With `dates`, also say which values were a date without a
    time (due dates: the end of that day).

    `order` (`dayfirst` or `monthfirst`) reads every numeric date (`us` and `dayfirst` alike) in
    that one order; without it each of the two reads its own. `numeric` is the column's
    `scan_numeric`, when the caller has it already."""
    if values.dtype.kind == "M":  # read as ISO times already (sniff's TIMESTAMP, TIMESTAMP_UTC)
        no = np.zeros(len(values), dtype=bool)
        if getattr(values.dtype, "tz", None) is not None:  # instants with their offset: UTC
            out = np.array(pd.DatetimeIndex(values).as_unit("s").asi8, dtype=np.int64)
            implausible = (out != NAT) & ((out < EARLIEST) | (out >= LATEST))
            out[implausible] = NAT
            return Parsed(out, implausible, no)
        local = values.to_numpy().astype("datetime64[s]", copy=False)
        out, implausible = _from_local(local, timezone)
        return Parsed(out, implausible, no)
    fast = None if not formats or formats[0] != "iso" else _naive_iso(values, timezone, dates)
    if fast is not None:
        return fast
    text = values.astype(TEXT).str.strip()
    present = text.notna().to_numpy()
    out = np.full(len(text), NAT, dtype=np.int64)
    todo = present.copy()
    numeric_read = False
    for fmt in formats:
        if not todo.any():
            break
        if fmt in NUMERIC_FORMATS:
            if numeric_read:
                continue
            numeric_read = order is not None  # one order reads them all
            found = numeric if numeric is not None else scan_numeric(text)
            if found is not None:
                seconds = found.seconds(order or NUMERIC_FORMATS[fmt], timezone)
                got = todo & (seconds != NAT)
                out[got] = seconds[got]
                todo &= ~got
            continue
        if fmt in _NAMED and numeric is not None and not (todo & ~numeric.matched).any():
            # every value left is shaped as a numeric date, which no named format reads: the
            # test of each value against the format is skipped (0.2 s a column of a million)
            continue
        sub = text if todo.all() else text[todo]  # no copy of a million strings when all are left
        seconds = _parse_one(sub, fmt, timezone)
        got = seconds != NAT
        idx = np.flatnonzero(todo)[got]
        out[idx] = seconds[got]
        todo[idx] = False
    implausible = (out != NAT) & ((out < EARLIEST) | (out >= LATEST))
    if implausible.any():
        out[implausible] = NAT
        todo |= implausible
    date_only = np.zeros(len(text), dtype=bool)
    if dates:
        date_only = present & text.str.fullmatch(_DATE_ONLY).fillna(False).to_numpy(dtype=bool)
    return Parsed(out, todo, date_only)


@dataclass(frozen=True)
class NumericDates:
    """The numeric dates of a column (`29/02/2016`, `12/25/2013 11:59:08 PM`, `1.3.26 9:05`),
    split into their parts once so that either order can be tried whole-column."""

    matched: np.ndarray  # bool: shaped like a numeric date
    first: I64  # the two leading numbers: day and month in some order
    second: I64
    year: I64
    clock: I64  # seconds into the day; -1 for a time that is not one (25:00, 13:00 PM)
    _read: dict[str, tuple[I64, np.ndarray]] = field(default_factory=dict, repr=False)

    def valid(self, order: str) -> np.ndarray:
        """Which values are real dates and times when read in `order`."""
        return self._days(order)[1]

    def failures(self, order: str) -> int:
        """How many numeric-looking values are not a date in `order`."""
        return int((self.matched & ~self.valid(order)).sum())

    def seconds(self, order: str, timezone: str) -> I64:
        """UTC seconds of the values read in `order` in `timezone`; NAT for the rest (and
        EARLIEST - 1 for dates outside the years a helpdesk can have recorded)."""
        start, ok = self._days(order)
        local = np.full(ok.size, NAT, dtype=np.int64)
        local[ok] = start[ok] + self.clock[ok]
        return _localized(local.view("datetime64[s]"), timezone)

    def _days(self, order: str) -> tuple[I64, np.ndarray]:
        """Each value's local day start (seconds) and whether it is a date, read in `order`;
        worked out once per order."""
        if order not in self._read:
            self._read[order] = self._read_in(order)
        return self._read[order]

    def _read_in(self, order: str) -> tuple[I64, np.ndarray]:
        day, month = (self.first, self.second) if order == DAYFIRST else (self.second, self.first)
        month_ok = (month >= 1) & (month <= 12)
        months = (self.year - 1970) * 12 + np.where(month_ok, month, 1) - 1
        # each month's first day from a table of the months present: numpy's month-to-day cast
        # of every value took 0.1 s a column of a million (0.01 s so)
        low = int(months.min()) if months.size else 0
        table = np.arange(low, int(months.max()) + 2 if months.size else 1)
        firsts = table.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
        first_day = firsts[months - low]
        length = firsts[months - low + 1] - first_day
        ok = self.matched & month_ok & (day >= 1) & (day <= length) & (self.clock >= 0)
        start = (first_day + np.maximum(day, 1) - 1) * DAY
        return start, ok


def scan_numeric(values: pd.Series) -> NumericDates | None:
    """The numeric dates of a column, or None when it has none (an ISO or parsed column costs one
    anchored test of its first characters)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if values.dtype.kind == "M":
        return None
    array = arrow_array(values)
    if not pa.types.is_string(array.type) and not pa.types.is_large_string(array.type):  # type: ignore[attr-defined]
        array = pc.cast(array, pa.large_string())
    array = pc.utf8_trim_whitespace(array)
    if not pc.any(pc.match_substring_regex(array, r"^[0-9]{1,2}[-/.]")).as_py():
        return None
    fixed = _fixed_layout(array)
    if fixed is not None:
        return fixed
    parts = pc.extract_regex(array, _NUMERIC)

    def number(name: str) -> I64:
        text = pc.struct_field(parts, name)
        text = pc.if_else(pc.equal(text, ""), pa.scalar(None, text.type), text)
        return np.asarray(
            pc.fill_null(pc.cast(text, pa.int64()), -1).to_numpy(zero_copy_only=False),
            dtype=np.int64,
        )

    def flag(name: str, test: str) -> np.ndarray:
        text = pc.struct_field(parts, name)
        found = pc.fill_null(pc.match_substring_regex(text, test), False)
        return np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool)

    same = pc.fill_null(pc.equal(pc.struct_field(parts, "s1"), pc.struct_field(parts, "s2")), False)
    matched = np.asarray(same.to_numpy(zero_copy_only=False), dtype=bool)  # 1/2.2026 is not one
    if not matched.any():
        return None
    year = number("y")
    year = np.where(flag("y", "^[0-9]{2}$"), np.where(year < 69, 2000 + year, 1900 + year), year)
    hour, minute, second = number("h"), number("mi"), number("se")
    am, pm = flag("ap", "^[Aa]$"), flag("ap", "^[Pp]$")
    twelve = am | pm
    hour_ok = np.where(twelve, (hour >= 1) & (hour <= 12), hour <= 23)
    hour24 = np.where(twelve, hour % 12 + np.where(pm, 12, 0), np.maximum(hour, 0))
    clock_ok = hour_ok & (minute <= 59) & (second <= 59)
    clock = np.where(
        clock_ok, hour24 * HOUR + np.maximum(minute, 0) * 60 + np.maximum(second, 0), -1
    )
    return NumericDates(matched, number("a"), number("b"), year, clock.astype(np.int64))


# the layouts vendors write every value of a column in, digit for digit (`D`; `P` is A or P,
# `M` the M of AM/PM), with one separator (`/` here) that may be `-` or `.`
_LAYOUTS = (
    "DD/DD/DDDD",
    "DD/DD/DDDD DD:DD",
    "DD/DD/DDDD DD:DD:DD",
    "DD/DD/DDDD DD:DD PM",
    "DD/DD/DDDD DD:DD:DD PM",
    "DD/DD/DD",
    "DD/DD/DD DD:DD",
    "DD/DD/DD DD:DD:DD",
    "DD/DD/DD DD:DD PM",
    "DD/DD/DD DD:DD:DD PM",
)


def _fixed_layout(array: object) -> NumericDates | None:
    """The numeric dates of a column whose every value has one fixed layout
    (`03/07/2026 11:30 PM`, as US exports write them), read from the bytes as digits: the same
    parts as the regular expression finds, in a tenth of the time (on five columns of a
    million US 12-hour times: 0.5 s instead of 5 s). None for any other column: the regular
    expression reads it."""
    import pyarrow as pa

    chunked = array if isinstance(array, pa.ChunkedArray) else pa.chunked_array([array])
    flat = chunked.combine_chunks().cast(pa.large_string())
    n = len(flat)
    present = np.asarray(flat.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
    if not present.any():
        return None
    _, offsets_buffer, data_buffer = flat.buffers()
    offsets = np.frombuffer(offsets_buffer, dtype=np.int64)[flat.offset : flat.offset + n + 1]
    data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer else np.zeros(0, np.uint8)
    starts = offsets[:-1][present]
    sizes = offsets[1:][present] - starts
    size = int(sizes[0])
    if not (sizes == size).all():
        return None
    head = data[starts[0] : starts[0] + size].tobytes()
    if not head.isascii():
        return None
    first = head.decode("ascii")
    separator = first[2:3]
    if separator not in ("/", "-", "."):
        return None
    layout = next(
        (x for x in _LAYOUTS if len(x) == size and _fits(first, x.replace("/", separator))),
        None,
    )
    if layout is None:
        return None
    layout = layout.replace("/", separator)
    # the bytes of every present value: the text buffer itself, one row a value, when missing
    # values take no bytes (as Arrow writes them), else gathered
    begin, end = int(offsets[0]), int(offsets[-1])
    if end - begin == starts.size * size:
        cells = data[begin:end].reshape(starts.size, size)
    else:
        cells = data[starts[None, :] + np.arange(size)[:, None]].T
    ok = np.ones(len(starts), dtype=bool)
    for i, kind in enumerate(layout):
        column = cells[:, i]
        if kind == "D":
            ok &= (column >= 0x30) & (column <= 0x39)
        elif kind == "P":
            ok &= np.isin(column, np.frombuffer(b"AaPp", dtype=np.uint8))
        elif kind == "M" and layout[i - 1] == "P":
            ok &= (column == 0x4D) | (column == 0x6D)
        else:
            ok &= column == ord(kind)
    if not ok.all():
        return None  # some value differs: the regular expression reads them all

    def number(at: int, width: int) -> I64:
        out = np.zeros(len(starts), dtype=np.int64)
        for k in range(at, at + width):
            out = out * 10 + (cells[:, k].astype(np.int64) - 0x30)
        return out

    def spread(values: I64, missing: int) -> I64:
        out = np.full(n, missing, dtype=np.int64)
        out[present] = values
        return out

    year_at, year_width = 6, (4 if layout[6:10] == "DDDD" else 2)
    year = number(year_at, year_width)
    if year_width == 2:
        year = np.where(year < 69, 2000 + year, 1900 + year)
    time_at = year_at + year_width + 1
    clock = np.zeros(len(starts), dtype=np.int64)
    if size > time_at:
        hour, minute = number(time_at, 2), number(time_at + 3, 2)
        with_seconds = layout[time_at + 5 : time_at + 6] == ":"
        second = number(time_at + 6, 2) if with_seconds else np.zeros_like(hour)
        twelve = "P" in layout
        if twelve:
            pm = np.isin(cells[:, layout.index("P")], np.frombuffer(b"Pp", dtype=np.uint8))
            hour_ok = (hour >= 1) & (hour <= 12)
            hour24 = hour % 12 + np.where(pm, 12, 0)
        else:
            hour_ok, hour24 = hour <= 23, hour
        clock_ok = hour_ok & (minute <= 59) & (second <= 59)
        clock = np.where(clock_ok, hour24 * HOUR + minute * 60 + second, -1)
    return NumericDates(
        present,
        spread(number(0, 2), -1),
        spread(number(3, 2), -1),
        spread(year, -1),
        spread(clock, 0),
    )


def _fits(value: str, layout: str) -> bool:
    """Whether one value has the layout's shape (its first value decides which layout to try)."""
    for char, kind in zip(value, layout, strict=True):
        if kind == "D" and not char.isdigit():
            return False
        if kind == "P" and char not in "AaPp":
            return False
        if kind not in "DP" and not (kind == "M" and char in "Mm") and char != kind:
            return False
    return True


@dataclass(frozen=True)
class Order:
    """The day and month order of one export file's numeric dates."""

    order: str | None  # dayfirst, monthfirst, or None: no numeric dates to read
    decided: bool  # the data alone decided it (some value parses in one order only)
    example: str | None = None  # a value that decided it, or one that reads both ways
    column: str | None = None  # where that value is
    row: int | None = None
    mixed: bool = False  # as many values read only day-first as only month-first


def decide_order(
    scans: Mapping[str, NumericDates | None], values: Mapping[str, pd.Series]
) -> Order:
    """The order the data decides for a file, from the scans of all its timestamp columns: the one
    under which fewer values fail (every value parses in it while some do not in the other);
    `Order(None, False, …)` with an example value when both read every value alike (or as many
    values only one way as only the other: `mixed`), without one when there is nothing to
    decide."""
    found = {c: s for c, s in scans.items() if s is not None}
    if not found:
        return Order(None, False)
    fails = {o: sum(s.failures(o) for s in found.values()) for o in ORDERS}
    if fails[DAYFIRST] != fails[MONTHFIRST]:
        order = DAYFIRST if fails[DAYFIRST] < fails[MONTHFIRST] else MONTHFIRST
        other = MONTHFIRST if order == DAYFIRST else DAYFIRST
        for column, scan in found.items():
            only = scan.valid(order) & ~scan.valid(other)
            if only.any():
                row = int(np.flatnonzero(only)[0])
                return Order(order, True, str(values[column].iloc[row]).strip(), column, row)
        return Order(order, True)  # pragma: no cover - fewer failures means such a value
    only = {c: s.valid(DAYFIRST) & ~s.valid(MONTHFIRST) for c, s in found.items()}
    mixed = any(o.any() for o in only.values())  # a tie: as many the other way round
    for column, scan in found.items():  # a value to show: one of those, else one read both ways
        shown = only[column] if mixed else scan.valid(DAYFIRST) & scan.valid(MONTHFIRST)
        if shown.any():
            row = int(np.flatnonzero(shown)[0])
            example = str(values[column].iloc[row]).strip()
            return Order(None, False, example, column, row, mixed)
    return Order(None, False)  # no value is a date either way: nothing to decide


def check_zone(name: str) -> bool:
    """Whether `name` is a time zone this machine knows (IANA name, `UTC`)."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError, OSError):
        return False
    return True


def end_of_day(seconds: I64, timezone: str) -> I64:
    """Instants (no NAT) → the last second of their local day in `timezone`: the instant before
    the next local midnight, which is the transition when that midnight falls in a gap and the
    earlier instant when it repeats; 23 or 25 hours after the day's start
    on DST days, not 86,399 s."""
    if seconds.size == 0:
        return seconds.copy()
    low, high = int(seconds.min()), int(seconds.max())
    changes, offsets = transitions(timezone, (low - DAY) // HOUR, (high + DAY) // HOUR)
    wall = seconds + offsets[np.searchsorted(changes, seconds, side="right")]
    midnight = (wall // DAY + 1) * DAY
    return localize(midnight.view("datetime64[s]"), timezone, start=True) - 1


def _naive_iso(values: pd.Series, timezone: str, dates: bool) -> Parsed | None:
    """The common case in one Arrow cast: every value a naive ISO time (`2026-10-05 09:00`) or
    date (`2026-10-05`: with `dates`, said to be date-only by its length). Anything else (an
    offset, a fraction, a bad cell) makes the cast fail: None, and the full parser takes the
    column."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        array = arrow_array(values)
        stamps = pc.cast(array, pa.timestamp("s"))
    except (
        pa.ArrowInvalid,
        pa.ArrowNotImplementedError,
        pa.ArrowTypeError,
        AttributeError,
        TypeError,
    ):
        return None
    local = stamps.to_numpy(zero_copy_only=False).astype("datetime64[s]")
    if local.ndim != 1:  # pragma: no cover - a chunked array always comes back flat
        return None
    out, implausible = _from_local(local, timezone)
    if implausible.any():
        return None  # the full parser reports them
    no = np.zeros(local.size, dtype=bool)
    date_only = no
    if dates:
        short = pc.fill_null(pc.less_equal(pc.utf8_length(array), 10), False)  # with a time: longer
        date_only = np.asarray(short.to_numpy(zero_copy_only=False), dtype=bool)
    return Parsed(out, no, date_only)


def _from_local(local: np.ndarray, timezone: str) -> tuple[I64, np.ndarray]:
    """Naive wall-clock `datetime64[s]` (NaT for missing) → UTC seconds, and which values are
    outside the years a helpdesk can have recorded (left NAT)."""
    wall = local.view(np.int64)
    # a day's slack either side for the zone's offset; the exact bounds are checked in UTC
    low, high = EARLIEST - 86400, LATEST + 86400
    if wall.size and wall.min() >= low and wall.max() < high:  # all present and plausible
        out = localize(local, timezone, start=True)
        if out.min() >= EARLIEST and out.max() < LATEST:
            return out, np.zeros(wall.size, dtype=bool)
    out = np.full(local.size, NAT, dtype=np.int64)
    present = wall != NAT
    ok = present & (wall >= low) & (wall < high)
    if ok.any():
        out[ok] = localize(local[ok], timezone, start=True)
    implausible = (present & ~ok) | ((out != NAT) & ((out < EARLIEST) | (out >= LATEST)))
    out[implausible] = NAT
    return out, implausible


def _parse_one(sub: pd.Series, fmt: str, timezone: str) -> I64:
    result = np.full(len(sub), NAT, dtype=np.int64)
    if fmt not in _NAMED:
        return _with_pattern(sub, (fmt,), timezone, result, np.ones(len(sub), dtype=bool))
    regex, patterns = _NAMED[fmt]
    match = sub.str.fullmatch(regex).fillna(False).to_numpy(dtype=bool)
    if not match.any():
        return result
    if match.all():
        match = np.ones(len(sub), dtype=bool)
    if fmt == "epoch":
        numbers = pd.to_numeric(sub[match], errors="coerce").to_numpy(dtype=float)
        ok = np.isfinite(numbers) & (numbers > 0) & (numbers < 253402300800)
        result[np.flatnonzero(match)[ok]] = numbers[ok].astype(np.int64)
        return result
    if fmt == "iso":
        return _iso(sub, match, timezone, result)
    return _with_pattern(sub, patterns, timezone, result, match)


def _iso(sub: pd.Series, match: np.ndarray, timezone: str, result: I64) -> I64:
    values = sub if match.all() else sub[match]
    # "2026-10-05 10:00:00 +0100", "… UTC", "10:00:00,5": cleaned only when present, in one
    # test (pandas runs `\s` and lookaheads in Python value by value; these stay in Arrow)
    odd = r"[ \t][+-][0-9]{2}:?[0-9]{2}$|UTC$|,"
    if values.str.contains(odd, regex=True).fillna(False).any():
        values = (
            values.str.replace(r"[ \t]+([+-][0-9]{2}:?[0-9]{2})$", r"\1", regex=True)
            .str.replace(r"[ \t]?UTC$", "Z", regex=True)
            .str.replace(",", ".", regex=False)
        )
    has_offset = values.str.contains(_OFFSET, regex=True).fillna(False).to_numpy(dtype=bool)
    idx = np.flatnonzero(match)
    if has_offset.any():
        parsed = pd.to_datetime(values[has_offset], format="ISO8601", utc=True, errors="coerce")
        result[idx[has_offset]] = _seconds(parsed)
    if (~has_offset).any():
        naive = pd.to_datetime(values[~has_offset], format="ISO8601", errors="coerce")
        result[idx[~has_offset]] = _localized(naive, timezone)
    return result


def _with_pattern(
    sub: pd.Series, patterns: tuple[str | None, ...], timezone: str, result: I64, match: np.ndarray
) -> I64:
    idx = np.flatnonzero(match)
    values = sub[match]
    left = np.ones(len(values), dtype=bool)
    for pattern in patterns:
        if not left.any():
            break
        chunk = values[left]
        if pattern is not None and "%z" in pattern:
            parsed = pd.to_datetime(chunk, format=pattern, utc=True, errors="coerce")
            seconds = _seconds(parsed)
        else:
            parsed = pd.to_datetime(chunk, format=pattern, errors="coerce")
            seconds = _localized(parsed, timezone)
        ok = seconds != NAT
        where = np.flatnonzero(left)[ok]
        result[idx[where]] = seconds[ok]
        left[where] = False
    return result


def _seconds(parsed: pd.Series | pd.DatetimeIndex) -> I64:
    index = pd.DatetimeIndex(parsed)
    if index.tz is not None:
        index = index.tz_convert("UTC").tz_localize(None)
    return index.to_numpy().astype("datetime64[s]").view(np.int64)


def _localized(parsed: pd.Series | pd.DatetimeIndex | np.ndarray, timezone: str) -> I64:
    """Naive wall-clock times read in `timezone` (NaT stays NAT)."""
    if isinstance(parsed, np.ndarray):
        local = parsed.astype("datetime64[s]", copy=False)
    else:
        local = pd.DatetimeIndex(parsed).to_numpy().astype("datetime64[s]")
    out, implausible = _from_local(local, timezone)
    out[implausible] = EARLIEST - 1  # still present, and found implausible by the caller
    return out
