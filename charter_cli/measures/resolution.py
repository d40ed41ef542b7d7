"""`measure: resolution`: created → resolved (or closed, where the export has closed_at), minus
paused time."""

from __future__ import annotations

from typing import ClassVar

from charter_cli.measures.clocked import Clocked


class Resolution(Clocked):
    name = "resolution"
    summary = "created → resolved, minus paused time"
    stop_field = "resolved_at"
    closed_without = None
    pausable = True
    sentence = "solve"
    sentences: ClassVar[dict[str, dict[str, str]]] = {
        "en": {"solve": "We solve your case within {d}{when}.", "solve_list": "We solve your case within:"},
        "nb": {"solve": "Vi løser saken din innen {d}{when}.", "solve_list": "Vi løser saken din innen:"},
        "sv": {"solve": "Vi löser ditt ärende inom {d}{when}.", "solve_list": "Vi löser ditt ärende inom:"},
        "pl": {"solve": "Rozwiązujemy Twoją sprawę w ciągu {d}{when}.", "solve_list": "Rozwiązujemy Twoją sprawę w czasie nie dłuższym niż:"},
    }  # fmt: skip


MEASURE = Resolution()
