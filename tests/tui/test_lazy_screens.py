"""A feature screen covered by another full screen is not redrawn on every batch: once, when it is back on display.
Under a dialog it is still on display (the dialog shows it behind), so it is redrawn at once."""

from __future__ import annotations

from textual.app import App
from textual.screen import ModalScreen, Screen

from tui.state import TeamState
from tui.widgets.state_screen import StateScreen


class Counted(StateScreen):
    def __init__(self) -> None:
        super().__init__()
        self.draws = 0

    def _draw(self) -> None:
        self.draws += 1


class Dialog(ModalScreen[None]):
    pass


async def test_a_covered_screen_draws_once_when_back_on_display() -> None:
    app: App[None] = App()
    async with app.run_test() as pilot:
        counted = Counted()
        await app.push_screen(counted)
        await pilot.pause()
        drawn = counted.draws

        await app.push_screen(Screen())
        for _ in range(5):  # a catch-up's batches
            counted.show(TeamState())
        assert counted.draws == drawn

        await app.pop_screen()
        await pilot.pause()
        assert counted.draws == drawn + 1

        await app.push_screen(Dialog())
        counted.show(TeamState())
        assert counted.draws == drawn + 2
