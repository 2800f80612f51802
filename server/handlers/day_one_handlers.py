"""The ``day-one.set`` handler: the lead ticks off what the local authority was asked for on day one (CP ¶27,
Annex A's "Additional information required for the inspection"; shared.day_one).

The checklist lives in the event log alone: no rule of the server's depends on it, and every client (and
``triangulate cases requests``) folds it from the log. The server holds it to the lead, to child-protection
inspections, and to no day received after today.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from server.handlers.errors import CommandRejected
from server.handlers.membership import require_lead
from server.handlers.personal_data_guard import local_date
from server.handlers.rows import inspection_row
from shared.day_one import DayOneRequestSet, SetDayOneRequest, has_checklist
from shared.protocol import ErrorCode, Inspector
from shared.vocabulary import Framework


def set_request(
    session: Session, *, inspection_id: int, actor: Inspector | None, command: SetDayOneRequest, at: datetime
) -> DayOneRequestSet:
    """Record one item's state; refused for anyone but the lead, on an integrated inspection, or for a day to come."""
    require_lead(actor, "tick off the day-one requests")
    inspection = inspection_row(session, inspection_id)
    framework = Framework(inspection.framework)
    if not has_checklist(framework):
        raise CommandRejected(
            ErrorCode.INVALID,
            f"the {framework.label.lower()} sets out no day-one request list: it is the child-protection "
            "framework's Annex A (CP ¶27)",
            field="item",
        )
    today = local_date(inspection, at)
    if command.received_on is not None and command.received_on > today:
        raise CommandRejected(ErrorCode.INVALID, f"received on {command.received_on:%d %b %Y} is after today",
                              field="received_on")
    note = command.note.strip() if command.note else None
    return DayOneRequestSet(item=command.item, received_on=command.received_on, note=note)
