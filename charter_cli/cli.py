"""The command line: options -> one core call -> a renderer -> an exit code. No logic lives here.

Exit codes (every command): 0 success; 1 the check failed (invalid charter, promise under its
target); 2 could not run (usage, unreadable or malformed input); 3 internal error (a bug).

Its length (a little over 500 lines) is the options: every command declares each option here with
its help text, as Typer wants; what a command does lives in the modules it calls.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from charter_cli import __version__
from charter_cli.console import (
    DayFirst,
    InputTz,
    MonthFirst,
    _color,
    _emit,
    _err,
    _order,
    _percent,
    _Progress,
    _state,
    _terminal_width,
    guarded,
)
from charter_cli.errors import CharterError, ExitCode, OutputError, UsageError, shown_path
from charter_cli.report import Format

F = TypeVar("F", bound=Callable[..., Any])

TicketsArgument = typer.Argument(
    help="Exports (CSV, XLSX, Parquet): files, folders of them (monthly files, say) or a quoted "
    "glob such as 'exports/2026-*.csv'; read in the natural order of their names.",
    show_default=False,
)

EXIT_HELP = (
    "Exit codes: 0 success, 1 the check failed, 2 could not run (bad usage or input), "
    "3 internal error."
)

START_HELP = (
    "Start here: `charter init` drafts a charter from a template (`charter templates` lists "
    "them); `charter validate charter.yaml` checks it; `charter audit charter.yaml export.csv` "
    "audits a helpdesk export against it; `charter render charter.yaml --lang nb` publishes it. "
    "Documentation: the docs/ folder of the project (getting started, the charter format, "
    "profiles, CI use)."
)

app = typer.Typer(
    name="charter",
    help="Validate customer-service charters and audit helpdesk exports against them.\n\n"
    + EXIT_HELP,
    epilog=START_HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _bytes_named(paths: list[Path]) -> int:
    """The bytes of the files named (a folder's files one level down; a glob: none), before any
    is read: what `make_ready` sizes its memory by."""
    from charter_cli.tickets.inputs import total_bytes

    named: list[Path] = []
    for path in paths:
        try:
            named += list(path.iterdir()) if path.is_dir() else [path]
        except OSError:  # said when the folder is read
            continue
    return total_bytes(named)


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


class Engine(StrEnum):
    """Where an audit's partitions run."""

    local = "local"
    dask = "dask"


def _list_rules(value: bool) -> None:
    if value:
        from charter_cli.charter.rules.reference import reference

        _emit(reference())
        raise typer.Exit()


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
    profile: Annotated[
        str | None,
        typer.Option(
            "--profile",
            help="Also check what each charter asks of this export profile (NAME or FILE): "
            "fields it does not map, statuses it does not know.",
        ),
    ] = None,
    list_rules: Annotated[
        bool,
        typer.Option(
            "--list-rules",
            callback=_list_rules,
            is_eager=True,
            help="List every rule (id, severity, what it checks) and exit; also `charter rules`.",
        ),
    ] = False,
) -> None:
    """Check charters (and export profiles): YAML, schema and every semantic rule; all findings
    of every file."""
    from charter_cli.charter import charter_files, validate_file
    from charter_cli.report.validation import RENDERERS

    files = charter_files(paths)
    if not files:
        raise CharterError("no *.yaml or *.yml files found in " + ", ".join(map(str, paths)))
    chosen_profile = None
    if profile is not None:
        from charter_cli.tickets.profile import load_profile

        chosen_profile = load_profile(profile)
    reports = [validate_file(f, chosen_profile) for f in files]
    chosen = output_format or (
        ValidateFormat.github if os.environ.get("GITHUB_ACTIONS") == "true" else ValidateFormat.text
    )
    _emit(RENDERERS[chosen.value](reports, strict))
    if any(r.unreadable for r in reports):
        raise typer.Exit(int(ExitCode.CANNOT_RUN))
    if not all(r.ok(strict=strict) for r in reports):
        raise typer.Exit(int(ExitCode.FAILED))


