"""Storage: the engine, and keyword-only functions for people, tokens and the event log.

Everything here is synchronous; the server calls it through ``asyncio.to_thread`` so the event
loop never waits on disk.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import Engine, bindparam, event
from sqlalchemy.engine import make_url
from sqlmodel import Session, col, create_engine, select

from server.storage import schema
from server.storage.tables import EventRow, InspectionRow, InspectorRow, TokenRow
from shared.fieldwork import end_before_start
from shared.protocol import Event, Inspection, Inspector, encode
from shared.text import TextRefused, clean
from shared.vocabulary import Framework, Inspectorate, Role


class NotFound(LookupError):
    """A named inspection or inspector does not exist."""


def connect(url: str, *, create: bool = True) -> Engine:
    """Open the database at ``url``; SQLite gets WAL, FKs and full fsync, and a file only its owner can read.

    An empty database is created at the newest schema revision, unless ``create`` is false: then a missing or empty
    one raises ``server.storage.schema.NoDatabase`` (commands that only read never create one). One at an older
    revision (or from before migrations) raises ``server.storage.schema.SchemaOutOfDate``, whose message says to run
    ``triangulate db upgrade``.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        schema.sqlite_file(parsed, create=create)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        # pysqlite's own transaction handling breaks SAVEPOINT; let SQLAlchemy issue BEGIN itself.
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN"))
    else:
        engine = create_engine(url, pool_pre_ping=True)
    try:
        schema.ensure_current(engine, create=create)
    except BaseException:
        engine.dispose()
        raise
    return engine


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    dbapi_connection.isolation_level = None  # type: ignore[attr-defined]
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    _enter_wal(cursor)
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=FULL")  # an ack means the event survived a power cut
    cursor.execute("PRAGMA secure_delete=ON")  # text a redaction replaces is zeroed, not left in free space
    cursor.close()


def _enter_wal(cursor: sqlite3.Cursor, patience: float = 30.0) -> None:
    """Switch to WAL, waiting for other connections: SQLite answers "database is locked" at once, without its busy
    handler, when another process holds a lock on a new file, so servers opening one new file together would fail."""
    deadline = time.monotonic() + patience
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
        time.sleep(0.01)


def forget_old_pages(engine: Engine) -> None:
    """On SQLite, copy the committed pages into the database file and empty the write-ahead log, which still holds
    pages as they were before a redaction or a purge (with ``secure_delete``, the file itself keeps no trace)."""
    if engine.dialect.name != "sqlite":
        return
    connection = engine.raw_connection()
    try:
        connection.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; every time we store is UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


# ---------------------------------------------------------------- converters


def inspection_model(row: InspectionRow) -> Inspection:
    assert row.id is not None
    return Inspection(
        id=row.id,
        name=row.name,
        framework=Framework(row.framework),
        start_date=row.start_date,
        end_date=row.end_date,
        timezone=row.timezone,
        personal_data_policy="warn" if row.personal_data_policy == "warn" else "refuse",
        case_salt=row.case_salt,
    )


def inspector_model(row: InspectorRow) -> Inspector:
    assert row.id is not None
    return Inspector(
        id=row.id, name=row.name, inspectorate=Inspectorate(row.inspectorate), role=Role(row.role)
    )


def event_model(row: EventRow, actor: Inspector | None) -> Event:
    return Event(seq=row.seq, kind=row.kind, actor=actor, at=as_utc(row.at), data=json.loads(row.data))


@dataclass(frozen=True)
class Logged:
    """An event as the log holds it: the model, and the frame every connection is sent (encoded once)."""

    event: Event
    frame: str


def logged(row: EventRow, actor: Inspector | None) -> Logged:
    """A stored event with its frame: the one written with it, or (stored before revision 0005) encoded now."""
    event = event_model(row, actor)
    return Logged(event, row.frame if row.frame is not None else encode(event))


# ---------------------------------------------------------------- inspections and people


def required_text(text: str, what: str) -> str:
    """Text an administrator typed, as stored: the text rules every command's text follows (shared/text.py),
    trimmed, never blank; ValueError names ``what``."""
    try:
        text = clean(text).strip()
    except TextRefused as refused:
        raise ValueError(f"{what} {refused}") from None
    if not text:
        raise ValueError(f"{what} must not be blank")
    return text


def create_inspection(
    engine: Engine,
    *,
    name: str,
    framework: Framework = Framework.INTEGRATED,
    start_date: date | None = None,
    end_date: date | None = None,
    timezone: str = "Europe/London",
) -> Inspection:
    name = required_text(name, "inspection name")
    why = end_before_start(start_date, end_date)
    if why is not None:
        raise ValueError(why)
    with Session(engine) as session:
        row = InspectionRow(
            name=name,
            framework=Framework(framework).value,
            start_date=start_date,
            end_date=end_date,
            timezone=timezone,
            epoch=secrets.token_hex(8),
        )
        session.add(row)
        session.commit()
        session.refresh(row)
        return inspection_model(row)


def get_inspection(engine: Engine, *, inspection_id: int) -> Inspection:
    with Session(engine) as session:
        row = session.get(InspectionRow, inspection_id)
        if row is None:
            raise NotFound(f"no inspection with id {inspection_id}")
        return inspection_model(row)


def list_inspections(engine: Engine) -> list[Inspection]:
    with Session(engine) as session:
        return [inspection_model(r) for r in session.exec(select(InspectionRow).order_by(col(InspectionRow.id)))]


