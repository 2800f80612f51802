"""The case sample: every sampled case with who tracks it and how far they have got, the team's progress, and the
highlighted case in full below.

Child-protection framework ¶38–43: at least 50 cases drawn at random and balanced, three good-practice cases the
local authority picks, a subset where inspectors meet the child or family, and cases added for lines of enquiry.
Keys are offered only for what this user may do on the highlighted case (the lead allocates; the allocated
inspector or the lead records progress; anyone adds a case); the server still decides, and a refusal shows on the
case. Everything is redrawn from TeamState as events arrive, so everyone sees progress live. The screen asks the
app, by message, to send a command or open a child's journey.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from shared.annex_a import AgeBand, CaseRecord
from shared.annex_a_lists import AnnexAView, in_view
from shared.cases import DrawSample, ImportCases, TrackingStatus
from shared.day_one import has_checklist
from shared.enquiries import EnquiryStatus
from shared.protocol import Command, Inspector
from shared.sampling import Selection
from shared.vocabulary import Role
from tui import messages as m
from tui.cases.balance_screen import BalanceScreen
from tui.cases.book import DONE, DRAW_KEY, IMPORT_KEY, CaseBook, CaseProgress, CaseView
from tui.cases.forms import DrawForm, add_form, allocate_form, new_seed, progress_form
from tui.cases.import_dialog import CaseImport
from tui.cases.lists_screen import ListsScreen
from tui.cases.requests_screen import RequestsScreen
from tui.clock.reporting_clock import today_for
from tui.outbox import Outbox
from tui.state import TeamState
from tui.triangulation.book import EnquiryView
from tui.widgets.plain import assemble, plain
from tui.widgets.state_screen import StateScreen

CASE_KEYS: tuple[tuple[str, str], ...] = (
    ("w  p", "allocate (lead) · record progress (its inspector, the lead)"),
    ("+  c", "add a case, with a reason · the child's journey (or Enter)"),
    ("f", "your cases only, or the whole sample"),
    ("I  d  b", "import Annex A · draw the sample (lead) · balance report"),
    ("v", "Annex A's lists (S47 to conference, unallocated…): open one, add its cases"),
    ("r", "the day-one requests: what the local authority has sent (child-protection; the lead ticks them off)"),
    ("● … ✗", "meet the child or family · yours on its way · refused"),
)
"""For the help screen: the keys on this screen, in its words."""

ACTION_HINTS = {
    "allocate": "w allocate",
    "progress": "p record progress",
    "case_journey": "c child's journey",
}

SELECTION_SHORT = {Selection.RANDOM: "R", Selection.GOOD_PRACTICE: "GP", Selection.LINE_OF_ENQUIRY: "LoE"}
STATUS_SHORT = {
    TrackingStatus.NOT_STARTED: "Not started",
    TrackingStatus.IN_PROGRESS: "In progress",
    TrackingStatus.TRACKED: "Tracked",
    TrackingStatus.DISCUSSED: "Discussed",
    TrackingStatus.MET: "Met child/fam.",
}
AGE_SHORT = {AgeBand.UNDER_1: "<1", AgeBand.AGE_18_PLUS: "18+"}
"""The two bands whose labels do not fit the age column; the rest ("10–15") do."""
MEET_MARK = "●"
WIDTHS = (10, 3, 1, 5, 1, 14, 6, 11)


def clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def inspector_name(team: Mapping[int, Inspector], inspector_id: int | None) -> str:
    if inspector_id is None:
        return ""
    member = team.get(inspector_id)
    return member.name if member else f"inspector {inspector_id}"


def column_titles() -> str:
    titles = ("Child ID", "Sel", MEET_MARK, "Age", "G", "Team", "Worker", "Tracked by")
    return " ".join(f"{title:<{width}}" for title, width in zip(titles, WIDTHS, strict=True)) + "  Status"


def case_row(view: CaseView, team: Mapping[int, Inspector]) -> str:
    """``NM-1001    R   ● 10–15 F Assessment No… 7F3A9C Ben Okafor   Met child/fam.``"""
    record = view.record
    cells = (
        view.child_id,
        SELECTION_SHORT[view.selection],
        MEET_MARK if view.meet_child_or_family else "",
        AGE_SHORT.get(record.age_band, record.age_band.label) if record and record.age_band else "",
        (record.gender or "")[:1] if record else "",
        (record.team or "") if record else "",
        (record.worker or "").removeprefix("Worker ") if record else "",
        inspector_name(team, view.inspector_id),
    )
    mark = "✗" if view.refusal is not None else "…" if view.sending else " "
    return " ".join(f"{clip(cell, width):<{width}}" for cell, width in zip(cells, WIDTHS, strict=True)) + (
        f" {mark}{STATUS_SHORT[view.status]}"
    )


def day(value: date | None) -> str:
    return f"{value:%d/%m/%Y}" if value else "—"


def period(start: date | None, end: date | None) -> str:
    if start is None and end is None:
        return "—"
    return f"{day(start)} – {day(end)}" if end else f"from {day(start)}"


def annex_a_facts(record: CaseRecord) -> str:
    """What the rest of Annex A says of the case, in one line; empty when it says nothing."""
    facts = [f"on List {', '.join(map(str, record.lists))}" if record.lists else "",
             record.referral_type.label if record.referral_type else "",
             "re-referral" if record.re_referral else "",
             f"ICPC {day(record.icpc_date)}" if record.icpc_date else "",
             f"CAF {day(record.caf_date)}" if record.caf_date else "",
             "unallocated" if record.unallocated else "",
             "emergency protection/order/police protection (6 months)" if record.emergency_order else ""]
    return " · ".join(fact for fact in facts if fact)


def describe_case(view: CaseView, team: Mapping[int, Inspector], enquiry: str | None, actions: str) -> Content:
    """The highlighted case in full: why it is in the sample, what the list says, who tracks it and how far."""
    record = view.record
    parts: list[str | tuple[str, str]] = [(view.child_id, "bold"), f" · {view.selection.label}"]
    if view.meet_child_or_family:
        parts.append((f" · {MEET_MARK} meet the child or family (¶40)", "$text-accent"))
    parts.append("\n")
    if record is None:
        parts.append(("Not on the imported Annex A list.\n", "$text-warning"))
    else:
        disability = "not recorded" if record.disability is None else ("yes" if record.disability else "no")
        facts = [record.age_band.label if record.age_band else "age not recorded", record.gender or "gender —",
                 record.ethnicity or "ethnicity —", f"disability: {disability}",
                 f"legal status {record.legal_status or '—'}"]
        parts.append(" · ".join(facts) + "\n")
        where = f"closed {day(record.closed_date)}" if record.closed_date else "current"
        parts.append(f"{record.team or 'No team'} · {record.worker or 'Unallocated'} · {where}\n")
        contact = f"{day(record.contact_date)}" + (f" ({record.contact_source})" if record.contact_source else "")
        referral = f"{day(record.referral_date)}" + (f" ({record.referral_source})" if record.referral_source else "")
        plan, cin = period(record.cp_plan_start, record.cp_plan_end), period(record.cin_start, record.cin_end)
        parts.append(f"Contact {contact} · referral {referral} · CP plan {plan} · CIN {cin}\n")
        if annex := annex_a_facts(record):
            parts.append(annex + "\n")
    who = inspector_name(team, view.inspector_id)
    parts += [("Tracked by ", "$text-muted"), who or "nobody yet", (" · ", "$text-muted"), view.status.label]
    if view.sending:
        parts.append(("  … on its way to the server", "$text-muted"))
    parts.append("\n")
    if view.refusal is not None:
        parts.append((f"✗ The server refused: {view.refusal.message or 'no reason given'}\n", "$text-error"))
    if view.reason:
        parts += [("Why: ", "$text-muted"), view.reason + "\n"]
    if enquiry:
        parts += [("Line of enquiry: ", "$text-muted"), enquiry + "\n"]
    if actions:
        parts.append((actions, "$text-muted"))
    return assemble(*parts)


def progress_lines(book: CaseBook, team: Mapping[int, Inspector], mine: CaseProgress | None) -> Content:
    """The list's provenance, the headline count, and counts per status and per inspector."""
    parts: list[str | tuple[str, str]] = []
    if not book.cases:
        parts.append("No Annex A list imported yet.")
    else:
        sources = ", ".join(book.sources)
        parts.append(f"{len(book.cases)} cases imported ({clip(sources, 30)})")
        drawn = book.drawn
        if drawn is not None:
            parts.append(f" · drawn {drawn.drawn_on:%d %b}, seed {drawn.seed}, from {drawn.eligible} eligible")
        else:
            parts.append(" · no sample drawn yet")
    importing = book.pending_of(ImportCases)
    if importing:
        count = len({case.child_id for c in importing if isinstance(c, ImportCases) for case in c.cases})
        parts.append((f" · importing {count} cases…", "$text-accent"))
    if book.pending_of(DrawSample):
        parts.append((" · drawing…", "$text-accent"))
    for key, what in ((IMPORT_KEY, "import"), (DRAW_KEY, "draw")):
        refusal = book.refusals.get(key)
        if refusal is not None:
            parts.append((f" · ✗ {what} refused: {refusal.message or 'no reason given'}", "$text-error"))
    progress = book.progress()
    parts += ["\n", (progress.line, "bold"), f" · {progress.to_meet} to meet"]
    if mine is not None:
        parts.append((f" · yours {mine.tracked}/{mine.sampled} (f: all)", "$text-accent"))
    else:
        parts.append((" · all cases (f: yours)", "$text-muted"))
    parts.append("\n")
    parts.append(" · ".join(f"{STATUS_SHORT[status].lower()} {progress.by_status.get(status, 0)}"
                            for status in TrackingStatus) + "\n")
    people = sorted((inspector_name(team, inspector_id), counts)
                    for inspector_id, counts in progress.by_inspector.items() if inspector_id is not None)
    per = [f"{name} {sum(n for s, n in counts.items() if s in DONE)}/{sum(counts.values())}" for name, counts in people]
    per.append(f"unallocated {sum(progress.by_inspector.get(None, Counter()).values())}")
    parts += [("tracked/allocated: ", "$text-muted"), " · ".join(per)]
    return assemble(*parts)


