"""The charter: load (YAML with marks), schema, semantic rules, frozen model."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from charter_cli.charter.findings import Finding, Severity
from charter_cli.charter.load import read_yaml_file
from charter_cli.charter.model import Charter, build_charter
from charter_cli.charter.rules import run_rules
from charter_cli.charter.schema import check_schema
from charter_cli.errors import (
    CharterLoadError,
    CharterReadError,
    InvalidCharterError,
    shown_path,
)

if TYPE_CHECKING:
    from charter_cli.tickets.profile import Profile

__all__ = [
    "Charter",
    "FileReport",
    "Finding",
    "Severity",
    "charter_files",
    "load_charter",
    "validate_file",
]

CHARTER_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class FileReport:
    """Everything validation found in one file; `charter` is set when it is valid."""

    path: str
    findings: tuple[Finding, ...]
    charter: Charter | None = None
    unreadable: bool = False  # the path could not be opened at all
    kind: str = "charter"  # or "profile": an export profile is validated as one

    @property
    def errors(self) -> int:
        return sum(f.severity is Severity.ERROR for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity is Severity.WARNING for f in self.findings)

    def ok(self, *, strict: bool = False) -> bool:
        return not self.unreadable and self.errors == 0 and (not strict or self.warnings == 0)


def validate_file(file: Path, profile: Profile | None = None) -> FileReport:
    """Load and check one charter (or export profile), collecting every finding; never raises a
    `CharterError`. With `profile`, also what the charter asks of that profile's exports."""
    path = shown_path(file)
    try:
        doc = read_yaml_file(file)
    except CharterLoadError as exc:
        finding = Finding(
            path, exc.line or 1, exc.column or 1, Severity.ERROR, exc.rule, exc.message
        )
        return FileReport(path, (finding,), unreadable=isinstance(exc, CharterReadError))
    if is_profile(doc.data):
        from charter_cli.tickets.profile import check_profile

        return FileReport(path, tuple(check_profile(doc)), kind="profile")
    findings = check_schema(doc)
    if not findings:
        findings = run_rules(doc)
    findings.sort(key=lambda f: (f.line, f.column, f.rule))
    charter = None
    if not any(f.severity is Severity.ERROR for f in findings):
        charter = build_charter(doc.data, path)
        if profile is not None:
            from charter_cli.tickets.profile import check_charter_against

            # the profile names its raw statuses: the warning about them is answered there
            findings = [
                f for f in findings if f.rule != "unknown-status" or "category" not in f.message
            ]
            findings += check_charter_against(doc, charter, profile)
            findings.sort(key=lambda f: (f.line, f.column, f.rule))
            if any(f.severity is Severity.ERROR for f in findings):
                charter = None
    return FileReport(path, tuple(findings), charter)


def is_profile(data: object) -> bool:
    """An export profile (`profile: 1`), not a charter (`charter: 1`)."""
    return isinstance(data, dict) and "profile" in data and "charter" not in data


def load_charter(file: Path) -> Charter:
    """Load a valid charter or raise: `CharterLoadError` (not readable as a charter) or
    `InvalidCharterError` (carrying every error finding)."""
    report = validate_file(file)
    if report.charter is not None:
        return report.charter
    if report.kind == "profile":
        raise CharterReadError(
            "this is an export profile, not a charter: pass it with --profile", path=report.path
        )
    errors = [f for f in report.findings if f.severity is Severity.ERROR]
    first = errors[0]
    if report.unreadable:
        raise CharterReadError(first.message, rule=first.rule, path=first.path)
    more = (
        f" (and {len(errors) - 1} more; run `charter validate {file}`)" if len(errors) > 1 else ""
    )
    raise InvalidCharterError(
        f"{first.line}:{first.column}: invalid charter: [{first.rule}] {first.message}{more}",
        list(errors),
        path=first.path,
    )


def charter_files(paths: Iterable[Path]) -> list[Path]:
    """Expand directories to the `*.yaml`/`*.yml` files below them (sorted); keep files as given."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(
                sorted(p for p in path.rglob("*") if p.suffix in CHARTER_SUFFIXES and p.is_file())
            )
        else:
            out.append(path)
    return out
