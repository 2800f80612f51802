"""The report preview in the app, end to end: two live apps on a real server, the lead reads, saves and copies.

Ben (CQC) and Asha (the lead, Ofsted) record findings through their apps' one outbox; Asha links hers to Ben's
and records the grade the team agreed, citing one of her own that she then withdraws. Her preview (``R``) shows
the summary and the agency reports, the grade with the findings it cites, and never the withdrawn finding; it
follows a finding Ben posts while it is open; and it writes the HTML and Markdown files and fills the clipboard.
The only stand-ins are the clocks.
"""

from __future__ import annotations

from pathlib import Path

from shared.findings import PostFinding, WithdrawFinding
from shared.grades import AgreeGrade, ProposeGrade
from shared.triangulation import LinkFindings
from shared.vocabulary import Agency, JudgementArea
from tui.app import TriangulateApp
from tui.help_screen import help_content
from tui.refs import ref
from tui.report.actions import ReportFeature
from tui.report.screen import ReportScreen

from .app_server import lead_and_inspector, notified, wait_for

SIZE = (100, 30)
WITHDRAWN_TEXT = "Every child's plan is reviewed monthly (the reviews turned out not to exist)."
LATE_TEXT = "Health visitors are not told when a child moves into the area."
GRADE_RATIONALE = "Agreed at the final meeting: initial health assessments are late."


def post(command_id: str, agency: str, kind: str, text: str, **fields: str) -> PostFinding:
    return PostFinding(id=command_id, agency=agency, kind=kind, evidence_source="case-file", text=text, **fields)


def preview(app: TriangulateApp) -> ReportScreen:
    screen = app.screen
    assert isinstance(screen, ReportScreen)
    return screen


async def test_the_lead_previews_saves_and_copies_the_report(tmp_path: Path) -> None:
    async with lead_and_inspector(tmp_path, SIZE) as (asha, pa, ben, pb):
        ben.outbox.send(post("ben-lac", "health", "weakness", "Initial health assessments are late in 4 of 10 files.",
                              judgement_area="looked-after", child_id="NM-0412"))
        asha.outbox.send(post("asha-consent", "local-authority", "weakness",
                               "Consent forms for health assessments wait weeks with social workers.",
                               judgement_area="looked-after", child_id="NM-0412"))
        asha.outbox.send(post("asha-gone", "local-authority", "strength", WITHDRAWN_TEXT,
                               judgement_area="looked-after"))
        await wait_for(pa, lambda: len(asha.state.saved_findings()) == 3, "the three findings saved")
        asha.outbox.send(LinkFindings(id="link-consent", finding_id="asha-consent", other_finding_id="ben-lac",
                                       relation="corroborates"))
        ben.outbox.send(ProposeGrade(id="grade-1", agency=Agency.HEALTH, judgement=JudgementArea.LOOKED_AFTER,
                                      grade="requires-improvement", rationale="Assessments are late.",
                                      finding_ids=["ben-lac"]))
        await wait_for(pa, lambda: asha.state.grades.cell(Agency.HEALTH, "looked-after") is not None, "the proposal")
        asha.outbox.send(AgreeGrade(id="grade-2", agency=Agency.HEALTH, judgement=JudgementArea.LOOKED_AFTER,
                                     grade="requires-improvement", rationale=GRADE_RATIONALE,
                                     finding_ids=["ben-lac", "asha-consent", "asha-gone"]))
        await wait_for(pa, lambda: not asha.state.grades.pending, "the agreed grade saved")
        asha.outbox.send(WithdrawFinding(id="withdraw-gone", finding_id="asha-gone", reason="No such reviews."))
        await wait_for(pa, lambda: "asha-gone" in asha.state.withdrawn_ids and not asha.state.pending_ids
                       and not asha.state.grades.pending and not asha.state.evidence.pending, "everything saved")

        # R from the board opens the preview: the summary first, then every agency's report.
        await pa.press("R")
        screen = preview(asha)
        await wait_for(pa, lambda: GRADE_RATIONALE in screen.text, "the agreed grade in the preview")
        text = screen.text
        assert "Northmoor: inspection report" in text and "Summary report" in text
        assert "DRAFT — not every grade is signed off" in text and screen.sub_title.endswith("DRAFT")
        assert "Agency report: Health (CQC)" in text and "Agency report: Local authority (Ofsted)" in text
        assert "Health · Children looked after and care leavers: Requires improvement (agreed)" in text
        assert "Key findings from all agencies: weaknesses and areas for improvement" in text
        assert "(case NM-0412 · corroborated by Health (CQC))" in text, "a key finding names who corroborates it"
        assert f"{ref('ben-lac')} {ref('asha-consent')}" in text, "the grade and the key finding cite their findings"
        assert "Case NM-0412" in text, "a child's case seen across agencies"
        assert WITHDRAWN_TEXT not in text and ref("asha-gone") not in text, "the withdrawn finding is nowhere"
        assert "Youth offending" in screen.contents_text and "A. Evidence" in screen.contents_text

        # The contents: 3 is the health report, ] the next part, [ back.
        await pa.press("3")
        assert screen.current_part() == 2
        await pa.press("right_square_bracket")
        assert screen.current_part() == 3
        await pa.press("left_square_bracket", "left_square_bracket")
        assert screen.current_part() == 1

        # It follows the team's record while it is open.
        ben.outbox.send(post("ben-late", "health", "area-for-improvement", LATE_TEXT))
        await wait_for(pa, lambda: LATE_TEXT in screen.text, "Ben's new finding in the open preview")

        # Save as HTML and as Markdown where the app was told; copy the Markdown.
        exports = tmp_path / "exports"
        asha.feature(ReportFeature).export_dir = exports
        html = exports / "northmoor-report-2026-11-18.html"
        await pa.press("h")
        await wait_for(pa, lambda: notified(asha, str(html)), "the HTML saved")
        page = html.read_text(encoding="utf-8")
        assert "<html" in page and "Requires improvement" in page and "agreed" in page
        assert 'class="draft-banner"' in page, "not every grade is signed off: a draft"
        assert "ben-lac" in page and WITHDRAWN_TEXT not in page and "asha-gone" not in page
        await pa.press("w")
        markdown = exports / "northmoor-report-2026-11-18.md"
        await wait_for(pa, lambda: notified(asha, str(markdown)), "the Markdown saved")
        assert LATE_TEXT in markdown.read_text(encoding="utf-8")
        await pa.press("y")
        assert asha.clipboard == markdown.read_text(encoding="utf-8")

        # Ben's app builds the same report; Esc goes back to the board; the help names the key.
        await pb.press("R")
        await wait_for(pb, lambda: GRADE_RATIONALE in preview(ben).text, "the grade at Ben's")
        await pb.press("escape")
        assert ben.screen is ben.board
        assert "the report preview" in help_content(None).plain
