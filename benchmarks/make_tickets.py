"""Write synthetic exports of N tickets over 2026 for the Nordlys example charter.

    python benchmarks/make_tickets.py N OUT [--kind easy|realistic|us|events|messages]

- `easy` (the reference line, unchanged since round 1): generic columns, naive ISO minutes,
  one constant subject, no quotes;
- `realistic`: generic columns as a real export has them: free-text subjects and a
  description with commas, quotes, quoted newlines, emoji and non-ASCII (æøå, åäö, ąęłżź);
  ISO 8601 instants with their offset (`2026-03-05T09:12:03+01:00`, `+02:00` in summer) or in
  UTC (`…Z`); due dates sometimes a bare date;
- `us`: Freshdesk's ticket export in a US account (its real header, `MM/DD/YYYY hh:mm AM`
  wall-clock times, a BOM), read with the shipped `freshdesk` profile;
- `events`: a status history for `charter audit --events`, three changes per ticket of the
  realistic file (opened, waiting on the customer, solved or reopened), in time order;
- `messages`: a conversation for `charter audit --events`, six rows per ticket of the
  realistic file: the customer's message (open), the bot's acknowledgement, the agent's public
  reply (pending), the customer's answer (open), an internal note, the agent's last reply
  (solved; still open: the customer's next message), with `author`, `public` and a free-text
  `body` with commas, quotes and newlines, in time order.

Deterministic (seeded) and whole-column: a million tickets take a few seconds.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

CHANNELS = np.array(["email", "E-mail", "phone", "chat", "social", "web form"])
PRIORITIES = np.array(["urgent", "high", "normal", "medium", "low"])
GROUPS = np.array(["Kundeservice", "Teknisk support", "Fakturering", "Ledergruppen"])
AGENTS = np.array(
    ["Ingrid Ødegård", "Åse Bråten", "Bjørn Løvås", "Kari Nymoen", "Per Ålien", "Jørgen Sæther"]
)
STATUSES = np.array(["closed", "solved", "open", "pending"])
ZONE = "Europe/Oslo"

# free text as customers write it: commas, "quotes", apostrophes, emoji, three alphabets
SUBJECTS = np.array(
    [
        "Spørsmål om ordre",
        'Jakken er for liten, kan jeg bytte til "L"?',
        "Pakken har ikke kommet 📦",
        "Feil farge på skoene, ønsker retur",
        "Faktura mangler MVA; vennligst send ny",
        "Reklamasjon: glidelås ødelagt etter 2 uker",
        "Hvor er pakken min??? 😡",
        "Takk for rask hjelp! 🙏",
        "Levering til Tromsø, Svalbard eller Bodø?",
        "Var är mitt paket?",
        "Trasig dragkedja på jackan, vill reklamera",
        "Fel storlek – kan jag byta?",
        "Återbetalning, order 2 av 3",
        "Zamówienie nie dotarło, proszę o pomoc",
        "Błędna faktura, żółta kurtka",
        "Zwrot towaru: ąęłżź, „pilne”",
        'Can\'t log in, "urgent" – password reset loops',
        'Invoice #4471, wrong VAT; "please fix"',
        "Delivery to Zürich, 2 parcels",
        'Router "blinks", red light, again',
        "Bestilling 😊 – endre adresse",
        "Gavekort, ‘kode virker ikke’",
        "Retur av støvler (str. 42), se vedlegg",
        "Problem med betaling: Vipps, Klarna, kort",
    ]
)
PHRASES = np.array(
    [
        "Hei,",
        "Jeg bestilte en jakke for to uker siden, men den har ikke kommet.",
        'Sporingen sier "levert", men ingenting i postkassen.',
        "Kan dere sjekke, takk? 🙂",
        "Mvh, Åse",
        "Hej! Jag har fått fel storlek, kan ni hjälpa mig?",
        "Dzień dobry, paczka jest uszkodzona; proszę o zwrot pieniędzy.",
        "Ordrenummer: 12345, kundenummer 987",
        "Vedlagt: bilde av skaden (se vedlegg).",
        "Hilsen Bjørn Løvås\nTlf. +47 900 00 000",
        "PS: dette er tredje gang jeg skriver!!!",
        "Thanks, 👍",
    ]
)

# Freshdesk's export as a US account downloads it (tests/data/exports/freshdesk-us.csv)
FRESHDESK_HEADER = [
    "Ticket ID", "Subject", "Status", "Priority", "Source", "Type", "Agent", "Group",
    "Created time", "Due by Time", "Resolved time", "Closed time", "Last update time",
    "Initial response time", "Time tracked", "First response time (in hrs)",
    "Resolution time (in hrs)", "Agent interactions", "Customer interactions",
    "Resolution status", "First response status", "Tags", "Survey results", "Skill", "Product",
    "Company Name", "Full name", "Email",
]  # fmt: skip
FD_STATUS = np.array(["Closed", "Resolved", "Open", "Pending"])  # as STATUSES
FD_PRIORITY = np.array(["Urgent", "High", "Medium", "Medium", "Low"])
FD_SOURCE = np.array(["Email", "Email", "Phone", "Chat", "Twitter", "Portal"])
CUSTOMERS = np.array(
    ["José Núñez", "Chloé Dubois", "Łukasz Wiśniewski", "Søren Kierkegård", "Zoë Ångström"]
)


def tickets(n: int, seed: int = 11) -> pd.DataFrame:
    """The easy file: the reference line of every earlier benchmark, kept as it was."""
    rng = np.random.default_rng(seed)
    created, ack, reply, resolved, closed, status, still_open, due, follow = _instants(n, rng)

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


def _instants(n: int, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
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
    return created, ack, reply, resolved, closed, status, still_open, due, follow


def _stamps(seconds: np.ndarray, missing: np.ndarray | None = None) -> pa.Array:
    """UTC seconds as zoned Arrow timestamps (missing where asked)."""
    mask = None if missing is None else np.asarray(missing, dtype=bool)
    return pa.array(seconds.astype("datetime64[s]"), mask=mask).cast(pa.timestamp("s", tz=ZONE))


def _iso_text(
    seconds: np.ndarray, rng: np.random.Generator, missing: np.ndarray | None = None
) -> pa.Array:
    """ISO 8601 with the offset in force (`2026-03-05T09:12:03+01:00`), or in UTC (`…Z`) for
    a fifth of the values, as exports written partly by integrations look."""
    stamps = _stamps(seconds, missing)
    local = pc.strftime(stamps, "%Y-%m-%dT%H:%M:%S%Ez")
    utc = pc.strftime(stamps.cast(pa.timestamp("s", tz="UTC")), "%Y-%m-%dT%H:%M:%SZ")
    return pc.if_else(pa.array(rng.random(len(seconds)) < 0.2), utc, local)


def _pick(options: np.ndarray, rng: np.random.Generator, n: int) -> pa.Array:
    return pa.array(options).take(pa.array(rng.integers(0, len(options), n)))


def _subjects(n: int, rng: np.random.Generator) -> pa.Array:
    """A subject from the list with an order number (mostly distinct, as real ones are); one in
    thirty runs onto a second line."""
    base = _pick(SUBJECTS, rng, n)
    number = pa.array(rng.integers(10000, 999999, n)).cast(pa.string())
    joiner = pc.if_else(pa.array(rng.random(n) < 1 / 30), "\nordre ", " (ordre ")
    tail = pc.if_else(pc.equal(joiner, " (ordre "), ")", "")
    return pc.binary_join_element_wise(base, joiner, number, tail, "")


def _descriptions(n: int, rng: np.random.Generator) -> pa.Array:
    """Two to four phrases over several lines: the body of the customer's first message."""
    parts = [_pick(PHRASES, rng, n) for _ in range(4)]
    keep = rng.integers(2, 5, n)
    for i in (2, 3):
        parts[i] = pc.if_else(pa.array(keep > i), parts[i], "")
    return pc.binary_join_element_wise(*parts, "\n")


