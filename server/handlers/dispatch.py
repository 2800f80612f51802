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
from sqlalchemy import Row, bindparam, select
from sqlmodel import Session

from server.handlers import (
    alert_handlers,
    case_handlers,
    day_one_handlers,
    deadline_watch,
    enquiry_handlers,
    fieldwork_handlers,
    finding_handlers,
    grade_handlers,
    meeting_handlers,
    membership,
    personal_data_guard,
    redaction_handlers,
    transaction_facts,
)
from server.handlers.errors import CommandRejected
from server.handlers.event_append import append_event
from server.storage.tables import EventRow, InspectionRow
from shared import alerts as alert_commands
from shared import cases as case_commands
from shared import catalogue, kinds
from shared import enquiries as enquiry_commands
from shared import fieldwork as fieldwork_commands
from shared import grades as grade_commands
from shared import meetings as meeting_commands
from shared import triangulation as link_commands
from shared.day_one import SetDayOneRequest
from shared.findings import AmendFinding, PostFinding, WithdrawFinding
from shared.meeting_attendance import RecordAttendance
from shared.on_site import SetOnSite
from shared.personal_data_fields import free_text_fields
from shared.protocol import Command, ErrorCode, Event, Inspector
from shared.redaction import RedactRecord

Handler = Callable[..., BaseModel]

HANDLERS: dict[type[Command], Handler] = {
    PostFinding: finding_handlers.post_finding,
    AmendFinding: finding_handlers.amend_finding,
    WithdrawFinding: finding_handlers.withdraw_finding,
    alert_commands.RaiseAlert: alert_handlers.raise_alert,
    alert_commands.NoteAlert: alert_handlers.note_alert,
    alert_commands.EscalateAlert: alert_handlers.escalate_alert,
    alert_commands.CloseAlert: alert_handlers.close_alert,
    alert_commands.AcknowledgeAlert: alert_handlers.take_step,
    alert_commands.RecordInforming: alert_handlers.take_step,
    alert_commands.ConfirmInWriting: alert_handlers.take_step,
    alert_commands.RecordResponse: alert_handlers.take_step,
    alert_commands.ResolveAlert: alert_handlers.take_step,
    alert_commands.UpdateAlert: alert_handlers.update_alert,
    alert_commands.MarkAlertSeen: alert_handlers.see_alert,
    alert_commands.NameDeputy: alert_handlers.name_deputy,
    alert_commands.SetDeadlines: alert_handlers.set_deadlines,
    deadline_watch.FlagOverdue: deadline_watch.flag_overdue,
    enquiry_commands.OpenEnquiry: enquiry_handlers.open_enquiry,
    enquiry_commands.StartEnquiry: enquiry_handlers.move_enquiry,
    enquiry_commands.AnswerEnquiry: enquiry_handlers.move_enquiry,
    enquiry_commands.CloseEnquiry: enquiry_handlers.move_enquiry,
    link_commands.LinkFindings: enquiry_handlers.link_findings,
    link_commands.UnlinkFindings: enquiry_handlers.unlink_findings,
    meeting_commands.OpenMeeting: meeting_handlers.open_meeting,
    meeting_commands.AddAgendaItem: meeting_handlers.add_item,
    meeting_commands.MoveAgendaItem: meeting_handlers.move_item,
    meeting_commands.DropAgendaItem: meeting_handlers.drop_item,
    meeting_commands.RecordEntry: meeting_handlers.record_entry,
    meeting_commands.AmendEntry: meeting_handlers.amend_entry,
    meeting_commands.CloseMeeting: meeting_handlers.close_meeting,
    RecordAttendance: meeting_handlers.record_attendance,
    grade_commands.ProposeGrade: grade_handlers.propose_grade,
    grade_commands.AgreeGrade: grade_handlers.agree_grade,
    grade_commands.ChallengeGrade: grade_handlers.challenge_grade,
    grade_commands.SignOffGrade: grade_handlers.sign_off_grade,
    grade_commands.RespondToChallenge: grade_handlers.respond_to_challenge,
    grade_commands.ReopenGrade: grade_handlers.reopen_grade,
    fieldwork_commands.SetFieldwork: fieldwork_handlers.set_fieldwork,
    SetOnSite: fieldwork_handlers.set_on_site,
    case_commands.ImportCases: case_handlers.import_cases,
    case_commands.DrawSample: case_handlers.draw,
    case_commands.AddToSample: case_handlers.add,
    case_commands.AllocateCase: case_handlers.allocate,
    case_commands.RecordCaseProgress: case_handlers.progress,
    case_commands.SetPersonalDataPolicy: case_handlers.set_policy,
    SetDayOneRequest: day_one_handlers.set_request,
    membership.RevokeInspector: membership.revoke_inspector,
    membership.ChangeRole: membership.change_role,
    RedactRecord: redaction_handlers.redact_record,
}
"""Every command the server applies → its handler, which checks the rules against current state, updates the
projections and returns the event's data (the model shared.catalogue.EVENTS names for the event's kind)."""

