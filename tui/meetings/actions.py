"""The meetings feature: planning, KIT, team and final meetings — the meetings screen (``m``), keeping it live,
exporting minutes, and the lead's header marker while today's KIT meeting is not held (CP ¶30).

The minutes themselves are folded by tui.triangulation.book with shared.meetings.Minutes, the model the server
enforces; the lead's commands go through the outbox from the meetings screen, like every other.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import platformdirs
from textual.app import SystemCommand
from textual.screen import Screen

from shared import kinds
from shared.meetings import MeetingKind, MeetingOpened, Minutes, minutes_markdown
from tui import messages as m
from tui.feature import Batch, Feature, Folded, Host, feature_key
from tui.meetings.screen import MeetingsScreen, sending
from tui.timefmt import DEFAULT_TIMEZONE, to_local, zone

EXPORT_FOLDER = "Triangulate"
"""Minutes are written to this folder in the user's documents folder (platformdirs), unless told otherwise."""


def default_export_dir() -> Path:
    return Path(platformdirs.user_documents_dir()) / EXPORT_FOLDER


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "inspection"


def export_name(minutes: Minutes, inspection_name: str, same_day: int, timezone: str) -> str:
    """``northmoor-kit-meeting-2026-11-18.md``; with the opening time when there were two that day."""
    opened = f"-{to_local(minutes.opened_at, zone(timezone)):%H%M}" if same_day > 1 else ""
    return f"{slug(inspection_name)}-{minutes.kind.value}-meeting-{minutes.day.isoformat()}{opened}.md"


OPENED_NAMES = {MeetingKind.KIT: "KIT meeting", MeetingKind.TEAM: "team meeting", MeetingKind.FINAL: "final meeting",
                MeetingKind.PLANNING: "planning meeting"}
"""How a notification names a meeting someone opened."""


MEETING_KINDS = frozenset({
    kinds.MEETING_OPENED, kinds.AGENDA_ADDED, kinds.AGENDA_MOVED, kinds.AGENDA_DROPPED, kinds.MEETING_RECORDED,
    kinds.MEETING_AMENDED, kinds.MEETING_CLOSED, kinds.ATTENDANCE_RECORDED,
    kinds.GRADE_REOPENED, kinds.GRADE_AGREED,  # a reopened grade, or its new agreement, amends the final minutes
})
"""Events that change what the meetings screen shows."""


class MeetingsFeature(Feature):
    """Meetings: the screen (``m``), keeping it live, and the export."""

    name = "meetings"
    BINDINGS = [feature_key(name, "m", "meetings", "Meetings", show=False)]
    """Not in the footer, to leave room at 80 columns: help (?) and the palette (ctrl+p) list it."""

    export_dir: Path | None = None
    """Where exported minutes go; None means the user's documents folder (tests point it elsewhere)."""

    def loaded(self) -> None:
        self._refresh()

    def mounted(self) -> None:
        self.host.set_interval(60, self._refresh)  # a new day: today's KIT meeting is due again

    def after_batch(self, batch: Batch) -> None:
        """Announce a meeting opened live, and redraw the screen and the header if the batch touched a meeting or
        settled ours."""
        for folded in batch.events:
            if folded.live and folded.event.kind == kinds.MEETING_OPENED:
                self._announce_opened(folded)
        if batch.has(MEETING_KINDS) or batch.settled or batch.reset or batch.connected:
            self._refresh()

    def _announce_opened(self, folded: Folded) -> None:
        """A meeting opened live by someone else: say where to follow it. To the lead who opened it, only what
        the server warned about (CP ¶31's day and invitation), which the minutes keep."""
        actor, me = folded.event.actor, self.host.state.me
        if actor is not None and me is not None and actor.id == me.id:
            if isinstance(folded.payload, MeetingOpened) and folded.payload.warnings:
                self.host.notify("\n".join(w.text for w in folded.payload.warnings), severity="warning",
                                 title=f"{folded.payload.kind.label}: opened with a warning", timeout=12)
            return
        who = actor.name if actor else "The lead"
        kind = OPENED_NAMES[folded.payload.kind] if isinstance(folded.payload, MeetingOpened) else "meeting"
        self.host.notify(f"{who} opened the {kind}: press m to follow it.", title="Meeting open")

    def _refresh(self) -> None:
        host = self.host
        if not host.is_running:
            return
        host.show_title()
        for screen in host.screen_stack:
            if isinstance(screen, MeetingsScreen):
                screen.show(host.state, sending(host.state))

    def commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield SystemCommand("Meetings", "Planning, KIT, team and final meetings: agenda, attendance, minutes, "
                            "actions, past days (m)",
                            self.action_meetings)

    def action_meetings(self) -> None:
        host = self.host
        if isinstance(host.screen, MeetingsScreen):
            return
        screen = MeetingsScreen(host.now, host.outbox)
        host.push_screen(screen)
        screen.show(host.state, sending(host.state))

    def request(self, request: m.Request) -> None:
        if isinstance(request, m.ExportMinutes):
            self._export(request.meeting_id)

    def _export(self, meeting_id: str) -> None:
        state = self.host.state
        minutes = state.evidence.meetings.get(meeting_id)
        if minutes is None:
            return
        inspection = state.inspection
        name = inspection.name if inspection else "Inspection"
        timezone = inspection.timezone if inspection and inspection.timezone else DEFAULT_TIMEZONE
        text = minutes_markdown(minutes, inspection_name=name, timezone=timezone)
        same_day = sum(1 for other in state.evidence.meetings.values()
                       if other.kind is minutes.kind and other.day == minutes.day)
        path = (self.export_dir or default_export_dir()) / export_name(minutes, name, same_day, timezone)
        self.host.copy_to_clipboard(text)
        export_file(self.host, path, lambda: text, saved="Minutes exported",
                    said=f"Saved to {path} and copied to the clipboard.", failed="Minutes not saved")


def export_file(host: Host, path: Path, text: Callable[[], str], *, saved: str, said: str, failed: str) -> None:
    """Write ``text()`` to ``path`` off the UI thread (rendering takes a moment, and the documents folder may be a
    slow or synced drive), then say in a toast that it was ``saved``, or why it ``failed``."""

    def write() -> None:
        content = text()
        if host.is_web:  # in a browser the file is the person's, not the web server's: their browser saves it
            host.call_from_thread(host.deliver_text, io.StringIO(content), save_filename=path.name)
            host.call_from_thread(host.notify, f"Your browser is saving {path.name}.", title=saved, timeout=12)
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
        except OSError as problem:
            host.call_from_thread(host.notify, f"Could not write {path}: {problem.strerror or problem}",
                                  title=failed, severity="error", timeout=12)
            return
        host.call_from_thread(host.notify, said, title=saved, timeout=12)

    host.run_worker(write, group="export", thread=True)
