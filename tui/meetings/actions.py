"""The app's side of KIT, team and final meetings: the meetings screen, our meeting commands, and exporting minutes.

A mixin for TriangulateApp. It needs no hook in app.py: Textual calls a message handler on every class of
the app's MRO, so this mixin's ``on_client_batch`` and ``on_cache_loaded`` run right after the app's own
have folded the events into ``state`` — then the meetings screen, if open, is redrawn from that state; and
the app's command palette list begins with ``super().get_system_commands``, which reaches this mixin's.
The minutes themselves are folded by tui.triangulation.book with shared.meetings.Minutes, the model the server
enforces; the lead's commands go through the app's one outbox (``send_command``), like every other.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs
from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from shared import kinds
from shared.catalogue import read_payload
from shared.meetings import (
    AddAgendaItem,
    AmendEntry,
    CloseMeeting,
    DropAgendaItem,
    MeetingKind,
    MeetingOpened,
    Minutes,
    MoveAgendaItem,
    OpenMeeting,
    RecordEntry,
    minutes_markdown,
)
from shared.protocol import Command, Event
from tui import messages as m
from tui.meetings.screen import MeetingsScreen
from tui.state import TeamState
from tui.timefmt import DEFAULT_TIMEZONE, Clock, to_local, zone

if TYPE_CHECKING:
    _Base = App[None]
else:
    _Base = object

MEETING_BINDINGS = [
    Binding("m", "meetings", "Meetings", show=False),
]
"""Not in the footer, to leave room at 80 columns: help (?) and the palette (ctrl+p) list it."""

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


OPENED_NAMES = {MeetingKind.KIT: "KIT meeting", MeetingKind.TEAM: "team meeting", MeetingKind.FINAL: "final meeting"}
"""How a notification names a meeting someone opened."""


MEETING_KINDS = frozenset({
    kinds.MEETING_OPENED, kinds.AGENDA_ADDED, kinds.AGENDA_MOVED, kinds.AGENDA_DROPPED, kinds.MEETING_RECORDED,
    kinds.MEETING_AMENDED, kinds.MEETING_CLOSED,
    kinds.GRADE_REOPENED, kinds.GRADE_AGREED,  # a reopened grade, or its new agreement, amends the final minutes
})
"""Events that change what the meetings screen shows."""
MEETING_COMMANDS = (OpenMeeting, AddAgendaItem, MoveAgendaItem, DropAgendaItem, RecordEntry, AmendEntry, CloseMeeting)


def sending(state: TeamState) -> dict[str, Command]:
    """Our meeting commands not yet settled: the screen says they are on their way."""
    return {cid: c for cid, c in state.evidence.pending.items() if isinstance(c, MEETING_COMMANDS)}


class MeetingsMixin(_Base):
    """Meetings for TriangulateApp: the screen (``m``), sending its commands, and the export."""

    # provided by TriangulateApp
    state: TeamState
    now: Clock
    if TYPE_CHECKING:

        @property
        def caught_up(self) -> bool: ...
    send_command: Callable[[Command], None]
    """The app's one outbox: shown as ours at once, durable, then on the wire."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.meetings_export_dir: Path | None = None
        """Where exported minutes go; None means the user's documents folder (tests point it elsewhere)."""

    # ------------------------------------------------------------------ after the app's own handlers

    def on_cache_loaded(self, _message: Any) -> None:
        self._meetings_refresh()

    def on_client_batch(self, batch: Any) -> None:
        """The app has folded the batch into state: announce a meeting opened live, and redraw the screen."""
        if not self.is_running:
            return
        relevant = False
        for item in batch.items:
            if isinstance(item, m.EventReceived):
                if item.event.kind in MEETING_KINDS:
                    relevant = True
                    if item.event.kind == kinds.MEETING_OPENED and self.caught_up:
                        self._announce_opened(item.event)
            elif isinstance(item, m.Acked | m.Rejected | m.CacheReset):
                relevant = True  # one of ours may have settled, or the whole state was rebuilt
        if relevant:
            self._meetings_refresh()

    def _announce_opened(self, event: Event) -> None:
        """A meeting opened live by someone else: say where to follow it (not to the lead who opened it)."""
        me = self.state.me
        if event.actor is not None and me is not None and event.actor.id == me.id:
            return
        who = event.actor.name if event.actor else "The lead"
        opened = read_payload(event)
        kind = OPENED_NAMES[opened.kind] if isinstance(opened, MeetingOpened) else "meeting"
        self.notify(f"{who} opened the {kind}: press m to follow it.", title="Meeting open")

    # ------------------------------------------------------------------ the screen

    def _meetings_refresh(self) -> None:
        if not self.is_running:
            return
        for screen in self.screen_stack:
            if isinstance(screen, MeetingsScreen):
                screen.show(self.state, sending(self.state))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The meetings screen in the command palette (ctrl+p): TriangulateApp's list starts with super()'s."""
        yield from super().get_system_commands(screen)
        yield SystemCommand("Meetings", "KIT, team and final meetings: agenda, minutes, actions, past days (m)",
                            self.action_meetings)

    def action_meetings(self) -> None:
        if isinstance(self.screen, MeetingsScreen):
            return
        screen = MeetingsScreen(self.now)
        self.push_screen(screen)
        screen.show(self.state, sending(self.state))

    def on_meetings_screen_send(self, message: MeetingsScreen.Send) -> None:
        self.send_command(message.command)
        self._meetings_refresh()

    # ------------------------------------------------------------------ export

    def on_meetings_screen_export(self, message: MeetingsScreen.Export) -> None:
        minutes = self.state.evidence.meetings.get(message.meeting_id)
        if minutes is None:
            return
        inspection = self.state.inspection
        name = inspection.name if inspection else "Inspection"
        timezone = inspection.timezone if inspection and inspection.timezone else DEFAULT_TIMEZONE
        text = minutes_markdown(minutes, inspection_name=name, timezone=timezone)
        same_day = sum(1 for other in self.state.evidence.meetings.values()
                       if other.kind is minutes.kind and other.day == minutes.day)
        path = (self.meetings_export_dir or default_export_dir()) / export_name(minutes, name, same_day, timezone)
        self.copy_to_clipboard(text)
        self._write_minutes(path, text)

    @work(thread=True, group="export")
    def _write_minutes(self, path: Path, text: str) -> None:
        """Off the UI thread: the documents folder may be a slow or synced drive."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        except OSError as failed:
            self.call_from_thread(self.notify, f"Could not write {path}: {failed.strerror or failed}",
                                  title="Minutes not saved", severity="error", timeout=12)
            return
        self.call_from_thread(self.notify, f"Saved to {path} and copied to the clipboard.",
                              title="Minutes exported", timeout=12)
