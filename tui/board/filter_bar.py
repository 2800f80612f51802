"""The search box above the list, and a line saying what the words were understood to mean."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Label

from shared.protocol import Inspector
from tui.board.filter_query import ParsedQuery, parse_query
from tui.widgets.plain import assemble
from tui.widgets.plain_fields import PlainInput

PLACEHOLDER = "/ search: police weakness by:asha child:C-104 …"


class FilterBar(Horizontal):
    """Posts FilterBar.Changed with the parsed filter on every edit; Esc or Enter hands focus back."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "done", "Back to list", show=False)]

    DEFAULT_CSS = """
    FilterBar { height: 1; padding: 0 1; background: $panel; }
    FilterBar > #search { width: 1fr; min-width: 20; }
    FilterBar > #chips { width: auto; max-width: 60%; padding-left: 1; color: $text-muted; }
    """

    @dataclass
    class Changed(Message):
        """The user changed the query; ``parsed.filter`` is what to show."""

        bar: FilterBar
        parsed: ParsedQuery

        @property
        def control(self) -> FilterBar:
            return self.bar

    @dataclass
    class Done(Message):
        """The user finished with the search box (Esc/Enter)."""

        bar: FilterBar

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._team: list[Inspector] = []
        self.parsed = ParsedQuery()

    def compose(self) -> ComposeResult:
        yield PlainInput(placeholder=PLACEHOLDER, compact=True, id="search")
        yield Label("", id="chips")

    @property
    def query_text(self) -> str:
        return self.query_one("#search", Input).value

    def set_query(self, text: str) -> None:
        """Replace the words (from the filter dialog or 'clear'); the Changed message follows."""
        self.query_one("#search", Input).value = text

    def set_team(self, team: Iterable[Inspector]) -> None:
        """Authors are matched against the team, so re-read the query when the team changes."""
        team = list(team)
        if [m.id for m in team] != [m.id for m in self._team]:
            self._team = team
            if "by:" in self.query_text or "author:" in self.query_text:
                self._reparse(self.query_text)

    def focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    @on(Input.Changed, "#search")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self._reparse(event.value)

    @on(Input.Submitted, "#search")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_done()

    def action_done(self) -> None:
        self.post_message(self.Done(self))

    def _reparse(self, text: str) -> None:
        self.parsed = parse_query(text, self._team)
        parts: list[str | tuple[str, str]] = []
        if self.parsed.chips:
            parts.append(" · ".join(self.parsed.chips))
        if self.parsed.problems:
            parts.append(("  " if parts else "") + "; ".join(self.parsed.problems))
            parts[-1] = (str(parts[-1]), "$text-error")
        self.query_one("#chips", Label).update(assemble(*parts))
        self.post_message(self.Changed(self, self.parsed))
