"""Risk alerts: emerging concerns and significant-harm escalations, and the rules of their lifecycle.

Child-protection framework ¶32: if any unresolved issues of significant risk of harm to a child are identified,
"inspectors will immediately inform the relevant senior manager and confirm this in writing at the earliest
opportunity"; ¶49: "It is expected that any significant risk will be addressed immediately by those responsible."
The product words the duty in those words (INFORM_DUTY, ADDRESS_EXPECTATION), never a paraphrase. The order of
the steps and who may take them are decided here, once, for the server and the app alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Literal

from pydantic import Field, model_validator

from shared.fields import ChildId, RefId, Short, Text, Zoned
from shared.protocol import Command, Frame, Inspector, Payload, UtcDatetime
from shared.vocabulary import Agency, Labelled, Role

INFORM_DUTY = (
    "inspectors will immediately inform the relevant senior manager and confirm this in writing at the earliest "
    "opportunity"
)
"""CP ¶32 word for word: what a significant-harm escalation sets going."""

ADDRESS_EXPECTATION = "It is expected that any significant risk will be addressed immediately by those responsible."
"""CP ¶49 word for word: what the written confirmation and the local authority's response answer to."""


class AlertLevel(Labelled):
    EMERGING_CONCERN = "emerging-concern"
    SIGNIFICANT_HARM = "significant-harm", "Significant-harm escalation"


class AlertStatus(Labelled):
    # an emerging concern
    OPEN = "open"
    NOTED = "noted"
    CLOSED = "closed"
    # a significant-harm escalation, in the order its steps must be taken
    RAISED = "raised"
    ACKNOWLEDGED = "acknowledged"
    INFORMED = "informed", "Senior manager informed"
    CONFIRMED = "confirmed", "Written confirmation sent"
    RESPONDED = "responded", "Local authority's response recorded"
    RESOLVED = "resolved"


ESCALATION_STEPS: tuple[AlertStatus, ...] = (
    AlertStatus.RAISED,
    AlertStatus.ACKNOWLEDGED,
    AlertStatus.INFORMED,
    AlertStatus.CONFIRMED,
    AlertStatus.RESPONDED,
    AlertStatus.RESOLVED,
)
DUTY_STEPS = frozenset({AlertStatus.ACKNOWLEDGED, AlertStatus.INFORMED, AlertStatus.CONFIRMED, AlertStatus.RESOLVED})
"""Steps only the lead inspector or the deputy the lead names may take."""

STEP_NAMES = {
    AlertStatus.ACKNOWLEDGED: "acknowledge it",
    AlertStatus.INFORMED: "record that the senior manager was informed",
    AlertStatus.CONFIRMED: "record the written confirmation",
    AlertStatus.RESPONDED: "record the local authority's response",
    AlertStatus.RESOLVED: "resolve it",
}

CLOSED_STATUSES = frozenset({AlertStatus.CLOSED, AlertStatus.RESOLVED})


class InformMethod(Labelled):
    IN_PERSON = "in-person"
    PHONE = "phone", "Telephone"
    VIDEO = "video", "Video call"


# ---------------------------------------------------------------- commands


class RaiseAlert(Command):
    """``alert.raise``: the new alert's id is this command's id."""

    type: Literal["alert.raise"] = "alert.raise"
    level: AlertLevel
    agency: Agency
    child_id: ChildId | None = None
    summary: Text
    immediate_action: Text | None = None

    @model_validator(mode="after")
    def _rules(self) -> RaiseAlert:
        if self.level is AlertLevel.SIGNIFICANT_HARM:
            if self.child_id is None:
                raise ValueError("child_id: a significant-harm escalation must name the child unique ID")
            if self.immediate_action is None:
                raise ValueError("immediate_action: say what immediate action is needed")
        return self


class NoteAlert(Command):
    """``alert.note``: the team has looked at an emerging concern."""

    type: Literal["alert.note"] = "alert.note"
    alert_id: RefId
    note: Text | None = None


class EscalateAlert(Command):
    """``alert.escalate``: an emerging concern becomes a significant-harm escalation."""

    type: Literal["alert.escalate"] = "alert.escalate"
    alert_id: RefId
    child_id: ChildId
    immediate_action: Text


