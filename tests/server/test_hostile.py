"""Slow and hostile clients, under the server's default limits: the rest of the team notices nothing.

Three hostile behaviours, each while honest inspectors keep posting: a client that never reads, one that sends
garbage at full speed (and reconnects to do it again), one that opens many connections. The assertions are
functional: every honest client receives every event, gap-free and in order; nothing hostile is stored; the
hostile client is told, capped or closed. How much the hostile clients cost the others in latency is measured
in bench/hostile.py, not asserted here.

Frames here are raw JSON on purpose (a wire-contract test): they are what a broken or hostile client sends, which
the shared models would refuse to build.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import Callable

import pytest
from websockets.exceptions import ConnectionClosed

from server.network.team_server import ServerConfig, TeamServer
from shared.protocol import (
    RATE_LIMIT_CLOSE,
    TOO_MANY_CONNECTIONS_CLOSE,
    UNAUTHORIZED_CLOSE,
    Error,
    ErrorCode,
    Event,
    Welcome,
)
from tests.server.conftest import TIMEOUT, Member, Team, WireClient, assert_gap_free

BIG_TEXT = "Case file shows repeated referrals without a strategy discussion. " * 140  # ~9 KB per event
POSTS_EACH = 40
"""Per honest sender: inside the default burst (60), so the honest clients are never rate limited."""

GARBAGE: list[str | bytes] = [
    "not json at all",
    b"\x00\x01binary",
    "[1, 2, 3]",
    '{"type": "finding.explode", "id": "g-1"}',
    '{"type": "finding.post", "id": "g-2", "agency": "martians", "kind": "strength"}',
    '{"type": "alert.flag-overdue", "id": "g-3"}',
    '{"type": "finding.post", "id": "has spaces", "text": ""}',
    json.dumps({"type": "finding.amend", "id": "g-4", "finding_id": "nope"}),
]


@pytest.fixture
def backend() -> str:
    """Hostile clients do not depend on the database: SQLite only (overrides the conftest's pair)."""
    return "sqlite"


def defaults(make_config: Callable[..., ServerConfig], **overrides: object) -> ServerConfig:
    """The production limits (the conftest's test config switches the rate limit off)."""
    values: dict[str, object] = {"command_rate": 20.0, "command_burst": 60}
    values.update(overrides)
    return make_config(**values)


async def honest_traffic(url: str, senders: list[Member], readers: list[Member]) -> tuple[list[WireClient], int]:
    """Senders post POSTS_EACH big findings each (pipelined); returns every client once all acks are in."""
    send_clients = [await WireClient.join(url, m.token, max_queue=None) for m in senders]
    read_clients = [await WireClient.join(url, m.token, max_queue=None) for m in readers]

    async def post_all(client: WireClient) -> None:
        frames = [{"type": "finding.post", "id": f"{client.me.id}-{i}", "agency": "health", "kind": "weakness",
                   "evidence_source": "case-file", "text": BIG_TEXT} for i in range(POSTS_EACH)]
        for frame in frames:
            await client.send(frame)
        for frame in frames:
            assert not isinstance(await client.reply(frame["id"]), Error)

    await asyncio.gather(*(post_all(c) for c in send_clients))
    return send_clients + read_clients, POSTS_EACH * len(senders)


async def everyone_has_everything(clients: list[WireClient], last: int) -> None:
    for client in clients:
        events = await client.wait_seq(last)
        assert_gap_free(events)
        assert events[-1].seq == last
    reference = [e.model_dump() for e in clients[0].events]
    for client in clients[1:]:
        assert [e.model_dump() for e in client.events] == reference  # the same events, in the same order


async def test_a_client_that_never_reads_does_not_hold_up_the_others(
    team: Team, make_config: Callable[..., ServerConfig], small_rcvbuf_socket: Callable[[int], socket.socket]
) -> None:
    async with TeamServer(defaults(make_config, send_queue_frames=16)) as running:
        # It says hello, reads its welcome, and then never reads again (a tiny receive buffer, max_queue=1).
        stalled = await WireClient.join(
            running.url, team.cqc.token, sock=small_rcvbuf_socket(running.port), max_queue=1
        )
        clients, last = await honest_traffic(running.url, [team.lead, team.hmic], [team.lead, team.hmic])
        await everyone_has_everything(clients, last)

        # What the stalled client did get, when it finally reads, is an unbroken prefix of the same log.
        with contextlib.suppress(ConnectionClosed, TimeoutError):
            await stalled.until_closed(timeout=2)
        assert [e.model_dump() for e in stalled.events] == [e.model_dump() for e in clients[0].events][
            : len(stalled.events)
        ]
        stalled.ws.transport.abort()
        for client in clients:
            await client.close()


async def test_a_garbage_flood_is_closed_and_the_team_carries_on(
    team: Team, make_config: Callable[..., ServerConfig]
) -> None:
    async with TeamServer(defaults(make_config)) as running:
        closes: list[int | None] = []
        answers: list[Error] = []
        stop = asyncio.Event()

        async def flood() -> None:
            """Connect, flood until closed, and come back for more, until the honest work is done."""
            while not stop.is_set():
                hostile = await WireClient.join(running.url, team.cqc.token, max_queue=None)
                reading = asyncio.create_task(hostile.until_closed(timeout=TIMEOUT * 3))
                try:
                    i = 0
                    while not stop.is_set():
                        await hostile.send(GARBAGE[i % len(GARBAGE)])
                        i += 1
                        if i % 64 == 0:
                            await asyncio.sleep(0)  # let the honest clients' tasks run on this shared loop
                except ConnectionClosed:
                    closes.append(await reading)  # the server closed it: read what it said first
                else:
                    reading.cancel()  # the honest work is done while this round was still open
                    hostile.ws.transport.abort()
                answers.extend(f for f in hostile.frames if isinstance(f, Error))

        flooding = asyncio.create_task(flood())
        clients, last = await honest_traffic(running.url, [team.lead, team.hmic], [team.lead, team.hmic])
        await everyone_has_everything(clients, last)
        stop.set()
        await asyncio.wait_for(flooding, TIMEOUT * 3)

        assert RATE_LIMIT_CLOSE in closes  # the flood was cut off, not answered for ever
        codes = {a.code for a in answers}
        assert ErrorCode.RATE_LIMITED in codes and codes <= {
            ErrorCode.RATE_LIMITED, ErrorCode.BAD_JSON, ErrorCode.INVALID, ErrorCode.UNKNOWN_TYPE,
            ErrorCode.NOT_FOUND,
        }
        # Nothing from the flood was stored: a new client replays exactly the honest events.
        fresh = await WireClient.join(running.url, team.lead.token)
        assert [e.model_dump() for e in fresh.replay] == [e.model_dump() for e in clients[0].events]
        assert {e.actor.id for e in fresh.replay if e.actor} == {team.lead.inspector.id, team.hmic.inspector.id}
        for client in [*clients, fresh]:
            await client.close()


async def test_many_connections_are_capped_and_the_team_still_connects(
    team: Team, make_config: Callable[..., ServerConfig]
) -> None:
    async with TeamServer(defaults(make_config, handshake_timeout=1.0)) as running:
        # Thirty connections with one stolen token, all saying hello at once...
        async def hello(token: str) -> WireClient:
            client = await WireClient.open(running.url)
            await client.send({"type": "hello", "token": token, "since": 0})
            await client.recv()
            return client

        crowd = await asyncio.gather(*(hello(team.cqc.token) for _ in range(30)))
        welcomed = [c for c in crowd if isinstance(c.frames[0], Welcome)]
        turned_away = [c for c in crowd if not isinstance(c.frames[0], Welcome)]
        assert len(welcomed) == 5  # the default cap
        for client in turned_away:
            assert isinstance(client.frames[0], Error) and client.frames[0].code == ErrorCode.TOO_MANY_CONNECTIONS
            assert await client.until_closed() == TOO_MANY_CONNECTIONS_CLOSE

        # ...and thirty more that never say hello at all.
        silent = await asyncio.gather(*(WireClient.open(running.url) for _ in range(30)))

        # Meanwhile the rest of the team connects and works as usual.
        clients, last = await honest_traffic(running.url, [team.lead], [team.hmic])
        await everyone_has_everything(clients, last)

        for client in silent:  # the silent ones are let go after the handshake timeout
            assert await client.until_closed() == UNAUTHORIZED_CLOSE
        for client in clients:
            await client.close()
        for client in welcomed:  # they never read their events: no closing handshake to wait for
            client.ws.transport.abort()
        assert all(isinstance(e, Event) for e in clients[0].events)
