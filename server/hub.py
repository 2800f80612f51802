"""Rooms and fan-out: every connection of an inspection gets its events, and nobody else does.

Each connection has a bounded queue drained by its own task, so one slow reader never delays the
others; a connection whose queue overflows is closed and catches up from the log on reconnect.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict

from websockets.asyncio.server import ServerConnection

from shared.protocol import Event, Frame, Inspector, Presence, encode

log = logging.getLogger(__name__)

OVERFLOW_CLOSE = 1008
CLOSE_GRACE = 2.0
"""Seconds a dropped slow reader gets to take its close frame before the TCP connection is cut."""


class Connection:
    """One inspector's live socket, with its outgoing queue."""

    def __init__(self, websocket: ServerConnection, inspector: Inspector, inspection_id: int, queue_size: int):
        self.websocket = websocket
        self.inspector = inspector
        self.inspection_id = inspection_id
        self._queue: asyncio.Queue[tuple[int | None, str]] = asyncio.Queue(queue_size)
        self._closing = False

    def offer(self, text: str, seq: int | None = None) -> None:
        """Queue a frame without waiting; overflow means this reader is too slow, so let it go."""
        if self._closing:
            return
        try:
            self._queue.put_nowait((seq, text))
        except asyncio.QueueFull:
            self._closing = True
            log.warning("closing connection of inspector %s: send queue overflow", self.inspector.id)
            asyncio.get_running_loop().create_task(self._drop())

    async def _drop(self) -> None:
        """Close politely if the reader takes the close frame; a reader that never reads is cut off.

        ``close()`` first waits for the send buffer to drain, which a stalled reader never allows.
        """
        try:
            await asyncio.wait_for(
                self.websocket.close(OVERFLOW_CLOSE, "send queue overflow; reconnect to catch up"), CLOSE_GRACE
            )
        except TimeoutError:
            self.websocket.transport.abort()

    def send(self, frame: Frame) -> None:
        self.offer(encode(frame))

    async def pump(self, replayed_upto: int) -> None:
        """Send queued frames in order, skipping events the replay already delivered."""
        while True:
            seq, text = await self._queue.get()
            if seq is not None and seq <= replayed_upto:
                continue
            await self.websocket.send(text)


class Hub:
    """Who is connected to which inspection."""

    def __init__(self) -> None:
        self._rooms: dict[int, set[Connection]] = defaultdict(set)

    def join(self, connection: Connection) -> None:
        self._rooms[connection.inspection_id].add(connection)
        self._announce(connection.inspection_id)

    def leave(self, connection: Connection) -> None:
        room = self._rooms.get(connection.inspection_id)
        if room is None:
            return
        room.discard(connection)
        if not room:
            del self._rooms[connection.inspection_id]
        self._announce(connection.inspection_id)

    def online(self, inspection_id: int) -> list[int]:
        return sorted({c.inspector.id for c in self._rooms.get(inspection_id, ())})

    def broadcast(self, inspection_id: int, event: Event) -> None:
        text = encode(event)  # encoded once, shared by every connection
        for connection in list(self._rooms.get(inspection_id, ())):
            connection.offer(text, event.seq)

    def _announce(self, inspection_id: int) -> None:
        text = encode(Presence(online=self.online(inspection_id)))
        for connection in list(self._rooms.get(inspection_id, ())):
            connection.offer(text)

    async def close_all(self) -> None:
        for room in list(self._rooms.values()):
            for connection in list(room):
                with contextlib.suppress(Exception):
                    await connection.websocket.close(1001, "server shutting down")
