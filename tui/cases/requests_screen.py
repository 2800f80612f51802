"""The day-one request checklist: what the lead asked the local authority for on day one, and what has arrived
(CP ¶27; Annex A, "Additional information required for the inspection"; shared.day_one).

Each item in the seed's words, ✓ with the day it was received or ○ not yet; the highlighted item in full below,
with the lead's note. The lead ticks an item off with Enter (a small form: the day received, empty for not yet,
and a note); everyone else sees the checklist kept current. Child-protection inspections only (shared.day_one).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from shared.day_one import DayOneItem, ItemState, SetDayOneRequest
from shared.protocol import Command
from tui.cases.book import CaseBook, RequestView
from tui.dialogs.command_form import CommandForm, FormField
from tui.dialogs.frame import FramedDialog
from tui.meetings.forms import parse_day
from tui.widgets.footer import KeyFooter
from tui.widgets.plain import assemble, plain

RECEIVED, NOT_YET = "✓", "○"
ITEM_WIDTH = 72


def request_row(view: RequestView) -> str:
    """``✓ 17/11/2026  Minutes of the last three LSCB meetings`` (… on its way, ✗ refused)."""
    state = view.state
    when = f"{state.received_on:%d/%m/%Y}" if state.received_on else "not yet"
    label = state.item.label if len(state.item.label) <= ITEM_WIDTH else state.item.label[: ITEM_WIDTH - 1] + "…"
    mark = "✗" if view.refusal is not None else "…" if view.sending else " "
    return f"{RECEIVED if state.received else NOT_YET} {when:<10}{mark} {label}"


def describe_request(view: RequestView, may_tick: bool) -> Content:
    state = view.state
    parts: list[str | tuple[str, str]] = [(state.item.label + "\n", "bold")]
    if state.received_on:
        parts.append((f"Received {state.received_on:%A %d %B %Y}", "$text-success"))
    else:
        parts.append(("Not received yet", "$text-warning"))
    if view.sending:
        parts.append(("  … on its way to the server", "$text-muted"))
    parts.append("\n")
    if state.note:
        parts += [("Note: ", "$text-muted"), state.note + "\n"]
    if view.refusal is not None:
        parts.append((f"✗ The server refused: {view.refusal.message or 'no reason given'}\n", "$text-error"))
    parts.append(("Enter: tick it off, or back to not yet" if may_tick else "The lead ticks items off.",
                  "$text-muted"))
    return assemble(*parts)


def request_form(state: ItemState, today: date) -> CommandForm:
    """The lead records one item received (on a day, with a note) or, with the day left empty, not yet."""
    return CommandForm(
        title="Day-one request",
        command_type=SetDayOneRequest,
        command_id=uuid.uuid4().hex,
        calm=True,
        send_label="Record",
        intro=f"{state.item.label}\n\nEmpty the day if it has not been received yet.",
        fixed={"item": state.item.value},
        fields=[
            FormField("received_on", "Received on", value=f"{state.received_on or today:%d/%m/%Y}",
                      placeholder="17/11/2026 (empty: not received yet)", convert=parse_day),
            FormField("note", "Note", value=state.note, placeholder="e.g. partial: caseloads to follow (no names)"),
        ],
    )


class RequestsScreen(FramedDialog[None]):
    """Opened with ``r`` on the cases screen or from the palette; Esc, r or q closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,r,q", "close", "Close")]

    DEFAULT_CSS = """
    RequestsScreen > #day-one { width: 100; height: 100%; max-height: 34; }
    RequestsScreen #day-one-title { text-style: bold; }
    RequestsScreen #day-one-items { height: 1fr; min-height: 6; }
    RequestsScreen #day-one-detail { height: 9; border-top: solid $primary-muted; }
    """

    def __init__(self, book: CaseBook, *, may_tick: bool, today: Callable[[], date],
                 send: Callable[[Command], object]) -> None:
        super().__init__()
        self._book, self._may_tick, self._today, self._send = book, may_tick, today, send
        self.views: list[RequestView] = []
        self._composed = False

    def compose(self) -> ComposeResult:
        with Vertical(id="day-one"):
            yield Label(id="day-one-title")
            yield OptionList(id="day-one-items")
            with VerticalScroll(id="day-one-detail"):
                yield Static(id="day-one-detail-body")
        yield KeyFooter()

    def on_mount(self) -> None:
        self._composed = True
        self.show()
        items = self.query_one("#day-one-items", OptionList)
        items.highlighted = 0
        items.focus()

    @property
    def list_text(self) -> str:
        items = self.query_one("#day-one-items", OptionList)
        return "\n".join(str(items.get_option_at_index(i).prompt) for i in range(items.option_count))

    @property
    def detail_text(self) -> str:
        return str(self.query_one("#day-one-detail-body", Static).content)

    def show(self) -> None:
        """Redraw from the book: after any batch, so a tick shows for everyone at once."""
        if not self._composed:
            return
        self.views = self._book.request_views()
        received = sum(1 for view in self.views if view.state.received)
        self.query_one("#day-one-title", Label).update(
            f"Day-one requests (CP ¶27, Annex A) · {received} of {len(DayOneItem)} received")
        items = self.query_one("#day-one-items", OptionList)
        highlighted = items.highlighted
        items.set_options([Option(plain(request_row(view), one_line=True), id=view.state.item.value)
                           for view in self.views])
        items.highlighted = highlighted if highlighted is not None else 0
        self._show_detail()

    def _show_detail(self) -> None:
        index = self.query_one("#day-one-items", OptionList).highlighted
        if index is not None and index < len(self.views):
            self.query_one("#day-one-detail-body", Static).update(describe_request(self.views[index], self._may_tick))

    @on(OptionList.OptionHighlighted, "#day-one-items")
    def _highlighted(self) -> None:
        self._show_detail()

    @on(OptionList.OptionSelected, "#day-one-items")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if self._may_tick:
            self.app.push_screen(request_form(self.views[event.option_index].state, self._today()), self._sent)

    def _sent(self, command: Command | None) -> None:
        if command is not None:
            self._send(command)
            self.show()

    def action_close(self) -> None:
        self.dismiss(None)
