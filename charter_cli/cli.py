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
from charter_cli.errors import CharterError, ExitCode, UsageError

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


def _emit(output: str | bytes | list[memoryview]) -> None:
    """A report on stdout: text as text, a renderer's UTF-8 bytes straight to the byte stream."""
    if isinstance(output, str):
        sys.stdout.write(output)
        return
    parts = [output] if isinstance(output, bytes) else output
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    for part in parts:
        if buffer is None:  # a text-only stream (some embedders): decode after all
            sys.stdout.write(bytes(part).decode("utf-8"))
        else:
            buffer.write(part)
    if buffer is not None:
        buffer.flush()


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


def _percent(value: str | None) -> float | None:
    if value is None:
        return None
    from charter_cli.charter.values import ValueError_, parse_target

    try:
        share = parse_target(value if "%" in value or "." in value else f"{value}%")
    except ValueError_:
        raise UsageError(f"--fail-under {value!r} is not a percentage (write 95 or 95%)") from None
    if not 0 <= share <= 1:
        raise UsageError(f"--fail-under {value!r} is outside 0–100 %")
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


class AuditFormat(StrEnum):
    text = "text"
    json = "json"
    csv = "csv"
    markdown = "markdown"
    junit = "junit"
    html = "html"
    github = "github"


@app.command(epilog=EXIT_HELP)
@guarded
def audit(
    charter: Annotated[Path, typer.Argument(help="The charter (YAML).")],
    tickets: Annotated[
        list[Path], typer.Argument(help="One or more exports (CSV, XLSX, Parquet).")
    ],
    events: Annotated[
        Path | None,
        typer.Option(
            "--events",
            help="Status history, a row per change: ticket id, time, status[, group, "
            "escalation level] (canonical names or the export profile's).",
        ),
    ] = None,
    profile: Annotated[
        str | None,
        typer.Option(
            "--profile", help="Export profile NAME (see `charter profiles`) or FILE.yaml."
        ),
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Judge as of this time (default: latest in data).")
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Only tickets created on or after (inclusive).")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Only tickets created before (exclusive).")
    ] = None,
    by: Annotated[
        str | None,
        typer.Option("--by", help="Breakdowns: channel,priority,group,assignee,month,calendar."),
    ] = None,
    fail_under: Annotated[
        str | None, typer.Option("--fail-under", help="Override every target, e.g. 95 or 95%.")
    ] = None,
    output: Annotated[
        list[Path] | None,
        typer.Option(
            "--output", "-o", help="Write a report; format by suffix: .json .csv .md .xml .html."
        ),
    ] = None,
    output_format: Annotated[
        AuditFormat | None, typer.Option("--format", "-f", help="Format on stdout (default text).")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No report on stdout.")] = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="A promise with no measurable ticket fails.")
    ] = False,
    top: Annotated[int, typer.Option("--top", help="How many worst breaches to list.")] = 10,
) -> None:
    """Audit ticket exports against a charter: where was each promise broken, and by how much."""
    from charter_cli.audit import audit_files
    from charter_cli.output import check_outputs, write_atomic
    from charter_cli.report import SUFFIXES, renderer
    from charter_cli.report.common import BREAKDOWNS, Options

    keys = tuple(k.strip() for k in (by or "").split(",") if k.strip())
    unknown = [k for k in keys if k not in BREAKDOWNS]
    if unknown:
        raise UsageError(f"--by {','.join(unknown)}: choose from {', '.join(BREAKDOWNS)}")
    outputs = list(output or [])
    for out in outputs:
        if out.suffix.lower() not in SUFFIXES:
            raise UsageError(f"--output {out}: unknown suffix; use {', '.join(sorted(SUFFIXES))}")
    inputs = [charter, *tickets, *([events] if events else [])]
    check_outputs(outputs, inputs)
    progress = _Progress(quiet)
    result = audit_files(
        str(charter),
        [str(t) for t in tickets],
        profile=profile,
        events=str(events) if events else None,
        as_of=as_of,
        since=since,
        until=until,
        fail_under=_percent(fail_under),
        strict=strict,
        progress=progress.read,
        step=progress.step,
    )
    width = max(80, min(160, _terminal_width()))
    for out in outputs:
        fmt = SUFFIXES[out.suffix.lower()]
        write_atomic(out, renderer(fmt)(result, Options(by=keys, width=100, top=top)))
        if not quiet:
            _err(f"wrote {out}")
    if not quiet:
        chosen = output_format or AuditFormat.text
        options = Options(
            by=keys, color=chosen == AuditFormat.text and _color(sys.stdout), width=width, top=top
        )
        _emit(renderer(chosen.value)(result, options))
    raise typer.Exit(int(ExitCode.OK if result.passed else ExitCode.FAILED))


