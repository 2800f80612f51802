"""The one way a command leaves this client: shown as ours at once, then queued for the app's one sender.

Every screen and form that makes a command is handed the outbox and calls ``send`` itself: the state shows the
command as "sending" at once (TeamState.add_pending), the app's sender takes it from the queue in order (durable in
the local outbox first, then on the wire), and the screen redraws whatever the send changed. No message goes to
the app and back.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from shared.protocol import Command
from tui.state import FindingView, TeamState
from tui.timefmt import Clock


class Outbox:
    """Our commands, in the order they were made (a post before its amend)."""

    def __init__(self, state: Callable[[], TeamState], now: Clock, sent: Callable[[Command], None]) -> None:
        self._state = state
        """The app's state now (a cache reset replaces it)."""
        self._now = now
        self._sent = sent
        """Told after each send, so what shows our pending commands everywhere (the alert bar…) redraws."""
        self._queue: asyncio.Queue[Command] = asyncio.Queue()

    def send(self, command: Command) -> FindingView | None:
        """Show ``command`` as ours and queue it; the finding it changed, if any, for the board to redraw."""
        view = self._state().add_pending(command, at=self._now())
        self._queue.put_nowait(command)
        self._sent(command)
        return view

    async def next(self) -> Command:
        """The oldest command not yet handed to the client (the sender waits here)."""
        return await self._queue.get()

    def __len__(self) -> int:
        """Commands made but not yet in the local outbox: quitting now would lose them."""
        return self._queue.qsize()
