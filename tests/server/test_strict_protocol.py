"""A strict protocol (docs/protocol.md): hostile nesting is ``bad_json``, ``hello.since`` is an integer, a command id
means one command, and a connection's ack never comes before its command's event — on one instance or two.

Frames here are raw JSON on purpose (a wire-contract test): they are what a broken or hostile client sends, which
the shared models would refuse to build.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from server.network.team_server import ServerConfig, TeamServer
from shared.protocol import MAX_DEPTH, Ack, Error, ErrorCode, Event
from tests.pg import SessionSchema
from tests.server.conftest import (
    Team,
    WireClient,
    accepted,
    assert_gap_free,
    concern_frame,
    make_team,
    new_id,
    post_frame,
    refused,
)
from tests.server.test_bad_input import assert_only_unauthorized, assert_still_works

# ---------------------------------------------------------------- nesting


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("[" * 30_000 + "]" * 30_000, id="30000-arrays"),
        pytest.param('{"a":' * 10_000 + "1" + "}" * 10_000, id="10000-objects"),
        pytest.param(json.dumps({**post_frame(), "text": "x"})[:-1] + ', "deep": ' + "[" * 30_000, id="unclosed"),
        pytest.param(
            json.dumps({**post_frame(), "extra": None}).replace("null", "[" * 900 + "]" * 900), id="900-in-a-field"
        ),
    ],
)
async def test_deep_nesting_is_bad_json_without_a_traceback(
    server: TeamServer, team: Team, raw: str, caplog: pytest.LogCaptureFixture
) -> None:
    assert len(raw.encode()) < server.config.max_frame_bytes
    client = await WireClient.join(server.url, team.cqc.token)
    with caplog.at_level(logging.WARNING):
        await client.send(raw)
        error = await client.recv_until(Error)
        await assert_still_works(client)
    assert error.code == ErrorCode.BAD_JSON
    assert client.ws.close_code is None
    assert [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info] == []
    await client.close()


async def test_nesting_at_the_limit_is_only_as_invalid_as_its_content(server: TeamServer, team: Team) -> None:
    client = await WireClient.join(server.url, team.cqc.token)
    deep = {**post_frame(), "extra": json.loads("[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1))}
    reply = await client.command(deep)
    assert isinstance(reply, Error)
    assert (reply.code, reply.field) == (ErrorCode.INVALID, "extra")
    await client.close()


async def test_deep_nesting_while_rate_limited_is_refused_not_a_crash(
    team: Team, make_config: Callable[..., ServerConfig], caplog: pytest.LogCaptureFixture
) -> None:
    # One token every 100 s: a loaded machine taking a second between the post and the frame (as 1/s allowed)
    # would refill the bucket and the frame would be judged as JSON, not as rate limited.
    async with TeamServer(make_config(command_rate=0.01, command_burst=1)) as running:
        client = await WireClient.join(running.url, team.cqc.token)
        with caplog.at_level(logging.WARNING):
            await client.posted()
            await client.send("[" * 30_000 + "]" * 30_000)
            error = await client.recv_until(Error)
        assert error.code == ErrorCode.RATE_LIMITED
        assert client.ws.close_code is None
        assert [r for r in caplog.records if r.exc_info] == []
        await client.close()


# ---------------------------------------------------------------- hello


@pytest.mark.parametrize("since", ["5", "0", True, False, 1.5, 2.0, None, [], -1])
async def test_hello_since_must_be_an_integer_at_least_zero(server: TeamServer, team: Team, since: Any) -> None:
    client = await WireClient.open(server.url)
    await client.send({"type": "hello", "token": team.cqc.token, "since": since})
    await assert_only_unauthorized(client)
    [error] = client.frames
    assert isinstance(error, Error)
    assert error.field == "since"
    assert "since: must be an integer ≥ 0" in error.message


async def test_hello_since_as_an_integer_still_works(server: TeamServer, team: Team) -> None:
    writer = await WireClient.join(server.url, team.cqc.token)
    ack = await writer.posted()
    reader = await WireClient.join(server.url, team.hmic.token, since=0)
    assert [e.seq for e in reader.replay] == [ack.seq]
    later = await WireClient.join(server.url, team.hmic.token, since=ack.seq)
    assert later.replay == []
    for client in (writer, reader, later):
        await client.close()


# ---------------------------------------------------------------- command ids


async def test_an_id_reused_with_different_content_is_a_conflict_naming_the_id(
    server: TeamServer, team: Team
) -> None:
    lead = await WireClient.join(server.url, team.lead.token)
    frame = concern_frame(new_id("alert"), summary="First concern.")
    first = await accepted(lead, frame)

    error = await refused(lead, {**frame, "summary": "A different concern."}, ErrorCode.CONFLICT, "id")
    assert str(frame["id"]) in error.message
    error = await refused(lead, post_frame(str(frame["id"])), ErrorCode.CONFLICT, "id")  # another type, too
    assert str(frame["id"]) in error.message

    again = await accepted(lead, frame)  # the same content still gets the original ack
    assert again.seq == first.seq
    marker = await lead.posted()
    log = await lead.wait_seq(marker.seq)
    assert_gap_free(log)
    assert [e.kind for e in log] == ["alert.raised", "finding.posted"]
    assert log[0].data["summary"] == "First concern."
    await lead.close()


async def test_the_same_content_spelt_differently_is_the_same_command(server: TeamServer, team: Team) -> None:
    """Retries are compared as commands, not as bytes: key order, defaults spelt out, CRLF and NFC do not matter."""
    cqc = await WireClient.join(server.url, team.cqc.token)
    frame = post_frame(text="Cafe\u0301 visit\r\nnext day")
    first = await accepted(cqc, frame)
    respelt = {**dict(reversed(list(frame.items()))), "text": "Café visit\nnext day", "criterion": None}
    again = await accepted(cqc, respelt)
    assert again.seq == first.seq
    await cqc.close()


async def test_a_retry_of_a_command_stored_before_digests_is_acked(
    server: TeamServer, team: Team, db_url: str
) -> None:
    """Events from before revision 0003 have no digest: their retries are answered as before, with the ack."""
    cqc = await WireClient.join(server.url, team.cqc.token)
    frame = post_frame()
    first = await accepted(cqc, frame)
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE event SET command_digest = NULL"))
    engine.dispose()
    again = await accepted(cqc, {**frame, "text": "changed"})
    assert again.seq == first.seq
    await cqc.close()


# ---------------------------------------------------------------- ack after event


def acks_before_events(client: WireClient) -> list[Ack]:
    """The client's acks that arrived before the event they acknowledge (its frames, in arrival order)."""
    seen: set[int] = set(e.seq for e in client.replay)
    early: list[Ack] = []
    for frame in client.frames:
        if isinstance(frame, Event):
            seen.add(frame.seq)
        elif isinstance(frame, Ack) and frame.seq not in seen:
            early.append(frame)
    return early