@app.command(epilog=EXIT_HELP)
@guarded
def explain(
    charter: Annotated[Path, typer.Argument(help="The charter (YAML).")],
    tickets: Annotated[list[Path], typer.Argument(help="One or more exports.")],
    ticket: Annotated[str, typer.Option("--ticket", "-t", help="The ticket id to explain.")],
    events: Annotated[Path | None, typer.Option("--events", help="Status history.")] = None,
    profile: Annotated[str | None, typer.Option("--profile", help="Export profile.")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Judge as of this time.")] = None,
) -> None:
    """The timeline of one ticket: every promise, its calendar, the hours counted, the verdict."""
    from charter_cli.audit import audit_files
    from charter_cli.explain import explain as explain_ticket
    from charter_cli.report.explain import render_story

    result = audit_files(
        str(charter),
        [str(t) for t in tickets],
        profile=profile,
        events=str(events) if events else None,
        as_of=as_of,
    )
    story = explain_ticket(result, ticket)
    sys.stdout.write(
        render_story(story, color=_color(sys.stdout), width=max(80, min(140, _terminal_width())))
    )


def _terminal_width() -> int:
    import shutil

    return shutil.get_terminal_size((100, 24)).columns


@app.command()
@guarded
def profiles() -> None:
    """List the built-in export profiles and the columns that identify each."""
    from charter_cli.tickets.profile import builtin_profiles

    for profile in builtin_profiles().values():
        layout = " (event log)" if profile.layout == "event-log" else ""
        sys.stdout.write(f"{profile.name:<13} {profile.title}{layout}\n")
        sys.stdout.write(f"{'':<13} detected by: {', '.join(profile.detect)}\n")


@app.command()
@guarded
def templates() -> None:
    """List the charter templates, one line each."""
    from charter_cli.drafting.templates import templates as shipped

    for name, found in shipped().items():
        sys.stdout.write(f"{name:<16} {found.summary}\n")


@app.command(epilog=EXIT_HELP)
@guarded
def init(
    template: Annotated[
        str | None,
        typer.Option(
            "--template", "-t", help="Start from this template (see `charter templates`)."
        ),
    ] = None,
    name: Annotated[
        str | None, typer.Option("--name", help="The name customers know you by.")
    ] = None,
    timezone: Annotated[
        str | None, typer.Option("--timezone", help="IANA zone, e.g. Europe/Oslo.")
    ] = None,
    country: Annotated[
        str | None,
        typer.Option("--country", help="ISO code of the country whose holidays close you."),
    ] = None,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Where to write the charter.")
    ] = Path("charter.yaml"),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    interactive: Annotated[
        bool | None,
        typer.Option(
            "--interactive/--no-interactive",
            help="Ask questions (default: when on a terminal and no flags).",
        ),
    ] = None,
) -> None:
    """Draft a charter from a template, with a questionnaire on a terminal or from flags."""
    from charter_cli.charter.schema import schema_text
    from charter_cli.drafting.templates import draft, schema_beside
    from charter_cli.output import write_atomic

    if output.exists() and not force:
        raise UsageError(f"{output} exists; use --force to overwrite it, or -o another file")
    if output.is_dir():
        raise UsageError(f"{output} is a directory; name a file with -o")
    schema_copy = schema_beside(output)
    flags_given = any(v is not None for v in (name, timezone, country))
    ask = interactive if interactive is not None else (sys.stdin.isatty() and not flags_given)
    if ask:
        from charter_cli.drafting.interactive import questionnaire

        answers = questionnaire(template)
        for key, value in (("name", name), ("timezone", timezone), ("country", country)):
            if value is not None:
                answers[key] = value
        text = draft(**answers)
    else:
        text = draft(template or "online-shop", name=name, timezone=timezone, country=country)
    write_atomic(output, text)
    if schema_copy is not None:
        write_atomic(schema_copy, schema_text())
        _err(f"wrote {schema_copy}, the schema the charter's first line names for editors")
    _err(f"wrote {output}; check it any time with `charter validate {output}`")


class RenderFormat(StrEnum):
    markdown = "markdown"
    html = "html"