@app.command(epilog=EXIT_HELP)
@guarded
def audit(
    charter: Annotated[Path, typer.Argument(help="The charter (YAML).")],
    tickets: Annotated[list[Path], TicketsArgument],
    events: Annotated[
        list[Path] | None,
        typer.Option(
            "--events",
            metavar="PATH",
            help="Status history, a row per change: ticket id, time, status[, group, "
            "escalation level] (canonical names or the export profile's): a file, a folder "
            "of them or a quoted glob; repeatable.",
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
        typer.Option(
            "--by",
            help="Breakdowns: channel,priority,group,assignee,month,calendar, any ticket field "
            "(type, status, tags, …) or fields.NAME.",
        ),
    ] = None,
    min_coverage: Annotated[
        str | None,
        typer.Option(
            "--min-coverage",
            help="Fail when fewer tickets than this share match a promise: 95, 95% or 0.95 "
            "(overrides the charter's `coverage`).",
        ),
    ] = None,
    fail_under: Annotated[
        str | None,
        typer.Option("--fail-under", help="Override every target: 95, 95.5, 95% or 0.95."),
    ] = None,
    output: Annotated[
        list[Path] | None,
        typer.Option(
            "--output", "-o", help="Write a report; format by suffix: .json .csv .md .xml .html."
        ),
    ] = None,
    output_format: Annotated[
        Format | None, typer.Option("--format", "-f", help="Format on stdout (default text).")
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No report on stdout, no progress on stderr.")
    ] = False,
    record: Annotated[
        Path | None,
        typer.Option(
            "--record",
            help="Add this run to a history file (SQLite; created if need be) for `charter "
            "trend` and `charter review`; re-recording a month with the same charter replaces it.",
        ),
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="A promise with no measurable ticket fails.")
    ] = False,
    top: Annotated[
        int, typer.Option("--top", min=0, help="How many worst breaches to list (0: none).")
    ] = 10,
    dayfirst: DayFirst = False,
    monthfirst: MonthFirst = False,
    input_tz: InputTz = None,
    partitions: Annotated[
        int | None,
        typer.Option(
            "--partitions",
            min=1,
            help="Audit the tickets in N partitions by a hash of their id (same result for any "
            "N; default 1, or one per 2 million tickets and events read when they are more than "
            "4.5 million; with --engine dask 2 per worker).",
            rich_help_panel="Scale",
        ),
    ] = None,
    engine: Annotated[
        Engine,
        typer.Option(
            "--engine",
            help="Where partitions are audited: in this process, or on a Dask cluster "
            "(pip install 'service-charter[dask]').",
            rich_help_panel="Scale",
        ),
    ] = Engine.local,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            help="The Dask scheduler's address (tcp://host:8786); without it, a local cluster.",
            rich_help_panel="Scale",
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=1,
            help="Worker processes of the local Dask cluster (default 2).",
            rich_help_panel="Scale",
        ),
    ] = None,
    memory: Annotated[
        str | None,
        typer.Option(
            "--memory",
            help="Memory the audit may take (2GB, 800MB; default: half of what is free). "
            "Larger exports are streamed through temporary files, one partition at a time.",
            rich_help_panel="Scale",
        ),
    ] = None,
) -> None:
    """Audit ticket exports against a charter: where was each promise broken, and by how much."""
    from charter_cli.memory import make_ready

    if engine is Engine.local and memory is None:  # while the libraries below are imported
        make_ready(_bytes_named([*tickets, *(events or [])]))
    import tempfile

    from charter_cli.audit import read_inputs
    from charter_cli.output import check_outputs, write_atomic
    from charter_cli.partition import run
    from charter_cli.report import SUFFIXES, renderer
    from charter_cli.report.common import Options, breakdown_keys
    from charter_cli.report.html import MAX_BREACH_ROWS
    from charter_cli.streamed import audit_large, memory_budget, needs_streaming, parse_size
    from charter_cli.summary import Wants, check_keys, with_coverage_minimum
    from charter_cli.tickets.inputs import expand_inputs

    keys = breakdown_keys(by)
    least = _percent(min_coverage, option="--min-coverage")
    outputs = list(output or [])
    for out in outputs:
        if out.suffix.lower() not in SUFFIXES:
            raise UsageError(f"--output {out}: unknown suffix; use {', '.join(sorted(SUFFIXES))}")
    if engine is Engine.local and (scheduler or workers):
        raise UsageError("--scheduler and --workers are for --engine dask")
    chosen = output_format or Format.text
    formats = {SUFFIXES[out.suffix.lower()] for out in outputs} | (set() if quiet else {chosen})
    wants = Wants(
        keys=(*keys, "month") if Format.html in formats and "month" not in keys else keys,
        worst=max(top, MAX_BREACH_ROWS if Format.html in formats else 0),
        csv=Format.csv in formats,
        record=record is not None,
    )
    order = _order(dayfirst, monthfirst)
    # a profile given as a file is an input too (a built-in name is no file of the user's)
    profile_file = [Path(profile)] if profile and Path(profile).is_file() else []
    # the files of folders and globs too: a report never goes over one of them
    files = expand_inputs(tickets).files
    history = expand_inputs(events, what="events").files if events else []
    check_outputs(outputs, [charter, *files, *history, *profile_file])
    if record is not None:
        from charter_cli.history import check_record

        check_record(record, [charter, *files, *history, *profile_file, *outputs])
    budget = parse_size(memory) if memory else memory_budget()
    streamed = needs_streaming([*files, *history], budget)  # a year of events weighs too
    # in this process, by default as many as the tickets and events read call for
    parts = partitions or (2 * (workers or 2) if engine is Engine.dask else None)
    # the temporary files of a streamed audit stay until its reports are written
    with contextlib.ExitStack() as spill, _Progress(quiet) as progress:
        # on Dask the workers read the exports: always the streamed way
        if streamed > 1 or engine is Engine.dask:
            workdir = spill.enter_context(tempfile.TemporaryDirectory(prefix="charter-spill-"))
            result = audit_large(
                charter,
                tickets,
                wants,
                Path(workdir),
                partitions=max(parts or 1, streamed),
                profile=profile,
                events=events,
                as_of=as_of,
                since=since,
                until=until,
                order=order,
                input_tz=input_tz,
                fail_under=_percent(fail_under),
                strict=strict,
                engine=engine.value,
                scheduler=scheduler,
                workers=workers,
                progress=progress.listener,
                step=progress.step,
            )
        else:
            loaded = read_inputs(
                str(charter),
                [str(t) for t in tickets],
                profile=profile,
                events=[str(e) for e in events or []],
                as_of=as_of,
                since=since,
                until=until,
                progress=progress.listener,
                order=order,
                input_tz=input_tz,
            )
            check_keys(loaded.source.fields, keys)
            result = run(
                loaded,
                wants,
                partitions=parts,
                fail_under=_percent(fail_under),
                strict=strict,
                step=progress.step,
            )
        result = with_coverage_minimum(result, least)
        if record is not None:
            from charter_cli.history import record as record_history

            number = record_history(record, result, charter)
            if not quiet:
                _err(f"recorded run {number} in {record}")
        width = max(80, min(160, _terminal_width()))
        for done, out in enumerate(outputs):
            progress(f"writing {out}", done, len(outputs))
            fmt = SUFFIXES[out.suffix.lower()]
            options = Options(by=keys, width=100, top=top)
            write_atomic(out, renderer(fmt)(result, options))
            if not quiet:
                progress.say(f"wrote {out}")
        progress.stop()  # the report on stdout, from the spilled lines that are still there
        if not quiet:
            color = chosen == Format.text and _color(sys.stdout)
            options = Options(by=keys, color=color, width=width, top=top)
            _emit(renderer(chosen.value)(result, options))
    raise typer.Exit(int(ExitCode.OK if result.passed else ExitCode.FAILED))


