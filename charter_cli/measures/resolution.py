"""`measure: resolution`: created → resolved (or closed, where the export has closed_at), minus
paused time."""

from __future__ import annotations

from charter_cli.measures.clocked import Clocked


class Resolution(Clocked):
    name = "resolution"
    summary = "created → resolved, minus paused time"
    stop_field = "resolved_at"
    closed_without = None
    pausable = True
    sentence = "solve"


MEASURE = Resolution()