def realistic(n: int, seed: int = 11) -> pa.Table:
    rng = np.random.default_rng(seed)
    created, ack, reply, resolved, closed, status, still_open, due, follow = _instants(n, rng)
    no_reply = still_open & (rng.random(n) < 0.5)
    due_text = _iso_text(np.maximum(due, 0), rng, due < 0)
    # a due date is often a bare date (the end of that local day)
    day = pc.utf8_slice_codeunits(pc.strftime(_stamps(np.maximum(due, 0)), "%Y-%m-%d"), 0, 10)
    due_text = pc.if_else(pa.array(rng.random(n) < 0.3), day, due_text)
    due_text = pc.if_else(pa.array(due < 0), pa.scalar(None, pa.string()), due_text)
    return pa.table(
        {
            "ticket_id": pc.binary_join_element_wise(
                "T", pa.array(np.arange(1, n + 1)).cast(pa.string()), ""
            ),
            "created_at": _iso_text(created, rng),
            "channel": _pick(CHANNELS, rng, n),
            "priority": _pick(PRIORITIES, rng, n),
            "status": pa.array(status),
            "group": _pick(GROUPS, rng, n),
            "assignee": _pick(AGENTS, rng, n),
            "type": pa.array(np.where(rng.random(n) < 0.1, "complaint", "question")),
            "subject": _subjects(n, rng),
            "description": _descriptions(n, rng),
            "acknowledged_at": _iso_text(ack, rng),
            "first_response_at": _iso_text(reply, rng, no_reply),
            "resolved_at": _iso_text(resolved, rng, still_open),
            "closed_at": _iso_text(closed, rng, still_open),
            "due_at": due_text,
            "follow_up_at": _iso_text(np.maximum(follow, 0), rng, follow < 0),
        }
    )


