"""`charter review`: is each promise of a charter still the right one, judged on its history?

Over the last N recorded months: each promise is kept, missed (persistently: under target in at
least two months out of three), or met with a wide margin (what the team achieves at the target
share takes at most half the allowance); the allowance actually achieved at the promise's target
(a bin estimate from the recorded histograms: the upper edge of the bin that holds the target
quantile of the stopped instances' elapsed business time); channels and priorities with tickets
that no promise covers; ticket types whose volume or breach rate grew. A proposal rounds each
achieved allowance up to a plain duration, for the promises persistently missed or met with a wide
margin; `proposed_text` writes it into the charter's own text, comments kept.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from charter_cli.charter.model import Charter, Promise
from charter_cli.charter.values import Duration, format_seconds
from charter_cli.history import Recorded, quantile_seconds

KEPT, MISSED, PERSISTENTLY_MISSED, WIDE_MARGIN, NO_DATA = (
    "kept",
    "missed",
    "persistently missed",
    "met with a wide margin",
    "no data",
)
WIDE = 0.5  # achieved at most this share of the allowance: a wide margin
GROWTH = 1.25  # volume up by a quarter or more
BREACH_RISE = 0.05  # breach rate up by five points or more
MIN_TICKETS = 20  # fewer tickets than this in a half: too few to speak of growth
# plain durations a proposal rounds up to (seconds); beyond the last, whole hours
NICE = [
    60, 120, 300, 600, 900, 1200, 1800, 2700, 3600, 5400, 7200, 10800, 14400, 18000, 21600,
    28800, 36000, 43200, 57600, 72000, 86400,
]  # fmt: skip


@dataclass(frozen=True)
class Achieved:
    """What the team achieved for one allowance of a promise (one priority, or all)."""

    priority: str | None  # the allowance's priority, None for the promise's one allowance
    promised: Duration
    promised_seconds: int  # working days counted by the calendar's day, for comparing
    seconds: int | None  # achieved at the target share (bin estimate), None: no stopped instance
    stopped: int
    proposed: str | None = None  # a new `within` value, when one is proposed


@dataclass
class PromiseReview:
    promise: Promise
    verdict: str
    met: int
    breached: int
    months: int  # months with decided instances
    months_under: int  # of those, months under target
    achieved: list[Achieved] = field(default_factory=list)

    @property
    def compliance(self) -> float | None:
        decided = self.met + self.breached
        return self.met / decided if decided else None


@dataclass(frozen=True)
class Uncovered:
    field: str  # channel or priority
    value: str
    tickets: int
    uncovered: int
    known: bool  # the charter names this value


@dataclass(frozen=True)
class Growth:
    type: str
    tickets_before: float  # per month, first half of the window
    tickets_after: float
    breach_before: float | None
    breach_after: float | None
    grew: tuple[str, ...]  # "volume", "breach rate"


@dataclass
class Review:
    charter: Charter
    months: list[str]
    promises: list[PromiseReview]
    uncovered: list[Uncovered]
    growth: list[Growth]
    notes: list[str] = field(default_factory=list)

    @property
    def proposals(self) -> list[tuple[PromiseReview, Achieved]]:
        return [(r, a) for r in self.promises for a in r.achieved if a.proposed is not None]


def nice_up(seconds: int) -> int:
    """The plain duration at or above `seconds`: 1, 2, 5, 10, 15, 20, 30, 45 min, 1 h, 1 h 30 …"""
    for value in NICE:
        if value >= seconds:
            return value
    return math.ceil(seconds / 3600) * 3600


def _proposal(promised: Duration, achieved: int, day: int, loosen: bool) -> str | None:
    """A new allowance at or above `achieved`; only a looser one for a missed promise, only a
    tighter one for a promise met with a wide margin."""
    if (achieved > promised.approx_seconds(day)) != loosen:
        return None
    if promised.is_working_days:
        days = max(1, math.ceil(achieved / day)) if day > 0 else promised.working_days
        if days == promised.working_days:
            return None
        return f"{days} working day" + ("" if days == 1 else "s")
    value = nice_up(achieved)
    return None if value == promised.seconds else format_seconds(value)


def review(
    charter: Charter, recorded: Recorded, *, months: int = 6, digest: str | None = None
) -> Review:
    """The review of `charter` (whose content hash is `digest`) on the last `months` months."""
    window = list(recorded.month_run)[-months:] if months > 0 else []
    cells = recorded.cells.loc[recorded.cells["month"].isin(window)]
    elapsed = recorded.elapsed.loc[recorded.elapsed["month"].isin(window)]
    tickets = recorded.tickets.loc[recorded.tickets["month"].isin(window)]
    notes = []
    runs = recorded.runs.set_index("run")
    names = {str(runs.at[recorded.month_run[m], "charter_name"]) for m in window}
    if names and names != {charter.name}:
        notes.append(
            "the history was recorded with " + ", ".join(sorted(names)) + f", not {charter.name}: "
            "promises are matched by id"
        )
    hashes = {str(runs.at[recorded.month_run[m], "charter_hash"]) for m in window}
    if digest is not None and hashes and hashes != {digest}:
        notes.append(
            "some months were recorded with another version of the charter: met and breached "
            "are as that version judged them; the achieved allowances do not depend on it"
        )
    reviews = [_promise(charter, p, cells, elapsed) for p in charter.promises]
    return Review(
        charter=charter,
        months=window,
        promises=reviews,
        uncovered=_uncovered(charter, tickets),
        growth=_growth(window, cells, tickets),
        notes=notes,
    )


def _promise(
    charter: Charter, promise: Promise, cells: pd.DataFrame, elapsed: pd.DataFrame
) -> PromiseReview:
    mine = cells.loc[cells["promise"] == promise.id]
    per_month = mine.groupby("month")[["met", "breached"]].sum()
    decided = per_month["met"] + per_month["breached"]
    with np.errstate(invalid="ignore", divide="ignore"):
        share = (per_month["met"] / decided.where(decided > 0)).dropna()
    met, breached = int(per_month["met"].sum()), int(per_month["breached"].sum())
    under = int((share < promise.target).sum())
    times = elapsed.loc[elapsed["promise"] == promise.id]
    day = charter.working_day_seconds(promise)
    allowances: list[tuple[str | None, Duration, pd.DataFrame]] = []
    if promise.within.by_priority:
        for priority, duration in promise.within.by_priority.items():
            allowances.append((priority, duration, times.loc[times["priority"] == priority]))
    elif promise.within.default is not None:
        allowances.append((None, promise.within.default, times))
    achieved = []
    for scope, duration, rows in allowances:
        bins = rows.groupby("bin")["count"].sum()
        seconds = quantile_seconds(bins.index.to_numpy(), bins.to_numpy(), promise.target)
        achieved.append(
            Achieved(scope, duration, duration.approx_seconds(day), seconds, int(bins.sum()))
        )
    if met + breached == 0:
        verdict = NO_DATA
    elif met / (met + breached) < promise.target:
        persistent = len(share) >= 2 and under * 3 >= 2 * len(share)
        verdict = PERSISTENTLY_MISSED if persistent else MISSED
    elif achieved and all(
        a.seconds is not None and a.seconds <= WIDE * a.promised_seconds for a in achieved
    ):
        verdict = WIDE_MARGIN
    else:
        verdict = KEPT
    # an escalation rule's allowance lives elsewhere in the charter: said, not proposed
    if verdict in (PERSISTENTLY_MISSED, WIDE_MARGIN) and promise.escalate_to is None:
        achieved = [
            a
            if a.seconds is None
            else Achieved(
                a.priority,
                a.promised,
                a.promised_seconds,
                a.seconds,
                a.stopped,
                _proposal(a.promised, a.seconds, day, verdict == PERSISTENTLY_MISSED),
            )
            for a in achieved
        ]
    return PromiseReview(promise, verdict, met, breached, len(share), under, achieved)


def _uncovered(charter: Charter, tickets: pd.DataFrame) -> list[Uncovered]:
    known = {"channel": set(charter.channels), "priority": {p.name for p in charter.priorities}}
    out = []
    for key in ("channel", "priority"):
        if key == "priority" and not charter.priorities:
            continue
        table = tickets.groupby(key)[["tickets", "covered"]].sum()
        table = table.loc[table["covered"] < table["tickets"]]
        gaps = table["tickets"] - table["covered"]
        for value in gaps.sort_values(ascending=False, kind="stable").index:
            out.append(
                Uncovered(
                    key,
                    str(value),
                    int(table["tickets"][value]),
                    int(gaps[value]),
                    str(value) in known[key],
                )
            )
    return out


def _growth(window: list[str], cells: pd.DataFrame, tickets: pd.DataFrame) -> list[Growth]:
    """Types whose tickets per month, or whose breach rate (breached of decided instances, every
    promise), is higher in the later half of the window than in the earlier half."""
    if len(window) < 2:
        return []
    half = len(window) // 2
    before, after = set(window[:half]), set(window[-half:])

    def halves(frame: pd.DataFrame) -> pd.DataFrame:
        month = frame["month"]
        return frame.assign(
            half=np.where(month.isin(before), 0, np.where(month.isin(after), 1, -1))
        )

    volume, decided = halves(tickets), halves(cells)
    counts = (
        volume.loc[volume["half"] >= 0]
        .groupby(["type", "half"])["tickets"]
        .sum()
        .unstack(fill_value=0)
    )
    judged = decided.loc[decided["half"] >= 0].groupby(["type", "half"])[["met", "breached"]].sum()
    out = []
    for kind in counts.index:
        a = float(counts[0][kind]) / half if 0 in counts.columns else 0.0
        b = float(counts[1][kind]) / half if 1 in counts.columns else 0.0
        rates = []
        for h in (0, 1):
            if (kind, h) in judged.index:
                met, breached = judged.loc[(kind, h)]
                rates.append(breached / (met + breached) if met + breached else None)
            else:
                rates.append(None)
        grew = []
        if b * half >= MIN_TICKETS and b >= GROWTH * a:
            grew.append("volume")
        if (
            rates[0] is not None
            and rates[1] is not None
            and a * half >= MIN_TICKETS
            and b * half >= MIN_TICKETS
            and rates[1] - rates[0] >= BREACH_RISE
        ):
            grew.append("breach rate")
        if grew:
            out.append(Growth(str(kind), a, b, rates[0], rates[1], tuple(grew)))
    return out


def proposed_text(text: str, path: str, found: Review) -> str:
    """The charter's text with every proposed allowance written in (comments and layout kept;
    a comment at the end of a changed line goes, it spoke of the old value)."""
    from charter_cli.charter.load import parse_yaml
    from charter_cli.drafting.templates import check_text, replace_values

    doc = parse_yaml(text, path)
    index = {
        str(p.get("id")): k
        for k, p in enumerate(doc.data.get("promises") or [])
        if isinstance(p, dict)
    }
    edits: dict[tuple[str | int, ...], str] = {}
    for r, a in found.proposals:
        if r.promise.id not in index:
            continue  # an escalation rule's promise: said, not written
        base: tuple[str | int, ...] = ("promises", index[r.promise.id], "within")
        where = base if a.priority is None else (*base, a.priority)
        if where in doc.marks:
            edits[where] = str(a.proposed)
    new = replace_values(text, doc, edits)
    check_text(new, path)
    return new


def read_text(path: Path) -> str:
    from charter_cli.charter.load import read_yaml_file

    read_yaml_file(path)  # the same checks and messages as any charter read
    return path.read_bytes().decode("utf-8-sig")
