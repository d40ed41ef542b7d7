"""Generate charter_cli/schemas/service-charter.v1.schema.json; a test checks the file is current."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from charter_cli.charter.model import LANGUAGES, TIME_FIELDS
from charter_cli.charter.values import DURATION_PATTERN as DURATION
from charter_cli.measures import MEASURES as REGISTRY
from charter_cli.measures import NAMED

DAY = "(?:mon|tue|wed|thu|fri|sat|sun)"
TIME = "(?:[01][0-9]|2[0-4]):[0-5][0-9]"
INTERVAL = f"{TIME}\\s*-\\s*{TIME}"
INTERVALS = f"^\\s*(?:closed|{INTERVAL}(?:\\s*,\\s*{INTERVAL})*)\\s*$"
MEASURES = list(NAMED)


SHARE_AT_RISK = (
    "A running ticket that has used this share of its allowance is reported as at risk "
    "(`75%` by default; on a promise, overrides the charter's)."
)
AT_RISK = {
    "title": "At risk",
    "description": SHARE_AT_RISK,
    "oneOf": [
        {"type": "number"},
        {"type": "string", "pattern": "^\\s*-?[0-9]+(?:\\.[0-9]+)?\\s*%\\s*$"},
    ],
    "x-error": "{value!r} is not a share: write `75%` or `0.75`",
}


PAUSE_WHEN = {
    "title": "Pause when",
    "description": "Status categories (new, open, pending, on-hold, solved, closed) or raw statuses during which the clock stops.",
    "type": "array",
    "items": {"type": "string", "minLength": 1},
}
PRIORITY_MODE = {
    "title": "Priority",
    "description": (
        "Which priority's allowance applies when a ticket's priority changed: `latest` (default: "
        "the priority in force when the clock stopped, or at as-of; from events that carry a "
        "priority, else the export's column) or `at_creation` (the first one known). The clock "
        "starts at the same instant and keeps its pauses either way."
    ),
    "enum": ["latest", "at_creation"],
}
REOPENS = {
    "title": "Reopens",
    "description": (
        "For promises stopped by resolution, how a reopened ticket is measured: `final` (default: "
        "created → last resolution; the time it spent resolved before a reopen does not count), "
        "`first` (created → first resolution) or `each` (every cycle, creation or reopen → next "
        "resolution, is an instance with its own allowance). `first` and `each` need a status "
        "history; without one `final` reads resolved_at."
    ),
    "enum": ["final", "first", "each"],
}


def form_text(form: dict[str, Any]) -> str:
    """A measure's mapping form as written in a charter: `{from: FIELD, to: FIELD}`."""
    return str(form["x-written"])


FIELDS = list(TIME_FIELDS)
NAME = "^[A-Za-z0-9][A-Za-z0-9 _.-]*$"


def text(title: str, description: str) -> dict[str, Any]:
    """A text the published charter shows: one for every language, or one per language."""
    return {
        "title": title,
        "description": description
        + " One text, or one per language: `{en: E-mail, nb: E-post, sv: E-post, pl: E-mail}` (`charter render --lang` picks it).",
        "oneOf": [
            {"type": "string"},
            {
                "type": "object",
                "minProperties": 1,
                "propertyNames": {"enum": list(LANGUAGES)},
                "additionalProperties": {"type": "string"},
            },
        ],
    }


def duration(title: str) -> dict[str, Any]:
    return {
        "title": title,
        "description": (
            "Business time on the promise's calendar: `90s`, `30m`, `4h`, `1h30m`, ISO 8601 `PT4H`, "
            "or `N working days` (by close of business of the N-th business day after the start day)."
        ),
        "type": "string",
        "pattern": DURATION,
        "x-error": (
            "{value!r} is not a duration: write e.g. `30m`, `4h`, `1h30m`, `PT4H` or "
            "`2 working days` (a bare `day` is ambiguous: 24 hours or a working day?)"
        ),
        "examples": ["30m", "4h", "1h30m", "PT4H", "2 working days"],
    }


def per_priority(title: str) -> dict[str, Any]:
    return {
        "title": title,
        "description": "One duration for every ticket, or a map from priority to duration.",
        "oneOf": [
            duration("Duration"),
            {
                "title": "Per priority",
                "description": "Priority name → duration; every priority the promise applies to needs one.",
                "type": "object",
                "minProperties": 1,
                "additionalProperties": duration("Duration for this priority"),
            },
        ],
    }


