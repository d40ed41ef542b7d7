"""The measure registry is exhaustive: every measure the charter schema allows has a module, and
every module answers what the audit, explain, render and the rules ask of it."""

from __future__ import annotations

import json

import pytest

from charter_cli.charter.model import Allowance, Promise
from charter_cli.charter.schema import schema_text
from charter_cli.drafting.render import TEXT
from charter_cli.fields import TICKET_FIELDS
from charter_cli.measures import MEASURES, NAMED, Measure


def _schema_measures() -> set[str]:
    schema = json.loads(schema_text())
    found: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            measure = node.get("properties", {}).get("measure") if "properties" in node else None
            if isinstance(measure, dict):
                for branch in measure.get("oneOf", []) + measure.get("anyOf", []) + [measure]:
                    found.update(branch.get("enum", []))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    return found


def test_every_measure_the_schema_allows_is_registered_and_no_other() -> None:
    assert _schema_measures() == set(NAMED)
    assert set(MEASURES) == {*NAMED, "custom", "escalation", "escalation_order"}


@pytest.mark.parametrize("name", list(MEASURES))
def test_each_measure_answers_for_itself(name: str) -> None:
    measure = MEASURES[name]
    assert isinstance(measure, Measure) and measure.name == name
    assert type(measure).evaluate is not Measure.evaluate, "a measure evaluates"
    start = measure.start_field or "created_at"
    stop = measure.stop_field or "resolved_at"
    promise = Promise(name, None, name, start, stop, {}, None, Allowance(), 0.9)
    assert set(measure.needs(promise)) <= set(TICKET_FIELDS)
    if measure.sentence is not None:
        for lang in TEXT:  # every language render speaks
            assert measure.sentence in measure.sentences[lang], (lang, measure.sentence)
    assert measure.allowance_key in (None, "within", "between", "after")
