"""The grade board: every graded judgement of the local authority, health, police and the LSCB, then the
narrative-only agencies, and the highlighted cell in full below. Under the child-protection framework, the local
authority's four judgements alone, in CP ¶44's words (shared.grades.GRADED_BY).

Integrated consultation ¶29, ¶41, ¶59, ¶74: inspectors of the responsible inspectorate propose, the lead records
the grade agreed at the final meeting, the QA manager challenges and signs off (CP ¶31). Keys are offered only
for what the shared rules (shared.grades) allow this user on the highlighted cell; the server still decides,
and a refusal shows on the cell. Warnings are recomputed from the live evidence each time the state changes,
so a grade that becomes corroborated loses its flag. The screen asks the app, by message, to send a command.
The reporting clock sits under the detail: the grades feed the report whose deadlines it counts, and it scrolls
there rather than squeezing the board at 80×24.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from shared.grade_board import GradeCell
from shared.grades import (
    GRADED_BY,
    ReopenGrade,
    RespondToChallenge,
    SignOffGrade,
    may_agree,
    may_propose,
    may_quality_assure,
    may_respond,
)
from shared.protocol import Command, Inspector
from shared.vocabulary import Agency, Framework
from tui.clock.reporting_clock import ReportingClock, today_for
from tui.dialogs.command_form import CommandForm
from tui.grades.book import CellView, GradeKey, Narrative, board_views, framework_of, frozen_why, narratives_of
from tui.grades.detail import cell_row, column_titles, describe_cell, describe_narrative, narrative_row
from tui.grades.forms import (
    GradeContext,
    agree_form,
    challenge_form,
    propose_form,
    reopen_form,
    respond_form,
    sign_off_form,
)
from tui.outbox import Outbox
from tui.widgets.plain import plain
from tui.widgets.state_screen import StateScreen

NARRATIVE = "narrative"
"""The judgement part of a narrative-only agency's row id."""

GRADE_KEYS: tuple[tuple[str, str], ...] = (
    ("p", "propose a grade (inspectors of the agency's inspectorate, the lead)"),
    ("r", "record the grade agreed at the final meeting (lead)"),
    ("h  k", "challenge a grade · sign off an agreed grade (QA manager)"),
    ("e  O", "respond to a QA challenge · reopen a grade the final meeting froze, with a reason (lead)"),
    ("● ⚠ … ✗", "QA news for the lead · warnings on a grade · yours on its way · refused by the server"),
)
"""For the help screen: the keys on this screen, in its words."""

ACTION_HINTS = {
    "propose": "p propose a grade",
    "agree": "r record the agreed grade",
    "challenge": "h challenge",
    "sign_off": "k sign off",
    "respond": "e respond to the challenge",
    "reopen": "O reopen the frozen grade",
}


def row_id(agency: Agency, judgement: str) -> str:
    return f"{agency.value}:{judgement}"


def key_of_row(option_id: str | None) -> GradeKey | None:
    if not option_id or ":" not in option_id:
        return None
    agency, _, judgement = option_id.partition(":")
    return Agency(agency), judgement


def board_options(views: list[CellView], narratives: list[Narrative], team: Mapping[int, Inspector],
                  framework: Framework = Framework.INTEGRATED) -> list[Option]:
    """Agency headings (not selectable), each graded cell's row, then the narrative-only agencies (if any): only
    the framework's graded agencies (the child-protection framework grades the local authority alone)."""
    options: list[Option] = []
    for agency in GRADED_BY[framework]:
        heading = agency.label + (" — one judgement shared by every inspectorate" if agency is Agency.LSCB else "")
        options.append(Option(plain(heading, "bold $text-primary"), disabled=True))
        options += [Option(cell_row(view, team), id=row_id(view.agency, view.judgement))
                    for view in views if view.agency is agency]
    if narratives:
        options.append(Option(plain("Narrative only — not graded (integrated ¶29, ¶82–107)", "bold $text-primary"),
                              disabled=True))
        options += [Option(narrative_row(n), id=row_id(n.agency, NARRATIVE)) for n in narratives]
    return options


