"""A database that stops taking writes for a while and then recovers, made from outside the server under test.

PostgreSQL: the tables become read-only for the server's role (``REVOKE INSERT``; an owner may revoke its own
rights), exactly what a read-only replica or a revoked grant does; reads, logins and the connection all go on.
SQLite: the tests run as root, for whom ``chmod`` on the file and its directory changes nothing, and holding a
lock only makes the server wait out its 30-second busy timeout. So a trigger, created through a separate
connection, refuses every new event with an error inside the server's own transaction; that is the failure the
server's writer sees when the disk is full or the file read-only. Dropping it (or granting back) is the recovery.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

_SQLITE_REFUSE = (
    "CREATE TRIGGER test_outage BEFORE INSERT ON event "
    "BEGIN SELECT RAISE(ABORT, 'database unavailable (a test outage)'); END"
)
_SQLITE_RECOVER = "DROP TRIGGER test_outage"
_PG_REFUSE = "REVOKE INSERT ON event FROM CURRENT_USER"
_PG_RECOVER = "GRANT INSERT ON event TO CURRENT_USER"


def _refusing_sql(sqlite: bool, marker: str) -> tuple[list[str], list[str]]:
    """Statements that make inserting an event whose data holds ``marker`` fail, and those that undo them."""
    if sqlite:
        return ([f"CREATE TRIGGER test_poison BEFORE INSERT ON event WHEN instr(NEW.data, '{marker}') > 0 "
                 "BEGIN SELECT RAISE(ABORT, 'database unavailable (a test outage)'); END"],
                ["DROP TRIGGER test_poison"])
    return ([f"CREATE FUNCTION test_poison() RETURNS trigger AS $$ BEGIN "
             f"IF strpos(NEW.data::text, '{marker}') > 0 THEN RAISE EXCEPTION 'database unavailable (a test outage)'; "
             "END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
             "CREATE TRIGGER test_poison BEFORE INSERT ON event FOR EACH ROW EXECUTE FUNCTION test_poison()"],
            ["DROP TRIGGER test_poison ON event", "DROP FUNCTION test_poison()"])


@contextmanager
def writes_refused_when(db_url: str, marker: str) -> Iterator[None]:
    """Like ``writes_refused``, but only for events whose data holds ``marker``: one command fails, the next
    (say, an amendment of it) reaches a healthy database, as when a failure clears between two commands."""
    refuse, recover = _refusing_sql(make_url(db_url).get_backend_name() == "sqlite", marker)
    engine = create_engine(db_url)
    try:
        with engine.begin() as conn:
            for statement in refuse:
                conn.exec_driver_sql(statement)
        try:
            yield
        finally:
            with engine.begin() as conn:
                for statement in recover:
                    conn.exec_driver_sql(statement)
    finally:
        engine.dispose()


@contextmanager
def writes_refused(db_url: str) -> Iterator[None]:
    """While inside, every attempt to store an event at ``db_url`` fails; on leaving, the database recovers."""
    sqlite = make_url(db_url).get_backend_name() == "sqlite"
    engine = create_engine(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(text(_SQLITE_REFUSE if sqlite else _PG_REFUSE))
        try:
            yield
        finally:
            with engine.begin() as conn:
                conn.execute(text(_SQLITE_RECOVER if sqlite else _PG_RECOVER))
    finally:
        engine.dispose()
