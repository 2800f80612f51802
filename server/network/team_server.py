"""The team server: handshake, catch-up, then commands in and events out.

A connection says ``hello`` with its token and the last seq it holds; it gets ``welcome``, the events
it missed, ``synced``, and from then on live events. Commands go to the single writer; the ack is sent
only after the commit, and the event is broadcast to the whole inspection.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from types import TracebackType

from sqlalchemy import Engine
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.protocol import State

from server.handlers.deadline_watch import MOVES_DEADLINES, DeadlineWatch, FlagOverdue
from server.handlers.dispatch import Applied
from server.handlers.errors import CommandRejected
from server.network.hub import Connection, Hub, send_together
from server.network.limits import (
    COOL_OFF,
    DEFAULT_COMMAND_BURST,
    DEFAULT_COMMAND_RATE,
    DEFAULT_HANDSHAKE_TIMEOUT,
    DEFAULT_MAX_CONNECTIONS,
    CommandLimiter,
    CoolOff,
    RateLimit,
    Verdict,
    close_flooder,
    refuse_extra_connection,
)
from server.network.notify import Relay
from server.network.standing import StandingWatch
from server.network.tls import server_context
from server.storage import database
from server.storage.database import Logged
from server.storage.retention import refusal
from server.storage.shelf import EngineShelf
from server.storage.tables import utcnow
from server.storage.writer import Submission, Writer
from shared.catalogue import decode_command
from shared.protocol import (
    UNAUTHORIZED_CLOSE,
    Ack,
    Error,
    ErrorCode,
    ProtocolError,
    Synced,
    Welcome,
    decode_hello,
    encode,
)
from shared.redact import redacting_logger

log = logging.getLogger(__name__)

REPLAY_SLICE = 50
"""Catch-up frames sent in one write and one turn of the event loop: a page of 500 events in one go held the loop
for 20-50 ms, so every other connection's live events waited behind a reconnecting client's replay."""


@dataclass(frozen=True)
class ServerConfig:
    db_url: str
    host: str = "127.0.0.1"
    port: int = 8765
    max_frame_bytes: int = 64 * 1024
    send_queue_frames: int = 1024
    handshake_timeout: float = DEFAULT_HANDSHAKE_TIMEOUT
    command_rate: float | None = DEFAULT_COMMAND_RATE
    """Commands a second per connection; None switches the limit off (benchmarks of raw throughput)."""
    command_burst: int = DEFAULT_COMMAND_BURST
    max_connections_per_inspector: int = DEFAULT_MAX_CONNECTIONS
    flood_cool_off: float = COOL_OFF
    """Seconds an inspector just closed for flooding waits before a new connection is served
    (server/network/limits.py)."""
    certfile: str | None = None
    """PEM certificate chain: with it the server speaks ``wss://`` (server/network/tls.py)."""
    keyfile: str | None = None
    catch_up_page: int = database.CATCH_UP_PAGE
    """Events read from the log in one query during catch-up (small in tests, to replay across many pages)."""
    engines: EngineShelf | None = None
    """Where to take an open engine on ``db_url`` from, and put it back when stopped (server/storage/shelf.py: a
    process that starts server after server); None opens a new one and disposes of it."""


def _forget_upgrade(websocket: ServerConnection) -> None:
    """Drop the upgrade's headers, request and response, which websockets keeps for the connection's life and
    nothing reads once it is open: 3-4 KiB of every idle connection (the request object stays: websockets takes
    it to mean the upgrade is done)."""
    if websocket.request is not None:
        websocket.request.headers = Headers()
    websocket.response = None


