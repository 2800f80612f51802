"""Apply one command inside a transaction: idempotency, the handler, then the numbered event.

The caller owns the transaction: the event row, the projection and the head move together or not at all.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import update
from sqlmodel import Session, col, select

from server import (
    alerts,
    cases,
    deadlines,
    enquiries,
    fieldwork,
    findings,
    grades,
    meetings,
    notify,
    personal_data,
    team,
)
from server.errors import CommandRejected
from server.models import EventRow, InspectionRow
from shared import alerts as alert_commands
from shared import cases as case_commands
from shared import catalogue, kinds
from shared import enquiries as enquiry_commands
from shared import fieldwork as fieldwork_commands
from shared import grades as grade_commands
from shared import meetings as meeting_commands
from shared import triangulation as link_commands
from shared.findings import AmendFinding, PostFinding, WithdrawFinding
from shared.protocol import Command, ErrorCode, Event, Inspector

Handler = Callable[..., BaseModel]

HANDLERS: dict[type[Command], Handler] = {
    PostFinding: findings.post_finding,
    AmendFinding: findings.amend_finding,
    WithdrawFinding: findings.withdraw_finding,
    alert_commands.RaiseAlert: alerts.raise_alert,
    alert_commands.NoteAlert: alerts.note_alert,
    alert_commands.EscalateAlert: alerts.escalate_alert,
    alert_commands.CloseAlert: alerts.close_alert,
    alert_commands.AcknowledgeAlert: alerts.take_step,
    alert_commands.RecordInforming: alerts.take_step,
    alert_commands.ConfirmInWriting: alerts.take_step,
    alert_commands.RecordResponse: alerts.take_step,
    alert_commands.ResolveAlert: alerts.take_step,
    alert_commands.UpdateAlert: alerts.update_alert,
    alert_commands.MarkAlertSeen: alerts.see_alert,
    alert_commands.NameDeputy: alerts.name_deputy,
    alert_commands.SetDeadlines: alerts.set_deadlines,
    deadlines.FlagOverdue: deadlines.flag_overdue,
    enquiry_commands.OpenEnquiry: enquiries.open_enquiry,
    enquiry_commands.StartEnquiry: enquiries.start_enquiry,
    enquiry_commands.AnswerEnquiry: enquiries.answer_enquiry,
    enquiry_commands.CloseEnquiry: enquiries.close_enquiry,
    link_commands.LinkFindings: enquiries.link_findings,
    link_commands.UnlinkFindings: enquiries.unlink_findings,
    meeting_commands.OpenMeeting: meetings.open_meeting,
    meeting_commands.AddAgendaItem: meetings.add_item,
    meeting_commands.MoveAgendaItem: meetings.move_item,
    meeting_commands.DropAgendaItem: meetings.drop_item,
    meeting_commands.RecordEntry: meetings.record_entry,
    meeting_commands.AmendEntry: meetings.amend_entry,
    meeting_commands.CloseMeeting: meetings.close_meeting,
    grade_commands.ProposeGrade: grades.propose_grade,
    grade_commands.AgreeGrade: grades.agree_grade,
    grade_commands.ChallengeGrade: grades.challenge_grade,
    grade_commands.SignOffGrade: grades.sign_off_grade,
    grade_commands.RespondToChallenge: grades.respond_to_challenge,
    grade_commands.ReopenGrade: grades.reopen_grade,
    fieldwork_commands.SetFieldwork: fieldwork.set_fieldwork,
    case_commands.ImportCases: cases.import_cases,
    case_commands.DrawSample: cases.draw,
    case_commands.AddToSample: cases.add,
    case_commands.AllocateCase: cases.allocate,
    case_commands.RecordCaseProgress: cases.progress,
    case_commands.SetPersonalDataPolicy: cases.set_policy,
    team.RevokeInspector: team.revoke_inspector,
    team.ChangeRole: team.change_role,
}
"""Every command the server applies → its handler, which checks the rules against current state, updates the
projections and returns the event's data (the model shared.catalogue.EVENTS names for the event's kind)."""

RECORDS: dict[type[Command], str] = {
    **catalogue.RECORDS,
    deadlines.FlagOverdue: kinds.ALERT_OVERDUE,
    team.RevokeInspector: kinds.INSPECTOR_REVOKED,
    team.ChangeRole: kinds.ROLE_CHANGED,
}
"""The kind of event each command records: a client's, from the catalogue, and the server's own."""


@dataclass(frozen=True)
class Applied:
    """A command's outcome: its seq, and the new event unless it was a retry of one already stored."""

    seq: int
    event: Event | None


