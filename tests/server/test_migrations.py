"""Schema migrations on real databases: a new one is created at the newest revision, an old one is refused until
``triangulate db upgrade`` has run, and an upgraded one keeps its data and serves real clients.

Every test gets a database of its own, made empty for it: a SQLite file, or a new PostgreSQL schema (when
TRIANGULATE_TEST_PG names a server; tests/pg.py). Old databases are built the way the first release left them: by
the 0001 migration (the first release's ``create_all``, transcribed), with rows inserted as its code wrote them, and
for the oldest ones without the ``alembic_version`` table that release never had.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from click.testing import CliRunner, Result
from sqlalchemy import Engine, create_engine, inspect, text
from sqlmodel import SQLModel

from server.network.team_server import ServerConfig, TeamServer
from server.storage import database, schema
from shared.cli import main
from shared.findings import WithdrawFinding
from shared.protocol import Ack
from tests import pg
from tests.server.conftest import WireClient, post_frame

NewDatabase = Callable[[], str]

OLD_TOKEN = "old-release-token-" + "x" * 30
"""The lead's token in the old database: stored, as ever, only as its hash."""


@pytest.fixture
def new_database(backend: str, tmp_path: Path) -> Iterator[NewDatabase]:
    """Make empty databases on this test's backend: SQLite files, or PostgreSQL schemas dropped afterwards."""
    if backend == "sqlite":
        names = iter(range(1000))
        yield lambda: f"sqlite:///{tmp_path / f'db{next(names)}.sqlite3'}"
        return
    server_url = pg.require_url()
    admin = create_engine(server_url, pool_size=1)
    made: list[str] = []

    def make() -> str:
        name = f"test_mig_{secrets.token_hex(4)}"
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{name}"'))
        made.append(name)
        return pg.schema_url(server_url, name)

    yield make
    with admin.begin() as conn:
        for name in made:
            conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
    admin.dispose()


def plain_engine(url: str) -> Engine:
    """An engine with none of the server's own set-up: the test's view of the database, as a DBA would have it."""
    return create_engine(url)


def differences(url: str) -> list[Any]:
    """Alembic's comparison of the database with the models: empty when every table, column, type, nullability,
    index, unique constraint and foreign key matches."""
    engine = plain_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            return list(compare_metadata(context, SQLModel.metadata))
    finally:
        engine.dispose()


def snapshot(url: str) -> dict[str, Any]:
    """What reflection sees, with what legitimately differs left out: column order (PostgreSQL can only append) and
    the names of foreign keys (SQLite leaves create_all's unnamed)."""
    engine = plain_engine(url)
    try:
        with engine.connect() as conn:
            found = inspect(conn)
            return {
                table: {
                    "columns": sorted(
                        (c["name"], str(c["type"]), c["nullable"], c.get("default")) for c in found.get_columns(table)
                    ),
                    "primary key": found.get_pk_constraint(table)["constrained_columns"],
                    "foreign keys": sorted(
                        (tuple(fk["constrained_columns"]), fk["referred_table"], tuple(fk["referred_columns"]))
                        for fk in found.get_foreign_keys(table)
                    ),
                    "indexes": sorted(
                        (i["name"], tuple(i["column_names"]), bool(i["unique"])) for i in found.get_indexes(table)
                    ),
                    "unique": sorted(
                        (u["name"] or "", tuple(u["column_names"])) for u in found.get_unique_constraints(table)
                    ),
                }
                for table in sorted(found.get_table_names())
            }
    finally:
        engine.dispose()


def revision_of(url: str) -> str | None:
    engine = plain_engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def build_first_release(url: str, *, with_version_table: bool = True) -> None:
    """The first release's schema, with what its code wrote: two inspections, a team, findings, a grade, events.

    Without ``with_version_table`` it is exactly what that release's ``create_all`` left: no ``alembic_version``.
    """
    engine = plain_engine(url)
    try:
        with engine.begin() as conn:
            command.upgrade(schema.config(conn), schema.FIRST)
            if not with_version_table:
                conn.execute(text(f"DROP TABLE {schema.VERSION_TABLE}"))
            _old_rows(conn)
    finally:
        engine.dispose()


