"""The published charter: what a customer may expect, in plain sentences, in en, nb, sv or pl.

The document is built once as blocks (headings, paragraphs, lists) from the charter model, then
written as Markdown or as one self-contained HTML page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from html import escape
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_percent

from charter_cli.charter.model import Calendar, Charter, HolidayDate, Promise, in_language
from charter_cli.charter.values import Duration, Interval
from charter_cli.errors import UsageError
from charter_cli.measures import measure_of
from charter_cli.measures.acknowledgement import MEASURE as ACKNOWLEDGEMENT
from charter_cli.measures.escalation import MEASURE as ESCALATION

LANGS = ("en", "nb", "sv", "pl")

COUNTRIES = {
    "NO": {"en": "Norway", "nb": "Norge", "sv": "Norge", "pl": "Norwegii"},
    "SE": {"en": "Sweden", "nb": "Sverige", "sv": "Sverige", "pl": "Szwecji"},
    "DK": {"en": "Denmark", "nb": "Danmark", "sv": "Danmark", "pl": "Danii"},
    "FI": {"en": "Finland", "nb": "Finland", "sv": "Finland", "pl": "Finlandii"},
    "PL": {"en": "Poland", "nb": "Polen", "sv": "Polen", "pl": "Polsce"},
    "DE": {"en": "Germany", "nb": "Tyskland", "sv": "Tyskland", "pl": "Niemczech"},
    "GB": {
        "en": "the United Kingdom",
        "nb": "Storbritannia",
        "sv": "Storbritannien",
        "pl": "Wielkiej Brytanii",
    },
    "IE": {"en": "Ireland", "nb": "Irland", "sv": "Irland", "pl": "Irlandii"},
    "US": {"en": "the United States", "nb": "USA", "sv": "USA", "pl": "Stanach Zjednoczonych"},
}

# Each unit's forms by CLDR plural category (Babel's rules pick the category of a count): English
# and the Scandinavian languages have one and other; Polish has one (1), few (2–4, 22–24, …) and
# many (5–21, 25, …), in the nominative ("nie dłużej niż 2 godziny") and in the genitive that
# "w ciągu" (within) and "od … do" govern ("w ciągu 1 godziny", "2 godzin", "5 godzin").
# `w…` units are business time: the first unit of a duration on a business calendar says so.
Forms = dict[str, str]
UNITS: dict[str, dict[str, Forms]] = {
    "en": {
        "s": {"one": "second", "other": "seconds"},
        "m": {"one": "minute", "other": "minutes"},
        "h": {"one": "hour", "other": "hours"},
        "ws": {"one": "working second", "other": "working seconds"},
        "wm": {"one": "working minute", "other": "working minutes"},
        "wh": {"one": "working hour", "other": "working hours"},
        "wd": {"one": "working day", "other": "working days"},
    },
    "nb": {
        "s": {"one": "sekund", "other": "sekunder"},
        "m": {"one": "minutt", "other": "minutter"},
        "h": {"one": "time", "other": "timer"},
        "ws": {"one": "arbeidssekund", "other": "arbeidssekunder"},
        "wm": {"one": "arbeidsminutt", "other": "arbeidsminutter"},
        "wh": {"one": "arbeidstime", "other": "arbeidstimer"},
        "wd": {"one": "virkedag", "other": "virkedager"},
    },
    "sv": {
        "s": {"one": "sekund", "other": "sekunder"},
        "m": {"one": "minut", "other": "minuter"},
        "h": {"one": "timme", "other": "timmar"},
        "ws": {"one": "arbetssekund", "other": "arbetssekunder"},
        "wm": {"one": "arbetsminut", "other": "arbetsminuter"},
        "wh": {"one": "arbetstimme", "other": "arbetstimmar"},
        "wd": {"one": "arbetsdag", "other": "arbetsdagar"},
    },
    "pl": {  # the genitive
        "s": {"one": "sekundy", "few": "sekund", "many": "sekund"},
        "m": {"one": "minuty", "few": "minut", "many": "minut"},
        "h": {"one": "godziny", "few": "godzin", "many": "godzin"},
        "ws": {"one": "sekundy roboczej", "few": "sekund roboczych", "many": "sekund roboczych"},
        "wm": {"one": "minuty roboczej", "few": "minut roboczych", "many": "minut roboczych"},
        "wh": {"one": "godziny roboczej", "few": "godzin roboczych", "many": "godzin roboczych"},
        "wd": {"one": "dnia roboczego", "few": "dni roboczych", "many": "dni roboczych"},
    },
    "pl-nominative": {
        "s": {"one": "sekunda", "few": "sekundy", "many": "sekund"},
        "m": {"one": "minuta", "few": "minuty", "many": "minut"},
        "h": {"one": "godzina", "few": "godziny", "many": "godzin"},
        "ws": {"one": "sekunda robocza", "few": "sekundy robocze", "many": "sekund roboczych"},
        "wm": {"one": "minuta robocza", "few": "minuty robocze", "many": "minut roboczych"},
        "wh": {"one": "godzina robocza", "few": "godziny robocze", "many": "godzin roboczych"},
        "wd": {"one": "dzień roboczy", "few": "dni robocze", "many": "dni roboczych"},
    },
}

TEXT = {
    "en": {
        "reopen_each": "Each time a case is reopened, the time starts again.",
        "at_creation": "The time follows the priority your case was given when it was opened.",
        "forward_only": "Once your case has moved up, it is not passed back down.",
        "title": "{name}: our service promise", "reach": "How to reach us", "holidays": "Holidays",
        "promises": "What we promise", "after": "Outside opening hours", "escalation": "If your case takes longer",
        "always": "around the clock", "every_day": "every day", "closed": "closed", "and": "and",
        "day_night": ", day and night", "public": "Closed on public holidays in {country}.",
        "pause": "Time we spend waiting for your answer is not counted.",
        "escalate": "If your case is not solved within {d}, we hand it to {level}.",
        "target": "(our target: {p} of cases)", "for": "For {what}:", "priority": "{p}", "measure": "We measure every month how well we keep these promises.",
        "local": "your local time", "also_closed": "Also closed:", "recurring": "recurring",
    },
    "nb": {
        "reopen_each": "Hver gang saken åpnes igjen, starter tiden på nytt.",
        "at_creation": "Tiden følger prioriteten saken fikk da den ble opprettet.",
        "forward_only": "Når saken først er sendt videre, sendes den ikke tilbake.",
        "title": "{name}: vårt serviceløfte", "reach": "Slik når du oss", "holidays": "Helligdager",
        "promises": "Dette lover vi", "after": "Utenfor åpningstiden", "escalation": "Hvis saken din tar lengre tid",
        "always": "hele døgnet", "every_day": "alle dager", "closed": "stengt", "and": "og",
        "day_night": ", hele døgnet", "public": "Stengt på offentlige fridager i {country}.",
        "pause": "Tiden vi venter på svar fra deg, regnes ikke med.",
        "escalate": "Er saken ikke løst innen {d}, går den videre til {level}.",
        "target": "(vårt mål: {p} av sakene)", "for": "For {what}:", "priority": "{p}", "measure": "Hver måned måler vi hvor godt vi holder disse løftene.",
        "local": "din lokale tid", "also_closed": "Også stengt:", "recurring": "gjentas",
    },
    "sv": {
        "reopen_each": "Varje gång ärendet öppnas igen börjar tiden om.",
        "at_creation": "Tiden följer den prioritet ärendet fick när det skapades.",
        "forward_only": "När ärendet väl har skickats vidare skickas det inte tillbaka.",
        "title": "{name}: vårt servicelöfte", "reach": "Så når du oss", "holidays": "Helgdagar",
        "promises": "Det här lovar vi", "after": "Utanför öppettiderna", "escalation": "Om ditt ärende tar längre tid",
        "always": "dygnet runt", "every_day": "alla dagar", "closed": "stängt", "and": "och",
        "day_night": ", dygnet runt", "public": "Stängt på allmänna helgdagar i {country}.",
        "pause": "Tid då vi väntar på svar från dig räknas inte.",
        "escalate": "Är ärendet inte löst inom {d} går det vidare till {level}.",
        "target": "(vårt mål: {p} av ärendena)", "for": "För {what}:", "priority": "{p}", "measure": "Varje månad mäter vi hur väl vi håller de här löftena.",
        "local": "din lokala tid", "also_closed": "Även stängt:", "recurring": "återkommande",
    },
    "pl": {
        "reopen_each": "Za każdym razem, gdy sprawa zostanie ponownie otwarta, czas liczymy od nowa.",
        "at_creation": "Czas zależy od priorytetu nadanego sprawie przy jej zgłoszeniu.",
        "forward_only": "Sprawa przekazana wyżej nie wraca na niższy poziom.",
        "title": "{name}: nasze zobowiązania wobec klientów", "reach": "Jak się z nami skontaktować", "holidays": "Dni wolne",
        "promises": "Co obiecujemy", "after": "Poza godzinami pracy", "escalation": "Jeśli sprawa trwa dłużej",
        "always": "całą dobę", "every_day": "codziennie", "closed": "nieczynne", "and": "i",
        "day_night": ", całą dobę", "public": "Nieczynne w dni ustawowo wolne od pracy w {country}.",
        "pause": "Czas oczekiwania na Twoją odpowiedź nie jest wliczany.",
        "escalate": "Jeśli sprawa nie zostanie rozwiązana w ciągu {d}, przekazujemy ją na wyższy poziom ({level}).",
        "target": "(nasz cel: {p} spraw)", "for": "{what}:", "priority": "{p}", "measure": "Co miesiąc sprawdzamy, jak dotrzymujemy tych zobowiązań.",
        "local": "według Twojego czasu lokalnego", "also_closed": "Nieczynne także:", "recurring": "cyklicznie",
    },
}  # fmt: skip


def country_name(code: str, lang: str) -> str:
    """A country as the holiday sentence needs it: our table (Polish in the locative, English
    with its article), else CLDR's name through Babel, else the code."""
    known = COUNTRIES.get(code, {}).get(lang)
    if known is not None:
        return known
    name = _locale(lang).territories.get(code)
    if name is None or lang == "pl":  # no locative for other countries: name it beside
        return f"{name or code}" if lang != "pl" else f"kraju {name or code}"
    return str(name)


