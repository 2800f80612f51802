"""A connection that stops reading (laptop lid shut, frozen terminal) must not hold up the team.

The server bounds what it queues per connection; when a reader falls too far behind it is closed,
and because the log is durable it loses nothing: it catches up with ``since`` on reconnect.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable

import pytest

from server.network.team_server import ServerConfig, TeamServer
from shared.protocol import Ack, Error, Presence
from tests.server.conftest import TIMEOUT, Team, WireClient, assert_gap_free, post_frame

BIG_TEXT = "Case file shows repeated referrals without a strategy discussion. " * 140  # ~9 KB per event
MAX_POSTS = 1000
"""Stop posting after this many; by then the slow reader has overflowed any sane queue and buffers."""
DROP_GUARD = 60.0
"""Hang guard only: how long to wait for the server to announce the slow reader has gone."""


async def caught_up(client: WireClient, seq: int) -> None:
    """Wait (bounded) for a background-read client to have received event ``seq``."""

    async def check() -> None:
        while not client.events or client.events[-1].seq < seq:
            await asyncio.sleep(0.01)

    await asyncio.wait_for(check(), TIMEOUT * 3)


@pytest.mark.slow
async def test_slow_reader_is_dropped_without_blocking_others(
    team: Team,
    make_config: Callable[..., ServerConfig],
    small_rcvbuf_socket: Callable[[int], socket.socket],
) -> None:
    async with TeamServer(make_config(send_queue_frames=4)) as running:
        # max_queue=1 and a tiny socket buffer: once welcome is read, this client reads nothing.
        slow = await WireClient.join(
            running.url, team.lead.token, sock=small_rcvbuf_socket(running.port), max_queue=1
        )
        slow_id = team.lead.inspector.id
        sender = await WireClient.join(running.url, team.cqc.token, max_queue=None)
        readers = [await WireClient.join(running.url, team.hmic.token, max_queue=None) for _ in range(3)]
        tasks = [asyncio.create_task(r.read_forever()) for r in readers]

        def slow_dropped() -> bool:
            return any(isinstance(f, Presence) and slow_id not in f.online for f in sender.frames)

        acks: list[Ack] = []
        while not slow_dropped() and len(acks) < MAX_POSTS:
            acks.append(await sender.posted(text=BIG_TEXT))
        await sender.recv_until(Presence, lambda p: slow_id not in p.online, timeout=DROP_GUARD)
        for _ in range(3):  # the team keeps working after the drop
            acks.append(await sender.posted(text=BIG_TEXT))

        last = acks[-1].seq
        assert [a.seq for a in acks] == list(range(1, last + 1))
        for reader in readers:
            await caught_up(reader, last)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks)
        for reader in readers:
            assert_gap_free(reader.events)
            assert reader.events[-1].seq == last
            await reader.close()
        assert_gap_free(await sender.wait_seq(last))

        # The slow client was closed; what it did get is an unbroken prefix (nothing skipped).
        await slow.until_closed(timeout=TIMEOUT * 3)
        got = slow.events
        assert got == readers[0].events[: len(got)]
        assert len(got) < last

        # ...and it catches up on reconnect with exactly what it missed.
        since = got[-1].seq if got else 0
        back = await WireClient.join(running.url, team.lead.token, since=since)
        assert back.replay == readers[0].events[since:]
        await back.close()
        await sender.close()


async def test_pipelined_sender_is_not_held_up_by_a_peer_that_never_reads(
    team: Team,
    make_config: Callable[..., ServerConfig],
    small_rcvbuf_socket: Callable[[int], socket.socket],
) -> None:
    """A sender keeping a window of commands in flight gets every ack while a peer never reads."""
    window, total = 8, 400
    async with TeamServer(make_config(send_queue_frames=64)) as running:
        slow = await WireClient.join(
            running.url, team.lead.token, sock=small_rcvbuf_socket(running.port), max_queue=1
        )
        sender = await WireClient.join(running.url, team.cqc.token, max_queue=None)
        frames = [post_frame(text=BIG_TEXT) for _ in range(total)]
        acks: list[Ack | Error] = []
        for i, frame in enumerate(frames):
            await sender.send(frame)
            if i >= window - 1:
                acks.append(await sender.reply(frames[i - window + 1]["id"]))
        for frame in frames[total - window + 1 :]:
            acks.append(await sender.reply(frame["id"]))

        assert all(isinstance(a, Ack) for a in acks), [a for a in acks if isinstance(a, Error)][:3]
        assert [a.seq for a in acks if isinstance(a, Ack)] == list(range(1, total + 1))
        assert_gap_free(await sender.wait_seq(total))
        await sender.close()
        slow.ws.transport.abort()  # it never read; no point in a closing handshake