@app.command(epilog=EXIT_HELP)
@guarded
def explain(
    charter: Annotated[Path, typer.Argument(help="The charter (YAML).")],
    tickets: Annotated[list[Path], TicketsArgument],
    ticket: Annotated[str, typer.Option("--ticket", "-t", help="The ticket id to explain.")],
    events: Annotated[
        list[Path] | None,
        typer.Option(
            "--events",
            metavar="PATH",
            help="Status history: a file, a folder or a quoted glob; repeatable.",
        ),
    ] = None,
    profile: Annotated[str | None, typer.Option("--profile", help="Export profile.")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Judge as of this time.")] = None,
    dayfirst: DayFirst = False,
    monthfirst: MonthFirst = False,
    input_tz: InputTz = None,
) -> None:
    """The timeline of one ticket: every promise, its calendar, the hours counted, the verdict."""
    from charter_cli.audit import audit_files
    from charter_cli.explain import explain as explain_ticket
    from charter_cli.report.explain import render_story

    with _Progress(quiet=False) as progress:
        result = audit_files(
            str(charter),
            [str(t) for t in tickets],
            profile=profile,
            events=[str(e) for e in events or []],
            as_of=as_of,
            progress=progress.listener,
            step=progress.step,
            order=_order(dayfirst, monthfirst),
            input_tz=input_tz,
        )
    story = explain_ticket(result, ticket)
    _emit(render_story(story, color=_color(sys.stdout), width=max(80, min(140, _terminal_width()))))


class ReconcileFormat(StrEnum):
    text = "text"
    json = "json"


@app.command(epilog=EXIT_HELP)
@guarded
def reconcile(
    charter: Annotated[Path, typer.Argument(help="The charter (YAML).")],
    tickets: Annotated[list[Path], typer.Argument(help="One or more exports.")],
    events: Annotated[Path | None, typer.Option("--events", help="Status history.")] = None,
    profile: Annotated[
        str | None, typer.Option("--profile", help="Export profile NAME or FILE.yaml.")
    ] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Judge as of this time.")] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the disagreeing tickets as CSV."),
    ] = None,
    output_format: Annotated[
        ReconcileFormat, typer.Option("--format", "-f", help="text or json.")
    ] = ReconcileFormat.text,
    dayfirst: DayFirst = False,
    monthfirst: MonthFirst = False,
    input_tz: InputTz = None,
) -> None:
    """Compare the helpdesk's own SLA verdicts (the profile's `reconcile:` columns) with ours:
    an agreement table per promise; -o writes every disagreeing ticket with both verdicts."""
    from charter_cli.audit import audit_files
    from charter_cli.output import check_outputs, write_atomic
    from charter_cli.report.reconcile import render_csv, render_json, render_text

    profile_file = [Path(profile)] if profile and Path(profile).is_file() else []
    if output is not None:
        check_outputs([output], [charter, *tickets, *([events] if events else []), *profile_file])
    result = audit_files(
        str(charter),
        [str(t) for t in tickets],
        profile=profile,
        events=str(events) if events else None,
        as_of=as_of,
        order=_order(dayfirst, monthfirst),
        input_tz=input_tz,
    )
    if output is not None:
        write_atomic(output, render_csv(result))
        _err(f"wrote {output}")
    _emit(render_json(result) if output_format is ReconcileFormat.json else render_text(result))


