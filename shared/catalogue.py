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

from shared import kinds
from shared.alerts import (
    AcknowledgeAlert,
    AlertAcknowledged,
    AlertClosed,
    AlertConfirmed,
    AlertEscalated,
    AlertInformed,
    AlertNoted,
    AlertOverdue,
    AlertRaised,
    AlertResolved,
    AlertResponded,
    AlertSeen,
    AlertUpdated,
    CloseAlert,
    ConfirmInWriting,
    DeadlinesSet,
    DeputyNamed,
    EscalateAlert,
    MarkAlertSeen,
    NameDeputy,
    NoteAlert,
    RaiseAlert,
    RecordInforming,
    RecordResponse,
    ResolveAlert,
    SetDeadlines,
    UpdateAlert,
)
from shared.cases import (
    AddToSample,
    AllocateCase,
    CaseAllocated,
    CaseProgressed,
    CasesImported,
    DrawSample,
    ImportCases,
    PersonalDataPolicySet,
    RecordCaseProgress,
    SampleAdded,
    SampleDrawn,
    SetPersonalDataPolicy,
)
from shared.enquiries import (
    AnswerEnquiry,
    CloseEnquiry,
    EnquiryAnswered,
    EnquiryClosed,
    EnquiryOpened,
    EnquiryStarted,
    OpenEnquiry,
    StartEnquiry,
)
from shared.fieldwork import FieldworkSet, SetFieldwork
from shared.findings import AmendFinding, FindingAmended, FindingPosted, FindingWithdrawn, PostFinding, WithdrawFinding
from shared.grades import (
    AgreeGrade,
    ChallengeGrade,
    GradeAgreed,
    GradeChallenged,
    GradeProposed,
    GradeReopened,
    GradeResponded,
    GradeSignedOff,
    ProposeGrade,
    ReopenGrade,
    RespondToChallenge,
    SignOffGrade,
)
from shared.meetings import (
    AddAgendaItem,
    AgendaAdded,
    AgendaDropped,
    AgendaMoved,
    AmendEntry,
    CloseMeeting,
    DropAgendaItem,
    MeetingAmended,
    MeetingClosed,
    MeetingOpened,
    MeetingRecorded,
    MoveAgendaItem,
    OpenMeeting,
    RecordEntry,
)
from shared.protocol import (
    STORED,
    Command,
    ErrorCode,
    Event,
    ProtocolError,
    field_errors,
    load_json,
)
from shared.team import InspectorRevoked, RoleChanged
from shared.triangulation import FindingLinked, FindingUnlinked, LinkFindings, UnlinkFindings

RECORDS: dict[type[Command], str] = {
    PostFinding: kinds.FINDING_POSTED,
    AmendFinding: kinds.FINDING_AMENDED,
    WithdrawFinding: kinds.FINDING_WITHDRAWN,
    LinkFindings: kinds.FINDING_LINKED,
    UnlinkFindings: kinds.FINDING_UNLINKED,
    RaiseAlert: kinds.ALERT_RAISED,
    NoteAlert: kinds.ALERT_NOTED,
    EscalateAlert: kinds.ALERT_ESCALATED,
    CloseAlert: kinds.ALERT_CLOSED,
    AcknowledgeAlert: kinds.ALERT_ACKNOWLEDGED,
    RecordInforming: kinds.ALERT_INFORMED,
    ConfirmInWriting: kinds.ALERT_CONFIRMED,
    RecordResponse: kinds.ALERT_RESPONDED,
    ResolveAlert: kinds.ALERT_RESOLVED,
    UpdateAlert: kinds.ALERT_UPDATED,
    MarkAlertSeen: kinds.ALERT_SEEN,
    NameDeputy: kinds.DEPUTY_NAMED,
    SetDeadlines: kinds.DEADLINES_SET,
    OpenEnquiry: kinds.ENQUIRY_OPENED,
    StartEnquiry: kinds.ENQUIRY_STARTED,
    AnswerEnquiry: kinds.ENQUIRY_ANSWERED,
    CloseEnquiry: kinds.ENQUIRY_CLOSED,
    OpenMeeting: kinds.MEETING_OPENED,
    AddAgendaItem: kinds.AGENDA_ADDED,
    MoveAgendaItem: kinds.AGENDA_MOVED,
    DropAgendaItem: kinds.AGENDA_DROPPED,
    RecordEntry: kinds.MEETING_RECORDED,
    AmendEntry: kinds.MEETING_AMENDED,
    CloseMeeting: kinds.MEETING_CLOSED,
    ProposeGrade: kinds.GRADE_PROPOSED,
    AgreeGrade: kinds.GRADE_AGREED,
    ChallengeGrade: kinds.GRADE_CHALLENGED,
    SignOffGrade: kinds.GRADE_SIGNED_OFF,
    RespondToChallenge: kinds.GRADE_RESPONDED,
    ReopenGrade: kinds.GRADE_REOPENED,
    SetFieldwork: kinds.FIELDWORK_SET,
    ImportCases: kinds.CASES_IMPORTED,
    DrawSample: kinds.SAMPLE_DRAWN,
    AddToSample: kinds.SAMPLE_ADDED,
    AllocateCase: kinds.CASE_ALLOCATED,
    RecordCaseProgress: kinds.CASE_PROGRESSED,
    SetPersonalDataPolicy: kinds.PERSONAL_DATA_SET,
}
"""Every command a client may send, with the kind of the event it records. What only the server records
(``alert.overdue``, the administrator's team changes) has an event kind below but no client command."""

