"""At 80×24 every key a footer shows is whole, on every screen; the keys left out are in the palette and in help.

The app runs on a cache holding a bit of everything (findings, links, enquiries, alerts, meetings, grades, the
case sample), as the lead (who is offered the most), an inspector and the QA manager. On each screen the cursor
walks down its list, because what a screen offers depends on what is highlighted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.actions import parse
from textual.binding import Binding
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, TextArea
from textual.widgets._footer import FooterKey

from shared.protocol import Inspector
from tui.alerts.screen import AlertsScreen
from tui.app import TriangulateApp
from tui.board.screen import BoardScreen
from tui.cases.screen import CASE_KEYS, CasesScreen
from tui.clock.actions import ClockFeature
from tui.help_screen import ALERT_KEYS, KEYS, MEETING_KEYS
from tui.meetings.forms import MeetingForm
from tui.meetings.screen import MeetingsScreen

from .alerts_data import alert_log
from .app_data import ASHA, BEN, ELLA, NOW, seeded_store
from .app_server import wait_for
from .cases_data import case_log
from .evidence_data import evidence_log
from .grades_data import grade_log
from .meetings_data import meeting_log

SIZE = (80, 24)

HELP_SECTIONS: dict[type[Screen[Any]], tuple[tuple[str, str], ...]] = {
    BoardScreen: KEYS, AlertsScreen: ALERT_KEYS, MeetingsScreen: MEETING_KEYS, CasesScreen: CASE_KEYS,
}
"""The screens whose footers leave keys out, and where the help screen lists their keys."""


def everything_app(tmp_path: Path, me: Inspector) -> TriangulateApp:
    store = seeded_store(tmp_path / "cache.sqlite3", me=me)
    for log in (evidence_log, alert_log, meeting_log, grade_log, case_log):
        store.append(log(store.head + 1))
    return TriangulateApp(store=store, now=lambda: NOW)


def shown(screen: Screen[Any]) -> set[str]:
    """The actions the footer should show: each one marked for it that the screen allows now."""
    return {active.binding.action for active in screen.active_bindings.values() if active.binding.show}


def footer_keys(screen: Screen[Any]) -> tuple[list[FooterKey], FooterKey | None]:
    keys = list(screen.query_one(Footer).query(FooterKey))
    palette = next((key for key in keys if key.has_class("-command-palette")), None)
    return [key for key in keys if key is not palette], palette


async def check_footer(pilot: Pilot[Any], where: str) -> None:
    """The footer shows what it should, and every key of it ends before the palette's key (or the edge)."""
    screen = pilot.app.screen
    await wait_for(pilot, lambda: {key.action for key in footer_keys(screen)[0]} == shown(screen),
                   f"the footer of {where}")
    keys, palette = footer_keys(screen)
    edge = palette.region.x if palette is not None else screen.size.width
    assert palette is None or palette.region.right <= SIZE[0]
    cut = [f"{key.key_display} {key.description}" for key in keys if key.region.right > edge]
    assert not cut, f"{where}: cut off at column {edge}: {cut}"


async def walk(pilot: Pilot[Any], where: str, steps: int = 12) -> None:
    """Check the footer on each of the first ``steps`` lines of the focused list."""
    for step in range(steps):
        await check_footer(pilot, f"{where}, line {step + 1}")
        await pilot.press("down")


async def open_screen(pilot: Pilot[Any], key: str, kind: type[Screen[Any]] | None = None) -> None:
    app = pilot.app
    before = app.screen
    await pilot.press(key)
    await wait_for(pilot, lambda: app.screen is not before and (kind is None or isinstance(app.screen, kind)),
                   f"the screen behind {key}")
    for widget in app.screen.query("Input, TextArea"):
        assert isinstance(widget, Input | TextArea)
        widget.cursor_blink = False


async def close_screen(pilot: Pilot[Any]) -> None:
    await pilot.press("escape")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, BoardScreen), "back on the board")


ALL_SCREENS = (("a", 4), ("i", 3), ("t", 1), ("c", 1), ("m", 10), ("g", 8), ("K", 8), ("R", 1))
"""Each screen's key, and how many lines of its list to walk."""


