"""Rules on the texts a published charter shows (`charter render --lang`): a charter that gives
its texts in several languages gives each of them in every one of those languages."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from charter_cli.charter.findings import Severity
from charter_cli.charter.load import PathKey
from charter_cli.charter.rules.base import Yield, rule

CUSTOM = "custom"  # a `{from, to}` pair: the published charter tells it by its title


def _texts(data: dict[str, Any]) -> Iterator[tuple[PathKey, Any, str]]:
    """(path, text as written or None, what it is) of every text `render` shows: the
    description, channel and priority titles (their names stand in), the level names of the
    escalation path, and the titles of promises told by their title."""
    if "description" in data:
        yield ("description",), data["description"], "the description"
    for name, spec in data["channels"].items():
        title = (spec or {}).get("title")
        path: PathKey = ("channels", name, "title") if title is not None else ("channels", name)
        yield path, title, f"channel {name}"
    for i, item in enumerate(data.get("priorities") or []):
        if isinstance(item, str):
            yield ("priorities", i), None, f"priority {item}"
        else:
            title = item.get("title")
            at: PathKey = ("priorities", i, "title") if title is not None else ("priorities", i)
            yield at, title, f"priority {item['name']}"
    escalation = data.get("escalation") or {}
    titles = escalation.get("titles") or {}
    for level in escalation.get("levels") or {}:
        if level in titles:
            yield ("escalation", "titles", level), titles[level], f"level {level}"
        elif escalation.get("rules"):
            yield ("escalation", "levels", level), None, f"level {level}"
    for i, spec in enumerate(data["promises"]):
        title = spec.get("title")
        if isinstance(title, dict) or (
            isinstance(spec.get("measure"), dict) and "from" in spec["measure"]
        ):
            yield (
                ("promises", i, "title") if title is not None else ("promises", i),
                title,
                f"promise {spec['id']}",
            )


def published_languages(data: dict[str, Any]) -> list[str]:
    """The languages a charter gives any of its texts in (the keys of its text maps)."""
    found: dict[str, None] = {}
    for _, text, _ in _texts(data):
        if isinstance(text, dict):
            found.update(dict.fromkeys(map(str, text)))
    for spec in data["calendars"].values():
        if isinstance(spec, dict) and isinstance(spec.get("title"), dict):
            found.update(dict.fromkeys(map(str, spec["title"])))
    return list(found)


@rule("missing-translation", Severity.WARNING)
def missing_translation(data: dict[str, Any]) -> Yield:
    """A charter that gives texts in several languages (`title: {en: E-mail, nb: E-post}`) gives
    every text the published charter shows in each of them: channel and priority titles, level
    titles (`escalation.titles`), the description; otherwise `charter render --lang` shows that
    text as written, in another language."""
    languages = published_languages(data)
    if len(languages) < 2:
        return
    for path, text, what in _texts(data):
        if isinstance(text, dict):
            missing = [lang for lang in languages if lang not in text]
            if missing:
                yield path, f"{what} has no {', '.join(missing)} text"
        elif text is None:
            yield path, f"{what} has no title: every language shows its name"
        else:
            yield path, f"{what} is one text for every language; give it in {', '.join(languages)}"
