"""Lines of enquiry end to end: a real server, a real SQLite file, the lead plus two inspectors connected.

One inspectorate asks another to test its evidence (integrated consultation ¶35–36, ¶48). These tests pin
who may move an enquiry (its owners start and answer it, only its asker closes it), the order of its statuses
(open → in progress → answered → closed), and that every step reaches the whole team and no one else. Each
refusal is checked to leave no trace in anyone's event stream.
"""

from __future__ import annotations

from typing import Any

import pytest

from server.network.team_server import TeamServer
from shared.protocol import ErrorCode
from tests.server.conftest import (
    Team,
    TeamRoom,
    WireClient,
    accepted,
    enquiry_command,
    enquiry_frame,
    event_of,
    join_team,
    make_team,
    new_id,
    post_frame,
    posted,
    refused,
)


async def opened(room: TeamRoom, asker: WireClient | None = None, **overrides: Any) -> str:
    """``asker`` (default: the lead) opens an enquiry (to CQC unless overridden); everyone has it."""
    frame = enquiry_frame(**overrides)
    ack = await accepted(asker or room.lead, frame)
    await room.everyone_sees(ack.seq)
    return str(frame["id"])


# ---------------------------------------------------------------- the happy path, seen by everyone


async def test_an_enquiry_reaches_the_whole_team_with_every_field(team_room: TeamRoom, team: Team) -> None:
    finding_id = await posted(team_room.lead, agency="local-authority", kind="weakness")
    frame = enquiry_frame(
        to_inspectorate=None,
        to_agency="health",
        finding_ids=[finding_id],
        child_ids=["NM-10234", "NM-10777"],
        needs_la_input=True,
    )

    ack = await accepted(team_room.lead, frame)

    for client in team_room.all:
        event = await event_of(client, "enquiry.opened", enquiry_id=frame["id"])
        assert event.seq == ack.seq
        assert event.actor == team.lead.inspector
        assert event.data == {
            "enquiry_id": frame["id"],
            "status": "open",
            "to_inspectorate": None,
            "to_agency": "health",
            "to_inspector": None,
            "question": frame["question"],
            "why": frame["why"],
            "finding_ids": [finding_id],
            "child_ids": ["NM-10234", "NM-10777"],
            "needs_la_input": True,
        }
    await team_room.everyone_sees(ack.seq)


async def test_open_start_answer_close_in_order_every_step_broadcast(team_room: TeamRoom, team: Team) -> None:
    enquiry_id = await opened(team_room, team_room.hmic)
    evidence = await posted(team_room.cqc, agency="health", kind="weakness")

    start = await accepted(team_room.cqc, enquiry_command("enquiry.start", enquiry_id))
    answer_frame = enquiry_command("enquiry.answer", enquiry_id, finding_ids=[evidence])
    answer = await accepted(team_room.cqc, answer_frame)
    close_frame = enquiry_command("enquiry.close", enquiry_id, outcome="answered", reason="Confirmed by CQC.")
    close = await accepted(team_room.hmic, close_frame)

    events = await team_room.everyone_sees(close.seq)
    by_seq = {e.seq: e for e in events}
    assert by_seq[start.seq].kind == "enquiry.started"
    assert by_seq[start.seq].actor == team.cqc.inspector
    assert by_seq[start.seq].data == {"enquiry_id": enquiry_id, "status": "in-progress"}
    assert by_seq[answer.seq].kind == "enquiry.answered"
    assert by_seq[answer.seq].data == {
        "enquiry_id": enquiry_id,
        "answer": answer_frame["answer"],
        "finding_ids": [evidence],
        "status": "answered",
    }
    assert by_seq[close.seq].kind == "enquiry.closed"
    assert by_seq[close.seq].actor == team.hmic.inspector
    assert by_seq[close.seq].data == {
        "enquiry_id": enquiry_id,
        "outcome": "answered",
        "reason": "Confirmed by CQC.",
        "status": "closed",
    }


