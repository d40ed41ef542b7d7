"""Renderers: pure functions `render(result, options) -> str` (or UTF-8 bytes), one per format, in
one registry."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the audit (and pandas) load with a renderer, not with this registry
    from charter_cli.audit import AuditResult
    from charter_cli.report.common import Options

# text, or UTF-8 already: bytes, or parts of them (a large CSV, never joined into one copy)
Renderer = Callable[["AuditResult", "Options"], "str | bytes | list[memoryview]"]

FORMATS = ("text", "json", "csv", "markdown", "junit", "html", "github")
SUFFIXES = {
    ".txt": "text",
    ".json": "json",
    ".csv": "csv",
    ".md": "markdown",
    ".markdown": "markdown",
    ".xml": "junit",
    ".html": "html",
    ".htm": "html",
}
_MODULES = {
    "text": "text",
    "json": "json",
    "csv": "csv",
    "markdown": "markdown",
    "junit": "junit",
    "html": "html",
    "github": "github",
}


def renderer(name: str) -> Renderer:
    """The renderer of a format (imported on first use: rich only loads for `text`)."""
    module = import_module(f"charter_cli.report.{_MODULES[name]}")
    render: Renderer = module.render
    return render
