"""The charter as frozen values, built once from a validated document."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from charter_cli.charter.ical import IcalClosures, read_ical
from charter_cli.charter.selectors import Selector, parse_selector, parse_selectors
from charter_cli.charter.values import (
    DAYS,
    Duration,
    Interval,
    parse_day_key,
    parse_duration,
    parse_holiday_date,
    parse_intervals,
    parse_target,
    working_day_seconds,
)

ALWAYS = "24/7"
TICKET_ZONE = "ticket"  # `timezone: ticket`: a calendar read in each ticket's own zone
_ZONED = re.compile(r"^(?P<name>[^()]+) \((?P<zone>[^()]+)\)$")


def zoned_label(calendar: str, zone: str) -> str:
    """The name of a ticket-zone calendar read in one zone: `support (America/New_York)`
    (calendar names hold no brackets, so the label cannot be taken for one)."""
    return f"{calendar} ({zone})"


TIME_FIELDS = (
    "created_at", "acknowledged_at", "first_response_at", "resolved_at", "closed_at", "due_at",
    "follow_up_at", "escalated_at",
)  # fmt: skip
FILTER_FIELDS = ("channel", "priority", "status", "group", "assignee", "type", "escalation_level")
STATUS_CATEGORIES = ("new", "open", "pending", "on-hold", "solved", "closed")


def normalise(value: str) -> str:
    """Casefold and treat `-`, `_` and space alike."""
    return " ".join(str(value).casefold().replace("-", " ").replace("_", " ").split())


@dataclass(frozen=True)
class HolidayDate:
    year: int | None
    month: int
    day: int
    name: str | None = None
    intervals: tuple[Interval, ...] = ()  # own hours; closed when empty


LANGUAGES = ("en", "nb", "sv", "pl")  # the languages a charter's texts may be given in


def text_of(value: Any) -> tuple[str | None, Mapping[str, str]]:
    """A translatable text as written (`E-mail`, or `{en: E-mail, nb: E-post}`): the text that
    reports use (English where given, else the first), and the translations by language (empty
    for a plain text, which reads the same in every language)."""
    if isinstance(value, dict):
        texts = {str(k): str(v) for k, v in value.items()}
        return texts.get("en", next(iter(texts.values()), None)), texts
    return (None if value is None else str(value)), {}


def in_language(default: str | None, texts: Mapping[str, str], lang: str) -> str | None:
    """The text in `lang`: its translation, else the text as written."""
    return texts.get(lang, default)


@dataclass(frozen=True)
class Calendar:
    name: str
    timezone: str
    always: bool = False
    week: tuple[tuple[Interval, ...], ...] = ((),) * 7  # Monday first
    country: str | None = None
    subdivision: str | None = None
    dates: tuple[HolidayDate, ...] = ()
    title: str | None = None
    ical: IcalClosures | None = None  # closures from an iCalendar file
    ticket_zone: bool = False  # hours read in each ticket's zone; `timezone` is the default

    def weekly_open_seconds(self) -> int:
        if self.always:
            return 7 * 86400
        return sum((iv.end - iv.start) * 60 for day in self.week for iv in day)

    def working_day_seconds(self) -> int:
        """A working day's length for comparing durations (`values.working_day_seconds`)."""
        open_days = 7 if self.always else sum(1 for day in self.week if day)
        return working_day_seconds(self.weekly_open_seconds(), open_days)


@dataclass(frozen=True)
class Channel:
    name: str
    calendar: str
    title: str | None = None
    contact: str | None = None
    match: tuple[str, ...] = ()
    titles: Mapping[str, str] = field(default_factory=dict)  # the title by language


@dataclass(frozen=True)
class Priority:
    name: str
    title: str | None = None
    match: tuple[str, ...] = ()
    titles: Mapping[str, str] = field(default_factory=dict)  # the title by language