async def test_an_owner_may_answer_without_starting_first(team_room: TeamRoom) -> None:
    enquiry_id = await opened(team_room)
    ack = await accepted(team_room.cqc, enquiry_command("enquiry.answer", enquiry_id))
    events = await team_room.everyone_sees(ack.seq)
    assert events[-1].data["status"] == "answered"


async def test_an_enquiry_may_be_closed_as_not_pursued_at_any_stage_before_closing(team_room: TeamRoom) -> None:
    fresh = await opened(team_room)
    started = await opened(team_room)
    await accepted(team_room.cqc, enquiry_command("enquiry.start", started))

    for enquiry_id in (fresh, started):
        frame = enquiry_command("enquiry.close", enquiry_id, outcome="not-pursued", reason="Overtaken by events.")
        ack = await accepted(team_room.lead, frame)
        events = await team_room.everyone_sees(ack.seq)
        assert events[-1].data == {
            "enquiry_id": enquiry_id,
            "outcome": "not-pursued",
            "reason": "Overtaken by events.",
            "status": "closed",
        }


# ---------------------------------------------------------------- who may do what


# address → (who owns it, who does not); "lead", "cqc" and "hmic" name the room's members
OWNERSHIP: list[tuple[dict[str, Any], list[str], list[str]]] = [
    ({"to_inspectorate": "cqc"}, ["cqc"], ["lead", "hmic"]),
    ({"to_inspectorate": "hmic"}, ["hmic"], ["lead", "cqc"]),
    ({"to_inspectorate": "ofsted"}, ["lead"], ["cqc", "hmic"]),
    ({"to_agency": "health"}, ["cqc"], ["lead", "hmic"]),
    ({"to_agency": "police"}, ["hmic"], ["lead", "cqc"]),
    ({"to_agency": "local-authority"}, ["lead"], ["cqc", "hmic"]),
    ({"to_agency": "probation"}, [], ["lead", "cqc", "hmic"]),
    ({"to_agency": "lscb"}, ["lead", "cqc", "hmic"], []),  # the LSCB is inspected jointly: anyone owns it
    ({"to_inspector": "hmic"}, ["hmic"], ["lead", "cqc"]),  # a named inspector, not their inspectorate
    ({"to_inspector": "lead"}, ["lead"], ["cqc", "hmic"]),
]


def address(room: TeamRoom, wanted: dict[str, Any]) -> dict[str, Any]:
    """The addressing fields, with a named inspector turned into their id."""
    fields: dict[str, Any] = {"to_inspectorate": None, **wanted}
    if "to_inspector" in wanted:
        fields["to_inspector"] = getattr(room, wanted["to_inspector"]).me.id
    return fields


@pytest.mark.parametrize(("to", "owners", "others"), OWNERSHIP, ids=[str(o[0]) for o in OWNERSHIP])
async def test_only_owners_may_start_and_answer(
    team_room: TeamRoom, to: dict[str, Any], owners: list[str], others: list[str]
) -> None:
    enquiry_id = await opened(
        team_room, team_room.cqc if owners == ["lead"] else team_room.lead, **address(team_room, to)
    )

    for name in others:
        client: WireClient = getattr(team_room, name)
        error = await refused(client, enquiry_command("enquiry.start", enquiry_id), ErrorCode.FORBIDDEN)
        assert "not addressed to you" in error.message
        await refused(client, enquiry_command("enquiry.answer", enquiry_id), ErrorCode.FORBIDDEN)

    for name in owners:  # each owner may take it on: a fresh enquiry each, since start happens once
        own = enquiry_id if name == owners[0] else await opened(team_room, **address(team_room, to))
        ack = await accepted(getattr(team_room, name), enquiry_command("enquiry.start", own))
        events = await team_room.everyone_sees(ack.seq)
        assert events[-1].kind == "enquiry.started"
        assert events[-1].actor == getattr(team_room, name).me


