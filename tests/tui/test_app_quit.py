"""Quitting with commands the server has not stored yet asks first and says how many; they stay queued on disk."""

from __future__ import annotations

from pathlib import Path

from textual.command import CommandList, CommandPalette
from textual.widgets import Label

from shared.findings import PostFinding
from shared.vocabulary import Agency, EvidenceSource, FindingKind
from tui.app import TriangulateApp
from tui.dialogs.quit_dialog import QuitDialog
from tui.store import LocalStore

from .app_data import NOW, seeded_store
from .app_server import wait_for

SIZE = (100, 30)


def app_with_outbox(path: Path, unsent: int) -> TriangulateApp:
    """An app opened offline from its cache, with ``unsent`` findings still in the outbox."""
    store = seeded_store(path)
    for n in range(unsent):
        store.enqueue(PostFinding(id=f"unsent-{n}", agency=Agency.HEALTH, kind=FindingKind.WEAKNESS,
                                  evidence_source=EvidenceSource.CASE_FILE, text=f"Written offline, number {n}."))
    return TriangulateApp(store=store, now=lambda: NOW)


def question(app: TriangulateApp) -> str:
    assert isinstance(app.screen, QuitDialog)
    return str(app.screen.query_one("#quit-title", Label).render())


async def test_the_quit_key_asks_first_while_commands_are_unsent(tmp_path: Path) -> None:
    app = app_with_outbox(tmp_path / "c.sqlite3", unsent=2)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.board.status_line.status.unsent == 2, "the outbox count")
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: isinstance(app.screen, QuitDialog), "the question")
        assert question(app) == "2 commands not yet sent — quit anyway?"

        await pilot.press("n")  # stay
        await wait_for(pilot, lambda: app.screen is app.board, "the board again")
        assert app.is_running

        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: isinstance(app.screen, QuitDialog), "the question again")
        await pilot.press("y")  # quit anyway
        await wait_for(pilot, lambda: not app.is_running, "the app to end")
    with LocalStore(tmp_path / "c.sqlite3") as store:
        assert [c.id for c in store.pending()] == ["unsent-0", "unsent-1"]  # still queued for next time


async def test_the_palettes_quit_asks_too(tmp_path: Path) -> None:
    app = app_with_outbox(tmp_path / "c.sqlite3", unsent=1)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.board.status_line.status.unsent == 1, "the outbox count")
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
        await pilot.press(*"Quit")
        matches = app.screen.query_one(CommandList)
        await wait_for(pilot, lambda: matches.option_count and matches.highlighted is not None, "the palette's matches")
        assert str(matches.get_option_at_index(matches.highlighted).prompt).startswith("Quit")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, QuitDialog), "the question")
        assert question(app) == "1 command not yet sent — quit anyway?"
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is app.board, "the board again")
        assert app.is_running


async def test_with_nothing_unsent_the_quit_key_quits_at_once(tmp_path: Path) -> None:
    app = app_with_outbox(tmp_path / "c.sqlite3", unsent=0)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.board.findings.row_count == 8, "the cache")
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: not app.is_running, "the app to end")


async def test_quitting_before_the_first_screen_settles_is_clean(tmp_path: Path) -> None:
    """ctrl+q as the app opens (a reflex, or a script): the alert bar, mounted a refresh later, must not be mounted
    on a screen already taken down, which ended the app with a MountError instead of quitting."""
    app = TriangulateApp(store=seeded_store(tmp_path / "c.sqlite3"), now=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: not app.is_running, "the app to end")
    assert app.return_code == 0
