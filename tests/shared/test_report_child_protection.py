"""The child-protection framework's single report (CP ¶44), its judgements (CP ¶24) and scale (CP ¶25).

A child-protection inspection is Ofsted's inspection of the local authority: its report is one document under the
framework's headings, in the framework's order, with no agency reports, no LSCB report and no narratives. The
headings and judgements are read from the seed (../shared/seeds) where it is on this machine.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from shared.catalogue import EVENTS
from shared.criteria import GRADE_SCALES, Grade, fitting
from shared.grade_board import GradeBoard
from shared.grades import CHILD_PROTECTION_LABELS, OVERALL, board_cells, judgement_refusal, judgements_for
from shared.protocol import Inspection
from shared.report import (
    AREAS_FOR_IMPROVEMENT,
    CONCERNS_BLOCK,
    GRADES_BLOCK,
    OTHER_FINDINGS_BLOCK,
    SERVICE_BLOCK,
    Report,
    ReportFinding,
    ReportInput,
    build_report,
)
from shared.report_markdown import render_markdown
from shared.triangulation import Link, Relation
from shared.vocabulary import (
    Agency,
    EvidenceSource,
    FindingKind,
    Framework,
    Inspectorate,
    JudgementArea,
    judgement_areas_for,
)
from tests.seeds import needs_seeds, source

START = datetime(2026, 11, 17, 9, 0, tzinfo=UTC)
CP = Framework.CHILD_PROTECTION
LA = Agency.LOCAL_AUTHORITY
HP, QOP, LEAD = JudgementArea.HELP_AND_PROTECTION, JudgementArea.QUALITY_OF_PRACTICE, JudgementArea.LEADERSHIP
K = FindingKind
HEADINGS = [
    "Overall effectiveness",
    "Areas for improvement",
    "About this inspection",
    "Service information",
    "The effectiveness of the help and protection provided to children, young people, and their families and carers",
    "The quality of practice",
    "Leadership and governance",
]


def finding(n: int, kind: FindingKind, text: str, area: JudgementArea | None = None, **kw: Any) -> ReportFinding:
    source = kw.pop("source", EvidenceSource.CASE_FILE)
    return ReportFinding(f"f{n}", kw.pop("agency", LA), area, kw.pop("criterion", None), kind, source, text,
                         kw.pop("child_id", None), Inspectorate.OFSTED, START + timedelta(minutes=n))


FINDINGS = [
    finding(1, K.WEAKNESS, "Strategy discussions go ahead without health.", HP, child_id="NM-10234"),
    finding(2, K.WEAKNESS, "Seen in the strategy meeting: no health representative.", HP,
            source=EvidenceSource.OBSERVATION),
    finding(3, K.STRENGTH, "Social workers see children alone.", QOP, criterion="CP24c"),
    finding(4, K.AREA_FOR_IMPROVEMENT, "Supervision is not recorded on case files.", LEAD),
    finding(5, K.NOTE, "1,204 children in need; 312 on child protection plans.",
            source=EvidenceSource.DOCUMENT_OR_DATA),
    finding(6, K.NOTE, "Ask about the MASH rota.", source=EvidenceSource.STAFF_DISCUSSION),
    finding(7, K.GOOD_PRACTICE, "The early help hub answers schools the same day."),
]
LINKS = [Link("l1", "f1", "f2", Relation.CORROBORATES)]


def grade_event(board: GradeBoard, kind: str, judgement: str, **data: Any) -> None:
    payload = EVENTS[kind].model_validate({"agency": LA.value, "judgement": judgement, **data})
    board.fold(payload, START + timedelta(days=5), 1)  # type: ignore[arg-type]


def make_input(board: GradeBoard | None = None) -> ReportInput:
    if board is None:
        board = GradeBoard()
        grade_event(board, "grade.agreed", "overall", grade="adequate", rationale="Meets minimum requirements.",
                    finding_ids=["f1", "f3"])
        grade_event(board, "grade.proposed", "quality-of-practice", grade="good", rationale="Children are seen.",
                    finding_ids=["f3"])
    inspection = Inspection(id=2, name="Westmoor", framework=CP, start_date=date(2026, 11, 16),
                            end_date=date(2026, 11, 25))
    return ReportInput(inspection, FINDINGS, LINKS, board, datetime(2026, 11, 30, 10, 0, tzinfo=UTC))


@pytest.fixture(scope="module")
def report() -> Report:
    return build_report(make_input())


def test_cp44_the_single_report_follows_the_frameworks_headings_in_order(report: Report) -> None:
    assert [s.title for s in report.sections] == HEADINGS
    assert not any(s.title.startswith(("Agency report", "Joint report", "Summary")) for s in report.sections)
    markdown = render_markdown(report)
    positions = [markdown.index(f"## {title}") for title in HEADINGS]
    assert positions == sorted(positions)
    for absent in ("Health (CQC)", "Police (HMIC)", "Probation", "Local Safeguarding Children Board"):
        assert absent not in markdown


@needs_seeds
def test_cp44_headings_and_which_are_graded_are_the_seeds() -> None:
    """CP ¶44's 'Report contents' table: each heading, then 'Grade', 'No grade' or what the section holds."""
    text = source(CP).read_text(encoding="utf-8")
    table = text[text.index("# **Report contents**") : text.index("45. The draft report")]
    rows = [line.split("\t") for line in table.splitlines() if "\t" in line]
    assert [heading for heading, _ in rows] == HEADINGS
    graded = [heading for heading, what in rows if what == "Grade"]
    board = [CHILD_PROTECTION_LABELS[str(j)] for j in judgements_for(LA, CP)]
    assert board == graded
    assert dict(rows)["Areas for improvement"] == "No grade"


