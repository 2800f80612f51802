"""Rooms and fan-out: every connection of an inspection gets its events, and nobody else does.

A frame goes straight into a connection's transport while it keeps up; past a write limit, frames wait in
a bounded per-connection backlog drained by its own task, so one slow reader never delays the others. A
connection whose backlog overflows is closed and catches up from the log on reconnect.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict, deque

from websockets.asyncio.server import ServerConnection, broadcast

from server.storage.database import Logged
from shared.protocol import UNAUTHORIZED_CLOSE, Ack, Frame, Inspector, Presence, encode

log = logging.getLogger(__name__)

OVERFLOW_CLOSE = 1008
WRITE_LIMIT = 64 * 1024
"""Bytes a socket may hold unsent before further frames wait in its backlog."""
DRAIN_POLL = 0.005
CLOSE_GRACE = 2.0
"""Seconds a dropped slow reader gets to take its close frame before the TCP connection is cut."""


class Connection:
    """One inspector's live socket, with its backlog of frames not yet written.

    While the socket keeps up, a frame is written straight into its transport (no task switch per frame);
    once the transport holds more than ``WRITE_LIMIT`` bytes, frames wait in a bounded backlog that the
    pump drains in order; the pump runs only while frames wait (an idle connection holds no task for it, which
    was a third of its memory). A backlog that overflows means this reader is too slow, so it is let go.
    """

    def __init__(self, websocket: ServerConnection, inspector: Inspector, inspection_id: int, queue_size: int):
        self.websocket = websocket
        self.inspector = inspector
        self.inspection_id = inspection_id
        self._limit = queue_size
        self._backlog: deque[tuple[int | None, str]] | None = None
        """Frames waiting for the socket, oldest first; None while none wait (an empty deque is 600 bytes, a
        tenth of what an idle connection costs the server beyond websockets' own)."""
        self._pump: asyncio.Task[None] | None = None
        self._replayed_upto: int | None = None  # None until catch-up is sent: everything waits till then
        self._closing = False
        self._delivered = 0
        """The highest event seq handed to this connection (sent, queued, or covered by the replay)."""
        self._held: list[tuple[int, str]] = []
        """Acks whose event has not reached this connection yet, as (seq, frame)."""
        self._closer: asyncio.Task[None] | None = None

    def offer(self, text: str, seq: int | None = None) -> None:
        """Send a frame without waiting: now if the socket keeps up, else after those already waiting."""
        if self._closing:
            return
        if self._replayed_upto is not None and not self._backlog and self._writable():
            if seq is None or seq > self._replayed_upto:
                broadcast([self.websocket], text)
        elif self._backlog is not None and len(self._backlog) >= self._limit:
            log.warning("closing connection of inspector %s: send queue overflow", self.inspector.id)
            self._close(OVERFLOW_CLOSE, "send queue overflow; reconnect to catch up")
            return
        else:
            if self._backlog is None:
                self._backlog = deque()
            self._backlog.append((seq, text))
            self._start_pump()
        if seq is not None and seq > self._delivered:
            self._delivered = seq
            self._release_acks()

    def acknowledge(self, ack: Ack) -> None:
        """Send an ack, but never before its command's event: the event reaches this connection through the relay
        (server/network/notify.py), which holds it back while another instance's earlier events are still being read, so
        an ack sent at commit could overtake it. A held ack goes right after the event, in the same order."""
        if ack.seq <= self._delivered:
            self.send(ack)
        else:
            self._held.append((ack.seq, encode(ack)))

    def _release_acks(self) -> None:
        due = [text for seq, text in self._held if seq <= self._delivered]
        if due:
            self._held = [(seq, text) for seq, text in self._held if seq > self._delivered]
            for text in due:
                self.offer(text)

    def _writable(self) -> bool:
        transport = self.websocket.transport
        return transport is not None and transport.get_write_buffer_size() < WRITE_LIMIT

    def dismiss(self, reason: str) -> None:
        """Access revoked or role changed: nothing more is sent from now on, and the socket closes with 4401."""
        self._close(UNAUTHORIZED_CLOSE, reason)

    def _close(self, code: int, reason: str) -> None:
        if self._closing:
            return
        self._closing = True
        self._backlog = None
        self._closer = asyncio.get_running_loop().create_task(self._drop(code, reason))

    async def _drop(self, code: int, reason: str) -> None:
        """Close politely if the reader takes the close frame; a reader that never reads is cut off.

        ``close()`` first waits for the send buffer to drain, which a stalled reader never allows.
        """
        try:
            await asyncio.wait_for(self.websocket.close(code, reason), CLOSE_GRACE)
        except TimeoutError:
            self.websocket.transport.abort()

    def send(self, frame: Frame) -> None:
        self.offer(encode(frame))

    def replayed(self, head: int) -> None:
        """Catch-up has sent every event up to ``head``: from now on frames may go straight out, after those that
        waited for it."""
        self._replayed_upto = head
        self._start_pump()
        if head > self._delivered:
            self._delivered = head
            self._release_acks()

    def stop(self) -> None:
        """The connection has ended: stop sending what waits."""
        if self._pump is not None:
            self._pump.cancel()

    def _start_pump(self) -> None:
        if self._pump is None and self._backlog and self._replayed_upto is not None:
            self._pump = asyncio.get_running_loop().create_task(self._drain(self._replayed_upto))

    async def _drain(self, replayed_upto: int) -> None:
        """Send the backlog in order, skipping events the replay already delivered; ends when it is empty."""
        try:
            while self._backlog:
                if not self._writable():
                    await asyncio.sleep(DRAIN_POLL)  # the frame stays queued, so nothing overtakes it
                    continue
                seq, text = self._backlog.popleft()
                if seq is None or seq > replayed_upto:
                    broadcast([self.websocket], text)
        finally:
            self._pump = None
            if not self._backlog:
                self._backlog = None


async def send_together(websocket: ServerConnection, frames: list[str]) -> None:
    """Send ``frames`` in order in one write to the socket, then wait while the reader is behind.

    For catch-up, which sends thousands of frames back to back: a write (and a system call) per frame was most of
    its time (bench/catchup.py). websockets' send context checks the connection is open (else ConnectionClosed) and,
    on the way out, waits for the socket to drain.
    """
    async with websocket.send_context():
        for frame in frames:
            websocket.protocol.send_text(frame.encode())
        websocket.transport.write(b"".join(websocket.protocol.data_to_send()))


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

    def connections_of(self, inspection_id: int, inspector_id: int) -> int:
        """How many live connections this inspector has (for the per-inspector cap)."""
        return sum(1 for c in self._rooms.get(inspection_id, ()) if c.inspector.id == inspector_id)

    def connections(self) -> list[Connection]:
        """Every connection here, of every inspection."""
        return [connection for room in self._rooms.values() for connection in room]

    def online(self, inspection_id: int) -> list[int]:
        return sorted({c.inspector.id for c in self._rooms.get(inspection_id, ())})

    def broadcast(self, inspection_id: int, logged: Logged) -> None:
        """Send the event's frame, encoded once when it was written, to every connection of its inspection."""
        for connection in list(self._rooms.get(inspection_id, ())):
            connection.offer(logged.frame, logged.event.seq)

    def _announce(self, inspection_id: int) -> None:
        text = encode(Presence(online=self.online(inspection_id)))
        for connection in list(self._rooms.get(inspection_id, ())):
            connection.offer(text)

    async def close_all(self) -> None:
        for room in list(self._rooms.values()):
            for connection in list(room):
                with contextlib.suppress(Exception):
                    await connection.websocket.close(1001, "server shutting down")
