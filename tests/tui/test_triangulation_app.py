"""The triangulation view and a child's journey in the app, from a seeded cache (no network needed to read).

The cache holds the app_data findings plus evidence_data's links, enquiries and an escalation; the app's
clock is fixed, so times on screen are predictable.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from shared.vocabulary import Agency, JudgementArea
from tui.app import TriangulateApp
from tui.board.filter_bar import FilterBar
from tui.triangulation.journey_screen import JourneyScreen
from tui.triangulation.screen import TriangulationScreen, cell_lines

from .app_data import NOW, seeded_store
from .app_server import wait_for
from .evidence_data import CHILD, evidence_log

SIZE = (100, 30)
FINDINGS = 9


def evidence_app(tmp_path: Path) -> TriangulateApp:
    store = seeded_store(tmp_path / "cache.sqlite3")
    store.append(evidence_log())
    return TriangulateApp(store=store, now=lambda: NOW)


async def loaded(pilot: Pilot[Any]) -> TriangulateApp:
    app = pilot.app
    assert isinstance(app, TriangulateApp)
    await wait_for(pilot, lambda: app.board.findings.row_count == FINDINGS, "the cache")
    return app


def query_text(app: TriangulateApp) -> str:
    return app.board.query_one(FilterBar).query_text


async def test_the_triangulation_view_counts_each_cell_and_drills_into_the_board(tmp_path: Path) -> None:
    async with evidence_app(tmp_path).run_test(size=SIZE) as pilot:
        app = await loaded(pilot)
        assert "1 new enquiry" in str(app.board.status_line.render())  # to the LA, so to Ofsted: Asha's
        await pilot.press("t")
        screen = app.screen
        assert isinstance(screen, TriangulationScreen)
        cells = screen.cells
        la_hp = cells[(Agency.LOCAL_AUTHORITY, JudgementArea.HELP_AND_PROTECTION)]
        assert cell_lines(la_hp, True) == ("1  ▲1 ▼0", "✓0 ≠1 ·0")
        assert cell_lines(cells.get((Agency.POLICE, JudgementArea.LOOKED_AFTER)), False) == ("—", "")
        assert cell_lines(None, True) == ("no evidence", "")

        table = screen.matrix_table
        table.move_cursor(row=list(Agency).index(Agency.HEALTH), column=2)  # Health × looked after
        await pilot.pause()
        words = str(screen.query_one("#tri-cell-body", Static).render())
        assert words.startswith("Health × Children looked after and care leavers — 1 finding")
        assert "1 corroborated" in words and "[I ¶69b] ×1" in words

        table.move_cursor(row=list(Agency).index(Agency.LOCAL_AUTHORITY), column=1)
        await pilot.pause()
        assert "In conflict" in str(screen.query_one("#tri-cell-body", Static).render())

        await pilot.press("enter")  # show those findings on the board
        await wait_for(pilot, lambda: app.screen is app.board and app.board.findings.row_count == 1, "drilled in")
        assert query_text(app) == "agency:local-authority area:help-and-protection"
        assert [v.id for v in app.board.findings.rows] == ["f001"]


async def test_a_childs_journey_shows_everything_about_the_child_in_time_order(tmp_path: Path) -> None:
    async with evidence_app(tmp_path).run_test(size=SIZE) as pilot:
        app = await loaded(pilot)
        assert app.board.findings.select_id("f001")
        await pilot.press("c")
        screen = app.screen
        assert isinstance(screen, JourneyScreen)
        await pilot.pause()
        assert screen.child_id == CHILD
        table = screen.query_one("#journey", DataTable)
        rows = [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]
        assert rows == [
            ["16 Nov 09:05", "≠ Finding", "LA", "Asha Patel",
             "Strength: Strategy discussion held within a…"],
            ["16 Nov 12:05", "≠ Finding", "Police", "Cara Jones",
             "Area for improvement: Officers attending th…"],
            ["18 Nov 09:40", "  Enquiry", "", "Asha Patel",
             "Line of enquiry (open): Who attended NM-041…"],
            ["18 Nov 09:50", "  Alert", "LA", "Cara Jones",
             "Significant harm (acknowledged): Child left…"],
        ]
        step = str(screen.query_one("#journey-step-body", Static).render())
        assert "≠ Contested" in step and "contradicted by #f003" in step

        # Another child, typed in.
        child = screen.query_one("#journey-child", Input)
        child.value = "nm-0977"
        await pilot.press("shift+tab")  # back to the box
        child.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert [table.get_row_at(i)[1].plain for i in range(table.row_count)] == ["  Finding", "  Finding"]

        await pilot.press("down", "enter")  # the second finding, on the board
        await wait_for(pilot, lambda: app.screen is app.board, "back on the board")
        await wait_for(pilot, lambda: app.board.findings.highlighted_id == "f008", "the finding highlighted")
        assert query_text(app) == "child:nm-0977"
