"""Export profiles: data (YAML) that maps a vendor's export onto the canonical ticket fields."""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from charter_cli.charter.findings import Finding, Severity
from charter_cli.charter.load import Document, parse_yaml, read_yaml_file
from charter_cli.charter.model import Charter, normalise
from charter_cli.charter.rules import zone_hint
from charter_cli.charter.schema import check_schema
from charter_cli.errors import CharterLoadError, InputError, shown_path
from charter_cli.tickets.timestamps import NUMERIC_FORMATS

PROFILE_SCHEMA = "profile.v1.schema.json"
REPEATED = "repeated"  # tag_separator: one column per tag, all of the same name (Jira's Labels)
DEFAULT_FORMATS = ("iso", "epoch", "us", "dayfirst", "twitter")


@dataclass(frozen=True)
class VendorCheck:
    """How to compare one vendor column (`vendor: {NAME: COLUMN}`, read as `vendor_NAME`) with
    our verdicts: `reconcile: {NAME: {judges: ..., ...}}` in a profile.

    `judges` is a measure (every promise of that measure is compared) or a promise id. `kind` is
    `verdict` (the cell says met or breached: `met` and `breached` list the words, normalised),
    `minutes` or `hours` (a duration to compare with ours, within `tolerance` seconds), or
    `brackets` (a label naming a range of durations, `(label, low, high)` in seconds, high None
    for open-ended). `clock` says whether the vendor's durations are business time (compared
    with our elapsed business time) or calendar time (compared with stop − start)."""

    name: str
    judges: str
    kind: str = "verdict"
    met: tuple[str, ...] = ()
    breached: tuple[str, ...] = ()
    clock: str = "business"
    brackets: tuple[tuple[str, int, int | None], ...] = ()
    tolerance: int = 60


DEFAULT_MET = ("within sla", "completed on time", "true", "met", "yes", "on time", "achieved")
DEFAULT_BREACHED = (
    *("sla violated", "completed late", "overdue", "false", "breached", "violated", "late"),
    *("no", "missed"),
)


def _bracket_seconds(value: Any) -> int | None:
    """A bracket bound: `0`, a duration (`1h`, `24h`, `PT8H`), or null for no upper bound."""
    from charter_cli.charter.values import parse_duration

    if value is None:
        return None
    if str(value).strip() in ("0", "0s"):
        return 0
    return parse_duration(str(value)).seconds


def vendor_checks(data: dict[str, Any]) -> tuple[VendorCheck, ...]:
    """The `reconcile:` section of a (schema-valid, checked) profile as VendorCheck values."""
    out = []
    for name, spec in (data.get("reconcile") or {}).items():
        if "brackets" in spec:
            kind = "brackets"
        elif "minutes" in spec or "hours" in spec:
            kind = "minutes" if "minutes" in spec else "hours"
        else:
            kind = "verdict"
        verdicts = "met" in spec or "breached" in spec
        out.append(
            VendorCheck(
                name=name,
                judges=spec["judges"],
                kind=kind,
                met=tuple(normalise(str(v)) for v in spec.get("met") or ())
                if verdicts
                else DEFAULT_MET,
                breached=tuple(normalise(str(v)) for v in spec.get("breached") or ())
                if verdicts
                else DEFAULT_BREACHED,
                clock=spec.get("minutes")
                or spec.get("hours")
                or spec.get("clock")
                or ("calendar" if kind == "brackets" else "business"),
                brackets=tuple(
                    (normalise(str(label)), _bracket_seconds(low) or 0, _bracket_seconds(high))
                    for label, (low, high) in (spec.get("brackets") or {}).items()
                ),
                tolerance=int(spec.get("tolerance_seconds", 60)),
            )
        )
    return tuple(out)


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
    reconcile: tuple[VendorCheck, ...] = ()  # how vendor columns compare with our verdicts
    formats: tuple[str, ...] = ("iso",)
    timezone: str | None = None
    order: str | None = None  # dayfirst / monthfirst for numeric dates both orders read alike
    missing: tuple[str, ...] = ()
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # normalised keys
    statuses: Mapping[str, str] = field(default_factory=dict)  # normalised status -> category
    event_at: str | None = None
    event_order: tuple[str, ...] = ()
    lines: Mapping[str, int] = field(default_factory=dict)  # field → its line in the file
    tag_separator: str = ","  # the characters between tags, or REPEATED
    custom: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # NAME → column(s)
    negated: frozenset[str] = frozenset()  # fields mapped `{not: COLUMN}`: the column says no

    def source_columns(self) -> set[str]:
        cols = {c for alts in self.columns.values() for c in alts}
        cols |= {c for alts in self.custom.values() for c in alts}
        cols |= set(self.vendor.values()) | {m for _, m in self.derive.values()}
        if self.event_at:
            cols.add(self.event_at)
        return cols | set(self.event_order)


