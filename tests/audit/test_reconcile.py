"""Reconciliation with the helpdesk's own SLA verdicts (vendor_* fields of the export)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from charter_cli.cli import app
from tests.conftest import DATA, ROOT, TEMPLATES

runner = CliRunner()


def test_freshdesk_statuses_against_our_verdicts() -> None:
    charter = DATA / "charters" / "audit" / "freshdesk-desk.yaml"
    result = runner.invoke(
        app, ["audit", str(charter), str(DATA / "exports" / "freshdesk.csv"), "-f", "json"]
    )
    found = {
        d["vendor_field"]: d
        for d in json.loads(result.stdout)["data_quality"]["vendor_reconciliation"]
    }
    # ticket 101 (urgent) was answered after 20 minutes: our charter allows 15, Freshdesk's SLA more
    assert found["first_response_status"]["compared"] == 3
    assert found["first_response_status"]["disagree"] == 1
    assert found["first_response_status"]["examples"] == [
        {"ticket_id": "101", "ours": "breached", "vendor": "Within SLA"}
    ]
    assert (found["resolution_status"]["compared"], found["resolution_status"]["disagree"]) == (
        2,
        0,
    )  # 102 still running
    text = runner.invoke(
        app,
        ["audit", str(charter), str(DATA / "exports" / "freshdesk.csv")],
        env={"COLUMNS": "160"},
    ).stdout
    assert (
        "the export's first_response_status disagrees with first-reply on 1 of 3 tickets"
        in " ".join(text.split())
    )


def test_servicenow_made_sla() -> None:
    charter = DATA / "charters" / "audit" / "servicenow-desk.yaml"
    result = runner.invoke(
        app, ["audit", str(charter), str(DATA / "exports" / "servicenow.csv"), "-f", "json"]
    )
    found = {
        d["vendor_field"]: d
        for d in json.loads(result.stdout)["data_quality"]["vendor_reconciliation"]
    }
    made = found["made_sla"]
    # INC0000045 met (7h54m net of 8 h) and made_sla true; INC0000047 breached (29 h) and false;
    # INC0000048 is still open five days later (breached by then) while its last row says true
    assert (made["compared"], made["disagree"]) == (3, 1)
    assert made["examples"] == [{"ticket_id": "INC0000048", "ours": "breached", "vendor": "true"}]


RECONCILE = DATA / "reconcile"
EXPORTS = DATA / "exports"
GOLDEN = ROOT / "tests" / "golden" / "reconcile"


def _run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["reconcile", *args])
    return result.exit_code, result.stdout, result.stderr


def test_a_vendor_column_judges_every_promise_of_its_measure() -> None:
    """ServiceNow's made_sla is its resolution SLA's verdict: it is compared with both of the
    IT desk's resolution promises (critical incidents around the clock, the rest in office
    hours), each over the tickets that promise applies to."""
    code, out, _ = _run(
        str(TEMPLATES / "it-service-desk.yaml"), str(EXPORTS / "servicenow-list.csv"), "-f", "json"
    )
    assert code == 0
    found = {c["promise"]: c for c in json.loads(out)["comparisons"]}
    assert set(found) == {"critical-restore", "resolution"}
    # INC0010023 (3 h, made_sla true) and INC0010024 (5 h 30 min on 24/7, made_sla false)
    assert found["critical-restore"]["table"] == {
        "both met": 1,
        "both breached": 1,
        "we met, it breached": 0,
        "we breached, it met": 0,
    }
    assert (found["resolution"]["compared"], found["resolution"]["not_compared"]) == (4, 1)


def test_zendesk_explore_brackets_and_business_minutes(
    tmp_path: Path, update_golden: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Explore's time brackets are wall-clock hours: 60002 (Friday 16:30 to Monday 09:20, over the
    night the clocks go back) is 65 h 50 min, in '>24 hrs', while its business time is 50 min.
    60003 came in at 17:30, after the charter's hours but inside Zendesk's schedule: 20 business
    minutes for Zendesk, none for us. 60004 was reopened: the bracket is its first resolution's
    (5-24 hrs), our clock runs to the last solve, 72 h."""
    monkeypatch.chdir(ROOT)
    charter = "tests/data/reconcile/shop.yaml"
    export = "tests/data/reconcile/zendesk-explore-brackets.csv"
    out = tmp_path / "disagreements.csv"
    code, text, _ = _run(charter, export, "-o", str(out))
    assert code == 0
    _golden("zendesk-explore.txt", text, update_golden)
    _golden("zendesk-explore.csv", out.read_text(encoding="utf-8"), update_golden)
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [(r["ticket_id"], r["vendor_field"]) for r in rows] == [
        ("60003", "first_reply_business_minutes"),
        ("60003", "full_resolution_business_minutes"),
        ("60004", "full_resolution_brackets"),
    ]
    assert rows[0]["ours"] == "0 min" and rows[0]["vendor"] == "20 min"
    assert rows[2]["vendor"] == "5-24 hrs" and rows[2]["ours"] == f"{72 * 60} min"
    found = {
        (c["vendor_field"], c["promise"]): c
        for c in json.loads(_run(charter, export, "-f", "json")[1])["comparisons"]
    }
    assert found[("first_reply_brackets", "first-reply")]["table"] == {"agree": 4, "disagree": 0}
    assert found[("full_resolution_brackets", "resolution")]["not_compared"] == 1  # 60005 open


