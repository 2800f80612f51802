"""Snapshots of the board, the form, the help screen, the alerts screen and the meetings screen at 100×30.

Deterministic: a fixed clock, a seeded cache and no network (the status line says offline), no cursor blink.
Regenerate with ``pytest tests/tui/test_snapshots.py --snapshot-update`` only after looking at the report.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from tui.alerts.screen import AlertsScreen
from tui.app import TriangulateApp
from tui.meetings.screen import MeetingsScreen

from .alerts_data import alert_log
from .app_data import NOW, seed_events, seeded_store
from .app_server import wait_for
from .meetings_data import meeting_log

SIZE = (100, 30)
SHARE = "triangulate join ws://127.0.0.1:8765 --token demo-token-ben --temporary   # Ben Okafor (cqc)"


def seeded_app(tmp_path: Path) -> TriangulateApp:
    return TriangulateApp(store=seeded_store(tmp_path / "cache.sqlite3"), now=lambda: NOW, share_hint=SHARE)


async def settle(pilot: Pilot[Any]) -> None:
    """Wait for the cached findings, then stop every cursor blinking so the picture is stable."""
    app = pilot.app
    assert isinstance(app, TriangulateApp)
    await wait_for(pilot, lambda: app.board.findings.row_count == 8, "the cache")
    for widget in app.screen.query("Input, TextArea"):
        assert isinstance(widget, Input | TextArea)
        widget.cursor_blink = False
    await pilot.pause()


def test_board(snap_compare: Any, tmp_path: Path) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("down", "down", "down")  # the amended finding, with its history
        await pilot.pause()

    assert snap_compare(seeded_app(tmp_path), terminal_size=SIZE, run_before=run_before)


def test_board_filtered(snap_compare: Any, tmp_path: Path) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("slash", *"child:NM-0977", "enter")
        await pilot.pause()

    assert snap_compare(seeded_app(tmp_path), terminal_size=SIZE, run_before=run_before)


def test_form_with_errors(snap_compare: Any, tmp_path: Path) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        await settle(pilot)
        await pilot.press("ctrl+s")  # nothing filled in except the defaults: inline errors
        await pilot.pause()

    assert snap_compare(seeded_app(tmp_path), terminal_size=SIZE, run_before=run_before)


def test_help(snap_compare: Any, tmp_path: Path) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(seeded_app(tmp_path), terminal_size=SIZE, run_before=run_before)


def test_alerts_screen(snap_compare: Any, tmp_path: Path) -> None:
    """An acknowledged escalation overdue for informing (the bar nags), an open concern and a closed one."""
    store = seeded_store(tmp_path / "cache.sqlite3")
    store.append(alert_log(first_seq=len(seed_events()) + 1))
    app = TriangulateApp(store=store, now=lambda: NOW, share_hint=SHARE)

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, AlertsScreen) and app.screen.highlighted is not None,
                       "the alerts screen")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_meetings_screen(snap_compare: Any, tmp_path: Path) -> None:
    """Today's open KIT meeting (a note, the LA's response, an amended action), yesterday's closed one beside it."""
    store = seeded_store(tmp_path / "cache.sqlite3")
    store.append(meeting_log(first_seq=len(seed_events()) + 1))
    app = TriangulateApp(store=store, now=lambda: NOW, share_hint=SHARE)

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("m")
        await wait_for(pilot, lambda: isinstance(app.screen, MeetingsScreen) and app.screen.row.item is not None,
                       "the meetings screen")
        await pilot.press("down", "down")  # onto the police item's note
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
