"""The app's side of risk alerts: the bar on every screen, the bell, the nagging, and our commands' fate.

A mixin for TriangulateApp, so app.py only calls a few hooks from its message loop. What needs attention
is worked out by tui.alerts.book from state alone; this module decides *when* to make noise: a live escalation
or overdue step rings the bell at once, replayed history does not (but after a catch-up that brought any,
the alerts screen opens first), and our own alert command still unacked after ``confirm_after`` seconds
is announced loudly until the server confirms it.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen, SystemModalScreen

from shared.alerts import STEP_NAMES, MarkAlertSeen
from shared.protocol import Command
from tui.alerts.bar import AlertBar
from tui.alerts.book import AlertChange, bar_lines, describe_command, headline, may_take_duty, news_of
from tui.alerts.forms import FormContext, new_command_id, raise_form, team_of
from tui.alerts.screen import AlertsScreen
from tui.state import TeamState
from tui.timefmt import Clock, zone

if TYPE_CHECKING:
    _Base = App[None]
else:
    _Base = object

CONFIRM_AFTER = 5.0
"""Seconds before our unacked alert command is announced as not yet confirmed by the server."""

NAG_EVERY = 300.0
"""While a step is overdue, the lead and deputy hear the bell again this often."""

ALERT_BINDINGS = [
    Binding("exclamation_mark", "raise_alert", "Raise alert", key_display="!", show=False),
    Binding("a", "alerts", "Alerts", show=False),
    Binding("s", "see_alerts", "I've seen it", show=False),
]
"""Keys on every screen, shown in the board's footer only (BoardScreen), to leave the others room at 80 columns."""


