"""The `charter init` questionnaire: a prompt per choice, the template's values as defaults."""

from __future__ import annotations

from typing import Any

import typer

from charter_cli.charter.load import PathKey, parse_yaml
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


def questionnaire(chosen: str | None) -> dict[str, Any]:
    """Ask, and return the arguments of `draft`."""
    names = list(templates())
    if chosen is None:
        for i, name in enumerate(names, start=1):
            typer.echo(f"  {i}. {name:<16} {templates()[name].summary}")
        pick = _ask("Template (number or name)", "online-shop")
        chosen = names[int(pick) - 1] if pick.isdigit() and 0 < int(pick) <= len(names) else pick
    doc = parse_yaml(template(chosen).text, chosen)
    data = doc.data
    answers: dict[str, Any] = {"name_of_template": chosen}
    answers["name"] = _ask("Name customers know you by", data["name"])
    answers["timezone"] = _ask("Time zone (IANA, e.g. Europe/Oslo)", data["timezone"])
    countries = [
        s["holidays"]["country"]
        for s in data["calendars"].values()
        if isinstance(s, dict) and (s.get("holidays") or {}).get("country")
    ]
    if countries:
        answers["country"] = _ask(
            "Country whose public holidays close you (ISO code)", countries[0]
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
        label = promise.get("title") or promise["id"]
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
