"""Snapshots of the report preview: the summary at 100×30, and an agency report reached with a digit at 80×24.

Deterministic, like test_grades_snapshots.py: a fixed clock, a seeded cache (app_data findings, evidence_data's
links, grades_data's grades, and one withdrawal here), no network. Regenerate with
``pytest tests/tui/test_report_snapshots.py --snapshot-update`` only after looking at the report.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from shared.protocol import Event
from tui.app import TriangulateApp
from tui.report.screen import ReportScreen

from .app_data import ASHA, NOW, seeded_store
from .app_server import wait_for
from .evidence_data import evidence_log
from .grades_data import grade_log

FINDINGS = 9
WITHDRAWN = "f004"


def report_app(tmp_path: Path) -> TriangulateApp:
    """The graded inspection, with one finding withdrawn by the lead."""
    store = seeded_store(tmp_path / "cache.sqlite3")
    store.append(evidence_log())
    store.append(grade_log(store.head + 1))
    store.append([Event(seq=store.head + 1, kind="finding.withdrawn", actor=ASHA, at=NOW,
                        data={"finding_id": WITHDRAWN, "reason": "Recorded against the wrong child."})])
    return TriangulateApp(store=store, now=lambda: NOW)


def on_preview(app: TriangulateApp, *keys: str) -> Any:
    async def run_before(pilot: Pilot[Any]) -> None:
        await wait_for(pilot, lambda: app.state.withdrawn_ids == {WITHDRAWN}, "the cache")
        await pilot.press("R")
        await wait_for(pilot, lambda: isinstance(app.screen, ReportScreen), "the preview")
        await pilot.pause()
        await pilot.press(*keys)
        await pilot.pause()

    return run_before


def test_report_preview_summary(snap_compare: Any, tmp_path: Path) -> None:
    """The front matter and the summary: grades at a glance, the health grade agreed and signed off."""
    app = report_app(tmp_path)
    assert snap_compare(app, terminal_size=(100, 30), run_before=on_preview(app))


def test_report_preview_health_at_80x24(snap_compare: Any, tmp_path: Path) -> None:
    """Key 3 jumps to the health report: its grades, then its findings with their short references."""
    app = report_app(tmp_path)
    assert snap_compare(app, terminal_size=(80, 24), run_before=on_preview(app, "3"))
