"""Risk alerts end to end: a real server, a real SQLite file, and the lead plus two inspectors connected.

The duty these tests protect (child-protection framework ¶32, ¶49): on a significant risk of harm the lead
must acknowledge, inform the senior manager and confirm in writing, in that order, and the whole team must see
every step at once. So each test asserts on what every client *received*, not on server internals, and checks
that a refused command left no trace in anyone's event stream.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from server.network.team_server import TeamServer
from shared.alerts import NameDeputy, SetDeadlines
from shared.protocol import Ack, ErrorCode, Synced, utc_text
from tests.server.conftest import (
    ESCALATION_STEP_TYPES,
    Team,
    TeamRoom,
    WireClient,
    accepted,
    alert_command,
    concern_frame,
    event_of,
    harm_frame,
    make_team,
    new_id,
    post_frame,
    refused,
    wire,
)

DUTY_STEP_TYPES = ["alert.acknowledge", "alert.inform", "alert.confirm", "alert.resolve"]
NEXT_STEP_WORDS = {
    "alert.acknowledge": "acknowledge it",
    "alert.inform": "record that the senior manager was informed",
    "alert.confirm": "record the written confirmation",
    "alert.respond": "record the local authority's response",
    "alert.resolve": "resolve it",
}
"""How the out-of-order message names each step; the app shows this text to the inspector as-is."""
STATUS_AFTER = {
    "alert.acknowledge": "acknowledged",
    "alert.inform": "informed",
    "alert.confirm": "confirmed",
    "alert.respond": "responded",
    "alert.resolve": "resolved",
}
EVENT_KIND = {
    "alert.acknowledge": "alert.acknowledged",
    "alert.inform": "alert.informed",
    "alert.confirm": "alert.confirmed",
    "alert.respond": "alert.responded",
    "alert.resolve": "alert.resolved",
}


Room = TeamRoom


@pytest.fixture
async def room(team_room: TeamRoom) -> TeamRoom:
    """The lead and two inspectors, connected and synced (the shared ``team_room``)."""
    return team_room


async def raised(room: Room, frame: dict[str, object] | None = None) -> tuple[str, Ack]:
    """The CQC inspector raises an escalation (or ``frame``) and everyone has it."""
    frame = frame or harm_frame()
    ack = await accepted(room.cqc, frame)
    await room.everyone_sees(ack.seq)
    return str(frame["id"]), ack


async def take_steps(room: Room, alert_id: str, upto: str) -> int:
    """Take escalation steps in order as the lead, up to and including ``upto``; returns the last seq."""
    seq = 0
    for kind in ESCALATION_STEP_TYPES[: ESCALATION_STEP_TYPES.index(upto) + 1]:
        seq = (await accepted(room.lead, alert_command(kind, alert_id))).seq
    return seq


async def raised_by_cqc_only(room: Room) -> tuple[str, Ack]:
    """Raise while the HMIC inspector is offline; only the two connected clients wait for it."""
    frame = harm_frame()
    ack = await accepted(room.cqc, frame)
    for client in (room.lead, room.cqc):
        await client.wait_seq(ack.seq)
    return str(frame["id"]), ack


async def take_steps_from(room: Room, alert_id: str, first: str) -> None:
    """Take the remaining steps in order as the lead, from ``first`` to resolved."""
    for kind in ESCALATION_STEP_TYPES[ESCALATION_STEP_TYPES.index(first):]:
        await accepted(room.lead, alert_command(kind, alert_id))


# ---------------------------------------------------------------- raising and receiving


async def test_escalation_reaches_the_lead_and_the_other_inspector(room: Room, team: Team) -> None:
    frame = harm_frame(agency="health", child_id="NM-10234")

    ack = await accepted(room.cqc, frame)

    for client in room.all:
        event = await event_of(client, "alert.raised", alert_id=frame["id"])
        assert event.seq == ack.seq
        assert event.actor == team.cqc.inspector
        assert event.data == {
            "alert_id": frame["id"],
            "status": "raised",
            "level": "significant-harm",
            "agency": "health",
            "child_id": "NM-10234",
            "summary": frame["summary"],
            "immediate_action": frame["immediate_action"],
        }
    assert room.lead.events == room.cqc.events == room.hmic.events


async def test_an_offline_member_gets_the_escalation_on_reconnect(server: TeamServer, room: Room, team: Team) -> None:
    await room.hmic.close()
    alert_id, ack = await raised_by_cqc_only(room)

    back = await WireClient.join(server.url, team.hmic.token, since=0)

    assert [e.kind for e in back.replay] == ["alert.raised"]
    assert back.replay[0].data["alert_id"] == alert_id
    assert back.synced == Synced(head=ack.seq)
    await back.close()


async def test_retrying_a_raise_creates_no_second_alert(room: Room) -> None:
    frame = harm_frame()
    first = await accepted(room.cqc, frame)
    again = await accepted(room.cqc, frame)
    assert again == first
    marker = await room.hmic.posted()
    events = await room.everyone_sees(marker.seq)
    assert [e.kind for e in events] == ["alert.raised", "finding.posted"]


# ---------------------------------------------------------------- who may do what


@pytest.mark.parametrize("kind", DUTY_STEP_TYPES)
async def test_only_the_lead_may_take_duty_steps(room: Room, kind: str) -> None:
    alert_id, _ = await raised(room)
    if kind != "alert.acknowledge":
        await take_steps(room, alert_id, ESCALATION_STEP_TYPES[ESCALATION_STEP_TYPES.index(kind) - 1])

    for inspector in (room.cqc, room.hmic):  # the raiser is no exception
        error = await refused(inspector, alert_command(kind, alert_id), ErrorCode.FORBIDDEN)
        assert "lead inspector" in error.message

    ack = await accepted(room.lead, alert_command(kind, alert_id))
    events = await room.everyone_sees(ack.seq)
    assert events[-1].kind == EVENT_KIND[kind]
    assert events[-1].actor == room.lead.me


async def test_anyone_may_record_the_response_and_add_updates(room: Room) -> None:
    alert_id, _ = await raised(room)
    update = await accepted(room.hmic, alert_command("alert.update", alert_id))
    await take_steps(room, alert_id, "alert.confirm")

    response = await accepted(room.hmic, alert_command("alert.respond", alert_id))

    events = await room.everyone_sees(response.seq)
    by_seq = {e.seq: e for e in events}
    assert by_seq[update.seq].kind == "alert.updated"
    assert by_seq[update.seq].actor == room.hmic.me
    assert by_seq[update.seq].data["text"] == alert_command("alert.update", alert_id)["text"]
    assert by_seq[response.seq].kind == "alert.responded"
    assert by_seq[response.seq].actor == room.hmic.me
    assert by_seq[response.seq].data["status"] == "responded"


async def test_a_named_deputy_may_take_duty_steps_until_the_lead_clears_them(room: Room, team: Team) -> None:
    alert_id, _ = await raised(room)
    named = await accepted(room.lead, NameDeputy(id=new_id(), inspector_id=team.hmic.inspector.id))
    for client in room.all:
        event = await event_of(client, "deputy.named")
        assert event.seq == named.seq
        assert event.actor == team.lead.inspector
        assert event.data == {"inspector_id": team.hmic.inspector.id}

    acknowledged = await accepted(room.hmic, alert_command("alert.acknowledge", alert_id))
    informed = await accepted(room.hmic, alert_command("alert.inform", alert_id))
    await refused(room.cqc, alert_command("alert.confirm", alert_id), ErrorCode.FORBIDDEN)  # not the deputy
    events = await room.everyone_sees(informed.seq)
    assert [(e.kind, e.actor) for e in events if e.seq in (acknowledged.seq, informed.seq)] == [
        ("alert.acknowledged", team.hmic.inspector),
        ("alert.informed", team.hmic.inspector),
    ]

    await accepted(room.lead, NameDeputy(id=new_id(), inspector_id=None))
    await refused(room.hmic, alert_command("alert.confirm", alert_id), ErrorCode.FORBIDDEN)
    confirmed = await accepted(room.lead, alert_command("alert.confirm", alert_id))  # the lead always may
    await room.everyone_sees(confirmed.seq)


async def test_a_deputy_cannot_name_a_deputy_nor_set_deadlines(room: Room, team: Team) -> None:
    await accepted(room.lead, NameDeputy(id=new_id(), inspector_id=team.hmic.inspector.id))

    for client in (room.hmic, room.cqc):
        await refused(client, NameDeputy(id=new_id(), inspector_id=team.cqc.inspector.id), ErrorCode.FORBIDDEN)
        deadlines = SetDeadlines(id=new_id(), acknowledge_seconds=60, inform_seconds=120, confirm_seconds=600)
        await refused(client, deadlines, ErrorCode.FORBIDDEN)
    marker = await room.cqc.posted()
    events = await room.everyone_sees(marker.seq)
    assert [e.kind for e in events] == ["deputy.named", "finding.posted"]


async def test_the_deputy_must_be_on_this_inspection(room: Room, db_url: str) -> None:
    other = make_team(db_url, name="Southvale")
    for inspector_id in (other.cqc.inspector.id, 999_999):
        await refused(
            room.lead, NameDeputy(id=new_id(), inspector_id=inspector_id), ErrorCode.NOT_FOUND, "inspector_id"
        )


# ---------------------------------------------------------------- the order of the steps


async def test_a_step_out_of_order_is_refused_naming_the_next_step(room: Room) -> None:
    alert_id, _ = await raised(room)

    for done in [None, *ESCALATION_STEP_TYPES[:-1]]:
        if done is not None:
            await accepted(room.lead, alert_command(done, alert_id))
        wanted = ESCALATION_STEP_TYPES[0 if done is None else ESCALATION_STEP_TYPES.index(done) + 1]
        for kind in ESCALATION_STEP_TYPES:
            if ESCALATION_STEP_TYPES.index(kind) <= ESCALATION_STEP_TYPES.index(wanted):
                continue  # the step itself (taken next) and earlier ones (see the test below)
            error = await refused(room.lead, alert_command(kind, alert_id), ErrorCode.OUT_OF_ORDER, "alert_id")
            assert NEXT_STEP_WORDS[wanted] in error.message, f"{kind} after {done}: {error.message}"

    resolved = await accepted(room.lead, alert_command("alert.resolve", alert_id))
    events = await room.everyone_sees(resolved.seq)
    assert [e.kind for e in events] == ["alert.raised", *EVENT_KIND.values()]


async def test_a_step_already_taken_cannot_be_taken_again(room: Room) -> None:
    alert_id, _ = await raised(room)
    last = await take_steps(room, alert_id, "alert.confirm")

    for kind in ("alert.acknowledge", "alert.inform", "alert.confirm"):
        error = await refused(room.lead, alert_command(kind, alert_id), ErrorCode.OUT_OF_ORDER, "alert_id")
        assert "already past" in error.message

    await take_steps_from(room, alert_id, "alert.respond")
    for kind in ESCALATION_STEP_TYPES:
        await refused(room.lead, alert_command(kind, alert_id), ErrorCode.OUT_OF_ORDER, "alert_id")
    events = await room.everyone_sees(last + 2)
    assert [e.kind for e in events][-2:] == ["alert.responded", "alert.resolved"]


async def test_every_step_is_visible_to_all_with_its_actor_and_data(room: Room, team: Team) -> None:
    alert_id, raise_ack = await raised(room)
    seqs = {"alert.raise": raise_ack.seq}
    for kind in ESCALATION_STEP_TYPES:
        frame = alert_command(kind, alert_id)
        seqs[kind] = (await accepted(room.lead, frame)).seq
        for client in room.all:
            event = await event_of(client, EVENT_KIND[kind], alert_id=alert_id)
            assert event.seq == seqs[kind]
            assert event.actor == team.lead.inspector
            sent = {k: v for k, v in frame.items() if k not in ("type", "id")}
            assert event.data == sent | {"status": STATUS_AFTER[kind]}

    events = await room.everyone_sees(seqs["alert.resolve"])
    assert [e.seq for e in events] == list(seqs.values())
    assert all(e.at >= events[0].at for e in events)


# ---------------------------------------------------------------- read acknowledgements


async def test_seen_acknowledgements_are_tracked_per_member(room: Room, team: Team) -> None:
    alert_id, _ = await raised(room)

    seen_by: dict[int, int] = {}
    for client in (room.hmic, room.lead, room.cqc):
        ack = await accepted(client, alert_command("alert.see", alert_id))
        seen_by[client.me.id] = ack.seq
    for client in room.all:
        seen = [await event_of(client, "alert.seen", alert_id=alert_id) for _ in team.members]
        assert {e.actor.id: e.seq for e in seen if e.actor is not None} == seen_by
        assert all(e.data == {"alert_id": alert_id} for e in seen)
    await room.everyone_sees(max(seen_by.values()))

    again = await refused(room.hmic, alert_command("alert.see", alert_id), ErrorCode.CONFLICT, "alert_id")
    assert "already" in again.message
    marker = await room.cqc.posted()
    events = await room.everyone_sees(marker.seq)
    assert [e.kind for e in events].count("alert.seen") == 3


async def test_seeing_is_not_the_duty_acknowledgement(room: Room) -> None:
    alert_id, _ = await raised(room)
    await accepted(room.lead, alert_command("alert.see", alert_id))
    error = await refused(room.lead, alert_command("alert.inform", alert_id), ErrorCode.OUT_OF_ORDER)
    assert "acknowledge it" in error.message


async def test_a_retried_see_is_acked_again_without_a_new_event(room: Room) -> None:
    alert_id, _ = await raised(room)
    frame = alert_command("alert.see", alert_id)
    first = await accepted(room.hmic, frame)
    assert await accepted(room.hmic, frame) == first
    marker = await room.cqc.posted()
    assert [e.kind for e in await room.everyone_sees(marker.seq)] == ["alert.raised", "alert.seen", "finding.posted"]


# ---------------------------------------------------------------- emerging concerns


async def test_concern_noted_then_escalated_then_taken_through_the_lifecycle(room: Room, team: Team) -> None:
    frame = concern_frame(agency="police")
    ack = await accepted(room.cqc, frame)
    alert_id = str(frame["id"])
    raised_event = await event_of(room.hmic, "alert.raised", alert_id=alert_id)
    assert raised_event.seq == ack.seq
    assert raised_event.data["level"] == "emerging-concern"
    assert raised_event.data["status"] == "open"
    assert raised_event.data["child_id"] is None

    error = await refused(room.lead, alert_command("alert.acknowledge", alert_id), ErrorCode.OUT_OF_ORDER)
    assert "escalate" in error.message

    await accepted(room.hmic, alert_command("alert.note", alert_id))
    await refused(room.hmic, alert_command("alert.note", alert_id), ErrorCode.OUT_OF_ORDER, "alert_id")
    escalate = alert_command("alert.escalate", alert_id)
    await accepted(room.cqc, escalate)
    for client in room.all:
        noted = await event_of(client, "alert.noted", alert_id=alert_id)
        assert noted.actor == team.hmic.inspector
        assert noted.data["status"] == "noted"
        escalated = await event_of(client, "alert.escalated", alert_id=alert_id)
        assert escalated.actor == team.cqc.inspector
        assert escalated.data == {
            "alert_id": alert_id,
            "child_id": escalate["child_id"],
            "immediate_action": escalate["immediate_action"],
            "status": "raised",
            "level": "significant-harm",
        }

    await refused(room.cqc, alert_command("alert.escalate", alert_id), ErrorCode.OUT_OF_ORDER, "alert_id")
    await refused(room.cqc, alert_command("alert.note", alert_id), ErrorCode.OUT_OF_ORDER, "alert_id")
    await refused(room.hmic, alert_command("alert.acknowledge", alert_id), ErrorCode.FORBIDDEN)
    error = await refused(room.lead, alert_command("alert.inform", alert_id), ErrorCode.OUT_OF_ORDER)
    assert "acknowledge it" in error.message
    last = await take_steps(room, alert_id, "alert.resolve")
    events = await room.everyone_sees(last)
    assert [e.kind for e in events] == [
        "alert.raised", "alert.noted", "alert.escalated", *EVENT_KIND.values()
    ]


async def test_concern_may_be_escalated_without_being_noted(room: Room) -> None:
    frame = concern_frame()
    await accepted(room.cqc, frame)
    ack = await accepted(room.hmic, alert_command("alert.escalate", str(frame["id"])))
    assert [e.kind for e in await room.everyone_sees(ack.seq)] == ["alert.raised", "alert.escalated"]


async def test_concern_closed_with_its_reason_and_then_stays_closed(room: Room, team: Team) -> None:
    frame = concern_frame()
    await accepted(room.cqc, frame)
    alert_id = str(frame["id"])
    await accepted(room.cqc, alert_command("alert.note", alert_id))
    for bad in ({"reason": "   "}, {"reason": None}):
        await refused(room.cqc, alert_command("alert.close", alert_id, **bad), ErrorCode.INVALID, "reason")

    close = alert_command("alert.close", alert_id)
    ack = await accepted(room.hmic, close)

    for client in room.all:
        event = await event_of(client, "alert.closed", alert_id=alert_id)
        assert event.seq == ack.seq
        assert event.actor == team.hmic.inspector
        assert event.data == {"alert_id": alert_id, "reason": close["reason"], "status": "closed"}
    for kind in ("alert.close", "alert.note", "alert.escalate"):
        error = await refused(room.cqc, alert_command(kind, alert_id), ErrorCode.OUT_OF_ORDER, "alert_id")
        assert "closed" in error.message
    marker = await room.cqc.posted()
    assert [e.kind for e in await room.everyone_sees(marker.seq)] == [
        "alert.raised", "alert.noted", "alert.closed", "finding.posted"
    ]


async def test_closing_an_escalation_is_refused(room: Room) -> None:
    alert_id, _ = await raised(room)
    for client in (room.cqc, room.lead):
        error = await refused(client, alert_command("alert.close", alert_id), ErrorCode.OUT_OF_ORDER, "alert_id")
        assert "only an emerging concern" in error.message
    await refused(room.lead, alert_command("alert.note", alert_id), ErrorCode.OUT_OF_ORDER, "alert_id")
    await refused(room.lead, alert_command("alert.escalate", alert_id), ErrorCode.OUT_OF_ORDER, "alert_id")
    marker = await room.cqc.posted()
    assert [e.kind for e in await room.everyone_sees(marker.seq)] == ["alert.raised", "finding.posted"]


# ---------------------------------------------------------------- validation and bad input


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"child_id": None}, "child_id"),  # significant harm must name the child unique ID
        ({"child_id": "Jamie Smith"}, "child_id"),  # a name is never accepted as an ID
        ({"child_id": ""}, "child_id"),
        ({"immediate_action": None}, "immediate_action"),
        ({"immediate_action": "  "}, "immediate_action"),
        ({"summary": None}, "summary"),
        ({"summary": "\n\t "}, "summary"),
        ({"summary": "x" * 4001}, "summary"),
        ({"level": "catastrophic"}, "level"),
        ({"agency": "fire-service"}, "agency"),
        ({"child_name": "Jamie"}, "child_name"),
    ],
)
async def test_an_invalid_raise_is_refused_naming_the_field(
    room: Room, overrides: dict[str, object], field: str
) -> None:
    error = await refused(room.cqc, harm_frame(**overrides), ErrorCode.INVALID, field)
    assert error.message.startswith(f"{field}:")
    marker = await room.cqc.posted()
    assert [e.kind for e in await room.everyone_sees(marker.seq)] == ["finding.posted"]


async def test_significant_harm_without_child_id_says_why(room: Room) -> None:
    error = await refused(room.cqc, harm_frame(child_id=None), ErrorCode.INVALID, "child_id")
    assert "child unique ID" in error.message


@pytest.mark.parametrize(
    ("kind", "overrides", "field"),
    [
        ("alert.inform", {"informed_at": "2026-11-18T11:05:00"}, "informed_at"),  # no zone
        ("alert.inform", {"informed_at": "yesterday"}, "informed_at"),
        ("alert.inform", {"method": "carrier-pigeon"}, "method"),
        ("alert.inform", {"informed_name": " "}, "informed_name"),
        ("alert.inform", {"informed_role": None}, "informed_role"),
        ("alert.confirm", {"sent_at": "2026-11-18T13:30:00"}, "sent_at"),
        ("alert.confirm", {"reference": ""}, "reference"),
        ("alert.respond", {"response": " "}, "response"),
        ("alert.resolve", {"outcome": None}, "outcome"),
        ("alert.escalate", {"child_id": None}, "child_id"),
        ("alert.escalate", {"immediate_action": " "}, "immediate_action"),
        ("alert.update", {"text": ""}, "text"),
        ("alert.acknowledge", {"alert_id": "no spaces allowed"}, "alert_id"),
    ],
)
async def test_an_invalid_step_is_refused_naming_the_field(
    room: Room, kind: str, overrides: dict[str, object], field: str
) -> None:
    alert_id, _ = await raised(room)
    frame = {k: v for k, v in (alert_command(kind, alert_id) | overrides).items() if v is not None}
    await refused(room.lead, frame, ErrorCode.INVALID, field)


@pytest.mark.parametrize(
    "overrides",
    [{"acknowledge_seconds": 0}, {"inform_seconds": -5}, {"confirm_seconds": 8 * 86_400}, {"confirm_seconds": None}],
)
async def test_invalid_deadlines_are_refused(room: Room, overrides: dict[str, object]) -> None:
    valid = SetDeadlines(id=new_id(), acknowledge_seconds=60, inform_seconds=120, confirm_seconds=600)
    await refused(room.lead, wire(valid, **overrides), ErrorCode.INVALID, next(iter(overrides)))


@pytest.mark.parametrize("kind", [*ESCALATION_STEP_TYPES, "alert.note", "alert.escalate", "alert.close",
                                  "alert.update", "alert.see"])
async def test_a_step_on_an_unknown_alert_is_not_found(room: Room, kind: str) -> None:
    await refused(room.lead, alert_command(kind, "no-such-alert"), ErrorCode.NOT_FOUND, "alert_id")


@pytest.mark.parametrize("kind", ["alert.flag-overdue", "alert.overdue"])
async def test_clients_cannot_flag_an_alert_overdue(room: Room, kind: str) -> None:
    alert_id, _ = await raised(room)
    frame = {"type": kind, "id": new_id(), "inspection_id": 1, "alert_id": alert_id, "step": "acknowledged",
             "due_at": "2026-11-18T10:00:00Z"}
    error = await refused(room.cqc, frame, ErrorCode.UNKNOWN_TYPE, "type")
    assert "flag-overdue" not in error.message.split("expected")[-1]
    marker = await room.cqc.posted()
    assert [e.kind for e in await room.everyone_sees(marker.seq)] == ["alert.raised", "finding.posted"]


async def test_an_alert_id_used_by_a_finding_is_not_a_new_alert(room: Room) -> None:
    """Command ids are unique per inspection: reusing a finding's id must not create an alert under it."""
    post = await room.cqc.posted()
    await refused(room.hmic, harm_frame(post.id), ErrorCode.CONFLICT, "id")
    await refused(room.lead, alert_command("alert.acknowledge", post.id), ErrorCode.NOT_FOUND)