class CloseAlert(Command):
    """``alert.close``: an emerging concern needs nothing more; the reason is kept."""

    type: Literal["alert.close"] = "alert.close"
    alert_id: RefId
    reason: Text


class AcknowledgeAlert(Command):
    type: Literal["alert.acknowledge"] = "alert.acknowledge"
    alert_id: RefId


class RecordInforming(Command):
    """``alert.inform``: who was told, in what role, how and when (¶32: *immediately*)."""

    type: Literal["alert.inform"] = "alert.inform"
    alert_id: RefId
    informed_name: Short
    informed_role: Short
    method: InformMethod
    informed_at: Zoned


class ConfirmInWriting(Command):
    type: Literal["alert.confirm"] = "alert.confirm"
    alert_id: RefId
    sent_at: Zoned
    reference: Short


class RecordResponse(Command):
    type: Literal["alert.respond"] = "alert.respond"
    alert_id: RefId
    response: Text


class ResolveAlert(Command):
    type: Literal["alert.resolve"] = "alert.resolve"
    alert_id: RefId
    outcome: Text


class UpdateAlert(Command):
    """``alert.update``: anyone adds to an alert's timeline, even after it closes (late news still counts)."""

    type: Literal["alert.update"] = "alert.update"
    alert_id: RefId
    text: Text


class MarkAlertSeen(Command):
    """``alert.see``: a team member's read acknowledgement (not the lead's duty acknowledgement)."""

    type: Literal["alert.see"] = "alert.see"
    alert_id: RefId


class NameDeputy(Command):
    """``deputy.name``: the lead names who may act for them on escalations (null clears it)."""

    type: Literal["deputy.name"] = "deputy.name"
    inspector_id: int | None


class SetDeadlines(Command):
    """``deadlines.set``: how long each escalation step may take before the server flags it overdue."""

    type: Literal["deadlines.set"] = "deadlines.set"
    acknowledge_seconds: Annotated[int, Field(ge=1, le=7 * 86_400)]
    inform_seconds: Annotated[int, Field(ge=1, le=7 * 86_400)]
    confirm_seconds: Annotated[int, Field(ge=1, le=7 * 86_400)]


STEP_COMMANDS: dict[type[Command], AlertStatus] = {
    AcknowledgeAlert: AlertStatus.ACKNOWLEDGED,
    RecordInforming: AlertStatus.INFORMED,
    ConfirmInWriting: AlertStatus.CONFIRMED,
    RecordResponse: AlertStatus.RESPONDED,
    ResolveAlert: AlertStatus.RESOLVED,
}


# ---------------------------------------------------------------- event payloads


class AlertRaised(Payload):
    """Data of ``alert.raised``: the new alert's id is its command's id."""

    level: AlertLevel
    agency: Agency
    child_id: str | None = None
    summary: str
    immediate_action: str | None = None
    alert_id: str
    status: AlertStatus


class AlertNoted(Payload):
    """Data of ``alert.noted``."""

    alert_id: str
    note: str | None = None
    status: AlertStatus


class AlertEscalated(Payload):
    """Data of ``alert.escalated``: the concern is now a significant-harm escalation and the duty's clocks run."""

    alert_id: str
    child_id: str
    immediate_action: str
    status: AlertStatus
    level: AlertLevel


class AlertClosed(Payload):
    """Data of ``alert.closed``."""

    alert_id: str
    reason: str
    status: AlertStatus


class AlertStepTaken(Payload):
    """Data of an escalation step (``alert.acknowledged``, ``.informed``, ``.confirmed``, ``.responded``,
    ``.resolved``): the alert's status is now that step."""

    alert_id: str
    status: AlertStatus


class AlertAcknowledged(AlertStepTaken):
    """Data of ``alert.acknowledged``."""


class AlertInformed(AlertStepTaken):
    """Data of ``alert.informed``: who was told, in what role, how and when."""

    informed_name: str
    informed_role: str
    method: InformMethod
    informed_at: Zoned


class AlertConfirmed(AlertStepTaken):
    """Data of ``alert.confirmed``."""

    sent_at: UtcDatetime
    reference: str


class AlertResponded(AlertStepTaken):
    """Data of ``alert.responded``."""

    response: str


class AlertResolved(AlertStepTaken):
    """Data of ``alert.resolved``."""

    outcome: str