def requests_screen(state: TeamState, clock: Callable[[], datetime], outbox: Outbox) -> RequestsScreen:
    """The day-one checklist over the app's case book: the lead may tick items off, in the inspection's today."""
    me = state.me
    return RequestsScreen(state.cases, may_tick=me is not None and me.role is Role.LEAD,
                          today=lambda: today_for(state.inspection, clock()), send=outbox.send)


class CasesScreen(StateScreen):
    """Open with ``K`` (or the palette) from anywhere; Esc or ``K`` goes back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,K", "back", "Back"),
        Binding("w", "allocate", "Allocate"),
        Binding("p", "progress", "Progress"),
        Binding("plus", "add", "Add", key_display="+"),
        Binding("c", "case_journey", "Journey"),
        Binding("f", "mine", "Mine/all"),
        Binding("I", "import_cases", "Import", key_display="I", show=False,
                tooltip="Import the Annex A list, CSV or XLSX (lead)"),
        Binding("d", "draw", "Draw", show=False, tooltip="Draw the balanced sample, with a recorded seed (lead)"),
        Binding("b", "balance", "Balance", show=False, tooltip="How the drawn sample is balanced"),
        Binding("v", "views", "Lists", show=False, tooltip="Annex A's lists, computed from the imported cases"),
        Binding("r", "requests", "Requests", show=False,
                tooltip="The day-one request checklist: what the local authority has sent (CP ¶27)"),
    ]
    """Keys the app uses everywhere (i, o, l, u, t, a, s, m, g, !) are left alone; ``c`` opens the highlighted
    case's journey here, as it opens the highlighted finding's on the board."""

    DEFAULT_CSS = """
    CasesScreen #case-progress { height: auto; max-height: 5; padding: 0 1; }
    CasesScreen #case-columns { height: 1; padding: 0 1; color: $text-muted; }
    CasesScreen #case-list { height: 1fr; min-height: 4; border: none; }
    CasesScreen #case-detail { height: 8; border-top: solid $primary-muted; padding: 0 1; }
    """

    SUB_TITLE = "Case sample and tracking"

    def __init__(self, clock: Callable[[], datetime], outbox: Outbox) -> None:
        super().__init__()
        self._clock = clock
        self.outbox = outbox
        self.only_mine = False
        self.views: dict[str, CaseView] = {}

    def compose_body(self) -> ComposeResult:
        yield Static(id="case-progress")
        yield Static(column_titles(), id="case-columns")
        yield OptionList(id="case-list")
        with VerticalScroll(id="case-detail"):
            yield Static(id="case-detail-body")

    def on_mount(self) -> None:
        self.listing.focus()

    # ------------------------------------------------------------------ shortcuts

    @property
    def listing(self) -> OptionList:
        return self.query_one("#case-list", OptionList)

    @property
    def me(self) -> Inspector | None:
        return self.state.me

    @property
    def is_lead(self) -> bool:
        return self.me is not None and self.me.role is Role.LEAD

    @property
    def selected(self) -> CaseView | None:
        if not self._composed:
            return None
        option = self.listing.highlighted_option
        return self.views.get(option.id) if option is not None and option.id is not None else None

    @property
    def list_text(self) -> str:
        """Every row, as plain text (for tests)."""
        listing = self.listing
        return "\n".join(str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count))

    @property
    def progress_text(self) -> str:
        return str(self.query_one("#case-progress", Static).content)

    @property
    def detail_text(self) -> str:
        return str(self.query_one("#case-detail-body", Static).content)

    def select(self, child_id: str) -> None:
        """Highlight one case (for tests)."""
        self.listing.highlighted = self.listing.get_option_index(child_id)

    # ------------------------------------------------------------------ what the app tells us

    def _draw(self) -> None:
        book, me = self.state.cases, self.me
        mine_only = self.only_mine and me is not None
        rows = book.views(me.id if mine_only and me else None)
        self.views = {row.child_id: row for row in rows}
        mine = book.progress(rows) if mine_only else None
        self.query_one("#case-progress", Static).update(progress_lines(book, self.state.team, mine))
        listing = self.listing
        current = listing.highlighted_option.id if listing.highlighted_option else None
        team = self.state.team
        listing.set_options([Option(plain(case_row(row, team), one_line=True), id=row.child_id) for row in rows])
        if rows:
            listing.highlighted = listing.get_option_index(current if current in self.views else rows[0].child_id)
        self._show_detail()

    def _show_detail(self) -> None:
        view = self.selected
        body = self.query_one("#case-detail-body", Static)
        if view is None:
            body.update(self._empty_text())
        else:
            hints = " · ".join(hint for action, hint in ACTION_HINTS.items() if self.check_action(action, ()))
            enquiry = self.state.evidence.enquiries.get(view.enquiry_id) if view.enquiry_id else None
            body.update(describe_case(view, self.state.team, enquiry.question if enquiry else None,
                                      f"You may: {hints}" if hints else ""))
        self.refresh_bindings()

    def _empty_text(self) -> str:
        book = self.state.cases
        if self.only_mine and book.views():
            return "No sampled case is allocated to you yet. f shows the whole sample."
        if not book.cases:
            return ("Press I to import the local authority's Annex A list (CSV or XLSX), then d to draw the sample."
                    if self.is_lead else "The lead imports the Annex A list and draws the sample; the cases appear "
                    "here as soon as they do.")
        if self.is_lead:
            return "Press d to draw the sample: 50 cases by default, balanced as ¶38 asks, plus good practice."
        return "No sample drawn yet: the lead draws it. You can add a case for a line of enquiry with +."

    @on(OptionList.OptionHighlighted, "#case-list")
    def _highlighted(self) -> None:
        self._show_detail()

    @on(OptionList.OptionSelected, "#case-list")
    def _chosen(self) -> None:
        self.action_case_journey()

    # ------------------------------------------------------------------ which keys apply

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Only what this user may do now, on the highlighted case."""
        book, me, view = self.state.cases, self.me, self.selected
        if action in ("allocate", "progress"):
            if me is None or view is None or not book.in_sample(view.child_id):
                return False
            return self.is_lead or (action == "progress" and view.inspector_id == me.id)
        if action == "case_journey":
            return view is not None
        if action == "add":
            return me is not None and bool(book.unsampled())
        if action == "import_cases":
            return self.is_lead
        if action == "draw":  # the server refuses a redraw once work has started on the sample
            return self.is_lead and bool(book.cases) and not book.under_way()
        if action == "balance":
            return book.drawn is not None
        if action == "views":
            return bool(book.cases)
        if action == "requests":
            return self.state.inspection is not None and has_checklist(self.state.inspection.framework)
        return True

    # ------------------------------------------------------------------ actions

    def _send(self, command: Command | None) -> None:
        if command is not None:
            self.outbox.send(command)
            self.show(self.state)

    def _sent_batches(self, batches: list[ImportCases] | None) -> None:
        if not batches:
            return
        for batch in batches:
            self.outbox.send(batch)
        self.show(self.state)
        count = len({case.child_id for batch in batches for case in batch.cases})
        self.notify(f"{count} cases in {len(batches)} batch{'es' if len(batches) > 1 else ''}; the workers' names "
                    "were not kept.", title="Importing the Annex A list")

    def action_mine(self) -> None:
        self.only_mine = not self.only_mine
        self._redraw()

    def action_allocate(self) -> None:
        view = self.selected
        if view is not None and self.check_action("allocate", ()):
            self.app.push_screen(allocate_form(view.child_id, self.state.members(), view.inspector_id),
                                 self._send)

    def action_progress(self) -> None:
        view = self.selected
        if view is not None and self.check_action("progress", ()):
            self.app.push_screen(progress_form(view.child_id, view.status), self._send)

    def action_add(self) -> None:
        if not self.check_action("add", ()):
            return
        self.app.push_screen(add_form(self.state.cases.unsampled(), self._open_enquiries()), self._send)

    def action_views(self) -> None:
        book = self.state.cases
        if self.check_action("views", ()):
            sampled = {view.child_id for view in book.views()}
            self.app.push_screen(ListsScreen(list(book.cases.values()), sampled), self._add_from)

    def _add_from(self, view: AnnexAView | None) -> None:
        """A list chosen on the lists screen: offer its cases not yet in the sample, the list's words as the reason."""
        if view is None or not self.check_action("add", ()):
            return
        candidates = in_view(view, self.state.cases.unsampled())
        if not candidates:
            self.notify("Every case on this list is already in the sample.", title="Annex A")
            return
        self.app.push_screen(add_form(candidates, self._open_enquiries(), reason=f"Annex A: {view.label}"), self._send)

    def _open_enquiries(self) -> list[EnquiryView]:
        enquiries = [e for e in self.state.evidence.enquiries.values() if e.status is not EnquiryStatus.CLOSED]
        return sorted(enquiries, key=lambda e: e.opened_at, reverse=True)

    def action_case_journey(self) -> None:
        view = self.selected
        if view is not None:
            self.post_message(m.OpenJourney(view.child_id))

    def action_import_cases(self) -> None:
        if not self.check_action("import_cases", ()):
            return
        inspection = self.state.inspection
        salt = bytes.fromhex(inspection.case_salt) if inspection and inspection.case_salt else None
        self.app.push_screen(CaseImport(today=today_for(inspection, self._clock()), salt=salt), self._sent_batches)

    def action_draw(self) -> None:
        if self.check_action("draw", ()):
            book, today = self.state.cases, today_for(self.state.inspection, self._clock())
            self.app.push_screen(DrawForm(list(book.cases.values()), new_seed(), today=today,
                                          redraw=book.drawn is not None), self._send)

    def action_requests(self) -> None:
        if self.check_action("requests", ()):
            self.app.push_screen(requests_screen(self.state, self._clock, self.outbox))

    def action_balance(self) -> None:
        book = self.state.cases
        report = book.balance()
        if report is not None and book.drawn is not None:
            self.app.push_screen(BalanceScreen(report, book.drawn))
