"""What changed between two charters, and what the change would have meant on real tickets."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from charter_cli.audit import STATE_LABELS, AuditResult, Outcome
from charter_cli.charter.model import Allowance, Calendar, Charter, Promise
from charter_cli.charter.selectors import describe
from charter_cli.charter.values import DAYS, Duration

TIGHTENED, LOOSENED, CHANGED, ADDED, REMOVED, REPLACED = (
    "tightened",
    "loosened",
    "changed",
    "added",
    "removed",
    "replaced",
)


@dataclass(frozen=True)
class Change:
    kind: str  # added, removed, tightened, loosened, changed
    subject: str  # "promise first-reply", "calendar office", "channel chat"
    detail: str  # what exactly, in words
    old: Any = None
    new: Any = None

    def __str__(self) -> str:
        sign = {ADDED: "+", REMOVED: "-"}.get(self.kind, "~")
        return f"{sign} {self.subject}: {self.detail}" + (
            f" ({self.kind})" if self.kind in (TIGHTENED, LOOSENED) else ""
        )


@dataclass(frozen=True)
class Flip:
    promise: str
    ticket_id: str
    old: str
    new: str


@dataclass
class Replay:
    """Both charters audited on the same tickets."""

    compliance: dict[str, tuple[float | None, float | None]]  # promise -> (old, new)
    flips: list[Flip] = field(default_factory=list)


def _allowances(a: Allowance) -> dict[str, Duration]:
    out = dict(a.by_priority)
    if a.default is not None:
        out["*"] = a.default
    return out


def _scope(p: Promise) -> str:
    return describe(p.selector)


def _in_force(p: Promise) -> str:
    span = p.in_force
    if span is None or not (span.start or span.end):
        return "always"
    if span.start and span.end:
        return f"from {span.start} until {span.end}"
    return f"from {span.start}" if span.start else f"until {span.end}"


def _cal(p: Promise) -> str:
    return p.calendar or "of the channel"


def _pauses(p: Promise) -> str:
    return str(sorted(p.pause_when)) if p.pause_when else "never"


def _region(c: Calendar) -> str:
    return (c.country or "no country") + (f"-{c.subdivision}" if c.subdivision else "")


def _compare_promise(old: Promise, new: Promise, old_c: Charter, new_c: Charter) -> list[Change]:
    subject = f"promise {new.id}"
    changes: list[Change] = []
    if old.measure != new.measure or (old.start_field, old.stop_field) != (
        new.start_field,
        new.stop_field,
    ):
        changes.append(
            Change(
                CHANGED,
                subject,
                f"measures {new.measure} instead of {old.measure}",
                old.measure,
                new.measure,
            )
        )
    if old.selector != new.selector:
        changes.append(
            Change(
                CHANGED,
                subject,
                f"applies to {_scope(new)} instead of {_scope(old)}",
                _scope(old),
                _scope(new),
            )
        )
    if (old.policy or "") != (new.policy or ""):
        changes.append(
            Change(
                CHANGED,
                subject,
                f"in policy {new.policy or '(none)'} instead of {old.policy or '(none)'}",
                old.policy,
                new.policy,
            )
        )
    if old.in_force != new.in_force:
        changes.append(
            Change(
                CHANGED,
                subject,
                f"in force {_in_force(new)} instead of {_in_force(old)}",
                _in_force(old),
                _in_force(new),
            )
        )
    if (old.calendar or "") != (new.calendar or ""):
        changes.append(
            Change(
                CHANGED,
                subject,
                f"runs on calendar {_cal(new)} instead of {_cal(old)}",
                old.calendar,
                new.calendar,
            )
        )
    day_old, day_new = old_c.working_day_seconds(old), new_c.working_day_seconds(new)
    before, after = _allowances(old.within), _allowances(new.within)
    for key in sorted(set(before) | set(after)):
        label = "" if key == "*" else f" for {key}"
        if key not in after:
            changes.append(
                Change(
                    LOOSENED,
                    subject,
                    f"no allowance{label} any more (was {before[key]})",
                    str(before[key]),
                    None,
                )
            )
        elif key not in before:
            changes.append(
                Change(
                    TIGHTENED, subject, f"within {after[key]}{label} (new)", None, str(after[key])
                )
            )
        elif before[key] != after[key]:
            a, b = (
                before[key].approx_seconds(day_old),
                after[key].approx_seconds(day_new),
            )
            kind = TIGHTENED if b < a else LOOSENED if b > a else CHANGED
            changes.append(
                Change(
                    kind,
                    subject,
                    f"within{label} {before[key]} → {after[key]}",
                    str(before[key]),
                    str(after[key]),
                )
            )
    if old.target != new.target:
        kind = TIGHTENED if new.target > old.target else LOOSENED
        changes.append(
            Change(
                kind, subject, f"target {old.target:.1%} → {new.target:.1%}", old.target, new.target
            )
        )
    if old.between != new.between and old.between and new.between:
        changes.append(
            Change(
                CHANGED,
                subject,
                f"window {old.between[0]}–{old.between[1]} → {new.between[0]}–{new.between[1]}",
                [str(x) for x in old.between],
                [str(x) for x in new.between],
            )
        )
    if set(old.pause_when) != set(new.pause_when):
        kind = (
            LOOSENED
            if set(new.pause_when) > set(old.pause_when)
            else TIGHTENED
            if set(new.pause_when) < set(old.pause_when)
            else CHANGED
        )
        changes.append(
            Change(
                kind,
                subject,
                f"pauses when {_pauses(new)} instead of {_pauses(old)}",
                sorted(old.pause_when),
                sorted(new.pause_when),
            )
        )
    if (old.escalate_to or "") != (new.escalate_to or ""):
        changes.append(
            Change(
                CHANGED,
                subject,
                f"escalates to {new.escalate_to} instead of {old.escalate_to}",
                old.escalate_to,
                new.escalate_to,
            )
        )
    return changes


def _hours(cal: Calendar) -> dict[str, str]:
    if cal.always:
        return dict.fromkeys(DAYS, "24/7")
    return {day: ", ".join(iv.text for iv in cal.week[i]) or "closed" for i, day in enumerate(DAYS)}


def _compare_calendar(old: Calendar, new: Calendar) -> list[Change]:
    subject = f"calendar {new.name}"
    changes: list[Change] = []
    if old.timezone != new.timezone:
        changes.append(
            Change(
                CHANGED,
                subject,
                f"time zone {old.timezone} → {new.timezone}",
                old.timezone,
                new.timezone,
            )
        )
    before, after = _hours(old), _hours(new)
    for day in DAYS:
        if before[day] != after[day]:
            changes.append(
                Change(
                    CHANGED, subject, f"{day} {before[day]} → {after[day]}", before[day], after[day]
                )
            )
    if (old.country, old.subdivision) != (new.country, new.subdivision):
        changes.append(
            Change(
                CHANGED,
                subject,
                f"public holidays of {_region(new)} instead of {_region(old)}",
                old.country,
                new.country,
            )
        )

    def dates(c: Calendar) -> dict[str, str]:
        return {
            (f"{d.year}-" if d.year else "") + f"{d.month:02d}-{d.day:02d}": ", ".join(
                iv.text for iv in d.intervals
            )
            or "closed"
            for d in c.dates
        }

    if old.ticket_zone != new.ticket_zone:
        words = ("its own zone", "each ticket's zone")
        changes.append(
            Change(
                CHANGED,
                subject,
                f"hours read in {words[new.ticket_zone]} instead of {words[old.ticket_zone]}",
                old.ticket_zone,
                new.ticket_zone,
            )
        )

    def closures(c: Calendar) -> dict[str, str]:
        """The iCalendar file's events, by when they start (and recur) and what they are."""
        events = c.ical.events if c.ical is not None else ()
        return {
            f"{e.start.isoformat()} {e.name}": (
                f"until {e.end.isoformat()}" + (f", {'; '.join(e.rules)}" if e.rules else "")
            )
            for e in events
        }

    cb, ca = closures(old), closures(new)
    for key in sorted(set(cb) | set(ca)):
        if key not in ca:
            changes.append(Change(REMOVED, subject, f"closure {key} ({cb[key]})", cb[key], None))
        elif key not in cb:
            changes.append(Change(ADDED, subject, f"closure {key} ({ca[key]})", None, ca[key]))
        elif cb[key] != ca[key]:
            changes.append(
                Change(CHANGED, subject, f"closure {key}: {cb[key]} → {ca[key]}", cb[key], ca[key])
            )

    db, da = dates(old), dates(new)
    for key in sorted(set(db) | set(da)):
        if key not in da:
            changes.append(Change(REMOVED, subject, f"holiday {key} ({db[key]})", db[key], None))
        elif key not in db:
            changes.append(Change(ADDED, subject, f"holiday {key} ({da[key]})", None, da[key]))
        elif db[key] != da[key]:
            changes.append(
                Change(CHANGED, subject, f"holiday {key}: {db[key]} → {da[key]}", db[key], da[key])
            )
    return changes


