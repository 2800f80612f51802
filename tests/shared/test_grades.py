"""The grade board's rules: which rows are graded, who may grade, the scale, and the warnings (with the cascade).

The command frames here are raw JSON on purpose: they test how decode_command reads the wire, so they are not built
through the models.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from shared.catalogue import COMMANDS, decode_command
from shared.criteria import Grade, criterion
from shared.grade_board import GRADE_KINDS, GradeBoard
from shared.grades import (
    CASCADE_PARAGRAPH,
    OVERALL,
    AgreeGrade,
    GradeAgreed,
    GradeChallenged,
    GradeReopened,
    GradeResponded,
    ProposeGrade,
    ReopenGrade,
    RespondToChallenge,
    WarningCode,
    board_cells,
    cascade_warning,
    contradicted_warnings,
    evidence_warning,
    grade_warnings,
    judgement_refusal,
    judgements_for,
    may_agree,
    may_propose,
    may_quality_assure,
    may_respond,
    propose_refusal,
    scale_refusal,
    warning_reason_refusal,
)
from shared.protocol import ErrorCode, Inspector, ProtocolError, decode_server
from shared.triangulation import Link, Relation, Source
from shared.vocabulary import Agency, EvidenceSource, Framework, Inspectorate, JudgementArea, Role
from tests.seeds import needs_seeds, source

T = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
HP = JudgementArea.HELP_AND_PROTECTION
LAC = JudgementArea.LOOKED_AFTER
LEAD = JudgementArea.LEADERSHIP
LSCB = JudgementArea.LSCB_EFFECTIVENESS


def person(inspectorate: Inspectorate, role: Role = Role.INSPECTOR) -> Inspector:
    return Inspector(id=1, name="Someone", inspectorate=inspectorate, role=role)


# ---------------------------------------------------------------- rows of the board


def test_graded_agencies_get_overall_plus_their_judgements_and_the_lscb_one_shared_judgement() -> None:
    assert judgements_for(Agency.LOCAL_AUTHORITY) == (OVERALL, HP, LAC, LEAD)
    assert judgements_for(Agency.HEALTH) == (OVERALL, HP, LAC, LEAD)
    assert judgements_for(Agency.POLICE) == (OVERALL, HP, LEAD)  # not judged on children looked after (¶74)
    assert judgements_for(Agency.LSCB) == (LSCB,)
    for agency in (Agency.PROBATION, Agency.YOT, Agency.CUSTODY):
        assert judgements_for(agency) == ()
    assert len(board_cells()) == 4 + 4 + 3 + 1


@pytest.mark.parametrize("agency", [Agency.PROBATION, Agency.YOT, Agency.CUSTODY])
def test_narrative_only_agencies_are_refused_with_a_clear_message(agency: Agency) -> None:
    field, why = judgement_refusal(agency, OVERALL) or ("", "")
    assert field == "agency"
    assert "not graded" in why and "narrative" in why
    with pytest.raises(ProtocolError) as caught:
        decode_command(
            json.dumps(
                {
                    "type": "grade.propose",
                    "id": "g-1",
                    "agency": agency.value,
                    "judgement": "overall",
                    "grade": "good",
                    "rationale": "Because.",
                }
            )
        )
    assert (caught.value.frame.code, caught.value.frame.field) == (ErrorCode.INVALID, "agency")
    assert "narrative" in caught.value.frame.message


def test_a_judgement_the_agency_does_not_receive_is_refused() -> None:
    assert judgement_refusal(Agency.POLICE, LAC) is not None
    assert judgement_refusal(Agency.LSCB, OVERALL) is not None
    assert judgement_refusal(Agency.HEALTH, LSCB) is not None
    assert judgement_refusal(Agency.LOCAL_AUTHORITY, OVERALL) is None
    with pytest.raises(ValueError, match="judgement"):
        ProposeGrade(id="g-2", agency=Agency.POLICE, judgement=LAC, grade=Grade.GOOD, rationale="x")


def test_the_scale_belongs_to_the_framework() -> None:
    assert scale_refusal(Framework.INTEGRATED, Grade.REQUIRES_IMPROVEMENT) is None
    assert scale_refusal(Framework.CHILD_PROTECTION, Grade.ADEQUATE) is None
    why = scale_refusal(Framework.INTEGRATED, Grade.ADEQUATE)
    assert why is not None and "requires improvement" in why
    assert scale_refusal(Framework.CHILD_PROTECTION, Grade.REQUIRES_IMPROVEMENT) is not None


def test_commands_decode_and_refuse_blank_rationale_and_duplicate_citations() -> None:
    frame = {"type": "grade.agree", "id": "g-3", "agency": "health", "judgement": "leadership", "grade": "good",
             "rationale": "Leaders know their services well.", "finding_ids": ["c1-a", "c2-b"]}  # fmt: skip
    command = decode_command(json.dumps(frame))
    assert isinstance(command, AgreeGrade) and command.judgement is LEAD
    with pytest.raises(ProtocolError) as caught:
        decode_command(json.dumps(frame | {"rationale": "  "}))
    assert caught.value.frame.field == "rationale"
    with pytest.raises(ProtocolError) as caught:
        decode_command(json.dumps(frame | {"finding_ids": ["c1-a", "c1-a"]}))
    assert caught.value.frame.field == "finding_ids"
    assert {"grade.propose", "grade.agree", "grade.challenge", "grade.sign-off"} <= set(COMMANDS)


# ---------------------------------------------------------------- who may do what


def test_permissions() -> None:
    ofsted, cqc, hmic = person(Inspectorate.OFSTED), person(Inspectorate.CQC), person(Inspectorate.HMIC)
    probation = person(Inspectorate.HMI_PROBATION)
    lead = person(Inspectorate.OFSTED, Role.LEAD)
    qa = person(Inspectorate.OFSTED, Role.QA_MANAGER)
    assert may_propose(ofsted, Agency.LOCAL_AUTHORITY) and not may_propose(cqc, Agency.LOCAL_AUTHORITY)
    assert may_propose(cqc, Agency.HEALTH) and not may_propose(hmic, Agency.HEALTH)
    assert may_propose(hmic, Agency.POLICE) and not may_propose(ofsted, Agency.POLICE)
    assert all(may_propose(p, Agency.LSCB) for p in (ofsted, cqc, hmic, probation, lead))
    assert may_propose(lead, Agency.POLICE)
    assert not may_propose(qa, Agency.LOCAL_AUTHORITY) and not may_propose(qa, Agency.LSCB)
    assert "HMIC" in (propose_refusal(cqc, Agency.POLICE) or "")
    assert may_agree(lead) and not may_agree(ofsted) and not may_agree(qa)
    assert may_quality_assure(qa) and not may_quality_assure(lead) and not may_quality_assure(ofsted)


# ---------------------------------------------------------------- warnings


def test_cascade_overall_likely_inadequate_if_any_contributing_judgement_is_inadequate() -> None:
    good = {OVERALL: Grade.GOOD, HP: Grade.GOOD, LEAD: Grade.GOOD}
    assert cascade_warning(Agency.POLICE, good) is None
    failing = good | {HP: Grade.INADEQUATE}
    warning = cascade_warning(Agency.POLICE, failing)
    assert warning is not None and warning.code is WarningCode.OVERALL_LIKELY_INADEQUATE
    assert warning.message.endswith("(integrated ¶79)") and "¶67" not in warning.message  # police: ¶79 only
    assert "graded good" in warning.message
    assert cascade_warning(Agency.POLICE, failing | {OVERALL: Grade.INADEQUATE}) is None
    ungraded = cascade_warning(Agency.HEALTH, {LAC: Grade.INADEQUATE})
    assert ungraded is not None and "not yet graded" in ungraded.message
    assert ungraded.message.endswith("(integrated ¶67)") and "¶79" not in ungraded.message  # health: ¶67 only
    two = cascade_warning(Agency.HEALTH, {LAC: Grade.INADEQUATE, LEAD: Grade.INADEQUATE})
    assert two is not None and " are inadequate" in two.message
    assert cascade_warning(Agency.LSCB, {LSCB: Grade.INADEQUATE}) is None  # nothing cascades from the LSCB


def src(inspectorate: Inspectorate, evidence: EvidenceSource = EvidenceSource.CASE_FILE) -> Source:
    return Source(inspectorate, evidence)


SOURCES = {
    "f1": src(Inspectorate.OFSTED),
    "f2": src(Inspectorate.CQC),
    "f3": src(Inspectorate.OFSTED),  # same inspectorate and kind as f1: no corroboration
    "f4": src(Inspectorate.HMIC),
}


@pytest.mark.parametrize("area", [HP, LAC, LEAD])
def test_no_cascade_for_the_local_authority_the_consultation_states_none(area: JudgementArea) -> None:
    """I ¶67 (health) and ¶79 (police) state the cascade; nothing in the consultation states it for the local
    authority, whose judgements are Ofsted's single inspection's (I ¶41, ¶47)."""
    board = {OVERALL: Grade.GOOD, HP: Grade.GOOD, LAC: Grade.GOOD, LEAD: Grade.GOOD, area: Grade.INADEQUATE}
    assert cascade_warning(Agency.LOCAL_AUTHORITY, board) is None
    warnings = grade_warnings(Agency.LOCAL_AUTHORITY, OVERALL, Grade.GOOD, [], board, [], SOURCES)
    assert [w.code for w in warnings] == [WarningCode.NO_CITED_FINDINGS]


@needs_seeds
def test_the_cascade_is_applied_exactly_where_the_consultation_states_it() -> None:
    """The paragraphs saying "a judgement of inadequate is likely to be made if any/either of the following are
    judged inadequate" are I ¶67 (health) and ¶79 (police); the rule cites each agency's own."""
    text = source(Framework.INTEGRATED).read_text(encoding="utf-8")
    stated = [int(n) for n in re.findall(r"^- (\d+)\. A judgement of inadequate is likely to be made", text, re.M)]
    assert stated == [67, 79]
    assert {criterion(f"I{n}").agency: f"integrated ¶{n}" for n in stated} == CASCADE_PARAGRAPH
    assert [criterion(f"I{n}").agency for n in stated] == [Agency.HEALTH, Agency.POLICE]


