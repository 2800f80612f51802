"""Everything a client can get wrong, and what the server must do about it.

A bad frame is answered with an error naming the problem and never half-written to the log; only a
failed handshake or an oversized frame ends the connection. Unauthenticated clients learn nothing.

Frames here are raw JSON on purpose (a wire-contract test): they are what a broken or hostile client sends, which
the shared models would refuse to build.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed

from server.network.team_server import ServerConfig, TeamServer
from shared.findings import MAX_TEXT
from shared.protocol import UNAUTHORIZED_CLOSE, Ack, Error, ErrorCode
from tests.server.conftest import (
    Team,
    WireClient,
    amend_frame,
    assert_gap_free,
    post_frame,
    revoke,
)


async def assert_still_works(client: WireClient) -> None:
    """The connection survived: a good command is still acked and its event arrives."""
    ack = await client.posted(text="still works")
    await client.wait_seq(ack.seq)


# ---------------------------------------------------------------- malformed frames


@pytest.mark.parametrize("raw", ["{", "not json", "{'a': 1}", '{"type": "finding.post",}', ""])
async def test_malformed_json_is_bad_json_and_connection_stays_open(
    server: TeamServer, team: Team, raw: str
) -> None:
    client = await WireClient.join(server.url, team.cqc.token)
    await client.send(raw)
    error = await client.recv_until(Error)
    assert error.code == ErrorCode.BAD_JSON
    await assert_still_works(client)
    await client.close()


@pytest.mark.parametrize("kind", ["finding.delete", "hello", "FINDING.POST", "", 3, None])
async def test_unknown_type(server: TeamServer, team: Team, kind: Any) -> None:
    client = await WireClient.join(server.url, team.cqc.token)
    frame = {**post_frame(), "type": kind}
    reply = await client.command(frame)
    assert isinstance(reply, Error)
    assert reply.code == ErrorCode.UNKNOWN_TYPE
    assert reply.id == frame["id"]
    await assert_still_works(client)
    await client.close()


def _without(frame: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in frame.items() if k != key}


INVALID_POSTS: list[tuple[str, Callable[[dict[str, Any]], dict[str, Any]], str]] = [
    ("missing agency", lambda f: _without(f, "agency"), "agency"),
    ("missing kind", lambda f: _without(f, "kind"), "kind"),
    ("missing evidence_source", lambda f: _without(f, "evidence_source"), "evidence_source"),
    ("missing text", lambda f: _without(f, "text"), "text"),
    ("unknown agency", lambda f: {**f, "agency": "fire-brigade"}, "agency"),
    ("unknown kind", lambda f: {**f, "kind": "rumour"}, "kind"),
    ("agency not a string", lambda f: {**f, "agency": 7}, "agency"),
    ("empty text", lambda f: {**f, "text": ""}, "text"),
    ("blank text", lambda f: {**f, "text": "   \n"}, "text"),
    ("over-long text", lambda f: {**f, "text": "x" * (MAX_TEXT + 1)}, "text"),
    ("child name not id", lambda f: {**f, "child_id": "Jane Smith"}, "child_id"),
    ("over-long child id", lambda f: {**f, "child_id": "A" * 33}, "child_id"),
    ("area not for agency", lambda f: {**f, "agency": "police", "judgement_area": "looked-after"}, "judgement_area"),
    ("area for narrative agency", lambda f: {**f, "agency": "yot"}, "judgement_area"),
    ("bad criterion", lambda f: {**f, "criterion": "no spaces please"}, "criterion"),
    ("unknown field", lambda f: {**f, "child_name": "Jane Smith"}, "child_name"),
]


@pytest.mark.parametrize(
    ("change", "field"), [(c, f) for _, c, f in INVALID_POSTS], ids=[name for name, _, _ in INVALID_POSTS]
)
async def test_invalid_post_names_the_field(
    server: TeamServer, team: Team, change: Callable[[dict[str, Any]], dict[str, Any]], field: str
) -> None:
    client = await WireClient.join(server.url, team.cqc.token)
    frame = change(post_frame())
    reply = await client.command(frame)
    assert isinstance(reply, Error), reply
    assert reply.code == ErrorCode.INVALID
    assert reply.field == field
    assert reply.id == frame["id"]
    await assert_still_works(client)
    assert len(client.events) == 1, "the invalid post must not have produced an event"
    await client.close()


@pytest.mark.parametrize("command_id", ["", "has space", "x" * 65, "semi;colon"])
async def test_invalid_command_id(server: TeamServer, team: Team, command_id: str) -> None:
    client = await WireClient.join(server.url, team.cqc.token)
    await client.send(post_frame(command_id="placeholder") | {"id": command_id})
    error = await client.recv_until(Error)
    assert error.code == ErrorCode.INVALID
    assert error.field == "id"
    await assert_still_works(client)
    await client.close()


async def test_invalid_amend_names_the_field(server: TeamServer, team: Team) -> None:
    client = await WireClient.join(server.url, team.cqc.token)
    posted = await client.posted()
    missing = _without(amend_frame(posted.id), "finding_id")
    reply = await client.command(missing)
    assert isinstance(reply, Error)
    assert (reply.code, reply.field) == (ErrorCode.INVALID, "finding_id")
    reply = await client.command(amend_frame(posted.id, child_id="Jane Smith"))
    assert isinstance(reply, Error)
    assert (reply.code, reply.field) == (ErrorCode.INVALID, "child_id")
    await client.close()


@pytest.mark.parametrize("raw", ["[]", "42", '"finding.post"', "null"])
async def test_json_that_is_not_an_object_is_refused(server: TeamServer, team: Team, raw: str) -> None:
    client = await WireClient.join(server.url, team.cqc.token)
    await client.send(raw)
    error = await client.recv_until(Error)
    assert error.code in {ErrorCode.INVALID, ErrorCode.UNKNOWN_TYPE}
    await assert_still_works(client)
    await client.close()


# ---------------------------------------------------------------- permissions


async def test_amending_someone_elses_finding_is_forbidden(server: TeamServer, team: Team) -> None:
    alice = await WireClient.join(server.url, team.cqc.token)
    bob = await WireClient.join(server.url, team.hmic.token)
    posted = await alice.posted()

    reply = await bob.amend(posted.id, kind="weakness", text="Bob rewrites Alice's finding.")

    assert isinstance(reply, Error)
    assert reply.code == ErrorCode.FORBIDDEN
    marker = await alice.posted()
    events = await alice.wait_seq(marker.seq)
    assert [e.seq for e in events] == [posted.seq, marker.seq]
    await alice.close()
    await bob.close()


async def test_even_the_lead_cannot_amend_another_inspectors_finding(server: TeamServer, team: Team) -> None:
    """Contract: amend is author-only; the lead comments, never rewrites someone's evidence."""
    alice = await WireClient.join(server.url, team.cqc.token)
    lead = await WireClient.join(server.url, team.lead.token)
    posted = await alice.posted()
    reply = await lead.amend(posted.id, kind="weakness")
    assert isinstance(reply, Error)
    assert reply.code == ErrorCode.FORBIDDEN
    await alice.close()
    await lead.close()


