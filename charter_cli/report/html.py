"""One self-contained HTML page to forward: no network, inline CSS, SVG and a few lines of JS.

Every number shown is also in a `data-value` attribute, so the page can be read back by a program
(tests do) without scraping formatted text. Everything from the export is HTML-escaped.
"""

from __future__ import annotations

import re
from html import escape
from itertools import pairwise

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
_DIGIT_SPACE = re.compile(r"(\d) ")
PALETTE = ("#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#be185d", "#4d7c0f")

STYLE = """
*,*::before,*::after{box-sizing:border-box}html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:1600px;padding:1.5rem clamp(.75rem,3vw,2rem);color:#111827}
h1{font-size:1.5rem;line-height:1.25;margin:0 0 .25rem}h2{font-size:1.15rem;margin:2rem 0 .5rem}
h1,.meta,code,li{overflow-wrap:anywhere}
.meta{color:#4b5563}.pass{color:#15803d;font-weight:600}.fail{color:#b91c1c;font-weight:600}.na{color:#6b7280}
.scroll{overflow-x:auto;margin:.5rem 0;max-width:100%}
table{border-collapse:collapse;width:100%;font-size:14px}th,td{padding:.3rem .5rem;border-bottom:1px solid #e5e7eb;text-align:left;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}td.n,td.id{white-space:nowrap}td.d{white-space:normal;min-width:8.5rem}td.t{min-width:7.5rem}th{background:#f9fafb;font-weight:600}
td.w{overflow-wrap:break-word}td.l{min-width:12rem;overflow-wrap:anywhere}
th.sortable{cursor:pointer}th.sortable:after{content:" ↕";color:#9ca3af}
.banner{padding:.75rem 1rem;border-radius:.5rem;margin:1rem 0}.banner.pass{background:#dcfce7}.banner.fail{background:#fee2e2}
.small{font-size:.85rem;color:#6b7280}
svg{display:block;overflow:visible}svg text{font:12px system-ui,sans-serif;fill:#374151}
.bars{max-width:56rem}.bars .row{margin:.2rem 0 .6rem}.bars .label{display:flex;flex-wrap:wrap;justify-content:space-between;gap:0 1rem}
.bars .label b{overflow-wrap:anywhere;font-weight:600}.bars .label span{margin-left:auto}.bars svg{width:100%;height:16px}
.axis{display:flex;justify-content:space-between;max-width:56rem;font-size:.8rem;color:#6b7280}
.lines{display:grid;grid-template-columns:2.75rem minmax(0,1fr);padding-right:1.75rem;margin:.5rem 0}
.lines svg{width:100%;height:240px}
.legend{display:flex;flex-wrap:wrap;gap:.15rem 1.25rem;list-style:none;padding:0;margin:.25rem 0 0 2.75rem;font-size:.85rem}
.legend i{display:inline-block;width:.7rem;height:.7rem;margin-right:.35rem}
@media (min-width:901px){.lines text.month:not(.wide){display:none}}@media (max-width:900px){.lines text.month:not(.mid){display:none}}
@media (max-width:600px){.lines text.month:not(.few){display:none}h1{font-size:1.3rem}}
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


def _dur(text: str) -> str:
    """A duration that wraps between its parts, never between a number and its unit."""
    return _DIGIT_SPACE.sub("\\1&nbsp;", _t(text))


def _num(value: float | int | None) -> str:
    return "" if value is None else str(value)


def _promise_bars(result: Summary) -> str:
    """One row per promise: its id and share as HTML text (which wraps), under it a bar drawn in
    an SVG whose geometry is in percent of its width, so it stretches with the page while the
    text keeps its size."""
    rows = []
    for o in result.outcomes:
        value = o.compliance
        target = result.target(o.promise)
        passed = result.promise_passed(o)
        colour = "#9ca3af" if passed is None else ("#16a34a" if passed else "#dc2626")
        bar = (
            ""
            if value is None
            else f'<rect class="bar" data-promise="{_t(o.promise.id)}" data-value="{value}" x="0" '
            f'y="2" width="{value * 100:.2f}%" height="12" fill="{colour}" rx="2"/>'
        )
        rows.append(
            f'<div class="row"><div class="label"><b>{_t(o.promise.id)}</b><span>{percent(value)}</span></div>'
            f'<svg width="100%" height="16" role="img" aria-label="{_t(o.promise.id)}: {percent(value)}, target {percent(target)}">'
            f'<rect x="0" y="2" width="100%" height="12" fill="#f3f4f6" rx="2"/>{bar}'
            f'<line class="target" data-value="{target}" x1="{target * 100:.2f}%" y1="0" '
            f'x2="{target * 100:.2f}%" y2="16" stroke="#111827" stroke-width="2"/></svg></div>'
        )
    axis = '<div class="axis" aria-hidden="true"><span>0%</span><span>50%</span><span>100%</span></div>'
    return f'<div class="bars" role="group" aria-label="Compliance per promise">{"".join(rows)}{axis}</div>'


def _month_lines(result: Summary) -> str:
    """Compliance per month, one line per promise. The x axis is in percent of the chart's width
    (the chart stretches with the page, its text keeps its size); the y axis is in pixels. Month
    labels thin out on narrow screens (CSS classes `mid` and `few`); the legend is HTML."""
    frame = result.breakdown("month")
    seen = sorted(m for m in frame["month"].unique() if m != "(none)")
    if not seen:
        return '<p class="small">No decided tickets to chart by month.</p>'
    # every month of the span, so that a month without tickets shows as a gap, not as nothing
    months = [str(p) for p in pd.period_range(seen[0], seen[-1], freq="M")]
    top, height = 10, 200
    n = len(months)

    def x(i: int) -> float:  # percent of the plot's width
        return 50.0 if n == 1 else 2 + 96 * i / (n - 1)

    def y(value: float) -> float:
        return top + height * (1 - value)

    size = f'width="100%" height="{top + height + 30}"'  # as the CSS says, for a reader without it
    axis = [f'<svg {size} aria-hidden="true">']
    plot = [f'<svg {size} role="img" aria-label="Compliance per month">']
    for pct in (0, 25, 50, 75, 100):
        gy = y(pct / 100)
        plot.append(f'<line x1="0" y1="{gy}" x2="100%" y2="{gy}" stroke="#e5e7eb"/>')
        axis.append(f'<text x="100%" dx="-6" y="{gy + 4}" text-anchor="end">{pct}%</text>')
    every = -(-n // 14)  # at most 14 labels on a wide screen, 9 below 900 px, 5 below 600 px
    mid, few = -(-n // 9), -(-n // 5)
    for i, month in enumerate(months):
        is_few = i % few == 0  # a label shown below 600 px is shown below 900 px too
        is_mid, is_wide = is_few or i % mid == 0, i % every == 0
        if not (is_wide or is_mid):
            continue
        classes = "month" + " wide" * is_wide + " mid" * is_mid + " few" * is_few
        plot.append(
            f'<text class="{classes}" x="{x(i):.2f}%" y="{top + height + 20}" '
            f'text-anchor="middle">{_t(month)}</text>'
        )
    legend = []
    for k, o in enumerate(result.outcomes):
        colour = PALETTE[k % len(PALETTE)]
        rows = frame.loc[frame["promise"] == o.promise.id].set_index("month")["compliance"]
        points = []
        for i, month in enumerate(months):
            value = rows.get(month)
            if value is None or pd.isna(value):
                continue
            points.append((i, float(value), month))
        # one line per run of consecutive months: a month without decided tickets is a gap
        for (i, a, _), (j, b, _) in pairwise(points):
            if j == i + 1:
                plot.append(
                    f'<line x1="{x(i):.2f}%" y1="{y(a):.1f}" x2="{x(j):.2f}%" y2="{y(b):.1f}" '
                    f'stroke="{colour}" stroke-width="2"/>'
                )
        for i, value, month in points:
            plot.append(
                f'<circle class="point" data-promise="{_t(o.promise.id)}" data-month="{_t(month)}" '
                f'data-value="{value}" cx="{x(i):.2f}%" cy="{y(value):.1f}" r="3.5" fill="{colour}">'
                f"<title>{_t(o.promise.id)} {_t(month)}: {percent(value)}</title></circle>"
            )
        legend.append(f'<li><i style="background:{colour}"></i>{_t(o.promise.id)}</li>')
    axis.append("</svg>")
    plot.append("</svg>")
    return (
        f'<div class="lines">{"".join(axis)}{"".join(plot)}</div>'
        f'<ul class="legend">{"".join(legend)}</ul>'
    )


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
            f'<tr data-promise="{_t(o.promise.id)}"><td class=l><b>{_t(o.promise.id)}</b>{title}</td>'
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
            f'<td class="n d" data-field="p50" data-value="{_num(p["p50"])}">{_dur(business_time(p["p50"], day))}</td>'
            f'<td class="n d" data-field="p90" data-value="{_num(p["p90"])}">{_dur(business_time(p["p90"], day))}</td></tr>'
        )
    return f'<div class="scroll"><table id="promises"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table></div>'


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
            f"<tr><td class=id>{_t(row['ticket_id'])}</td><td class=w>{_t(row['promise'])}</td>"
            f'<td class=n data-sort="{used:.3f}" data-value="{used:.3f}">{percent(used, 0)}</td>'
            f'<td class=t data-sort="{deadline[i]}"><time datetime="{deadline[i]}">{deadline_local[i]}</time></td>'
            f'<td class="n d" data-sort="{left}" data-value="{left}">{_dur(time_left(result, row))}</td>'
            f"<td class=w>{_t(row['channel'])}</td><td class=w>{_t(row['priority'])}</td><td class=w>{_t(row['group'])}</td>"
            f"<td class=w>{_t(row['assignee'])}</td><td class=l>{_t(row['subject'])}</td></tr>"
        )
    return f'<div class="scroll"><table id="at-risk" class="sortable"><thead>{head}</thead><tbody>{"".join(body)}</tbody></table></div>'


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
            f"<tr><td class=id>{_t(row['ticket_id'])}</td><td class=w>{_t(row['promise'])}</td>"
            f'<td class=t data-sort="{created[i]}"><time datetime="{created[i]}">{created_local[i]}</time></td>'
            f'<td class=t data-sort="{deadline[i]}"><time datetime="{deadline[i]}">{deadline_local[i]}</time></td>'
            f'<td class="n d" data-sort="{overdue}" data-value="{overdue}">{_dur(late_by(result, row))}</td>'
            f"<td class=w>{_t(row['channel'])}</td><td class=w>{_t(row['priority'])}</td><td class=w>{_t(row['group'])}</td>"
            f"<td class=w>{_t(row['assignee'])}</td><td class=l>{_t(row['subject'])}</td></tr>"
        )
    more = ""
    if breaches > len(shown):
        more = f'<p class="small">Showing the {len(shown):,} worst of {breaches:,} breaches; the CSV output has all.</p>'
    return f'<div class="scroll"><table id="breaches" class="sortable"><thead>{head}</thead><tbody>{"".join(body)}</tbody></table></div>{more}'


def _breakdown(result: Summary, key: str) -> str:
    """The `--by KEY` table. Its numbers carry `data-col` (not `data-field`, which is the promise
    table's) and `data-value`; the row, `data-by-promise` and `data-by-value`."""
    body = []
    for row in result.breakdown(key).to_dict(orient="records"):
        compliance = row["compliance"]
        value = None if pd.isna(compliance) else float(compliance)
        cells = "".join(
            f'<td class=n data-col="{col}" data-value="{int(row[col])}">{int(row[col]):,}</td>'
            for col in ("met", "breached", "running", "unmeasurable")
        )
        body.append(
            f'<tr data-by-promise="{_t(row["promise"])}" data-by-value="{_t(row[key])}">'
            f"<td class=w>{_t(row['promise'])}</td><td class=l>{_t(row[key])}</td>{cells}"
            f'<td class=n data-col="compliance" data-value="{_num(value)}">{percent(value)}</td></tr>'
        )
    head = (
        f"<tr><th>Promise</th><th>{_t(key.capitalize())}</th><th class=n>Met</th><th class=n>Breached</th>"
        "<th class=n>Running</th><th class=n>Not measurable</th><th class=n>Actual</th></tr>"
    )
    return (
        f"<h2>By {_t(key)}</h2>"
        f'<div class="scroll"><table id="by-{_t(key)}" class="sortable"><thead>{head}</thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def _sources(result: Summary) -> str:
    rows = "".join(
        f"<tr><td class=w>{_t(promise)}</td><td class=l>{_t(line)}</td></tr>"
        for promise, line in field_sources(result)
    )
    return f'<div class="scroll"><table id="sources"><thead><tr><th>Promise</th><th>Field ← export column</th></tr></thead><tbody>{rows}</tbody></table></div>'


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
{"".join(_breakdown(result, key) for key in options.by)}
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
