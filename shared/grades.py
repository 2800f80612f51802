"""The grade board: which agencies are graded on what, who may grade, and the rules that warn the team.

Integrated consultation ¶29, ¶41, ¶59, ¶74: the local authority, health and the police each get an *overall
effectiveness* judgement plus the judgements that feed it; the LSCB gets one shared judgement from every
inspectorate (¶26, ¶113–118); probation, youth offending teams and custody get a narrative, never a grade
(¶82–107). The child-protection framework grades the local authority alone, on CP ¶24's judgements in CP ¶44's
words (``GRADED_BY``, ``CHILD_PROTECTION_LABELS``). The scale belongs to the framework in use
(``shared.criteria.GRADE_SCALES``).

The rules here return **warnings**, not refusals: the team may still agree a grade the rules question, but every
client shows the same warnings because the server computes them and puts them in the event data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Annotated, Final, Literal

from pydantic import Field, model_validator

from shared.criteria import GRADE_SCALES, Grade
from shared.fields import FREE_TEXT, LONG_TEXT, RefId, Text
from shared.protocol import Command, Frame, Inspector, Payload
from shared.triangulation import Corroboration, Link, Source, corroboration_of_all
from shared.vocabulary import (
    INSPECTORATE_OF,
    Agency,
    Framework,
    JudgementArea,
    Labelled,
    Role,
    judgement_areas_for,
)

MAX_CITED = 200

OVERALL: Final = "overall"
"""The wire value of overall effectiveness (it is not a JudgementArea: no finding is tagged with it)."""

Judgement = Literal["overall"] | JudgementArea
"""What a grade is for: ``"overall"`` or a JudgementArea value."""

NARRATIVE_ONLY: tuple[Agency, ...] = (Agency.PROBATION, Agency.YOT, Agency.CUSTODY)
GRADED_AGENCIES: tuple[Agency, ...] = (Agency.LOCAL_AUTHORITY, Agency.HEALTH, Agency.POLICE, Agency.LSCB)
GRADED_BY: dict[Framework, tuple[Agency, ...]] = {
    Framework.INTEGRATED: GRADED_AGENCIES,
    Framework.CHILD_PROTECTION: (Agency.LOCAL_AUTHORITY,),  # an Ofsted inspection of the local authority (CP ¶2)
}
"""Whose row the grade board shows under each framework: the child-protection framework has no other
inspectorates, no LSCB judgement and no narrative-only agencies."""

CHILD_PROTECTION_LABELS: dict[str, str] = {
    OVERALL: "Overall effectiveness",
    JudgementArea.HELP_AND_PROTECTION: (
        "The effectiveness of the help and protection provided to children, young people, and their families and "
        "carers"
    ),
    JudgementArea.QUALITY_OF_PRACTICE: "The quality of practice",
    JudgementArea.LEADERSHIP: "Leadership and governance",
}
"""The child-protection framework's graded judgements in its own words, in CP ¶44's order (CP ¶24's schedule)."""

CASCADE_PARAGRAPH: dict[Agency, str] = {Agency.HEALTH: "integrated ¶67", Agency.POLICE: "integrated ¶79"}
"""Where the consultation states the cascade (overall effectiveness likely inadequate if any contributing judgement
is): health ¶67, police ¶79. It states none for the local authority, whose judgements are Ofsted's single
inspection's (¶41, ¶47), so no cascade is applied to it."""

MAIN_JUDGEMENTS: dict[Agency, tuple[JudgementArea, ...]] = {
    Agency.HEALTH: (JudgementArea.HELP_AND_PROTECTION, JudgementArea.LOOKED_AFTER),
    Agency.POLICE: (JudgementArea.HELP_AND_PROTECTION,),
}
"""The main judgements whose failure makes leadership likely inadequate (health ¶70: either of the two; police
¶81: help and protection). The consultation states no such rule for the other agencies."""
LEADERSHIP_PARAGRAPH = {Agency.HEALTH: "integrated ¶70", Agency.POLICE: "integrated ¶81"}

Cited = Annotated[list[RefId], Field(max_length=MAX_CITED)]


def judgement_label(judgement: Judgement | str, framework: Framework = Framework.INTEGRATED) -> str:
    """A judgement in the framework's words (CP ¶44's headings under the child-protection framework)."""
    if framework is Framework.CHILD_PROTECTION and str(judgement) in CHILD_PROTECTION_LABELS:
        return CHILD_PROTECTION_LABELS[str(judgement)]
    return "Overall effectiveness" if judgement == OVERALL else JudgementArea(judgement).label


def cell_name(agency: Agency, judgement: Judgement | str, framework: Framework = Framework.INTEGRATED) -> str:
    """A board cell as a message names it: ``health: children looked after and care leavers``; under the
    child-protection framework, which grades the local authority alone, the judgement as CP ¶24 names it."""
    label = judgement_label(judgement, framework).lower()
    return label if framework is Framework.CHILD_PROTECTION else f"{agency.label.lower()}: {label}"


def _named(judgements: Iterable[Judgement], framework: Framework) -> str:
    """Judgements listed in the framework's words, for a refusal that says which ones there are."""
    return "; ".join(judgement_label(j, framework).lower() for j in judgements)


def judgements_for(agency: Agency, framework: Framework = Framework.INTEGRATED) -> tuple[Judgement, ...]:
    """The graded judgements of an agency's row on the board, overall effectiveness first; () if not graded."""
    if framework is Framework.CHILD_PROTECTION:
        areas = judgement_areas_for(agency, framework)
        return (OVERALL, *areas) if areas else ()
    if agency in NARRATIVE_ONLY:
        return ()
    areas = judgement_areas_for(agency, Framework.INTEGRATED)
    if agency is Agency.LSCB:
        return areas  # one shared judgement, no separate overall effectiveness
    return (OVERALL, *areas)


def cascading(agency: Agency) -> tuple[JudgementArea, ...]:
    """The judgements whose inadequacy makes overall effectiveness likely inadequate: health's three (¶67), the
    police's two (¶79); () where the consultation states no such rule (the local authority, the LSCB, narratives)."""
    return judgement_areas_for(agency, Framework.INTEGRATED) if agency in CASCADE_PARAGRAPH else ()


def board_cells(framework: Framework = Framework.INTEGRATED) -> list[tuple[Agency, Judgement]]:
    """Every graded cell of the framework's board, in display order."""
    return [(agency, judgement) for agency in GRADED_BY[framework] for judgement in judgements_for(agency, framework)]


def judgement_refusal(
    agency: Agency, judgement: Judgement | str, framework: Framework | None = None
) -> tuple[str, str] | None:
    """(field, why) if this agency cannot be graded on this judgement under ``framework``; None if it can.

    With no framework (a command decoded before its inspection is known) a cell either framework grades passes;
    the server then holds it to the inspection's own framework.
    """
    if framework is None:
        if any(judgement_refusal(agency, judgement, each) is None for each in Framework):
            return None
        framework = Framework.INTEGRATED
    if framework is Framework.CHILD_PROTECTION:
        return _child_protection_refusal(agency, judgement)
    if agency in NARRATIVE_ONLY:
        return (
            "agency",
            f"{agency.label} is not graded: it gets a narrative of strengths and weaknesses against the published "
            "criteria (integrated ¶29, ¶82–107); record findings instead",
        )
    if judgement not in judgements_for(agency):
        allowed = _named(judgements_for(agency), framework)
        return (
            "judgement",
            f"{agency.label} is not graded on {judgement_label(judgement).lower()} (its judgements: {allowed})",
        )
    return None


def _child_protection_refusal(agency: Agency, judgement: Judgement | str) -> tuple[str, str] | None:
    if agency not in GRADED_BY[Framework.CHILD_PROTECTION]:
        return (
            "agency",
            f"{agency.label} is not graded under the child-protection framework: it judges the local authority "
            "alone (CP ¶24, ¶44)",
        )
    allowed = judgements_for(agency, Framework.CHILD_PROTECTION)
    if judgement not in allowed:
        return (
            "judgement",
            f"the child-protection framework does not grade {judgement_label(judgement).lower()} "
            f"(its judgements, CP ¶24: {_named(allowed, Framework.CHILD_PROTECTION)}; areas for improvement are not "
            "graded, CP ¶44)",
        )
    return None


def scale_refusal(framework: Framework, grade: Grade) -> str | None:
    """Why this grade is not on the framework's scale; None if it is."""
    scale = GRADE_SCALES[framework]
    if grade in scale:
        return None
    words = ", ".join(g.label.lower() for g in scale)
    return f"{grade.label.lower()} is not a grade of the {framework.label.lower()} (its scale: {words})"


# ---------------------------------------------------------------- who may do what


def may_propose(actor: Inspector, agency: Agency) -> bool:
    """The lead, or an inspector of the agency's inspectorate (any inspectorate for the shared LSCB judgement)."""
    if actor.role is Role.LEAD:
        return True
    if actor.role is not Role.INSPECTOR:
        return False
    wanted = INSPECTORATE_OF[agency]
    return wanted is None or actor.inspectorate is wanted


def propose_refusal(actor: Inspector, agency: Agency) -> str | None:
    if may_propose(actor, agency):
        return None
    wanted = INSPECTORATE_OF[agency]
    who = f"an inspector from {wanted.label}" if wanted is not None else "an inspector"
    return f"only {who} or the lead inspector may propose a grade for {agency.label.lower()}"


def may_agree(actor: Inspector) -> bool:
    return actor.role is Role.LEAD


def may_quality_assure(actor: Inspector) -> bool:
    """Challenge and sign-off are the QA manager's."""
    return actor.role is Role.QA_MANAGER


def may_respond(actor: Inspector) -> bool:
    """The lead answers the QA manager's challenges, and alone may reopen a grade the final meeting froze."""
    return actor.role is Role.LEAD


# ---------------------------------------------------------------- commands


class _Cell(Command):
    agency: Agency
    judgement: Judgement

    @model_validator(mode="after")
    def _cell(self) -> _Cell:
        refusal = judgement_refusal(self.agency, self.judgement)
        if refusal is not None:
            raise ValueError(f"{refusal[0]}: {refusal[1]}")
        return self


class _GradeFields(_Cell):
    grade: Grade
    rationale: Text
    finding_ids: Cited = []
    leaders_understand_failure: bool = False
    """Leaders and managers have demonstrated sufficient understanding of the failure (¶70, ¶81): the input
    the leadership rule needs that the grades alone do not give. Only meaningful on a leadership grade."""

    @model_validator(mode="after")
    def _rules(self) -> _GradeFields:
        if self.leaders_understand_failure and self.judgement != JudgementArea.LEADERSHIP:
            raise ValueError(
                "leaders_understand_failure: only a leadership, management and governance grade records whether "
                "leaders understand the failure (integrated ¶70, ¶81)"
            )
        if len(set(self.finding_ids)) != len(self.finding_ids):
            raise ValueError("finding_ids: a finding is cited twice")
        return self


class ProposeGrade(_GradeFields):
    """``grade.propose``: an inspector of the responsible inspectorate (or the lead) proposes a grade."""

    type: Literal["grade.propose"] = "grade.propose"


class AgreeGrade(_GradeFields):
    """``grade.agree``: the lead records the grade the team agreed at the final meeting."""

    type: Literal["grade.agree"] = "grade.agree"
    warning_reason: Annotated[str, Field(max_length=LONG_TEXT), FREE_TEXT] = ""
    """Why the team agreed this grade although a rule warns against it (contradicted_warnings): the server
    refuses such an agreement without one, and the report's evidence appendix carries it."""


class ChallengeGrade(_Cell):
    """``grade.challenge``: the QA manager comments on a proposed or agreed grade."""

    type: Literal["grade.challenge"] = "grade.challenge"
    comment: Text


class SignOffGrade(_Cell):
    """``grade.sign-off``: the QA manager signs off an agreed grade (refused while a challenge awaits the lead)."""

    type: Literal["grade.sign-off"] = "grade.sign-off"


class RespondToChallenge(_Cell):
    """``grade.respond``: the lead answers the QA manager's open challenges on a grade, so it can be signed off."""

    type: Literal["grade.respond"] = "grade.respond"
    response: Text


class ReopenGrade(_Cell):
    """``grade.reopen``: the lead reopens a grade the final meeting froze; the minutes record it as an amendment
    and the next agreed grade on the cell freezes it again."""

    type: Literal["grade.reopen"] = "grade.reopen"
    reason: Text


# ---------------------------------------------------------------- warnings


class WarningCode(Labelled):
    OVERALL_LIKELY_INADEQUATE = "overall-likely-inadequate", "Overall effectiveness likely inadequate"
    LEADERSHIP_LIKELY_INADEQUATE = "leadership-likely-inadequate"
    UNCORROBORATED = "uncorroborated", "Rests only on single-source or contested evidence"
    NO_CITED_FINDINGS = "no-cited-findings", "No findings cited"


class GradeWarning(Frame):
    """One warning on a grade, as the server puts it in event data and the board shows it."""

    code: WarningCode
    message: str
    finding_ids: list[str] = []


def cascade_warning(agency: Agency, grades: Mapping[str, Grade]) -> GradeWarning | None:
    """Overall effectiveness is likely inadequate if any contributing judgement is inadequate (health ¶67,
    police ¶79; no such rule for other agencies).

    ``grades`` is the agency's current grade per judgement (``"overall"`` and JudgementArea values). Warns when
    a contributing judgement is inadequate and overall effectiveness is ungraded or graded better.
    """
    failing = [area for area in cascading(agency) if grades.get(area) is Grade.INADEQUATE]
    if not failing:
        return None
    return _likely_inadequate(
        agency, grades, OVERALL, failing, WarningCode.OVERALL_LIKELY_INADEQUATE, f"({CASCADE_PARAGRAPH[agency]})"
    )


def leadership_warning(
    agency: Agency, grades: Mapping[str, Grade], *, leaders_understand_failure: bool = False
) -> GradeWarning | None:
    """Leadership is likely inadequate if a main judgement is inadequate and leaders and managers have not
    demonstrated sufficient understanding of the failure (health ¶70, police ¶81).

    ``grades`` as for cascade_warning; ``leaders_understand_failure`` is the flag recorded with the leadership
    grade. Warns when a main judgement is inadequate and leadership is ungraded or graded better without it.
    """
    failing = [area for area in MAIN_JUDGEMENTS.get(agency, ()) if grades.get(area) is Grade.INADEQUATE]
    if not failing or leaders_understand_failure:
        return None
    why = f"and leaders have not been recorded as understanding the failure ({LEADERSHIP_PARAGRAPH[agency]})"
    return _likely_inadequate(
        agency, grades, JudgementArea.LEADERSHIP, failing, WarningCode.LEADERSHIP_LIKELY_INADEQUATE, why
    )


def _likely_inadequate(
    agency: Agency,
    grades: Mapping[str, Grade],
    judgement: Judgement,
    failing: Sequence[JudgementArea],
    code: WarningCode,
    why: str,
) -> GradeWarning | None:
    """The warning that ``judgement`` is likely inadequate because the ``failing`` judgements are; None if none
    fails or it is already graded inadequate."""
    graded = grades.get(judgement)
    if not failing or graded is Grade.INADEQUATE:
        return None
    names = " and ".join(area.label.lower() for area in failing)
    now = "not yet graded" if graded is None else f"graded {graded.label.lower()}"
    are = "is" if len(failing) == 1 else "are"
    head = f"{agency.label}: {judgement_label(judgement).lower()} ({now}) is likely inadequate"
    return GradeWarning(code=code, message=f"{head} because {names} {are} inadequate {why}")


def evidence_warning(
    finding_ids: Sequence[str], links: Iterable[Link], sources: Mapping[str, Source]
) -> GradeWarning | None:
    """No cited findings, or cited findings none of which is corroborated (shared.triangulation's rule)."""
    if not finding_ids:
        return GradeWarning(
            code=WarningCode.NO_CITED_FINDINGS, message="no findings are cited: a grade should rest on evidence"
        )
    status = corroboration_of_all(links, sources)
    if any(status.get(fid) is Corroboration.CORROBORATED for fid in finding_ids):
        return None
    contested = [fid for fid in finding_ids if status.get(fid) is Corroboration.CONTESTED]
    detail = f" ({len(contested)} contested)" if contested else ""
    return GradeWarning(
        code=WarningCode.UNCORROBORATED,
        message=f"rests only on single-source or contested evidence{detail}: no cited finding is corroborated",
        finding_ids=list(finding_ids),
    )


def grade_warnings(
    agency: Agency,
    judgement: Judgement | str,
    grade: Grade,
    finding_ids: Sequence[str],
    grades: Mapping[str, Grade],
    links: Iterable[Link],
    sources: Mapping[str, Source],
    *,
    leaders_understand_failure: bool = False,
) -> list[GradeWarning]:
    """Every warning on one grade of the board.

    ``grades`` holds the agency's other current grades; this one is put in place of whatever its cell held. The
    cascade warning is given on overall effectiveness and on an inadequate contributing judgement; the leadership
    warning on leadership and on an inadequate main judgement. ``leaders_understand_failure`` is the leadership
    cell's flag: this grade's own when it is the leadership grade, else the one recorded with leadership's.
    """
    warnings: list[GradeWarning] = []
    board = {**grades, str(judgement): grade}
    cascade = cascade_warning(agency, board)
    if cascade is not None and (judgement == OVERALL or grade is Grade.INADEQUATE):
        warnings.append(cascade)
    leadership = leadership_warning(agency, board, leaders_understand_failure=leaders_understand_failure)
    failing_main = grade is Grade.INADEQUATE and judgement in MAIN_JUDGEMENTS.get(agency, ())
    if leadership is not None and (judgement == JudgementArea.LEADERSHIP or failing_main):
        warnings.append(leadership)
    evidence = evidence_warning(finding_ids, links, sources)
    if evidence is not None:
        warnings.append(evidence)
    return warnings


def contradicted_warnings(judgement: Judgement | str, warnings: Iterable[GradeWarning]) -> list[GradeWarning]:
    """The rules' warnings a grade for ``judgement`` contradicts: overall effectiveness graded better than the
    cascade says (health ¶67, police ¶79), leadership graded better than the leadership rule says (¶70, ¶81).

    An inadequate contributing judgement carries the cascade warning too, but agreeing it is what the rule
    expects, not a contradiction of it.
    """
    return [
        w
        for w in warnings
        if (w.code is WarningCode.OVERALL_LIKELY_INADEQUATE and judgement == OVERALL)
        or (w.code is WarningCode.LEADERSHIP_LIKELY_INADEQUATE and judgement == JudgementArea.LEADERSHIP)
    ]


def warning_reason_refusal(judgement: Judgement | str, warnings: Iterable[GradeWarning], reason: str) -> str | None:
    """Why an agreed grade needs a recorded reason (the warnings it contradicts); None if it has one or needs none."""
    contradicted = contradicted_warnings(judgement, warnings)
    if not contradicted or reason.strip():
        return None
    said = "; ".join(w.message for w in contradicted)
    return f"this agreed grade contradicts the rule's warning ({said}): record why the team agreed it"


# ---------------------------------------------------------------- event payloads


class GradePayload(Payload):
    """The cell every grade event is about."""

    agency: Agency
    judgement: str


class GradeProposed(GradePayload):
    """Data of ``grade.proposed``, with the warnings the server's rules raised on it."""

    grade: Grade
    rationale: str = ""
    finding_ids: list[str] = []
    leaders_understand_failure: bool = False
    warnings: list[GradeWarning] = []


class GradeAgreed(GradeProposed):
    """Data of ``grade.agreed``: a newly agreed grade withdraws the cell's sign-off; ``amends_meeting`` names the
    final meeting whose reopened grade it agrees again (absent otherwise)."""

    warning_reason: str = ""
    sign_off_withdrawn: bool = False
    amends_meeting: Annotated[str | None, Field(exclude_if=lambda meeting: meeting is None)] = None


class GradeChallenged(GradePayload):
    """Data of ``grade.challenged``: the QA manager's comment on the grades as they stood."""

    comment: str
    proposed_grade: Grade | None = None
    agreed_grade: Grade | None = None


class GradeSignedOff(GradePayload):
    """Data of ``grade.signed-off``."""

    grade: Grade | None = None


class GradeResponded(GradePayload):
    """Data of ``grade.responded``: the lead's answer to the open challenges (``answered`` of them)."""

    response: str
    answered: int = 0


class GradeReopened(GradePayload):
    """Data of ``grade.reopened``: the lead reopens a grade the final meeting froze, with a reason."""

    reason: str
    meeting_id: str
    agreed_grade: Grade | None = None
