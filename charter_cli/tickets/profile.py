"""Export profiles: data (YAML) that maps a vendor's export onto the canonical ticket fields."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from charter_cli.charter.load import parse_yaml, read_yaml_file
from charter_cli.charter.model import normalise
from charter_cli.charter.schema import check_schema
from charter_cli.errors import CharterLoadError, InputError, shown_path

PROFILE_SCHEMA = "profile.v1.schema.json"
DEFAULT_FORMATS = ("iso", "epoch", "us", "dayfirst", "twitter")


@dataclass(frozen=True)
class Profile:
    name: str
    title: str
    layout: str
    detect: tuple[str, ...]
    columns: Mapping[str, tuple[str, ...]]
    path: str
    derive: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    vendor: Mapping[str, str] = field(default_factory=dict)
    formats: tuple[str, ...] = ("iso",)
    timezone: str | None = None
    missing: tuple[str, ...] = ()
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # normalised keys
    statuses: Mapping[str, str] = field(default_factory=dict)  # normalised status -> category
    event_at: str | None = None
    event_order: tuple[str, ...] = ()

    def source_columns(self) -> set[str]:
        cols = {c for alts in self.columns.values() for c in alts}
        cols |= set(self.vendor.values()) | {m for _, m in self.derive.values()}
        if self.event_at:
            cols.add(self.event_at)
        return cols | set(self.event_order)


def _listed(value: Any) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, list) else (str(value),)


def build_profile(data: dict[str, Any], path: str) -> Profile:
    stamps = data.get("timestamps") or {}
    event = data.get("event_log") or {}
    return Profile(
        name=data["name"],
        title=data.get("title") or data["name"],
        layout=data.get("layout", "tickets"),
        detect=tuple(data.get("detect") or _listed(data["columns"]["ticket_id"])[:1]),
        columns={k: _listed(v) for k, v in data["columns"].items()},
        path=path,
        derive={k: (v["from"], v["add_minutes"]) for k, v in (data.get("derive") or {}).items()},
        vendor=dict(data.get("vendor") or {}),
        formats=tuple(stamps.get("formats") or DEFAULT_FORMATS),
        timezone=stamps.get("timezone"),
        missing=tuple(data.get("missing") or ()),
        values={
            fld: {normalise(k): v for k, v in mapping.items()}
            for fld, mapping in (data.get("values") or {}).items()
        },
        statuses={
            normalise(raw): category
            for category, raws in (data.get("statuses") or {}).items()
            for raw in raws or []
        },
        event_at=event.get("at"),
        event_order=tuple(event.get("order") or ()),
    )


def _validated(doc_data: Any, doc: Any) -> dict[str, Any]:
    findings = check_schema(doc, schema_name=PROFILE_SCHEMA)
    if findings:
        first = findings[0]
        raise InputError(
            f"invalid profile: {first.message}",
            path=first.path,
            line=first.line,
            column=first.column,
        )
    data: dict[str, Any] = doc_data
    return data


@cache
def builtin_profiles() -> dict[str, Profile]:
    """The profiles shipped with charter, by name."""
    out: dict[str, Profile] = {}
    folder = resources.files("charter_cli.tickets").joinpath("profiles")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        doc = parse_yaml(entry.read_text(encoding="utf-8"), f"<builtin>/{entry.name}")
        profile = build_profile(_validated(doc.data, doc), doc.path)
        out[profile.name] = profile
    return out


def load_profile(spec: str) -> Profile:
    """A built-in profile by name, or a profile file by path."""
    builtin = builtin_profiles()
    if spec in builtin:
        return builtin[spec]
    file = Path(spec)
    if not file.exists():
        names = ", ".join(builtin)
        raise InputError(f"unknown profile {spec!r}: not a built-in ({names}) nor a file")
    try:
        doc = read_yaml_file(file)
    except CharterLoadError as exc:
        raise InputError(exc.message, path=exc.path, line=exc.line, column=exc.column) from None
    return build_profile(_validated(doc.data, doc), shown_path(file))


@dataclass(frozen=True)
class Detection:
    profile: Profile
    confidence: float  # share of the profile's detecting columns found


def header_key(name: str) -> str:
    """A column name as headers are matched: casefolded, white space collapsed."""
    return " ".join(name.casefold().split())


def detect_profile(header: list[str], path: str) -> Detection:
    """Pick the built-in profile whose detecting columns are all in the header (the most specific
    one when several are); otherwise a clear error naming the closest profiles."""
    present = {header_key(h) for h in header}
    scored = []
    for profile in builtin_profiles().values():
        found = [c for c in profile.detect if header_key(c) in present]
        scored.append((len(found) / len(profile.detect), len(profile.detect), profile, found))
    full = [s for s in scored if s[0] == 1.0]
    if full:
        full.sort(key=lambda s: -s[1])
        if len(full) > 1 and full[0][1] == full[1][1]:
            names = " and ".join(s[2].name for s in full[:2])
            raise InputError(
                f"the header matches several profiles ({names}); choose one with --profile",
                path=path,
            )
        return Detection(full[0][2], 1.0)
    scored.sort(key=lambda s: (-s[0], -s[1]))
    closest = []
    for share, _, profile, found in scored[:3]:
        if share == 0:
            continue
        missing = [c for c in profile.detect if c not in found]
        closest.append(f"{profile.name} (missing {', '.join(map(repr, missing))})")
    shown = ", ".join(h for h in header[:8]) + (" …" if len(header) > 8 else "")
    hint = f"; closest: {'; '.join(closest)}" if closest else ""
    raise InputError(
        f"cannot tell which helpdesk exported this (columns: {shown}){hint}. "
        "Use --profile NAME (see `charter profiles`) or --profile FILE.yaml",
        path=path,
    )
