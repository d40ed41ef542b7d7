"""Parse a column of export timestamps into UTC seconds, whole-column (no loop over values).

Formats are tried in order and the results coalesced, so one column may mix them. A value with an
offset (`Z`, `+0100`, `+01:00`) is absolute; one without is read in the source zone, a fall-back
hour taking the earlier instant and a spring-forward gap the transition (DESIGN.md §10.2).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from charter_cli.clock import I64, NAT, _localize
from charter_cli.frames import TEXT, arrow_array

# name -> (regex a value must match, strftime patterns tried in order; None = pandas ISO8601)
_NAMED: dict[str, tuple[str, tuple[str | None, ...]]] = {
    "iso": (
        r"\d{4}-\d{2}-\d{2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)?"
        r"(?: ?(?:Z|UTC|[+-]\d{2}:?\d{2}))?",
        (None,),
    ),
    "epoch": (r"\d{9,11}(?:\.\d+)?", ()),
    "us": (
        r"\d{1,2}/\d{1,2}/\d{4}(?: \d{1,2}:\d{2}(?::\d{2})?(?: ?[AaPp][Mm])?)?",
        (
            "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M",
            "%m/%d/%Y",
        ),
    ),
    "dayfirst": (
        r"\d{1,2}[-/.]\d{1,2}[-/.]\d{4}(?: \d{1,2}:\d{2}(?::\d{2})?)?",
        (
            "%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M",
            "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y",
        ),
    ),
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
# a date without a time: ISO, numeric day-first or US, or with a month name (Jira's `20/Aug/25`)
_DATE_ONLY = (
    r"^(?:\d{4}-\d{2}-\d{2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{4}"
    r"|\d{1,2}[-/. ][A-Za-z]{3}[-/. ]\d{2,4})$"
)


@dataclass(frozen=True)
class Parsed:
    seconds: I64  # UTC seconds, NAT where missing or unparseable
    bad: np.ndarray  # bool: a value was there but is not a timestamp
    date_only: np.ndarray  # bool: the value had no time of day


def parse_timestamps(
    values: pd.Series, formats: tuple[str, ...], timezone: str, *, dates: bool = False
) -> Parsed:
    """Parse a string column; `formats` are names of `_NAMED` or strftime patterns. With `dates`,
    also say which values were a date without a time (due dates mean the end of that day)."""
    if values.dtype.kind == "M":  # read as naive ISO times already (sniff's TIMESTAMP)
        local = values.to_numpy().astype("datetime64[s]", copy=False)
        out, implausible = _from_local(local, timezone)
        no = np.zeros(len(values), dtype=bool)
        return Parsed(out, implausible, no)
    fast = None if not formats or formats[0] != "iso" else _naive_iso(values, timezone, dates)
    if fast is not None:
        return fast
    text = values.astype(TEXT).str.strip()
    present = text.notna().to_numpy()
    out = np.full(len(text), NAT, dtype=np.int64)
    todo = present.copy()
    for fmt in formats:
        if not todo.any():
            break
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
        out = _localize(local, timezone, start=True)
        if out.min() >= EARLIEST and out.max() < LATEST:
            return out, np.zeros(wall.size, dtype=bool)
    out = np.full(local.size, NAT, dtype=np.int64)
    present = wall != NAT
    ok = present & (wall >= low) & (wall < high)
    if ok.any():
        out[ok] = _localize(local[ok], timezone, start=True)
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


def _localized(parsed: pd.Series | pd.DatetimeIndex, timezone: str) -> I64:
    """Naive wall-clock times read in `timezone` (NaT stays NAT)."""
    local = pd.DatetimeIndex(parsed).to_numpy().astype("datetime64[s]")
    out, implausible = _from_local(local, timezone)
    out[implausible] = EARLIEST - 1  # still present, and found implausible by the caller
    return out