@needs_seeds
def test_cp24_the_judgements_are_the_evaluation_schedules_and_cp25_its_scale() -> None:
    paragraph = source(CP).read_text(encoding="utf-8")
    schedule = paragraph[paragraph.index("- 24. ") : paragraph.index("#### **Grading inspection findings**")]
    items = [line.strip().removeprefix("- ").rstrip(".") for line in schedule.splitlines()[1:] if line.strip()]
    assert items[0] == "overall effectiveness, including areas for development"
    assert [label.lower() for label in CHILD_PROTECTION_LABELS.values()][1:] == [i.lower() for i in items[1:]]
    scale = re.findall(r"^(Outstanding|Good|Adequate|Inadequate)\t", paragraph, re.M)
    assert [g.label for g in GRADE_SCALES[CP]] == scale


def test_cp24_only_the_local_authority_is_graded_on_four_judgements() -> None:
    assert board_cells(CP) == [(LA, OVERALL), (LA, HP), (LA, QOP), (LA, LEAD)]
    assert all(judgements_for(agency, CP) == () for agency in Agency if agency is not LA)


def test_cp24_grade_cells_outside_the_framework_are_refused_naming_why() -> None:
    assert judgement_refusal(LA, QOP, CP) is None and judgement_refusal(LA, OVERALL, CP) is None
    field, why = judgement_refusal(Agency.HEALTH, HP, CP) or ("", "")
    assert field == "agency" and "local authority alone (CP ¶24, ¶44)" in why
    assert (judgement_refusal(Agency.LSCB, JudgementArea.LSCB_EFFECTIVENESS, CP) or ("",))[0] == "agency"
    assert (judgement_refusal(Agency.PROBATION, OVERALL, CP) or ("",))[0] == "agency"
    field, why = judgement_refusal(LA, JudgementArea.LOOKED_AFTER, CP) or ("", "")
    assert field == "judgement" and "children looked after" in why and "not graded, CP ¶44" in why
    # the integrated framework has no quality-of-practice judgement
    assert (judgement_refusal(LA, QOP, Framework.INTEGRATED) or ("",))[0] == "judgement"
    # decoded before the inspection is known: a cell of either framework passes, a cell of neither does not
    assert judgement_refusal(LA, QOP) is None and judgement_refusal(Agency.HEALTH, HP) is None
    assert judgement_refusal(Agency.HEALTH, QOP) is not None


