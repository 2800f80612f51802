"""The triangulation feature: lines of enquiry, links between findings, the triangulation view, a child's journey,
and mentions.

What the screens show is worked out from state alone (the book and the views); this feature decides when to tell
the user something happened — a live enquiry addressed to them, an answer to theirs, a link to their finding, an
``@mention`` of them in any text — and opens the screens and forms.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.app import SystemCommand
from textual.screen import Screen

from shared import kinds
from shared.enquiries import EnquiryMoved, EnquiryOpened, mentioned
from shared.protocol import Command, Event
from shared.triangulation import FindingLinked
from shared.vocabulary import Role
from tui import messages as m
from tui.board.filter_query import NO_AREA, build_query
from tui.board.screen import BoardScreen
from tui.feature import Batch, Feature, Folded, Host, feature_key
from tui.refs import ref
from tui.state import FindingView
from tui.timefmt import zone
from tui.triangulation.book import EVIDENCE_KINDS, EnquiryView
from tui.triangulation.candidates import finding_candidates
from tui.triangulation.enquiries_screen import EnquiriesScreen
from tui.triangulation.enquiry_forms import EnquiryContext, open_form
from tui.triangulation.journey_screen import JourneyScreen
from tui.triangulation.link_form import LinkForm
from tui.triangulation.screen import TriangulationScreen
from tui.triangulation.unlink_dialog import LinkChoice, UnlinkDialog
from tui.widgets.support import finding_summary, other_end, relation_words

TEXT_FIELDS = ("text", "question", "why", "answer", "reason", "summary", "immediate_action", "note", "response",
               "outcome", "title")
"""Where an ``@mention`` can be, in any event's data: findings, enquiries, alert steps, meeting minutes."""

EVIDENCE_SCREENS = (EnquiriesScreen, TriangulationScreen, JourneyScreen)


def texts_of(event: Event) -> list[str]:
    return [value for key in TEXT_FIELDS if isinstance(value := event.data.get(key), str) and "@" in value]


