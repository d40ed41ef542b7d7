"""The shipped templates (package data: charters/templates), and drafting a charter from one
while keeping every comment: values are replaced where they stand, using the loader's line and
column marks, never by writing the YAML out again."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from charter_cli.charter.findings import Severity
from charter_cli.charter.load import Document, PathKey, parse_yaml
from charter_cli.charter.rules import run_rules
from charter_cli.charter.schema import SCHEMA_FILE, check_schema, schema_text
from charter_cli.errors import CharterError, UsageError

SCHEMA_LINE = re.compile(r"^# yaml-language-server: \$schema=.*$", re.M)
SUMMARY = re.compile(r"^# template: (.+)$", re.M)
PLAIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _./:+()–-]*$")
RESERVED = re.compile(
    r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~)$"
)


@dataclass(frozen=True)
class Template:
    name: str
    summary: str
    text: str


@cache
def templates() -> dict[str, Template]:
    """Every shipped template by name (its file name without `.yaml`)."""
    folder = resources.files("charter_cli").joinpath("charters", "templates")
    out = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            text = entry.read_text(encoding="utf-8")
            found = SUMMARY.search(text)
            out[entry.name[: -len(".yaml")]] = Template(
                entry.name[:-5], found.group(1) if found else "", text
            )
    return out


def template(name: str) -> Template:
    found = templates().get(name)
    if found is None:
        raise UsageError(f"unknown template {name!r}; choose one of: {', '.join(templates())}")
    return found


# A drafted charter's editor line names a copy of the schema beside it. The installed schema
# sits in whatever environment ran `init` (a venv, pipx, a CI runner): a path to it, absolute
# or relative, works on that machine only, and the schema's $id is not published anywhere yet.
# A copy beside the charter is committed with it and works for every clone, editor and machine.
SCHEMA_REFERENCE = f"./{SCHEMA_FILE}"


def schema_beside(charter: Path) -> Path | None:
    """Where `init` writes the schema for a new charter (beside it), or None when an identical
    copy is there already. An older copy of our schema (the same `$id`) is refreshed; any other
    file of that name is refused, before anything is written."""
    path = charter.parent / SCHEMA_FILE
    if not path.exists():
        return path
    try:
        current = path.read_text(encoding="utf-8")
        ours = current == schema_text() or json.loads(current).get("$id") == _schema_id()
    except (OSError, UnicodeDecodeError, ValueError, AttributeError):
        ours = False
    if not ours:
        raise UsageError(
            f"{path} exists and is not charter's schema; the new charter's editor line would "
            "name it: move it, or write the charter to another folder with -o"
        )
    return None if current == schema_text() else path


def _schema_id() -> str:
    found: str = json.loads(schema_text())["$id"]
    return found


def yaml_scalar(value: Any) -> str:
    """A value as YAML text: plain when that reads back as the same string, quoted otherwise."""
    if value is None:
        return "null"
    if isinstance(value, bool | int | float):
        return json.dumps(value)
    text = str(value)
    if (
        PLAIN.match(text)
        and not RESERVED.match(text)
        and not re.match(r"^[-+]?[0-9.]+$", text)
        and ": " not in text
    ):
        return text
    return json.dumps(text, ensure_ascii=False)


def _scalar_end(line: str, start: int) -> int:
    """Where the scalar that starts at `start` ends (quotes, flow punctuation, comments)."""
    if start < len(line) and line[start] in "\"'":
        quote = line[start]
        i = start + 1
        while i < len(line):
            if line[i] == "\\" and quote == '"':
                i += 2
                continue
            if line[i] == quote:
                if quote == "'" and i + 1 < len(line) and line[i + 1] == "'":
                    i += 2
                    continue
                return i + 1
            i += 1
        return len(line)
    end = start
    while end < len(line):
        if line[end] in ",]}" or line.startswith(" #", end):
            break
        end += 1
    return len(line[:end].rstrip()) if end > start else end


def replace_values(text: str, doc: Document, values: Mapping[PathKey, Any]) -> str:
    """Replace the scalars at `values`' paths, in place; comments and layout stay, except a
    comment at the end of a line whose value changes: it spoke of the template's value (England's
    bank holidays, Swedish midsummer eve, a lunch break) and would now be wrong."""
    lines = text.split("\n")
    edits = []
    for path, value in values.items():
        if path not in doc.marks:
            raise CharterError(f"the template has no value at {'/'.join(map(str, path))}")
        mark = doc.marks[path]
        edits.append((mark.line - 1, mark.column - 1, value))
    for line_no, col, value in sorted(edits, reverse=True):
        line = lines[line_no]
        end = _scalar_end(line, col)
        written, rest = yaml_scalar(value), line[end:]
        if written != line[col:end] and rest.lstrip().startswith("#"):
            rest = ""
        lines[line_no] = line[:col] + written + rest
    return "\n".join(lines)


def check_text(text: str, path: str) -> None:
    """Refuse a draft that would not validate (a wrong time zone or country, say)."""
    doc = parse_yaml(text, path)
    findings = check_schema(doc) or run_rules(doc)
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if errors:
        first = errors[0]
        raise UsageError(f"the charter would be invalid: [{first.rule}] {first.message}")


def draft(
    name_of_template: str,
    *,
    name: str | None = None,
    timezone: str | None = None,
    country: str | None = None,
    values: Mapping[PathKey, Any] | None = None,
    drop_escalation: bool = False,
    follow_up: tuple[str, str] | None = None,
) -> str:
    """A charter from a template with the given answers; it validates, or this raises."""
    chosen = template(name_of_template)
    text = SCHEMA_LINE.sub(
        f"# yaml-language-server: $schema={SCHEMA_REFERENCE}", chosen.text, count=1
    )
    text = text.replace(
        "# template: ", f"# Drafted by `charter init` from the {chosen.name} template: ", 1
    )
    doc = parse_yaml(text, f"<template {chosen.name}>")
    edits: dict[PathKey, Any] = dict(values or {})
    if name is not None:
        edits[("name",)] = name
    if timezone is not None:
        edits[("timezone",)] = timezone
    if country is not None:
        for cal, spec in doc.data["calendars"].items():
            holidays = spec.get("holidays") if isinstance(spec, dict) else None
            if isinstance(holidays, dict) and "country" in holidays:
                edits[("calendars", cal, "holidays", "country")] = country
                if holidays.get("subdivision") and country != holidays["country"]:
                    edits[("calendars", cal, "holidays", "subdivision")] = None
    text = replace_values(text, doc, edits)
    if drop_escalation:
        text = re.sub(r"(?m)^escalation:\n(?:(?:[ #].*)?\n)*", "", text)
    if follow_up is not None:
        text = _with_follow_up(text, follow_up)
    check_text(text, f"<draft from {chosen.name}>")
    return text


def kept_answers(
    name_of_template: str,
    *,
    name: str | None = None,
    timezone: str | None = None,
    country: str | None = None,
) -> str:
    """One line saying which template a draft without questions came from, and which of the
    template's key answers it kept (the flags that would change them)."""
    data = parse_yaml(template(name_of_template).text, name_of_template).data
    countries = [
        str(spec["holidays"]["country"])
        for spec in data["calendars"].values()
        if isinstance(spec, dict) and (spec.get("holidays") or {}).get("country")
    ]
    kept = []
    if name is None:
        kept.append(f"--name {data['name']!r}")
    if timezone is None:
        kept.append(f"--timezone {data['timezone']}")
    if country is None and countries:
        kept.append(f"--country {countries[0]}")
    said = f"drafted from the {name_of_template} template"
    if not kept:
        return said
    return f"{said}, keeping its {', '.join(kept)}: give those flags to change them"


def _with_follow_up(text: str, window: tuple[str, str]) -> str:
    doc = parse_yaml(text, "<draft>")
    existing = [i for i, p in enumerate(doc.data["promises"]) if p.get("measure") == "follow_up"]
    if existing:
        index = existing[0]
        return replace_values(
            text,
            doc,
            {
                ("promises", index, "between", 0): window[0],
                ("promises", index, "between", 1): window[1],
            },
        )
    block = (
        "  - id: follow-up\n"
        f"    title: After a complaint we follow up {window[0]} to {window[1]} after it is solved\n"
        "    measure: follow_up\n"
        "    where: {type: complaint}\n"
        f"    between: [{yaml_scalar(window[0])}, {yaml_scalar(window[1])}]\n"
        "    calendar: 24/7\n"
        "    target: 80%\n"
    )
    match = re.search(r"(?m)^promises:\n(?:(?:[ #-].*)?\n)*", text)
    assert match is not None
    return text[: match.end()] + block + text[match.end() :]
