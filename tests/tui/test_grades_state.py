"""TeamState with the grade board: grade events folded into cells with their history, our grade commands shown
as sending until their event arrives, refusals kept on the cell, and the warnings recomputed over live evidence."""

from __future__ import annotations

from datetime import timedelta

from shared.criteria import Grade
from shared.grades import OVERALL, ChallengeGrade, ProposeGrade, WarningCode
from shared.protocol import Event
from shared.vocabulary import Agency, JudgementArea
from tui.grades.book import CellView, board_views, narratives_of
from tui.state import TeamState

from .alerts_data import event
from .app_data import ASHA, BEN, CARA, NOW, seed_events, welcome
from .evidence_data import evidence_log
from .grades_data import grade_event, grade_log

HEALTH_LAC = (Agency.HEALTH, JudgementArea.LOOKED_AFTER.value)
POLICE_HP = (Agency.POLICE, JudgementArea.HELP_AND_PROTECTION.value)
POLICE_OVERALL = (Agency.POLICE, OVERALL)


def history() -> list[Event]:
    base = seed_events() + evidence_log()
    return base + grade_log(len(base) + 1)


def views(state: TeamState) -> dict[tuple[Agency, str], CellView]:
    return {(v.agency, v.judgement): v for v in board_views(state)}


def codes(view: CellView) -> set[WarningCode]:
    return {w.code for w in view.warnings}


def propose(command_id: str = "g1", **overrides: object) -> ProposeGrade:
    values: dict[str, object] = {"id": command_id, "agency": "police", "judgement": "help-and-protection",
                                 "grade": "inadequate", "rationale": "Missing episodes are not shared.",
                                 "finding_ids": ["f008"]}
    return ProposeGrade.model_validate(values | overrides)


def test_grade_events_fold_into_cells_with_their_history() -> None:
    state = TeamState.build(welcome(), history())
    cell = state.grades.cell(*HEALTH_LAC)
    assert cell is not None and cell.grade is Grade.REQUIRES_IMPROVEMENT
    assert [step.kind for step in cell.history] == ["proposed", "agreed", "challenged", "responded", "signed-off"]
    assert cell.open_challenges == []
    assert cell.proposed is not None and cell.proposed.actor_id == BEN.id
    assert cell.agreed is not None and cell.agreed.finding_ids == ("f002", "f009")
    assert cell.signed_off is not None and len(cell.challenges) == 1
    assert "40% drawn from the whole sample" in cell.challenges[0].text
    rows = [(agency, judgement) for agency, judgement, _ in state.grades.rows()]
    assert rows[0] == (Agency.LOCAL_AUTHORITY, OVERALL) and rows[-1] == (Agency.LSCB, "lscb-effectiveness")
    assert not any(agency in (Agency.PROBATION, Agency.YOT, Agency.CUSTODY) for agency, _ in rows)


def test_warnings_follow_the_live_evidence_not_only_the_event() -> None:
    state = TeamState.build(welcome(), history())
    board = views(state)
    assert codes(board[HEALTH_LAC]) == set(), "f002 is corroborated by Ofsted's f009"
    police = board[POLICE_HP]
    assert WarningCode.UNCORROBORATED in codes(police)
    assert WarningCode.OVERALL_LIKELY_INADEQUATE in codes(police)  # help and protection inadequate, overall not
    assert WarningCode.OVERALL_LIKELY_INADEQUATE in codes(board[POLICE_OVERALL]), "the empty overall cell says so"
    assert WarningCode.LEADERSHIP_LIKELY_INADEQUATE in codes(board[(Agency.POLICE, "leadership")])

    # Health corroborates the police's case file from a meeting with the family: the warning goes at once.
    state.apply(event(state.head + 1, "finding.linked", BEN, NOW, link_id="l-f007-f008", finding_id="f007",
                      other_finding_id="f008", relation="corroborates", note=""))
    assert WarningCode.UNCORROBORATED not in codes(views(state)[POLICE_HP])

    # A contradiction makes it contested, so the grade rests on contested evidence again.
    state.apply(event(state.head + 1, "finding.linked", ASHA, NOW, link_id="l-f001-f008", finding_id="f001",
                      other_finding_id="f008", relation="contradicts", note=""))
    warning = next(w for w in views(state)[POLICE_HP].warnings if w.code is WarningCode.UNCORROBORATED)
    assert "(1 contested)" in warning.message