# ---------------------------------------------------------------- isolation


async def test_alerts_never_cross_inspections(server: TeamServer, room: Room, db_url: str) -> None:
    other = make_team(db_url, name="Southvale")
    south_lead = await WireClient.join(server.url, other.lead.token)
    south = await WireClient.join(server.url, other.cqc.token)

    alert_id, north_ack = await raised(room)
    await accepted(room.lead, alert_command("alert.see", alert_id))

    # Southvale's lead can neither act on nor see Northmoor's alert, and may reuse the id for its own.
    for kind in ("alert.acknowledge", "alert.see", "alert.update"):
        await refused(south_lead, alert_command(kind, alert_id), ErrorCode.NOT_FOUND, "alert_id")
    own = await accepted(south, harm_frame(alert_id, child_id="SV-55"))
    own_ack = await accepted(south_lead, alert_command("alert.acknowledge", alert_id))
    assert own.seq == 1

    south_events = await south.wait_seq(own_ack.seq)
    assert [(e.kind, e.data["alert_id"]) for e in south_events] == [
        ("alert.raised", alert_id), ("alert.acknowledged", alert_id)
    ]
    assert south_events[0].data["child_id"] == "SV-55"
    north_marker = await room.cqc.posted()
    north_events = await room.everyone_sees(north_marker.seq)
    assert [e.kind for e in north_events] == ["alert.raised", "alert.seen", "finding.posted"]
    assert north_events[0].seq == north_ack.seq
    assert north_events[0].data["child_id"] == "LA-000123"

    late = await WireClient.join(server.url, other.hmic.token)
    assert late.replay == south_events
    for client in (south_lead, south, late):
        await client.close()


