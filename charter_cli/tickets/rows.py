"""Which input rows become tickets: rows that cannot be one are skipped with their reason, and a
ticket exported twice is merged (the latest row wins); both counted for the report's
`rows read = tickets + duplicates merged + skipped`."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from charter_cli.charter.model import TIME_FIELDS
from charter_cli.clock import NAT
from charter_cli.frames import arrow_array

EXAMPLES = 5  # duplicate tickets named in the report


def skip_rows(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rows that cannot be tickets: no id, no or unparseable created_at."""
    no_id = (
        frame["ticket_id"].isna().to_numpy() | (frame["ticket_id"] == "").fillna(False).to_numpy()
    )
    created = frame["created_at"].to_numpy()
    bad_created = (
        frame.pop("_created_bad").to_numpy()
        if "_created_bad" in frame
        else np.zeros(len(frame), bool)
    )
    no_created = (created == NAT) & ~bad_created
    drop = no_id | bad_created | no_created
    if not drop.any():
        return frame, pd.DataFrame({"file": [], "line": [], "reason": []})
    reason = np.where(
        no_id[drop],
        "missing ticket id",
        np.where(bad_created[drop], "created_at is not a date", "missing created_at"),
    )
    skipped = pd.DataFrame(
        {
            "file": frame["source_file"].to_numpy()[drop],
            "line": frame["source_line"].to_numpy()[drop],
            "reason": reason,
        }
    )
    return frame.loc[~drop].reset_index(drop=True), skipped


def all_distinct(ids: pd.Series) -> bool:
    """Whether no id (missing ones aside) repeats. Exports usually list tickets in id order, up
    or down: ids strictly ordered by (length, bytes), which puts `T9` before `T10`, cannot repeat,
    and that takes one comparison of neighbours. Otherwise Arrow hashes every id (without the
    GIL; pandas' duplicated() is several times slower)."""
    import pyarrow.compute as pc

    try:
        array = arrow_array(ids)
        if _strictly_ordered(array):
            return True
        nulls = int(array.null_count)  # type: ignore[attr-defined]
        return bool(len(pc.unique(array)) - (nulls > 0) == len(ids) - nulls)
    except (pa.ArrowException, TypeError):  # pragma: no cover - any other storage: the slow way
        present = ids.dropna()
        return not bool(present.duplicated().any())


def _strictly_ordered(values: object) -> bool:
    """Whether the strings (no missing one) strictly increase or strictly decrease in shortlex
    order: by length first, then byte by byte."""
    import pyarrow.compute as pc

    array = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    if not isinstance(array, pa.Array) or array.null_count or len(array) < 2:
        return False
    sizes = pc.binary_length(array)
    before, after = array.slice(0, len(array) - 1), array.slice(1)
    size_before, size_after = sizes.slice(0, len(array) - 1), sizes.slice(1)
    same_size = pc.equal(size_after, size_before)
    for longer, later in ((pc.greater, pc.greater), (pc.less, pc.less)):
        step = pc.or_(longer(size_after, size_before), pc.and_(same_size, later(after, before)))
        if pc.all(step).as_py():
            return True
    return False


Example = tuple[int, int, int, str]  # a duplicate row: latest instant, file, line, ticket id


def latest_wins(frame: pd.DataFrame, *, distinct: bool) -> tuple[pd.DataFrame, int, list[Example]]:
    """One row per ticket id: the row with the latest timestamp wins, then the later file/line.
    `distinct`: the ids are known not to repeat already. Also: how many rows were merged away,
    and the first few of them (by instant, file and line), one per ticket, as examples."""
    if distinct or all_distinct(frame["ticket_id"]):
        return frame.reset_index(drop=True), 0, []
    stamps = frame[[f for f in TIME_FIELDS if f != "due_at"]].to_numpy()
    last_seen = stamps.max(axis=1)
    order = np.lexsort((frame["source_line"].to_numpy(), frame["_file"].to_numpy(), last_seen))
    ordered = frame.iloc[order]
    dup = ordered["ticket_id"].duplicated(keep="last").to_numpy()
    first = np.flatnonzero(dup)
    first = first[~ordered["ticket_id"].iloc[first].duplicated().to_numpy()][:EXAMPLES]
    examples = list(
        zip(
            last_seen[order][first].tolist(),
            ordered["_file"].to_numpy()[first].tolist(),
            ordered["source_line"].to_numpy()[first].tolist(),
            ordered["ticket_id"].iloc[first].astype(str).tolist(),
            strict=True,
        )
    )
    kept = (
        ordered.loc[~dup]
        .sort_values(["_file", "source_line"], kind="stable")
        .reset_index(drop=True)
    )
    return kept, int(dup.sum()), examples


def first_examples(examples: list[Example]) -> list[str]:
    """The ids of the first few duplicate rows of several lists (each one's first few)."""
    return list(dict.fromkeys(e[3] for e in sorted(examples)))[:EXAMPLES]
