"""Engines handed from server to server (server/storage/shelf.py): never to two running servers at once, never
past a database that changed underneath, and never holding a SQLite file open while no server runs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from server.network.team_server import ServerConfig, TeamServer
from server.storage import database, schema
from server.storage.shelf import EngineShelf

from .conftest import Team, WireClient, make_team, posted


async def test_the_next_server_on_a_database_is_handed_the_last_ones_engine(db_url: str, team: Team) -> None:
    shelf = EngineShelf()
    config = ServerConfig(db_url=db_url, port=0, command_rate=None, engines=shelf)
    async with TeamServer(config) as first:
        used = first.engine
        lead = await WireClient.join(first.url, team.lead.token)
        await posted(lead)
        await lead.close()
    async with TeamServer(config) as second:
        assert second.engine is used
        lead = await WireClient.join(second.url, team.lead.token)
        assert [e.kind for e in await lead.wait_seq(1)] == ["finding.posted"]
        await lead.close()
    shelf.close()


async def test_two_servers_running_at_once_never_share_an_engine(db_url: str, team: Team) -> None:
    """Each tells its own notifications from the other's by the connections its engine checked out."""
    shelf = EngineShelf()
    shelf.put_back(shelf.take(db_url))  # one on the shelf, as a server that stopped leaves it
    config = ServerConfig(db_url=db_url, port=0, command_rate=None, engines=shelf)
    async with TeamServer(config) as a, TeamServer(config) as b:
        assert a.engine is not b.engine
        watcher = await WireClient.join(a.url, team.cqc.token)
        poster = await WireClient.join(b.url, team.lead.token)
        await posted(poster)
        assert [e.kind for e in await watcher.wait_seq(1)] == ["finding.posted"]
        for client in (watcher, poster):
            await client.close()
    shelf.close()


def test_a_sqlite_file_replaced_while_shelved_is_read_afresh(tmp_path: Path) -> None:
    """A shelved SQLite engine holds no connection: a file copied over its database is what the next taker reads."""
    here, other = tmp_path / "here.db", tmp_path / "other.db"
    made_here = make_team(f"sqlite:///{here}", "Northmoor")
    make_team(f"sqlite:///{other}", "Southmoor")
    shelf = EngineShelf()
    engine = shelf.take(f"sqlite:///{here}")
    assert database.get_inspection(engine, inspection_id=made_here.inspection.id).name == "Northmoor"
    shelf.put_back(engine)
    shutil.copy(other, here)
    for leftover in here.parent.glob("here.db-*"):
        leftover.unlink()
    again = shelf.take(f"sqlite:///{here}")
    assert again is engine
    assert database.get_inspection(again, inspection_id=made_here.inspection.id).name == "Southmoor"
    shelf.close()


def test_a_shelved_engine_whose_schema_changed_is_refused_when_taken(db_url: str, team: Team) -> None:
    shelf = EngineShelf()
    shelf.put_back(shelf.take(db_url))
    plain = create_engine(db_url)
    try:
        with plain.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
        with pytest.raises(schema.SchemaError):
            shelf.take(db_url)
    finally:  # PostgreSQL's schema is the session's: the tests after this one need it current
        with plain.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = :head"), {"head": schema.head()})
        plain.dispose()
        shelf.close()