def test_evidence_warnings_no_citations_single_source_contested_and_corroborated() -> None:
    none = evidence_warning([], [], SOURCES)
    assert none is not None and none.code is WarningCode.NO_CITED_FINDINGS
    single = evidence_warning(["f1"], [], SOURCES)
    assert single is not None and single.code is WarningCode.UNCORROBORATED and single.finding_ids == ["f1"]
    same_source = [Link("l1", "f1", "f3", Relation.CORROBORATES)]
    assert evidence_warning(["f1"], same_source, SOURCES) is not None
    corroborated = [Link("l2", "f1", "f2", Relation.CORROBORATES)]
    assert evidence_warning(["f1"], corroborated, SOURCES) is None
    contested = [*corroborated, Link("l3", "f1", "f4", Relation.CONTRADICTS)]
    warning = evidence_warning(["f1"], contested, SOURCES)
    assert warning is not None and "contested" in warning.message
    # one corroborated finding among the cited is enough
    assert evidence_warning(["f1", "f4"], [Link("l4", "f4", "f2", Relation.CORROBORATES)], SOURCES) is None
    # relates-to never corroborates
    assert evidence_warning(["f1"], [Link("l5", "f1", "f2", Relation.RELATES_TO)], SOURCES) is not None


def test_grade_warnings_put_the_new_grade_on_the_board_and_cascade_only_where_it_matters() -> None:
    corroborated = [Link("l2", "f1", "f2", Relation.CORROBORATES)]
    board = {HP: Grade.INADEQUATE, LEAD: Grade.GOOD}
    overall = grade_warnings(Agency.POLICE, OVERALL, Grade.GOOD, ["f1"], board, corroborated, SOURCES)
    assert [w.code for w in overall] == [WarningCode.OVERALL_LIKELY_INADEQUATE]
    fine = grade_warnings(Agency.POLICE, OVERALL, Grade.INADEQUATE, ["f1"], board, corroborated, SOURCES)
    assert fine == []
    # the new grade replaces the cell's old one: proposing help-and-protection good clears the cascade
    assert (
        grade_warnings(Agency.POLICE, HP, Grade.GOOD, ["f1"], board | {OVERALL: Grade.GOOD}, corroborated, SOURCES)
        == []
    )
    # an inadequate contributing judgement warns that overall (good) is likely inadequate — and, for a main
    # judgement, that leadership (ungraded here) is too (¶81; tests/shared/test_leadership_rule.py)
    hp = grade_warnings(Agency.POLICE, HP, Grade.INADEQUATE, [], {OVERALL: Grade.GOOD}, [], SOURCES)
    assert [w.code for w in hp] == [
        WarningCode.OVERALL_LIKELY_INADEQUATE,
        WarningCode.LEADERSHIP_LIKELY_INADEQUATE,
        WarningCode.NO_CITED_FINDINGS,
    ]
    # a good leadership grade is not itself warned about the cascade, only about the leadership rule
    lead = grade_warnings(Agency.POLICE, LEAD, Grade.GOOD, ["f1"], board, corroborated, SOURCES)
    assert [w.code for w in lead] == [WarningCode.LEADERSHIP_LIKELY_INADEQUATE]
    understood = grade_warnings(
        Agency.POLICE, LEAD, Grade.GOOD, ["f1"], board, corroborated, SOURCES, leaders_understand_failure=True
    )
    assert understood == []


