"""The grade board end to end: a real server, a real SQLite file, the lead, CQC and HMIC inspectors and a QA manager.

Who may propose, agree, challenge and sign off; the narrative-only refusal; the framework's scale; cited findings
must exist; retries are safe; everyone sees every step; and the warnings the server computed travel in the event.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from server.network.team_server import TeamServer
from server.storage import database
from shared.protocol import ErrorCode, Event
from shared.vocabulary import Inspectorate, Role
from tests.server.conftest import (
    Member,
    Team,
    TeamRoom,
    WireClient,
    accepted,
    event_of,
    link_frame,
    meeting_command,
    meeting_frame,
    new_id,
    post_frame,
    refused,
)


def grade_frame(kind: str = "grade.propose", command_id: str | None = None, **overrides: Any) -> dict[str, Any]:
    """A valid ``grade.propose`` / ``grade.agree`` (health, help and protection, good, no findings cited)."""
    values: dict[str, Any] = {
        "type": kind,
        "id": command_id or new_id("grade"),
        "agency": "health",
        "judgement": "help-and-protection",
        "grade": "good",
        "rationale": "Health visitors attend strategy discussions and share information promptly.",
        "finding_ids": [],
    }
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not None}


def cell_frame(kind: str, command_id: str | None = None, **overrides: Any) -> dict[str, Any]:
    """A valid ``grade.challenge`` / ``grade.sign-off`` on health's help-and-protection grade."""
    values: dict[str, Any] = {
        "type": kind,
        "id": command_id or new_id(kind.replace(".", "-")),
        "agency": "health",
        "judgement": "help-and-protection",
    }
    if kind == "grade.challenge":
        values["comment"] = "The rationale cites no evidence about looked-after children's health assessments."
    if kind == "grade.respond":
        values["response"] = "The looked-after sample was read in full; the assessments are within timescale."
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not None}


@pytest.fixture
def qa_member(db_url: str, team: Team) -> Member:
    engine = database.connect(db_url)
    try:
        inspector, token = database.add_inspector(
            engine,
            inspection_id=team.inspection.id,
            name="Dev Rahman",
            inspectorate=Inspectorate.OFSTED,
            role=Role.QA_MANAGER,
        )
    finally:
        engine.dispose()
    return Member(inspector, token)


@pytest.fixture
async def qa(server: TeamServer, qa_member: Member) -> AsyncIterator[WireClient]:
    client = await WireClient.join(server.url, qa_member.token)
    yield client
    await client.close()


async def all_see(room: TeamRoom, qa: WireClient, seq: int) -> list[Event]:
    log = await room.everyone_sees(seq)
    assert await qa.wait_seq(seq) == log
    return log


async def finding_by(client: WireClient, **overrides: Any) -> str:
    frame = post_frame(new_id("f"), **overrides)
    await accepted(client, frame)
    return str(frame["id"])


# ---------------------------------------------------------------- propose


async def test_the_responsible_inspectorate_or_the_lead_proposes_and_everyone_sees_it(
    team_room: TeamRoom, qa: WireClient
) -> None:
    room = team_room
    health = await accepted(room.cqc, grade_frame())
    police = await accepted(room.hmic, grade_frame(agency="police", judgement="leadership", grade="inadequate"))
    la = await accepted(room.lead, grade_frame(agency="local-authority", judgement="overall"))
    lscb = await accepted(room.cqc, grade_frame(agency="lscb", judgement="lscb-effectiveness"))
    log = await all_see(room, qa, lscb.seq)
    assert [e.kind for e in log] == ["grade.proposed"] * 4
    assert [e.seq for e in log] == [health.seq, police.seq, la.seq, lscb.seq]
    first = log[0]
    assert first.actor == room.cqc.me
    assert first.data["agency"] == "health" and first.data["grade"] == "good"
    assert first.data["rationale"].startswith("Health visitors")

    await refused(room.cqc, grade_frame(agency="police"), ErrorCode.FORBIDDEN)
    await refused(room.hmic, grade_frame(agency="local-authority"), ErrorCode.FORBIDDEN)
    reply = await refused(qa, grade_frame(), ErrorCode.FORBIDDEN)
    assert "CQC" in reply.message
    again = await accepted(room.cqc, grade_frame(grade="requires-improvement"))
    assert again.seq == lscb.seq + 1  # the refusals left no trace