async def flood(client: WireClient, count: int) -> None:
    """Send ``count`` posts without waiting, then read every reply (and the events in between)."""
    frames = [post_frame(text=f"Finding {n}.") for n in range(count)]
    for frame in frames:
        await client.send(frame)
    for frame in frames:
        assert isinstance(await client.reply(str(frame["id"])), Ack)


async def test_own_ack_never_comes_before_own_event_on_one_instance(
    team: Team, make_config: Callable[..., ServerConfig]
) -> None:
    async with TeamServer(make_config(command_rate=None)) as running:
        clients = [await WireClient.join(running.url, m.token) for m in (team.lead, team.cqc, team.hmic)]
        await asyncio.gather(*(flood(client, 60) for client in clients))
        assert [len(acks_before_events(c)) for c in clients] == [0, 0, 0]
        for client in clients:
            assert_gap_free(await client.wait_seq(180))
            await client.close()


@pytest.fixture
async def two_instances(pg_schema: SessionSchema) -> AsyncIterator[tuple[Team, TeamServer, TeamServer]]:
    """Two servers on one PostgreSQL database, as two ``triangulate serve`` processes behind a load balancer."""
    url = pg_schema.empty()
    team = make_team(url)
    config = ServerConfig(db_url=url, host="127.0.0.1", port=0, command_rate=None)
    async with TeamServer(config) as a, TeamServer(config) as b:
        yield team, a, b


async def one_by_one(client: WireClient, count: int) -> None:
    """Send ``count`` posts, each after the previous one's reply, as a person at a keyboard does."""
    for n in range(count):
        assert isinstance(await client.post(text=f"Finding {n}."), Ack)


PER_CONNECTION = 85
"""Posts per connection across instances: 1,020 in all. Before the fix, 10 to 25 acks of 2,040 came first (28 of
3,829 when the issue was filed: 0.5–1.2 %), so 1,020 expect 5 to 12 and leave fewer than one run in a hundred
without one (Poisson, at the low end): the test still fails on the bug, in half the time."""


@pytest.mark.slow
async def test_own_ack_never_comes_before_own_event_across_instances(
    two_instances: tuple[Team, TeamServer, TeamServer],
) -> None:
    """Twelve connections, six on each instance, each posting one command after another. An instance commits its
    command right after the other's (it waited for the inspection's row lock), so its relay often still has the
    other's event to read and holds its own back; the ack must wait with it."""
    team, a, b = two_instances
    members = [team.lead, team.cqc, team.hmic] * 2
    clients = [await WireClient.join(a.url, m.token) for m in members]
    clients += [await WireClient.join(b.url, m.token) for m in members]
    await asyncio.wait_for(asyncio.gather(*(one_by_one(client, PER_CONNECTION) for client in clients)), 300)
    acks = sum(isinstance(frame, Ack) for client in clients for frame in client.frames)
    early = [len(acks_before_events(client)) for client in clients]
    assert sum(early) == 0, f"{sum(early)} of {acks} acks came before their event: {early}"
    total = PER_CONNECTION * len(clients)
    assert acks == total
    for client in clients:
        assert_gap_free(await client.wait_seq(total))
        await client.close()
