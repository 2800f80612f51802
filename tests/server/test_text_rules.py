"""Text from anyone is stored as text (shared/text.py), the same on SQLite and PostgreSQL.

A control character (NUL above all: SQLite stored it, PostgreSQL could not, so the command failed for ever) is
refused with ``invalid`` naming the field, before anything is written; text is stored NFC with ``\\n`` line
breaks; text made only of invisible characters is blank. The command line's names follow the same rules.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from click.testing import CliRunner

from server.network.team_server import ServerConfig, TeamServer
from shared.cli import main
from shared.findings import WithdrawFinding
from shared.protocol import Ack, Error, ErrorCode
from tests.server.conftest import (
    Team,
    TeamRoom,
    WireClient,
    accepted,
    alert_command,
    amend_frame,
    assert_gap_free,
    concern_frame,
    enquiry_frame,
    meeting_command,
    meeting_frame,
    post_frame,
    refused,
    wire,
)

BAD: list[tuple[str, str]] = [
    ("NUL", "\x00"),
    ("bell", "\x07"),
    ("escape", "\x1b[2J"),
    ("DEL", "\x7f"),
    ("C1 CSI", "\x9b31m"),
    ("bidi override", "\u202e"),
    ("bidi isolate", "\u2067"),
]


def frames_with(bad: str, finding_id: str, alert_id: str, meeting_id: str) -> list[tuple[dict[str, Any], str]]:
    """One command of each family with ``bad`` in one free-text field, and the field's name."""
    return [
        (post_frame(text=f"Seen{bad}on file."), "text"),
        (amend_frame(finding_id, text=f"Amended{bad}"), "text"),
        (wire(WithdrawFinding(id="w-" + finding_id, finding_id=finding_id, reason="A duplicate."), reason=bad),
         "reason"),
        (concern_frame(summary=f"Summary {bad}"), "summary"),
        (alert_command("alert.update", alert_id, text=f"Update{bad}"), "text"),
        (enquiry_frame(question=f"Why{bad}?"), "question"),
        (wire(meeting_command("agenda.add", meeting_id, title="Item"), title=f"Item{bad}"), "title"),
        (wire(meeting_command("meeting.record", meeting_id, entry="note", text="Note"), text=f"Note{bad}"), "text"),
    ]


@pytest.mark.parametrize("bad", [b for _, b in BAD], ids=[name for name, _ in BAD])
async def test_control_characters_are_invalid_naming_the_field_and_nothing_is_written(
    team_room: TeamRoom, bad: str
) -> None:
    lead, cqc = team_room.lead, team_room.cqc
    finding = post_frame()
    first = await accepted(cqc, finding)
    alert = concern_frame()
    await accepted(lead, alert)
    meeting = meeting_frame()
    await accepted(lead, meeting)
    before = await lead.wait_seq(first.seq + 2)

    for frame, field in frames_with(bad, str(finding["id"]), str(alert["id"]), str(meeting["id"])):
        sender = cqc if frame["type"].startswith("finding.") else lead
        error = await refused(sender, frame, ErrorCode.INVALID, field)
        assert "U+" in error.message

    marker = await accepted(cqc, post_frame(text="still works"))
    assert marker.seq == len(before) + 1, "no refused command took a seq"
    log = await team_room.everyone_sees(marker.seq)
    assert_gap_free(log)
    assert not any(bad in str(event.data) for event in log)


async def test_a_nul_among_good_commands_costs_only_itself(team_room: TeamRoom) -> None:
    """Sent without waiting, so they reach the writer together: only the bad one is refused (PostgreSQL used to
    fail the command with ``internal``, for ever, on every retry)."""
    cqc = team_room.cqc
    frames = [post_frame(text=f"Good {n}.") for n in range(3)]
    frames.insert(1, post_frame(text="Bad\x00one."))
    for frame in frames:
        await cqc.send(frame)
    replies = [await cqc.reply(str(frame["id"])) for frame in frames]
    assert [type(reply) for reply in replies] == [Ack, Error, Ack, Ack]
    assert isinstance(replies[1], Error) and (replies[1].code, replies[1].field) == (ErrorCode.INVALID, "text")
    log = await team_room.everyone_sees(3)
    assert [event.data["text"] for event in log] == ["Good 0.", "Good 1.", "Good 2."]


