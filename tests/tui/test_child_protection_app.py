"""The app under the child-protection framework (CP ¶20, ¶24, ¶25, ¶44): the grade board, the finding form and the
triangulation view offer that framework's judgements and criteria only.

Offline, from a seeded cache whose welcome names a child-protection inspection (the framework is the inspection's,
chosen once at creation): no other inspectorates' agencies graded, no LSCB judgement, no narrative-only rows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import DataTable, Label, Select

from shared.grades import OVERALL
from shared.vocabulary import Agency, Framework, JudgementArea
from tui.app import TriangulateApp
from tui.board.criteria_picker import CriteriaPicker
from tui.cli import DemoServer
from tui.grades.book import board_views, narratives_of
from tui.grades.screen import GradesScreen
from tui.report.screen import ReportScreen
from tui.state import TeamState
from tui.store import LocalStore
from tui.triangulation.screen import TriangulationScreen

from .app_data import ASHA, NORTHMOOR, NOW, seed_events, welcome
from .app_server import new_finding, wait_for
from .grades_data import grade_event

SIZE = (100, 30)
CP = Framework.CHILD_PROTECTION
LA = Agency.LOCAL_AUTHORITY
QOP = JudgementArea.QUALITY_OF_PRACTICE.value


def offered(select: Select[Any]) -> list[str]:
    """The values a Select offers (not its blank)."""
    return [value for _, value in select._options if isinstance(value, str)]


def cp_welcome() -> Any:
    return welcome().model_copy(update={"inspection": NORTHMOOR.model_copy(update={"framework": CP})})


def cp_log() -> list[Any]:
    base = seed_events()
    return [*base, grade_event(len(base) + 1, "grade.proposed", ASHA, NOW, LA.value, QOP, grade="adequate",
                               rationale="Children are seen alone.", finding_ids=[], warnings=[])]


def cp_app(tmp_path: Path) -> TriangulateApp:
    store = LocalStore(tmp_path / "cache.sqlite3")
    store.save_welcome(cp_welcome())
    store.append(cp_log())
    return TriangulateApp(store=store, now=lambda: NOW)


def test_cp24_the_board_is_the_local_authoritys_four_judgements_only() -> None:
    state = TeamState.build(cp_welcome(), cp_log())
    cells = [(v.agency, v.judgement) for v in board_views(state)]
    assert cells == [(LA, OVERALL), (LA, "help-and-protection"), (LA, QOP), (LA, "leadership")]
    assert narratives_of(state) == []
    integrated = TeamState.build(welcome(), seed_events())
    assert {v.agency for v in board_views(integrated)} == {LA, Agency.HEALTH, Agency.POLICE, Agency.LSCB}
    assert len(narratives_of(integrated)) == 3


async def test_cp24_the_grade_board_and_its_form_in_the_frameworks_words(tmp_path: Path) -> None:
    app = cp_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.state.inspection is not None, "the cache")
        await pilot.press("g")
        await wait_for(pilot, lambda: isinstance(app.screen, GradesScreen), "the grade board")
        screen = app.screen
        assert isinstance(screen, GradesScreen)
        board = screen.board_text
        for absent in ("Health", "Police", "LSCB", "Narrative only", "Looked after"):
            assert absent not in board
        assert "Quality of practice" in board and "Adequate (Asha)" in board
        screen.select(LA, QOP)
        await pilot.pause()
        assert "Local authority · The quality of practice" in screen.detail_text
        screen.select(LA, "help-and-protection")
        await pilot.pause()
        await pilot.press("p")
        form = app.screen
        grades = offered(form.query_one("#field-grade", Select))
        assert grades == ["outstanding", "good", "adequate", "inadequate"]  # CP ¶25
        title = str(form.query_one("#command-form-title", Label).render())
        assert "Local authority — the effectiveness of the help and protection provided to children" in title


async def test_cp20_cp24_the_finding_form_offers_the_frameworks_areas_and_criteria(tmp_path: Path) -> None:
    app = cp_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.state.inspection is not None, "the cache")
        form = await new_finding(pilot)
        agencies = offered(form.query_one("#agency", Select))
        assert not {"probation", "yot", "custody"} & set(agencies)  # narrative-only: the integrated framework's
        form.query_one("#agency", Select).value = LA.value
        await pilot.pause()
        areas = form.query_one("#judgement_area", Select)
        assert offered(areas) == ["help-and-protection", QOP, "leadership"]
        labels = [str(label) for label, value in areas._options if isinstance(value, str)]
        assert labels[0].startswith("The effectiveness of the help and protection")
        form.query_one("#judgement_area", Select).value = QOP
        await pilot.pause()
        picker = form.query_one(CriteriaPicker)
        assert [c.id for c in picker._offered] == ["CP24c", "CP24a"]  # its own criterion, then overall's


async def test_cp24_the_triangulation_view_has_the_frameworks_columns(tmp_path: Path) -> None:
    app = cp_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.state.inspection is not None, "the cache")
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, TriangulationScreen), "the triangulation view")
        table = app.screen.query_one("#matrix", DataTable)
        columns = [str(column.label) for column in table.columns.values()]
        assert columns == ["Agency", "Help/protection", "Practice", "Leadership", "No area"]
        rows = [str(key.value) for key in table.rows]
        assert rows == ["local-authority", "health", "police", "lscb"]


async def test_cp44_the_report_preview_is_the_single_report(tmp_path: Path) -> None:
    app = cp_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.state.inspection is not None, "the cache")
        await pilot.press("R")
        await wait_for(pilot, lambda: isinstance(app.screen, ReportScreen), "the report preview")
        screen = app.screen
        assert isinstance(screen, ReportScreen)
        await wait_for(pilot, lambda: screen.report is not None, "the report")
        contents = [line[2:] for line in screen.contents_text.splitlines()]
        assert contents[:7] == ["Overall effectiveness", "Areas for improvement", "About this inspection",
                                "Service information", "Help and protection", "The quality of practice",
                                "Leadership and governance"]
        assert "Agency report" not in screen.text and "Health (CQC)" not in screen.text


def test_triangulate_demo_framework_child_protection_serves_that_inspection(tmp_path: Path) -> None:
    server = DemoServer(tmp_path, framework=CP)
    try:
        info = server.announcement(timeout=60)
        assert info["inspection"]["framework"] == "child-protection"
        assert {m["inspectorate"] for m in info["members"]} == {"ofsted"}
        assert info["members"][0]["role"] == "lead"
    finally:
        server.stop()
