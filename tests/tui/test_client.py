"""The network client against the real server: live sharing, offline outbox, epoch changes, bad tokens.

Only the true edges are replaced: the backoff's randomness (a fixed jitter) and its scale (tiny delays
so reconnects happen quickly). Waits are bounded by ``asyncio.wait_for`` only so a bug fails instead of
hanging; no assertion depends on how long anything took.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from server.network.team_server import ServerConfig, TeamServer
from server.storage import database
from shared.cli import main
from shared.findings import AmendFinding, FindingPosted, PostFinding
from shared.protocol import ErrorCode, Event, Inspector
from shared.vocabulary import Agency, EvidenceSource, FindingKind, Framework, Inspectorate, Role
from tui.client import TeamClient, backoff_delay
from tui.messages import (
    Acked,
    AuthFailed,
    CacheReset,
    CaughtUp,
    Connected,
    Disconnected,
    EventReceived,
    PresenceChanged,
    Rejected,
)
from tui.state import TeamState
from tui.store import LocalStore

from .client_inbox import FAST, TIMEOUT, Inbox

_ids = itertools.count(1)


def post(text: str = "Strategy meetings are held promptly.", **overrides: Any) -> PostFinding:
    values: dict[str, Any] = {
        "id": f"cmd-{next(_ids)}",
        "agency": Agency.LOCAL_AUTHORITY,
        "kind": FindingKind.STRENGTH,
        "evidence_source": EvidenceSource.CASE_FILE,
        "text": text,
    }
    return PostFinding(**(values | overrides))


# ---------------------------------------------------------------- the team and the server


@dataclass(frozen=True)
class Member:
    inspector: Inspector
    token: str


@dataclass(frozen=True)
class Team:
    lead: Member
    cqc: Member


def make_team(db_url: str, name: str = "Northmoor") -> Team:
    """An inspection with two inspectors, created through the server's store as an admin would."""
    engine = database.connect(db_url)
    try:
        inspection = database.create_inspection(
            engine, name=name, framework=Framework.INTEGRATED, start_date=date(2026, 11, 16)
        )

        def add(person: str, inspectorate: Inspectorate, role: Role) -> Member:
            inspector, token = database.add_inspector(
                engine, inspection_id=inspection.id, name=person, inspectorate=inspectorate, role=role
            )
            return Member(inspector, token)

        return Team(
            lead=add("Asha Patel", Inspectorate.OFSTED, Role.LEAD),
            cqc=add("Ben Okafor", Inspectorate.CQC, Role.INSPECTOR),
        )
    finally:
        engine.dispose()


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'server.db'}"


@pytest.fixture
def team(db_url: str) -> Team:
    return make_team(db_url)


@pytest.fixture
async def server(team: Team, db_url: str) -> AsyncIterator[TeamServer]:
    async with TeamServer(ServerConfig(db_url=db_url, port=0)) as running:
        yield running


@pytest.fixture
def stores(tmp_path: Path) -> AsyncIterator[Callable[[str], LocalStore]]:
    """Open local stores by name (same name, same file); all are closed at the end."""
    opened: list[LocalStore] = []

    def open_store(name: str) -> LocalStore:
        opened.append(LocalStore(tmp_path / "clients" / f"{name}.db"))
        return opened[-1]

    yield open_store
    for local in opened:
        local.close()


def posted_ids(events: list[Event]) -> list[str]:
    return [FindingPosted.model_validate(e.data).finding_id for e in events if e.kind == "finding.posted"]


async def all_events(url: str, member: Member, local: LocalStore) -> list[Event]:
    """Everything in the server's log, as seen by a separate client with its own cache."""
    inbox = Inbox(TeamClient(url, member.token, local, **FAST))
    await inbox.next(CaughtUp)
    await inbox.close()
    return local.events()


# ---------------------------------------------------------------- tests


def test_backoff_grows_to_the_cap_with_jitter() -> None:
    assert [backoff_delay(n, 0.5, 10.0, lambda: 0.0) for n in range(7)] == [0.25, 0.5, 1, 2, 4, 5, 5]
    assert [backoff_delay(n, 0.5, 10.0, lambda: 1.0) for n in range(7)] == [0.5, 1, 2, 4, 8, 10, 10]
    assert backoff_delay(10_000, 0.5, 10.0, lambda: 0.5) == 7.5


async def test_connect_and_receive_own_posted_finding(server: TeamServer, team: Team, stores: Any) -> None:
    local = stores("lead")
    client = TeamClient(server.url, team.lead.token, local, **FAST)
    inbox = Inbox(client)

    connected = await inbox.next(Connected)
    assert connected.welcome.inspector == team.lead.inspector
    assert (await inbox.next(CaughtUp)).head == 0
    assert client.connected

    command = post("Thresholds are applied consistently.")
    await client.send(command)
    received = await inbox.next(EventReceived)
    acked = await inbox.next(Acked)

    assert received.event.actor == team.lead.inspector
    assert posted_ids([received.event]) == [command.id]
    assert (acked.command_id, acked.seq) == (command.id, received.event.seq)
    assert local.events() == [received.event]
    assert local.welcome == connected.welcome
    assert local.pending() == []
    assert client.pending_count == 0

    # and the reducer makes the app's view of it
    state = TeamState.build(local.welcome, local.events())
    assert state.findings[command.id].status == "saved"
    assert state.findings[command.id].fields.text == "Thresholds are applied consistently."
    await inbox.close()
    assert not client.connected
    assert not any(isinstance(m, Disconnected) for m in inbox.seen)


