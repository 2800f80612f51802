"""The client's fold of links, enquiries and meetings agrees with what the server enforced and stored."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import Session, select

from server.network.team_server import ServerConfig, TeamServer
from server.storage import database
from server.storage.tables import MeetingRow
from shared.enquiries import AnswerEnquiry, EnquiryStatus, OpenEnquiry
from shared.findings import FindingFields
from shared.meetings import AddAgendaItem, AmendEntry, CloseMeeting, Minutes, MoveAgendaItem, OpenMeeting, RecordEntry
from shared.triangulation import Corroboration, Link, LinkFindings, Relation
from shared.vocabulary import Agency, EvidenceSource, FindingKind, Inspectorate, JudgementArea
from tests.server.conftest import Team, WireClient, accepted, make_team, post_frame
from tui.state import TeamState
from tui.triangulation.book import Evidence, child_journey, triangulation_matrix


def evidence(
    fid: str, inspectorate: Inspectorate, source: EvidenceSource, kind: FindingKind, **more: object
) -> Evidence:
    fields = FindingFields.model_validate(
        {"agency": "local-authority", "kind": kind, "evidence_source": source, "text": f"finding {fid}"} | more
    )
    return Evidence(fid, inspectorate, fields, datetime(2026, 11, 18, 10, int(fid[-1]), tzinfo=UTC))


async def test_meetings_enquiries_and_links_fold_to_what_the_server_stored(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'server.db'}"
    team = make_team(db_url)
    async with TeamServer(ServerConfig(db_url=db_url, port=0)) as server:
        await _run_the_scenario(server, team, db_url)


async def _run_the_scenario(server: TeamServer, team: Team, db_url: str) -> None:
    lead = await WireClient.join(server.url, team.lead.token)
    cqc = await WireClient.join(server.url, team.cqc.token)
    await accepted(cqc, post_frame("f1", agency="health", kind="strength"))
    await accepted(lead, post_frame("f2", kind="weakness", evidence_source="observation"))
    await accepted(lead, LinkFindings(id="l1", finding_id="f1", other_finding_id="f2", relation="contradicts",
                                      note="different accounts"))
    await accepted(lead, OpenEnquiry(id="q1", to_agency="health", question="Invited?", why="Seen in f2",
                                     finding_ids=["f2"], child_ids=["NM-1"], needs_la_input=True))
    await accepted(cqc, AnswerEnquiry(id="q1a", enquiry_id="q1", answer="No", finding_ids=["f1"]))
    await accepted(lead, OpenMeeting(id="m1", kind="kit", day="2026-11-18"))
    await accepted(lead, AddAgendaItem(id="extra", meeting_id="m1", title="Data", position=0))
    await accepted(lead, MoveAgendaItem(id="mv", meeting_id="m1", item_id="m1.1", position=3))
    await accepted(lead, RecordEntry(id="e1", meeting_id="m1", item_id="m1.2", entry="action", text="Send data",
                                     owner="Head of service", due="2026-11-19"))
    await accepted(lead, CloseMeeting(id="c1", meeting_id="m1"))
    amend = AmendEntry(id="a1", meeting_id="m1", entry_id="e1", text="Send the data", owner="Head of service",
                       due="2026-11-20", reason="DCS asked for a day more")
    last = await accepted(lead, amend)
    await cqc.wait_seq(last.seq)

    state = TeamState()
    for event in cqc.events:
        state.apply(event)
    book = state.evidence

    engine = database.connect(db_url)
    with Session(engine) as session:
        stored = Minutes.model_validate_json(session.exec(select(MeetingRow.minutes)).one())
    engine.dispose()
    assert book.meetings["m1"] == stored
    assert not stored.is_open and stored.entries[0].current.due.isoformat() == "2026-11-20"

    assert book.links["l1"].relation is Relation.CONTRADICTS
    q1 = book.enquiries["q1"]
    assert q1.status is EnquiryStatus.ANSWERED and q1.answer_finding_ids == ["f1"]
    assert [e.id for e in book.inbox(team.cqc.inspector)] == ["q1"]
    assert book.inbox(team.hmic.inspector) == []
    assert [e.id for e in book.asked_by(team.lead.inspector)] == ["q1"]


def test_the_matrix_counts_strengths_weaknesses_and_support_per_cell() -> None:
    hp = JudgementArea.HELP_AND_PROTECTION
    findings = [
        evidence("f1", Inspectorate.OFSTED, EvidenceSource.CASE_FILE, FindingKind.WEAKNESS, judgement_area=hp),
        evidence("f2", Inspectorate.CQC, EvidenceSource.CASE_FILE, FindingKind.WEAKNESS, judgement_area=hp),
        evidence("f3", Inspectorate.OFSTED, EvidenceSource.CASE_FILE, FindingKind.STRENGTH, judgement_area=hp),
        evidence("f4", Inspectorate.OFSTED, EvidenceSource.CASE_FILE, FindingKind.NOTE),
    ]
    links = [Link("l1", "f1", "f2", Relation.CORROBORATES), Link("l2", "f3", "f1", Relation.RELATES_TO)]
    cells = triangulation_matrix(findings, links)
    cell = cells[(Agency.LOCAL_AUTHORITY, hp)]
    assert (cell.findings, cell.strengths, cell.weaknesses) == (3, 1, 2)
    assert cell.status == {Corroboration.CORROBORATED: 2, Corroboration.SINGLE_SOURCE: 1}
    assert not cell.thin and not cell.in_conflict
    assert cells[(Agency.LOCAL_AUTHORITY, None)].thin


def test_a_childs_journey_is_in_time_order_with_contradictions_marked() -> None:
    findings = [
        evidence("f2", Inspectorate.CQC, EvidenceSource.CASE_FILE, FindingKind.WEAKNESS, child_id="NM-7"),
        evidence("f1", Inspectorate.OFSTED, EvidenceSource.OBSERVATION, FindingKind.STRENGTH, child_id="nm-7"),
        evidence("f3", Inspectorate.OFSTED, EvidenceSource.OBSERVATION, FindingKind.STRENGTH, child_id="NM-8"),
    ]
    steps = child_journey(
        "NM-7", findings, {"f1": "Asha", "f2": "Ben"}, [Link("l", "f1", "f2", Relation.CONTRADICTS)], []
    )
    assert [(s.ref, s.who, s.contested) for s in steps] == [("f1", "Asha", True), ("f2", "Ben", True)]
