"""The reporting clock as a small modal: the four milestones (CP ¶45–48), kept current while it is open.

It asks the app for the inspection and today's date rather than holding them, so a change of dates by the lead
or midnight passing redraws it without the app knowing it is open.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen

from shared.protocol import Inspection
from tui.clock.reporting_clock import ReportingClock
from tui.widgets.footer import KeyFooter

ClockSource = Callable[[], tuple[Inspection | None, date]]
"""The inspection as the app knows it now, and today in the inspection's time zone."""


class ClockScreen(ModalScreen[None]):
    """The reporting clock; Escape closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss", "Close")]

    DEFAULT_CSS = """
    ClockScreen { align: center middle; }
    ClockScreen > #clock-box {
        width: 78; max-width: 100%; height: auto; border: thick $primary; background: $surface; padding: 1 0;
    }
    """

    def __init__(self, source: ClockSource) -> None:
        super().__init__()
        self._source = source

    def compose(self) -> ComposeResult:
        inspection, today = self._source()
        with Vertical(id="clock-box"):
            yield ReportingClock(inspection, today, id="clock")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.set_interval(60, self.refresh_clock)  # a new day moves every count

    def refresh_clock(self) -> None:
        """Redraw from the app's current inspection and date."""
        self.query_one("#clock", ReportingClock).show(*self._source())
