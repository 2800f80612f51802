"""Withdraw a link: the highlighted finding's links, those this user may remove first (their own; the lead's any).

Returns a shared.triangulation UnlinkFindings command for the link chosen with Enter, or None. The log keeps
that the link existed; the corroboration status changes at once on every screen.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from shared.triangulation import UnlinkFindings
from tui.dialogs.frame import FramedDialog
from tui.widgets.footer import KeyFooter
from tui.widgets.plain import plain


@dataclass(frozen=True)
class LinkChoice:
    """One link as the dialog lists it; ``removable`` is False for someone else's (the server would refuse)."""

    link_id: str
    line: str
    removable: bool


class UnlinkDialog(FramedDialog[UnlinkFindings | None]):
    """Enter removes the highlighted link; Esc leaves them all."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
    ]

    DEFAULT_CSS = """
    UnlinkDialog > #unlink { width: 100; }
    UnlinkDialog #unlink-title { text-style: bold; }
    UnlinkDialog #unlink-hint { color: $text-muted; margin-bottom: 1; }
    UnlinkDialog OptionList { height: auto; max-height: 12; border: none; }
    """

    def __init__(self, summary: str, choices: Sequence[LinkChoice]) -> None:
        super().__init__()
        self._summary = summary
        self._choices = sorted(choices, key=lambda c: not c.removable)

    def compose(self) -> ComposeResult:
        with Vertical(id="unlink"):
            yield Label("Remove a link", id="unlink-title")
            hint = f"{self._summary}\nEnter removes the highlighted link. Only its author or the lead may."
            yield Static(plain(hint), id="unlink-hint")
            yield OptionList(*(Option(plain(c.line, one_line=True), id=c.link_id, disabled=not c.removable)
                               for c in self._choices), id="unlink-list")
        yield KeyFooter()

    def on_mount(self) -> None:
        listing = self.query_one(OptionList)
        listing.focus()
        if any(c.removable for c in self._choices):
            listing.highlighted = 0

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.dismiss(UnlinkFindings(id=uuid.uuid4().hex, link_id=event.option.id))

    def action_cancel(self) -> None:
        self.dismiss(None)
