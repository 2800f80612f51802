"""The network client: owns the WebSocket, reconnection, catch-up and the outbox; knows nothing of widgets.

``async for message in client.messages()`` runs the whole connection life: connect, ``hello`` with the
last seq cached, ``welcome`` (checking the log is still the one we cached), replay, ``synced``, then live
frames; on any failure it reports ``Disconnected`` and tries again with exponential backoff and jitter,
forever, except when the server refuses the token. Every event is in the local store before it is
yielded, and every command is in the outbox before it is sent, so a crash loses nothing and a resend
(same command id) can never post twice. A command still unacked ``resend_after`` seconds after it went
out on a live connection is sent again, for the same reason: a risk alert must not sit unconfirmed.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import ssl
import time
from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from pydantic import ValidationError
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus

from shared.protocol import (
    UNAUTHORIZED_CLOSE,
    Ack,
    Command,
    Error,
    ErrorCode,
    Event,
    Hello,
    Presence,
    Synced,
    Welcome,
    decode_server,
    encode,
)
from tui.messages import (
    Acked,
    AuthFailed,
    CacheReset,
    CaughtUp,
    ClientMessage,
    Connected,
    Disconnected,
    EventReceived,
    PresenceChanged,
    Rejected,
)
from tui.store import LocalStore

T = TypeVar("T")

MAX_FRAME_BYTES = 64 * 1024
"""The server's default frame limit; a bigger frame would get the connection closed (1009)."""

CATCH_UP_BATCH = 500
"""Replayed events are stored this many per transaction, so catching up costs few fsyncs."""

RESEND_AFTER = 5.0
"""Seconds without an ack before a command is sent again on the same connection (same id: idempotent)."""


def backoff_delay(attempt: int, base: float, cap: float, jitter: Callable[[], float]) -> float:
    """Seconds to wait before retry ``attempt`` (0 first): exponential up to ``cap``, with "equal jitter".

    Half the delay is fixed so a dead server is never hammered; the random half spreads a whole
    team's reconnects apart after the server comes back.
    """
    ceiling = min(cap, base * 2 ** min(attempt, 32))
    return ceiling / 2 + ceiling / 2 * jitter()


class _Resync(Exception):
    """The cache was dropped mid-handshake: reconnect at once asking for everything."""


class _Broken(Exception):
    """The server said something we cannot go on from; reconnecting may help."""