@pytest.mark.parametrize(("me", "screens", "dialogs"), [
    (ASHA, ALL_SCREENS, ("question_mark", "n", "f", "exclamation_mark", "o", "l")),
    (BEN, (("a", 4), ("i", 3), ("K", 8)), ()),  # the screens whose keys depend on who you are
    (ELLA, (("g", 8),), ()),
], ids=["lead", "inspector", "qa"])
async def test_every_screens_footer_fits_80_columns(
    tmp_path: Path, me: Inspector, screens: tuple[tuple[str, int], ...], dialogs: tuple[str, ...]
) -> None:
    app = everything_app(tmp_path, me)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.state.cases.drawn is not None and app.board.findings.row_count > 0,
                       "the cache")
        await walk(pilot, "the board", steps=2)
        for key, steps in screens:
            await open_screen(pilot, key)
            await walk(pilot, type(app.screen).__name__, steps)
            if key == "m":  # yesterday's closed meeting too
                await pilot.press("shift+tab", "down", "tab")
                await walk(pilot, "yesterday's meeting", steps=3)
            if key == "K" and me is ASHA:
                await open_screen(pilot, "b")  # the balance of the sample
                await check_footer(pilot, "the balance report")
                await pilot.press("escape")
            await close_screen(pilot)
        for key in dialogs:
            await open_screen(pilot, key)
            await check_footer(pilot, type(app.screen).__name__)
            await close_screen(pilot)
        if me is ASHA:
            app.feature(ClockFeature).action_reporting_clock()
            await pilot.pause()
            await check_footer(pilot, "the reporting clock")


def palette_titles(app: TriangulateApp) -> set[str]:
    return {command.title for command in app.get_system_commands(app.screen)}


async def test_keys_left_out_of_a_footer_are_in_the_palette_and_in_help(tmp_path: Path) -> None:
    """Each screen's own keys it allows now are offered by name on that screen; every key left out is in help."""
    app = everything_app(tmp_path, ASHA)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.state.cases.drawn is not None and app.board.findings.row_count > 0,
                       "the cache")
        board_palette = palette_titles(app)
        assert {"Filter…", "Withdraw finding", "Triangulation view", "Meetings", "Grades", "Cases",
                "Report preview", "Child's journey", "I've seen the alerts"} <= board_palette
        for key, kind in (("a", AlertsScreen), ("m", MeetingsScreen), ("K", CasesScreen)):
            await open_screen(pilot, key, kind)
            await pilot.pause()
            screen = app.screen
            titles = palette_titles(app)
            for binding in Binding.make_bindings(type(screen).BINDINGS):
                _, action, parameters = parse(binding.action)
                if binding.description and screen.check_action(action, parameters):
                    assert binding.description in titles, f"{kind.__name__}: {binding.description}"
            await close_screen(pilot)

    for kind, section in HELP_SECTIONS.items():
        in_help = {word for keys, _ in section for word in keys.split()}
        hidden = [b for b in Binding.make_bindings(kind.BINDINGS) if not b.show and b.description]
        if kind is BoardScreen:
            hidden += [b for b in Binding.make_bindings(TriangulateApp.BINDINGS) if not b.show]
        for binding in hidden:
            display = binding.key_display or {"slash": "/", "exclamation_mark": "!"}.get(binding.key, binding.key)
            assert display in in_help, f"{kind.__name__}: {display} ({binding.description}) is not in help"


async def test_a_key_left_out_of_the_footer_runs_from_the_palette(tmp_path: Path) -> None:
    """On the meetings screen, the palette's Add item opens the same form as +."""
    app = everything_app(tmp_path, ASHA)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.board.findings.row_count > 0, "the cache")
        await open_screen(pilot, "m", MeetingsScreen)
        meetings = app.screen
        assert "+" not in {k.key_display for k in footer_keys(meetings)[0]}
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: app.screen is not meetings, "the palette")
        await pilot.press(*"Add item")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, MeetingForm), "the form")
        assert str(app.screen.query_one("#command-form-title", Label).render()).startswith("Add an agenda item")
