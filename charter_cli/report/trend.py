"""`charter trend` as text (a table per promise with sparklines), Markdown, JSON, or one
self-contained HTML page with inline SVG line charts (no network)."""

from __future__ import annotations

import json
from html import escape
from typing import Any

from charter_cli.report.common import percent
from charter_cli.report.escape import safe_text
from charter_cli.report.html import PALETTE, STYLE
from charter_cli.trend import Point, Series, Trend, sparkline

ESTIMATES = (
    "p50 and p90 are estimates from the recorded histograms: the upper edge of the bin that "
    "holds the percentile (bins are at most 19 % wide), in business time"
)
CHANGED = "◆"


def hours(seconds: int | None) -> str:
    """Business time without days (a business day is not 24 h): `45 s`, `12 min`, `52 h 10 min`."""
    if seconds is None:
        return "–"
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min"
    h, m = divmod(seconds // 60, 60)
    return f"{h} h" + (f" {m:02d} min" if m else "")


def _changed(trend: Trend) -> set[str]:
    return {m.month for m in trend.months if m.changed}


def render_json(trend: Trend) -> str:
    doc: dict[str, Any] = {
        "schema_version": 1,
        "history": trend.history,
        "by": trend.by,
        "estimates": ESTIMATES,
        "months": [
            {
                "month": m.month,
                "charter": {"name": m.charter, "hash": m.charter_hash},
                "charter_changed": m.changed,
            }
            for m in trend.months
        ],
        "series": [
            {
                "promise": s.promise,
                "title": s.title,
                **({trend.by: s.value} if trend.by else {}),
                "points": [_point(p) for p in s.points],
            }
            for s in trend.series
        ],
        "notes": trend.notes,
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _point(p: Point) -> dict[str, Any]:
    return {
        "month": p.month,
        "met": p.met,
        "breached": p.breached,
        "running": p.running,
        "unmeasurable": p.unmeasurable,
        "compliance": p.compliance,
        "target": p.target,
        "p50_seconds": p.p50,
        "p90_seconds": p.p90,
        "stopped": p.stopped,
    }


def _first_last(s: Series) -> str:
    known = [p.compliance for p in s.points if p.compliance is not None]
    return f"{percent(known[0])} → {percent(known[-1])}" if known else "no decided tickets"


def render_text(trend: Trend) -> str:
    changed = _changed(trend)
    lines = [f"Trend from {safe_text(trend.history)}: {len(trend.months)} months"]
    for s in trend.series:
        target = next((p.target for p in reversed(s.points) if p.target is not None), None)
        title = f"  {safe_text(s.title)}" if s.title and s.value is None else ""
        lines += ["", f"{safe_text(s.label)}{title}   target {percent(target)}"]
        spark = sparkline([p.compliance for p in s.points])
        lines.append(f"  compliance {spark}  {_first_last(s)}")
        lines.append(
            f"  {'month':<9} {'compliance':>10} {'decided':>8} {'p50 ≤':>12} {'p90 ≤':>12}"
        )
        for p in s.points:
            mark = f"  {CHANGED} charter changed" if p.month in changed else ""
            lines.append(
                f"  {p.month:<9} {percent(p.compliance):>10} {p.decided:>8,} "
                f"{hours(p.p50):>12} {hours(p.p90):>12}{mark}"
            )
    if not trend.series:
        lines += ["", "nothing recorded (record audits with `charter audit ... --record FILE`)"]
    lines += ["", f"note: {ESTIMATES}"] + [f"note: {safe_text(n)}" for n in trend.notes]
    return "\n".join(lines) + "\n"


def _md(text: object) -> str:
    return safe_text(text).replace("|", "\\|")


def render_markdown(trend: Trend) -> str:
    changed = _changed(trend)
    out = [f"# Trend: {_md(trend.history)}", ""]
    for s in trend.series:
        out += [f"## {_md(s.label)}", ""]
        if s.title:
            out += [_md(s.title), ""]
        out += [
            f"Compliance `{sparkline([p.compliance for p in s.points])}` {_first_last(s)}",
            "",
            "| Month | Compliance | Target | Decided | p50 ≤ | p90 ≤ | |",
            "|---|---:|---:|---:|---:|---:|---|",
        ]
        for p in s.points:
            mark = "charter changed" if p.month in changed else ""
            out.append(
                f"| {p.month} | {percent(p.compliance)} | {percent(p.target)} | {p.decided:,} | "
                f"{hours(p.p50)} | {hours(p.p90)} | {mark} |"
            )
        out.append("")
    out += [f"_{ESTIMATES}._"] + [f"- {_md(n)}" for n in trend.notes]
    return "\n".join(out) + "\n"


def _t(value: object) -> str:
    return escape(safe_text(value))


def _chart(
    trend: Trend,
    s: Series,
    lines: list[tuple[str, list[float | None]]],
    *,
    kind: str,
    target: list[float | None] | None = None,
) -> str:
    """An inline SVG line chart over the months: one polyline per run of months with a value,
    the target dashed, months where the charter changed marked by a vertical line."""
    months = [m.month for m in trend.months]
    changed = _changed(trend)
    left, top, width, height = 70, 10, 620, 180
    step = width / max(len(months) - 1, 1)
    known = [v for _, vals in lines for v in vals if v is not None]
    if kind == "compliance":
        lo, hi = 0.0, 1.0
        ticks = [(v / 100, f"{v}%") for v in (0, 25, 50, 75, 100)]
    else:
        lo, hi = 0.0, float(max(known, default=1) or 1) * 1.05
        ticks = [(hi * k / 4, hours(int(hi * k / 4))) for k in range(5)]

    def x(i: int) -> float:
        return left + (i * step if len(months) > 1 else width / 2)

    def y(v: float) -> float:
        return top + height * (1 - (v - lo) / (hi - lo))

    label = f"{kind} per month, {s.label}"
    parts = [
        f'<svg class="chart" data-kind="{kind}" data-series="{_t(s.label)}" role="img" '
        f'aria-label="{_t(label)}" width="{left + width + 150}" height="{height + 50}" '
        f'viewBox="0 0 {left + width + 150} {height + 50}">'
    ]
    for v, text in ticks:
        parts.append(
            f'<line x1="{left}" y1="{y(v):.1f}" x2="{left + width}" y2="{y(v):.1f}" stroke="#e5e7eb"/>'
        )
        parts.append(f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{_t(text)}</text>')
    every = -(-len(months) // 12)  # at most twelve month labels
    for i, month in enumerate(months):
        if i % every == 0:
            parts.append(
                f'<text x="{x(i):.1f}" y="{top + height + 18}" text-anchor="middle">{_t(month)}</text>'
            )
        if month in changed:
            parts.append(
                f'<line class="charter-changed" data-month="{_t(month)}" x1="{x(i):.1f}" y1="{top}" '
                f'x2="{x(i):.1f}" y2="{top + height}" stroke="#6b7280" stroke-dasharray="2,3"/>'
                f'<text x="{x(i) + 3:.1f}" y="{top + 10}">{CHANGED}</text>'
            )
    if target:
        runs = _runs(target)
        for run in runs:
            path = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in run)
            if len(run) == 1:
                i, v = run[0]
                path = f"{x(i) - 6:.1f},{y(v):.1f} {x(i) + 6:.1f},{y(v):.1f}"
            parts.append(
                f'<polyline class="target" points="{path}" fill="none" stroke="#111827" stroke-dasharray="6,4"/>'
            )
    for k, (name, values) in enumerate(lines):
        colour = PALETTE[k % len(PALETTE)]
        for run in _runs(values):
            if len(run) > 1:
                path = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in run)
                parts.append(
                    f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>'
                )
        for i, value in enumerate(values):
            if value is not None:
                shown = percent(value) if kind == "compliance" else hours(int(value))
                parts.append(
                    f'<circle class="point" data-line="{_t(name)}" data-month="{_t(months[i])}" '
                    f'data-value="{value}" cx="{x(i):.1f}" cy="{y(value):.1f}" r="3.5" '
                    f'fill="{colour}"><title>{_t(name)} {_t(months[i])}: {_t(shown)}</title></circle>'
                )
        ly = top + 14 + k * 18
        parts.append(
            f'<rect x="{left + width + 20}" y="{ly - 9}" width="10" height="10" fill="{colour}"/>'
        )
        parts.append(f'<text x="{left + width + 36}" y="{ly}">{_t(name)}</text>')
    if target:
        ly = top + 14 + len(lines) * 18
        parts.append(
            f'<line x1="{left + width + 18}" y1="{ly - 4}" x2="{left + width + 32}" y2="{ly - 4}" stroke="#111827" stroke-dasharray="4,3"/>'
        )
        parts.append(f'<text x="{left + width + 36}" y="{ly}">target</text>')
    parts.append("</svg>")
    return "".join(parts)


def _runs(values: list[float | None]) -> list[list[tuple[int, float]]]:
    """Consecutive months with a value (a month without one is a gap in the line)."""
    runs: list[list[tuple[int, float]]] = []
    previous = -2
    for i, v in enumerate(values):
        if v is None:
            continue
        if i != previous + 1:
            runs.append([])
        runs[-1].append((i, float(v)))
        previous = i
    return runs


def _table(trend: Trend, s: Series) -> str:
    changed = _changed(trend)
    rows = []
    for p in s.points:
        mark = f"{CHANGED} charter changed" if p.month in changed else ""
        rows.append(
            f'<tr data-month="{p.month}"><td>{p.month}</td>'
            f'<td class=n data-field="compliance" data-value="{"" if p.compliance is None else p.compliance}">{percent(p.compliance)}</td>'
            f"<td class=n>{percent(p.target)}</td><td class=n>{p.met:,}</td><td class=n>{p.breached:,}</td>"
            f'<td class=n data-field="p50" data-value="{"" if p.p50 is None else p.p50}">{hours(p.p50)}</td>'
            f'<td class=n data-field="p90" data-value="{"" if p.p90 is None else p.p90}">{hours(p.p90)}</td>'
            f"<td>{mark}</td></tr>"
        )
    head = (
        "<tr><th>Month</th><th class=n>Compliance</th><th class=n>Target</th><th class=n>Met</th>"
        "<th class=n>Breached</th><th class=n>p50 ≤</th><th class=n>p90 ≤</th><th></th></tr>"
    )
    return f"<table><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>"


def render_html(trend: Trend) -> str:
    sections = []
    for s in trend.series:
        title = f'<p class="small">{_t(s.title)}</p>' if s.title else ""
        compliance = [p.compliance for p in s.points]
        p50 = [None if p.p50 is None else float(p.p50) for p in s.points]
        p90 = [None if p.p90 is None else float(p.p90) for p in s.points]
        sections.append(
            f'<section data-series="{_t(s.label)}"><h2>{_t(s.label)}</h2>{title}'
            + _chart(
                trend,
                s,
                [("compliance", compliance)],
                kind="compliance",
                target=[p.target for p in s.points],
            )
            + _chart(trend, s, [("p50", p50), ("p90", p90)], kind="elapsed")
            + _table(trend, s)
            + "</section>"
        )
    if not sections:
        sections.append("<p>Nothing recorded.</p>")
    first = trend.months[0].month if trend.months else "–"
    last = trend.months[-1].month if trend.months else "–"
    notes = "".join(f"<li>{_t(n)}</li>" for n in [ESTIMATES, *trend.notes])
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="charter">
<title>Service charter trend: {_t(trend.history)}</title>
<style>{STYLE}</style>
</head>
<body>
<h1>Service charter trend</h1>
<p class="meta">History <code>{_t(trend.history)}</code> · {len(trend.months)} months, {_t(first)} to {_t(last)}{f" · by {_t(trend.by)}" if trend.by else ""} · {CHANGED} marks a month where the charter changed</p>
{"".join(sections)}
<h2>Notes</h2>
<ul>{notes}</ul>
</body>
</html>
"""


RENDERERS = {
    "text": render_text,
    "markdown": render_markdown,
    "json": render_json,
    "html": render_html,
}
