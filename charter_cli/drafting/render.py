"""The published charter: what a customer may expect, in plain sentences, in en, nb, sv or pl.

The document is built once as blocks (headings, paragraphs, lists) from the charter model, then
written as Markdown or as one self-contained HTML page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from html import escape
from zoneinfo import ZoneInfo

from charter_cli.charter.model import Calendar, Charter, HolidayDate, Promise
from charter_cli.charter.values import Duration, Interval
from charter_cli.errors import UsageError
from charter_cli.measures import measure_of
from charter_cli.measures.acknowledgement import MEASURE as ACKNOWLEDGEMENT
from charter_cli.measures.escalation import MEASURE as ESCALATION

LANGS = ("en", "nb", "sv", "pl")

WEEKDAYS = {
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    "nb": ["mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"],
    "sv": ["måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"],
    "pl": ["poniedziałek", "wtorek", "środa", "czwartek", "piątek", "sobota", "niedziela"],
}
MONTHS = {
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    "nb": [
        "januar",
        "februar",
        "mars",
        "april",
        "mai",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "desember",
    ],
    "sv": [
        "januari",
        "februari",
        "mars",
        "april",
        "maj",
        "juni",
        "juli",
        "augusti",
        "september",
        "oktober",
        "november",
        "december",
    ],
    # the genitive, as in "24 grudnia"
    "pl": [
        "stycznia",
        "lutego",
        "marca",
        "kwietnia",
        "maja",
        "czerwca",
        "lipca",
        "sierpnia",
        "września",
        "października",
        "listopada",
        "grudnia",
    ],
}
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

# (singular, plural) in English and the Scandinavian languages; Polish has (1, 2–4, 5+) forms in
# the genitive that "w ciągu" (within) and "od … do" govern: 1 minuty, 2 minut, 5 minut
UNITS = {
    "en": {
        "s": ("second", "seconds"),
        "m": ("minute", "minutes"),
        "h": ("hour", "hours"),
        "wh": ("working hour", "working hours"),
        "wd": ("working day", "working days"),
    },
    "nb": {
        "s": ("sekund", "sekunder"),
        "m": ("minutt", "minutter"),
        "h": ("time", "timer"),
        "wh": ("arbeidstime", "arbeidstimer"),
        "wd": ("virkedag", "virkedager"),
    },
    "sv": {
        "s": ("sekund", "sekunder"),
        "m": ("minut", "minuter"),
        "h": ("timme", "timmar"),
        "wh": ("arbetstimme", "arbetstimmar"),
        "wd": ("arbetsdag", "arbetsdagar"),
    },
    "pl": {
        "s": ("sekundy", "sekund"),
        "m": ("minuty", "minut"),
        "h": ("godziny", "godzin"),
        "wh": ("godziny roboczej", "godzin roboczych"),
        "wd": ("dnia roboczego", "dni roboczych"),
    },
}

TEXT = {
    "en": {
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
        "title": "{name}: nasze zobowiązania wobec klientów", "reach": "Jak się z nami skontaktować", "holidays": "Dni wolne",
        "promises": "Co obiecujemy", "after": "Poza godzinami pracy", "escalation": "Jeśli sprawa trwa dłużej",
        "always": "całą dobę", "every_day": "codziennie", "closed": "nieczynne", "and": "i",
        "day_night": ", całą dobę", "public": "Nieczynne w dni ustawowo wolne od pracy w {country}.",
        "pause": "Czas oczekiwania na Twoją odpowiedź nie jest wliczany.",
        "escalate": "Jeśli sprawa nie zostanie rozwiązana w ciągu {d}, przekazujemy ją do: {level}.",
        "target": "(nasz cel: {p} spraw)", "for": "{what}:", "priority": "{p}", "measure": "Co miesiąc sprawdzamy, jak dotrzymujemy tych zobowiązań.",
        "local": "według Twojego czasu lokalnego", "also_closed": "Nieczynne także:", "recurring": "cyklicznie",
    },
}  # fmt: skip


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
    names = WEEKDAYS[lang]
    out = []
    for first, last, text in open_runs:
        days = names[first] if first == last else f"{names[first]}–{names[last]}"
        out.append(f"{days} {text}")
    if not out:
        return words["closed"]
    local = f" ({words['local']})" if cal.ticket_zone else ""
    return ", ".join(out) + local


def duration_phrase(d: Duration, lang: str, *, business: bool) -> str:
    """`4 working hours`, `2 minutes`, `1 working day`; Polish in the genitive."""
    units = UNITS[lang]

    def count(n: int, unit: str) -> str:
        one, many = units[unit]
        if lang == "pl":
            return f"{n} {one if n == 1 else many}"
        return f"{n} {one if n == 1 else many}"

    if d.is_working_days:
        return count(d.working_days, "wd")
    h, rest = divmod(d.seconds, 3600)
    m, s = divmod(rest, 60)
    parts = []
    if h:
        parts.append(count(h, "wh" if business else "h"))
    if m:
        parts.append(count(m, "m"))
    if s or not parts:
        parts.append(count(s, "s"))
    return f" {TEXT[lang]['and']} ".join(parts)


def _date(d: HolidayDate, lang: str) -> str:
    month = MONTHS[lang][d.month - 1]
    day = f"{d.day}." if lang == "nb" else str(d.day)
    text = f"{day} {month}"
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


def _priority_label(name: str, charter: Charter) -> str:
    for p in charter.priorities:
        if p.name == name:
            return f"{p.name} ({p.title})" if p.title else p.name
    return name


def _scope(promise: Promise, charter: Charter, lang: str) -> str:
    parts = []
    channels = promise.where.get("channel")
    if channels:
        parts += [charter.channels[c].title or c if c in charter.channels else c for c in channels]
    priorities = promise.where.get("priority")
    if priorities and not promise.within.by_priority:
        parts += [_priority_label(p, charter) for p in priorities]
    if not parts:
        return ""
    joined = (
        ", ".join(parts[:-1]) + f" {TEXT[lang]['and']} " + parts[-1] if len(parts) > 1 else parts[0]
    )
    return TEXT[lang]["for"].format(what=joined) + " "


def _percent(value: float, lang: str) -> str:
    number = f"{value * 100:.1f}".rstrip("0").rstrip(".")
    if lang == "en":
        return f"{number}%"
    number = number.replace(".", ",")
    return f"{number}%" if lang == "pl" else f"{number} %"


def _promise_blocks(promise: Promise, charter: Charter, lang: str) -> list[Block]:
    measure = measure_of(promise.measure)
    words = {**TEXT[lang], **measure.sentences.get(lang, {})}  # the measure's own sentences
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
        return [] if measure is ESCALATION else [Block("p", (promise.title or promise.id) + target)]
    pause = " " + words["pause"] if promise.pause_when else ""
    if promise.within.by_priority:
        items = [
            f"{_priority_label(p, charter)}: {duration_phrase(d, lang, business=business)}"
            for p, d in promise.within.by_priority.items()
        ]
        intro = words[f"{key}_list"] if f"{key}_list" in words else words[key]
        suffix = when.lstrip(", ") if when else ""
        head = scope + intro + (f" ({suffix})" if suffix else "")
        return [Block("p", head), Block("ul", items), *([Block("p", (pause + target).strip())])]
    assert promise.within.default is not None
    sentence = words[key].format(
        d=duration_phrase(promise.within.default, lang, business=business), when=when
    )
    return [Block("p", scope + sentence + pause + target)]


def blocks(charter: Charter, lang: str) -> list[Block]:
    if lang not in LANGS:
        raise UsageError(f"--lang {lang}: choose one of {', '.join(LANGS)}")
    words = TEXT[lang]
    out = [Block("h1", words["title"].format(name=charter.name))]
    if charter.description:
        out.append(Block("p", charter.description))
    out.append(Block("h2", words["reach"]))
    lines = []
    for name, channel in charter.channels.items():
        cal = charter.calendars.get(channel.calendar)
        hours = hours_phrase(cal, lang) if cal else ""
        contact = f" ({channel.contact})" if channel.contact else ""
        lines.append(f"{channel.title or name}{contact}: {hours}")
    out.append(Block("ul", lines))
    holiday_lines = []
    for cal in charter.calendars.values():
        if cal.always or not (cal.country or cal.dates or cal.ical):
            continue
        users = [c.title or n for n, c in charter.channels.items() if c.calendar == cal.name]
        if not users:
            continue
        parts = []
        if cal.country:
            parts.append(
                words["public"].format(
                    country=COUNTRIES.get(cal.country, {}).get(lang, cal.country)
                )
            )
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
                    f"{duration_phrase(v, lang, business=business)} ({_priority_label(k, charter)})"
                    for k, v in rule.within.by_priority.items()
                )
            else:
                default = rule.within.default
                after = duration_phrase(default, lang, business=business) if default else ""
            out.append(Block("p", words["escalate"].format(d=after, level=rule.escalate_to)))
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
