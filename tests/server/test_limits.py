"""Limits that keep one connection from taking the server's time: command rate, connections per inspector,
handshake timeout, the cool-off after a flood. Functional only: what a client is told and what is (not) stored;
no timing assertions (the cool-off's arithmetic is checked with a fake clock).

A rate of 0.001 commands a second makes the bucket's refill irrelevant for the life of a test, so exactly
``burst`` commands get through; refill itself is checked with a fake clock.

Frames here are raw JSON on purpose (a wire-contract test): they are what a broken or hostile client sends, which
the shared models would refuse to build.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from server.cli.server_cli import serve
from server.network.limits import (
    DEFAULT_COMMAND_BURST,
    DEFAULT_COMMAND_RATE,
    DEFAULT_HANDSHAKE_TIMEOUT,
    DEFAULT_MAX_CONNECTIONS,
    PATIENCE,
    CommandLimiter,
    CoolOff,
    RateLimit,
    Verdict,
    frame_id,
)
from server.network.team_server import ServerConfig, TeamServer
from shared.findings import PostFinding
from shared.protocol import (
    RATE_LIMIT_CLOSE,
    TOO_MANY_CONNECTIONS_CLOSE,
    Ack,
    Error,
    ErrorCode,
    Presence,
)
from shared.ratelimit import TokenBucket
from shared.vocabulary import Agency, EvidenceSource, FindingKind
from tests.server.conftest import TIMEOUT, Team, WireClient, new_id, post_frame
from tui.client import TeamClient
from tui.messages import Acked, ClientMessage, Rejected, Retrying
from tui.store import LocalStore

FROZEN = {"command_rate": 0.001, "command_burst": 3}
"""A limit whose refill never matters during a test: exactly three commands get through."""


@pytest.fixture
def backend() -> str:
    """Limits do not depend on the database: SQLite only (overrides the conftest's SQLite/PostgreSQL pair)."""
    return "sqlite"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# ---------------------------------------------------------------- the bucket and the limiter, on a fake clock


def test_the_bucket_allows_a_burst_then_the_rate() -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate=2.0, burst=3, clock=clock)
    assert [bucket.take() for _ in range(4)] == [True, True, True, False]
    assert bucket.wait_time() == pytest.approx(0.5)
    clock.now += 0.5
    assert [bucket.take(), bucket.take()] == [True, False]
    clock.now += 60  # a long quiet spell refills only up to the burst
    assert sum(bucket.take() for _ in range(10)) == 3


def test_the_limiter_refuses_then_closes_a_client_that_keeps_sending() -> None:
    clock = FakeClock()
    limiter = CommandLimiter(RateLimit(rate=1.0, burst=2), clock)
    assert [limiter.check() for _ in range(2)] == [Verdict.ACCEPT, Verdict.ACCEPT]
    assert {limiter.check() for _ in range(PATIENCE - 1)} == {Verdict.REFUSE}
    clock.now += 1.0  # a client that paused is forgiven: the count of refusals in a row starts again
    assert limiter.check() is Verdict.ACCEPT
    assert {limiter.check() for _ in range(PATIENCE)} == {Verdict.REFUSE}
    assert limiter.check() is Verdict.CLOSE


@pytest.mark.parametrize(
    ("raw", "expected"),
    [('{"type": "finding.post", "id": "c-1"}', "c-1"), ('{"id": 5}', None), ("[1]", None), ("{nope", None),
     (b'{"id": "c-1"}', None), ('{"id": "has space"}', None)],
)
def test_a_refusal_names_the_command_id_when_there_is_one(raw: str | bytes, expected: str | None) -> None:
    assert frame_id(raw) == expected


def test_the_defaults_are_generous_for_people_and_tight_for_floods() -> None:
    config = ServerConfig(db_url="sqlite://")
    assert (config.command_rate, config.command_burst) == (DEFAULT_COMMAND_RATE, DEFAULT_COMMAND_BURST) == (20.0, 60)
    assert config.max_connections_per_inspector == DEFAULT_MAX_CONNECTIONS == 5
    assert config.handshake_timeout == DEFAULT_HANDSHAKE_TIMEOUT == 10.0


# ---------------------------------------------------------------- command rate, over the wire


