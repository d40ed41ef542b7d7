"""The charter: load (YAML with marks), schema, semantic rules, frozen model."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

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

    @property
    def errors(self) -> int:
        return sum(f.severity is Severity.ERROR for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity is Severity.WARNING for f in self.findings)

    def ok(self, *, strict: bool = False) -> bool:
        return not self.unreadable and self.errors == 0 and (not strict or self.warnings == 0)


def validate_file(file: Path) -> FileReport:
    """Load and check one charter, collecting every finding; never raises a `CharterError`."""
    path = shown_path(file)
    try:
        doc = read_yaml_file(file)
    except CharterLoadError as exc:
        finding = Finding(
            path, exc.line or 1, exc.column or 1, Severity.ERROR, exc.rule, exc.message
        )
        return FileReport(path, (finding,), unreadable=isinstance(exc, CharterReadError))
    findings = check_schema(doc)
    if not findings:
        findings = run_rules(doc)
    findings.sort(key=lambda f: (f.line, f.column, f.rule))
    charter = None
    if not any(f.severity is Severity.ERROR for f in findings):
        charter = build_charter(doc.data, path)
    return FileReport(path, tuple(findings), charter)


def load_charter(file: Path) -> Charter:
    """Load a valid charter or raise: `CharterLoadError` (not readable as a charter) or
    `InvalidCharterError` (carrying every error finding)."""
    report = validate_file(file)
    if report.charter is not None:
        return report.charter
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
