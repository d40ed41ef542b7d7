"""`charter diff` as text or JSON: pure functions of what `drafting.diff` found."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from charter_cli.drafting.diff import Change, Replay
from charter_cli.drafting.estimate import Figure, HistoryReplay, Side
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
    recorded: HistoryReplay | None = None  # `--against history.sqlite`: read from a history


NO_FLIPS = (
    "no verdicts to flip: a history keeps counts, not tickets (--against with the exports lists "
    "the tickets that flip)"
)


def span(months: list[str] | tuple[str, ...]) -> str:
    """`2025-01 … 2025-06, 2025-09`: months, consecutive ones as a span."""
    runs: list[list[str]] = []
    for m in sorted(months):
        if runs:
            y, n = (int(x) for x in runs[-1][-1].split("-"))
            if (y * 12 + n) + 1 == int(m[:4]) * 12 + int(m[5:7]):
                runs[-1].append(m)
                continue
        runs.append([m])
    return ", ".join(r[0] if len(r) == 1 else f"{r[0]} … {r[-1]}" for r in runs) or "none"


def _side_json(side: Side) -> dict[str, Any]:
    return {"path": side.path, "name": side.name, "hash": side.digest, "months": list(side.months)}


def _figure_json(f: Figure | None) -> dict[str, Any] | None:
    if f is None:
        return None
    return {
        "compliance": f.compliance,
        "exact": f.exact,
        "at_least": f.low,
        "at_most": f.high,
        "recorded_months": list(f.recorded),
        "estimated_months": list(f.estimated),
        "unchanged_months": list(f.carried),
    }


def _history_json(found: HistoryReplay) -> dict[str, Any]:
    return {
        "history": found.history,
        "months": found.months,
        "charters": {"old": _side_json(found.old), "new": _side_json(found.new)},
        # a number only where it is exact (as with exports); the ranges are in `figures`
        "compliance": {
            c.promise: {
                "old": c.old.compliance if c.old is not None else None,
                "new": c.new.compliance if c.new is not None else None,
            }
            for c in found.compared
        },
        "figures": {
            c.promise: {
                "old": _figure_json(c.old),
                "new": _figure_json(c.new),
                "cannot_replay": c.why_not,
            }
            for c in found.compared
        },
        "notes": found.notes,
        "flipped": None,
        "flips": None,
        "no_flips": NO_FLIPS,
    }


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
    if report.recorded is not None:
        doc["against"] = _history_json(report.recorded)
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _shown(f: Figure | None) -> str:
    """A figure in the text: exact, or a range whose ends are rounded outwards."""
    if f is None or f.low is None or f.high is None:
        return percent(None)
    if f.exact:
        return percent(f.low)
    low, high = math.floor(f.low * 1000) / 1000, math.ceil(f.high * 1000) / 1000
    return f"at least {percent(low)}, at most {percent(high)}"


def _history_text(found: HistoryReplay) -> list[str]:
    lines = ["", f"Read from the history {safe_text(found.history)} ({span(found.months)}):"]
    for label, side in (("old", found.old), ("new", found.new)):
        said = f"recorded {span(side.months)}" if side.months else "not recorded"
        lines.append(
            f"  {label}: {safe_text(side.path)} ({safe_text(side.name)} {side.digest[:8]}), {said}"
        )
    lines += [f"  note: {safe_text(note)}" for note in found.notes]
    for c in found.compared:
        if c.why_not is not None and c.old is None and c.new is None:
            lines.append(f"  {c.promise:<20} {safe_text(c.why_not)}")
            continue
        estimated = [
            f"{label}: estimate from the history, {span(f.estimated)}"
            for label, f in (("old", c.old), ("new", c.new))
            if f is not None and f.estimated
        ] + [
            f"{label}: unchanged, as recorded with the {other} charter, {span(f.carried)}"
            for label, other, f in (("old", "new", c.old), ("new", "old", c.new))
            if f is not None and f.carried
        ]
        line = f"  {c.promise:<20} {_shown(c.old):>7} → {_shown(c.new):>7}"
        lines.append(line + (f"  ({'; '.join(estimated)})" if estimated else ""))
        if c.why_not is not None:
            lines.append(f"  {'':<20} {safe_text(c.why_not)}")
    lines.append(NO_FLIPS[0].upper() + NO_FLIPS[1:])
    return lines


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
    if report.recorded is not None:
        lines += _history_text(report.recorded)
    return "\n".join(lines) + "\n"
