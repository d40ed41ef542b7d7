"""Read a charter's YAML safely, keeping the line and column of every node.

The document is built straight from PyYAML's event stream, never through a constructor, so:

- only YAML 1.2 core types exist: `NO` is the string "NO", `2026-12-24` and `08:00` stay strings
 ; mapping keys are always the key's text;
- a tag that asks for anything but a core type (`!!python/object`, `!custom`) is refused;
- duplicate keys are refused, naming both lines;
- aliases are shared, never copied, and the size they would expand to is bounded, so a
  "billion laughs" document is refused after a few hundred events;
- nesting depth, file size and encoding are bounded and checked before anything else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml import events as ev

from charter_cli.charter.findings import Finding, Severity
from charter_cli.errors import CharterLoadError, CharterReadError, shown_path

MAX_CHARTER_BYTES = 1 << 20  # 1 MiB: the largest real charter is a few kilobytes
MAX_DEPTH = 64  # nesting levels of mappings and sequences
MAX_NODES = 100_000  # nodes after alias expansion

PathKey = tuple[str | int, ...]

_CORE = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {f"{_CORE}{t}" for t in ("str", "int", "float", "bool", "null", "map", "seq")}
_ALLOWED_TAGS |= {"!"}

_SURROGATE = re.compile("[\ud800-\udfff]")
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_TRUE = re.compile(r"^(?:true|True|TRUE)$")
_FALSE = re.compile(r"^(?:false|False|FALSE)$")
_MAX_NUMBER = 100  # digits of an integer; the largest a charter needs has a handful
_INT10 = re.compile(r"^[-+]?[0-9]+$")
_INT8 = re.compile(r"^0o[0-7]+$")
_INT16 = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_INF = re.compile(r"^[-+]?\.(?:inf|Inf|INF)$")
_NAN = re.compile(r"^\.(?:nan|NaN|NAN)$")


@dataclass(frozen=True)
class Mark:
    """A 1-based line and column in a file."""

    line: int
    column: int


@dataclass
class Document:
    """A loaded YAML document: plain Python data plus where each node was written."""

    path: str
    data: Any
    marks: dict[PathKey, Mark] = field(default_factory=dict)
    key_marks: dict[PathKey, Mark] = field(default_factory=dict)

    def finding(
        self, path: PathKey, severity: Severity, rule: str, message: str, *, key: bool = False
    ) -> Finding:
        """A finding at the line of the node at `path` (of its key, with `key`)."""
        mark = self.mark(path, key=key)
        return Finding(self.path, mark.line, mark.column, severity, rule, message)

    def mark(self, path: PathKey, *, key: bool = False) -> Mark:
        """The mark of the node at `path`, or of its nearest written ancestor."""
        p = tuple(path)
        if key and p in self.key_marks:
            return self.key_marks[p]
        while p:
            if p in self.marks:
                return self.marks[p]
            p = p[:-1]
        return self.marks.get((), Mark(1, 1))


def _mark(m: Any) -> Mark:
    return Mark(m.line + 1, m.column + 1) if m is not None else Mark(1, 1)


def resolve_plain(value: str) -> Any:
    """Type a plain (unquoted, untagged) scalar by the YAML 1.2 core schema."""
    if _NULL.match(value):
        return None
    if _TRUE.match(value):
        return True
    if _FALSE.match(value):
        return False
    if _INT10.match(value):
        return int(value)
    if _INT8.match(value):
        return int(value[2:], 8)
    if _INT16.match(value):
        return int(value[2:], 16)
    if _FLOAT.match(value):
        return float(value)
    if _INF.match(value):
        return float("-inf") if value.startswith("-") else float("inf")
    if _NAN.match(value):
        return float("nan")
    return value


class _Container:
    __slots__ = ("anchor", "data", "key", "key_mark", "mark", "merged", "path", "size", "written")

    def __init__(self, data: Any, path: PathKey, mark: Mark, anchor: str | None) -> None:
        self.data = data
        self.path = path
        self.mark = mark
        self.anchor = anchor
        self.size = 1
        self.key: str | None = None  # a mapping waiting for the value of this key
        self.key_mark: Mark | None = None
        self.written: dict[str, Mark] = {}  # keys given explicitly, for duplicate detection
        self.merged: set[str] = set()  # keys that came from a `<<` merge


class _Builder:
    def __init__(self, path: str) -> None:
        self.path = path
        self.doc = Document(path=path, data=None)
        self.stack: list[_Container] = []
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.total = 0
        self.root_set = False

    def fail(self, message: str, mark: Mark, rule: str = "yaml") -> CharterLoadError:
        return CharterLoadError(
            message, rule=rule, path=self.path, line=mark.line, column=mark.column
        )

    def child_path(self) -> PathKey:
        top = self.stack[-1]
        if isinstance(top.data, list):
            return (*top.path, len(top.data))
        assert top.key is not None
        return (*top.path, top.key)

    def grow(self, size: int, mark: Mark) -> None:
        self.total += size
        if self.total > MAX_NODES:
            raise self.fail(
                f"the document expands to more than {MAX_NODES:,} nodes "
                "(an alias bomb, or a charter far larger than any real one)",
                mark,
                "too-large",
            )

    def add_scalar(self, event: ev.ScalarEvent) -> None:
        mark = _mark(event.start_mark)
        surrogate = _SURROGATE.search(event.value)
        if surrogate:  # a "\ud800" escape: no character, and no UTF-8 output can hold it
            raise self.fail(
                f"\\u{ord(surrogate.group()):04x} is not a character (a lone surrogate); "
                "write the character itself",
                mark,
                "encoding",
            )
        top = self.stack[-1] if self.stack else None
        if top is not None and isinstance(top.data, dict) and top.key is None:
            self.set_key(event, mark)
            return
        tag = event.tag
        if tag is not None and tag not in _ALLOWED_TAGS:
            raise self.fail(
                f"tag {tag!r} is not allowed in a charter (plain data only)", mark, "tag"
            )
        value: Any
        plain = tag is None and event.implicit[0]
        numeric = plain or tag not in (None, "!", f"{_CORE}str")
        # int() refuses more than 4,300 digits (a ValueError: exit 3)
        if numeric and len(event.value) > _MAX_NUMBER and _INT10.match(event.value):
            raise self.fail(
                f"a number of {len(event.value):,} digits; no charter value is that long",
                mark,
                "too-large",
            )
        if plain:
            value = resolve_plain(event.value)
        elif tag in (None, "!", f"{_CORE}str"):
            value = event.value
        else:
            value = resolve_plain(event.value)
            expected: dict[str, type | tuple[type, ...]] = {
                f"{_CORE}int": int,
                f"{_CORE}float": (float, int),
                f"{_CORE}bool": bool,
            }
            want = expected.get(tag or "")
            if tag == f"{_CORE}null":
                if value is not None:
                    raise self.fail(f"{event.value!r} is not null", mark)
            elif want is None or not isinstance(value, want) or value is None:
                raise self.fail(f"{event.value!r} does not fit its tag {tag!r}", mark)
        self.grow(1, mark)
        self.place(value, 1, mark, event.anchor)

    def set_key(self, event: ev.ScalarEvent, mark: Mark) -> None:
        top = self.stack[-1]
        if event.tag is not None and event.tag not in _ALLOWED_TAGS:
            raise self.fail(
                f"tag {event.tag!r} is not allowed in a charter (plain data only)", mark, "tag"
            )
        key = event.value
        if key in top.written:
            first = top.written[key]
            raise self.fail(
                f"duplicate key {key!r} (first defined on line {first.line})",
                mark,
                "duplicate-key",
            )
        if key != "<<":
            top.written[key] = mark
        top.key = key
        top.key_mark = mark
        self.doc.key_marks[(*top.path, key)] = mark

    def place(self, value: Any, size: int, mark: Mark, anchor: str | None) -> None:
        if anchor is not None:
            self.anchors[anchor] = (value, size)
        if not self.stack:
            self.doc.data = value
            self.doc.marks[()] = mark
            self.root_set = True
            return
        top = self.stack[-1]
        top.size += size  # the anchored subtree's expanded size, for aliases to it
        if isinstance(top.data, list):
            self.doc.marks.setdefault((*top.path, len(top.data)), mark)
            top.data.append(value)
            return
        key = top.key
        assert key is not None
        top.key = None
        if key == "<<":
            self.merge(top, value, mark)
            return
        self.doc.marks[(*top.path, key)] = mark
        top.data[key] = value

    def merge(self, top: _Container, value: Any, mark: Mark) -> None:
        sources = value if isinstance(value, list) else [value]
        for source in sources:
            if not isinstance(source, dict):
                raise self.fail("a merge key `<<` takes a mapping or a list of mappings", mark)
            for k, v in source.items():
                if k not in top.written and k not in top.merged:
                    top.data[k] = v
                    top.merged.add(k)
                    self.doc.marks.setdefault((*top.path, k), mark)

    def open(self, data: Any, event: ev.CollectionStartEvent) -> None:
        mark = _mark(event.start_mark)
        if event.tag is not None and event.tag not in _ALLOWED_TAGS:
            raise self.fail(
                f"tag {event.tag!r} is not allowed in a charter (plain data only)", mark, "tag"
            )
        top = self.stack[-1] if self.stack else None
        if top is not None and isinstance(top.data, dict) and top.key is None:
            raise self.fail("a mapping key must be a plain value, not a list or mapping", mark)
        if len(self.stack) >= MAX_DEPTH:
            raise self.fail(f"nesting deeper than {MAX_DEPTH} levels", mark, "too-deep")
        path = self.child_path() if self.stack else ()
        self.grow(1, mark)
        self.stack.append(_Container(data, path, mark, event.anchor))

    def close(self) -> None:
        done = self.stack.pop()
        if done.key is not None:  # pragma: no cover - the parser never ends a mapping mid-pair
            raise self.fail(f"key {done.key!r} has no value", done.mark)
        self.place(done.data, done.size, done.mark, done.anchor)

    def alias(self, event: ev.AliasEvent) -> None:
        mark = _mark(event.start_mark)
        if event.anchor not in self.anchors:
            raise self.fail(f"alias *{event.anchor} refers to no anchor before it", mark, "alias")
        value, size = self.anchors[event.anchor]
        top = self.stack[-1] if self.stack else None
        if top is not None and isinstance(top.data, dict) and top.key is None:
            raise self.fail("an alias cannot be used as a mapping key", mark)
        self.grow(size, mark)
        self.place(value, size, mark, None)


def _decode(raw: bytes, path: str) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CharterLoadError(
            "the file is UTF-16; save the charter as UTF-8", rule="encoding", path=path
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise CharterLoadError(
            f"invalid UTF-8 (byte 0x{raw[exc.start]:02x}); save the charter as UTF-8",
            rule="encoding",
            path=path,
            line=line,
            column=column,
        ) from None


# libyaml's parser, where PyYAML has it: about ten times faster. Used for the files shipped
# with the package (every run reads the eleven built-in profiles to detect an export's: 0.2 s
# with the pure-Python parser); a user's file keeps the pure-Python parser, whose error texts
# the messages and tests are written against.
_FAST_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str, path: str, *, shipped: bool = False) -> Document:
    """Build a `Document` from YAML text; raises `CharterLoadError` on anything unsafe or broken.
    `shipped`: a file of the package itself (parsed with libyaml where available)."""
    if "\x00" in text:
        offset = text.index("\x00")
        line = text.count("\n", 0, offset) + 1
        raise CharterLoadError(
            "the file contains a NUL byte: not a text file", rule="encoding", path=path, line=line
        )
    builder = _Builder(path)
    documents = 0
    try:
        for event in yaml.parse(text, Loader=_FAST_LOADER if shipped else yaml.SafeLoader):
            if isinstance(event, ev.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise builder.fail(
                        "several YAML documents in one file; a charter is one document",
                        _mark(event.start_mark),
                        "several-documents",
                    )
            elif isinstance(event, ev.ScalarEvent):
                builder.add_scalar(event)
            elif isinstance(event, ev.MappingStartEvent):
                builder.open({}, event)
            elif isinstance(event, ev.SequenceStartEvent):
                builder.open([], event)
            elif isinstance(event, ev.MappingEndEvent | ev.SequenceEndEvent):
                builder.close()
            elif isinstance(event, ev.AliasEvent):
                builder.alias(event)
    except yaml.MarkedYAMLError as exc:
        mark = _mark(exc.problem_mark or exc.context_mark)
        problem = exc.problem or exc.context or "invalid YAML"
        raise CharterLoadError(
            f"invalid YAML: {problem}", path=path, line=mark.line, column=mark.column
        ) from None
    except yaml.YAMLError as exc:  # reader errors: control characters and the like
        raise CharterLoadError(f"invalid YAML: {exc}", path=path) from None
    if not builder.root_set or builder.doc.data is None:
        raise CharterLoadError(
            "the file is empty: a charter is a YAML mapping", rule="not-a-mapping", path=path
        )
    if not isinstance(builder.doc.data, dict):
        kind = "a list" if isinstance(builder.doc.data, list) else "a single value"
        raise CharterLoadError(
            f"the document is {kind}; a charter is a YAML mapping (`charter: 1`, `name: …`)",
            rule="not-a-mapping",
            path=path,
            line=1,
            column=1,
        )
    return builder.doc


def read_yaml_file(file: Path, *, max_bytes: int = MAX_CHARTER_BYTES) -> Document:
    """Read and parse one YAML file with every bound applied."""
    path = shown_path(file)
    try:
        with file.open("rb") as handle:
            raw = handle.read(max_bytes + 1)
    except IsADirectoryError:
        raise CharterReadError(
            "is a directory, not a charter file", rule="read", path=path
        ) from None
    except FileNotFoundError:
        raise CharterReadError("no such file", rule="read", path=path) from None
    except OSError as exc:
        raise CharterReadError(
            f"cannot read: {exc.strerror or exc}", rule="read", path=path
        ) from None
    if len(raw) > max_bytes:
        raise CharterLoadError(
            f"the file is larger than {max_bytes // 1024} KiB; no charter is that large",
            rule="too-large",
            path=path,
        )
    return parse_yaml(_decode(raw, path), path)