async def test_over_the_rate_a_command_is_refused_not_processed_and_the_connection_kept(
    team: Team, make_config: Callable[..., ServerConfig]
) -> None:
    async with TeamServer(make_config(**FROZEN)) as running:
        lead = await WireClient.join(running.url, team.lead.token)
        frames = [post_frame(text=f"finding {i}") for i in range(5)]
        for frame in frames:
            await lead.send(frame)
        replies = [await lead.reply(frame["id"]) for frame in frames]

        assert [type(r) for r in replies] == [Ack, Ack, Ack, Error, Error]
        for frame, refused in zip(frames[3:], replies[3:], strict=True):
            assert isinstance(refused, Error)
            assert (refused.id, refused.code) == (frame["id"], ErrorCode.RATE_LIMITED)
            assert "at most 0.001 commands a second (bursts of 3)" in refused.message

        # Still connected: a teammate's finding reaches the limited client.
        cqc = await WireClient.join(running.url, team.cqc.token)
        ack = await cqc.posted(text="from a teammate")
        assert (await lead.wait_seq(ack.seq))[-1].seq == ack.seq

        # Nothing refused was stored.
        reader = await WireClient.join(running.url, team.hmic.token)
        texts = [e.data["text"] for e in reader.replay]
        assert texts == ["finding 0", "finding 1", "finding 2", "from a teammate"]
        for client in (lead, cqc, reader):
            await client.close()


async def test_the_limit_is_per_connection(team: Team, make_config: Callable[..., ServerConfig]) -> None:
    async with TeamServer(make_config(**FROZEN)) as running:
        first = await WireClient.join(running.url, team.lead.token)
        for _ in range(3):
            await first.posted()
        assert isinstance(refused := await first.post(), Error) and refused.code == ErrorCode.RATE_LIMITED
        second = await WireClient.join(running.url, team.lead.token)  # same inspector, new connection
        assert isinstance(await second.post(), Ack)
        await first.close()
        await second.close()


async def test_a_client_that_ignores_rate_limited_is_closed(
    team: Team, make_config: Callable[..., ServerConfig]
) -> None:
    async with TeamServer(make_config(**FROZEN)) as running:
        flooder = await WireClient.join(running.url, team.lead.token)
        for i in range(3 + PATIENCE + 1):  # the burst, then as many refusals as the server will answer, then one
            await flooder.send("garbage" if i % 2 else post_frame(f"c-{i}", text=f"flood {i}"))
        code = await flooder.until_closed()
        assert code == RATE_LIMIT_CLOSE
        assert flooder.ws.close_reason == "rate limit exceeded"
        limited = [f for f in flooder.frames if isinstance(f, Error) and f.code == ErrorCode.RATE_LIMITED]
        assert len(limited) == PATIENCE
        assert {f.id for f in limited} - {None} == {f"c-{i}" for i in range(4, 3 + PATIENCE, 2)}

        # The two commands within the burst are stored (perhaps after the close: the writer commits them
        # anyway); i=1 was garbage, and nothing refused is.
        reader = await WireClient.join(running.url, team.cqc.token)
        assert [e.data["text"] for e in await reader.wait_seq(2)] == ["flood 0", "flood 2"]
        assert (await WireClient.join(running.url, team.hmic.token)).synced.head == 2  # type: ignore[union-attr]
        await reader.close()


def test_an_inspector_closed_for_flooding_is_held_for_the_cool_off_and_nobody_else() -> None:
    clock = FakeClock()
    cool_off = CoolOff(5.0, clock)
    assert cool_off.hold(7) == 0.0
    cool_off.closed(7)
    clock.now += 2
    assert (cool_off.hold(7), cool_off.hold(8)) == (3.0, 0.0)
    clock.now += 3
    assert cool_off.hold(7) == 0.0


async def test_a_flooder_that_reconnects_at_once_is_held_while_the_team_joins(
    team: Team, make_config: Callable[..., ServerConfig]
) -> None:
    async with TeamServer(make_config(**FROZEN, flood_cool_off=600)) as running:
        flooder = await WireClient.join(running.url, team.lead.token)
        for _ in range(3 + PATIENCE + 1):
            await flooder.send("garbage")
        assert await flooder.until_closed() == RATE_LIMIT_CLOSE

        back = asyncio.create_task(WireClient.join(running.url, team.lead.token))  # straight back for more
        other = await WireClient.join(running.url, team.cqc.token)  # the rest of the team is served meanwhile
        assert other.welcome is not None and not back.done()  # the flooder is still held (the cool-off is long)
        back.cancel()
        await other.close()


