"""What validation says about a file: findings with a place, a severity and a rule id."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One problem in one file: `file:line:col: severity [rule] message`."""

    path: str
    line: int
    column: int
    severity: Severity
    rule: str
    message: str

    def __str__(self) -> str:
        return (
            f"{self.path}:{self.line}:{self.column}: {self.severity} [{self.rule}] {self.message}"
        )
