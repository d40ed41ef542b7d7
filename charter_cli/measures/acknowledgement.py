"""`measure: acknowledgement`: created → acknowledged (automatic or human)."""

from __future__ import annotations

from typing import ClassVar

from charter_cli.measures.clocked import Clocked


class Acknowledgement(Clocked):
    name = "acknowledgement"
    summary = "created → acknowledged, automatically or by a person"
    stop_field = "acknowledged_at"
    closed_without = "acknowledgement"
    pausable = False
    sentence = "ack"
    sentences: ClassVar[dict[str, dict[str, str]]] = {
        "en": {"ack": "We confirm that we have received your message within {d}{when}.", "ack_after": "Outside our opening hours you still get an automatic confirmation within {d}, so you know your message has arrived."},
        "nb": {"ack": "Vi bekrefter at vi har mottatt henvendelsen din innen {d}{when}.", "ack_after": "Utenfor åpningstiden får du likevel en automatisk bekreftelse innen {d}, så du vet at meldingen har kommet fram."},
        "sv": {"ack": "Vi bekräftar att vi har tagit emot ditt ärende inom {d}{when}.", "ack_after": "Utanför öppettiderna får du ändå en automatisk bekräftelse inom {d}, så att du vet att ditt meddelande har kommit fram."},
        "pl": {"ack": "Potwierdzamy otrzymanie Twojej wiadomości w ciągu {d}{when}.", "ack_after": "Poza godzinami pracy również otrzymasz automatyczne potwierdzenie w ciągu {d}, więc wiesz, że Twoja wiadomość do nas dotarła."},
    }  # fmt: skip


MEASURE = Acknowledgement()