async def test_the_client_resends_a_rate_limited_command_instead_of_dropping_it(
    team: Team, make_config: Callable[..., ServerConfig], tmp_path: Path
) -> None:
    """Twelve commands written offline go out at once on connect; the server takes a few at a time."""
    async with TeamServer(make_config(command_rate=5.0, command_burst=2)) as running:
        local = LocalStore(tmp_path / "lead.sqlite3")
        client = TeamClient(running.url, team.lead.token, local, backoff=(0.02, 0.1), proxy=None,
                            pace=None, retry_backoff=(0.2, 0.4))  # no pacing of its own: it will be refused
        commands = [
            PostFinding(id=new_id("offline"), agency=Agency.POLICE, kind=FindingKind.WEAKNESS,
                        evidence_source=EvidenceSource.CASE_FILE, text=f"written offline {i}")
            for i in range(12)
        ]
        for command in commands:
            await client.send(command)  # not connected yet: into the outbox
        seen: list[ClientMessage] = []

        async def run() -> None:
            async for message in client.messages():
                seen.append(message)
                if sum(isinstance(m, Acked) for m in seen) == len(commands):
                    return

        await asyncio.wait_for(run(), TIMEOUT * 3)
        await client.close()

        assert any(isinstance(m, Retrying) for m in seen)  # the server did refuse some…
        assert not any(isinstance(m, Rejected) for m in seen)  # …and none was treated as a refusal
        assert sorted(m.command_id for m in seen if isinstance(m, Acked)) == sorted(c.id for c in commands)
        assert local.pending() == []
        reader = await WireClient.join(running.url, team.cqc.token)
        stored = sorted(e.data["finding_id"] for e in reader.replay)
        assert stored == sorted(c.id for c in commands)  # each exactly once
        await reader.close()
        local.close()


# ---------------------------------------------------------------- connections per inspector


async def presences(client: WireClient, count: int) -> None:
    """Read until ``client`` has received ``count`` presence frames in all."""
    while sum(isinstance(f, Presence) for f in client.frames) < count:
        await client.recv()


async def test_connections_per_inspector_are_capped_at_handshake(
    team: Team, make_config: Callable[..., ServerConfig]
) -> None:
    async with TeamServer(make_config(max_connections_per_inspector=2)) as running:
        watcher = await WireClient.join(running.url, team.cqc.token)  # presence #1: itself
        leads = [await WireClient.join(running.url, team.lead.token) for _ in range(2)]  # presence #2, #3

        extra = await WireClient.open(running.url)
        await extra.send({"type": "hello", "token": team.lead.token, "since": 0})
        assert await extra.until_closed() == TOO_MANY_CONNECTIONS_CLOSE
        assert extra.ws.close_reason == "too many connections"
        assert len(extra.frames) == 1  # nothing about the inspection: just why
        refused = extra.frames[0]
        assert isinstance(refused, Error) and refused.code == ErrorCode.TOO_MANY_CONNECTIONS
        assert "2 connections" in refused.message

        # Other inspectors are not affected.
        hmic = await WireClient.join(running.url, team.hmic.token)  # presence #4
        assert isinstance(await hmic.post(), Ack)

        # Once one of the lead's connections goes, the lead may connect again.
        await leads[0].close()
        await presences(watcher, 5)
        again = await WireClient.join(running.url, team.lead.token)
        assert isinstance(await again.post(), Ack)
        for client in (watcher, leads[1], hmic, again):
            await client.close()


# ---------------------------------------------------------------- handshake timeout


@pytest.mark.parametrize("sends", [b"", b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n"])
async def test_a_connection_that_never_finishes_the_upgrade_is_closed(
    team: Team, make_config: Callable[..., ServerConfig], sends: bytes
) -> None:
    async with TeamServer(make_config(handshake_timeout=0.3)) as running:
        loop = asyncio.get_running_loop()
        with socket.create_connection(("127.0.0.1", running.port)) as sock:
            sock.setblocking(False)
            await loop.sock_sendall(sock, sends)
            received = b""

            async def until_eof() -> None:
                nonlocal received
                while chunk := await loop.sock_recv(sock, 4096):
                    received += chunk

            await asyncio.wait_for(until_eof(), TIMEOUT)
        assert b"101 Switching Protocols" not in received
        still = await WireClient.join(running.url, team.lead.token)  # and the server is fine
        await still.close()


def test_the_serve_command_takes_the_limits(db_url: str) -> None:
    result = CliRunner().invoke(serve, ["--db", db_url, "--rate", "-1"])
    assert result.exit_code == 2 and "--rate" in result.output
    result = CliRunner().invoke(serve, ["--help"])
    for option in ("--rate", "--burst", "--max-connections", "--handshake-timeout", "--certfile", "--keyfile"):
        assert option in result.output
