"""The app's side of the report preview: the screen (``R`` from anywhere), keeping it live, and the export.

A mixin for TriangulateApp, like MeetingsMixin: Textual calls a message handler on every class of the app's
MRO, so this mixin's ``on_client_batch`` and ``on_cache_loaded`` run right after the app's own have folded the
events into ``state``. While the preview is open it is rebuilt after any batch with an event that can change the
report (a finding, a link, a grade, the fieldwork dates) or after the cache was reset, once per screen refresh
however many batches came; ``R`` on the preview rebuilds it too. Files go where exported minutes go
(tui.meetings.actions), written off the UI thread.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from shared import kinds
from shared.grade_board import GRADE_KINDS
from shared.report import build_report
from shared.report_html import render_html
from shared.report_markdown import render_markdown
from shared.report_model import Report
from tui import messages as m
from tui.meetings.actions import default_export_dir, slug
from tui.report.input import report_input
from tui.report.screen import Format, ReportScreen
from tui.state import TeamState
from tui.timefmt import Clock, to_local, zone

if TYPE_CHECKING:
    _Base = App[None]
else:
    _Base = object

REPORT_BINDINGS = [
    Binding("R", "report", "Report", key_display="R", show=False),
]
"""Not in the footer, which is full at 80 columns: the help screen and the command palette name it."""

REPORT_KINDS = frozenset({
    kinds.FINDING_POSTED, kinds.FINDING_AMENDED, kinds.FINDING_WITHDRAWN, kinds.FINDING_LINKED, kinds.FINDING_UNLINKED,
    *GRADE_KINDS, kinds.FIELDWORK_SET,
})
"""Events that can change the report: findings and their links, grades, and the reporting clock's dates."""


def changes_report(batch_items: Iterable[m.ClientMessage]) -> bool:
    for item in batch_items:
        if isinstance(item, m.EventReceived) and item.event.kind in REPORT_KINDS:
            return True
        if isinstance(item, m.CacheReset):
            return True
    return False


def export_name(report: Report, fmt: Format) -> str:
    """``northmoor-report-2026-11-28.html``: the inspection and the local day the record was read."""
    day = to_local(report.generated_at, zone(report.timezone)).date()
    name = report.title.removesuffix(": inspection report")
    return f"{slug(name)}-report-{day.isoformat()}.{fmt}"


class ReportMixin(_Base):
    """The report preview for TriangulateApp."""

    # provided by TriangulateApp
    state: TeamState
    now: Clock

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.report_export_dir: Path | None = None
        """Where exported reports go; None means the user's documents folder (tests point it elsewhere)."""
        self._report_due = False

    # ------------------------------------------------------------------ after the app's own handlers

    def on_cache_loaded(self, _message: Any) -> None:
        self._report_refresh()

    def on_client_batch(self, batch: Any) -> None:
        """Rebuild once for however many batches arrive before the screen is next drawn (a catch-up is many)."""
        if changes_report(batch.items) and not self._report_due and self.is_running:
            self._report_due = True
            self.call_after_refresh(self._report_refresh)

    def _report_refresh(self) -> None:
        self._report_due = False
        if not self.is_running:
            return
        screens = [screen for screen in self.screen_stack if isinstance(screen, ReportScreen)]
        if screens:
            report = self.report_now()
            for screen in screens:
                screen.show(report)

    def report_now(self) -> Report | None:
        """The report from what the server has recorded, as of now; None before the first welcome."""
        if self.state.inspection is None:
            return None
        return build_report(report_input(self.state, self.now()))

    # ------------------------------------------------------------------ the screen

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The preview in the command palette (ctrl+p)."""
        yield from super().get_system_commands(screen)
        yield SystemCommand("Report preview", "The published report as it stands: read, save or copy it (R)",
                            self.action_report)

    def action_report(self) -> None:
        """Open the preview; on the preview, rebuild it now."""
        if isinstance(self.screen, ReportScreen):
            self._report_refresh()
            return
        screen = ReportScreen()
        self.push_screen(screen)
        screen.show(self.report_now())

    # ------------------------------------------------------------------ export

    def on_report_screen_copy(self, message: ReportScreen.Copy) -> None:
        text = render_markdown(message.report)
        self.copy_to_clipboard(text)
        self.notify(f"{len(text.splitlines())} lines of Markdown. Paste them into your draft.",
                    title="Report copied", timeout=8)

    def on_report_screen_export(self, message: ReportScreen.Export) -> None:
        report, fmt = message.report, message.fmt
        path = (self.report_export_dir or default_export_dir()) / export_name(report, fmt)
        self._write_report(path, report, fmt)

    @work(thread=True, group="export")
    def _write_report(self, path: Path, report: Report, fmt: Format) -> None:
        """Off the UI thread: rendering a long report and a slow or synced documents folder both take a moment."""
        text = render_html(report) if fmt == "html" else render_markdown(report)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        except OSError as failed:
            self.call_from_thread(self.notify, f"Could not write {path}: {failed.strerror or failed}",
                                  title="Report not saved", severity="error", timeout=12)
            return
        what = "HTML, ready to print" if fmt == "html" else "Markdown"
        self.call_from_thread(self.notify, f"Saved to {path}", title=f"Report saved as {what}", timeout=12)
