"""`measure: first_response`: created → the first public reply by a person."""

from __future__ import annotations

from typing import ClassVar

from charter_cli.measures.clocked import Clocked


class FirstResponse(Clocked):
    name = "first_response"
    summary = "created → the first public reply by a person"
    stop_field = "first_response_at"
    closed_without = "reply"
    pausable = True
    sentence = "reply"
    sentences: ClassVar[dict[str, dict[str, str]]] = {
        "en": {"reply": "A person replies within {d}{when}.", "reply_list": "A person replies within:"},
        "nb": {"reply": "Du får svar fra en av oss innen {d}{when}.", "reply_list": "Du får svar fra en av oss innen:"},
        "sv": {"reply": "Du får svar från någon av oss inom {d}{when}.", "reply_list": "Du får svar från någon av oss inom:"},
        "pl": {"reply": "Odpowiadamy w ciągu {d}{when}.", "reply_list": "Odpowiadamy w czasie nie dłuższym niż:"},
    }  # fmt: skip


MEASURE = FirstResponse()
