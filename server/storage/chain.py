"""The event log's hash chain: what each event's two hashes cover, so an edit to the log cannot go unnoticed.

Each event stores a *content hash*, over its data alone (canonical JSON: sorted keys, no spaces), and a *chain
hash*, over the previous event's chain hash and everything else about the event: seq, kind, actor, time, command id
and the content hash. Redaction replaces an event's content, so its content hash no longer matches, but the chain
still does, and the redaction event names the seq it changed: ``triangulate audit verify`` tells a redaction from an
edit. Pure functions, used by the writer, the 0006 migration, ``audit verify`` and the archive check alike.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from typing import Any

GENESIS = "0" * 64
"""The previous chain hash of an inspection's first event."""


def canonical(payload: dict[str, Any]) -> str:
    """An event's data as one string that does not depend on how its JSON was spelled."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(payload: dict[str, Any]) -> str:
    return hash_text(canonical(payload))


def hash_text(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


def moment(at: datetime) -> int:
    """The event's time as the chain covers it: microseconds since 1970 UTC, in integer arithmetic (SQLite hands
    times back naive, in UTC; PostgreSQL in its session's zone)."""
    return ((at.replace(tzinfo=UTC) if at.tzinfo is None else at) - EPOCH) // MICROSECOND


def chain_hash(
    prev: str, *, seq: int, kind: str, actor_id: int | None, at: datetime, command_id: str, content: str
) -> str:
    """The chain hash of one event. The parts go in as a JSON array, so no text typed into a command id can
    make two different events hash alike."""
    return hash_text(json.dumps([prev, seq, kind, actor_id, moment(at), command_id, content], ensure_ascii=False))
