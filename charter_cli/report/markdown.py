"""Markdown for pull requests and `$GITHUB_STEP_SUMMARY`."""

from __future__ import annotations

import numpy as np

from charter_cli.outcome import State
from charter_cli.report.common import (
    Options,
    business_time,
    coverage_failure,
    field_sources,
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


def cell(value: object) -> str:
    """Text safe inside a Markdown table cell: no pipes, newlines or markup from the export."""
    text = safe_text(value).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")
    for ch in "`*_[]<>#":
        text = text.replace(ch, "\\" + ch)
    return text or "–"


def render(result: Summary, options: Options) -> str:
    src = result.source
    verdict = "✅ all promises meet their targets" if result.passed else "❌ promises under target"
    if coverage_failure(result):
        verdict = "❌ coverage under its minimum"
    lines = [
        f"## Service charter audit: {cell(result.charter.name)} — {verdict}",
        "",
        f"As of **{iso_one(result.as_of)}** · profile `{src.profile}` · "
        f"{src.rows_read:,} rows read → "
        + " + ".join(f"{n:,} {what}" for n, what in src.accounting()),
        "",
        "| | Promise | Target | Actual | Met | Breached | Running | At risk | Not measurable | p90 |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for o in result.outcomes:
        passed = result.promise_passed(o)
        mark = "➖" if passed is None else ("✅" if passed else "❌")
        title = f" — {cell(o.promise.title)}" if o.promise.title else ""
        lines.append(
            f"| {mark} | **{o.promise.id}**{title} | {percent(result.target(o.promise))} | "
            f"{percent(o.compliance)} | {o.count(State.MET):,} | {o.count(State.BREACHED):,} | "
            f"{o.count(State.RUNNING):,} | {o.at_risk:,} | {o.count(State.UNMEASURABLE):,} | "
            f"{business_time(o.percentiles()['p90'], promise_day(result, o))} |"
        )
    lines += [
        "",
        "### Where the figures come from",
        "",
        "| Promise | Field ← export column |",
        "|---|---|",
    ]
    lines += [f"| {promise} | {cell(line)} |" for promise, line in field_sources(result)]
    for key in options.by:
        frame = result.breakdown(key)
        lines += [
            "",
            f"### By {key}",
            "",
            f"| Promise | {key} | Met | Breached | Actual |",
            "|---|---|---:|---:|---:|",
        ]
        for row in frame.to_dict(orient="records"):
            compliance = row["compliance"]
            shown = percent(None if compliance != compliance else float(compliance))
            lines.append(
                f"| {row['promise']} | {cell(row[key])} | {int(row['met'])} | {int(row['breached'])} | {shown} |"
            )
    worst = result.worst_breaches(options.top)
    if not worst.empty:
        lines += [
            "",
            "### Worst breaches",
            "",
            "| Ticket | Promise | Late by | Group | Assignee |",
            "|---|---|---:|---|---|",
        ]
        for row in worst.to_dict(orient="records"):
            lines.append(
                f"| {cell(row['ticket_id'])} | {row['promise']} | {late_by(result, row)} | "
                f"{cell(row['group'])} | {cell(row['assignee'])} |"
            )
    risky = result.closest_to_breach(options.top)
    if not risky.empty:
        due = local_times(risky["deadline_at"].to_numpy(dtype=np.int64), result.charter.timezone)
        lines += [
            "",
            "### Closest to breach",
            "",
            "| Ticket | Promise | Used | Due | Left | Group | Assignee |",
            "|---|---|---:|---|---:|---|---|",
        ]
        for i, row in enumerate(risky.to_dict(orient="records")):
            lines.append(
                f"| {cell(row['ticket_id'])} | {row['promise']} | {percent(float(row['used']), 0)} | "
                f"{due[i]} | {time_left(result, row)} | {cell(row['group'])} | {cell(row['assignee'])} |"
            )
    quality = [f"- {cell(item)}" for item in quality_items(result)]
    if quality:
        lines += ["", "### Data quality", "", *quality]
    return "\n".join(lines) + "\n"
