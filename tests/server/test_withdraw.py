"""Withdrawing a finding end to end: a real server, a real SQLite file, the lead plus two inspectors connected.

A withdrawn finding leaves the evidence (no new links, no grade may cite it, it corroborates and contests nothing)
but never the record: the original post stays in the log. Only its author or the lead may withdraw it, with a
reason; every refusal names the problem and writes nothing.
"""

from __future__ import annotations

from typing import Any

from server.network.team_server import TeamServer
from shared.findings import WithdrawFinding
from shared.protocol import ErrorCode, Event
from tests.server.conftest import (
    Team,
    TeamRoom,
    WireClient,
    accepted,
    amend_frame,
    enquiry_command,
    enquiry_frame,
    event_of,
    link_frame,
    new_id,
    post_frame,
    posted,
    refused,
    wire,
)
from tests.server.test_grades import grade_frame

REASON = "Duplicate of the CQC finding about the same strategy discussion."


def withdraw_frame(finding_id: str, command_id: str | None = None, **overrides: Any) -> dict[str, Any]:
    """A valid ``finding.withdraw``; ``name=None`` leaves a field out."""
    return wire(WithdrawFinding(id=command_id or new_id("withdraw"), finding_id=finding_id, reason=REASON), **overrides)


# ---------------------------------------------------------------- who may withdraw


async def test_the_author_withdraws_and_everyone_sees_it(team_room: TeamRoom, server: TeamServer, team: Team) -> None:
    finding_id = await posted(team_room.cqc, agency="health")
    frame = withdraw_frame(finding_id)

    ack = await accepted(team_room.cqc, frame)

    event = await event_of(team_room.hmic, "finding.withdrawn", finding_id=finding_id)
    assert event.seq == ack.seq
    assert event.data == {"finding_id": finding_id, "reason": REASON}
    assert event.actor == team_room.cqc.me
    log = await team_room.everyone_sees(ack.seq)
    assert [e.kind for e in log] == ["finding.posted", "finding.withdrawn"]
    # the finding stays in the history: a newcomer replays the original post, then the withdrawal
    late = await WireClient.join(server.url, team.lead.token)
    try:
        assert [(e.kind, e.data["finding_id"]) for e in late.replay] == [
            ("finding.posted", finding_id), ("finding.withdrawn", finding_id)
        ]
        assert late.replay[0].data["text"] == log[0].data["text"]
    finally:
        await late.close()


async def test_the_lead_may_withdraw_anyones_finding(team_room: TeamRoom) -> None:
    finding_id = await posted(team_room.hmic, agency="police")
    ack = await accepted(team_room.lead, withdraw_frame(finding_id, reason="Not about this inspection."))
    event = await event_of(team_room.hmic, "finding.withdrawn", finding_id=finding_id)
    assert event.seq == ack.seq and event.actor == team_room.lead.me
    assert event.data["reason"] == "Not about this inspection."


async def test_another_inspector_may_not(team_room: TeamRoom) -> None:
    finding_id = await posted(team_room.cqc, agency="health")
    reply = await refused(team_room.hmic, withdraw_frame(finding_id), ErrorCode.FORBIDDEN, "finding_id")
    assert "author or the lead" in reply.message
    # nothing was written: the next command gets the next seq and the logs agree
    ack = await accepted(team_room.cqc, withdraw_frame(finding_id))
    log = await team_room.everyone_sees(ack.seq)
    assert [e.kind for e in log] == ["finding.posted", "finding.withdrawn"]


# ---------------------------------------------------------------- refusals


async def test_a_blank_or_missing_reason_is_invalid(team_room: TeamRoom) -> None:
    finding_id = await posted(team_room.cqc)
    reply = await refused(team_room.cqc, withdraw_frame(finding_id, reason="   \n"), ErrorCode.INVALID, "reason")
    assert "blank" in reply.message
    await refused(team_room.cqc, withdraw_frame(finding_id, reason=None), ErrorCode.INVALID, "reason")
    await refused(team_room.cqc, withdraw_frame(finding_id, reason="x" * 2001), ErrorCode.INVALID, "reason")


async def test_an_unknown_finding_is_not_found(team_room: TeamRoom) -> None:
    reply = await refused(team_room.lead, withdraw_frame("no-such-finding"), ErrorCode.NOT_FOUND, "finding_id")
    assert "no-such-finding" in reply.message


async def test_withdrawing_twice_is_a_conflict(team_room: TeamRoom) -> None:
    finding_id = await posted(team_room.cqc)
    await accepted(team_room.cqc, withdraw_frame(finding_id))
    reply = await refused(team_room.lead, withdraw_frame(finding_id), ErrorCode.CONFLICT, "finding_id")
    assert "already withdrawn" in reply.message


async def test_a_withdrawn_finding_cannot_be_amended(team_room: TeamRoom) -> None:
    finding_id = await posted(team_room.cqc)
    await accepted(team_room.cqc, withdraw_frame(finding_id))
    reply = await refused(team_room.cqc, amend_frame(finding_id, text="Changed my mind."), ErrorCode.CONFLICT,
                          "finding_id")
    assert "withdrawn" in reply.message and "cannot be amended" in reply.message