def test_cp24_the_finding_areas_and_the_criteria_attached_to_them() -> None:
    assert judgement_areas_for(LA, CP) == (HP, QOP, LEAD)
    assert judgement_areas_for(Agency.HEALTH, CP) == ()
    assert judgement_areas_for(LA, Framework.INTEGRATED) == (HP, JudgementArea.LOOKED_AFTER, LEAD)
    assert [c.id for c in fitting(LA, QOP, CP)] == ["CP24c", "CP24a"]  # its own first, then overall's
    assert [c.id for c in fitting(LA, HP, CP) if c.judgement_area is HP] == [
        "CP20a", "CP20b", "CP20c", "CP20d", "CP20e", "CP20g", "CP20h", "CP24b"
    ]
    assert [c.id for c in fitting(LA, LEAD, CP) if c.judgement_area is LEAD] == ["CP20f", "CP24d"]


def test_each_graded_section_shows_its_grade_and_the_findings_filed_under_it(report: Report) -> None:
    overall = report.section("overall-effectiveness")
    (line,) = overall.grades
    assert (line.judgement, line.grade, line.status_label) == (OVERALL, Grade.ADEQUATE, "agreed")
    (stated,) = overall.block(GRADES_BLOCK).statements
    assert stated.finding_ids == ("f1", "f3") and stated.lead == "Overall effectiveness: Adequate (agreed)"
    assert [s.finding_ids for s in overall.block(CONCERNS_BLOCK).statements] == [("f1", "f2")]
    assert [s.text for s in overall.block(OTHER_FINDINGS_BLOCK).statements] == [FINDINGS[6].text]

    quality = report.section("judgement-quality-of-practice")
    assert [(g.grade, g.status) for g in quality.grades] == [(Grade.GOOD, "proposed")]
    assert [s.finding_ids for s in quality.block("Strengths").statements] == [("f3",)]
    assert "[CP ¶24c]" in quality.block("Strengths").statements[0].detail
    help_ = report.section("judgement-help-and-protection")
    assert [g.status for g in help_.grades] == ["not-graded"]
    assert [s.text for s in help_.block("Weaknesses").statements] == [FINDINGS[0].text, FINDINGS[1].text]


def test_cp44_areas_for_improvement_are_listed_not_graded(report: Report) -> None:
    section = report.section("areas-for-improvement")
    assert section.grades == () and "Not graded (CP ¶44)." in section.paragraphs
    (item,) = section.block(AREAS_FOR_IMPROVEMENT).statements
    assert (item.text, item.finding_ids, item.lead) == (FINDINGS[3].text, ("f4",), "Leadership and governance")


def test_about_this_inspection_and_service_information(report: Report) -> None:
    about = report.section("about-this-inspection")
    assert "protection of children (January 2012)" in about.paragraphs[0]
    assert "fieldwork 16 November 2026 to 25 November 2026" in about.paragraphs[0]
    assert "CP ¶44" in about.paragraphs[1]
    service = report.section("service-information")
    assert [s.finding_ids for s in service.block(SERVICE_BLOCK).statements] == [("f5",)]  # not the working note


def test_every_statement_is_traced_and_in_the_appendix(report: Report) -> None:
    appendix = {entry.finding_id for entry in report.evidence}
    for statement in report.statements():
        assert statement.finding_ids and set(statement.finding_ids) <= appendix
    assert "f6" not in appendix  # a working note is not reported


def test_the_report_is_a_draft_until_the_four_cp_grades_are_signed_off() -> None:
    assert build_report(make_input()).draft
    board = GradeBoard()
    for _, judgement in board_cells(CP):
        grade_event(board, "grade.agreed", str(judgement), grade="good", rationale="Agreed.", finding_ids=[])
        grade_event(board, "grade.signed-off", str(judgement), grade="good")
    final = build_report(make_input(board))
    assert not final.draft  # no health, police or LSCB cell is waited for
    assert any("outstanding, good, adequate, inadequate (CP ¶25)" in p for p in final.method)
