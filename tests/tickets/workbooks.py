"""Recipes of the workbook fixtures in tests/data/exports (`.xlsx` files are committed; this module
says what is in them and rewrites them: `python -m tests.tickets.workbooks`)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from tests.conftest import DATA

EXPORTS = DATA / "exports"
Cell = str | int | datetime | None
Sheet = tuple[list[str], list[list[Cell]]]


def _at(text: str) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


# ServiceNow: the incident list of servicenow-list.csv exported to Excel instead: field labels for
# headers, display values, date cells for the date/time fields (ServiceNow's Excel default).
_INCIDENTS = [
    ("INC0010023", "2026-10-05 08:00", "E-posten är nere för hela ekonomiavdelningen", "Åsa Öberg",
     "1 - Critical", "Closed", "Network", "Network", "Jørgen Ødegård", "2026-10-08 11:00",
     "system", "Email", "2026-10-05 11:00", "2026-10-08 11:00", "true", 0),
    ("INC0010024", "2026-10-05 20:00", 'Lagersystemet svarar inte, "timeout" vid inloggning',
     "Małgorzata Wąsik", "1 - Critical", "Resolved", "Software", "Applications", "Łukasz Żółć",
     "2026-10-06 01:30", "lukasz.zolc", "Phone", "2026-10-06 01:30", "", "false", 0),
    ("INC0010025", "2026-10-05 15:00", "Ny skärm, dockningsstation, tangentbord", "Björn Ängström",
     "2 - High", "Resolved", "Hardware", "Workplace", "Åsa Öberg", "2026-10-06 10:00",
     "asa.oberg", "Self-service", "2026-10-06 10:00", "", "true", 0),
    ("INC0010026", "2026-10-01 09:00",
     'Outlook kraschar när jag öppnar "Kalender", igen\nSkärmdump bifogad', "Zofia Wąs",
     "3 - Moderate", "On Hold", "Software", "Service Desk", "Jørgen Ødegård", "2026-10-02 14:00",
     "jorgen.odegard", "Email", "", "", "false", 1),
    ("INC0010027", "2026-10-02 14:00", "Skrivaren på plan 3 skriver ut tomma sidor", "Kåre Ås",
     "4 - Low", "Resolved", "Hardware", "Workplace", "Åsa Öberg", "2026-10-09 15:00",
     "asa.oberg", "Phone", "2026-10-09 15:00", "", "true", 0),
    ("INC0010028", "2026-10-07 10:00", "Önskemål: mörkt läge i intranätet", "Ewa Łęcka",
     "5 - Planning", "New", "Inquiry / Help", "", "", "2026-10-07 10:00", "ewa.lecka",
     "Self-service", "", "", "true", 0),
    ("INC0010029", "2026-10-05 10:00", "Dubblett av INC0010023", "Åsa Öberg", "3 - Moderate",
     "Canceled", "Network", "Service Desk", "Jørgen Ødegård", "2026-10-05 10:30",
     "jorgen.odegard", "Email", "", "2026-10-05 10:30", "true", 0),
]  # fmt: skip
_DATES = {1, 9, 12, 13}  # Opened, Updated, Resolved, Closed


def servicenow_excel() -> Sheet:
    header = ["Number", "Opened", "Short description", "Caller", "Priority", "State",
              "Category", "Assignment group", "Assigned to", "Updated", "Updated by", "Channel",
              "Resolved", "Closed", "Made SLA", "Reopen count"]  # fmt: skip
    rows: list[list[Cell]] = [
        [_at(str(v)) if i in _DATES else (v if v != "" else None) for i, v in enumerate(rec)]
        for rec in _INCIDENTS
    ]
    return header, rows


def zammad() -> Sheet:
    """Zammad's Reporting > Download (Excel): `#` for the ticket number, date cells."""
    header = ["#", "Title", "State", "Priority", "Group", "Owner", "Customer", "Organization",
              "Create Channel", "Sender", "Tags", "Created At", "Updated At", "Closed At",
              "First Response At", "Escalation At"]  # fmt: skip
    rows: list[list[Cell]] = [
        [31001, "Passord virker ikke", "closed", "2 normal", "Users", "Nils Ødegård", "Kari Å.",
         "Nordlys", "email", "Customer", None, _at("2026-10-05 09:00"), _at("2026-10-05 11:00"),
         _at("2026-10-05 11:00"), _at("2026-10-05 09:40"), None],
        [31002, "Faktura", "pending reminder", "3 high", "Billing", None, "Ola", None, "phone",
         "Agent", "faktura", _at("2026-10-06 14:30"), _at("2026-10-06 15:00"), None, None, None],
        [31003, "Bestilling, levering og \"retur\"\nav jakke", "open", "2 normal", "Users",
         "Åse Bråten", "Małgorzata Wąs", None, "web", "Customer", "retur, jakke",
         _at("2026-10-07 08:15"), _at("2026-10-07 10:00"), None, _at("2026-10-07 10:00"), None],
    ]  # fmt: skip
    return header, rows


RECIPES = {"servicenow-excel.xlsx": servicenow_excel, "zammad.xlsx": zammad}


def write(name: str, folder: Path = EXPORTS) -> Path:
    from openpyxl import Workbook

    header, rows = RECIPES[name]()
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Page 1" if name.startswith("servicenow") else "Tickets"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    path = folder / name
    book.save(path)
    return path


def read(path: Path) -> Sheet:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    try:
        values = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()
    return [str(h) for h in values[0]], values[1:]


if __name__ == "__main__":
    for recipe in RECIPES:
        print(write(recipe))