def _listed(value: Any) -> tuple[str, ...]:
    if isinstance(value, dict):  # `{not: COLUMN}`: the column, read negated (`Profile.negated`)
        return _listed(value["not"])
    return tuple(value) if isinstance(value, list) else (str(value),)


def stated_order(formats: tuple[str, ...]) -> str | None:
    """The day and month order a format list states: month-first when it lists `us` alone of the
    numeric formats, day-first for `dayfirst` alone, none when it lists both or neither."""
    orders = {NUMERIC_FORMATS[f] for f in formats if f in NUMERIC_FORMATS}
    return orders.pop() if len(orders) == 1 else None


def build_profile(data: dict[str, Any], path: str, doc: Document | None = None) -> Profile:
    lines: dict[str, int] = {}
    if doc is not None:
        for section in ("columns", "derive"):
            for fld in data.get(section) or {}:
                lines[fld] = doc.mark((section, fld), key=True).line
        for name in data.get("custom") or {}:
            lines[f"fields.{name}"] = doc.mark(("custom", name), key=True).line
    stamps = data.get("timestamps") or {}
    formats = tuple(stamps.get("formats") or DEFAULT_FORMATS)
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
        reconcile=vendor_checks(data),
        formats=formats,
        timezone=stamps.get("timezone"),
        order=stamps.get("order") or stated_order(formats),
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
        lines=lines,
        tag_separator=data.get("tag_separator") or ",",
        custom={str(k): _listed(v) for k, v in (data.get("custom") or {}).items()},
        negated=frozenset(k for k, v in data["columns"].items() if isinstance(v, dict)),
    )


NAMED_FORMATS = ("iso", "epoch", "us", "dayfirst", "twitter")
RULE = "profile"


def _zone_ok(name: str) -> bool:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def _semantic(doc: Document) -> list[Finding]:
    """What the schema cannot say: zones, formats, fields that derive from nothing."""
    data: dict[str, Any] = doc.data
    findings: list[Finding] = []

    def finding(path: tuple[Any, ...], message: str, *, key: bool = False) -> None:
        findings.append(doc.finding(path, Severity.ERROR, RULE, message, key=key))

    stamps = data.get("timestamps") or {}
    zone = stamps.get("timezone")
    if isinstance(zone, str) and not _zone_ok(zone):
        finding(("timestamps", "timezone"), f"{zone!r} is not an IANA time zone{zone_hint(zone)}")
    for i, fmt in enumerate(stamps.get("formats") or ()):
        if fmt in NAMED_FORMATS:
            continue
        if "%" not in fmt:
            hint = difflib.get_close_matches(fmt, NAMED_FORMATS, n=1)
            tip = f" (did you mean {hint[0]!r}?)" if hint else ""
            finding(
                ("timestamps", "formats", i),
                f"unknown timestamp format {fmt!r}{tip}: use {', '.join(NAMED_FORMATS)} "
                "or a strftime pattern such as '%d.%m.%Y %H:%M'",
            )
            continue
        try:
            datetime.strptime(datetime(2026, 3, 9, 14, 5, 7).strftime(fmt), fmt)
        except ValueError as exc:
            finding(("timestamps", "formats", i), f"strftime pattern {fmt!r} does not work: {exc}")
    columns = data.get("columns") or {}
    for fld, spec in (data.get("derive") or {}).items():
        if fld in columns:
            finding(
                ("derive", fld),
                f"{fld} is both mapped to a column and derived; keep one",
                key=True,
            )
        base = spec.get("from") if isinstance(spec, dict) else None
        if isinstance(base, str) and base not in columns:
            finding(("derive", fld, "from"), f"{fld} derives from {base}, which is not mapped")
    vendor = data.get("vendor") or {}
    for name, spec in (data.get("reconcile") or {}).items():
        if name not in vendor:
            hint = difflib.get_close_matches(name, list(vendor), n=1)
            tip = f" (did you mean {hint[0]!r}?)" if hint else ""
            finding(
                ("reconcile", name),
                f"{name} is not a `vendor:` name{tip}: `vendor:` says which column holds it",
                key=True,
            )
        kinds = [k for k in ("met", "minutes", "hours", "brackets") if k in spec]
        if "breached" in spec and "met" not in spec:
            kinds.append("met")
        if len(kinds) > 1:
            finding(
                ("reconcile", name),
                f"{name} is compared as one of verdicts (met/breached), minutes, hours or "
                f"brackets, not {' and '.join(kinds)}",
                key=True,
            )
        for label, bounds in (spec.get("brackets") or {}).items():
            try:
                low, high = (_bracket_seconds(b) for b in bounds)
            except ValueError as exc:
                finding(("reconcile", name, "brackets", label), str(exc))
                continue
            if high is not None and (low or 0) > high:
                finding(
                    ("reconcile", name, "brackets", label),
                    f"bracket {label!r} ends before it starts",
                )
    if data.get("layout") == "event-log" and not data.get("event_log"):
        finding(("layout",), "an event-log profile needs `event_log: {at: COLUMN}`")
    return findings


