"""The catalogue of the wire: every command a client may send, the event each records, and every event's data.

Listed here, explicitly, rather than gathered from whatever modules happen to be imported: the server's handlers,
the app's folds and docs/protocol.md are each checked against these lists (tests/test_catalogue.py), so a command
without a handler, an event the app cannot fold or a frame the documentation forgets fails a test instead of
surfacing as ``internal`` or as a silently dropped event. The envelope (shared.protocol) does not import this
module; this module imports the domain modules, which import the envelope: no cycle.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from shared import (
    alerts,
    cases,
    enquiries,
    fieldwork,
    findings,
    grades,
    kinds,
    meeting_attendance,
    meetings,
    on_site,
    redaction,
    team,
    triangulation,
)
from shared.day_one import DayOneRequestSet, SetDayOneRequest
from shared.protocol import STORED, Command, ErrorCode, Event, ProtocolError, field_errors, load_json

RECORDS: dict[type[Command], str] = {
    findings.PostFinding: kinds.FINDING_POSTED,
    findings.AmendFinding: kinds.FINDING_AMENDED,
    findings.WithdrawFinding: kinds.FINDING_WITHDRAWN,
    triangulation.LinkFindings: kinds.FINDING_LINKED,
    triangulation.UnlinkFindings: kinds.FINDING_UNLINKED,
    alerts.RaiseAlert: kinds.ALERT_RAISED,
    alerts.NoteAlert: kinds.ALERT_NOTED,
    alerts.EscalateAlert: kinds.ALERT_ESCALATED,
    alerts.CloseAlert: kinds.ALERT_CLOSED,
    alerts.AcknowledgeAlert: kinds.ALERT_ACKNOWLEDGED,
    alerts.RecordInforming: kinds.ALERT_INFORMED,
    alerts.ConfirmInWriting: kinds.ALERT_CONFIRMED,
    alerts.RecordResponse: kinds.ALERT_RESPONDED,
    alerts.ResolveAlert: kinds.ALERT_RESOLVED,
    alerts.UpdateAlert: kinds.ALERT_UPDATED,
    alerts.MarkAlertSeen: kinds.ALERT_SEEN,
    alerts.NameDeputy: kinds.DEPUTY_NAMED,
    alerts.SetDeadlines: kinds.DEADLINES_SET,
    enquiries.OpenEnquiry: kinds.ENQUIRY_OPENED,
    enquiries.StartEnquiry: kinds.ENQUIRY_STARTED,
    enquiries.AnswerEnquiry: kinds.ENQUIRY_ANSWERED,
    enquiries.CloseEnquiry: kinds.ENQUIRY_CLOSED,
    meetings.OpenMeeting: kinds.MEETING_OPENED,
    meetings.AddAgendaItem: kinds.AGENDA_ADDED,
    meetings.MoveAgendaItem: kinds.AGENDA_MOVED,
    meetings.DropAgendaItem: kinds.AGENDA_DROPPED,
    meetings.RecordEntry: kinds.MEETING_RECORDED,
    meetings.AmendEntry: kinds.MEETING_AMENDED,
    meetings.CloseMeeting: kinds.MEETING_CLOSED,
    meeting_attendance.RecordAttendance: kinds.ATTENDANCE_RECORDED,
    grades.ProposeGrade: kinds.GRADE_PROPOSED,
    grades.AgreeGrade: kinds.GRADE_AGREED,
    grades.ChallengeGrade: kinds.GRADE_CHALLENGED,
    grades.SignOffGrade: kinds.GRADE_SIGNED_OFF,
    grades.RespondToChallenge: kinds.GRADE_RESPONDED,
    grades.ReopenGrade: kinds.GRADE_REOPENED,
    fieldwork.SetFieldwork: kinds.FIELDWORK_SET,
    on_site.SetOnSite: kinds.ON_SITE_SET,
    SetDayOneRequest: kinds.DAY_ONE_SET,
    cases.ImportCases: kinds.CASES_IMPORTED,
    cases.DrawSample: kinds.SAMPLE_DRAWN,
    cases.AddToSample: kinds.SAMPLE_ADDED,
    cases.AllocateCase: kinds.CASE_ALLOCATED,
    cases.RecordCaseProgress: kinds.CASE_PROGRESSED,
    cases.SetPersonalDataPolicy: kinds.PERSONAL_DATA_SET,
    redaction.RedactRecord: kinds.RECORD_REDACTED,
}
"""Every command a client may send, with the kind of the event it records. What only the server records
(``alert.overdue``, the administrator's team changes) has an event kind below but no client command."""

COMMANDS: dict[str, type[Command]] = {model.model_fields["type"].default: model for model in RECORDS}
"""Every command a client may send, by its ``type``."""

EVENTS: dict[str, type[BaseModel]] = {
    kinds.FINDING_POSTED: findings.FindingPosted,
    kinds.FINDING_AMENDED: findings.FindingAmended,
    kinds.FINDING_WITHDRAWN: findings.FindingWithdrawn,
    kinds.FINDING_LINKED: triangulation.FindingLinked,
    kinds.FINDING_UNLINKED: triangulation.FindingUnlinked,
    kinds.ALERT_RAISED: alerts.AlertRaised,
    kinds.ALERT_NOTED: alerts.AlertNoted,
    kinds.ALERT_ESCALATED: alerts.AlertEscalated,
    kinds.ALERT_CLOSED: alerts.AlertClosed,
    kinds.ALERT_ACKNOWLEDGED: alerts.AlertAcknowledged,
    kinds.ALERT_INFORMED: alerts.AlertInformed,
    kinds.ALERT_CONFIRMED: alerts.AlertConfirmed,
    kinds.ALERT_RESPONDED: alerts.AlertResponded,
    kinds.ALERT_RESOLVED: alerts.AlertResolved,
    kinds.ALERT_UPDATED: alerts.AlertUpdated,
    kinds.ALERT_SEEN: alerts.AlertSeen,
    kinds.ALERT_OVERDUE: alerts.AlertOverdue,
    kinds.DEPUTY_NAMED: alerts.DeputyNamed,
    kinds.DEADLINES_SET: alerts.DeadlinesSet,
    kinds.ENQUIRY_OPENED: enquiries.EnquiryOpened,
    kinds.ENQUIRY_STARTED: enquiries.EnquiryStarted,
    kinds.ENQUIRY_ANSWERED: enquiries.EnquiryAnswered,
    kinds.ENQUIRY_CLOSED: enquiries.EnquiryClosed,
    kinds.MEETING_OPENED: meetings.MeetingOpened,
    kinds.AGENDA_ADDED: meetings.AgendaAdded,
    kinds.AGENDA_MOVED: meetings.AgendaMoved,
    kinds.AGENDA_DROPPED: meetings.AgendaDropped,
    kinds.MEETING_RECORDED: meetings.MeetingRecorded,
    kinds.MEETING_AMENDED: meetings.MeetingAmended,
    kinds.MEETING_CLOSED: meetings.MeetingClosed,
    kinds.ATTENDANCE_RECORDED: meeting_attendance.AttendanceRecorded,
    kinds.GRADE_PROPOSED: grades.GradeProposed,
    kinds.GRADE_AGREED: grades.GradeAgreed,
    kinds.GRADE_CHALLENGED: grades.GradeChallenged,
    kinds.GRADE_SIGNED_OFF: grades.GradeSignedOff,
    kinds.GRADE_RESPONDED: grades.GradeResponded,
    kinds.GRADE_REOPENED: grades.GradeReopened,
    kinds.FIELDWORK_SET: fieldwork.FieldworkSet,
    kinds.ON_SITE_SET: on_site.OnSiteSet,
    kinds.DAY_ONE_SET: DayOneRequestSet,
    kinds.CASES_IMPORTED: cases.CasesImported,
    kinds.SAMPLE_DRAWN: cases.SampleDrawn,
    kinds.SAMPLE_ADDED: cases.SampleAdded,
    kinds.CASE_ALLOCATED: cases.CaseAllocated,
    kinds.CASE_PROGRESSED: cases.CaseProgressed,
    kinds.PERSONAL_DATA_SET: cases.PersonalDataPolicySet,
    kinds.INSPECTOR_REVOKED: team.InspectorRevoked,
    kinds.ROLE_CHANGED: team.RoleChanged,
    kinds.RECORD_REDACTED: redaction.RecordRedacted,
}
"""Every event kind, with the model of its ``data``."""


def read_payload(event: Event) -> BaseModel | None:
    """The event's data as its kind's model, or None for a kind this version does not know or data it cannot read
    (``read``)."""
    return read(event.kind, event.data)


def read(kind: str, data: Mapping[str, Any]) -> BaseModel | None:
    """An event's data as its kind's model, or None for a kind this version does not know or data it cannot read.

    The one place an event's data is validated on reading: as stored (``STORED``: the text rules judged it when it
    arrived), so an event an older server kept, or the app cached, reads as it was accepted.
    """
    model = EVENTS.get(kind)
    if model is None:
        return None
    try:
        return model.model_validate(data, context=STORED)
    except ValidationError:
        return None


def decode_command(raw: str | bytes) -> Command:
    """Parse a command frame, raising ProtocolError with a stable code naming the problem."""
    obj = load_json(raw)
    if not isinstance(obj, dict):
        raise ProtocolError(ErrorCode.INVALID, "frame must be a JSON object", field="frame")
    command_id = obj.get("id") if isinstance(obj.get("id"), str) else None
    kind = obj.get("type")
    model = COMMANDS.get(kind) if isinstance(kind, str) else None
    if model is None:
        raise ProtocolError(
            ErrorCode.UNKNOWN_TYPE,
            f"unknown frame type {kind!r}; expected one of {sorted(COMMANDS)}",
            id=command_id,
            field="type",
        )
    try:
        return model.model_validate(obj)
    except ValidationError as exc:
        errors = field_errors(exc)
        field, message = next(iter(errors.items()))
        raise ProtocolError(ErrorCode.INVALID, f"{field}: {message}", id=command_id, field=field) from None
