"""The client's view of risk alerts: a pure reducer over alert events, plus the rules the screens ask about.

No Textual and no I/O. TeamState routes every alert event (and our own unsent alert commands) here; the
alert bar, the alerts screen and the app's bell all read from it, so "what needs attention now" is decided
once and unit-tested on its own. The lifecycle rules themselves come from shared.alerts, the same code the
server enforces, so the app offers only what the server would accept (and still shows the server's error
if its view was stale).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, tzinfo
from typing import Any, ClassVar, Literal

from pydantic import BaseModel

from shared import kinds
from shared.alerts import (
    CLOSED_STATUSES,
    DUTY_STEPS,
    ESCALATION_STEPS,
    STEP_NAMES,
    AcknowledgeAlert,
    AlertClosed,
    AlertEscalated,
    AlertInformed,
    AlertLevel,
    AlertNoted,
    AlertOverdue,
    AlertRaised,
    AlertSeen,
    AlertStatus,
    AlertStepTaken,
    CloseAlert,
    ConfirmInWriting,
    Deadlines,
    DeadlinesSet,
    DeputyNamed,
    EscalateAlert,
    InformMethod,
    MarkAlertSeen,
    NameDeputy,
    NoteAlert,
    RaiseAlert,
    RecordInforming,
    RecordResponse,
    ResolveAlert,
    SetDeadlines,
    UpdateAlert,
    concern_refusal,
    may_take_duty_step,
    next_deadline,
    next_step,
    step_refusal,
)
from shared.confirmation import ConfirmationFacts
from shared.protocol import Command, Event, Inspection, Inspector
from shared.vocabulary import Agency, Role
from tui.fold import Tracking, as_utc
from tui.timefmt import short_time

ALERT_KINDS = frozenset({
    kinds.ALERT_RAISED, kinds.ALERT_NOTED, kinds.ALERT_ESCALATED, kinds.ALERT_CLOSED, kinds.ALERT_ACKNOWLEDGED,
    kinds.ALERT_INFORMED, kinds.ALERT_CONFIRMED, kinds.ALERT_RESPONDED, kinds.ALERT_RESOLVED, kinds.ALERT_UPDATED,
    kinds.ALERT_SEEN, kinds.ALERT_OVERDUE, kinds.DEPUTY_NAMED, kinds.DEADLINES_SET,
})
"""Events this module folds in: every alert's, plus the lead's deputy and deadlines."""


COMMAND_WORDS: dict[type[Command], str] = {
    RaiseAlert: "raising",
    NoteAlert: "noting",
    EscalateAlert: "escalating",
    CloseAlert: "closing",
    AcknowledgeAlert: "acknowledging",
    RecordInforming: "recording the informing of",
    ConfirmInWriting: "recording the written confirmation of",
    RecordResponse: "recording the response to",
    ResolveAlert: "resolving",
    UpdateAlert: "an update to",
    MarkAlertSeen: "marking as seen",
    NameDeputy: "naming a deputy",
    SetDeadlines: "changing the deadlines",
}
"""The alert commands this module tracks (raise, every step, seen, deputy and deadlines), in words for the bar."""


def is_alert_command(command: Command) -> bool:
    """Commands whose outcome this module tracks."""
    return type(command) in COMMAND_WORDS


# ---------------------------------------------------------------- views


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One event in an alert's life, as the timeline shows it; ``actor`` is None for the server's own."""

    at: datetime
    actor: Inspector | None
    kind: str
    payload: BaseModel
    """The event's data, as its kind's model: what the timeline says of the step."""


@dataclass(frozen=True, slots=True)
class Informed:
    """Who the lead told, how and when: what the written confirmation must repeat."""

    name: str
    role: str
    method: InformMethod
    at: datetime


