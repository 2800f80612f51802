"""The app's side of triangulation: lines of enquiry, links between findings, the triangulation view, a child's
journey, and mentions.

A mixin for TriangulateApp, like AlertsMixin, so app.py only calls a few hooks from its message loop. What
the screens show is worked out from state alone (the book and the views); this module decides when
to tell the user something happened — a live enquiry addressed to them, an answer to theirs, a link to their
finding, an ``@mention`` of them in any text — and opens the screens and forms.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from shared import kinds
from shared.catalogue import read_payload
from shared.enquiries import EnquiryMoved, EnquiryOpened, mentioned
from shared.protocol import Command, Event
from shared.triangulation import FindingLinked
from shared.vocabulary import Role
from tui.board.filter_query import NO_AREA, build_query
from tui.refs import ref
from tui.state import FindingView, TeamState
from tui.store import LocalStore
from tui.timefmt import Clock, zone
from tui.triangulation.book import EVIDENCE_KINDS, EnquiryView
from tui.triangulation.enquiries_screen import EnquiriesScreen
from tui.triangulation.enquiry_forms import EnquiryContext, open_form
from tui.triangulation.journey_screen import JourneyScreen
from tui.triangulation.link_form import Candidate, LinkForm
from tui.triangulation.screen import TriangulationScreen
from tui.triangulation.unlink_dialog import LinkChoice, UnlinkDialog
from tui.widgets.labels import AGENCY_SHORT, INSPECTORATE_SHORT, KIND_SHORT, short
from tui.widgets.support import finding_summary, other_end, relation_words

if TYPE_CHECKING:
    from tui.board.screen import BoardScreen

    _Base = App[None]
else:
    _Base = object

EVIDENCE_BINDINGS = [
    Binding("i", "enquiries", "Enquiries", show=False),
    Binding("o", "ask", "Ask", show=False),
    Binding("l", "link", "Link", show=False),
    Binding("u", "unlink", "Unlink", show=False),
    Binding("t", "triangulation", "Triangulate", show=False),
    Binding("c", "journey", "Child's journey", show=False),
]
"""Keys on every screen, none in the footer (the board shows i): help (?) and the palette (ctrl+p) list them all."""

TEXT_FIELDS = ("text", "question", "why", "answer", "reason", "summary", "immediate_action", "note", "response",
               "outcome", "title")
"""Where an ``@mention`` can be, in any event's data: findings, enquiries, alert steps, meeting minutes."""

EVIDENCE_SCREENS = (EnquiriesScreen, TriangulationScreen, JourneyScreen)


def candidate_line(view: FindingView, width: int = 94) -> str:
    """One line per finding in the link form's list: ref, inspectorate, agency, kind, then the first line."""
    f = view.fields
    line = (f"{ref(view.id):<9} {short(INSPECTORATE_SHORT, view.author.inspectorate):<8} "
            f"{short(AGENCY_SHORT, f.agency):<9} {short(KIND_SHORT, f.kind):<11} {view.first_line}")
    return line if len(line) <= width else line[: width - 1] + "…"


def texts_of(event: Event) -> list[str]:
    return [value for key in TEXT_FIELDS if isinstance(value := event.data.get(key), str) and "@" in value]


