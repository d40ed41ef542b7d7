"""The per-ticket CSV of DESIGN.md §6: one row per (ticket, promise) that applies."""

from __future__ import annotations

import numpy as np
import pandas as pd

from charter_cli.audit import AuditResult
from charter_cli.clock import NAT
from charter_cli.frames import TEXT
from charter_cli.report.common import CSV_COLUMNS, Options, iso, neutralise, pairs


def render(result: AuditResult, options: Options) -> str:
    table = pairs(result)
    out = pd.DataFrame(index=table.index)
    for col in CSV_COLUMNS:
        values = table[col]
        if col.endswith("_at"):
            out[col] = iso(values.to_numpy(dtype=np.int64))
        elif col.endswith("_seconds"):
            arr = values.to_numpy(dtype=np.int64)
            out[col] = pd.Series(arr, index=table.index, dtype="Int64").mask(arr == NAT)
        else:
            out[col] = neutralise(values.astype(TEXT))
    return out.to_csv(index=False, lineterminator="\n")
