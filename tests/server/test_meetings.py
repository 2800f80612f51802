"""KIT and team meetings end to end: a real server, a real SQLite file, the lead plus two inspectors connected.

The lead keeps the Director of Children's Services informed at daily keeping-in-touch meetings (child-protection
framework ¶29–30) and the team holds its own triangulation meeting. These tests pin that only the lead runs a
meeting, that its agenda is drafted from the record (findings since the last meeting of that kind, grouped by
agency with weaknesses first; open alerts with the overdue first; the right lines of enquiry), that closing
freezes the minutes while amendments keep their history, and that every change reaches the whole team — and
only that team. Minutes are checked as a client rebuilds them, by folding the events it received.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from click.testing import CliRunner

from server.network.team_server import TeamServer
from shared.alerts import SetDeadlines
from shared.cli import main
from shared.meeting_attendance import AttendanceRecorded
from shared.meeting_framework import PLANNING_PURPOSES
from shared.meetings import AgendaItem, AmendEntry, MeetingKind, Minutes, OpenMeeting, RecordEntry
from shared.protocol import ErrorCode, Event, utc_text
from tests.server.conftest import (
    ESCALATION_STEP_TYPES,
    Team,
    TeamRoom,
    WireClient,
    accepted,
    alert_command,
    concern_frame,
    enquiry_command,
    enquiry_frame,
    event_of,
    harm_frame,
    join_team,
    make_team,
    meeting_command,
    meeting_frame,
    post_frame,
    refused,
    wire,
)

EM = "\u2014"  # the em dash agenda titles use between agency and kind


def minutes_from(events: list[Event], meeting_id: str) -> Minutes:
    """Rebuild one meeting's minutes from the events a client received, with the shared rules."""
    minutes: Minutes | None = None
    for event in events:
        data = event.data
        if data.get("meeting_id") != meeting_id:
            continue
        if event.kind == "meeting.opened":
            minutes = Minutes(
                id=meeting_id,
                kind=MeetingKind(data["kind"]),
                day=date.fromisoformat(data["day"]),
                opened_at=event.at,
                agenda=[AgendaItem.model_validate(item) for item in data["agenda"]],
            )
            continue
        assert minutes is not None, f"{event.kind} before meeting.opened"
        if event.kind == "agenda.added":
            minutes.add_item(data["item_id"], data["title"], data["position"])
        elif event.kind == "agenda.moved":
            minutes.move_item(data["item_id"], data["position"])
        elif event.kind == "agenda.dropped":
            minutes.drop_item(data["item_id"])
        elif event.kind == "meeting.recorded":
            fields = {k: v for k, v in data.items() if k != "entry_id"}
            minutes.record(RecordEntry.model_validate({"id": data["entry_id"], **fields}), event.at)
        elif event.kind == "meeting.amended":
            minutes.amend(AmendEntry.model_validate({"id": "amend", **data}), event.at)
        elif event.kind == "meeting.closed":
            minutes.close(event.at)
        elif event.kind == "attendance.recorded":
            minutes.record_attendance(AttendanceRecorded.model_validate(data).attendance())
        else:
            raise AssertionError(f"unexpected meeting event {event.kind}")
    assert minutes is not None, f"no meeting {meeting_id}"
    return minutes


async def opened(room: TeamRoom, kind: str = "kit", day: str = "2026-11-18") -> tuple[str, Event]:
    """The lead opens a meeting; returns its id and the ``meeting.opened`` event everyone received."""
    frame = meeting_frame(kind, day)
    ack = await accepted(room.lead, frame)
    events = await room.everyone_sees(ack.seq)
    return str(frame["id"]), events[-1]


async def finding(client: WireClient, agency: str, kind: str, text: str, **overrides: Any) -> str:
    frame = post_frame(agency=agency, kind=kind, text=text, judgement_area=None, **overrides)
    await accepted(client, frame)
    return str(frame["id"])


def note(
    meeting_id: str, item_id: str | None = None, text: str = "DCS agreed to look at this today."
) -> dict[str, Any]:
    return meeting_command("meeting.record", meeting_id, item_id=item_id, entry="note", text=text)


def attendance(meeting_id: str, **fields: Any) -> dict[str, Any]:
    """An ``attendance.record`` on ``meeting_id`` with these fields (``name=None`` leaves a field out)."""
    return meeting_command("attendance.record", meeting_id, **fields)


