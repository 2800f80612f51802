"""Snapshots of the triangulation view and a child's journey at 100×30.

Deterministic, like test_snapshots.py: a fixed clock, a seeded cache (app_data findings plus evidence_data's
links, enquiries and escalation), no network, no cursor blink. Regenerate with
``pytest tests/tui/test_evidence_snapshots.py --snapshot-update`` only after looking at the report.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from tui.app import TriangulateApp
from tui.triangulation.journey_screen import JourneyScreen
from tui.triangulation.screen import TriangulationScreen

from .app_server import wait_for
from .test_triangulation_app import FINDINGS, evidence_app

SIZE = (100, 30)


async def settle(pilot: Pilot[Any]) -> None:
    app = pilot.app
    assert isinstance(app, TriangulateApp)
    await wait_for(pilot, lambda: app.board.findings.row_count == FINDINGS, "the cache")
    for widget in app.screen.query(Input):
        widget.cursor_blink = False
    await pilot.pause()


def test_triangulation_view(snap_compare: Any, tmp_path: Path) -> None:
    """Health × looked after highlighted: corroborated across inspectorates, with the criterion it cites."""
    app = evidence_app(tmp_path)

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, TriangulationScreen), "the triangulation view")
        await pilot.press("down", "right")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_childs_journey(snap_compare: Any, tmp_path: Path) -> None:
    """NM-0412: two contested findings, a line of enquiry and an escalation, in time order."""
    app = evidence_app(tmp_path)

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        app.board.findings.select_id("f001")
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, JourneyScreen), "the journey")
        await settle(pilot)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
