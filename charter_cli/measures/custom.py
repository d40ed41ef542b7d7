"""`measure: {from: FIELD, to: FIELD}`: the clock between any two ticket timestamps."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from charter_cli.measures.clocked import Clocked

if TYPE_CHECKING:
    from charter_cli.charter.model import Promise

# a pair that starts at creation and stops at one of these is a reply or an acknowledgement
_CLOSED_WITHOUT = {"first_response_at": "reply", "acknowledged_at": "acknowledgement"}


class Custom(Clocked):
    name = "custom"
    summary = "the clock between any two timestamp fields"
    start_field = ""  # the promise's own `from` and `to`
    stop_field = ""
    form: ClassVar[dict[str, Any] | None] = {
        "type": "object",
        "x-written": "{from: FIELD, to: FIELD}",
        "required": ["from", "to"],
        "additionalProperties": False,
        "properties": {
            "from": {
                "title": "Clock starts at",
                "description": "A canonical timestamp field, e.g. `created_at`.",
                "type": "string",
            },
            "to": {
                "title": "Clock stops at",
                "description": "A canonical timestamp field, e.g. `closed_at`.",
                "type": "string",
            },
        },
    }

    def parse(self, value: object) -> tuple[str, str, dict[str, tuple[str, ...]]]:
        assert isinstance(value, dict)
        return str(value["from"]), str(value["to"]), {}

    def closed_label(self, promise: Promise) -> str | None:
        if promise.start_field != "created_at":
            return None
        return _CLOSED_WITHOUT.get(promise.stop_field)


MEASURE = Custom()
