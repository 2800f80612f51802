"""The database schema's revision: check it on every open, create an empty database at the newest, upgrade old ones.

A server must never run on a schema older than its code (a missing column fails in the middle of a command), nor
quietly alter a shared database that other instances are still using; so opening refuses anything but the newest
revision, and changing the schema is an explicit step, ``triangulate db upgrade``, taken with every server stopped.
Migrations live in server/migrations and run programmatically: no alembic.ini is needed where the server is installed.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    create_engine,
    event,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import StaticPool
from sqlmodel import SQLModel

import server.storage.tables  # noqa: F401 - registers every table with SQLModel.metadata
from shared.private_files import SQLITE_SIDECARS, private_dirs, private_file

if TYPE_CHECKING:  # alembic loads only when a migration runs: an ordinary open reads the stamp with plain SQL
    from alembic.config import Config
    from alembic.script import ScriptDirectory

MIGRATIONS = Path(__file__).with_name("migrations")
FIRST = "0001"
"""The first release's schema: databases it made have these tables and no alembic_version table."""
VERSION_TABLE = "alembic_version"
_VERSION = Table(  # alembic's own table, as alembic makes it, so a new database is stamped without importing alembic
    VERSION_TABLE, MetaData(), Column("version_num", String(32), nullable=False),
    PrimaryKeyConstraint("version_num", name="alembic_version_pkc"),
)
_REVISES = re.compile(r'^(down_revision|revision) = (?:"(\w+)"|None)$', re.MULTILINE)
_LOCK_KEY = 0x7472_6961_6E67  # PostgreSQL advisory lock: one schema change at a time, across processes
_ALEMBIC = threading.Lock()  # alembic's op and context are module globals: one migration run at a time per process
# Alembic's INFO lines ("Will assume non-transactional DDL" on every check) would fill the server's log; upgrade
# reports what it did itself, and failures still raise.
logging.getLogger("alembic").setLevel(logging.WARNING)
log = logging.getLogger(__name__)
CREATE_HINT = "`triangulate inspection create`, `triangulate db upgrade` or `triangulate serve` creates one"


class SchemaError(RuntimeError):
    """This version of Triangulate cannot use the database as it is; the message says what to do instead."""


class NoDatabase(SchemaError):
    """Nothing to read: commands that only read (and those that need an inspection) never create a database."""


class SchemaOutOfDate(SchemaError):
    """The database is at an older revision (or predates migrations): ``triangulate db upgrade`` brings it up."""

    def __init__(self, *, url: str, current: str | None, needed: str, recognised: str | None = None) -> None:
        self.current, self.needed = current, needed
        if current is not None:
            where = f"is at revision {current} but"
        else:
            where = f"has no recorded revision (its tables are revision {recognised}'s, made before migrations) and"
        super().__init__(
            f"the database schema {where} this version needs {needed}: "
            f"back the database up, stop every server using it, then run `triangulate db upgrade --db {url}`"
        )


@dataclass(frozen=True)
class State:
    """What an open database holds: its recorded revision, and which of our tables exist."""

    revision: str | None
    tables: frozenset[str]

    @property
    def empty(self) -> bool:
        return self.revision is None and not self.tables


@dataclass(frozen=True)
class Upgraded:
    """What ``upgrade`` did: from which revision (None: empty) to which, and whether it had to recognise one."""

    before: str | None
    after: str
    recognised: bool = False


# ---------------------------------------------------------------- the migration scripts


def config(connection: Connection | None = None) -> Config:
    """Alembic's configuration, built in code: the scripts ship inside the package."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


@functools.cache
def scripts() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(config())


def migrate(conn: Connection, revision: str) -> None:
    """Run the migrations on ``conn`` up to ``revision`` (in its transaction; the caller commits)."""
    from alembic import command

    with _ALEMBIC:
        command.upgrade(config(conn), revision)


@functools.cache
def head() -> str:
    """The revision this version of the code needs: the one no migration script revises, read from the scripts'
    ``revision``/``down_revision`` lines rather than through alembic (tests prove both agree), so an ordinary open
    never imports alembic."""
    revisions: set[str] = set()
    revised: set[str] = set()
    for script in (MIGRATIONS / "versions").glob("[0-9]*.py"):
        for name, revision in _REVISES.findall(script.read_text(encoding="utf-8")):
            (revisions if name == "revision" else revised).add(revision)
    newest = revisions - revised
    assert len(newest) == 1, f"the migration scripts have no single head: {sorted(newest)}"
    return newest.pop()


def known(revision: str) -> bool:
    try:
        return scripts().get_revision(revision) is not None
    except Exception:  # alembic raises its own errors for ids it has never seen
        return False


def display_url(url: str) -> str:
    """The URL for messages and logs: never the password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL at all: nothing in it to hide
        return url


