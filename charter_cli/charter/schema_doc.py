"""The charter format's reference as Markdown, generated from its JSON Schema: every key with its
place, its kind and its description. Printed by `charter schema --markdown`, kept in
docs/reference.md (a test checks the two are equal)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from charter_cli.charter.schema import schema_text


def _kind(node: dict[str, Any]) -> str:
    """A short human name for what a key takes."""
    if "const" in node:
        return f"`{json.dumps(node['const'])}`"
    if "enum" in node:
        return "one of " + ", ".join(f"`{v}`" for v in node["enum"])
    variants = node.get("oneOf") or node.get("anyOf")
    if variants:
        return " or ".join(dict.fromkeys(_kind(v) for v in variants))
    names = {"string": "text", "number": "number", "integer": "whole number", "null": "null"}
    kind = node.get("type")
    if isinstance(kind, list):
        return " or ".join(names.get(str(k), str(k)) for k in kind)
    if kind == "array":
        return f"list of {_kind(node.get('items') or {})}"
    if kind == "object" and "propertyNames" in node and "enum" in node["propertyNames"]:
        return "map by " + "/".join(node["propertyNames"]["enum"])
    if kind == "object":
        return "mapping"
    if kind == "string" and "pattern" in node:
        return "text (pattern)"
    return names.get(str(kind), "any")


def _objects(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The object shapes a node takes (itself, or the variants of a oneOf)."""
    for variant in node.get("oneOf") or node.get("anyOf") or [node]:
        if variant.get("type") == "object" or "properties" in variant:
            yield variant


def _rows(node: dict[str, Any], path: str, required: bool) -> Iterator[tuple[str, str, str]]:
    text = " ".join((node.get("description") or node.get("title") or "").split())
    yield f"`{path}`" + (" (required)" if required else ""), _kind(node), text.replace("|", "\\|")
    for shape in _objects(node):
        needed = set(shape.get("required") or ())
        for key, child in (shape.get("properties") or {}).items():
            yield from _rows(child, f"{path}.{key}", key in needed)
        extra = shape.get("additionalProperties")
        named = "enum" not in (shape.get("propertyNames") or {})  # not a map by language
        if isinstance(extra, dict) and (extra.get("properties") or extra.get("oneOf")) and named:
            yield from _descend(extra, f"{path}.NAME")
    items = node.get("items")
    if isinstance(items, dict):
        yield from _descend(items, f"{path}[]")


def _descend(node: dict[str, Any], path: str) -> Iterator[tuple[str, str, str]]:
    """The keys under a node that is a list item or a named entry, without a row of its own
    unless it has keys of its own."""
    shapes = list(_objects(node))
    if not any(shape.get("properties") for shape in shapes):
        return
    for shape in shapes:
        needed = set(shape.get("required") or ())
        for key, child in (shape.get("properties") or {}).items():
            yield from _rows(child, f"{path}.{key}", key in needed)


def reference() -> str:
    schema = json.loads(schema_text())
    needed = set(schema.get("required") or ())
    rows = [
        row for key, node in schema["properties"].items() for row in _rows(node, key, key in needed)
    ]
    lines = [
        "# Charter reference",
        "",
        "Every key of the charter format, generated from its JSON Schema (`charter schema`",
        "prints the schema, `charter schema --markdown` this page). `NAME` stands for a name you",
        "choose (a calendar, a channel), `[]` for each item of a list. The",
        "[charter format](charter.md) explains them with examples.",
        "",
        "| Key | Takes | Meaning |",
        "|---|---|---|",
        *(f"| {path} | {kind} | {text} |" for path, kind, text in rows),
        "",
    ]
    return "\n".join(lines)