def check_profile(doc: Document) -> list[Finding]:
    """Every finding of a profile document: the schema first, then the semantic checks."""
    findings = check_schema(doc, schema_name=PROFILE_SCHEMA)
    if not findings:
        findings = _semantic(doc)
    return sorted(findings, key=lambda f: (f.line, f.column))


def _validated(doc: Document) -> dict[str, Any]:
    findings = check_profile(doc)
    if findings:
        first = findings[0]
        more = f" (and {len(findings) - 1} more)" if len(findings) > 1 else ""
        raise InputError(
            f"invalid profile: {first.message}{more}",
            path=first.path,
            line=first.line,
            column=first.column,
        )
    data: dict[str, Any] = doc.data
    return data


@cache
def builtin_profiles() -> dict[str, Profile]:
    """The profiles shipped with charter, by name."""
    out: dict[str, Profile] = {}
    folder = resources.files("charter_cli.tickets").joinpath("profiles")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        doc = parse_yaml(entry.read_text(encoding="utf-8"), f"<builtin>/{entry.name}", shipped=True)
        # checked by the tests, not on every run (the schema and its validator cost an audit
        # 60 ms before its first file is read); a profile file given by path is checked
        profile = build_profile(doc.data, doc.path, doc)
        out[profile.name] = profile
    return out


def builtin_profile_text(name: str) -> str:
    """The YAML of a built-in profile as shipped, comments included."""
    names = list(builtin_profiles())
    if name not in names:
        hint = difflib.get_close_matches(name, names, n=1)
        tip = f"did you mean {hint[0]!r}? " if hint else ""
        raise InputError(f"no built-in profile {name!r}; {tip}built in: {', '.join(names)}")
    folder = resources.files("charter_cli.tickets").joinpath("profiles")
    return folder.joinpath(f"{name}.yaml").read_text(encoding="utf-8")


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
    return build_profile(_validated(doc), shown_path(file), doc)


