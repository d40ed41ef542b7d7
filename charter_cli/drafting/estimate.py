"""`charter diff OLD NEW --against history.sqlite`: each promise's compliance under both charters,
read from a recorded history instead of re-reading the exports.

A month recorded with a charter (by its content hash) gives that charter's figure exactly. A
month recorded only with the other charter gives an estimate, when the promise differs only in
its allowance (`within`) or target: the recorded histogram of elapsed business seconds says how
many stopped instances a new allowance meets, exactly when it falls between two bins (a bin holds
the whole seconds from its lower edge to one before the next, and an instance is met when its
elapsed time is at most the allowance) or when the bin it falls in is empty, otherwise as a range
from the bins on either side. Running instances (not in the histogram) may turn breached under a
tighter allowance, and open breached ones may turn running under a looser one: the range takes
them in. Anything else (scope, calendar, pauses, measure, a working-day allowance, a new promise)
cannot be replayed from counts and gets no figure. The history keeps no tickets, so no flips.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

import numpy as np

from charter_cli.charter.model import Allowance, Charter, Promise, normalise
from charter_cli.charter.values import Duration
from charter_cli.drafting.diff import _compare_calendar, _compare_promise
from charter_cli.errors import UsageError
from charter_cli.history import EDGES, Recorded, bin_upper, charter_hash, charters_held, load
from charter_cli.measures import measure_of

SQLITE_MAGIC = b"SQLite format 3\x00"
HISTORY_SUFFIXES = (".sqlite", ".sqlite3", ".db")
EXPORTS = "use --against with the exports"


def is_history(path: Path) -> bool:
    """Whether an `--against` argument is a history file: an SQLite file by its first bytes, or
    a file named like one (`.sqlite`, `.sqlite3`, `.db`)."""
    if path.suffix.lower() in HISTORY_SUFFIXES:
        return True
    try:
        with path.open("rb") as f:
            return f.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
    except OSError:
        return False  # a folder, a glob or a missing file: the export reader says what it is


def history_of(against: Sequence[Path]) -> Path | None:
    """The history file `--against` names, or None when it names exports; a mix, or several
    history files, is refused."""
    found = [p for p in against if is_history(p)]
    if not found:
        return None
    if len(against) > 1:
        others = [str(p) for p in against if p not in found]
        said = (
            f"{', '.join(others)} {'is an export' if len(others) == 1 else 'are exports'}"
            if others
            else f"so is {found[1]}"
        )
        raise UsageError(
            f"--against: {found[0]} is a history file, {said}; give either one history file or "
            "exports"
        )
    return found[0]


# --- the figures ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """A charter's compliance for one promise over the compared months: exact (low == high),
    or at least `low` and at most `high`."""

    low: float | None
    high: float | None
    recorded: tuple[str, ...]  # months read from this charter's own runs
    estimated: tuple[str, ...]  # months estimated from the other charter's histograms
    # months recorded only with the other charter, which judges this promise alike (exact)
    carried: tuple[str, ...] = ()

    @property
    def exact(self) -> bool:
        return self.low == self.high

    @property
    def compliance(self) -> float | None:
        """The figure when exact, else None."""
        return self.low if self.exact else None


@dataclass(frozen=True)
class Compared:
    """One promise under both charters; a side without a figure says why."""

    promise: str
    old: Figure | None
    new: Figure | None
    why_not: str | None = None  # "cannot be replayed from the history: …", "removed", …


@dataclass(frozen=True)
class Side:
    """One of the two charters, as the history knows it."""

    path: str
    name: str
    digest: str
    months: tuple[str, ...]  # the months recorded with it


@dataclass
class HistoryReplay:
    """Both charters' compliance per promise, read from a history file."""

    history: str
    months: list[str]  # the months compared: those recorded with either charter
    old: Side
    new: Side
    compared: list[Compared]
    notes: list[str] = field(default_factory=list)


@dataclass
class _Counts:
    """One promise's recorded instances over some months, for one priority."""

    met: int = 0
    breached: int = 0
    running: int = 0
    bins: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    counts: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))

    @property
    def stopped(self) -> int:
        return int(self.counts.sum())


@dataclass
class _Sum:
    """Met instances and decided instances (met + breached), each between a least and a most."""

    met: tuple[int, int] = (0, 0)
    decided: tuple[int, int] = (0, 0)

    def add(self, met: tuple[int, int], decided: tuple[int, int]) -> None:
        self.met = (self.met[0] + met[0], self.met[1] + met[1])
        self.decided = (self.decided[0] + decided[0], self.decided[1] + decided[1])


class _NotReplayable(Exception):
    """What changed, in words, that counts cannot replay."""


def met_between(bins: np.ndarray, counts: np.ndarray, allowed: int) -> tuple[int, int]:
    """The least and the most stopped instances a histogram holds with an elapsed time of at
    most `allowed` seconds (equal only when `allowed` falls between bins, or in an empty one)."""
    b = np.asarray(bins, dtype=np.int64)
    c = np.asarray(counts, dtype=np.int64)
    lower = EDGES[b]
    # the last second a bin holds (the last bin is open-ended)
    top = np.where(b + 1 >= EDGES.size, np.iinfo(np.int64).max, bin_upper(b) - 1)
    surely = top <= allowed  # every whole second of the bin is within
    maybe = (lower <= allowed) & ~surely
    return int(c[surely].sum()), int(c[surely | maybe].sum())


