"""Asks before quitting while commands are still in the outbox, and says how many.

Nothing is lost by quitting (the outbox is on disk and goes out the next time the app connects), but a finding
or an alert the team has not received yet may matter today, so the inspector should choose knowingly.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Label, Static

from tui.dialogs.buttons import ButtonRow, press


def unsent_question(count: int) -> str:
    """The dialog's title: "3 commands not yet sent — quit anyway?"."""
    noun = "command" if count == 1 else "commands"
    return f"{count} {noun} not yet sent — quit anyway?"


class QuitDialog(ModalScreen[bool]):
    """Returns True to quit now, False to stay (and let the outbox drain)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,n", "stay", "Stay"),
        Binding("y", "quit_anyway", "Quit anyway"),
    ]

    DEFAULT_CSS = """
    QuitDialog { align: center middle; }
    QuitDialog > #quit-box {
        width: 72; max-width: 100%; height: auto; border: thick $warning; background: $surface; padding: 0 1;
    }
    QuitDialog #quit-title { text-style: bold; margin-bottom: 1; }
    """

    def __init__(self, unsent: int) -> None:
        super().__init__()
        self.unsent = unsent

    def compose(self) -> ComposeResult:
        with Vertical(id="quit-box"):
            yield Label(unsent_question(self.unsent), id="quit-title")
            yield Static(
                "The team has not received them yet. They stay on this computer and are sent the next time "
                "Triangulate connects; stay, and they go as soon as the server takes them.",
                id="quit-explanation",
            )
            yield ButtonRow(press("Stay  n", "stay", id="stay"),
                            press("Quit anyway  y", "quit_anyway", id="quit", variant="warning"), id="quit-buttons")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#stay", Button).focus()

    def action_stay(self) -> None:
        self.dismiss(False)

    def action_quit_anyway(self) -> None:
        self.dismiss(True)