def sqlite_file(url: URL, *, create: bool) -> None:
    """Make ready the SQLite file ``url`` names before SQLite opens it: created mode 0600 (its -wal and -shm files
    take the same mode), new directories 0700, and a file others could read tightened, saying so in the log.
    With ``create`` false a missing file is refused instead of created. A ``file:`` URI (``?uri=true``) is left to
    SQLite: it can say read-only or shared memory, which a path cannot."""
    if url.database in (None, "", ":memory:") or url.query.get("uri"):
        return
    path = Path(url.database).expanduser()
    if not create and not path.exists():
        raise NoDatabase(f"no database at {path}: check --db or $TRIANGULATE_DB ({CREATE_HINT})")
    private_dirs(path.parent)
    for fixed in private_file(path, sidecars=SQLITE_SIDECARS):
        log.warning("made %s readable by its owner alone: it holds every inspection's evidence", fixed)


# ---------------------------------------------------------------- looking at a database


def state(conn: Connection) -> State:
    names = inspect(conn).get_table_names()
    revision = None
    if VERSION_TABLE in names:
        stamped = conn.execute(select(_VERSION.c.version_num)).scalars().all()
        if len(stamped) > 1:
            raise SchemaError(f"the database records several revisions ({', '.join(stamped)}): restore a backup")
        revision = stamped[0] if stamped else None
    ours = _our_tables()
    return State(revision, frozenset(name for name in names if name in ours))


def recognise(conn: Connection) -> str | None:
    """The revision whose tables and columns a database without ``alembic_version`` has exactly, if any.

    Only two can occur: the first release's (created before migrations existed), and the newest (a development
    build's ``create_all``). Anything else is not a schema this code knows how to carry forward.
    """
    found = _shape(conn)
    for revision in (FIRST, head()):
        if found == _shape_at(revision):
            return revision
    return None


def _shape(conn: Connection) -> dict[str, frozenset[str]]:
    inspector = inspect(conn)
    ours = _our_tables()
    return {
        name: frozenset(column["name"] for column in inspector.get_columns(name))
        for name in inspector.get_table_names()
        if name in ours
    }


@functools.cache
def _shape_at(revision: str) -> dict[str, frozenset[str]]:
    """Tables and columns at ``revision``, found by migrating a scratch in-memory database there."""
    engine = create_engine("sqlite://", poolclass=StaticPool)
    try:
        with engine.begin() as conn:
            migrate(conn, revision)
            return _shape(conn)
    finally:
        engine.dispose()


def _our_tables() -> frozenset[str]:
    """Every table a migration has made is still in the models (none has been dropped yet)."""
    return frozenset(SQLModel.metadata.tables)


# ---------------------------------------------------------------- on every open (server.storage.database.connect)


def ensure_current(engine: Engine, *, create: bool = True) -> None:
    """Create an empty database at the newest revision (unless ``create`` is false: then refuse it); accept one
    already there; refuse anything else."""
    with engine.connect() as conn:
        found = state(conn)
        if found.revision == head():
            return
        if not found.empty:
            raise _refusal(engine, found, recognise(conn) if found.revision is None else None)
    if not create:
        shown = engine.url.render_as_string(hide_password=True)
        raise NoDatabase(f"no Triangulate database at {shown}: it has no Triangulate tables ({CREATE_HINT})")
    _create(engine)