class AlertsMixin(_Base):
    """Alert handling for TriangulateApp; call ``_alerts_init`` from ``__init__``."""

    # provided by TriangulateApp
    state: TeamState
    now: Clock
    _outgoing: asyncio.Queue[Command]

    def _alerts_init(self, confirm_after: float = CONFIRM_AFTER, nag_every: float | None = NAG_EVERY) -> None:
        self.alert_confirm_after = confirm_after
        self.alert_nag_every = nag_every
        self._alert_sent_at: dict[str, float] = {}
        self._alert_warned: set[str] = set()
        self._alert_replaying = True
        self._alert_caught_up_before = False
        self._alert_last_nag = time.monotonic()
        self._alert_pending_known: frozenset[str] = frozenset()

    # ------------------------------------------------------------------ hooks from app.py

    def _alerts_mount(self) -> None:
        self.screen_change_signal.subscribe(self, self._alerts_screen_changed)
        self._alerts_screen_changed(self.screen)
        self.set_interval(min(1.0, self.alert_confirm_after / 2), self._alerts_tick)

    def _alerts_loaded(self) -> None:
        """A whole state was loaded (cache, or a reset): its alert events are history, not news."""
        self.state.alerts.drain()
        self._alerts_refresh()

    def _alerts_connected(self) -> None:
        self._alert_replaying = True

    def _alerts_caught_up(self) -> None:
        """After a catch-up, open escalations come first: open the alerts screen on them (once per news)."""
        changes = self.state.alerts.drain()
        self._alert_replaying = False
        brought = any(news_of(change) in ("escalation", "overdue") for change in changes)
        first = not self._alert_caught_up_before
        self._alert_caught_up_before = True
        attention = self.state.alerts.needing_attention()
        if attention and brought:
            self.bell()
        if attention and (first or brought):
            self._show_alerts(attention[0].id)
        self._alerts_refresh()

    def _alerts_after_batch(self) -> None:
        """Announce live alert events (replayed ones wait for the catch-up); keep every view current."""
        if self._alert_replaying:
            changed = self.state.alerts.has_changes
        else:
            changes = self.state.alerts.drain()
            for change in changes:
                self._announce_alert(change)
            changed = bool(changes)
        pending = frozenset(self.state.alerts.pending)
        if changed or pending != self._alert_pending_known:
            self._alert_settled(self._alert_pending_known - pending)
            self._alert_pending_known = pending
            self._alerts_refresh()

    # ------------------------------------------------------------------ noise

    def _announce_alert(self, change: AlertChange) -> None:
        news, alert, event = news_of(change), change.alert, change.event
        if news is None or alert is None:
            return
        who = event.actor.name if event.actor else "The server"
        mine = self.state.me is not None and event.actor is not None and event.actor.id == self.state.me.id
        if news == "escalation":
            self.bell()
            self.notify(f"{who}: {alert.summary[:160]}", title=f"⚠ {headline(alert)}", severity="error", timeout=20)
        elif news == "overdue":
            self.bell()
            self._alert_last_nag = time.monotonic()
            step = alert.overdue[-1][0]  # the step this event flagged (tui.alerts.book folds it last)
            self.notify(f"{STEP_NAMES[step]} — {headline(alert)}", title="⚠ Overdue", severity="error", timeout=20)
        elif news == "concern" and not mine:
            self.notify(f"{who}: {alert.summary[:160]}", title=headline(alert), severity="warning", timeout=12)
        elif news == "step" and not mine:
            self.notify(f"{who}: {event.kind.removeprefix('alert.')} — {headline(alert)}", title="Alert update")

    def _alerts_tick(self) -> None:
        """Once a second: unconfirmed commands, the overdue nag, and the bar's clocks."""
        now = time.monotonic()
        book = self.state.alerts
        for command_id in book.pending:
            self._alert_sent_at.setdefault(command_id, now)
        late = [cid for cid, at in self._alert_sent_at.items()
                if cid in book.pending and cid not in self._alert_warned and now - at >= self.alert_confirm_after]
        for command_id in late:
            self._alert_warned.add(command_id)
            self.notify(f"{describe_command(book.pending[command_id], book)} — still retrying.",
                        title="⚠ Not yet confirmed by the server", severity="error", timeout=15)
        if (self.alert_nag_every and now - self._alert_last_nag >= self.alert_nag_every
                and may_take_duty(self.state.me, book.deputy_id)
                and any(a.overdue_outstanding for a in book.needing_attention())):
            self._alert_last_nag = now
            self.bell()
            self.notify("An escalation step is overdue: press a.", title="⚠ Still overdue", severity="error")
        self._alerts_refresh(screens=bool(late))  # the bar's clocks; the alerts screen keeps its own

    def _alert_settled(self, command_ids: frozenset[str]) -> None:
        """Acked or refused: if we had said it was unconfirmed, say it is now."""
        for command_id in command_ids:
            self._alert_sent_at.pop(command_id, None)
            if command_id in self._alert_warned:
                self._alert_warned.discard(command_id)
                self.notify("The server has answered your alert command.", title="Confirmed by the server")

    @property
    def alert_unconfirmed(self) -> frozenset[str]:
        """Our alert commands announced as not yet confirmed (the bar keeps saying so)."""
        return frozenset(cid for cid in self._alert_warned if cid in self.state.alerts.pending)

    # ------------------------------------------------------------------ views

    def _alerts_refresh(self, screens: bool = True) -> None:
        """Redraw every alert bar in the screen stack, and (``screens``) the alerts screen if it is open."""
        if not self.is_running:
            return
        inspection = self.state.inspection
        lines = bar_lines(self.state.alerts, self.state.me, self.now(),
                          zone(inspection.timezone if inspection else None), self.alert_unconfirmed)
        for screen in self.screen_stack:
            for bar in screen.query(AlertBar):
                bar.show_lines(lines)
            if screens and isinstance(screen, AlertsScreen):
                screen.show(self.state, self.alert_unconfirmed)

    def _alerts_screen_changed(self, screen: Screen[Any]) -> None:
        """Every screen gets a bar, so an escalation is seen wherever the user is (the palette excepted)."""
        if isinstance(screen, SystemModalScreen) or screen not in self.screen_stack or screen.query(AlertBar):
            return
        if not screen.is_mounted:
            self.call_after_refresh(self._alerts_screen_changed, screen)
            return
        if not screen.is_attached:  # mounted, then taken down: the app quit before its first screen settled
            return
        screen.mount(AlertBar())
        self.call_after_refresh(self._alerts_refresh)

    def _show_alerts(self, alert_id: str | None = None) -> None:
        current = self.screen
        if isinstance(current, AlertsScreen):
            if alert_id is not None:
                current.select(alert_id)
            return
        screen = AlertsScreen(self.now, select=alert_id)
        self.push_screen(screen)
        screen.show(self.state, self.alert_unconfirmed)

    # ------------------------------------------------------------------ our commands

    def send_alert_command(self, command: Command) -> None:
        """Show it as ours at once, then queue it: durable in the outbox, then on the wire."""
        self.state.add_pending(command)
        self._alert_sent_at[command.id] = time.monotonic()
        self._outgoing.put_nowait(command)
        self._alert_pending_known = frozenset(self.state.alerts.pending)
        self._alerts_refresh()

    def on_alerts_screen_send(self, message: AlertsScreen.Send) -> None:
        self.send_alert_command(message.command)

    # ------------------------------------------------------------------ actions

    def action_alerts(self) -> None:
        self._show_alerts()

    def action_raise_alert(self) -> None:
        inspection = self.state.inspection
        if self.state.me is None:
            self.notify("Not connected yet: the server has not said who you are.", severity="warning")
            return
        context = FormContext(self.now(), zone(inspection.timezone if inspection else None), inspection,
                              team_of(self.state.members()))

        def raised(command: Command | None) -> None:
            if command is not None:
                self.send_alert_command(command)

        self.push_screen(raise_form(context), raised)

    def action_see_alerts(self) -> None:
        """From the bar: confirm I have seen every alert it shows."""
        me = self.state.me
        book = self.state.alerts
        if me is None:
            return
        unseen = [a for a in book.needing_attention() if not a.has_seen(me.id) and not book.pending_see(a.id)]
        for alert in unseen:
            self.send_alert_command(MarkAlertSeen(id=new_command_id(), alert_id=alert.id))
        if not unseen:
            self.notify("Nothing in the alert bar waits for you to confirm you have seen it.")
