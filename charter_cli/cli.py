"""The command line: options -> one core call -> a renderer -> an exit code. No logic lives here.

Exit codes (every command): 0 success; 1 the check failed (invalid charter, promise under its
target); 2 could not run (usage, unreadable or malformed input); 3 internal error (a bug).
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from charter_cli import __version__
from charter_cli.errors import CharterError, ExitCode

F = TypeVar("F", bound=Callable[..., Any])

EXIT_HELP = (
    "Exit codes: 0 success, 1 the check failed, 2 could not run (bad usage or input), "
    "3 internal error."
)

app = typer.Typer(
    name="charter",
    help="Validate customer-service charters and audit helpdesk exports against them.\n\n"
    + EXIT_HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

_state = {"debug": False}


def _debug() -> bool:
    return _state["debug"] or os.environ.get("CHARTER_DEBUG", "") not in ("", "0")


def _err(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def guarded(func: F) -> F:
    """Map errors to one line on stderr and an exit code; a traceback only with --debug."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
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
            _err(
                f"internal error: {type(exc).__name__}: {exc}\n"
                "This is a bug in charter. Run again with --debug for the traceback and report it."
            )
            raise typer.Exit(int(ExitCode.INTERNAL)) from None

    return wrapper  # type: ignore[return-value]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"charter {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    debug: Annotated[
        bool, typer.Option("--debug", help="Show tracebacks of errors (also CHARTER_DEBUG=1).")
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    _state["debug"] = debug


class ValidateFormat(StrEnum):
    text = "text"
    json = "json"
    github = "github"


@app.command(epilog=EXIT_HELP)
@guarded
def validate(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Charter files, or directories searched for *.yaml / *.yml."),
    ],
    output_format: Annotated[
        ValidateFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="text, json or github (annotations; the default when GITHUB_ACTIONS=true).",
        ),
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail validation too.")] = False,
) -> None:
    """Check charters: YAML, schema and every semantic rule; all findings of every file."""
    from charter_cli.charter import charter_files, validate_file
    from charter_cli.report.validation import RENDERERS

    files = charter_files(paths)
    if not files:
        raise CharterError("no *.yaml or *.yml files found in " + ", ".join(map(str, paths)))
    reports = [validate_file(f) for f in files]
    chosen = output_format or (
        ValidateFormat.github if os.environ.get("GITHUB_ACTIONS") == "true" else ValidateFormat.text
    )
    sys.stdout.write(RENDERERS[chosen.value](reports, strict))
    if any(r.unreadable for r in reports):
        raise typer.Exit(int(ExitCode.CANNOT_RUN))
    if not all(r.ok(strict=strict) for r in reports):
        raise typer.Exit(int(ExitCode.FAILED))


@app.command()
@guarded
def schema() -> None:
    """Print the JSON Schema of the charter format (for editors and other tools)."""
    from charter_cli.charter.schema import schema_text

    sys.stdout.write(schema_text())


def main(argv: list[str] | None = None) -> None:
    """Console entry point; `--debug` is accepted anywhere on the line."""
    args = list(sys.argv[1:] if argv is None else argv)
    if "--debug" in args:
        args = ["--debug", *[a for a in args if a != "--debug"]]
    app(args=args, prog_name="charter")