@dataclass(frozen=True, slots=True)
class AlertView:
    """One alert as the screens show it, rebuilt from its events alone."""

    id: str
    level: AlertLevel
    status: AlertStatus
    agency: Agency
    child_id: str | None
    summary: str
    immediate_action: str | None
    raised_by: Inspector | None
    raised_at: datetime
    escalated_at: datetime | None = None
    """When the duty's clocks started: raised as an escalation, or escalated from a concern."""
    timeline: tuple[TimelineEntry, ...] = ()
    seen_by: frozenset[int] = frozenset()
    overdue: tuple[tuple[AlertStatus, datetime], ...] = ()
    """Steps the server flagged overdue, with when each fell due (kept after the step is taken, for the record)."""
    informed: Informed | None = None

    @property
    def is_escalation(self) -> bool:
        return self.level is AlertLevel.SIGNIFICANT_HARM

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED_STATUSES

    @property
    def awaiting_acknowledgement(self) -> bool:
        """Raised and not acknowledged: the bell and the alerts screen insist until the lead (or deputy) does."""
        return self.is_escalation and self.status is AlertStatus.RAISED

    @property
    def overdue_outstanding(self) -> list[tuple[AlertStatus, datetime]]:
        """Flagged steps not yet taken: the app nags about these until their event arrives."""
        if not self.is_escalation or self.status not in ESCALATION_STEPS:
            return []
        taken = ESCALATION_STEPS.index(self.status)
        return [(step, due) for step, due in self.overdue if ESCALATION_STEPS.index(step) > taken]

    def has_seen(self, inspector_id: int) -> bool:
        """Confirmed as seen, or took part: whoever raised it or took a step on it has plainly seen it."""
        return inspector_id in self.seen_by or any(
            entry.actor is not None and entry.actor.id == inspector_id for entry in self.timeline
        )

    @property
    def needs_attention(self) -> bool:
        return self.awaiting_acknowledgement or bool(self.overdue_outstanding)

    @property
    def next_step(self) -> AlertStatus | None:
        return next_step(self.status) if self.is_escalation else None

    def next_due(self, deadlines: Deadlines) -> datetime | None:
        """When the step that must come next becomes overdue; None if it has no deadline (or none is owed)."""
        if not self.is_escalation:
            return None
        informed = self.informed.at if self.informed else None
        return next_deadline(self.status, self.escalated_at or self.raised_at, informed, deadlines)

    @property
    def since(self) -> datetime:
        """When the current status began (the clock the screen shows as "in this step for …")."""
        changes = [entry.at for entry in self.timeline if entry.kind not in _NO_STATUS]
        return changes[-1] if changes else self.raised_at


_NO_STATUS = frozenset({kinds.ALERT_UPDATED, kinds.ALERT_OVERDUE})


@dataclass(frozen=True, slots=True)
class AlertChange:
    """An alert event folded in, with the alert as it now stands (None for deputy and deadline events)."""

    event: Event
    alert: AlertView | None


News = Literal["escalation", "overdue", "concern", "step"]


def news_of(change: AlertChange) -> News | None:
    """How loudly to announce a change: escalations and overdue steps ring the bell; the rest is a toast."""
    kind, alert = change.event.kind, change.alert
    if alert is None or kind == kinds.ALERT_SEEN:
        return None
    if kind == kinds.ALERT_ESCALATED or (kind == kinds.ALERT_RAISED and alert.is_escalation):
        return "escalation"
    if kind == kinds.ALERT_OVERDUE:
        return "overdue" if alert.overdue_outstanding else None
    if kind == kinds.ALERT_RAISED:
        return "concern"
    return "step"


# ---------------------------------------------------------------- the reducer


