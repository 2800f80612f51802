"""Command handlers for planning, KIT, team and final meetings: the lead runs them; the rules live in
shared.meetings.Minutes.

A final meeting's agenda reads the grade board (folded from the ``grade.*`` events with shared.grade_board, the
same fold the app shows), and closing it records the agreed grades as they stood, in the event and the minutes.
Opening one on a day other than the last day of fieldwork, or without the DCS invited (CP ¶31), is accepted with
a warning the event and the minutes keep (shared.meeting_framework, shared.meeting_attendance).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from server.handlers.deadline_watch import deadlines_of
from server.handlers.errors import CommandRejected
from server.handlers.membership import require_lead
from server.handlers.rows import inspection_row, named_row
from server.storage.database import as_utc
from server.storage.tables import AlertRow, EnquiryRow, EventRow, FindingRow, GradeRow, MeetingRow
from shared.alerts import AlertLevel, AlertStatus, deadlines_due
from shared.catalogue import read
from shared.criteria import Grade
from shared.enquiries import EnquiryStatus
from shared.grade_board import GRADE_KINDS, GradeBoard
from shared.grades import GradePayload, board_cells
from shared.meeting_attendance import AttendanceRecorded, RecordAttendance
from shared.meeting_framework import final_day_warning
from shared.meetings import (
    AddAgendaItem,
    AgendaAdded,
    AgendaDropped,
    AgendaMoved,
    AgreedGrade,
    AlertNote,
    AmendEntry,
    CloseMeeting,
    DropAgendaItem,
    EnquiryNote,
    FindingNote,
    GradeNote,
    MeetingAmended,
    MeetingClosed,
    MeetingKind,
    MeetingOpened,
    MeetingRecorded,
    MeetingRuleError,
    Minutes,
    MoveAgendaItem,
    OpenMeeting,
    RecordEntry,
    draft_agenda,
)
from shared.protocol import ErrorCode, Inspector
from shared.vocabulary import Agency, FindingKind, Framework


def _meeting(session: Session, inspection_id: int, meeting_id: str) -> MeetingRow:
    query = select(MeetingRow).where(MeetingRow.inspection_id == inspection_id, MeetingRow.meeting_id == meeting_id)
    return named_row(session, query, f"no meeting with id {meeting_id!r}", "meeting_id")


def _change(session: Session, row: MeetingRow, change: Callable[[Minutes], object]) -> Minutes:
    minutes = Minutes.model_validate_json(row.minutes)
    try:
        change(minutes)
    except MeetingRuleError as refused:
        raise CommandRejected(refused.code, str(refused), field=refused.field) from None
    row.minutes = minutes.model_dump_json()
    row.is_open = minutes.is_open
    session.add(row)
    return minutes


def _lead_changes(
    session: Session, inspection_id: int, actor: Inspector, meeting_id: str, doing: str,
    change: Callable[[Minutes], object],
) -> None:
    """Only the lead changes a meeting's minutes, and only as the rules of shared.meetings.Minutes allow."""
    require_lead(actor, doing)
    _change(session, _meeting(session, inspection_id, meeting_id), change)


def _agenda_sources(
    session: Session, inspection_id: int, since: datetime | None, at: datetime
) -> tuple[list[FindingNote], list[AlertNote], list[EnquiryNote]]:
    query = select(FindingRow).where(FindingRow.inspection_id == inspection_id, col(FindingRow.withdrawn_at).is_(None))
    if since is not None:
        query = query.where(FindingRow.posted_at > since)
    findings = [
        FindingNote(r.finding_id, Agency(r.agency), FindingKind(r.kind), r.text, as_utc(r.posted_at))
        for r in session.exec(query).all()
    ]
    deadlines = deadlines_of(inspection_row(session, inspection_id))
    alerts = []
    closed = [AlertStatus.CLOSED.value, AlertStatus.RESOLVED.value]
    for r in session.exec(
        select(AlertRow).where(AlertRow.inspection_id == inspection_id, col(AlertRow.status).not_in(closed))
    ).all():
        status = AlertStatus(r.status)
        started = as_utc(r.escalated_at or r.raised_at)
        informed = as_utc(r.informed_at) if r.informed_at else None
        overdue = any(due <= at for _, due in deadlines_due(status, started, informed, deadlines))
        harm = r.level == AlertLevel.SIGNIFICANT_HARM.value
        alerts.append(AlertNote(r.alert_id, Agency(r.agency), r.summary, status.label, harm, overdue, started))
    enquiries = [
        EnquiryNote(r.enquiry_id, r.question, r.needs_la_input, as_utc(r.opened_at))
        for r in session.exec(
            select(EnquiryRow).where(
                EnquiryRow.inspection_id == inspection_id, EnquiryRow.status != EnquiryStatus.CLOSED.value
            )
        ).all()
    ]
    return findings, alerts, enquiries