def action(meeting_id: str, item_id: str | None = None, **overrides: Any) -> dict[str, Any]:
    """A valid action entry, with ``overrides`` (valid or not) laid over it as sent."""
    entry = meeting_command("meeting.record", meeting_id, item_id=item_id, entry="action",
                            text="Send the audit of strategy discussions.", owner="Head of Service", due="2026-11-20")
    return wire(entry, **overrides)


async def last_events(room: TeamRoom) -> list[Event]:
    """Everyone's log after a marker finding: identical and gap-free, so nothing refused leaked."""
    marker = await room.hmic.posted()
    return await room.everyone_sees(marker.seq)


# ---------------------------------------------------------------- opening, seen by everyone


async def test_the_lead_opens_a_kit_meeting_and_everyone_gets_its_agenda(team_room: TeamRoom, team: Team) -> None:
    weakness = await finding(team_room.cqc, "health", "weakness", "No health attendance at strategy discussions.")
    frame = meeting_frame("kit", "2026-11-18")

    ack = await accepted(team_room.lead, frame)

    for client in team_room.all:
        event = await event_of(client, "meeting.opened", meeting_id=frame["id"])
        assert event.seq == ack.seq
        assert event.actor == team.lead.inspector
        assert event.data == {
            "meeting_id": frame["id"],
            "kind": "kit",
            "day": "2026-11-18",
            "since": None,
            "agenda": [
                {
                    "id": f"{frame['id']}.1",
                    "section": "findings",
                    "title": f"Health {EM} Weakness: No health attendance at strategy discussions.",
                    "ref": weakness,
                    "agency": "health",
                }
            ],
            "framework": "integrated",
            "dcs": None,
            "dcs_name": None,
            "representative": None,
            "others": None,
            "warnings": [],
        }
    await team_room.everyone_sees(ack.seq)


async def test_since_is_the_previous_meetings_opening_time_in_protocol_format(team_room: TeamRoom) -> None:
    first_id, first = await opened(team_room)
    await accepted(team_room.lead, meeting_command("meeting.close", first_id))

    _, second = await opened(team_room)

    assert second.data["since"] == utc_text(first.at)  # times travel as ISO 8601 UTC with a Z (docs/protocol.md)


# ---------------------------------------------------------------- who may run a meeting


LEAD_ONLY = [
    "meeting.open",
    "meeting.close",
    "meeting.record",
    "meeting.amend",
    "agenda.add",
    "agenda.move",
    "agenda.drop",
    "attendance.record",
]


async def test_only_the_lead_runs_a_meeting(team_room: TeamRoom) -> None:
    await finding(team_room.cqc, "health", "weakness", "No health attendance at strategy discussions.")
    meeting_id, _ = await opened(team_room)
    entry = note(meeting_id)
    await accepted(team_room.lead, entry)
    item = f"{meeting_id}.1"
    frames: dict[str, dict[str, Any]] = {
        "meeting.open": meeting_frame("team"),
        "meeting.close": meeting_command("meeting.close", meeting_id),
        "meeting.record": note(meeting_id, item),
        "meeting.amend": meeting_command("meeting.amend", meeting_id, entry_id=entry["id"], text="Corrected."),
        "agenda.add": meeting_command("agenda.add", meeting_id, title="Any other business"),
        "agenda.move": meeting_command("agenda.move", meeting_id, item_id=item, position=0),
        "agenda.drop": meeting_command("agenda.drop", meeting_id, item_id=item),
        "attendance.record": attendance(meeting_id, dcs="attended"),
    }
    assert sorted(frames) == sorted(LEAD_ONLY)
    before = [e.kind for e in await last_events(team_room)]

    for kind in LEAD_ONLY:
        for client in (team_room.cqc, team_room.hmic):
            error = await refused(client, frames[kind], ErrorCode.FORBIDDEN)
            assert "only the lead inspector" in error.message, kind

    after = await last_events(team_room)
    assert [e.kind for e in after] == [*before, "finding.posted"]


# ---------------------------------------------------------------- one open meeting per kind


async def test_one_open_meeting_of_each_kind_at_a_time(team_room: TeamRoom) -> None:
    kit_id, _ = await opened(team_room, "kit")

    error = await refused(team_room.lead, meeting_frame("kit"), ErrorCode.OUT_OF_ORDER, "kind")
    assert "close it first" in error.message
    await opened(team_room, "team")  # the team's own meeting may run alongside
    await refused(team_room.lead, meeting_frame("team"), ErrorCode.OUT_OF_ORDER, "kind")

    await accepted(team_room.lead, meeting_command("meeting.close", kit_id))
    await opened(team_room, "kit", "2026-11-19")

    events = await last_events(team_room)
    assert [e.kind for e in events] == [
        "meeting.opened",
        "meeting.opened",
        "meeting.closed",
        "meeting.opened",
        "finding.posted",
    ]


