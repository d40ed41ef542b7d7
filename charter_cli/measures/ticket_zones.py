"""Calendars read in each ticket's own zone (`timezone: ticket`): the rows of such a calendar
are labelled with the calendar read in their ticket's zone (`support (America/New_York)`), so
the audit builds one clock per distinct zone and groups tickets by it, never one per ticket.
A ticket without a zone, or with one the zone database does not know, is read in the
calendar's default zone, and the promise's notes count them."""

from __future__ import annotations

import zoneinfo
from functools import cache

import numpy as np
import pandas as pd

from charter_cli.charter.model import Charter, zoned_label
from charter_cli.frames import categorical
from charter_cli.outcome import Counted, Labels


@cache
def _known() -> dict[str, str]:
    """Every IANA zone name by its casefolded spelling (`europe/oslo` → `Europe/Oslo`)."""
    return {z.casefold(): z for z in zoneinfo.available_timezones()}


def zone_name(value: str) -> str | None:
    """The IANA zone a ticket's `timezone` cell names, or None when it names none."""
    return _known().get(value.strip().casefold())


def in_ticket_zones(
    labels: Labels, charter: Charter, zones: pd.Series, present: bool
) -> list[str | Counted]:
    """Relabel the rows on ticket-zone calendars by their ticket's zone (in place); return the
    data-quality notes (tickets read in a default zone), as counts that add up over the audit's
    partitions. `zones` is the rows' `timezone` column; `present`: whether the export has that
    column at all."""
    notes: list[str | Counted] = []
    for code, word in enumerate(list(labels.words)):
        calendar = charter.calendars.get(word)
        if calendar is None or not calendar.ticket_zone:
            continue
        on = np.flatnonzero(labels.codes == code)
        if on.size == 0:
            continue
        default = calendar.timezone
        head = f"calendar {word!r} reads hours in each ticket's zone"
        if not present:
            labels.codes[on] = labels.code(zoned_label(word, default))
            notes.append(
                Counted(
                    f"{head}, but the export has no timezone column: {{n}} ticket was read in "
                    f"{default}",
                    f"{head}, but the export has no timezone column: {{n}} tickets were read "
                    f"in {default}",
                    int(on.size),
                )
            )
            continue
        cats = categorical(zones.iloc[on])
        names = [str(c) for c in cats.cat.categories]
        found = [zone_name(n) for n in names]
        # one label per distinct zone, the default one named too (reports and `--by calendar`
        # show which zone each ticket's hours were read in)
        fallback = labels.code(zoned_label(word, default))
        table = np.array(
            [fallback if z is None else labels.code(zoned_label(word, z)) for z in found]
            + [fallback],
            dtype=np.int32,
        )
        codes = cats.cat.codes.to_numpy()
        labels.codes[on] = table[codes]  # code -1 (no zone) picks the last: the default
        missing = int((codes == -1).sum())
        unknown_codes = [k for k, z in enumerate(found) if z is None]
        unknown = int(np.isin(codes, unknown_codes).sum()) if unknown_codes else 0
        if missing:
            notes.append(
                Counted(
                    f"{head}: {{n}} ticket without a time zone was read in {default}",
                    f"{head}: {{n}} tickets without a time zone were read in {default}",
                    missing,
                )
            )
        if unknown:
            notes.append(
                Counted(
                    f"{head}: {{n}} ticket whose zone is not an IANA name (such as "
                    f"America/New_York) was read in {default}; a profile can map the export's "
                    "names under `values: timezone:`",
                    f"{head}: {{n}} tickets whose zone is not an IANA name (such as "
                    f"America/New_York) were read in {default}; a profile can map the export's "
                    "names under `values: timezone:`",
                    unknown,
                )
            )
    return notes
