"""Day and month order from the data, `--dayfirst`/`--monthfirst` and `--input-tz`, end to end.

The fixture `freshdesk-us.csv` is a Freshdesk export (its real header) written month-first by a
US account, 12-hour times, in America/New_York, every day and month 12 or less: both orders read
every value. Free-text subjects carry commas and quotes, names are not ASCII. The charter
`us-desk.yaml` runs 24/7 in America/New_York (business time = wall-clock time): first reply
within 1 h, resolution within 24 h, due dates kept.

Read month-first, by hand (EST = UTC-5, EDT = UTC-4; DST starts 2026-03-08 02:00 and ends
2026-11-01 02:00; as-of = the latest fact, 205 created 11/02 00:30 EST = 05:30Z):

- 201 created 03/07 23:30 EST (04:30Z 03/08); first reply 00:20 EST: 50 min, met; resolved
  03/08 21:00 EDT (01:00Z 03/09): 20 h 30 (21 h 30 on the wall, one hour skipped), met; due
  03/08 23:00, resolved before: met.
- 202 created 03/08 16:30 EDT; first reply 18:00: 1 h 30, breached by 30 min; resolved 03/09
  17:00: 24 h 30, breached by 30 min; due 03/09 12:00, resolved 5 h later: breached.
- 203 created 03/01 08:00 EST; reply 08:45: met; resolved 03/02 07:59: 23 h 59, met; due
  "03/02/2026" (no time) = the end of 2 March, 23:59:59: met.
- 204 created 11/01 00:30 EDT (04:30Z); first reply 01:15 falls in the repeated hour, the earlier
  instant (EDT, 05:15Z): 45 min, met; resolved 11/02 00:00 EST (05:00Z): 24 h 30 (23 h 30 on the
  wall, one hour repeated), breached by 30 min; no due date.
- 205 created 11/02 00:30 EST = as-of: first reply and resolution running; due "11/03/2026" =
  the end of 3 November, later than as-of: running.

first-reply: met 3, breached 1, running 1; resolution: met 2, breached 2, running 1;
keep-the-date: met 2, breached 1, running 1 (204 has no due date).

With `--input-tz Europe/London` (no DST change on 1 November there) 204's resolution takes
23 h 30 and is met; nothing else changes (201's March 8 is no DST day in London either, and
its 21 h 30 is met too).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from charter_cli.cli import app
from tests.conftest import DATA
from tests.conftest import PROFILES as PROFILE_DIR

CHARTER = DATA / "charters" / "audit" / "us-desk.yaml"
EXPORT = DATA / "exports" / "freshdesk-us.csv"
runner = CliRunner()

MONTH_FIRST = {
    "first-reply": {"met": 3, "breached": 1, "running": 1, "unmeasurable": 0},
    "resolution": {"met": 2, "breached": 2, "running": 1, "unmeasurable": 0},
    "keep-the-date": {"met": 2, "breached": 1, "running": 1, "unmeasurable": 0},
}


def audit(*args: str) -> tuple[int, dict | None, str]:
    result = runner.invoke(app, ["audit", str(CHARTER), *args, "-f", "json"])
    doc = json.loads(result.stdout) if result.exit_code in (0, 1) else None
    return result.exit_code, doc, result.stderr


def counts(doc: dict) -> dict[str, dict[str, int]]:
    keys = ("met", "breached", "running", "unmeasurable")
    return {p["id"]: {k: p[k] for k in keys} for p in doc["promises"]}


def with_day_13(tmp_path: Path) -> Path:
    """The fixture with one more ticket created on 03/13/2026: month-first is the only order."""
    text = EXPORT.read_text(encoding="utf-8")
    extra = (
        '206,"Password, again",Resolved,Low,Email,Question,,Front desk,03/13/2026 09:00 AM,,'
        "03/13/2026 10:00 AM,,03/13/2026 10:00 AM,03/13/2026 09:30 AM" + "," * 13 + "Mia Schäfer,"
        "mia@example.de\n"
    )
    path = tmp_path / "freshdesk-us-13.csv"
    path.write_text(text + extra, encoding="utf-8")
    return path


def stating(tmp_path: Path, order: str) -> Path:
    """The built-in Freshdesk profile, as a user's copy that states an order."""
    source = PROFILE_DIR / "freshdesk.yaml"
    text = source.read_text(encoding="utf-8")
    stated = text.replace(
        "  formats: [iso, us, dayfirst]\n", f"  formats: [iso, us, dayfirst]\n  order: {order}\n"
    )
    assert stated != text
    path = tmp_path / "freshdesk-stated.yaml"
    path.write_text(stated.replace("name: freshdesk", "name: freshdesk-us"), encoding="utf-8")
    return path


