"""Retention: an inspection's data is removed from the server once its report is published, leaving a tombstone.

``triangulate inspection purge`` deletes every row of the inspection, in every table that holds one (found from the
schema, so a table added later is not forgotten), and keeps only the tombstone: its name, dates, chain head, who
purged it and when, and its tokens' hashes, so an app that connects again is told to delete its own copy. Before
the report's publication day (the reporting clock, CP ¶48) a purge is refused unless forced, with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy import ColumnElement, Engine, Table, delete
from sqlmodel import Session, SQLModel, col, select

from server.storage.database import NotFound, as_utc, forget_old_pages, hash_token, required_text
from server.storage.tables import (
    EventRow,
    InspectionRow,
    InspectorRow,
    PurgedTokenRow,
    TokenRow,
    TombstoneRow,
)
from shared.personal_data import find_personal_data, mask
from shared.protocol import ErrorCode, ProtocolError
from shared.reporting_clock import reporting_clock

KEPT = frozenset({TombstoneRow.__tablename__, PurgedTokenRow.__tablename__, "alembic_version"})


class PurgeRefused(ValueError):
    """Nothing was removed; the message says why and what would allow it."""


@dataclass(frozen=True)
class Tombstone:
    inspection_id: int
    name: str
    head_seq: int
    head_chain: str | None
    purged_by: str
    purged_at: datetime


def publication_day(row: InspectionRow) -> date | None:
    """When the report is due to be published: 22 working days after the last day of fieldwork (None: not set)."""
    if row.end_date is None:
        return None
    return next(m.due for m in reporting_clock(row.end_date) if m.key == "published")


def checked_reason(reason: str, today: date) -> str:
    """The purge's reason as kept in the tombstone: the text rules and the personal-data guard, as for any text."""
    try:
        reason = required_text(reason, "--reason")
    except ValueError as refused:
        raise PurgeRefused(str(refused)) from None
    found = find_personal_data(reason, None, today=today)
    if found:
        raise PurgeRefused(f"--reason looks like it holds personal data ({', '.join(mask(m) for m in found)}: "
                           f"{found[0].reason}); say why without it")
    return reason


def purge(
    engine: Engine, *, inspection_id: int, by: str, now: datetime, force: bool = False, reason: str | None = None
) -> Tombstone:
    """Remove the inspection's data in one transaction and leave its tombstone; PurgeRefused leaves everything."""
    with Session(engine) as session:
        row = session.get(InspectionRow, inspection_id, with_for_update=True)
        if row is None:
            raise NotFound(f"no inspection with id {inspection_id}")
        today = now.astimezone(ZoneInfo(row.timezone)).date()
        kept_reason = checked_reason(reason, today) if reason is not None else None
        due = publication_day(row)
        if (due is None or today < due) and not (force and kept_reason):
            when = "its last day of fieldwork is not set" if due is None else f"its report is due out on {due}"
            raise PurgeRefused(
                f"inspection {inspection_id} is not published yet ({when}): purge it earlier only with --force and "
                "--reason"
            )
        head_chain = session.exec(
            select(EventRow.chain).where(EventRow.inspection_id == inspection_id, EventRow.seq == row.head)
        ).first()
        tokens = session.exec(
            select(TokenRow.token_hash)
            .join(InspectorRow, col(InspectorRow.id) == col(TokenRow.inspector_id))
            .where(InspectorRow.inspection_id == inspection_id)
        ).all()
        tombstone = Tombstone(inspection_id, row.name, row.head, head_chain, by, now)
        session.add(TombstoneRow(
            inspection_id=inspection_id, name=row.name, framework=row.framework, start_date=row.start_date,
            end_date=row.end_date, created_at=as_utc(row.created_at), head_seq=row.head, head_chain=head_chain,
            purged_at=now, purged_by=by, reason=kept_reason,
        ))
        session.add_all(PurgedTokenRow(token_hash=token, inspection_id=inspection_id) for token in tokens)
        connection = session.connection()
        for table in reversed(SQLModel.metadata.sorted_tables):  # children before the rows they point at
            if table.name not in KEPT:
                connection.execute(delete(table).where(_of(table, inspection_id)))
        session.commit()
    forget_old_pages(engine)
    return tombstone


def _of(table: Table, inspection_id: int) -> ColumnElement[bool]:
    """A WHERE clause for the table's rows that belong to the inspection, directly or through a foreign key."""
    if "inspection_id" in table.c:
        return table.c.inspection_id == inspection_id
    if table.name == InspectionRow.__tablename__:
        return table.c.id == inspection_id
    for key in table.foreign_keys:
        parent = key.column.table
        if "inspection_id" in parent.c:
            return key.parent.in_(sa.select(key.column).where(parent.c.inspection_id == inspection_id))
    raise RuntimeError(f"table {table.name} has no way to its inspection: say how purge should treat it")


def refusal(engine: Engine, token: str) -> ProtocolError:
    """Why a hello with a token that authenticates no one is refused: ``purged`` if its inspection was (the app
    then deletes its copy), else ``unauthorized``."""
    with Session(engine) as session:
        purged = session.exec(
            select(PurgedTokenRow.inspection_id).where(PurgedTokenRow.token_hash == hash_token(token))
        ).first()
    if purged is not None:
        return ProtocolError(ErrorCode.PURGED, "this inspection was purged from the server after publication: "
                             "its copy on this device is deleted")
    return ProtocolError(ErrorCode.UNAUTHORIZED, "unknown or revoked token")
