"""What a measure is: the fields it reads, how it selects and judges tickets, and how `explain`,
`render` and the rules speak of it. One module per measure subclasses `Measure`; the registry in
`charter_cli.measures` lists them once."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

if TYPE_CHECKING:
    from charter_cli.charter.model import Charter, Promise
    from charter_cli.charter.selectors import Selector
    from charter_cli.measures.context import Context
    from charter_cli.outcome import Outcome


class Measure:
    """A kind of promise. Subclasses set the class attributes and implement `evaluate`."""

    name: ClassVar[str]
    summary: ClassVar[str]  # what it measures, for the schema's help text
    # the JSON Schema of its mapping form in a charter (`measure: {from: …, to: …}`), or None
    # for a measure written by name
    form: ClassVar[dict[str, Any] | None] = None
    start_field: ClassVar[str] = "created_at"  # for a custom pair: the promise's own
    stop_field: ClassVar[str] = ""
    allowance_key: ClassVar[str | None] = "within"  # the charter key it reads its allowance from
    pausable: ClassVar[bool] = True  # whether `pause_when` can change its verdicts
    # met ⇔ the elapsed time (which no allowance changes) is at most `within`: a new allowance
    # can be replayed on the recorded histogram of elapsed times (`charter diff --against
    # history.sqlite`)
    replays_from_history: ClassVar[bool] = False
    counts_intervals: ClassVar[bool] = True  # `explain` lists the open intervals its clock counted
    sentence: ClassVar[str | None] = None  # the key of its sentence in `sentences`
    # what `render` says of it, per language: `sentence` (and `sentence`_list, a list by priority)
    sentences: ClassVar[dict[str, dict[str, str]]] = {}
    also_reads: ClassVar[str] = ""  # what it reads besides ticket fields, for the reference
    # `where` keys that pick the measure's instances rather than tickets (`take_where`)
    own_where: ClassVar[tuple[str, ...]] = ()
    # fields a status history stands in for when the export has no column for them (a group's
    # interval ends at a resolution: entering a resolved state says when)
    from_history: ClassVar[tuple[str, ...]] = ()
    # whether it reads the status or message history event by event (with a history of
    # millions of events, its promise takes longest: an audit starts those first)
    walks_history: ClassVar[bool] = False

    def claims(self, value: object) -> bool:
        """Whether a charter's `measure:` value is this measure."""
        if self.form is None:
            return value == self.name
        return isinstance(value, dict) and set(self.form["required"]) <= set(value)

    def parse(self, value: object) -> tuple[str, str, dict[str, tuple[str, ...]]]:
        """The clock's start and stop fields and the measure's own options, from the charter's
        `measure:` value (schema-valid)."""
        return self.start_field, self.stop_field, {}

    def take_where(
        self, selector: Selector, options: dict[str, tuple[str, ...]]
    ) -> tuple[Selector, dict[str, tuple[str, ...]]]:
        """The selector that picks tickets and the measure's options, once the `where` keys in
        `own_where` are taken out of the one and into the other."""
        return selector, options

    def sentence_args(self, promise: Promise, lang: str) -> dict[str, str]:
        """What its `render` sentences say besides the duration (`{groups}`, …)."""
        return {}

    def needs(self, promise: Promise) -> dict[str, str]:
        """The ticket fields it reads (→ why), before those of `where`, priority and channel."""
        out = {promise.start_field: "the clock starts here"}
        out.setdefault(promise.stop_field, "the clock stops here")
        return out

    def reopenable(self, promise: Promise) -> bool:
        """Whether its clock is stopped by resolution, so that `reopens` applies."""
        return False

    def select(self, ctx: Context, mask: np.ndarray) -> np.ndarray:
        """Narrow the tickets its `where` selected to those it applies to."""
        return mask

    def evaluate(self, ctx: Context, out: Outcome) -> None:
        """Fill `out` (states, instants, elapsed and allowed seconds, reasons)."""
        raise NotImplementedError

    def not_applicable(self, promise: Promise, where: str) -> str:
        """Why `explain` finds a ticket outside the promise (`where`: its filter, as text)."""
        return f"only for tickets with {where}" if where else "not applicable"

    def business_day(
        self, charter: Charter, promise: Promise, calendar: str | None = None
    ) -> int | None:
        """The working day its durations are told in (on `calendar`, else the promise's main
        calendar); None: wall-clock days and hours."""
        return charter.business_day(calendar or charter.main_calendar(promise))

    def ends(self, result: Any, outcome: Outcome, i: int) -> list[tuple[str, int, str]]:
        """What started and what stopped row `i` of the outcome, for `explain`: (what, instant,
        more) lines in time order (an `AuditResult`'s events); none for most measures."""
        return []

    def none_found(self, promise: Promise) -> str | None:
        """What to say when tickets matched the promise but it measured no instance of them
        (None: nothing; a measure with one instance per ticket always has one)."""
        return None

    def counted_until(self, stop: int, resolved: int, as_of: int) -> int:
        """Where `explain` stops listing the intervals its clock counted (NAT: running)."""
        return stop
