"""Asks before closing a meeting, because closing cannot be undone: the minutes are frozen from then on."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Label, Static

from shared.meetings import EntryKind, Minutes


def close_warning(minutes: Minutes) -> str:
    actions = sum(1 for entry in minutes.entries if entry.kind is EntryKind.ACTION)
    recorded = f"{len(minutes.entries)} entries ({actions} actions)" if minutes.entries else "nothing recorded yet"
    return (
        f"{len(minutes.agenda)} agenda items, {recorded}.\n\n"
        "Closing freezes the minutes: nothing more can be recorded, added, moved or dropped. "
        "A correction after closing is an amendment, kept with its history."
    )


class CloseMeetingDialog(ModalScreen[bool]):
    """Returns True to close the meeting, False to keep it open."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,n", "keep", "Keep it open"),
        Binding("y", "close_meeting", "Close it"),
    ]

    DEFAULT_CSS = """
    CloseMeetingDialog { align: center middle; }
    CloseMeetingDialog > #close-box {
        width: 72; max-width: 100%; height: auto; border: thick $warning; background: $surface; padding: 0 1;
    }
    CloseMeetingDialog #close-title { text-style: bold; margin-bottom: 1; }
    CloseMeetingDialog #close-buttons { height: auto; margin-top: 1; align-horizontal: right; }
    CloseMeetingDialog #close-buttons > Button { margin-left: 2; }
    """

    def __init__(self, minutes: Minutes) -> None:
        super().__init__()
        self.minutes = minutes

    def compose(self) -> ComposeResult:
        day = self.minutes.day
        with Vertical(id="close-box"):
            yield Label(f"Close the {self.minutes.kind.label.lower()} of {day:%A} {day.day} {day:%B}?",
                        id="close-title")
            yield Static(close_warning(self.minutes))
            with Horizontal(id="close-buttons"):
                yield Button("Keep it open  n", id="keep", compact=True)
                yield Button("Close and freeze the minutes  y", id="close", variant="warning", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#keep", Button).focus()

    def action_keep(self) -> None:
        self.dismiss(False)

    def action_close_meeting(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#keep")
    def _keep(self) -> None:
        self.action_keep()

    @on(Button.Pressed, "#close")
    def _close(self) -> None:
        self.action_close_meeting()
