"""The client sends an unacked command again, same id, on the live connection, until the server answers.

The server here is a stand-in that speaks the real protocol but ignores (or answers with an error code from a
newer version) the first copy of each command: edges the real server cannot be made to show on demand.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from pathlib import Path

from websockets.asyncio.server import ServerConnection, serve

from shared.alerts import RaiseAlert
from shared.catalogue import decode_command
from shared.protocol import Ack, Error, Synced, encode
from tui.client import TeamClient
from tui.messages import Acked, CaughtUp, Rejected, Retrying
from tui.store import LocalStore

from .app_data import welcome

TIMEOUT = 10.0


class ForgetfulServer:
    """Answers hello with welcome and synced, then acks a command only the ``answer_on``-th time it arrives;
    before that it says nothing, or answers with the error ``refuse_with``."""

    def __init__(self, answer_on: int = 2, refuse_with: str | None = None) -> None:
        self.answer_on = answer_on
        self.refuse_with = refuse_with
        self.received: Counter[str] = Counter()

    async def handle(self, ws: ServerConnection) -> None:
        await ws.recv()  # hello
        await ws.send(encode(welcome().model_copy(update={"head": 0})))
        await ws.send(encode(Synced(head=0)))
        async for raw in ws:
            command = decode_command(raw)
            self.received[command.id] += 1
            if self.received[command.id] == self.answer_on:
                await ws.send(encode(Ack(id=command.id, seq=1)))
            elif self.refuse_with is not None:
                await ws.send(encode(Error(id=command.id, code=self.refuse_with, message="from a newer server")))


async def test_an_unanswered_command_is_sent_again_with_the_same_id(tmp_path: Path) -> None:
    fake = ForgetfulServer(answer_on=2)
    async with serve(fake.handle, "127.0.0.1", 0) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        store = LocalStore(tmp_path / "c.sqlite3")
        client = TeamClient(f"ws://127.0.0.1:{port}", "t", store, proxy=None, resend_after=0.2,
                            retry_backoff=(0.05, 0.1))
        retrying: list[Retrying] = []
        command = RaiseAlert(id="alert-1", level="significant-harm", agency="health", child_id="NM-10234",
                             summary="Infant not seen for 6 weeks.", immediate_action="See the infant today.")

        async def run() -> None:
            async for message in client.messages():
                if isinstance(message, CaughtUp):
                    await client.send(command)
                if isinstance(message, Retrying):
                    retrying.append(message)
                if isinstance(message, Acked):
                    return

        try:
            await asyncio.wait_for(run(), TIMEOUT)
        finally:
            await client.close()
            store.close()
    assert fake.received["alert-1"] == 2  # sent once, ignored, sent again with the same id, acked
    assert [(r.command_id, r.reason) for r in retrying] == [("alert-1", "no answer from the server")]
    assert LocalStore(tmp_path / "c.sqlite3").pending() == []


async def test_an_acked_command_is_not_sent_again(tmp_path: Path) -> None:
    fake = ForgetfulServer(answer_on=1)
    async with serve(fake.handle, "127.0.0.1", 0) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        store = LocalStore(tmp_path / "c.sqlite3")
        client = TeamClient(f"ws://127.0.0.1:{port}", "t", store, proxy=None, resend_after=0.1)
        command = RaiseAlert(id="alert-2", level="emerging-concern", agency="police", summary="Missing episodes.")

        async def run() -> None:
            async for message in client.messages():
                if isinstance(message, CaughtUp):
                    await client.send(command)
                if isinstance(message, Acked):
                    await asyncio.sleep(0.5)  # several resend periods
                    return

        try:
            await asyncio.wait_for(run(), TIMEOUT)
        finally:
            with contextlib.suppress(Exception):
                await client.close()
            store.close()
    assert fake.received["alert-2"] == 1


async def test_an_error_code_this_version_does_not_know_keeps_the_command(tmp_path: Path) -> None:
    fake = ForgetfulServer(answer_on=2, refuse_with="quota_exceeded")
    async with serve(fake.handle, "127.0.0.1", 0) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        store = LocalStore(tmp_path / "c.sqlite3")
        client = TeamClient(f"ws://127.0.0.1:{port}", "t", store, proxy=None, retry_backoff=(0.05, 0.1))
        command = RaiseAlert(id="alert-3", level="emerging-concern", agency="police", summary="Missing episodes.")
        seen: list[object] = []

        async def run() -> None:
            async for message in client.messages():
                seen.append(message)
                if isinstance(message, CaughtUp):
                    await client.send(command)
                if isinstance(message, Retrying):
                    assert [c.id for c in store.pending()] == ["alert-3"]  # kept while it waits
                if isinstance(message, Acked):
                    return

        try:
            await asyncio.wait_for(run(), TIMEOUT)
        finally:
            await client.close()
            store.close()
    assert fake.received["alert-3"] == 2
    retrying = [m for m in seen if isinstance(m, Retrying)]
    assert [(r.command_id, r.reason) for r in retrying] == [("alert-3", "the server answered quota_exceeded")]
    assert not any(isinstance(m, Rejected) for m in seen)
