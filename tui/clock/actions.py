"""The app's side of the fieldwork dates and the reporting clock: two palette commands and keeping them current.

A mixin for TriangulateApp, like MeetingsMixin: Textual calls a message handler on every class of the app's
MRO, so this mixin's ``on_client_batch`` runs after the app's own has folded ``fieldwork.set`` into ``state``;
then the header and any open clock screen are redrawn. The lead's SetFieldwork goes through the app's one
outbox (``send_command``), like every other command.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from textual.app import App, SystemCommand
from textual.screen import Screen

from shared.fieldwork import may_set_fieldwork
from shared.kinds import FIELDWORK_SET
from shared.protocol import Command, Inspection
from tui import messages as m
from tui.clock.fieldwork_form import FieldworkForm
from tui.clock.reporting_clock import today_for
from tui.clock.screen import ClockScreen
from tui.state import TeamState
from tui.timefmt import Clock, zone

if TYPE_CHECKING:
    _Base = App[None]
else:
    _Base = object


class ClockMixin(_Base):
    """Fieldwork dates for TriangulateApp: the "Reporting clock" and "Set fieldwork dates" palette commands."""

    # provided by TriangulateApp
    state: TeamState
    now: Clock
    send_command: Callable[[Command], None]
    _show_title: Callable[[], None]

    def clock_now(self) -> tuple[Inspection | None, date]:
        """The inspection as we know it and today in its time zone: what every clock on screen is drawn from."""
        inspection = self.state.inspection
        return inspection, today_for(inspection, self.now())

    # ------------------------------------------------------------------ after the app's own handler

    def on_client_batch(self, batch: Any) -> None:
        if not self.is_running:
            return
        if any(
            isinstance(item, m.Connected | m.CacheReset)
            or (isinstance(item, m.EventReceived) and item.event.kind == FIELDWORK_SET)
            for item in batch.items
        ):
            self._show_title()
            for screen in self.screen_stack:
                if isinstance(screen, ClockScreen):
                    screen.refresh_clock()

    # ------------------------------------------------------------------ the palette

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Reporting clock", "When the draft, comments, final and published report are due "
                            "(CP ¶45–48)", self.action_reporting_clock)
        me = self.state.me
        if me is not None and may_set_fieldwork(me):
            yield SystemCommand("Set fieldwork dates", "The first and last day of fieldwork; the reporting clock "
                                "counts from the last", self.action_set_fieldwork)

    def action_reporting_clock(self) -> None:
        if not isinstance(self.screen, ClockScreen):
            self.push_screen(ClockScreen(self.clock_now))

    def action_set_fieldwork(self) -> None:
        me, inspection = self.state.me, self.state.inspection
        if inspection is None or me is None:
            self.notify("Not connected yet: the inspection is not known.", title="Fieldwork dates")
            return
        if not may_set_fieldwork(me):
            self.notify("Only the lead inspector sets the fieldwork dates.", title="Fieldwork dates")
            return
        form = FieldworkForm(inspection, now=self.now(), timezone=zone(inspection.timezone))
        self.push_screen(form, self._fieldwork_chosen)

    def _fieldwork_chosen(self, command: Command | None) -> None:
        if command is not None:
            self.send_command(command)
