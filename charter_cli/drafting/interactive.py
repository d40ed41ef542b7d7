"""The `charter init` questionnaire: a prompt per choice, the template's values as defaults."""

from __future__ import annotations

import difflib
from typing import Any

import typer

from charter_cli.charter.load import PathKey, parse_yaml
from charter_cli.charter.model import text_of
from charter_cli.charter.rules.calendars import countries_with_holidays, is_zone, zone_hint
from charter_cli.charter.values import ValueError_, parse_day_key, parse_duration, parse_intervals
from charter_cli.drafting.templates import template, templates


def _valid(check: Any, value: str) -> bool:
    try:
        check(value)
    except ValueError_ as exc:
        typer.echo(f"  {exc}", err=True)
        return False
    return True


def _ask(text: str, default: str, check: Any = None) -> str:
    while True:
        answer = str(typer.prompt(text, default=default)).strip()
        if check is None or _valid(check, answer):
            return answer


def _template_name(pick: str) -> str:
    """The template a pick names (its number in the list, or its name), or ValueError_."""
    names = list(templates())
    if pick.isdigit() and 0 < int(pick) <= len(names):
        return names[int(pick) - 1]
    if pick not in names:
        hint = difflib.get_close_matches(pick, names, n=1)
        suggestion = f"did you mean {hint[0]!r}?" if hint else f"choose 1 to {len(names)}"
        raise ValueError_(f"no template {pick!r}; {suggestion}")
    return pick


def known_zone(zone: str) -> None:
    """An IANA zone, or ValueError_ with a did-you-mean (the charter's own rule's words)."""
    if not is_zone(zone):
        raise ValueError_(f"{zone!r} is not an IANA time zone{zone_hint(zone)}")


def known_country(code: str) -> None:
    """A country the holidays library knows, or ValueError_ with a did-you-mean."""
    known = countries_with_holidays()
    if code not in known:
        hint = difflib.get_close_matches(code, known, n=1)
        raise ValueError_(
            f"no public holidays are known for country {code!r}"
            + (f" (did you mean {hint[0]!r}?)" if hint else "; give an ISO code such as NO or DE")
        )


def _name(text: str) -> None:
    if not text.strip():
        raise ValueError_("a charter needs a name")


def questionnaire(chosen: str | None) -> dict[str, Any]:
    """Ask, and return the arguments of `draft`. Every answer is checked as it is given and asked
    again when it is wrong, so no answer is lost to a mistake found at the end."""
    names = list(templates())
    if chosen is None:
        for i, name in enumerate(names, start=1):
            typer.echo(f"  {i}. {name:<16} {templates()[name].summary}")
        chosen = _template_name(_ask("Template (number or name)", "online-shop", _template_name))
    doc = parse_yaml(template(chosen).text, chosen)
    data = doc.data
    answers: dict[str, Any] = {"name_of_template": chosen}
    answers["name"] = _ask("Name customers know you by", data["name"], _name)
    answers["timezone"] = _ask("Time zone (IANA, e.g. Europe/Oslo)", data["timezone"], known_zone)
    countries = [
        s["holidays"]["country"]
        for s in data["calendars"].values()
        if isinstance(s, dict) and (s.get("holidays") or {}).get("country")
    ]
    if countries:
        answers["country"] = _ask(
            "Country whose public holidays close you (ISO code)",
            countries[0],
            lambda text: known_country(text.upper()),
        ).upper()
    values: dict[PathKey, Any] = {}
    for cal, spec in data["calendars"].items():
        if not isinstance(spec, dict):
            continue
        for day_key, hours in spec["hours"].items():
            if isinstance(hours, str) and _valid(parse_day_key, day_key):
                answer = _ask(f"Opening hours of {cal} on {day_key}", hours, parse_intervals)
                if answer != hours:
                    values[("calendars", cal, "hours", day_key)] = answer
    for i, promise in enumerate(data["promises"]):
        if (
            promise.get("measure") not in ("first_response", "resolution")
            or "within" not in promise
        ):
            continue
        label = text_of(promise.get("title"))[0] or promise["id"]  # one text or one per language
        within = promise["within"]
        if isinstance(within, dict):
            for priority, duration in within.items():
                answer = _ask(f"{label} — {priority}", str(duration), parse_duration)
                if answer != str(duration):
                    values[("promises", i, "within", priority)] = answer
        else:
            answer = _ask(f"{label}", str(within), parse_duration)
            if answer != str(within):
                values[("promises", i, "within")] = answer
    answers["values"] = values
    if data.get("escalation"):
        levels = " → ".join(data["escalation"]["levels"])
        answers["drop_escalation"] = not typer.confirm(
            f"Keep the escalation path ({levels})?", default=True
        )
    follow = next((p for p in data["promises"] if p.get("measure") == "follow_up"), None)
    if follow is not None or typer.confirm("Follow up after complaints?", default=False):
        low, high = follow["between"] if follow else ("24h", "48h")
        answers["follow_up"] = (
            _ask("Follow up no sooner than", str(low), parse_duration),
            _ask("and no later than", str(high), parse_duration),
        )
    return answers