def _framework(session: Session, inspection_id: int) -> Framework:
    return Framework(inspection_row(session, inspection_id).framework)


def _grade_notes(session: Session, inspection_id: int) -> list[GradeNote]:
    """Each graded cell's proposed and agreed grade and its warnings, folded from the log as the app folds it."""
    board = GradeBoard()
    for row in session.exec(
        select(EventRow)
        .where(EventRow.inspection_id == inspection_id, col(EventRow.kind).in_(GRADE_KINDS))
        .order_by(col(EventRow.seq))
    ).all():
        payload = read(row.kind, json.loads(row.data))
        if isinstance(payload, GradePayload):
            board.fold(payload, as_utc(row.at), row.actor_id)
    return [
        GradeNote(
            agency,
            judgement,
            proposed=cell.proposed.grade if cell.proposed else None,
            agreed=cell.agreed.grade if cell.agreed else None,
            warnings=len(cell.warnings),
        )
        for agency, judgement, cell in board.rows(_framework(session, inspection_id))
        if cell is not None
    ]


def _agreed_grades(session: Session, inspection_id: int) -> list[AgreedGrade]:
    """Every graded cell's agreed grade (or none) and sign-off, in board order: what the final meeting closed on."""
    rows = {
        (row.agency, row.judgement): row
        for row in session.exec(select(GradeRow).where(GradeRow.inspection_id == inspection_id)).all()
    }
    agreed = []
    for agency, judgement in board_cells(_framework(session, inspection_id)):
        row = rows.get((agency.value, str(judgement)))
        grade = Grade(row.agreed_grade) if row is not None and row.agreed_grade else None
        agreed.append(
            AgreedGrade(agency=agency, judgement=judgement, grade=grade, signed_off=bool(row and row.signed_off))
        )
    return agreed


def open_meeting(
    session: Session, *, inspection_id: int, actor: Inspector, command: OpenMeeting, at: datetime
) -> MeetingOpened:
    require_lead(actor, "open a meeting")
    same_kind = session.exec(
        select(MeetingRow)
        .where(MeetingRow.inspection_id == inspection_id, MeetingRow.kind == command.kind.value)
        .order_by(col(MeetingRow.opened_at).desc())
    ).all()
    if any(row.meeting_id == command.id for row in same_kind):
        raise CommandRejected(ErrorCode.CONFLICT, "a meeting with this id already exists", field="id")
    if any(row.is_open for row in same_kind):
        raise CommandRejected(
            ErrorCode.OUT_OF_ORDER, f"a {command.kind.label.lower()} is already open: close it first", field="kind"
        )
    since = as_utc(same_kind[0].opened_at) if same_kind else None
    final = command.kind is MeetingKind.FINAL
    # A final meeting counts every finding for the narratives, not those since the last final meeting.
    findings, alerts, enquiries = _agenda_sources(session, inspection_id, None if final else since, at)
    grades = _grade_notes(session, inspection_id) if final else []
    inspection = inspection_row(session, inspection_id)
    framework = Framework(inspection.framework)
    agenda = draft_agenda(
        command.kind,
        meeting_id=command.id,
        since=since,
        findings=findings,
        alerts=alerts,
        enquiries=enquiries,
        grades=grades,
        framework=framework,
    )
    late = final_day_warning(command.day, inspection.start_date, inspection.end_date) if final else None
    minutes = Minutes(id=command.id, kind=command.kind, day=command.day, opened_at=at, agenda=agenda,
                      framework=framework, warnings=[late] if late else [])
    try:
        minutes.record_attendance(command.attendance())
    except MeetingRuleError as refused:
        raise CommandRejected(refused.code, str(refused), field=refused.field) from None
    session.add(
        MeetingRow(
            inspection_id=inspection_id,
            meeting_id=command.id,
            kind=command.kind.value,
            day=command.day,
            opened_at=at,
            minutes=minutes.model_dump_json(),
        )
    )
    return MeetingOpened.of(command, meeting_id=command.id, since=since, agenda=agenda, framework=framework,
                            warnings=minutes.warnings)


