"""Where a benchmark's data lives: a SQLite file of its own, or a schema of its own on PostgreSQL.

Every server benchmark takes ``--db``: nothing (SQLite in a temporary directory, as the server runs by default) or a
``postgresql+psycopg://`` URL, on which each database the benchmark asks for is a fresh schema, dropped afterwards.
The bare servers used as baselines store their frames on the same backend through ``RawStore``, so a ratio on
PostgreSQL compares like with like (each commit waits for PostgreSQL's WAL flush: ``synchronous_commit`` on).
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any


def is_postgres(db: str | None) -> bool:
    return bool(db) and str(db).startswith("postgresql")


@contextmanager
def bench_database(db: str | None, tmp: Path, name: str) -> Iterator[str]:
    """A SQLAlchemy URL for an empty database called ``name``: a file in ``tmp``, or a schema on ``db``."""
    if not is_postgres(db):
        yield f"sqlite:///{tmp / f'{name}.db'}"
        return
    url, drop = bench_schema(str(db))
    try:
        yield url
    finally:
        drop()


def bench_schema(url: str) -> tuple[str, Callable[[], None]]:
    """A schema of its own on the given database, and how to drop it."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"bench_{secrets.token_hex(4)}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{name}"'))

    def drop() -> None:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()

    scoped = make_url(url).update_query_dict({"options": f"-csearch_path={name}"})
    return scoped.render_as_string(hide_password=False), drop


def describe(db: str | None) -> str:
    """The backend and its version, for a benchmark's header."""
    if not is_postgres(db):
        return f"SQLite {sqlite3.sqlite_version} (WAL, synchronous=FULL)"
    return f"PostgreSQL {server_version(str(db))} (synchronous_commit {setting(str(db), 'synchronous_commit')})"


def server_version(db_url: str) -> str:
    return setting(db_url, "server_version")


def setting(db_url: str, name: str) -> str:
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    with engine.connect() as conn:
        value = str(conn.execute(text(f"SHOW {name}")).scalar_one())
    engine.dispose()
    return value


class RawStore:
    """A bare server's storage: one DB-API connection, no ORM, each statement its own round trip.

    SQLite gets what Triangulate's engine sets (WAL, synchronous=FULL); PostgreSQL its defaults.
    """

    def __init__(self, db_url: str) -> None:
        from sqlalchemy.engine import make_url

        parsed = make_url(db_url)
        self.postgres = parsed.get_backend_name() == "postgresql"
        self.connection: Any
        if self.postgres:
            import psycopg

            libpq = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
            self.connection = psycopg.connect(libpq, autocommit=True)
        else:
            self.connection = sqlite3.connect(str(parsed.database), isolation_level=None)
            self.connection.execute("PRAGMA journal_mode=WAL")
            self.connection.execute("PRAGMA synchronous=FULL")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        """Run one statement (``?`` placeholders on either backend); its rows, if it returns any."""
        cursor = self.connection.execute(self._native(sql), params)
        return list(cursor.fetchall()) if cursor.description else []

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self.connection.cursor().executemany(self._native(sql), rows)

    def _native(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.postgres else sql
