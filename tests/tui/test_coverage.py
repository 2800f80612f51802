"""Criteria coverage (tui/triangulation/coverage.py) and the triangulation view's criteria level that shows it.

Coverage answers "which of this cell's criteria has nobody found evidence for yet?", so it must count only live
findings citing the catalogue id, follow the inspection's framework, and update the moment a finding arrives.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from textual.widgets import Static

from shared.criteria import criterion
from shared.protocol import Event
from shared.vocabulary import Agency, Framework, JudgementArea
from tests.server.conftest import WireClient
from tui.state import TeamState
from tui.triangulation.coverage import cell_criteria, cite, coverage, lead
from tui.triangulation.criteria_level import NO_EVIDENCE, CriteriaLevel
from tui.triangulation.screen import TriangulationScreen

from .app_data import BEN, T0, seed_events, welcome
from .app_server import make_app, running_server, wait_for
from .evidence_data import posted

HEALTH, LA = Agency.HEALTH, Agency.LOCAL_AUTHORITY
HP, LAC = JudgementArea.HELP_AND_PROTECTION, JudgementArea.LOOKED_AFTER
INTEGRATED, CP = Framework.INTEGRATED, Framework.CHILD_PROTECTION


def health_finding(seq: int, finding_id: str, criterion_id: str | None, area: str = "help-and-protection") -> Event:
    return posted(seq, BEN, T0 + timedelta(hours=seq), finding_id, agency="health", judgement_area=area,
                  criterion=criterion_id, kind="strength", evidence_source="case-file", child_id=None,
                  text="Health visitors share concerns promptly.")


def state_with(*events: Event) -> TeamState:
    log = seed_events()
    return TeamState.build(welcome(), log + [e.model_copy(update={"seq": len(log) + i})
                                            for i, e in enumerate(events, start=1)])


def test_a_cells_criteria_follow_the_framework() -> None:
    assert len(cell_criteria(HEALTH, HP, INTEGRATED)) == 26
    assert [c.id for c in cell_criteria(HEALTH, None, INTEGRATED)][:2] == ["I63a", "I63b"]
    assert cell_criteria(LA, HP, INTEGRATED) == []  # Ofsted's own framework is not in the documents
    assert [c.id for c in cell_criteria(LA, HP, CP)] == [*(f"CP20{x}" for x in "abcdegh"), "CP24b"]
    assert {c.framework for c in cell_criteria(LA, HP, None)} == {CP}  # framework not known yet: all of them


def test_coverage_counts_live_findings_citing_each_criterion() -> None:
    state = state_with(
        health_finding(1, "h1", "I68c"),
        health_finding(2, "h2", "I68c"),
        health_finding(3, "h3", "I63a"),  # an overall descriptor, cited from a help-and-protection finding
        health_finding(4, "h4", "I69b", area="looked-after"),
    )
    cell = coverage(state.saved_findings(), HEALTH, HP, INTEGRATED)
    assert cell.summary == "1 of 26 criteria have evidence"
    assert {row.criterion.id: row.findings for row in cell.rows if row.covered} == {"I68c": 2}
    assert criterion("I68a") in cell.uncovered and len(cell.uncovered) == 25

    overall = coverage(state.saved_findings(), HEALTH, None, INTEGRATED)
    assert {row.criterion.id for row in overall.rows if row.covered} == {"I63a"}
    # The seed log's '69b' is an old code, not an id: only the exact id counts (the board filters the same way).
    looked_after = coverage(state.saved_findings(), HEALTH, LAC, INTEGRATED)
    assert looked_after.summary == "1 of 11 criteria have evidence"

    assert coverage(state.saved_findings(), LA, HP, INTEGRATED).summary == "No criteria in the catalogue for this cell."


def test_a_withdrawn_finding_is_not_evidence() -> None:
    state = state_with(health_finding(1, "h1", "I68c"))
    withdrawn = state_with(
        health_finding(1, "h1", "I68c"),
        Event(seq=2, kind="finding.withdrawn", actor=BEN, at=T0 + timedelta(hours=2),
              data={"finding_id": "h1", "reason": "Wrong child's file."}),
    )
    assert coverage(state.findings.values(), HEALTH, HP, INTEGRATED).covered == 1
    assert coverage(withdrawn.findings.values(), HEALTH, HP, INTEGRATED).covered == 0


def test_citations_tell_apart_entries_of_one_paragraph() -> None:
    assert cite(criterion("I68c")) == "[I ¶68c]"
    assert cite(criterion("I68-inadequate")) == "[I ¶68] inadequate"
    assert cite(criterion("I103-exp2")) == "[I ¶103] exp. 2"
    assert lead(criterion("I65")) == "Requires improvement: " and lead(criterion("I68c")) == ""


def level_rows(level: CriteriaLevel) -> dict[str, str]:
    table = level.table
    return {str(table.get_row_at(i)[0]): str(table.get_row_at(i)[1]) for i in range(table.row_count)}


async def test_the_criteria_level_shows_uncovered_criteria_and_updates_live(tmp_path: Path) -> None:
    async with running_server(tmp_path) as server:
        app = make_app(tmp_path, server.url, server.tokens["asha"])
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_for(pilot, lambda: app.board.connected and app.caught_up, "live")
            await pilot.press("t")
            screen = app.screen
            assert isinstance(screen, TriangulationScreen)
            screen.matrix_table.move_cursor(row=list(Agency).index(HEALTH), column=1)  # Health × help and protection
            await pilot.pause()
            await pilot.press("v")
            level = screen.query_one(CriteriaLevel)
            await wait_for(pilot, lambda: level.table.row_count == 26, "the criteria level")
            summary = str(level.query_one("#criteria-summary", Static).render())
            assert "Health × Children who need help and protection — 0 of 26 criteria have evidence" in summary
            assert set(level_rows(level).values()) == {NO_EVIDENCE}

            ben = await WireClient.join(server.url, server.tokens["ben"])
            await ben.posted(agency="health", judgement_area="help-and-protection", criterion="I68c",
                             kind="strength", evidence_source="case-file", text="GP shares records at once.")
            await ben.close()
            await wait_for(pilot, lambda: level_rows(level)["[I ¶68c]"] == "1", "the live finding counted")
            summary = str(level.query_one("#criteria-summary", Static).render())
            assert "1 of 26 criteria have evidence" in summary
            assert level_rows(level)["[I ¶68d]"] == NO_EVIDENCE

            level.table.move_cursor(row=2)  # I68c
            await pilot.press("enter")  # the findings citing it, on the board
            await wait_for(pilot, lambda: app.screen is app.board and app.board.findings.row_count == 1, "drilled")
            assert app.board.findings.rows[0].fields.criterion == "I68c"