async def test_amending_an_unknown_finding_is_not_found(server: TeamServer, team: Team) -> None:
    client = await WireClient.join(server.url, team.cqc.token)
    reply = await client.amend("no-such-finding")
    assert isinstance(reply, Error)
    assert reply.code == ErrorCode.NOT_FOUND
    await assert_still_works(client)
    assert len(client.events) == 1
    await client.close()


async def test_amending_with_an_amend_id_as_finding_id_is_not_found(server: TeamServer, team: Team) -> None:
    """Only posts create findings; an amend's command id names no finding."""
    client = await WireClient.join(server.url, team.cqc.token)
    posted = await client.posted()
    amended = await client.amend(posted.id)
    assert isinstance(amended, Ack)
    reply = await client.amend(amended.id)
    assert isinstance(reply, Error)
    assert reply.code == ErrorCode.NOT_FOUND
    await client.close()


# ---------------------------------------------------------------- frame size


async def test_frame_over_size_limit_closes_with_1009(
    team: Team, make_config: Callable[..., ServerConfig]
) -> None:
    async with TeamServer(make_config(max_frame_bytes=4096)) as running:
        big = await WireClient.join(running.url, team.cqc.token)
        other = await WireClient.join(running.url, team.hmic.token)
        await big.send(post_frame(text="x" * 5000))
        assert await big.until_closed() == 1009
        assert big.events == []
        # the server and everyone else carry on
        ack = await other.posted(text="a normal-sized finding")
        assert ack.seq == 1
        await other.close()


async def test_frame_exactly_at_size_limit_is_fine(
    team: Team, make_config: Callable[..., ServerConfig]
) -> None:
    async with TeamServer(make_config(max_frame_bytes=4096)) as running:
        client = await WireClient.join(running.url, team.cqc.token)
        frame = post_frame(text="x")
        room = 4096 - len(json.dumps(frame).encode())
        ack = await client.posted(frame["id"], text="x" * (room + 1))
        assert ack.seq == 1
        await client.close()


# ---------------------------------------------------------------- handshake


async def assert_only_unauthorized(client: WireClient) -> None:
    """The whole conversation is one unauthorized error then close 4401: nothing leaks."""
    code = await client.until_closed()
    assert code == UNAUTHORIZED_CLOSE
    assert len(client.frames) == 1, f"expected only the error, got {client.frames}"
    error = client.frames[0]
    assert isinstance(error, Error)
    assert error.code == ErrorCode.UNAUTHORIZED


