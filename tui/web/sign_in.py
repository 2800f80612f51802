"""The first screen of a browser session: the person pastes their own token, which is never shown.

Nothing of the inspection is on screen until the server has accepted the token: a refusal is said here, plainly,
and the person may try again.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Label, Static

from tui.widgets.footer import KeyFooter
from tui.widgets.plain import visible

WELCOME = "Paste the token your lead inspector gave you. It is not shown, and not kept after this tab closes."


class SignInScreen(Screen[None]):
    """The hidden token field, and a line that says what happened to the last try."""

    DEFAULT_CSS = """
    SignInScreen { align: center middle; }
    SignInScreen #sign-in { width: 72; height: auto; border: round $primary; padding: 1 2; }
    SignInScreen #sign-in-title { text-style: bold; margin-bottom: 1; }
    SignInScreen #token { margin-top: 1; }
    SignInScreen #sign-in-status { margin-top: 1; color: $text-muted; }
    SignInScreen #sign-in-status.-refused { color: $error; text-style: bold; }
    """
    BINDINGS: ClassVar = []

    class TokenGiven(Message):
        """The person submitted a token (tui.web.app tries it); its repr leaves the token out."""

        def __init__(self, token: str) -> None:
            super().__init__()
            self.token = token

        def __repr__(self) -> str:
            return "SignInScreen.TokenGiven(token=…)"

    class Ready(Message):
        """The token field has the focus: what the person types from now on goes into it."""

    def __init__(self, server: str) -> None:
        super().__init__()
        self._server = server
        self._ready = False

    def compose(self) -> ComposeResult:
        with Vertical(id="sign-in"):
            yield Label("Sign in to Triangulate", id="sign-in-title")
            yield Static(visible(f"Team server: {self._server}", one_line=True), markup=False)
            yield Static(WELCOME, markup=False)
            yield Input(password=True, placeholder="your token", id="token")
            yield Static("", markup=False, id="sign-in-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#token", Input).focus()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """Focus is given a moment after the screen mounts, and keys that come before it go nowhere: the page is
        told the screen is ready only once they go into the token field."""
        if event.widget.id == "token" and not self._ready:
            self._ready = True
            self.post_message(self.Ready())

    @on(Input.Submitted, "#token")
    def _submitted(self, event: Input.Submitted) -> None:
        token = event.value.strip()
        event.input.clear()  # the token leaves the screen at once, whatever the server says
        if not token:
            self.say("Paste your token first.")
            return
        self.say("Checking your token with the team server…")
        self.post_message(self.TokenGiven(token))

    def say(self, text: str, *, refused: bool = False) -> None:
        """``text`` may hold the server's words: drawn as plain text."""
        status = self.query_one("#sign-in-status", Static)
        status.update(visible(text))
        status.set_class(refused, "-refused")
