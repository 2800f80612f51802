"""The detail pane: the highlighted finding in full, with evidence source and amendment history."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from tui.app import TriangulateApp

from .app_data import NOW, seeded_store
from .app_server import wait_for

SIZE = (100, 30)


def detail_text(app: TriangulateApp) -> str:
    return str(app.board.detail.query_one("#detail-body", Static).render())


async def test_open_a_finding_shows_text_evidence_and_history(tmp_path: Path) -> None:
    app = TriangulateApp(store=seeded_store(tmp_path / "cache.sqlite3"), now=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: len(app.board.findings.rows) == 8, "the cache")
        await wait_for(pilot, lambda: "Missing episodes" in detail_text(app), "the newest, highlighted at first")

        await pilot.press("down", "down", "down")
        assert app.board.findings.highlighted_id == "f005"
        await pilot.press("enter")
        assert app.focused is app.board.detail
        text = detail_text(app)
        assert "Weakness · Local authority" in text
        assert "Asha Patel (you) · Ofsted · Tue 17 Nov 2026 10:05 GMT" in text
        assert "Evidence: Staff discussion" in text
        assert "in 6 of 10 files" in text and "rarely reflective" in text
        assert "v1 17 Nov 10:05" in text and "posted" in text
        assert "v2 17 Nov 12:05" in text and "text rewritten" in text
        assert "was: Managers' oversight of caseloads is not recorded." in text


async def test_header_names_the_inspection_and_the_day_of_fieldwork(tmp_path: Path) -> None:
    app = TriangulateApp(store=seeded_store(tmp_path / "cache.sqlite3"), now=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: len(app.board.findings.rows) == 8, "the cache")
        assert app.sub_title.startswith("KIT not held · Day 3 of fieldwork")  # the lead: today's KIT not yet held
        assert app.title == "Northmoor"