# ---------------------------------------------------------------- the protocol doc


def test_every_grade_example_in_the_protocol_doc_is_a_valid_frame_and_none_is_missing() -> None:
    doc = (Path(__file__).parents[2] / "docs" / "protocol.md").read_text(encoding="utf-8")
    section = doc[doc.index("## 10. Judgements and grades") :]
    kinds: set[str] = set()
    for raw in re.findall(r"```json\n(.*?)```", section, re.S):
        frame = json.loads(raw)
        if frame["type"] in ("event", "error"):
            kinds.add(getattr(decode_server(raw), "kind", "error"))
        else:
            kinds.add(decode_command(raw).type)  # type: ignore[attr-defined]
    events = set(GRADE_KINDS)
    assert {name for name in COMMANDS if name.startswith("grade.")} | events | {"error"} <= kinds
    table = doc[doc.index("| kind | data |") : doc.index("## 3.")]
    assert all(f"| `{kind}` |" in table for kind in events), "every event kind is in the events table (§2)"


# ---------------------------------------------------------------- the board's promises


def test_only_an_agreement_against_the_cascade_or_the_leadership_rule_needs_a_reason() -> None:
    board = {HP: Grade.INADEQUATE}
    overall = grade_warnings(Agency.POLICE, OVERALL, Grade.GOOD, [], board, [], {})
    assert contradicted_warnings(OVERALL, overall)[0].code is WarningCode.OVERALL_LIKELY_INADEQUATE
    why = warning_reason_refusal(OVERALL, overall, "")
    assert why is not None and "likely inadequate" in why and "record why" in why
    assert warning_reason_refusal(OVERALL, overall, " \n") == why
    assert warning_reason_refusal(OVERALL, overall, "Confined to one district.") is None
    leadership = grade_warnings(Agency.POLICE, LEAD, Grade.GOOD, [], board, [], {})
    assert [w.code for w in contradicted_warnings(LEAD, leadership)] == [WarningCode.LEADERSHIP_LIKELY_INADEQUATE]
    # the inadequate judgement itself carries both warnings, but agreeing it contradicts neither
    failing = grade_warnings(Agency.POLICE, HP, Grade.INADEQUATE, [], board, [], {})
    assert len(failing) == 3 and contradicted_warnings(HP, failing) == []
    assert warning_reason_refusal(HP, failing, "") is None