@dataclass(frozen=True)
class Allowance:
    """A duration for every ticket, or per priority (a priority not listed has none)."""

    default: Duration | None = None
    by_priority: Mapping[str, Duration] = field(default_factory=dict)


AT_RISK = 0.75  # the share of its allowance a running instance may use before it is at risk


@dataclass(frozen=True)
class InForce:
    """The dates between which a promise holds: tickets whose clock starts on or after `start`
    and before `end` (dates `YYYY-MM-DD` in the charter's zone; None: open-ended)."""

    start: str | None = None
    end: str | None = None


@dataclass(frozen=True)
class Promise:
    id: str
    title: str | None
    measure: str  # a name in charter_cli.measures.MEASURES
    start_field: str
    stop_field: str
    where: Mapping[str, tuple[str, ...]]
    calendar: str | None
    within: Allowance
    target: float
    between: tuple[Duration, Duration] | None = None
    pause_when: tuple[str, ...] = ()
    escalate_to: str | None = None  # for escalation rules: the level to reach
    titles: Mapping[str, str] = field(default_factory=dict)  # the title by language
    options: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # the measure's own
    selector: Selector = field(
        default_factory=Selector
    )  # the whole `where`; `where` above holds its listed values
    policy: str | None = None  # promises sharing a policy: the first whose `where` matches
    in_force: InForce | None = None
    at_risk: float = AT_RISK  # a running instance that has used this share is at risk
    # promises stopped by resolution: `final` (created → last resolution, time resolved before a
    # reopen not counted), `first` (→ first resolution) or `each` (one instance per cycle)
    reopens: str = "final"
    # the priority whose allowance applies: `latest` (in force when the clock stopped, or at
    # as-of) or `at_creation`
    priority: str = "latest"


REOPENS = ("final", "first", "each")
PRIORITY_MODES = ("latest", "at_creation")
ESCALATION_ORDER = "escalation-order"  # the promise `escalation.forward_only` adds


@dataclass(frozen=True)
class Charter:
    path: str
    name: str
    timezone: str
    calendars: Mapping[str, Calendar]
    channels: Mapping[str, Channel]
    priorities: tuple[Priority, ...]
    promises: tuple[Promise, ...]
    levels: tuple[tuple[str, tuple[str, ...]], ...] = ()
    description: str | None = None
    exclude: tuple[Selector, ...] = ()  # tickets any of them matches count for no promise
    coverage: float | None = None  # the share of kept tickets some promise must apply to
    descriptions: Mapping[str, str] = field(default_factory=dict)  # by language
    level_titles: Mapping[str, Mapping[str, str]] = field(
        default_factory=dict
    )  # level → by language

    @property
    def default_calendar(self) -> str:
        return next(iter(self.calendars))

    @property
    def reads_ticket_zones(self) -> bool:
        """Whether a calendar reads its hours in each ticket's zone (`timezone: ticket`)."""
        return any(c.ticket_zone for c in self.calendars.values())

    def calendar(self, name: str) -> Calendar:
        """A calendar by name; `24/7` is always there, in the charter's zone."""
        if name == ALWAYS and name not in self.calendars:
            return Calendar(name=ALWAYS, timezone=self.timezone, always=True)
        zoned = _ZONED.match(name) if name not in self.calendars else None
        if zoned is not None and zoned["name"] in self.calendars:
            # a ticket-zone calendar read in one ticket zone (`zoned_label`)
            return replace(self.calendars[zoned["name"]], timezone=zoned["zone"])
        return self.calendars[name]

    def calendar_for(self, promise: Promise, channel: str | None = None) -> str:
        """The calendar a promise's clock runs on for a ticket of `channel`: the promise's own,
        else the channel's, else the charter's first."""
        if promise.calendar:
            return promise.calendar
        known = self.channels.get(channel) if channel is not None else None
        return known.calendar if known is not None else self.default_calendar

    def calendars_of(self, promise: Promise) -> tuple[str, ...]:
        """Every calendar the promise can run on (one, unless its channels differ)."""
        if promise.calendar:
            return (promise.calendar,)
        channels = promise.where.get("channel") or tuple(self.channels)
        refused = {normalise(c) for c in promise.selector.refused("channel")}
        names = [
            self.channels[c].calendar
            for c in channels
            if c in self.channels and normalise(c) not in refused
        ]
        return tuple(dict.fromkeys(names)) or (self.default_calendar,)

    def main_calendar(self, promise: Promise) -> str:
        """The one calendar a promise runs on when its channels agree on one, else the
        charter's first: the calendar its durations are spoken of in."""
        names = self.calendars_of(promise)
        return names[0] if len(names) == 1 else self.default_calendar

    def working_day_seconds(self, promise: Promise) -> int:
        """How long one working day of the promise is, for comparing durations such as `8h`
        and `1 working day` (weekly opening hours over open days of its main calendar; 24 h on
        24/7)."""
        return self.calendar(self.main_calendar(promise)).working_day_seconds()

    def business_day(self, calendar: str) -> int | None:
        """The working day of a calendar in which its durations are told, or None on 24/7,
        where business time is wall-clock time."""
        cal = self.calendar(calendar)
        return None if cal.always else cal.working_day_seconds()


