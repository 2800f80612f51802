"""The rows a handler reads before it changes anything: the inspection it acts in, and the row a command names.

apply_command has locked the inspection's row before any handler runs, so it is there; a row a command names by
the client's id may not be, and that is refused as ``not_found`` before anything changes.
"""

from __future__ import annotations

from typing import TypeVar

from sqlmodel import Session, SQLModel
from sqlmodel.sql.expression import SelectOfScalar

from server.handlers.errors import CommandRejected
from server.storage.tables import InspectionRow
from shared.protocol import ErrorCode

Row = TypeVar("Row", bound=SQLModel)


def inspection_row(session: Session, inspection_id: int) -> InspectionRow:
    row = session.get(InspectionRow, inspection_id)
    assert row is not None, "apply_command locked this inspection's row"
    return row


def named_row(session: Session, query: SelectOfScalar[Row], missing: str, field: str) -> Row:
    """The one row ``query`` finds, or ``not_found`` saying ``missing`` about ``field``."""
    row = session.exec(query).first()
    if row is None:
        raise CommandRejected(ErrorCode.NOT_FOUND, missing, field=field)
    return row
