"""One self-contained HTML page to forward: no network, inline CSS, SVG and a few lines of JS.

Every number shown is also in a `data-value` attribute, so the page can be read back by a program
(tests do) without scraping formatted text. Everything from the export is HTML-escaped.
"""

from __future__ import annotations

from html import escape

import numpy as np
import pandas as pd

from charter_cli.outcome import State
from charter_cli.report.common import (
    Options,
    business_time,
    coverage_failure,
    field_sources,
    iso,
    iso_one,
    late_by,
    local_times,
    percent,
    promise_day,
    quality_items,
    time_left,
)
from charter_cli.report.escape import safe_text
from charter_cli.summary import Summary

MAX_BREACH_ROWS = 2000
PALETTE = ("#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#be185d", "#4d7c0f")

STYLE = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#111827}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.15rem;margin:2rem 0 .5rem}
.meta{color:#4b5563}.pass{color:#15803d;font-weight:600}.fail{color:#b91c1c;font-weight:600}.na{color:#6b7280}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{padding:.3rem .5rem;border-bottom:1px solid #e5e7eb;text-align:left;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}td.t{white-space:nowrap}th{background:#f9fafb;font-weight:600}
th.sortable{cursor:pointer}th.sortable:after{content:" ↕";color:#9ca3af}
.banner{padding:.75rem 1rem;border-radius:.5rem;margin:1rem 0}.banner.pass{background:#dcfce7}.banner.fail{background:#fee2e2}
svg text{font:12px system-ui,sans-serif;fill:#374151}.small{font-size:.85rem;color:#6b7280}
"""

SORT_JS = """
document.querySelectorAll("table.sortable").forEach(function(table){
  table.querySelectorAll("th").forEach(function(th, col){
    th.classList.add("sortable");
    th.addEventListener("click", function(){
      var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
      var asc = th.dataset.dir !== "asc"; th.dataset.dir = asc ? "asc" : "desc";
      rows.sort(function(a, b){
        var x = a.cells[col].dataset.sort || a.cells[col].textContent;
        var y = b.cells[col].dataset.sort || b.cells[col].textContent;
        var nx = parseFloat(x), ny = parseFloat(y);
        var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
        return asc ? c : -c;
      });
      rows.forEach(function(r){ body.appendChild(r); });
    });
  });
});
"""


def _t(value: object) -> str:
    return escape(safe_text(value))


def _num(value: float | int | None) -> str:
    return "" if value is None else str(value)


def _promise_bars(result: Summary) -> str:
    row_h, left, width = 26, 170, 520
    height = row_h * len(result.outcomes) + 30
    parts = [
        f'<svg role="img" aria-label="Compliance per promise" width="{left + width + 60}" '
        f'height="{height}" viewBox="0 0 {left + width + 60} {height}">'
    ]
    for pct in (0, 50, 100):
        x = left + width * pct / 100
        parts.append(f'<line x1="{x}" y1="0" x2="{x}" y2="{height - 24}" stroke="#e5e7eb"/>')
        parts.append(f'<text x="{x}" y="{height - 8}" text-anchor="middle">{pct}%</text>')
    for i, o in enumerate(result.outcomes):
        y = i * row_h + 4
        value = o.compliance
        target = result.target(o.promise)
        passed = result.promise_passed(o)
        colour = "#9ca3af" if passed is None else ("#16a34a" if passed else "#dc2626")
        parts.append(
            f'<text x="{left - 8}" y="{y + 15}" text-anchor="end">{_t(o.promise.id)}</text>'
        )
        if value is not None:
            parts.append(
                f'<rect class="bar" data-promise="{_t(o.promise.id)}" data-value="{value}" x="{left}" '
                f'y="{y}" width="{width * value:.1f}" height="{row_h - 8}" fill="{colour}" rx="2"/>'
            )
            parts.append(
                f'<text x="{left + width * value + 6:.1f}" y="{y + 14}">{percent(value)}</text>'
            )
        tx = left + width * target
        parts.append(
            f'<line class="target" data-value="{target}" x1="{tx:.1f}" y1="{y - 2}" x2="{tx:.1f}" '
            f'y2="{y + row_h - 6}" stroke="#111827" stroke-width="2"/>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _month_lines(result: Summary) -> str:
    frame = result.breakdown("month")
    seen = sorted(m for m in frame["month"].unique() if m != "(none)")
    if not seen:
        return '<p class="small">No decided tickets to chart by month.</p>'
    # every month of the span, so that a month without tickets shows as a gap, not as nothing
    months = [str(p) for p in pd.period_range(seen[0], seen[-1], freq="M")]
    left, top, width, height = 50, 10, 640, 220
    step = width / max(len(months) - 1, 1)
    parts = [
        f'<svg role="img" aria-label="Compliance per month" width="{left + width + 200}" '
        f'height="{height + 50}" viewBox="0 0 {left + width + 200} {height + 50}">'
    ]
    for pct in (0, 25, 50, 75, 100):
        y = top + height * (1 - pct / 100)
        parts.append(f'<line x1="{left}" y1="{y}" x2="{left + width}" y2="{y}" stroke="#e5e7eb"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4}" text-anchor="end">{pct}%</text>')
    for i, month in enumerate(months):
        x = left + (i * step if len(months) > 1 else width / 2)
        parts.append(
            f'<text x="{x:.1f}" y="{top + height + 18}" text-anchor="middle">{_t(month)}</text>'
        )
    for k, o in enumerate(result.outcomes):
        colour = PALETTE[k % len(PALETTE)]
        rows = frame.loc[frame["promise"] == o.promise.id].set_index("month")["compliance"]
        points = []
        for i, month in enumerate(months):
            value = rows.get(month)
            if value is None or pd.isna(value):
                continue
            x = left + (i * step if len(months) > 1 else width / 2)
            y = top + height * (1 - float(value))
            points.append((x, y, float(value), month))
        # one line per run of consecutive months: a month without decided tickets is a gap
        runs: list[list[tuple[float, float]]] = []
        previous = -2
        for x, y, _, month in points:
            position = months.index(month)
            if position != previous + 1:
                runs.append([])
            runs[-1].append((x, y))
            previous = position
        for run in runs:
            if len(run) > 1:
                path = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
                parts.append(
                    f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>'
                )
        if points:
            for x, y, value, month in points:
                parts.append(
                    f'<circle class="point" data-promise="{_t(o.promise.id)}" data-month="{_t(month)}" '
                    f'data-value="{value}" cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}">'
                    f"<title>{_t(o.promise.id)} {_t(month)}: {percent(value)}</title></circle>"
                )
        ly = top + 14 + k * 18
        parts.append(
            f'<rect x="{left + width + 20}" y="{ly - 9}" width="10" height="10" fill="{colour}"/>'
        )
        parts.append(f'<text x="{left + width + 36}" y="{ly}">{_t(o.promise.id)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _promise_table(result: Summary) -> str:
    head = (
        "<tr><th>Promise</th><th class=n>Target</th><th class=n>Actual</th><th>Verdict</th>"
        "<th class=n>Met</th><th class=n>Breached</th><th class=n>Running</th><th class=n>At risk</th>"
        "<th class=n>Not measurable</th><th class=n>p50</th><th class=n>p90</th></tr>"
    )
    rows = []
    for o in result.outcomes:
        passed = result.promise_passed(o)
        verdict = (
            ("na", "n/a") if passed is None else (("pass", "PASS") if passed else ("fail", "FAIL"))
        )
        p = o.percentiles()
        day = promise_day(result, o)
        title = f'<br><span class="small">{_t(o.promise.title)}</span>' if o.promise.title else ""
        rows.append(
            f'<tr data-promise="{_t(o.promise.id)}"><td><b>{_t(o.promise.id)}</b>{title}</td>'
            f'<td class=n data-field="target" data-value="{result.target(o.promise)}">'
            f"{percent(result.target(o.promise))}</td>"
            f'<td class=n data-field="compliance" data-value="{_num(o.compliance)}">{percent(o.compliance)}</td>'
            f'<td class="{verdict[0]}" data-field="passed" data-value="{_num(passed)}">{verdict[1]}</td>'
            f'<td class=n data-field="met" data-value="{o.count(State.MET)}">{o.count(State.MET):,}</td>'
            f'<td class=n data-field="breached" data-value="{o.count(State.BREACHED)}">'
            f"{o.count(State.BREACHED):,}</td>"
            f'<td class=n data-field="running" data-value="{o.count(State.RUNNING)}">{o.count(State.RUNNING):,}</td>'
            f'<td class=n data-field="at_risk" data-value="{o.at_risk}">{o.at_risk:,}</td>'
            f'<td class=n data-field="unmeasurable" data-value="{o.count(State.UNMEASURABLE)}">'
            f"{o.count(State.UNMEASURABLE):,}</td>"
            f'<td class=n data-field="p50" data-value="{_num(p["p50"])}">{business_time(p["p50"], day)}</td>'
            f'<td class=n data-field="p90" data-value="{_num(p["p90"])}">{business_time(p["p90"], day)}</td></tr>'
        )
    return f'<table id="promises"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>'


def _risk_table(result: Summary) -> str:
    shown = result.closest_to_breach(MAX_BREACH_ROWS)
    if shown.empty:
        return '<p class="small">No open ticket has used most of its allowance.</p>'
    head = (
        "<tr><th>Ticket</th><th>Promise</th><th class=n>Used</th><th>Due</th><th class=n>Left</th>"
        "<th>Channel</th><th>Priority</th><th>Group</th><th>Assignee</th><th>Subject</th></tr>"
    )
    deadline_at = shown["deadline_at"].to_numpy(dtype=np.int64)
    deadline, deadline_local = iso(deadline_at), local_times(deadline_at, result.charter.timezone)
    body = []
    for i, row in enumerate(shown.to_dict(orient="records")):
        used = float(row["used"])
        left = int(row["allowed_seconds"]) - int(row["elapsed_seconds"])
        body.append(
            f"<tr><td>{_t(row['ticket_id'])}</td><td>{_t(row['promise'])}</td>"
            f'<td class=n data-sort="{used:.3f}" data-value="{used:.3f}">{percent(used, 0)}</td>'
            f'<td class=t data-sort="{deadline[i]}"><time datetime="{deadline[i]}">{deadline_local[i]}</time></td>'
            f'<td class=n data-sort="{left}" data-value="{left}">{time_left(result, row)}</td>'
            f"<td>{_t(row['channel'])}</td><td>{_t(row['priority'])}</td><td>{_t(row['group'])}</td>"
            f"<td>{_t(row['assignee'])}</td><td>{_t(row['subject'])}</td></tr>"
        )
    return f'<table id="at-risk" class="sortable"><thead>{head}</thead><tbody>{"".join(body)}</tbody></table>'


def _breach_table(result: Summary) -> str:
    breaches = sum(o.count(State.BREACHED) for o in result.outcomes)
    shown = result.worst_breaches(MAX_BREACH_ROWS)
    head = (
        "<tr><th>Ticket</th><th>Promise</th><th>Created</th><th>Deadline</th><th class=n>Late by</th>"
        "<th>Channel</th><th>Priority</th><th>Group</th><th>Assignee</th><th>Subject</th></tr>"
    )
    zone = result.charter.timezone
    created_at = shown["created_at"].to_numpy(dtype=np.int64)
    deadline_at = shown["deadline_at"].to_numpy(dtype=np.int64)
    created, deadline = iso(created_at), iso(deadline_at)
    created_local, deadline_local = local_times(created_at, zone), local_times(deadline_at, zone)
    body = []
    for i, row in enumerate(shown.to_dict(orient="records")):
        overdue = int(row["overdue_seconds"])
        body.append(
            f"<tr><td>{_t(row['ticket_id'])}</td><td>{_t(row['promise'])}</td>"
            f'<td class=t data-sort="{created[i]}"><time datetime="{created[i]}">{created_local[i]}</time></td>'
            f'<td class=t data-sort="{deadline[i]}"><time datetime="{deadline[i]}">{deadline_local[i]}</time></td>'
            f'<td class=n data-sort="{overdue}" data-value="{overdue}">{late_by(result, row)}</td>'
            f"<td>{_t(row['channel'])}</td><td>{_t(row['priority'])}</td><td>{_t(row['group'])}</td>"
            f"<td>{_t(row['assignee'])}</td><td>{_t(row['subject'])}</td></tr>"
        )
    more = ""
    if breaches > len(shown):
        more = f'<p class="small">Showing the {len(shown):,} worst of {breaches:,} breaches; the CSV output has all.</p>'
    return f'<table id="breaches" class="sortable"><thead>{head}</thead><tbody>{"".join(body)}</tbody></table>{more}'


def _sources(result: Summary) -> str:
    rows = "".join(
        f"<tr><td>{_t(promise)}</td><td>{_t(line)}</td></tr>"
        for promise, line in field_sources(result)
    )
    return f'<table id="sources"><thead><tr><th>Promise</th><th>Field ← export column</th></tr></thead><tbody>{rows}</tbody></table>'


def _quality(result: Summary) -> str:
    items = quality_items(result)
    if not items:
        return "<p>No data-quality findings.</p>"
    return "<ul>" + "".join(f"<li>{escape(item)}</li>" for item in items) + "</ul>"


def render(result: Summary, options: Options) -> str:
    src = result.source
    status = (
        ("pass", "Every promise meets its target.")
        if result.passed
        else (
            "fail",
            f"{sum(result.promise_passed(o) is False for o in result.outcomes)} promise(s) under target."
            + (f" {coverage_failure(result)}." if coverage_failure(result) else ""),
        )
    )
    accounting = (
        f'<span data-field="rows" data-value="{src.rows_read}">{src.rows_read:,}</span> rows read → '
        + " + ".join(
            f'<span data-field="{what.replace(" ", "_")}" data-value="{n}">{n:,}</span> {what}'
            for n, what in src.accounting()
        )
    )
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="charter">
<title>Service charter audit: {_t(result.charter.name)}</title>
<style>{STYLE}</style>
</head>
<body>
<h1>Service charter audit: {_t(result.charter.name)}</h1>
<p class="meta">As of <time datetime="{iso_one(result.as_of)}">{local_times(np.array([result.as_of]), result.charter.timezone)[0]}</time> (times in {_t(result.charter.timezone)}) ·
profile <code>{_t(src.profile)}</code> · {accounting}<br>
Charter <code>{_t(result.charter.path)}</code> · exports {", ".join(f"<code>{_t(f)}</code>" for f in src.files)}</p>
<div class="banner {status[0]}" id="verdict" data-value="{str(result.passed).lower()}">{status[1]}</div>
<h2>Promises</h2>
{_promise_table(result)}
<h2>Where the figures come from</h2>
{_sources(result)}
<h2>Compliance per promise</h2>
<p class="small">Bars: share of decided tickets that met the promise; black marks: the targets.</p>
{_promise_bars(result)}
<h2>Compliance per month</h2>
{_month_lines(result)}
<h2>Breaches</h2>
<p class="small">Click a column to sort.</p>
{_breach_table(result)}
<h2>Closest to breach</h2>
<p class="small">Open tickets that have used most of their allowance, the soonest deadline first.</p>
{_risk_table(result)}
<h2>Data quality</h2>
{_quality(result)}
<script>{SORT_JS}</script>
</body>
</html>
"""