def _old_rows(conn: sa.Connection) -> None:
    at = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    meta = sa.MetaData()
    meta.reflect(conn)
    inspection, inspector, token, event, finding, grade = (
        meta.tables[name] for name in ("inspection", "inspector", "token", "event", "finding", "grade")
    )
    for number, name in ((1, "Northmoor"), (2, "Southvale")):
        conn.execute(inspection.insert().values(
            id=number, name=name, framework="integrated", start_date=date(2026, 3, 2), timezone="Europe/London",
            epoch=f"epoch{number}", head=0, deputy_id=None, acknowledge_seconds=900, inform_seconds=3600,
            confirm_seconds=86400, created_at=at,
        ))
    conn.execute(inspector.insert().values(
        id=1, inspection_id=1, name="Asha Patel", inspectorate="ofsted", role="lead", created_at=at
    ))
    conn.execute(inspector.insert().values(
        id=2, inspection_id=1, name="Ben Okafor", inspectorate="cqc", role="inspector", created_at=at
    ))
    conn.execute(token.insert().values(inspector_id=1, token_hash=database.hash_token(OLD_TOKEN), created_at=at))
    for seq in (1, 2):
        fields = {
            "agency": "local-authority", "judgement_area": "help-and-protection", "kind": "strength",
            "evidence_source": "case-file", "text": f"Old finding {seq}: strategy meetings are prompt.",
            "child_id": f"LA-00012{seq}",
        }
        conn.execute(finding.insert().values(
            inspection_id=1, finding_id=f"f-old-{seq}", author_id=seq, criterion=None, version=1, posted_at=at,
            updated_at=at, **fields,
        ))
        conn.execute(event.insert().values(
            inspection_id=1, seq=seq, kind="finding.posted", actor_id=seq, at=at, command_id=f"f-old-{seq}",
            data=json.dumps({"finding_id": f"f-old-{seq}", "criterion": None, **fields}),
        ))
    conn.execute(inspection.update().where(inspection.c.id == 1).values(head=2))
    conn.execute(grade.insert().values(
        inspection_id=1, agency="local-authority", judgement="help-and-protection", proposed_grade="good",
        proposed_by=1, proposed_findings='["f-old-1"]', agreed_findings="[]", challenges=0, signed_off=False,
        updated_at=at,
    ))


def cli(*args: str) -> Result:
    """``triangulate …`` as typed, through the entry points (so the ``db`` command is found the real way)."""
    return CliRunner().invoke(main, list(args))


# ---------------------------------------------------------------- new databases


def test_an_empty_database_is_created_at_the_newest_revision(new_database: NewDatabase) -> None:
    url = new_database()
    database.connect(url).dispose()
    assert revision_of(url) == schema.head()
    assert differences(url) == []
    database.connect(url).dispose()  # and opens again as it is
    assert cli("db", "current", "--db", url).output.strip() == f"{schema.head()} (head)"


READ_ONLY_COMMANDS = [
    ("inspection", "list"),
    ("inspector", "list", "--inspection", "1"),
    ("kit", "export", "--inspection", "1", "--date", "2026-11-16"),
    ("report", "--inspection", "1"),
    ("cases", "list", "--inspection", "1"),
    ("cases", "balance", "--inspection", "1"),
    ("inspector", "add", "--inspection", "1", "--name", "Tom Reid", "--inspectorate", "cqc"),  # needs an inspection
]


def test_the_newest_revision_is_the_head_alembic_finds() -> None:
    """``schema.head`` reads the scripts' revision lines itself, so that an ordinary open never imports alembic."""
    assert schema.head() == schema.scripts().get_current_head()