@dataclass
class AlertBook(Tracking):
    """Every alert of the inspection, the lead's deputy and deadlines, and our alert commands in flight."""

    name: ClassVar[str] = "alerts"
    kinds: ClassVar[frozenset[str]] = ALERT_KINDS
    tracks: ClassVar[tuple[type[Command], ...]] = tuple(COMMAND_WORDS)

    alerts: dict[str, AlertView] = field(default_factory=dict)
    deputy_id: int | None = None
    deadlines: Deadlines = field(default_factory=Deadlines)
    _changes: list[AlertChange] = field(default_factory=list, repr=False)

    def apply(self, event: Event, payload: BaseModel) -> AlertView | None:
        """Fold in one alert event whose data was read as its kind's model (shared.catalogue.read_payload)."""
        alert = self._fold(event, payload)
        if alert is not None:
            self.alerts[alert.id] = alert
        if alert is not None or isinstance(payload, DeputyNamed | DeadlinesSet):
            self._changes.append(AlertChange(event, alert))
        return alert

    def _fold(self, event: Event, payload: BaseModel) -> AlertView | None:
        at = as_utc(event.at)
        if isinstance(payload, DeputyNamed):
            self.deputy_id = payload.inspector_id
            return None
        if isinstance(payload, DeadlinesSet):
            self.deadlines = Deadlines(
                acknowledge=timedelta(seconds=payload.acknowledge_seconds),
                inform=timedelta(seconds=payload.inform_seconds),
                confirm=timedelta(seconds=payload.confirm_seconds),
            )
            return None
        entry = TimelineEntry(at, event.actor, event.kind, payload)
        if isinstance(payload, AlertRaised):
            return AlertView(
                id=payload.alert_id,
                level=payload.level,
                status=payload.status,
                agency=payload.agency,
                child_id=payload.child_id,
                summary=payload.summary,
                immediate_action=payload.immediate_action,
                raised_by=event.actor,
                raised_at=at,
                escalated_at=at if payload.level is AlertLevel.SIGNIFICANT_HARM else None,
                timeline=(entry,),
            )
        alert = self.alerts.get(getattr(payload, "alert_id", ""))
        if alert is None:
            return None
        if isinstance(payload, AlertSeen):
            return alert if event.actor is None else replace(alert, seen_by=alert.seen_by | {event.actor.id})
        if isinstance(payload, AlertOverdue):
            overdue = (*alert.overdue, (payload.step, as_utc(payload.due_at)))
            return replace(alert, overdue=overdue, timeline=(*alert.timeline, entry))
        changes: dict[str, Any] = {"timeline": (*alert.timeline, entry)}
        if isinstance(payload, AlertNoted | AlertClosed | AlertStepTaken):
            changes["status"] = payload.status
        if isinstance(payload, AlertEscalated):
            changes |= {
                "status": payload.status,
                "level": AlertLevel.SIGNIFICANT_HARM,
                "child_id": payload.child_id,
                "immediate_action": payload.immediate_action,
                "escalated_at": at,
            }
        if isinstance(payload, AlertInformed):
            changes["informed"] = Informed(
                payload.informed_name, payload.informed_role, payload.method, as_utc(payload.informed_at)
            )
        return replace(alert, **changes)

    # ------------------------------------------------------------ our own commands

    @property
    def pending(self) -> dict[str, Command]:
        """Our alert commands the server has not confirmed yet: what the bar calls "not yet confirmed"."""
        return self.in_flight.of(self.name, acked=False)

    def pending_see(self, alert_id: str) -> bool:
        """We said we have seen it, and its ``alert.seen`` is not folded yet."""
        return any(c.alert_id == alert_id for c in self.in_flight.where(self.name, MarkAlertSeen))

    def pending_raises(self) -> list[RaiseAlert]:
        """Our raises whose alert is not folded yet, shown as on their way."""
        return self.in_flight.where(self.name, RaiseAlert)

    # ------------------------------------------------------------ reading

    @property
    def has_changes(self) -> bool:
        return bool(self._changes)

    def drain(self) -> list[AlertChange]:
        """Changes since the last drain, oldest first: the app announces them (or not, during catch-up)."""
        changes, self._changes = self._changes, []
        return changes

    def ordered(self) -> list[AlertView]:
        """Open alerts first (those needing attention, then escalations, newest first), then closed ones."""
        def key(alert: AlertView) -> tuple[bool, bool, bool, float]:
            return (not alert.is_open, not alert.needs_attention, not alert.is_escalation,
                    -alert.raised_at.timestamp())

        return sorted(self.alerts.values(), key=key)

    def needing_attention(self) -> list[AlertView]:
        return [alert for alert in self.ordered() if alert.is_open and alert.needs_attention]

    def escalations_open(self) -> list[AlertView]:
        """Significant-harm escalations not yet resolved: each stays in every member's bar until it is."""
        return [alert for alert in self.ordered() if alert.is_open and alert.is_escalation]


# ---------------------------------------------------------------- what may be done

Action = Literal[
    "see", "update", "note", "escalate", "close", "acknowledge", "inform", "confirm", "respond", "resolve"
]

STEP_ACTIONS: dict[AlertStatus, Action] = {
    AlertStatus.ACKNOWLEDGED: "acknowledge",
    AlertStatus.INFORMED: "inform",
    AlertStatus.CONFIRMED: "confirm",
    AlertStatus.RESPONDED: "respond",
    AlertStatus.RESOLVED: "resolve",
}


