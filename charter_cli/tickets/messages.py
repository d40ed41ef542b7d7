"""Message columns of a history (`author`, `public`): the export's words read as the canonical
ones, per distinct value (never per row). A word that is neither is exit 2, naming the file,
line, column and value: a wrong author turns replies into customer messages, and the figures
built on them would be wrong without a sign."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from charter_cli.charter.model import normalise
from charter_cli.errors import InputError
from charter_cli.frames import recode

MESSAGE_FIELDS = ("author", "public")  # event fields only: a ticket export has no messages
AUTHORS = ("agent", "customer", "system")
# the events' `author`: one byte a row (a Python string per message was 48 MB and 0.3 s on six
# million messages, and the conversations' codes then hashed them again)
AUTHOR = pd.CategoricalDtype(list(AUTHORS))
TRUE_WORDS = ("true", "yes", "1", "1.0")
FALSE_WORDS = ("false", "no", "0", "0.0")
# a message history's time column, tried before the status history's names: an article or a
# conversation has both a created_at and an updated_at (a later edit)
MESSAGE_TIME_NAMES = ("at", "timestamp", "time", "created_at", "created at", "sent_at", "sent at")


def _bad(
    col: pd.Series, result: pd.Series, lines: np.ndarray, path: str, column: str, fld: str
) -> None:
    """Exit 2 on the first cell that holds a value `result` could not read."""
    given = col.notna().to_numpy(dtype=bool) & result.isna().to_numpy(dtype=bool)
    if not given.any():
        return
    text = col.astype("string").str.strip()
    given &= (text != "").fillna(False).to_numpy(dtype=bool)
    if not given.any():
        return
    first = int(np.flatnonzero(given)[0])
    wanted = "agent, customer or system" if fld == "author" else "true/false, yes/no or 1/0"
    mapped = " (after the profile's `values:` map)" if fld == "author" else ""
    raise InputError(
        f"column {column!r} ({fld}): {str(col.iloc[first]).strip()!r} is not {wanted}{mapped}; "
        f"map the export's words with the profile's `values: {{{fld}: ...}}`",
        path=path,
        line=int(lines[first]),
    )


def read_author(
    col: pd.Series,
    mapping: Mapping[str, str],
    *,
    lines: np.ndarray,
    path: str,
    column: str,
) -> pd.Series:
    """agent / customer / system per row (a categorical; missing: the row is no message).
    `mapping`: the profile's value map (normalised export word → canonical word)."""

    def word(value: str) -> str | None:
        text = value.strip()
        if not text:
            return None
        found = normalise(mapping.get(normalise(text), text))
        return found if found in AUTHORS else None

    result = recode(col, word)
    _bad(col, result, lines, path, column, "author")
    return result


def read_public(
    col: pd.Series,
    mapping: Mapping[str, str],
    *,
    negate: bool,
    lines: np.ndarray,
    path: str,
    column: str,
) -> pd.Series:
    """True / False / missing per row (a nullable boolean); `negate`: the column says the
    opposite (Zammad's `internal`, Freshdesk's `private`)."""
    truth = {**dict.fromkeys(TRUE_WORDS, not negate), **dict.fromkeys(FALSE_WORDS, negate)}

    def word(value: str) -> str | None:
        text = value.strip()
        if not text:
            return None
        found = normalise(mapping.get(normalise(text), text))
        return ("t" if truth[found] else "f") if found in truth else None

    coded = recode(col, word)
    _bad(col, coded, lines, path, column, "public")
    says = (coded == "t").to_numpy(dtype=bool)  # by code, not a Python object per row
    unknown = coded.isna().to_numpy(dtype=bool)
    return pd.Series(pd.arrays.BooleanArray(says, unknown), index=col.index)


def unknown_public(n: int) -> pd.Series:
    """A `public` column of `n` rows whose visibility the history does not say."""
    return pd.Series(pd.arrays.BooleanArray(np.zeros(n, dtype=bool), np.ones(n, dtype=bool)))


def settled(events: pd.DataFrame) -> pd.DataFrame:
    """Events put together from several files, some with messages and some without: `author`
    None and `public` missing on the rows of files that had none."""
    if "author" not in events:
        return events
    events["author"] = events["author"].astype(AUTHOR)  # object where files were put together
    if "public" not in events:
        events["public"] = unknown_public(len(events)).to_numpy()
    elif events["public"].dtype != "boolean":
        events["public"] = events["public"].astype("boolean")
    return events


def first_response_source(sources: dict[str, str], history: str | None) -> str:
    """Where the first response comes from once messages are known: the messages, and for a
    ticket without any, what the export gave (if anything)."""
    said = f"messages ({history or 'the event log'}: the first public agent message)"
    given = sources.get("first_response_at")
    return f"{said}, else {given} for a ticket without messages" if given else said
