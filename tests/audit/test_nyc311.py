"""The shipped NYC 311 example: a real export (Christmas Day 2013, NYC Open Data), a profile
written by a user and a charter. Every count is computed here again, independently, with pandas
from the raw file (US 12-hour New York times), and compared with the audit's."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from charter_cli.cli import app
from tests.conftest import ROOT

CHARTER = ROOT / "charters" / "examples" / "nyc311-christmas.yaml"
EXPORT = ROOT / "examples" / "nyc311" / "nyc311-2013-12-25.csv"
PROFILE = ROOT / "examples" / "nyc311" / "profile.yaml"
runner = CliRunner()


@pytest.fixture(scope="module")
def audit(tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("nyc") / "report.json"
    result = runner.invoke(
        app,
        ["audit", str(CHARTER), str(EXPORT), "--profile", str(PROFILE), "-q", "-o", str(out)],
    )
    assert result.exit_code == 1, result.output  # three promises under target
    return {p["id"]: p for p in json.loads(out.read_text())["promises"]} | {
        "_doc": json.loads(out.read_text())
    }


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    frame = pd.read_csv(EXPORT, dtype=str, keep_default_na=False)
    for column in ("Created Date", "Closed Date", "Due Date"):
        local = pd.to_datetime(frame[column].replace("", None), format="%m/%d/%Y %I:%M:%S %p")
        frame[column] = local.dt.tz_localize("America/New_York").dt.tz_convert("UTC")
    return frame


def verdicts(start: pd.Series, stop: pd.Series, deadline: pd.Series, as_of: pd.Timestamp) -> dict:
    """met / breached / running / unmeasurable of a clock that is due at `deadline`."""
    bad = stop.notna() & (stop < start)
    closed = stop.notna() & ~bad
    return {
        "met": int((closed & (stop <= deadline)).sum()),
        "breached": int(((closed & (stop > deadline)) | (stop.isna() & (deadline < as_of))).sum()),
        "running": int((stop.isna() & (deadline >= as_of)).sum()),
        "unmeasurable": int(bad.sum()),
    }


def counts(promise: dict) -> dict:
    return {k: promise[k] for k in ("met", "breached", "running", "unmeasurable")}


def test_every_row_is_a_ticket_and_as_of_is_the_last_closing(audit: dict, raw: pd.DataFrame):
    doc = audit["_doc"]
    assert len(raw) == 2386 == doc["input"]["rows"] == doc["input"]["tickets"]
    assert doc["input"]["skipped"] == 0 and doc["input"]["profile"] == "nyc311"
    latest = max(raw["Created Date"].max(), raw["Closed Date"].max())
    assert doc["as_of"] == latest.strftime("%Y-%m-%dT%H:%M:%SZ") == "2014-04-24T21:54:27Z"


def test_keep_the_date_on_the_445_requests_with_a_due_date(audit: dict, raw: pd.DataFrame):
    as_of = pd.Timestamp(audit["_doc"]["as_of"])
    dated = raw.loc[raw["Due Date"].notna()]
    assert len(dated) == 445 == audit["keep-the-date"]["applicable"]
    # judged on the closing and the due date alone, so the request closed before
    # it was opened counts too, as a data-quality note
    closed, due = dated["Closed Date"], dated["Due Date"]
    expected = {
        "met": int((closed.notna() & (closed <= due)).sum()),
        "breached": int(
            ((closed.notna() & (closed > due)) | (closed.isna() & (due < as_of))).sum()
        ),
        "running": int((closed.isna() & (due >= as_of)).sum()),
        "unmeasurable": 0,
    }
    assert counts(audit["keep-the-date"]) == expected
    assert int((closed < dated["Created Date"]).sum()) == 1  # the request closed before it opened
    assert audit["keep-the-date"]["notes"] == [
        "1 ticket was resolved before created (a data error): judged on the resolution and the "
        "due date alone"
    ]


def test_heating_within_48_hours_around_the_clock(audit: dict, raw: pd.DataFrame):
    as_of = pd.Timestamp(audit["_doc"]["as_of"])
    heat = raw.loc[raw["Complaint Type"] == "HEATING"]
    deadline = heat["Created Date"] + pd.Timedelta(hours=48)
    assert counts(audit["heat"]) == verdicts(
        heat["Created Date"], heat["Closed Date"], deadline, as_of
    )
    assert audit["heat"]["applicable"] == 1201


def test_every_request_falls_under_some_promise(audit: dict, raw: pd.DataFrame):
    quality = audit["_doc"]["data_quality"]
    assert quality["tickets_matching_no_promise"] == 0
    assert quality["unknown_values"] == {}
    hpd = int((raw["Agency"] == "HPD").sum())
    offices = len(raw) - hpd - int((raw["Agency"] == "NYPD").sum())
    assert audit["housing-repairs"]["applicable"] == hpd == 1459
    assert audit["office-resolution"]["applicable"] == offices == 629


def test_the_example_is_documented_and_its_input_untouched(audit: dict) -> None:
    readme = " ".join((ROOT / "docs" / "profiles.md").read_text(encoding="utf-8").split())
    for promise, said in (
        ("keep-the-date", "of the 445 given dates kept"),
        ("heat", "within 48 hours"),
    ):
        assert f"{audit[promise]['compliance']:.1%} {said}" in readme
    assert "nyc311-christmas.yaml" in readme and "examples/nyc311/profile.yaml" in readme
    assert EXPORT.stat().st_size == 1230128  # the file as NYC Open Data exported it
