"""Standing: whether a connected inspector still holds a live token, and in which role — checked, not assumed.

A connection authenticates once, but the lead may revoke a token or change a role at any time, from the command
line, in another process, while the server runs. Two checks make that take effect at once, with no notification
needed (SQLite has none) and on every server instance alike:

- the writer judges every command by the actor's standing read in the command's own transaction: a revoked
  inspector's command is refused and never stored, and a changed role is the one its permissions are judged by;
- the watch reads the standing of everyone connected here every ``WATCH_SECONDS`` (one indexed query) and closes
  the connections of anyone revoked, or whose role changed, with 4401: nothing more is sent to them from then on.
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import Engine, exists
from sqlmodel import Session, col, select

from server.errors import CommandRejected
from server.hub import Hub
from server.models import InspectorRow, TokenRow
from shared.protocol import REVOKED_REASON, ErrorCode, Inspector, role_changed_reason
from shared.vocabulary import Role

log = logging.getLogger(__name__)

WATCH_SECONDS = 0.5
"""How often the standing of connected inspectors is read: a revocation ends their connections within this (plus
one query), well inside the two seconds promised."""

_CACHE = "standing"
"""Key in ``Session.info``: each actor's standing is read once per transaction (a writer batch), not per command."""


def standings(session: Session, inspector_ids: set[int]) -> dict[int, Role]:
    """The current role of each of these inspectors who still holds a live token; the revoked are missing."""
    if not inspector_ids:
        return {}
    live = exists().where(col(TokenRow.inspector_id) == col(InspectorRow.id), col(TokenRow.revoked_at).is_(None))
    rows = session.exec(
        select(InspectorRow.id, InspectorRow.role).where(col(InspectorRow.id).in_(inspector_ids), live)
    ).all()
    return {inspector_id: Role(role) for inspector_id, role in rows if inspector_id is not None}


def current_actor(session: Session, actor: Inspector) -> Inspector:
    """``actor`` as they stand now: refused if revoked, with their present role if it changed."""
    cache: dict[int, Role | None] = session.info.setdefault(_CACHE, {})
    if actor.id not in cache:
        cache[actor.id] = standings(session, {actor.id}).get(actor.id)
    role = cache[actor.id]
    if role is None:
        raise CommandRejected(ErrorCode.UNAUTHORIZED, REVOKED_REASON)
    return actor if role is actor.role else actor.model_copy(update={"role": role})


def _read(engine: Engine, inspector_ids: set[int]) -> dict[int, Role]:
    with Session(engine) as session:
        return standings(session, inspector_ids)


class StandingWatch:
    """Closes, on this instance, every connection of an inspector revoked or given another role since it joined."""

    def __init__(self, engine: Engine, hub: Hub, *, every: float = WATCH_SECONDS) -> None:
        self._engine = engine
        self._hub = hub
        self._every = every

    async def run(self) -> None:
        while True:
            await asyncio.sleep(self._every)
            try:
                await self.check()
            except Exception:  # an unreachable database: the writer refuses their commands anyway; look again
                log.exception("could not read the standing of connected inspectors")

    async def check(self) -> None:
        connections = self._hub.connections()
        if not connections:
            return
        now = await asyncio.to_thread(_read, self._engine, {c.inspector.id for c in connections})
        for connection in connections:
            role = now.get(connection.inspector.id)
            if role is None:
                log.info("closing connection of inspector %s: access revoked", connection.inspector.id)
                connection.dismiss(REVOKED_REASON)
            elif role is not connection.inspector.role:
                log.info("closing connection of inspector %s: role changed", connection.inspector.id)
                connection.dismiss(role_changed_reason(role))
