"""The registry of semantic rules and the helpers they share over a schema-valid document."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from charter_cli.charter.findings import Severity
from charter_cli.charter.load import PathKey
from charter_cli.charter.model import Charter
from charter_cli.charter.values import (
    ValueError_,
    parse_day_key,
)

Yield = Iterator[tuple[PathKey, str]]
# a rule on the typed charter: the promise at fault (its place in the file is found from its
# position), a key under it (or none), and the message
ModelYield = Iterator[tuple[int, tuple[str, ...], str]]


@dataclass(frozen=True)
class Rule:
    """A semantic rule: on the document's data (`check`), or, once every data rule passed and
    the typed charter is built, on the charter (`on_model`: questions the model answers, such as
    the calendar a promise runs on or the length of its working day)."""

    id: str
    severity: Severity
    check: Callable[..., Any]
    on_model: bool = False
    on_files: bool = False  # a data rule that also reads files beside the charter

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


def file_rule(
    rule_id: str, severity: Severity = Severity.ERROR
) -> Callable[[Callable[[dict[str, Any], Path], Yield]], Callable[[dict[str, Any], Path], Yield]]:
    """Register a data rule that also reads files the charter names, relative to its folder
    (called with the document's data and that folder)."""

    def register(
        func: Callable[[dict[str, Any], Path], Yield],
    ) -> Callable[[dict[str, Any], Path], Yield]:
        RULES.append(Rule(rule_id, severity, func, on_files=True))
        return func

    return register


def model_rule(
    rule_id: str, severity: Severity = Severity.ERROR
) -> Callable[[Callable[[Charter], ModelYield]], Callable[[Charter], ModelYield]]:
    """Register a rule that runs on the typed charter (see `Rule`)."""

    def register(func: Callable[[Charter], ModelYield]) -> Callable[[Charter], ModelYield]:
        RULES.append(Rule(rule_id, severity, func, on_model=True))
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


def _calendars(data: dict[str, Any]) -> Iterator[tuple[PathKey, dict[str, Any]]]:
    for name, spec in data["calendars"].items():
        if isinstance(spec, dict):
            yield ("calendars", name), spec
