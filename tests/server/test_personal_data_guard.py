"""The personal-data guard on the server (issue 7; CP ¶51): every free-text field of every command, through a real
server, a real database (SQLite and PostgreSQL) and real clients.

Under the default ``refuse`` policy a text that looks like personal data is refused with ``personal_data``, naming
the field and quoting it only masked; nothing is stored or broadcast and nobody else is held up. Under ``warn`` it
is accepted and the event records the masked matches. Alerts are never refused (CP ¶32, ¶49). Names come from the
imported list's salted digests, so a worker's name is caught without the server holding it.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest

from shared.cases import AddToSample, ImportCases, SetPersonalDataPolicy
from shared.findings import FindingPosted, WithdrawFinding
from shared.personal_data import NameIndex
from shared.protocol import ErrorCode
from tests.server.conftest import (
    TeamRoom,
    accepted,
    concern_frame,
    enquiry_frame,
    event_of,
    harm_frame,
    meeting_command,
    meeting_frame,
    new_id,
    post_frame,
    refused,
    stored_bytes,
    wire,
)

NHS = "943 476 5919"
PHONE = "07700 900123"
POSTCODE = "LS6 2AB"
WORKER = "Jane Smith"


async def set_policy(room: TeamRoom, policy: str) -> None:
    ack = await accepted(room.lead, SetPersonalDataPolicy(id=new_id(), policy=policy))
    await room.everyone_sees(ack.seq)


async def import_worker(room: TeamRoom, name: str = WORKER) -> None:
    """The lead imports one case, sending only the salted digests of its worker's name, as the app does."""
    assert room.lead.welcome is not None and room.lead.welcome.inspection.case_salt is not None
    index = NameIndex.build([name], bytes.fromhex(room.lead.welcome.inspection.case_salt))
    frame = ImportCases(id=new_id("import"), cases=[{"child_id": "NM-1001"}], name_digests=sorted(index.digests),
                        source="annex-a.csv")
    await room.everyone_sees((await accepted(room.lead, frame)).seq)


# ---------------------------------------------------------------- refuse (the default)


async def test_refused_text_names_the_field_masks_the_data_and_leaves_no_trace(
    team_room: TeamRoom, db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    text = f"Mother's NHS number {NHS} is on the referral."

    reply = await refused(team_room.cqc, post_frame(text=text), ErrorCode.PERSONAL_DATA, "text")

    assert reply.message == "looks like an NHS number at '943 *** ****'"
    assert NHS not in caplog.text and "5919" not in caplog.text
    ack = await accepted(team_room.hmic, post_frame(text="Police attended every strategy discussion."))
    events = await team_room.everyone_sees(ack.seq)
    assert [e.kind for e in events] == ["finding.posted"]
    assert NHS.encode() not in stored_bytes(db_url)


@pytest.mark.parametrize(
    ("kind", "field", "extra"),
    [
        ("enquiry.open", "why", {}),
        ("finding.withdraw", "reason", {}),
        ("agenda.add", "title", {}),
        ("meeting.record", "text", {"entry": "note"}),
        ("sample.add", "reason", {}),
    ],
)
async def test_every_free_text_field_is_checked(
    team_room: TeamRoom, kind: str, field: str, extra: dict[str, Any]
) -> None:
    lead = team_room.lead
    frame: dict[str, Any]
    if kind == "enquiry.open":
        frame = enquiry_frame()
    elif kind == "finding.withdraw":
        finding = post_frame()
        await accepted(lead, finding)
        frame = wire(WithdrawFinding(id=new_id(), finding_id=finding["id"], reason="A duplicate."))
    elif kind in ("agenda.add", "meeting.record"):
        meeting = meeting_frame()
        await accepted(lead, meeting)
        frame = meeting_command(kind, meeting["id"], **{field: "Clean words."}, **extra)
    else:
        await import_worker(team_room, "Omar Khan")
        frame = wire(AddToSample(id=new_id(), child_id="NM-1001", reason="Clean words."))
    frame[field] = f"Rang the family on {PHONE} to arrange it."

    reply = await refused(lead, frame, ErrorCode.PERSONAL_DATA, field)

    assert reply.message == "looks like a phone number at '07700 ******'"
    probe = await accepted(team_room.hmic, post_frame())  # the others are not held up, and nothing leaked
    events = await team_room.everyone_sees(probe.seq)
    assert events[-1].kind == "finding.posted" and frame["id"] not in str([e.data for e in events])


async def test_a_worker_name_from_the_imported_list_is_caught(team_room: TeamRoom) -> None:
    text = f"Discussed the plan with {WORKER}, who had not seen the health visitor's report."
    before = await accepted(team_room.cqc, post_frame(text=text))  # no list imported yet: nothing to know it by

    await import_worker(team_room)

    reply = await refused(team_room.cqc, post_frame(text=text), ErrorCode.PERSONAL_DATA, "text")
    assert reply.message == "looks like a person's name at 'J*** S****'"
    await refused(team_room.cqc, post_frame(text="Mrs Smith had not seen the report."), ErrorCode.PERSONAL_DATA)
    assert before.seq == 1


async def test_a_clean_text_passes(team_room: TeamRoom) -> None:
    await import_worker(team_room)
    frame = post_frame(text="The strategy meeting on 3 March 2026 was held on time and health attended.")

    ack = await accepted(team_room.cqc, frame)

    event = await event_of(team_room.hmic, "finding.posted", finding_id=frame["id"])
    assert event.seq == ack.seq and "personal_data" not in event.data


async def test_alerts_are_never_refused_but_the_match_is_recorded(team_room: TeamRoom) -> None:
    frame = harm_frame(summary=f"Child left with a risk adult; the family's mobile is {PHONE}.")

    ack = await accepted(team_room.cqc, frame)

    for client in team_room.all:
        event = await event_of(client, "alert.raised", alert_id=frame["id"])
        assert event.seq == ack.seq
        assert event.data["personal_data"] == [{
            "field": "summary", "kind": "phone", "masked": "07700 ******",
            "reason": "the shape and length of a UK mobile number",
        }]
    concern = concern_frame(summary=f"Several referrals mention {POSTCODE}.")
    await accepted(team_room.hmic, concern)


# ---------------------------------------------------------------- warn


async def test_warn_accepts_and_records_only_masked_matches(team_room: TeamRoom, db_url: str) -> None:
    await set_policy(team_room, "warn")
    await import_worker(team_room)
    frame = post_frame(text=f"{WORKER} lives near {POSTCODE}.")  # an inspector chose "send anyway"

    ack = await accepted(team_room.cqc, frame)

    for client in team_room.all:
        event = await event_of(client, "finding.posted", finding_id=frame["id"])
        assert event.seq == ack.seq
        recorded = event.data["personal_data"]
        assert [(r["field"], r["kind"], r["masked"]) for r in recorded] == [
            ("text", "name", "J*** S****"), ("text", "postcode", "LS6 ***")
        ]
        assert all(WORKER not in str(r) and POSTCODE not in str(r) for r in recorded)
        posted = FindingPosted.model_validate(event.data)  # the app's strict payload model still reads it
        assert [found.kind for found in posted.personal_data] == ["name", "postcode"]
    assert WORKER.encode() not in stored_bytes(db_url).replace(frame["text"].encode(), b"")