def available_actions(alert: AlertView, me: Inspector | None, deputy_id: int | None) -> frozenset[Action]:
    """What to offer ``me`` on ``alert``, by the same rules the server applies (it still has the last word)."""
    if me is None:
        return frozenset()
    actions: set[Action] = {"update"}
    if not alert.has_seen(me.id):
        actions.add("see")
    if alert.level is AlertLevel.EMERGING_CONCERN:
        for action, word in (("note", "noted"), ("escalate", "escalated"), ("close", "closed")):
            if concern_refusal(alert.level, alert.status, word) is None:
                actions.add(action)  # type: ignore[arg-type]
        return frozenset(actions)
    step = alert.next_step
    allowed = step is not None and step_refusal(alert.level, alert.status, step) is None
    if allowed and step is not None and (step not in DUTY_STEPS or may_take_duty_step(me, deputy_id)):
        actions.add(STEP_ACTIONS[step])
    return frozenset(actions)


def may_take_duty(me: Inspector | None, deputy_id: int | None) -> bool:
    return me is not None and may_take_duty_step(me, deputy_id)


def is_lead(me: Inspector | None) -> bool:
    return me is not None and me.role is Role.LEAD


def unseen_by(alert: AlertView, team: Iterable[Inspector]) -> list[Inspector]:
    """Team members who have not yet confirmed they saw the alert, by name."""
    return sorted((m for m in team if not alert.has_seen(m.id)), key=lambda m: m.name)


def team_lead(team: Iterable[Inspector]) -> Inspector | None:
    return next((m for m in team if m.role is Role.LEAD), None)


def confirmation_facts(alert: AlertView, inspection: Inspection, team: Iterable[Inspector]) -> ConfirmationFacts | None:
    """The facts for the written confirmation, once the senior manager has been informed; None before."""
    if alert.informed is None or alert.child_id is None or alert.immediate_action is None:
        return None
    lead = team_lead(team)
    lead_name = lead.name if lead is not None else "The lead inspector"
    return ConfirmationFacts(
        inspection_name=inspection.name,
        timezone=inspection.timezone,
        child_id=alert.child_id,
        agency=alert.agency,
        summary=alert.summary,
        immediate_action=alert.immediate_action,
        raised_at=alert.escalated_at or alert.raised_at,
        informed_name=alert.informed.name,
        informed_role=alert.informed.role,
        informed_at=alert.informed.at,
        method=alert.informed.method,
        lead_name=lead_name,
        contact=f"{lead_name}, lead inspector, through the inspection team on site",
    )


# ---------------------------------------------------------------- words


def elapsed(since: datetime, now: datetime) -> str:
    """A clock reading for people: 'just now', '4 min', '2 h 05 min', '3 d 4 h' (never negative)."""
    seconds = max(0, int((as_utc(now) - as_utc(since)).total_seconds()))
    minutes, hours, days = seconds // 60, seconds // 3600, seconds // 86_400
    if minutes < 1:
        return "just now"
    if hours < 1:
        return f"{minutes} min"
    if days < 1:
        return f"{hours} h {minutes % 60:02d} min"
    return f"{days} d {hours % 24} h"


def ago(since: datetime, now: datetime) -> str:
    text = elapsed(since, now)
    return text if text == "just now" else f"{text} ago"


def level_name(level: AlertLevel) -> str:
    return "Significant harm" if level is AlertLevel.SIGNIFICANT_HARM else "Emerging concern"


def about(alert: AlertView) -> str:
    """'child NM-10234 · Local authority': what an alert is about, never a name."""
    child = f"child {alert.child_id} · " if alert.child_id else ""
    return f"{child}{alert.agency.label}"


def headline(alert: AlertView) -> str:
    """'Significant harm · child NM-10234 · Local authority': how the bar and list name an alert."""
    return f"{level_name(alert.level)} · {about(alert)}"


