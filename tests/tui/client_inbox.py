"""The real ``TeamClient`` under test: its messages collected in a task, and the backoff made fast and fixed.

Shared by the client's own tests (tests/tui/test_client.py) and the wss:// tests (tests/server/test_tls.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from tui.client import TeamClient
from tui.messages import ClientMessage

TIMEOUT = 15.0
"""Only so a broken client fails a test instead of hanging it."""

FAST: dict[str, Any] = {"backoff": (0.02, 0.1), "jitter": lambda: 0.5, "proxy": None}
"""TeamClient keywords: a fixed jitter and tiny delays, so reconnects happen quickly; no proxy from the environment."""

M = TypeVar("M", bound=ClientMessage)


class Inbox:
    """Runs ``client.messages()`` in a task and records everything, so a test can wait for what it expects."""

    def __init__(self, client: TeamClient) -> None:
        self.client = client
        self.seen: list[ClientMessage] = []
        self._queue: asyncio.Queue[ClientMessage | None] = asyncio.Queue()
        self.task = asyncio.create_task(self._pump())

    async def _pump(self) -> None:
        try:
            async for message in self.client.messages():
                self.seen.append(message)
                await self._queue.put(message)
        finally:
            await self._queue.put(None)

    async def next(self, kind: type[M], match: Callable[[M], bool] | None = None) -> M:
        """The next message of ``kind`` (satisfying ``match``); earlier ones are skipped but stay in ``seen``."""

        async def read() -> M:
            while True:
                message = await self._queue.get()
                if message is None:
                    raise AssertionError(f"messages() ended before a {kind.__name__}: {self.seen}")
                if isinstance(message, kind) and (match is None or match(message)):
                    return message

        return await asyncio.wait_for(read(), TIMEOUT)

    async def ended(self) -> None:
        """Wait for ``messages()`` to finish on its own."""
        await asyncio.wait_for(self.task, TIMEOUT)

    async def close(self) -> None:
        await self.client.close()
        await self.ended()

    def crash(self) -> None:
        """Abandon the client without closing anything, as a killed process would."""
        self.task.cancel()
