"""Rules on who the promises cover: dates in force, coverage, policies, and the channels and
priorities no promise covers."""

from __future__ import annotations

from typing import Any

from charter_cli.charter.findings import Severity
from charter_cli.charter.model import normalise
from charter_cli.charter.rules.base import Yield, _priority_names, _promises, rule
from charter_cli.charter.selectors import parse_selector
from charter_cli.charter.values import ValueError_, parse_target


@rule("in-force-order")
def in_force_order(data: dict[str, Any]) -> Yield:
    """A promise's `in_force.from` comes before its `until` (`until` is the first day it no
    longer holds: `from: 2026-07-01, until: 2026-07-01` covers nothing)."""
    for path, spec in _promises(data):
        span = spec.get("in_force") or {}
        start, end = span.get("from"), span.get("until")
        if start and end and str(start) >= str(end):
            yield (
                (*path, "in_force", "until"),
                f"until {end} is not after from {start}: the promise would cover no ticket "
                "(`until` is the first day it no longer holds)",
            )


@rule("coverage-range")
def coverage_range(data: dict[str, Any]) -> Yield:
    """`coverage` is a share between 0 % and 100 % (`95%` or `0.95`)."""
    if "coverage" not in data:
        return
    try:
        share = parse_target(data["coverage"])
    except ValueError_ as exc:
        yield ("coverage",), str(exc)
        return
    if not 0.0 <= share <= 1.0:
        yield ("coverage",), f"coverage {data['coverage']!r} is not between 0% and 100%"


@rule("policy-unreachable", Severity.WARNING)
def policy_unreachable(data: dict[str, Any]) -> Yield:
    """In a policy group (promises sharing `policy`), a promise after one without any `where`
    (and without `in_force`) never measures a ticket: the earlier one takes them all."""
    catch_all: dict[str, str] = {}
    for path, spec in _promises(data):
        policy = spec.get("policy")
        if policy is None:
            continue
        if policy in catch_all:
            yield (
                (*path, "policy"),
                f"{spec['id']} can never apply: {catch_all[policy]} comes first in policy "
                f"{policy!r} and covers every ticket",
            )
        elif not spec.get("where") and not spec.get("in_force"):
            catch_all[policy] = spec["id"]


@rule("policy-mixed-measures", Severity.WARNING)
def policy_mixed_measures(data: dict[str, Any]) -> Yield:
    """The promises of one policy measure the same thing: a ticket goes to the first member
    whose `where` matches, so a resolution promise in a group of reply promises would never
    see the tickets a reply promise took (write one policy per measure)."""
    first: dict[str, tuple[str, Any]] = {}
    for path, spec in _promises(data):
        policy = spec.get("policy")
        if policy is None:
            continue
        if policy not in first:
            first[policy] = (spec["id"], spec["measure"])
        elif spec["measure"] != first[policy][1]:
            yield (
                (*path, "measure"),
                f"policy {policy!r} mixes measures: {spec['id']} measures {spec['measure']!r}, "
                f"{first[policy][0]} {first[policy][1]!r}; a ticket goes to one member only",
            )


def _names_unknown(data: dict[str, Any], field: str, known: list[str]) -> bool:
    """Whether some `where` names a value of `field` the charter does not declare (a typo that
    `unknown-channel` or `unknown-priority` reports already)."""
    known_norm = {normalise(k) for k in known}
    for _, spec in [*_promises(data), *_escalation_items(data)]:
        selector = parse_selector(spec.get("where"))
        wanted = [*(selector.accepted(field) or ()), *selector.refused(field)]
        if any(normalise(w) not in known_norm for w in wanted):
            return True
    return False


def _covers(data: dict[str, Any], field: str, value: str) -> bool:
    for _, spec in [*_promises(data), *_escalation_items(data)]:
        if parse_selector(spec.get("where")).allows(field, value, normalise):
            return True
    return False


def _escalation_items(data: dict[str, Any]) -> list[tuple[Any, dict[str, Any]]]:
    rules = (data.get("escalation") or {}).get("rules") or []
    return [(("escalation", "rules", i), r) for i, r in enumerate(rules)]


@rule("uncovered-channel", Severity.WARNING)
def uncovered_channel(data: dict[str, Any]) -> Yield:
    """Every channel is covered by at least one promise (one without a channel in its `where`
    covers them all); a channel none covers makes a promise customers were never given, and
    lowers the audit's coverage."""
    if _names_unknown(data, "channel", [str(c) for c in data["channels"]]):
        return
    for name in data["channels"]:
        if not _covers(data, "channel", str(name)):
            yield ("channels", name), f"no promise covers channel {name!r}"


@rule("uncovered-priority", Severity.WARNING)
def uncovered_priority(data: dict[str, Any]) -> Yield:
    """Every priority is covered by at least one promise (one without a priority in its `where`
    covers them all)."""
    if _names_unknown(data, "priority", _priority_names(data)):
        return
    for i, name in enumerate(_priority_names(data)):
        if not _covers(data, "priority", name):
            yield ("priorities", i), f"no promise covers priority {name!r}"
