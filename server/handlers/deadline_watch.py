"""The server's own clock on escalations: it records ``alert.overdue`` when a step's deadline passes.

State lives only in the database (open escalations and the inspection's deadlines), so the watch picks
up where it left off after a restart. Each overdue step is recorded once, under the command id
``overdue:<alert>:<step>``, which also keeps two server processes from recording it twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from server.handlers import alert_handlers
from server.handlers.errors import CommandRejected
from server.storage.database import as_utc
from server.storage.tables import AlertRow, EventRow, InspectionRow
from shared import kinds
from shared.alerts import ESCALATION_STEPS, AlertOverdue, AlertStatus, Deadlines, deadlines_due
from shared.protocol import Command, ErrorCode, Inspector

log = logging.getLogger(__name__)

MOVES_DEADLINES = frozenset({
    kinds.ALERT_RAISED, kinds.ALERT_NOTED, kinds.ALERT_ESCALATED, kinds.ALERT_CLOSED, kinds.ALERT_ACKNOWLEDGED,
    kinds.ALERT_INFORMED, kinds.ALERT_CONFIRMED, kinds.ALERT_RESPONDED, kinds.ALERT_RESOLVED, kinds.ALERT_UPDATED,
    kinds.ALERT_SEEN, kinds.DEADLINES_SET,
})
"""Events after which the watch looks again: a change to an alert (not its own overdue flag) or to the deadlines."""

DEBOUNCE = 0.25
"""After a poke, wait this long so a burst of alert changes costs one look, not one each."""

MAX_SLEEP = 60.0
"""Look again at least this often, whatever the next deadline, so a missed wake-up costs at most a minute."""


class FlagOverdue(Command):
    """What the watch submits to the writer; never accepted from a client."""

    type: Literal["alert.flag-overdue"] = "alert.flag-overdue"
    inspection_id: int
    alert_id: str
    step: AlertStatus
    due_at: datetime


def deadlines_of(inspection: InspectionRow) -> Deadlines:
    return Deadlines(
        acknowledge=timedelta(seconds=inspection.acknowledge_seconds),
        inform=timedelta(seconds=inspection.inform_seconds),
        confirm=timedelta(seconds=inspection.confirm_seconds),
    )


def flag_overdue(
    session: Session, *, inspection_id: int, actor: Inspector | None, command: FlagOverdue, at: datetime
) -> AlertOverdue:
    """Record the overdue step, unless it was taken since the watch looked."""
    row = alert_handlers.find_alert(session, inspection_id, command.alert_id)
    status = AlertStatus(row.status)
    if status not in ESCALATION_STEPS or ESCALATION_STEPS.index(status) >= ESCALATION_STEPS.index(command.step):
        raise CommandRejected(ErrorCode.CONFLICT, "that step has been taken")
    return AlertOverdue(alert_id=command.alert_id, step=command.step, due_at=command.due_at)


def overdue_now(engine: Engine, now: datetime) -> tuple[list[FlagOverdue], datetime | None]:
    """Overdue steps not yet recorded, and when the next deadline falls."""
    found: list[FlagOverdue] = []
    upcoming: datetime | None = None
    open_steps = [s.value for s in (AlertStatus.RAISED, AlertStatus.ACKNOWLEDGED, AlertStatus.INFORMED)]
    with Session(engine) as session:
        rows = session.exec(
            select(AlertRow, InspectionRow)
            .join(InspectionRow, col(InspectionRow.id) == col(AlertRow.inspection_id))
            .where(col(AlertRow.status).in_(open_steps))
        ).all()
        for alert, inspection in rows:
            started = as_utc(alert.escalated_at or alert.raised_at)
            informed = as_utc(alert.informed_at) if alert.informed_at else None
            for step, due_at in deadlines_due(AlertStatus(alert.status), started, informed, deadlines_of(inspection)):
                if due_at > now:
                    upcoming = due_at if upcoming is None else min(upcoming, due_at)
                    continue
                command_id = f"overdue:{alert.alert_id}:{step.value}"
                recorded = session.exec(
                    select(EventRow.id).where(
                        EventRow.inspection_id == alert.inspection_id, EventRow.command_id == command_id
                    )
                ).first()
                if recorded is None:
                    assert inspection.id is not None
                    found.append(
                        FlagOverdue(
                            id=command_id,
                            inspection_id=inspection.id,
                            alert_id=alert.alert_id,
                            step=step,
                            due_at=due_at,
                        )
                    )
    return found, upcoming


class DeadlineWatch:
    """Sleeps until the next deadline (or a poke after any alert change), then flags what is overdue."""

    def __init__(
        self,
        engine: Engine,
        submit: Callable[[FlagOverdue], asyncio.Future[None] | None],
        clock: Callable[[], datetime],
    ):
        self._engine = engine
        self._submit = submit
        self._clock = clock
        self._poked = asyncio.Event()

    def poke(self) -> None:
        """Something about alerts or deadlines changed: look again now."""
        self._poked.set()

    async def run(self) -> None:
        while True:
            self._poked.clear()
            try:
                overdue, upcoming = await asyncio.to_thread(overdue_now, self._engine, self._clock())
            except Exception:  # a passing database error must not stop the watch for good
                log.exception("deadline watch could not read alerts")
                overdue, upcoming = [], None
            for command in overdue:
                pending = self._submit(command)
                if pending is not None:
                    await pending
            wait = MAX_SLEEP
            if upcoming is not None:
                wait = min(wait, max(0.05, (upcoming - self._clock()).total_seconds()))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._poked.wait(), wait)
                await asyncio.sleep(DEBOUNCE)