async def test_only_the_asker_may_close(team_room: TeamRoom) -> None:
    enquiry_id = await opened(team_room, team_room.hmic)  # HMIC asks CQC
    await accepted(team_room.cqc, enquiry_command("enquiry.answer", enquiry_id))

    for client in (team_room.cqc, team_room.lead):  # the owner who answered, and the lead, are no exception
        error = await refused(client, enquiry_command("enquiry.close", enquiry_id), ErrorCode.FORBIDDEN)
        assert "asked" in error.message

    ack = await accepted(team_room.hmic, enquiry_command("enquiry.close", enquiry_id))
    events = await team_room.everyone_sees(ack.seq)
    assert [e.kind for e in events] == ["enquiry.opened", "enquiry.answered", "enquiry.closed"]


async def test_the_asker_may_not_answer_an_enquiry_addressed_to_others(team_room: TeamRoom) -> None:
    enquiry_id = await opened(team_room, team_room.hmic)
    await refused(team_room.hmic, enquiry_command("enquiry.answer", enquiry_id), ErrorCode.FORBIDDEN)


# ---------------------------------------------------------------- order rules


async def test_start_only_from_open(team_room: TeamRoom) -> None:
    enquiry_id = await opened(team_room)
    await accepted(team_room.cqc, enquiry_command("enquiry.start", enquiry_id))

    error = await refused(
        team_room.cqc, enquiry_command("enquiry.start", enquiry_id), ErrorCode.OUT_OF_ORDER, "enquiry_id"
    )
    assert error.message == "this enquiry is already in progress"

    await accepted(team_room.cqc, enquiry_command("enquiry.answer", enquiry_id))
    error = await refused(
        team_room.cqc, enquiry_command("enquiry.start", enquiry_id), ErrorCode.OUT_OF_ORDER, "enquiry_id"
    )
    assert error.message == "this enquiry is already answered"


async def test_an_enquiry_is_answered_once(team_room: TeamRoom) -> None:
    enquiry_id = await opened(team_room)
    first = await accepted(team_room.cqc, enquiry_command("enquiry.answer", enquiry_id))

    error = await refused(
        team_room.cqc, enquiry_command("enquiry.answer", enquiry_id), ErrorCode.OUT_OF_ORDER, "enquiry_id"
    )

    assert "already answered" in error.message
    events = await team_room.everyone_sees(first.seq)
    assert [e.kind for e in events] == ["enquiry.opened", "enquiry.answered"]


@pytest.mark.parametrize("started", [False, True])
async def test_closing_as_answered_needs_an_answer(team_room: TeamRoom, started: bool) -> None:
    enquiry_id = await opened(team_room)
    if started:
        await accepted(team_room.cqc, enquiry_command("enquiry.start", enquiry_id))

    error = await refused(
        team_room.lead,
        enquiry_command("enquiry.close", enquiry_id, outcome="answered"),
        ErrorCode.OUT_OF_ORDER,
        "enquiry_id",
    )

    assert "not been answered" in error.message
    marker = await team_room.hmic.posted()
    events = await team_room.everyone_sees(marker.seq)
    assert "enquiry.closed" not in [e.kind for e in events]


@pytest.mark.parametrize(
    ("kind", "who"),
    [("enquiry.start", "cqc"), ("enquiry.answer", "cqc"), ("enquiry.close", "lead")],
)
async def test_nothing_happens_to_a_closed_enquiry(team_room: TeamRoom, kind: str, who: str) -> None:
    enquiry_id = await opened(team_room)
    closing = enquiry_command("enquiry.close", enquiry_id, outcome="not-pursued", reason="No longer needed.")
    closed = await accepted(team_room.lead, closing)

    error = await refused(
        getattr(team_room, who), enquiry_command(kind, enquiry_id), ErrorCode.OUT_OF_ORDER, "enquiry_id"
    )

    assert error.message == "this enquiry is closed"
    marker = await team_room.hmic.posted()
    events = await team_room.everyone_sees(marker.seq)
    assert [e.seq for e in events if e.kind.startswith("enquiry.")] == [closed.seq - 1, closed.seq]


