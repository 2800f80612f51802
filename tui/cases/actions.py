"""The app's side of case sampling and tracking: the cases screen (``K``), sending its commands, keeping it live.

A mixin for TriangulateApp, like GradesMixin: Textual calls a message handler on every class of the app's MRO,
so this mixin's ``on_client_batch`` and ``on_cache_loaded`` run right after the app's own have folded the events
into ``state``; then the cases screen, if open, is redrawn, so a teammate's allocation or progress shows at once.
An inspector is told when a case is allocated to them, since that is work for them to pick up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from shared.cases import CaseAllocated
from shared.protocol import Command
from tui import messages as m
from tui.cases.screen import CasesScreen
from tui.state import TeamState
from tui.timefmt import Clock
from tui.triangulation.journey_screen import JourneyScreen

if TYPE_CHECKING:
    _Base = App[None]
else:
    _Base = object

CASE_BINDINGS = [
    Binding("K", "cases", "Cases", key_display="K", show=False),
]
"""Capital K: the board's list takes k and j to move up and down. Not in the footer, which is full on most
screens: the help screen (?) and the command palette list it."""


class CasesMixin(_Base):
    """The case sample for TriangulateApp."""

    # provided by TriangulateApp
    state: TeamState
    now: Clock
    send_command: Callable[[Command], None]
    _is_news: Callable[[int, int], bool]

    def on_cache_loaded(self, _message: Any) -> None:
        self._cases_refresh()

    def on_client_batch(self, batch: Any) -> None:
        self._announce_allocations(getattr(batch, "items", ()))
        self._cases_refresh()

    def _cases_refresh(self) -> None:
        if not self.is_running:
            return
        for screen in self.screen_stack:
            if isinstance(screen, CasesScreen):
                screen.show(self.state)

    def _announce_allocations(self, items: Iterable[m.ClientMessage]) -> None:
        me = self.state.me
        if me is None or not self.is_running:
            return
        for item in items:
            if not isinstance(item, m.EventReceived):
                continue
            event, allocated = item.event, item.payload
            if (isinstance(allocated, CaseAllocated) and allocated.inspector_id == me.id and event.actor is not None
                    and self._is_news(event.seq, event.actor.id)):
                self.notify(f"{event.actor.name} allocated {allocated.child_id} to you  (K: cases)",
                            title="A case to track")

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The case sample in the command palette (ctrl+p)."""
        yield from super().get_system_commands(screen)
        yield SystemCommand("Cases", "The case sample: allocation, progress, the Annex A import and the draw (K)",
                            self.action_cases)

    def action_cases(self) -> None:
        if isinstance(self.screen, CasesScreen):
            return
        screen = CasesScreen(self.now)
        self.push_screen(screen)
        screen.show(self.state)

    def on_cases_screen_send(self, message: CasesScreen.Send) -> None:
        self.send_command(message.command)
        self._cases_refresh()

    def on_cases_screen_journey(self, message: CasesScreen.Journey) -> None:
        screen = JourneyScreen(self.now, message.child_id)
        self.push_screen(screen)
        screen.show(self.state)