def _create(engine: Engine) -> None:
    """``create_all`` and stamp, in one transaction: the same schema the migrations build (tests prove it), faster.

    A SQLite file is created through a ``BEGIN IMMEDIATE`` connection: with the server's deferred BEGIN, two processes
    creating the same new file would both read it empty and one would fail on its first write."""
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        with _migration_engine(url.render_as_string(hide_password=False)) as writer:
            found = _create_in(writer)
    else:
        found = _create_in(engine)
    if found.revision != head():
        raise _refusal(engine, found)


def _create_in(engine: Engine) -> State:
    with engine.begin() as conn:
        _lock(conn)
        found = state(conn)  # another process may have created it while we waited
        if not found.empty:
            return found
        SQLModel.metadata.create_all(conn)
        _VERSION.create(conn)
        conn.execute(_VERSION.insert().values(version_num=head()))
        return state(conn)


def _refusal(engine: Engine, found: State, recognised: str | None = None) -> SchemaError:
    """Why this database cannot be used as it is, and what to do; ``recognised`` for one without a revision."""
    url = engine.url.render_as_string(hide_password=True)
    if found.revision is not None and not known(found.revision):
        return SchemaError(
            f"the database schema is at revision {found.revision}, newer than this version of Triangulate knows "
            f"(it needs {head()}): a newer version has upgraded it; run that version"
        )
    if found.revision is None and recognised is None:
        return SchemaError(
            f"the database has Triangulate tables ({', '.join(sorted(found.tables))}) but no {VERSION_TABLE} "
            "table, and they match no released schema: upgrade it by hand or restore a backup"
        )
    return SchemaOutOfDate(url=url, current=found.revision, needed=head(), recognised=recognised)


# ---------------------------------------------------------------- triangulate db upgrade / current


def upgrade(url: str) -> Upgraded:
    """Bring the database at ``url`` to the newest revision, in one transaction: all of it, or none of it."""
    with _migration_engine(url) as engine, engine.begin() as conn:
        _lock(conn)
        found = state(conn)
        before, recognised = found.revision, False
        if before is not None and not known(before):
            raise _refusal(engine, found)
        if before is None and not found.empty:
            before = recognise(conn)
            if before is None:
                raise _refusal(engine, found)
            from alembic.migration import MigrationContext

            MigrationContext.configure(conn).stamp(scripts(), before)
            recognised = True
        migrate(conn, "head")
        _check_foreign_keys(conn)
        return Upgraded(before=before, after=head(), recognised=recognised)


def describe(url: str) -> str:
    """One line for ``triangulate db current``: the revision, and what to do if it is not the newest."""
    with _migration_engine(url, create=False) as engine, engine.connect() as conn:
        found = state(conn)
        if found.empty:
            return f"empty: no Triangulate tables (serve or `triangulate db upgrade` creates them at {head()})"
        if found.revision == head():
            return f"{head()} (head)"
        if found.revision is None:
            guess = recognise(conn)
            if guess is None:
                return f"unknown: Triangulate tables but no {VERSION_TABLE} table, and no released schema matches"
            return f"none recorded; made before migrations, recognised as {guess}: run `triangulate db upgrade`"
        if not known(found.revision):
            return f"{found.revision} (newer than this version of Triangulate, which knows up to {head()})"
        return f"{found.revision} (this version needs {head()}: run `triangulate db upgrade`)"


@contextmanager
def _migration_engine(url: str, *, create: bool = True) -> Iterator[Engine]:
    """An engine for schema changes. SQLite: foreign keys off (rebuilding a table must not cascade or fail; they are
    checked once at the end) and ``BEGIN IMMEDIATE`` (the write lock before the first read: no lost race)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        sqlite_file(parsed, create=create)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_for_migrations)
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
    else:
        engine = create_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


def _sqlite_for_migrations(dbapi_connection: object, _record: object) -> None:
    dbapi_connection.isolation_level = None  # type: ignore[attr-defined]  # we issue BEGIN; DDL stays inside it
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=OFF")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def _check_foreign_keys(conn: Connection) -> None:
    if conn.dialect.name != "sqlite":
        return  # PostgreSQL checks every constraint as the migration runs
    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise SchemaError(f"the upgrade would leave {len(broken)} broken foreign key(s), e.g. {tuple(broken[0])}")


def _lock(conn: Connection) -> None:
    """PostgreSQL: wait for any other process changing the schema (held until this transaction ends)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
