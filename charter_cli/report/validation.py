"""Renderers for `charter validate`: text, json, github. Pure functions: reports in, text out."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from charter_cli.charter import FileReport, Finding, Severity
from charter_cli.report.escape import github_data, github_property, safe_text

ValidationRenderer = Callable[[Sequence[FileReport], bool], str]


def _summary(reports: Sequence[FileReport], strict: bool) -> str:
    bad = sum(not r.ok(strict=strict) for r in reports)
    errors = sum(r.errors for r in reports)
    warnings = sum(r.warnings for r in reports)
    files = f"{len(reports)} file" + ("" if len(reports) == 1 else "s")
    counts = f"{errors} error" + ("" if errors == 1 else "s")
    counts += f", {warnings} warning" + ("" if warnings == 1 else "s")
    if bad:
        return f"{files} checked: {bad} invalid ({counts})"
    return f"{files} checked: all valid ({counts})"


def render_text(reports: Sequence[FileReport], strict: bool) -> str:
    # a finding quotes the charter: control characters are made visible, never sent to a terminal
    lines = [safe_text(str(f)) for r in reports for f in r.findings]
    lines += [
        safe_text(f"{r.path}: ok" + (" (export profile)" if r.kind == "profile" else ""))
        for r in reports
        if r.ok(strict=strict) and not r.findings
    ]
    lines.append(_summary(reports, strict))
    return "\n".join(lines) + "\n"


def _finding_json(f: Finding) -> dict[str, object]:
    return {
        "line": f.line,
        "column": f.column,
        "severity": str(f.severity),
        "rule": f.rule,
        "message": f.message,
    }


def render_json(reports: Sequence[FileReport], strict: bool) -> str:
    doc = {
        "schema_version": 1,
        "valid": all(r.ok(strict=strict) for r in reports),
        "strict": strict,
        "files": [
            {
                "path": r.path,
                "kind": r.kind,
                "valid": r.ok(strict=strict),
                "errors": r.errors,
                "warnings": r.warnings,
                "findings": [_finding_json(f) for f in r.findings],
            }
            for r in reports
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def render_github(reports: Sequence[FileReport], strict: bool) -> str:
    """GitHub Actions workflow commands: one annotation per finding."""
    lines = []
    for r in reports:
        for f in r.findings:
            level = "error" if f.severity is Severity.ERROR or strict else "warning"
            props = (
                f"file={github_property(f.path)},line={f.line},col={f.column},"
                f"title={github_property('charter ' + f.rule)}"
            )
            lines.append(f"::{level} {props}::{github_data(f.message)}")
    lines.append(_summary(reports, strict))
    return "\n".join(lines) + "\n"


RENDERERS: dict[str, ValidationRenderer] = {
    "text": render_text,
    "json": render_json,
    "github": render_github,
}