@pytest.mark.parametrize("agency", ["probation", "yot", "custody"])
async def test_narrative_only_agencies_cannot_be_graded(team_room: TeamRoom, agency: str) -> None:
    reply = await refused(team_room.lead, grade_frame(agency=agency, judgement="overall"), ErrorCode.INVALID, "agency")
    assert "narrative" in reply.message and "not graded" in reply.message
    reply = await refused(team_room.lead, grade_frame("grade.agree", agency=agency), ErrorCode.INVALID, "agency")
    assert "narrative" in reply.message
    ack = await accepted(team_room.lead, grade_frame())
    assert ack.seq == 1


async def test_a_grade_off_the_framework_scale_or_a_judgement_not_given_is_refused(team_room: TeamRoom) -> None:
    reply = await refused(team_room.cqc, grade_frame(grade="adequate"), ErrorCode.INVALID, "grade")
    assert "integrated" in reply.message and "requires improvement" in reply.message
    await refused(team_room.cqc, grade_frame(grade="splendid"), ErrorCode.INVALID, "grade")
    await refused(
        team_room.hmic, grade_frame(agency="police", judgement="looked-after"), ErrorCode.INVALID, "judgement"
    )
    await refused(team_room.lead, grade_frame(agency="lscb", judgement="overall"), ErrorCode.INVALID, "judgement")


async def test_cited_findings_must_exist(team_room: TeamRoom) -> None:
    known = await finding_by(team_room.cqc, agency="health")
    reply = await refused(
        team_room.cqc, grade_frame(finding_ids=[known, "no-such-finding"]), ErrorCode.NOT_FOUND, "finding_ids"
    )
    assert "no-such-finding" in reply.message
    await refused(team_room.lead, grade_frame("grade.agree", finding_ids=["nope"]), ErrorCode.NOT_FOUND, "finding_ids")


async def test_a_retried_command_is_applied_once(team_room: TeamRoom) -> None:
    frame = grade_frame()
    first = await accepted(team_room.cqc, frame)
    second = await accepted(team_room.cqc, frame)
    assert first.seq == second.seq
    later = await accepted(team_room.cqc, grade_frame(grade="outstanding"))
    log = await team_room.everyone_sees(later.seq)
    assert [e.kind for e in log] == ["grade.proposed", "grade.proposed"]
    # the same id from someone else is a conflict, not a silent replay
    await refused(team_room.hmic, frame, ErrorCode.CONFLICT, "id")


# ---------------------------------------------------------------- agree, challenge, sign off


async def test_only_the_lead_agrees_and_only_the_qa_manager_challenges_and_signs_off(
    team_room: TeamRoom, qa: WireClient
) -> None:
    room = team_room
    await refused(room.cqc, grade_frame("grade.agree"), ErrorCode.FORBIDDEN)
    await refused(qa, grade_frame("grade.agree"), ErrorCode.FORBIDDEN)
    # nothing to challenge or sign off yet
    await refused(qa, cell_frame("grade.challenge"), ErrorCode.NOT_FOUND, "judgement")
    proposed = await accepted(room.cqc, grade_frame())
    await refused(room.lead, cell_frame("grade.challenge"), ErrorCode.FORBIDDEN)
    await refused(room.cqc, cell_frame("grade.challenge"), ErrorCode.FORBIDDEN)
    challenged = await accepted(qa, cell_frame("grade.challenge"))
    # a proposal is not an agreed grade: sign-off must wait for the final meeting
    reply = await refused(qa, cell_frame("grade.sign-off"), ErrorCode.OUT_OF_ORDER, "judgement")
    assert "agreed" in reply.message
    agreed = await accepted(room.lead, grade_frame("grade.agree", grade="requires-improvement"))
    responded = await accepted(room.lead, cell_frame("grade.respond", response="The sample covers every file."))
    await refused(room.lead, cell_frame("grade.sign-off"), ErrorCode.FORBIDDEN)
    signed = await accepted(qa, cell_frame("grade.sign-off"))
    await refused(qa, cell_frame("grade.sign-off"), ErrorCode.CONFLICT)
    reagreed = await accepted(room.lead, grade_frame("grade.agree", grade="good"))

    log = await all_see(room, qa, reagreed.seq)
    assert [(e.seq, e.kind) for e in log] == [
        (proposed.seq, "grade.proposed"),
        (challenged.seq, "grade.challenged"),
        (agreed.seq, "grade.agreed"),
        (responded.seq, "grade.responded"),
        (signed.seq, "grade.signed-off"),
        (reagreed.seq, "grade.agreed"),
    ]
    challenge = log[1]
    assert challenge.actor == qa.me and challenge.data["proposed_grade"] == "good"
    assert challenge.data["agreed_grade"] is None and challenge.data["comment"].startswith("The rationale")
    assert log[2].data["grade"] == "requires-improvement" and log[2].data["sign_off_withdrawn"] is False
    assert log[4].data == {"agency": "health", "judgement": "help-and-protection", "grade": "requires-improvement"}
    # a newly agreed grade withdraws the sign-off, so it can be signed off again
    assert log[5].data["sign_off_withdrawn"] is True
    await accepted(qa, cell_frame("grade.sign-off"))


