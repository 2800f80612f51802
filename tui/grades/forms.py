"""The grade board's forms: propose a grade, record the agreed one, challenge it, sign it off.

Each is an CommandForm in the calm colours, checked with the command's own model from shared.grades (as the
server checks it). The grade is chosen from the inspection's framework's scale only, so a grade off the scale
cannot be sent; cited findings are ticked in a list of the findings about that agency, the ones about the
judgement being graded first, each with its corroboration mark so the proposer sees what the grade rests on.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Checkbox, Label, Select, SelectionList, Static
from textual.widgets.selection_list import Selection

from shared.criteria import GRADE_SCALES, Grade
from shared.grade_board import GradeCell, GradeStep
from shared.grades import (
    OVERALL,
    AgreeGrade,
    ChallengeGrade,
    GradeWarning,
    ProposeGrade,
    ReopenGrade,
    RespondToChallenge,
    SignOffGrade,
    judgement_label,
    warning_reason_refusal,
)
from shared.protocol import Command
from shared.vocabulary import Agency, Framework, JudgementArea
from tui.dialogs.command_form import CommandForm, FormField
from tui.grades.book import LEADERS_FIELD, latest_grade_step
from tui.refs import ref
from tui.state import FindingView
from tui.widgets.labels import AREA_SHORT, KIND_SHORT, SUPPORT_MARK, short
from tui.widgets.plain import plain

LINE_WIDTH = 84
REASON_FIELD = "warning_reason"

RuleWarnings = Callable[[Agency, str, Grade, bool | None], list[GradeWarning]]
"""(agency, judgement, grade, the form's leadership flag) → the rules' warnings agreeing that grade contradicts."""


@dataclass(frozen=True)
class GradeContext:
    """What the grade forms need: the framework (its scale), the clock and zone, and the findings we hold."""

    framework: Framework
    now: datetime
    timezone: tzinfo
    findings: tuple[FindingView, ...]
    rule_warnings: RuleWarnings | None = None
    """For the agree form: what the grade chosen would contradict (tui.grades.book.GradeBook.rule_warnings)."""


def new_command_id() -> str:
    return uuid.uuid4().hex


def has_leaders_field() -> bool:
    """True once shared.grades carries the leadership rule's field (another change adds it)."""
    return LEADERS_FIELD in ProposeGrade.model_fields


def citable(findings: Iterable[FindingView], agency: Agency, judgement: str,
            cited: Sequence[str] = ()) -> list[FindingView]:
    """Saved, standing findings about the agency, the judgement's own first, newest first within; then any
    already cited finding about something else, so ticking it stays possible."""
    standing = {view.id: view for view in findings if view.version > 0 and view.withdrawn is None}
    about = [view for view in standing.values() if view.fields.agency is agency]

    def order(view: FindingView) -> tuple[bool, float]:
        own = judgement != OVERALL and view.fields.judgement_area == judgement
        return (not own, -view.posted_at.timestamp())

    chosen = sorted(about, key=order)
    shown = {view.id for view in chosen}
    return chosen + [standing[fid] for fid in cited if fid in standing and fid not in shown]


def finding_line(view: FindingView) -> str:
    """``#3f2a9e ✓ Leadership  Weakness · Managers' oversight…``: ref, corroboration, area, kind, first line."""
    area = short(AREA_SHORT, view.fields.judgement_area) or "—"
    line = (f"{ref(view.id):<8}{SUPPORT_MARK[view.support]} {area:<15} {short(KIND_SHORT, view.fields.kind):<11} "
            f"· {view.first_line}")
    return line if len(line) <= LINE_WIDTH else line[: LINE_WIDTH - 1] + "…"


class GradeForm(CommandForm):
    """An CommandForm with the cited findings ticked in a list under the rationale (and, for leadership, whether
    leaders understand the failure)."""

    DEFAULT_CSS = """
    GradeForm #cited-label { color: $text-muted; margin-top: 1; }
    GradeForm #field-finding_ids { height: auto; max-height: 8; }
    GradeForm #field-leaders_understand_failure { margin-top: 1; }
    """

    def __init__(self, *, citable: Sequence[FindingView], cited: Sequence[str] = (),
                 leaders: bool | None = None, **kwargs: Any) -> None:
        """``leaders``: None for no leadership checkbox, else its starting value."""
        super().__init__(calm=True, **kwargs)
        self._citable = tuple(citable)
        self._cited = frozenset(cited)
        self._leaders = leaders

    def _field(self, spec: FormField) -> ComposeResult:
        yield from super()._field(spec)
        if spec.name == "rationale":
            yield from self._citations()

    def _citations(self) -> ComposeResult:
        if not self._citable:
            yield Label("Cited findings: none recorded about this agency yet — the grade will be flagged.",
                        id="cited-label")
        else:
            yield Label("Cited findings — space ticks one (✓ corroborated ≠ contested · single source)",
                        id="cited-label")
            yield SelectionList[str](
                *(Selection(plain(finding_line(view), one_line=True), view.id, view.id in self._cited)
                  for view in self._citable),
                id="field-finding_ids", compact=True,
            )
        if self._leaders is not None:
            yield Checkbox("Leaders understand the failure (integrated ¶70, ¶81)", self._leaders,
                           id=f"field-{LEADERS_FIELD}", compact=True)

    def values(self) -> tuple[dict[str, Any], dict[str, str]]:
        values, errors = super().values()
        chosen = set(self.query_one(SelectionList).selected) if self._citable else set()
        values["finding_ids"] = [view.id for view in self._citable if view.id in chosen]  # in the list's order
        if self._leaders is not None:
            values[LEADERS_FIELD] = self.query_one(f"#field-{LEADERS_FIELD}", Checkbox).value
        return values, errors


class AgreeForm(GradeForm):
    """The agreed grade's form: when the grade chosen contradicts a rule's warning, the warning is shown and the
    reason for agreeing it anyway is asked for (the server refuses the agreement without one)."""

    DEFAULT_CSS = """
    AgreeForm #rule-warning-box { height: auto; display: none; }
    AgreeForm #rule-warning-box.-shown { display: block; }
    AgreeForm #rule-warning { color: $text-warning; margin-top: 1; }
    """

    def __init__(self, *, rule_warnings: RuleWarnings, agency: Agency, judgement: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._rule_warnings = rule_warnings
        self._agency = agency
        self._judgement = judgement

    def _field(self, spec: FormField) -> ComposeResult:
        if spec.name != REASON_FIELD:
            yield from super()._field(spec)
            return
        with Vertical(id="rule-warning-box"):
            yield Static("", id="rule-warning")
            yield from super()._field(spec)

    def on_mount(self) -> None:
        super().on_mount()
        self._show_warnings()

    def contradicted(self) -> list[GradeWarning]:
        """The warnings the grade chosen now contradicts."""
        grade = self.query_one("#field-grade", Select).selection
        if grade is None:
            return []
        leaders = self.query(f"#field-{LEADERS_FIELD}")
        flag = leaders.first(Checkbox).value if leaders else None
        return self._rule_warnings(self._agency, self._judgement, Grade(grade), flag)

    @on(Select.Changed, "#field-grade")
    @on(Checkbox.Changed)
    def _show_warnings(self) -> None:
        found = self.contradicted()
        text = "\n".join(f"⚠ {w.message}" for w in found)
        if found:
            text += "\nThe team may still agree it: record why, below; the report's evidence appendix carries it."
        self.query_one("#rule-warning", Static).update(plain(text))
        self.query_one("#rule-warning-box").set_class(bool(found), "-shown")

    def values(self) -> tuple[dict[str, Any], dict[str, str]]:
        values, errors = super().values()
        found = self.contradicted()
        if not found:
            values.pop(REASON_FIELD, None)  # nothing contradicted: a reason typed earlier is not sent
        else:
            why = warning_reason_refusal(self._judgement, found, str(values.get(REASON_FIELD, "")))
            if why is not None:
                errors[REASON_FIELD] = why
        return values, errors


def cell_title(agency: Agency, judgement: str, framework: Framework = Framework.INTEGRATED) -> str:
    return f"{agency.label} — {judgement_label(judgement, framework).lower()}"


def _grade_form(ctx: GradeContext, command_type: type[ProposeGrade | AgreeGrade], agency: Agency, judgement: str,
                start: GradeStep | None, *, title: str, intro: str, send_label: str) -> GradeForm:
    """The propose form, or (with ``ctx.rule_warnings``) the agree form that asks for a reason against a warning."""
    scale = GRADE_SCALES[ctx.framework]
    grade = start.grade.value if start is not None and start.grade in scale else None
    cited = start.finding_ids if start is not None else ()
    leaders = None
    if has_leaders_field() and judgement == JudgementArea.LEADERSHIP:
        default = ProposeGrade.model_fields[LEADERS_FIELD].default
        leaders = start.leaders_understand_failure if start is not None else default
    fields = [
        FormField("grade", "Grade", "choice", choices=[(g.label, g.value) for g in scale], value=grade,
                  placeholder=f"on the {ctx.framework.label.lower()}'s scale"),
        FormField("rationale", "Rationale", "text", value=start.text if start is not None else "",
                  placeholder="why this grade, with reference to the findings ticked below"),
    ]
    common: dict[str, Any] = {
        "title": title, "intro": intro, "command_type": command_type, "command_id": new_command_id(),
        "fixed": {"agency": agency.value, "judgement": judgement},
        "citable": citable(ctx.findings, agency, judgement, cited), "cited": cited, "leaders": leaders,
        "timezone": ctx.timezone, "now": ctx.now, "send_label": send_label,
    }
    if command_type is AgreeGrade and ctx.rule_warnings is not None:
        reason = FormField(REASON_FIELD, "Why the team agreed it despite the warning", "text",
                           placeholder="the reason the minutes and the report's evidence appendix will carry")
        return AgreeForm(rule_warnings=ctx.rule_warnings, agency=agency, judgement=judgement,
                         fields=[*fields, reason], **common)
    return GradeForm(fields=fields, **common)


def propose_form(ctx: GradeContext, agency: Agency, judgement: str) -> GradeForm:
    """Propose a grade: the team sees it at once, with the rules' warnings; the lead agrees it later."""
    return _grade_form(
        ctx, ProposeGrade, agency, judgement, None,
        title=f"Propose a grade — {cell_title(agency, judgement, ctx.framework)}",
        intro="Cite the findings the grade rests on. A grade citing nothing, or only single-source or contested "
        "evidence, is flagged to the whole team.",
        send_label="Propose",
    )


def agree_form(ctx: GradeContext, agency: Agency, judgement: str, cell: GradeCell | None) -> GradeForm:
    """Record the grade agreed at the final meeting, starting from the latest proposal (or agreement)."""
    start = latest_grade_step(cell)
    source = {"proposed": "the current proposal", "agreed": "the grade agreed before"}.get(start.kind, "") \
        if start is not None else ""
    signed = cell is not None and cell.signed_off is not None
    intro = (f"Filled in from {source}; change what the team agreed. " if source else "") + \
        ("It is signed off: a new agreed grade withdraws the sign-off." if signed else
         "The QA manager then scrutinises and signs it off.")
    return _grade_form(ctx, AgreeGrade, agency, judgement, start,
                       title=f"Record the agreed grade — {cell_title(agency, judgement, ctx.framework)}", intro=intro,
                       send_label="Record")


def _current(cell: GradeCell | None) -> str:
    if cell is None or cell.current is None or cell.current.grade is None:
        return "no grade yet"
    step = cell.current
    assert step.grade is not None
    return f"{'agreed' if step.kind == 'agreed' else 'proposed'}: {step.grade.label.lower()}"


def _cell_form(ctx: GradeContext, agency: Agency, judgement: str, command_type: type[Command], *,
               form: type[CommandForm] = CommandForm, **kwargs: Any) -> CommandForm:
    """A calm form for a step on one grade cell: a new id, the cell it is about, the inspection's time zone."""
    return form(command_type=command_type, command_id=new_command_id(),
                fixed={"agency": agency.value, "judgement": judgement}, timezone=ctx.timezone, now=ctx.now,
                calm=True, **kwargs)


def challenge_form(ctx: GradeContext, agency: Agency, judgement: str, cell: GradeCell | None) -> CommandForm:
    """The QA manager's challenge: a comment the whole team sees in the grade's history (CP ¶31, ¶54, ¶56)."""
    return _cell_form(
        ctx, agency, judgement, ChallengeGrade,
        title=f"Challenge — {cell_title(agency, judgement, ctx.framework)} ({_current(cell)})",
        intro="Your challenge goes into the grade's history for the whole team; it does not change the grade.",
        fields=[FormField("comment", "Challenge", "text", placeholder="what the evidence does not yet show")],
        send_label="Challenge",
    )


def sign_off_form(ctx: GradeContext, agency: Agency, judgement: str, cell: GradeCell | None) -> CommandForm:
    """Confirm the sign-off of the agreed grade (nothing to type: the confirmation is the point)."""
    return _cell_form(
        ctx, agency, judgement, SignOffGrade,
        title=f"Sign off — {cell_title(agency, judgement, ctx.framework)} ({_current(cell)})",
        intro="You have scrutinised the agreed grade and its evidence. If the lead records a different agreed "
        "grade later, the sign-off is withdrawn and you sign the new one off.",
        send_label="Sign off",
    )


def _challenges(cell: GradeCell | None) -> str:
    open_ = cell.open_challenges if cell is not None else []
    return "\n".join(f"“{step.text.strip()}”" for step in open_)


class RespondForm(CommandForm):
    """The lead's response, under the open challenges quoted as the QA manager wrote them (never as markup)."""

    DEFAULT_CSS = """
    RespondForm #open-challenges { color: $text-warning; margin-bottom: 1; }
    """

    def __init__(self, *, challenges: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._challenges = challenges

    def compose_extra(self) -> ComposeResult:
        yield Static(plain(self._challenges), id="open-challenges")


def respond_form(ctx: GradeContext, agency: Agency, judgement: str, cell: GradeCell | None) -> CommandForm:
    """The lead answers the QA manager's open challenges: until then the grade cannot be signed off."""
    waiting = len(cell.open_challenges) if cell is not None else 0
    return _cell_form(
        ctx, agency, judgement, RespondToChallenge, form=RespondForm,
        challenges=_challenges(cell),
        title=f"Respond to the QA challenge{'s' * (waiting > 1)} — {cell_title(agency, judgement, ctx.framework)}",
        intro="Your response goes into the grade's history for the whole team; the QA manager can sign the grade "
        "off once you have responded.",
        fields=[FormField("response", "Response", "text", placeholder="what the evidence shows, or what changes")],
        send_label="Respond",
    )


def reopen_form(ctx: GradeContext, agency: Agency, judgement: str, cell: GradeCell | None,
                frozen: str = "") -> CommandForm:
    """The lead reopens a grade the final meeting froze: the reason goes into that meeting's minutes."""
    why = frozen.split(": grades are ", 1)[-1] if frozen else "frozen by the final team meeting"
    return _cell_form(
        ctx, agency, judgement, ReopenGrade,
        title=f"Reopen the frozen grade — {cell_title(agency, judgement, ctx.framework)} ({_current(cell)})",
        intro=f"This grade is {why.split(';')[0]}. Reopening it is recorded in that meeting's minutes as an "
        "amendment with your reason; the next agreed grade freezes it again.",
        fields=[FormField("reason", "Reason", "text",
                          placeholder="why the agreed grade must change after the meeting")],
        send_label="Reopen",
    )
