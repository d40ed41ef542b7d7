"""The terminal rendering of `charter explain` (rich; export text never read as markup)."""

from __future__ import annotations

import io
from datetime import datetime

from rich.console import Console
from rich.text import Text

from charter_cli.explain import Change, Gap, Story
from charter_cli.report.common import business_time, duration
from charter_cli.report.escape import safe_text

STYLE = {
    "met": "bold green",
    "breached": "bold red",
    "running": "bold yellow",
    "unmeasurable": "bold magenta",
}


def _when(moment: datetime | None) -> str:
    return "–" if moment is None else moment.strftime("%a %d %b %Y %H:%M %Z")


def _skipped(gap: Gap) -> str:
    return f"… {gap.days} day{'' if gap.days == 1 else 's'} not shown …"


def _changed(change: Change) -> str:
    said = []
    if change.status is not None:
        said.append(f"status {safe_text(change.status)}")
    if change.group is not None:
        said.append(f"group {safe_text(change.group)}")
    return " · ".join(said)


def render_story(story: Story, *, color: bool = False, width: int = 100) -> str:
    buffer = io.StringIO()
    console = Console(
        file=buffer, width=width, color_system="standard" if color else None, force_terminal=color,
        no_color=not color, highlight=False, emoji=False, markup=False,
    )  # fmt: skip
    head = Text()
    head.append(f"Ticket {safe_text(story.ticket_id)}", style="bold")
    if "subject" in story.attributes:
        head.append(f" — {safe_text(story.attributes['subject'])}")
    console.print(head)
    details = [
        f"{k.replace('_raw', ' as exported')}: {safe_text(v)}"
        for k, v in story.attributes.items()
        if k != "subject"
    ]
    console.print(Text("  " + " · ".join(details), style="dim"))
    console.print(
        Text(f"  times in {story.timezone}; judged as of {_when(story.as_of)}", style="dim")
    )
    for note in story.notes:
        console.print(Text(f"  note: {safe_text(note)}", style="dim"))
    for name, moment in story.facts:
        console.print(Text(f"  {_when(moment):<32} {name.removesuffix('_at').replace('_', ' ')}"))
    if story.history:
        console.print(Text("  status and group history (from the events):", style="dim"))
    for change in story.history:
        if isinstance(change, Gap):
            console.print(Text(f"  {_skipped(change)}", style="dim"))
            continue
        console.print(Text(f"  {_when(change.when):<32} {_changed(change)}"))
    for s in story.stories:
        console.print()
        title = Text(s.promise.id, style="bold")
        if s.instance is not None:
            title.append(f" #{s.instance}", style="bold")
        if s.promise.title:
            title.append(f" — {safe_text(s.promise.title)}")
        console.print(title)
        if not s.applies:
            console.print(Text(f"  does not apply: {s.why_not}", style="dim"))
            continue
        verdict = Text("  verdict: ")
        verdict.append((s.state or "").upper(), style=STYLE.get(s.state or "", ""))
        if s.overdue:
            verdict.append(f" by {business_time(s.overdue, s.day_seconds)}")
        elif s.state == "met" and s.allowed is not None and s.elapsed is not None:
            verdict.append(f" with {business_time(s.allowed - s.elapsed, s.day_seconds)} to spare")
        if s.reason:
            verdict.append(f" ({safe_text(s.reason)})")
        console.print(verdict)
        console.print(Text(f"  calendar: {s.calendar}"))
        # a clock with no stop runs on, unless nothing can be judged (`resolved without reply`)
        unstopped = "not stopped" if s.state == "unmeasurable" else "still running"
        console.print(
            Text(f"  clock:    {_when(s.started)} → {_when(s.stopped) if s.stopped else unstopped}")
        )
        if s.began or s.ended:
            console.print(
                Text(
                    f"  instance: {safe_text(s.began or '–')} → {safe_text(s.ended or 'still running')}"
                )
            )
        for what, moment, more in s.ends:  # the messages that started and stopped it
            console.print(Text(f"     {what:<10} {_when(moment)}  {safe_text(more)}".rstrip()))
        if s.elapsed is not None:
            allowed = (
                f" of {business_time(s.allowed, s.day_seconds)} allowed"
                if s.allowed is not None
                else ""
            )
            counted = business_time(s.elapsed, s.day_seconds)
            console.print(Text(f"  counted:  {counted}{allowed}; deadline {_when(s.deadline)}"))
        for span in s.counted:
            if isinstance(span, Gap):
                console.print(Text(f"     {_skipped(span)}", style="dim"))
                continue
            console.print(
                Text(
                    f"     open  {_when(span.start)} – {span.stop.strftime('%H:%M')}  ({duration(span.seconds)})",
                    style="dim",
                )
            )
        for span in s.paused:
            console.print(
                Text(
                    f"     paused {_when(span.start)} – {_when(span.stop)}  ({duration(span.seconds)} wall clock)"
                    + (f" — {safe_text(span.status)}" if span.status else ""),
                    style="dim",
                )
            )
        for day, name in s.skipped_days:
            label = "holiday" if "short day" in name else "closed"
            console.print(Text(f"     {label} {day:%a %d %b %Y}: {safe_text(name)}", style="dim"))
    return buffer.getvalue()
