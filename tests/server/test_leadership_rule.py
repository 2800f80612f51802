"""The leadership rule (integrated ¶70, ¶81) end to end: the server keeps the leadership cell's
``leaders_understand_failure`` and puts the warning in the event data of whichever grade brings it into play."""

from __future__ import annotations

from typing import Any

from shared.protocol import Event
from tests.server.conftest import TeamRoom, WireClient, accepted, new_id, refused

LEADERSHIP = "leadership-likely-inadequate"


def grade(judgement: str, value: str, kind: str = "grade.propose", **overrides: Any) -> dict[str, Any]:
    """A police grade (HMIC's to propose), no findings cited."""
    frame: dict[str, Any] = {
        "type": kind,
        "id": new_id("grade"),
        "agency": "police",
        "judgement": judgement,
        "grade": value,
        "rationale": "Based on the case sample and the meeting with the force's senior leaders.",
    }
    return frame | overrides


async def codes_of(client: WireClient, sender: WireClient, frame: dict[str, Any]) -> tuple[list[str], Event]:
    """Send ``frame`` from ``sender``; the warning codes in its event as ``client`` receives it."""
    ack = await accepted(sender, frame)
    event = await client.recv_until(Event, lambda e: e.seq == ack.seq)
    return [w["code"] for w in event.data["warnings"]], event


async def test_the_warning_follows_the_leadership_cells_flag_through_proposals_and_agreement(
    team_room: TeamRoom,
) -> None:
    room = team_room
    hmic, lead = room.hmic, room.lead

    # leadership good, nothing inadequate yet: no leadership warning
    codes, event = await codes_of(lead, hmic, grade("leadership", "good"))
    assert LEADERSHIP not in codes and event.data["leaders_understand_failure"] is False

    # help and protection inadequate: warned on that grade, beside the cascade
    codes, event = await codes_of(lead, hmic, grade("help-and-protection", "inadequate"))
    assert codes[:2] == ["overall-likely-inadequate", LEADERSHIP]
    [message] = [w["message"] for w in event.data["warnings"] if w["code"] == LEADERSHIP]
    assert "graded good" in message and "¶81" in message

    # the leadership grade itself is warned, until leaders are recorded as understanding the failure
    codes, _ = await codes_of(lead, hmic, grade("leadership", "good"))
    assert LEADERSHIP in codes
    codes, event = await codes_of(lead, hmic, grade("leadership", "good", leaders_understand_failure=True))
    assert LEADERSHIP not in codes and event.data["leaders_understand_failure"] is True

    # the server kept the flag: help and protection proposed again brings no leadership warning
    codes, _ = await codes_of(lead, hmic, grade("help-and-protection", "inadequate"))
    assert codes[0] == "overall-likely-inadequate" and LEADERSHIP not in codes

    # the agreed leadership grade (without the flag) is the board's now, over the proposal's flag
    codes, _ = await codes_of(hmic, lead, grade("leadership", "good", "grade.agree", warning_reason="Discussed."))
    assert LEADERSHIP in codes
    codes, _ = await codes_of(lead, hmic, grade("help-and-protection", "inadequate"))
    assert LEADERSHIP in codes

    # leadership agreed inadequate satisfies the rule
    codes, event = await codes_of(hmic, lead, grade("leadership", "inadequate", "grade.agree"))
    assert LEADERSHIP not in codes
    log = await room.everyone_sees(event.seq)  # every client holds the same warnings
    assert [e.data["warnings"] for e in log] == [e.data["warnings"] for e in hmic.events]


async def test_health_looked_after_inadequate_warns_with_leadership_not_yet_graded(team_room: TeamRoom) -> None:
    frame = grade("looked-after", "inadequate", agency="health")
    codes, event = await codes_of(team_room.lead, team_room.cqc, frame)
    assert LEADERSHIP in codes
    [message] = [w["message"] for w in event.data["warnings"] if w["code"] == LEADERSHIP]
    assert "not yet graded" in message and "¶70" in message


async def test_the_flag_on_any_other_judgement_is_refused_naming_the_field(team_room: TeamRoom) -> None:
    for judgement in ("overall", "help-and-protection"):
        error = await refused(
            team_room.hmic, grade(judgement, "good", leaders_understand_failure=True), "invalid",
            "leaders_understand_failure",
        )  # fmt: skip
        assert "leadership" in error.message
    assert team_room.hmic.events == []  # nothing reached the log
