"""Rules on escalation: thresholds that grow along the path."""

from __future__ import annotations

from typing import Any

from charter_cli.charter.rules.base import Yield, _escalation_rules, _priority_names, rule
from charter_cli.charter.rules.calendars import _week_shape
from charter_cli.charter.rules.promises import _applicable_priorities
from charter_cli.charter.values import (
    ValueError_,
    parse_duration,
    working_day_seconds,
)


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
