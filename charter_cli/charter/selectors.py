"""Which tickets a promise covers, as the charter says it: `where` and `exclude` selectors.

A selector maps a ticket field to the values it accepts: `channel: email`, `tags: [vip, gold]`
(any of), `fields.tier: {not: [free]}` (none of). Every key must hold. Fields are the canonical
ticket fields that hold text, `tags` (multi-valued: a ticket matches when any of its tags is
listed; `not` when none is) and `fields.NAME` (a custom column a profile maps under `custom:`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

# the canonical ticket fields a selector can name (timestamps cannot: they are not values to
# list); `tags` and `fields.NAME` besides
SELECTABLE = (
    "ticket_id", "channel", "priority", "status", "group", "assignee", "type", "subject",
    "escalation_level", "reopens", "tags",
)  # fmt: skip
CUSTOM_PREFIX = "fields."
NOT = "not"


def selectable(name: str) -> bool:
    """Whether a selector may name this field."""
    return name in SELECTABLE or (name.startswith(CUSTOM_PREFIX) and len(name) > len(CUSTOM_PREFIX))


@dataclass(frozen=True)
class Match:
    """One key of a selector: the field, the values, and whether they are refused (`not`)."""

    field: str
    values: tuple[str, ...]
    negated: bool = False


@dataclass(frozen=True)
class Selector:
    """Every match must hold (an empty selector holds for every ticket)."""

    matches: tuple[Match, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.matches)

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(m.field for m in self.matches))

    def accepted(self, name: str) -> tuple[str, ...] | None:
        """The values of `name` the selector lists (None: it does not restrict that field by a
        list; a negation restricts by refusing, see `refused`)."""
        for m in self.matches:
            if m.field == name and not m.negated:
                return m.values
        return None

    def refused(self, name: str) -> tuple[str, ...]:
        return tuple(v for m in self.matches if m.field == name and m.negated for v in m.values)

    def allows(self, name: str, value: str, norm: Any) -> bool:
        """Whether a ticket whose `name` is `value` can match, as far as that field goes
        (`norm`: how values are compared)."""
        accepted = self.accepted(name)
        if accepted is not None and norm(value) not in {norm(v) for v in accepted}:
            return False
        return norm(value) not in {norm(v) for v in self.refused(name)}


def _values(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    return tuple(str(v) for v in items)


def parse_selector(value: Any) -> Selector:
    """A selector from its YAML form (schema-valid)."""
    matches = []
    for key, wanted in (value or {}).items():
        if isinstance(wanted, dict):
            matches.append(Match(str(key), _values(wanted[NOT]), negated=True))
        else:
            matches.append(Match(str(key), _values(wanted)))
    return Selector(tuple(matches))


def parse_selectors(value: Any) -> tuple[Selector, ...]:
    """`exclude:` is one selector or a list of them (a ticket any of them matches is dropped)."""
    if not value:
        return ()
    items = value if isinstance(value, list) else [value]
    return tuple(parse_selector(v) for v in items)


def selector_values(value: Any) -> Iterator[tuple[str, tuple[str | int, ...], list[str]]]:
    """Each key of a selector in YAML form: the field, the path under the selector to its values,
    and the values (for the rules that check them)."""
    if not isinstance(value, Mapping):
        return
    for key, wanted in value.items():
        if isinstance(wanted, Mapping):
            yield str(key), (key, NOT), list(_values(wanted.get(NOT, [])))
        else:
            yield str(key), (key,), list(_values(wanted))


def describe(selector: Selector) -> str:
    """`channel email or chat; tags not spam` (diff, reports)."""
    parts = []
    for m in selector.matches:
        values = " or ".join(m.values)
        parts.append(f"{m.field} {'not ' if m.negated else ''}{values}")
    return "; ".join(parts) or "every ticket"
