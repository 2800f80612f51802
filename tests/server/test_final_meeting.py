"""The final team meeting end to end (child-protection framework ¶31): a real server, SQLite file and clients.

On the last day of fieldwork the team meets to secure its judgements and agree the grades. The server drafts
the agenda from the grade board — every graded cell with what is proposed and how many warnings it carries,
then each narrative-only agency, then whatever is still open — and closing it records the agreed grades as they
stood, in the event (so every client's minutes hold them) and in the exported minutes.
"""

from __future__ import annotations

from typing import Any

from click.testing import CliRunner

from server.network.team_server import TeamServer
from shared.cli import main
from shared.fieldwork import SetFieldwork
from shared.grades import ReopenGrade
from shared.meeting_attendance import AttendanceRecorded
from shared.meetings import AgendaItem, MeetingKind, MeetingOpened, Minutes, OpenMeeting, minutes_markdown
from shared.protocol import Event
from tests.server.conftest import (
    Member,
    Team,
    TeamRoom,
    WireClient,
    accepted,
    concern_frame,
    enquiry_frame,
    meeting_command,
    meeting_frame,
    new_id,
    post_frame,
    refused,
    wire,
)

EM = "\u2014"


def grade(kind: str, agency: str, judgement: str, value: str) -> dict[str, Any]:
    return {
        "type": kind,
        "id": new_id("grade"),
        "agency": agency,
        "judgement": judgement,
        "grade": value,
        "rationale": "From the case sample.",
    }


def reopen(agency: str, judgement: str, reason: str, command_id: str | None = None) -> dict[str, Any]:
    return wire(ReopenGrade(id=command_id or new_id("reopen"), agency=agency, judgement=judgement, reason=reason))


async def graded_board(room: TeamRoom) -> int:
    """Health overall proposed and agreed good; police help and protection proposed inadequate. Last seq."""
    await accepted(room.cqc, grade("grade.propose", "health", "overall", "good"))  # no findings cited: 1 warning
    await accepted(room.lead, grade("grade.agree", "health", "overall", "good"))  # 1 warning (no findings)
    # 3 warnings: overall likely inadequate, leadership likely inadequate, no findings cited
    ack = await accepted(room.hmic, grade("grade.propose", "police", "help-and-protection", "inadequate"))
    return ack.seq


async def opened_final(room: TeamRoom) -> tuple[str, Event]:
    frame = meeting_frame("final", "2026-11-25")
    ack = await accepted(room.lead, frame)
    log = await room.everyone_sees(ack.seq)
    return str(frame["id"]), log[-1]


async def test_the_final_agenda_lists_every_judgement_then_the_narratives_then_what_is_open(
    team_room: TeamRoom,
) -> None:
    room = team_room
    await accepted(room.lead, post_frame(agency="yot", kind="weakness", judgement_area=None, text="Plans drift."))
    await accepted(room.cqc, post_frame(agency="health", kind="weakness", text="No GP input."))
    concern = concern_frame()
    await accepted(room.cqc, concern)
    enquiry = enquiry_frame(to_inspectorate="hmic", question="Do officers attend strategy discussions?")
    await accepted(room.cqc, enquiry)
    await accepted(room.lead, meeting_frame("kit", "2026-11-24"))  # an earlier meeting of another kind
    await graded_board(room)

    meeting_id, event = await opened_final(room)

    assert event.kind == "meeting.opened" and event.data["kind"] == "final" and event.data["since"] is None
    agenda = event.data["agenda"]
    assert [item["id"] for item in agenda] == [f"{meeting_id}.{n}" for n in range(1, len(agenda) + 1)]
    assert [(item["section"], item["title"]) for item in agenda] == [
        ("grades", f"Local authority {EM} Overall effectiveness: not yet proposed"),
        ("grades", f"Local authority {EM} Children who need help and protection: not yet proposed"),
        ("grades", f"Local authority {EM} Children looked after and care leavers: not yet proposed"),
        ("grades", f"Local authority {EM} Leadership, management and governance: not yet proposed"),
        ("grades", f"Health {EM} Overall effectiveness: proposed good, agreed good, 1 warning"),
        ("grades", f"Health {EM} Children who need help and protection: not yet proposed"),
        ("grades", f"Health {EM} Children looked after and care leavers: not yet proposed"),
        ("grades", f"Health {EM} Leadership, management and governance: not yet proposed"),
        ("grades", f"Police {EM} Overall effectiveness: not yet proposed"),
        ("grades", f"Police {EM} Children who need help and protection: proposed inadequate, 3 warnings"),
        ("grades", f"Police {EM} Leadership, management and governance: not yet proposed"),
        ("grades", f"LSCB {EM} Effectiveness of the LSCB: not yet proposed"),
        ("narratives", f"Probation {EM} the narrative of strengths and weaknesses (no findings)"),
        ("narratives", f"Youth offending team {EM} the narrative of strengths and weaknesses (1 finding)"),
        ("narratives", f"Custody {EM} the narrative of strengths and weaknesses (no findings)"),
        ("alerts", f"Local authority: {concern['summary']} (Open)"),
        ("enquiries", "Do officers attend strategy discussions?"),
    ]
    assert agenda[9]["ref"] == "police/help-and-protection" and agenda[9]["agency"] == "police"
    assert agenda[15]["ref"] == concern["id"] and agenda[16]["ref"] == enquiry["id"]


