"""`charter reconcile`: the helpdesk's own SLA verdicts against ours, as a per-promise agreement
table (text or JSON) and a per-ticket CSV of the disagreements with both verdicts."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from charter_cli.audit import AuditResult
from charter_cli.clock import NAT
from charter_cli.measures import measure_of
from charter_cli.reconcile import TABLES, Disagreement
from charter_cli.report.escape import safe_text

CSV_COLUMNS = (
    "ticket_id",
    "promise",
    "vendor_field",
    "ours",
    "vendor",
    "elapsed_seconds",
    "allowed_seconds",
    "calendar",
    "explanation",
)
RISKY = r"^[=+\-@\t\r]"  # a spreadsheet would read these cells as formulas


def _checked(result: AuditResult) -> list[str]:
    """The vendor columns the profile maps for reconciliation, compared or not."""
    return [c.name for c in result.source.checks]


def render_text(result: AuditResult) -> str:
    """An agreement table per (vendor column, promise), and a line for every mapped column the
    export lacked or no promise could use."""
    lines = [
        f"Reconciliation: {result.charter.name} against the {result.source.profile} export's "
        "own SLA columns",
        "",
    ]
    checks = _checked(result)
    if not checks:
        lines.append(
            f"The {result.source.profile} profile maps no SLA column for reconciliation "
            "(`reconcile:` in a profile: see the documentation on reconciliation)."
        )
        return "\n".join(lines) + "\n"
    for d in result.reconciliation:
        agree = d.compared - d.disagree
        share = f"{agree / d.compared:.1%}" if d.compared else "–"
        lines.append(
            safe_text(
                f"{d.vendor_field} vs {d.promise}: {d.compared:,} compared, "
                f"{agree:,} agree ({share}), {d.disagree:,} disagree; "
                f"{d.not_compared:,} not compared (running, unmeasurable, or no vendor verdict)"
            )
        )
        width = max(len(k) for k in TABLES[d.kind])
        for cell in TABLES[d.kind]:
            lines.append(f"  {cell:<{width}}  {d.table.get(cell, 0):>8,}")
        for ticket, ours, theirs in d.examples:
            lines.append(safe_text(f"  e.g. {ticket}: we say {ours}, it says {theirs}"))
        lines.append("")
    compared = {d.vendor_field for d in result.reconciliation}
    for name in checks:
        if name not in compared:
            lines.append(
                f"{name}: not compared (the export has no such column, no promise of the "
                "charter is judged by it, or it has no value both sides decided)"
            )
    return "\n".join(lines).rstrip("\n") + "\n"


def render_json(result: AuditResult) -> str:
    doc = {
        "schema_version": 1,
        "charter": {"name": result.charter.name, "path": result.charter.path},
        "profile": result.source.profile,
        "mapped": _checked(result),
        "comparisons": [
            {
                "vendor_field": d.vendor_field,
                "promise": d.promise,
                "kind": d.kind,
                "compared": d.compared,
                "agree": d.compared - d.disagree,
                "disagree": d.disagree,
                "not_compared": d.not_compared,
                "table": d.table,
            }
            for d in result.reconciliation
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _hours_minutes(seconds: np.ndarray) -> pd.Series:
    """`3h 05m` per value, whole columns (a disagreement list can be as long as the export)."""
    known = seconds != NAT
    s = np.where(known, seconds, 0)
    hours = pd.Series(s // 3600).astype(str)
    minutes = pd.Series(s % 3600 // 60).astype(str).str.zfill(2)
    return (hours + "h " + minutes + "m").where(known, "–")


def _explanation(result: AuditResult, d: Disagreement) -> pd.Series:
    """Our side, per disagreeing ticket: the time we counted, the allowance, the calendar."""
    promise = next(o.promise for o in result.outcomes if o.promise.id == d.promise)
    day = measure_of(promise.measure).business_day(result.charter, promise)
    clock = " of working time" if day is not None else ""
    calendar = pd.Series(d.calendar, dtype=object).fillna("the charter's calendar").astype(str)
    return (
        "we counted "
        + _hours_minutes(d.elapsed)
        + f"{clock} against "
        + _hours_minutes(d.allowed)
        + " allowed, on "
        + calendar
    )


def _seconds(values: np.ndarray) -> pd.arrays.IntegerArray:
    """Whole seconds, empty where there are none."""
    return pd.arrays.IntegerArray(np.where(values == NAT, 0, values), values == NAT)


def render_csv(result: AuditResult) -> str:
    """One row per disagreeing (ticket, promise, vendor column), in the order compared."""
    frames = []
    for d in result.reconciliation:
        if d.pairs.size == 0:
            continue
        frames.append(
            pd.DataFrame(
                {
                    "ticket_id": result.tickets["ticket_id"].iloc[d.pairs].astype(str).to_numpy(),
                    "promise": d.promise,
                    "vendor_field": d.vendor_field,
                    "ours": d.ours,
                    "vendor": d.theirs,
                    "elapsed_seconds": _seconds(d.elapsed),
                    "allowed_seconds": _seconds(d.allowed),
                    "calendar": d.calendar,
                    "explanation": _explanation(result, d).to_numpy(),
                }
            )
        )
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=CSV_COLUMNS)
    for column in ("ticket_id", "ours", "vendor", "calendar", "explanation"):
        text = table[column].astype(object).where(table[column].notna(), "").astype(str)
        table[column] = text.where(~text.str.match(RISKY), "'" + text)
    out: str = table.to_csv(index=False, lineterminator="\n")
    return out