def add_inspector(
    engine: Engine, *, inspection_id: int, name: str, inspectorate: Inspectorate, role: Role
) -> tuple[Inspector, str]:
    """Add a team member and issue their token; the token is returned once and never stored."""
    name = required_text(name, "inspector name")
    token = secrets.token_urlsafe(32)
    with Session(engine) as session:
        if session.get(InspectionRow, inspection_id) is None:
            raise NotFound(f"no inspection with id {inspection_id}")
        row = InspectorRow(
            inspection_id=inspection_id,
            name=name,
            inspectorate=Inspectorate(inspectorate).value,
            role=Role(role).value,
        )
        session.add(row)
        session.flush()
        assert row.id is not None
        session.add(TokenRow(inspector_id=row.id, token_hash=hash_token(token)))
        session.commit()
        session.refresh(row)
        return inspector_model(row), token


def list_inspectors(engine: Engine, *, inspection_id: int) -> list[tuple[Inspector, bool]]:
    """The team, each with whether they still hold a live token."""
    with Session(engine) as session:
        rows = session.exec(
            select(InspectorRow).where(InspectorRow.inspection_id == inspection_id).order_by(col(InspectorRow.id))
        ).all()
        live = set(
            session.exec(
                select(TokenRow.inspector_id).where(TokenRow.revoked_at == None)  # noqa: E711
            ).all()
        )
        return [(inspector_model(r), r.id in live) for r in rows]


def team(engine: Engine, *, inspection_id: int) -> list[Inspector]:
    return [member for member, _active in list_inspectors(engine, inspection_id=inspection_id)]


def authenticate(engine: Engine, *, token: str) -> tuple[Inspector, Inspection] | None:
    """The live token's owner and their inspection, or None (unknown or revoked)."""
    with Session(engine) as session:
        found = session.exec(
            select(InspectorRow, InspectionRow)
            .join(TokenRow, col(TokenRow.inspector_id) == col(InspectorRow.id))
            .join(InspectionRow, col(InspectionRow.id) == col(InspectorRow.inspection_id))
            .where(TokenRow.token_hash == hash_token(token), TokenRow.revoked_at == None)  # noqa: E711
        ).first()
        if found is None:
            return None
        inspector, inspection = found
        return inspector_model(inspector), inspection_model(inspection)


# ---------------------------------------------------------------- the event log


def log_position(engine: Engine, *, inspection_id: int) -> tuple[str, int]:
    """(epoch, head) of an inspection's event log."""
    with Session(engine) as session:
        row = session.get(InspectionRow, inspection_id)
        if row is None:
            raise NotFound(f"no inspection with id {inspection_id}")
        return row.epoch, row.head


CATCH_UP_PAGE = 500
"""Events read from the log in one query during catch-up."""


def events_between(
    engine: Engine, *, inspection_id: int, after: int, upto: int, page: int = CATCH_UP_PAGE
) -> Iterator[list[Event]]:
    """Events with after < seq <= upto, in order, a page at a time (replay never loads the whole log)."""
    actors = {member.id: member for member in team(engine, inspection_id=inspection_id)}
    cursor = after
    while cursor < upto:
        with Session(engine) as session:
            rows = session.exec(
                select(EventRow)
                .where(EventRow.inspection_id == inspection_id, EventRow.seq > cursor, EventRow.seq <= upto)
                .order_by(col(EventRow.seq))
                .limit(page)
            ).all()
        if not rows:
            return
        yield [event_model(row, actors.get(row.actor_id) if row.actor_id else None) for row in rows]
        cursor = rows[-1].seq


_FRAMES = (
    select(EventRow.seq, EventRow.frame)
    .where(
        EventRow.inspection_id == bindparam("inspection_id"),
        col(EventRow.seq) > bindparam("after"),
        col(EventRow.seq) <= bindparam("upto"),
    )
    .order_by(col(EventRow.seq))
    .limit(bindparam("page"))
)


def frames_between(
    engine: Engine, *, inspection_id: int, after: int, upto: int, page: int = CATCH_UP_PAGE
) -> Iterator[list[str]]:
    """The frames of events with after < seq <= upto, in order, a page at a time: what catch-up sends.

    Stored frames are sent as they are; events stored before revision 0005 have none and are encoded from their
    columns, exactly as they were before.
    """
    actors: dict[int, Inspector] | None = None
    cursor = after
    while cursor < upto:
        with engine.connect() as conn:
            rows: list[tuple[int, str | None]] = [
                (seq, frame) for seq, frame in conn.execute(
                    _FRAMES, {"inspection_id": inspection_id, "after": cursor, "upto": upto, "page": page}
                )
            ]
        if not rows:
            return
        missing = [seq for seq, frame in rows if frame is None]
        rebuilt: dict[int, str] = {}
        if missing:
            actors = actors if actors is not None else {m.id: m for m in team(engine, inspection_id=inspection_id)}
            with Session(engine) as session:
                for row in session.exec(
                    select(EventRow).where(EventRow.inspection_id == inspection_id, col(EventRow.seq).in_(missing))
                ):
                    rebuilt[row.seq] = logged(row, actors.get(row.actor_id) if row.actor_id else None).frame
        yield [frame if frame is not None else rebuilt[seq] for seq, frame in rows]
        cursor = rows[-1][0]