class TeamClient:
    """One inspector's connection to the team server, durable across drops, restarts and crashes."""

    def __init__(
        self,
        url: str,
        token: str,
        store: LocalStore,
        *,
        ssl_context: ssl.SSLContext | None = None,
        backoff: tuple[float, float] = (0.5, 10.0),
        jitter: Callable[[], float] = random.random,
        max_size: int = MAX_FRAME_BYTES,
        open_timeout: float = 10.0,
        proxy: str | bool | None = True,
        resend_after: float | None = RESEND_AFTER,
    ) -> None:
        self.url = url
        self._token = token
        self._store = store
        self._ssl = ssl_context
        self._backoff = backoff
        self._jitter = jitter
        self._max_size = max_size
        self._open_timeout = open_timeout
        self._proxy = proxy
        self._resend_after = resend_after
        self._ws: ClientConnection | None = None
        self._connected = False
        self._live = False  # past ``synced``: commands go out as soon as they are made
        self._sent: dict[str, float] = {}  # command id -> when (monotonic) it last went out on this connection
        self._closed = False
        self._stop = asyncio.Event()
        self._running = False

    # ------------------------------------------------------------ public

    @property
    def connected(self) -> bool:
        """True from ``Connected`` until the connection drops."""
        return self._connected

    @property
    def pending_count(self) -> int:
        """Commands in the outbox: not yet acked or refused."""
        return self._store.pending_count()

    async def send(self, command: Command) -> None:
        """Put the command in the outbox (durably), then send it if we are live; else it goes after ``synced``.

        Raises ValueError for a command too big for the server, which would otherwise be retried forever.
        """
        text = encode(command)
        if len(text.encode()) > self._max_size:
            raise ValueError(f"command is {len(text.encode())} bytes; the server accepts at most {self._max_size}")
        await self._run(self._store.enqueue, command)
        ws = self._ws
        if ws is None or not self._live or command.id in self._sent:
            return
        self._sent[command.id] = time.monotonic()
        with contextlib.suppress(ConnectionClosed):  # it stays in the outbox and goes after the reconnect
            await ws.send(text)

    async def close(self) -> None:
        """Stop for good: close the socket and end ``messages()`` without a ``Disconnected``."""
        self._closed = True
        self._stop.set()
        ws = self._ws
        if ws is not None:
            await ws.close()

    async def messages(self) -> AsyncIterator[ClientMessage]:
        """Connect, and keep connecting, yielding what the app needs to know, until ``close()`` or AuthFailed."""
        if self._running:
            raise RuntimeError("messages() is already running for this client")
        self._running = True
        attempt = 0
        try:
            while not self._closed:
                since = await self._run(lambda: self._store.head)
                try:
                    ws = await self._open()
                except InvalidStatus as refused:
                    if refused.response.status_code in (401, 403):
                        yield AuthFailed(str(refused))
                        return
                    reason = str(refused)
                except (OSError, TimeoutError, InvalidHandshake) as failed:
                    reason = _unreachable(self.url, failed)
                else:
                    if ws is None:
                        return
                    try:
                        async with contextlib.aclosing(self._session(ws, since)) as session:
                            async for message in session:
                                if isinstance(message, Connected):
                                    attempt = 0
                                yield message
                                if isinstance(message, AuthFailed):
                                    return
                        reason = "connection ended"
                    except _Resync:
                        continue
                    except _Broken as broken:
                        reason = str(broken)
                    except ConnectionClosed as lost:
                        if lost.rcvd is not None and lost.rcvd.code == UNAUTHORIZED_CLOSE:
                            yield AuthFailed(lost.rcvd.reason or "the server refused this token")
                            return
                        reason = _closed_reason(lost)
                    finally:
                        self._ws = None
                        self._connected = self._live = False
                        self._sent.clear()
                        await ws.close()
                if self._closed:
                    return
                delay = backoff_delay(attempt, *self._backoff, self._jitter)
                attempt += 1
                yield Disconnected(retry_in=delay, reason=reason)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), delay)
        finally:
            self._running = False

    # ------------------------------------------------------------ one connection

    async def _open(self) -> ClientConnection | None:
        """Open the socket, or return None if ``close()`` is called while we wait for it."""
        options: dict[str, Any] = {
            "compression": None,
            "max_size": self._max_size,
            "open_timeout": self._open_timeout,
            "proxy": self._proxy,
        }
        if self._ssl is not None:
            options["ssl"] = self._ssl
        opening = asyncio.ensure_future(connect(self.url, **options))
        stopping = asyncio.ensure_future(self._stop.wait())
        try:
            await asyncio.wait({opening, stopping}, return_when=asyncio.FIRST_COMPLETED)
        except BaseException:
            opening.cancel()
            raise
        finally:
            stopping.cancel()
        if not opening.done():
            opening.cancel()
            with contextlib.suppress(asyncio.CancelledError, OSError, TimeoutError, InvalidHandshake):
                await opening
            return None
        ws = opening.result()
        if self._closed:
            await ws.close()
            return None
        self._ws = ws
        return ws

    async def _session(self, ws: ClientConnection, since: int) -> AsyncIterator[ClientMessage]:
        """Handshake, replay and live frames on one socket; ends by an exception when the socket does."""
        await ws.send(encode(Hello(token=self._token, since=since)))
        first = _decode(await ws.recv())
        if isinstance(first, Error):
            if first.code == ErrorCode.UNAUTHORIZED:
                yield AuthFailed(first.message)
                return
            raise _Broken(f"server refused the handshake: {first.message}")
        if not isinstance(first, Welcome):
            raise _Broken("server did not answer hello with welcome")
        cached_epoch = await self._run(lambda: self._store.epoch)
        if (cached_epoch is not None and cached_epoch != first.epoch) or since > first.head:
            await self._run(self._store.reset)
            yield CacheReset()
            if since > 0:
                raise _Resync  # the server is already replaying from the wrong place
        await self._run(self._store.save_welcome, first)
        self._connected = True
        yield Connected(first)

        head = since
        replayed: list[Event] = []
        retrying: asyncio.Task[None] | None = None
        try:
            async with contextlib.aclosing(self._frames(ws, head, replayed)) as frames:
                async for message in frames:
                    if isinstance(message, CaughtUp) and retrying is None and self._resend_after:
                        retrying = asyncio.create_task(self._resend_unacked(ws, self._resend_after))
                    yield message
        finally:
            if retrying is not None:
                retrying.cancel()

    async def _frames(self, ws: ClientConnection, head: int, replayed: list[Event]) -> AsyncIterator[ClientMessage]:
        """Replay, ``synced`` and live frames after the welcome, as client messages."""
        while True:
            frame = _decode(await ws.recv())
            if isinstance(frame, Event):
                if frame.seq <= head:
                    continue
                head = frame.seq
                if self._live:
                    await self._run(self._store.append, [frame])
                    yield EventReceived(frame)
                else:
                    replayed.append(frame)
                    if len(replayed) >= CATCH_UP_BATCH:
                        for message in await self._stored(replayed):
                            yield message
                        replayed = []
            elif isinstance(frame, Synced):
                for message in await self._stored(replayed):
                    yield message
                replayed = []
                self._live = True
                await self._resend(ws)
                yield CaughtUp(frame.head)
            elif isinstance(frame, Ack):
                self._sent.pop(frame.id, None)
                await self._run(self._store.remove, frame.id)
                yield Acked(frame.id, frame.seq)
            elif isinstance(frame, Error):
                if frame.code == ErrorCode.UNAUTHORIZED:
                    yield AuthFailed(frame.message)
                    return
                if frame.id is not None:
                    self._sent.pop(frame.id, None)
                    await self._run(self._store.remove, frame.id)
                yield Rejected(frame)
            elif isinstance(frame, Presence):
                yield PresenceChanged(set(frame.online))
            # a second welcome, or a frame this version cannot read: nothing to do

    async def _stored(self, events: list[Event]) -> list[EventReceived]:
        """Write a batch of replayed events in one transaction; only then may the app see them."""
        await self._run(self._store.append, events)
        return [EventReceived(event) for event in events]

    async def _resend(self, ws: ClientConnection) -> None:
        """Send every outbox command not yet sent on this socket; the server acks repeats without a new event."""
        for command in await self._run(self._store.pending):
            if command.id in self._sent:
                continue
            self._sent[command.id] = time.monotonic()
            await ws.send(encode(command))

    async def _resend_unacked(self, ws: ClientConnection, after: float) -> None:
        """Send again whatever is still in the outbox ``after`` seconds after it went out on this socket.

        A slow or lost answer must not leave a command (a significant-harm escalation above all) silently
        unconfirmed; the same id makes the repeat harmless, since the server acks it without a new event.
        """
        with contextlib.suppress(ConnectionClosed):
            while True:
                await asyncio.sleep(after / 2)
                now = time.monotonic()
                stale = {cid for cid, at in self._sent.items() if now - at >= after}
                if not stale:
                    continue
                pending = await self._run(self._store.pending)
                for cid in stale - {command.id for command in pending}:
                    self._sent.pop(cid, None)  # acked or refused meanwhile
                for command in pending:
                    if command.id in stale and command.id in self._sent:
                        self._sent[command.id] = time.monotonic()
                        await ws.send(encode(command))

    async def _run(self, fn: Callable[..., T], *args: Any) -> T:
        """Store calls wait on fsync; run them off the event loop so the UI stays responsive."""
        return await asyncio.to_thread(fn, *args)


def _decode(raw: str | bytes) -> Welcome | Event | Synced | Ack | Error | Presence | None:
    try:
        return decode_server(raw)
    except (ValidationError, ValueError):
        return None


def _unreachable(url: str, failed: BaseException) -> str:
    where = urlsplit(url).netloc or url
    if isinstance(failed, TimeoutError):
        return f"no answer from {where}"
    if isinstance(failed, OSError):
        return f"cannot reach {where}: {failed.strerror or failed}"
    return f"cannot connect to {where}: {failed}"


def _closed_reason(lost: ConnectionClosed) -> str:
    if lost.rcvd is None:
        return "connection lost"
    detail = f": {lost.rcvd.reason}" if lost.rcvd.reason else ""
    return f"server closed the connection ({lost.rcvd.code}{detail})"


__all__ = ["CATCH_UP_BATCH", "MAX_FRAME_BYTES", "RESEND_AFTER", "TeamClient", "backoff_delay"]
