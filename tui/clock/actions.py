"""The clock feature: the fieldwork dates and the reporting clock — two palette commands, kept current.

After a batch that set the fieldwork dates (or a new welcome, or a reset), the header and any open clock screen are
redrawn. The lead's SetFieldwork goes through the outbox, like every other command.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from textual.app import SystemCommand
from textual.screen import Screen

from shared.fieldwork import may_set_fieldwork
from shared.kinds import FIELDWORK_SET
from shared.protocol import Command, Inspection
from tui.clock.fieldwork_form import FieldworkForm
from tui.clock.reporting_clock import today_for
from tui.clock.screen import ClockScreen
from tui.feature import Batch, Feature
from tui.timefmt import zone


class ClockFeature(Feature):
    """Fieldwork dates: the "Reporting clock" and "Set fieldwork dates" palette commands (no key of their own)."""

    name = "clock"

    def clock_now(self) -> tuple[Inspection | None, date]:
        """The inspection as we know it and today in its time zone: what every clock on screen is drawn from."""
        inspection = self.host.state.inspection
        return inspection, today_for(inspection, self.host.now())

    def after_batch(self, batch: Batch) -> None:
        if batch.connected or batch.reset or batch.has((FIELDWORK_SET,)):
            self.host.show_title()
            for screen in self.host.screen_stack:
                if isinstance(screen, ClockScreen):
                    screen.refresh_clock()

    def commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield SystemCommand("Reporting clock", "When the draft, comments, final and published report are due "
                            "(CP ¶45–48)", self.action_reporting_clock)
        me = self.host.state.me
        if me is not None and may_set_fieldwork(me):
            yield SystemCommand("Set fieldwork dates", "The first and last day of fieldwork; the reporting clock "
                                "counts from the last", self.action_set_fieldwork)

    def action_reporting_clock(self) -> None:
        if not isinstance(self.host.screen, ClockScreen):
            self.host.push_screen(ClockScreen(self.clock_now))

    def action_set_fieldwork(self) -> None:
        host = self.host
        me, inspection = host.state.me, host.state.inspection
        if inspection is None or me is None:
            host.notify("Not connected yet: the inspection is not known.", title="Fieldwork dates")
            return
        if not may_set_fieldwork(me):
            host.notify("Only the lead inspector sets the fieldwork dates.", title="Fieldwork dates")
            return
        host.push_screen(FieldworkForm(inspection, now=host.now(), timezone=zone(inspection.timezone)), self._chosen)

    def _chosen(self, command: Command | None) -> None:
        if command is not None:
            self.host.outbox.send(command)