def describe_command(command: Command, book: AlertBook) -> str:
    """Our unconfirmed command in words: 'raising a significant-harm escalation (child NM-10234)'."""
    if isinstance(command, RaiseAlert):
        child = f" (child {command.child_id})" if command.child_id else ""
        article = "an" if command.level is AlertLevel.EMERGING_CONCERN else "a"
        return f"raising {article} {command.level.label.lower()}{child}"
    words = COMMAND_WORDS.get(type(command), str(getattr(command, "type", "command")))
    alert = book.alerts.get(str(getattr(command, "alert_id", "")))
    if alert is None:
        return words
    child = f" (child {alert.child_id})" if alert.child_id else ""
    return f"{words} the {alert.level.label.lower()}{child}"


# ---------------------------------------------------------------- the bar

Severity = Literal["harm", "overdue", "unconfirmed"]


@dataclass(frozen=True, slots=True)
class BarLine:
    """One line of the full-width alert bar."""

    text: str
    severity: Severity


STEP_CALLS: dict[AlertStatus, str] = {
    AlertStatus.ACKNOWLEDGED: "acknowledge it now",
    AlertStatus.INFORMED: "immediately inform the relevant senior manager",
    AlertStatus.CONFIRMED: "confirm this in writing at the earliest opportunity",
    AlertStatus.RESPONDED: "record the local authority's response",
    AlertStatus.RESOLVED: "resolve it once the risk is addressed",
}
"""The next step as the bar calls for it, in CP ¶32's words where the framework has them."""

STEP_KEYS: dict[AlertStatus, str] = {
    AlertStatus.ACKNOWLEDGED: "k",
    AlertStatus.INFORMED: "i",
    AlertStatus.CONFIRMED: "w",
    AlertStatus.RESPONDED: "l",
    AlertStatus.RESOLVED: "v",
}
"""The key that takes each step on the alerts screen (tui.alerts.screen binds them)."""


def time_left(due: datetime, now: datetime) -> str:
    """A countdown for people: '12 min left', 'under a minute left', 'due now' once it has passed."""
    seconds = (as_utc(due) - as_utc(now)).total_seconds()
    if seconds <= 0:
        return "due now"
    return "under a minute left" if seconds < 60 else f"{elapsed(now, due)} left"


def _bar_line(alert: AlertView, book: AlertBook, me: Inspector | None, now: datetime, tz: tzinfo) -> BarLine:
    """One open escalation: what is overdue, or how long is left for the next step; who must take it."""
    step = alert.next_step
    assert step is not None  # an open escalation always owes a step
    mine = step not in DUTY_STEPS or may_take_duty(me, book.deputy_id)
    seen = (me is not None and alert.has_seen(me.id)) or book.pending_see(alert.id)
    overdue = alert.overdue_outstanding
    severity: Severity = "overdue" if overdue else "harm"
    if overdue:
        clock = " · OVERDUE: " + "; ".join(
            f"{STEP_NAMES[late]} was due {short_time(due, tz)} ({ago(due, now)})" for late, due in overdue
        )
    else:
        due = alert.next_due(book.deadlines)
        clock = "" if due is None else f" · {time_left(due, now)} (due {short_time(due, tz)})"
    if mine:
        call = f"{STEP_CALLS[step]}: a, then {STEP_KEYS[step]}"
    else:
        call = f"waiting for the lead to {STEP_CALLS[step]} · " + ("✓ you have seen it" if seen else
                                                                   "s: I have seen it")
    who = alert.raised_by.name if alert.raised_by else "someone"
    started = alert.escalated_at or alert.raised_at
    return BarLine(f"⚠ SIGNIFICANT HARM{clock} — {call} · {about(alert)} · raised by {who} {ago(started, now)}",
                   severity)


def bar_lines(
    book: AlertBook,
    me: Inspector | None,
    now: datetime,
    tz: tzinfo,
    unconfirmed: Iterable[str] = (),
) -> list[BarLine]:
    """What the bar must say now: every open escalation until it is resolved, and our unconfirmed commands.

    Each escalation counts down to its next step's deadline, or says what is overdue. Derived from state alone,
    so it is the same on every screen and after a restart, and each line goes by itself when its alert is
    resolved.
    """
    lines = [_bar_line(alert, book, me, now, tz) for alert in book.escalations_open()]
    for command_id in unconfirmed:
        command = book.pending.get(command_id)
        if command is not None:
            lines.append(BarLine(
                f"⇡ NOT YET CONFIRMED BY THE SERVER — {describe_command(command, book)} · still retrying",
                "unconfirmed",
            ))
    return lines
