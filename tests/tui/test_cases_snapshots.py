"""Snapshots of the cases screen: at 100×30 on a case that is being tracked, and at 80×24 as an inspector sees
their own cases.

Deterministic, like test_grades_snapshots.py: a fixed clock, a seeded cache (app_data findings, cases_data's
import, draw, allocations and progress), no network. Regenerate with
``pytest tests/tui/test_cases_snapshots.py --snapshot-update`` only after looking at the report.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from shared.protocol import Inspector
from tui.app import TriangulateApp
from tui.cases.screen import CasesScreen

from .app_data import ASHA, BEN, NOW, seeded_store
from .app_server import wait_for
from .cases_data import case_log, random_ids


def cases_app(tmp_path: Path, me: Inspector = ASHA) -> TriangulateApp:
    store = seeded_store(tmp_path / "cache.sqlite3", me=me)
    store.append(case_log(store.head + 1))
    return TriangulateApp(store=store, now=lambda: NOW)


def on_cases(app: TriangulateApp, child_id: str, *keys: str) -> Any:
    async def run_before(pilot: Pilot[Any]) -> None:
        await wait_for(pilot, lambda: app.state.cases.drawn is not None, "the cache")
        await pilot.press("K")
        await wait_for(pilot, lambda: isinstance(app.screen, CasesScreen), "the cases screen")
        screen = app.screen
        assert isinstance(screen, CasesScreen)
        await pilot.press(*keys)
        screen.select(child_id)
        await pilot.pause()

    return run_before


def test_cases_screen_for_the_lead(snap_compare: Any, tmp_path: Path) -> None:
    """The whole sample: Ben has met the first case's family; the lead may allocate and record progress."""
    app = cases_app(tmp_path)
    assert snap_compare(app, terminal_size=(100, 30), run_before=on_cases(app, random_ids()[0]))


def test_cases_screen_mine_at_80x24(snap_compare: Any, tmp_path: Path) -> None:
    """Ben's own four cases at 80×24: what he may do on the one he is tracking."""
    app = cases_app(tmp_path, me=BEN)
    assert snap_compare(app, terminal_size=(80, 24), run_before=on_cases(app, random_ids()[1], "f"))
