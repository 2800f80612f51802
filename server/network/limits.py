"""Per-connection limits: how fast a connection may send, and how many connections one inspector may hold.

A team of twenty types a few findings a minute, so these limits never touch real use; they exist so one
broken or hostile client (a retry loop gone wrong, a stolen token) cannot take the server's time from
everyone else. Every frame costs a token, garbage included, so garbage is never cheaper than a command.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed

from shared.protocol import COMMAND_ID, RATE_LIMIT_CLOSE, TOO_MANY_CONNECTIONS_CLOSE, Error, ErrorCode, encode
from shared.ratelimit import TokenBucket

DEFAULT_COMMAND_RATE = 20.0
"""Commands a second one connection may send on average."""
DEFAULT_COMMAND_BURST = 60
"""Commands one connection may send at once after a quiet spell (an outbox flushed on reconnect)."""
DEFAULT_MAX_CONNECTIONS = 5
"""Simultaneous connections per inspector: a laptop, a spare, and room for connections not yet timed out."""
DEFAULT_HANDSHAKE_TIMEOUT = 10.0
"""Seconds a new connection has to finish the WebSocket upgrade, and again to send its ``hello``."""

PATIENCE = 100
"""Refusals in a row (at least; ``burst`` if larger) before a connection is closed: enough for the commands a
client had in flight when it was first told, far fewer than a flood sends in a blink."""

REFUSAL_DELAY = 1.0
"""Seconds a connection over the per-inspector cap waits before it is told so and closed."""
CLOSE_GRACE = 1.0
"""Seconds a flooding client has to answer the close frame before its TCP connection is cut."""
COOL_OFF = 5.0
"""Seconds after an inspector's connection is closed for flooding during which a new connection of theirs waits
before it is welcomed."""

_COMMAND_ID = re.compile(COMMAND_ID)


class Verdict(enum.Enum):
    ACCEPT = "accept"
    REFUSE = "refuse"
    """Over the limit: answer ``rate_limited`` and do not process the frame."""
    CLOSE = "close"
    """Still sending after ``PATIENCE`` refusals in a row: this client is not listening, so let it go."""


@dataclass(frozen=True)
class RateLimit:
    rate: float
    burst: int

    def describe(self) -> str:
        return f"at most {self.rate:g} commands a second (bursts of {self.burst})"


class CommandLimiter:
    """One connection's token bucket, and its patience with a client that ignores ``rate_limited``.

    A well-behaved client pauses on the first refusal; one that goes on sending while every frame is refused
    is closed after ``PATIENCE`` of them, so a flood cannot keep the server answering it for ever.
    """

    def __init__(self, limit: RateLimit, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self._bucket = TokenBucket(limit.rate, limit.burst, clock)
        self._refused_in_a_row = 0
        self._patience = max(PATIENCE, limit.burst)

    def check(self) -> Verdict:
        if self._bucket.take():
            self._refused_in_a_row = 0
            return Verdict.ACCEPT
        self._refused_in_a_row += 1
        return Verdict.CLOSE if self._refused_in_a_row > self._patience else Verdict.REFUSE

    def refusal(self, raw: str | bytes) -> Error:
        """The ``rate_limited`` error for a frame not processed, naming its command id if it has one."""
        return Error(
            id=frame_id(raw),
            code=ErrorCode.RATE_LIMITED,
            message=f"rate limit: {self.limit.describe()}; this command was not processed, send it again later",
        )


def frame_id(raw: str | bytes) -> str | None:
    """The command id of a frame, if it is a JSON object with a valid one; cheap, and never raises."""
    if isinstance(raw, bytes):
        return None
    try:
        obj = json.loads(raw)
    except (ValueError, RecursionError):  # deep nesting is no ValueError
        return None
    value = obj.get("id") if isinstance(obj, dict) else None
    return value if isinstance(value, str) and _COMMAND_ID.match(value) else None


class CoolOff:
    """Inspectors recently closed for flooding, so that coming straight back does not buy a fresh flood.

    Every reconnection costs the server a handshake, a full replay (a flooder asks for ``since: 0``), and the
    parsing of the garbage already in the socket when its hello is read: tens of milliseconds of the event loop
    at once. A flooder that reconnects at once made that happen every second; held for ``COOL_OFF`` seconds
    (an idle socket, nothing read) it happens every few. A client that heeds ``rate_limited`` is never closed,
    so never held.
    """

    def __init__(self, seconds: float = COOL_OFF, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._until: dict[int, float] = {}

    def closed(self, inspector_id: int) -> None:
        """This inspector's connection was just closed for flooding."""
        now = self._clock()
        self._until = {who: until for who, until in self._until.items() if until > now}  # forget the expired
        self._until[inspector_id] = now + self.seconds

    def hold(self, inspector_id: int) -> float:
        """Seconds a new connection of this inspector must wait before it is served (0: none)."""
        return max(0.0, self._until.get(inspector_id, 0.0) - self._clock())


async def close_flooder(websocket: ServerConnection) -> None:
    """Send the close frame (``RATE_LIMIT_CLOSE``), give the client ``CLOSE_GRACE`` seconds to answer, then cut.

    Nothing more is read meanwhile: the flood fills websockets' incoming queue, which pauses reading from the
    socket, so the rest of the flood costs the server nothing (reading and dropping it cost more CPU than
    refusing it). The client still gets the close frame and its code; only the closing handshake is skipped.
    """
    try:
        await asyncio.wait_for(websocket.close(RATE_LIMIT_CLOSE, "rate limit exceeded"), CLOSE_GRACE)
    except TimeoutError:
        if websocket.transport is not None:
            websocket.transport.abort()


async def refuse_extra_connection(websocket: ServerConnection, limit: int) -> None:
    """After ``REFUSAL_DELAY``, say why (``too_many_connections``) and close with ``TOO_MANY_CONNECTIONS_CLOSE``.

    The delay costs the server an idle socket, not CPU, and turns a loop of reconnects with a stolen token
    from hundreds of handshakes a second into a few; a real client reconnecting with backoff never notices.
    """
    error = Error(
        code=ErrorCode.TOO_MANY_CONNECTIONS,
        message=f"this inspector already has {limit} connections open, the server's limit; close one and retry",
    )
    with contextlib.suppress(ConnectionClosed):
        await asyncio.sleep(REFUSAL_DELAY)
        await websocket.send(encode(error))
        await websocket.close(TOO_MANY_CONNECTIONS_CLOSE, "too many connections")
