"""The app's side of the grade board: the screen (``g``), sending grade commands, and keeping it live.

A mixin for TriangulateApp, like MeetingsMixin: Textual calls a message handler on every class of the app's
MRO, so this mixin's ``on_client_batch`` and ``on_cache_loaded`` run right after the app's own have folded
the events into ``state``. The board is redrawn after any batch while it is open, not only after grade
events: its warnings follow the evidence (a new link, an amended source, a withdrawal), and our own commands'
fate (acked, refused) shows on the cells.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from shared.protocol import Command
from tui.screens.grades import GradesScreen
from tui.state import TeamState
from tui.timefmt import Clock

if TYPE_CHECKING:
    _Base = App[None]
else:
    _Base = object

GRADE_BINDINGS = [
    Binding("g", "grades", "Grades", show=False),
]
"""Not in the footer, which is full on most screens (a cut-off "g G" helps nobody): the help screen (?) and the
command palette list it."""


class GradesMixin(_Base):
    """The grade board for TriangulateApp."""

    # provided by TriangulateApp
    state: TeamState
    now: Clock
    send_command: Callable[[Command], None]
    """The app's one outbox: shown as ours at once, durable, then on the wire."""

    def on_cache_loaded(self, _message: Any) -> None:
        self._grades_refresh()

    def on_client_batch(self, _batch: Any) -> None:
        self._grades_refresh()

    def _grades_refresh(self) -> None:
        if not self.is_running:
            return
        for screen in self.screen_stack:
            if isinstance(screen, GradesScreen):
                screen.show(self.state)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The grade board in the command palette (ctrl+p)."""
        yield from super().get_system_commands(screen)
        yield SystemCommand("Grades", "The grade board: proposed and agreed grades, QA, warnings (g)",
                            self.action_grades)

    def action_grades(self) -> None:
        if isinstance(self.screen, GradesScreen):
            return
        screen = GradesScreen(self.now)
        self.push_screen(screen)
        screen.show(self.state)

    def on_grades_screen_send(self, message: GradesScreen.Send) -> None:
        self.send_command(message.command)
        self._grades_refresh()
