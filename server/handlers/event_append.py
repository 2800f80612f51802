"""Append one event to an inspection's log: its seq, its stored frame and its link in the hash chain.

The one place an event row is written (dispatch.apply_command calls it for every command), so the chain is computed
in exactly one way. One statement allocates the seq and reads the previous event's chain hash
(a subquery in the head's ``RETURNING``); the caller holds the inspection's row lock (dispatch.lock_inspections)
from before that statement, so on PostgreSQL its snapshot already holds every event another server committed.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from server.network import notify
from server.storage import chain
from server.storage.tables import EventRow, InspectionRow
from shared.protocol import Event, Inspector, encode

_events = EventRow.__table__  # type: ignore[attr-defined]
_inspections = InspectionRow.__table__  # type: ignore[attr-defined]

_PREVIOUS_CHAIN = (
    select(_events.c.chain)
    .where(_events.c.inspection_id == bindparam("inspection"), _events.c.seq == _inspections.c.head - 1)
    .correlate(_inspections)
    .scalar_subquery()
)
_NEXT_SEQ = (
    update(_inspections)
    .where(_inspections.c.id == bindparam("inspection"))
    .values(head=_inspections.c.head + 1)
    .returning(_inspections.c.head, _PREVIOUS_CHAIN)
)
_ADD_EVENT = insert(_events)


def append_event(
    connection: Connection,
    *,
    inspection_id: int,
    kind: str,
    actor: Inspector | None,
    at: datetime,
    payload: dict[str, Any],
    command_id: str,
    digest: str,
) -> tuple[Event, str]:
    """Write the next event of the inspection (not committed here) and announce it; returns it with its frame."""
    seq, previous = connection.execute(_NEXT_SEQ, {"inspection": inspection_id}).one()
    actor_id = actor.id if actor is not None else None
    content = chain.content_hash(payload)
    event = Event(seq=seq, kind=kind, actor=actor, at=at, data=payload)
    frame = encode(event)  # once: broadcast now, and sent as stored by every catch-up
    connection.execute(
        _ADD_EVENT,
        {
            "inspection_id": inspection_id,
            "seq": seq,
            "kind": kind,
            "actor_id": actor_id,
            "at": at,
            "data": json.dumps(payload, separators=(",", ":")),  # in the handler's order, as replay expects
            "command_id": command_id,
            "command_digest": digest,
            "frame": frame,
            "content_hash": content,
            "chain": chain.chain_hash(
                previous or chain.GENESIS, seq=seq, kind=kind, actor_id=actor_id, at=at, command_id=command_id,
                content=content,
            ),
        },
    )
    notify.announce(connection, inspection_id=inspection_id, seq=seq)  # other processes' clients see it
    return event, frame
