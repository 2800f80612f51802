"""Filtering and search on the team board: keyboard first, combinable, the list and counts follow."""

from __future__ import annotations

from pathlib import Path

from tui.app import TriangulateApp
from tui.board.filter_dialog import FilterDialog

from .app_data import NOW, seeded_store
from .app_server import wait_for

SIZE = (100, 30)


def offline_app(tmp_path: Path) -> TriangulateApp:
    """The seeded cache and no network at all: filtering is local, so nothing else is needed."""
    return TriangulateApp(store=seeded_store(tmp_path / "cache.sqlite3"), now=lambda: NOW)


def shown(app: TriangulateApp) -> list[str]:
    return [view.id for view in app.board.findings.rows]


async def test_slash_search_combines_words_and_escape_returns_to_the_list(tmp_path: Path) -> None:
    app = offline_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: len(app.board.findings.rows) == 8, "the cache")
        await pilot.press("slash")
        assert app.focused is not None and app.focused.id == "search"

        await pilot.press(*"police")
        assert shown(app) == ["f008", "f003"]
        await pilot.press(*" weakness")
        assert shown(app) == ["f008"]
        await pilot.press("escape")
        assert app.focused is app.board.findings
        assert "1 of 8 shown" in str(app.board.status_line.render())

        await pilot.press("x")
        assert len(shown(app)) == 8


async def test_filter_by_child_author_inspectorate_and_text(tmp_path: Path) -> None:
    app = offline_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: len(app.board.findings.rows) == 8, "the cache")
        bar = app.board.query_one("#filter-bar")
        cases = {
            "child:NM-0412": ["f003", "f001"],
            "by:ben": ["f007", "f002"],
            "insp:hmic": ["f008", "f003"],
            "c:nm-0977 by:cara": ["f008"],
            "kind:strength agency:la": ["f001"],
            "oversight": ["f005"],  # the amended text is what is searched
            "reflective caseloads": ["f005"],
            "agency:lscb nothing-like-this": [],
        }
        for query, expected in cases.items():
            bar.set_query(query)
            await pilot.pause()
            assert shown(app) == expected, query
        assert "No findings match" in app.board.findings.empty_message


async def test_filter_dialog_writes_the_search_words(tmp_path: Path) -> None:
    app = offline_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: len(app.board.findings.rows) == 8, "the cache")
        await pilot.press("f")
        dialog = app.screen
        assert isinstance(dialog, FilterDialog)
        dialog.query_one("#agency").value = "health"
        dialog.query_one("#author").value = 2
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.board.query_one("#filter-bar").query_text == "agency:health by:Ben_Okafor"
        assert shown(app) == ["f007", "f002"]


async def test_a_live_finding_that_does_not_match_stays_hidden(tmp_path: Path) -> None:
    app = offline_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: len(app.board.findings.rows) == 8, "the cache")
        app.board.query_one("#filter-bar").set_query("police")
        await pilot.pause()
        before = shown(app)
        lsc = app.state.findings["f006"]  # an LSCB note changing under the filter: not shown
        app.board.finding_changed(lsc)
        assert shown(app) == before
