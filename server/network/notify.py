"""Events committed anywhere reach this process's clients: once each, in seq order, promptly.

Several server processes may share one PostgreSQL database, and the CLI writes to the database directly. So a
process cannot rely on seeing every event through its own writer. Each command's transaction sends
``NOTIFY`` (delivered by PostgreSQL only if it commits); every server ``LISTEN``s, and on a notification it reads
the events after the last seq it has published for that inspection and publishes them in order. The database,
not the notification, is the source of truth: a notification only says "look now", so one that is lost (a
dropped listener connection) costs a delay, never an event — a periodic look at each inspection's head makes up
for it, and also brings in what the CLI wrote to a SQLite file, which has no notifications at all.

Only inspections with someone connected here are followed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, event, text
from sqlmodel import Session, col, select

from server.storage import database
from server.storage.database import Logged
from server.storage.tables import EventRow, InspectionRow
from shared.protocol import Inspector

if TYPE_CHECKING:  # psycopg is only installed with the postgres extra
    from psycopg import AsyncConnection

log = logging.getLogger(__name__)

POLL_SECONDS = 2.0
"""How often each followed inspection's head is looked at even without a notification (the safety net)."""
RECONNECT_SECONDS = 1.0

CHANNEL_SQL = "left('triangulate:' || current_schema(), 63)"
"""One channel per schema (the name PostgreSQL allows is at most 63 bytes), so deployments, or test sessions,
sharing a database in different schemas do not wake each other."""


_NOTIFY = text(f"SELECT pg_notify({CHANNEL_SQL}, :payload)")


def announce(connection: Connection, *, inspection_id: int, seq: int) -> None:
    """Tell other server processes that ``seq`` exists; sent by PostgreSQL only if this transaction commits."""
    if connection.dialect.name == "postgresql":
        connection.execute(_NOTIFY, {"payload": f"{inspection_id}:{seq}"})


def parse(payload: str) -> tuple[int, int] | None:
    """``"inspection_id:seq"``, or None for anything else on the channel."""
    inspection, _, seq = payload.partition(":")
    try:
        return int(inspection), int(seq)
    except ValueError:
        return None


def heads(engine: Engine, inspection_ids: list[int]) -> dict[int, int]:
    with Session(engine) as session:
        rows = session.exec(
            select(InspectionRow.id, InspectionRow.head).where(col(InspectionRow.id).in_(inspection_ids))
        ).all()
    return {inspection_id: head for inspection_id, head in rows if inspection_id is not None}


def events_after(engine: Engine, inspection_id: int, after: int, actors: dict[int, Inspector]) -> list[Logged]:
    """Every committed event after ``after``, in one query.

    What is committed is always a gap-free run from 1: a seq is allocated under the inspection's row lock, which
    the previous command's transaction held until it committed. ``actors`` caches the team; it is read again
    only when someone new appears.
    """
    with Session(engine) as session:
        rows = session.exec(
            select(EventRow)
            .where(EventRow.inspection_id == inspection_id, EventRow.seq > after)
            .order_by(col(EventRow.seq))
        ).all()
    if any(row.actor_id is not None and row.actor_id not in actors for row in rows):
        actors.update((member.id, member) for member in database.team(engine, inspection_id=inspection_id))
    return [database.logged(row, actors.get(row.actor_id) if row.actor_id else None) for row in rows]


@dataclass
class _Followed:
    """One inspection this process publishes: the last seq sent, and local events waiting for a gap to fill."""

    published: int
    pending: dict[int, Logged] = field(default_factory=dict)
    actors: dict[int, Inspector] = field(default_factory=dict)
    reading: asyncio.Task[None] | None = None
    again: bool = False