profiles_app = typer.Typer(
    help="The built-in export profiles: list them, or show one to copy into your own.",
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(profiles_app, name="profiles")


@profiles_app.callback(invoke_without_command=True)
@guarded
def profiles(ctx: typer.Context) -> None:
    """List the built-in export profiles and the columns that identify each."""
    if ctx.invoked_subcommand is not None:
        return
    from charter_cli.tickets.profile import builtin_profiles

    found = builtin_profiles()
    width = max(len(name) for name in found)
    for profile in found.values():
        layout = " (event log)" if profile.layout == "event-log" else ""
        _emit(f"{profile.name:<{width}} {profile.title}{layout}\n")
        _emit(f"{'':<{width}} detected by: {', '.join(profile.detect)}\n")
    _emit(
        "\n`charter profiles show NAME` prints one, to copy into your own profile; "
        "`charter fields` lists the fields a profile maps.\n"
    )


@profiles_app.command("show")
@guarded
def profiles_show(
    name: Annotated[str, typer.Argument(help="A built-in profile, e.g. zendesk.")],
) -> None:
    """Print a built-in profile as it ships (YAML with its comments)."""
    from charter_cli.tickets.profile import builtin_profile_text

    _emit(builtin_profile_text(name))


@app.command()
@guarded
def fields() -> None:
    """The canonical fields a profile maps exports onto, and what each promise needs."""
    from charter_cli.fields import reference

    _emit(reference())


@app.command()
@guarded
def rules() -> None:
    """Every validation rule: its id, its severity and what it checks."""
    from charter_cli.charter.rules.reference import reference

    _emit(reference())


@app.command()
@guarded
def templates() -> None:
    """List the charter templates, one line each."""
    from charter_cli.drafting.templates import templates as shipped

    for name, found in shipped().items():
        _emit(f"{name:<16} {found.summary}\n")


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
    from charter_cli.drafting.templates import draft, kept_answers, schema_beside
    from charter_cli.output import write_atomic

    try:
        exists, is_dir = output.exists(), output.is_dir()
    except OSError as exc:
        raise OutputError(f"cannot write {output}: {exc.strerror or exc}") from None
    if exists and not force:
        raise UsageError(f"{output} exists; use --force to overwrite it, or -o another file")
    if is_dir:
        raise UsageError(f"{output} is a directory; name a file with -o")
    schema_copy = schema_beside(output)
    flags_given = any(v is not None for v in (name, timezone, country))
    ask = interactive if interactive is not None else (sys.stdin.isatty() and not flags_given)
    kept = None  # which of the template's answers a draft without questions kept, said once written
    if ask:
        from charter_cli.drafting.interactive import questionnaire

        answers = questionnaire(template)
        for key, value in (("name", name), ("timezone", timezone), ("country", country)):
            if value is not None:
                answers[key] = value
        text = draft(**answers)
    else:
        if template is None and interactive is None:
            raise UsageError(
                "not on a terminal, so no questions: choose a template with --template NAME "
                "(`charter templates` lists them) and give --name, --timezone and --country"
            )
        chosen = template or "online-shop"
        text = draft(chosen, name=name, timezone=timezone, country=country)
        kept = kept_answers(chosen, name=name, timezone=timezone, country=country)
    write_atomic(output, text)
    if schema_copy is not None:
        write_atomic(schema_copy, schema_text())
        _err(f"wrote {schema_copy}, the schema the charter's first line names for editors")
    if kept is not None:
        _err(kept)
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
        _emit(text)


class CalendarFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


@app.command("calendar", epilog=EXIT_HELP)
@guarded
def calendar_(
    charter: Annotated[Path, typer.Argument(help="The charter (YAML).")],
    year: Annotated[
        int, typer.Option("--year", "-y", min=1900, max=2199, help="The year to list.")
    ],
    output_format: Annotated[
        CalendarFormat, typer.Option("--format", "-f", help="text, json or markdown.")
    ] = CalendarFormat.text,
) -> None:
    """List each calendar's closed days and special hours in a year, with their names and
    sources: the review before a year starts."""
    from charter_cli.charter import load_charter
    from charter_cli.drafting.year import review_year
    from charter_cli.report.year import render_json, render_markdown, render_text

    review = review_year(load_charter(charter), year)
    if output_format is CalendarFormat.json:
        _emit(render_json(review))
    elif output_format is CalendarFormat.markdown:
        _emit(render_markdown(review))
    else:
        _emit(
            render_text(
                review, color=_color(sys.stdout), width=max(80, min(140, _terminal_width()))
            )
        )


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
        typer.Option(
            "--against",
            help="Replay both charters on these exports (repeatable; a file, a folder or a "
            "quoted glob), or read their compliance from one history file (`audit --record`).",
        ),
    ] = None,
    profile: Annotated[
        str | None, typer.Option("--profile", help="Export profile for --against.")
    ] = None,
    output_format: Annotated[
        DiffFormat, typer.Option("--format", "-f", help="text or json.")
    ] = DiffFormat.text,
    top: Annotated[
        int, typer.Option("--top", min=0, help="How many flipped tickets to list.")
    ] = 20,
    dayfirst: DayFirst = False,
    monthfirst: MonthFirst = False,
    input_tz: InputTz = None,
) -> None:
    """What changed between two charters; with --against, what it would have meant on tickets."""
    from charter_cli.charter import load_charter
    from charter_cli.drafting.diff import compare, replay

    order = _order(dayfirst, monthfirst)
    before, after = load_charter(old), load_charter(new)
    changes = compare(before, after)
    replayed = None
    notes: list[str] = []  # how the exports were read (day and month order)
    files: list[str] = []  # the exports read, each file of a folder or glob
    recorded = None  # --against history.sqlite
    if against:
        from charter_cli.drafting.estimate import history_of, replay_history

        history = history_of(list(against))
        if history is not None:
            if profile or order or input_tz:
                raise UsageError(
                    "--profile, --dayfirst, --monthfirst and --input-tz read exports; "
                    f"--against {history} is a history file"
                )
            recorded = replay_history(before, after, old, new, history)
    if against and recorded is None:
        from charter_cli.audit import audit
        from charter_cli.tickets.read import read_tickets

        with _Progress(quiet=False) as progress:
            source = read_tickets(
                list(against),
                profile=profile,
                timezone=after.timezone,
                progress=progress.listener,
                order=order,
                input_tz=input_tz,
            )
        replayed = replay(audit(before, source), audit(after, source))
        notes, files = source.notes, source.files
    from charter_cli.report.diff import DiffReport, render_json, render_text

    report = DiffReport(
        shown_path(old),
        shown_path(new),
        changes,
        replayed,
        files,
        notes,
        recorded,
    )
    if output_format is DiffFormat.json:
        _emit(render_json(report))
    else:
        _emit(render_text(report, top=top))