@dataclass(frozen=True)
class Block:
    kind: str  # "h1", "h2", "p", "ul"
    text: str | list[str]


def _time(minutes: int, lang: str) -> str:
    h, m = divmod(minutes, 60)
    if lang in ("nb", "sv"):
        return f"{h:02d}.{m:02d}"
    if lang == "pl":
        return f"{h}:{m:02d}"
    return f"{h:02d}:{m:02d}"


def _interval(iv: Interval, lang: str) -> str:
    end = iv.end if iv.end <= 1440 else iv.end - 1440
    return f"{_time(iv.start, lang)}–{_time(end, lang)}"


def _day_hours(intervals: tuple[Interval, ...], lang: str) -> str:
    parts = [_interval(iv, lang) for iv in intervals]
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + f" {TEXT[lang]['and']} " + parts[-1]


def hours_phrase(cal: Calendar, lang: str) -> str:
    """`Monday–Friday 08:00–16:00, Saturday 10:00–14:00`, `around the clock`, …"""
    words = TEXT[lang]
    if cal.always:
        return words["always"]
    runs: list[tuple[int, int, str]] = []
    for day in range(7):
        text = _day_hours(cal.week[day], lang)
        if runs and runs[-1][2] == text and runs[-1][1] == day - 1:
            runs[-1] = (runs[-1][0], day, text)
        else:
            runs.append((day, day, text))
    open_runs = [r for r in runs if r[2]]
    if len(open_runs) == 1 and open_runs[0][:2] == (0, 6):
        local = f" ({words['local']})" if cal.ticket_zone else ""
        return f"{words['every_day']} {open_runs[0][2]}{local}"
    names = weekdays(lang)
    out = []
    for first, last, text in open_runs:
        days = names[first] if first == last else f"{names[first]}–{names[last]}"
        out.append(f"{days} {text}")
    if not out:
        return words["closed"]
    local = f" ({words['local']})" if cal.ticket_zone else ""
    return ", ".join(out) + local


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(lang)