class Relay:
    """The one path from committed events to the hub, whichever process committed them.

    ``publish`` is called once per event, in seq order per inspection; ``occupied`` says whether anyone here
    still follows an inspection (when nobody does, it is forgotten).
    """

    def __init__(
        self,
        engine: Engine,
        publish: Callable[[int, Logged], None],
        occupied: Callable[[int], bool],
        *,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        self._engine = engine
        self._publish = publish
        self._occupied = occupied
        self._poll_seconds = poll_seconds
        self._followed: dict[int, _Followed] = {}
        self._listener: AsyncConnection[Any] | None = None
        self._own_backends: set[int] = set()
        """Backend pids of this process's own database connections: their notifications are of events the writer
        hands to ``committed`` anyway, so they need no read (measured: half of all local commits without this)."""
        if engine.dialect.name == "postgresql":
            event.listen(engine, "checkout", self._checked_out)
            event.listen(engine, "close", self._closed)

    @property
    def listener_pid(self) -> int | None:
        """The listening connection's backend pid (PostgreSQL only), so a test can cut it."""
        return self._listener.info.backend_pid if self._listener is not None else None

    def _checked_out(self, dbapi_connection: Any, _record: object, _proxy: object) -> None:
        self._own_backends.add(dbapi_connection.info.backend_pid)

    def _closed(self, dbapi_connection: Any, _record: object) -> None:
        with contextlib.suppress(Exception):
            self._own_backends.discard(dbapi_connection.info.backend_pid)

    # ---------------------------------------------------------------- what the server tells the relay

    def follow(self, inspection_id: int, head: int) -> None:
        """A connection has replayed up to ``head``: publish what comes after it from now on.

        The first connection of an inspection fixes where publishing starts; anything committed between its
        head read and now was not published, so look once straight away.
        """
        if inspection_id in self._followed:
            return
        self._followed[inspection_id] = _Followed(published=head)
        self._look(inspection_id)

    def committed(self, inspection_id: int, logged: Logged) -> None:
        """This process committed an event: publish it now unless another process's events must go first."""
        followed = self._followed.get(inspection_id)
        seq = logged.event.seq
        if followed is None or seq <= followed.published:
            return  # nobody follows it here, or a catch-up read has already published it
        if seq == followed.published + 1:
            self._send(inspection_id, followed, logged)
            self._drain(inspection_id, followed)
            return
        followed.pending[seq] = logged  # an event committed elsewhere comes first: read it, then this
        self._look(inspection_id)

    def heard(self, inspection_id: int, seq: int) -> None:
        """A notification: ``seq`` was committed somewhere."""
        followed = self._followed.get(inspection_id)
        if followed is not None and seq > followed.published:
            self._look(inspection_id)

    # ---------------------------------------------------------------- publishing in order

    def _send(self, inspection_id: int, followed: _Followed, logged: Logged) -> None:
        followed.published = logged.event.seq
        followed.pending.pop(followed.published, None)
        self._publish(inspection_id, logged)

    def _drain(self, inspection_id: int, followed: _Followed) -> None:
        while (logged := followed.pending.get(followed.published + 1)) is not None:
            self._send(inspection_id, followed, logged)
        for seq in [s for s in followed.pending if s <= followed.published]:
            del followed.pending[seq]

    def _look(self, inspection_id: int) -> None:
        """Read what is committed after the last published seq; one read at a time per inspection."""
        followed = self._followed.get(inspection_id)
        if followed is None:
            return
        if followed.reading is not None:
            followed.again = True  # the read in flight may have started before this commit
            return
        followed.reading = asyncio.get_running_loop().create_task(self._read(inspection_id, followed))

    async def _read(self, inspection_id: int, followed: _Followed) -> None:
        try:
            while True:
                followed.again = False
                events = await asyncio.to_thread(
                    events_after, self._engine, inspection_id, followed.published, followed.actors
                )
                if self._followed.get(inspection_id) is not followed:
                    return  # forgotten while reading
                for logged in events:
                    if logged.event.seq == followed.published + 1:
                        self._send(inspection_id, followed, logged)
                self._drain(inspection_id, followed)
                if not followed.again:
                    return
        except Exception:  # the next notification or poll tries again
            log.exception("could not read new events of inspection %s", inspection_id)
        finally:
            followed.reading = None

    # ---------------------------------------------------------------- the safety net and the listener

    async def run(self) -> None:
        """Poll heads for ever; on PostgreSQL, listen as well (``start`` has opened the first listener)."""
        async with asyncio.TaskGroup() as tasks:
            tasks.create_task(self._poll())
            if self._engine.dialect.name == "postgresql":
                tasks.create_task(self._listen())

    async def start(self) -> None:
        """Open the listener before the server accepts anyone, so the first notification is not missed."""
        if self._engine.dialect.name == "postgresql":
            self._listener = await self._connect()

    async def _poll(self) -> None:
        while True:
            await asyncio.sleep(self._poll_seconds)
            self.look_everywhere()
            with contextlib.suppress(Exception):
                found = await asyncio.to_thread(heads, self._engine, list(self._followed))
                for inspection_id, head in found.items():
                    self.heard(inspection_id, head)

    def look_everywhere(self) -> None:
        """Forget inspections nobody here follows any more; look again where local events are waiting."""
        for inspection_id in list(self._followed):
            if not self._occupied(inspection_id):
                del self._followed[inspection_id]
            elif self._followed[inspection_id].pending:
                self._look(inspection_id)

    async def _connect(self) -> AsyncConnection[Any]:
        from psycopg import AsyncConnection, sql

        args, kwargs = self._engine.dialect.create_connect_args(self._engine.url)
        kwargs.pop("context", None)  # SQLAlchemy's adapters are for its own connections
        conn = await AsyncConnection.connect(*args, **kwargs, autocommit=True)
        channel = (await (await conn.execute(f"SELECT {CHANNEL_SQL}")).fetchone() or ("triangulate",))[0]
        await conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(str(channel))))
        return conn

    async def _listen(self) -> None:
        while True:
            try:
                if self._listener is None:
                    self._listener = await self._connect()
                    # Whatever was notified while the listener was away is in the database: look everywhere.
                    for inspection_id in list(self._followed):
                        self._look(inspection_id)
                async for note in self._listener.notifies():
                    found = parse(note.payload)
                    if found is not None and note.pid not in self._own_backends:
                        self.heard(*found)
            except Exception as lost:  # a dropped connection, a restarted database: listen again
                log.warning("lost the database listener (%s); reconnecting", lost)
            if self._listener is not None:
                with contextlib.suppress(Exception):
                    await self._listener.close()
                self._listener = None
            await asyncio.sleep(RECONNECT_SECONDS)

    async def close(self) -> None:
        if self._engine.dialect.name == "postgresql":
            event.remove(self._engine, "checkout", self._checked_out)
            event.remove(self._engine, "close", self._closed)
        if self._listener is not None:
            with contextlib.suppress(Exception):
                await self._listener.close()
            self._listener = None
        for followed in self._followed.values():
            if followed.reading is not None:
                followed.reading.cancel()
