"""Rules on promises: ids, durations, targets, priority maps and keys a measure ignores."""

from __future__ import annotations

from typing import Any

from charter_cli.charter.findings import Severity
from charter_cli.charter.load import PathKey
from charter_cli.charter.model import (
    Allowance,
    Promise,
    normalise,
)
from charter_cli.charter.rules.base import (
    Yield,
    _escalation_rules,
    _priority_names,
    _promises,
    rule,
)
from charter_cli.charter.selectors import parse_selector
from charter_cli.charter.values import (
    ValueError_,
    parse_duration,
    parse_target,
)

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
    selector = parse_selector(spec.get("where"))
    return [p for p in declared if selector.allows("priority", p, normalise)]


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


@rule("at-risk-range")
def at_risk_range(data: dict[str, Any]) -> Yield:
    """`at_risk` is a share above 0 % and at most 100 % of the allowance (`75%` or `0.75`)."""
    places = [((), data), *_promises(data), *_escalation_rules(data)]
    for path, spec in places:
        if not isinstance(spec, dict) or "at_risk" not in spec:
            continue
        try:
            share = parse_target(spec["at_risk"])
        except ValueError_ as exc:
            yield (*path, "at_risk"), str(exc)
            continue
        if not 0.0 < share <= 1.0:
            yield (*path, "at_risk"), f"at_risk {spec['at_risk']!r} is outside 0–100 % (e.g. 75%)"


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
    own date is the deadline), `between` on anything but `follow_up`, `reopens` on a clock that
    resolution does not stop."""
    from charter_cli.measures import measure_for

    for path, spec in _promises(data):
        found = measure_for(spec["measure"])
        if found is None:  # pragma: no cover - the schema allows no other
            continue
        measure, name = found, found.name
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
        if "reopens" in spec:
            start, stop, _ = measure.parse(spec["measure"])
            sample = Promise(spec["id"], None, name, start, stop, {}, None, Allowance(), 1.0)
            if not measure.reopenable(sample):
                yield (
                    (*path, "reopens"),
                    f"`reopens` has no effect on `{name}`: its clock is not stopped by resolution",
                )