def _allowance(value: Any) -> Allowance:
    if isinstance(value, dict):
        return Allowance(by_priority={str(k): parse_duration(v) for k, v in value.items()})
    return Allowance(default=parse_duration(value))


def _where(value: Any) -> dict[str, tuple[str, ...]]:
    """The values a `where` lists, per field (its negations are in the promise's selector)."""
    return {m.field: m.values for m in parse_selector(value).matches if not m.negated}


def _in_force(value: Any) -> InForce | None:
    if not value:
        return None
    return InForce(start=value.get("from"), end=value.get("until"))


def build_calendar(name: str, spec: Any, default_tz: str, base: Path | None = None) -> Calendar:
    """A calendar from its spec; `base` is the charter's folder, which an iCalendar file of
    holidays is read relative to."""
    if spec == ALWAYS:
        return Calendar(name=name, timezone=default_tz, always=True)
    week: list[list[Interval]] = [[] for _ in DAYS]
    for key, text in spec["hours"].items():
        intervals = parse_intervals(text)
        for day in parse_day_key(key):
            week[day].extend(intervals)
    holidays = spec.get("holidays") or {}
    dates: list[HolidayDate] = []
    for item in holidays.get("dates") or []:
        if isinstance(item, dict):
            year, month, day = parse_holiday_date(item["date"])
            own = tuple(parse_intervals(item["hours"])) if item.get("hours") else ()
            dates.append(HolidayDate(year, month, day, item.get("name"), own))
        else:
            year, month, day = parse_holiday_date(item)
            dates.append(HolidayDate(year, month, day))
    ical = None
    if holidays.get("ical"):
        written = str(holidays["ical"])
        ical = read_ical((base or Path()) / written, written)
    zone = spec.get("timezone") or default_tz
    ticket_zone = zone == TICKET_ZONE
    if ticket_zone:
        zone = spec.get("default_timezone") or default_tz
    return Calendar(
        name=name,
        timezone=zone,
        ticket_zone=ticket_zone,
        ical=ical,
        week=tuple(tuple(sorted(d, key=lambda iv: iv.start)) for d in week),
        country=holidays.get("country"),
        subdivision=holidays.get("subdivision"),
        dates=tuple(dates),
        title=text_of(spec.get("title"))[0],
    )


