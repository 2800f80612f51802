"""The network client: owns the WebSocket, reconnection, catch-up and the outbox; knows nothing of widgets.

``async for message in client.messages()`` runs the whole connection life: connect, ``hello`` with the
last seq cached, ``welcome`` (checking the log is still the one we cached), replay, ``synced``, then live
frames; on any failure it reports ``Disconnected`` and tries again with exponential backoff and jitter,
forever, except when the server refuses the token. Every event is in the local store before it is
yielded, and every command is in the outbox before it is sent, so a crash loses nothing and a resend
(same command id) can never post twice.

A command leaves the outbox only when the server acks it or refuses it for good (shared.protocol
``refused_for_good``: ``invalid``, ``forbidden``…). Anything else keeps it: an answer saying it was not
processed (``internal``, ``rate_limited``, a code this version does not know), no answer ``resend_after``
seconds after it went out on a live connection, a dropped connection, or a refusal of a command sent while an
earlier one in the outbox was failing (judged without it, so not final). Each of those yields ``Retrying``
and pauses the outbox for a back-off (exponential, capped, jittered; reset by the next ack), after which
what is unacked goes again, in outbox order, at a pace under the server's default rate limit. A
certificate that fails verification ends the client (``Untrusted``): that is a trust problem, not a
network blip, and retrying cannot fix it.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import ssl
import time
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from pydantic import ValidationError
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidMessage, InvalidStatus

from shared.protocol import (
    PURGED_REASON,
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
    is_role_change,
    refused_for_good,
)
from shared.ratelimit import TokenBucket
from shared.redact import redacting_logger
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
    Retrying,
    Untrusted,
)
from tui.store import LocalStore

T = TypeVar("T")

MAX_FRAME_BYTES = 64 * 1024
"""The server's default frame limit; a bigger frame would get the connection closed (1009)."""

CATCH_UP_BATCH = 500
"""Replayed events are stored this many per transaction, so catching up costs few fsyncs."""

RESEND_AFTER = 5.0
"""Seconds without an ack before a command is sent again on the same connection (same id: idempotent)."""

PACE = (10.0, 30)
"""Commands a second and burst the client sends at: half the server's default limit (20/s, 60), so an outbox
flushed after a day offline goes out steadily instead of being refused."""

RETRY_BACKOFF = (1.0, 15.0)
"""Base and cap (seconds) of the pause after an answer that a command was not processed, or no answer: the first
pause is ½–1 s, and each failure in a row doubles it up to 7½–15 s; then the outbox goes again, in order."""


