"""Revoking an inspector, or changing their role, from the command line takes effect at once on open connections.

The real ``triangulate inspector revoke`` / ``inspector role`` commands write to the database of a running server
(or of two, on PostgreSQL); every open connection of that inspector is closed with 4401 within two seconds, a
command they send meanwhile is not stored, and everyone else carries on.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest
from click.testing import CliRunner
from sqlmodel import Session
from websockets.exceptions import ConnectionClosed
from websockets.protocol import State

from server.handlers.dispatch import apply_command
from server.handlers.errors import CommandRejected
from server.network.team_server import ServerConfig, TeamServer
from server.storage import database
from server.storage.tables import utcnow
from shared.alerts import NameDeputy
from shared.cli import main
from shared.enquiries import OpenEnquiry
from shared.protocol import REVOKED_REASON, UNAUTHORIZED_CLOSE, Ack, Error, Event, Hello, is_role_change
from shared.vocabulary import Role
from tests.pg import SessionSchema
from tests.server.conftest import Team, WireClient, accepted, event_of, make_team, new_id, post_frame

PROMISED = 2.0
"""Seconds within which every open connection of the inspector must be closed (issue 14 §3)."""


async def run_cli(*args: str) -> str:
    """Run a real ``triangulate`` command in a thread, as an administrator would while the server runs."""
    result = await asyncio.to_thread(CliRunner().invoke, main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


async def closed_by_server(client: WireClient) -> tuple[int | None, str | None]:
    """Wait (at most the promised two seconds) for the server to close the socket; its code and reason.

    Every frame that arrived before the close is read into ``client.frames``.
    """
    await asyncio.wait_for(client.ws.wait_closed(), PROMISED)
    with contextlib.suppress(ConnectionClosed):
        while True:
            await client.recv()
    received = client.ws.protocol.close_rcvd
    assert received is not None, "the server did not send a close frame"
    return received.code, received.reason


async def not_stored(observer: WireClient, through: WireClient, command_id: str) -> list[Event]:
    """Fence with one more command through ``through``; the observer's log must not hold ``command_id``'s event."""
    fence = await accepted(through, post_frame())
    log = await observer.wait_seq(fence.seq)
    assert command_id not in [e.data.get("finding_id") for e in log], "a command sent after revocation was stored"
    return log


async def test_revoking_closes_every_open_connection_and_stores_nothing_more(
    server: TeamServer, team: Team, db_url: str
) -> None:
    lead = await WireClient.join(server.url, team.lead.token)
    hmic = await WireClient.join(server.url, team.hmic.token)
    laptop = await WireClient.join(server.url, team.cqc.token)
    phone = await WireClient.join(server.url, team.cqc.token)
    await accepted(laptop, post_frame())  # they could post before

    await run_cli("inspector", "revoke", str(team.cqc.inspector.id), "--db", db_url)
    late = post_frame(new_id("after-revoke"))
    with contextlib.suppress(ConnectionClosed):  # the close may already be here
        await laptop.send(late)  # in the window before the close: refused (or never read), never stored
    await accepted(hmic, post_frame())  # the team's work goes on, and none of it reaches the revoked inspector

    for connection in (laptop, phone):
        code, reason = await closed_by_server(connection)
        assert (code, reason) == (UNAUTHORIZED_CLOSE, REVOKED_REASON)
    answers = [f for f in laptop.frames if isinstance(f, (Ack, Error)) and f.id == late["id"]]
    assert all(isinstance(f, Error) and f.code == "unauthorized" for f in answers), answers
    await not_stored(lead, through=hmic, command_id=str(late["id"]))
    revoked = await event_of(lead, "inspector.revoked")  # the log records it; everyone's roster follows
    assert revoked.actor is None and revoked.data == {"inspector_id": team.cqc.inspector.id}
    assert all(e.actor != team.cqc.inspector for e in lead.events if e.seq > revoked.seq)
    for connection in (laptop, phone):
        assert [e.seq for e in connection.events if e.seq >= revoked.seq] == [], "an event reached them after it"
    refused = await WireClient.open(server.url)  # and the token no longer opens a connection
    await refused.send(Hello(token=team.cqc.token, since=0))
    assert isinstance(await refused.recv(), Error)
    for client in (lead, hmic):
        await client.close()


async def test_a_changed_role_closes_the_connection_and_the_same_token_comes_back_in_the_new_role(
    server: TeamServer, team: Team, db_url: str
) -> None:
    lead = await WireClient.join(server.url, team.lead.token)
    hmic = await WireClient.join(server.url, team.hmic.token)
    await accepted(lead, NameDeputy(id=new_id(), inspector_id=team.hmic.inspector.id))  # a lead's power, as lead

    output = await run_cli("inspector", "role", str(team.lead.inspector.id), "--role", "inspector", "--db", db_url)
    assert "now Inspector (was Lead inspector)" in output
    late = NameDeputy(id=new_id("after-demotion"), inspector_id=team.hmic.inspector.id)
    with contextlib.suppress(ConnectionClosed):  # the close may already be here
        await lead.send(late)  # judged by the role they hold now, whether or not it is read before the close

    code, reason = await closed_by_server(lead)
    assert code == UNAUTHORIZED_CLOSE and reason is not None and is_role_change(reason)
    assert "Inspector" in reason
    back = await WireClient.join(server.url, team.lead.token)
    assert back.me.role is Role.INSPECTOR
    again = await back.command(NameDeputy(id=new_id(), inspector_id=team.hmic.inspector.id))
    assert isinstance(again, Error) and again.code == "forbidden"
    fence = await accepted(hmic, post_frame())
    log = await hmic.wait_seq(fence.seq)
    changed = await event_of(hmic, "inspector.role-changed")
    assert changed.data == {"inspector_id": team.lead.inspector.id, "role": "inspector", "was": "lead"}
    assert [e.kind for e in log].count("deputy.named") == 1, "the demoted lead still named a deputy"
    assert hmic.ws.state is State.OPEN, "another inspector's connection was closed"
    for client in (back, hmic):
        await client.close()


async def test_the_writer_judges_each_command_by_the_standing_its_actor_has_now(team: Team, db_url: str) -> None:
    """Whatever a connection learnt at hello, the command's own transaction reads the actor's token and role: the
    path every command takes, so no window between a change and the close lets a stale standing through."""
    await run_cli("inspector", "role", str(team.lead.inspector.id), "--role", "inspector", "--db", db_url)
    await run_cli("inspector", "revoke", str(team.cqc.inspector.id), "--db", db_url)
    engine = database.connect(db_url)
    try:
        for stale, code in ((team.lead.inspector, "forbidden"), (team.cqc.inspector, "unauthorized")):
            command = NameDeputy(id=new_id(), inspector_id=team.hmic.inspector.id)
            with Session(engine) as session, pytest.raises(CommandRejected) as refused:
                apply_command(session, inspection_id=team.inspection.id, actor=stale, command=command, at=utcnow())
            assert refused.value.code == code
    finally:
        engine.dispose()


async def test_a_client_cannot_revoke_or_change_a_role(server: TeamServer, team: Team) -> None:
    """Only an administrator, through the command line, changes the team; not even the lead's app."""
    lead = await WireClient.join(server.url, team.lead.token)
    target = team.cqc.inspector.id
    for frame in ({"type": "inspector.revoke", "inspector_id": target},  # raw: no client command has these types
                  {"type": "inspector.change-role", "inspector_id": target, "role": "lead"}):
        refused = await lead.command({**frame, "id": new_id()})
        assert isinstance(refused, Error) and refused.code == "unknown_type", refused
    cqc = await WireClient.join(server.url, team.cqc.token)
    assert cqc.me.role is Role.INSPECTOR
    for client in (lead, cqc):
        await client.close()


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["inspector", "role", "999", "--role", "lead"], "no inspector with id 999"),
        (["inspector", "revoke", "999"], "no inspector with id 999"),
        (["inspector", "role", "{lead}", "--role", "lead"], "is already Lead inspector"),
        (["inspector", "revoke", "{revoked}"], "holds no live token"),
    ],
)
async def test_a_change_that_changes_nothing_is_refused_and_named(
    team: Team, db_url: str, args: list[str], says: str
) -> None:
    await run_cli("inspector", "revoke", str(team.hmic.inspector.id), "--db", db_url)
    ids = {"lead": team.lead.inspector.id, "revoked": team.hmic.inspector.id}
    command = [arg.format(**ids) for arg in args] + ["--db", db_url]
    result = await asyncio.to_thread(CliRunner().invoke, main, command)
    assert result.exit_code != 0
    assert says in result.output
    assert "Traceback" not in result.output


