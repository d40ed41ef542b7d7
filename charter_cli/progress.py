"""How the core tells how far a long phase has come, without knowing who listens: a `Progress` is
called with what is being done, how much of it is done and how much there is, in the phase's own
unit (bytes of files, rows, promises, outputs). The command line draws it on a terminal; tests
record it; everyone else passes nothing."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from charter_cli.errors import shown_path

Progress = Callable[[str, int, int], None]  # (what, done, total)
# within one file: (done, total, unit): rows of a workbook (total 0: unknown), bytes of a CSV
RowProgress = Callable[[int, int, str], None]


class FileProgress:
    """Reading several files, told in bytes: each file's share is its size. Within a file, its
    reader tells how far it is (a CSV's bytes parsed, a workbook's rows; a Parquet file is read
    in one step) over the first `PARSED` of the share; the rest is its dates and columns made
    canonical (`columns`). Never backwards: a reader that starts its file again (a CSV parsed a
    second time) is told from where it had come."""

    PARSED = 0.75

    def __init__(self, progress: Progress | None, files: Sequence[Path], verb: str) -> None:
        self.progress = progress
        self.names = [shown_path(Path(f).name) for f in files]  # a transient line: names only
        self.sizes = [_size(f) for f in files] if progress else [0] * len(files)
        self.total = max(1, sum(self.sizes))
        self.verb = verb
        self.reached = 0

    def _what(self, index: int) -> str:
        count = f" ({index + 1}/{len(self.names)})" if len(self.names) > 1 else ""
        return f"{self.verb} {self.names[index]}{count}"

    def start(self, index: int) -> RowProgress | None:
        """Tell that file `index` is being read; the callback its reader may call with rows."""
        progress = self.progress
        if progress is None:
            return None
        before, size, what = sum(self.sizes[:index]), self.sizes[index], self._what(index)
        self.reached = before
        progress(what, before, self.total)

        def within(done: int, expected: int, unit: str) -> None:
            share = min(1.0, done / expected) if expected else 0.0
            self.reached = max(self.reached, before + int(size * self.PARSED * share))
            told = f"{what}: {done:,} {unit}" if unit == "rows" else what
            progress(told, self.reached, self.total)

        return within

    def columns(self, index: int) -> None:
        """Tell that file `index` is parsed and its dates and columns are being read."""
        if self.progress is not None:
            self.reached = max(
                self.reached, sum(self.sizes[:index]) + int(self.sizes[index] * self.PARSED)
            )
            self.progress(f"{self._what(index)}: dates and columns", self.reached, self.total)

    def done(self, index: int) -> None:
        if self.progress is not None:
            self.progress(self._what(index), sum(self.sizes[: index + 1]), self.total)


def _size(file: Path) -> int:
    try:
        return max(1, file.stat().st_size)
    except OSError:  # its reader says what is wrong with it
        return 1
