"""Semantic rules: what a schema cannot say. Each rule is one registered function.

A rule receives a schema-valid document and yields `(path, message)` pairs; the registry turns
them into findings at the line of that path. The docstring of each rule says what passes and what
fails, and is what `charter validate --list-rules` prints.
"""

from __future__ import annotations

import calendar as _cal
import difflib
import itertools
import zoneinfo
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from charter_cli.charter.findings import Finding, Severity
from charter_cli.charter.load import Document, PathKey
from charter_cli.charter.model import (
    ALWAYS,
    FILTER_FIELDS,
    STATUS_CATEGORIES,
    TIME_FIELDS,
    normalise,
)
from charter_cli.charter.values import (
    DAYS,
    ValueError_,
    parse_day_key,
    parse_duration,
    parse_holiday_date,
    parse_intervals,
    parse_target,
    working_day_seconds,
)

Yield = Iterator[tuple[PathKey, str]]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    check: Callable[[dict[str, Any]], Yield]

    @property
    def doc(self) -> str:
        return " ".join((self.check.__doc__ or "").split())


RULES: list[Rule] = []


def rule(
    rule_id: str, severity: Severity = Severity.ERROR
) -> Callable[[Callable[[dict[str, Any]], Yield]], Callable[[dict[str, Any]], Yield]]:
    """Register a rule under an id."""

    def register(func: Callable[[dict[str, Any]], Yield]) -> Callable[[dict[str, Any]], Yield]:
        RULES.append(Rule(rule_id, severity, func))
        return func

    return register


def _suggest(value: str, known: list[str]) -> str:
    hint = difflib.get_close_matches(value, known, n=1)
    if hint:
        return f" (did you mean {hint[0]!r}?)"
    return f"; known: {', '.join(known)}" if known else ""


def _promises(data: dict[str, Any]) -> Iterator[tuple[PathKey, dict[str, Any]]]:
    for i, spec in enumerate(data["promises"]):
        yield ("promises", i), spec


def _escalation_rules(data: dict[str, Any]) -> Iterator[tuple[PathKey, dict[str, Any]]]:
    for i, spec in enumerate((data.get("escalation") or {}).get("rules") or []):
        yield ("escalation", "rules", i), spec