class TrendFormat(StrEnum):
    text = "text"
    markdown = "markdown"
    json = "json"
    html = "html"


class TrendBy(StrEnum):
    channel = "channel"
    priority = "priority"
    group = "group"
    type = "type"


@app.command(epilog=EXIT_HELP)
@guarded
def trend(
    history: Annotated[Path, typer.Argument(help="A history file (`charter audit --record`).")],
    promise: Annotated[
        str | None, typer.Option("--promise", "-p", help="Only this promise (its id).")
    ] = None,
    by: Annotated[
        TrendBy | None, typer.Option("--by", help="One line per channel, priority, group or type.")
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="From this month on (2026-01 or a date).")
    ] = None,
    charter_name: Annotated[
        str | None,
        typer.Option(
            "--charter", help="Only runs of this charter (its name, or the start of its hash)."
        ),
    ] = None,
    output_format: Annotated[
        TrendFormat | None,
        typer.Option("--format", "-f", help="text, markdown, json or html (default text)."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to a file (format by suffix, or --format)."),
    ] = None,
) -> None:
    """Compliance and p50/p90 per month from a history file, marking months where the charter
    changed (percentiles are histogram bin estimates)."""
    from charter_cli.output import check_outputs, write_atomic
    from charter_cli.report.trend import RENDERERS
    from charter_cli.trend import trend as compute

    suffixes = {".md": "markdown", ".json": "json", ".html": "html", ".htm": "html", ".txt": "text"}
    chosen = output_format.value if output_format else None
    if chosen is None and output is not None:
        chosen = suffixes.get(output.suffix.lower())
    if output is not None:
        check_outputs([output], [history])
    found = compute(
        history,
        promise=promise,
        by=by.value if by else None,
        since=since,
        charter=charter_name,
    )
    text = RENDERERS[chosen or "text"](found)
    if output is not None:
        write_atomic(output, text)
        _err(f"wrote {output}")
    else:
        _emit(text)


