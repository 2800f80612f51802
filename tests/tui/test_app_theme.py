"""The theme the user picks is remembered: a new app on the same settings directory opens in it."""

from __future__ import annotations

import stat
from pathlib import Path

from tui.app import TriangulateApp
from tui.config import save_theme

from .app_data import NOW, seeded_store


def app_on(settings: Path, tmp_path: Path, **kwargs: object) -> TriangulateApp:
    return TriangulateApp(store=seeded_store(tmp_path / "cache.sqlite3"), now=lambda: NOW, settings_dir=settings,
                          **kwargs)  # type: ignore[arg-type]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_the_chosen_theme_is_there_after_a_restart(tmp_path: Path) -> None:
    settings = tmp_path / "config" / "triangulate"
    first = app_on(settings, tmp_path)
    async with first.run_test(size=(80, 24)) as pilot:
        assert first.current_theme.dark  # the default
        await pilot.press("ctrl+t")
        assert not first.current_theme.dark

    again = app_on(settings, tmp_path)
    async with again.run_test(size=(80, 24)) as pilot:
        assert again.theme == "textual-light"
        again.theme = "nord"  # as Textual's theme picker (palette: Theme) sets it
        await pilot.pause()

    assert app_on(settings, tmp_path).theme == "nord"
    files = list(settings.iterdir())
    assert files and all(mode(f) == 0o600 for f in files)
    assert mode(settings) == mode(settings.parent) == 0o700


async def test_a_theme_named_at_start_wins_for_that_run_and_is_not_a_choice(tmp_path: Path) -> None:
    settings = tmp_path / "settings"
    save_theme("nord", settings)
    app = app_on(settings, tmp_path, theme="textual-light")  # triangulate join --light
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.theme == "textual-light"
    assert app_on(settings, tmp_path).theme == "nord"


def test_an_unknown_or_unreadable_saved_theme_is_ignored(tmp_path: Path) -> None:
    settings = tmp_path / "settings"
    save_theme("no-such-theme", settings)
    assert app_on(settings, tmp_path).theme == "textual-dark"
    (settings / "theme.json").write_text("{not json", encoding="utf-8")
    assert app_on(settings, tmp_path).theme == "textual-dark"