# ---------------------------------------------------------------- warnings in the event data


async def test_the_server_puts_the_rules_warnings_in_the_event_data(team_room: TeamRoom) -> None:
    room = team_room
    police_a = await finding_by(room.hmic, agency="police", judgement_area="help-and-protection")
    police_b = await finding_by(room.cqc, agency="police", judgement_area="help-and-protection")
    lone = await finding_by(room.hmic, agency="police", judgement_area="leadership")

    # no cited findings
    ack = await accepted(room.hmic, grade_frame(agency="police", judgement="leadership", grade="good"))
    event = await event_of(room.lead, "grade.proposed", judgement="leadership")
    assert [w["code"] for w in event.data["warnings"]] == ["no-cited-findings"]

    # single source
    ack = await accepted(
        room.hmic, grade_frame(agency="police", judgement="leadership", grade="good", finding_ids=[lone])
    )
    event = await room.lead.recv_until(Event, lambda e: e.seq == ack.seq)
    [warning] = event.data["warnings"]
    assert warning["code"] == "uncorroborated" and warning["finding_ids"] == [lone]

    # corroborated across inspectorates: no evidence warning; overall good with nothing inadequate: none at all
    await accepted(room.cqc, link_frame(police_a, police_b, "corroborates"))
    ack = await accepted(
        room.lead, grade_frame("grade.agree", agency="police", judgement="overall", finding_ids=[police_a])
    )
    event = await room.lead.recv_until(Event, lambda e: e.seq == ack.seq)
    assert event.data["warnings"] == []

    # the cascade: help and protection inadequate while overall is agreed good
    ack = await accepted(
        room.hmic,
        grade_frame(agency="police", judgement="help-and-protection", grade="inadequate", finding_ids=[police_a]),
    )
    event = await room.lead.recv_until(Event, lambda e: e.seq == ack.seq)
    cascade, leadership = event.data["warnings"]
    assert cascade["code"] == "overall-likely-inadequate" and "graded good" in cascade["message"]
    # leadership was proposed good without leaders_understand_failure (¶81): tests/server/test_leadership_rule.py
    assert leadership["code"] == "leadership-likely-inadequate"

    # contested evidence is flagged, and overall good now carries the cascade warning too
    await accepted(room.hmic, link_frame(police_a, lone, "contradicts"))
    ack = await accepted(
        room.lead,
        grade_frame("grade.agree", agency="police", judgement="overall", finding_ids=[police_a],
                    warning_reason="The team weighed the cascade and agreed good."),
    )  # fmt: skip
    log = await room.everyone_sees(ack.seq)
    codes = [w["code"] for w in log[-1].data["warnings"]]
    assert codes == ["overall-likely-inadequate", "uncorroborated"]
    assert "contested" in log[-1].data["warnings"][1]["message"]
    # every client holds exactly the same warnings
    assert all(client.events[-1].data["warnings"] == log[-1].data["warnings"] for client in room.all)


# ---------------------------------------------------------------- a challenge needs the lead's response


