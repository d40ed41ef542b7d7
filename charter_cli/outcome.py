"""What one promise found over the tickets it applies to: a state per (ticket, promise) pair,
as columns, with the words that explain them. Shared by the audit, the measures and the reports."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import IntEnum
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from charter_cli.clock import I64
from charter_cli.frames import categorical

if TYPE_CHECKING:
    from charter_cli.charter.model import Promise


class State(IntEnum):
    MET = 0
    BREACHED = 1
    RUNNING = 2
    UNMEASURABLE = 3

    @property
    def label(self) -> str:
        return self.name.lower()


STATE_LABELS = np.array([s.label for s in State], dtype=object)


class Labels:
    """Text per row from a small vocabulary (reasons, calendar names): int32 codes into `words`,
    -1 for none. Tests and updates are integer work; indexing gives the text (None for none)."""

    def __init__(self, size: int, word: str | None = None) -> None:
        self.words: list[str] = []
        self.codes = np.full(size, -1 if word is None else 0, dtype=np.int32)
        if word is not None:
            self.words.append(word)

    def code(self, word: str) -> int:
        try:
            return self.words.index(word)
        except ValueError:
            self.words.append(word)
            return len(self.words) - 1

    @property
    def none(self) -> np.ndarray:
        """The rows with no text."""
        return np.asarray(self.codes == -1)

    def put(self, where: np.ndarray | slice, word: str) -> None:
        """Set `word` on the rows `where` selects (a mask, indices or a slice)."""
        self.codes[where] = self.code(word)

    def fill(self, where: np.ndarray, word: str) -> None:
        """Set `word` on the rows of the mask `where` that have no text yet."""
        self.codes[where & self.none] = self.code(word)

    def put_each(self, rows: np.ndarray, words: list[str]) -> None:
        """Row `rows[k]` gets `words[k]` (rows given by position)."""
        self.codes[rows] = np.array([self.code(w) for w in words], dtype=np.int32)

    def put_by_value(
        self, where: np.ndarray, values: pd.Series, word: Callable[[str], str], missing: str
    ) -> None:
        """Rows of the mask `where` get `word(value)` of their value in `values` (`missing` for
        none), computed once per distinct value that occurs there."""
        rows = np.flatnonzero(where)
        cats = categorical(values.iloc[rows])
        codes = cats.cat.codes.to_numpy()
        present = np.unique(codes)
        table = np.full(len(cats.cat.categories) + 1, -1, dtype=np.int32)
        for k in present:
            table[k] = self.code(missing if k < 0 else word(str(cats.cat.categories[k])))
        self.codes[rows] = table[codes]

    def table(self) -> np.ndarray:
        return np.array([*self.words, None], dtype=object)  # code -1 picks the trailing None

    def __getitem__(self, key: Any) -> Any:
        return self.table()[self.codes[key]]

    def __len__(self) -> int:
        return int(self.codes.size)

    def categorical(self, key: Any = slice(None)) -> pd.Categorical:
        return pd.Categorical.from_codes(
            self.codes[key], categories=pd.Index(self.words, dtype=object), validate=False
        )


@dataclass(frozen=True)
class Counted:
    """A note that counts tickets ("3 tickets were resolved before created"): kept as its count
    until the audit's partitions are added up, then said once with the total."""

    one: str  # the sentence for one ticket, `{n}` where the count goes
    many: str  # for several
    n: int

    def __str__(self) -> str:
        return (self.one if self.n == 1 else self.many).format(n=f"{self.n:,}")


class Compliance:
    """Compliance from the counts by state (met over decided), and the verdict on a target."""

    def count(self, state: State) -> int:
        raise NotImplementedError  # pragma: no cover

    @property
    def compliance(self) -> float | None:
        met, breached = self.count(State.MET), self.count(State.BREACHED)
        return met / (met + breached) if met + breached else None

    def passed(self, target: float) -> bool | None:
        value = self.compliance
        return None if value is None else value >= target


class Pauses:
    """The paused intervals a clock subtracted, for `explain`: each one's position in the
    outcome's rows, start (not before its clock's), stop (NAT: while it lasts) and status; put
    together only when asked (the audit of a million tickets never needs them: 50 ms less on
    the longest promise). `events_row`: each interval's row in `statuses` (-1: `before_first`)."""

    def __init__(
        self,
        row: I64,
        start: I64,
        stop: I64,
        clock_start: I64,
        events_row: I64,
        statuses: pd.Series,
        before_first: str | None,
    ) -> None:
        self.row, self.start, self.stop, self.clock_start = row, start, stop, clock_start
        self.events_row, self.statuses, self.before_first = events_row, statuses, before_first

    def __call__(self) -> tuple[I64, I64, I64, np.ndarray]:
        taken = self.statuses.array.take(np.maximum(self.events_row, 0))
        status = np.asarray(taken, dtype=object)
        status[self.events_row < 0] = self.before_first
        begin = np.maximum(self.start, self.clock_start[self.row])
        return self.row, begin, self.stop, status


@dataclass
class Outcome(Compliance):
    """Every (ticket, promise) pair of one promise, as columns (positions into the ticket frame)."""

    promise: Promise
    rows: I64  # positions in AuditResult.tickets
    state: np.ndarray  # int8 State
    started: I64
    stopped: I64
    deadline: I64
    elapsed: I64  # net business seconds (NAT where not measured)
    allowed: I64
    overdue: I64
    done: np.ndarray  # bool: the instance has ended (its elapsed time is final)
    reason: Labels  # why a row is unmeasurable (or more about its state); none for most
    calendar: Labels  # the calendar each row's clock ran on
    notes: list[str | Counted] = field(default_factory=list)  # said once for the whole promise
    # the paused intervals subtracted, for `explain`: (position in `rows`, start, stop or NAT while
    # it lasts, the status that paused it)
    pauses: Pauses | None = None
    fields: dict[str, str] = field(default_factory=dict)  # field read → its export column(s)
    # the instance of each row, counted from 1, when a promise measures a ticket more than once
    # (`reopens: each`): a ticket's rows follow each other in instance order; None: one each
    instance: I64 | None = None
    # the group each row is about, when the measure's instances belong to a group (`group_time`):
    # `--by group` counts a row under it; None: the group holding the ticket at the deadline
    held: np.ndarray | None = None
    # the priority each row was judged under when the events carry priorities (`priority:
    # latest`: the one in force when its clock stopped), as the reports name it; None: the
    # ticket's own
    priority: np.ndarray | None = None
    # what the reports count of it (`summary.counted`), worked out beside the other promises
    tally: object = None

    def instances(self) -> I64:
        """The instance number of every row (1 where a promise measures a ticket once)."""
        if self.instance is None:
            return np.ones(self.rows.size, dtype=np.int64)
        return self.instance

    def repeat(self, owner: I64, instance: I64) -> None:
        """Several instances per ticket: row `owner[k]` of the outcome becomes row k, numbered
        `instance[k]` (from 1); every column is taken along."""
        self.rows = self.rows[owner]
        self.instance = np.asarray(instance, dtype=np.int64)
        for name in ("state", "started", "stopped", "deadline", "elapsed", "allowed", "overdue"):
            setattr(self, name, np.array(getattr(self, name)[owner]))
        self.done = self.done[owner]
        if self.held is not None:
            self.held = self.held[owner]
        if self.priority is not None:
            self.priority = self.priority[owner]
        self.reason.codes = self.reason.codes[owner]
        self.calendar.codes = self.calendar.codes[owner]

    def count(self, state: State) -> int:
        return int((self.state == state).sum())