class ReviewFormat(StrEnum):
    text = "text"
    json = "json"


@app.command(epilog=EXIT_HELP)
@guarded
def review(
    charter: Annotated[Path, typer.Argument(help="The charter to review (YAML).")],
    tickets: Annotated[
        list[Path] | None,
        typer.Argument(help="Or exports to audit for the review, instead of a history file."),
    ] = None,
    history: Annotated[
        Path | None,
        typer.Option("--history", help="A history file (`charter audit --record`)."),
    ] = None,
    events: Annotated[
        Path | None, typer.Option("--events", help="Status history, with exports.")
    ] = None,
    profile: Annotated[
        str | None, typer.Option("--profile", help="Export profile NAME or FILE, with exports.")
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Judge the exports as of this time.")
    ] = None,
    dayfirst: DayFirst = False,
    monthfirst: MonthFirst = False,
    input_tz: InputTz = None,
    months: Annotated[
        int, typer.Option("--months", "-m", min=1, help="Review the last N recorded months.")
    ] = 6,
    write: Annotated[
        Path | None,
        typer.Option(
            "--write",
            help="Write the charter with the proposed allowances to this new file (comments "
            "kept; the charter itself is never changed) and print what changed.",
        ),
    ] = None,
    output_format: Annotated[
        ReviewFormat, typer.Option("--format", "-f", help="text or json.")
    ] = ReviewFormat.text,
) -> None:
    """Is each promise kept, persistently missed, or met with a wide margin? The allowance the
    team achieved at each target, channels and priorities no promise covers, types that grew."""
    from charter_cli.charter import load_charter
    from charter_cli.history import charter_hash, load
    from charter_cli.report.review import render_json, render_text
    from charter_cli.review import review as compute

    if (history is None) == (not tickets):
        raise UsageError("give either a history file (--history FILE) or exports to audit")
    model = load_charter(charter)
    if write is not None:
        from charter_cli.output import check_outputs

        sources = [history] if history is not None else [*(tickets or []), events]
        check_outputs([write], [charter, *[p for p in sources if p is not None]])
    if history is not None:
        recorded = load(history)
    else:
        from charter_cli.history import recorded_from_exports

        recorded = recorded_from_exports(
            charter,
            tickets or [],
            profile=profile,
            events=events,
            as_of=as_of,
            order=_order(dayfirst, monthfirst),
            input_tz=input_tz,
        )
    found = compute(model, recorded, months=months, digest=charter_hash(charter))
    text = render_json(found) if output_format is ReviewFormat.json else render_text(found)
    if write is None:
        _emit(text)
        return
    from charter_cli.drafting.diff import compare
    from charter_cli.output import write_atomic
    from charter_cli.report.diff import DiffReport
    from charter_cli.report.diff import render_text as render_diff
    from charter_cli.review import proposed_text, read_text

    write_atomic(write, proposed_text(read_text(charter), shown_path(charter), found))
    changes = compare(model, load_charter(write))
    said = render_diff(DiffReport(shown_path(charter), shown_path(write), changes))
    if output_format is ReviewFormat.json:
        _emit(text)
        for line in said.splitlines():
            _err(line)
    else:
        _emit(
            text
            + f"\nProposed charter {shown_path(write)}, against {shown_path(charter)}:\n"
            + said
        )
    _err(f"wrote {write}")


@app.command()
@guarded
def schema(
    markdown: Annotated[
        bool, typer.Option("--markdown", help="Every key as a Markdown table, for reading.")
    ] = False,
) -> None:
    """Print the JSON Schema of the charter format (for editors and other tools)."""
    from charter_cli.charter.schema import schema_text

    if markdown:
        from charter_cli.charter.schema_doc import reference

        _emit(reference())
    else:
        _emit(schema_text())


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
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, AttributeError):  # said already, or nobody listens
            stream.flush()
    os._exit(code)
