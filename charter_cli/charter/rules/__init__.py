"""Semantic rules: what a schema cannot say. Each rule is one registered function.

A rule receives a schema-valid document and yields `(path, message)` pairs; the registry turns
them into findings at the line of that path. The docstring of each rule says what passes and what
fails, and is what `charter validate --list-rules` prints. The rules live by topic in this
package's modules; importing it registers them all.
"""

from __future__ import annotations

from pathlib import Path

from charter_cli.charter.findings import Finding, Severity
from charter_cli.charter.load import Document
from charter_cli.charter.model import build_charter
from charter_cli.charter.rules import (
    calendars,
    coverage,
    escalation,
    promises,
    references,
    translations,
)
from charter_cli.charter.rules.base import RULES, Rule, file_rule, model_rule, rule
from charter_cli.charter.rules.calendars import zone_hint

__all__ = ["RULES", "Rule", "file_rule", "model_rule", "rule", "run_rules", "zone_hint"]
_TOPICS = (
    references,
    calendars,
    promises,
    escalation,
    coverage,
    translations,
)  # imported for their registrations


def run_rules(doc: Document) -> list[Finding]:
    """Run every registered rule on a schema-valid document: the data rules first, then, when
    none of them found an error, the model rules on the typed charter."""
    findings: list[Finding] = []
    folder = Path(doc.path).parent
    for item in RULES:
        if item.on_model:
            continue
        found = item.check(doc.data, folder) if item.on_files else item.check(doc.data)
        for path, message in found:
            findings.append(doc.finding(path, item.severity, item.id, message))
    if any(f.severity is Severity.ERROR for f in findings):
        return findings
    charter = build_charter(doc.data, doc.path)
    written = len(doc.data["promises"])  # then the escalation rules, in the charter's order
    for item in RULES:
        if not item.on_model:
            continue
        for index, key, message in item.check(charter):
            where: tuple[str | int, ...] = (
                ("promises", index) if index < written else ("escalation", "rules", index - written)
            )
            findings.append(doc.finding((*where, *key), item.severity, item.id, message))
    return findings