def add_item(
    session: Session, *, inspection_id: int, actor: Inspector, command: AddAgendaItem, at: datetime
) -> AgendaAdded:
    _lead_changes(session, inspection_id, actor, command.meeting_id, "change the agenda",
                  lambda m: m.add_item(command.id, command.title, command.position))
    return AgendaAdded.of(command, item_id=command.id)


def move_item(
    session: Session, *, inspection_id: int, actor: Inspector, command: MoveAgendaItem, at: datetime
) -> AgendaMoved:
    _lead_changes(session, inspection_id, actor, command.meeting_id, "change the agenda",
                  lambda m: m.move_item(command.item_id, command.position))
    return AgendaMoved.of(command)


def drop_item(
    session: Session, *, inspection_id: int, actor: Inspector, command: DropAgendaItem, at: datetime
) -> AgendaDropped:
    _lead_changes(session, inspection_id, actor, command.meeting_id, "change the agenda",
                  lambda m: m.drop_item(command.item_id))
    return AgendaDropped.of(command)


def record_entry(
    session: Session, *, inspection_id: int, actor: Inspector, command: RecordEntry, at: datetime
) -> MeetingRecorded:
    _lead_changes(session, inspection_id, actor, command.meeting_id, "record the minutes",
                  lambda m: m.record(command, at))
    return MeetingRecorded.of(command, entry_id=command.id)


def amend_entry(
    session: Session, *, inspection_id: int, actor: Inspector, command: AmendEntry, at: datetime
) -> MeetingAmended:
    _lead_changes(session, inspection_id, actor, command.meeting_id, "amend the minutes",
                  lambda m: m.amend(command, at))
    return MeetingAmended.of(command)


def record_attendance(
    session: Session, *, inspection_id: int, actor: Inspector, command: RecordAttendance, at: datetime
) -> AttendanceRecorded:
    _lead_changes(session, inspection_id, actor, command.meeting_id, "record who attended",
                  lambda m: m.record_attendance(command.attendance()))
    return AttendanceRecorded.of(command)


def close_meeting(
    session: Session, *, inspection_id: int, actor: Inspector, command: CloseMeeting, at: datetime
) -> MeetingClosed:
    require_lead(actor, "close a meeting")
    row = _meeting(session, inspection_id, command.meeting_id)
    if row.kind != MeetingKind.FINAL.value:
        _change(session, row, lambda m: m.close(at))
        return MeetingClosed.of(command)
    agreed = _agreed_grades(session, inspection_id)
    _change(session, row, lambda m: m.close(at, agreed))
    return MeetingClosed.of(command, agreed_grades=agreed)


def minutes_of(session: Session, *, inspection_id: int, kind: MeetingKind, day: Any) -> list[Minutes]:
    """Every meeting of ``kind`` on ``day``, oldest first (for export)."""
    rows = session.exec(
        select(MeetingRow)
        .where(MeetingRow.inspection_id == inspection_id, MeetingRow.kind == kind.value, MeetingRow.day == day)
        .order_by(col(MeetingRow.opened_at))
    ).all()
    return [Minutes.model_validate_json(row.minutes) for row in rows]