class GradesScreen(StateScreen):
    """Open with ``g`` (or the palette) from anywhere; Esc or ``g`` goes back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,g", "back", "Back"),
        Binding("p", "propose", "Propose"),
        Binding("r", "agree", "Agree"),
        Binding("h", "challenge", "Challenge"),
        Binding("k", "sign_off", "Sign off"),
        Binding("e", "respond", "Respond"),
        Binding("O", "reopen", "Reopen", key_display="O"),
    ]
    """Keys the app uses everywhere (i, o, l, u, t, c, a, s, m, !) are left alone, as on the meetings screen."""

    DEFAULT_CSS = """
    GradesScreen #grade-columns { height: 1; padding: 0 1; color: $text-muted; }
    GradesScreen #grade-board { height: 1fr; min-height: 5; border: none; }
    GradesScreen #grade-detail { height: 45%; min-height: 5; border-top: solid $primary-muted; padding: 0 1; }
    GradesScreen #grade-clock { margin-top: 1; padding: 0; border-top: dashed $primary-muted; }
    """

    SUB_TITLE = "Judgements and grades"

    def __init__(self, clock: Callable[[], datetime], outbox: Outbox) -> None:
        super().__init__()
        self._clock = clock
        self.outbox = outbox
        self.views: dict[GradeKey, CellView] = {}
        self.narratives: dict[Agency, Narrative] = {}

    def compose_body(self) -> ComposeResult:
        yield Static(column_titles(), id="grade-columns")
        yield OptionList(id="grade-board")
        with VerticalScroll(id="grade-detail"):
            yield Static(id="grade-detail-body")
            yield ReportingClock(None, today_for(None, self._clock()), id="grade-clock")

    def on_mount(self) -> None:
        self.board.focus()

    # ------------------------------------------------------------------ shortcuts

    @property
    def board(self) -> OptionList:
        return self.query_one("#grade-board", OptionList)

    @property
    def selected(self) -> GradeKey | None:
        """The highlighted row: (agency, judgement), the judgement "narrative" for a narrative-only agency."""
        if not self._composed:
            return None
        option = self.board.highlighted_option
        return key_of_row(option.id if option is not None else None)

    @property
    def board_text(self) -> str:
        """Every line of the board, as plain text (for tests)."""
        listing = self.board
        return "\n".join(str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count))

    @property
    def detail_text(self) -> str:
        return str(self.query_one("#grade-detail-body", Static).content)

    def select(self, agency: Agency, judgement: str) -> None:
        """Highlight one row (for tests)."""
        self.board.highlighted = self.board.get_option_index(row_id(agency, judgement))

    # ------------------------------------------------------------------ what the app tells us

    def _draw(self) -> None:
        state = self.state
        views = board_views(state)
        narratives = narratives_of(state)
        self.views = {(v.agency, v.judgement): v for v in views}
        self.narratives = {n.agency: n for n in narratives}
        listing = self.board
        current = listing.highlighted_option.id if listing.highlighted_option else None
        options = board_options(views, narratives, state.team, framework_of(state))
        listing.set_options(options)
        ids = [option.id for option in options if option.id is not None]
        listing.highlighted = listing.get_option_index(current if current in ids else ids[0])
        self.query_one(ReportingClock).show(state.inspection, today_for(state.inspection, self._clock()))
        self._show_detail()

    def _show_detail(self) -> None:
        key = self.selected
        body = self.query_one("#grade-detail-body", Static)
        if key is None:
            body.update("")
        elif key[1] == NARRATIVE:
            body.update(describe_narrative(self.narratives[key[0]]))
        else:
            self._seen(key)
            hints = " · ".join(hint for action, hint in ACTION_HINTS.items() if self.check_action(action, ()))
            body.update(describe_cell(self.views[key], team=self.state.team, findings=self.state.findings,
                                      tz=self.tz, actions=f"You may: {hints}" if hints else ""))
        self.refresh_bindings()

    def _seen(self, key: GradeKey) -> None:
        """The lead has looked at the cell's QA news: its ● goes."""
        if key not in self.state.grades.attention:
            return
        self.state.grades.attention.discard(key)
        view = self.views[key] = replace(self.views[key], attention=False)
        self.board.replace_option_prompt(row_id(*key), cell_row(view, self.state.team))

    @on(OptionList.OptionHighlighted, "#grade-board")
    def _highlighted(self) -> None:
        self._show_detail()

    # ------------------------------------------------------------------ which keys apply

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Only what shared.grades lets this user do on the highlighted cell; nothing on a narrative row."""
        if action not in ACTION_HINTS:
            return True
        me, key = self.state.me, self.selected
        if me is None or key is None or key[1] == NARRATIVE:
            return False
        agency, judgement = key
        cell = self.state.grades.cell(agency, judgement)
        pending = {type(c) for c in self.state.grades.pending_on(agency, judgement)}
        frozen = bool(frozen_why(self.state, agency, judgement))
        if action == "propose":
            return may_propose(me, agency) and not frozen
        if action == "agree":
            return may_agree(me) and not frozen
        if action == "reopen":
            return may_respond(me) and frozen and ReopenGrade not in pending
        if action == "respond":
            answering = RespondToChallenge in pending
            return may_respond(me) and cell is not None and bool(cell.open_challenges) and not answering
        if not may_quality_assure(me) or cell is None:
            return False
        if action == "challenge":
            return cell.current is not None
        return (cell.agreed is not None and cell.signed_off is None and not cell.open_challenges
                and SignOffGrade not in pending)

    # ------------------------------------------------------------------ actions

    def _form_context(self) -> GradeContext:
        return GradeContext(framework_of(self.state), self._clock(), self.tz, tuple(self.state.findings.values()),
                            rule_warnings=self.state.grades.rule_warnings)

    def _open(self, action: str, make: Callable[[GradeContext, Agency, str], CommandForm]) -> None:
        key = self.selected
        if key is None or not self.check_action(action, ()):
            return
        self.app.push_screen(make(self._form_context(), *key), self._send)

    def _send(self, command: Command | None) -> None:
        if command is not None:
            self.outbox.send(command)
            self.show(self.state)

    def _cell(self, agency: Agency, judgement: str) -> GradeCell | None:
        return self.state.grades.cell(agency, judgement)

    def action_propose(self) -> None:
        self._open("propose", propose_form)

    def action_agree(self) -> None:
        self._open("agree", lambda ctx, agency, judgement: agree_form(ctx, agency, judgement,
                                                                       self._cell(agency, judgement)))

    def action_challenge(self) -> None:
        self._open("challenge", lambda ctx, agency, judgement: challenge_form(ctx, agency, judgement,
                                                                               self._cell(agency, judgement)))

    def action_sign_off(self) -> None:
        self._open("sign_off", lambda ctx, agency, judgement: sign_off_form(ctx, agency, judgement,
                                                                             self._cell(agency, judgement)))

    def action_respond(self) -> None:
        self._open("respond", lambda ctx, agency, judgement: respond_form(ctx, agency, judgement,
                                                                           self._cell(agency, judgement)))

    def action_reopen(self) -> None:
        self._open("reopen", lambda ctx, agency, judgement: reopen_form(
            ctx, agency, judgement, self._cell(agency, judgement), frozen_why(self.state, agency, judgement)))
