"""The written confirmation to the senior manager: the letter to copy, then when it was sent and its reference.

The text comes from shared.confirmation, built from the alert's recorded facts only, so it names the child
by unique ID and never by name (CP ¶32, ¶49, ¶51). It can be edited before copying; what the server records
is that it was sent, when, and under which reference.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Button, Label, TextArea

from tui.dialogs.command_form import CommandForm
from tui.widgets.plain_fields import PlainTextArea


class LetterDialog(CommandForm):
    """An CommandForm for ``alert.confirm`` with the letter above its fields and a copy key."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+y", "copy_letter", "Copy letter", priority=True),
    ]

    DEFAULT_CSS = """
    LetterDialog #letter { height: 12; }
    LetterDialog #letter-actions { height: auto; margin-bottom: 1; }
    LetterDialog #letter-actions > Label { width: 1fr; color: $text-muted; }
    """

    def __init__(self, letter: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.letter = letter

    def compose_extra(self) -> ComposeResult:
        yield PlainTextArea(self.letter, id="letter", soft_wrap=True, show_line_numbers=False)
        with Horizontal(id="letter-actions"):
            yield Label("Paste it into an email or letter to the senior manager, then record it as sent.")
            yield Button("Copy letter  ctrl+y", id="copy", compact=True)

    @property
    def letter_text(self) -> str:
        return self.query_one("#letter", TextArea).text

    def action_copy_letter(self) -> None:
        self.app.copy_to_clipboard(self.letter_text)
        self.notify("The written confirmation is on the clipboard.", title="Copied")

    @on(Button.Pressed, "#copy")
    def _copy(self) -> None:
        self.action_copy_letter()