def test_ambiguous_dates_without_a_stated_order_stop_and_ask() -> None:
    code, _, stderr = audit(str(EXPORT))
    assert code == 2
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in stderr
    assert lines[0].startswith(
        f"error: {EXPORT}:2: column 'Created time': '03/07/2026 11:30 PM' reads both day-first "
        "and month-first"
    )
    assert "--dayfirst or --monthfirst" in lines[0] and "profile freshdesk" in lines[0]


def test_monthfirst_audits_by_hand() -> None:
    code, doc, _ = audit(str(EXPORT), "--monthfirst")
    assert code == 1 and doc is not None
    assert counts(doc) == MONTH_FIRST
    note = doc["data_quality"]["notes"]
    assert note == [
        f"{EXPORT}: no date tells day from month (no day above 12; e.g. line 2, column "
        "'Created time': '03/07/2026 11:30 PM'): read month-first, as --monthfirst says"
    ]


def test_monthfirst_overdue_seconds_by_hand(tmp_path: Path) -> None:
    out = tmp_path / "pairs.csv"
    result = runner.invoke(
        app, ["audit", str(CHARTER), str(EXPORT), "--monthfirst", "-q", "-o", str(out)]
    )
    assert result.exit_code == 1, result.output
    with out.open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    late = {(r["ticket_id"], r["promise"]): r["overdue_seconds"] for r in rows}
    late = {k: int(v) for k, v in late.items() if v not in ("", "0")}
    assert late == {
        ("202", "first-reply"): 1800,
        ("202", "resolution"): 1800,
        ("202", "keep-the-date"): 5 * 3600,
        ("204", "resolution"): 1800,
    }
    due = {r["ticket_id"]: r["deadline_at"] for r in rows if r["promise"] == "keep-the-date"}
    # date-only due dates: the last second of that New York day
    assert due["203"] == "2026-03-03T04:59:59Z" and due["205"] == "2026-11-04T04:59:59Z"


def test_dayfirst_reads_the_same_file_otherwise() -> None:
    code, doc, _ = audit(str(EXPORT), "--dayfirst")
    assert code == 1 and doc is not None
    assert counts(doc) != MONTH_FIRST
    assert "read day-first, as --dayfirst says" in doc["data_quality"]["notes"][0]


def test_a_day_of_13_decides_by_itself(tmp_path: Path) -> None:
    export = with_day_13(tmp_path)
    code, doc, stderr = audit(str(export))
    assert code == 1 and doc is not None, stderr
    got = counts(doc)
    assert got["first-reply"] == {"met": 4, "breached": 1, "running": 1, "unmeasurable": 0}
    assert got["resolution"] == {"met": 3, "breached": 2, "running": 1, "unmeasurable": 0}
    assert got["keep-the-date"] == MONTH_FIRST["keep-the-date"]
    assert doc["data_quality"]["notes"] == []
    # a stated order the data contradicts: the data wins, and the report says so
    code, doc, _ = audit(str(export), "--dayfirst")
    assert code == 1 and doc is not None
    assert counts(doc) == got
    assert doc["data_quality"]["notes"] == [
        f"{export}: dates read month-first, as the data shows (line 7, column 'Created time': "
        "'03/13/2026 09:00 AM'), not day-first as --dayfirst says"
    ]


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_a_profile_that_states_the_order_is_followed_and_said(tmp_path: Path, fmt: str) -> None:
    profile = stating(tmp_path, "monthfirst")
    result = runner.invoke(
        app, ["audit", str(CHARTER), str(EXPORT), "--profile", str(profile), "-f", fmt]
    )
    assert result.exit_code == 1, result.output
    said = "read month-first, as profile freshdesk-us says"
    assert said in " ".join(result.stdout.replace("│", " ").split())
    if fmt == "json":
        assert counts(json.loads(result.stdout)) == MONTH_FIRST


def test_a_flag_overrides_the_profiles_stated_order(tmp_path: Path) -> None:
    profile = stating(tmp_path, "dayfirst")
    code, doc, _ = audit(str(EXPORT), "--profile", str(profile), "--monthfirst")
    assert code == 1 and doc is not None
    assert counts(doc) == MONTH_FIRST