def test_a_citys_on_time_flag_in_a_users_profile(
    tmp_path: Path, update_golden: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A user's profile maps a city's `OnTime_Status` to the charter's due-date promise by its id.
    311-2013-0003 was due on 12/27/2013, a date without a time: we read the end of that day and
    the request, closed at 18:30, kept it; the city flags it OVERDUE. PENDING is no verdict."""
    monkeypatch.chdir(ROOT)
    out = tmp_path / "d.csv"
    args = ["tests/data/reconcile/city311.yaml", "tests/data/reconcile/city311.csv"]
    args += ["--profile", "tests/data/reconcile/city311-profile.yaml"]
    code, text, _ = _run(*args, "-o", str(out))
    assert code == 0
    _golden("city311.txt", text, update_golden)
    _golden("city311.json", _run(*args, "-f", "json")[1], update_golden)
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [(r["ticket_id"], r["ours"], r["vendor"]) for r in rows] == [
        ("311-2013-0003", "met", "OVERDUE")
    ]
    # the audit's data-quality sentence says the same
    audit = runner.invoke(app, ["audit", *args, "-f", "json"])
    (item,) = json.loads(audit.stdout)["data_quality"]["vendor_reconciliation"]
    assert (item["vendor_field"], item["compared"], item["disagree"]) == ("on_time", 4, 1)


def test_a_profile_without_reconciliation_says_so() -> None:
    code, text, _ = _run(
        str(DATA / "charters" / "audit" / "us-desk.yaml"), str(EXPORTS / "generic.csv")
    )
    assert code == 0 and "maps no SLA column for reconciliation" in text


def test_reconcile_names_must_be_vendor_columns(tmp_path: Path) -> None:
    profile = tmp_path / "p.yaml"
    profile.write_text(
        "profile: 1\nname: p\ncolumns: {ticket_id: Id, created_at: Created}\n"
        "vendor: {made_sla: Made SLA}\n"
        "reconcile:\n  made_sal: {judges: resolution}\n"
        "  made_sla: {judges: resolution, minutes: business, met: [yes]}\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["validate", str(profile)])
    assert result.exit_code == 1
    assert "made_sal is not a `vendor:` name (did you mean 'made_sla'?)" in result.stdout
    assert "not met and minutes" in result.stdout


def _golden(name: str, text: str, update: bool) -> None:
    golden = GOLDEN / name
    if update:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8"), (
        f"{golden} differs; run pytest --update-golden and review the diff"
    )


def test_the_audit_says_the_same_for_any_number_of_partitions() -> None:
    args = [str(RECONCILE / "shop.yaml"), str(RECONCILE / "zendesk-explore-brackets.csv")]
    said = [
        json.loads(runner.invoke(app, ["audit", *args, "--partitions", n, "-f", "json"]).stdout)[
            "data_quality"
        ]["vendor_reconciliation"]
        for n in ("1", "2", "5")
    ]
    assert said[0] == said[1] == said[2]
    assert [d["vendor_field"] for d in said[0]] == [
        "first_reply_business_minutes",
        "full_resolution_business_minutes",
        "first_reply_brackets",
        "full_resolution_brackets",
    ]  # the profile's order


def test_validate_with_the_profile_names_a_column_judging_nothing(tmp_path: Path) -> None:
    profile = tmp_path / "p.yaml"
    text = (RECONCILE / "city311-profile.yaml").read_text(encoding="utf-8")
    profile.write_text(text.replace("judges: keep-the-date", "judges: keep-the-dat"), "utf-8")
    result = runner.invoke(
        app, ["validate", "--profile", str(profile), str(RECONCILE / "city311.yaml")]
    )
    assert result.exit_code == 0  # a warning
    assert "compares on_time with 'keep-the-dat'" in result.stdout
    assert "(did you mean 'keep-the-date'?)" in result.stdout


def test_a_streamed_audit_reconciles_as_in_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    """An export larger than --memory is streamed through temporary files, partition by
    partition: the vendor columns are reconciled there too."""
    import charter_cli.streamed

    args = [str(RECONCILE / "shop.yaml"), str(RECONCILE / "zendesk-explore-brackets.csv")]

    def said(*extra: str) -> list[dict]:
        out = runner.invoke(app, ["audit", *args, "-f", "json", *extra])
        return json.loads(out.stdout)["data_quality"]["vendor_reconciliation"]

    in_memory = said()
    monkeypatch.setattr(charter_cli.streamed, "BYTES_PER_BYTE", 10**6)  # 1 KB "needs" 1 GB
    calls: list[int] = []
    real = charter_cli.streamed.audit_streamed

    def counted(*a: object, **k: object) -> object:
        calls.append(1)
        return real(*a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(charter_cli.streamed, "audit_streamed", counted)
    assert said("--memory", "64MB") == in_memory and len(in_memory) == 4
    assert calls, "the audit was not streamed"
