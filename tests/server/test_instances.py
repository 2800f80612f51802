"""Several server processes on one PostgreSQL database serve the same inspection (server/network/notify.py).

Two real ``TeamServer``s share a real database, with real clients on each. Whichever instance a command goes
through, seqs are allocated in the database (gap-free, in order), and every client, on either instance, receives
every event exactly once and in seq order — also when a notification is lost. Events the command line writes
straight to the database reach connected clients too, on SQLite as on PostgreSQL.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text

from server.network.team_server import ServerConfig, TeamServer
from shared.cli import main
from shared.protocol import Ack, Event
from tests.pg import SessionSchema
from tests.server.conftest import (
    Team,
    WireClient,
    accepted,
    amend_frame,
    assert_gap_free,
    event_of,
    make_team,
    new_id,
    post_frame,
)
from tests.shared.annex_a_files import csv_rows, write_csv

Pair = tuple[TeamServer, TeamServer]


@pytest.fixture
def pg_url(pg_schema: SessionSchema) -> str:
    return pg_schema.empty()


@pytest.fixture
def pg_team(pg_url: str) -> Team:
    return make_team(pg_url)


@pytest.fixture
async def pair(pg_url: str, pg_team: Team) -> AsyncIterator[Pair]:
    """Two instances on the same database, as two ``triangulate serve`` processes behind a load balancer."""
    config = ServerConfig(db_url=pg_url, host="127.0.0.1", port=0)
    async with TeamServer(config) as a, TeamServer(config) as b:
        yield a, b


async def send_all(client: WireClient, frames: list[dict[str, object]]) -> list[Ack]:
    """Send every frame before reading any reply, so commands are in flight on both instances at once."""
    for frame in frames:
        await client.send(frame)
    replies = [await client.reply(str(frame["id"])) for frame in frames]
    assert all(isinstance(r, Ack) for r in replies), replies
    return replies  # type: ignore[return-value]


async def fenced(clients: list[WireClient], through: list[WireClient]) -> list[list[Event]]:
    """One more event through each of ``through``; once every client holds the last one, nothing is still on its
    way, so a duplicate or a late event would show in the logs returned."""
    seqs = [(await accepted(sender, post_frame())).seq for sender in through]
    return [await client.wait_seq(max(seqs)) for client in clients]


async def test_clients_on_either_instance_see_every_event_once_in_seq_order(pair: Pair, pg_team: Team) -> None:
    a, b = pair
    lead_a = await WireClient.join(a.url, pg_team.lead.token)
    cqc_b = await WireClient.join(b.url, pg_team.cqc.token)
    hmic_a = await WireClient.join(a.url, pg_team.hmic.token)
    hmic_b = await WireClient.join(b.url, pg_team.hmic.token)
    clients = [lead_a, cqc_b, hmic_a, hmic_b]

    batches = await asyncio.gather(
        send_all(lead_a, [post_frame() for _ in range(25)]),
        send_all(cqc_b, [post_frame() for _ in range(25)]),
        send_all(hmic_b, [post_frame() for _ in range(10)]),
    )

    seqs = sorted(ack.seq for batch in batches for ack in batch)
    assert seqs == list(range(1, 61)), "seqs allocated by the database: every one used once, none skipped"
    logs = await fenced(clients, through=[lead_a, cqc_b])
    for log in logs:
        assert_gap_free(log)
        assert len(log) == 62
    assert logs[0] == logs[1] == logs[2] == logs[3]
    for client in clients:
        await client.close()


async def test_amendments_through_both_instances_never_share_a_version(pair: Pair, pg_team: Team) -> None:
    """The inspection's row lock serialises commands across processes, so neither reads a stale finding."""
    a, b = pair
    cqc_a = await WireClient.join(a.url, pg_team.cqc.token)
    cqc_b = await WireClient.join(b.url, pg_team.cqc.token)
    posted = await cqc_a.posted()
    finding_id = next(e for e in await cqc_a.wait_seq(posted.seq) if e.seq == posted.seq).data["finding_id"]

    for _ in range(10):
        await asyncio.gather(
            send_all(cqc_a, [amend_frame(finding_id, text="Seen through A.")]),
            send_all(cqc_b, [amend_frame(finding_id, text="Seen through B.")]),
        )

    [log_a, log_b] = await fenced([cqc_a, cqc_b], through=[cqc_b])
    assert log_a == log_b
    versions = [e.data["version"] for e in log_a if e.kind == "finding.amended"]
    assert versions == list(range(2, 22))
    await cqc_a.close()
    await cqc_b.close()


async def test_a_command_retried_through_the_other_instance_is_stored_once(pair: Pair, pg_team: Team) -> None:
    a, b = pair
    lead_a = await WireClient.join(a.url, pg_team.lead.token)
    frame = post_frame(new_id("retry"))
    first = await accepted(lead_a, frame)
    await lead_a.close()  # the laptop's connection drops; the load balancer sends it to B

    lead_b = await WireClient.join(b.url, pg_team.lead.token, since=0)
    again = await accepted(lead_b, frame)

    assert again.seq == first.seq
    [log] = await fenced([lead_b], through=[lead_b])
    assert [e.data.get("finding_id") for e in log].count(frame["id"]) == 1
    assert_gap_free(log)
    await lead_b.close()


async def test_a_lost_notification_is_made_up_by_the_catch_up_read(pair: Pair, pg_team: Team, pg_url: str) -> None:
    a, b = pair
    hmic_a = await WireClient.join(a.url, pg_team.hmic.token)
    cqc_b = await WireClient.join(b.url, pg_team.cqc.token)
    listener = a.relay.listener_pid
    assert listener is not None
    engine = create_engine(pg_url)
    with engine.connect() as conn:  # cut A's listening connection, as a network blip or a restart would
        assert conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": listener}).scalar_one()
    engine.dispose()

    ack = await accepted(cqc_b, post_frame())  # its notification goes to nobody on A

    [log] = await fenced([hmic_a], through=[cqc_b])
    assert_gap_free(log)
    assert ack.seq in [e.seq for e in log]
    await hmic_a.close()
    await cqc_b.close()


async def test_events_the_command_line_writes_reach_connected_clients(
    server: TeamServer, team: Team, db_url: str, tmp_path: Path
) -> None:
    """``triangulate cases import`` writes straight to the database; nobody has to reconnect to see it."""
    lead = await WireClient.join(server.url, team.lead.token)
    file = write_csv(tmp_path / "annex-a.csv", csv_rows())
    command = ["cases", "import", "--inspection", str(team.inspection.id), str(file), "--db", db_url]
    run: Callable[[], object] = lambda: CliRunner().invoke(main, command, catch_exceptions=False)  # noqa: E731

    await asyncio.to_thread(run)

    imported = await event_of(lead, "cases.imported")
    assert imported.actor is None
    assert_gap_free(lead.events)
    await lead.close()
