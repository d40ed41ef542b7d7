"""The JSON envelope: stable, versioned, machine-first."""

from __future__ import annotations

import json
from typing import Any

from charter_cli.outcome import State
from charter_cli.report.common import Options, iso_one
from charter_cli.summary import Summary


def _coverage(result: Summary) -> dict[str, Any] | None:
    cov = result.coverage
    if cov is None:
        return None
    return {
        "share": cov.share,
        "tickets": cov.tickets,
        "covered": cov.covered,
        "minimum": cov.minimum,
        "passed": cov.passed,
        "by_channel": [
            {"channel": c.channel, "tickets": c.tickets, "covered": c.covered, "share": c.share}
            for c in cov.by_channel
        ],
        "under": [c.channel for c in cov.under()] if cov.minimum is not None else [],
    }


def envelope(result: Summary, options: Options) -> dict[str, Any]:
    src = result.source
    promises = []
    for o in result.outcomes:
        promises.append(
            {
                "id": o.promise.id,
                "title": o.promise.title,
                "measure": o.promise.measure,
                "target": result.target(o.promise),
                "applicable": o.applicable,
                "met": o.count(State.MET),
                "breached": o.count(State.BREACHED),
                "running": o.count(State.RUNNING),
                "at_risk": o.at_risk,
                "at_risk_share": o.promise.at_risk,
                "unmeasurable": o.count(State.UNMEASURABLE),
                "compliance": o.compliance,
                "passed": result.promise_passed(o),
                "elapsed_seconds": o.percentiles(),
                "oldest_running_seconds": o.oldest_running(),
                "notes": o.notes,
                "fields": o.fields,
            }
        )
    doc: dict[str, Any] = {
        "schema_version": 1,
        "charter": {"name": result.charter.name, "path": result.charter.path},
        "as_of": iso_one(result.as_of),
        "period": {"since": iso_one(result.since), "until": iso_one(result.until)},
        "input": {
            "files": src.files,
            "rows": src.rows_read,
            "tickets": src.count,
            "audited": result.audited,
            "duplicates": src.duplicates,
            "events_folded": src.events_folded,
            "events_file": src.events_file,
            "events_files": src.events_files,
            "events": src.events_used,
            "skipped": len(src.skipped),
            "profile": src.profile,
        },
        "promises": promises,
        "passed": result.passed,
        "skipped": [
            {"file": f, "line": int(line), "reason": r}
            for f, line, r in src.skipped[["file", "line", "reason"]].itertuples(index=False)
        ],
        "excluded": {"tickets": result.excluded, "examples": result.excluded_examples},
        "coverage": _coverage(result),
        "data_quality": {
            "unknown_values": result.unknown_values,
            "tickets_matching_no_promise": result.unmatched,
            "missing_columns": list(src.missing_fields),
            "unreadable_cells": len(src.problems),
            "notes": result.notes,
            "vendor_reconciliation": [
                {
                    "promise": d.promise,
                    "vendor_field": d.vendor_field,
                    "compared": d.compared,
                    "disagree": d.disagree,
                    "examples": [
                        {"ticket_id": t, "ours": o, "vendor": v} for t, o, v in d.examples
                    ],
                }
                for d in result.reconciliation
            ],
        },
    }
    doc["at_risk"] = [
        {
            "ticket_id": str(row["ticket_id"]),
            "promise": str(row["promise"]),
            "used": round(float(row["used"]), 3),
            "deadline_at": iso_one(int(row["deadline_at"])),
            "elapsed_seconds": int(row["elapsed_seconds"]),
            "allowed_seconds": int(row["allowed_seconds"]),
        }
        for row in result.closest_to_breach(options.top).to_dict(orient="records")
    ]
    if options.by:
        doc["breakdowns"] = {
            key: [
                {k: (None if isinstance(v, float) and v != v else v) for k, v in row.items()}
                for row in result.breakdown(key).to_dict(orient="records")
            ]
            for key in options.by
        }
    return doc


def render(result: Summary, options: Options) -> str:
    return json.dumps(envelope(result, options), indent=2, ensure_ascii=False, default=int) + "\n"