async def test_a_challenged_grade_is_signed_off_only_after_the_lead_responds(
    team_room: TeamRoom, qa: WireClient
) -> None:
    room = team_room
    await accepted(room.lead, grade_frame("grade.agree"))
    # nothing to respond to yet
    await refused(room.lead, cell_frame("grade.respond"), ErrorCode.OUT_OF_ORDER, "judgement")
    await accepted(qa, cell_frame("grade.challenge", comment="Is one strategy discussion enough evidence?"))
    await accepted(qa, cell_frame("grade.challenge", comment="And the looked-after sample?"))

    reply = await refused(qa, cell_frame("grade.sign-off"), ErrorCode.OUT_OF_ORDER, "judgement")
    assert "awaits the lead's response" in reply.message and "And the looked-after sample?" in reply.message
    # only the lead responds, with something to say
    await refused(room.cqc, cell_frame("grade.respond"), ErrorCode.FORBIDDEN)
    await refused(qa, cell_frame("grade.respond"), ErrorCode.FORBIDDEN)
    await refused(room.lead, cell_frame("grade.respond", response="   "), ErrorCode.INVALID, "response")

    responded = await accepted(room.lead, cell_frame("grade.respond"))
    signed = await accepted(qa, cell_frame("grade.sign-off"))
    log = await all_see(room, qa, signed.seq)
    response = next(e for e in log if e.seq == responded.seq)
    assert response.kind == "grade.responded" and response.actor == room.lead.me
    assert response.data["response"].startswith("The looked-after sample") and response.data["answered"] == 2
    # answered once: a second response has nothing to answer, and a new challenge needs a new one
    await refused(room.lead, cell_frame("grade.respond"), ErrorCode.OUT_OF_ORDER, "judgement")
    await accepted(room.lead, grade_frame("grade.agree", grade="requires-improvement"))
    await accepted(qa, cell_frame("grade.challenge"))
    await refused(qa, cell_frame("grade.sign-off"), ErrorCode.OUT_OF_ORDER, "judgement")


# ---------------------------------------------------------------- agreeing against a rule's warning


async def test_an_agreed_grade_against_a_rules_warning_needs_a_recorded_reason(team_room: TeamRoom) -> None:
    room = team_room
    await accepted(room.hmic, grade_frame(agency="police", judgement="help-and-protection", grade="inadequate"))
    # overall good while help and protection is inadequate: the cascade warns (¶79), so a reason is required
    overall = grade_frame("grade.agree", agency="police", judgement="overall", grade="good")
    reply = await refused(room.lead, overall, ErrorCode.INVALID, "warning_reason")
    assert "likely inadequate" in reply.message and "record why" in reply.message
    await refused(room.lead, {**overall, "warning_reason": "  "}, ErrorCode.INVALID, "warning_reason")
    # leadership good: the leadership rule warns (¶81) — same
    leadership = grade_frame("grade.agree", agency="police", judgement="leadership", grade="good")
    reply = await refused(room.lead, leadership, ErrorCode.INVALID, "warning_reason")
    assert "leadership, management and governance" in reply.message

    why = "The failure is confined to one district, which leaders identified and are already addressing."
    ack = await accepted(room.lead, {**overall, "warning_reason": why})
    log = await room.everyone_sees(ack.seq)
    assert log[-1].data["warning_reason"] == why
    assert log[-1].data["warnings"][0]["code"] == "overall-likely-inadequate"
    # agreeing what the rule expects, or an inadequate contributing judgement, needs no reason
    await accepted(room.lead, grade_frame("grade.agree", agency="police", judgement="leadership", grade="inadequate"))
    await accepted(
        room.lead, grade_frame("grade.agree", agency="police", judgement="help-and-protection", grade="inadequate")
    )
    # nor does a proposal: the reason belongs to the agreement
    await accepted(room.hmic, grade_frame(agency="police", judgement="overall", grade="good"))


async def test_the_qa_manager_still_scrutinises_grades_the_final_meeting_froze(
    team_room: TeamRoom, qa: WireClient
) -> None:
    """Challenge, response and sign-off change no grade: they go on after the close."""
    room = team_room
    await accepted(room.lead, grade_frame("grade.agree"))
    meeting = meeting_frame("final", "2026-11-25")
    await accepted(room.lead, meeting)
    await accepted(room.lead, meeting_command("meeting.close", str(meeting["id"])))
    await refused(room.lead, grade_frame("grade.agree", grade="outstanding"), ErrorCode.OUT_OF_ORDER, "judgement")

    await accepted(qa, cell_frame("grade.challenge"))
    await accepted(room.lead, cell_frame("grade.respond"))
    await accepted(qa, cell_frame("grade.sign-off"))