COMMANDS: dict[str, type[Command]] = {model.model_fields["type"].default: model for model in RECORDS}
"""Every command a client may send, by its ``type``."""

EVENTS: dict[str, type[BaseModel]] = {
    kinds.FINDING_POSTED: FindingPosted,
    kinds.FINDING_AMENDED: FindingAmended,
    kinds.FINDING_WITHDRAWN: FindingWithdrawn,
    kinds.FINDING_LINKED: FindingLinked,
    kinds.FINDING_UNLINKED: FindingUnlinked,
    kinds.ALERT_RAISED: AlertRaised,
    kinds.ALERT_NOTED: AlertNoted,
    kinds.ALERT_ESCALATED: AlertEscalated,
    kinds.ALERT_CLOSED: AlertClosed,
    kinds.ALERT_ACKNOWLEDGED: AlertAcknowledged,
    kinds.ALERT_INFORMED: AlertInformed,
    kinds.ALERT_CONFIRMED: AlertConfirmed,
    kinds.ALERT_RESPONDED: AlertResponded,
    kinds.ALERT_RESOLVED: AlertResolved,
    kinds.ALERT_UPDATED: AlertUpdated,
    kinds.ALERT_SEEN: AlertSeen,
    kinds.ALERT_OVERDUE: AlertOverdue,
    kinds.DEPUTY_NAMED: DeputyNamed,
    kinds.DEADLINES_SET: DeadlinesSet,
    kinds.ENQUIRY_OPENED: EnquiryOpened,
    kinds.ENQUIRY_STARTED: EnquiryStarted,
    kinds.ENQUIRY_ANSWERED: EnquiryAnswered,
    kinds.ENQUIRY_CLOSED: EnquiryClosed,
    kinds.MEETING_OPENED: MeetingOpened,
    kinds.AGENDA_ADDED: AgendaAdded,
    kinds.AGENDA_MOVED: AgendaMoved,
    kinds.AGENDA_DROPPED: AgendaDropped,
    kinds.MEETING_RECORDED: MeetingRecorded,
    kinds.MEETING_AMENDED: MeetingAmended,
    kinds.MEETING_CLOSED: MeetingClosed,
    kinds.GRADE_PROPOSED: GradeProposed,
    kinds.GRADE_AGREED: GradeAgreed,
    kinds.GRADE_CHALLENGED: GradeChallenged,
    kinds.GRADE_SIGNED_OFF: GradeSignedOff,
    kinds.GRADE_RESPONDED: GradeResponded,
    kinds.GRADE_REOPENED: GradeReopened,
    kinds.FIELDWORK_SET: FieldworkSet,
    kinds.CASES_IMPORTED: CasesImported,
    kinds.SAMPLE_DRAWN: SampleDrawn,
    kinds.SAMPLE_ADDED: SampleAdded,
    kinds.CASE_ALLOCATED: CaseAllocated,
    kinds.CASE_PROGRESSED: CaseProgressed,
    kinds.PERSONAL_DATA_SET: PersonalDataPolicySet,
    kinds.INSPECTOR_REVOKED: InspectorRevoked,
    kinds.ROLE_CHANGED: RoleChanged,
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
