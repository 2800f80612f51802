"""TeamState with evidence: each finding's corroboration status, what a link repaints, our evidence commands'
fate, read marks, the new filter words, and what the triangulation view and a child's journey are made of."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from shared.enquiries import EnquiryStatus, OpenEnquiry, StartEnquiry, mentioned
from shared.protocol import Event
from shared.triangulation import Corroboration, LinkFindings
from shared.vocabulary import Agency, JudgementArea
from tui.board.filter_query import parse_query
from tui.refs import ref
from tui.state import FindingFilter, TeamState, filter_findings
from tui.store import LocalStore
from tui.triangulation.actions import texts_of
from tui.triangulation.enquiry_actions import available_steps
from tui.triangulation.views import cited_criteria, criterion_for_code, journey, matrix

from .alerts_data import event
from .app_data import ASHA, BEN, CARA, T0, TEAM, seed_events, welcome
from .evidence_data import CHILD, ENQUIRY_TO_HMIC, ENQUIRY_TO_LA, evidence_log, posted

CORROBORATED, CONTESTED, SINGLE = (Corroboration.CORROBORATED, Corroboration.CONTESTED,
                                   Corroboration.SINGLE_SOURCE)


def seeded(me=ASHA, extra: bool = True) -> TeamState:
    return TeamState.build(welcome(me), seed_events() + (evidence_log() if extra else []))


def support(state: TeamState) -> dict[str, Corroboration]:
    return {fid: view.support for fid, view in state.findings.items()}


def test_links_give_each_finding_its_status_by_the_shared_rule() -> None:
    status = support(seeded())
    assert status["f002"] is CORROBORATED and status["f009"] is CORROBORATED  # CQC and Ofsted
    assert status["f001"] is CONTESTED and status["f003"] is CONTESTED
    assert status["f007"] is SINGLE and status["f008"] is SINGLE  # relates-to changes nothing
    assert status["f005"] is SINGLE


def test_a_link_repaints_both_ends_and_an_unlink_puts_them_back() -> None:
    state = seeded(extra=False)
    state.take_side_changes()
    at = T0 + timedelta(days=3)
    link = event(20, "finding.linked", BEN, at, link_id="l1", finding_id="f002", other_finding_id="f007",
                 relation="contradicts", note="")
    assert state.apply(link) is None
    assert {v.id: v.support for v in state.take_side_changes()} == {"f002": CONTESTED, "f007": CONTESTED}
    state.apply(event(21, "finding.unlinked", BEN, at, link_id="l1"))
    assert {v.id: v.support for v in state.take_side_changes()} == {"f002": SINGLE, "f007": SINGLE}
    assert state.evidence.links_of("f002") == []


def test_amending_the_evidence_source_can_make_a_link_stop_counting() -> None:
    """f002 (CQC, document) corroborated by f010 (CQC, case file): independent until f010 becomes a document."""
    state = seeded(extra=False)
    at = T0 + timedelta(days=3)
    fields = dict(agency="health", kind="weakness", judgement_area="looked-after", evidence_source="case-file",
                  criterion=None, child_id=None, text="Health assessment late in a second file.")
    state.apply(posted(20, BEN, at, "f010", **fields))
    state.apply(event(21, "finding.linked", BEN, at, link_id="l1", finding_id="f010", other_finding_id="f002",
                      relation="corroborates", note=""))
    assert state.findings["f002"].support is CORROBORATED
    state.take_side_changes()
    amended = Event(seq=22, kind="finding.amended", actor=BEN, at=at,
                    data={"finding_id": "f010", "version": 2, **fields, "evidence_source": "document-or-data"})
    changed = state.apply(amended)
    assert changed is not None and changed.support is SINGLE
    assert [(v.id, v.support) for v in state.take_side_changes()] == [("f002", SINGLE)]


def test_our_evidence_command_stays_ours_until_its_event_arrives() -> None:
    state = seeded(extra=False)
    command = OpenEnquiry(id="q1", to_inspectorate="cqc", question="Invited?", why="Because.")
    assert state.add_pending(command) is None
    assert "q1" in state.evidence.pending
    state.acked("q1", seq=state.head + 1)  # acked, event not here yet: still shown as ours
    assert "q1" in state.evidence.pending
    state.apply(event(state.head + 1, "enquiry.opened", ASHA, T0, enquiry_id="q1", status="open",
                      to_inspectorate="cqc", question="Invited?", why="Because."))
    assert "q1" not in state.evidence.pending and "q1" in state.evidence.enquiries
    start = StartEnquiry(id="s1", enquiry_id="q1")
    state.add_pending(start)
    state.rejected("s1", "this enquiry is not addressed to you")
    assert state.evidence.pending == {}


def test_enquiries_we_acted_on_are_read_and_the_inbox_counts_the_rest() -> None:
    ben = seeded(me=BEN)
    assert ben.evidence.unread_inbox(BEN) == 0  # the one to CQC? none: Ben asked the LA one himself
    asha = seeded(me=ASHA)
    assert [e.id for e in asha.evidence.inbox(ASHA)] == [ENQUIRY_TO_LA]  # to the LA means Ofsted
    assert asha.evidence.unread_inbox(ASHA) == 1
    assert ENQUIRY_TO_HMIC in asha.evidence.read_enquiries  # she asked it
    cara = seeded(me=CARA)
    assert cara.evidence.unread_inbox(CARA) == 1


def test_the_steps_offered_follow_the_shared_rules() -> None:
    state = seeded(me=CARA)
    to_hmic = state.evidence.enquiries[ENQUIRY_TO_HMIC]
    assert available_steps(to_hmic, CARA) == {"start", "answer"}
    assert available_steps(to_hmic, BEN) == frozenset()  # not addressed to CQC
    assert available_steps(to_hmic, ASHA) == {"not_pursued"}  # the asker; not answered yet
    to_hmic.status = EnquiryStatus.ANSWERED
    assert available_steps(to_hmic, ASHA) == {"close_answered", "not_pursued"}
    assert available_steps(to_hmic, CARA) == frozenset()
    pending = [StartEnquiry(id="s", enquiry_id=ENQUIRY_TO_HMIC)]
    assert available_steps(state.evidence.enquiries[ENQUIRY_TO_LA], ASHA, pending) == frozenset()


def test_filter_words_for_area_and_corroboration() -> None:
    state = seeded()
    parsed = parse_query("area:looked tri:corr", TEAM)
    assert parsed.filter == FindingFilter(judgement_area=JudgementArea.LOOKED_AFTER, support=CORROBORATED)
    assert parsed.chips == ["area: Children looked after and care leavers", "tri: corroborated"]
    assert [v.id for v in filter_findings(state.findings, parsed.filter)] == ["f009", "f002"]
    assert [v.id for v in filter_findings(state.findings, parse_query("contested", TEAM).filter)] == ["f003", "f001"]
    none = parse_query("agency:yot area:none", TEAM).filter
    assert [v.id for v in filter_findings(state.findings, none)] == ["f004"]
    assert parse_query("area:nothing", TEAM).problems == ["no judgement_area matches 'nothing'"]


def test_short_references_are_the_first_six_characters_of_long_ids() -> None:
    assert ref("c0ffee" * 5) == "#c0ffee" and ref("f002") == "#f002"


def test_the_matrix_counts_what_the_server_holds() -> None:
    cells = matrix(seeded())
    health_lac = cells[(Agency.HEALTH, JudgementArea.LOOKED_AFTER)]
    assert (health_lac.findings, health_lac.weaknesses, health_lac.thin) == (1, 1, False)
    la_hp = cells[(Agency.LOCAL_AUTHORITY, JudgementArea.HELP_AND_PROTECTION)]
    assert la_hp.in_conflict and la_hp.strengths == 1
    assert cells[(Agency.POLICE, None)].in_conflict  # f003 has no judgement area
    assert cells[(Agency.LOCAL_AUTHORITY, JudgementArea.LEADERSHIP)].thin


def test_criteria_codes_are_read_against_the_catalogue() -> None:
    assert criterion_for_code("69b").id == "I69b"
    assert criterion_for_code("CP20a").id == "CP20a"
    assert criterion_for_code("nonsense") is None
    state = seeded()
    cited = cited_criteria(v for v in state.findings.values() if v.fields.agency is Agency.HEALTH)
    assert [(c.code, c.findings, c.criterion is not None) for c in cited] == [("69b", 1, True)]


def test_a_childs_journey_has_findings_enquiries_and_alerts_in_time_order() -> None:
    steps = journey(seeded(), "nm-0412")
    assert [(s.what, s.ref, s.contested) for s in steps] == [
        ("finding", "f001", True),
        ("finding", "f003", True),
        ("enquiry", ENQUIRY_TO_HMIC, False),
        ("alert", "harm-0412", False),
    ]
    assert steps[-1].summary.startswith("Significant harm (acknowledged): ")
    assert journey(seeded(), "NM-9999") == []


def test_an_unreadable_evidence_event_is_skipped() -> None:
    state = seeded()
    odd = Event(seq=state.head + 1, kind="finding.linked", actor=ASHA, at=T0, data={"link_id": "x"})
    assert state.apply(odd) is None and "x" not in state.evidence.links
    assert state.head == odd.seq


def test_link_commands_are_tracked_as_evidence() -> None:
    state = seeded()
    state.add_pending(LinkFindings(id="l9", finding_id="f004", other_finding_id="f005", relation="relates-to"))
    assert "l9" in state.evidence.pending and state.pending_ids == set()
    assert CHILD == "NM-0412"


def test_mentions_are_found_in_the_text_of_any_event() -> None:
    update = Event(seq=1, kind="alert.updated", actor=BEN, at=T0, data={"alert_id": "a", "text": "@Cara see this"})
    answer = Event(seq=2, kind="enquiry.answered", actor=BEN, at=T0,
                   data={"enquiry_id": "q", "answer": "Asked @asha patel already", "status": "answered"})
    quiet = Event(seq=3, kind="finding.posted", actor=BEN, at=T0, data={"text": "no one named"})
    assert [mentioned(t, TEAM) for t in texts_of(update)] == [{CARA.id}]
    assert [mentioned(t, TEAM) for t in texts_of(answer)] == [{ASHA.id}]
    assert texts_of(quiet) == []


def test_read_marks_survive_a_restart(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "cache.sqlite3")
    assert store.read_marks() == set()
    store.save_read_marks({"q2", "q1"})
    store.close()
    assert LocalStore(tmp_path / "cache.sqlite3").read_marks() == {"q1", "q2"}


def test_an_entry_the_server_accepted_with_a_personal_data_warning_is_still_shown() -> None:
    """Under the warn policy the event carries the server's masked record; the minutes must still have the entry."""
    from .meetings_data import TODAY_KIT, meeting_log

    log = meeting_log()
    flagged = log[5]
    assert flagged.kind == "meeting.recorded"
    record = [{"field": "text", "kind": "phone", "masked": "07*** ******", "reason": "looks like a phone number"}]
    log[5] = flagged.model_copy(update={"data": {**flagged.data, "personal_data": record}})
    state = TeamState.build(welcome(), log)
    entries = [entry.id for entry in state.evidence.meetings[TODAY_KIT].entries]
    assert "t-note" in entries
    assert state.flagged == {flagged.seq: record}
