"""The ``fieldwork.set`` handler: the lead records the first and last day of fieldwork on the inspection.

The dates live on InspectionRow, so every ``welcome`` carries them; the event tells clients already connected.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from server.handlers.errors import CommandRejected
from server.handlers.rows import inspection_row
from shared.fieldwork import FieldworkSet, SetFieldwork, end_before_start, may_set_fieldwork
from shared.protocol import ErrorCode, Inspector


def set_fieldwork(
    session: Session, *, inspection_id: int, actor: Inspector | None, command: SetFieldwork, at: datetime
) -> FieldworkSet:
    """Replace both dates; refused unless the actor is the lead and the last day is not before the first."""
    if actor is None or not may_set_fieldwork(actor):
        raise CommandRejected(ErrorCode.FORBIDDEN, "only the lead inspector may set the fieldwork dates")
    why = end_before_start(command.start_date, command.end_date)  # also checked on decode
    if why is not None:
        raise CommandRejected(ErrorCode.INVALID, why, field="end_date")
    inspection = inspection_row(session, inspection_id)
    inspection.start_date = command.start_date
    inspection.end_date = command.end_date
    session.add(inspection)
    return FieldworkSet(start_date=command.start_date, end_date=command.end_date)