# ---------------------------------------------------------------- the agenda


async def test_the_lead_adds_moves_and_drops_items_and_everyone_follows(team_room: TeamRoom) -> None:
    first = await finding(team_room.lead, "local-authority", "weakness", "Thresholds are not understood.")
    second = await finding(team_room.cqc, "health", "strength", "GP feedback to conferences is timely.")
    meeting_id, _ = await opened(team_room)
    one, two = f"{meeting_id}.1", f"{meeting_id}.2"

    top = meeting_command("agenda.add", meeting_id, title="  Introductions  ", position=0)
    end = meeting_command("agenda.add", meeting_id, title="Any other business")
    beyond = meeting_command("agenda.add", meeting_id, title="Next meeting", position=99)
    for frame in (top, end, beyond):
        await accepted(team_room.lead, frame)
    await accepted(team_room.lead, meeting_command("agenda.move", meeting_id, item_id=two, position=1))
    await accepted(team_room.lead, meeting_command("agenda.move", meeting_id, item_id=str(top["id"]), position=50))
    dropped = await accepted(team_room.lead, meeting_command("agenda.drop", meeting_id, item_id=str(end["id"])))

    events = await team_room.everyone_sees(dropped.seq)
    added = [e for e in events if e.kind == "agenda.added"]
    assert added[0].data == {
        "meeting_id": meeting_id,
        "item_id": top["id"],
        "title": "  Introductions  ",
        "position": 0,
    }
    assert added[1].data == {
        "meeting_id": meeting_id,
        "item_id": end["id"],
        "title": "Any other business",
        "position": None,
    }
    assert events[-1].data == {"meeting_id": meeting_id, "item_id": end["id"]}
    minutes = minutes_from(team_room.cqc.events, meeting_id)
    assert [item.id for item in minutes.agenda] == [two, one, beyond["id"], top["id"]]
    assert [item.ref for item in minutes.agenda] == [second, first, None, None]
    assert [item.title for item in minutes.agenda][2:] == ["Next meeting", "Introductions"]
    assert [item.id for item in minutes.dropped] == [end["id"]]


async def test_an_item_with_entries_cannot_be_dropped(team_room: TeamRoom) -> None:
    meeting_id, _ = await opened(team_room)
    item = meeting_command("agenda.add", meeting_id, title="Strategy discussions")
    await accepted(team_room.lead, item)
    await accepted(team_room.lead, note(meeting_id, str(item["id"])))

    error = await refused(
        team_room.lead, meeting_command("agenda.drop", meeting_id, item_id=item["id"]), ErrorCode.INVALID, "item_id"
    )

    assert "entries" in error.message
    assert [i.id for i in minutes_from(await last_events(team_room), meeting_id).agenda] == [item["id"]]


@pytest.mark.parametrize("kind", ["agenda.move", "agenda.drop", "meeting.record"])
async def test_an_unknown_or_dropped_item_is_not_found(team_room: TeamRoom, kind: str) -> None:
    meeting_id, _ = await opened(team_room)
    gone = meeting_command("agenda.add", meeting_id, title="Withdrawn item")
    await accepted(team_room.lead, gone)
    await accepted(team_room.lead, meeting_command("agenda.drop", meeting_id, item_id=gone["id"]))

    for item_id in ("no-such-item", str(gone["id"])):
        fields: dict[str, Any] = {"item_id": item_id}
        if kind == "agenda.move":
            fields["position"] = 0
        if kind == "meeting.record":
            fields |= {"entry": "note", "text": "Noted."}
        await refused(team_room.lead, meeting_command(kind, meeting_id, **fields), ErrorCode.NOT_FOUND, "item_id")


async def test_commands_on_an_unknown_meeting_are_not_found(team_room: TeamRoom) -> None:
    frames = [
        meeting_command("meeting.close", "no-such-meeting"),
        note("no-such-meeting"),
        meeting_command("meeting.amend", "no-such-meeting", entry_id="e", text="Corrected."),
        meeting_command("agenda.add", "no-such-meeting", title="Item"),
        meeting_command("agenda.move", "no-such-meeting", item_id="i", position=0),
        meeting_command("agenda.drop", "no-such-meeting", item_id="i"),
    ]
    for frame in frames:
        await refused(team_room.lead, frame, ErrorCode.NOT_FOUND, "meeting_id")
    assert [e.kind for e in await last_events(team_room)] == ["finding.posted"]


