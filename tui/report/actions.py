"""The report feature: the preview (``R`` from anywhere), keeping it live, and the export.

While the preview is on display it is rebuilt after any batch with an event that can change the report (a finding,
a link, a grade, the fieldwork dates) or after the cache was reset, once per screen refresh however many batches
came (covered by another screen, once it is on display again); ``R`` on the preview rebuilds it too. Files go
where exported minutes go (tui.meetings.actions), written off the UI thread.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from textual.app import SystemCommand
from textual.screen import Screen

from shared import kinds
from shared.grade_board import GRADE_KINDS
from shared.report import build_report
from shared.report_html import render_html
from shared.report_markdown import render_markdown
from shared.report_model import Report
from tui import messages as m
from tui.feature import Batch, Feature, feature_key
from tui.meetings.actions import default_export_dir, export_file, slug
from tui.report.input import report_input
from tui.report.screen import Format, ReportScreen
from tui.timefmt import to_local, zone
from tui.widgets.state_screen import on_display

REPORT_KINDS = frozenset({
    kinds.FINDING_POSTED, kinds.FINDING_AMENDED, kinds.FINDING_WITHDRAWN, kinds.FINDING_LINKED, kinds.FINDING_UNLINKED,
    *GRADE_KINDS, kinds.FIELDWORK_SET,
})
"""Events that can change the report: findings and their links, grades, and the reporting clock's dates."""


def export_name(report: Report, fmt: Format) -> str:
    """``northmoor-report-2026-11-28.html``: the inspection and the local day the record was read."""
    day = to_local(report.generated_at, zone(report.timezone)).date()
    name = report.title.removesuffix(": inspection report")
    return f"{slug(name)}-report-{day.isoformat()}.{fmt}"


class ReportFeature(Feature):
    """The report preview."""

    name = "report"
    BINDINGS = [feature_key(name, "R", "report", "Report", key_display="R", show=False)]
    """Not in the footer, which is full at 80 columns: the help screen and the command palette name it."""

    export_dir: Path | None = None
    """Where exported reports go; None means the user's documents folder (tests point it elsewhere)."""
    _due = False
    _stale = False
    """The report changed while its preview was covered by another screen: rebuild it once it is on display."""

    def loaded(self) -> None:
        self._refresh()

    def after_batch(self, batch: Batch) -> None:
        """Rebuild once for however many batches arrive before the screen is next drawn (a catch-up is many)."""
        if (batch.reset or batch.has(REPORT_KINDS)) and not self._due:
            self._due = True
            self.host.call_after_refresh(self._refresh)

    def _refresh(self) -> None:
        self._due = False
        host = self.host
        if not host.is_running:
            return
        screens = [screen for screen in host.screen_stack if isinstance(screen, ReportScreen)]
        shown = [screen for screen in screens if on_display(screen)]
        self._stale = len(shown) < len(screens)
        if shown:
            report = self.report_now()
            for screen in shown:
                screen.show(report)

    def screen_changed(self, screen: Screen[Any]) -> None:
        if self._stale and isinstance(screen, ReportScreen):
            self._refresh()

    def report_now(self) -> Report | None:
        """The report from what the server has recorded, as of now; None before the first welcome."""
        state = self.host.state
        if state.inspection is None:
            return None
        return build_report(report_input(state, self.host.now()))

    def commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield SystemCommand("Report preview", "The published report as it stands: read, save or copy it (R)",
                            self.action_report)

    def action_report(self) -> None:
        """Open the preview; on the preview, rebuild it now."""
        if isinstance(self.host.screen, ReportScreen):
            self._refresh()
            return
        screen = ReportScreen()
        self.host.push_screen(screen)
        screen.show(self.report_now())

    def request(self, request: m.Request) -> None:
        match request:
            case m.CopyReport(report=report):
                text = render_markdown(report)
                self.host.copy_to_clipboard(text)
                self.host.notify(f"{len(text.splitlines())} lines of Markdown. Paste them into your draft.",
                                 title="Report copied", timeout=8)
            case m.ExportReport(report=report, fmt=fmt):
                path = (self.export_dir or default_export_dir()) / export_name(report, fmt)
                what = "HTML, ready to print" if fmt == "html" else "Markdown"
                export_file(self.host, path, lambda: render_html(report) if fmt == "html" else render_markdown(report),
                            saved=f"Report saved as {what}", said=f"Saved to {path}", failed="Report not saved")
