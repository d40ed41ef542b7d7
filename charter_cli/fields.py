"""The canonical fields every export is mapped onto, what each means, and which of them a
promise needs: one answer for the audit, `charter fields`, `validate --profile` and the docs."""

from __future__ import annotations

from dataclasses import dataclass

from charter_cli.charter.model import Charter, Promise

# name → what it holds, as a profile author needs to know it
TICKET_FIELDS: dict[str, str] = {
    "ticket_id": "The ticket's id (required). Rows without one are skipped, with their line.",
    "created_at": "When the customer's request arrived (required): every clock starts here.",
    "channel": "How the customer reached you (email, phone, chat, …); matched to the charter's "
    "channels after the profile's value map.",
    "priority": "The ticket's priority; matched to the charter's priorities. Needed by a "
    "promise whose allowance depends on the priority.",
    "status": "The current status as the helpdesk writes it; the profile's `statuses:` gives "
    "each a category (new, open, pending, on-hold, solved, closed).",
    "group": "The team holding the ticket (escalation levels name groups).",
    "assignee": "The agent holding the ticket (shown in breaches and breakdowns).",
    "type": "The ticket's type or category (incident, question, complaint, …).",
    "subject": "Free text shown beside the worst breaches.",
    "acknowledged_at": "First acknowledgement, automatic or human (`acknowledgement`).",
    "first_response_at": "First public reply by a person (`first_response`).",
    "resolved_at": "When the ticket was resolved (`resolution`, `due_date`, `follow_up`); where "
    "it is empty, `closed_at` stands in, if the export has that column.",
    "closed_at": "When the ticket was closed; stands in for an empty `resolved_at`.",
    "due_at": "The date or time promised to the customer (`due_date`); a date without a time "
    "means the end of that day in the export's zone.",
    "follow_up_at": "When the customer was followed up after resolution (`follow_up`).",
    "escalated_at": "When the ticket reached `escalation_level` (escalation rules).",
    "escalation_level": "The level reached: a level name, a group of it, or its number from 1.",
    "reopens": "How many times the ticket was reopened (a whole number).",
    "tags": "The ticket's tags or labels, several per ticket: the profile's `tag_separator` "
    "says how the export separates them (Zendesk: a space, Freshdesk: a comma, Jira: one "
    "`Labels` column per label). `where: {tags: [vip]}` matches a ticket with any of them.",
    "timezone": "The customer's time zone, an IANA name (`America/New_York`): the zone a "
    "`timezone: ticket` calendar reads its hours in for this ticket. Empty or not a zone name: "
    "the calendar's `default_timezone`, and the report counts such tickets.",
}
CUSTOM_FIELDS_TEXT = (
    "Custom columns (a customer tier, a product, ServiceNow's `u_*` fields) are mapped under the "
    "profile's `custom:` (`custom: {tier: Service Tier}`) and named `fields.tier` in `where`, "
    "`exclude` and `--by`."
)
EVENT_FIELDS: dict[str, str] = {
    "ticket_id": "The ticket the event belongs to.",
    "at": "When it happened.",
    "status": "The status from then on (pauses: `pause_when`; reopens; resolution).",
    "group": "The group holding the ticket from then on (escalation from group history; "
    "`--by group` by the group at the deadline; `escalation.forward_only`).",
    "escalation_level": "The escalation level from then on.",
    "priority": "The priority from then on (`priority: latest` or `at_creation`).",
    "author": "A message's author: `agent`, `customer` or `system` (a bot, an automatic "
    "reply); empty: the row is a change, not a message. The profile's `values: {author: ...}` "
    "maps the export's words (Zammad's sender `Agent`, Freshdesk's `incoming` true/false). Once "
    "an events file or event log maps it, a ticket's first response is its first public agent "
    "message (a system message never is one), and first_response_at is read only for tickets "
    "without any message.",
    "public": "Whether the customer sees the message: true/false, yes/no or 1/0; an internal "
    "note is not public and never counts as a reply. Empty or not mapped: public. A column "
    "that says the opposite is mapped `public: {not: internal}`.",
}
EITHER = {"resolved_at": ("resolved_at", "closed_at")}  # a field and what stands in for it


@dataclass(frozen=True)
class Need:
    """One field a promise reads, and why."""

    field: str
    why: str


