"""Writing outputs safely: atomically, never over an input, never into a directory by mistake."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from charter_cli.errors import UsageError


def check_outputs(outputs: Iterable[Path], inputs: Iterable[Path]) -> None:
    """Refuse an output that is an input, a directory, or in a folder that does not exist."""
    protected = {p.resolve() for p in inputs}
    seen: set[Path] = set()
    for out in outputs:
        real = out.resolve()
        if real in protected:
            raise UsageError(
                f"--output {out} is one of the inputs; charter never writes to its inputs"
            )
        if out.is_dir():
            raise UsageError(
                f"--output {out} is a directory; name a file (report.json, breaches.csv …)"
            )
        if not real.parent.is_dir():
            raise UsageError(f"--output {out}: the folder {out.parent} does not exist")
        if real in seen:
            raise UsageError(f"--output {out} is given twice")
        seen.add(real)


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def write_atomic(path: Path, text: str | bytes | list[memoryview]) -> None:
    """Write to a temporary file beside `path`, then rename it over `path` in one step. Text is
    written as UTF-8; bytes, or a list of byte views (a renderer that built its output as UTF-8
    in parts), as they are."""
    directory = path.resolve().parent
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        # mkstemp makes the file private (0600); a report gets the mode a new file would get
        mode = path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask()
        os.fchmod(fd, mode)
        if isinstance(text, bytes | list):
            with os.fdopen(fd, "wb") as raw:
                for part in [text] if isinstance(text, bytes) else text:
                    raw.write(part)
        else:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