def events(n: int, seed: int = 11) -> pa.Table:
    """Three status changes per ticket of `realistic(n)`: opened at creation, waiting on the
    customer from the first reply, then solved at the resolution (or, for a ticket still open,
    reopened by the customer), sorted by time as an audit log is."""
    rng = np.random.default_rng(seed)
    created, _, reply, resolved, _, status, still_open, _, _ = _instants(n, rng)
    rng = np.random.default_rng(seed + 1)
    ids = pc.binary_join_element_wise("T", pa.array(np.arange(1, n + 1)).cast(pa.string()), "")
    back = reply + rng.integers(600, 48 * 3600, n)
    at = np.concatenate([created, reply, np.where(still_open, back, resolved)])
    last = np.where(still_open, "open", np.where(status == "closed", "closed", "solved"))
    names = np.concatenate([np.full(n, "open"), np.full(n, "pending"), last])
    order = np.argsort(at, kind="stable")
    index = pa.array(np.tile(np.arange(n), 3)[order])
    return pa.table(
        {
            "ticket_id": ids.take(index),
            "at": _iso_text(at[order], rng),
            "status": pa.array(names[order]),
        }
    )


BODIES = np.array(
    [
        "Hei, pakken har ikke kommet, ordre 4711.",
        'Takk! Jeg prøvde "glemt passord", men fikk ingen e-post.',
        "Hej, fakturan stämmer inte, se bilaga; mvh Åsa",
        "Dzień dobry, zamówienie nie dotarło.\nPozdrawiam, Łukasz",
        "Vi har sendt en ny pakke 📦, sporingsnummer følger.",
        "Intern: kunden har ringt to ganger, ta kontakt i dag",
    ]
)


def messages(n: int, seed: int = 11) -> pa.Table:
    """Six rows per ticket of `realistic(n)`: customer (open), bot, agent reply (pending),
    customer (open), internal note, and the agent's last reply (solved) or, for a ticket still
    open, the customer's next message; sorted by time as an export of messages is."""
    rng = np.random.default_rng(seed)
    created, _, reply, resolved, _, _, still_open, _, _ = _instants(n, rng)
    rng = np.random.default_rng(seed + 2)
    ids = pc.binary_join_element_wise("T", pa.array(np.arange(1, n + 1)).cast(pa.string()), "")
    # the customer answers and the note comes between the reply and the resolution
    span = np.maximum(resolved - reply, 3)
    back = reply + (span * rng.uniform(0.1, 0.5, n)).astype(np.int64)
    note = back + (span * rng.uniform(0.05, 0.3, n)).astype(np.int64)
    last = np.where(still_open, note + rng.integers(600, 86400, n), resolved)
    at = np.concatenate([created, created + 30, reply, back, note, last])
    author = np.concatenate(
        [
            np.full(n, "customer"), np.full(n, "system"), np.full(n, "agent"),
            np.full(n, "customer"), np.full(n, "agent"),
            np.where(still_open, "customer", "agent"),
        ]
    )  # fmt: skip
    public = np.concatenate([np.full(4 * n, "true"), np.full(n, "false"), np.full(n, "true")])
    status = np.concatenate(
        [
            np.full(n, "open"), np.full(n, ""), np.full(n, "pending"), np.full(n, "open"),
            np.full(n, ""), np.where(still_open, "open", "solved"),
        ]
    )  # fmt: skip
    body = BODIES[rng.integers(0, 5, 6 * n)]
    body[4 * n : 5 * n] = BODIES[5]
    order = np.argsort(at, kind="stable")
    index = pa.array(np.tile(np.arange(n), 6)[order])
    return pa.table(
        {
            "ticket_id": ids.take(index),
            "at": _iso_text(at[order], rng),
            "status": pa.array(status[order]),
            "author": pa.array(author[order]),
            "public": pa.array(public[order]),
            "body": pa.array(body[order]),
        }
    )