# ---------------------------------------------------------------- recording


async def test_notes_responses_and_actions_reach_everyone(team_room: TeamRoom, team: Team) -> None:
    await finding(team_room.lead, "local-authority", "weakness", "Thresholds are not understood.")
    meeting_id, _ = await opened(team_room)
    item = f"{meeting_id}.1"
    frames = [
        note(meeting_id, item, "Shared the finding on thresholds."),
        meeting_command("meeting.record", meeting_id, item_id=item, entry="la-response", text="DCS accepts it."),
        action(meeting_id, item),
        note(meeting_id, None, "Next KIT at 16:30."),
    ]
    acks = [await accepted(team_room.lead, frame) for frame in frames]

    events = await team_room.everyone_sees(acks[-1].seq)
    by_seq = {e.seq: e for e in events}
    assert by_seq[acks[2].seq].kind == "meeting.recorded"
    assert by_seq[acks[2].seq].actor == team.lead.inspector
    assert by_seq[acks[2].seq].data == {
        "meeting_id": meeting_id,
        "entry_id": frames[2]["id"],
        "item_id": item,
        "entry": "action",
        "text": "Send the audit of strategy discussions.",
        "owner": "Head of Service",
        "due": "2026-11-20",
    }
    for client in team_room.all:
        minutes = minutes_from(client.events, meeting_id)
        assert [(e.item_id, e.kind.value, e.current.text) for e in minutes.entries] == [
            (item, "note", "Shared the finding on thresholds."),
            (item, "la-response", "DCS accepts it."),
            (item, "action", "Send the audit of strategy discussions."),
            (None, "note", "Next KIT at 16:30."),
        ]


INVALID_ENTRIES: list[tuple[dict[str, Any], str]] = [
    ({"owner": None}, "owner"),
    ({"owner": "   "}, "owner"),
    ({"due": None}, "due"),
    ({"due": "next week"}, "due"),
    ({"text": "  "}, "text"),
    ({"text": None}, "text"),
    ({"entry": "decision"}, "entry"),
    ({"owner": "x" * 301}, "owner"),
]


async def test_an_invalid_entry_is_refused_naming_the_field(team_room: TeamRoom) -> None:
    meeting_id, _ = await opened(team_room)

    for overrides, field in INVALID_ENTRIES:  # one server for every case: a refusal changes nothing
        await refused(team_room.lead, action(meeting_id, **overrides), ErrorCode.INVALID, field)

    assert minutes_from(await last_events(team_room), meeting_id).entries == []


async def test_the_team_meeting_has_no_local_authority_responses(team_room: TeamRoom) -> None:
    meeting_id, _ = await opened(team_room, "team")
    response = meeting_command("meeting.record", meeting_id, entry="la-response", text="DCS accepts it.")

    error = await refused(team_room.lead, response, ErrorCode.INVALID, "entry")

    assert "local authority" in error.message
    await accepted(team_room.lead, note(meeting_id))
    await accepted(team_room.lead, action(meeting_id))
    assert [e.kind.value for e in minutes_from(await last_events(team_room), meeting_id).entries] == ["note", "action"]


# ---------------------------------------------------------------- closing, amending


async def test_nothing_is_recorded_after_closing(team_room: TeamRoom) -> None:
    await finding(team_room.lead, "local-authority", "weakness", "Thresholds are not understood.")
    meeting_id, _ = await opened(team_room)
    item = f"{meeting_id}.1"
    closed = await accepted(team_room.lead, meeting_command("meeting.close", meeting_id))
    frames = [
        note(meeting_id, item),
        meeting_command("agenda.add", meeting_id, title="Late item"),
        meeting_command("agenda.move", meeting_id, item_id=item, position=0),
        meeting_command("agenda.drop", meeting_id, item_id=item),
        meeting_command("meeting.close", meeting_id),
    ]

    for frame in frames:
        error = await refused(team_room.lead, frame, ErrorCode.OUT_OF_ORDER, "meeting_id")
        assert "closed" in error.message, frame["type"]

    events = await last_events(team_room)
    assert events[-2].seq == closed.seq
    assert events[-2].kind == "meeting.closed"
    assert events[-2].data == {"meeting_id": meeting_id}


