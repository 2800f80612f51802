"""The sign-in screen, in Textual's Pilot: until a token is accepted only it can be used, the token is never shown,
and what happened to the last try is said plainly."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static

from tests.tui.app_server import wait_for
from tui.store import LocalStore
from tui.web.app import WebApp
from tui.web.sign_in import SignInScreen

NOWHERE = "ws://127.0.0.1:9"


async def test_before_sign_in_nothing_but_the_token_field_answers(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "cache.sqlite3")
    app = WebApp(NOWHERE, store)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            assert isinstance(app.screen, SignInScreen)
            field = app.screen.query_one("#token", Input)
            assert field.password and field.has_focus
            await pilot.press("ctrl+p", "question_mark", "R", "a")  # the palette, help, the report, the alerts
            await pilot.pause()
            assert app.screen is app.sign_in_screen and field.value == "?Ra"
            await pilot.press("enter")
            assert field.value == "", "the token leaves the screen at once"
            status = app.screen.query_one("#sign-in-status", Static)
            await wait_for(pilot, lambda: "Cannot reach the team server" in str(status.render()), "the refusal")
            assert app.screen is app.sign_in_screen and not app.connection.signed_in
            assert app.state.inspection is None
    finally:
        store.close()


def test_the_token_message_never_shows_the_token() -> None:
    assert "secret" not in repr(SignInScreen.TokenGiven("secret"))


class TitleWatch(WebApp):
    """Records, with each title sent to the page, whether the token field had the focus at that moment."""

    titles: list[tuple[str, bool]]

    def page_title(self, title: str) -> None:
        fields = self.sign_in_screen.query("#token")
        self.titles.append((title, bool(fields) and fields.first().has_focus))
        super().page_title(title)


async def test_the_tab_is_told_to_sign_in_only_once_the_token_field_takes_keys(tmp_path: Path) -> None:
    """The page's cue to type is the title; keys typed before the field has the focus went nowhere."""
    store = LocalStore(tmp_path / "cache.sqlite3")
    app = TitleWatch(NOWHERE, store)
    app.titles = []
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_for(pilot, lambda: app.titles, "a title")
            assert app.titles[0] == ("Sign in — Triangulate", True)
    finally:
        store.close()
