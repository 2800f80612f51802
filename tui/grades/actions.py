"""The app's side of the grade board: the screen (``g``), sending grade commands, and keeping it live.

A mixin for TriangulateApp, like MeetingsMixin: Textual calls a message handler on every class of the app's
MRO, so this mixin's ``on_client_batch`` and ``on_cache_loaded`` run right after the app's own have folded
the events into ``state``. The board is redrawn after any batch while it is open, not only after grade
events: its warnings follow the evidence (a new link, an amended source, a withdrawal), and our own commands'
fate (acked, refused) shows on the cells.

The lead is told when the QA manager challenges or signs off a grade: a toast, and a ● on the cell until the lead
looks at it on the board (a challenge needs the lead's response before the grade can be signed off).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from shared.catalogue import read_payload
from shared.grades import GradeChallenged, GradeSignedOff, judgement_label
from shared.protocol import Command, Event
from shared.vocabulary import Role
from tui.grades.screen import GradesScreen
from tui.messages import EventReceived
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
    _is_news: Callable[[int, int], bool]

    def on_cache_loaded(self, _message: Any) -> None:
        self._grades_refresh()

    def on_client_batch(self, batch: Any) -> None:
        for item in getattr(batch, "items", ()):
            if isinstance(item, EventReceived):
                self._tell_the_lead(item.event)
        self._grades_refresh()

    def _tell_the_lead(self, event: Event) -> None:
        """A teammate's challenge or sign-off, new to the lead: a toast, and the cell marked on the board."""
        me, payload = self.state.me, read_payload(event)
        if me is None or me.role is not Role.LEAD or not isinstance(payload, GradeChallenged | GradeSignedOff):
            return
        if event.actor is None or not self._is_news(event.seq, event.actor.id):
            return
        agency, judgement = payload.agency, payload.judgement
        self.state.grades.attention.add((agency, judgement))
        cell = f"{agency.label} · {judgement_label(judgement)}"
        if isinstance(payload, GradeChallenged):
            comment = " ".join(payload.comment.split())
            comment = comment if len(comment) <= 160 else comment[:159] + "…"
            self.notify(f"{event.actor.name} challenged {cell}: “{comment}” — respond on the grade board (g, e)",
                        title="QA challenge: your response is needed", severity="warning", timeout=12,
                        markup=False)
        else:
            self.notify(f"{event.actor.name} signed off {cell}", title="Grade signed off", timeout=8, markup=False)

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
