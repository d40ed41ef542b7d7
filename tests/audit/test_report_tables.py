"""The report tables: the worst breaches take the ticket attributes of their few rows only,
and must read exactly as the full per-ticket table does."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from charter_cli.audit import State, audit_files
from charter_cli.summary import Wants, outcome_frame, reduce, ticket_columns
from tests.conftest import ROOT

CHARTER = ROOT / "charters" / "examples" / "nordlys-nettbutikk.yaml"


def test_worst_breaches_read_like_the_full_table(tmp_path: Path) -> None:
    channels = ["E-mail", "phone", "fax", "chat", "Messenger", ""]
    priorities = ["urgent", "medium", "kritisk", "low", ""]
    rows = [
        f"T{i},2026-10-{1 + i % 28:02d} {8 + i % 10:02d}:00,{channels[i % 6]},"
        f"{priorities[i % 5]},Gruppe {'ÆØÅ'[i % 3]},Agent {i % 7},"
        f"2026-10-{1 + (i * 7) % 28:02d} 12:00\n"
        for i in range(600)
    ]
    export = tmp_path / "export.csv"
    export.write_text(
        "ticket_id,created_at,channel,priority,group,assignee,first_response_at\n" + "".join(rows),
        encoding="utf-8",
    )
    result = audit_files(str(CHARTER), [str(export)])
    worst = reduce(result, np.arange(len(result.tickets)), Wants(worst=5)).worst
    worst = worst.sort_values("overdue_seconds", ascending=False, kind="stable").head(5)
    assert len(worst) == 5  # few rows: the attributes were taken for those rows only
    full = ticket_columns(result.tickets)
    for _, breach in worst.iterrows():
        row = full.loc[full["ticket_id"] == breach["ticket_id"]].iloc[0]
        for column in ("channel", "priority", "group", "assignee"):
            left, right = breach[column], row[column]
            assert (pd.isna(left) and pd.isna(right)) or left == right, (column, left, right)
    outcome = result.outcomes[1]
    pick = np.flatnonzero(outcome.state == State.BREACHED)[:3]
    few = outcome_frame(result, outcome, pick, ticket_columns(result.tickets, outcome.rows[pick]))
    every = outcome_frame(result, outcome, None, full.iloc[outcome.rows])
    every = every.iloc[pick].reset_index(drop=True)
    pd.testing.assert_frame_equal(few.astype(object), every.astype(object))
    assert set(full["channel"].dropna()) >= {"email", "phone", "fax", "chat"}  # fax: raw