class TriangulationFeature(Feature):
    """Triangulation: ``i`` enquiries, ``o`` ask, ``l``/``u`` link and unlink, ``t`` the view, ``c`` a journey."""

    name = "triangulation"
    BINDINGS = [
        feature_key(name, "i", "enquiries", "Enquiries", show=False),
        feature_key(name, "o", "ask", "Ask", show=False),
        feature_key(name, "l", "link", "Link", show=False),
        feature_key(name, "u", "unlink", "Unlink", show=False),
        feature_key(name, "t", "triangulation", "Triangulate", show=False),
        feature_key(name, "c", "journey", "Child's journey", show=False),
    ]
    """Keys on every screen, none in the footer (the board shows i): help (?) and the palette (ctrl+p) list them."""

    def __init__(self, host: Host) -> None:
        super().__init__(host)
        self._dirty = False
        self._pending: frozenset[str] = frozenset()

    # ------------------------------------------------------------------ hooks

    def loaded(self) -> None:
        """A whole state was loaded (cache, or a reset): bring back which enquiries were read."""
        self.host.state.evidence.read_enquiries |= self.host.store.read_marks()
        self._dirty = True
        self._refresh()

    def after_batch(self, batch: Batch) -> None:
        """Tell the user what concerns them in the news; redraw what shows evidence if anything it counts changed."""
        for folded in batch.events:
            if folded.event.kind in EVIDENCE_KINDS:
                self._dirty = True
            if folded.news:
                self._announce(folded)
        self._redraw_if_changed(bool(batch.changed))

    def sent(self, command: Command) -> None:
        self._redraw_if_changed()  # our command shows as on its way

    def request(self, request: m.Request) -> None:
        match request:
            case m.EnquiryRead(enquiry_id=enquiry_id):
                if self.host.state.evidence.mark_read(enquiry_id):
                    marks = frozenset(self.host.state.evidence.read_enquiries)
                    self.host.run_worker(lambda: self.host.store.save_read_marks(marks), group="read-marks",
                                         thread=True)
                    self._refresh()
            case m.Drill(agency=agency, area=area, criterion=criterion):
                self._back_to_board().set_query(build_query(agency=agency.value, area=area.value if area else NO_AREA,
                                                            text=criterion))
            case m.ShowFinding(child_id=child_id, finding_id=finding_id):
                self._back_to_board().set_query(build_query(child=child_id), select=finding_id)
            case m.OpenJourney(child_id=child_id):
                self._push(JourneyScreen(self.host.now, child_id))

    def commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
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

    # ------------------------------------------------------------------ noise

    def _announce(self, folded: Folded) -> None:
        """A teammate's event the user has not seen: a mention of them, an enquiry for or from them, a link."""
        event, payload, state = folded.event, folded.payload, self.host.state
        me = state.me
        if me is None or event.actor is None:
            return
        texts = texts_of(event)
        if texts and any(me.id in mentioned(text, state.team.values()) for text in texts):
            self._announce_mention(event, texts)
        if isinstance(payload, EnquiryOpened | EnquiryMoved):
            enquiry = state.evidence.enquiries.get(payload.enquiry_id)
            if enquiry is not None:
                self._announce_enquiry(event, enquiry)
        elif isinstance(payload, FindingLinked):
            self._announce_link(event, payload.link_id)

    def _announce_mention(self, event: Event, texts: list[str]) -> None:
        who = event.actor.name if event.actor else "Someone"
        where = event.kind.split(".")[0].replace("finding", "a finding").replace("enquiry", "a line of enquiry")
        where = where.replace("alert", "an alert").replace("meeting", "the minutes").replace("agenda", "the agenda")
        self.host.notify(texts[0][:200], title=f"@ {who} mentioned you in {where}", severity="warning", timeout=12)

    def _announce_enquiry(self, event: Event, enquiry: EnquiryView) -> None:
        me, notify = self.host.state.me, self.host.notify
        assert me is not None and event.actor is not None
        who = event.actor.name
        question = enquiry.question.strip().splitlines()[0][:120] if enquiry.question.strip() else ""
        asked = enquiry.asker is not None and enquiry.asker.id == me.id
        if event.kind == kinds.ENQUIRY_OPENED and enquiry.addressed_to(me):
            notify(f"{who}: {question}  (i: enquiries)", title="New line of enquiry for you", timeout=12)
        elif event.kind == kinds.ENQUIRY_STARTED and asked:
            notify(f"{who} took on: {question}", title="Your line of enquiry")
        elif event.kind == kinds.ENQUIRY_ANSWERED and asked:
            notify(f"{who}: {(enquiry.answer or '')[:160]}  (i, then d to close it)",
                   title="Your line of enquiry was answered", timeout=12)
        elif event.kind == kinds.ENQUIRY_CLOSED and enquiry.addressed_to(me):
            notify(f"{who} closed it ({enquiry.outcome.label.lower() if enquiry.outcome else ''}): {question}",
                   title="Line of enquiry closed")

    def _announce_link(self, event: Event, link_id: str) -> None:
        state = self.host.state
        me, link = state.me, state.evidence.links.get(link_id)
        if me is None or link is None or event.actor is None:
            return
        for finding_id in (link.finding_id, link.other_finding_id):
            view = state.findings.get(finding_id)
            if view is not None and view.author.id == me.id:
                other = other_end(link, finding_id)
                words = f"{ref(finding_id)} {relation_words(link, finding_id)} {ref(other)}"
                self.host.notify(f"{event.actor.name}: {words} — now {view.support.label.lower()}",
                                 title="Your finding was linked",
                                 severity="warning" if link.relation.value == "contradicts" else "information")
                return

    # ------------------------------------------------------------------ views

    def _redraw_if_changed(self, findings_changed: bool = False) -> None:
        """Redraw what shows evidence if anything it counts changed (including our commands' fate)."""
        pending = frozenset(self.host.state.evidence.pending)
        if self._dirty or findings_changed or pending != self._pending:
            self._dirty = False
            self._pending = pending
            self._refresh()

    def _refresh(self) -> None:
        host = self.host
        if not host.is_running or not host.board.is_mounted:
            return
        state, me = host.state, host.state.me
        host.board.status_line.set_status(enquiries=state.evidence.unread_inbox(me) if me else 0)
        host.board.refresh_detail()
        for screen in host.screen_stack:
            if isinstance(screen, EVIDENCE_SCREENS):
                screen.show(state)

    def _push(self, screen: EnquiriesScreen | TriangulationScreen | JourneyScreen) -> None:
        self.host.push_screen(screen)
        screen.show(self.host.state)

    def _back_to_board(self) -> BoardScreen:
        host = self.host
        while len(host.screen_stack) > 1 and host.screen is not host.board:
            host.pop_screen()
        return host.board

    def _focused_finding(self) -> FindingView | None:
        """The finding the user is looking at: the journey's highlighted step, else the board's highlighted row."""
        host = self.host
        screen = host.screen
        if isinstance(screen, JourneyScreen):
            step = screen.current_step()
            if step is not None and step.what == "finding":
                return host.state.findings.get(step.ref)
        finding_id = host.board.findings.highlighted_id if host.board.is_mounted else None
        return host.state.findings.get(finding_id) if finding_id else None

    def _saved_finding(self, what: str) -> FindingView | None:
        view = self._focused_finding()
        if view is None:
            self.host.notify(f"Highlight a finding on the board first, then {what}.", severity="warning")
            return None
        if view.version == 0:
            self.host.notify("That finding has not reached the server yet: link it once it has.", severity="warning")
            return None
        return view

    def _sent(self, command: Command | None) -> None:
        if command is not None:
            self.host.outbox.send(command)

    # ------------------------------------------------------------------ actions

    def action_enquiries(self) -> None:
        if not isinstance(self.host.screen, EnquiriesScreen):
            self._push(EnquiriesScreen(self.host.now, self.host.outbox))

    def action_triangulation(self) -> None:
        if not isinstance(self.host.screen, TriangulationScreen):
            self._push(TriangulationScreen())

    def action_journey(self) -> None:
        view = self._focused_finding()
        child = view.fields.child_id if view is not None and view.fields.child_id else ""
        self._push(JourneyScreen(self.host.now, child))

    def action_ask(self) -> None:
        host = self.host
        state, me = host.state, host.state.me
        if me is None:
            host.notify("Not connected yet: the server has not said who you are.", severity="warning")
            return
        inspection = state.inspection
        view = self._focused_finding()
        # Only a saved, live finding is offered to cite: a withdrawn one is no longer evidence.
        saved = view if view is not None and view.version > 0 and view.withdrawn is None else None
        context = EnquiryContext(host.now(), zone(inspection.timezone if inspection else None),
                                 tuple(state.members()), me, tuple(finding_candidates(state)))
        form = open_form(context, saved.id if saved else None, saved.fields.child_id if saved else None)
        host.push_screen(form, self._sent)

    def action_link(self) -> None:
        view = self._saved_finding("press l to link it")
        if view is None:
            return
        state = self.host.state
        form = LinkForm(finding_id=view.id, summary=finding_summary(view, view.id, 80),
                        source=state.source_of(view.id), candidates=finding_candidates(state, leave_out=view.id),
                        existing=state.evidence.links_of(view.id))
        self.host.push_screen(form, self._sent)

    def action_unlink(self) -> None:
        view = self._saved_finding("press u to remove one of its links")
        state = self.host.state
        me = state.me
        if view is None or me is None:
            return
        book = state.evidence
        links = book.links_of(view.id)
        if not links:
            self.host.notify("This finding has no links.", severity="warning")
            return
        choices = []
        for link in links:
            made = book.made.get(link.id)
            mine = made is not None and made.by is not None and made.by.id == me.id
            by = "" if mine else f"  (by {made.by.name if made and made.by else 'someone'})"
            other = other_end(link, view.id)
            line = f"{relation_words(link, view.id)} {finding_summary(state.findings.get(other), other, 50)}"
            line = (line if len(line) + len(by) <= 92 else line[: 91 - len(by)] + "…") + by
            choices.append(LinkChoice(link.id, line, mine or me.role is Role.LEAD))
        self.host.push_screen(UnlinkDialog(finding_summary(view, view.id, 80), choices), self._sent)
