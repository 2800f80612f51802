"""A form for the filter, for anyone who would rather pick than type ``agency:police`` into the search box."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select

from shared.protocol import Inspector
from shared.vocabulary import Agency, FindingKind, Inspectorate
from tui.board.filter_query import build_query
from tui.dialogs.buttons import ButtonRow, press
from tui.dialogs.frame import FramedDialog
from tui.state import FindingFilter
from tui.widgets.footer import KeyFooter
from tui.widgets.plain import plain
from tui.widgets.plain_fields import PlainInput


class FilterDialog(FramedDialog[str | None]):
    """Returns the query words for the search box, or None if cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "apply", "Apply", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    DEFAULT_CSS = """
    FilterDialog > #filters { width: 70; }
    FilterDialog #filters-title { text-style: bold; margin-bottom: 1; }
    FilterDialog .row { height: auto; }
    FilterDialog .row > Label { width: 14; color: $text-muted; }
    FilterDialog .row > Select, FilterDialog .row > Input { width: 1fr; }
    """

    def __init__(self, current: FindingFilter, team: Iterable[Inspector]):
        super().__init__()
        self._current = current
        self._team = sorted(team, key=lambda m: m.name)

    def compose(self) -> ComposeResult:
        c = self._current
        with VerticalScroll(id="filters"):
            yield Label("Filter findings — every choice narrows the list", id="filters-title")
            yield from self._row("Agency", Select(Agency.choices(), prompt="any", value=c.agency or Select.NULL,
                                                  compact=True, id="agency"))
            yield from self._row("Inspectorate", Select(Inspectorate.choices(), prompt="any", compact=True,
                                                        value=c.inspectorate or Select.NULL, id="inspectorate"))
            yield from self._row("Kind", Select(FindingKind.choices(), prompt="any", compact=True,
                                                value=c.kind or Select.NULL, id="kind"))
            authors = [(plain(f"{m.name} ({m.inspectorate.label})", one_line=True), m.id) for m in self._team]
            known = {m.id for m in self._team}
            yield from self._row("Author", Select(authors, prompt="anyone", compact=True, id="author",
                                                  value=c.author_id if c.author_id in known else Select.NULL))
            yield from self._row("Child ID", PlainInput(c.child_id or "", compact=True, id="child"))
            yield from self._row("Text", PlainInput(c.text or "", compact=True, id="text", placeholder="words"))
            yield from self._row("Withdrawn", Checkbox("show withdrawn findings too", c.withdrawn, compact=True,
                                                       id="withdrawn"))
            yield ButtonRow(press("Clear", "clear", id="clear"), press("Cancel", "cancel", id="cancel"),
                            press("Apply  ctrl+s", "apply", id="apply", variant="primary"), id="buttons")
        yield KeyFooter()

    def _row(self, title: str, widget: Widget) -> ComposeResult:
        with Horizontal(classes="row"):
            yield Label(title)
            yield widget

    def on_mount(self) -> None:
        self.query_one("#agency").focus()

    def query_words(self) -> str:
        author_id = self.query_one("#author", Select).selection
        return build_query(
            agency=self.query_one("#agency", Select).selection,
            inspectorate=self.query_one("#inspectorate", Select).selection,
            kind=self.query_one("#kind", Select).selection,
            author=next((m for m in self._team if m.id == author_id), None),
            child=self.query_one("#child", Input).value.strip() or None,
            text=self.query_one("#text", Input).value.strip() or None,
            withdrawn=self.query_one("#withdrawn", Checkbox).value,
        )

    def action_apply(self) -> None:
        self.dismiss(self.query_words())

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_clear(self) -> None:
        """Clear: an empty query, so the board shows every finding again."""
        self.dismiss("")

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_apply()
