"""The grade board folded from ``grade.*`` events: one fold for the app, the report and the final meeting.

The server's ``grade`` table keeps only what its rules need; the history (who proposed what, with which
rationale and cited findings, the QA manager's challenges) lives in the event log. Folding the events here,
once, means the app's board, the published report and the final meeting's agenda all read the same thing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from pydantic import ValidationError

from shared.criteria import Grade
from shared.grades import GradeWarning, board_cells
from shared.vocabulary import Agency

GRADE_KINDS = (
    "grade.proposed",
    "grade.agreed",
    "grade.challenged",
    "grade.signed-off",
    "grade.responded",
    "grade.reopened",
)

StepKind = Literal["proposed", "agreed", "challenged", "signed-off", "responded", "reopened"]

WARNING_REASON = "warning_reason"
"""The agreed grade's recorded reason for contradicting a rule's warning (shared.grades.AgreeGrade)."""


def is_grade_kind(kind: str) -> bool:
    return kind in GRADE_KINDS


@dataclass(frozen=True, slots=True)
class GradeStep:
    """One line of a judgement's history: a proposal, an agreement, a challenge, the lead's response, a sign-off,
    or the lead reopening a grade the final meeting froze."""

    kind: StepKind
    at: datetime
    actor_id: int | None
    grade: Grade | None
    text: str
    """The rationale of a proposal or agreement, the comment of a challenge, the lead's response, the reason for
    reopening; empty for a sign-off."""
    finding_ids: tuple[str, ...] = ()
    warnings: tuple[GradeWarning, ...] = ()
    data: Mapping[str, Any] = field(default_factory=dict)
    """The event's data as sent, for fields a later version adds."""


@dataclass
class GradeCell:
    """One cell of the board (agency × judgement) and everything that happened to it."""

    agency: Agency
    judgement: str
    proposed: GradeStep | None = None
    agreed: GradeStep | None = None
    signed_off: GradeStep | None = None
    history: list[GradeStep] = field(default_factory=list)

    @property
    def current(self) -> GradeStep | None:
        """The agreed grade if there is one, else the latest proposal."""
        return self.agreed or self.proposed

    @property
    def grade(self) -> Grade | None:
        step = self.current
        return step.grade if step is not None else None

    @property
    def challenges(self) -> list[GradeStep]:
        return [step for step in self.history if step.kind == "challenged"]

    @property
    def open_challenges(self) -> list[GradeStep]:
        """The challenges since the lead's last response: while any is open the grade cannot be signed off."""
        open_: list[GradeStep] = []
        for step in self.history:
            if step.kind == "challenged":
                open_.append(step)
            elif step.kind == "responded":
                open_ = []
        return open_

    @property
    def warning_reason(self) -> str:
        """Why the agreed grade stands against a rule's warning, as the lead recorded it ("" if none)."""
        return str(self.agreed.data.get(WARNING_REASON) or "") if self.agreed is not None else ""

    @property
    def warnings(self) -> tuple[GradeWarning, ...]:
        """The server's warnings on the current grade, as computed when it was proposed or agreed."""
        step = self.current
        return step.warnings if step is not None else ()


@dataclass
class GradeBoard:
    """Every graded cell's current state and history, folded from events in log order."""

    cells: dict[tuple[Agency, str], GradeCell] = field(default_factory=dict)

    def apply(self, kind: str, data: Mapping[str, Any], at: datetime, actor_id: int | None) -> GradeCell | None:
        """Fold one ``grade.*`` event; returns the cell it changed (None for a payload this version cannot read)."""
        if not is_grade_kind(kind):
            return None
        try:
            agency = Agency(data["agency"])
            judgement = str(data["judgement"])
            grade = Grade(data["grade"]) if data.get("grade") else None
            warnings = tuple(GradeWarning.model_validate(w) for w in data.get("warnings", ()))
        except (KeyError, ValueError, ValidationError):
            return None
        step_kind: StepKind = kind.removeprefix("grade.")  # type: ignore[assignment]
        text = str(data.get("rationale") or data.get("comment") or data.get("response") or data.get("reason") or "")
        step = GradeStep(step_kind, at, actor_id, grade, text, tuple(data.get("finding_ids", ())), warnings, data)
        cell = self.cells.setdefault((agency, judgement), GradeCell(agency, judgement))
        cell.history.append(step)
        if step_kind == "proposed":
            cell.proposed = step
        elif step_kind == "agreed":
            cell.agreed = step
            cell.signed_off = None  # a newly agreed grade needs signing off again
        elif step_kind == "signed-off":
            cell.signed_off = step
        return cell

    def cell(self, agency: Agency, judgement: str) -> GradeCell | None:
        return self.cells.get((agency, str(judgement)))

    def rows(self) -> list[tuple[Agency, str, GradeCell | None]]:
        """Every graded cell in board order, with its state (None if nothing recorded yet)."""
        return [(agency, str(judgement), self.cell(agency, judgement)) for agency, judgement in board_cells()]
