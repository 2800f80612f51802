"""The leadership rule (integrated ¶70 health, ¶81 police) beside the cascade (¶67, ¶79).

"Leadership, management and governance are likely to be inadequate if [a main judgement] is inadequate and
leaders and managers have not been able to demonstrate sufficient understanding of the failure." The grades
alone cannot say whether leaders understood, so the leadership grade carries ``leaders_understand_failure``.

The command frames here are raw JSON on purpose: they test how decode_command reads the wire, so they are not built
through the models.
"""

from __future__ import annotations

import json

import pytest

from shared.catalogue import decode_command
from shared.criteria import Grade
from shared.grades import (
    OVERALL,
    AgreeGrade,
    ProposeGrade,
    WarningCode,
    grade_warnings,
    leadership_warning,
)
from shared.protocol import ErrorCode, ProtocolError
from shared.triangulation import Link, Relation, Source
from shared.vocabulary import Agency, EvidenceSource, Inspectorate, JudgementArea

HP = JudgementArea.HELP_AND_PROTECTION
LAC = JudgementArea.LOOKED_AFTER
LEAD = JudgementArea.LEADERSHIP

SOURCES = {
    "f1": Source(Inspectorate.CQC, EvidenceSource.CASE_FILE),
    "f2": Source(Inspectorate.OFSTED, EvidenceSource.CASE_FILE),
}
CORROBORATED = [Link("l1", "f1", "f2", Relation.CORROBORATES)]


def codes(agency: Agency, judgement: str, grade: Grade, board: dict[str, Grade], **kwargs: bool) -> list[str]:
    """The warning codes on one well-evidenced grade (so only the board's rules speak)."""
    found = grade_warnings(agency, judgement, grade, ["f1"], board, CORROBORATED, SOURCES, **kwargs)  # type: ignore[arg-type]
    return [w.code.value for w in found]


# ---------------------------------------------------------------- the rule on its own


@pytest.mark.parametrize("main", [HP, LAC])
def test_health_either_main_judgement_inadequate_makes_leadership_likely_inadequate(main: JudgementArea) -> None:
    warning = leadership_warning(Agency.HEALTH, {main: Grade.INADEQUATE, LEAD: Grade.GOOD})
    assert warning is not None and warning.code is WarningCode.LEADERSHIP_LIKELY_INADEQUATE
    assert "¶70" in warning.message and "graded good" in warning.message and main.label.lower() in warning.message


def test_police_only_help_and_protection_counts() -> None:
    warning = leadership_warning(Agency.POLICE, {HP: Grade.INADEQUATE})
    assert warning is not None and "¶81" in warning.message and "not yet graded" in warning.message
    assert leadership_warning(Agency.POLICE, {LAC: Grade.INADEQUATE}) is None  # police are not judged on it


def test_no_warning_when_leaders_understand_or_leadership_is_already_inadequate() -> None:
    failing = {HP: Grade.INADEQUATE, LAC: Grade.INADEQUATE, LEAD: Grade.REQUIRES_IMPROVEMENT}
    both = leadership_warning(Agency.HEALTH, failing)
    assert both is not None and " are inadequate" in both.message
    assert leadership_warning(Agency.HEALTH, failing, leaders_understand_failure=True) is None
    assert leadership_warning(Agency.HEALTH, failing | {LEAD: Grade.INADEQUATE}) is None
    assert leadership_warning(Agency.HEALTH, {HP: Grade.GOOD, LEAD: Grade.GOOD}) is None


@pytest.mark.parametrize("agency", [Agency.LOCAL_AUTHORITY, Agency.LSCB, Agency.PROBATION])
def test_the_rule_is_stated_only_for_health_and_police(agency: Agency) -> None:
    assert leadership_warning(agency, {HP: Grade.INADEQUATE, LEAD: Grade.GOOD}) is None


# ---------------------------------------------------------------- with the cascade, on the right cells