def lock_inspections(session: Session, inspection_ids: Iterable[int]) -> None:
    """Row-lock these inspections in id order (a no-op on SQLite, which has one writer).

    Always in the same order, so two server processes writing batches that touch the same inspections wait for
    each other instead of deadlocking; locking one again later in the same transaction costs nothing.
    """
    for inspection_id in sorted(set(inspection_ids)):
        session.exec(select(InspectionRow.id).where(col(InspectionRow.id) == inspection_id).with_for_update()).first()


def apply_command(
    session: Session, *, inspection_id: int, actor: Inspector | None, command: Command, at: datetime
) -> Applied:
    """Apply ``command`` in ``session`` (not committed here); raises CommandRejected to refuse it.

    ``actor`` is None only for what the server records itself.
    """
    if actor is not None:  # as they stand now: refused if revoked, judged by their present role
        actor = team.current_actor(session, actor)
    actor_id = actor.id if actor is not None else None
    # Take the inspection's row lock first: another server process on the same PostgreSQL database applying a
    # command to this inspection waits until we commit, so the idempotency check, the handler's reads and the
    # seq all see its result (SQLite needs nothing: it has one writer).
    lock_inspections(session, [inspection_id])
    digest = command_digest(command)
    earlier = session.exec(
        select(EventRow).where(EventRow.inspection_id == inspection_id, EventRow.command_id == command.id)
    ).first()
    if earlier is not None:
        return retried(earlier, command, actor_id=actor_id, digest=digest)

    # Every command's free text passes the personal-data guard before its handler (refused, or recorded masked).
    found = personal_data.guard(session, inspection_id=inspection_id, command=command, at=at)
    kind, handler = RECORDS[type(command)], HANDLERS[type(command)]
    data = handler(session, inspection_id=inspection_id, actor=actor, command=command, at=at)
    payload: dict[str, Any] = data.model_dump(mode="json")
    if found:
        payload = {**payload, "personal_data": [record.model_dump(mode="json") for record in found]}
    # Allocated in the database, in this transaction, under the row lock: gap-free across processes.
    seq = session.execute(
        update(InspectionRow)
        .where(col(InspectionRow.id) == inspection_id)
        .values(head=col(InspectionRow.head) + 1)
        .returning(col(InspectionRow.head))
    ).scalar_one()
    session.add(
        EventRow(
            inspection_id=inspection_id,
            seq=seq,
            kind=kind,
            actor_id=actor_id,
            at=at,
            data=json.dumps(payload, separators=(",", ":")),
            command_id=command.id,
            command_digest=digest,
        )
    )
    notify.announce(session, inspection_id=inspection_id, seq=seq)  # other processes' clients get it promptly
    event = Event(seq=seq, kind=kind, actor=actor, at=at, data=payload)
    return Applied(seq=seq, event=event)


def command_digest(command: Command) -> str:
    """SHA-256 of the command's canonical JSON (after validation: defaults filled, text cleaned, keys sorted), so
    the same command sent again, however its JSON was spelled, has the same digest."""
    canonical = json.dumps(command.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def retried(earlier: EventRow, command: Command, *, actor_id: int | None, digest: str) -> Applied:
    """A command whose id is already in the log: the same command again gets the original ack; anything else is a
    ``conflict`` naming the id, never a silent drop of the new content (an event stored before digests were
    recorded, revision 0003, is taken on trust)."""
    if earlier.actor_id != actor_id:
        raise CommandRejected(
            ErrorCode.CONFLICT, f"command id {command.id!r} was already used by someone else; use a new id", field="id"
        )
    if earlier.command_digest is not None and earlier.command_digest != digest:
        raise CommandRejected(
            ErrorCode.CONFLICT,
            f"command id {command.id!r} was already used for a different command (seq {earlier.seq}); "
            "use a new id for new content",
            field="id",
        )
    return Applied(seq=earlier.seq, event=None)