async def test_amendments_after_closing_keep_every_version(team_room: TeamRoom) -> None:
    meeting_id, _ = await opened(team_room)
    entry = note(meeting_id, None, "DCS to send the audit by Friday.")
    todo = action(meeting_id)
    await accepted(team_room.lead, entry)
    await accepted(team_room.lead, todo)
    await accepted(team_room.lead, meeting_command("meeting.close", meeting_id))

    first = meeting_command(
        "meeting.amend", meeting_id, entry_id=entry["id"], text="DCS to send the audit by Thursday.", reason="Misheard."
    )
    second = meeting_command("meeting.amend", meeting_id, entry_id=entry["id"], text="DCS to send the audit today.")
    moved = meeting_command(
        "meeting.amend", meeting_id, entry_id=todo["id"], text="Send the audit.", owner="DCS", due="2026-11-19"
    )
    for frame in (first, second, moved):
        await accepted(team_room.lead, frame)

    events = await last_events(team_room)
    amended = [e for e in events if e.kind == "meeting.amended"]
    assert amended[0].data == {
        "meeting_id": meeting_id,
        "entry_id": entry["id"],
        "text": "DCS to send the audit by Thursday.",
        "owner": None,
        "due": None,
        "reason": "Misheard.",
    }
    minutes = minutes_from(team_room.hmic.events, meeting_id)
    assert not minutes.is_open
    assert [v.text for v in minutes.entries[0].versions] == [
        "DCS to send the audit by Friday.",
        "DCS to send the audit by Thursday.",
        "DCS to send the audit today.",
    ]
    assert [v.reason for v in minutes.entries[0].versions] == ["", "Misheard.", ""]
    assert [(v.owner, v.due) for v in minutes.entries[1].versions] == [
        ("Head of Service", date(2026, 11, 20)),
        ("DCS", date(2026, 11, 19)),
    ]


@pytest.mark.parametrize(
    ("target", "overrides", "code", "field"),
    [
        ("action", {"owner": None}, ErrorCode.INVALID, "owner"),
        ("action", {"due": None}, ErrorCode.INVALID, "due"),
        ("action", {"owner": "   "}, ErrorCode.INVALID, "owner"),  # as recording refuses a blank owner
        ("note", {"text": "   "}, ErrorCode.INVALID, "text"),  # as recording refuses blank text
        ("note", {"text": None}, ErrorCode.INVALID, "text"),
        ("note", {"entry_id": "no-such-entry"}, ErrorCode.NOT_FOUND, "entry_id"),
        ("note", {"reason": "x" * 501}, ErrorCode.INVALID, "reason"),
    ],
)
async def test_an_invalid_amendment_is_refused(
    team_room: TeamRoom, target: str, overrides: dict[str, Any], code: str, field: str
) -> None:
    meeting_id, _ = await opened(team_room)
    entry = action(meeting_id) if target == "action" else note(meeting_id)
    await accepted(team_room.lead, entry)
    amend = meeting_command("meeting.amend", meeting_id, entry_id=entry["id"], text="Corrected.", owner="DCS",
                            due="2026-11-21")

    await refused(team_room.lead, wire(amend, **overrides), code, field)

    minutes = minutes_from((await last_events(team_room)), meeting_id)
    assert [len(e.versions) for e in minutes.entries] == [1]


# ---------------------------------------------------------------- retries


async def test_retrying_meeting_commands_gives_the_same_ack_and_one_event(team_room: TeamRoom) -> None:
    meeting = meeting_frame("kit")
    meeting_id = str(meeting["id"])
    entry = note(meeting_id)
    frames = [
        meeting,
        meeting_command("agenda.add", meeting_id, title="Any other business"),
        entry,
        meeting_command("meeting.amend", meeting_id, entry_id=entry["id"], text="Corrected."),
        meeting_command("meeting.close", meeting_id),
    ]
    for frame in frames:
        first = await accepted(team_room.lead, frame)
        assert await accepted(team_room.lead, frame) == first

    events = await last_events(team_room)
    assert [e.kind for e in events] == [
        "meeting.opened",
        "agenda.added",
        "meeting.recorded",
        "meeting.amended",
        "meeting.closed",
        "finding.posted",
    ]


# ---------------------------------------------------------------- drafting the agenda


