"""The alerts screen: every alert, open first, with its timeline and clocks, and the steps this user may take.

Keys appear only for what the shared lifecycle rules allow this user on the highlighted alert (a non-lead is
never offered the duty steps); the server still decides, and its refusal is shown if our view was stale.
The screen asks the app to send, by message; it never sees the client or the socket.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from shared.alerts import AcknowledgeAlert, MarkAlertSeen
from shared.protocol import Command
from tui.alerts.book import AlertView, ago, available_actions, describe_command, is_lead, level_name
from tui.alerts.detail import AlertDetail, describe_alert, describe_settings
from tui.alerts.forms import (
    TEXT_STEPS,
    FormContext,
    deadlines_form,
    deputy_form,
    escalate_form,
    inform_form,
    letter_form,
    new_command_id,
    team_of,
    text_form,
)
from tui.dialogs.command_form import CommandForm
from tui.outbox import Outbox
from tui.state import TeamState
from tui.widgets.plain import assemble, plain
from tui.widgets.state_screen import StateScreen

ALERT_ACTIONS = frozenset(
    {"see", "acknowledge", "inform", "confirm", "respond", "resolve", "update", "note", "escalate", "close"}
)
LEAD_ACTIONS = frozenset({"deputy", "deadlines"})


def option_prompt(alert: AlertView, now: datetime) -> Content:
    """Two lines per alert: level and status, then what it is about and how long ago."""
    if alert.needs_attention and alert.is_open:
        mark, style = "⚠ ", "bold $text-error"
    elif alert.is_open:
        mark, style = "● ", "bold $text-warning" if not alert.is_escalation else "bold"
    else:
        mark, style = "✓ ", "$text-muted"
    child = f"child {alert.child_id} · " if alert.child_id else ""
    return assemble(
        (mark + level_name(alert.level).upper(), style), ("  " + alert.status.label, "bold"),
        (f"\n  {child}{alert.agency.label} · {ago(alert.raised_at, now)}", "$text-muted"),
    )


class AlertsScreen(StateScreen):
    """Open with ``a`` from anywhere; Esc or ``a`` goes back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,a", "back", "Back"),
        Binding("s", "see", "Seen it"),
        Binding("k", "acknowledge", "Acknowledge"),
        Binding("i", "inform", "Informed"),
        Binding("w", "confirm", "Written confirmation"),
        Binding("l", "respond", "LA response"),
        Binding("v", "resolve", "Resolve"),
        Binding("o", "note", "Note"),
        Binding("e", "escalate", "Escalate"),
        Binding("c", "close", "Close concern"),
        Binding("u", "update", "Update"),
        Binding("d", "deputy", "Deputy", show=False, tooltip="Name a deputy for the lead's duty steps (lead)"),
        Binding("t", "deadlines", "Deadlines", show=False, tooltip="Set the alert deadlines (lead)"),
    ]
    """The settings (d, t) are not in the footer, to leave the steps room at 80 columns: help and the palette
    list them."""

    DEFAULT_CSS = """
    AlertsScreen #alerts-top { height: 9; border-bottom: solid $primary-muted; }
    AlertsScreen #alert-list { width: 1fr; height: 100%; border: none; }
    AlertsScreen #alert-settings { width: 34; height: 100%; padding: 0 1; border-left: solid $primary-muted; }
    AlertsScreen #alert-detail { height: 1fr; }
    """

    SUB_TITLE = "Risk alerts"

    def __init__(self, clock: Callable[[], datetime], outbox: Outbox, select: str | None = None) -> None:
        super().__init__()
        self._clock = clock
        self.outbox = outbox
        self._wanted = select
        self.unconfirmed: frozenset[str] = frozenset()

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="alerts-top"):
            yield OptionList(id="alert-list")
            yield Static(id="alert-settings")
        yield AlertDetail(id="alert-detail")

    def on_mount(self) -> None:
        self.alert_list.focus()
        self.set_interval(30, self._redraw)

    # ------------------------------------------------------------------ shortcuts

    @property
    def alert_list(self) -> OptionList:
        return self.query_one("#alert-list", OptionList)

    @property
    def detail(self) -> AlertDetail:
        return self.query_one("#alert-detail", AlertDetail)

    @property
    def highlighted(self) -> AlertView | None:
        """The alert under the cursor (None before the list is composed, or while it is empty)."""
        if not self.query("#alert-list"):
            return None
        option = self.alert_list.highlighted_option
        return self.state.alerts.alerts.get(option.id or "") if option is not None else None

    def _form_context(self) -> FormContext:
        return FormContext(self._clock(), self.tz, self.state.inspection, team_of(self.state.members()))

    # ------------------------------------------------------------------ what the app tells us

    def show(self, state: TeamState, unconfirmed: frozenset[str] = frozenset()) -> None:
        """Redraw from the state; the highlight stays on the same alert (or moves to the one asked for)."""
        self.unconfirmed = unconfirmed
        super().show(state)

    def select(self, alert_id: str) -> None:
        self._wanted = alert_id
        self._redraw()

    def _draw(self) -> None:
        now = self._clock()
        book = self.state.alerts
        options: list[Option | None] = []
        for command in book.pending_raises():
            options.append(Option(assemble(
                ("⇡ NOT YET CONFIRMED BY THE SERVER", "bold $text-warning"),
                (f"\n  {describe_command(command, book)}", "$text-muted"),
            ), id=f"pending:{command.id}", disabled=True))
        alerts = book.ordered()
        options += [Option(option_prompt(alert, now), id=alert.id) for alert in alerts]
        listing = self.alert_list
        keep = self._wanted or (listing.highlighted_option.id if listing.highlighted_option else None)
        self._wanted = None
        listing.set_options(options)
        ids = [alert.id for alert in alerts]
        if ids:
            index = ids.index(keep) if keep in ids else 0
            listing.highlighted = index + len(options) - len(ids)
        else:
            self.detail.show(None, plain(
                "No alerts yet. Press ! to raise an emerging concern or a significant-harm escalation.",
                "$text-muted italic"))
        deputy = self.state.team.get(book.deputy_id) if book.deputy_id is not None else None
        self.query_one("#alert-settings", Static).update(describe_settings(deputy, book.deadlines))
        self._show_detail()

    def _show_detail(self) -> None:
        alert = self.highlighted
        if alert is not None:
            book = self.state.alerts
            deputy = self.state.team.get(book.deputy_id) if book.deputy_id is not None else None
            pending = [describe_command(c, book) for c in book.pending.values()
                       if getattr(c, "alert_id", None) == alert.id]
            self.detail.show(alert.id, describe_alert(
                alert, now=self._clock(), tz=self.tz,
                team=self.state.team.values(), deputy=deputy, deadlines=book.deadlines, pending=pending,
            ))
        self.refresh_bindings()

    @on(OptionList.OptionHighlighted, "#alert-list")
    def _highlighted(self) -> None:
        self._show_detail()

    @on(OptionList.OptionSelected, "#alert-list")
    def _selected(self) -> None:
        self.detail.focus()

    # ------------------------------------------------------------------ which keys apply

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ALERT_ACTIONS:
            alert = self.highlighted
            if alert is None:
                return False
            if action == "see" and self.state.alerts.pending_see(alert.id):
                return False
            return action in available_actions(alert, self.state.me, self.state.alerts.deputy_id)
        if action in LEAD_ACTIONS:
            return is_lead(self.state.me)
        return True

    def _allowed(self, action: str) -> AlertView | None:
        """The highlighted alert if ``action`` applies to it now (a key can race a change of state)."""
        return self.highlighted if self.check_action(action, ()) else None

    # ------------------------------------------------------------------ actions

    def _send(self, command: Command | None) -> None:
        if command is not None:
            self.outbox.send(command)  # the alerts feature redraws every alert bar and this screen

    def _open(self, form: CommandForm | None) -> None:
        if form is not None:
            self.app.push_screen(form, self._send)

    def action_see(self) -> None:
        if (alert := self._allowed("see")) is not None:
            self._send(MarkAlertSeen(id=new_command_id(), alert_id=alert.id))

    def action_acknowledge(self) -> None:
        if (alert := self._allowed("acknowledge")) is not None:
            self._send(AcknowledgeAlert(id=new_command_id(), alert_id=alert.id))

    def action_inform(self) -> None:
        if (alert := self._allowed("inform")) is not None:
            self._open(inform_form(alert, self._form_context()))

    def action_confirm(self) -> None:
        if (alert := self._allowed("confirm")) is not None:
            form = letter_form(alert, self._form_context())
            if form is None:
                self.notify("The informing of the senior manager is not on the record yet.", severity="warning")
            self._open(form)

    def _text_step(self, action: str) -> None:
        if action in TEXT_STEPS and (alert := self._allowed(action)) is not None:
            self._open(text_form(alert, self._form_context(), action))

    def action_respond(self) -> None:
        self._text_step("respond")

    def action_resolve(self) -> None:
        self._text_step("resolve")

    def action_update(self) -> None:
        self._text_step("update")

    def action_note(self) -> None:
        self._text_step("note")

    def action_close(self) -> None:
        self._text_step("close")

    def action_escalate(self) -> None:
        if (alert := self._allowed("escalate")) is not None:
            self._open(escalate_form(alert, self._form_context()))

    def action_deputy(self) -> None:
        if is_lead(self.state.me):
            self._open(deputy_form(self._form_context(), self.state.alerts.deputy_id))

    def action_deadlines(self) -> None:
        if is_lead(self.state.me):
            self._open(deadlines_form(self._form_context(), self.state.alerts.deadlines))
