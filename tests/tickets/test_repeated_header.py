"""A header that repeats a name (Jira writes one `Labels` column per label, one `Component/s` per
component) is read without a crash: a profile that reads such a column gets the first of them, and
the report says so once."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from charter_cli.cli import app
from charter_cli.tickets.read import read_tickets
from charter_cli.tickets.sniff import repeated_names
from tests.conftest import DATA
from tests.conftest import TEMPLATES as TEMPLATE_DIR

EXPORTS = DATA / "exports"
TEMPLATES = TEMPLATE_DIR
runner = CliRunner()


def test_repeated_names_are_counted() -> None:
    header = ["Summary", "Labels", "Labels", "Labels", " Sprint", "Sprint ", "", ""]
    assert repeated_names(header) == {"Labels": 3, "Sprint": 2}


def test_a_repeated_header_name_a_profile_reads_is_noted_and_the_first_is_read(
    tmp_path: Path,
) -> None:
    """A user's profile that takes the group from Jira's `Component/s` (two columns of that
    name): no crash, the first column is read, and the report says so once."""
    profile = tmp_path / "jira-components.yaml"
    profile.write_text(
        "profile: 1\nname: jira-components\ncolumns:\n  ticket_id: Issue key\n"
        "  created_at: Created\n  group: Component/s\n"
        "timestamps:\n  formats: ['%d/%b/%y %I:%M %p']\n",
        encoding="utf-8",
    )
    t = read_tickets([EXPORTS / "jira-csv.csv"], profile=str(profile), timezone="Europe/London")
    first = t.frame.loc[t.frame["ticket_id"] == "SUP-1040", "group"].item()
    assert first == "Betaling"  # not "Nett", the second column
    assert t.notes == [
        f"{EXPORTS / 'jira-csv.csv'}: the header has 2 columns named 'Component/s'; "
        "the first is read"
    ]
    result = runner.invoke(
        app,
        ["audit", str(TEMPLATES / "saas-b2b.yaml"), str(EXPORTS / "jira-csv.csv"),
         "--profile", str(profile), "-f", "json"],
    )  # fmt: skip
    assert result.exit_code in (0, 1), result.output
    assert json.loads(result.stdout)["data_quality"]["notes"] == t.notes


def test_repeated_names_the_profile_does_not_read_are_not_noted() -> None:
    t = read_tickets([EXPORTS / "jira-csv.csv"], timezone="Europe/London")
    assert t.notes == []  # Labels, Watchers, Comment, Component/s: none of them read


def test_repeated_names_in_a_workbook(tmp_path: Path) -> None:
    """The same export saved as a workbook: read without a crash, the first column of a name."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Summary", "Issue key", "Issue id", "Created", "Labels", "Labels", "Status"])
    sheet.append(["Skriver, «igjen»", "SUP-7", 10007, "05/Oct/26 9:00 AM", "a", "b", "Open"])
    file = tmp_path / "jira.xlsx"
    book.save(file)
    t = read_tickets([file], timezone="Europe/Oslo")
    assert t.profile == "jira-csv" and t.count == 1
    assert t.frame["subject"].tolist() == ["Skriver, «igjen»"]