def compare(old: Charter, new: Charter) -> list[Change]:
    """Every difference that matters to a customer, in the order of the new charter."""
    changes: list[Change] = []
    if old.name != new.name:
        changes.append(
            Change(CHANGED, "charter", f"name {old.name!r} → {new.name!r}", old.name, new.name)
        )
    if old.timezone != new.timezone:
        changes.append(
            Change(
                CHANGED,
                "charter",
                f"time zone {old.timezone} → {new.timezone}",
                old.timezone,
                new.timezone,
            )
        )
    for name in new.calendars:
        if name not in old.calendars:
            changes.append(Change(ADDED, f"calendar {name}", "new calendar"))
        else:
            changes += _compare_calendar(old.calendars[name], new.calendars[name])
    changes += [
        Change(REMOVED, f"calendar {name}", "calendar removed")
        for name in old.calendars
        if name not in new.calendars
    ]
    for name, channel in new.channels.items():
        if name not in old.channels:
            changes.append(
                Change(ADDED, f"channel {name}", f"new channel on calendar {channel.calendar}")
            )
        elif old.channels[name].calendar != channel.calendar:
            changes.append(
                Change(
                    CHANGED,
                    f"channel {name}",
                    f"calendar {old.channels[name].calendar} → {channel.calendar}",
                    old.channels[name].calendar,
                    channel.calendar,
                )
            )
    changes += [
        Change(REMOVED, f"channel {name}", "channel removed")
        for name in old.channels
        if name not in new.channels
    ]
    if old.exclude != new.exclude:
        said = [" or ".join(f"({describe(x)})" for x in c.exclude) or "none" for c in (old, new)]
        changes.append(
            Change(CHANGED, "charter", f"excludes {said[1]} instead of {said[0]}", *said)
        )
    if old.coverage != new.coverage:
        shown = [f"{c.coverage:.1%}" if c.coverage is not None else "none" for c in (old, new)]
        changes.append(Change(CHANGED, "charter", f"coverage {shown[0]} → {shown[1]}", *shown))
    old_promises = {p.id: p for p in old.promises}
    successors = replacements(old, new)
    replacing = {b.id for b in successors.values()}
    for promise in new.promises:
        if promise.id in replacing:
            continue  # told with the promise it replaces
        if promise.id in successors:
            changes.append(_replacement(promise, successors[promise.id], old, new))
            before = old_promises.get(promise.id)
            if before is not None:  # what else changed, the date it ends aside
                ended = replace(promise, in_force=before.in_force)
                changes += _compare_promise(before, ended, old, new)
        elif promise.id not in old_promises:
            changes.append(Change(ADDED, f"promise {promise.id}", promise.title or promise.measure))
        else:
            changes += _compare_promise(old_promises[promise.id], promise, old, new)
    new_ids = {p.id for p in new.promises}
    changes += [
        Change(REMOVED, f"promise {p.id}", p.title or p.measure)
        for p in old.promises
        if p.id not in new_ids
    ]
    return changes


