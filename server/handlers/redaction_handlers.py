"""The ``record.redact`` handler: the lead replaces a record's text through its whole history (shared.redaction).

The stored events keep their seq, chain and content hash; their data and frame are rewritten, and so are the
projections that show the text, all in the command's transaction. Catch-up then sends the redacted frames, and the
``record.redacted`` event tells every app which of its cached events to rewrite. On SQLite the freed bytes are
zeroed (``secure_delete``, server.storage.database) and the write-ahead log is emptied once the change is
committed, so the text is gone from the file, not only from what it shows.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, event
from sqlmodel import Session, col, select

from server.handlers.errors import CommandRejected
from server.handlers.membership import require_lead
from server.storage.database import forget_old_pages
from server.storage.tables import AlertRow, EnquiryRow, EventRow, FindingRow, MeetingRow
from shared.meetings import Minutes
from shared.protocol import ErrorCode, Event, Inspector, encode
from shared.redaction import (
    TEXT_FIELDS,
    RecordRedacted,
    RedactedRecord,
    RedactRecord,
    about,
    kinds_about,
    redact_minutes,
    redacted,
    redacted_fields,
)


def redact_record(
    session: Session, *, inspection_id: int, actor: Inspector | None, command: RedactRecord, at: datetime
) -> RecordRedacted:
    """Rewrite every event of the record and its projection; refused unless the lead (or the command line) asks."""
    require_lead(actor, "redact a record")
    record, record_id = command.record, command.record_id
    rows = session.exec(
        select(EventRow)
        .where(EventRow.inspection_id == inspection_id, col(EventRow.kind).in_(kinds_about(record)))
        .order_by(col(EventRow.seq))
    ).all()
    history = [(row, data) for row in rows if about(record, record_id, row.kind, data := json.loads(row.data))]
    if not any(row.kind in TEXT_FIELDS[record] for row, _ in history):  # a quote alone is not the record
        raise CommandRejected(ErrorCode.NOT_FOUND, f"no {record.label} with id {record_id}", field="record_id")
    for row, data in history:
        _rewrite(row, redacted(record, record_id, row.kind, data))
        session.add(row)
    _redact_projection(session, inspection_id, record, record_id)
    _empty_the_log_after_commit(session)
    return RecordRedacted(record=record, record_id=record_id, reason=command.reason, seqs=[r.seq for r, _ in history])


def _rewrite(row: EventRow, data: dict[str, Any]) -> None:
    row.data = json.dumps(data, separators=(",", ":"))
    if row.frame is not None:  # events stored before revision 0005 have none: catch-up encodes them from the data
        row.frame = encode(Event.model_validate_json(row.frame).model_copy(update={"data": data}))


Projection = type[FindingRow] | type[EnquiryRow] | type[AlertRow]

PROJECTED: dict[RedactedRecord, tuple[Projection, str, tuple[str, ...]]] = {
    RedactedRecord.FINDING: (FindingRow, "finding_id", ("text", "withdrawn_reason")),
    RedactedRecord.ENQUIRY: (EnquiryRow, "enquiry_id", ("question",)),
    RedactedRecord.ALERT: (AlertRow, "alert_id", ("summary", "immediate_action")),
}
"""Record → its projection's table, the column holding its id, and the columns holding its text (a meeting note
lives in its meeting's minutes)."""


def _redact_projection(session: Session, inspection_id: int, record: RedactedRecord, record_id: str) -> None:
    """The current state of the record, and of every meeting's minutes, which may quote it."""
    if record in PROJECTED:
        table, id_column, columns = PROJECTED[record]
        for row in session.exec(select(table).where(
            col(table.inspection_id) == inspection_id, col(getattr(table, id_column)) == record_id
        )):
            for column, value in redacted_fields(row.model_dump(), columns).items():
                setattr(row, column, value)
            session.add(row)
    for meeting in session.exec(select(MeetingRow).where(MeetingRow.inspection_id == inspection_id)):
        minutes = redact_minutes(Minutes.model_validate_json(meeting.minutes), record_id).model_dump_json()
        if minutes != meeting.minutes:
            meeting.minutes = minutes
            session.add(meeting)


def _empty_the_log_after_commit(session: Session) -> None:
    bind = session.get_bind()
    if isinstance(bind, Engine):
        event.listen(session, "after_commit", lambda _session: forget_old_pages(bind), once=True)
