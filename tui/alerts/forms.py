"""Which form each alert action opens: its title, fields, defaults and command type, in one table-like place.

Kept apart from the screens so the raise form (opened from anywhere) and the step forms (opened from the
alerts screen) are built the same way. Every form returns a shared.alerts command, or None if cancelled.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, tzinfo

from shared.alerts import (
    ADDRESS_EXPECTATION,
    INFORM_DUTY,
    AlertLevel,
    CloseAlert,
    ConfirmInWriting,
    Deadlines,
    EscalateAlert,
    InformMethod,
    NameDeputy,
    NoteAlert,
    RaiseAlert,
    RecordInforming,
    RecordResponse,
    ResolveAlert,
    SetDeadlines,
    UpdateAlert,
)
from shared.confirmation import written_confirmation
from shared.protocol import Inspection, Inspector
from shared.vocabulary import Agency, Role
from tui.alerts.book import AlertView, confirmation_facts, headline
from tui.alerts.letter import LetterDialog
from tui.dialogs.command_form import CommandForm, FormField

SENIOR_MANAGER_ROLE = "Director of Children's Services"
"""Normally the one told (CP ¶32); the lead can type another role."""


def new_command_id() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True)
class FormContext:
    """What every form needs to know: the clock, the zone times are typed in, and the team."""

    now: datetime
    timezone: tzinfo
    inspection: Inspection | None
    team: tuple[Inspector, ...]


def raise_form(ctx: FormContext) -> CommandForm:
    return CommandForm(
        title="Raise a risk alert — the whole team sees it at once",
        intro=f"Significant harm: {INFORM_DUTY} (CP ¶32). Name the child by unique ID only, never by name.",
        command_type=RaiseAlert,
        command_id=new_command_id(),
        fields=[
            FormField("level", "Level", "choice", choices=AlertLevel.choices(),
                      placeholder="Emerging concern or significant harm?"),
            FormField("agency", "Agency", "choice", choices=Agency.choices(), placeholder="Choose the agency"),
            FormField("child_id", "Child unique ID", placeholder="the LA's ID, never a name (needed for harm)"),
            FormField("summary", "What was found", "text"),
            FormField("immediate_action", "Immediate action needed (significant harm)", "text"),
        ],
        timezone=ctx.timezone,
        now=ctx.now,
        send_label="Raise",
    )


def _step_form(alert: AlertView, ctx: FormContext, title: str, command_type: type, fields: list[FormField],
               intro: str = "", send_label: str = "Record") -> CommandForm:
    return CommandForm(
        title=f"{title} — {headline(alert)}",
        intro=intro,
        command_type=command_type,
        command_id=new_command_id(),
        fixed={"alert_id": alert.id},
        fields=fields,
        timezone=ctx.timezone,
        now=ctx.now,
        send_label=send_label,
    )


def inform_form(alert: AlertView, ctx: FormContext) -> CommandForm:
    return _step_form(alert, ctx, "Record that the senior manager was informed", RecordInforming, [
        FormField("informed_name", "Who was told", placeholder="their name"),
        FormField("informed_role", "Their role", value=SENIOR_MANAGER_ROLE),
        FormField("method", "How", "choice", choices=InformMethod.choices(), placeholder="In person, phone, video"),
        FormField("informed_at", "When (local time)", "time", value=ctx.now),
    ], intro="The written-confirmation deadline runs from this time.")


def letter_form(alert: AlertView, ctx: FormContext) -> CommandForm | None:
    """The written confirmation; None until the senior manager's informing is on the record."""
    if ctx.inspection is None:
        return None
    facts = confirmation_facts(alert, ctx.inspection, ctx.team)
    if facts is None:
        return None
    return LetterDialog(
        written_confirmation(facts),
        title=f"Written confirmation — {headline(alert)}",
        command_type=ConfirmInWriting,
        command_id=new_command_id(),
        fixed={"alert_id": alert.id},
        fields=[
            FormField("sent_at", "Sent (local time)", "time", value=ctx.now),
            FormField("reference", "Reference", placeholder="e.g. the email subject or letter reference"),
        ],
        timezone=ctx.timezone,
        now=ctx.now,
        send_label="Record as sent",
    )


