"""A question whose "yes" cannot be taken back (quit with unsent commands, close a meeting's minutes).

The "no" button has the focus, so Enter or Esc keeps things as they are; "yes" is in warning colours.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from tui.dialogs.buttons import ButtonRow
from tui.widgets.footer import KeyFooter


class ConfirmDialog(ModalScreen[bool]):
    """Returns True for yes. Its parts are ``#<key>-box``, ``#<key>-title`` and ``#<key>-buttons``."""

    DEFAULT_CSS = """
    ConfirmDialog { align: center middle; }
    ConfirmDialog > .box {
        width: 72; max-width: 100%; height: auto; border: thick $warning; background: $surface; padding: 0 1;
    }
    ConfirmDialog .title { text-style: bold; margin-bottom: 1; }
    """

    def __init__(self, key: str, title: str, text: Static, no: Button, yes: Button) -> None:
        super().__init__()
        self._key = key
        self._title = title
        self._text = text
        self._no = no
        self._yes = yes

    def compose(self) -> ComposeResult:
        with Vertical(id=f"{self._key}-box", classes="box"):
            yield Label(self._title, id=f"{self._key}-title", classes="title")
            yield self._text
            yield ButtonRow(self._no, self._yes, id=f"{self._key}-buttons")
        yield KeyFooter()

    def on_mount(self) -> None:
        self._no.focus()