def tls_context(cafile: str | None = None) -> ssl.SSLContext:
    """Verify the server's certificate against the system's trust store, or only against ``cafile``.

    Raises OSError or ssl.SSLError if ``cafile`` cannot be read as PEM certificates.
    """
    return ssl.create_default_context(cafile=cafile)  # TLS 1.2+, hostname checked, certificate required


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
        pace: tuple[float, int] | None = PACE,
        retry_backoff: tuple[float, float] = RETRY_BACKOFF,
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
        self._pacer = TokenBucket(*pace) if pace else None
        self._retry_backoff = retry_backoff
        self._retries = 0  # failed rounds since the last ack: how long the next pause is
        self._hold_until = 0.0  # monotonic: no command goes out before this (a retry's back-off)
        self._wake = asyncio.Event()  # the outbox has something to send (or to send again)
        self._done: set[str] = set()  # acked or refused, perhaps still in an outbox snapshot the sender holds
        self._failed: set[str] = set()  # answered "not processed" (or not answered), not yet acked: to go again
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
        """Commands in the outbox: not yet acked or refused for good."""
        return self._store.pending_count()

    async def send(self, command: Command) -> None:
        """Put the command in the outbox (durably); the sender sends it once we are live (after ``synced``).

        Raises ValueError for a command too big for the server, which would otherwise be retried forever.
        """
        text = encode(command)
        if len(text.encode()) > self._max_size:
            raise ValueError(f"command is {len(text.encode())} bytes; the server accepts at most {self._max_size}")
        await self._run(self._store.enqueue, command)
        self._wake.set()  # one sender (``_flush``) for everything: order, pace and pauses in one place

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
                except ssl.SSLCertVerificationError as untrusted:
                    yield Untrusted(_untrusted(self.url, untrusted))
                    return
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
                            # Refused or revoked: stop. The role changed: the token still works, so reconnect
                            # as after any drop; the new ``welcome`` carries the new role.
                            if not is_role_change(lost.rcvd.reason):
                                if lost.rcvd.reason == PURGED_REASON:  # as a ``purged`` refusal of the hello
                                    await self._run(self._store.purge)
                                yield AuthFailed(lost.rcvd.reason or "the server refused this token")
                                return
                            reason = lost.rcvd.reason
                        else:
                            reason = _closed_reason(lost)
                    finally:
                        self._ws = None
                        self._connected = self._live = False
                        self._hold_until = 0.0  # a new connection starts with a full allowance
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
            "logger": redacting_logger("websockets.client"),  # DEBUG would log the hello, token and all
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

    async def _session(self, ws: ClientConnection, since: int) -> AsyncGenerator[ClientMessage, None]:
        """Handshake, replay and live frames on one socket; ends by an exception when the socket does."""
        await ws.send(encode(Hello(token=self._token, since=since)))
        first = _decode(await ws.recv())
        if isinstance(first, Error):
            if first.code == ErrorCode.PURGED:  # nothing of the inspection may outlive it on this laptop
                await self._run(self._store.purge)
            if first.code in (ErrorCode.UNAUTHORIZED, ErrorCode.PURGED):
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
        sender: asyncio.Task[None] | None = None
        try:
            async with contextlib.aclosing(self._frames(ws, head, replayed)) as frames:
                async for message in frames:
                    if isinstance(message, CaughtUp) and sender is None:
                        sender = asyncio.create_task(self._flush(ws))
                    yield message
        finally:
            if sender is not None:
                sender.cancel()

    async def _frames(
        self, ws: ClientConnection, head: int, replayed: list[Event]
    ) -> AsyncGenerator[ClientMessage, None]:
        """Replay, ``synced`` and live frames after the welcome, as client messages."""
        while True:
            try:
                async with asyncio.timeout(self._answer_due()):
                    raw = await ws.recv()
            except TimeoutError:  # cancelling recv() loses nothing (websockets guarantees it)
                if (unanswered := self._unanswered()) is not None:
                    yield unanswered
                continue
            frame = _decode(raw)
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
                self._wake.set()  # the outbox goes out now, in order (``_flush``)
                yield CaughtUp(frame.head)
            elif isinstance(frame, Ack):
                self._answered(frame.id)
                self._retries = 0  # the server is storing again: the next failure starts a fresh back-off
                await self._run(self._store.remove, frame.id)
                yield Acked(frame.id, frame.seq)
            elif isinstance(frame, Error):
                if frame.code == ErrorCode.UNAUTHORIZED:
                    yield AuthFailed(frame.message)
                    return
                if not refused_for_good(frame.code):
                    yield Retrying(frame.id, _retry_reason(frame.code), self._retry_later(frame.id))
                    continue
                if frame.id is not None and await self._behind_a_failure(frame.id):
                    yield Retrying(frame.id, "waiting for an earlier command", self._retry_later(frame.id))
                    continue
                if frame.id is not None:
                    self._answered(frame.id)
                    await self._run(self._store.remove, frame.id)
                yield Rejected(frame)
            elif isinstance(frame, Presence):
                yield PresenceChanged(set(frame.online))
            # a second welcome, or a frame this version cannot read: nothing to do

    async def _stored(self, events: list[Event]) -> list[EventReceived]:
        """Write a batch of replayed events in one transaction; only then may the app see them."""
        await self._run(self._store.append, events)
        return [EventReceived(event) for event in events]

    def _may_send_now(self) -> bool:
        """Not paused by the server, and within our own pace (takes a token if so)."""
        if time.monotonic() < self._hold_until:
            return False
        return self._pacer is None or self._pacer.take()

    async def _flush(self, ws: ClientConnection) -> None:
        """Send every outbox command not yet sent on this socket, in outbox order, at our pace.

        The one place a backlog goes out, so a command typed while older ones wait never overtakes them
        (an amendment must not reach the server before the finding it amends). Repeats are harmless: the
        server acks a command id it has seen without making a new event.
        """
        with contextlib.suppress(ConnectionClosed):
            while True:
                self._wake.clear()
                pending = await self._run(self._store.pending)
                self._done.intersection_update(c.id for c in pending)  # the rest have left the outbox for good
                for command in pending:
                    if command.id in self._sent or command.id in self._done:
                        continue
                    while not self._may_send_now():
                        wait = self._hold_until - time.monotonic()
                        await asyncio.sleep(max(wait, self._pacer.wait_time() if self._pacer else 0.0, 0.001))
                    self._sent[command.id] = time.monotonic()
                    await ws.send(encode(command))
                if not self._wake.is_set():
                    await self._wake.wait()

    def _answered(self, command_id: str) -> None:
        """Acked or refused: never send it again, even from an outbox snapshot read before it was removed."""
        self._sent.pop(command_id, None)
        self._failed.discard(command_id)
        self._done.add(command_id)

    async def _behind_a_failure(self, command_id: str) -> bool:
        """A refusal is final only if every command before it in the outbox was applied first: the server judged
        an amendment whose post had just failed (``internal``) as ``not_found``, and dropping it would lose it. Such
        a command goes again after the earlier ones, and a refusal then is final."""
        if not self._failed:
            return False
        ids = [command.id for command in await self._run(self._store.pending)]
        return command_id in ids and any(earlier in self._failed for earlier in ids[: ids.index(command_id)])

    def _retry_later(self, command_id: str | None) -> float:
        """``command_id`` was not processed (or not answered): pause the outbox, then send it again, in order.

        Returns the seconds until sending resumes. Failures while a pause is already set (the rest of a batch
        in flight when the database failed) share it; only a failure after it is over doubles the next one.
        """
        if command_id is not None:
            self._sent.pop(command_id, None)
            self._failed.add(command_id)
        now = time.monotonic()
        if now >= self._hold_until:
            self._hold_until = now + backoff_delay(self._retries, *self._retry_backoff, self._jitter)
            self._retries += 1
        self._wake.set()
        return self._hold_until - now

    def _answer_due(self) -> float | None:
        """Seconds to wait for a frame before looking for unanswered commands (None: never, we are not live).

        With nothing in flight, look again after ``resend_after``: a command sent meanwhile is then due at most
        that much later than its own time-out.
        """
        if not self._resend_after or not self._live:
            return None
        if not self._sent:
            return self._resend_after
        return max(0.0, min(self._sent.values()) + self._resend_after - time.monotonic())

    def _unanswered(self) -> Retrying | None:
        """Commands sent ``resend_after`` seconds ago and still not answered go again after a back-off.

        A slow or lost answer must not leave a command (a significant-harm escalation above all) silently
        unconfirmed; the same id makes the repeat harmless, since the server acks it without a new event.
        """
        assert self._resend_after
        now = time.monotonic()
        stale = [cid for cid, at in self._sent.items() if now - at >= self._resend_after]
        if not stale:
            return None
        delay = 0.0
        for cid in stale:
            delay = self._retry_later(cid)
        return Retrying(stale[0], "no answer from the server", delay)

    async def _run(self, fn: Callable[..., T], *args: Any) -> T:
        """Store calls wait on fsync; run them off the event loop so the UI stays responsive."""
        return await asyncio.to_thread(fn, *args)