def listed(title: str) -> dict[str, Any]:
    return {
        "title": title,
        "description": "One value or a list; a ticket matches when its value equals any of them.",
        "oneOf": [
            {"type": "string", "minLength": 1},
            {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1},
        ],
    }


def values(title: str) -> dict[str, Any]:
    return {
        "title": title,
        "description": (
            "One value or a list (any of them), or `{not: [...]}` (none of them). For `tags`, a "
            "ticket matches when any of its tags is listed (`not`: when none is)."
        ),
        "oneOf": [
            {"type": "string", "minLength": 1},
            {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1},
            {
                "title": "None of",
                "type": "object",
                "required": ["not"],
                "additionalProperties": False,
                "properties": {"not": listed("Refused values")},
            },
        ],
        "x-error": "{value!r} is not a value, a list of values or `{{not: [...]}}`",
    }


def where(title: str = "Which tickets", *, at_least_one: bool = False) -> dict[str, Any]:
    return {
        **({"minProperties": 1} if at_least_one else {}),
        "title": title,
        "description": (
            "Filter on ticket fields: any canonical field that holds text (`channel`, "
            "`priority`, `group`, `type`, `status`, `assignee`, …), `tags`, and `fields.NAME` "
            "for a custom column the profile maps under `custom:`; a list matches any of its "
            "values, `{not: [...]}` none of them; all keys must match. A key on a field the "
            "export lacks makes the tickets the rest selects not measurable."
        ),
        "type": "object",
        "additionalProperties": values("Accepted values"),
    }


DATE = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
TARGET = "^\\s*-?[0-9]+(?:\\.[0-9]+)?\\s*%\\s*$"


def in_force() -> dict[str, Any]:
    date = {
        "type": "string",
        "pattern": DATE,
        "x-error": "{value!r} is not a date: write YYYY-MM-DD",
    }
    return {
        "title": "In force",
        "description": (
            "The dates the promise holds: only tickets whose clock starts on or after `from` and "
            "before `until` (dates in the charter's zone). A promise replaced on a date: the old "
            "one `until` it, the new one `from` it."
        ),
        "type": "object",
        "minProperties": 1,
        "additionalProperties": False,
        "properties": {
            "from": {**date, "title": "From", "description": "First day in force (inclusive)."},
            "until": {
                **date,
                "title": "Until",
                "description": "First day no longer in force (exclusive).",
            },
        },
    }


def share(title: str, description: str) -> dict[str, Any]:
    return {
        "title": title,
        "description": description,
        "oneOf": [{"type": "number"}, {"type": "string", "pattern": TARGET}],
        "x-error": "{value!r} is not a share: write `95%` or `0.95`",
    }