def weekdays(lang: str) -> list[str]:
    """Monday first, as the language writes them in a sentence (CLDR, through Babel)."""
    wide = _locale(lang).days["format"]["wide"]
    return [str(wide[i]) for i in range(7)]


def plural(n: int, lang: str) -> str:
    """The CLDR plural category of a count in the language: one, few, many or other."""
    return str(_locale(lang).plural_form(n))


def duration_phrase(d: Duration, lang: str, *, business: bool, nominative: bool = False) -> str:
    """`4 working hours`, `30 working minutes`, `2 minutes`, `1 working day`. On a business
    calendar the first unit says "working" (the clock runs in opening hours only). Polish in
    the genitive that "w ciągu" governs, or in the nominative."""
    units = UNITS["pl-nominative" if lang == "pl" and nominative else lang]

    def count(n: int, unit: str) -> str:
        forms = units[unit]
        return f"{n} {forms.get(plural(n, lang), forms.get('other', forms.get('many', '')))}"

    if d.is_working_days:
        return count(d.working_days, "wd")
    h, rest = divmod(d.seconds, 3600)
    m, s = divmod(rest, 60)
    parts: list[tuple[int, str]] = []
    if h:
        parts.append((h, "h"))
    if m:
        parts.append((m, "m"))
    if s or not parts:
        parts.append((s, "s"))
    words = [
        count(n, ("w" + unit) if business and k == 0 else unit) for k, (n, unit) in enumerate(parts)
    ]
    return f" {TEXT[lang]['and']} ".join(words)


