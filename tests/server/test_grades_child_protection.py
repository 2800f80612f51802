"""Grades under the child-protection framework, beside an integrated inspection on the same server (CP ¶24, ¶25, ¶44).

A child-protection inspection grades the local authority alone, on CP ¶24's four judgements and CP ¶25's scale:
the server refuses any other cell (another agency, the LSCB, children looked after) and any grade off that scale,
whatever the client offered, while the integrated inspection next door keeps its own board.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from click.testing import CliRunner

from server.network.team_server import ServerConfig, TeamServer
from server.storage import database
from shared.cli import main
from shared.protocol import ErrorCode
from shared.vocabulary import Inspectorate, Role
from tests.server.conftest import (
    Member,
    TeamRoom,
    WireClient,
    accepted,
    grade_command,
    meeting_command,
    meeting_frame,
    posted,
    refused,
)
from tests.server.test_grades import grade_frame
from tests.shared.test_report_child_protection import HEADINGS


@pytest.fixture
async def cp(cp_lead: Member, server: TeamServer) -> AsyncIterator[WireClient]:
    lead = await WireClient.join(server.url, cp_lead.token)
    yield lead
    await lead.close()


def la(judgement: str, grade: str = "adequate", kind: str = "grade.propose") -> dict[str, Any]:
    return grade_frame(kind, agency="local-authority", judgement=judgement, grade=grade)


async def test_cp24_the_local_authoritys_four_judgements_are_graded_on_cp25s_scale(cp: WireClient) -> None:
    for judgement in ("overall", "help-and-protection", "quality-of-practice", "leadership"):
        await accepted(cp, la(judgement))
    await accepted(cp, la("quality-of-practice", "good", "grade.agree"))
    reply = await refused(cp, la("overall", "requires-improvement"), ErrorCode.INVALID, "grade")
    assert "child-protection framework (its scale: outstanding, good, adequate, inadequate)" in reply.message


@pytest.mark.parametrize(
    ("agency", "judgement", "field", "words"),
    [
        ("local-authority", "looked-after", "judgement", "does not grade children looked after and care leavers"),
        ("health", "help-and-protection", "agency", "Health is not graded under the child-protection framework"),
        ("police", "overall", "agency", "judges the local authority alone (CP ¶24, ¶44)"),
        ("lscb", "lscb-effectiveness", "agency", "LSCB is not graded under the child-protection framework"),
    ],
)
async def test_cp24_cells_the_framework_does_not_grade_are_refused(
    cp: WireClient, agency: str, judgement: str, field: str, words: str
) -> None:
    frame = grade_frame(agency=agency, judgement=judgement, grade="good")
    reply = await refused(cp, frame, ErrorCode.INVALID, field)
    assert words in reply.message
    await refused(cp, {**frame, "type": "grade.agree", "id": f"{frame['id']}-a"}, ErrorCode.INVALID, field)


async def test_cp44_areas_for_improvement_are_not_a_grade_cell(cp: WireClient) -> None:
    reply = await refused(cp, la("looked-after"), ErrorCode.INVALID, "judgement")
    assert "areas for improvement are not graded, CP ¶44" in reply.message


async def test_both_frameworks_side_by_side_on_one_server(cp: WireClient, team_room: TeamRoom) -> None:
    """The integrated inspection still grades health, the LSCB and LA looked-after, and has no quality of
    practice judgement; the child-protection one next door the reverse."""
    await accepted(team_room.cqc, grade_frame(grade="requires-improvement"))
    await accepted(team_room.lead, grade_frame(agency="lscb", judgement="lscb-effectiveness"))
    await accepted(team_room.lead, grade_frame(agency="local-authority", judgement="looked-after"))
    reply = await refused(team_room.lead, la("quality-of-practice", "good"), ErrorCode.INVALID, "judgement")
    assert "not graded on the quality of practice" in reply.message
    await accepted(cp, la("quality-of-practice", "adequate"))
    await refused(cp, grade_frame(agency="lscb", judgement="lscb-effectiveness"), ErrorCode.INVALID, "agency")


async def test_cp31_the_final_meeting_secures_the_frameworks_four_judgements(cp: WireClient) -> None:
    await accepted(cp, la("quality-of-practice", "adequate", "grade.agree"))
    opening = meeting_frame("final", "2026-11-25")
    ack = await accepted(cp, opening)
    [opened] = [e for e in await cp.wait_seq(ack.seq) if e.seq == ack.seq]
    titles = [(item["section"], item["title"]) for item in opened.data["agenda"]]
    assert titles == [
        ("grades", "Local authority \u2014 Overall effectiveness: not yet proposed"),
        ("grades", "Local authority \u2014 The effectiveness of the help and protection provided to children, young "
                   "people, and their families and carers: not yet proposed"),
        ("grades", "Local authority \u2014 The quality of practice: not yet proposed, agreed adequate, 1 warning"),
        ("grades", "Local authority \u2014 Leadership and governance: not yet proposed"),
    ]  # no other agency, no LSCB, no narratives
    closed = await accepted(cp, meeting_command("meeting.close", str(opening["id"])))
    [event] = [e for e in await cp.wait_seq(closed.seq) if e.seq == closed.seq]
    assert [(g["agency"], g["judgement"], g["grade"]) for g in event.data["agreed_grades"]] == [
        ("local-authority", "overall", None),
        ("local-authority", "help-and-protection", None),
        ("local-authority", "quality-of-practice", "adequate"),
        ("local-authority", "leadership", None),
    ]


# ---------------------------------------------------------------- the CLI report, as a new user would run it



async def test_cp44_triangulate_report_of_a_child_protection_inspection_is_its_single_report(db_url: str) -> None:
    created = CliRunner().invoke(
        main, ["inspection", "create", "Westmoor", "--framework", "child-protection", "--db", db_url]
    )
    assert created.exit_code == 0, created.output
    assert "(Child-protection framework)" in created.output
    found = re.search(r"Created inspection (\d+)", created.output)
    assert found is not None
    inspection_id = int(found[1])
    engine = database.connect(db_url)
    try:
        _, token = database.add_inspector(
            engine, inspection_id=inspection_id, name="Dee Marsh", inspectorate=Inspectorate.OFSTED, role=Role.LEAD
        )
    finally:
        engine.dispose()
    async with TeamServer(ServerConfig(db_url=db_url, port=0)) as server:
        lead = await WireClient.join(server.url, token)
        strength = await posted(lead, agency="local-authority", judgement_area="quality-of-practice",
                                criterion="CP24c", kind="strength", text="Social workers see children alone.",
                                child_id=None)
        await accepted(lead, grade_command("grade.propose", "local-authority", "quality-of-practice", "adequate",
                                           "Children are seen alone and their wishes recorded.", [strength]))
        await lead.close()

    result = CliRunner().invoke(main, ["report", "--inspection", str(inspection_id), "--db", db_url])
    assert result.exit_code == 0, result.output
    text = result.stdout
    headings = [h for h in re.findall(r"^## (.+)$", text, re.M) if not h.startswith("Appendix")]
    assert headings == HEADINGS
    for absent in ("Agency report", "Health (CQC)", "Police (HMIC)", "Probation (HMI Probation)", "Joint report"):
        assert absent not in text
    assert "| Local authority | The quality of practice | Adequate | proposed, not yet agreed |" in text
    assert f"Social workers see children alone. *(\\[CP ¶24c\\])* [`{strength}`]" in text  # traced to it