def needs(promise: Promise, charter: Charter) -> list[Need]:
    """The ticket fields a promise cannot be judged without, in the order it reads them.
    Escalation history (levels or group events) is asked for by the audit itself: it may come
    from an events file instead of a column."""
    from charter_cli.measures import measure_of

    out = measure_of(promise.measure).needs(promise)
    for name in promise.selector.fields:
        out.setdefault(name, "the promise covers tickets by it (`where`)")
    if promise.within.by_priority:
        out.setdefault("priority", "the allowance depends on it")
    if len(charter.calendars_of(promise)) > 1:
        out.setdefault("channel", "the opening hours depend on it")
    return [Need(f, why) for f, why in out.items()]


def satisfied(name: str, present: set[str] | dict[str, str]) -> bool:
    """Whether the field (or what stands in for it) is in the export."""
    return any(f in present for f in EITHER.get(name, (name,)))


def _read(name: str, from_history: tuple[str, ...]) -> str:
    """A field a measure reads, with what stands in for it."""
    instead = ["closed_at"] if name == "resolved_at" else []
    instead += ["statuses in the events"] if name in from_history else []
    return f"{name} (or {', or '.join(instead)})" if instead else name


def _measure_rows() -> list[str]:
    """One table row per registered measure: how it is written, what it measures, what it reads
    (from the measure itself: a new measure shows up here by being registered)."""
    from charter_cli.charter.model import Allowance
    from charter_cli.measures import MEASURES

    rows = []
    for m in MEASURES.values():
        written = m.name if m.form is None else str(m.form["x-written"])
        if m.name == "escalation":
            written = "escalation rules"
        if m.name == "escalation_order":
            written = "escalation.forward_only"
        start = m.start_field or "FIELD"
        stop = m.stop_field or "FIELD"
        sample = Promise(m.name, None, m.name, start, stop, {}, None, Allowance(), 1.0)

        reads = ", ".join(_read(f, m.from_history) for f in m.needs(sample))
        if not m.start_field:  # a custom pair
            reads = "the two timestamp fields it names"
        extra = f"; and {m.also_reads}" if m.also_reads else ""
        rows.append(f"| `{written}` | {m.summary} | {reads}{extra} |")
    return rows


ALSO_NEEDED = (
    "`where` on a field (or a charter's `exclude` on it): that field.",
    "`within` by priority: priority.",
    "Channels on different calendars, and a promise without its own `calendar`: channel.",
    "`pause_when`: a status history (an event-log export, or `--events`).",
    "A calendar with `timezone: ticket`: timezone (without it, every ticket is read in the "
    "calendar's `default_timezone`, and the report says so).",
)


def reference() -> str:
    """The field reference as Markdown: printed by `charter fields`, kept in docs/fields.md."""
    lines = [
        "# Canonical fields",
        "",
        "Every export is mapped onto these fields by a profile (`charter profiles show NAME`",
        "prints a built-in one to start from). A field the profile does not map, or maps to a",
        "column the export does not have, is *absent*: every promise that needs it is reported",
        "as not measurable, naming the field, and is never counted as met or breached. A field",
        "that is present but has an empty cell means: it has not happened yet.",
        "",
        "## Ticket fields",
        "",
        "| Field | What it holds |",
        "|---|---|",
        *(f"| `{name}` | {text} |" for name, text in TICKET_FIELDS.items()),
        "",
        CUSTOM_FIELDS_TEXT,
        "",
        "Timestamps may carry an offset (`2026-10-05T09:00:00+02:00`, `Z`); times without one",
        "are read in the profile's `timestamps.timezone`, else the charter's zone (`--input-tz`",
        "overrides both). Numeric dates (formats `us` and `dayfirst`: `03/08/2026 04:30 PM`,",
        "`8.3.26`) are read day-first or month-first as each file's values show; when no day is",
        "above 12, the profile's `timestamps.order` (`dayfirst` or `monthfirst`) or `--dayfirst` /",
        "`--monthfirst` decides, and the report says so.",
        "",
        "## Event fields (a status history: `--events FILE`, or an event-log export)",
        "",
        "| Field | What it holds |",
        "|---|---|",
        *(f"| `{name}` | {text} |" for name, text in EVENT_FIELDS.items()),
        "",
        "## What each promise needs",
        "",
        "| Measure | What it measures | Fields it reads |",
        "|---|---|---|",
        *_measure_rows(),
        "",
        *(f"- {line}" for line in ALSO_NEEDED),
        "",
        "Every report lists, per promise, the fields it read and the export column each came",
        "from.",
        "",
    ]
    return "\n".join(lines)