def calendar() -> dict[str, Any]:
    hours = {
        "title": "Opening hours",
        "description": (
            "Weekday (`mon`…`sun`) or range (`mon-fri`) → intervals `HH:MM-HH:MM`, several "
            "separated by commas; `24:00` as an end; `00:00-24:00` for a whole day; an interval "
            "that ends before it starts runs past midnight; `closed` for none."
        ),
        "type": "object",
        "minProperties": 1,
        "propertyNames": {"pattern": f"^{DAY}(?:-{DAY})?$"},
        "additionalProperties": {
            "title": "Intervals",
            "oneOf": [
                {"type": "string", "pattern": INTERVALS},
                {"type": "array", "minItems": 1, "items": {"type": "string", "pattern": INTERVALS}},
            ],
            "x-error": '{value!r} is not a list of intervals like "08:00-16:00" or "08:00-11:30, 12:00-16:00"',
        },
    }
    holiday_date = {
        "title": "Holiday",
        "oneOf": [
            {
                "title": "Date",
                "description": "A full date `2026-12-24`, or `MM-DD` for every year.",
                "type": "string",
                "pattern": "^(?:[0-9]{4}-)?[0-9]{2}-[0-9]{2}$",
            },
            {
                "title": "Date with its own hours",
                "type": "object",
                "required": ["date"],
                "additionalProperties": False,
                "properties": {
                    "date": {
                        "title": "Date",
                        "description": "A full date `2026-12-24`, or `MM-DD` for every year.",
                        "type": "string",
                        "pattern": "^(?:[0-9]{4}-)?[0-9]{2}-[0-9]{2}$",
                    },
                    "name": {
                        "title": "Name",
                        "description": "Shown in the published charter.",
                        "type": "string",
                    },
                    "hours": {
                        "title": "Hours on that day",
                        "description": "Intervals for that day instead of closing it (`09:00-12:00`); `closed` by default.",
                        "type": "string",
                        "pattern": INTERVALS,
                    },
                },
            },
        ],
    }
    weekly = {
        "title": "Weekly calendar",
        "type": "object",
        "required": ["hours"],
        "additionalProperties": False,
        "properties": {
            "title": text("Title", "Shown in the published charter."),
            "timezone": {
                "title": "Time zone",
                "description": "IANA zone of these hours; the charter's `timezone` by default; `ticket`: each ticket's own zone (its `timezone` field).",
                "type": "string",
            },
            "default_timezone": {
                "title": "Default time zone",
                "description": "With `timezone: ticket`: the zone of tickets without a readable one; the charter's `timezone` by default.",
                "type": "string",
            },
            "hours": hours,
            "holidays": {
                "title": "Holidays",
                "description": "Days the calendar is closed (or has its own hours).",
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "country": {
                        "title": "Country",
                        "description": "ISO 3166 code whose public holidays close the calendar (the `holidays` library).",
                        "type": ["string", "null"],
                        "pattern": "^[A-Z]{2,3}$",
                    },
                    "subdivision": {
                        "title": "Subdivision",
                        "description": "Region whose extra holidays apply too, e.g. `BY` for Bavaria.",
                        "type": ["string", "null"],
                    },
                    "dates": {
                        "title": "Extra dates",
                        "description": "Further closed days: `2026-12-24`, or `12-31` for every year, or `{date, hours}`.",
                        "type": "array",
                        "items": holiday_date,
                    },
                    "ical": {
                        "title": "iCalendar file",
                        "description": "An .ics file (relative to the charter) whose events close the calendar: all-day events whole days, timed events their hours; recurring events are expanded.",
                        "type": "string",
                        "minLength": 1,
                    },
                },
            },
        },
    }
    return {
        "title": "Calendar",
        "description": "When the clock runs: `24/7`, or weekly hours with holidays.",
        "oneOf": [
            {"title": "Always open", "const": "24/7"},
            weekly,
        ],
    }


def promise() -> dict[str, Any]:
    return {
        "title": "Promise",
        "type": "object",
        "required": ["id", "measure", "target"],
        "additionalProperties": False,
        "properties": {
            "id": {
                "title": "Id",
                "description": "Unique, stable id used in reports (`first-reply`).",
                "type": "string",
                "pattern": "^[a-z0-9][a-z0-9_-]*$",
                "x-error": "{value!r} is not a promise id: lowercase letters, digits, `-` and `_`",
            },
            "title": text("Title", "One sentence a customer understands."),
            "measure": {
                "title": "Measure",
                "description": ", ".join(f"`{m}` ({REGISTRY[m].summary})" for m in NAMED)
                + "; or "
                + " or ".join(
                    f"`{form_text(m.form)}` ({m.summary})" for m in REGISTRY.values() if m.form
                )
                + ".",
                "oneOf": [
                    {"type": "string", "enum": MEASURES},
                    *(m.form for m in REGISTRY.values() if m.form),
                ],
                "x-error": "{value!r} is not a measure: one of "
                + ", ".join(MEASURES)
                + ", or "
                + " or ".join(
                    form_text(m.form).replace("{", "{{").replace("}", "}}")
                    for m in REGISTRY.values()
                    if m.form
                ),
            },
            "where": where(),
            "policy": {
                "title": "Policy",
                "description": (
                    "Promises sharing a policy name form an ordered group, in charter order: a "
                    "ticket is measured by the first of them whose `where` matches (as Zendesk "
                    "applies SLA policies)."
                ),
                "type": "string",
                "pattern": NAME,
            },
            "in_force": in_force(),
            "calendar": {
                "title": "Calendar",
                "description": "Overrides the channel's calendar for this promise.",
                "type": "string",
            },
            "within": per_priority("Allowed time"),
            "between": {
                "title": "Window",
                "description": "For `follow_up`: earliest and latest time after resolution, e.g. `[24h, 48h]`.",
                "type": "array",
                "prefixItems": [duration("Not before"), duration("Not after")],
                "minItems": 2,
                "maxItems": 2,
            },
            "pause_when": PAUSE_WHEN,
            "reopens": REOPENS,
            "priority": PRIORITY_MODE,
            "at_risk": AT_RISK,
            "target": {
                "title": "Target",
                "description": "Share of measurable tickets that must meet the promise: `95%` or `0.95`.",
                "oneOf": [
                    {"type": "number"},
                    {"type": "string", "pattern": "^\\s*-?[0-9]+(?:\\.[0-9]+)?\\s*%\\s*$"},
                ],
                "x-error": "{value!r} is not a target: write `95%` or `0.95`",
            },
        },
        "allOf": [
            {
                "if": {
                    "properties": {
                        "measure": {
                            "enum": [m for m in NAMED if REGISTRY[m].allowance_key == "between"]
                        }
                    },
                    "required": ["measure"],
                },
                "then": {"required": ["between"]},
            },
            {
                "if": {
                    "properties": {
                        "measure": {
                            "enum": [m for m in NAMED if REGISTRY[m].allowance_key == "within"]
                        }
                    },
                    "required": ["measure"],
                },
                "then": {"required": ["within"]},
            },
            {
                "if": {"properties": {"measure": {"type": "object"}}, "required": ["measure"]},
                "then": {"required": ["within"]},
            },
        ],
    }


