"""Lines of enquiry: my inbox (addressed to me or my inspectorate) with unread marks, the ones I asked, and the
rest of the team's, each in full below with the steps the shared rules let me take on it.

The screen draws what it is given and asks the app, by message, to send a command or to remember that an
enquiry was read; it never sees the client or the socket.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from shared.enquiries import EnquiryOutcome, EnquiryStatus, OpenEnquiry, StartEnquiry
from shared.protocol import Command
from tui import messages as m
from tui.alerts.book import ago
from tui.outbox import Outbox
from tui.state import TeamState
from tui.triangulation.book import EnquiryView
from tui.triangulation.candidates import finding_candidates
from tui.triangulation.enquiry_actions import Step, available_steps
from tui.triangulation.enquiry_detail import STATUS_STYLE, EnquiryDetail, describe_enquiry
from tui.triangulation.enquiry_forms import EnquiryContext, answer_form, close_form
from tui.widgets.plain import assemble, plain
from tui.widgets.state_screen import StateScreen

QUESTION_WIDTH = 94

STEP_ACTIONS: dict[str, Step] = {
    "start": "start",
    "answer": "answer",
    "close_answered": "close_answered",
    "not_pursued": "not_pursued",
}


@dataclass(frozen=True)
class Sections:
    """The enquiries in the order the list shows them; an enquiry appears once, in its first section."""

    inbox: list[EnquiryView]
    asked: list[EnquiryView]
    others: list[EnquiryView]


def sections(state: TeamState) -> Sections:
    book, me = state.evidence, state.me
    if me is None:
        return Sections([], [], sorted(book.enquiries.values(), key=lambda e: e.opened_at, reverse=True))
    inbox = book.inbox(me)
    shown = {e.id for e in inbox}
    asked = [e for e in book.asked_by(me) if e.id not in shown]
    shown |= {e.id for e in asked}
    others = sorted((e for e in book.enquiries.values() if e.id not in shown),
                    key=lambda e: (e.status is EnquiryStatus.CLOSED, -e.opened_at.timestamp()))
    return Sections(inbox, asked, others)


def option_prompt(enquiry: EnquiryView, state: TeamState, now: datetime, unread: bool) -> Content:
    """Two lines: unread mark, status, to whom, from whom, how long ago; then the question."""
    asker = enquiry.asker.name if enquiry.asker else "someone"
    question = enquiry.question.strip().splitlines()[0] if enquiry.question.strip() else ""
    question = question if len(question) <= QUESTION_WIDTH else question[: QUESTION_WIDTH - 1] + "…"
    la = " · LA input" if enquiry.needs_la_input else ""
    return assemble(
        ("● " if unread else "  ", "bold $text-accent"),
        (enquiry.status.label, STATUS_STYLE[enquiry.status]),
        (f"  to {enquiry.addressee(state.team)} · from {asker} · {ago(enquiry.opened_at, now)}{la}",
         "$text-muted"),
        (f"\n  {question}", "bold" if unread else ""),
    )


def heading(text: str) -> Option:
    return Option(plain(text, "bold $text-primary"), disabled=True)


class EnquiriesScreen(StateScreen):
    """Open with ``i`` from anywhere; Esc or ``i`` goes back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,i", "back", "Back"),
        Binding("k", "start", "Take it on"),
        Binding("w", "answer", "Answer"),
        Binding("d", "close_answered", "Close: answered"),
        Binding("p", "not_pursued", "Close: not pursued"),
    ]

    DEFAULT_CSS = """
    EnquiriesScreen #enquiry-list { height: 45%; border: none; border-bottom: solid $primary-muted; }
    EnquiriesScreen #enquiry-detail { height: 1fr; }
    """

    SUB_TITLE = "Lines of enquiry"
    COMPACT_FOOTER = False

    def __init__(self, clock: Callable[[], datetime], outbox: Outbox, select: str | None = None) -> None:
        super().__init__()
        self.outbox = outbox
        self._clock = clock
        self._wanted = select

    def compose_body(self) -> ComposeResult:
        yield OptionList(id="enquiry-list")
        yield EnquiryDetail(id="enquiry-detail")

    def on_mount(self) -> None:
        self.enquiry_list.focus()
        self.set_interval(30, self._redraw)

    @property
    def enquiry_list(self) -> OptionList:
        return self.query_one("#enquiry-list", OptionList)

    @property
    def highlighted(self) -> EnquiryView | None:
        if not self.query("#enquiry-list"):
            return None
        option = self.enquiry_list.highlighted_option
        return self.state.evidence.enquiries.get(option.id or "") if option is not None else None

    # ------------------------------------------------------------------ what the app tells us

    def select(self, enquiry_id: str) -> None:
        self._wanted = enquiry_id
        self._redraw()

    def _draw(self) -> None:
        now = self._clock()
        book, me = self.state.evidence, self.state.me
        parts = sections(self.state)
        options: list[Option | None] = []
        ids: list[str] = []
        unread = 0 if me is None else book.unread_inbox(me)
        mine = f"you or {me.inspectorate.label}" if me else "you"

        def add(title: str, enquiries: list[EnquiryView], empty: str, inbox: bool = False) -> None:
            options.append(heading(title))
            if not enquiries:
                options.append(Option(plain(f"  {empty}", "$text-muted italic"), disabled=True))
            for enquiry in enquiries:
                is_unread = inbox and enquiry.id not in book.read_enquiries
                options.append(Option(option_prompt(enquiry, self.state, now, is_unread), id=enquiry.id))
                ids.append(enquiry.id)

        sending = [c for c in book.pending.values() if isinstance(c, OpenEnquiry)]
        if sending:
            options.append(heading("⇡ Not yet confirmed by the server"))
            options += [Option(plain(f"  {c.question.splitlines()[0][:90]}", "$text-warning"),
                               disabled=True) for c in sending]
        add(f"Inbox — addressed to {mine} · {unread} unread", parts.inbox, "Nothing waits for you.", inbox=True)
        add("Asked by you — not closed yet", parts.asked, "You have no open lines of enquiry: press o to ask one.")
        add("The rest of the team's", parts.others, "None.")
        listing = self.enquiry_list
        keep = self._wanted or (listing.highlighted_option.id if listing.highlighted_option else None)
        self._wanted = None
        listing.set_options(options)
        if ids:
            target = keep if keep in ids else ids[0]
            listing.highlighted = next(i for i, o in enumerate(listing.options) if o.id == target)
        self._show_detail()

    def _show_detail(self) -> None:
        enquiry = self.highlighted
        detail = self.query_one("#enquiry-detail", EnquiryDetail)
        if enquiry is None:
            detail.show(plain("No line of enquiry yet. Press o to ask another inspectorate a question.",
                                       "$text-muted italic"))
        else:
            detail.show(describe_enquiry(enquiry, self.state, self.tz, self._clock(), self._steps(enquiry)))
            me = self.state.me
            if me is not None and enquiry.addressed_to(me) and enquiry.id not in self.state.evidence.read_enquiries:
                self.post_message(m.EnquiryRead(enquiry.id))
        self.refresh_bindings()

    @on(OptionList.OptionHighlighted, "#enquiry-list")
    def _highlighted(self) -> None:
        self._show_detail()

    @on(OptionList.OptionSelected, "#enquiry-list")
    def _selected(self) -> None:
        self.query_one("#enquiry-detail").focus()

    # ------------------------------------------------------------------ which keys apply

    def _steps(self, enquiry: EnquiryView) -> frozenset[Step]:
        return available_steps(enquiry, self.state.me, self.state.evidence.pending_on(enquiry.id))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        step = STEP_ACTIONS.get(action)
        if step is None:
            return True
        enquiry = self.highlighted
        return enquiry is not None and step in self._steps(enquiry)

    def _allowed(self, action: str) -> EnquiryView | None:
        return self.highlighted if self.check_action(action, ()) else None

    def _form_context(self) -> EnquiryContext | None:
        me = self.state.me
        if me is None:
            return None
        return EnquiryContext(self._clock(), self.tz, tuple(self.state.members()), me,
                              tuple(finding_candidates(self.state)))

    # ------------------------------------------------------------------ actions

    def _send(self, command: Command | None) -> None:
        if command is not None:
            self.outbox.send(command)  # the triangulation feature redraws this screen and the board's detail

    def action_start(self) -> None:
        if (enquiry := self._allowed("start")) is not None:
            self._send(StartEnquiry(id=uuid.uuid4().hex, enquiry_id=enquiry.id))

    def action_answer(self) -> None:
        if (enquiry := self._allowed("answer")) is not None and (ctx := self._form_context()) is not None:
            self.app.push_screen(answer_form(enquiry, ctx), self._send)

    def action_close_answered(self) -> None:
        if (enquiry := self._allowed("close_answered")) is not None and (ctx := self._form_context()) is not None:
            self.app.push_screen(close_form(enquiry, ctx, EnquiryOutcome.ANSWERED), self._send)

    def action_not_pursued(self) -> None:
        if (enquiry := self._allowed("not_pursued")) is not None and (ctx := self._form_context()) is not None:
            self.app.push_screen(close_form(enquiry, ctx, EnquiryOutcome.NOT_PURSUED), self._send)