async def test_sent_command_stays_in_outbox_until_acked(server: TeamServer, team: Team, stores: Any) -> None:
    local = stores("lead")
    client = TeamClient(server.url, team.lead.token, local, **FAST)
    messages = client.messages()  # driven by hand: nothing is read while we look at the outbox
    while not isinstance(await asyncio.wait_for(anext(messages), TIMEOUT), CaughtUp):
        pass
    command = post()
    await client.send(command)
    assert local.pending() == [command]
    while not isinstance(message := await asyncio.wait_for(anext(messages), TIMEOUT), Acked):
        pass
    assert message.command_id == command.id
    assert local.pending() == []
    await client.close()
    await messages.aclose()


async def test_presence_and_other_inspectors_findings(server: TeamServer, team: Team, stores: Any) -> None:
    lead = Inbox(TeamClient(server.url, team.lead.token, stores("lead"), **FAST))
    await lead.next(CaughtUp)
    cqc_client = TeamClient(server.url, team.cqc.token, stores("cqc"), **FAST)
    cqc = Inbox(cqc_client)
    await cqc.next(CaughtUp)
    await lead.next(PresenceChanged, lambda p: p.online == {team.lead.inspector.id, team.cqc.inspector.id})

    command = post("GP not invited to the strategy meeting.", agency=Agency.HEALTH)
    await cqc_client.send(command)
    event = (await lead.next(EventReceived)).event
    assert event.actor == team.cqc.inspector
    assert posted_ids([event]) == [command.id]

    await cqc.close()
    await lead.next(PresenceChanged, lambda p: p.online == {team.lead.inspector.id})
    await lead.close()


async def test_refused_command_leaves_outbox_as_rejected(server: TeamServer, team: Team, stores: Any) -> None:
    cqc_client = TeamClient(server.url, team.cqc.token, stores("cqc"), **FAST)
    cqc = Inbox(cqc_client)
    await cqc.next(CaughtUp)
    original = post("Ben's own finding", agency=Agency.HEALTH)
    await cqc_client.send(original)
    await cqc.next(Acked)

    local = stores("lead")
    lead_client = TeamClient(server.url, team.lead.token, local, **FAST)
    lead = Inbox(lead_client)
    await lead.next(CaughtUp)
    theft = AmendFinding(id="amend-1", finding_id=original.id, **(original.fields() | {"text": "Asha's now"}))
    await lead_client.send(theft)

    rejected = await lead.next(Rejected)
    assert (rejected.error.id, rejected.error.code) == ("amend-1", ErrorCode.FORBIDDEN)
    assert local.pending() == []
    await lead.close()
    await cqc.close()


async def test_offline_commands_survive_a_crash_and_arrive_exactly_once(team: Team, db_url: str, stores: Any) -> None:
    # Online first, so the cache holds the inspection (the app opens with it while offline).
    async with TeamServer(ServerConfig(db_url=db_url, port=0)) as server:
        url, port = server.url, server.port
        first_store = stores("lead")
        online = Inbox(TeamClient(url, team.lead.token, first_store, **FAST))
        await online.next(CaughtUp)
        earlier = post("Posted, committed, but the ack was lost in the crash.")
        await online.client.send(earlier)
        await online.next(Acked)
        await online.close()
    first_store.enqueue(earlier)  # as if the process died between the commit and the ack

    # Server down: the client keeps trying, and the inspector keeps working.
    offline_client = TeamClient(url, team.lead.token, first_store, **FAST)
    offline = Inbox(offline_client)
    gone = await offline.next(Disconnected)
    assert gone.retry_in > 0 and gone.reason
    await offline.next(Disconnected)  # and tries again
    one, two = post("Written offline, one."), post("Written offline, two.")
    await offline_client.send(one)
    await offline_client.send(two)
    assert not offline_client.connected
    assert offline_client.pending_count == 3
    offline.crash()

    # A new process: a new store on the same file and a new client, already retrying when the server returns.
    second_store = stores("lead")
    assert [c.id for c in second_store.pending()] == [earlier.id, one.id, two.id]
    restarted = Inbox(TeamClient(url, team.lead.token, second_store, **FAST))
    await restarted.next(Disconnected)
    async with TeamServer(ServerConfig(db_url=db_url, port=port)):
        await restarted.next(CaughtUp)
        acks = {(await restarted.next(Acked)).command_id for _ in range(3)}
        assert acks == {earlier.id, one.id, two.id}
        assert second_store.pending() == []

        seen_by_cqc = await all_events(url, team.cqc, stores("cqc"))
        assert sorted(posted_ids(seen_by_cqc)) == sorted([earlier.id, one.id, two.id])
        assert [e.seq for e in seen_by_cqc] == [1, 2, 3]
        await restarted.close()
    # the restarted client's cache agrees with the server
    assert second_store.events() == seen_by_cqc


