"""`measure: first_response`: created → the first public reply by a person."""

from __future__ import annotations

from charter_cli.measures.clocked import Clocked


class FirstResponse(Clocked):
    name = "first_response"
    summary = "created → the first public reply by a person"
    stop_field = "first_response_at"
    closed_without = "reply"
    pausable = True
    sentence = "reply"


MEASURE = FirstResponse()