# --- what a promise's change allows ------------------------------------------------------------


def _ignored(p: Promise) -> Promise:
    """The promise without what never changes a verdict's count (titles, at-risk share) nor
    what an estimate replays (allowance and target)."""
    return replace(p, title=None, titles={}, at_risk=0.0, within=Allowance(), target=0.0)


def _calendars(charter: Charter, promise: Promise) -> list[str]:
    """The calendars a promise's clock can run on."""
    return sorted(charter.calendars_of(promise))


def blockers(old: Charter, new: Charter, a: Promise, b: Promise) -> list[str]:
    """What differs between promise `a` of `old` and `b` of `new` that a histogram cannot
    replay: everything but the allowance and the target (empty: replayable)."""
    out: list[str] = []
    if _ignored(a) != _ignored(b):
        same = replace(b, within=a.within, target=a.target)
        out += [c.detail for c in _compare_promise(a, same, old, new)]
        for name in ("options", "reopens", "priority"):
            if getattr(a, name) != getattr(b, name):
                out.append(f"its {name} {getattr(a, name)} → {getattr(b, name)}")
        known = {f.name for f in fields(Promise)} - {
            "title", "titles", "at_risk", "within", "target", "where", "options", "reopens",
            "priority",
        }  # fmt: skip
        if not out:  # a difference _compare_promise does not word
            out += [f"its {n}" for n in sorted(known) if getattr(a, n) != getattr(b, n)]
    cals_a, cals_b = _calendars(old, a), _calendars(new, b)
    if cals_a != cals_b:
        if a.calendar == b.calendar:  # its channels' calendars (its own is said above)
            out.append(f"runs on {', '.join(cals_b)} instead of {', '.join(cals_a)}")
    else:
        for name in cals_a:
            changed = _compare_calendar(old.calendar(name), new.calendar(name))
            out += [f"calendar {name}: {c.detail}" for c in changed]
    if old.timezone != new.timezone:
        out.append(f"the charter's time zone {old.timezone} → {new.timezone}")
    if old.exclude != new.exclude:
        out.append("the charter's exclude")
    channels = [{n: (c.calendar, c.match) for n, c in x.channels.items()} for x in (old, new)]
    if channels[0] != channels[1]:
        out.append("the charter's channels")
    priorities = [tuple((p.name, p.match) for p in x.priorities) for x in (old, new)]
    if priorities[0] != priorities[1]:
        out.append("the charter's priorities")
    if (a.escalate_to or a.measure == "escalation_order") and old.levels != new.levels:
        out.append("the escalation levels")
    if a.policy:
        group = [
            [(p.id, p.selector, p.in_force) for p in x.promises if p.policy == a.policy]
            for x in (old, new)
        ]
        if group[0] != group[1]:
            out.append(f"the promises of policy {a.policy}")
    if a.within != b.within and not measure_of(b.measure).replays_from_history:
        out.append(f"its allowance, which elapsed time alone does not judge for {b.measure}")
    return list(dict.fromkeys(out))


def _allowance(a: Allowance, priority: str) -> Duration | None:
    """The allowance of a history priority value (matched as the audit matches it)."""
    norm = {normalise(k): v for k, v in a.by_priority.items()}
    return norm.get(normalise(priority), a.default)


def _estimate(counts: dict[str, _Counts], before: Allowance, after: Allowance, total: _Sum) -> None:
    """Add to `total` what instances recorded under allowance `before` would be under `after`,
    per priority value of the history (the recorded counts where the allowance is the same)."""
    for priority, n in counts.items():
        a, b = _allowance(before, priority), _allowance(after, priority)
        label = f" for {priority}" if priority else ""
        decided = n.met + n.breached
        if a == b:
            total.add((n.met, n.met), (decided, decided))
            continue
        if a is None or b is None:
            raise _NotReplayable(
                f"an allowance{label} where there was none"
                if a is None
                else f"no allowance{label} any more"
            )
        if b.is_working_days:
            raise _NotReplayable(
                f"within{label} {b}: a working-day allowance ends at a business day's close, "
                "which differs per ticket"
            )
        met = met_between(n.bins, n.counts, b.seconds)
        if not a.is_working_days:
            recorded = met_between(n.bins, n.counts, a.seconds)
            if not recorded[0] <= n.met <= recorded[1]:
                raise _NotReplayable(
                    f"within{label}: the recorded verdicts do not agree with the recorded times "
                    "(a priority that changed during a ticket's life?)"
                )
        stopped = n.stopped
        open_breached = decided - stopped  # judged but not stopped: breached while open
        if a.is_working_days:
            span = (stopped, decided + n.running)
        elif b.seconds < a.seconds:  # running instances may now be breached
            span = (decided, decided + n.running)
        else:  # open breached instances may now be running
            span = (decided - open_breached, decided)
        total.add(met, span)


