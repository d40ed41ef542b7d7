"""The terminal report (rich). Export text is always a `Text` (never markup) and made safe."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
from rich import box
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

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


def _verdict(passed: bool | None) -> Text:
    if passed is None:
        return Text("n/a", style="dim")
    return Text("PASS", style="bold green") if passed else Text("FAIL", style="bold red")


def _header(result: Summary) -> Panel:
    src = result.source
    lines = Text()
    lines.append("Charter  ", style="bold")
    lines.append(safe_text(result.charter.name))
    lines.append(f"  ({safe_text(result.charter.path)})\n", style="dim")
    lines.append("Input    ", style="bold")
    lines.append(", ".join(safe_text(f) for f in src.files))
    lines.append(f"  [profile {src.profile}]\n")
    if src.events_file:
        lines.append("Events   ", style="bold")
        lines.append(f"{safe_text(src.events_file)}\n")
    lines.append("As of    ", style="bold")
    lines.append(f"{iso_one(result.as_of)}")
    if result.since is not None or result.until is not None:
        lines.append(f"   period {iso_one(result.since) or '…'} → {iso_one(result.until) or '…'}")
    lines.append("\n")
    lines.append("Rows     ", style="bold")
    parts = [f"{n:,} {what}" for n, what in src.accounting()]
    lines.append(f"{src.rows_read:,} read → " + " + ".join(parts))
    if result.audited != src.count:
        lines.append(f"   ({result.audited:,} in the period)")
    return Panel(lines, title="charter audit", title_align="left", box=box.ROUNDED)


def _promises(result: Summary) -> Table:
    table = Table(title="Promises", title_justify="left", box=box.SIMPLE_HEAVY, expand=False)
    table.add_column("Promise", overflow="fold", ratio=3)
    table.add_column("Target", justify="right")
    table.add_column("Actual", justify="right")
    table.add_column("", justify="center")
    table.add_column("Met", justify="right")
    table.add_column("Late", justify="right")
    table.add_column("Open", justify="right")
    table.add_column("At risk", justify="right")
    table.add_column("n/m", justify="right", header_style="bold")
    table.add_column("p90", justify="right")
    for o in result.outcomes:
        name = Text(o.promise.id, style="bold")
        if o.promise.title:
            name.append("\n" + safe_text(o.promise.title), style="dim")
        table.add_row(
            name,
            percent(
                result.target(o.promise), 0 if (result.target(o.promise) * 100).is_integer() else 1
            ),
            percent(o.compliance),
            _verdict(result.promise_passed(o)),
            f"{o.count(State.MET):,}",
            f"{o.count(State.BREACHED):,}",
            f"{o.count(State.RUNNING):,}",
            f"{o.at_risk:,}",
            f"{o.count(State.UNMEASURABLE):,}",
            business_time(o.percentiles()["p90"], promise_day(result, o)),
        )
    table.caption = (
        "Late: breached; Open: running, not counted; At risk: open, most of the allowance used; "
        "n/m: not measurable (see below)"
    )
    return table


def _sources(result: Summary) -> Table:
    table = Table(
        title="Where the figures come from", title_justify="left", box=box.SIMPLE, expand=False
    )
    table.add_column("Promise")
    table.add_column("Field ← export column", overflow="fold")
    for promise, line in field_sources(result):
        table.add_row(promise, Text(safe_text(line)))
    return table


def _breakdown(result: Summary, key: str) -> Table:
    frame = result.breakdown(key)
    table = Table(title=f"By {key}", title_justify="left", box=box.SIMPLE)
    table.add_column("Promise")
    table.add_column(key if "." in key else key.capitalize(), overflow="fold")
    for col in ("Met", "Late", "Open", "n/m"):
        table.add_column(col, justify="right")
    table.add_column("Actual", justify="right")
    previous = None
    for row in frame.to_dict(orient="records"):
        promise = str(row["promise"])
        compliance = row["compliance"]
        table.add_row(
            promise if promise != previous else "",
            Text(safe_text(row[key])),
            f"{int(row['met']):,}",
            f"{int(row['breached']):,}",
            f"{int(row['running']):,}",
            f"{int(row['unmeasurable']):,}",
            percent(None if pd.isna(compliance) else float(compliance)),
        )
        previous = promise
    return table


def _worst(result: Summary, top: int) -> Table | None:
    frame = result.worst_breaches(top)
    if frame.empty:
        return None
    table = Table(title=f"Worst {len(frame)} breaches", title_justify="left", box=box.SIMPLE)
    table.add_column("Ticket", overflow="fold")
    table.add_column("Promise")
    table.add_column("Late by", justify="right")
    table.add_column("Who", overflow="fold")
    table.add_column("Subject", overflow="ellipsis", max_width=40)
    for row in frame.to_dict(orient="records"):
        who = " / ".join(safe_text(v) for v in (row["group"], row["assignee"]) if safe_text(v))
        table.add_row(
            Text(safe_text(row["ticket_id"])),
            str(row["promise"]),
            late_by(result, row),
            Text(who or "–"),
            Text(safe_text(row["subject"]) or "–", no_wrap=True),
        )
    return table


def _at_risk(result: Summary, top: int) -> Table | None:
    frame = result.closest_to_breach(top)
    if frame.empty:
        return None
    table = Table(title="Closest to breach", title_justify="left", box=box.SIMPLE)
    table.add_column("Ticket", overflow="fold")
    table.add_column("Promise")
    table.add_column("Used", justify="right")
    table.add_column("Due", justify="right")
    table.add_column("Left", justify="right")
    table.add_column("Who", overflow="fold")
    due = local_times(frame["deadline_at"].to_numpy(dtype=np.int64), result.charter.timezone)
    for i, row in enumerate(frame.to_dict(orient="records")):
        who = " / ".join(safe_text(v) for v in (row["group"], row["assignee"]) if safe_text(v))
        table.add_row(
            Text(safe_text(row["ticket_id"])),
            str(row["promise"]),
            percent(float(row["used"]), 0),
            str(due[i]),
            time_left(result, row),
            Text(who or "–"),
        )
    return table


def _quality(result: Summary) -> Text | None:
    items = quality_items(result)
    if not items:
        return None
    return Text("\n".join(f"• {item}" for item in items))


def render(result: Summary, options: Options) -> str:
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=options.width,
        color_system="standard" if options.color else None,
        force_terminal=options.color,
        no_color=not options.color,
        highlight=False,
        emoji=False,
        markup=False,
        legacy_windows=False,
    )
    parts: list[object] = [_header(result), _promises(result), _sources(result)]
    for key in options.by:
        parts.append(_breakdown(result, key))
    worst = _worst(result, options.top)
    if worst is not None:
        parts.append(worst)
    risky = _at_risk(result, options.top)
    if risky is not None:
        parts.append(risky)
    quality = _quality(result)
    if quality is not None:
        parts.append(Panel(quality, title="Data quality", title_align="left", box=box.ROUNDED))
    failed = [o.promise.id for o in result.outcomes if result.promise_passed(o) is False]
    summary = Text()
    uncovered = coverage_failure(result)
    if result.passed:
        summary.append("All promises meet their targets.", style="bold green")
    elif failed:
        summary.append(
            f"{len(failed)} promise(s) under target: {', '.join(failed)}", style="bold red"
        )
    if uncovered:
        summary.append(("\n" if failed else "") + safe_text(uncovered) + ".", style="bold red")
    parts.append(summary)
    console.print(Group(*parts))  # type: ignore[arg-type]
    return buffer.getvalue()
