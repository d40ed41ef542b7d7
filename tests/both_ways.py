"""A fixture for reading tests, to run twice: with each CSV read whole into memory, and each parsed
where it lies on disk (`sniff.ON_DISK`, above 64 MB by default: no test file is that large)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from charter_cli.tickets import sniff


@pytest.fixture(autouse=True, params=["in memory", "on disk"])
def where_read(request: pytest.FixtureRequest) -> Iterator[str]:
    kept = sniff.ON_DISK
    if request.param == "on disk":
        sniff.ON_DISK = 1
    try:
        yield request.param
    finally:
        sniff.ON_DISK = kept