def _figure(total: _Sum, recorded: tuple[str, ...], other: tuple[str, ...], same: bool) -> Figure:
    """The figure from the counts; `other`: the months from the other charter's runs, carried
    over when `same` (the promise is judged alike), else estimated."""
    months = (recorded, (), other) if same else (recorded, other, ())
    (met_lo, met_hi), (dec_lo, dec_hi) = total.met, total.decided
    if dec_hi == 0:
        return Figure(None, None, *months)
    if dec_lo == 0:
        raise _NotReplayable("every decided instance may turn running")
    return Figure(met_lo / dec_hi, met_hi / dec_lo, *months)


def _counts(recorded: Recorded, promise: str, months: Sequence[str]) -> dict[str, _Counts]:
    """A promise's recorded instances in `months`, per priority value."""
    cells = recorded.cells.loc[
        (recorded.cells["promise"] == promise) & recorded.cells["month"].isin(months)
    ]
    times = recorded.elapsed.loc[
        (recorded.elapsed["promise"] == promise) & recorded.elapsed["month"].isin(months)
    ]
    states = cells.groupby("priority")[["met", "breached", "running"]].sum()
    hist = times.groupby(["priority", "bin"])["count"].sum().reset_index()
    out = {
        str(p): _Counts(int(r["met"]), int(r["breached"]), int(r["running"]))
        for p, r in states.iterrows()
    }
    for p, part in hist.groupby("priority"):
        n = out.setdefault(str(p), _Counts())
        n.bins = part["bin"].to_numpy(dtype=np.int64)
        n.counts = part["count"].to_numpy(dtype=np.int64)
    return out


# --- reading the history ------------------------------------------------------------------------


def replay_history(
    old: Charter, new: Charter, old_path: Path, new_path: Path, history: Path
) -> HistoryReplay:
    """Each promise's compliance under `old` and `new`, from the runs of `history` recorded with
    either (recorded where it was, estimated from the other where the change allows)."""
    digests = charter_hash(old_path), charter_hash(new_path)
    held = charters_held(history)
    present = [d for d in digests if d in set(held["charter_hash"])]
    if not present:
        holds = "; ".join(
            f"{name} {str(digest)[:8]} ({first} … {last})"
            for digest, name, first, last in held.itertuples(index=False)
        )
        raise UsageError(
            f"--against {history}: the history holds no run of {old_path} ({digests[0][:8]}) "
            f"or of {new_path} ({digests[1][:8]}); it holds "
            + (holds or "no run at all")
            + " (record one with `charter audit OLD EXPORT... --record "
            + f"{history}`)"
        )
    loaded: dict[str, Recorded] = {d: load(history, charter=d) for d in present}

    def months_of(digest: str) -> tuple[str, ...]:
        return tuple(loaded[digest].month_run) if digest in loaded else ()

    sides = (
        Side(str(old_path), old.name, digests[0], months_of(digests[0])),
        Side(str(new_path), new.name, digests[1], months_of(digests[1])),
    )
    months = sorted(set(sides[0].months) | set(sides[1].months))
    before = {p.id: p for p in old.promises}
    after = {p.id: p for p in new.promises}
    order = [*after, *(p for p in before if p not in after)]
    compared = []
    for pid in order:
        figures: list[Figure | None] = []
        why: str | None = None
        for k, mine in enumerate((before, after)):
            if pid not in mine:
                figures.append(None)  # added or removed: nothing to compare on this side
                continue
            theirs = after if k == 0 else before
            own, other = sides[k], sides[1 - k]
            estimated = tuple(m for m in months if m not in own.months)
            total = _Sum()
            same = pid in theirs and theirs[pid].within == mine[pid].within
            try:
                if own.months:
                    mine_counts = _counts(loaded[own.digest], pid, own.months)
                    unchanged = mine[pid].within
                    _estimate(mine_counts, unchanged, unchanged, total)
                if estimated:
                    if pid not in theirs:
                        raise _NotReplayable("a new promise" if k == 1 else "a removed promise")
                    a, b = theirs[pid], mine[pid]
                    blocked = blockers(old, new, before[pid], after[pid])  # told old → new
                    if blocked:
                        raise _NotReplayable("; ".join(blocked))
                    counts = _counts(loaded[other.digest], pid, estimated)
                    _estimate(counts, a.within, b.within, total)
                figures.append(_figure(total, own.months, estimated, same))
            except _NotReplayable as exc:
                figures.append(None)
                said = f"cannot be replayed from the history: {exc}; {EXPORTS}"
                why = said if k == 1 else f"the old charter's figure {said}"
        compared.append(Compared(pid, figures[0], figures[1], why))
    notes = []
    if any(f is not None and f.estimated for c in compared for f in (c.old, c.new)):
        notes.append(
            "estimates from the history: a histogram bin holds a range of times, so an "
            "allowance inside a bin gives a range; running instances may turn breached (or open "
            "breached ones running)"
        )
    return HistoryReplay(str(history), months, sides[0], sides[1], compared, notes)