def test_a_withdrawn_cited_finding_no_longer_supports_the_grade() -> None:
    state = TeamState.build(welcome(), history())
    state.apply(event(state.head + 1, "finding.withdrawn", CARA, NOW, finding_id="f008",
                      reason="Wrong child: the episode was NM-0412's sibling."))
    warning = next(w for w in views(state)[POLICE_HP].warnings if w.code is WarningCode.NO_CITED_FINDINGS)
    assert "withdrawn" in warning.message and warning.finding_ids == ["f008"]


def test_a_cited_finding_this_app_has_not_got_falls_back_to_the_servers_warnings() -> None:
    base = seed_events()
    state = TeamState.build(welcome(), base)
    state.apply(grade_event(len(base) + 1, "grade.proposed", BEN, NOW, "health", "leadership", grade="good",
                            rationale="Named nurses are well supervised.", finding_ids=["elsewhere"],
                            warnings=[{"code": "uncorroborated", "message": "from the server", "finding_ids": []}]))
    found = views(state)[(Agency.HEALTH, "leadership")].warnings
    assert [w.message for w in found] == ["from the server"]


def test_our_grade_command_is_sending_until_its_event_arrives() -> None:
    state = TeamState.build(welcome(CARA), seed_events())
    command = propose()
    state.add_pending(command, at=NOW)
    assert views(state)[POLICE_HP].sending == (command,)

    state.acked(command.id, seq=state.head + 1)  # committed, but its event is still on the way
    assert command.id in state.grades.pending and views(state)[POLICE_HP].sending == (command,)

    state.apply(grade_event(state.head + 1, "grade.proposed", CARA, NOW + timedelta(minutes=1), "police",
                            "help-and-protection", grade="inadequate", rationale="Missing episodes are not shared.",
                            finding_ids=["f008"], warnings=[]))
    assert not state.grades.pending and views(state)[POLICE_HP].sending == ()
    cell = state.grades.cell(*POLICE_HP)
    assert cell is not None and cell.proposed is not None and cell.proposed.grade is Grade.INADEQUATE


def test_a_refusal_is_kept_on_the_cell_until_we_try_again() -> None:
    state = TeamState.build(welcome(BEN), seed_events())
    command = ChallengeGrade(id="g2", agency=Agency.HEALTH, judgement="looked-after", comment="Why?")
    state.add_pending(command, at=NOW)
    state.rejected(command.id, "only the QA manager may challenge a grade")
    refused = views(state)[HEALTH_LAC]
    assert refused.sending == () and refused.refusal is not None
    assert refused.refusal.message == "only the QA manager may challenge a grade"
    assert refused.refusal.command == command

    state.add_pending(propose("g3", agency="health", judgement="looked-after", finding_ids=[]), at=NOW)
    assert views(state)[HEALTH_LAC].refusal is None and len(views(state)[HEALTH_LAC].sending) == 1


def test_narrative_only_agencies_count_their_findings_by_kind() -> None:
    state = TeamState.build(welcome(), seed_events())
    narratives = {n.agency: n for n in narratives_of(state)}
    assert list(narratives) == [Agency.PROBATION, Agency.YOT, Agency.CUSTODY]
    assert narratives[Agency.YOT].strengths == 1, "good practice counts as a strength"
    assert narratives[Agency.PROBATION].strengths == narratives[Agency.CUSTODY].weaknesses == 0
