"""Snapshots of the grade board: at 100×30 on a grade with its whole history, and at 80×24 on a flagged one.

Deterministic, like test_evidence_snapshots.py: a fixed clock, a seeded cache (app_data findings, evidence_data's
links, grades_data's grades), no network. Regenerate with
``pytest tests/tui/test_grades_snapshots.py --snapshot-update`` only after looking at the report.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from shared.vocabulary import Agency
from tui.app import TriangulateApp
from tui.grades.screen import GradesScreen

from .app_data import NOW, seeded_store
from .app_server import wait_for
from .evidence_data import evidence_log
from .grades_data import grade_log

FINDINGS = 9


def graded_app(tmp_path: Path) -> TriangulateApp:
    store = seeded_store(tmp_path / "cache.sqlite3")
    store.append(evidence_log())
    store.append(grade_log(store.head + 1))
    return TriangulateApp(store=store, now=lambda: NOW)


def on_board(app: TriangulateApp, agency: Agency, judgement: str) -> Any:
    async def run_before(pilot: Pilot[Any]) -> None:
        await wait_for(pilot, lambda: app.board.findings.row_count == FINDINGS, "the cache")
        await pilot.press("g")
        await wait_for(pilot, lambda: isinstance(app.screen, GradesScreen), "the grade board")
        screen = app.screen
        assert isinstance(screen, GradesScreen)
        screen.select(agency, judgement)
        await pilot.pause()

    return run_before


def test_grade_board_signed_off_grade(snap_compare: Any, tmp_path: Path) -> None:
    """Health × looked after: proposed by CQC, agreed by the lead, challenged and signed off by QA."""
    app = graded_app(tmp_path)
    assert snap_compare(app, terminal_size=(100, 30), run_before=on_board(app, Agency.HEALTH, "looked-after"))


def test_grade_board_flagged_grade_at_80x24(snap_compare: Any, tmp_path: Path) -> None:
    """Police × help and protection: inadequate on one case file, so flagged three ways."""
    app = graded_app(tmp_path)
    assert snap_compare(app, terminal_size=(80, 24), run_before=on_board(app, Agency.POLICE, "help-and-protection"))