def _date(d: HolidayDate, lang: str) -> str:
    """`24 December`, `24. desember`, `24 grudnia` (CLDR's month in its date form)."""
    pattern = "d. MMMM" if lang == "nb" else "d MMMM"
    text = str(format_date(date(d.year or 2000, d.month, d.day), pattern, locale=lang))
    return f"{text} {d.year}" if d.year else text


def _day(day: date, lang: str) -> str:
    return _date(HolidayDate(day.year, day.month, day.day), lang)


def _ical_items(cal: Calendar, lang: str) -> list[str]:
    """The closures of a calendar's iCalendar file as a customer reads them: each date (or span
    of dates) and, for a timed one, its hours in the calendar's zone, with the event's name;
    a recurring event by its name and hours."""
    assert cal.ical is not None
    zone = ZoneInfo(cal.timezone)
    items: list[tuple[str, str]] = []
    for event in cal.ical.events:
        start, end = event.start, event.end
        if isinstance(start, datetime) and isinstance(end, datetime):
            a = (start if start.tzinfo else start.replace(tzinfo=zone)).astimezone(zone)
            b = (end if end.tzinfo else end.replace(tzinfo=zone)).astimezone(zone)
            hours = f"{_time(a.hour * 60 + a.minute, lang)}–{_time(b.hour * 60 + b.minute, lang)}"
            when = f"{_day(a.date(), lang)} {hours}"
            key = a.date().isoformat()
        else:
            first = start.date() if isinstance(start, datetime) else start
            last = (end.date() if isinstance(end, datetime) else end) - timedelta(days=1)
            when = _day(first, lang) if last <= first else f"{_day(first, lang)}–{_day(last, lang)}"
            hours = ""
            key = first.isoformat()
        if event.rules or event.rdates:
            when = f"{hours} ({TEXT[lang]['recurring']})" if hours else TEXT[lang]["recurring"]
            key = "~" + key  # after the dated ones
        items.append((key, f"{when}: {event.name}" if when else event.name))
    return [text for _, text in sorted(items)]


def _calendar_of(promise: Promise, charter: Charter) -> Calendar | None:
    """The one calendar a promise runs on, or None when it depends on the channel."""
    names = charter.calendars_of(promise)
    if len(names) != 1 or (names[0] not in charter.calendars and names[0] != "24/7"):
        return None
    return charter.calendar(names[0])


def _priority_label(name: str, charter: Charter, lang: str) -> str:
    """A priority as customers read it: its title in the language (after its name when the name
    is a code such as P1), else `name (title)`, else its name."""
    for p in charter.priorities:
        if p.name == name:
            if lang in p.titles:
                title = p.titles[lang]
                return f"{p.name} ({title})" if any(ch.isdigit() for ch in p.name) else title
            return f"{p.name} ({p.title})" if p.title else p.name
    return name


def channel_title(name: str, charter: Charter, lang: str) -> str:
    channel = charter.channels.get(name)
    if channel is None:
        return name
    return in_language(channel.title, channel.titles, lang) or name


