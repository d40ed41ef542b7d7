"""Which files an input names: a file as given, a folder's exports, or the files a glob matches
(monthly partitions: `exports/`, `'exports/2026-*.csv'`), in natural order of their names.

A folder is searched one level deep. Hidden files, Excel's lock files, charters, and the reports
charter writes (its per-ticket CSV included, known by its header) are passed over; a file of a
kind charter cannot read (`.xls`, `.csv.gz`, `.pdf`) is an error, never quietly left out: a month
missing from an audit is a wrong number. A file named on its own is taken as it is.
"""

from __future__ import annotations

import glob
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from charter_cli.errors import InputError, shown_path

EXPORT_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".parquet", ".pq")
# what sits beside exports and is not one: the reports charter writes, charters, notes
PASSED_OVER = (".json", ".md", ".html", ".htm", ".xml", ".sqlite", ".yaml", ".yml", ".log")
# the first columns of charter's own per-ticket CSV (`-o results.csv`), never an export
OWN_CSV_HEADER = "ticket_id,promise,state,"


@dataclass
class Inputs:
    """The files an input's arguments name, in the order they are read, and the files of its
    folders and globs left out because charter wrote them."""

    files: list[Path]
    own_outputs: list[Path] = field(default_factory=list)

    def notes(self) -> list[str]:
        return [
            f"{shown_path(p)}: not read, it is a per-ticket CSV charter wrote"
            for p in self.own_outputs
        ]


def total_bytes(files: Iterable[Path | str]) -> int:
    """The files' bytes together (a file that is not there, or not a file, counts none)."""
    return sum(Path(f).stat().st_size for f in files if Path(f).is_file())


def natural_key(path: Path) -> list[tuple[int, int | str]]:
    """Names in the order people count: `2026-2` before `2026-10`, case aside."""
    parts = re.split(r"(\d+)", str(path))
    return [(0, int(p)) if p.isdigit() else (1, p.casefold()) for p in parts]


def is_glob(text: str) -> bool:
    return any(c in text for c in "*?[")


def expand_inputs(arguments: Iterable[Path | str], *, what: str = "export") -> Inputs:
    """The files the arguments name (see the module's description), each once. Raises
    `InputError` for a folder with no export, a glob that matches none, or a folder or glob
    holding files charter cannot read; a file that does not exist is left for its reader to say
    so."""
    files: list[Path] = []
    own: list[Path] = []
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            try:
                entries = list(path.iterdir())
            except OSError as exc:
                raise InputError(
                    f"cannot list this folder: {exc.strerror or exc}", path=shown_path(path)
                ) from None
            found, skipped = _choose([p for p in entries if p.is_file()], shown_path(path), what)
            if not found:
                nested = any(p.is_dir() and not _hidden(p) for p in entries)
                hint = (
                    f"; subfolders are not searched, name them with a glob such as "
                    f"'{shown_path(path / '**' / '*.csv')}'"
                    if nested
                    else ""
                )
                raise InputError(
                    f"no {what} files in this folder ({_kinds()}){hint}", path=shown_path(path)
                )
        elif not path.exists() and is_glob(str(argument)):
            pattern = str(argument)
            # glob.glob, not Path.glob: a pattern may be absolute or start with ../
            matched = [Path(p) for p in glob.glob(pattern, recursive=True)]  # noqa: PTH207
            found, skipped = _choose([p for p in matched if p.is_file()], repr(pattern), what)
            if not found:
                raise InputError(
                    f"no file matches {pattern!r}"
                    if not matched
                    else f"no {what} file among the {len(matched)} that {pattern!r} matches "
                    f"({_kinds()})"
                )
        else:
            found, skipped = [path], []
        files += found
        own += skipped
    return Inputs(_once(files), own)


def _kinds() -> str:
    return " ".join(f"*{s}" for s in EXPORT_SUFFIXES)


def _hidden(path: Path) -> bool:
    return path.name.startswith((".", "~$"))  # ~$ : the lock file Excel keeps beside a workbook


def _choose(candidates: Sequence[Path], where: str, what: str) -> tuple[list[Path], list[Path]]:
    """A folder's or glob's exports in natural order, and its per-ticket CSVs of charter's own;
    a file of a kind charter cannot read is an error."""
    exports: list[Path] = []
    own: list[Path] = []
    unreadable: list[Path] = []
    for path in sorted(candidates, key=natural_key):
        suffix = path.suffix.lower()
        if _hidden(path) or suffix in PASSED_OVER:
            continue
        if suffix not in EXPORT_SUFFIXES:
            unreadable.append(path)
        elif suffix == ".csv" and _own_csv(path):
            own.append(path)
        else:
            exports.append(path)
    if unreadable:
        names = ", ".join(shown_path(p.name) for p in unreadable[:3])
        more = f" and {len(unreadable) - 3} more" if len(unreadable) > 3 else ""
        raise InputError(
            f"{where} holds files charter cannot read as {what}s: {names}{more} (it reads "
            f"{' '.join(EXPORT_SUFFIXES)}); convert them, move them away, or name the "
            "files to read with a glob such as '*.csv'"
        )
    return exports, own


def _own_csv(path: Path) -> bool:
    """Whether the file starts with the header of charter's per-ticket CSV."""
    try:
        with path.open("rb") as handle:
            head = handle.read(len(OWN_CSV_HEADER) + 3)
    except OSError:
        return False  # its reader says what is wrong with it
    return head.removeprefix(b"\xef\xbb\xbf").startswith(OWN_CSV_HEADER.encode())


def _once(files: list[Path]) -> list[Path]:
    """Each file once (a folder and a file in it both named), in the order first named."""
    seen: set[Path] = set()
    out: list[Path] = []
    for path in files:
        try:
            key = path.resolve()
        except (OSError, RuntimeError):  # a loop of links: its reader says so
            key = path
        if key not in seen:
            seen.add(key)
            out.append(path)
    return out
