"""The measures a promise can take, one module each, listed once here.

A new measure is one new module (a `Measure` subclass: the fields it reads, its evaluator, how
`explain` and `render` speak of it) and one line in `MEASURES`. `tests/audit/test_measures.py`
checks that every measure the charter schema allows is registered, and the other way round.
"""

from __future__ import annotations

from charter_cli.measures import (
    acknowledgement,
    custom,
    due_date,
    escalation,
    escalation_order,
    first_response,
    follow_up,
    group_time,
    next_reply,
    periodic_update,
    resolution,
    time_in,
)
from charter_cli.measures.base import Measure

MEASURES: dict[str, Measure] = {
    m.name: m
    for m in (
        acknowledgement.MEASURE,
        first_response.MEASURE,
        resolution.MEASURE,
        due_date.MEASURE,
        follow_up.MEASURE,
        next_reply.MEASURE,  # needs messages
        periodic_update.MEASURE,  # needs messages
        time_in.MEASURE,  # `measure: {time_in: [STATUS, …]}`
        group_time.MEASURE,  # an OLA: each interval a group holds the ticket
        custom.MEASURE,  # `measure: {from: FIELD, to: FIELD}`
        escalation.MEASURE,  # the rules of `escalation:`, one promise each
        escalation_order.MEASURE,  # `escalation.forward_only: true`
    )
}
NAMED = tuple(
    n for n in MEASURES if n not in ("custom", "escalation", "escalation_order")
)  # `measure: NAME`


def measure_of(name: str) -> Measure:
    """The measure a promise takes (`Promise.measure`)."""
    return MEASURES[name]


def measure_for(value: object) -> Measure | None:
    """The measure a charter's `measure:` value names (its name, or its mapping form)."""
    return next((m for m in MEASURES.values() if m.claims(value)), None)


__all__ = ["MEASURES", "NAMED", "Measure", "measure_for", "measure_of"]