def test_shown_on_the_leadership_cell_and_on_the_inadequate_main_judgement_beside_the_cascade() -> None:
    board = {OVERALL: Grade.GOOD, HP: Grade.INADEQUATE, LEAD: Grade.GOOD}
    assert codes(Agency.HEALTH, LEAD, Grade.GOOD, board) == ["leadership-likely-inadequate"]
    assert codes(Agency.HEALTH, HP, Grade.INADEQUATE, board) == [
        "overall-likely-inadequate",
        "leadership-likely-inadequate",
    ]
    # overall effectiveness carries the cascade only; an inadequate overall is not a main judgement
    assert codes(Agency.HEALTH, OVERALL, Grade.GOOD, board) == ["overall-likely-inadequate"]
    assert codes(Agency.HEALTH, OVERALL, Grade.INADEQUATE, board) == []
    # inadequate leadership satisfies both rules at once
    assert codes(Agency.HEALTH, LEAD, Grade.INADEQUATE, board | {OVERALL: Grade.INADEQUATE}) == []


def test_the_leadership_cells_flag_silences_the_rule_wherever_it_is_evaluated() -> None:
    board = {OVERALL: Grade.INADEQUATE, HP: Grade.INADEQUATE, LEAD: Grade.GOOD}
    assert codes(Agency.POLICE, LEAD, Grade.GOOD, board, leaders_understand_failure=True) == []
    assert codes(Agency.POLICE, HP, Grade.INADEQUATE, board, leaders_understand_failure=True) == []
    # backward compatible: callers that do not pass the flag get the rule with no understanding recorded
    assert codes(Agency.POLICE, HP, Grade.INADEQUATE, board) == ["leadership-likely-inadequate"]


def test_a_main_judgement_regraded_better_clears_the_warning() -> None:
    board = {HP: Grade.INADEQUATE, LEAD: Grade.GOOD}
    assert codes(Agency.POLICE, HP, Grade.REQUIRES_IMPROVEMENT, board) == []


# ---------------------------------------------------------------- the command field


def test_the_flag_defaults_to_false_and_travels_on_leadership_grades() -> None:
    frame = {"type": "grade.agree", "id": "g-1", "agency": "police", "judgement": "leadership", "grade": "good",
             "rationale": "Leaders have commissioned an independent review of strategy discussions."}  # fmt: skip
    command = decode_command(json.dumps(frame | {"leaders_understand_failure": True}))
    assert isinstance(command, AgreeGrade) and command.leaders_understand_failure is True
    plain = decode_command(json.dumps(frame))
    assert isinstance(plain, AgreeGrade) and plain.leaders_understand_failure is False


@pytest.mark.parametrize("judgement", [OVERALL, HP.value, LAC.value])
def test_the_flag_is_refused_on_any_judgement_but_leadership(judgement: str) -> None:
    frame = {"type": "grade.propose", "id": "g-2", "agency": "health", "judgement": judgement, "grade": "inadequate",
             "rationale": "Widespread failures.", "leaders_understand_failure": True}  # fmt: skip
    with pytest.raises(ProtocolError) as caught:
        decode_command(json.dumps(frame))
    assert (caught.value.frame.code, caught.value.frame.field) == (ErrorCode.INVALID, "leaders_understand_failure")
    assert "leadership" in caught.value.frame.message
    with pytest.raises(ValueError, match="leaders_understand_failure"):
        ProposeGrade(id="g-3", agency=Agency.HEALTH, judgement=judgement, grade=Grade.GOOD, rationale="x",  # type: ignore[arg-type]
                     leaders_understand_failure=True)  # fmt: skip
    # False is always fine: it is the default
    ProposeGrade(id="g-4", agency=Agency.HEALTH, judgement=judgement, grade=Grade.GOOD, rationale="x",  # type: ignore[arg-type]
                 leaders_understand_failure=False)  # fmt: skip