async def test_text_is_stored_nfc_with_newlines(
    team: Team, make_config: Callable[..., ServerConfig]
) -> None:
    decomposed = "Cafe\u0301 meeting\r\nsecond line\rthird"
    async with TeamServer(make_config()) as running:
        cqc = await WireClient.join(running.url, team.cqc.token)
        ack = await accepted(cqc, post_frame(text=decomposed))
        [live] = await cqc.wait_seq(ack.seq)
        await cqc.close()
    async with TeamServer(make_config()) as restarted:  # what is stored, not only what was sent
        lead = await WireClient.join(restarted.url, team.lead.token)
        [stored] = lead.replay
        await lead.close()
    assert live.data["text"] == stored.data["text"] == "Café meeting\nsecond line\nthird"


@pytest.mark.parametrize("blank", ["\u200b", "\u200b\u200d\ufeff", " \u2060\n", "\u3164"])
async def test_text_of_invisible_characters_is_blank(team_room: TeamRoom, blank: str) -> None:
    error = await refused(team_room.cqc, post_frame(text=blank), ErrorCode.INVALID, "text")
    assert "blank" in error.message
    await refused(team_room.lead, concern_frame(summary=blank), ErrorCode.INVALID, "summary")
    finding = post_frame()
    await accepted(team_room.cqc, finding)
    withdraw = WithdrawFinding(id="wd-" + str(finding["id"]), finding_id=finding["id"], reason="A duplicate.")
    await refused(team_room.cqc, wire(withdraw, reason=blank), ErrorCode.INVALID, "reason")


async def test_zero_width_characters_inside_visible_text_are_kept(team_room: TeamRoom) -> None:
    text = "Family 👩\u200d👩\u200d👧 seen; note [sic] and [/bold] kept"
    ack = await accepted(team_room.cqc, post_frame(text=text))
    [event] = await team_room.cqc.wait_seq(ack.seq)
    assert event.data["text"] == text


# ---------------------------------------------------------------- the command line's names


@pytest.mark.parametrize(("name", "why"), [("North\x00moor", "U+0000"), ("\u200b\u200b", "blank")])
def test_cli_refuses_an_inspection_name_against_the_rules(db_url: str, name: str, why: str) -> None:
    result = CliRunner().invoke(main, ["inspection", "create", name, "--db", db_url])
    assert result.exit_code == 2, result.output
    assert why in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    listed = CliRunner().invoke(main, ["inspection", "list", "--db", db_url])
    assert listed.stdout == ""  # no inspection was made (the hint goes to stderr)


def test_cli_refuses_an_inspector_name_against_the_rules(db_url: str, team: Team) -> None:
    args = ["inspector", "add", "--inspection", str(team.inspection.id), "--inspectorate", "cqc", "--db", db_url]
    result = CliRunner().invoke(main, [*args, "--name", "Ann\x1b[31mRed"])
    assert result.exit_code == 2, result.output
    assert "U+001B" in result.output
    result = CliRunner().invoke(main, [*args, "--name", "Jose\u0301 Ruiz"])
    assert result.exit_code == 0, result.output
    assert "José Ruiz" in result.output


async def test_connection_stays_usable_after_text_refusals(server: TeamServer, team: Team) -> None:
    client = await WireClient.join(server.url, team.cqc.token)
    await asyncio.gather(*(client.send(post_frame(text=f"x{chr(c)}")) for c in (0, 1, 0x1B, 0x85)))
    for _ in range(4):
        error = await client.recv_until(Error)
        assert error.code == ErrorCode.INVALID
    assert isinstance(await client.post(text="fine"), Ack)
    await client.close()
