"""JSON Schema validation of a charter document, with messages that name the real mistake."""

from __future__ import annotations

import difflib
import json
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

from charter_cli.charter.findings import Finding, Severity
from charter_cli.charter.load import Document

SCHEMA_FILE = "service-charter.v1.schema.json"
RULE = "schema"


def schema_text(name: str = SCHEMA_FILE) -> str:
    """The text of a shipped schema (read with importlib.resources)."""
    return resources.files("charter_cli").joinpath("schemas", name).read_text(encoding="utf-8")


@cache
def validator(name: str = SCHEMA_FILE) -> Draft202012Validator:
    """The validator for a shipped schema, built once (jsonschema imported here: an audit loads
    its charter while the export is read, and the import, 25 ms, goes with it)."""
    from jsonschema import Draft202012Validator

    schema = json.loads(schema_text(name))
    return Draft202012Validator(schema)


def _pick(error: ValidationError) -> ValidationError:
    """For oneOf/anyOf failures, descend to the error that names the real mistake.

    A branch that fails on the instance itself by type or constant is a branch for another kind
    of value (`24/7` versus weekly hours): it is dropped, and the deepest error of the branches
    left is the one to show. A subschema with an `x-error` message stops the descent.
    """
    while error.context and "x-error" not in error.schema:
        branches: dict[object, list[ValidationError]] = {}
        for sub in error.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)
        viable = [
            sub
            for errs in branches.values()
            if not any(
                not e.relative_path and e.validator in ("type", "const", "enum") for e in errs
            )
            for sub in errs
        ]
        if not viable:
            from jsonschema.exceptions import best_match

            return best_match(error.context) if len(branches) > 1 else error.context[0]
        error = max(viable, key=lambda e: len(e.absolute_path))
    return error


def _describe(error: ValidationError, where: str) -> str:
    schema = error.schema if isinstance(error.schema, dict) else {}
    value = error.instance
    if "x-error" in schema:
        return str(schema["x-error"]).format(value=value)
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return f"{where}missing required key {missing!r}"
    if error.validator == "type":
        expected = error.validator_value
        kinds = expected if isinstance(expected, list) else [expected]
        nice = {
            "object": "a mapping",
            "array": "a list",
            "string": "text",
            "number": "a number",
            "integer": "a whole number",
            "null": "empty",
            "boolean": "true or false",
        }
        got = type(value).__name__.replace("dict", "mapping").replace("str", "text")
        wanted = " or ".join(nice.get(str(k), str(k)) for k in kinds)
        return f"{where}expected {wanted}, got {got} {value!r}"
    if error.validator in ("const", "enum"):
        allowed = error.validator_value
        allowed_list = allowed if isinstance(allowed, list) else [allowed]
        hint = difflib.get_close_matches(str(value), [str(a) for a in allowed_list], n=1)
        tip = f" (did you mean {hint[0]!r}?)" if hint else ""
        return f"{where}{value!r} is not one of {', '.join(map(repr, allowed_list))}{tip}"
    if error.validator == "pattern":
        title = schema.get("title", "value")
        return f"{where}{value!r} is not a valid {title.lower()}"
    if error.validator in ("minProperties", "minItems"):
        return f"{where}must not be empty"
    if error.validator == "minLength":
        return f"{where}must not be empty"
    if error.validator == "maxItems":
        return f"{where}has too many items ({len(value)}; at most {error.validator_value})"
    return f"{where}{error.message}"


def check_schema(doc: Document, *, schema_name: str = SCHEMA_FILE) -> list[Finding]:
    """Every schema violation of the document, each at the line of the node it concerns."""
    findings: list[Finding] = []
    errors = sorted(
        validator(schema_name).iter_errors(doc.data),
        key=lambda e: list(map(str, e.absolute_path)),
    )
    for top in errors:
        error = _pick(top)
        path = tuple(error.absolute_path)
        where = ""
        if path:
            where = "/".join(str(p) for p in path) + ": "
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            allowed = list((error.schema.get("properties") or {}).keys())
            extras = [k for k in error.instance if k not in allowed]
            for key in extras:
                hint = difflib.get_close_matches(key, allowed, n=1)
                tip = (
                    f" (did you mean {hint[0]!r}?)" if hint else f"; allowed: {', '.join(allowed)}"
                )
                message = f"{where}unknown key {key!r}{tip}"
                findings.append(doc.finding((*path, key), Severity.ERROR, RULE, message, key=True))
            continue
        if "propertyNames" in error.relative_schema_path:
            key = error.instance
            names = error.schema.get("enum") or [] if isinstance(error.schema, dict) else []
            hint = difflib.get_close_matches(str(key), [str(n) for n in names], n=1)
            tip = (
                f" (did you mean {hint[0]!r}?)"
                if hint
                else (f"; allowed: {', '.join(map(str, names))}" if names else "")
            )
            message = f"{where}{key!r} is not a valid name here{tip}"
            findings.append(doc.finding((*path, key), Severity.ERROR, RULE, message, key=True))
            continue
        # a missing key is reported where its parent's key is written (`columns:`), not at the
        # parent's first entry
        message = _describe(error, where)
        required = error.validator == "required"
        findings.append(doc.finding(path, Severity.ERROR, RULE, message, key=required))
    return findings
