"""`charter trend`: compliance and elapsed-time percentiles per month, from a history file.

Compliance is exact (counts add up); p50 and p90 are estimates from the recorded histograms: the
upper edge of the bin that holds the nearest-rank percentile, so "p90 ≤ 3 h 22 min" means at
least 90 % of the stopped instances took less than that (a bin is at most 19 % wide).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from charter_cli.errors import UsageError
from charter_cli.history import STATES, Recorded, load, quantile_seconds

BY = ("channel", "priority", "group", "type")


@dataclass(frozen=True)
class Point:
    """One promise (or one value of --by) in one month."""

    month: str
    met: int = 0
    breached: int = 0
    running: int = 0
    unmeasurable: int = 0
    target: float | None = None
    p50: int | None = None  # seconds, bin estimates
    p90: int | None = None
    stopped: int = 0  # instances the percentiles are taken over

    @property
    def decided(self) -> int:
        return self.met + self.breached

    @property
    def compliance(self) -> float | None:
        return self.met / self.decided if self.decided else None


@dataclass
class Series:
    promise: str
    title: str | None
    value: str | None  # the --by value, or None
    points: list[Point]

    @property
    def label(self) -> str:
        return self.promise if self.value is None else f"{self.promise} · {self.value or '(none)'}"


@dataclass(frozen=True)
class Month:
    month: str
    charter: str  # its name
    charter_hash: str
    changed: bool  # the charter differs from the previous recorded month's


@dataclass
class Trend:
    history: str
    by: str | None
    months: list[Month]
    series: list[Series]
    notes: list[str] = field(default_factory=list)


def trend(
    path: Path,
    *,
    promise: str | None = None,
    by: str | None = None,
    since: str | None = None,
    charter: str | None = None,
) -> Trend:
    if by is not None and by not in BY:
        raise UsageError(f"--by {by}: choose one of {', '.join(BY)}")
    recorded = load(path, since=since, charter=charter)
    return trend_of(recorded, str(path), promise=promise, by=by)


def months_of(recorded: Recorded) -> list[Month]:
    runs = recorded.runs.set_index("run")
    out, previous = [], None
    for month, run in recorded.month_run.items():
        digest = str(runs.at[run, "charter_hash"])
        out.append(
            Month(month, str(runs.at[run, "charter_name"]), digest, previous not in (None, digest))
        )
        previous = digest
    return out


def promise_order(recorded: Recorded) -> list[tuple[str, str | None]]:
    """Promise ids with their titles, in the latest run's order, then any others."""
    used = set(recorded.month_run.values())
    table = recorded.promises.loc[recorded.promises["run"].isin(used)]
    table = table.sort_values(["run", "position"], ascending=[False, True], kind="stable")
    firsts = table.drop_duplicates("promise")
    seen = dict(zip(firsts["promise"], firsts["title"], strict=True))
    for p in sorted(set(recorded.cells["promise"]) - set(seen)):
        seen[p] = None
    return [(str(k), None if v is None or pd.isna(v) else str(v)) for k, v in seen.items()]


def trend_of(
    recorded: Recorded, name: str, *, promise: str | None = None, by: str | None = None
) -> Trend:
    months = months_of(recorded)
    order = promise_order(recorded)
    if promise is not None:
        if promise not in dict(order):
            known = ", ".join(p for p, _ in order) or "none"
            raise UsageError(f"--promise {promise}: the history has no such promise ({known})")
        order = [(p, t) for p, t in order if p == promise]
    keys = ["promise", *([by] if by else []), "month"]
    counts = recorded.cells.groupby(keys, sort=True)[STATES].sum()
    table = recorded.elapsed.groupby([*keys, "bin"], sort=True)["count"].sum().reset_index()
    hist = {
        key: (part["bin"].to_numpy(), part["count"].to_numpy())
        for key, part in table.groupby(keys, sort=False)
    }
    empty = (np.empty(0, np.int64), np.empty(0, np.int64))
    targets = recorded.promises.set_index(["run", "promise"])["target"]
    series = []
    for pid, title in order:
        mine = counts.loc[pid] if pid in counts.index.get_level_values(0) else None
        values: list[str | None] = [None]
        if by is not None:
            found = {str(v) for v in mine.index.get_level_values(0)} if mine is not None else set()
            values = [*sorted(found)]
        for value in values:
            points = []
            for m in months:
                run = recorded.month_run[m.month]
                target = targets.get((run, pid))
                key: tuple[str, ...] = (m.month,) if value is None else (value, m.month)
                index: Any = key[0] if value is None else key
                row = mine.loc[index] if mine is not None and index in mine.index else None
                bins, n = hist.get((pid, *key), empty)
                met, breached, running, unmeasurable = (
                    int(row[s]) if row is not None else 0 for s in STATES
                )
                points.append(
                    Point(
                        m.month,
                        met,
                        breached,
                        running,
                        unmeasurable,
                        target=None if target is None or pd.isna(target) else float(target),
                        p50=quantile_seconds(bins, n, 0.5),
                        p90=quantile_seconds(bins, n, 0.9),
                        stopped=int(n.sum()),
                    )
                )
            series.append(Series(pid, title, value, points))
    notes = []
    if any(m.changed for m in months):
        changed = ", ".join(m.month for m in months if m.changed)
        notes.append(
            f"the charter changed in {changed}: figures before and after measure different promises"
        )
    return Trend(name, by, months, series, notes)


SPARKS = "▁▂▃▄▅▆▇█"


def sparkline(values: list[float | None]) -> str:
    """Values as block characters between their own least and greatest (a gap for none)."""
    known = [v for v in values if v is not None]
    if not known:
        return " " * len(values)
    lo, hi = min(known), max(known)
    span = hi - lo
    out = []
    for v in values:
        if v is None:
            out.append(" ")
        else:
            k = 0 if span == 0 else int(np.floor((v - lo) / span * (len(SPARKS) - 1) + 0.5))
            out.append(SPARKS[k] if span else SPARKS[len(SPARKS) // 2])
    return "".join(out)
