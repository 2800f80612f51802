"""The browser session's client: no token until the person signs in, then a TeamClient for theirs.

A token the server refuses at sign-in asks again (nothing was received with it); once accepted, a refusal means
the token was revoked, and the app ends the session exactly as it ends a terminal one. The token lives only in
this process's memory, inside the TeamClient.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator, Callable

from shared.protocol import Command
from tui import messages as m
from tui.client import TeamClient
from tui.store import LocalStore


class SignInConnection:
    """What the app uses as its client (tui.app.ClientLike); ``sign_in`` hands it a token to try."""

    def __init__(self, url: str, store: LocalStore, *, ssl_context: ssl.SSLContext | None = None) -> None:
        self.url = url
        self._store = store
        self._ssl_context = ssl_context
        self._tokens: asyncio.Queue[str] = asyncio.Queue(maxsize=1)
        self._client: TeamClient | None = None
        self._signed_in = asyncio.Event()
        self.on_signed_in: Callable[[], None] = lambda: None
        self.on_refused: Callable[[str], None] = lambda _: None
        """A token refused at sign-in (the screen says why and asks again), or revoked later (the session ends)."""
        self.on_unreachable: Callable[[str], None] = lambda _: None

    @property
    def signed_in(self) -> bool:
        return self._signed_in.is_set()

    def sign_in(self, token: str) -> bool:
        """Try ``token``; False while another is still being tried."""
        try:
            self._tokens.put_nowait(token)
        except asyncio.QueueFull:
            return False
        return True

    @property
    def pending_count(self) -> int:
        return self._store.pending_count()

    async def messages(self) -> AsyncIterator[m.ClientMessage]:
        while not self.signed_in:
            client = TeamClient(self.url, await self._tokens.get(), self._store, ssl_context=self._ssl_context)
            self._client = client
            async for message in client.messages():
                if isinstance(message, m.Connected) and not self.signed_in:
                    self._signed_in.set()
                    self.on_signed_in()
                elif isinstance(message, m.AuthFailed):
                    self.on_refused(message.message)
                    if not self.signed_in:
                        break  # asks again: nothing came with the refused token
                elif isinstance(message, m.Disconnected) and not self.signed_in:
                    self.on_unreachable(message.reason)
                yield message
            else:
                return  # closed, revoked or untrusted: the app has been told
            await client.close()
            self._client = None

    async def send(self, command: Command) -> None:
        """Into the signed-in person's outbox (the app's sender waits until someone has signed in)."""
        await self._signed_in.wait()
        assert self._client is not None
        await self._client.send(command)

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()
