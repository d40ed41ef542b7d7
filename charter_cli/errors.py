"""One exception root for every error a user can cause, and the exit codes of every command."""

from __future__ import annotations

import os
from enum import IntEnum


class ExitCode(IntEnum):
    """Exit codes shared by every command."""

    OK = 0  # the charter is valid / every promise meets its target
    FAILED = 1  # the charter is invalid / a promise is under its target
    CANNOT_RUN = 2  # usage error, unreadable or malformed input, unknown profile
    INTERNAL = 3  # a bug: an unexpected exception


def shown_path(path: object) -> str:
    """A path as messages and reports show it: a name that is not UTF-8 (Python keeps its bytes
    as lone surrogates, which no UTF-8 output can hold) with those bytes as `\\xff`."""
    text = str(path)
    try:
        return os.fsencode(text).decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate no file name came from (`\\ud800` in a text)
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


class CharterError(Exception):
    """A user-facing error: one line, with the file, line and column when known."""

    exit_code: ExitCode = ExitCode.CANNOT_RUN

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.column = column

    def location(self) -> str:
        parts = [p for p in (self.path, self.line, self.column) if p is not None]
        return ":".join(str(p) for p in parts)

    def __str__(self) -> str:
        where = self.location()
        return f"{where}: {self.message}" if where else self.message


class CharterLoadError(CharterError):
    """The charter file is not a charter: bad YAML, unsafe YAML, not a mapping (exit 2; 1 under
    `validate`). `rule` names the loader check, as rules do."""

    def __init__(
        self,
        message: str,
        *,
        rule: str = "yaml",
        path: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message, path=path, line=line, column=column)
        self.rule = rule


class CharterReadError(CharterLoadError):
    """The charter path cannot be opened at all: missing, a directory, no permission (exit 2)."""


class InvalidCharterError(CharterError):
    """The charter was read but is not valid; carries every finding."""

    def __init__(self, message: str, findings: list[object], *, path: str | None = None) -> None:
        super().__init__(message, path=path)
        self.findings = findings


class InputError(CharterError):
    """A ticket export, events file or profile that cannot be read (exit 2)."""


class OutputError(CharterError):
    """A report or charter that cannot be written: full disk, no permission, a name too long (exit
    2). The previous file at that path is left as it was."""


class UsageError(CharterError):
    """Options that do not fit together (exit 2)."""