class EvidenceMixin(_Base):
    """Triangulation for TriangulateApp; call ``_evidence_init`` from ``__init__``."""

    # provided by TriangulateApp
    state: TeamState
    now: Clock
    store: LocalStore
    board: BoardScreen
    _outgoing: asyncio.Queue[Command]

    _is_news: Callable[[int, int], bool]
    send_command: Callable[[Command], None]

    def _evidence_init(self) -> None:
        self._evidence_dirty = False
        self._evidence_pending: frozenset[str] = frozenset()

    # ------------------------------------------------------------------ hooks from app.py

    def _evidence_loaded(self) -> None:
        """A whole state was loaded (cache, or a reset): bring back which enquiries were read."""
        self.state.evidence.read_enquiries |= self.store.read_marks()
        self._evidence_dirty = True
        self._evidence_refresh()

    def _evidence_event(self, event: Event) -> None:
        """Every event folded in: note evidence changes, and tell the user what concerns them if it is news."""
        if event.kind in EVIDENCE_KINDS:
            self._evidence_dirty = True
        me = self.state.me
        if me is None or event.actor is None or not self._is_news(event.seq, event.actor.id):
            return
        texts = texts_of(event)
        if texts and any(me.id in mentioned(text, self.state.team.values()) for text in texts):
            self._announce_mention(event, texts)
        payload = read_payload(event)
        if isinstance(payload, EnquiryOpened | EnquiryMoved):
            enquiry = self.state.evidence.enquiries.get(payload.enquiry_id)
            if enquiry is not None:
                self._announce_enquiry(event, enquiry)
        elif isinstance(payload, FindingLinked):
            self._announce_link(event, payload.link_id)

    def _evidence_after_batch(self, findings_changed: bool = False) -> None:
        """Redraw what shows evidence if anything it counts changed (including our commands' fate)."""
        pending = frozenset(self.state.evidence.pending)
        if self._evidence_dirty or findings_changed or pending != self._evidence_pending:
            self._evidence_dirty = False
            self._evidence_pending = pending
            self._evidence_refresh()

    # ------------------------------------------------------------------ noise

    def _announce_mention(self, event: Event, texts: list[str]) -> None:
        who = event.actor.name if event.actor else "Someone"
        where = event.kind.split(".")[0].replace("finding", "a finding").replace("enquiry", "a line of enquiry")
        where = where.replace("alert", "an alert").replace("meeting", "the minutes").replace("agenda", "the agenda")
        self.notify(texts[0][:200], title=f"@ {who} mentioned you in {where}", severity="warning", timeout=12)

    def _announce_enquiry(self, event: Event, enquiry: EnquiryView) -> None:
        me = self.state.me
        assert me is not None and event.actor is not None
        who = event.actor.name
        question = enquiry.question.strip().splitlines()[0][:120] if enquiry.question.strip() else ""
        asked = enquiry.asker is not None and enquiry.asker.id == me.id
        if event.kind == kinds.ENQUIRY_OPENED and enquiry.addressed_to(me):
            self.notify(f"{who}: {question}  (i: enquiries)", title="New line of enquiry for you", timeout=12)
        elif event.kind == kinds.ENQUIRY_STARTED and asked:
            self.notify(f"{who} took on: {question}", title="Your line of enquiry")
        elif event.kind == kinds.ENQUIRY_ANSWERED and asked:
            self.notify(f"{who}: {(enquiry.answer or '')[:160]}  (i, then d to close it)",
                        title="Your line of enquiry was answered", timeout=12)
        elif event.kind == kinds.ENQUIRY_CLOSED and enquiry.addressed_to(me):
            self.notify(f"{who} closed it ({enquiry.outcome.label.lower() if enquiry.outcome else ''}): {question}",
                        title="Line of enquiry closed")

    def _announce_link(self, event: Event, link_id: str) -> None:
        me = self.state.me
        book = self.state.evidence
        link = book.links.get(link_id)
        if me is None or link is None or event.actor is None:
            return
        for finding_id in (link.finding_id, link.other_finding_id):
            view = self.state.findings.get(finding_id)
            if view is not None and view.author.id == me.id:
                other = other_end(link, finding_id)
                words = f"{ref(finding_id)} {relation_words(link, finding_id)} {ref(other)}"
                self.notify(f"{event.actor.name}: {words} — now {view.support.label.lower()}",
                            title="Your finding was linked",
                            severity="warning" if link.relation.value == "contradicts" else "information")
                return

    # ------------------------------------------------------------------ views

    def _evidence_refresh(self) -> None:
        if not self.is_running or not self.board.is_mounted:
            return
        me = self.state.me
        unread = self.state.evidence.unread_inbox(me) if me else 0
        self.board.status_line.set_status(enquiries=unread)
        self.board.refresh_detail()
        for screen in self.screen_stack:
            if isinstance(screen, EVIDENCE_SCREENS):
                screen.show(self.state)

    def _push(self, screen: Screen[Any]) -> None:
        self.push_screen(screen)
        screen.show(self.state)  # type: ignore[attr-defined]

    def _focused_finding(self) -> FindingView | None:
        """The finding the user is looking at: the journey's highlighted step, else the board's highlighted row."""
        screen = self.screen
        if isinstance(screen, JourneyScreen):
            step = screen.current_step()
            if step is not None and step.what == "finding":
                return self.state.findings.get(step.ref)
        finding_id = self.board.findings.highlighted_id if self.board.is_mounted else None
        return self.state.findings.get(finding_id) if finding_id else None

    def _saved_finding(self, what: str) -> FindingView | None:
        view = self._focused_finding()
        if view is None:
            self.notify(f"Highlight a finding on the board first, then {what}.", severity="warning")
            return None
        if view.version == 0:
            self.notify("That finding has not reached the server yet: link it once it has.", severity="warning")
            return None
        return view

    # ------------------------------------------------------------------ our commands

    def on_enquiries_screen_send(self, message: EnquiriesScreen.Send) -> None:
        self.send_command(message.command)

    def on_enquiries_screen_read(self, message: EnquiriesScreen.Read) -> None:
        if self.state.evidence.mark_read(message.enquiry_id):
            self._save_read_marks(frozenset(self.state.evidence.read_enquiries))
            self._evidence_refresh()

    @work(thread=True, group="read-marks")
    def _save_read_marks(self, marks: frozenset[str]) -> None:
        self.store.save_read_marks(marks)

    def on_triangulation_screen_drill(self, message: TriangulationScreen.Drill) -> None:
        area = message.area.value if message.area is not None else NO_AREA
        self._back_to_board()
        self.board.set_query(build_query(agency=message.agency.value, area=area, text=message.criterion))

    def on_journey_screen_show_finding(self, message: JourneyScreen.ShowFinding) -> None:
        self._back_to_board()
        self.board.set_query(build_query(child=message.child_id), select=message.finding_id)

    def _back_to_board(self) -> None:
        while len(self.screen_stack) > 1 and self.screen is not self.board:
            self.pop_screen()

    # ------------------------------------------------------------------ actions

    def _evidence_commands(self) -> Iterable[SystemCommand]:
        """For the command palette."""
        yield SystemCommand("Open a line of enquiry", "Ask an inspectorate, agency or inspector to test the "
                            "evidence, about the highlighted finding (o)", self.action_ask)
        yield SystemCommand("Lines of enquiry", "Your inbox with unread marks, the ones you asked, the team's (i)",
                            self.action_enquiries)
        yield SystemCommand("Link findings", "Say the highlighted finding corroborates, contradicts or relates to "
                            "another (l)", self.action_link)
        yield SystemCommand("Remove a link", "Withdraw one of your links from the highlighted finding (u)",
                            self.action_unlink)
        yield SystemCommand("Triangulation view", "Agencies × judgement areas: where evidence is thin or in "
                            "conflict (t)", self.action_triangulation)
        yield SystemCommand("Child's journey", "Every finding, enquiry and alert about one child, in time order (c)",
                            self.action_journey)

    def action_enquiries(self) -> None:
        if not isinstance(self.screen, EnquiriesScreen):
            self._push(EnquiriesScreen(self.now))

    def action_triangulation(self) -> None:
        if not isinstance(self.screen, TriangulationScreen):
            self._push(TriangulationScreen())

    def action_journey(self) -> None:
        view = self._focused_finding()
        child = view.fields.child_id if view is not None and view.fields.child_id else ""
        self._push(JourneyScreen(self.now, child))

    def action_ask(self) -> None:
        me = self.state.me
        if me is None:
            self.notify("Not connected yet: the server has not said who you are.", severity="warning")
            return
        inspection = self.state.inspection
        view = self._focused_finding()
        # Only a saved, live finding is offered to cite: a withdrawn one is no longer evidence (shown on request).
        saved = view if view is not None and view.version > 0 and view.withdrawn is None else None
        context = EnquiryContext(self.now(), zone(inspection.timezone if inspection else None),
                                 tuple(self.state.members()), me,
                                 tuple(v.id for v in self.state.saved_findings()), tuple(self.state.withdrawn_ids))
        form = open_form(context, saved.id if saved else None, saved.fields.child_id if saved else None)
        self.push_screen(form, self._sent)

    def _sent(self, command: Command | None) -> None:
        if command is not None:
            self.send_command(command)

    def action_link(self) -> None:
        view = self._saved_finding("press l to link it")
        if view is None:
            return
        candidates = [self._candidate(v) for v in sorted(self.state.saved_findings(), key=lambda v: v.posted_at,
                                                          reverse=True) if v.id != view.id]
        form = LinkForm(finding_id=view.id, summary=finding_summary(view, view.id, 80),
                        source=self.state.source_of(view.id), candidates=candidates,
                        existing=self.state.evidence.links_of(view.id))
        self.push_screen(form, self._sent)

    def _candidate(self, view: FindingView) -> Candidate:
        f = view.fields
        words = " ".join(filter(None, (
            f.text, f.agency.label, short(AGENCY_SHORT, f.agency), f.kind.label, short(KIND_SHORT, f.kind),
            view.author.name, view.author.inspectorate.label, short(INSPECTORATE_SHORT, view.author.inspectorate),
            f.child_id, f.criterion,
        ))).casefold()
        return Candidate(view.id, candidate_line(view), words, self.state.source_of(view.id))

    def action_unlink(self) -> None:
        view = self._saved_finding("press u to remove one of its links")
        me = self.state.me
        if view is None or me is None:
            return
        book = self.state.evidence
        links = book.links_of(view.id)
        if not links:
            self.notify("This finding has no links.", severity="warning")
            return
        choices = []
        for link in links:
            made = book.made.get(link.id)
            mine = made is not None and made.by is not None and made.by.id == me.id
            by = "" if mine else f"  (by {made.by.name if made and made.by else 'someone'})"
            other = other_end(link, view.id)
            line = f"{relation_words(link, view.id)} {finding_summary(self.state.findings.get(other), other, 50)}"
            line = (line if len(line) + len(by) <= 92 else line[: 91 - len(by)] + "…") + by
            choices.append(LinkChoice(link.id, line, mine or me.role is Role.LEAD))
        self.push_screen(UnlinkDialog(finding_summary(view, view.id, 80), choices), self._sent)