async def test_the_kit_agenda_has_the_findings_since_the_last_kit_by_agency_weaknesses_first(
    team_room: TeamRoom,
) -> None:
    la_strength = await finding(team_room.lead, "local-authority", "strength", "Managers know their cases.")
    health_weak = await finding(team_room.cqc, "health", "weakness", "No GP input to conferences.")
    la_weak = await finding(team_room.lead, "local-authority", "weakness", "Thresholds are not understood.")
    police_note = await finding(team_room.hmic, "police", "note", "Custody records checked.\nNothing else to add.")
    health_afi = await finding(team_room.cqc, "health", "area-for-improvement", "School nurse capacity.")
    la_weak_later = await finding(team_room.lead, "local-authority", "weakness", "Plans lack timescales.")

    first_kit, first = await opened(team_room, "kit", "2026-11-17")

    assert [(i["ref"], i["title"], i["section"], i["agency"]) for i in first.data["agenda"]] == [
        (la_weak, f"Local authority {EM} Weakness: Thresholds are not understood.", "findings", "local-authority"),
        (la_weak_later, f"Local authority {EM} Weakness: Plans lack timescales.", "findings", "local-authority"),
        (la_strength, f"Local authority {EM} Strength: Managers know their cases.", "findings", "local-authority"),
        (health_weak, f"Health {EM} Weakness: No GP input to conferences.", "findings", "health"),
        (health_afi, f"Health {EM} Area for improvement: School nurse capacity.", "findings", "health"),
        (police_note, f"Police {EM} Note: Custody records checked.", "findings", "police"),
    ]
    assert [i["id"] for i in first.data["agenda"]] == [f"{first_kit}.{n}" for n in range(1, 7)]

    await accepted(team_room.lead, meeting_command("meeting.close", first_kit))
    health_strength = await finding(team_room.cqc, "health", "strength", "Health visitors attend every conference.")
    la_good = await finding(team_room.lead, "local-authority", "good-practice", "Direct work with children.")

    _, second = await opened(team_room, "kit", "2026-11-18")
    assert [i["ref"] for i in second.data["agenda"]] == [la_good, health_strength]

    # the team's own meeting counts from the last *team* meeting: this is the first, so it has everything
    team_id, team_meeting = await opened(team_room, "team", "2026-11-18")
    assert [i["ref"] for i in team_meeting.data["agenda"]] == [
        la_weak,
        la_weak_later,
        la_strength,
        la_good,
        health_weak,
        health_afi,
        health_strength,
        police_note,
    ]
    await accepted(team_room.lead, meeting_command("meeting.close", team_id))
    yot = await finding(team_room.hmic, "yot", "weakness", "Joint visits with the YOT are rare.")
    _, next_team = await opened(team_room, "team", "2026-11-19")
    assert [i["ref"] for i in next_team.data["agenda"]] == [yot]


async def test_the_agenda_has_open_alerts_overdue_first(team_room: TeamRoom) -> None:
    informed = harm_frame(agency="health", summary="Health visitor not told the baby had gone home.")
    await accepted(team_room.cqc, informed)
    for kind in ("alert.acknowledge", "alert.inform"):
        await accepted(team_room.lead, alert_command(kind, str(informed["id"])))
    concern = concern_frame(agency="police", summary="Police notifications reach the MASH two days late.")
    await accepted(team_room.hmic, concern)
    closed = concern_frame(summary="Closed concern.")
    await accepted(team_room.hmic, closed)
    await accepted(team_room.hmic, alert_command("alert.close", str(closed["id"])))
    resolved = harm_frame(summary="Resolved escalation.")
    await accepted(team_room.cqc, resolved)
    for kind in ESCALATION_STEP_TYPES:
        await accepted(team_room.lead, alert_command(kind, str(resolved["id"])))
    # from now on an unacknowledged escalation is overdue after one second
    deadlines = {"acknowledge_seconds": 1, "inform_seconds": 1, "confirm_seconds": 86_400}
    await accepted(team_room.lead, SetDeadlines(id="deadlines-1", **deadlines))
    late = harm_frame(summary="Child still living with the risk adult.\nSecond line.")
    await accepted(team_room.cqc, late)
    await event_of(team_room.lead, "alert.overdue", alert_id=late["id"], step="acknowledged")

    meeting_id, kit = await opened(team_room, "kit")

    assert kit.data["agenda"] == [
        {
            "id": f"{meeting_id}.1",
            "section": "alerts",
            "title": f"OVERDUE {EM} Local authority: Child still living with the risk adult. (Raised)",
            "ref": late["id"],
            "agency": "local-authority",
        },
        {
            "id": f"{meeting_id}.2",
            "section": "alerts",
            "title": "Health: Health visitor not told the baby had gone home. (Senior manager informed)",
            "ref": informed["id"],
            "agency": "health",
        },
        {
            "id": f"{meeting_id}.3",
            "section": "alerts",
            "title": "Police: Police notifications reach the MASH two days late. (Open)",
            "ref": concern["id"],
            "agency": "police",
        },
    ]
    _, team_meeting = await opened(team_room, "team")
    assert [i["ref"] for i in team_meeting.data["agenda"]] == [late["id"], informed["id"], concern["id"]]


