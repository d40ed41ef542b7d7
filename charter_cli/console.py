"""What every command shares at the edge: the report on stdout, one-line messages on stderr,
errors mapped to exit codes (`guarded`), progress, colour and the terminal's width."""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import time
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
    line = _one_line(message)
    # nowhere left to say it (stderr full, or closed: None); the exit code still tells
    with contextlib.suppress(OSError, AttributeError):
        sys.stderr.write(line + "\n")
        sys.stderr.flush()


def _one_line(message: str) -> str:
    """Text from inputs (file names, header names, ids) escaped once, so that no control
    character reaches the terminal and a name holding a line break cannot split the line."""
    from charter_cli.report.escape import safe_text

    return safe_text(message).replace("\r", "\\r").replace("\n", "\\n")


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
    """Progress on stderr, on a terminal only and never with --quiet: one line with a bar, gone
    when the command is done, drawn once the command has run for `DELAY` seconds (a small input
    is read and audited without it). Called as a `charter_cli.progress.Progress`; `step` hears
    the audit's promises; `say` prints a message above the bar. Use it as a context manager: the
    bar is gone before the report or an error is printed."""

    DELAY = 0.5

    def __init__(self, quiet: bool) -> None:
        self.on = not quiet and _terminal(sys.stderr)
        self.since = time.monotonic()
        self.bar: Any = None
        self.task: Any = None

    def __call__(self, what: str, done: int, total: int) -> None:
        if not self.on:
            return
        if self.bar is None and time.monotonic() - self.since < self.DELAY:
            return
        from rich.markup import escape

        label = escape(_one_line(what))
        if self.bar is None:
            self._start(label, done, total)
        else:
            self.bar.update(self.task, description=label, completed=done, total=max(total, 1))

    @property
    def listener(self) -> _Progress | None:
        """Itself where it is drawn, else None: a reader that nobody listens to reads as fast as
        it can (a CSV in place, not through a counting file)."""
        return self if self.on else None

    def step(self, what: str, done: int, total: int) -> None:
        """The audit's steps: a promise about to be evaluated (its id; `done` before it),
        partitions done (`charter_cli.partition`) or put together (`charter_cli.streamed`), or
        the audit summed up for the reports (`charter_cli.summary.reduce`)."""
        if what == "partitions":
            label = f"auditing partitions ({done}/{total} done)"
        elif what == "partitions put together":
            label = f"putting partitions together ({done}/{total})"
        elif what == "summing up":
            label = "summing up the audit"
        else:
            label = f"auditing {what} ({done + 1}/{total})" if done < total else "audited"
        self(label, done, total)

    def say(self, message: str) -> None:
        if self.bar is None:
            _err(message)
            return
        self.bar.console.print(_one_line(message), markup=False, highlight=False, soft_wrap=True)

    def _start(self, label: str, done: int, total: int) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            Progress,
            TaskProgressColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        self.bar = Progress(
            TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(),
            TimeElapsedColumn(), console=Console(stderr=True), transient=True,
            redirect_stdout=False, redirect_stderr=False,
        )  # fmt: skip
        self.task = self.bar.add_task(label, completed=done, total=max(total, 1))
        self.bar.start()

    def stop(self) -> None:
        self.on = False
        if self.bar is not None:
            self.bar.stop()
            self.bar = None

    def __enter__(self) -> _Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _terminal(stream: Any) -> bool:
    try:
        return bool(getattr(stream, "isatty", lambda: False)())
    except (ValueError, OSError):  # closed
        return False


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
