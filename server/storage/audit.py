"""Check an inspection's log against its hash chain: intact, or the first seq altered, removed or reordered.

Works on stored events however they were read (from the database, or from an archive's JSON lines), so the offline
check of an archive and ``triangulate audit verify`` on a live database are the same check. An event whose content
no longer matches its content hash passes only when a later ``record.redacted`` event names its seq: redaction
replaces content, never the chain (server/storage/chain.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from server.storage import chain
from server.storage.tables import EventRow
from shared import kinds

_events = EventRow.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Stored:
    """One event as the log holds it."""

    seq: int
    kind: str
    actor_id: int | None
    at: datetime
    command_id: str
    data: dict[str, Any]
    content_hash: str
    chain: str
    frame: str | None = None


@dataclass(frozen=True)
class Verdict:
    """What the check found: the head it reached, the redactions it accepted, and the first break (None: intact)."""

    events: int
    head_seq: int
    head_chain: str
    redactions: int
    """``record.redacted`` events in the log."""
    replaced: int
    """Events whose content a redaction replaced."""
    broken_seq: int | None = None
    why: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_seq is None

    def describe(self) -> str:
        if not self.intact:
            return f"seq {self.broken_seq} {self.why}"
        redactions = f"{self.redactions} redaction{'' if self.redactions == 1 else 's'}"
        return (
            f"chain intact: {self.events} events, head seq {self.head_seq} {self.head_chain}; {redactions} "
            f"({self.replaced} events' content replaced)"
        )


def verify(events: Iterable[Stored], *, head: int) -> Verdict:
    """Walk ``events`` in the order given (seq order, as stored) up to the inspection's ``head``."""
    previous, expected, count, redactions = chain.GENESIS, 1, 0, 0
    changed: list[int] = []  # seqs whose content no longer matches its hash
    redacted_by: dict[int, int] = {}  # seq → the seq of a redaction that names it
    broken: tuple[int, str] | None = None
    for event in events:
        if event.seq != expected:
            broken = (expected, "removed" if event.seq > expected else "reordered: seqs out of order")
            break
        link = chain.chain_hash(
            previous, seq=event.seq, kind=event.kind, actor_id=event.actor_id, at=event.at,
            command_id=event.command_id, content=event.content_hash,
        )
        if link != event.chain:
            broken = (event.seq, "altered, removed or reordered: it does not match the chain")
            break
        if event.frame is not None and not _frame_matches(event):
            broken = (event.seq, "altered: the frame sent to clients differs from the stored event")
            break
        if chain.content_hash(event.data) != event.content_hash:
            changed.append(event.seq)
        if event.kind == kinds.RECORD_REDACTED:
            redactions += 1
            for seq in event.data.get("seqs", []):
                redacted_by.setdefault(seq, event.seq)
        previous, expected, count = event.chain, expected + 1, count + 1
    if broken is None and expected <= head:
        broken = (expected, "removed: the log ends before the inspection's head")
    unexplained = [seq for seq in changed if redacted_by.get(seq, 0) <= seq]
    if unexplained and (broken is None or unexplained[0] < broken[0]):
        broken = (unexplained[0], "altered: its content does not match its hash and no redaction names it")
    return Verdict(
        events=count, head_seq=expected - 1, head_chain=previous, redactions=redactions,
        replaced=len(changed) - len(unexplained),
        broken_seq=None if broken is None else broken[0], why="" if broken is None else broken[1],
    )


def _frame_matches(event: Stored) -> bool:
    assert event.frame is not None
    try:
        sent = json.loads(event.frame)
    except ValueError:
        return False
    return (
        isinstance(sent, dict)
        and sent.get("seq") == event.seq
        and sent.get("kind") == event.kind
        and isinstance(sent.get("data"), dict)
        and chain.canonical(sent["data"]) == chain.canonical(event.data)
    )


_PAGE = 1000


def from_database(connection: Connection, *, inspection_id: int) -> Iterator[Stored]:
    """An inspection's events in seq order, a page at a time, as stored (``data`` parsed, times in UTC)."""
    after = None
    while True:
        query = select(_events).where(_events.c.inspection_id == inspection_id)
        if after is not None:
            query = query.where(_events.c.seq > after)
        rows = connection.execute(query.order_by(_events.c.seq).limit(_PAGE)).mappings().all()
        for row in rows:
            yield Stored(
                seq=row["seq"], kind=row["kind"], actor_id=row["actor_id"], at=row["at"],
                command_id=row["command_id"], data=parsed(row["data"]), content_hash=row["content_hash"],
                chain=row["chain"], frame=row["frame"],
            )
        if len(rows) < _PAGE:
            return
        after = rows[-1]["seq"]


def parsed(data: str) -> dict[str, Any]:
    """Stored data as a dict; anything else (edited into something unreadable) kept as its text, so its hash
    cannot match."""
    try:
        value = json.loads(data)
    except ValueError:
        value = None
    return value if isinstance(value, dict) else {"unreadable": data}