def test_input_tz_changes_the_dst_verdict() -> None:
    code, doc, _ = audit(str(EXPORT), "--monthfirst", "--input-tz", "Europe/London")
    assert code == 1 and doc is not None
    expected = dict(MONTH_FIRST)
    expected["resolution"] = {"met": 3, "breached": 1, "running": 1, "unmeasurable": 0}
    assert counts(doc) == expected


def test_input_tz_moves_every_instant() -> None:
    _, new_york, _ = audit(str(EXPORT), "--monthfirst")
    _, tokyo, _ = audit(str(EXPORT), "--monthfirst", "--input-tz", "Asia/Tokyo")
    assert new_york is not None and tokyo is not None
    # 11/02/2026 00:30 in New York (EST) and in Tokyo (JST, UTC+9)
    assert new_york["as_of"] == "2026-11-02T05:30:00Z"
    assert tokyo["as_of"] == "2026-11-01T15:30:00Z"


@pytest.mark.parametrize(
    "args, said",
    [
        (["--input-tz", "Mars/Olympus_Mons"], "--input-tz 'Mars/Olympus_Mons' is not a time zone"),
        (["--input-tz", "../etc/passwd"], "--input-tz '../etc/passwd' is not a time zone"),
        (["--input-tz", ""], "--input-tz '' is not a time zone"),
        (["--dayfirst", "--monthfirst"], "--dayfirst and --monthfirst exclude each other"),
    ],
)
def test_bad_options_are_exit_2_in_one_line(args: list[str], said: str) -> None:
    for command in (
        ["audit", str(CHARTER), str(EXPORT), *args],
        ["explain", str(CHARTER), str(EXPORT), "--ticket", "201", *args],
        ["diff", str(CHARTER), str(CHARTER), "--against", str(EXPORT), *args],
    ):
        result = runner.invoke(app, command)
        assert result.exit_code == 2, (command, result.output)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and said in lines[0], (command, result.stderr)
        assert "Traceback" not in result.output and "ZoneInfo" not in result.output


def test_a_bad_zone_in_a_profile_is_exit_2(tmp_path: Path) -> None:
    profile = tmp_path / "bad-zone.yaml"
    text = (PROFILE_DIR / "freshdesk.yaml").read_text()
    profile.write_text(
        text.replace(
            "  formats: [iso, us, dayfirst]\n", "  formats: [us]\n  timezone: Europe/Olso\n"
        )
    )
    code, _, stderr = audit(str(EXPORT), "--profile", str(profile))
    assert code == 2 and "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and str(profile) in lines[0] and "'Europe/Olso'" in lines[0]
    # the profile is wrong whichever zone the times are read in
    code, _, stderr = audit(str(EXPORT), "--profile", str(profile), "--input-tz", "UTC")
    assert code == 2 and "'Europe/Olso'" in stderr
    profile.write_text(text.replace("  formats: [iso, us, dayfirst]\n", "  formats: [us]\n"))
    code, doc, _ = audit(str(EXPORT), "--profile", str(profile))
    assert code == 1 and doc is not None and counts(doc) == MONTH_FIRST  # `us` alone: month-first


def test_explain_and_diff_take_the_order_too() -> None:
    result = runner.invoke(app, ["explain", str(CHARTER), str(EXPORT), "--ticket", "204"])
    assert result.exit_code == 2 and "--dayfirst or --monthfirst" in result.stderr
    result = runner.invoke(
        app, ["explain", str(CHARTER), str(EXPORT), "--ticket", "204", "--monthfirst"]
    )
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert "read month-first, as --monthfirst says" in text
    assert "verdict: BREACHED by 30m" in text  # the resolution, 24 h 30 across the DST change
    result = runner.invoke(
        app,
        ["diff", str(CHARTER), str(CHARTER), "--against", str(EXPORT), "-f", "json"],
    )
    assert result.exit_code == 2 and "--dayfirst or --monthfirst" in result.stderr
    result = runner.invoke(
        app,
        [
            "diff",
            str(CHARTER),
            str(CHARTER),
            "--against",
            str(EXPORT),
            "--monthfirst",
            "-f",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    against = json.loads(result.stdout)["against"]
    assert against["compliance"]["resolution"] == {"old": 0.5, "new": 0.5}
    assert "as --monthfirst says" in against["notes"][0]
    result = runner.invoke(
        app, ["diff", str(CHARTER), str(CHARTER), "--against", str(EXPORT), "--monthfirst"]
    )
    assert result.exit_code == 0 and "  note: " in result.stdout
    assert "as --monthfirst says" in " ".join(result.stdout.split())
