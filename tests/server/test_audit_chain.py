"""The event log's hash chain: ``triangulate audit verify`` passes an untouched log and names the first seq of one
edited, cut or reordered directly in the database, on SQLite and PostgreSQL.

Events are written the real way (a real server, real clients, both write paths: the ``finding.post`` fast path and
the general one); the tampering is done as someone with the database's password would, in SQL.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

import pytest
from click.testing import Result
from sqlalchemy import Connection, create_engine, text

from server.network.team_server import ServerConfig, TeamServer
from server.storage import chain
from tests.pg import SessionSchema
from tests.server.conftest import Team, WireClient, accepted, amend_frame, make_team, post_frame
from tests.server.test_migrations import NewDatabase, build_first_release, cli, new_database  # noqa: F401

EVENTS = 6


def verify(db_url: str, inspection_id: int) -> Result:
    return cli("audit", "verify", "--inspection", str(inspection_id), "--db", db_url)


async def six_events(server: TeamServer, team: Team) -> None:
    """Four posts (the fast path) and two amendments (the general path), each text different."""
    lead = await WireClient.join(server.url, team.lead.token)
    first = post_frame(text="Strategy meetings are held promptly.")
    await accepted(lead, first)
    for number in range(2, 5):
        await accepted(lead, post_frame(text=f"Finding number {number}: multi-agency work is timely."))
    await accepted(lead, amend_frame(str(first["id"]), text="Strategy meetings are held within a day."))
    await accepted(lead, amend_frame(str(first["id"]), text="Strategy meetings are held within hours."))
    await lead.close()


def tamper(db_url: str, change: Callable[[Connection], object]) -> None:
    engine = create_engine(db_url)
    try:
        with engine.begin() as connection:
            change(connection)
    finally:
        engine.dispose()


def sql(statement: str, **values: object) -> Callable[[Connection], object]:
    return lambda connection: connection.execute(text(statement), values)


def _rehash(connection: Connection) -> None:
    """Edit seq 3's text and make its content hash and frame agree with the edit: only the chain can tell."""
    data, frame = connection.execute(text("SELECT data, frame FROM event WHERE seq = 3")).one()
    edited = {**json.loads(data), "text": "Nothing of concern was found."}
    sent = {**json.loads(frame), "data": edited}
    connection.execute(
        text("UPDATE event SET data = :data, frame = :frame, content_hash = :hash WHERE seq = 3"),
        {"data": json.dumps(edited), "frame": json.dumps(sent), "hash": chain.content_hash(edited)},
    )


def _swap(first: int, second: int) -> Callable[[Connection], object]:
    def swap(connection: Connection) -> None:
        for old, new in ((first, -1), (second, first), (-1, second)):
            connection.execute(text("UPDATE event SET seq = :new WHERE seq = :old"), {"old": old, "new": new})

    return swap


TAMPERING: dict[str, tuple[Callable[[Connection], object], int]] = {
    "text edited": (sql("UPDATE event SET data = replace(data, 'number 3', 'number 9') WHERE seq = 3"), 3),
    "frame edited": (sql("UPDATE event SET frame = replace(frame, 'number 3', 'number 9') WHERE seq = 3"), 3),
    "text, hash and frame edited together": (_rehash, 3),
    "author changed": (sql("UPDATE event SET actor_id = NULL WHERE seq = 2"), 2),
    "first event's kind changed": (sql("UPDATE event SET kind = 'finding.withdrawn' WHERE seq = 1"), 1),
    "amendment re-dated": (sql("UPDATE event SET at = at + interval '1 hour' WHERE seq = 5"), 5),
    "middle event deleted": (sql("DELETE FROM event WHERE seq = 4"), 4),
    "last event deleted": (sql("DELETE FROM event WHERE seq = 6"), 6),
    "two events swapped": (_swap(2, 3), 2),
    "amendments swapped": (_swap(5, 6), 5),
}


async def test_an_untouched_log_verifies_with_its_head(server: TeamServer, team: Team, db_url: str) -> None:
    await six_events(server, team)

    result = verify(db_url, team.inspection.id)

    assert result.exit_code == 0, result.output
    engine = create_engine(db_url)
    with engine.connect() as connection:
        head = connection.execute(text("SELECT chain FROM event WHERE seq = 6")).scalar_one()
    engine.dispose()
    assert f"chain intact: {EVENTS} events, head seq {EVENTS} {head}; 0 redactions" in result.output
    for fmt in ("md", "html"):
        report = cli("report", "--inspection", str(team.inspection.id), "--format", fmt, "--db", db_url)
        assert f"Produced from the event log up to seq {EVENTS}, chain hash {head} " in report.output


@pytest.mark.parametrize("how", list(TAMPERING))
async def test_verify_names_the_first_seq_tampered_with(
    server: TeamServer, team: Team, db_url: str, backend: str, how: str
) -> None:
    await six_events(server, team)
    change, broken = TAMPERING[how]
    if how == "amendment re-dated" and backend == "sqlite":
        change = sql("UPDATE event SET at = datetime(at, '+1 hour') WHERE seq = 5")

    tamper(db_url, change)
    result = verify(db_url, team.inspection.id)

    assert result.exit_code == 1, result.output
    assert result.output.startswith(f"inspection {team.inspection.id}: seq {broken} "), result.output


async def test_another_inspections_log_is_untouched_by_tampering_with_this_one(
    server: TeamServer, team: Team, db_url: str
) -> None:
    other = make_team(db_url, "Southvale")
    async with TeamServer(ServerConfig(db_url=db_url, host="127.0.0.1", port=0)) as second:
        await six_events(second, other)
    await six_events(server, team)

    tamper(db_url, sql("DELETE FROM event WHERE inspection_id = :i AND seq = 2", i=team.inspection.id))

    assert verify(db_url, team.inspection.id).exit_code == 1
    assert verify(db_url, other.inspection.id).exit_code == 0


async def test_two_instances_writing_at_once_keep_one_chain(pg_schema: SessionSchema) -> None:
    """The previous event's hash is read under the row lock that allocates the seq, whichever process writes."""
    url = pg_schema.empty()
    team = make_team(url)
    config = ServerConfig(db_url=url, host="127.0.0.1", port=0, command_rate=None)
    async with TeamServer(config) as a, TeamServer(config) as b:
        lead = await WireClient.join(a.url, team.lead.token)
        cqc = await WireClient.join(b.url, team.cqc.token)

        async def send(client: WireClient, count: int) -> None:
            frames = [post_frame() for _ in range(count)]
            for frame in frames:
                await client.send(frame)
            for frame in frames:
                await client.reply(str(frame["id"]))

        await asyncio.gather(send(lead, 40), send(cqc, 40))
        await lead.close()
        await cqc.close()

    result = verify(url, team.inspection.id)
    assert result.exit_code == 0, result.output
    assert "chain intact: 80 events" in result.output


def test_an_upgraded_log_gets_its_chain_in_seq_order(new_database: NewDatabase) -> None:  # noqa: F811
    url = new_database()
    build_first_release(url)
    assert cli("db", "upgrade", "--db", url).exit_code == 0

    assert "chain intact: 2 events, head seq 2" in verify(url, 1).output
    tamper(url, sql("UPDATE event SET command_id = 'f-other' WHERE seq = 1"))
    assert verify(url, 1).output.startswith("inspection 1: seq 1 ")
