"""Every board action is in the command palette, and the help screen tells a teammate how to join."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from tui.app import TriangulateApp
from tui.help_screen import HelpScreen

from .app_data import NOW, seeded_store
from .app_server import wait_for


async def test_palette_lists_every_action_and_help_shows_the_join_command(tmp_path: Path) -> None:
    hint = "triangulate join ws://127.0.0.1:9 --token t-ben"
    app = TriangulateApp(store=seeded_store(tmp_path / "c.sqlite3"), now=lambda: NOW, share_hint=hint)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.board.findings.row_count == 8, "the cache")
        titles = {command.title for command in app.get_system_commands(app.screen)}
        for title in ("Record a finding", "Amend finding", "Search", "Filter…", "Clear filter", "Mark all read",
                      "Help", "Light or dark", "Open a line of enquiry", "Lines of enquiry", "Link findings",
                      "Remove a link", "Triangulation view", "Child's journey"):
            assert title in titles
        visible = {binding.key for (_, binding, enabled, _) in app.screen.active_bindings.values() if binding.show}
        assert {"n", "e", "question_mark", "exclamation_mark", "a", "i"} <= visible
        assert not {"f", "t"} & visible  # less used: in the palette (Filter…, Triangulation view) and in help
        assert "/ search" in str(app.board.query_one("#search").placeholder)  # "/" is on the search bar itself

        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert hint in str(app.screen.query_one(Static).render())
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)

        dark = app.current_theme.dark
        await pilot.press("ctrl+t")
        assert app.current_theme.dark is not dark
