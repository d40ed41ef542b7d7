"""The messages of a history (events with an `author`), once per audit: each message's ticket
row, time, author and visibility as whole arrays, sorted by ticket row, time and the history's
own order. What the measures that read conversations share (first response, next reply,
periodic updates)."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pandas as pd

from charter_cli.clock import I64, NAT
from charter_cli.tickets.events import ticket_rows
from charter_cli.tickets.messages import AUTHORS

AGENT, CUSTOMER, SYSTEM = 0, 1, 2  # codes of `Messages.author` (AUTHORS' order)


class Messages:
    """The message rows of the events, for the audited tickets only (`ticket_ids`: their ids, in
    row order), sorted by (ticket row, at, original order):

    - `row`: int64, the ticket's row in the audited tickets;
    - `at`: int64, UTC seconds;
    - `author`: int8, AGENT, CUSTOMER or SYSTEM;
    - `public`: bool, whether the customer sees it (a message whose visibility the history does
      not say is public).

    `tickets` is the number of audited tickets."""

    AGENT: ClassVar[int] = AGENT
    CUSTOMER: ClassVar[int] = CUSTOMER
    SYSTEM: ClassVar[int] = SYSTEM

    def __init__(
        self,
        events: pd.DataFrame | None,
        ticket_ids: pd.Series,
        grouped: tuple[I64, I64] | None = None,
    ) -> None:
        """`grouped`: the events' order by ticket row and time and each one's ticket row
        (`Context.events_by_ticket`), when worked out already: no ids matched again."""
        self.tickets = len(ticket_ids)
        empty = events is None or "author" not in events or events.empty
        if empty:
            self.row = np.empty(0, dtype=np.int64)
            self.at = np.empty(0, dtype=np.int64)
            self.author = np.empty(0, dtype=np.int8)
            self.public = np.empty(0, dtype=bool)
            return
        assert events is not None
        code = pd.Categorical(events["author"], categories=list(AUTHORS)).codes
        public = events["public"].astype("boolean").to_numpy(dtype=bool, na_value=True)
        at = events["at"].to_numpy()
        if grouped is not None:  # sorted by (row, at) already, stable on the history's order
            order, rows = grouped
            mine = (code[order] >= 0) & (rows >= 0)
            keep = order[mine]
            self.row = rows[mine].astype(np.int64)
            self.at = at[keep].astype(np.int64)
            self.author = code[keep].astype(np.int8)
            self.public = public[keep]
            return
        keep = np.flatnonzero(code >= 0)
        rows = ticket_rows(events.iloc[keep], ticket_ids) if keep.size else keep
        mine = rows >= 0
        keep, rows = keep[mine], rows[mine]
        at = at[keep].astype(np.int64)
        order = np.lexsort((keep, at, rows))  # stable: the history's order breaks ties
        self.row = rows[order].astype(np.int64)
        self.at = at[order]
        self.author = code[keep][order].astype(np.int8)
        self.public = public[keep][order]

    def __len__(self) -> int:
        return int(self.row.size)

    def first_of(self, mask: np.ndarray, rows: I64) -> I64:
        """For each ticket row in `rows`, the time of its first message where `mask` (one flag
        per message) holds; NAT: none."""
        first = np.full(self.tickets, NAT, dtype=np.int64)
        hit = np.flatnonzero(mask)
        if hit.size:
            # sorted by row, then time: the first of each row's hits is where the row starts
            starts = np.concatenate(([True], self.row[hit][1:] != self.row[hit][:-1]))
            first[self.row[hit[starts]]] = self.at[hit[starts]]
        out: I64 = first[rows]
        return out

    def first_public_agent(self, rows: I64) -> I64:
        """Each ticket row's first public message by an agent (NAT: none yet): its first
        response. A system message (a bot, an automatic acknowledgement) never is one, nor an
        internal note."""
        return self.first_of((self.author == AGENT) & self.public, rows)

    def first_responses(self, given: I64) -> I64:
        """Every ticket's first response: its first public agent message when it has any
        message (NAT: none yet), else `given` (the export's first_response_at, per ticket)."""
        every = np.arange(self.tickets, dtype=np.int64)
        found: I64 = np.where(self.has_any(every), self.first_public_agent(every), given)
        return found

    def has_any(self, rows: I64) -> np.ndarray:
        """Whether each ticket row has any message at all (its history is known)."""
        seen = np.zeros(self.tickets, dtype=bool)
        seen[self.row] = True
        out: np.ndarray = seen[rows]
        return out
