"""`charter diff` as text or JSON: pure functions of what `drafting.diff` found."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from charter_cli.drafting.diff import Change, Replay
from charter_cli.report.common import percent
from charter_cli.report.escape import safe_text


@dataclass(frozen=True)
class DiffReport:
    """The changes between two charters and, with `--against`, their replay on tickets."""

    old: str
    new: str
    changes: list[Change]
    replayed: Replay | None = None
    against: tuple[str, ...] | list[str] = ()
    notes: tuple[str, ...] | list[str] = ()  # how the exports were read (day and month order)


def render_json(report: DiffReport) -> str:
    doc: dict[str, Any] = {
        "schema_version": 1,
        "old": report.old,
        "new": report.new,
        "changes": [
            {"kind": c.kind, "subject": c.subject, "detail": c.detail, "old": c.old, "new": c.new}
            for c in report.changes
        ],
    }
    replayed = report.replayed
    if replayed is not None:
        doc["against"] = {
            "files": list(report.against),
            "compliance": {
                pid: {"old": a, "new": b} for pid, (a, b) in replayed.compliance.items()
            },
            "notes": list(report.notes),
            "flipped": len(replayed.flips),
            "flips": [
                {"promise": f.promise, "ticket_id": f.ticket_id, "old": f.old, "new": f.new}
                for f in replayed.flips
            ],
        }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def render_text(report: DiffReport, *, top: int = 20) -> str:
    lines = [safe_text(str(c)) for c in report.changes] or ["no differences that change a promise"]
    replayed = report.replayed
    if replayed is not None:
        lines += ["", f"Replayed on {', '.join(report.against)}:"]
        lines += [f"  note: {safe_text(note)}" for note in report.notes]
        for pid, (a, b) in replayed.compliance.items():
            lines.append(f"  {pid:<20} {percent(a):>7} → {percent(b):>7}")
        lines.append(f"{len(replayed.flips)} verdicts flip" + (":" if replayed.flips else ""))
        for f in replayed.flips[:top]:
            lines.append(f"  {safe_text(f.ticket_id)}  {f.promise}: {f.old} → {f.new}")
        if len(replayed.flips) > top:
            lines.append(
                f"  … and {len(replayed.flips) - top} more (--top, or --format json for all)"
            )
    return "\n".join(lines) + "\n"
