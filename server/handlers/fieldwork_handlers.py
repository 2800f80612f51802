"""The ``fieldwork.set`` and ``on-site.set`` handlers: the lead records the days of fieldwork, and who is on site when.

The fieldwork dates live on InspectionRow, so every ``welcome`` carries them; the event tells clients already
connected. An inspector's days on site live in the event log alone: no rule of the server's depends on them, and
every client folds them from the log it keeps.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from server.handlers.errors import CommandRejected
from server.handlers.membership import active_member
from server.handlers.rows import inspection_row
from shared.fieldwork import FieldworkSet, SetFieldwork, end_before_start, may_set_fieldwork
from shared.on_site import OnSiteSet, SetOnSite, last_before_first
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


def set_on_site(
    session: Session, *, inspection_id: int, actor: Inspector | None, command: SetOnSite, at: datetime
) -> OnSiteSet:
    """Replace one inspector's days on site; refused unless the actor is the lead and they are in the team."""
    if actor is None or not may_set_fieldwork(actor):
        raise CommandRejected(ErrorCode.FORBIDDEN, "only the lead inspector may set who is on site when")
    why = last_before_first(command.first_day, command.last_day)  # also checked on decode
    if why is not None:
        raise CommandRejected(ErrorCode.INVALID, why, field="last_day")
    active_member(session, inspection_id, command.inspector_id, "inspector_id")
    return OnSiteSet(inspector_id=command.inspector_id, first_day=command.first_day, last_day=command.last_day)
