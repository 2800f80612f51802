"""A real PostgreSQL database for tests, named by an environment variable.

``TRIANGULATE_TEST_PG`` holds a SQLAlchemy URL (``postgresql+psycopg://USER:PASSWORD@HOST:PORT/DBNAME``) of a
database the tests may fill and empty freely; ``.ci/run`` creates one and exports it. A test session (each xdist
worker is one) works in a schema of its own, so two sessions on one database never see each other: not their
tables, and not their notifications either (server/network/notify.py names its channel after the schema). Every test
starts with that schema's tables emptied and its id sequences reset, as a new SQLite file would be. Measured on the
project's machine: emptying takes ≈7 ms, a new schema with its tables ≈100–200 ms, a new database ≈190 ms,
``TRUNCATE`` ≈110–160 ms.

Without the variable the PostgreSQL half of the suite is skipped, saying why, unless
``TRIANGULATE_TEST_PG_REQUIRED`` is set (CI sets it), when a missing database is a failure.
"""

from __future__ import annotations

import os
import secrets

import pytest
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

import server.storage.tables  # noqa: F401 - registers every table, so emptying knows the foreign-key order
from server.storage.shelf import EngineShelf

URL_ENV = "TRIANGULATE_TEST_PG"
REQUIRED_ENV = "TRIANGULATE_TEST_PG_REQUIRED"


def configured_url() -> str | None:
    return os.environ.get(URL_ENV) or None


def require_url() -> str:
    """The configured URL; otherwise skip the test (or fail it, where PostgreSQL is required)."""
    url = configured_url()
    if url is not None:
        return url
    why = f"PostgreSQL not configured: set {URL_ENV}=postgresql+psycopg://USER:PASSWORD@HOST/DBNAME (.ci/run does)"
    if os.environ.get(REQUIRED_ENV):
        pytest.fail(f"{why}; {REQUIRED_ENV} is set, so this is a failure, not a skip")
    pytest.skip(why)


def describe() -> str:
    """For the report header: where the PostgreSQL tests run, password hidden."""
    url = configured_url()
    if url is None:
        return f"postgresql: not configured ({URL_ENV} unset), PostgreSQL tests skipped"
    return f"postgresql: {make_url(url).render_as_string(hide_password=True)}"


def schema_url(url: str, schema: str) -> str:
    """``url`` with every connection's ``search_path`` set to ``schema``, and commits that do not wait for the
    write-ahead log to reach the disk (≈ 3.6 ms an fsync on the project's machine): a test kills server processes,
    never PostgreSQL or the machine, and what PostgreSQL has committed survives a killed client either way."""
    query = {"options": f"-csearch_path={schema} -csynchronous_commit=off"}
    return make_url(url).update_query_dict(query).render_as_string(hide_password=False)


class SessionSchema:
    """One test session's schema: created on first use, emptied before each test, dropped at the end."""

    def __init__(self, url: str, worker: str = "master") -> None:
        self.name = f"test_{worker}_{secrets.token_hex(4)}"  # the worker, to tell whose a left-behind schema was
        self.url = schema_url(url, self.name)
        self._admin: Engine = create_engine(url, pool_size=1)
        self._engine: Engine | None = None
        self._emptying_sql: dict[frozenset[str], str] = {}
        self._team: tuple[object, str] | None = None
        self._team_schema = f"{self.name}_team"
        self.engines = EngineShelf()
        """Engines on this schema handed from server to server (server/storage/shelf.py): a new one per server
        costs a new backend and password check for each of its connections, and every statement compiled again."""
        with self._admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{self.name}"'))

    def empty(self) -> str:
        """Delete every row and restart every id sequence; returns the URL to use. Two round trips: which tables
        there are, then every statement as one batch."""
        with self._admin.begin() as conn:  # one transaction, one commit
            conn.exec_driver_sql(self._emptying(conn))
        return self.url

    def _emptying(self, conn: Connection) -> str:
        """The batch that empties the tables the schema has now (the first server to open it creates them)."""
        existing = frozenset(
            conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = :s"), {"s": self.name}).scalars()
        )
        if existing not in self._emptying_sql:
            tables = [t.name for t in reversed(SQLModel.metadata.sorted_tables) if t.name in existing]
            # children before parents: no foreign key is ever violated
            statements = [f'DELETE FROM "{self.name}"."{table}"' for table in tables]
            statements += [f"SELECT setval('{self._quoted(seq)}', 1, false)" for seq in self._sequences(conn)]
            self._emptying_sql[existing] = "; ".join(statements) or "SELECT 1"
        return self._emptying_sql[existing]

    def _sequences(self, conn: Connection) -> list[str]:
        return list(conn.execute(
            text("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                 " WHERE c.relkind = 'S' AND n.nspname = :s"),
            {"s": self.name},
        ).scalars())

    def _quoted(self, sequence: str) -> str:
        return f'"{self.name}"."{sequence}"'

    def keep_as_team(self, team: object) -> None:
        """Remember every row the schema holds now, and where its id sequences stand, for ``restore_team``, with
        ``team``, what the caller made them as (its tokens exist nowhere else): making the standard team costs four
        transactions and twenty round trips, restoring it one."""
        with self._admin.begin() as conn:
            tables = [t.name for t in SQLModel.metadata.sorted_tables]  # parents first
            kept = [
                name for name in tables
                if conn.execute(text(f'SELECT EXISTS (SELECT 1 FROM "{self.name}"."{name}")')).scalar()
            ]
            conn.exec_driver_sql(f'CREATE SCHEMA "{self._team_schema}"')
            statements = []
            for name in kept:
                conn.exec_driver_sql(
                    f'CREATE TABLE "{self._team_schema}"."{name}" AS SELECT * FROM "{self.name}"."{name}"'
                )
                statements.append(f'INSERT INTO "{self.name}"."{name}" SELECT * FROM "{self._team_schema}"."{name}"')
            for seq in self._sequences(conn):
                last, called = conn.execute(text(f"SELECT last_value, is_called FROM {self._quoted(seq)}")).one()
                statements.append(f"SELECT setval('{self._quoted(seq)}', {last}, {str(called).lower()})")
        self._team = (team, "; ".join(statements))

    def restore_team(self, then: str = "") -> object | None:
        """Put back the rows ``keep_as_team`` kept (into the emptied schema), run ``then`` (SQL on this schema) in
        the same batch, and return the kept ``team``; None if nothing was kept yet."""
        if self._team is None:
            return None
        team, restoring = self._team
        with self._admin.begin() as conn:
            conn.exec_driver_sql(f'{restoring}; SET LOCAL search_path = "{self.name}"; {then}')
        return team

    def engine(self) -> Engine:
        """An engine on this schema through the server's own ``connect``, opened once and kept for the session."""
        if self._engine is None:
            from server.storage import database

            self._engine = database.connect(self.url)
        return self._engine

    def drop(self) -> None:
        self.engines.close()
        if self._engine is not None:
            self._engine.dispose()
        try:
            with self._admin.begin() as conn:
                # A connection a test leaked would block the drop for ever; leave that schema behind instead.
                conn.execute(text("SET LOCAL lock_timeout = '5s'"))
                conn.execute(text(f'DROP SCHEMA "{self.name}" CASCADE'))
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{self._team_schema}" CASCADE'))
        except Exception as exc:  # cleanup must not hide the session's own outcome
            print(f"pg: could not drop schema {self.name}: {exc}")
        self._admin.dispose()