def check_charter_against(doc: Document, charter: Charter, profile: Profile) -> list[Finding]:
    """`validate --profile`: what the charter asks of exports this profile reads. A promise that
    needs a field the profile does not map will be unmeasurable (a warning naming it); a
    `pause_when` status is checked against the profile's own statuses (an error when neither a
    category nor one of them), instead of the warning about raw statuses nobody can see."""
    from charter_cli.charter.model import STATUS_CATEGORIES
    from charter_cli.fields import Need, needs, satisfied

    findings: list[Finding] = []
    mapped = set(profile.columns) | set(profile.derive) | {f"fields.{n}" for n in profile.custom}
    if profile.layout == "event-log":
        from charter_cli.tickets.events import event_log_fields  # it reads profiles

        mapped |= set(event_log_fields(dict.fromkeys(mapped, "")))
        if "author" in mapped:  # the log's messages: its first public agent reply
            mapped.add("first_response_at")
    # a ticket export whose conversation this profile reads too (`--events`): the messages give
    # the first response when the export has no column for it
    by_messages = profile.layout != "event-log" and "author" in mapped
    specs = list(enumerate(doc.data.get("promises") or []))
    rules = list(enumerate((doc.data.get("escalation") or {}).get("rules") or []))
    paths: list[tuple[str, ...] | tuple[str, int] | tuple[str, str, int]] = [
        ("promises", i) for i, _ in specs
    ]
    paths += [("escalation", "rules", i) for i, _ in rules]
    if (doc.data.get("escalation") or {}).get("forward_only"):
        paths.append(("escalation", "forward_only"))
    for promise, path in zip(charter.promises, paths, strict=True):
        lacking = [n for n in needs(promise, charter) if not satisfied(n.field, mapped)]
        history = profile.layout == "event-log" and "group" in mapped
        if promise.measure == "escalation" and not history:
            lacking += [
                Need(f, "the level reached; or pass --events with group changes")
                for f in ("escalation_level", "escalated_at")
                if f not in mapped
            ]
        if lacking:
            why: dict[str, list[str]] = {}
            for need in lacking:
                why.setdefault(need.why, []).append(need.field)
            said = "; ".join(f"{' or '.join(names)} ({reason})" for reason, names in why.items())
            message = (
                f"{promise.id}: profile {profile.name} maps no {said}: this promise will be "
                "reported as not measurable on its exports"
            )
            if by_messages and {n.field for n in lacking} == {"first_response_at"}:
                message += " unless their messages are given with --events"
            findings.append(doc.finding(path, Severity.WARNING, "profile-lacks-field", message))
    excluding = [f for selector in charter.exclude for f in selector.fields]
    lacking_exclude = [f for f in dict.fromkeys(excluding) if not satisfied(f, mapped)]
    if lacking_exclude:
        message = (
            f"profile {profile.name} maps no {' or '.join(lacking_exclude)}: the tickets this "
            "`exclude` may drop cannot be told, and are reported as not measurable"
        )
        findings.append(doc.finding(("exclude",), Severity.WARNING, "profile-lacks-field", message))
    if "timezone" not in mapped:
        for name, cal in charter.calendars.items():
            if cal.ticket_zone:
                message = (
                    f"calendar {name!r} reads hours in each ticket's zone, but profile "
                    f"{profile.name} maps no timezone: every ticket will be read in {cal.timezone}"
                )
                where = ("calendars", name, "timezone")
                findings.append(
                    doc.finding(where, Severity.WARNING, "profile-lacks-field", message)
                )
    categories = {normalise(c) for c in STATUS_CATEGORIES}
    raw = list(profile.statuses)
    for i, spec in specs:
        for j, status in enumerate(spec.get("pause_when") or []):
            key = normalise(str(status))
            if key in categories or key in profile.statuses:
                continue
            hint = difflib.get_close_matches(key, raw, n=1)
            tip = f" (did you mean {hint[0]!r}?)" if hint else ""
            message = (
                f"{status!r} is neither a status category nor a status of profile "
                f"{profile.name}{tip}"
            )
            at = ("promises", i, "pause_when", j)
            findings.append(doc.finding(at, Severity.ERROR, "profile-unknown-status", message))
    from charter_cli.measures import NAMED

    ids = [p.id for p in charter.promises]
    for check in profile.reconcile:
        if check.judges not in NAMED and check.judges not in ids:
            hint = difflib.get_close_matches(check.judges, [*ids, *NAMED], n=1)
            tip = f" (did you mean {hint[0]!r}?)" if hint else ""
            message = (
                f"profile {profile.name} compares {check.name} with {check.judges!r}, neither a "
                f"measure nor a promise of this charter{tip}: `charter reconcile` will skip it"
            )
            findings.append(
                doc.finding(("promises",), Severity.WARNING, "profile-reconcile", message)
            )
    return findings


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


CLOSE = 0.8  # difflib ratio from which a header name is taken for a typo of the profile's column


def check_columns(
    lacking: dict[str, tuple[str, ...]],
    sources: dict[str, str],
    names: Sequence[str],
    profile: Profile,
    path: str,
) -> None:
    """A mapped column the export lacks while a header name is close to it is a typo, not an
    absent field: exit 2 with the suggestion and the profile's line."""
    used = {header_key(c) for c in sources.values()}
    free = {header_key(str(n)): str(n) for n in names if header_key(str(n)) not in used}
    for fld, alternatives in lacking.items():
        for wanted in alternatives:
            key = header_key(wanted)
            close = [
                (difflib.SequenceMatcher(None, key, k).ratio(), name) for k, name in free.items()
            ]
            close = [c for c in close if c[0] >= CLOSE]
            if close:
                best = max(close)[1]
                raise InputError(
                    f"profile {profile.name} maps {fld} to column {wanted!r}, which {path} does "
                    f"not have; did you mean {best!r}?",
                    path=profile.path,
                    line=profile.lines.get(fld),
                )
