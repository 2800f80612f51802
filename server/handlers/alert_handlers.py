"""Command handlers for risk alerts: every lifecycle rule checked here, against current state, on the server.

Each handler refuses with CommandRejected before changing anything, so a refused command leaves no trace.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, select

from server.handlers.errors import CommandRejected
from server.handlers.membership import active_member, require_lead
from server.handlers.rows import inspection_row, named_row
from server.storage.database import as_utc
from server.storage.tables import AlertRow, AlertSeenRow
from shared.alerts import (
    DUTY_STEPS,
    STEP_COMMANDS,
    STEP_NAMES,
    AlertAcknowledged,
    AlertClosed,
    AlertConfirmed,
    AlertEscalated,
    AlertInformed,
    AlertLevel,
    AlertNoted,
    AlertRaised,
    AlertResolved,
    AlertResponded,
    AlertSeen,
    AlertStatus,
    AlertStepTaken,
    AlertUpdated,
    CloseAlert,
    DeadlinesSet,
    DeputyNamed,
    EscalateAlert,
    MarkAlertSeen,
    NameDeputy,
    NoteAlert,
    RaiseAlert,
    RecordInforming,
    SetDeadlines,
    UpdateAlert,
    concern_refusal,
    may_take_duty_step,
    step_refusal,
)
from shared.protocol import Command, ErrorCode, Inspector


def find_alert(session: Session, inspection_id: int, alert_id: str) -> AlertRow:
    query = select(AlertRow).where(AlertRow.inspection_id == inspection_id, AlertRow.alert_id == alert_id)
    return named_row(session, query, f"no alert with id {alert_id!r}", "alert_id")


def _save(session: Session, row: AlertRow, at: datetime, status: AlertStatus | None = None) -> None:
    if status is not None:
        row.status = status.value
    row.updated_at = at
    session.add(row)


def raise_alert(
    session: Session, *, inspection_id: int, actor: Inspector, command: RaiseAlert, at: datetime
) -> AlertRaised:
    existing = session.exec(
        select(AlertRow).where(AlertRow.inspection_id == inspection_id, AlertRow.alert_id == command.id)
    ).first()
    if existing is not None:
        raise CommandRejected(ErrorCode.CONFLICT, "an alert with this id already exists", field="id")
    harm = command.level is AlertLevel.SIGNIFICANT_HARM
    status = AlertStatus.RAISED if harm else AlertStatus.OPEN
    session.add(
        AlertRow(
            inspection_id=inspection_id,
            alert_id=command.id,
            level=command.level.value,
            status=status.value,
            agency=command.agency.value,
            child_id=command.child_id,
            summary=command.summary,
            immediate_action=command.immediate_action,
            raised_by=actor.id,
            raised_at=at,
            escalated_at=at if harm else None,
            updated_at=at,
        )
    )
    return AlertRaised.of(command, alert_id=command.id, status=status)


def _concern_step(session: Session, inspection_id: int, alert_id: str, action: str) -> AlertRow:
    row = find_alert(session, inspection_id, alert_id)
    refusal = concern_refusal(AlertLevel(row.level), AlertStatus(row.status), action)
    if refusal is not None:
        raise CommandRejected(ErrorCode.OUT_OF_ORDER, refusal, field="alert_id")
    return row


def note_alert(
    session: Session, *, inspection_id: int, actor: Inspector, command: NoteAlert, at: datetime
) -> AlertNoted:
    row = _concern_step(session, inspection_id, command.alert_id, "noted")
    _save(session, row, at, AlertStatus.NOTED)
    return AlertNoted.of(command, status=AlertStatus.NOTED)


def escalate_alert(
    session: Session, *, inspection_id: int, actor: Inspector, command: EscalateAlert, at: datetime
) -> AlertEscalated:
    row = _concern_step(session, inspection_id, command.alert_id, "escalated")
    row.level = AlertLevel.SIGNIFICANT_HARM.value
    row.child_id = command.child_id
    row.immediate_action = command.immediate_action
    row.escalated_at = at  # the duty's clocks start now
    _save(session, row, at, AlertStatus.RAISED)
    return AlertEscalated.of(command, status=AlertStatus.RAISED, level=AlertLevel.SIGNIFICANT_HARM)


def close_alert(
    session: Session, *, inspection_id: int, actor: Inspector, command: CloseAlert, at: datetime
) -> AlertClosed:
    row = _concern_step(session, inspection_id, command.alert_id, "closed")
    _save(session, row, at, AlertStatus.CLOSED)
    return AlertClosed.of(command, status=AlertStatus.CLOSED)


STEP_EVENTS: dict[AlertStatus, type[AlertStepTaken]] = {
    AlertStatus.ACKNOWLEDGED: AlertAcknowledged,
    AlertStatus.INFORMED: AlertInformed,
    AlertStatus.CONFIRMED: AlertConfirmed,
    AlertStatus.RESPONDED: AlertResponded,
    AlertStatus.RESOLVED: AlertResolved,
}


def take_step(
    session: Session, *, inspection_id: int, actor: Inspector, command: Command, at: datetime
) -> AlertStepTaken:
    """Acknowledge, inform, confirm, respond or resolve: in order, and the duty steps only by lead or deputy."""
    step = STEP_COMMANDS[type(command)]
    row = find_alert(session, inspection_id, command.alert_id)  # type: ignore[attr-defined]
    if step in DUTY_STEPS and not may_take_duty_step(actor, inspection_row(session, inspection_id).deputy_id):
        raise CommandRejected(
            ErrorCode.FORBIDDEN, f"only the lead inspector or their named deputy may {STEP_NAMES[step]}"
        )
    refusal = step_refusal(AlertLevel(row.level), AlertStatus(row.status), step)
    if refusal is not None:
        raise CommandRejected(ErrorCode.OUT_OF_ORDER, refusal, field="alert_id")
    _check_reported_time(command, row, at)
    if isinstance(command, RecordInforming):
        row.informed_at = command.informed_at
    _save(session, row, at, step)
    return STEP_EVENTS[step].of(command, status=step)


CLOCK_SKEW = timedelta(minutes=5)


def _check_reported_time(command: Command, row: AlertRow, at: datetime) -> None:
    """A reported time must fall between the alert being raised and now: a typo would move its deadlines."""
    for name in ("informed_at", "sent_at"):
        moment: datetime | None = getattr(command, name, None)
        if moment is None:
            continue
        if moment > at + CLOCK_SKEW:
            raise CommandRejected(ErrorCode.INVALID, f"{name}: cannot be in the future", field=name)
        if moment < as_utc(row.raised_at) - CLOCK_SKEW:
            raise CommandRejected(ErrorCode.INVALID, f"{name}: is before the alert was raised", field=name)


def update_alert(
    session: Session, *, inspection_id: int, actor: Inspector, command: UpdateAlert, at: datetime
) -> AlertUpdated:
    row = find_alert(session, inspection_id, command.alert_id)
    _save(session, row, at)
    return AlertUpdated.of(command)


def see_alert(
    session: Session, *, inspection_id: int, actor: Inspector, command: MarkAlertSeen, at: datetime
) -> AlertSeen:
    row = find_alert(session, inspection_id, command.alert_id)
    seen = session.exec(
        select(AlertSeenRow).where(AlertSeenRow.alert_row_id == row.id, AlertSeenRow.inspector_id == actor.id)
    ).first()
    if seen is not None:
        raise CommandRejected(ErrorCode.CONFLICT, "you have already marked this alert as seen", field="alert_id")
    assert row.id is not None
    session.add(AlertSeenRow(alert_row_id=row.id, inspector_id=actor.id, at=at))
    return AlertSeen.of(command)


def name_deputy(
    session: Session, *, inspection_id: int, actor: Inspector, command: NameDeputy, at: datetime
) -> DeputyNamed:
    require_lead(actor, "name a deputy")
    inspection = inspection_row(session, inspection_id)
    if command.inspector_id is not None:
        active_member(session, inspection_id, command.inspector_id, "inspector_id")
    inspection.deputy_id = command.inspector_id
    session.add(inspection)
    return DeputyNamed.of(command)


def set_deadlines(
    session: Session, *, inspection_id: int, actor: Inspector, command: SetDeadlines, at: datetime
) -> DeadlinesSet:
    require_lead(actor, "change the deadlines")
    inspection = inspection_row(session, inspection_id)
    inspection.acknowledge_seconds = command.acknowledge_seconds
    inspection.inform_seconds = command.inform_seconds
    inspection.confirm_seconds = command.confirm_seconds
    session.add(inspection)
    return DeadlinesSet.of(command)
