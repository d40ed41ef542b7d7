"""`charter review` as text or JSON: pure functions of what `charter_cli.review` found."""

from __future__ import annotations

import json
from typing import Any

from charter_cli.report.common import percent
from charter_cli.report.escape import safe_text
from charter_cli.report.trend import hours
from charter_cli.review import Achieved, PromiseReview, Review

BIN_NOTE = (
    "achieved allowances are histogram bin estimates (the upper edge of the bin holding the "
    "target share of the stopped instances' elapsed business time; bins are at most 19 % wide)"
)


def sentence(r: PromiseReview, a: Achieved) -> str:
    """`95.0% of first-response (P2) were within 1 h 11 min of business time: you promise 1h`."""
    scope = r.promise.id + (f" ({a.priority})" if a.priority else "")
    if a.seconds is None:
        return f"{scope}: no stopped instance to measure; you promise {a.promised}"
    said = (
        f"{percent(r.promise.target)} of {scope} were within {hours(a.seconds)} of business "
        f"time: you promise {a.promised}"
    )
    return said + (f"; proposed: {a.proposed}" if a.proposed else "")


def render_text(found: Review) -> str:
    months = found.months
    span = f"{months[0]} to {months[-1]}, {len(months)} months" if months else "no months"
    lines = [f"Review of {safe_text(found.charter.name)} over {span}", "", "Promises"]
    width = max((len(r.promise.id) for r in found.promises), default=10)
    for r in found.promises:
        detail = ""
        if r.compliance is not None:
            detail = (
                f"{percent(r.compliance)} against {percent(r.promise.target)}, under target in "
                f"{r.months_under} of {r.months} month" + ("" if r.months == 1 else "s")
            )
        lines.append(f"  {safe_text(r.promise.id):<{width}}  {r.verdict:<22} {detail}".rstrip())
        lines += [f"    {safe_text(sentence(r, a))}" for a in r.achieved]
    lines += ["", "Tickets no promise covers"]
    if not found.uncovered:
        lines.append("  none: every ticket has a promise")
    for u in found.uncovered:
        known = "" if u.known else " (not in the charter)"
        value = safe_text(u.value) if u.value else "(none)"
        lines.append(f"  {u.field} {value}{known}: {u.uncovered:,} of {u.tickets:,} tickets")
    lines += ["", "Ticket types that grew (later half of the months against the earlier)"]
    if not found.growth:
        lines.append("  none")
    for g in found.growth:
        kind = safe_text(g.type) if g.type else "(no type)"
        lines.append(
            f"  {kind}: {g.tickets_before:,.1f} → {g.tickets_after:,.1f} tickets a month; "
            f"breach rate {percent(g.breach_before)} → {percent(g.breach_after)} "
            f"({' and '.join(g.grew)} grew)"
        )
    lines += ["", f"note: {BIN_NOTE}"] + [f"note: {safe_text(n)}" for n in found.notes]
    if found.proposals:
        lines.append("note: `--write NEW.yaml` writes the proposals into a copy of the charter")
    return "\n".join(lines) + "\n"


def render_json(found: Review) -> str:
    doc: dict[str, Any] = {
        "schema_version": 1,
        "charter": {"name": found.charter.name, "path": found.charter.path},
        "months": found.months,
        "estimates": BIN_NOTE,
        "promises": [
            {
                "id": r.promise.id,
                "verdict": r.verdict,
                "target": r.promise.target,
                "compliance": r.compliance,
                "met": r.met,
                "breached": r.breached,
                "months": r.months,
                "months_under_target": r.months_under,
                "achieved": [
                    {
                        "priority": a.priority,
                        "promised": str(a.promised),
                        "promised_seconds": a.promised_seconds,
                        "achieved_seconds": a.seconds,
                        "stopped": a.stopped,
                        "proposed": a.proposed,
                        "sentence": sentence(r, a),
                    }
                    for a in r.achieved
                ],
            }
            for r in found.promises
        ],
        "uncovered": [
            {
                "field": u.field,
                "value": u.value,
                "tickets": u.tickets,
                "uncovered": u.uncovered,
                "in_charter": u.known,
            }
            for u in found.uncovered
        ],
        "grew": [
            {
                "type": g.type,
                "tickets_per_month": [g.tickets_before, g.tickets_after],
                "breach_rate": [g.breach_before, g.breach_after],
                "grew": list(g.grew),
            }
            for g in found.growth
        ],
        "notes": found.notes,
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