async def test_enquiries_needing_the_la_go_to_the_kit_and_the_others_to_the_team_meeting(team_room: TeamRoom) -> None:
    async def enquiry(question: str, needs_la_input: bool) -> str:
        frame = enquiry_frame(question=question, needs_la_input=needs_la_input)
        await accepted(team_room.lead, frame)
        return str(frame["id"])

    for_la = await enquiry("Why are strategy discussions held without health?\nSee case NM-10234.", True)
    for_team = await enquiry("Do CQC's case files show GP input?", False)
    await accepted(team_room.cqc, enquiry_command("enquiry.start", for_team))
    dropped = await enquiry("Was this escalated to the DCS?", True)
    await accepted(
        team_room.lead, enquiry_command("enquiry.close", dropped, outcome="not-pursued", reason="Answered elsewhere.")
    )
    answered = await enquiry("Has the MASH audit been shared?", True)
    await accepted(team_room.cqc, enquiry_command("enquiry.answer", answered))
    later_for_team = await enquiry("Are police notifications checked daily?", False)

    kit_id, kit = await opened(team_room, "kit")
    team_id, team_meeting = await opened(team_room, "team")

    assert kit.data["agenda"] == [
        {
            "id": f"{kit_id}.1",
            "section": "enquiries",
            "title": "Why are strategy discussions held without health?",
            "ref": for_la,
            "agency": None,
        },
        {
            "id": f"{kit_id}.2",
            "section": "enquiries",
            "title": "Has the MASH audit been shared?",
            "ref": answered,
            "agency": None,
        },
    ]
    assert [(i["id"], i["section"], i["ref"]) for i in team_meeting.data["agenda"]] == [
        (f"{team_id}.1", "enquiries", for_team),
        (f"{team_id}.2", "enquiries", later_for_team),
    ]


async def test_the_agenda_lists_findings_then_alerts_then_enquiries(team_room: TeamRoom) -> None:
    enquiry = enquiry_frame(needs_la_input=True)
    await accepted(team_room.lead, enquiry)
    concern = concern_frame()
    await accepted(team_room.hmic, concern)
    weakness = await finding(team_room.cqc, "health", "weakness", "No GP input to conferences.")

    _, kit = await opened(team_room, "kit")

    assert [(i["section"], i["ref"]) for i in kit.data["agenda"]] == [
        ("findings", weakness),
        ("alerts", concern["id"]),
        ("enquiries", enquiry["id"]),
    ]


# ---------------------------------------------------------------- isolation


async def test_meetings_stay_inside_their_inspection(server: TeamServer, team_room: TeamRoom, db_url: str) -> None:
    other = await join_team(server.url, make_team(db_url, name="Southdale"))
    try:
        ours = await finding(team_room.cqc, "health", "weakness", "No GP input to conferences.")
        meeting_id, kit = await opened(team_room, "kit")
        assert [i["ref"] for i in kit.data["agenda"]] == [ours]

        # another inspection may open its own KIT, even with the same id, and its agenda has none of ours
        theirs = await finding(other.hmic, "police", "weakness", "Missing-child returns are late.")
        same = await accepted(other.lead, meeting_frame("kit", command_id=meeting_id))
        their_events = await other.everyone_sees(same.seq)
        assert [i["ref"] for i in their_events[-1].data["agenda"]] == [theirs]

        await accepted(team_room.lead, note(meeting_id, f"{meeting_id}.1", "Ours."))
        await accepted(other.lead, note(meeting_id, f"{meeting_id}.1", "Theirs."))
        await accepted(other.lead, meeting_command("meeting.close", meeting_id))

        ours_after = minutes_from(await last_events(team_room), meeting_id)
        assert ours_after.is_open
        assert [e.current.text for e in ours_after.entries] == ["Ours."]
        their_marker = await other.hmic.posted()
        theirs_after = minutes_from(await other.everyone_sees(their_marker.seq), meeting_id)
        assert not theirs_after.is_open
        assert [e.current.text for e in theirs_after.entries] == ["Theirs."]
    finally:
        for client in other.all:
            await client.close()


# ---------------------------------------------------------------- who attended (CP ¶28, ¶30, ¶31)


