"""The standing watch: a revoked token or a changed role ends the inspector's open connections at once.

A connection authenticates once, but the lead may revoke a token or change a role at any time, from the command
line, in another process, while the server runs. Every server instance reads the standing of everyone connected
to it every ``WATCH_SECONDS`` (one indexed query) and closes the connections of anyone revoked, or whose role
changed, with 4401: nothing more is sent to them from then on. Reading the database, rather than waiting for a
notification, works the same on SQLite (which has none) and on every PostgreSQL instance.

Two more edges make "nothing more" exact. The change's own event closes the connections as it is published,
before it or any later event is sent to them (``heard``), so no event after a revocation in the log reaches the
revoked inspector. And commands are judged by the actor's standing in their own transaction
(server/handlers/membership.py), so one sent before the close is not stored for a revoked inspector.
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from server.handlers.membership import standings
from server.network.hub import Hub
from server.storage.tables import TombstoneRow
from shared.catalogue import read
from shared.kinds import INSPECTOR_REVOKED, ROLE_CHANGED
from shared.protocol import PURGED_REASON, REVOKED_REASON, Event, role_changed_reason
from shared.team import InspectorRevoked, RoleChanged
from shared.vocabulary import Role

log = logging.getLogger(__name__)

WATCH_SECONDS = 0.5
"""How often the standing of connected inspectors is read: a revocation ends their connections within this (plus
one query), well inside the two seconds promised."""


PAGE = 64
"""Inspectors whose standing one query reads: always this many ids, padded with ids no inspector has (negative),
so the query keeps one shape. With a shape for every count of people connected, the database driver kept a prepared
statement for each: 10 KiB per idle connection, over 500 of them (bench/fanout.py --idle 500)."""


def _read(engine: Engine, inspector_ids: set[int]) -> dict[int, Role]:
    ids = sorted(inspector_ids)
    found: dict[int, Role] = {}
    with Session(engine) as session:
        for start in range(0, len(ids), PAGE):
            page = ids[start : start + PAGE]
            found.update(standings(session, {*page, *range(-1, len(page) - PAGE - 1, -1)}))
    return found


def _purged(engine: Engine, inspection_ids: set[int]) -> set[int]:
    """Which of these inspections were purged: their people are gone as the revoked are, but their apps must also
    delete their copies. Read only when someone connected has lost their standing, so rarely."""
    with Session(engine) as session:
        purged = select(TombstoneRow.inspection_id).where(col(TombstoneRow.inspection_id).in_(inspection_ids))
        return set(session.exec(purged))


TEAM_CHANGES = frozenset({INSPECTOR_REVOKED, ROLE_CHANGED})


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

    def heard(self, inspection_id: int, event: Event) -> None:
        """A team change, published in log order (server/network/notify.py): close their connections before this
        event, or any after it, is sent, whichever instance or process recorded it. ``check`` remains the promise: it
        needs no event to arrive (SQLite's command-line writes are read every two seconds)."""
        if event.kind not in TEAM_CHANGES:
            return  # most events: no need to read their data
        change = read(event.kind, event.data)
        if not isinstance(change, InspectorRevoked | RoleChanged):
            return
        keep: Role | None = None  # a connection already holding the new role (it reconnected) stays open
        if isinstance(change, InspectorRevoked):
            reason = REVOKED_REASON
        else:
            keep = change.role
            reason = role_changed_reason(keep)
        whose = (inspection_id, change.inspector_id)
        for connection in self._hub.connections():
            if (connection.inspection_id, connection.inspector.id) == whose and connection.inspector.role is not keep:
                connection.dismiss(reason)

    async def check(self) -> None:
        connections = self._hub.connections()
        if not connections:
            return
        now = await asyncio.to_thread(_read, self._engine, {c.inspector.id for c in connections})
        gone = {c.inspection_id for c in connections if c.inspector.id not in now}
        purged = await asyncio.to_thread(_purged, self._engine, gone) if gone else set()
        for connection in connections:
            role = now.get(connection.inspector.id)
            if role is None and connection.inspection_id in purged:
                log.info("closing connection of inspector %s: inspection purged", connection.inspector.id)
                connection.dismiss(PURGED_REASON)
            elif role is None:
                log.info("closing connection of inspector %s: access revoked", connection.inspector.id)
                connection.dismiss(REVOKED_REASON)
            elif role is not connection.inspector.role:
                log.info("closing connection of inspector %s: role changed", connection.inspector.id)
                connection.dismiss(role_changed_reason(role))
