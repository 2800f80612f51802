"""The alerts feature: the bar on every screen, the bell, the nagging, the alerts screen and our commands' fate.

What needs attention is worked out by tui.alerts.book from state alone; this feature decides *when* to make noise:
a live escalation or overdue step rings the bell at once, replayed history does not (but after a catch-up that
brought any, the alerts screen opens first), and our own alert command still unacked after ``confirm_after``
seconds is announced loudly until the server confirms it.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from textual.app import SystemCommand
from textual.screen import Screen, SystemModalScreen

from shared.alerts import STEP_NAMES, MarkAlertSeen
from shared.protocol import Command
from tui.alerts.bar import AlertBar
from tui.alerts.book import (
    AlertChange,
    bar_lines,
    describe_command,
    headline,
    is_alert_command,
    may_take_duty,
    news_of,
)
from tui.alerts.forms import FormContext, new_command_id, raise_form, team_of
from tui.alerts.screen import AlertsScreen
from tui.feature import Batch, Feature, Host, feature_key
from tui.timefmt import zone

CONFIRM_AFTER = 5.0
"""Seconds before our unacked alert command is announced as not yet confirmed by the server."""

NAG_EVERY = 300.0
"""While a step is overdue, the lead and deputy hear the bell again this often."""


class AlertsFeature(Feature):
    """Risk alerts: ``!`` raises one, ``a`` opens the alerts screen, ``s`` confirms the bar was seen."""

    name = "alerts"
    BINDINGS = [
        feature_key(name, "exclamation_mark", "raise_alert", "Raise alert", key_display="!", show=False),
        feature_key(name, "a", "alerts", "Alerts", show=False),
        feature_key(name, "s", "see_alerts", "I've seen it", show=False),
    ]
    """Keys on every screen, shown in the board's footer only (BoardScreen), to leave the others room at 80 columns."""

    def __init__(self, host: Host, confirm_after: float = CONFIRM_AFTER, nag_every: float | None = NAG_EVERY) -> None:
        super().__init__(host)
        self.confirm_after = confirm_after
        self.nag_every = nag_every
        self._sent_at: dict[str, float] = {}
        self._warned: set[str] = set()
        self._replaying = True
        self._caught_up_before = False
        self._last_nag = time.monotonic()
        self._pending_known: frozenset[str] = frozenset()

    # ------------------------------------------------------------------ hooks

    def mounted(self) -> None:
        self.host.set_interval(min(1.0, self.confirm_after / 2), self._tick)

    def loaded(self) -> None:
        """A whole state was loaded (cache, or a reset): its alert events are history, not news."""
        self.host.state.alerts.drain()
        self._refresh()

    def connected(self) -> None:
        self._replaying = True

    def caught_up(self) -> None:
        """After a catch-up, open escalations come first: open the alerts screen on them (once per news)."""
        alerts = self.host.state.alerts
        changes = alerts.drain()
        self._replaying = False
        brought = any(news_of(change) in ("escalation", "overdue") for change in changes)
        first = not self._caught_up_before
        self._caught_up_before = True
        attention = alerts.needing_attention()
        if attention and brought:
            self.host.bell()
        if attention and (first or brought):
            self._show_alerts(attention[0].id)
        self._refresh()

    def after_batch(self, batch: Batch) -> None:
        """Announce live alert events (replayed ones wait for the catch-up); keep every view current."""
        alerts = self.host.state.alerts
        if self._replaying:
            changed = alerts.has_changes
        else:
            changes = alerts.drain()
            for change in changes:
                self._announce(change)
            changed = bool(changes)
        pending = frozenset(alerts.pending)
        if changed or pending != self._pending_known:
            self._settled(self._pending_known - pending)
            self._pending_known = pending
            self._refresh()

    def sent(self, command: Command) -> None:
        """Ours, on its way: the bar says so, and if the server is slow to confirm it, a toast will."""
        if is_alert_command(command):
            self._sent_at[command.id] = time.monotonic()
            self._pending_known = frozenset(self.host.state.alerts.pending)
            self._refresh()

    def screen_changed(self, screen: Screen[Any]) -> None:
        """Every screen gets a bar, so an escalation is seen wherever the user is (the palette excepted)."""
        host = self.host
        if isinstance(screen, SystemModalScreen) or screen not in host.screen_stack or screen.query(AlertBar):
            return
        if not screen.is_mounted:
            host.call_after_refresh(self.screen_changed, screen)
            return
        if not screen.is_attached:  # mounted, then taken down: the app quit before its first screen settled
            return
        screen.mount(AlertBar())
        host.call_after_refresh(self._refresh)

    def commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield SystemCommand("Raise a risk alert", "An emerging concern or a significant-harm escalation (!)",
                            self.action_raise_alert)
        yield SystemCommand("Alerts", "Open and closed alerts, their timelines and next steps (a)", self.action_alerts)
        yield SystemCommand("I've seen the alerts", "Confirm you have seen what the alert bar shows (s)",
                            self.action_see_alerts)

    # ------------------------------------------------------------------ noise

    def _announce(self, change: AlertChange) -> None:
        news, alert, event = news_of(change), change.alert, change.event
        if news is None or alert is None:
            return
        host, me = self.host, self.host.state.me
        who = event.actor.name if event.actor else "The server"
        mine = me is not None and event.actor is not None and event.actor.id == me.id
        if news == "escalation":
            host.bell()
            host.notify(f"{who}: {alert.summary[:160]}", title=f"⚠ {headline(alert)}", severity="error", timeout=20)
        elif news == "overdue":
            host.bell()
            self._last_nag = time.monotonic()
            step = alert.overdue[-1][0]  # the step this event flagged (tui.alerts.book folds it last)
            host.notify(f"{STEP_NAMES[step]} — {headline(alert)}", title="⚠ Overdue", severity="error", timeout=20)
        elif news == "concern" and not mine:
            host.notify(f"{who}: {alert.summary[:160]}", title=headline(alert), severity="warning", timeout=12)
        elif news == "step" and not mine:
            host.notify(f"{who}: {event.kind.removeprefix('alert.')} — {headline(alert)}", title="Alert update")

    def _tick(self) -> None:
        """Once a second: unconfirmed commands, the overdue nag, and the bar's clocks."""
        now = time.monotonic()
        host = self.host
        book = host.state.alerts
        for command_id in book.pending:
            self._sent_at.setdefault(command_id, now)
        late = [cid for cid, at in self._sent_at.items()
                if cid in book.pending and cid not in self._warned and now - at >= self.confirm_after]
        for command_id in late:
            self._warned.add(command_id)
            host.notify(f"{describe_command(book.pending[command_id], book)} — still retrying.",
                        title="⚠ Not yet confirmed by the server", severity="error", timeout=15)
        if (self.nag_every and now - self._last_nag >= self.nag_every
                and may_take_duty(host.state.me, book.deputy_id)
                and any(a.overdue_outstanding for a in book.needing_attention())):
            self._last_nag = now
            host.bell()
            host.notify("An escalation step is overdue: press a.", title="⚠ Still overdue", severity="error")
        self._refresh(screens=bool(late))  # the bar's clocks; the alerts screen keeps its own

    def _settled(self, command_ids: frozenset[str]) -> None:
        """Acked or refused: if we had said it was unconfirmed, say it is now."""
        for command_id in command_ids:
            self._sent_at.pop(command_id, None)
            if command_id in self._warned:
                self._warned.discard(command_id)
                self.host.notify("The server has answered your alert command.", title="Confirmed by the server")

    @property
    def unconfirmed(self) -> frozenset[str]:
        """Our alert commands announced as not yet confirmed (the bar keeps saying so)."""
        return frozenset(cid for cid in self._warned if cid in self.host.state.alerts.pending)

    # ------------------------------------------------------------------ views

    def _refresh(self, screens: bool = True) -> None:
        """Redraw every alert bar in the screen stack, and (``screens``) the alerts screen if it is open."""
        host = self.host
        if not host.is_running:
            return
        state = host.state
        inspection = state.inspection
        lines = bar_lines(state.alerts, state.me, host.now(), zone(inspection.timezone if inspection else None),
                          self.unconfirmed)
        for screen in host.screen_stack:
            for bar in screen.query(AlertBar):
                bar.show_lines(lines)
            if screens and isinstance(screen, AlertsScreen):
                screen.show(state, self.unconfirmed)

    def _show_alerts(self, alert_id: str | None = None) -> None:
        host = self.host
        current = host.screen
        if isinstance(current, AlertsScreen):
            if alert_id is not None:
                current.select(alert_id)
            return
        screen = AlertsScreen(host.now, host.outbox, select=alert_id)
        host.push_screen(screen)
        screen.show(host.state, self.unconfirmed)

    # ------------------------------------------------------------------ actions

    def action_alerts(self) -> None:
        self._show_alerts()

    def action_raise_alert(self) -> None:
        host = self.host
        state, inspection = host.state, host.state.inspection
        if state.me is None:
            host.notify("Not connected yet: the server has not said who you are.", severity="warning")
            return
        context = FormContext(host.now(), zone(inspection.timezone if inspection else None), inspection,
                              team_of(state.members()))

        def raised(command: Command | None) -> None:
            if command is not None:
                host.outbox.send(command)

        host.push_screen(raise_form(context), raised)

    def action_see_alerts(self) -> None:
        """From the bar: confirm I have seen every alert it shows."""
        state = self.host.state
        me, book = state.me, state.alerts
        if me is None:
            return
        unseen = [a for a in book.escalations_open() if not a.has_seen(me.id) and not book.pending_see(a.id)]
        for alert in unseen:
            self.host.outbox.send(MarkAlertSeen(id=new_command_id(), alert_id=alert.id))
        if not unseen:
            self.host.notify("Nothing in the alert bar waits for you to confirm you have seen it.")