def text_form(alert: AlertView, ctx: FormContext, action: str) -> CommandForm:
    """The one-text-box steps: response, outcome, update, note, close."""
    title, command_type, name, label, intro = TEXT_STEPS[action]
    return _step_form(alert, ctx, title, command_type, [FormField(name, label, "text")], intro=intro)


TEXT_STEPS: dict[str, tuple[str, type, str, str, str]] = {
    "respond": ("Record the local authority's response", RecordResponse, "response", "Their response",
                f"{ADDRESS_EXPECTATION} (CP ¶49)"),
    "resolve": ("Resolve the escalation", ResolveAlert, "outcome", "Outcome", ""),
    "update": ("Add an update", UpdateAlert, "text", "Update", ""),
    "note": ("Note the concern (the team has looked at it)", NoteAlert, "note", "Note (optional)", ""),
    "close": ("Close the concern", CloseAlert, "reason", "Why it needs nothing more", ""),
}
"""Title, command, field, label and intro of each one-text-box step."""


def escalate_form(alert: AlertView, ctx: FormContext) -> CommandForm:
    return _step_form(alert, ctx, "Escalate to significant harm", EscalateAlert, [
        FormField("child_id", "Child unique ID", value=alert.child_id or "", placeholder="never a name"),
        FormField("immediate_action", "Immediate action needed", "text"),
    ], intro=f"The clocks start now: {INFORM_DUTY} (CP ¶32).",
        send_label="Escalate")


def deputy_form(ctx: FormContext, current: int | None) -> CommandForm:
    members = sorted((m for m in ctx.team if m.role is not Role.LEAD), key=lambda m: m.name)
    choices = [("No deputy", "none"), *((f"{m.name} ({m.inspectorate.label})", str(m.id)) for m in members)]
    return CommandForm(
        title="Name a deputy for escalations",
        intro="The deputy may acknowledge, record informing and confirmation, and resolve, as you can.",
        command_type=NameDeputy,
        command_id=new_command_id(),
        fields=[FormField("inspector_id", "Deputy", "choice", choices=choices,
                          value=str(current) if current is not None else "none",
                          convert=lambda v: None if v == "none" else int(v))],
        timezone=ctx.timezone,
        now=ctx.now,
        send_label="Name",
    )


WEEK_MINUTES = 7 * 24 * 60


def minutes_to_seconds(text: str) -> int:
    """Minutes typed (decimals allowed, for a quick test) as the seconds the command carries."""
    try:
        minutes = float(text)
    except ValueError:
        raise ValueError("give a number of minutes") from None
    if not 0 < minutes <= WEEK_MINUTES:
        raise ValueError(f"give more than 0 and at most {WEEK_MINUTES:,} minutes (one week)")
    return max(1, round(minutes * 60))


def deadlines_form(ctx: FormContext, current: Deadlines) -> CommandForm:
    def minutes(td: object) -> str:
        return f"{round(td.total_seconds() / 60):g}"  # type: ignore[attr-defined]

    return CommandForm(
        title="Deadlines for significant-harm escalations (minutes)",
        intro="Acknowledge and inform count from when an escalation is raised; the written confirmation "
        "from when the senior manager was informed. A missed deadline nags the whole team.",
        command_type=SetDeadlines,
        command_id=new_command_id(),
        fields=[
            FormField("acknowledge_seconds", "Acknowledge within", value=minutes(current.acknowledge),
                      convert=minutes_to_seconds),
            FormField("inform_seconds", "Inform within", value=minutes(current.inform), convert=minutes_to_seconds),
            FormField("confirm_seconds", "Confirm in writing within", value=minutes(current.confirm),
                      convert=minutes_to_seconds),
        ],
        timezone=ctx.timezone,
        now=ctx.now,
        send_label="Set",
    )


def team_of(members: Iterable[Inspector]) -> tuple[Inspector, ...]:
    return tuple(sorted(members, key=lambda m: m.id))
