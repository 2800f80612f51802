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
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

import server.storage.tables  # noqa: F401 - registers every table, so emptying knows the foreign-key order

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
        with self._admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{self.name}"'))

    def empty(self) -> str:
        """Delete every row and restart every id sequence; returns the URL to use."""
        with self._admin.begin() as conn:  # one transaction, one commit
            existing = set(
                conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = :s"), {"s": self.name}).scalars()
            )
            tables = [t.name for t in reversed(SQLModel.metadata.sorted_tables) if t.name in existing]
            for table in tables:  # children before parents: no foreign key is ever violated
                conn.execute(text(f'DELETE FROM "{self.name}"."{table}"'))
            conn.execute(
                text(
                    "SELECT setval(c.oid, 1, false) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    " WHERE c.relkind = 'S' AND n.nspname = :s"
                ),
                {"s": self.name},
            )
        return self.url

    def engine(self) -> Engine:
        """An engine on this schema through the server's own ``connect``, opened once and kept for the session."""
        if self._engine is None:
            from server.storage import database

            self._engine = database.connect(self.url)
        return self._engine

    def drop(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
        try:
            with self._admin.begin() as conn:
                # A connection a test leaked would block the drop for ever; leave that schema behind instead.
                conn.execute(text("SET LOCAL lock_timeout = '5s'"))
                conn.execute(text(f'DROP SCHEMA "{self.name}" CASCADE'))
        except Exception as exc:  # cleanup must not hide the session's own outcome
            print(f"pg: could not drop schema {self.name}: {exc}")
        self._admin.dispose()
