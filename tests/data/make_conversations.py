"""Write tests/data/exports/conversations/: a realistic helpdesk month as a one-row-per-ticket
export (`tickets.csv`, generic profile, naive Oslo times, a BOM) and its history (`events.csv`,
`--events`: one row per message or change, UTC times as an API gives them).

Seeded, so the files are the same on every run: `python tests/data/make_conversations.py`.

What is in it, from 16 March to 10 April 2026 (Europe/Oslo): customers writing and agents
answering back and forth; internal notes (agent, not public) before some answers; automatic
replies and a chat bot (system) before a person answers; tickets pending while the agent waits
for the customer, solved, closed, some reopened by the customer; a few handed to second line
(group changes); tickets nobody has answered yet at the as-of time, tickets closed without an
answer, and phone tickets with no message history (the export's own first-response column).
The clocks go forward on Sunday 29 March; Maundy Thursday, Good Friday and Easter Monday (2, 3
and 6 April) fall inside some waits. Subjects and bodies hold commas, quotes, semicolons, line
breaks and æøå; nobody reads them, they are there to be skipped correctly.
"""

from __future__ import annotations

import csv
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")
SEED = 2026
FIRST_DAY = datetime(2026, 3, 16, tzinfo=OSLO)
AS_OF = datetime(2026, 4, 10, 12, 0, tzinfo=OSLO)  # the audit's --as-of
TICKETS = 320
OUT = Path(__file__).parent / "exports" / "conversations"

SUBJECTS = [
    "Faktura, feil beløp",
    'Pakken er "levert", men ikke kommet',
    "Bytte av størrelse; jakke M → L",
    "Retur av sko\nordre 2026-4411",
    "Kan ikke logge inn (æøå i passordet?)",
    "Reklamasjon: glidelås, søm og knapp",
    "Spørsmål om levering til Tromsø",
    'Rabattkode "PÅSKE26" virker ikke',
    "Dobbel trekk på kortet, haster!",
    "Endre adresse: Storgata 1, 9008 Tromsø",
]
CUSTOMER_TEXT = [
    "Hei, jeg har et problem med bestillingen min.",
    'Den sier "betalt", men jeg har ikke fått noe.\nMvh Øystein',
    "Takk, men det virker fortsatt ikke; prøvde igjen i dag.",
    "Her er bildet, håper det hjelper, hilsen Åse",
    "Når kommer pakken? Jeg reiser på påskeferie torsdag!",
    "Zamówiłam kurtkę, ale rozmiar jest zły; proszę o wymianę",
]
AGENT_TEXT = [
    "Hei! Takk for at du tok kontakt, vi ser på saken.",
    "Kan du sende oss ordrenummeret, så sjekker vi?",
    'Vi har sendt en ny pakke; sporingsnummer "NO123456789".',
    "Beklager ventetiden, refusjonen er nå på vei.\nMvh Kari Sæther",
]
NOTE_TEXT = [
    "Intern: sjekk med lager, kunden har ringt to ganger",
    "Intern: send til andrelinje hvis ikke løst i dag; ærlig talt, vanskelig kunde",
]
BOT_TEXT = [
    "Takk for henvendelsen! Vi svarer vanligvis innen 4 timer.",
    "Hei, jeg er Nordlys-boten. Har du sjekket sporingen på nordlys.no/spor?",
]


def local_start(rng: random.Random) -> datetime:
    """A creation time: mostly office hours on weekdays, some evenings and weekends."""
    day = FIRST_DAY + timedelta(days=rng.randrange(25))
    anytime = day.weekday() >= 5 or rng.random() < 0.2
    hour = rng.randrange(24) if anytime else rng.randrange(7, 17)
    return day.replace(hour=hour, minute=rng.randrange(60))


def wait(rng: random.Random) -> timedelta:
    """How long a person takes to answer: mostly a few hours, sometimes days."""
    kind = rng.random()
    if kind < 0.6:
        return timedelta(minutes=rng.randrange(5, 6 * 60))
    if kind < 0.9:
        return timedelta(minutes=rng.randrange(6 * 60, 40 * 60))
    return timedelta(minutes=rng.randrange(40 * 60, 5 * 24 * 60))


def generate(rng: random.Random) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    tickets: list[dict[str, str]] = []
    events: list[tuple[datetime, int, dict[str, str]]] = []
    for n in range(TICKETS):
        tid = f"NL-{5000 + n}"
        row, history = one(tid, rng)
        tickets.append(row)
        for at, cells in history:
            events.append((at, len(events), {"ticket_id": tid, "at": utc(at), **cells}))
    events.sort(key=lambda e: (e[0], e[1]))  # the whole history in time order, as an API pages it
    return tickets, [e[2] for e in events]