def level_title(level: str | None, charter: Charter, lang: str) -> str:
    return charter.level_titles.get(str(level), {}).get(lang, str(level))


SCOPE = {
    "en": {"or": "or", "tagged": "cases tagged {v}", "except": "all except {v}",
           "from": "From {a}", "through": "Through {b}", "span": "From {a} through {b}",
           "otherwise": "Otherwise"},
    "nb": {"or": "eller", "tagged": "saker merket {v}", "except": "alle unntatt {v}",
           "from": "Fra {a}", "through": "Til og med {b}", "span": "Fra {a} til og med {b}",
           "otherwise": "Ellers"},
    "sv": {"or": "eller", "tagged": "ärenden märkta {v}", "except": "alla utom {v}",
           "from": "Från {a}", "through": "Till och med {b}", "span": "Från {a} till och med {b}",
           "otherwise": "Annars"},
    "pl": {"or": "lub", "tagged": "sprawy oznaczone {v}", "except": "wszystkie oprócz {v}",
           "from": "Od {a}", "through": "Do {b}", "span": "Od {a} do {b}",
           "otherwise": "W pozostałych przypadkach"},
}  # fmt: skip


def date_phrase(text: str, lang: str) -> str:
    """`2026-07-01` → `1 July 2026`, `1. juli 2026`, `1 juli 2026`, `1 lipca 2026`."""
    year, month, day = (int(x) for x in text.split("-"))
    return _date(HolidayDate(year, month, day), lang)


def in_force_phrase(promise: Promise, lang: str) -> str:
    """When a promise holds, as a customer reads it: `From 1 July 2026`, `Through 30 June 2026`
    (`until` is the first day it no longer holds: the day before is said)."""
    span = promise.in_force
    if span is None or not (span.start or span.end):
        return ""
    words = SCOPE[lang]
    last = None
    if span.end:
        last = (date.fromisoformat(span.end) - timedelta(days=1)).isoformat()
    key = "span" if span.start and last else "from" if span.start else "through"
    a = date_phrase(span.start, lang) if span.start else ""
    b = date_phrase(last, lang) if last else ""
    return words[key].format(a=a, b=b)


def _values(names: list[str], lang: str) -> str:
    word = SCOPE[lang]["or"]
    return ", ".join(names[:-1]) + f" {word} " + names[-1] if len(names) > 1 else names[0]


def _selector_parts(promise: Promise, charter: Charter, lang: str) -> list[str]:
    """The `where` a customer can read: channels and priorities by their titles, tags, custom
    fields by name, and `not` as "all except"."""
    words = SCOPE[lang]
    parts: list[str] = []
    for m in promise.selector.matches:
        if m.field == "channel":
            names = [channel_title(c, charter, lang) for c in m.values]
        elif m.field == "priority":
            if promise.within.by_priority and not m.negated:
                continue
            names = [_priority_label(p, charter, lang) for p in m.values]
        elif m.field == "tags":
            names = [words["tagged"].format(v=_values(list(m.values), lang))]
        elif m.field.startswith("fields."):
            label = m.field.removeprefix("fields.").replace("_", " ")
            names = [f"{label} {_values(list(m.values), lang)}"]
        else:
            names = list(m.values)
        if m.negated:
            parts.append(words["except"].format(v=_values(names, lang)))
        else:
            parts += names
    return parts


def _otherwise(promise: Promise, charter: Charter) -> bool:
    """A later member of a policy group: it applies only where no earlier one does."""
    if promise.policy is None:
        return False
    for other in charter.promises:
        if other.id == promise.id:
            return False
        if other.policy == promise.policy and other.selector:
            return True
    return False


def _scope(promise: Promise, charter: Charter, lang: str) -> str:
    """Who the promise is for (`For chat:`), when it holds (`From 1 July 2026,`) and, in a
    policy group after a narrower member, `Otherwise,`."""
    parts = _selector_parts(promise, charter, lang)
    lead = in_force_phrase(promise, lang)
    if _otherwise(promise, charter):
        lead = f"{lead}, {SCOPE[lang]['otherwise'].lower()}" if lead else SCOPE[lang]["otherwise"]
    if not parts:
        return f"{lead}: " if lead else ""
    joined = (
        ", ".join(parts[:-1]) + f" {TEXT[lang]['and']} " + parts[-1] if len(parts) > 1 else parts[0]
    )
    said = TEXT[lang]["for"].format(what=joined)
    if lead:  # `From 1 July 2026, for e-mail:`
        return f"{lead}, {said[:1].lower()}{said[1:]} "
    return f"{said[:1].upper()}{said[1:]} "