RECORDS: dict[type[Command], str] = {
    **catalogue.RECORDS,
    deadline_watch.FlagOverdue: kinds.ALERT_OVERDUE,
    membership.RevokeInspector: kinds.INSPECTOR_REVOKED,
    membership.ChangeRole: kinds.ROLE_CHANGED,
}
"""The kind of event each command records: a client's, from the catalogue, and the server's own."""


@dataclass(frozen=True)
class Applied:
    """A command's outcome: its seq, and the new event unless it was a retry of one already stored."""

    seq: int
    event: Event | None
    frame: str | None = None
    """The new event as sent on the wire and stored (None for a retry)."""


_events = EventRow.__table__  # type: ignore[attr-defined]
_inspections = InspectionRow.__table__  # type: ignore[attr-defined]
_LOCK = select(_inspections.c.id).where(_inspections.c.id == bindparam("inspection")).with_for_update()
_EARLIER = select(_events.c.seq, _events.c.actor_id, _events.c.command_digest).where(
    _events.c.inspection_id == bindparam("inspection"), _events.c.command_id == bindparam("command")
)
_LOCKED = "locked inspections"


def lock_inspections(session: Session, inspection_ids: Iterable[int]) -> None:
    """Row-lock these inspections in id order (a no-op on SQLite, which has one writer).

    Always in the same order, so two server processes writing batches that touch the same inspections wait for
    each other instead of deadlocking. A lock is held to the end of the transaction, so one taken outside a
    savepoint is not taken again (a savepoint's rollback would release one taken inside it).
    """
    if session.get_bind().dialect.name == "sqlite":
        return
    locked: dict[int, bool] = transaction_facts.kept(session, _LOCKED)
    for inspection_id in sorted(set(inspection_ids) - locked.keys()):
        session.connection().execute(_LOCK, {"inspection": inspection_id}).first()
        if not session.in_nested_transaction():
            locked[inspection_id] = True


def needs_savepoint(command: Command) -> bool:
    """Whether a refused ``command`` could leave some of its writes behind in a batch (see refuses_before_writing)."""
    return not transaction_facts.writes_after_every_check(HANDLERS.get(type(command)))


def apply_command(
    session: Session, *, inspection_id: int, actor: Inspector | None, command: Command, at: datetime
) -> Applied:
    """Apply ``command`` in ``session`` (not committed here); raises CommandRejected to refuse it.

    ``actor`` is None only for what the server records itself.
    """
    if actor is not None:  # as they stand now: refused if revoked, judged by their present role
        actor = membership.current_actor(session, actor)
    actor_id = actor.id if actor is not None else None
    # Take the inspection's row lock first: another server process on the same PostgreSQL database applying a
    # command to this inspection waits until we commit, so the idempotency check, the handler's reads and the
    # seq all see its result (SQLite needs nothing: it has one writer).
    lock_inspections(session, [inspection_id])
    session.flush()  # an earlier command's rows, so the reads below see them (nothing to do after a Core write)
    digest = command_digest(command)
    connection = session.connection()
    earlier = connection.execute(_EARLIER, {"inspection": inspection_id, "command": command.id}).first()
    if earlier is not None:
        return retried(earlier, command, actor_id=actor_id, digest=digest)

    # Every command's free text passes the personal-data guard before its handler (refused, or recorded masked).
    known = transaction_facts.inspection(session, inspection_id) if free_text_fields(command) else None
    found = personal_data_guard.judge(command, *known, at=at) if known is not None else []  # none: handler refuses
    kind, handler = RECORDS[type(command)], HANDLERS[type(command)]
    try:
        data = handler(session, inspection_id=inspection_id, actor=actor, command=command, at=at)
    finally:
        if not transaction_facts.writes_after_every_check(handler):
            transaction_facts.forget(session)  # it may have changed them (a policy, the name index)
    payload: dict[str, Any] = data.model_dump(mode="json")
    if found:
        payload = {**payload, "personal_data": [record.model_dump(mode="json") for record in found]}
    # The seq is allocated in the database, in this transaction, under the row lock: gap-free across processes.
    event, frame = append_event(
        connection, inspection_id=inspection_id, kind=kind, actor=actor, at=at, payload=payload,
        command_id=command.id, digest=digest,
    )
    return Applied(seq=event.seq, event=event, frame=frame)


def command_digest(command: Command) -> str:
    """SHA-256 of the command's canonical JSON (after validation: defaults filled, text cleaned, keys sorted), so
    the same command sent again, however its JSON was spelled, has the same digest."""
    canonical = json.dumps(command.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def retried(earlier: Row[Any], command: Command, *, actor_id: int | None, digest: str) -> Applied:
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
