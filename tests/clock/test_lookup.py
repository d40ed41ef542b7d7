"""The lookup tables and their searchsorted fallback give the same answers."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from charter_cli.clock import _Lookup


@st.composite
def interval_sets(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    gaps = draw(
        st.lists(st.tuples(st.integers(1, 5000), st.integers(1, 5000)), min_size=1, max_size=30)
    )
    opens, closes, t = [], [], 1_000_000_020
    for gap, length in gaps:
        t += gap
        opens.append(t)
        t += length
        closes.append(t)
    return np.array(opens, dtype=np.int64), np.array(closes, dtype=np.int64)


def _brute_business(opens: np.ndarray, closes: np.ndarray, t: int) -> int:
    return int(sum(max(0, min(c, t) - o) for o, c in zip(opens, closes, strict=True)))


@given(
    interval_sets(), st.lists(st.integers(-100, 200_000), min_size=1, max_size=20), st.booleans()
)
def test_fallback_and_tables_agree_with_brute_force(
    ivs: tuple[np.ndarray, np.ndarray], offsets: list[int], to_minutes: bool
) -> None:
    opens, closes = ivs
    if to_minutes:  # aligned: the table path; otherwise the searchsorted fallback
        opens, closes = opens - opens % 60, (closes - closes % 60) + 60
        keep = np.concatenate(([True], opens[1:] >= closes[:-1]))
        opens, closes = opens[keep], closes[keep]
        ok = np.concatenate((opens[1:] >= closes[:-1], [True]))
        opens, closes = opens[ok], closes[ok]
    lengths = closes - opens
    cum = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)
    look = _Lookup.build(opens, closes, cum, int(opens[0]) - 500, int(closes[-1]) + 500)
    assert look.aligned == (not (opens % 60).any() and not (closes % 60).any())
    t = np.array([int(opens[0]) + o for o in offsets], dtype=np.int64)
    t = np.clip(t, int(opens[0]) - 400, int(closes[-1]) + 400)
    got = look.business(t)
    assert got.tolist() == [_brute_business(opens, closes, int(x)) for x in t]
    total = int(lengths.sum())
    targets = np.array([1 + abs(o) % total for o in offsets], dtype=np.int64)
    instant, beyond = look.instant(targets)
    assert not beyond.any()
    for target, when in zip(targets.tolist(), instant.tolist(), strict=True):
        assert _brute_business(opens, closes, when) == target
        assert _brute_business(opens, closes, when - 1) < target
