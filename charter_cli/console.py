"""What every command shares at the edge: the report on stdout, one-line messages on stderr,
errors mapped to exit codes (`guarded`), progress, colour and the terminal's width."""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from collections.abc import Callable, Iterable
from typing import Annotated, Any, TypeVar

import typer

from charter_cli.errors import CharterError, ExitCode, OutputError, UsageError

F = TypeVar("F", bound=Callable[..., Any])

_state = {"debug": False}


def _debug() -> bool:
    return _state["debug"] or os.environ.get("CHARTER_DEBUG", "") not in ("", "0")


def _emit(output: str | bytes | Iterable[memoryview]) -> None:
    """A report on stdout: text as text, a renderer's UTF-8 bytes straight to the byte stream.
    A reader that stops early (`| head`) ends the command quietly; a stdout that cannot be
    written (a full device) is an `OutputError`, exit 2."""
    if sys.stdout is None:  # started with stdout closed (`>&-`)
        if not isinstance(output, str | bytes) or output:
            raise OutputError("cannot write to standard output: it is closed")
        return
    try:
        if isinstance(output, str):
            try:
                sys.stdout.write(output)
            except UnicodeEncodeError:  # what the stream cannot hold, as \udcff: still JSON
                encoding = sys.stdout.encoding or "utf-8"
                sys.stdout.write(output.encode(encoding, "backslashreplace").decode(encoding))
            sys.stdout.flush()
            return
        parts = [output] if isinstance(output, bytes) else output
        sys.stdout.flush()
        buffer = getattr(sys.stdout, "buffer", None)
        for part in parts:
            if buffer is None:  # a text-only stream (some embedders): decode after all
                sys.stdout.write(bytes(part).decode("utf-8"))
            else:
                buffer.write(part)
        (buffer or sys.stdout).flush()
    except BrokenPipeError:
        _pipe_closed()
    except OSError as exc:
        _drop_stdout()
        raise OutputError(f"cannot write to standard output: {exc.strerror or exc}") from None


def _drop_stdout() -> None:
    """Point stdout at the null device, so that what Python still holds for it can go nowhere
    instead of failing again when the process ends."""
    with contextlib.suppress(OSError, ValueError, AttributeError):  # not a real file (tests)
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)


def _pipe_closed() -> None:
    """The reader of stdout went away (`charter audit … | head -1`): stop quietly, as `cat` and
    `grep` do, with the status a process ended by SIGPIPE has."""
    _drop_stdout()
    raise typer.Exit(128 + 13)


def _err(message: str) -> None:
    """One line on stderr; text from inputs (file names, header names, ids) in it is escaped
    here, once, so that no control character reaches the terminal and a name holding a line
    break cannot split the message."""
    from charter_cli.report.escape import safe_text

    line = safe_text(message).replace("\r", "\\r").replace("\n", "\\n")
    # nowhere left to say it (stderr full, or closed: None); the exit code still tells
    with contextlib.suppress(OSError, AttributeError):
        sys.stderr.write(line + "\n")
        sys.stderr.flush()


def guarded(func: F) -> F:
    """Map errors to one line on stderr and an exit code; a traceback only with --debug."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            # what a command left in stdout's buffer is flushed (and fails) here, still guarded;
            # not after an error, whose message must not give way to a closed pipe's exit
            try:
                result = func(*args, **kwargs)
            except typer.Exit:
                _emit("")
                raise
            _emit("")
            return result
        except (typer.Exit, typer.Abort):
            raise
        except CharterError as exc:
            if _debug():
                raise
            _err(f"error: {exc}")
            raise typer.Exit(int(exc.exit_code)) from None
        except KeyboardInterrupt:
            _err("interrupted")
            raise typer.Exit(130) from None
        except Exception as exc:
            if _debug():
                raise
            _err(f"internal error: {type(exc).__name__}: {exc}")
            _err("This is a bug in charter. Run again with --debug for the traceback; report it.")
            raise typer.Exit(int(ExitCode.INTERNAL)) from None

    return wrapper  # type: ignore[return-value]


def _percent(value: str | None, *, option: str = "--fail-under") -> float | None:
    """`--fail-under`, `--min-coverage`: `95`, `95.5`, `95%` are percentages; `0.95` (a decimal
    point, at most 1) is a share, as a charter's `target: 0.95` is."""
    if value is None:
        return None
    text = value.strip()
    try:
        number = float(text.removesuffix("%").strip())
    except ValueError:
        raise UsageError(
            f"{option} {value!r} is not a percentage (write 95, 95.5, 95% or 0.95)"
        ) from None
    share = number if "%" not in text and "." in text and number <= 1 else number / 100
    if not 0 <= share <= 1 or share != share:
        raise UsageError(f"{option} {value!r} is outside 0–100 %")
    return share


def _color(stream: Any) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return bool(getattr(stream, "isatty", lambda: False)())


class _Progress:
    """Progress on stderr for large inputs: a rich bar on a terminal, plain lines otherwise."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.large = False
        self.bar: Any = None
        self.task: Any = None

    def read(self, path: str, rows: int) -> None:
        if self.quiet or rows < 100_000:
            return
        self.large = True
        if sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            if self.bar is None:
                self.bar = Progress(
                    TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    console=Console(stderr=True), transient=True,
                )  # fmt: skip
                self.bar.start()
            self.bar.console.print(f"read {rows:,} rows from {path}")
        else:
            _err(f"read {rows:,} rows from {path}")

    def step(self, promise: str, done: int, total: int) -> None:
        if not self.large:
            return
        if self.bar is not None:
            if self.task is None:
                self.task = self.bar.add_task("auditing", total=total)
            self.bar.update(self.task, completed=done, description=f"auditing {promise}")
            if done == total:
                self.bar.stop()
        else:
            _err(f"audited {promise} ({done}/{total})")


DayFirst = Annotated[
    bool,
    typer.Option(
        "--dayfirst",
        help="Read numeric dates day-first (03/08/2026 = 3 August) where the data cannot tell "
        "(no day above 12).",
    ),
]
MonthFirst = Annotated[
    bool,
    typer.Option(
        "--monthfirst",
        help="Read numeric dates month-first (03/08/2026 = March 8) where the data cannot tell.",
    ),
]
InputTz = Annotated[
    str | None,
    typer.Option(
        "--input-tz",
        metavar="ZONE",
        help="Zone of export times without an offset (default: the profile's, else the "
        "charter's), e.g. America/New_York.",
    ),
]


def _order(dayfirst: bool, monthfirst: bool) -> str | None:
    if dayfirst and monthfirst:
        raise UsageError("--dayfirst and --monthfirst exclude each other; give one")
    return "dayfirst" if dayfirst else "monthfirst" if monthfirst else None


def _terminal_width() -> int:
    import shutil

    return shutil.get_terminal_size((100, 24)).columns
