"""Reconciliation: the helpdesk's own SLA verdicts against ours.

A profile names the export's verdict columns (`vendor: {NAME: COLUMN}`, kept as `vendor_NAME`)
and says how each compares (`reconcile: {NAME: {judges: ..., ...}}`: see `VendorCheck`). Each
such column is compared with every promise it judges, ticket by ticket, over the pairs both
sides decided: our `met`/`breached` against the vendor's word, minutes or time bracket. The result
per (column, promise) is an agreement table and the disagreeing tickets, with our side of the
story (elapsed and allowed time, the calendar): different calendars, targets or clocks explain
most disagreements, and the table shows which way they lean.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from charter_cli.charter.model import normalise
from charter_cli.clock import I64, NAT
from charter_cli.frames import per_value
from charter_cli.outcome import Outcome, State
from charter_cli.tickets.profile import VendorCheck

UNKNOWN = -1  # a vendor cell that is empty or says neither met nor breached


@dataclass(frozen=True)
class Disagreement:
    """One vendor column compared with one promise: how many pairs were compared, how many
    disagree, a few examples (ticket, ours, theirs) at their rows, and the full table behind
    them. `order` places it in reports (the column's place in the profile, the promise's in the
    charter), the same for any number of partitions."""

    promise: str
    vendor_field: str
    compared: int
    disagree: int
    examples: list[tuple[str, str, str]] = field(default_factory=list)  # ticket, ours, theirs
    rows: tuple[int, ...] = ()  # the examples' rows: positions in the audited tickets
    order: tuple[int, int] = (0, 0)
    kind: str = "verdict"
    table: dict[str, int] = field(default_factory=dict)  # the agreement table (see `TABLES`)
    not_compared: int = 0  # pairs of the promise one side has no verdict for
    # every disagreeing pair (for `charter reconcile`, which audits the input whole): positions
    # in the audited tickets, and the columns of its CSV
    pairs: I64 = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    ours: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))
    theirs: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))
    elapsed: I64 = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    allowed: I64 = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    calendar: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))

    def at_rows(self, origin: np.ndarray) -> Disagreement:
        """The same, its rows renumbered by `origin` (a partition's rows → the whole input's)."""
        return replace(
            self,
            rows=tuple(int(r) for r in origin[list(self.rows)]),
            pairs=np.asarray(origin[self.pairs], dtype=np.int64),
        )

    def sentence(self) -> str:
        shown = "; ".join(f"{t}: we say {o}, it says {v}" for t, o, v in self.examples)
        counts = f"{self.disagree:,} of {self.compared:,} tickets"
        where = f"the export's {self.vendor_field} disagrees with {self.promise}"
        return f"{where} on {counts}" + (f" (e.g. {shown})" if shown else "")


# the cells of each kind's agreement table, in the order reports show them
TABLES = {
    "verdict": ("both met", "both breached", "we met, it breached", "we breached, it met"),
    "minutes": ("agree", "disagree"),
    "brackets": ("agree", "disagree"),
}


def judged_by(check: VendorCheck, outcomes: Sequence[Outcome]) -> list[Outcome]:
    """The promises a vendor column judges: every promise of that measure when `judges` names
    a measure (a column of the vendor's resolution SLA judges each resolution promise, whatever
    its id), else the promise of that id."""
    from charter_cli.measures import NAMED

    if check.judges in NAMED:
        return [o for o in outcomes if o.promise.measure == check.judges]
    return [o for o in outcomes if o.promise.id == check.judges]


def _verdicts(values: pd.Series, check: VendorCheck) -> np.ndarray:
    met, breached = set(check.met), set(check.breached)

    def word(value: str) -> int:
        key = normalise(value)
        return 1 if key in met else 0 if key in breached else UNKNOWN

    return per_value(values, word, missing=UNKNOWN, dtype=np.int64)


def _bracket_bounds(values: pd.Series, check: VendorCheck) -> tuple[np.ndarray, np.ndarray]:
    """(low, high) seconds of each cell's bracket; NaN where the label is not a known bracket,
    +inf for an open upper end."""
    table = {
        label: (float(low), np.inf if high is None else float(high))
        for label, low, high in check.brackets
    }
    low = per_value(
        values, lambda v: table.get(normalise(v), (np.nan,))[0], missing=np.nan, dtype=float
    )
    high = per_value(
        values, lambda v: table.get(normalise(v), (0.0, np.nan))[1], missing=np.nan, dtype=float
    )
    return low, high


def _clock_seconds(outcome: Outcome, check: VendorCheck, decided: np.ndarray) -> np.ndarray:
    """Our time for each decided pair, on the clock the vendor's column uses: business seconds
    (net of pauses), or wall-clock stop − start; NaN where we have none."""
    if check.clock == "calendar":
        start, stop = outcome.started[decided], outcome.stopped[decided]
        known = (start != NAT) & (stop != NAT)
        return np.where(known, (stop - start).astype(float), np.nan)
    elapsed = outcome.elapsed[decided]
    return np.where(elapsed != NAT, elapsed.astype(float), np.nan)


def compare(
    check: VendorCheck, outcome: Outcome, tickets: pd.DataFrame, examples: int = 3
) -> Disagreement | None:
    """One vendor column against one promise, over the pairs both sides decided; None when the
    export lacks the column or no pair could be compared."""
    column = f"vendor_{check.name}"
    if column not in tickets or outcome.rows.size == 0:
        return None
    decided = (outcome.state == State.MET) | (outcome.state == State.BREACHED)
    rows = outcome.rows[decided]
    ours_met = outcome.state[decided] == State.MET
    values = tickets[column].iloc[rows]
    theirs_text = values.astype(object).to_numpy()
    ours_text = np.where(ours_met, "met", "breached").astype(object)
    if check.kind == "verdict":
        theirs = _verdicts(values, check)
        known = theirs != UNKNOWN
        differ = known & (theirs.astype(bool) != ours_met)
        table = dict(
            zip(
                TABLES["verdict"],
                (
                    int((known & ours_met & (theirs == 1)).sum()),
                    int((known & ~ours_met & (theirs == 0)).sum()),
                    int((known & ours_met & (theirs == 0)).sum()),
                    int((known & ~ours_met & (theirs == 1)).sum()),
                ),
                strict=True,
            )
        )
    else:
        seconds = _clock_seconds(outcome, check, decided)
        if check.kind == "brackets":
            low, high = _bracket_bounds(values, check)
            known = np.isfinite(seconds) & np.isfinite(low)
            inside = (seconds >= low) & (seconds <= high)
            differ = known & ~inside
            ours_text = _minutes_text(seconds)
        else:
            unit = 60.0 if check.kind == "minutes" else 3600.0
            number = pd.to_numeric(values.astype(object), errors="coerce").to_numpy(dtype=float)
            theirs_seconds = number * unit
            known = np.isfinite(seconds) & np.isfinite(theirs_seconds)
            differ = known & (
                np.abs(np.nan_to_num(seconds) - np.nan_to_num(theirs_seconds)) > check.tolerance
            )
            ours_text = _minutes_text(seconds)
            theirs_text = _minutes_text(theirs_seconds)
        table = {"agree": int((known & ~differ).sum()), "disagree": int(differ.sum())}
    if not known.any():
        return None
    at = np.flatnonzero(differ)
    ids = tickets["ticket_id"].iloc[rows[at[:examples]]].astype(str).tolist()
    shown = list(
        zip(
            ids,
            [str(x) for x in ours_text[at[:examples]]],
            [str(x) for x in theirs_text[at[:examples]]],
            strict=True,
        )
    )
    return Disagreement(
        promise=outcome.promise.id,
        vendor_field=check.name,
        compared=int(known.sum()),
        disagree=int(differ.sum()),
        examples=shown,
        rows=tuple(rows[at[:examples]].tolist()),
        kind="minutes" if check.kind == "hours" else check.kind,
        table=table,
        not_compared=int(outcome.rows.size - known.sum()),
        pairs=rows[at],
        ours=np.asarray(ours_text[at], dtype=object),
        theirs=np.asarray(theirs_text[at], dtype=object),
        elapsed=outcome.elapsed[decided][at],
        allowed=outcome.allowed[decided][at],
        calendar=np.asarray(outcome.calendar[np.flatnonzero(decided)[at]], dtype=object),
    )


def _minutes_text(seconds: np.ndarray) -> np.ndarray:
    """`48 min` per value (rounded), `` where there is none."""
    known = np.isfinite(seconds)
    whole = np.round(np.nan_to_num(seconds) / 60.0).astype(np.int64).astype(str)
    return np.where(known, np.char.add(whole, " min"), "").astype(object)


def reconcile(
    outcomes: list[Outcome],
    tickets: pd.DataFrame,
    checks: Sequence[VendorCheck] = (),
    examples: int = 3,
) -> list[Disagreement]:
    """Every vendor column the profile maps for reconciliation, against every promise it judges."""
    found = []
    place = {o.promise.id: i for i, o in enumerate(outcomes)}
    for k, check in enumerate(checks):
        for outcome in judged_by(check, outcomes):
            compared = compare(check, outcome, tickets, examples)
            if compared is not None:
                found.append(replace(compared, order=(k, place[outcome.promise.id])))
    return found