def test_a_challenge_stays_open_until_the_lead_responds() -> None:
    board = GradeBoard()
    cell = {"agency": Agency.HEALTH, "judgement": "overall"}
    board.fold(GradeAgreed(**cell, grade=Grade.GOOD, rationale="Agreed.", warning_reason="Weighed."), T, 1)
    board.fold(GradeChallenged(**cell, comment="Why?"), T, 6)
    board.fold(GradeChallenged(**cell, comment="And?"), T, 6)
    found = board.cell(Agency.HEALTH, "overall")
    assert found is not None and [s.text for s in found.open_challenges] == ["Why?", "And?"]
    assert found.warning_reason == "Weighed."
    board.fold(GradeResponded(**cell, response="Because.", answered=2), T, 1)
    assert found.open_challenges == [] and found.history[-1].text == "Because."
    board.fold(GradeReopened(**cell, reason="Late evidence.", meeting_id="m", agreed_grade=Grade.GOOD), T, 1)
    assert found.history[-1].kind == "reopened" and found.agreed is not None and found.agreed.grade is Grade.GOOD


def test_the_new_grade_commands_decode_and_refuse_blank_text() -> None:
    cell = {"agency": "health", "judgement": "overall"}
    respond = decode_command(json.dumps({"type": "grade.respond", "id": "r1", **cell, "response": "Because."}))
    assert isinstance(respond, RespondToChallenge)
    reopen = decode_command(json.dumps({"type": "grade.reopen", "id": "r2", **cell, "reason": "Late evidence."}))
    assert isinstance(reopen, ReopenGrade)
    for kind, field in (("grade.respond", "response"), ("grade.reopen", "reason")):
        with pytest.raises(ProtocolError) as refused:
            decode_command(json.dumps({"type": kind, "id": "r3", **cell, field: "  "}))
        assert refused.value.frame.field == field
    with pytest.raises(ProtocolError) as refused:
        decode_command(json.dumps({"type": "grade.reopen", "id": "r4", "agency": "yot", "judgement": "overall",
                                   "reason": "x"}))  # fmt: skip
    assert refused.value.frame.field == "agency"
    assert may_respond(person(Inspectorate.OFSTED, Role.LEAD))
    assert not may_respond(person(Inspectorate.OFSTED, Role.QA_MANAGER))
