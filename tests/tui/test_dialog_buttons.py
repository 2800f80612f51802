"""A dialog's buttons run the same actions as its keys: a click dismisses with what the key would return."""

from __future__ import annotations

from typing import Any

import pytest
from textual.app import App
from textual.screen import ModalScreen

from shared.vocabulary import Agency
from tui.board.filter_dialog import FilterDialog
from tui.dialogs.quit_dialog import QuitDialog
from tui.state import FindingFilter


class Host(App[None]):
    """Shows one dialog and keeps what it returns."""

    def __init__(self, dialog: ModalScreen[Any]) -> None:
        super().__init__()
        self.dialog = dialog
        self.results: list[Any] = []

    def on_mount(self) -> None:
        self.push_screen(self.dialog, self.results.append)


@pytest.mark.parametrize(
    ("make", "button", "result"),
    [
        (lambda: QuitDialog(2), "#quit", True),
        (lambda: QuitDialog(2), "#stay", False),
        (lambda: FilterDialog(FindingFilter(), []), "#clear", ""),
        (lambda: FilterDialog(FindingFilter(), []), "#cancel", None),
        (lambda: FilterDialog(FindingFilter(agency=Agency.POLICE), []), "#apply", "agency:police"),
    ],
)
async def test_a_click_returns_what_the_key_would(make: Any, button: str, result: Any) -> None:
    app = Host(make())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.click(button)
        await pilot.pause()
        assert app.results == [result]
        assert not isinstance(app.screen, ModalScreen)