# ---------------------------------------------------------------- validation


INVALID_ENQUIRIES: list[tuple[dict[str, Any], str]] = [
    ({"to_inspectorate": None}, "to_inspectorate"),  # no addressee
    ({"to_agency": "police"}, "to_inspectorate"),  # two addressees
    ({"to_inspector": 1}, "to_inspectorate"),
    ({"to_inspectorate": None, "to_agency": "health", "to_inspector": 1}, "to_inspectorate"),
    ({"to_inspectorate": "dfe"}, "to_inspectorate"),
    ({"to_inspectorate": None, "to_agency": "school"}, "to_agency"),
    ({"question": "   "}, "question"),
    ({"question": ""}, "question"),
    ({"question": None}, "question"),
    ({"why": " \n "}, "why"),
    ({"why": None}, "why"),
    ({"question": "x" * 4_001}, "question"),
    ({"child_ids": ["Jane Doe"]}, "child_ids"),  # a name, never: child unique IDs only
    ({"finding_ids": ["has space"]}, "finding_ids"),
    ({"needs_la_input": "perhaps"}, "needs_la_input"),
    ({"asker": 3}, "asker"),
]

INVALID_STEPS: list[tuple[str, dict[str, Any], str]] = [
    ("enquiry.answer", {"answer": "  "}, "answer"),
    ("enquiry.answer", {"answer": None}, "answer"),
    ("enquiry.close", {"reason": " "}, "reason"),
    ("enquiry.close", {"reason": None}, "reason"),
    ("enquiry.close", {"outcome": "abandoned"}, "outcome"),
    ("enquiry.close", {"outcome": None}, "outcome"),
    ("enquiry.start", {"enquiry_id": None}, "enquiry_id"),
    ("enquiry.start", {"enquiry_id": "has space"}, "enquiry_id"),
]


async def test_an_invalid_enquiry_is_refused_naming_the_field(team_room: TeamRoom) -> None:
    for overrides, field in INVALID_ENQUIRIES:  # one server for every case: a refusal changes nothing
        await refused(team_room.lead, enquiry_frame(**overrides), ErrorCode.INVALID, field)

    events = await team_room.everyone_sees((await team_room.hmic.posted()).seq)
    assert [e.kind for e in events] == ["finding.posted"]


async def test_an_invalid_step_is_refused_naming_the_field(team_room: TeamRoom) -> None:
    enquiry_id = await opened(team_room, team_room.cqc, to_inspectorate="ofsted")  # the lead owns it and CQC asked

    for kind, overrides, field in INVALID_STEPS:
        who = team_room.cqc if kind == "enquiry.close" else team_room.lead
        frame = {k: v for k, v in {**enquiry_command(kind, enquiry_id), **overrides}.items() if v is not None}
        await refused(who, frame, ErrorCode.INVALID, field)

    events = await team_room.everyone_sees((await team_room.hmic.posted()).seq)
    assert [e.kind for e in events] == ["enquiry.opened", "finding.posted"]


async def test_unknown_findings_and_enquiries_are_not_found(team_room: TeamRoom) -> None:
    real = await posted(team_room.cqc)

    await refused(
        team_room.lead, enquiry_frame(finding_ids=[real, "no-such-finding"]), ErrorCode.NOT_FOUND, "finding_ids"
    )
    enquiry_id = await opened(team_room)
    for kind, who in (
        ("enquiry.start", team_room.cqc),
        ("enquiry.answer", team_room.cqc),
        ("enquiry.close", team_room.lead),
    ):
        await refused(who, enquiry_command(kind, "no-such-enquiry"), ErrorCode.NOT_FOUND, "enquiry_id")
    await refused(
        team_room.cqc,
        enquiry_command("enquiry.answer", enquiry_id, finding_ids=["no-such-finding"]),
        ErrorCode.NOT_FOUND,
        "finding_ids",
    )
    marker = await team_room.hmic.posted()
    events = await team_room.everyone_sees(marker.seq)
    assert [e.kind for e in events] == ["finding.posted", "enquiry.opened", "finding.posted"]


