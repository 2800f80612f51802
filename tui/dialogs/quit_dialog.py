"""Asks before quitting while commands are still in the outbox, and says how many.

Nothing is lost by quitting (the outbox is on disk and goes out the next time the app connects), but a finding
or an alert the team has not received yet may matter today, so the inspector should choose knowingly.
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import Static

from tui.dialogs.buttons import press
from tui.dialogs.confirm import ConfirmDialog


def unsent_question(count: int) -> str:
    """The dialog's title: "3 commands not yet sent — quit anyway?"."""
    noun = "command" if count == 1 else "commands"
    return f"{count} {noun} not yet sent — quit anyway?"


class QuitDialog(ConfirmDialog):
    """Returns True to quit now, False to stay (and let the outbox drain)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,n", "stay", "Stay"),
        Binding("y", "quit_anyway", "Quit anyway"),
    ]

    def __init__(self, unsent: int) -> None:
        super().__init__("quit", unsent_question(unsent), Static(
            "The team has not received them yet. They stay on this computer and are sent the next time "
            "Triangulate connects; stay, and they go as soon as the server takes them.",
            id="quit-explanation",
        ), press("Stay  n", "stay", id="stay"), press("Quit anyway  y", "quit_anyway", id="quit", variant="warning"))
        self.unsent = unsent

    def action_stay(self) -> None:
        self.dismiss(False)

    def action_quit_anyway(self) -> None:
        self.dismiss(True)