def replacements(old: Charter, new: Charter) -> dict[str, Promise]:
    """Promises of the new charter replaced on a date: A (in both charters) now holds `until` a
    day on which B (new) starts `from`, measuring the same thing. A's id → B."""
    old_ids = {p.id for p in old.promises}
    starting: dict[str, list[Promise]] = {}
    for p in new.promises:
        if p.id not in old_ids and p.in_force is not None and p.in_force.start:
            starting.setdefault(p.in_force.start, []).append(p)
    out: dict[str, Promise] = {}
    taken: set[str] = set()
    for a in new.promises:
        end = a.in_force.end if a.in_force is not None else None
        if a.id not in old_ids or not end:
            continue
        for b in starting.get(end, []):
            same = (a.measure, a.start_field, a.stop_field) == (
                b.measure,
                b.start_field,
                b.stop_field,
            )
            if same and b.id not in taken:
                out[a.id] = b
                taken.add(b.id)
                break
    return out


def _replacement(a: Promise, b: Promise, old_c: Charter, new_c: Charter) -> Change:
    """`promise first-reply: replaced by first-reply-2026 from 2026-07-01 (within 4h → 2h)`."""
    assert b.in_force is not None
    day = b.in_force.start
    differs = [
        c.detail
        for c in _compare_promise(
            replace(a, in_force=b.in_force), replace(b, id=a.id), new_c, new_c
        )
    ]
    detail = f"replaced by {b.id} from {day}" + (f": {'; '.join(differs)}" if differs else "")
    return Change(REPLACED, f"promise {a.id}", detail, a.id, b.id)


def _states(result: AuditResult, outcome: Outcome) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "ticket_id": result.tickets["ticket_id"].to_numpy(dtype=object)[outcome.rows],
            "instance": outcome.instances(),  # a reopened ticket's cycles (`reopens: each`)
            "state": STATE_LABELS[outcome.state.astype(np.intp)],
        }
    )


def replay(old: AuditResult, new: AuditResult) -> Replay:
    """Compliance under each charter, and the (ticket, promise) verdicts that flip between them.
    Only decided verdicts (met, breached) flip; a pair that appears or disappears is not a flip."""
    before = {o.promise.id: o for o in old.outcomes}
    after = {o.promise.id: o for o in new.outcomes}
    compliance = {
        pid: (
            before[pid].compliance if pid in before else None,
            after[pid].compliance if pid in after else None,
        )
        for pid in [*after, *(p for p in before if p not in after)]
    }
    flips: list[Flip] = []
    for pid in after:  # one merge per promise, never a loop over tickets
        if pid not in before:
            continue
        both = _states(old, before[pid]).merge(
            _states(new, after[pid]), on=["ticket_id", "instance"], suffixes=("_old", "_new")
        )
        decided = both["state_old"].isin(["met", "breached"]) & both["state_new"].isin(
            ["met", "breached"]
        )
        flipped = both.loc[decided & (both["state_old"] != both["state_new"])].sort_values(
            "ticket_id"
        )
        flips += [
            Flip(pid, str(t), str(a), str(b))
            for t, a, b in flipped[["ticket_id", "state_old", "state_new"]].itertuples(index=False)
        ]
    return Replay(compliance, flips)