async def test_an_unknown_named_inspector_is_not_found(team_room: TeamRoom) -> None:
    await refused(
        team_room.lead, enquiry_frame(to_inspectorate=None, to_inspector=999_999), ErrorCode.NOT_FOUND, "to_inspector"
    )


# ---------------------------------------------------------------- retries and ids


async def test_retrying_any_enquiry_command_gives_the_same_ack_and_one_event(team_room: TeamRoom) -> None:
    frames = [(team_room.lead, enquiry_frame())]
    enquiry_id = str(frames[0][1]["id"])
    frames += [
        (team_room.cqc, enquiry_command("enquiry.start", enquiry_id)),
        (team_room.cqc, enquiry_command("enquiry.answer", enquiry_id)),
        (team_room.lead, enquiry_command("enquiry.close", enquiry_id)),
    ]
    for client, frame in frames:
        first = await accepted(client, frame)
        again = await accepted(client, frame)
        assert again == first

    marker = await team_room.hmic.posted()
    events = await team_room.everyone_sees(marker.seq)
    assert [e.kind for e in events] == [
        "enquiry.opened",
        "enquiry.started",
        "enquiry.answered",
        "enquiry.closed",
        "finding.posted",
    ]


async def test_an_id_used_by_someone_else_is_a_conflict(team_room: TeamRoom) -> None:
    frame = enquiry_frame()
    await accepted(team_room.lead, frame)
    await refused(team_room.hmic, enquiry_frame(command_id=str(frame["id"])), ErrorCode.CONFLICT, "id")


# ---------------------------------------------------------------- isolation


async def test_enquiries_stay_inside_their_inspection(server: TeamServer, team_room: TeamRoom, db_url: str) -> None:
    other_team = make_team(db_url, name="Southdale")
    other = await join_team(server.url, other_team)
    try:
        shared_id = new_id("same-id")
        await opened(team_room, command_id=shared_id)
        only_ours = await opened(team_room, to_inspectorate="cqc")
        their_finding = post_frame()
        await accepted(other.lead, their_finding)

        # the same id is free in another inspection, and neither side can touch the other's enquiry
        theirs = await accepted(other.lead, enquiry_frame(command_id=shared_id, to_inspectorate="hmic"))
        await accepted(other.hmic, enquiry_command("enquiry.start", shared_id))
        await refused(other.cqc, enquiry_command("enquiry.start", only_ours), ErrorCode.NOT_FOUND, "enquiry_id")
        await refused(
            team_room.lead, enquiry_frame(finding_ids=[str(their_finding["id"])]), ErrorCode.NOT_FOUND, "finding_ids"
        )
        await refused(
            team_room.lead,
            enquiry_frame(to_inspectorate=None, to_inspector=other.cqc.me.id),
            ErrorCode.NOT_FOUND,
            "to_inspector",
        )
        await refused(other.cqc, enquiry_command("enquiry.start", shared_id), ErrorCode.FORBIDDEN)  # theirs: to HMIC

        marker = await team_room.hmic.posted()
        ours = await team_room.everyone_sees(marker.seq)
        assert [e.kind for e in ours] == ["enquiry.opened", "enquiry.opened", "finding.posted"]
        assert ours[0].data["to_inspectorate"] == "cqc"
        their_marker = await other.hmic.posted()
        their_events = await other.everyone_sees(their_marker.seq)
        assert [e.kind for e in their_events] == [
            "finding.posted",
            "enquiry.opened",
            "enquiry.started",
            "finding.posted",
        ]
        assert their_events[1].seq == theirs.seq
        assert their_events[1].data["to_inspectorate"] == "hmic"
    finally:
        for client in other.all:
            await client.close()