def us(n: int, seed: int = 11) -> pa.Table:
    """Freshdesk's export, US account: `03/07/2026 11:30 PM` in the helpdesk's zone."""
    rng = np.random.default_rng(seed)
    created, _, reply, resolved, closed, status, still_open, due, _ = _instants(n, rng)
    state = np.select([status == s for s in STATUSES], FD_STATUS, "")  # four masks, not a row loop
    no_reply = still_open & (rng.random(n) < 0.5)

    def wall(seconds: np.ndarray, missing: np.ndarray | None = None) -> pa.Array:
        return pc.strftime(_stamps(seconds, missing), "%m/%d/%Y %I:%M %p")

    empty = pa.nulls(n, pa.string())
    hours = np.round((resolved - created) / 3600, 2)
    first = np.round((reply - created) / 3600, 2)
    missing_due = due < 0
    due_at = np.where(missing_due, created + 3 * 86400, due)
    return pa.table(
        {
            "Ticket ID": pa.array(np.arange(100001, 100001 + n)),
            "Subject": _subjects(n, rng),
            "Status": pa.array(state),
            "Priority": _pick(FD_PRIORITY, rng, n),
            "Source": _pick(FD_SOURCE, rng, n),
            "Type": pa.array(np.where(rng.random(n) < 0.1, "Complaint", "Question")),
            "Agent": _pick(AGENTS, rng, n),
            "Group": _pick(GROUPS, rng, n),
            "Created time": wall(created),
            "Due by Time": wall(due_at),
            "Resolved time": wall(resolved, still_open),
            "Closed time": wall(closed, still_open | (status != "closed")),
            "Last update time": wall(np.where(still_open, reply, closed)),
            "Initial response time": wall(reply, no_reply),
            "Time tracked": pc.if_else(pa.array(rng.random(n) < 0.3), "00:15", empty),
            "First response time (in hrs)": pa.array(first).cast(pa.string()),
            "Resolution time (in hrs)": pc.if_else(
                pa.array(still_open), empty, pa.array(hours).cast(pa.string())
            ),
            "Agent interactions": pa.array(rng.integers(1, 6, n)),
            "Customer interactions": pa.array(rng.integers(1, 6, n)),
            "Resolution status": pa.array(np.where(hours < 48, "Within SLA", "SLA Violated")),
            "First response status": pa.array(np.where(first < 4, "Within SLA", "SLA Violated")),
            "Tags": pc.if_else(pa.array(rng.random(n) < 0.4), "retur, vip", empty),
            "Survey results": empty,
            "Skill": empty,
            "Product": pa.array(np.full(n, "Nordlys Nettbutikk")),
            "Company Name": empty,
            "Full name": _pick(CUSTOMERS, rng, n),
            "Email": pa.array(np.full(n, "kunde@example.com")),
        }
    )


def write(table: pa.Table, out: Path, *, bom: bool = False) -> None:
    """As most exports are written: quotes only where a value needs them (pyarrow's writer
    quotes every string)."""
    frame = table.to_pandas()
    frame.to_csv(out, index=False, encoding="utf-8-sig" if bom else "utf-8", lineterminator="\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tickets", type=int, nargs="?", default=1_000_000)
    parser.add_argument("out", type=Path, nargs="?")
    parser.add_argument(
        "--kind", choices=["easy", "realistic", "us", "events", "messages"], default="easy"
    )
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    n = args.tickets
    suffix = "" if args.kind == "easy" else f"-{args.kind}"
    out: Path = args.out or Path(f"benchmarks/out/tickets-{n}{suffix}.csv")
    out.parent.mkdir(parents=True, exist_ok=True)
    if args.kind == "easy":
        tickets(n, args.seed).to_csv(out, index=False)
    elif args.kind == "realistic":
        write(realistic(n, args.seed), out)
    elif args.kind == "us":
        write(us(n, args.seed), out, bom=True)
    elif args.kind == "messages":
        write(messages(n, args.seed), out)
    else:
        write(events(n, args.seed), out)
    what = {"events": "events", "messages": "messages"}.get(args.kind, "tickets")
    rows = {"events": 3 * n, "messages": 6 * n}.get(args.kind, n)
    print(f"wrote {rows:,} {what} to {out} ({out.stat().st_size / 1e6:.0f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