async def test_findings_and_alerts_share_one_gap_free_log(room: Room) -> None:
    await room.cqc.command(post_frame())
    alert_id, _ = await raised(room)
    await room.hmic.command(post_frame())
    last = await take_steps(room, alert_id, "alert.inform")
    events = await room.everyone_sees(last)
    assert [e.kind for e in events] == [
        "finding.posted", "alert.raised", "finding.posted", "alert.acknowledged", "alert.informed"
    ]


@pytest.mark.parametrize(
    ("kind", "field", "moment", "why"),
    [
        ("alert.inform", "informed_at", datetime.now(UTC) + timedelta(days=30), "future"),
        ("alert.inform", "informed_at", datetime(2020, 1, 1, tzinfo=UTC), "before the alert was raised"),
        ("alert.confirm", "sent_at", datetime.now(UTC) + timedelta(days=30), "future"),
    ],
)
async def test_a_reported_time_must_fall_between_raising_and_now(
    room: Room, kind: str, field: str, moment: datetime, why: str
) -> None:
    """A mistyped time would silently move the written-confirmation deadline, so it is refused."""
    alert_id, _ = await raised(room)
    await take_steps(room, alert_id, ESCALATION_STEP_TYPES[ESCALATION_STEP_TYPES.index(kind) - 1])
    error = await refused(room.lead, alert_command(kind, alert_id, **{field: utc_text(moment)}), "invalid", field)
    assert why in error.message
