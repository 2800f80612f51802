"""The app as a browser tab runs it: the terminal app behind a sign-in screen, its bell and title sent to the page.

Until the server accepts a token only the sign-in screen can be used (every other action is off), so a wrong token
shows its refusal and nothing of the inspection. The bell, which a browser cannot ring, becomes a message to the
page (tui/web/templates/app_index.html flashes and retitles the tab); the header's title becomes the tab's title.
"""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import Any, ClassVar

from rich.segment import Segments
from rich.traceback import Traceback
from textual import on
from textual.drivers.web_driver import WebDriver

from tui.app import TriangulateApp
from tui.store import LocalStore
from tui.web.connection import SignInConnection
from tui.web.sign_in import SignInScreen

PAGE_TITLE = "Triangulate"


class WebApp(TriangulateApp):
    """One person's session in a browser tab, caching in ``store`` (a directory that goes with the session)."""

    CSS_PATH = str(Path(__file__).parents[1] / "triangulate.tcss")  # the terminal app's, beside tui/app.py
    BEFORE_SIGN_IN: ClassVar[frozenset[str]] = frozenset({"quit", "toggle_dark"})
    """The only app actions the sign-in screen allows: the rest would open screens of the inspection."""

    def __init__(self, url: str, store: LocalStore, *, ssl_context: ssl.SSLContext | None = None,
                 **kwargs: Any) -> None:
        self.connection = SignInConnection(url, store, ssl_context=ssl_context)
        super().__init__(store=store, client_factory=lambda _: self.connection, **kwargs)
        self.sign_in_screen = SignInScreen(url)
        self.connection.on_signed_in = self._signed_in
        self.connection.on_refused = self._refused
        self.connection.on_unreachable = lambda reason: self.sign_in_screen.say(
            f"Cannot reach the team server ({reason}); trying again.")

    def on_mount(self) -> None:
        self.push_screen(self.sign_in_screen)

    @on(SignInScreen.Ready)
    def _ready_to_sign_in(self) -> None:
        self.page_title(f"Sign in — {PAGE_TITLE}")  # the tab's cue to type: the token field takes keys now

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.connection.signed_in and action not in self.BEFORE_SIGN_IN:
            return False
        return super().check_action(action, parameters)

    @on(SignInScreen.TokenGiven)
    def _try_token(self, given: SignInScreen.TokenGiven) -> None:
        if not self.connection.sign_in(given.token):
            self.sign_in_screen.say("Still checking the last token: a moment.")

    def _signed_in(self) -> None:
        if self.screen is self.sign_in_screen:
            self.pop_screen()
        self.show_title()

    def _refused(self, reason: str) -> None:
        if self.connection.signed_in:  # revoked: the app ends the session (tui.app), the tab says why
            self.page_title(f"Signed out: the server refused the token — {PAGE_TITLE}")
            return
        self.sign_in_screen.say(f"The server refused this token: {reason}. Check it, or ask your lead inspector "
                                "for a new one.", refused=True)
        self.page_title(f"Token refused — {PAGE_TITLE}")

    def show_title(self) -> None:
        super().show_title()
        if self.connection.signed_in and self.state.inspection is not None:
            self.page_title(f"{self.title} — {PAGE_TITLE}")

    def _fatal_error(self) -> None:
        """Textual's crash report, without local variables: one of them may hold the person's token, and the web
        server prints what its sessions write to stderr."""
        self.bell()
        self._exit_renderables.append(Segments(self.console.render(Traceback(width=None), self.console.options)))
        self._close_messages_no_wait()

    def bell(self) -> None:
        """In a browser the page flashes and its tab says "⚠ Significant harm"; in a terminal, the bell."""
        if not self._to_page({"type": "bell"}):
            super().bell()

    def page_title(self, title: str) -> None:
        self._to_page({"type": "page_title", "title": title})

    def _to_page(self, meta: dict[str, object]) -> bool:
        driver = self._driver
        if not isinstance(driver, WebDriver):
            return False
        driver.write_meta(meta)
        return True