def test_commands_that_only_read_never_create_a_database(new_database: NewDatabase) -> None:
    url = new_database()
    is_file = url.startswith("sqlite")
    for typed in READ_ONLY_COMMANDS:
        result = cli(*typed, "--db", url)
        assert result.exit_code == 1, (typed, result.output)
        assert isinstance(result.exception, SystemExit), (typed, result.exception)  # no traceback
        where = f"no database at {url.removeprefix('sqlite:///')}" if is_file else "no Triangulate database at"
        assert where in result.output and "`triangulate inspection create`" in result.output, (typed, result.output)
    if is_file:
        assert not Path(url.removeprefix("sqlite:///")).exists()
    else:
        assert schema_state(url).empty
    created = cli("inspection", "create", "Northmoor", "--db", url)
    assert created.exit_code == 0, created.output
    assert revision_of(url) == schema.head()


def schema_state(url: str) -> schema.State:
    engine = plain_engine(url)
    try:
        with engine.connect() as conn:
            return schema.state(conn)
    finally:
        engine.dispose()


def test_the_migrations_build_exactly_the_models_schema(new_database: NewDatabase) -> None:
    """Any model change without a migration fails here; and a new database (create_all, stamped) is the same as
    one migrated from the first release."""
    migrated, created = new_database(), new_database()
    build_first_release(migrated)
    assert schema.upgrade(migrated).after == schema.head()
    database.connect(created).dispose()
    assert differences(migrated) == []
    assert snapshot(migrated) == snapshot(created)


def test_servers_creating_the_same_new_database_at_once_all_succeed(new_database: NewDatabase) -> None:
    """Threads stand in for processes: each opens its own connections, so only the database keeps them apart."""
    url = new_database()
    failures: list[BaseException] = []

    def open_it() -> None:
        try:
            database.connect(url).dispose()
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    assert revision_of(url) == schema.head()


def test_a_server_opening_a_new_file_another_process_is_writing_waits_for_it(tmp_path: Path) -> None:
    """SQLite refuses the switch to WAL at once (no busy wait) while another connection holds a write lock: the
    race above lost that way about one run in fifty on a busy machine. Opening must wait, not fail."""
    path = tmp_path / "busy.sqlite3"
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    other.execute("CREATE TABLE someone_elses_write (x)")
    releaser = threading.Timer(0.3, lambda: other.execute("ROLLBACK"))
    releaser.start()
    try:
        database.connect(f"sqlite:///{path}").dispose()
    finally:
        releaser.join()
        other.close()
    assert revision_of(f"sqlite:///{path}") == schema.head()


# ---------------------------------------------------------------- a database from the first release


async def test_an_old_database_is_refused_then_upgraded_with_its_data(new_database: NewDatabase) -> None:
    url = new_database()
    build_first_release(url)

    with pytest.raises(schema.SchemaOutOfDate) as refused:
        database.connect(url)
    message = str(refused.value)
    assert f"at revision {schema.FIRST} but this version needs {schema.head()}" in message
    assert f"run `triangulate db upgrade --db {schema.display_url(url)}`" in message
    assert f"needs {schema.head()}: run `triangulate db upgrade`" in cli("db", "current", "--db", url).output
    assert revision_of(url) == schema.FIRST  # refusing changed nothing

    result = cli("db", "upgrade", "--db", url)
    assert result.exit_code == 0, result.output
    assert f"Upgraded from revision {schema.FIRST} to {schema.head()}" in result.output
    assert revision_of(url) == schema.head()
    assert cli("db", "upgrade", "--db", url).output.startswith("Already at revision")
    assert_old_data_kept(url)

    async with TeamServer(ServerConfig(db_url=url, port=0, command_rate=None)) as server:
        lead = await WireClient.join(server.url, OLD_TOKEN)
        assert lead.welcome is not None and lead.welcome.head == 2
        assert [e.data["finding_id"] for e in lead.replay] == ["f-old-1", "f-old-2"]
        reply = await lead.command(post_frame())
        assert isinstance(reply, Ack) and reply.seq == 3
        withdraw = WithdrawFinding(id="w-1", finding_id="f-old-2", reason="A duplicate.")
        reply = await lead.command(withdraw)  # a column the old release never had, on a row it wrote
        assert isinstance(reply, Ack) and reply.seq == 4, reply
        await lead.close()