@app.command(epilog=EXIT_HELP)
@guarded
def render(
    charter: Annotated[Path, typer.Argument(help="The charter (YAML).")],
    lang: Annotated[str, typer.Option("--lang", "-l", help="en, nb, sv or pl.")] = "en",
    output_format: Annotated[
        RenderFormat, typer.Option("--format", "-f", help="markdown or html (self-contained).")
    ] = RenderFormat.markdown,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to a file.")] = None,
) -> None:
    """Publish the charter as customer-facing text: how to reach you, when, and what you promise."""
    from charter_cli.charter import load_charter
    from charter_cli.drafting.render import render_html, render_markdown
    from charter_cli.output import check_outputs, write_atomic

    model = load_charter(charter)
    text = (render_html if output_format is RenderFormat.html else render_markdown)(model, lang)
    if output is not None:
        check_outputs([output], [charter])
        write_atomic(output, text)
        _err(f"wrote {output}")
    else:
        sys.stdout.write(text)


class DiffFormat(StrEnum):
    text = "text"
    json = "json"


@app.command(epilog=EXIT_HELP)
@guarded
def diff(
    old: Annotated[Path, typer.Argument(help="The charter as it was.")],
    new: Annotated[Path, typer.Argument(help="The charter as it would be.")],
    against: Annotated[
        list[Path] | None,
        typer.Option("--against", help="Replay both charters on these exports (repeatable)."),
    ] = None,
    profile: Annotated[
        str | None, typer.Option("--profile", help="Export profile for --against.")
    ] = None,
    output_format: Annotated[
        DiffFormat, typer.Option("--format", "-f", help="text or json.")
    ] = DiffFormat.text,
    top: Annotated[int, typer.Option("--top", help="How many flipped tickets to list.")] = 20,
) -> None:
    """What changed between two charters; with --against, what it would have meant on tickets."""
    import json

    from charter_cli.charter import load_charter
    from charter_cli.drafting.diff import compare, replay

    before, after = load_charter(old), load_charter(new)
    changes = compare(before, after)
    replayed = None
    if against:
        from charter_cli.audit import audit
        from charter_cli.tickets.read import read_tickets

        source = read_tickets(list(against), profile=profile, timezone=after.timezone)
        replayed = replay(audit(before, source), audit(after, source))
    if output_format is DiffFormat.json:
        doc: dict[str, Any] = {
            "schema_version": 1,
            "old": str(old),
            "new": str(new),
            "changes": [
                {
                    "kind": c.kind,
                    "subject": c.subject,
                    "detail": c.detail,
                    "old": c.old,
                    "new": c.new,
                }
                for c in changes
            ],
        }
        if replayed is not None:
            doc["against"] = {
                "files": [str(a) for a in against or []],
                "compliance": {
                    pid: {"old": a, "new": b} for pid, (a, b) in replayed.compliance.items()
                },
                "flipped": len(replayed.flips),
                "flips": [
                    {"promise": f.promise, "ticket_id": f.ticket_id, "old": f.old, "new": f.new}
                    for f in replayed.flips
                ],
            }
        sys.stdout.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
        return
    from charter_cli.report.common import percent
    from charter_cli.report.escape import safe_text

    lines = [safe_text(str(c)) for c in changes] or ["no differences that change a promise"]
    if replayed is not None:
        lines += ["", f"Replayed on {', '.join(map(str, against or []))}:"]
        for pid, (a, b) in replayed.compliance.items():
            lines.append(f"  {pid:<20} {percent(a):>7} → {percent(b):>7}")
        lines.append(f"{len(replayed.flips)} verdicts flip" + (":" if replayed.flips else ""))
        for f in replayed.flips[:top]:
            lines.append(f"  {safe_text(f.ticket_id)}  {f.promise}: {f.old} → {f.new}")
        if len(replayed.flips) > top:
            lines.append(
                f"  … and {len(replayed.flips) - top} more (--top, or --format json for all)"
            )
    sys.stdout.write("\n".join(lines) + "\n")


@app.command()
@guarded
def schema() -> None:
    """Print the JSON Schema of the charter format (for editors and other tools)."""
    from charter_cli.charter.schema import schema_text

    sys.stdout.write(schema_text())


def main(argv: list[str] | None = None) -> None:
    """Console entry point; `--debug` is accepted anywhere on the line."""
    from charter_cli.memory import tune_allocator

    tune_allocator()
    args = list(sys.argv[1:] if argv is None else argv)
    if "--debug" in args:
        args = ["--debug", *[a for a in args if a != "--debug"]]
    try:
        app(args=args, prog_name="charter")
        code = 0
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            code = exc.code or 0
        else:  # a message instead of a code: said on stderr, as Python would
            print(exc.code, file=sys.stderr)
            code = 1
    if argv is not None:  # called as a function (tests, embedding): an ordinary exit
        raise SystemExit(code)
    # A command has written and closed its outputs by now (atomically); what is left is freeing
    # every object of a million-ticket audit one by one, about a tenth of the whole run. The
    # process ends here instead, as soon as its own streams are flushed.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