def _listed(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _priority_names(data: dict[str, Any]) -> list[str]:
    return [p if isinstance(p, str) else p["name"] for p in data.get("priorities") or []]


def _weekly(spec: dict[str, Any]) -> Iterator[tuple[PathKey, str, list[int], Any]]:
    for key, text in spec["hours"].items():
        try:
            days = parse_day_key(key)
        except ValueError_:
            continue
        yield ("hours", key), key, days, text


# --- references ---------------------------------------------------------------------------


@rule("unknown-calendar")
def unknown_calendar(data: dict[str, Any]) -> Yield:
    """A channel, promise or escalation rule names a calendar that `calendars` does not define
    (`24/7` is always defined)."""
    known = [*data["calendars"], ALWAYS]
    for name, spec in data["channels"].items():
        cal = (spec or {}).get("calendar")
        if cal is not None and cal not in known:
            yield ("channels", name, "calendar"), f"unknown calendar {cal!r}{_suggest(cal, known)}"
    for path, spec in [*_promises(data), *_escalation_rules(data)]:
        cal = spec.get("calendar")
        if cal is not None and cal not in known:
            yield (*path, "calendar"), f"unknown calendar {cal!r}{_suggest(cal, known)}"


def _where_values(data: dict[str, Any]) -> Iterator[tuple[PathKey, str, list[str]]]:
    for path, spec in [*_promises(data), *_escalation_rules(data)]:
        for key, wanted in (spec.get("where") or {}).items():
            yield (*path, "where", key), key, _listed(wanted)


@rule("unknown-channel")
def unknown_channel(data: dict[str, Any]) -> Yield:
    """A `where: {channel: …}` names a channel the charter does not declare in `channels`."""
    known = list(data["channels"])
    known_norm = {normalise(k) for k in known}
    for path, key, wanted in _where_values(data):
        if key != "channel":
            continue
        for value in wanted:
            if normalise(value) not in known_norm:
                yield path, f"unknown channel {value!r}{_suggest(value, known)}"


@rule("unknown-priority")
def unknown_priority(data: dict[str, Any]) -> Yield:
    """A `where: {priority: …}` or a priority map (`within`, `after`) names a priority that
    `priorities` does not declare."""
    known = _priority_names(data)
    known_norm = {normalise(k) for k in known}
    for path, key, wanted in _where_values(data):
        if key != "priority":
            continue
        for value in wanted:
            if normalise(value) not in known_norm:
                yield path, f"unknown priority {value!r}{_suggest(value, known)}"
    for path, spec in _promises(data):
        yield from _map_keys(path, "within", spec, known, known_norm)
    for path, spec in _escalation_rules(data):
        yield from _map_keys(path, "after", spec, known, known_norm)


def _map_keys(
    path: PathKey, key: str, spec: dict[str, Any], known: list[str], known_norm: set[str]
) -> Yield:
    value = spec.get(key)
    if not isinstance(value, dict):
        return
    if not known:
        yield (
            (*path, key),
            f"`{key}` is given per priority, but the charter declares no `priorities`",
        )
        return
    for priority in value:
        if normalise(priority) not in known_norm:
            yield (
                (*path, key, priority),
                f"unknown priority {priority!r}{_suggest(priority, known)}",
            )


@rule("unknown-field")
def unknown_field(data: dict[str, Any]) -> Yield:
    """A `where` filters on a field that is not a canonical ticket field, or a custom measure
    `{from, to}` names a field that is not a canonical timestamp."""
    filters = list(FILTER_FIELDS)
    for path, key, _ in _where_values(data):
        if key not in filters:
            yield path, f"unknown ticket field {key!r} in `where`{_suggest(key, filters)}"
    times = list(TIME_FIELDS)
    for path, spec in _promises(data):
        measure = spec["measure"]
        if isinstance(measure, dict):
            for end in ("from", "to"):
                name = measure[end]
                if name not in times:
                    yield (
                        (*path, "measure", end),
                        (f"{name!r} is not a timestamp field{_suggest(name, times)}"),
                    )


@rule("unknown-level")
def unknown_level(data: dict[str, Any]) -> Yield:
    """An escalation rule escalates `to` a level that `escalation.levels` does not define."""
    levels = list((data.get("escalation") or {}).get("levels") or {})
    for path, spec in _escalation_rules(data):
        if spec["to"] not in levels:
            yield (
                (*path, "to"),
                f"unknown escalation level {spec['to']!r}{_suggest(spec['to'], levels)}",
            )


@rule("unknown-status", Severity.WARNING)
def unknown_status(data: dict[str, Any]) -> Yield:
    """A `pause_when` value is not a status category (new, open, pending, on-hold, solved,
    closed); it will only match a raw status of exactly that name."""
    for path, spec in _promises(data):
        for i, status in enumerate(spec.get("pause_when") or []):
            if normalise(status) not in {normalise(c) for c in STATUS_CATEGORIES}:
                yield (
                    (*path, "pause_when", i),
                    (
                        f"{status!r} is not a status category ({', '.join(STATUS_CATEGORIES)}); "
                        "it matches only a raw status of that name"
                    ),
                )
            elif normalise(status) in ("solved", "closed"):
                yield (
                    (*path, "pause_when", i),
                    (f"pausing on {status!r} has no effect: the clock stops at resolution"),
                )


# --- calendars ----------------------------------------------------------------------------


def _calendars(data: dict[str, Any]) -> Iterator[tuple[PathKey, dict[str, Any]]]:
    for name, spec in data["calendars"].items():
        if isinstance(spec, dict):
            yield ("calendars", name), spec


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


def zone_hint(zone: str) -> str:
    """` (did you mean 'Europe/Oslo'?)` for a mistyped zone, or nothing."""
    hint = difflib.get_close_matches(zone, sorted(_zones()), n=1)
    return f" (did you mean {hint[0]!r}?)" if hint else ""


@rule("invalid-timezone")
def invalid_timezone(data: dict[str, Any]) -> Yield:
    """`timezone` (of the charter or of a calendar) must be an IANA zone such as `Europe/Oslo`."""
    zones = _zones()
    candidates: list[tuple[PathKey, str]] = [(("timezone",), data["timezone"])]
    candidates += [
        ((*p, "timezone"), s["timezone"]) for p, s in _calendars(data) if "timezone" in s
    ]
    for path, zone in candidates:
        if zone not in zones:
            yield path, f"{zone!r} is not an IANA time zone{zone_hint(zone)}"


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


def _calendar_of(data: dict[str, Any], spec: dict[str, Any]) -> list[str]:
    """The calendars a promise can run on: its own, else those of the channels it covers."""
    if spec.get("calendar"):
        return [spec["calendar"]]
    default = next(iter(data["calendars"]))
    channels = data["channels"]
    wanted = (spec.get("where") or {}).get("channel")
    names = _listed(wanted) if wanted is not None else list(channels)
    out = []
    for name in names:
        chan = channels.get(name) or {}
        out.append((chan or {}).get("calendar") or default)
    return sorted(set(out)) or [default]


def _weekly_seconds(spec: Any) -> int | None:
    shape = _week_shape(spec)
    return None if shape is None else shape[0]


def _week_shape(spec: Any) -> tuple[int, int] | None:
    """A calendar's open seconds in a week and its number of open days (None if unreadable)."""
    if spec == ALWAYS:
        return 7 * 86400, 7
    if not isinstance(spec, dict):
        return None
    total = 0
    open_days: set[int] = set()
    for _sub, _key, days, text in _weekly(spec):
        try:
            length = sum(iv.end - iv.start for iv in parse_intervals(text)) * 60
        except ValueError_:
            return None
        total += length * len(days)
        if length:
            open_days.update(days)
    return total, len(open_days)


@rule("zero-hours")
def zero_hours(data: dict[str, Any]) -> Yield:
    """A promise (or escalation rule) runs on a calendar with no open hours in the week, or one
    whose yearly holidays (`MM-DD`, closed) take every day of the year: its clock would never
    run."""
    calendars = data["calendars"]
    for path, spec in [*_promises(data), *_escalation_rules(data)]:
        for cal in _calendar_of(data, spec):
            seconds = _weekly_seconds(calendars.get(cal))
            if seconds == 0:
                yield path, f"calendar {cal!r} has no open hours in the week; this clock never runs"
            elif _closed_every_day(calendars.get(cal)):
                yield (
                    path,
                    f"calendar {cal!r} is closed on every day of the year by its holidays; this "
                    "clock never runs",
                )


def _closed_every_day(spec: Any) -> bool:
    """Whether the yearly closed dates (`MM-DD` without hours of their own) cover every day of
    a common year: whichever weekdays are open, each such day is then a holiday."""
    if not isinstance(spec, dict) or not isinstance(spec.get("holidays"), dict):
        return False
    dates = spec["holidays"].get("dates")
    if not isinstance(dates, list) or len(dates) < 365:
        return False
    closed = set()
    for item in dates:
        if isinstance(item, dict):
            hours = str(item.get("hours") or "closed").strip().lower()
            item = item.get("date") if hours == "closed" else None
        if isinstance(item, str) and len(item) == 5:
            closed.add(item)
    common_year = (
        f"{m:02d}-{d:02d}" for m in range(1, 13) for d in range(1, _cal.monthrange(2025, m)[1] + 1)
    )
    return closed.issuperset(common_year)


# --- promises -----------------------------------------------------------------------------


MAX_PROMISES = 500


@rule("too-many-promises")
def too_many_promises(data: dict[str, Any]) -> Yield:
    """At most 500 promises, escalation rules included: each is a pass over every ticket (5,000
    promises over 3,000 tickets took minutes and gigabytes), and no customer reads that many."""
    count = len(data["promises"]) + len(list(_escalation_rules(data)))
    if count > MAX_PROMISES:
        yield (
            ("promises",),
            f"{count:,} promises and escalation rules; a charter holds at most {MAX_PROMISES}",
        )


@rule("duplicate-promise-id")
def duplicate_promise_id(data: dict[str, Any]) -> Yield:
    """Promise ids are unique (reports and CI outputs are keyed by them); `escalation-N` is
    reserved for escalation rules."""
    seen: dict[str, int] = {}
    for path, spec in _promises(data):
        pid = spec["id"]
        if pid in seen:
            yield (
                (*path, "id"),
                f"promise id {pid!r} is used twice (first by promise {seen[pid] + 1})",
            )
        else:
            seen[pid] = int(path[1])
        if pid.startswith("escalation-") and pid[len("escalation-") :].isdigit():
            yield (*path, "id"), f"promise id {pid!r} is reserved for escalation rules"


@rule("bad-duration")
def bad_duration(data: dict[str, Any]) -> Yield:
    """Durations are positive: `0m` allows nothing and is almost always a typo."""
    checks: list[tuple[PathKey, Any]] = []
    for path, spec in _promises(data):
        checks += [((*path, "within"), spec.get("within"))]
        checks += [((*path, "between", i), v) for i, v in enumerate(spec.get("between") or [])]
    for path, spec in _escalation_rules(data):
        checks += [((*path, "after"), spec.get("after"))]
    for path, value in checks:
        items = value.items() if isinstance(value, dict) else [(None, value)]
        for key, text in items:
            if text is None:
                continue
            where = (*path, key) if key is not None else path
            try:
                dur = parse_duration(text)
            except ValueError_ as exc:
                yield where, str(exc)
                continue
            if not dur.is_working_days and dur.seconds <= 0 and path[-1] != 0:
                yield where, f"{text!r} is zero; a promise needs a positive allowance"


def _applicable_priorities(data: dict[str, Any], spec: dict[str, Any]) -> list[str]:
    declared = _priority_names(data)
    wanted = (spec.get("where") or {}).get("priority")
    if wanted is None:
        return declared
    wanted_norm = {normalise(w) for w in _listed(wanted)}
    return [p for p in declared if normalise(p) in wanted_norm]


@rule("priority-map-incomplete")
def priority_map_incomplete(data: dict[str, Any]) -> Yield:
    """A per-priority `within` or `after` gives a duration for every priority the promise
    applies to; a ticket of a missing priority would have no allowance."""
    pairs = [(p, s, "within") for p, s in _promises(data)]
    pairs += [(p, s, "after") for p, s in _escalation_rules(data)]
    for path, spec, key in pairs:
        value = spec.get(key)
        if not isinstance(value, dict):
            continue
        given = {normalise(k) for k in value}
        missing = [p for p in _applicable_priorities(data, spec) if normalise(p) not in given]
        if missing:
            yield (*path, key), f"no duration for priority {', '.join(map(repr, missing))}"


@rule("target-range")
def target_range(data: dict[str, Any]) -> Yield:
    """A target is a share between 0 % and 100 % (`95%` or `0.95`; `95` is read as 9500 %)."""
    for path, spec in [*_promises(data), *_escalation_rules(data)]:
        if "target" not in spec:
            continue
        try:
            target = parse_target(spec["target"])
        except ValueError_ as exc:
            yield (*path, "target"), str(exc)
            continue
        if not 0.0 <= target <= 1.0:
            shown = spec["target"]
            tip = (
                f" (did you mean '{shown}%'?)"
                if isinstance(shown, int | float) and 1 < shown <= 100
                else ""
            )
            yield (*path, "target"), f"target {shown!r} is outside 0–100 %{tip}"


@rule("between-order")
def between_order(data: dict[str, Any]) -> Yield:
    """A `between: [from, to]` window starts before it ends."""
    for path, spec in _promises(data):
        window = spec.get("between")
        if not window:
            continue
        try:
            low, high = parse_duration(window[0]), parse_duration(window[1])
        except ValueError_:
            continue
        if low.is_working_days == high.is_working_days and low > high:
            yield (*path, "between"), f"the window starts ({window[0]}) after it ends ({window[1]})"


@rule("ignored-key", Severity.WARNING)
def ignored_key(data: dict[str, Any]) -> Yield:
    """Keys a measure does not use are probably a mistake: `within` on `due_date` (the ticket's
    own date is the deadline), `between` on anything but `follow_up`."""
    from charter_cli.measures import MEASURES

    for path, spec in _promises(data):
        name = spec["measure"] if isinstance(spec["measure"], str) else "custom"
        measure = MEASURES[name]
        if "within" in spec and measure.allowance_key != "within":
            yield (
                (*path, "within"),
                "`within` is ignored by `due_date`: the ticket's due date is the deadline"
                if measure.allowance_key is None
                else f"`within` is ignored by `{name}`; it uses `{measure.allowance_key}`",
            )
        if "between" in spec and measure.allowance_key != "between":
            yield (*path, "between"), "`between` is only used by `follow_up`"
        if spec.get("pause_when") and not measure.pausable:
            yield (*path, "pause_when"), f"`pause_when` has no effect on `{name}`"


# --- escalation ---------------------------------------------------------------------------


@rule("escalation-order")
def escalation_order(data: dict[str, Any]) -> Yield:
    """Escalation thresholds increase along the path: for each priority, a rule to a higher
    level waits longer than a rule to a lower one (a working day counts as the calendar's weekly
    opening hours over its open days: `values.working_day_seconds`)."""
    escalation = data.get("escalation") or {}
    levels = list(escalation.get("levels") or {})
    calendars = data["calendars"]
    default = next(iter(calendars))
    rules = [(p, s) for p, s in _escalation_rules(data) if s["to"] in levels]
    rules.sort(key=lambda r: levels.index(r[1]["to"]))
    priorities = _priority_names(data) or [""]
    for priority in priorities:
        last: tuple[int, str, str] | None = None
        for path, spec in rules:
            if priority and priority not in _applicable_priorities(data, spec):
                continue
            after = spec["after"]
            text = after.get(priority) if isinstance(after, dict) else after
            if text is None:
                continue
            weekly, open_days = _week_shape(calendars.get(spec.get("calendar") or default)) or (
                7 * 86400,
                7,
            )
            try:
                day = working_day_seconds(weekly, open_days)
                seconds = parse_duration(text).approx_seconds(day)
            except ValueError_:
                continue
            if last is not None and seconds <= last[0] and spec["to"] != last[2]:
                for_p = f" for {priority}" if priority else ""
                yield (
                    (*path, "after"),
                    (
                        f"escalation to {spec['to']!r} after {text}{for_p} does not come after the "
                        f"escalation to {last[2]!r} after {last[1]}"
                    ),
                )
            last = (seconds, str(text), spec["to"])


def run_rules(doc: Document) -> list[Finding]:
    """Run every registered rule on a schema-valid document."""
    findings: list[Finding] = []
    for item in RULES:
        for path, message in item.check(doc.data):
            mark = doc.mark(path)
            findings.append(
                Finding(doc.path, mark.line, mark.column, item.severity, item.id, message)
            )
    return findings