def _decode(raw: str | bytes) -> Welcome | Event | Synced | Ack | Error | Presence | None:
    try:
        return decode_server(raw)
    except (ValidationError, ValueError):
        return None


def _retry_reason(code: str) -> str:
    """A few words for the status line ("retrying: …") on why a command goes again."""
    if code == ErrorCode.INTERNAL:
        return "the server could not store it"
    if code == ErrorCode.RATE_LIMITED:
        return "sending too fast"
    shown = "".join(c if c.isprintable() else "?" for c in code[:30])  # the server's word, shown as plain text
    return f"the server answered {shown}"


def _unreachable(url: str, failed: BaseException) -> str:
    parts = urlsplit(url)
    where = parts.netloc or url
    if isinstance(failed, TimeoutError):
        return f"no answer from {where}"
    if parts.scheme == "wss" and isinstance(failed, ssl.SSLError):
        return f"TLS with {where} failed: {failed.reason or failed} (does the server serve wss://?)"
    if parts.scheme == "wss" and isinstance(failed, ConnectionResetError):
        return f"{where} dropped the TLS handshake (does the server serve wss://, or only ws://?)"
    if isinstance(failed, OSError):
        return f"cannot reach {where}: {failed.strerror or failed}"
    if parts.scheme == "ws" and isinstance(failed, InvalidMessage):
        return f"cannot connect to {where}: {failed} (if the server uses TLS, join with wss://)"
    return f"cannot connect to {where}: {failed}"


def _untrusted(url: str, failed: ssl.SSLCertVerificationError) -> str:
    where = urlsplit(url).netloc or url
    why = failed.verify_message or failed.reason or str(failed)
    return (
        f"the server's certificate is not trusted: {why} ({where}); use --cafile PATH to trust the CA "
        "that issued it"
    )


def _closed_reason(lost: ConnectionClosed) -> str:
    if lost.rcvd is None:
        return "connection lost"
    detail = f": {lost.rcvd.reason}" if lost.rcvd.reason else ""
    return f"server closed the connection ({lost.rcvd.code}{detail})"


__all__ = [
    "CATCH_UP_BATCH", "MAX_FRAME_BYTES", "PACE", "RESEND_AFTER", "RETRY_BACKOFF", "TeamClient", "backoff_delay",
    "tls_context",
]
