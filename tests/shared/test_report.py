"""Unit tests for the published report (shared.report and its renderers) on hand-built input.

The input is what both the server and the app can build: findings with their author's inspectorate, live links,
the grade board folded from ``grade.*`` events. The tests check the document's structure (summary, one report
per agency, the LSCB report, appendices), grades with their status, that every statement cites the findings it
rests on and every cited id is in the evidence appendix, that withdrawn findings leave no trace anywhere, and
that both renderers escape inspectors' text and print the reporting clock.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from shared.catalogue import EVENTS
from shared.criteria import Grade
from shared.grade_board import GradeBoard
from shared.grades import board_cells
from shared.protocol import Inspection
from shared.report import (
    AGREES_BLOCK,
    CASES_BLOCK,
    CONFLICTS_BLOCK,
    GRADES_BLOCK,
    KEY_CONCERNS_BLOCK,
    KEY_POSITIVES_BLOCK,
    Report,
    ReportFinding,
    ReportInput,
    build_report,
)
from shared.report_html import render_html
from shared.report_markdown import render_markdown
from shared.reporting_clock import reporting_clock, short_day
from shared.triangulation import Corroboration, Link, Relation
from shared.vocabulary import Agency, EvidenceSource, FindingKind, Framework, Inspectorate, JudgementArea
from tests.seeds import needs_seeds, sentence

START = datetime(2026, 11, 17, 9, 0, tzinfo=UTC)
WITHDRAWN_TEXT = "Managers audit every case each month (later found to be untrue)."
SCRIPT_TEXT = 'Parents said <script>alert("x")</script> & "thanks" for the health visitor\'s help.'

_posted = iter(range(1000))


def finding(
    finding_id: str,
    agency: Agency,
    kind: FindingKind,
    inspectorate: Inspectorate,
    text: str,
    *,
    area: JudgementArea | None = None,
    criterion: str | None = None,
    source: EvidenceSource = EvidenceSource.CASE_FILE,
    child_id: str | None = None,
    withdrawn: bool = False,
) -> ReportFinding:
    """A finding posted a minute after the previous one, so the order they were recorded in is the order here."""
    at = START + timedelta(minutes=next(_posted))
    return ReportFinding(
        finding_id, agency, area, criterion, kind, source, text, child_id, inspectorate, at, withdrawn
    )


HP = JudgementArea.HELP_AND_PROTECTION
LA, HEALTH, POLICE, YOT, LSCB = Agency.LOCAL_AUTHORITY, Agency.HEALTH, Agency.POLICE, Agency.YOT, Agency.LSCB
OFSTED, CQC, HMIC, PROBATION = Inspectorate.OFSTED, Inspectorate.CQC, Inspectorate.HMIC, Inspectorate.HMI_PROBATION
K = FindingKind

FINDINGS = [
    finding("la-weak", LA, K.WEAKNESS, OFSTED, "Strategy discussions go ahead without health.", area=HP,
            child_id="NM-10234"),
    finding("h-weak", HEALTH, K.WEAKNESS, CQC, "No record of the health visitor being invited.", area=HP,
            criterion="I68c", child_id="NM-10234"),
    finding("la-strong", LA, K.STRENGTH, OFSTED, "Managers know their cases well.", area=JudgementArea.LEADERSHIP),
    finding("p-strong", POLICE, K.STRENGTH, HMIC, "Officers attend every strategy discussion.", area=HP,
            criterion="I80a", child_id="NM-10234"),
    finding("p-afi", POLICE, K.AREA_FOR_IMPROVEMENT, HMIC, "Referrals reach the MASH a day late.",
            criterion="1.2"),
    finding("h-obs", HEALTH, K.STRENGTH, CQC, "Referrals from A&E arrive the same day.",
            source=EvidenceSource.OBSERVATION),
    finding("gone", LA, K.STRENGTH, OFSTED, WITHDRAWN_TEXT, withdrawn=True),
    finding("yot-good", YOT, K.GOOD_PRACTICE, PROBATION, "Case managers visit children in custody weekly."),
    finding("lscb-afi", LSCB, K.AREA_FOR_IMPROVEMENT, CQC, "The board's audits do not reach health.",
            area=JudgementArea.LSCB_EFFECTIVENESS, criterion="I115c"),
    finding("note-1", HEALTH, K.NOTE, CQC, "Ask the designated nurse about the GP audit."),
    finding("h-script", HEALTH, K.STRENGTH, CQC, SCRIPT_TEXT, child_id="NM-10777"),
]

LINKS = [
    Link("l1", "la-weak", "h-weak", Relation.CORROBORATES),
    Link("l2", "p-afi", "h-obs", Relation.CONTRADICTS),
    Link("l3", "p-strong", "gone", Relation.CORROBORATES),  # withdrawn: must not corroborate anything
    Link("l4", "la-strong", "p-strong", Relation.RELATES_TO),
]


def grade_event(board: GradeBoard, kind: str, agency: str, judgement: str, **data: Any) -> None:
    payload = EVENTS[kind].model_validate({"agency": agency, "judgement": judgement, **data})
    board.fold(payload, START + timedelta(days=5), 1)  # type: ignore[arg-type]


def make_board() -> GradeBoard:
    board = GradeBoard()
    cited = {"rationale": "Leaders know their services.", "finding_ids": ["la-strong", "gone"]}
    grade_event(board, "grade.proposed", "local-authority", "overall", grade="good", **cited)
    grade_event(board, "grade.agreed", "local-authority", "overall", grade="good", **cited)
    grade_event(board, "grade.signed-off", "local-authority", "overall", grade="good")
    grade_event(board, "grade.proposed", "health", "help-and-protection", grade="requires-improvement",
                rationale="Health is not invited to strategy discussions.", finding_ids=["h-weak"])
    grade_event(board, "grade.proposed", "police", "leadership", grade="good", rationale="First view.",
                finding_ids=[])
    grade_event(board, "grade.agreed", "police", "leadership", grade="requires-improvement",
                rationale="Referrals are late and leaders have not noticed.", finding_ids=["p-afi"])
    grade_event(board, "grade.challenged", "police", "leadership", comment="Is one finding enough?")
    grade_event(board, "grade.proposed", "lscb", "lscb-effectiveness", grade="requires-improvement",
                rationale="Audits leave health out.", finding_ids=["lscb-afi"])
    return board


def make_input(end_date: date | None = date(2026, 11, 27)) -> ReportInput:
    inspection = Inspection(
        id=1, name="Northmoor", framework="integrated", start_date=date(2026, 11, 16), end_date=end_date
    )
    return ReportInput(inspection, FINDINGS, LINKS, make_board(), datetime(2026, 11, 30, 10, 0, tzinfo=UTC))


@pytest.fixture(scope="module")
def report() -> Report:
    return build_report(make_input())


def texts(report: Report, anchor: str, block: str) -> list[str]:
    return [s.text for s in report.section(anchor).block(block).statements]


# ---------------------------------------------------------------- structure and grades


def test_one_document_summary_then_each_agency_then_the_lscb(report: Report) -> None:
    assert [s.anchor for s in report.sections] == [
        "summary",
        "agency-local-authority",
        "agency-health",
        "agency-police",
        "agency-probation",
        "agency-yot",
        "agency-custody",
        "lscb",
    ]
    assert report.section("agency-health").title == "Agency report: Health (CQC)"
    assert report.section("lscb").title == "Joint report: the Local Safeguarding Children Board"


def test_grades_show_agreed_proposed_ungraded_and_narrative_only(report: Report) -> None:
    grades = {(g.agency, g.judgement): g for g in report.section("summary").grades}

    la = grades[(LA, "overall")]
    assert (la.grade, la.status_label) == (Grade.GOOD, "agreed, signed off")
    health = grades[(HEALTH, "help-and-protection")]
    assert (health.grade, health.status_label) == (Grade.REQUIRES_IMPROVEMENT, "proposed, not yet agreed")
    police = grades[(POLICE, "leadership")]  # the agreement, not the earlier proposal, and not yet signed off
    assert (police.grade, police.status_label) == (Grade.REQUIRES_IMPROVEMENT, "agreed")
    assert police.rationale == "Referrals are late and leaders have not noticed."
    assert grades[(LA, "looked-after")].status_label == "not yet graded"
    assert (POLICE, "looked-after") not in grades  # the police are not judged on children looked after
    assert grades[(LSCB, "lscb-effectiveness")].status == "proposed"
    for agency in (Agency.PROBATION, Agency.YOT, Agency.CUSTODY):
        (line,) = report.section(f"agency-{agency.value}").grades
        assert (line.grade, line.status_label) == (None, "narrative only")
        assert grades[(agency, "")] == line


def test_agency_reports_list_strengths_weaknesses_improvements_and_good_practice(report: Report) -> None:
    health = report.section("agency-health")
    assert [b.title for b in health.blocks] == [
        GRADES_BLOCK, "Strengths", "Weaknesses", "Areas for improvement", "Good practice"
    ]
    assert texts(report, "agency-health", "Weaknesses") == ["No record of the health visitor being invited."]
    assert texts(report, "agency-health", "Strengths") == ["Referrals from A&E arrive the same day.", SCRIPT_TEXT]
    (graded,) = health.block(GRADES_BLOCK).statements
    assert graded.lead == "Children who need help and protection: Requires improvement (proposed, not yet agreed)"
    assert graded.finding_ids == ("h-weak",)

    yot = report.section("agency-yot")
    assert GRADES_BLOCK not in [b.title for b in yot.blocks]  # narrative only: no judgements
    assert "not graded" in yot.paragraphs[0]
    assert texts(report, "agency-yot", "Good practice") == ["Case managers visit children in custody weekly."]
    assert texts(report, "lscb", "Areas for improvement") == ["The board's audits do not reach health."]
    assert "No findings about this agency have been recorded." in report.section("agency-custody").paragraphs


def test_statements_carry_case_reference_criterion_and_support(report: Report) -> None:
    (weak,) = report.section("agency-health").block("Weaknesses").statements
    assert weak.finding_ids == ("h-weak",)
    assert weak.lead == "Children who need help and protection"
    assert weak.detail == "case NM-10234 · [I ¶68c] · corroborated"
    (afi,) = report.section("agency-police").block("Areas for improvement").statements
    assert afi.detail == "criterion 1.2 · contested"  # not a catalogue id: printed as given


def test_notes_are_working_notes_and_not_reported(report: Report) -> None:
    assert "note-1" not in report.cited_ids()
    assert all("designated nurse" not in s.text for s in report.statements())


# ---------------------------------------------------------------- summary: key findings and working together


@needs_seeds
def test_i108_the_summary_brings_together_the_key_findings_from_all_agencies(report: Report) -> None:
    """I ¶108: the summary report brings together the key findings from all agencies, not only the corroborated."""
    from_all = "the key findings from all agencies"
    assert from_all in sentence(Framework.INTEGRATED, 108, "We will not make an aggregate judgement")
    summary = report.section("summary")
    assert from_all in summary.paragraphs[0]
    concerns, positives = summary.block(KEY_CONCERNS_BLOCK), summary.block(KEY_POSITIVES_BLOCK)
    told = [fid for block in (concerns, positives) for s in block.statements for fid in s.finding_ids]
    reported = [f.id for f in FINDINGS if f.kind is not K.NOTE and not f.withdrawn]
    assert sorted(told) == sorted(reported), "every agency's reported finding, each told once"
    assert {f.agency for f in FINDINGS if f.id in told} == {LA, HEALTH, POLICE, YOT, LSCB}
    # each agency's in turn, the corroborated first; a single-source or contested finding is a key finding too
    assert [s.finding_ids for s in concerns.statements] == [("la-weak", "h-weak"), ("p-afi",), ("lscb-afi",)]
    assert [s.finding_ids for s in positives.statements] == [
        ("la-strong",), ("h-script",), ("h-obs",), ("p-strong",), ("yot-good",)
    ]


def test_i108_each_key_finding_shows_its_corroboration_and_whose_findings_give_it(report: Report) -> None:
    summary = report.section("summary")
    concern, contested, single = summary.block(KEY_CONCERNS_BLOCK).statements
    assert concern.lead == "Local authority — Weakness"
    assert concern.finding_ids == ("la-weak", "h-weak"), "told with the finding that corroborates it"
    assert concern.detail == "case NM-10234 · corroborated by Health (CQC)"
    assert contested.detail == "criterion 1.2 · contested by Health (CQC)"
    assert single.lead == "LSCB — Area for improvement" and single.detail == "[I ¶115c] · single source"
    # the police strength's only corroboration was withdrawn: single source, not corroborated by it
    strength = next(s for s in summary.block(KEY_POSITIVES_BLOCK).statements if s.finding_ids == ("p-strong",))
    assert strength.detail == "case NM-10234 · [I ¶80a] · single source"
    assert "every agency's" in report.method[1] and "(integrated ¶108)" in report.method[1]


def test_i108_a_finding_corroborated_by_the_same_inspectorate_names_the_other_kind_of_evidence() -> None:
    findings = [
        finding("obs", LA, K.STRENGTH, OFSTED, "Managers chair every strategy discussion.",
                source=EvidenceSource.OBSERVATION),
        finding("file", LA, K.STRENGTH, OFSTED, "Strategy discussions are chaired by managers."),
        finding("police", POLICE, K.STRENGTH, HMIC, "Managers chair the discussions we attend."),
    ]
    links = [Link("a", "obs", "file", Relation.CORROBORATES), Link("b", "police", "obs", Relation.CORROBORATES)]
    data = replace(make_input(), findings=findings, links=links)
    (told,) = build_report(data).section("summary").block(KEY_POSITIVES_BLOCK).statements
    assert told.finding_ids == ("obs", "file", "police")
    assert told.detail == "corroborated by Local authority (Ofsted, case file) and Police (HMIC)"


def test_working_together_reads_links_across_inspectorates_and_shared_cases(report: Report) -> None:
    summary = report.section("summary")
    (agrees,) = summary.block(AGREES_BLOCK).statements
    assert agrees.finding_ids == ("la-weak", "h-weak")
    assert agrees.lead == "Local authority (Ofsted) and Health (CQC) agree"
    (conflicts,) = summary.block(CONFLICTS_BLOCK).statements
    assert conflicts.finding_ids == ("h-obs", "p-afi")  # in agency order, whichever way the link was drawn
    assert conflicts.lead == "Health (CQC) and Police (HMIC) disagree"
    (case,) = summary.block(CASES_BLOCK).statements  # NM-10777 has findings about one agency only
    assert case.lead == "Case NM-10234"
    assert case.finding_ids == ("la-weak", "h-weak", "p-strong")
    assert case.text == "Findings about Local authority, Health and Police, recorded by CQC, HMIC and Ofsted."


# ---------------------------------------------------------------- citations and the evidence appendix


def test_every_finding_statement_cites_and_every_citation_is_in_the_appendix(report: Report) -> None:
    for section in report.sections:
        for block in section.blocks:
            for statement in block.statements:
                assert statement.finding_ids or (block.title == GRADES_BLOCK and statement.detail), statement
    appendix = [entry.finding_id for entry in report.evidence]
    assert sorted(appendix) == sorted(report.cited_ids())
    assert len(appendix) == len(set(appendix))
    assert appendix[:3] == ["la-weak", "la-strong", "h-weak"]  # grouped by agency, oldest first


def test_the_appendix_traces_each_finding_without_naming_anyone(report: Report) -> None:
    entry = next(e for e in report.evidence if e.finding_id == "h-weak")
    assert (entry.agency, entry.inspectorate, entry.kind) == (HEALTH, CQC, K.WEAKNESS)
    assert (entry.evidence_source, entry.criterion, entry.citation) == (EvidenceSource.CASE_FILE, "I68c", "[I ¶68c]")
    assert (entry.child_id, entry.corroboration) == ("NM-10234", Corroboration.CORROBORATED)


def test_withdrawn_findings_leave_no_trace(report: Report) -> None:
    assert "gone" not in report.cited_ids()
    la = next(g for g in report.section("summary").grades if (g.agency, g.judgement) == (LA, "overall"))
    assert la.finding_ids == ("la-strong",)  # the grade cited it; the citation is dropped, the grade stays
    strong = next(e for e in report.evidence if e.finding_id == "p-strong")
    assert strong.corroboration is Corroboration.SINGLE_SOURCE  # its only support was withdrawn
    for text in (render_markdown(report), render_html(report)):
        assert WITHDRAWN_TEXT not in text
        assert "gone" not in re.findall(r"[\w.:-]+", text)


def test_withdrawing_changes_the_report_as_if_the_finding_had_never_been(report: Report) -> None:
    data = make_input()
    without = [f for f in FINDINGS if f.id != "gone"]
    assert build_report(replace(data, findings=without)) == report


# ---------------------------------------------------------------- renderers


def test_markdown_has_every_section_grades_citations_and_the_clock(report: Report) -> None:
    text = render_markdown(report)

    assert text.startswith("# Northmoor: inspection report\n")
    headings = re.findall(r"^## (.+)$", text, flags=re.MULTILINE)
    assert headings == [s.title for s in report.sections] + [
        "Appendix A: Evidence", "Appendix B: Reporting clock", "Appendix C: Method"
    ]
    assert "| Health | Children who need help and protection | Requires improvement | proposed, not yet agreed |" in (
        text
    )
    assert "| Probation | Narrative of strengths and weaknesses | — | narrative only |" in text
    weak = "No record of the health visitor being invited. *(case NM-10234 · \\[I ¶68c\\] · corroborated)* [`h-weak`]"
    assert weak in text
    assert "| h-weak | Health | CQC | Weakness | Case file | I68c \\[I ¶68c\\] | NM-10234 | Corroborated |" in text
    draft = reporting_clock(date(2026, 11, 27))[0]
    assert f"| Draft report | 10 | {short_day(draft.due)} | CP ¶45 |" in text
    assert "Prepared from the team's record as it stood on 30 November 2026, 10:00 (Europe/London)." in text


def test_markdown_escapes_inspectors_text(report: Report) -> None:
    text = render_markdown(report)
    assert "<script>" not in text
    assert '\\<script\\>alert("x")\\</script\\>' in text


def test_html_escapes_everything_and_links_each_citation_to_its_evidence_row(report: Report) -> None:
    page = render_html(report)

    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;thanks&quot;" in page
    targets = set(re.findall(r'href="#ev-([^"]+)"', page))
    rows = set(re.findall(r'<tr id="ev-([^"]+)"', page))
    assert targets == rows == set(report.cited_ids())
    assert '<section id="agency-police" class="agency-report">' in page
    assert "<td>Requires improvement</td><td>proposed, not yet agreed</td>" in page


def test_html_is_self_contained_and_print_ready(report: Report) -> None:
    page = render_html(report)

    assert page.startswith("<!DOCTYPE html>")
    assert "@page { size: A4;" in page
    assert ".agency-report, .appendix { break-before: page; page-break-before: always; }" in page
    assert "serif" in page
    for external in ("http://", "https://", "@import", "src=", "<link", "@font-face"):
        assert external not in page
    draft = reporting_clock(date(2026, 11, 27))[0]
    assert f"<td>Draft report</td><td>10</td><td>{short_day(draft.due)}</td>" in page


def test_without_a_last_day_of_fieldwork_the_clock_says_so_in_both_formats() -> None:
    report = build_report(make_input(end_date=None))

    assert report.clock == ()
    assert report.subtitle == "Integrated inspection · fieldwork from 16 November 2026; last day of fieldwork not set"
    for text in (render_markdown(report), render_html(report)):
        assert "Last day of fieldwork not set" in text
        assert "Draft report" not in text


# ---------------------------------------------------------------- DRAFT until every grade is signed off


def signed_off_board() -> GradeBoard:
    """Every graded judgement agreed and signed off; police overall agreed good against the cascade, with a reason."""
    board = GradeBoard()
    for agency, judgement in board_cells():
        grade = "inadequate" if (agency, judgement) == (POLICE, HP) else "good"
        data: dict[str, Any] = {"grade": grade, "rationale": "Agreed.", "finding_ids": []}
        if (agency, judgement) == (POLICE, "overall"):
            data |= {"warnings": [{"code": "overall-likely-inadequate", "message": CASCADE}],
                     "warning_reason": "Confined to one district, already being put right."}
        grade_event(board, "grade.agreed", agency.value, str(judgement), **data)
        grade_event(board, "grade.signed-off", agency.value, str(judgement), grade=grade)
    return board


CASCADE = "Police: overall effectiveness (graded good) is likely inadequate because help and protection is inadequate"


def test_a_report_before_every_grade_is_signed_off_is_marked_draft_on_every_page(report: Report) -> None:
    assert report.draft
    markdown = render_markdown(report)
    lines = markdown.splitlines()
    mark = next(line for line in lines if "DRAFT" in line)
    assert "not every grade is signed off" in mark
    headings = [i for i, line in enumerate(lines) if line.startswith(("# ", "## "))]
    assert len(headings) == len(report.sections) + 4  # the title, every part, and the three appendices
    assert all(lines[i + 2] == mark for i in headings), "a DRAFT line under every heading"
    html = render_html(report)
    body = html[html.index("<body>") :]
    assert body.index('class="draft-mark"') < body.index('class="draft-banner"') < body.index("<h1>")
    assert "position: fixed" in html and '@top-center { content: "DRAFT"' in html  # repeated on every printed page


def test_once_every_grade_is_signed_off_the_report_is_final() -> None:
    final = build_report(replace(make_input(), board=signed_off_board()))
    assert not final.draft
    assert "DRAFT" not in render_markdown(final)
    assert "draft-" not in render_html(final)
    one_left = signed_off_board()
    grade_event(one_left, "grade.agreed", "lscb", "lscb-effectiveness", grade="good", rationale="Again.")
    assert build_report(replace(make_input(), board=one_left)).draft  # a new agreement withdraws the sign-off


def test_the_evidence_appendix_carries_the_reason_for_agreeing_against_a_warning() -> None:
    final = build_report(replace(make_input(), board=signed_off_board()))
    [reason] = final.grade_reasons
    assert (reason.agency, reason.judgement_label, reason.grade) == (POLICE, "Overall effectiveness", Grade.GOOD)
    assert reason.warnings == (CASCADE,) and reason.reason.startswith("Confined to one district")
    markdown = render_markdown(final)
    appendix = markdown[markdown.index("## Appendix A") : markdown.index("## Appendix B")]
    assert "### Grades agreed against a rule's warning" in appendix
    assert f"| Police | Overall effectiveness | Good | {CASCADE} | Confined to one district" in appendix
    html = render_html(final)
    appendix = html[html.index('id="appendix-evidence"') : html.index('id="appendix-clock"')]
    assert "Grades agreed against a rule&#x27;s warning" in appendix and "Confined to one district" in appendix