async def test_a_retry_is_applied_once(team_room: TeamRoom) -> None:
    finding_id = await posted(team_room.cqc)
    frame = withdraw_frame(finding_id)
    first = await accepted(team_room.cqc, frame)
    second = await accepted(team_room.cqc, frame)  # same command id: the same ack, no new event, no conflict
    assert second.seq == first.seq
    later = await accepted(team_room.cqc, post_frame())
    log = await team_room.everyone_sees(later.seq)
    assert [e.kind for e in log] == ["finding.posted", "finding.withdrawn", "finding.posted"]


# ---------------------------------------------------------------- no longer evidence


async def test_a_withdrawn_finding_cannot_be_linked(team_room: TeamRoom) -> None:
    live = await posted(team_room.lead, agency="health", evidence_source="staff-discussion")
    gone = await posted(team_room.cqc, agency="health")
    await accepted(team_room.cqc, withdraw_frame(gone))
    reply = await refused(team_room.hmic, link_frame(live, gone), ErrorCode.CONFLICT, "other_finding_id")
    assert "withdrawn" in reply.message
    await refused(team_room.hmic, link_frame(gone, live, "contradicts"), ErrorCode.CONFLICT, "finding_id")


async def test_a_grade_cannot_cite_a_withdrawn_finding(team_room: TeamRoom) -> None:
    live = await posted(team_room.cqc, agency="health")
    gone = await posted(team_room.cqc, agency="health", text="A second look at the same case file.")
    await accepted(team_room.cqc, withdraw_frame(gone))
    reply = await refused(team_room.cqc, grade_frame(finding_ids=[live, gone]), ErrorCode.CONFLICT, "finding_ids")
    assert gone in reply.message and "withdrawn" in reply.message
    await refused(team_room.lead, grade_frame("grade.agree", finding_ids=[gone]), ErrorCode.CONFLICT, "finding_ids")


async def test_an_enquiry_cannot_be_opened_or_answered_citing_a_withdrawn_finding(team_room: TeamRoom) -> None:
    live = await posted(team_room.cqc, agency="health")
    gone = await posted(team_room.cqc, agency="health", text="A second look at the same case file.")
    await accepted(team_room.lead, withdraw_frame(gone))

    question = enquiry_frame(finding_ids=[live, gone])
    reply = await refused(team_room.lead, question, ErrorCode.CONFLICT, "finding_ids")
    assert gone in reply.message and "withdrawn" in reply.message
    question = enquiry_frame(finding_ids=[live])
    await accepted(team_room.lead, question)  # the refusal wrote nothing

    enquiry_id = str(question["id"])
    await accepted(team_room.cqc, enquiry_command("enquiry.start", enquiry_id))
    reply = await refused(team_room.cqc, enquiry_command("enquiry.answer", enquiry_id, finding_ids=[gone]),
                          ErrorCode.CONFLICT, "finding_ids")
    assert gone in reply.message and "withdrawn" in reply.message
    # still in progress: the refused answer moved nothing, so answering with live evidence is accepted
    answer = await accepted(team_room.cqc, enquiry_command("enquiry.answer", enquiry_id, finding_ids=[live]))
    log = await team_room.everyone_sees(answer.seq)
    assert [e.kind for e in log] == [
        "finding.posted", "finding.posted", "finding.withdrawn", "enquiry.opened", "enquiry.started", "enquiry.answered"
    ]


async def test_withdrawn_findings_neither_corroborate_nor_contest(team_room: TeamRoom) -> None:
    room = team_room
    police = await posted(room.hmic, agency="police", judgement_area="help-and-protection")
    support = await posted(room.cqc, agency="police", judgement_area="help-and-protection")
    await accepted(room.lead, link_frame(police, support, "corroborates"))

    async def warnings() -> list[str]:
        """The warnings on a grade citing ``police``: 'uncorroborated: …' for each one given."""
        frame = grade_frame(agency="police", judgement="help-and-protection", finding_ids=[police])
        ack = await accepted(room.hmic, frame)
        event = await room.hmic.recv_until(Event, lambda e: e.seq == ack.seq)
        return [f"{w['code']}: {w['message']}" for w in event.data["warnings"]]

    assert await warnings() == []  # corroborated by another inspectorate
    await accepted(room.cqc, withdraw_frame(support))
    [warning] = await warnings()  # the link stays, but withdrawn evidence supports nothing
    assert warning.startswith("uncorroborated")

    other = await posted(room.lead, agency="police", judgement_area="help-and-protection")
    contra = await posted(room.cqc, agency="police", judgement_area="help-and-protection",
                          evidence_source="observation")
    await accepted(room.lead, link_frame(police, other, "corroborates"))
    await accepted(room.cqc, link_frame(contra, police, "contradicts"))
    [warning] = await warnings()
    assert "contested" in warning
    await accepted(room.lead, withdraw_frame(contra, reason="The observation was of another child."))
    assert await warnings() == []  # the contradiction was withdrawn: corroborated again
