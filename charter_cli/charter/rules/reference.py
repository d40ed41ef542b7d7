"""The list of validation rules, from the rules' own ids, severities and docstrings: printed by
`charter rules` (and `charter validate --list-rules`), kept in docs/rules.md."""

from __future__ import annotations

from charter_cli.charter.rules.base import RULES

# Checks made while a file is read, before any rule can run: one id each, fixed here because
# they are raised where the reading fails rather than registered.
READING = {
    "read": "The path can be opened and read (a missing file or a directory is exit 2).",
    "encoding": (
        "The file is UTF-8 text (a UTF-8 BOM is fine; UTF-16, Latin-1 and NUL bytes are refused)."
    ),
    "too-large": "A charter file is at most 1 MiB.",
    "yaml": (
        'The file is well-formed YAML 1.2 (core types: `NO` stays the string "NO"), '
        "with no duplicate keys, and expands to at most 100,000 nodes (an alias bomb is "
        "refused at once)."
    ),
    "too-deep": "At most 64 levels of nesting.",
    "alias": "Every alias refers to an anchor before it.",
    "tag": "Plain data only: no YAML tags such as `!!python/object`.",
    "not-a-mapping": (
        "The file holds one YAML mapping (`charter: 1`, `name`, …), not a list or a scalar."
    ),
    "schema": (
        "The charter fits the JSON Schema (`charter schema`): known keys, right types, "
        "with a did-you-mean for a mistyped key."
    ),
    "profile": (
        "An export profile (`profile: 1`) fits its schema: known keys and fields, real "
        "zones and timestamp formats."
    ),
    "profile-lacks-field": (
        "With `--profile`: a promise needs a field the profile does not map (it would be "
        "unmeasurable; a profile that reads messages gives the first response from them)."
    ),
    "profile-reconcile": (
        "With `--profile`: a `reconcile:` column judges neither a measure nor a promise id of "
        "the charter."
    ),
    "profile-unknown-status": (
        "With `--profile`: a `pause_when` status the profile's statuses do not know."
    ),
}


WARNINGS = {"profile-lacks-field", "profile-reconcile"}  # the rest stop a charter from loading


def rule_lines() -> list[tuple[str, str, str]]:
    """(id, severity, one-line meaning) of every registered semantic rule, in registry order."""
    return [(item.id, str(item.severity), item.doc) for item in RULES]


def reference() -> str:
    """The rule list as Markdown: printed by `charter rules`, kept in docs/rules.md."""

    def escape(text: str) -> str:
        return text.replace("|", "\\|")

    lines = [
        "# Validation rules",
        "",
        "`charter validate` reads a file, checks it against the schema, then runs every rule",
        "below and reports all findings of every file as `file:line:column: severity [id]",
        "message`. An error makes the charter invalid (exit 1); a warning does not, unless",
        "`--strict`. This page is what `charter rules` prints.",
        "",
        "## Reading and schema",
        "",
        "| Id | Severity | What it checks |",
        "|---|---|---|",
        *(
            f"| `{rid}` | {'warning' if rid in WARNINGS else 'error'} | {escape(text)} |"
            for rid, text in READING.items()
        ),
        "",
        "## Semantic rules",
        "",
        "What a schema cannot say. Rules that reason about the whole charter (the calendar a",
        "promise runs on, the length of its working day) run once the others found no error.",
        "",
        "| Id | Severity | What it checks |",
        "|---|---|---|",
        *(f"| `{rid}` | {sev} | {escape(doc)} |" for rid, sev, doc in rule_lines()),
        "",
    ]
    return "\n".join(lines)
