"""Write a synthetic generic export: N tickets over 2026 for the Nordlys example charter.

python benchmarks/make_tickets.py 1000000 benchmarks/out/tickets-1m.csv
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

CHANNELS = np.array(["email", "E-mail", "phone", "chat", "social", "web form"])
PRIORITIES = np.array(["urgent", "high", "normal", "medium", "low"])
GROUPS = np.array(["Kundeservice", "Teknisk support", "Fakturering", "Ledergruppen"])
AGENTS = np.array(
    ["Ingrid Ødegård", "Åse Bråten", "Bjørn Løvås", "Kari Nymoen", "Per Ålien", "Jørgen Sæther"]
)
STATUSES = np.array(["closed", "solved", "open", "pending"])


def tickets(n: int, seed: int = 11) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    start = np.datetime64("2026-01-01T00:00:00", "s").astype(np.int64)
    created = start + rng.integers(0, 365 * 86400, n)
    ack = created + rng.integers(0, 600, n)
    reply = created + rng.exponential(5 * 3600, n).astype(np.int64)
    resolved = reply + rng.exponential(30 * 3600, n).astype(np.int64)
    closed = resolved + rng.integers(3600, 5 * 86400, n)
    status = STATUSES[rng.integers(0, 4, n)]
    still_open = np.isin(status, ["open", "pending"])
    due = np.where(rng.random(n) < 0.2, created + rng.integers(86400, 10 * 86400, n), -1)
    follow = np.where(rng.random(n) < 0.1, resolved + rng.integers(20 * 3600, 60 * 3600, n), -1)

    def text(seconds: np.ndarray, missing: np.ndarray | None = None) -> np.ndarray:
        out = np.datetime_as_string(seconds.view("datetime64[s]"), unit="m").astype(object)
        out = np.char.replace(out.astype(str), "T", " ").astype(object)
        if missing is not None:
            out[missing] = ""
        return out

    return pd.DataFrame(
        {
            "ticket_id": np.char.add("T", np.arange(1, n + 1).astype(str)),
            "created_at": text(created),
            "channel": CHANNELS[rng.integers(0, len(CHANNELS), n)],
            "priority": PRIORITIES[rng.integers(0, len(PRIORITIES), n)],
            "status": status,
            "group": GROUPS[rng.integers(0, len(GROUPS), n)],
            "assignee": AGENTS[rng.integers(0, len(AGENTS), n)],
            "type": np.where(rng.random(n) < 0.1, "complaint", "question"),
            "subject": "Spørsmål om ordre",
            "acknowledged_at": text(ack),
            "first_response_at": text(reply, still_open & (rng.random(n) < 0.5)),
            "resolved_at": text(resolved, still_open),
            "closed_at": text(closed, still_open),
            "due_at": text(np.maximum(due, 0), due < 0),
            "follow_up_at": text(np.maximum(follow, 0), follow < 0),
        }
    )


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    out = Path(sys.argv[2] if len(sys.argv) > 2 else f"benchmarks/out/tickets-{n}.csv")
    out.parent.mkdir(parents=True, exist_ok=True)
    tickets(n).to_csv(out, index=False)
    print(f"wrote {n:,} tickets to {out} ({out.stat().st_size / 1e6:.0f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