async def test_only_the_lead_opens_the_final_meeting_and_only_one_at_a_time(team_room: TeamRoom) -> None:
    await refused(team_room.cqc, meeting_frame("final"), "forbidden")
    await opened_final(team_room)
    await refused(team_room.lead, meeting_frame("final"), "out_of_order", "kind")
    await accepted(team_room.lead, meeting_frame("kit"))  # a KIT meeting may run beside it


async def test_the_dcs_may_respond_at_the_final_meeting(team_room: TeamRoom) -> None:
    meeting_id, _ = await opened_final(team_room)
    response = meeting_command(
        "meeting.record", meeting_id, item_id=f"{meeting_id}.1", entry="la-response", text="The DCS accepts it."
    )
    await accepted(team_room.lead, response)


async def test_closing_records_the_agreed_grades_for_everyone_and_the_export(
    team_room: TeamRoom, team: Team, db_url: str
) -> None:
    room = team_room
    await graded_board(room)
    meeting_id, _ = await opened_final(room)
    await accepted(room.lead, grade("grade.agree", "police", "help-and-protection", "inadequate"))

    ack = await accepted(room.lead, meeting_command("meeting.close", meeting_id))

    log = await room.everyone_sees(ack.seq)
    closed = log[-1]
    assert closed.kind == "meeting.closed" and closed.data["meeting_id"] == meeting_id
    agreed = {(g["agency"], g["judgement"]): (g["grade"], g["signed_off"]) for g in closed.data["agreed_grades"]}
    assert len(closed.data["agreed_grades"]) == 12  # every graded cell of the board, in board order
    assert agreed[("health", "overall")] == ("good", False)
    assert agreed[("police", "help-and-protection")] == ("inadequate", False)
    assert agreed[("police", "overall")] == (None, False)

    # a change after the close is an amendment: it does not rewrite what the meeting closed on
    await accepted(room.lead, reopen("police", "overall", "The force's data arrived after the meeting."))
    await accepted(room.lead, grade("grade.agree", "police", "overall", "inadequate"))
    result = CliRunner().invoke(
        main,
        ["kit", "export", "--inspection", str(team.inspection.id), "--date", "2026-11-25", "--kind", "final",
         "--db", db_url],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.startswith("# Final team meeting, Wednesday 25 November 2026")
    assert "## Judgements to agree" in text and "## Narratives to agree (not graded)" in text
    table = text[text.index("## Agreed grades at close") :]
    assert "| Health | Overall effectiveness | Good | no |" in table
    assert "| Police | Children who need help and protection | Inadequate | no |" in table
    assert "| Police | Overall effectiveness | not agreed | no |" in table
    amendments = text[text.index("## Amendments to the agreed grades") :]
    assert "Police — Overall effectiveness** (was not agreed): reopened by the lead" in amendments
    assert "The force's data arrived after the meeting." in amendments
    assert "agreed inadequate" in amendments and "frozen again" in amendments


async def test_closing_a_kit_meeting_records_no_grades(team_room: TeamRoom) -> None:
    frame = meeting_frame("kit")
    await accepted(team_room.lead, frame)
    ack = await accepted(team_room.lead, meeting_command("meeting.close", str(frame["id"])))
    log = await team_room.everyone_sees(ack.seq)
    assert log[-1].data == {"meeting_id": frame["id"]}


async def test_a_late_joiner_rebuilds_the_final_minutes_from_the_log(
    server: TeamServer, team_room: TeamRoom, team: Team
) -> None:
    """The agreed grades travel in the event, so a client that was not there folds the same minutes."""
    await graded_board(team_room)
    meeting_id, _ = await opened_final(team_room)
    ack = await accepted(team_room.lead, meeting_command("meeting.close", meeting_id))
    await team_room.everyone_sees(ack.seq)
    late = await WireClient.join(server.url, team.cqc.token)
    try:
        opened = next(e for e in late.replay if e.kind == "meeting.opened")
        closed = next(e for e in late.replay if e.kind == "meeting.closed")
        minutes = Minutes(
            id=meeting_id,
            kind=MeetingKind(opened.data["kind"]),
            day=opened.data["day"],
            opened_at=opened.at,
            agenda=[AgendaItem.model_validate(item) for item in opened.data["agenda"]],
        )
        minutes.close(closed.at, closed.data["agreed_grades"])
        assert [(g.agency.value, g.judgement, g.grade) for g in minutes.agreed_grades][4] == (
            "health", "overall", "good"
        )  # fmt: skip
    finally:
        await late.close()


# ---------------------------------------------------------------- the close freezes the agreed grades


async def closed_final(room: TeamRoom) -> str:
    await graded_board(room)
    meeting_id, _ = await opened_final(room)
    await accepted(room.lead, meeting_command("meeting.close", meeting_id))
    return meeting_id


async def test_closing_the_final_meeting_freezes_every_grade_until_the_lead_reopens_it(team_room: TeamRoom) -> None:
    room = team_room
    # before the close, reopening means nothing: the grades can still change
    await refused(room.lead, reopen("health", "overall", "Too early."), "out_of_order", "judgement")
    meeting_id = await closed_final(room)

    # agreed, proposed-only and empty cells alike: no proposal, no agreement
    for sender, frame in (
        (room.lead, grade("grade.agree", "health", "overall", "outstanding")),
        (room.cqc, grade("grade.propose", "health", "overall", "outstanding")),
        (room.hmic, grade("grade.propose", "police", "help-and-protection", "requires-improvement")),
        (room.lead, grade("grade.agree", "local-authority", "leadership", "good")),
    ):
        reply = await refused(sender, frame, "out_of_order", "judgement")
        assert "grades are frozen by the final team meeting of 25 November 2026" in reply.message
        assert "the lead must reopen them with a reason" in reply.message

    # only the lead reopens, and only with a reason
    await refused(room.cqc, reopen("health", "overall", "New evidence."), "forbidden")
    await refused(room.lead, wire(reopen("health", "overall", "x"), reason=" "), "invalid", "reason")
    await refused(room.lead, wire(reopen("health", "overall", "x"), agency="probation"), "invalid", "agency")
    ack = await accepted(room.lead, reopen("health", "overall", "The CQC's late evidence changes the picture."))
    log = await room.everyone_sees(ack.seq)
    assert log[-1].kind == "grade.reopened" and log[-1].data["meeting_id"] == meeting_id
    assert log[-1].data["agreed_grade"] == "good" and log[-1].data["reason"].startswith("The CQC's late evidence")
    await refused(room.lead, reopen("health", "overall", "Again."), "out_of_order", "judgement")

    # the reopened cell may change; the others stay frozen
    await accepted(room.cqc, grade("grade.propose", "health", "overall", "requires-improvement"))
    await refused(room.lead, grade("grade.agree", "health", "leadership", "good"), "out_of_order", "judgement")
    ack = await accepted(room.lead, grade("grade.agree", "health", "overall", "requires-improvement"))
    log = await room.everyone_sees(ack.seq)
    assert log[-1].data["amends_meeting"] == meeting_id

    # the new agreed grade freezes the cell again
    reply = await refused(room.lead, grade("grade.agree", "health", "overall", "good"), "out_of_order", "judgement")
    assert "reopen" in reply.message



# ---------------------------------------------------------------- CP ¶31: the last day of fieldwork, the DCS invited


async def set_fieldwork(room: TeamRoom, end_date: str | None = "2026-11-25") -> None:
    """Fieldwork from Mon 16 Nov 2026 to Wed 25 Nov, its eighth working day ("day eight normally", CP ¶31)."""
    await accepted(room.lead, wire(SetFieldwork(id=new_id("fw"), start_date="2026-11-16", end_date=end_date)))


async def test_cp31_a_final_meeting_off_the_last_day_without_the_dcs_is_accepted_with_warnings(
    team_room: TeamRoom, team: Team, db_url: str
) -> None:
    room = team_room
    await set_fieldwork(room)
    frame = meeting_frame("final", "2026-11-24")

    ack = await accepted(room.lead, frame)  # a warning, not a refusal

    opened = (await room.everyone_sees(ack.seq))[-1]
    assert opened.data["warnings"] == [
        {"field": "day", "text": "CP ¶31 holds the final meeting on the last day of fieldwork, Wed 25 Nov 2026; "
                                 "this one is on Tue 24 Nov 2026 (day 7 of fieldwork)."},
        {"field": "dcs", "text": "The Director of Children's Services is not recorded as invited: CP ¶31 says the "
                                 "DCS will be invited to join the final meeting."},
    ]
    meeting_id = str(frame["id"])
    ack = await accepted(room.lead, meeting_command("attendance.record", meeting_id, dcs="apologies"))
    log = await room.everyone_sees(ack.seq)
    minutes = MeetingOpened.model_validate(opened.data).minutes(opened.at)
    minutes.record_attendance(AttendanceRecorded.model_validate(log[-1].data).attendance())
    assert [w.field for w in minutes.warnings] == ["day"]  # invited, though not coming: CP ¶31 is met

    result = CliRunner().invoke(main, ["kit", "export", "--inspection", str(team.inspection.id), "--date",
                                       "2026-11-24", "--kind", "final", "--db", db_url])
    assert result.exit_code == 0, result.output
    assert "- Director of Children's Services: invited; sent apologies" in result.stdout
    warnings = result.stdout[result.stdout.index("## Warnings") :]
    assert warnings.startswith("## Warnings\n\n- CP ¶31 holds the final meeting on the last day of fieldwork")
    assert "not recorded as invited" not in result.stdout


async def test_cp31_on_the_last_day_with_the_dcs_invited_there_is_nothing_to_warn_about(team_room: TeamRoom) -> None:
    await set_fieldwork(team_room)
    frame = wire(OpenMeeting(id=new_id("final"), kind="final", day="2026-11-25", dcs="invited"))
    ack = await accepted(team_room.lead, frame)
    assert (await team_room.everyone_sees(ack.seq))[-1].data["warnings"] == []


async def test_cp31_without_a_last_day_of_fieldwork_the_final_meeting_says_so(team_room: TeamRoom) -> None:
    frame = wire(OpenMeeting(id=new_id("final"), kind="final", day="2026-11-25", dcs="attended"))
    ack = await accepted(team_room.lead, frame)
    [warning] = (await team_room.everyone_sees(ack.seq))[-1].data["warnings"]
    assert warning["field"] == "day" and warning["text"].startswith("The last day of fieldwork is not set")


async def test_cp24_a_child_protection_inspections_final_minutes_name_its_own_judgements(
    cp_lead: Member, server: TeamServer
) -> None:
    lead = await WireClient.join(server.url, cp_lead.token)
    try:
        await accepted(lead, grade("grade.agree", "local-authority", "help-and-protection", "adequate"))
        frame = meeting_frame("final", "2026-11-25")
        opened = await accepted(lead, frame)
        closed = await accepted(lead, meeting_command("meeting.close", str(frame["id"])))
        log = {event.seq: event for event in await lead.wait_seq(closed.seq)}
        assert log[opened.seq].data["framework"] == "child-protection"
        minutes = MeetingOpened.model_validate(log[opened.seq].data).minutes(log[opened.seq].at)
        minutes.close(log[closed.seq].at, log[closed.seq].data["agreed_grades"])
        text = minutes_markdown(minutes, inspection_name="Southmoor", timezone="Europe/London")
        assert ("| Local authority | The effectiveness of the help and protection provided to children, young people, "
                "and their families and carers | Adequate | no |") in text
        for integrated_only in ("Children who need help and protection", "LSCB", "Narratives", "Health", "Police"):
            assert integrated_only not in text
    finally:
        await lead.close()
