"""The grade board folded from ``grade.*`` events: one fold for the app, the report and the final meeting.

The server's ``grade`` table keeps only what its rules need; the history (who proposed what, with which
rationale and cited findings, the QA manager's challenges) lives in the event log. Folding the events here,
once, means the app's board, the published report and the final meeting's agenda all read the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from shared import kinds
from shared.criteria import Grade
from shared.grades import (
    GradeAgreed,
    GradeChallenged,
    GradePayload,
    GradeProposed,
    GradeReopened,
    GradeResponded,
    GradeSignedOff,
    GradeWarning,
    board_cells,
)
from shared.vocabulary import Agency, Framework

GRADE_KINDS = (
    kinds.GRADE_PROPOSED,
    kinds.GRADE_AGREED,
    kinds.GRADE_CHALLENGED,
    kinds.GRADE_SIGNED_OFF,
    kinds.GRADE_RESPONDED,
    kinds.GRADE_REOPENED,
)

StepKind = Literal["proposed", "agreed", "challenged", "signed-off", "responded", "reopened"]

STEP_KINDS: dict[type[GradePayload], StepKind] = {
    GradeProposed: "proposed",
    GradeAgreed: "agreed",
    GradeChallenged: "challenged",
    GradeSignedOff: "signed-off",
    GradeResponded: "responded",
    GradeReopened: "reopened",
}


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
    payload: GradePayload | None = None
    """The event's data, as its kind's model (shared.grades), for what only some steps record."""

    @property
    def leaders_understand_failure(self) -> bool:
        """The leadership cell's flag, as a proposal or agreement recorded it (False for any other step)."""
        return isinstance(self.payload, GradeProposed) and self.payload.leaders_understand_failure

    @property
    def sign_off_withdrawn(self) -> bool:
        """This agreement withdrew the cell's sign-off (a newly agreed grade needs signing off again)."""
        return isinstance(self.payload, GradeAgreed) and self.payload.sign_off_withdrawn


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
        agreed = self.agreed.payload if self.agreed is not None else None
        return agreed.warning_reason if isinstance(agreed, GradeAgreed) else ""

    @property
    def warnings(self) -> tuple[GradeWarning, ...]:
        """The server's warnings on the current grade, as computed when it was proposed or agreed."""
        step = self.current
        return step.warnings if step is not None else ()


@dataclass
class GradeBoard:
    """Every graded cell's current state and history, folded from events in log order."""

    cells: dict[tuple[Agency, str], GradeCell] = field(default_factory=dict)

    def fold(self, payload: GradePayload, at: datetime, actor_id: int | None) -> GradeCell:
        """Fold one ``grade.*`` event, its data read as its kind's model (shared.catalogue); returns its cell."""
        step_kind = STEP_KINDS[type(payload)]
        grade = payload.grade if isinstance(payload, GradeProposed | GradeSignedOff) else None
        match payload:  # what the step says in words: none for a sign-off
            case (
                GradeProposed(rationale=text) | GradeChallenged(comment=text) | GradeResponded(response=text)
                | GradeReopened(reason=text)
            ):
                pass
            case _:
                text = ""
        proposal = payload if isinstance(payload, GradeProposed) else None
        step = GradeStep(
            step_kind, at, actor_id, grade, text,
            tuple(proposal.finding_ids) if proposal else (), tuple(proposal.warnings) if proposal else (), payload,
        )
        cell = self.cells.setdefault((payload.agency, payload.judgement), GradeCell(payload.agency, payload.judgement))
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

    def rows(self, framework: Framework = Framework.INTEGRATED) -> list[tuple[Agency, str, GradeCell | None]]:
        """Every graded cell of the framework's board in order, with its state (None if nothing recorded yet)."""
        return [
            (agency, str(judgement), self.cell(agency, judgement)) for agency, judgement in board_cells(framework)
        ]