def schema() -> dict[str, Any]:
    named = {
        "type": "object",
        "required": ["name"],
        "additionalProperties": False,
        "properties": {
            "name": {
                "title": "Name",
                "description": "The name used in `where` and `within`.",
                "type": "string",
                "minLength": 1,
            },
            "title": text("Title", "Shown in the published charter."),
            "match": {
                "title": "Aliases",
                "description": "Other spellings in exports (`3 - Moderate`, `P3`).",
                "type": "array",
                "items": {"type": "string"},
            },
        },
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://service-charter.dev/schemas/service-charter.v1.schema.json",
        "title": "Service charter, format version 1",
        "description": "The promises a customer-service team makes, in a form `charter` can audit.",
        "type": "object",
        "required": ["charter", "name", "timezone", "calendars", "channels", "promises"],
        "additionalProperties": False,
        "patternProperties": {
            "^x-": {
                "title": "Extension",
                "description": "Ignored by charter: a place for YAML anchors shared below (`x-defaults: &d`).",
            }
        },
        "properties": {
            "charter": {
                "title": "Format version",
                "description": "Always `1` for this format.",
                "const": 1,
                "x-error": "`charter: {value!r}` is not a format this version reads: write `charter: 1`",
            },
            "name": {
                "title": "Name",
                "description": "The team or company, as customers know it.",
                "type": "string",
                "minLength": 1,
            },
            "description": text("Description", "A paragraph for the published charter."),
            "timezone": {
                "title": "Time zone",
                "description": "IANA zone (`Europe/Oslo`): default for calendars and for exports without an offset.",
                "type": "string",
                "minLength": 1,
            },
            "calendars": {
                "title": "Calendars",
                "description": "Named opening hours; the first is the default.",
                "type": "object",
                "minProperties": 1,
                "propertyNames": {"pattern": NAME},
                "additionalProperties": calendar(),
            },
            "channels": {
                "title": "Channels",
                "description": "The channels a customer can use (email, phone, chat, social, sms, web, …).",
                "type": "object",
                "minProperties": 1,
                "propertyNames": {"pattern": NAME},
                "additionalProperties": {
                    "title": "Channel",
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "calendar": {
                            "title": "Calendar",
                            "description": "Its opening hours; the first calendar by default.",
                            "type": "string",
                        },
                        "title": text("Title", "Shown in the published charter."),
                        "contact": {
                            "title": "Contact",
                            "description": "Address, number or link customers use.",
                            "type": "string",
                        },
                        "match": {
                            "title": "Aliases",
                            "description": "Other spellings of this channel in exports (`Web form`, `E-mail`).",
                            "type": "array",
                            "items": {"type": "string"},
                        },
                    },
                },
            },
            "priorities": {
                "title": "Priorities",
                "description": "From most to least urgent; a name, or `{name, match: [aliases]}`.",
                "type": "array",
                "minItems": 1,
                "items": {"oneOf": [{"type": "string", "pattern": NAME}, named]},
            },
            "exclude": {
                "title": "Excluded tickets",
                "description": (
                    "Tickets that count for no promise (spam, merged, test tickets): one selector "
                    "like `where` (`{tags: [spam, merged]}`) or a list of them (a ticket any of "
                    "them matches is dropped). Reports count them and list a few."
                ),
                "oneOf": [
                    where("Excluded tickets", at_least_one=True),
                    {
                        "type": "array",
                        "minItems": 1,
                        "items": where("Excluded tickets", at_least_one=True),
                    },
                ],
            },
            "coverage": share(
                "Coverage",
                "The share of kept tickets (after `exclude`) at least one promise must apply "
                "to, `95%` or `0.95`; under it the audit fails. Reported per channel.",
            ),
            "at_risk": AT_RISK,
            "promises": {
                "title": "Promises",
                "description": "What is promised, measured on every ticket it applies to.",
                "type": "array",
                "minItems": 1,
                "items": promise(),
            },
            "escalation": {
                "title": "Escalation",
                "description": "The escalation path and when a ticket must have climbed it; each rule is audited as `escalation-N`.",
                "type": "object",
                "required": ["levels", "rules"],
                "additionalProperties": False,
                "properties": {
                    "levels": {
                        "title": "Levels",
                        "description": "The path, in order; each level names the groups that form it.",
                        "type": "object",
                        "minProperties": 1,
                        "additionalProperties": {
                            "oneOf": [
                                {"type": "array", "items": {"type": "string"}},
                                {"type": "string"},
                            ]
                        },
                    },
                    "titles": {
                        "title": "Level titles",
                        "description": "How the published charter names each level (`specialists: {en: our specialists, nb: spesialistene}`); the level's name otherwise.",
                        "type": "object",
                        "additionalProperties": text(
                            "Level title", "A level's name for customers."
                        ),
                    },
                    "forward_only": {
                        "title": "Forward only",
                        "description": (
                            "`true`: a ticket is never passed back down the path; audited as the "
                            "promise `escalation-order` (a ticket whose level ever drops is "
                            "breached at that instant; needs group or level history)."
                        ),
                        "type": "boolean",
                    },
                    "rules": {
                        "title": "Rules",
                        "description": "When an unresolved ticket must have reached a level.",
                        "type": "array",
                        "items": {
                            "title": "Escalation rule",
                            "description": "A ticket still unresolved when `after` has run out must be at level `to` or higher.",
                            "type": "object",
                            "required": ["to", "after"],
                            "additionalProperties": False,
                            "properties": {
                                "to": {
                                    "title": "Level",
                                    "description": "A level of `levels`; this level or a higher one must be reached.",
                                    "type": "string",
                                },
                                "after": per_priority("After"),
                                "where": where(),
                                "calendar": {
                                    "title": "Calendar",
                                    "description": "The calendar `after` runs on; the ticket's channel calendar by default.",
                                    "type": "string",
                                },
                                "pause_when": PAUSE_WHEN,
                                "priority": PRIORITY_MODE,
                                "at_risk": AT_RISK,
                                "target": {
                                    "title": "Target",
                                    "description": "Share of tickets that must be escalated in time; 100% by default.",
                                    "oneOf": [
                                        {"type": "number"},
                                        {
                                            "type": "string",
                                            "pattern": "^\\s*-?[0-9]+(?:\\.[0-9]+)?\\s*%\\s*$",
                                        },
                                    ],
                                },
                            },
                        },
                    },
                },
            },
        },
    }


def main() -> int:
    text = json.dumps(schema(), indent=2, ensure_ascii=False) + "\n"
    if "--check" in sys.argv:  # against the schema the imported package ships
        from charter_cli.charter.schema import schema_text

        return 0 if schema_text() == text else 1
    package = Path(__file__).resolve().parent.parent / "charter_cli"
    (package / "schemas" / "service-charter.v1.schema.json").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
