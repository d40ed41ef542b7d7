"""`charter calendar` as a terminal table, JSON or Markdown: pure functions of a `YearReview`."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from charter_cli.charter.values import DAYS
from charter_cli.drafting.year import CLOSED, CLOSED_HOURS, CalendarYear, ReviewDay, YearReview
from charter_cli.report.escape import safe_text

KIND_WORDS = {CLOSED: "closed", "hours": "open", CLOSED_HOURS: "closed"}


def _zone(cal: CalendarYear) -> str:
    if cal.ticket_zone:
        return f"in each ticket's own zone, else {cal.timezone}"
    return f"in {cal.timezone}"


def _weekly(cal: CalendarYear) -> str:
    if cal.always:
        return "24/7"
    groups: list[tuple[int, int, str]] = []
    for i, day in enumerate(DAYS):
        text = cal.hours[day]
        if groups and groups[-1][2] == text and groups[-1][1] == i - 1:
            groups[-1] = (groups[-1][0], i, text)
        else:
            groups.append((i, i, text))
    return "; ".join(f"{DAYS[a]}{'-' + DAYS[b] if b > a else ''} {text}" for a, b, text in groups)


@dataclass(frozen=True)
class _Row:
    """Consecutive days with the same word from the same sources, shown as one row."""

    first: ReviewDay
    last: ReviewDay

    @property
    def dates(self) -> str:
        if self.first.day == self.last.day:
            return self.first.day.isoformat()
        last = self.last.day
        end = last.isoformat() if last.year != self.first.day.year else f"{last:%m-%d}"
        return f"{self.first.day.isoformat()} → {end}"

    @property
    def weekdays(self) -> str:
        a, b = DAYS[self.first.day.weekday()], DAYS[self.last.day.weekday()]
        return a if self.first.day == self.last.day else f"{a}–{b}"

    @property
    def usual(self) -> str:
        return self.first.usual if self.first.day == self.last.day else "–"


def _rows(days: tuple[ReviewDay, ...]) -> list[_Row]:
    rows: list[_Row] = []
    for d in days:
        last = rows[-1].last if rows else None
        if (
            last is not None
            and d.kind == last.kind
            and d.kind != CLOSED_HOURS
            and (d.name, d.sources, d.hours) == (last.name, last.sources, last.hours)
            and (d.day - last.day).days == 1
        ):
            rows[-1] = _Row(rows[-1].first, d)
        else:
            rows.append(_Row(d, d))
    return rows


def _what(day: ReviewDay) -> str:
    if day.kind == CLOSED:
        return "closed all day"
    if day.kind == CLOSED_HOURS:
        return f"closed {day.hours}"
    return f"open {day.hours} only"


def _totals(cal: CalendarYear) -> str:
    hours = cal.open_seconds / 3600
    shown = f"{hours:,.0f}" if hours == int(hours) else f"{hours:,.1f}"
    return f"{cal.working_days} working days, {shown} open hours"


def render_json(review: YearReview) -> str:
    doc: dict[str, Any] = {
        "schema_version": 1,
        "charter": {"name": review.charter, "path": review.path},
        "year": review.year,
        "calendars": [
            {
                "name": c.name,
                "title": c.title,
                "timezone": c.timezone,
                "ticket_zone": c.ticket_zone,
                "always": c.always,
                "hours": c.hours,
                "working_days": c.working_days,
                "open_seconds": c.open_seconds,
                "days": [
                    {
                        "date": d.day.isoformat(),
                        "weekday": DAYS[d.day.weekday()],
                        "kind": d.kind,
                        "name": d.name,
                        "sources": list(d.sources),
                        "hours": d.hours,
                        "usual": d.usual,
                    }
                    for d in c.days
                ],
            }
            for c in review.calendars
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _cell(text: str) -> str:
    return safe_text(text).replace("|", "\\|")


def render_markdown(review: YearReview) -> str:
    lines = [f"# {_cell(review.charter)}: calendars in {review.year}", ""]
    for cal in review.calendars:
        title = f" — {_cell(cal.title)}" if cal.title else ""
        lines += [f"## {_cell(cal.name)}{title}", ""]
        lines += [f"- Hours: {_weekly(cal)}, {_zone(cal)}", f"- {_totals(cal)}", ""]
        if not cal.days:
            lines += ["No closed days or special hours.", ""]
            continue
        lines += ["| Date | Day | | Name | Usual hours | Source |", "|---|---|---|---|---|---|"]
        lines += [
            f"| {r.dates} | {r.weekdays} | {_what(r.first)} | {_cell(r.first.name)} "
            f"| {r.usual} | {_cell(', '.join(r.first.sources))} |"
            for r in _rows(cal.days)
        ]
        lines.append("")
    return "\n".join(lines)


def render_text(review: YearReview, *, color: bool = False, width: int = 100) -> str:
    buffer = io.StringIO()
    console = Console(
        file=buffer, width=width, color_system="standard" if color else None, force_terminal=color,
        no_color=not color, highlight=False, emoji=False, markup=False, legacy_windows=False,
    )  # fmt: skip
    head = Text()
    head.append(safe_text(review.charter), style="bold")
    head.append(f": calendars in {review.year}")
    console.print(head)
    style: dict[str, str] = {CLOSED: "red", "hours": "yellow", CLOSED_HOURS: "yellow"}
    for cal in review.calendars:
        console.print()
        title = Text()
        title.append(safe_text(cal.name), style="bold")
        if cal.title:
            title.append(f" — {safe_text(cal.title)}")
        console.print(title)
        console.print(Text(f"  {_weekly(cal)}, {_zone(cal)}"))
        console.print(Text(f"  {_totals(cal)}"))
        if not cal.days:
            console.print(Text("  no closed days or special hours"))
            continue
        table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
        add: Callable[..., None] = table.add_column
        add("Date", no_wrap=True)
        add("", no_wrap=True)
        add("Name", overflow="fold")
        add("Source", no_wrap=True, overflow="ellipsis")
        for r in _rows(cal.days):
            d = r.first
            name = Text(safe_text(d.name))
            if r.usual == CLOSED:  # a holiday on a day the calendar is closed anyway
                name.append(f" ({DAYS[d.day.weekday()]}: closed anyway)", style="dim")
            what = "closed" if d.kind == CLOSED else _what(d)
            table.add_row(
                r.dates,
                Text(what, style=style.get(d.kind, "")),
                name,
                safe_text(", ".join(d.sources)),
            )
        console.print(table)
    return buffer.getvalue()


RENDERERS: dict[str, Callable[[YearReview], str]] = {
    "json": render_json,
    "markdown": render_markdown,
    "text": render_text,
}
