"""Per-connection limits: how fast a connection may send, and how many connections one inspector may hold.

A team of twenty types a few findings a minute, so these limits never touch real use; they exist so one
broken or hostile client (a retry loop gone wrong, a stolen token) cannot take the server's time from
everyone else. Every frame costs a token, garbage included, so garbage is never cheaper than a command.
"""

from __future__ import annotations

import enum
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from shared.protocol import COMMAND_ID, Error, ErrorCode
from shared.ratelimit import TokenBucket

DEFAULT_COMMAND_RATE = 20.0
"""Commands a second one connection may send on average."""
DEFAULT_COMMAND_BURST = 60
"""Commands one connection may send at once after a quiet spell (an outbox flushed on reconnect)."""
DEFAULT_MAX_CONNECTIONS = 5
"""Simultaneous connections per inspector: a laptop, a spare, and room for connections not yet timed out."""
DEFAULT_HANDSHAKE_TIMEOUT = 10.0
"""Seconds a new connection has to finish the WebSocket upgrade, and again to send its ``hello``."""

_COMMAND_ID = re.compile(COMMAND_ID)


class Verdict(enum.Enum):
    ACCEPT = "accept"
    REFUSE = "refuse"
    """Over the limit: answer ``rate_limited`` and do not process the frame."""
    CLOSE = "close"
    """Still sending after ``burst`` refusals in a row: this client is not listening, so let it go."""


@dataclass(frozen=True)
class RateLimit:
    rate: float
    burst: int

    def describe(self) -> str:
        return f"at most {self.rate:g} commands a second (bursts of {self.burst})"


class CommandLimiter:
    """One connection's token bucket, and its patience with a client that ignores ``rate_limited``.

    A well-behaved client pauses on the first refusal; one that goes on to send another ``burst`` frames
    while every one is refused is closed, so a flood cannot keep the server answering it for ever.
    """

    def __init__(self, limit: RateLimit, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self._bucket = TokenBucket(limit.rate, limit.burst, clock)
        self._refused_in_a_row = 0

    def check(self) -> Verdict:
        if self._bucket.take():
            self._refused_in_a_row = 0
            return Verdict.ACCEPT
        self._refused_in_a_row += 1
        return Verdict.CLOSE if self._refused_in_a_row > self.limit.burst else Verdict.REFUSE

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
    except ValueError:
        return None
    value = obj.get("id") if isinstance(obj, dict) else None
    return value if isinstance(value, str) and _COMMAND_ID.match(value) else None


def too_many_connections(limit: int) -> Error:
    return Error(
        code=ErrorCode.TOO_MANY_CONNECTIONS,
        message=f"this inspector already has {limit} connections open, the server's limit; close one and retry",
    )