def _percent(value: float, lang: str) -> str:
    """`99.5%`, `99,5 %` (with a no-break space), `99,5%`: CLDR's percent, every decimal kept."""
    return str(format_percent(round(value, 6), locale=lang, decimal_quantization=False))


class _Kept(dict[str, str]):
    """Format arguments that leave a placeholder not given as it is (`{d}` in an intro)."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _promise_blocks(promise: Promise, charter: Charter, lang: str) -> list[Block]:
    measure = measure_of(promise.measure)
    words = {**TEXT[lang], **measure.sentences.get(lang, {})}  # the measure's own sentences
    said = measure.sentence_args(promise, lang)  # what its sentences say besides the duration
    cal = _calendar_of(promise, charter)
    business = cal is None or not cal.always
    when = (
        words["day_night"]
        if cal is not None and cal.always
        else (f", {hours_phrase(cal, lang)}" if cal else "")
    )
    target = " " + words["target"].format(p=_percent(promise.target, lang))
    scope = _scope(promise, charter, lang)
    key = measure.sentence
    if key == "due":
        return [Block("p", scope + words["due"] + target)]
    if key == "follow" and promise.between:
        a = duration_phrase(promise.between[0], lang, business=False)
        b = duration_phrase(promise.between[1], lang, business=False)
        return [Block("p", scope + words["follow"].format(a=a, b=b) + target)]
    if key is None:
        # escalation rules are told with the escalation path; a custom pair by its title
        title = in_language(promise.title, promise.titles, lang) or promise.id
        told_apart = measure is ESCALATION or promise.measure == "escalation_order"
        return [] if told_apart else [Block("p", title + target)]
    pause = " " + words["pause"] if promise.pause_when else ""
    if promise.reopens == "each" and measure.reopenable(promise):
        pause += " " + words["reopen_each"]
    if promise.priority == "at_creation" and promise.within.by_priority:
        pause += " " + words["at_creation"]
    if promise.within.by_priority:
        listed = f"{key}_list" in words  # an intro after which a duration stands in the nominative
        items = [
            f"{_priority_label(p, charter, lang)}: "
            + duration_phrase(d, lang, business=business, nominative=listed)
            for p, d in promise.within.by_priority.items()
        ]
        intro = (words[f"{key}_list"] if listed else words[key]).format_map(_Kept(said))
        suffix = when.lstrip(", ") if when else ""
        if suffix:  # the hours before the colon that opens the list
            intro = intro[:-1] + f" ({suffix}):" if intro.endswith(":") else intro + f" ({suffix})"
        head = scope + intro
        return [Block("p", head), Block("ul", items), *([Block("p", (pause + target).strip())])]
    assert promise.within.default is not None
    sentence = words[key].format(
        d=duration_phrase(promise.within.default, lang, business=business), when=when, **said
    )
    return [Block("p", scope + sentence + pause + target)]


def blocks(charter: Charter, lang: str) -> list[Block]:
    if lang not in LANGS:
        raise UsageError(f"--lang {lang}: choose one of {', '.join(LANGS)}")
    words = TEXT[lang]
    out = [Block("h1", words["title"].format(name=charter.name))]
    description = in_language(charter.description, charter.descriptions, lang)
    if description:
        out.append(Block("p", description))
    out.append(Block("h2", words["reach"]))
    lines = []
    for name, channel in charter.channels.items():
        cal = charter.calendars.get(channel.calendar)
        hours = hours_phrase(cal, lang) if cal else ""
        contact = f" ({channel.contact})" if channel.contact else ""
        lines.append(f"{channel_title(name, charter, lang)}{contact}: {hours}")
    out.append(Block("ul", lines))
    holiday_lines = []
    for cal in charter.calendars.values():
        if cal.always or not (cal.country or cal.dates or cal.ical):
            continue
        users = [
            channel_title(n, charter, lang)
            for n, c in charter.channels.items()
            if c.calendar == cal.name
        ]
        if not users:
            continue
        parts = []
        if cal.country:
            parts.append(words["public"].format(country=country_name(cal.country, lang)))
        for d in cal.dates:
            parts.append(
                f"{_date(d, lang)}: {_day_hours(d.intervals, lang) if d.intervals else words['closed']}."
            )
        if cal.ical is not None and cal.ical.events:
            parts.append(f"{words['also_closed']} {'; '.join(_ical_items(cal, lang))}.")
        holiday_lines.append(f"{', '.join(users)}: " + " ".join(parts))
    if holiday_lines:
        out += [Block("h2", words["holidays"]), Block("ul", holiday_lines)]
    out.append(Block("h2", words["promises"]))
    for promise in charter.promises:
        out += _promise_blocks(promise, charter, lang)

    def always_open(p: Promise) -> bool:
        cal = _calendar_of(p, charter)
        return cal is not None and cal.always

    acks = [
        p
        for p in charter.promises
        if measure_of(p.measure) is ACKNOWLEDGEMENT and always_open(p) and p.within.default
    ]
    office_channels = [
        c
        for c in charter.channels.values()
        if not getattr(charter.calendars.get(c.calendar), "always", True)
    ]
    if acks and office_channels:
        first_ack = acks[0].within.default
        assert first_ack is not None
        quick = duration_phrase(first_ack, lang, business=False)
        out += [
            Block("h2", words["after"]),
            Block("p", ACKNOWLEDGEMENT.sentences[lang]["ack_after"].format(d=quick)),
        ]
    rules = [p for p in charter.promises if measure_of(p.measure) is ESCALATION]
    if rules:
        out.append(Block("h2", words["escalation"]))
        for rule in rules:
            cal = _calendar_of(rule, charter)
            business = cal is None or not cal.always
            if rule.within.by_priority:
                after = ", ".join(
                    f"{duration_phrase(v, lang, business=business)} ({_priority_label(k, charter, lang)})"
                    for k, v in rule.within.by_priority.items()
                )
            else:
                default = rule.within.default
                after = duration_phrase(default, lang, business=business) if default else ""
            level = level_title(rule.escalate_to, charter, lang)
            told = words["escalate"].format(d=after, level=level)
            if rule.pause_when:
                told += " " + words["pause"]
            out.append(Block("p", told))
        if any(p.measure == "escalation_order" for p in charter.promises):
            out.append(Block("p", words["forward_only"]))
    out.append(Block("p", words["measure"]))
    return out


def _markdown_text(text: str) -> str:
    for ch in "\\`*_[]<>#|":
        text = text.replace(ch, "\\" + ch)
    return text


def render_markdown(charter: Charter, lang: str) -> str:
    lines: list[str] = []
    for block in blocks(charter, lang):
        if block.kind == "h1":
            lines += [f"# {_markdown_text(str(block.text))}", ""]
        elif block.kind == "h2":
            lines += [f"## {_markdown_text(str(block.text))}", ""]
        elif block.kind == "ul":
            lines += [f"- {_markdown_text(item)}" for item in block.text] + [""]
        else:
            lines += [_markdown_text(str(block.text)), ""]
    return "\n".join(lines).rstrip() + "\n"


STYLE = (
    "body{font:16px/1.55 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;max-width:760px;margin:2rem auto;"
    "padding:0 1rem;color:#1f2937}h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem}li{margin:.25rem 0}"
)


def render_html(charter: Charter, lang: str) -> str:
    body = []
    title = ""
    for block in blocks(charter, lang):
        if block.kind == "h1":
            title = escape(str(block.text))
            body.append(f"<h1>{title}</h1>")
        elif block.kind == "h2":
            body.append(f"<h2>{escape(str(block.text))}</h2>")
        elif block.kind == "ul":
            body.append(
                "<ul>" + "".join(f"<li>{escape(item)}</li>" for item in block.text) + "</ul>"
            )
        else:
            body.append(f"<p>{escape(str(block.text))}</p>")
    return (
        f'<!doctype html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{title}</title>\n'
        f"<style>{STYLE}</style>\n</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n"
    )