def one(
    tid: str, rng: random.Random
) -> tuple[dict[str, str], list[tuple[datetime, dict[str, str]]]]:
    """One ticket's row in the export and its history (at or before as-of)."""
    as_of = AS_OF.astimezone(UTC)
    created = local_start(rng).astimezone(UTC)
    if created >= as_of:
        created = as_of - timedelta(hours=rng.randrange(1, 30))
    channel = rng.choice(["email", "email", "chat", "web form", "phone"])
    priority = rng.choice(["normal", "normal", "high", "low", "urgent"])
    subject = rng.choice(SUBJECTS)
    rows: list[tuple[datetime, dict[str, str]]] = []

    def add(at: datetime, **cells: str) -> None:
        if at <= as_of:
            rows.append((at, cells))

    def done(
        status: str, vendor_reply: str, resolved: datetime | None, closed: datetime | None
    ) -> tuple[dict[str, str], list[tuple[datetime, dict[str, str]]]]:
        cells = {
            "ticket_id": tid,
            "created_at": local(created),
            "channel": channel,
            "priority": priority,
            "status": status,
            "group": group,
            "subject": subject,
            "first_response_at": vendor_reply,
            "resolved_at": local(resolved) if resolved else "",
            "closed_at": local(closed) if closed else "",
        }
        return cells, rows

    group = "Førstelinje"
    vendor_reply = ""  # the export's own first-response column (not always right)
    kind = rng.random()
    if channel == "phone" and kind < 0.5:
        # a phone ticket: no message history, the export says when it was answered
        answered = created + timedelta(minutes=rng.randrange(2, 300))
        if answered > as_of:
            return done("open", "", None, None)
        solved = answered + timedelta(minutes=rng.randrange(5, 600))
        if solved > as_of:
            return done("open", local(answered), None, None)
        return done("solved", local(answered), solved, None)
    add(created, status="new", group=group, author="customer", public="true",
        body=rng.choice(CUSTOMER_TEXT))  # fmt: skip
    if rng.random() < 0.35:  # the autoresponder or the chat bot, public, within minutes
        bot = created + timedelta(minutes=rng.randrange(0, 3))
        add(bot, author="system", public=rng.choice(["true", "yes", "1", ""]),
            body=rng.choice(BOT_TEXT))  # fmt: skip
        vendor_reply = local(bot) if rng.random() < 0.5 else ""  # a vendor counting the bot
    if kind < 0.04:  # spam or a duplicate: closed without an answer
        closed = created + timedelta(minutes=rng.randrange(30, 600))
        if closed > as_of:
            return done("new", vendor_reply, None, None)
        add(closed, status="closed")
        return done("closed", vendor_reply, closed, closed)
    if rng.random() < 0.25:  # an internal note before the answer
        note = created + timedelta(minutes=rng.randrange(3, 90))
        add(note, author="agent", public=rng.choice(["false", "no", "0"]),
            body=rng.choice(NOTE_TEXT))  # fmt: skip
    if rng.random() < 0.15:  # second line takes it
        group = "Andrelinje"
        add(created + timedelta(minutes=rng.randrange(10, 600)), group=group)
    reply = created + wait(rng)
    if kind > 0.95 or reply > as_of:  # nobody has answered yet
        return done("new", vendor_reply, None, None)
    vendor_reply = vendor_reply or local(reply)
    status = "pending" if rng.random() < 0.5 else "open"
    add(reply, status=status, author="agent", public=rng.choice(["true", "yes", "1", ""]),
        body=rng.choice(AGENT_TEXT))  # fmt: skip
    t = reply
    for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):  # back and forth
        t += timedelta(minutes=rng.randrange(20, 48 * 60))
        add(t, status="open", author="customer", public="true", body=rng.choice(CUSTOMER_TEXT))
        if rng.random() < 0.2:
            add(t + timedelta(minutes=rng.randrange(1, 30)), author="agent", public="false",
                body=rng.choice(NOTE_TEXT))  # fmt: skip
        t += wait(rng)
        status = "pending" if rng.random() < 0.5 else "open"
        add(t, status=status, author="agent", public="true", body=rng.choice(AGENT_TEXT))
    if t > as_of:
        return done(status, vendor_reply, None, None)
    if rng.random() < 0.2:
        return done(status, vendor_reply, None, None)  # still being worked on
    resolved: datetime | None = None
    cycles = 2 if rng.random() < 0.12 else 1
    for cycle in range(cycles):
        solved = t + timedelta(minutes=rng.randrange(0, 300))
        if solved > as_of:
            return done(status, vendor_reply, None, None)
        add(solved, status="solved")
        status, resolved = "solved", solved
        if cycle + 1 < cycles:  # the customer writes again: reopened
            t = solved + timedelta(minutes=rng.randrange(60, 3 * 24 * 60))
            if t > as_of:
                break
            add(t, status="open", author="customer", public="true",
                body=rng.choice(CUSTOMER_TEXT))  # fmt: skip
            status, resolved = "open", None
            t += wait(rng)
            if t > as_of:
                return done(status, vendor_reply, None, None)
            add(t, author="agent", public="true", body=rng.choice(AGENT_TEXT))
    closed = None
    if status == "solved" and resolved is not None:
        later = resolved + timedelta(days=rng.choice([2, 3, 4]))
        if later <= as_of:
            add(later, status="closed")
            status, closed = "closed", later
    return done(status, vendor_reply, resolved, closed)


def local(at: datetime) -> str:
    """A naive Oslo time, as a helpdesk's export screen writes it."""
    return at.astimezone(OSLO).strftime("%Y-%m-%d %H:%M")


def utc(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


EVENT_COLUMNS = ["ticket_id", "at", "status", "group", "author", "public", "body"]


def main() -> None:
    tickets, events = generate(random.Random(SEED))
    OUT.mkdir(parents=True, exist_ok=True)
    with (OUT / "tickets.csv").open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(tickets[0]))
        writer.writeheader()
        writer.writerows(tickets)
    with (OUT / "events.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=EVENT_COLUMNS, restval="")
        writer.writeheader()
        writer.writerows(events)


if __name__ == "__main__":
    main()