async def test_new_epoch_drops_the_cache_and_resyncs(tmp_path: Path, stores: Any) -> None:
    old_url, new_url = f"sqlite:///{tmp_path / 'old.db'}", f"sqlite:///{tmp_path / 'new.db'}"
    old_team, new_team = make_team(old_url), make_team(new_url)
    local = stores("lead")

    async with TeamServer(ServerConfig(db_url=old_url, port=0)) as old:
        inbox = Inbox(TeamClient(old.url, old_team.lead.token, local, **FAST))
        await inbox.next(CaughtUp)
        await inbox.client.send(post("From the old log"))
        await inbox.next(Acked)
        await inbox.close()
    old_epoch = local.epoch
    assert local.head == 1

    # The log was rebuilt: same place for the client's cache, a new epoch and a longer, different log.
    async with TeamServer(ServerConfig(db_url=new_url, port=0)) as new:
        writer = Inbox(TeamClient(new.url, new_team.cqc.token, stores("cqc"), **FAST))
        await writer.next(CaughtUp)
        fresh = [post("New log, one"), post("New log, two")]
        for command in fresh:
            await writer.client.send(command)
            await writer.next(Acked)
        await writer.close()

        inbox = Inbox(TeamClient(new.url, new_team.lead.token, local, **FAST))
        await inbox.next(CacheReset)
        connected = await inbox.next(Connected)
        await inbox.next(CaughtUp)
        await inbox.close()

    assert connected.welcome.epoch != old_epoch
    assert local.epoch == connected.welcome.epoch
    assert posted_ids(local.events()) == [c.id for c in fresh]
    received = [m.event for m in inbox.seen if isinstance(m, EventReceived)]
    assert received == local.events()
    assert not any(isinstance(m, Disconnected) for m in inbox.seen)


async def test_cache_ahead_of_server_is_reset(server: TeamServer, team: Team, stores: Any) -> None:
    local = stores("lead")
    inbox = Inbox(TeamClient(server.url, team.lead.token, local, **FAST))
    await inbox.next(CaughtUp)
    await inbox.client.send(post())
    real = (await inbox.next(EventReceived)).event
    await inbox.close()
    local.append([real.model_copy(update={"seq": 99})])  # a cache claiming more than the server has

    inbox = Inbox(TeamClient(server.url, team.lead.token, local, **FAST))
    await inbox.next(CacheReset)
    await inbox.next(CaughtUp)
    await inbox.close()
    assert local.events() == [real]


async def test_wrong_token_is_auth_failed_and_stops(server: TeamServer, stores: Any) -> None:
    client = TeamClient(server.url, "not-a-real-token", stores("nobody"), **FAST)
    inbox = Inbox(client)
    failed = await inbox.next(AuthFailed)
    assert failed.message
    await inbox.ended()  # no retrying
    assert inbox.seen == [failed]
    assert not client.connected


async def test_revoked_token_is_auth_failed(server: TeamServer, team: Team, db_url: str, stores: Any) -> None:
    revoked = CliRunner().invoke(main, ["inspector", "revoke", str(team.cqc.inspector.id), "--db", db_url])
    assert revoked.exit_code == 0, revoked.output
    inbox = Inbox(TeamClient(server.url, team.cqc.token, stores("cqc"), **FAST))
    await inbox.next(AuthFailed)
    await inbox.ended()


async def test_unreachable_server_keeps_retrying_with_backoff(tmp_path: Path, stores: Any) -> None:
    async with TeamServer(ServerConfig(db_url=f"sqlite:///{tmp_path / 'x.db'}", port=0)) as gone:
        url = gone.url  # a port nobody listens on once this server stops
    client = TeamClient(url, "token", stores("lead"), backoff=(0.01, 0.04), jitter=lambda: 1.0, proxy=None)
    inbox = Inbox(client)
    delays = [(await inbox.next(Disconnected)).retry_in for _ in range(4)]
    assert delays == [0.01, 0.02, 0.04, 0.04]
    assert all(isinstance(m, Disconnected) and m.reason for m in inbox.seen)
    await inbox.close()


async def test_close_interrupts_the_wait_between_retries(tmp_path: Path, stores: Any) -> None:
    async with TeamServer(ServerConfig(db_url=f"sqlite:///{tmp_path / 'x.db'}", port=0)) as gone:
        url = gone.url
    client = TeamClient(url, "token", stores("lead"), backoff=(3600.0, 3600.0), proxy=None)
    inbox = Inbox(client)
    await inbox.next(Disconnected)
    await inbox.close()  # would take an hour if the wait were not interrupted
    assert len(inbox.seen) == 1


async def test_command_too_big_for_the_server_is_refused_locally(stores: Any) -> None:
    local = stores("lead")
    client = TeamClient("ws://127.0.0.1:9", "token", local, max_size=1000)
    with pytest.raises(ValueError, match="at most 1000"):
        await client.send(post("x" * 2000))
    assert local.pending() == []
