"""The scaffolding every feature screen shares: a header, the screen's own body, the footer, and a redraw
from the team state the app hands it.

The app pushes a screen and hands it the state at once, before the screen is mounted; ``_redraw`` waits for the
body, and the base's ``on_mount`` draws once the body is there. Textual calls the ``on_mount`` of every class
in the line, the subclass's first, so a subclass's own ``on_mount`` (columns, focus) runs before that draw.

A screen covered by another full screen is not drawn on every batch (a catch-up is hundreds): it draws once, when it
is on display again.
"""

from __future__ import annotations

from datetime import tzinfo
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.screen import ModalScreen, Screen
from textual.widgets import Header

from tui.state import TeamState
from tui.timefmt import zone
from tui.widgets.footer import KeyFooter


def on_display(screen: Screen[Any]) -> bool:
    """On top, or under dialogs only (they show it behind them)."""
    stack = screen.app.screen_stack
    return screen in stack and all(isinstance(above, ModalScreen) for above in stack[stack.index(screen) + 1:])


class StateScreen(Screen[None]):
    """A full screen drawn from ``state``; Esc (``back``) closes it."""

    COMPACT_FOOTER: ClassVar[bool] = True
    """The feature screens with many keys keep the footer compact, so that 80 columns hold them."""

    def __init__(self) -> None:
        super().__init__()
        self.state = TeamState()
        self._composed = False
        """True once the body is there to draw in (``is_mounted`` turns true only after ``on_mount``)."""
        self._stale = False
        """Something changed while another full screen covered this one: draw when it is back on display."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield from self.compose_body()
        yield KeyFooter(compact=self.COMPACT_FOOTER)

    def compose_body(self) -> ComposeResult:
        """Between the header and the footer: for subclasses."""
        yield from ()

    def on_mount(self) -> None:
        self._composed = True
        self._redraw()

    @property
    def tz(self) -> tzinfo:
        """The inspection's time zone: every time on a screen is shown in it."""
        inspection = self.state.inspection
        return zone(inspection.timezone if inspection else None)

    def show(self, state: TeamState) -> None:
        """Redraw from the state; what was highlighted stays highlighted."""
        self.state = state
        self._redraw()

    def _redraw(self) -> None:
        if not self._composed:
            return
        self._stale = not on_display(self)
        if not self._stale:
            self._draw()

    def on_screen_resume(self) -> None:
        if self._stale:
            self._redraw()

    def _draw(self) -> None:
        """Draw everything from ``state``: for subclasses."""

    def action_back(self) -> None:
        self.dismiss(None)
