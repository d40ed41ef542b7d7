"""Renderers: pure functions `render(result, options) -> str` (or UTF-8 bytes), one per format, in
one registry."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import StrEnum
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the audit (and pandas) load with a renderer, not with this registry
    from charter_cli.report.common import Options
    from charter_cli.summary import Summary

# text, or UTF-8 already: bytes, or parts of them (a large CSV, never joined into one copy)
Renderer = Callable[["Summary", "Options"], "str | bytes | Iterable[memoryview]"]


class Format(StrEnum):
    """Every audit report format: the module `charter_cli.report.<value>` renders it."""

    text = "text"
    json = "json"
    csv = "csv"
    markdown = "markdown"
    junit = "junit"
    html = "html"
    github = "github"


FORMATS = tuple(Format)
SUFFIXES = {
    ".txt": Format.text,
    ".json": Format.json,
    ".csv": Format.csv,
    ".md": Format.markdown,
    ".markdown": Format.markdown,
    ".xml": Format.junit,
    ".html": Format.html,
    ".htm": Format.html,
}


def renderer(name: str) -> Renderer:
    """The renderer of a format (imported on first use: rich only loads for `text`)."""
    module = import_module(f"charter_cli.report.{Format(name).value}")
    render: Renderer = module.render
    return render
