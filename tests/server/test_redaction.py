"""Redaction: the lead takes personal data that slipped past the guard out of a record and its whole history.

Each record type (a finding and its amendment, an enquiry's answer, a meeting note, an alert) is redacted through
the real server; the text must then be gone from the database's bytes, the KIT export, the report, a reconnecting
client's catch-up, and the log must still verify, reporting the redactions.
"""

from __future__ import annotations

from dataclasses import dataclass

from click.testing import Result

from server.network.team_server import TeamServer
from shared.personal_data import ERROR_CODE
from shared.redaction import REDACTED, RedactRecord
from tests.server.conftest import (
    Team,
    TeamRoom,
    WireClient,
    accepted,
    alert_command,
    amend_frame,
    concern_frame,
    enquiry_command,
    enquiry_frame,
    event_of,
    meeting_command,
    meeting_frame,
    new_id,
    post_frame,
    refused,
    stored_bytes,
)
from tests.server.test_migrations import cli

NAMES = {
    "finding": "Quillon Farrowdale",
    "amended": "Quillon Marchbanks",
    "answer": "Ysolde Brackenbury",
    "note": "Peregrine Ashdown",
    "alert": "Thessaly Ormerod",
    "alert note": "Lysander Crome",
}
SECRETS = {
    "finding": f"{NAMES['finding']} was seen at home.",
    "amended": f"{NAMES['amended']} moved to his aunt.",
    "answer": f"The records name {NAMES['answer']} as the visitor.",
    "note": f"{NAMES['note']} attended the KIT.",
    "alert": f"{NAMES['alert']} was left alone overnight.",
    "alert note": f"{NAMES['alert note']} is the risk adult.",
}
"""Text with names the guard cannot know (nothing imported, no cue): what redaction is for. Each name is in one
secret only, so a test can say which leaked."""


@dataclass
class Records:
    finding_id: str
    enquiry_id: str
    entry_id: str
    alert_id: str


async def record_everything(room: TeamRoom) -> Records:
    """Each kind of record, with a secret in its history, recorded the way the team would."""
    lead, cqc = room.lead, room.cqc
    finding = post_frame(text=f"Strategy meetings are prompt. {SECRETS['finding']}")
    await accepted(lead, finding)
    await accepted(lead, amend_frame(str(finding["id"]), text=f"Strategy meetings are prompt. {SECRETS['amended']}"))
    enquiry = enquiry_frame()
    await accepted(lead, enquiry)
    await accepted(cqc, enquiry_command("enquiry.start", str(enquiry["id"])))
    await accepted(cqc, enquiry_command("enquiry.answer", str(enquiry["id"]), answer=SECRETS["answer"]))
    meeting = meeting_frame()
    await accepted(lead, meeting)
    note = meeting_command("meeting.record", str(meeting["id"]), entry="note", text=SECRETS["note"])
    await accepted(lead, note)
    alert = concern_frame(summary=SECRETS["alert"])
    await accepted(cqc, alert)
    await accepted(lead, alert_command("alert.note", str(alert["id"]), note=SECRETS["alert note"]))
    return Records(str(finding["id"]), str(enquiry["id"]), str(note["id"]), str(alert["id"]))


def redact(record: str, record_id: str, reason: str = "A name slipped past the guard.") -> RedactRecord:
    return RedactRecord(id=new_id("redact"), record=record, record_id=record_id, reason=reason)


def verify(db_url: str, team: Team) -> Result:
    return cli("audit", "verify", "--inspection", str(team.inspection.id), "--db", db_url)


def exports(db_url: str, team: Team) -> str:
    inspection = str(team.inspection.id)
    outputs = [
        cli("kit", "export", "--inspection", inspection, "--date", "2026-11-18", "--db", db_url),
        cli("report", "--inspection", inspection, "--db", db_url),
        cli("report", "--inspection", inspection, "--format", "html", "--db", db_url),
    ]
    assert all(result.exit_code == 0 for result in outputs), [result.output for result in outputs]
    return "\n".join(result.output for result in outputs)


def secrets_in(text: str | bytes) -> list[str]:
    raw = text.encode() if isinstance(text, str) else text
    return [key for key, name in NAMES.items() if name.encode() in raw]


async def test_a_redacted_record_is_gone_from_the_database_exports_and_catch_up_and_the_log_still_verifies(
    server: TeamServer, team: Team, team_room: TeamRoom, db_url: str
) -> None:
    records = await record_everything(team_room)
    assert set(secrets_in(stored_bytes(db_url))) == set(SECRETS)
    assert secrets_in(exports(db_url, team)), "the exports showed the text before"

    for record, record_id in (
        ("finding", records.finding_id), ("enquiry", records.enquiry_id), ("meeting-note", records.entry_id),
        ("alert", records.alert_id),
    ):
        await accepted(team_room.lead, redact(record, record_id))
        redacted = await event_of(team_room.hmic, "record.redacted", record_id=record_id)
        assert redacted.actor is not None and redacted.actor.id == team.lead.inspector.id
        assert redacted.data["reason"] == "A name slipped past the guard."

    assert secrets_in(stored_bytes(db_url)) == []
    assert secrets_in(exports(db_url, team)) == []
    assert REDACTED in exports(db_url, team)
    late = await WireClient.join(server.url, team.hmic.token)
    replayed = await late.wait_seq(team_room.lead.events[-1].seq)
    assert secrets_in("".join(event.model_dump_json() for event in replayed)) == []
    result = verify(db_url, team)
    assert result.exit_code == 0, result.output
    # the finding's post and amendment, the enquiry's opening and answer, the note, the alert and its note, and
    # the KIT's opening, whose drafted agenda quoted the finding
    assert "; 4 redactions (8 events' content replaced)" in result.output
    await late.close()


async def test_only_the_lead_redacts(team_room: TeamRoom) -> None:
    records = await record_everything(team_room)

    await refused(team_room.cqc, redact("finding", records.finding_id), "forbidden")
    await refused(team_room.lead, redact("finding", "no-such-finding"), "not_found", field="record_id")
    await refused(team_room.lead, redact("alert", records.finding_id), "not_found", field="record_id")


async def test_the_reason_passes_the_personal_data_guard(team_room: TeamRoom) -> None:
    records = await record_everything(team_room)

    await refused(
        team_room.lead, redact("finding", records.finding_id, reason="Mother's number 07700 900123 was in it"),
        ERROR_CODE, field="reason",
    )
    await accepted(team_room.lead, redact("finding", records.finding_id, reason="[b]A name[/b] was in it"))


async def test_an_edit_dressed_as_a_redaction_is_still_reported(team_room: TeamRoom, team: Team, db_url: str) -> None:
    """Only a seq a later redaction names may change: editing another event's text still fails verification."""
    records = await record_everything(team_room)
    await accepted(team_room.lead, redact("finding", records.finding_id))
    from tests.server.test_audit_chain import sql, tamper

    tamper(db_url, sql("UPDATE event SET data = replace(data, 'Ysolde', 'Someone') WHERE kind = 'enquiry.answered'"))

    result = verify(db_url, team)
    assert result.exit_code == 1
    assert "altered: its content does not match its hash and no redaction names it" in result.output
