"""Rules on references: the calendars, channels, priorities, fields, levels and statuses a
charter names must exist."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from charter_cli.charter.findings import Severity
from charter_cli.charter.load import PathKey
from charter_cli.charter.model import (
    ALWAYS,
    STATUS_CATEGORIES,
    TIME_FIELDS,
    normalise,
)
from charter_cli.charter.rules.base import (
    Yield,
    _escalation_rules,
    _priority_names,
    _promises,
    _suggest,
    rule,
)
from charter_cli.charter.selectors import SELECTABLE, selectable, selector_values


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
    """Each key of every selector (`where` of promises and escalation rules, `exclude`): its
    path, field and values (listed or refused alike)."""
    for path, spec in [*_promises(data), *_escalation_rules(data)]:
        for key, under, values in selector_values(spec.get("where")):
            yield (*path, "where", *under), key, values
    exclude = data.get("exclude")
    for i, item in enumerate(exclude if isinstance(exclude, list) else [exclude]):
        at: PathKey = ("exclude", i) if isinstance(exclude, list) else ("exclude",)
        for key, under, values in selector_values(item):
            yield (*at, *under), key, values


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
    """A `where` or `exclude` filters on a field that is neither a canonical ticket field holding
    text, nor `tags`, nor `fields.NAME` (a custom column); or a custom measure `{from, to}` names
    a field that is not a canonical timestamp."""
    filters = list(SELECTABLE)
    seen: set[PathKey] = set()
    for path, key, _ in _where_values(data):
        at = path[: path.index(key) + 1] if key in path else path
        if not selectable(key) and at not in seen:
            seen.add(at)
            hint = _suggest(key, filters)
            if key in TIME_FIELDS:
                hint = " (a timestamp: a promise's `in_force` limits tickets by date)"
            where = "`exclude`" if at[0] == "exclude" else "`where`"
            yield (
                at,
                f"unknown ticket field {key!r} in {where}{hint}; custom columns are `fields.NAME`",
            )
    times = list(TIME_FIELDS)
    for path, spec in _promises(data):
        measure = spec["measure"]
        if isinstance(measure, dict) and "from" in measure:
            for end in ("from", "to"):
                name = measure[end]
                if name not in times:
                    yield (
                        (*path, "measure", end),
                        (f"{name!r} is not a timestamp field{_suggest(name, times)}"),
                    )


@rule("unknown-level")
def unknown_level(data: dict[str, Any]) -> Yield:
    """An escalation rule escalates `to` a level, or `escalation.titles` names a level, that
    `escalation.levels` does not define."""
    escalation = data.get("escalation") or {}
    levels = list(escalation.get("levels") or {})
    for path, spec in _escalation_rules(data):
        if spec["to"] not in levels:
            yield (
                (*path, "to"),
                f"unknown escalation level {spec['to']!r}{_suggest(spec['to'], levels)}",
            )
    for level in escalation.get("titles") or {}:
        if level not in levels:
            yield (
                ("escalation", "titles", level),
                f"unknown escalation level {level!r}{_suggest(level, levels)}",
            )


@rule("unknown-status", Severity.WARNING)
def unknown_status(data: dict[str, Any]) -> Yield:
    """A `pause_when` value is not a status category (new, open, pending, on-hold, solved,
    closed); it will only match a raw status of exactly that name. Escalation rules too."""
    for path, spec in [*_promises(data), *_escalation_rules(data)]:
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
