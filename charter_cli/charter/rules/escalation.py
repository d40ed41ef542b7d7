"""Rules on escalation: thresholds that grow along the path."""

from __future__ import annotations

from charter_cli.charter.model import Charter, normalise
from charter_cli.charter.rules.base import ModelYield, model_rule


@model_rule("escalation-order")
def escalation_order(charter: Charter) -> ModelYield:
    """Escalation thresholds increase along the path: for each priority, a rule to a higher
    level waits longer than a rule to a lower one (a working day counts as the length of the
    rule's working day: its calendar's weekly opening hours over its open days)."""
    levels = [name for name, _ in charter.levels]
    rules = [
        (index, p)
        for index, p in enumerate(charter.promises)
        if p.measure == "escalation" and p.escalate_to in levels
    ]
    rules.sort(key=lambda r: levels.index(str(r[1].escalate_to)))
    priorities = [p.name for p in charter.priorities] or [""]
    for priority in priorities:
        last: tuple[int, str, str] | None = None
        for index, rule in rules:
            wanted = {normalise(w) for w in rule.where.get("priority", ())}
            if priority and wanted and normalise(priority) not in wanted:
                continue
            after = (
                rule.within.by_priority.get(priority)
                if rule.within.by_priority
                else rule.within.default
            )
            if after is None:
                continue
            seconds = after.approx_seconds(charter.working_day_seconds(rule))
            to = str(rule.escalate_to)
            if last is not None and seconds <= last[0] and to != last[2]:
                for_p = f" for {priority}" if priority else ""
                yield (
                    index,
                    ("after",),
                    f"escalation to {to!r} after {after}{for_p} does not come after the "
                    f"escalation to {last[2]!r} after {last[1]}",
                )
            last = (seconds, str(after), to)