async def test_cp30_the_kit_minutes_record_the_dcs_or_their_representative_for_everyone(
    team_room: TeamRoom, team: Team, db_url: str
) -> None:
    """The daily discussion is with the DCS "or their representative": the minutes say which, and who else."""
    meeting_id, _ = await opened(team_room)
    frame = attendance(meeting_id, dcs="represented", representative="Head of Service", others="MASH manager")

    ack = await accepted(team_room.lead, frame)

    events = await team_room.everyone_sees(ack.seq)
    assert events[-1].kind == "attendance.recorded"
    assert events[-1].data == {"meeting_id": meeting_id, "dcs": "represented", "dcs_name": None,
                               "representative": "Head of Service", "others": "MASH manager"}
    minutes = minutes_from(events, meeting_id)
    assert minutes.attendance.dcs_present
    result = CliRunner().invoke(main, ["kit", "export", "--inspection", str(team.inspection.id), "--date",
                                       "2026-11-18", "--db", db_url])
    assert result.exit_code == 0, result.output
    assert ("## Attendance\n\n- Director of Children's Services: represented by Head of Service\n"
            "- Also present: MASH manager\n") in result.stdout


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"dcs": "represented"}, "representative", "name who represented the DCS"),
        ({"dcs": "attended", "representative": "Head of Service"}, "representative", "only when the DCS sent"),
        ({"dcs_name": "Director"}, "dcs", "say how the DCS took part"),
        ({"dcs": "present"}, "dcs", ""),
        ({"others": "x" * 4001}, "others", ""),
    ],
)
async def test_an_invalid_attendance_is_refused_naming_the_field(
    team_room: TeamRoom, fields: dict[str, Any], field: str, words: str
) -> None:
    meeting_id, _ = await opened(team_room)
    frame = attendance(meeting_id, dcs="attended")
    frame.pop("dcs")
    reply = await refused(team_room.lead, {**frame, **fields}, ErrorCode.INVALID, field)
    assert words in reply.message
    await refused(team_room.lead, {**meeting_frame("kit", "2026-11-19"), **fields}, ErrorCode.INVALID, field)


async def test_attendance_follows_the_meeting_rules(team_room: TeamRoom) -> None:
    team_id, _ = await opened(team_room, "team")
    reply = await refused(team_room.lead, attendance(team_id, dcs="attended"), ErrorCode.INVALID, "dcs")
    assert "without the local authority" in reply.message
    await accepted(team_room.lead, attendance(team_id, others="The whole team"))
    await accepted(team_room.lead, meeting_command("meeting.close", team_id))
    await refused(team_room.lead, attendance(team_id, others="Late arrival"), ErrorCode.OUT_OF_ORDER, "meeting_id")
    await refused(team_room.lead, attendance("no-such-meeting", dcs="attended"), ErrorCode.NOT_FOUND, "meeting_id")


async def test_attendance_names_go_through_the_personal_data_guard(team_room: TeamRoom) -> None:
    meeting_id, _ = await opened(team_room)
    frame = attendance(meeting_id, dcs="attended", others="Family support worker (07700 900123)")
    reply = await refused(team_room.lead, frame, ErrorCode.PERSONAL_DATA, "others")
    assert "phone number" in reply.message


# ---------------------------------------------------------------- the planning meeting (CP ¶28)


async def test_cp28_the_planning_meetings_agenda_is_its_purpose_then_what_to_raise_with_the_dcs(
    team_room: TeamRoom,
) -> None:
    await finding(team_room.cqc, "health", "weakness", "No health attendance at strategy discussions.")
    concern = concern_frame()
    await accepted(team_room.cqc, concern)
    for_la = enquiry_frame(question="Can the LA explain its threshold document?", needs_la_input=True)
    await accepted(team_room.cqc, for_la)
    await accepted(team_room.cqc, enquiry_frame(question="Did the police attend?", needs_la_input=False))
    frame = wire(OpenMeeting(id="plan-1", kind="planning", day="2026-11-16", dcs="attended"))

    ack = await accepted(team_room.lead, frame)

    opened_event = (await team_room.everyone_sees(ack.seq))[-1]
    agenda = opened_event.data["agenda"]
    assert [(item["section"], item["title"]) for item in agenda] == [
        *(("purpose", purpose) for purpose in PLANNING_PURPOSES),
        ("alerts", f"Local authority: {concern['summary']} (Open)"),
        ("enquiries", "Can the LA explain its threshold document?"),
    ]  # no findings: the meeting plans the inspection; the enquiry for the team waits for the team's meeting
    assert opened_event.data["dcs"] == "attended" and opened_event.data["warnings"] == []
    response = meeting_command("meeting.record", "plan-1", item_id="plan-1.2", entry="la-response",
                               text="Case files will be ready with their social workers from Wednesday.")
    await accepted(team_room.lead, response)