async def test_wrong_token_is_unauthorized(server: TeamServer, team: Team) -> None:
    client = await WireClient.open(server.url)
    await client.send({"type": "hello", "token": "not-a-real-token", "since": 0})
    await assert_only_unauthorized(client)


async def test_revoked_token_is_unauthorized(server: TeamServer, team: Team, db_url: str) -> None:
    alice = await WireClient.join(server.url, team.cqc.token)  # works before revocation
    await alice.posted()
    await alice.close()
    revoke(db_url, team.cqc)
    client = await WireClient.open(server.url)
    await client.send({"type": "hello", "token": team.cqc.token, "since": 0})
    await assert_only_unauthorized(client)
    bob = await WireClient.join(server.url, team.hmic.token)  # others unaffected
    assert [(e.kind, e.actor) for e in bob.replay] == [  # their findings stay; the log records the revocation
        ("finding.posted", team.cqc.inspector),
        ("inspector.revoked", None),
    ]
    await bob.close()


@pytest.mark.parametrize(
    "first",
    [
        pytest.param(lambda t: json.dumps(post_frame()), id="command-before-hello"),
        pytest.param(lambda t: "not json", id="bad-json"),
        pytest.param(lambda t: "{}", id="empty-object"),
        pytest.param(lambda t: json.dumps({"type": "hello"}), id="hello-without-token"),
        pytest.param(lambda t: json.dumps({"type": "hello", "token": ""}), id="empty-token"),
        pytest.param(lambda t: json.dumps({"type": "hello", "token": t, "since": -1}), id="negative-since"),
        pytest.param(lambda t: json.dumps({"type": "hello", "token": t, "extra": 1}), id="extra-field"),
        pytest.param(lambda t: json.dumps({"type": "welcome", "token": t}), id="wrong-type"),
        pytest.param(lambda t: json.dumps([{"type": "hello", "token": t}]), id="array"),
    ],
)
async def test_any_other_first_frame_is_unauthorized(
    server: TeamServer, team: Team, first: Callable[[str], str | bytes]
) -> None:
    client = await WireClient.open(server.url)
    await client.send(first(team.cqc.token))
    await assert_only_unauthorized(client)


async def test_unauthorized_client_cannot_post_afterwards(server: TeamServer, team: Team) -> None:
    """Even a client that ignores the error and keeps sending gets nothing and writes nothing."""
    client = await WireClient.open(server.url)
    await client.send({"type": "hello", "token": "wrong", "since": 0})
    with contextlib.suppress(ConnectionClosed):  # the server may already have closed
        await client.send(post_frame())
    await assert_only_unauthorized(client)
    lead = await WireClient.join(server.url, team.lead.token)
    assert lead.replay == []
    await lead.close()


# ---------------------------------------------------------------- nothing half-written


async def test_after_errors_the_log_has_only_the_good_events(
    team: Team, make_config: Callable[..., ServerConfig]
) -> None:
    async with TeamServer(make_config(max_frame_bytes=8192)) as running:
        alice = await WireClient.join(running.url, team.cqc.token)
        bob = await WireClient.join(running.url, team.hmic.token)
        good: list[Ack] = [await alice.posted(text="good 1")]
        await alice.send("{not json")
        await alice.recv_until(Error)
        assert isinstance(await alice.command({**post_frame(), "type": "finding.remove"}), Error)
        assert isinstance(await alice.post(child_id="Jane Smith"), Error)
        assert isinstance(await alice.post(agency="police", judgement_area="looked-after"), Error)
        good.append(await alice.posted(text="good 2"))
        assert isinstance(await bob.amend(good[0].id, text="not bob's"), Error)
        assert isinstance(await bob.amend("missing-finding"), Error)
        amended = await alice.amend(good[1].id, text="good 3 (amend)")
        assert isinstance(amended, Ack)
        good.append(amended)
        assert isinstance(await alice.amend(good[0].id, text=""), Error)
        await bob.send(post_frame(text="y" * 9000))  # too big: bob is cut off mid-stream
        assert await bob.until_closed() == 1009
        good.append(await alice.posted(text="good 4"))
        await alice.close()

    async with TeamServer(make_config()) as restarted:
        reader = await WireClient.join(restarted.url, team.lead.token)
        assert [e.seq for e in reader.replay] == [a.seq for a in good]
        assert_gap_free(reader.replay)
        assert [e.actor for e in reader.replay] == [team.cqc.inspector] * len(good)
        texts = [e.data["text"] for e in reader.replay]
        assert texts == ["good 1", "good 2", "good 3 (amend)", "good 4"]
        await reader.close()


async def test_silent_client_gets_only_unauthorized(
    team: Team, make_config: Callable[..., ServerConfig]
) -> None:
    """A connection that never says hello is refused like a bad hello, not kept open forever."""
    async with TeamServer(make_config(handshake_timeout=0.2)) as running:
        client = await WireClient.open(running.url)
        await assert_only_unauthorized(client)