class TeamServer:
    """Run with ``async with TeamServer(config) as server:``; ``server.url`` is where to connect."""

    def __init__(self, config: ServerConfig, *, clock: Callable[[], datetime] = utcnow):
        self.config = config
        self.hub = Hub()
        self._cool_off = CoolOff(config.flood_cool_off)
        self._clock = clock
        self._engine: Engine | None = None
        self._writer: Writer | None = None
        self._writer_task: asyncio.Task[None] | None = None
        self._watch: DeadlineWatch | None = None
        self._watch_task: asyncio.Task[None] | None = None
        self._relay: Relay | None = None
        self._relay_task: asyncio.Task[None] | None = None
        self._standing: StandingWatch | None = None
        self._standing_task: asyncio.Task[None] | None = None
        self._server: Server | None = None

    @property
    def engine(self) -> Engine:
        assert self._engine is not None, "server not started"
        return self._engine

    @property
    def relay(self) -> Relay:
        assert self._relay is not None, "server not started"
        return self._relay

    @property
    def port(self) -> int:
        assert self._server is not None, "server not started"
        return int(next(iter(self._server.sockets)).getsockname()[1])

    @property
    def url(self) -> str:
        scheme = "wss" if self.config.certfile else "ws"
        return f"{scheme}://{self.config.host}:{self.port}"

    async def start(self) -> None:
        tls = server_context(self.config.certfile, self.config.keyfile) if self.config.certfile else None
        shelf = self.config.engines
        self._engine = await asyncio.to_thread(shelf.take if shelf else database.connect, self.config.db_url)
        self._writer = Writer(self._engine, clock=self._clock)
        self._writer_task = asyncio.create_task(self._writer.run(), name="writer")
        self._watch = DeadlineWatch(self._engine, self._flag_overdue, self._clock)
        self._watch_task = asyncio.create_task(self._watch.run(), name="deadline-watch")
        self._relay = Relay(self._engine, self._broadcast, lambda inspection_id: bool(self.hub.online(inspection_id)))
        await self._relay.start()
        self._relay_task = asyncio.create_task(self._relay.run(), name="relay")
        self._standing = StandingWatch(self._engine, self.hub)
        self._standing_task = asyncio.create_task(self._standing.run(), name="standing")
        self._server = await serve(
            self._handle,
            self.config.host,
            self.config.port,
            max_size=self.config.max_frame_bytes,
            compression=None,  # small JSON frames; and no decompression bombs
            ssl=tls,
            open_timeout=self.config.handshake_timeout,  # a connection that never completes the upgrade
            logger=redacting_logger("websockets.server"),  # DEBUG would log the hello, token and all
        )

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        for task in (self._standing_task, self._relay_task, self._watch_task, self._writer_task):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        if self._relay is not None:
            await self._relay.close()
        engine, self._engine = self._engine, None  # once: a shelved engine may be lent to the next server at once
        if engine is None:
            return
        if self.config.engines is not None:
            self.config.engines.put_back(engine)
        else:
            engine.dispose()

    async def serve_forever(self) -> None:
        assert self._server is not None, "server not started"
        await self._server.serve_forever()

    async def __aenter__(self) -> TeamServer:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    # ---------------------------------------------------------------- one connection

    async def _handle(self, websocket: ServerConnection) -> None:
        _forget_upgrade(websocket)
        try:
            identity = await self._authenticate(websocket)
        except ConnectionClosed:
            return
        if identity is None:
            return
        hello_since, connection = identity
        if (hold := self._cool_off.hold(connection.inspector.id)) > 0:
            # Just closed for flooding (server/network/limits.py CoolOff): nothing is read meanwhile. Waiting on the
            # connection rather than sleeping lets a client that gives up, or the server stopping, end it at once.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(websocket.wait_closed(), hold)
            if websocket.state is not State.OPEN:
                return
        cap = self.config.max_connections_per_inspector
        if self.hub.connections_of(connection.inspection_id, connection.inspector.id) >= cap:
            await refuse_extra_connection(websocket, cap)
            return
        self.hub.join(connection)  # before reading the head, so no live event can slip between
        try:
            connection.replayed(await self._catch_up(connection, hello_since))
            await self._read_commands(connection)
        except ConnectionClosed:
            pass
        finally:
            self.hub.leave(connection)
            connection.stop()

    async def _authenticate(self, websocket: ServerConnection) -> tuple[int, Connection] | None:
        """Read the hello; on any failure send only ``unauthorized`` and close with 4401."""
        try:
            first = await asyncio.wait_for(websocket.recv(), self.config.handshake_timeout)
            hello = decode_hello(first)
            found = await asyncio.to_thread(database.authenticate, self.engine, token=hello.token)
            if found is None:
                raise await asyncio.to_thread(refusal, self.engine, hello.token)
        except (TimeoutError, ProtocolError) as refused:
            if isinstance(refused, ProtocolError):
                frame = refused.frame  # says which field of the hello is wrong, never what it held
            else:
                frame = Error(code=ErrorCode.UNAUTHORIZED, message="no hello in time")
            await websocket.send(encode(frame))
            await websocket.close(UNAUTHORIZED_CLOSE, "unauthorized")
            return None
        inspector, inspection = found
        connection = Connection(websocket, inspector, inspection.id, self.config.send_queue_frames)
        return hello.since, connection

    async def _catch_up(self, connection: Connection, since: int) -> int:
        """Send welcome, every event after ``since``, then synced; returns the head replayed to."""
        engine, inspection_id = self.engine, connection.inspection_id
        epoch, head = await asyncio.to_thread(database.log_position, engine, inspection_id=inspection_id)
        self.relay.follow(inspection_id, head)  # live events after this head, whichever process commits them
        inspection = await asyncio.to_thread(database.get_inspection, engine, inspection_id=inspection_id)
        team = await asyncio.to_thread(database.team, engine, inspection_id=inspection_id)
        websocket = connection.websocket
        welcome = Welcome(
            inspector=connection.inspector,
            inspection=inspection,
            epoch=epoch,
            head=head,
            team=team,
            online=self.hub.online(inspection_id),
        )
        await websocket.send(encode(welcome))
        pages = database.frames_between(
            engine, inspection_id=inspection_id, after=since, upto=head, page=self.config.catch_up_page
        )
        while (page := await asyncio.to_thread(next, pages, None)) is not None:
            for start in range(0, len(page), REPLAY_SLICE):
                await send_together(websocket, page[start : start + REPLAY_SLICE])  # as stored when written
                await asyncio.sleep(0)  # let the other connections' frames through between slices
        await websocket.send(encode(Synced(head=head)))
        return head

    async def _read_commands(self, connection: Connection) -> None:
        assert self._writer is not None
        limiter = self._limiter()
        async for raw in connection.websocket:
            verdict = limiter.check() if limiter is not None else Verdict.ACCEPT
            if verdict is Verdict.REFUSE:
                connection.send(limiter.refusal(raw))  # type: ignore[union-attr]
                continue
            if verdict is Verdict.CLOSE:
                log.warning("closing connection of inspector %s: still sending while rate limited",
                            connection.inspector.id)
                self._cool_off.closed(connection.inspector.id)
                await close_flooder(connection.websocket)
                return
            if isinstance(raw, bytes):
                connection.send(Error(code=ErrorCode.INVALID, message="send JSON text frames, not binary"))
                continue
            try:
                command = decode_command(raw)
            except ProtocolError as refused:
                connection.send(refused.frame)
                continue
            await self._writer.submit(
                Submission(
                    inspection_id=connection.inspection_id,
                    actor=connection.inspector,
                    command=command,
                    reply=partial(self._reply, connection, command.id),
                )
            )

    def _limiter(self) -> CommandLimiter | None:
        rate = self.config.command_rate
        return CommandLimiter(RateLimit(rate, self.config.command_burst)) if rate else None

    def _reply(self, connection: Connection, command_id: str, outcome: Applied | CommandRejected) -> None:
        if isinstance(outcome, CommandRejected):
            connection.send(Error(id=command_id, code=outcome.code, message=outcome.message, field=outcome.field))
            return
        self._publish(connection.inspection_id, outcome)
        connection.acknowledge(Ack(id=command_id, seq=outcome.seq))  # after the event, even one the relay holds

    def _publish(self, inspection_id: int, outcome: Applied) -> None:
        """Hand a newly committed event to the relay, which publishes it in seq order (server/network/notify.py)."""
        if outcome.event is not None and outcome.frame is not None:
            self.relay.committed(inspection_id, Logged(outcome.event, outcome.frame))

    def _broadcast(self, inspection_id: int, logged: Logged) -> None:
        """Send an event (committed here or by another process) to this inspection's connections; alert changes
        may move a deadline, so the watch looks again."""
        if self._standing is not None:  # a revoked inspector gets neither this event nor any after it
            self._standing.heard(inspection_id, logged.event)
        self.hub.broadcast(inspection_id, logged)
        if self._watch is not None and logged.event.kind in MOVES_DEADLINES:
            self._watch.poke()

    def _flag_overdue(self, command: FlagOverdue) -> asyncio.Future[None]:
        """Submit the watch's own command; the future resolves once it is committed (or refused)."""
        assert self._writer is not None
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        def reply(outcome: Applied | CommandRejected) -> None:
            if isinstance(outcome, Applied):
                self._publish(command.inspection_id, outcome)
            if not done.done():
                done.set_result(None)

        submission = Submission(inspection_id=command.inspection_id, actor=None, command=command, reply=reply)
        asyncio.get_running_loop().create_task(self._writer.submit(submission))
        return done
