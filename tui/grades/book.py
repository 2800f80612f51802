"""The client's grade board: the shared fold of ``grade.*`` events, our own grade commands in flight, and the
rules' warnings recomputed against the evidence this app holds.

Pure (no I/O, no UI), like ``tui/triangulation/book.py``. The server computes a grade's warnings when it is proposed or
agreed, but evidence keeps arriving afterwards (a corroborating link, a contradiction, a withdrawal), so the
board recomputes them with the same rules (``shared.grades.grade_warnings``) over the live links, and falls back
to the event's own only where it cannot: a cited finding this app has not got.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from pydantic import BaseModel

from shared.criteria import Grade
from shared.grade_board import GRADE_KINDS, GradeBoard, GradeCell, GradeStep
from shared.grades import (
    NARRATIVE_ONLY,
    OVERALL,
    AgreeGrade,
    ChallengeGrade,
    GradePayload,
    GradeWarning,
    ProposeGrade,
    ReopenGrade,
    RespondToChallenge,
    SignOffGrade,
    WarningCode,
    cascade_warning,
    contradicted_warnings,
    grade_warnings,
    leadership_warning,
)
from shared.meetings import Minutes, frozen_refusal, grade_freeze
from shared.protocol import Command, Event
from shared.triangulation import Link, Source
from shared.vocabulary import Agency, FindingKind, Framework, JudgementArea
from tui.fold import Refusal, Refusing, as_utc

if TYPE_CHECKING:
    from tui.state import TeamState

LEADERS_FIELD = "leaders_understand_failure"
"""Recorded with a leadership grade: whether leaders understand the failure (integrated ¶70, ¶81)."""

EVIDENCE_CODES = frozenset({WarningCode.UNCORROBORATED, WarningCode.NO_CITED_FINDINGS})
"""Warnings about what a grade rests on (the rest are about the board's other grades)."""

GradeKey = tuple[Agency, str]
"""One cell of the board: (agency, judgement), the judgement as its wire value."""



@dataclass(frozen=True)
class LiveEvidence:
    """What the warnings need of the evidence now: live links, each finding's source, and withdrawals."""

    links_of: Callable[[str], Iterable[Link]]
    source_of: Callable[[str], Source | None]
    withdrawn: Callable[[str], bool]


def live_evidence(state: TeamState) -> LiveEvidence:
    """The state's evidence as the rules count it: a withdrawn finding neither supports nor contests."""

    def withdrawn(finding_id: str) -> bool:
        view = state.findings.get(finding_id)
        return view is not None and view.withdrawn is not None

    def links_of(finding_id: str) -> list[Link]:
        return [link for link in state.evidence.links_of(finding_id)
                if not (withdrawn(link.finding_id) or withdrawn(link.other_finding_id))]

    def source_of(finding_id: str) -> Source | None:
        return None if withdrawn(finding_id) else state.source_of(finding_id)

    return LiveEvidence(links_of, source_of, withdrawn)


GRADE_COMMANDS: tuple[type[Command], ...] = (
    ProposeGrade, AgreeGrade, ChallengeGrade, SignOffGrade, RespondToChallenge, ReopenGrade,
)


def key_of(command: Command) -> GradeKey | None:
    """The cell a grade command is about; None if it names no cell this version knows."""
    agency, judgement = getattr(command, "agency", None), getattr(command, "judgement", None)
    if agency is None or judgement is None:
        return None
    return Agency(agency), str(judgement)


@dataclass
class GradeBook(GradeBoard, Refusing[GradeKey]):
    """The board, plus what only this app knows: our unsettled grade commands and the server's refusals."""

    name: ClassVar[str] = "grades"
    kinds: ClassVar[frozenset[str]] = frozenset(GRADE_KINDS)
    tracks: ClassVar[tuple[type[Command], ...]] = GRADE_COMMANDS

    attention: set[GradeKey] = field(default_factory=set)
    """Cells with a QA challenge or sign-off the lead has not looked at yet (the board marks them)."""

    def apply(self, event: Event, payload: BaseModel) -> GradeCell | None:
        """Fold in one ``grade.*`` event (shared.grade_board), its data read as its kind's model."""
        if not isinstance(payload, GradePayload):
            return None
        return self.fold(payload, as_utc(event.at), event.actor.id if event.actor else None)

    # ------------------------------------------------------------ our own commands

    def about(self, command: Command) -> GradeKey | None:
        """A grade command's refusal is shown on its cell."""
        return key_of(command)

    def pending_on(self, agency: Agency, judgement: str) -> list[Command]:
        return [c for c in self.pending.values() if key_of(c) == (agency, str(judgement))]

    # ------------------------------------------------------------ what the board shows

    def grades_of(self, agency: Agency) -> dict[str, Grade]:
        """The agency's current grade per judgement (agreed over proposed), as the cascade rule reads them."""
        return {judgement: cell.grade for (a, judgement), cell in self.cells.items()
                if a is agency and cell.grade is not None}

    def leaders_understand_failure(self, agency: Agency) -> bool:
        """The flag recorded with the agency's current leadership grade (the leadership rule's input, ¶70, ¶81)."""
        cell = self.cell(agency, JudgementArea.LEADERSHIP)
        step = cell.current if cell is not None else None
        return step is not None and step.leaders_understand_failure

    def rule_warnings(self, agency: Agency, judgement: str, grade: Grade, leaders: bool | None = None
                      ) -> list[GradeWarning]:
        """The rules' warnings that agreeing ``grade`` here would contradict (so the server wants a reason).

        ``leaders``: the leadership form's own flag (¶70, ¶81) on a leadership grade; else the cell's is used.
        """
        grades = {**self.grades_of(agency), str(judgement): grade}
        own = judgement == JudgementArea.LEADERSHIP and leaders is not None
        flag = bool(leaders) if own else self.leaders_understand_failure(agency)
        found = [cascade_warning(agency, grades), leadership_warning(agency, grades, leaders_understand_failure=flag)]
        return contradicted_warnings(judgement, [w for w in found if w is not None])

    def warnings(self, agency: Agency, judgement: str, evidence: LiveEvidence) -> list[GradeWarning]:
        """The rules' warnings on a cell now, over the live evidence (see the module's docstring).

        An ungraded overall effectiveness or leadership cell still carries its rule's warning, so the team sees
        what a failing judgement implies before anyone proposes the grade.
        """
        cell = self.cell(agency, judgement)
        step = cell.current if cell is not None else None
        grades = self.grades_of(agency)
        leaders = self.leaders_understand_failure(agency)
        if step is None or step.grade is None:
            if judgement == OVERALL:
                found = cascade_warning(agency, grades)
            elif judgement == JudgementArea.LEADERSHIP:
                found = leadership_warning(agency, grades, leaders_understand_failure=leaders)
            else:
                found = None
            return [found] if found is not None else []
        cited = list(step.finding_ids)
        standing = [fid for fid in cited if not evidence.withdrawn(fid)]
        links = {link.id: link for fid in standing for link in evidence.links_of(fid)}
        ends = {end for link in links.values() for end in (link.finding_id, link.other_finding_id)} | set(standing)
        sources = {end: source for end in ends if (source := evidence.source_of(end)) is not None}
        found_all = grade_warnings(agency, judgement, step.grade, standing, grades, links.values(), sources,
                                   leaders_understand_failure=leaders)
        if cited and not standing:
            found_all = [_all_withdrawn(cited) if w.code is WarningCode.NO_CITED_FINDINGS else w for w in found_all]
        if any(fid not in sources for fid in standing):  # not synced here yet: trust the server's evidence check
            found_all = [w for w in found_all if w.code not in EVIDENCE_CODES]
            found_all += [w for w in step.warnings if w.code in EVIDENCE_CODES]
        return found_all


def _all_withdrawn(cited: list[str]) -> GradeWarning:
    return GradeWarning(
        code=WarningCode.NO_CITED_FINDINGS,
        message="every cited finding has been withdrawn: a grade should rest on evidence",
        finding_ids=cited,
    )


@dataclass(frozen=True)
class CellView:
    """One graded cell as the board draws it: its state, the warnings on it now, and our commands' fate."""

    agency: Agency
    judgement: str
    cell: GradeCell | None
    warnings: tuple[GradeWarning, ...] = ()
    sending: tuple[Command, ...] = ()
    refusal: Refusal | None = None
    frozen: str = ""
    """Why its grade cannot change now (the final meeting froze it), or "" if it can."""
    attention: bool = False
    """A QA challenge or sign-off the lead has not looked at yet."""
    framework: Framework = Framework.INTEGRATED
    """Whose words the judgement is named in (CP ¶44's under the child-protection framework)."""


def framework_of(state: TeamState) -> Framework:
    """The inspection's framework, chosen once at creation; integrated until the first welcome says."""
    return state.inspection.framework if state.inspection is not None else Framework.INTEGRATED


def freeze_of(state: TeamState) -> Minutes | None:
    """The closed final meeting that froze the grades, as this app folded it (None before one closes)."""
    return grade_freeze(state.evidence.meetings.values())


def frozen_why(state: TeamState, agency: Agency, judgement: str) -> str:
    """The server's reason for refusing a grade change on the cell now, or "" if it would not."""
    return frozen_refusal(freeze_of(state), agency, judgement) or ""


def board_views(state: TeamState) -> list[CellView]:
    """Every graded cell in board order (shared.grades.board_cells), warnings recomputed over live evidence."""
    book, evidence, freeze, framework = state.grades, live_evidence(state), freeze_of(state), framework_of(state)
    return [
        CellView(agency, judgement, cell, tuple(book.warnings(agency, judgement, evidence)),
                 tuple(book.pending_on(agency, judgement)), book.refusals.get((agency, judgement)),
                 frozen_refusal(freeze, agency, judgement) or "", (agency, judgement) in book.attention, framework)
        for agency, judgement, cell in book.rows(framework)
    ]


def latest_grade_step(cell: GradeCell | None) -> GradeStep | None:
    """The newest proposal or agreement: what a new agreement starts from."""
    if cell is None:
        return None
    return next((step for step in reversed(cell.history) if step.kind in ("proposed", "agreed")), None)


# ---------------------------------------------------------------- narrative-only agencies


STRENGTH_KINDS = frozenset({FindingKind.STRENGTH, FindingKind.GOOD_PRACTICE})


@dataclass(frozen=True)
class Narrative:
    """What a narrative-only agency's row counts: its findings by kind (good practice counts as a strength)."""

    agency: Agency
    strengths: int = 0
    weaknesses: int = 0
    improvements: int = 0
    notes: int = 0


def narratives(findings: Iterable[tuple[Agency, FindingKind]]) -> list[Narrative]:
    """Probation, YOT and custody in board order, from each standing finding's (agency, kind)."""
    counts: dict[Agency, dict[str, int]] = {agency: {} for agency in NARRATIVE_ONLY}
    for agency, kind in findings:
        if agency not in counts:
            continue
        name = ("strengths" if kind in STRENGTH_KINDS else "weaknesses" if kind is FindingKind.WEAKNESS
                else "improvements" if kind is FindingKind.AREA_FOR_IMPROVEMENT else "notes")
        counts[agency][name] = counts[agency].get(name, 0) + 1
    return [Narrative(agency, **counts[agency]) for agency in NARRATIVE_ONLY]


def narratives_of(state: TeamState) -> list[Narrative]:
    """The narrative-only agencies' rows; none under the child-protection framework, which has none (CP ¶24)."""
    if framework_of(state) is Framework.CHILD_PROTECTION:
        return []
    return narratives((view.fields.agency, view.fields.kind) for view in state.saved_findings())