class AlertUpdated(Payload):
    """Data of ``alert.updated``: an entry on the timeline; the status does not change."""

    alert_id: str
    text: str


class AlertSeen(Payload):
    """Data of ``alert.seen``: the event's actor has seen the alert."""

    alert_id: str


class AlertOverdue(Frame):
    """Data of ``alert.overdue``, which the server itself records (the event's actor is null)."""

    alert_id: str
    step: AlertStatus
    due_at: UtcDatetime


class DeputyNamed(Payload):
    """Data of ``deputy.named``: who may act for the lead on escalations (null: nobody)."""

    inspector_id: int | None


class DeadlinesSet(Payload):
    """Data of ``deadlines.set``."""

    acknowledge_seconds: int
    inform_seconds: int
    confirm_seconds: int


AlertPayload = (
    AlertRaised | AlertNoted | AlertEscalated | AlertClosed | AlertStepTaken | AlertUpdated | AlertSeen | AlertOverdue
)
"""The data of an event about one alert (each names its ``alert_id``)."""


# ---------------------------------------------------------------- rules


@dataclass(frozen=True)
class Deadlines:
    """Defaults: acknowledge within 15 minutes, inform within 60 (both from raising), confirm within 24 hours
    of informing."""

    acknowledge: timedelta = timedelta(minutes=15)
    inform: timedelta = timedelta(minutes=60)
    confirm: timedelta = timedelta(hours=24)


def may_take_duty_step(actor: Inspector, deputy_id: int | None) -> bool:
    return actor.role is Role.LEAD or (deputy_id is not None and actor.id == deputy_id)


def next_step(status: AlertStatus) -> AlertStatus | None:
    """The escalation step that must come next, or None when it is resolved (or not an escalation)."""
    if status not in ESCALATION_STEPS:
        return None
    index = ESCALATION_STEPS.index(status)
    return ESCALATION_STEPS[index + 1] if index + 1 < len(ESCALATION_STEPS) else None


def step_refusal(level: AlertLevel, status: AlertStatus, step: AlertStatus) -> str | None:
    """Why ``step`` cannot be taken now, naming the step that must come next; None if it can."""
    if level is AlertLevel.EMERGING_CONCERN:
        return "this is an emerging concern: escalate it to significant harm before taking escalation steps"
    if status is step or (status in ESCALATION_STEPS and ESCALATION_STEPS.index(status) > ESCALATION_STEPS.index(step)):
        return f"this escalation is already past that step (it is: {status.label.lower()})"
    wanted = next_step(status)
    if wanted is None:
        return "this escalation is resolved"
    if wanted is not step:
        return f"out of order: the next step is to {STEP_NAMES[wanted]}"
    return None


def concern_refusal(level: AlertLevel, status: AlertStatus, action: str) -> str | None:
    """Why an emerging concern cannot be noted, escalated or closed now; None if it can."""
    if level is AlertLevel.SIGNIFICANT_HARM:
        return f"only an emerging concern can be {action}; this is already a significant-harm escalation"
    if status is AlertStatus.CLOSED:
        return "this emerging concern is closed"
    if action == "noted" and status is AlertStatus.NOTED:
        return "this emerging concern is already noted"
    return None


def deadlines_due(
    status: AlertStatus, raised_at: datetime, informed_at: datetime | None, deadlines: Deadlines
) -> list[tuple[AlertStatus, datetime]]:
    """The steps still owed on an escalation, each with the moment it becomes overdue."""
    due: list[tuple[AlertStatus, datetime]] = []
    if status is AlertStatus.RAISED:
        due.append((AlertStatus.ACKNOWLEDGED, raised_at + deadlines.acknowledge))
    if status in (AlertStatus.RAISED, AlertStatus.ACKNOWLEDGED):
        due.append((AlertStatus.INFORMED, raised_at + deadlines.inform))
    if status is AlertStatus.INFORMED and informed_at is not None:
        due.append((AlertStatus.CONFIRMED, informed_at + deadlines.confirm))
    return due


def next_deadline(
    status: AlertStatus, started_at: datetime, informed_at: datetime | None, deadlines: Deadlines
) -> datetime | None:
    """When the step that must come next becomes overdue; None if that step has no deadline (or none is owed)."""
    step = next_step(status)
    return next((due for owed, due in deadlines_due(status, started_at, informed_at, deadlines) if owed is step), None)
