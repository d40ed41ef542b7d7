"""Writing outputs safely: atomically, never over an input, never into a directory by mistake.
Every failure to write (a full disk, a read-only folder, a file-size limit, a name too long, a
symlink loop) is an `OutputError` naming the path: exit 2, one line, the previous file intact."""

from __future__ import annotations

import os
import signal
import stat
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from charter_cli.errors import OutputError, UsageError


def _reason(exc: OSError | RuntimeError) -> str:
    if isinstance(exc, RuntimeError):  # Path.resolve on Python 3.11: "Symlink loop from …"
        return "too many levels of symbolic links"
    return exc.strerror or type(exc).__name__


def _real(path: Path) -> Path:
    """The path with every symbolic link followed; a loop or an unusable name is an OutputError."""
    try:
        return path.resolve()
    except (OSError, RuntimeError) as exc:
        raise OutputError(f"cannot write {path}: {_reason(exc)}") from None


def check_outputs(outputs: Iterable[Path], inputs: Iterable[Path]) -> None:
    """Refuse an output that is an input, a directory, or in a folder that does not exist."""
    protected = {_real(p) for p in inputs}
    seen: set[Path] = set()
    for out in outputs:
        real = _real(out)
        if real in protected:
            raise UsageError(
                f"--output {out} is one of the inputs; charter never writes to its inputs"
            )
        try:
            is_dir, parent_is_dir = real.is_dir(), real.parent.is_dir()
        except OSError as exc:
            raise OutputError(f"cannot write {out}: {_reason(exc)}") from None
        if is_dir:
            raise UsageError(
                f"--output {out} is a directory; name a file (report.json, breaches.csv …)"
            )
        if not parent_is_dir:
            raise UsageError(f"--output {out}: the folder {out.parent} does not exist")
        if real in seen:
            raise UsageError(f"--output {out} is given twice")
        seen.add(real)


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


class _Terminated(BaseException):
    """SIGTERM arrived while a temporary file existed: remove it, then end as SIGTERM would."""


@contextmanager
def _terminate_cleanly() -> Iterator[None]:
    def handler(signum: int, frame: FrameType | None) -> None:
        raise _Terminated

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread: signals cannot be caught here
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _special(path: Path) -> bool:
    """Whether the path names something other than a file or a folder (following links)."""
    try:
        mode = path.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):  # a new file (a loop raises: ELOOP)
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


# a report: text, UTF-8 bytes, or UTF-8 parts (a large CSV, written as they come)
Output = str | bytes | Iterable[memoryview]


def _write_in_place(target: Path, text: Output) -> None:
    with target.open("wb") as raw:
        if isinstance(text, str):
            raw.write(text.encode("utf-8"))
        else:
            for part in [text] if isinstance(text, bytes) else text:
                raw.write(part)


def write_atomic(path: Path, text: Output) -> None:
    """Write to a temporary file beside `path`, then rename it over `path` in one step. Text is
    written as UTF-8; bytes, or a list of byte views (a renderer that built its output as UTF-8
    in parts), as they are. A symbolic link is written through: its target is replaced."""
    try:
        if _special(path):
            # a device or a pipe (/dev/stdout, a FIFO): written in place; renaming over it would
            # replace the device itself (and /dev/stdout resolves to no path when it is a pipe)
            _write_in_place(path, text)
            return
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {_reason(exc)}") from None
    target = _real(path)
    tmp: str | None = None
    try:
        with _terminate_cleanly():
            try:
                # mkstemp makes the file private (0600); a report gets the mode a new file gets
                mode = target.stat().st_mode & 0o777 if target.exists() else 0o666 & ~_umask()
                # a short temporary name: `path` may be near the 255-byte limit of a name
                fd, tmp = tempfile.mkstemp(prefix=".charter-", suffix=".tmp", dir=target.parent)
                try:
                    os.fchmod(fd, mode)
                except BaseException:
                    os.close(fd)
                    raise
                if not isinstance(text, str):
                    with os.fdopen(fd, "wb") as raw:
                        for part in [text] if isinstance(text, bytes) else text:
                            raw.write(part)
                else:
                    with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                        handle.write(text)
                Path(tmp).replace(target)
                tmp = None
            finally:
                if tmp is not None:
                    Path(tmp).unlink(missing_ok=True)
    except _Terminated:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)
        raise SystemExit(128 + signal.SIGTERM) from None
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {_reason(exc)}") from None
