"""Grades under the child-protection framework, beside an integrated inspection on the same server (CP ¶24, ¶25, ¶44).

A child-protection inspection grades the local authority alone, on CP ¶24's four judgements and CP ¶25's scale:
the server refuses any other cell (another agency, the LSCB, children looked after) and any grade off that scale,
whatever the client offered, while the integrated inspection next door keeps its own board.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest
from click.testing import CliRunner

from server.network.team_server import ServerConfig, TeamServer
from server.storage import database
from shared.cli import main
from shared.grades import CHILD_PROTECTION_LABELS
from shared.protocol import ErrorCode
from shared.vocabulary import Framework, Inspectorate, Role
from tests.seeds import needs_seeds, paragraph_body
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
from tests.server.test_grades import cell_frame, grade_frame
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


# ---------------------------------------------------------------- the QA manager's messages in the framework's words

CP = Framework.CHILD_PROTECTION
OTHER_FRAMEWORK = ("local authority:", "agency report", "LSCB", "inspectorate", "CQC", "HMIC", "Probation", "Prisons")
"""What a child-protection inspection's messages never talk about: it is Ofsted's inspection of the local
authority alone, with no agency reports, no LSCB judgement and no other inspectorates (CP ¶24, ¶44)."""


async def _lead_and_qa(db_url: str, server: TeamServer, framework: Framework) -> tuple[WireClient, WireClient]:
    """A new inspection of ``framework`` on the running server: its lead and its QA manager, connected."""
    engine = database.connect(db_url)
    try:
        inspection = database.create_inspection(
            engine, name=f"Eastmoor ({framework.value})", framework=framework, start_date=date(2026, 11, 16),
            timezone="Europe/London",
        )
        tokens = [
            database.add_inspector(engine, inspection_id=inspection.id, name=name, inspectorate=Inspectorate.OFSTED,
                                   role=role)[1]
            for name, role in (("Dee Marsh", Role.LEAD), ("Dev Rahman", Role.QA_MANAGER))
        ]
    finally:
        engine.dispose()
    lead, qa = [await WireClient.join(server.url, token) for token in tokens]
    return lead, qa


async def _challenge_and_sign_off_messages(lead: WireClient, qa: WireClient, agency: str, judgement: str,
                                           grade: str) -> list[str]:
    """Every refusal the QA manager and the lead meet on one cell, from ungraded to signed off."""
    def cell(kind: str, **extra: Any) -> dict[str, Any]:
        return cell_frame(kind, agency=agency, judgement=judgement, **extra)

    messages = [
        (await refused(qa, cell("grade.challenge"), ErrorCode.NOT_FOUND, "judgement")).message,
        (await refused(lead, cell("grade.respond"), ErrorCode.OUT_OF_ORDER, "judgement")).message,
        (await refused(qa, cell("grade.sign-off"), ErrorCode.OUT_OF_ORDER, "judgement")).message,
    ]
    await accepted(lead, grade_frame("grade.agree", agency=agency, judgement=judgement, grade=grade))
    await accepted(qa, cell("grade.challenge", comment="Which cases show it?"))
    messages.append((await refused(qa, cell("grade.sign-off"), ErrorCode.OUT_OF_ORDER, "judgement")).message)
    await accepted(lead, cell("grade.respond"))
    await accepted(qa, cell("grade.sign-off"))
    messages.append((await refused(qa, cell("grade.sign-off"), ErrorCode.CONFLICT)).message)
    return messages


def _said_of(name: str, messages: list[str]) -> None:
    assert messages[0] == f"no grade proposed or agreed yet for {name}"
    assert messages[1] == f"no challenge awaits a response on {name}"
    assert messages[2] == f"no agreed grade yet for {name}: the lead records it at the final meeting first"
    assert messages[3].startswith(f"the QA manager's challenge of the grade for {name} (\u201cWhich cases show it?")
    assert messages[4] == f"the agreed grade for {name} is already signed off"


@needs_seeds
async def test_cp24_challenge_and_sign_off_messages_name_the_judgement_as_cp24_does(
    db_url: str, server: TeamServer
) -> None:
    lead, qa = await _lead_and_qa(db_url, server, CP)
    try:
        for judgement in ("leadership", "help-and-protection"):
            name = CHILD_PROTECTION_LABELS[judgement].lower()
            assert name in paragraph_body(CP, 24), "the judgement as the seed's schedule names it"
            messages = await _challenge_and_sign_off_messages(lead, qa, "local-authority", judgement, "adequate")
            _said_of(name, messages)
            assert not [word for word in OTHER_FRAMEWORK for message in messages if word in message]
    finally:
        await lead.close()
        await qa.close()


async def test_integrated_challenge_and_sign_off_messages_name_the_agency_and_its_judgement(
    db_url: str, server: TeamServer
) -> None:
    lead, qa = await _lead_and_qa(db_url, server, Framework.INTEGRATED)
    try:
        messages = await _challenge_and_sign_off_messages(lead, qa, "health", "help-and-protection", "good")
        _said_of("health: children who need help and protection", messages)
    finally:
        await lead.close()
        await qa.close()


@needs_seeds
async def test_cp24_a_refused_judgement_lists_the_frameworks_judgements_in_cp24s_words(cp: WireClient) -> None:
    reply = await refused(cp, la("looked-after"), ErrorCode.INVALID, "judgement")
    listed = reply.message.partition("(its judgements, CP ¶24: ")[2].partition("; areas for improvement")[0]
    schedule = paragraph_body(CP, 24)
    assert listed.split("; ") == [label.lower() for label in CHILD_PROTECTION_LABELS.values()]
    assert all(judgement in schedule for judgement in listed.split("; "))
    assert not [word for word in OTHER_FRAMEWORK if word in reply.message]


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
