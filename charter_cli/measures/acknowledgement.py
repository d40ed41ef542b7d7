"""`measure: acknowledgement`: created → acknowledged (automatic or human)."""

from __future__ import annotations

from charter_cli.measures.clocked import Clocked


class Acknowledgement(Clocked):
    name = "acknowledgement"
    summary = "created → acknowledged, automatically or by a person"
    stop_field = "acknowledged_at"
    closed_without = "acknowledgement"
    pausable = False
    sentence = "ack"


MEASURE = Acknowledgement()