def build_charter(data: dict[str, Any], path: str) -> Charter:
    """Turn a schema- and rule-valid document into the model (raises nothing on valid input)."""
    from charter_cli.measures import measure_for  # the measures import the model

    tz = data["timezone"]
    base = Path(path).parent
    calendars = {
        name: build_calendar(name, spec, tz, base) for name, spec in data["calendars"].items()
    }
    default = next(iter(calendars))
    channels = {
        name: Channel(
            name=name,
            calendar=(spec or {}).get("calendar") or default,
            title=text_of((spec or {}).get("title"))[0],
            contact=(spec or {}).get("contact"),
            match=tuple((spec or {}).get("match") or ()),
            titles=text_of((spec or {}).get("title"))[1],
        )
        for name, spec in data["channels"].items()
    }
    priorities = tuple(
        Priority(name=p) if isinstance(p, str) else
        Priority(
            name=p["name"],
            title=text_of(p.get("title"))[0],
            match=tuple(p.get("match") or ()),
            titles=text_of(p.get("title"))[1],
        )
        for p in data.get("priorities") or ()
    )  # fmt: skip
    promises: list[Promise] = []
    at_risk = data.get("at_risk", AT_RISK)
    for spec in data["promises"]:
        found = measure_for(spec["measure"])
        assert found is not None  # the schema allows no other
        start, stop, options = found.parse(spec["measure"])
        # a measure may take `where` keys for its instances (group_time: the groups measured)
        selector, options = found.take_where(parse_selector(spec.get("where")), options)
        between = spec.get("between")
        promises.append(
            Promise(
                id=spec["id"],
                title=text_of(spec.get("title"))[0],
                titles=text_of(spec.get("title"))[1],
                measure=found.name,
                start_field=start,
                stop_field=stop,
                where={m.field: m.values for m in selector.matches if not m.negated},
                calendar=spec.get("calendar"),
                within=_allowance(spec["within"]) if "within" in spec else Allowance(),
                target=parse_target(spec["target"]),
                between=(parse_duration(between[0]), parse_duration(between[1]))
                if between
                else None,
                pause_when=tuple(spec.get("pause_when") or ()),
                options=options,
                selector=selector,
                policy=spec.get("policy"),
                in_force=_in_force(spec.get("in_force")),
                at_risk=parse_target(spec.get("at_risk", at_risk)),
                reopens=spec.get("reopens", "final"),
                priority=spec.get("priority", "latest"),
            )
        )
    escalation = data.get("escalation") or {}
    levels = tuple(
        (name, tuple(groups) if isinstance(groups, list) else (groups,))
        for name, groups in (escalation.get("levels") or {}).items()
    )
    for index, rule in enumerate(escalation.get("rules") or (), start=1):
        promises.append(
            Promise(
                id=f"escalation-{index}",
                title=f"Escalated to {rule['to']} in time",
                measure="escalation",
                start_field="created_at",
                stop_field="resolved_at",
                where=_where(rule.get("where")),
                calendar=rule.get("calendar"),
                within=_allowance(rule["after"]),
                target=parse_target(rule.get("target", 1.0)),
                escalate_to=rule["to"],
                selector=parse_selector(rule.get("where")),
                at_risk=parse_target(rule.get("at_risk", at_risk)),
                pause_when=tuple(rule.get("pause_when") or ()),
                priority=rule.get("priority", "latest"),
            )
        )
    if escalation.get("forward_only"):
        promises.append(
            Promise(
                id=ESCALATION_ORDER,
                title="Never passed back down the escalation path",
                measure="escalation_order",
                start_field="created_at",
                stop_field="resolved_at",
                where={},
                calendar=None,
                within=Allowance(),
                target=1.0,
            )
        )
    return Charter(
        path=path,
        name=data["name"],
        timezone=tz,
        calendars=calendars,
        channels=channels,
        priorities=priorities,
        promises=tuple(promises),
        levels=levels,
        description=text_of(data.get("description"))[0],
        descriptions=text_of(data.get("description"))[1],
        level_titles={
            level: text_of(text)[1] or dict.fromkeys(LANGUAGES, str(text))
            for level, text in (escalation.get("titles") or {}).items()
        },
        exclude=parse_selectors(data.get("exclude")),
        coverage=parse_target(data["coverage"]) if "coverage" in data else None,
    )