def assert_old_data_kept(url: str) -> None:
    engine = plain_engine(url)
    try:
        with engine.connect() as conn:
            inspections = conn.execute(
                text("SELECT name, head, end_date, personal_data_policy, case_salt FROM inspection ORDER BY id")
            ).all()
            assert [(row.name, row.head, row.end_date, row.personal_data_policy) for row in inspections] == [
                ("Northmoor", 2, None, "refuse"),
                ("Southvale", 0, None, "refuse"),
            ]
            salts = [row.case_salt for row in inspections]
            assert len(set(salts)) == 2 and all(len(salt) == 32 and int(salt, 16) >= 0 for salt in salts)
            assert conn.execute(text("SELECT count(*) FROM event")).scalar_one() == 2
            withdrawn = conn.execute(
                text("SELECT finding_id, text, withdrawn_at, withdrawn_by, withdrawn_reason FROM finding ORDER BY id")
            ).all()
            assert [tuple(row) for row in withdrawn] == [
                ("f-old-1", "Old finding 1: strategy meetings are prompt.", None, None, None),
                ("f-old-2", "Old finding 2: strategy meetings are prompt.", None, None, None),
            ]
            grade = conn.execute(
                text("SELECT proposed_grade, proposed_leaders_understand, agreed_leaders_understand FROM grade")
            ).one()
            assert tuple(grade) == ("good", False, False)
    finally:
        engine.dispose()


def test_serve_refuses_an_old_database_saying_what_to_run(new_database: NewDatabase) -> None:
    url = new_database()
    build_first_release(url)
    ran = subprocess.run(
        [sys.executable, "-m", "server", "serve", "--db", url, "--port", "0"],
        capture_output=True, text=True, timeout=60,
    )
    assert ran.returncode != 0
    assert "Traceback" not in ran.stderr
    assert f"needs {schema.head()}: back the database up, stop every server using it, then run" in ran.stderr
    assert f"`triangulate db upgrade --db {schema.display_url(url)}`" in ran.stderr


def test_a_database_from_before_migrations_is_recognised_and_upgraded(new_database: NewDatabase) -> None:
    url = new_database()
    build_first_release(url, with_version_table=False)

    with pytest.raises(schema.SchemaOutOfDate) as refused:
        database.connect(url)
    assert "no recorded revision (its tables are revision 0001's, made before migrations)" in str(refused.value)
    assert "recognised as 0001" in cli("db", "current", "--db", url).output

    result = cli("db", "upgrade", "--db", url)
    assert result.exit_code == 0, result.output
    assert "recognised a database from before migrations" in result.output
    assert revision_of(url) == schema.head()
    assert differences(url) == []
    assert_old_data_kept(url)
    database.connect(url).dispose()


# ---------------------------------------------------------------- what cannot be carried forward


def test_a_development_database_without_a_version_is_stamped_not_migrated(new_database: NewDatabase) -> None:
    """A create_all from a build before migrations existed already has the newest tables: upgrade only records it."""
    url = new_database()
    engine = plain_engine(url)
    with engine.begin() as conn:
        SQLModel.metadata.create_all(conn)
    engine.dispose()
    with pytest.raises(schema.SchemaOutOfDate):
        database.connect(url)
    result = cli("db", "upgrade", "--db", url)
    assert result.output.startswith(f"Recorded revision {schema.head()} (recognised"), result.output
    assert revision_of(url) == schema.head()
    database.connect(url).dispose()


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        ("UPDATE alembic_version SET version_num = '9999'", "newer than this version of Triangulate knows"),
        ("DROP TABLE alembic_version", "match no released schema"),
    ],
)
def test_an_unknown_schema_is_refused_and_left_alone(new_database: NewDatabase, damage: str, expected: str) -> None:
    url = new_database()
    database.connect(url).dispose()
    engine = plain_engine(url)
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE inspection ADD COLUMN extra INTEGER"))
        conn.execute(text(damage))
    engine.dispose()
    before = snapshot(url)

    with pytest.raises(schema.SchemaError):
        database.connect(url)
    result = cli("db", "upgrade", "--db", url)
    assert result.exit_code == 1 and expected in result.output, result.output
    assert "Traceback" not in result.output
    assert snapshot(url) == before
