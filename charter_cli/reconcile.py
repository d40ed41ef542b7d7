"""Reconciliation: where the helpdesk's own SLA verdicts (kept as `vendor_*` fields) and ours
disagree. Different calendars or clocks explain most disagreements; the examples show which."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from charter_cli.charter.model import normalise
from charter_cli.clock import NAT
from charter_cli.frames import per_value
from charter_cli.outcome import Outcome, State

MET_WORDS = {"within sla", "completed on time", "true", "met", "yes", "on time", "achieved"}
BREACHED_WORDS = {
    "sla violated",
    "completed late",
    "overdue",
    "false",
    "breached",
    "violated",
    "late",
    "no",
    "missed",
}
# vendor field -> the measure it judges (verdicts), or minutes of business time it reports
VERDICTS = {
    "first_response_status": "first_response",
    "first_response_sla_status": "first_response",
    "resolution_status": "resolution",
    "close_sla_status": "resolution",
    "made_sla": "resolution",
}
MINUTES = {
    "first_reply_business_minutes": "first_response",
    "full_resolution_business_minutes": "resolution",
}
ORDER = [*VERDICTS, *MINUTES]  # the order the fields are compared and reported in


@dataclass(frozen=True)
class Disagreement:
    promise: str
    vendor_field: str
    compared: int
    disagree: int
    examples: list[tuple[str, str, str]] = field(default_factory=list)  # ticket, ours, theirs
    rows: tuple[int, ...] = ()  # the examples' rows: positions in the audited tickets

    def at_rows(self, origin: np.ndarray) -> Disagreement:
        """The same, its example rows renumbered by `origin` (a partition's rows → the whole
        input's)."""
        return replace(self, rows=tuple(int(r) for r in origin[list(self.rows)]))

    def sentence(self) -> str:
        shown = "; ".join(f"{t}: we say {o}, it says {v}" for t, o, v in self.examples)
        counts = f"{self.disagree:,} of {self.compared:,} tickets"
        where = f"the export's {self.vendor_field} disagrees with {self.promise}"
        return f"{where} on {counts}" + (f" (e.g. {shown})" if shown else "")


def _first(outcomes: list[Outcome], measure: str) -> Outcome | None:
    return next((o for o in outcomes if o.promise.measure == measure), None)


def _verdict(value: str) -> int:
    key = normalise(value)
    return 1 if key in MET_WORDS else 0 if key in BREACHED_WORDS else -1


def reconcile(
    outcomes: list[Outcome], tickets: pd.DataFrame, examples: int = 3
) -> list[Disagreement]:
    """Every vendor SLA field the export carries, against the first promise of its measure."""
    found: list[Disagreement] = []
    for name, measure in {**VERDICTS, **MINUTES}.items():
        column = f"vendor_{name}"
        outcome = _first(outcomes, measure)
        if column not in tickets or outcome is None or outcome.rows.size == 0:
            continue
        decided = (outcome.state == State.MET) | (outcome.state == State.BREACHED)
        rows = outcome.rows[decided]
        ours_met = outcome.state[decided] == State.MET
        values = tickets[column].iloc[rows]
        if name in VERDICTS:
            theirs = per_value(values, _verdict, missing=-1, dtype=np.int64)
            known = theirs >= 0
            differ = known & (theirs.astype(bool) != ours_met)
            ours_text = np.where(ours_met, "met", "breached")
            theirs_text = values.astype(object).to_numpy()
        else:
            minutes = pd.to_numeric(values.astype(object), errors="coerce").to_numpy(dtype=float)
            elapsed = outcome.elapsed[decided]
            known = np.isfinite(minutes) & (elapsed != NAT)
            ours_minutes = np.where(known, elapsed / 60.0, np.nan)
            differ = known & (np.abs(np.nan_to_num(ours_minutes) - np.nan_to_num(minutes)) > 1.0)
            ours_text = np.char.add(
                np.round(np.nan_to_num(ours_minutes)).astype(int).astype(str), " min"
            )
            theirs_text = np.char.add(np.nan_to_num(minutes).astype(int).astype(str), " min")
        if not known.any():
            continue
        first = rows[differ][:examples]
        ids = tickets["ticket_id"].iloc[first].astype(str).tolist()
        shown = list(
            zip(
                ids,
                [str(x) for x in ours_text[differ][:examples]],
                [str(x) for x in theirs_text[differ][:examples]],
                strict=True,
            )
        )
        found.append(
            Disagreement(
                outcome.promise.id,
                name,
                int(known.sum()),
                int(differ.sum()),
                shown,
                tuple(first.tolist()),
            )
        )
    return found
