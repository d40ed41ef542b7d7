"""Semantic rules: what a schema cannot say. Each rule is one registered function.

A rule receives a schema-valid document and yields `(path, message)` pairs; the registry turns
them into findings at the line of that path. The docstring of each rule says what passes and what
fails, and is what `charter validate --list-rules` prints. The rules live by topic in this
package's modules; importing it registers them all.
"""

from __future__ import annotations

from charter_cli.charter.findings import Finding
from charter_cli.charter.load import Document
from charter_cli.charter.rules import calendars, escalation, promises, references
from charter_cli.charter.rules.base import RULES, Rule, rule
from charter_cli.charter.rules.calendars import _week_shape, zone_hint

__all__ = ["RULES", "Rule", "_week_shape", "rule", "run_rules", "zone_hint"]
_TOPICS = (references, calendars, promises, escalation)  # imported for their registrations


def run_rules(doc: Document) -> list[Finding]:
    """Run every registered rule on a schema-valid document."""
    findings: list[Finding] = []
    for item in RULES:
        for path, message in item.check(doc.data):
            mark = doc.mark(path)
            findings.append(
                Finding(doc.path, mark.line, mark.column, item.severity, item.id, message)
            )
    return findings