# ---------------------------------------------------------------- two instances on one PostgreSQL database


@pytest.fixture
async def two_instances(pg_schema: SessionSchema) -> AsyncIterator[tuple[str, Team, TeamServer, TeamServer]]:
    """Two ``triangulate serve`` processes' worth of server on one database, as behind a load balancer."""
    url = pg_schema.empty()
    team = make_team(url)
    config = ServerConfig(db_url=url, host="127.0.0.1", port=0)
    async with TeamServer(config) as a, TeamServer(config) as b:
        yield url, team, a, b


async def test_revoking_closes_the_inspectors_connections_on_every_instance(
    two_instances: tuple[str, Team, TeamServer, TeamServer],
) -> None:
    url, team, a, b = two_instances
    on_a = await WireClient.join(a.url, team.cqc.token)
    on_b = await WireClient.join(b.url, team.cqc.token)
    lead_b = await WireClient.join(b.url, team.lead.token)

    await run_cli("inspector", "revoke", str(team.cqc.inspector.id), "--db", url)

    for connection in (on_a, on_b):
        assert await closed_by_server(connection) == (UNAUTHORIZED_CLOSE, REVOKED_REASON)
    await accepted(lead_b, post_frame())  # the rest of the team carries on
    await lead_b.close()


async def test_a_changed_role_closes_the_connections_on_every_instance(
    two_instances: tuple[str, Team, TeamServer, TeamServer],
) -> None:
    url, team, a, b = two_instances
    on_a = await WireClient.join(a.url, team.lead.token)
    on_b = await WireClient.join(b.url, team.lead.token)

    await run_cli("inspector", "role", str(team.lead.inspector.id), "--role", "qa-manager", "--db", url)

    for connection in (on_a, on_b):
        code, reason = await closed_by_server(connection)
        assert code == UNAUTHORIZED_CLOSE and reason is not None and is_role_change(reason)
    back = await WireClient.join(b.url, team.lead.token)
    assert back.me.role is Role.QA_MANAGER
    await back.close()


async def test_work_is_never_given_to_someone_whose_access_was_revoked(
    server: TeamServer, team: Team, db_url: str
) -> None:
    """Naming a revoked member as deputy, or addressing an enquiry to them, is refused by name: they could never
    act on it (a significant-harm escalation would wait for a deputy who cannot connect)."""
    await run_cli("inspector", "revoke", str(team.cqc.inspector.id), "--db", db_url)
    lead = await WireClient.join(server.url, team.lead.token)
    gone = team.cqc.inspector.id
    for frame, field in (
        (NameDeputy(id=new_id(), inspector_id=gone), "inspector_id"),
        (OpenEnquiry(id=new_id(), to_inspector=gone, question="Was the GP invited?", why="Strategy."), "to_inspector"),
    ):
        refused = await lead.command(frame)
        assert isinstance(refused, Error), refused
        assert (refused.code, refused.field) == ("conflict", field)
        assert refused.message == f"{team.cqc.inspector.name} no longer has access to this inspection"
    named = await lead.command(NameDeputy(id=new_id(), inspector_id=team.hmic.inspector.id))
    assert isinstance(named, Ack)  # a member who still has access is named as before
    await lead.close()
