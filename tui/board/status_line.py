"""The status line: connection state, commands still in the outbox (and why they are being retried), unread
findings and lines of enquiry, and what the filter shows."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Literal

from textual.timer import Timer
from textual.widgets import Static

from tui.widgets.plain import assemble

Connection = Literal["connecting", "connected", "reconnecting", "offline", "refused"]


@dataclass(frozen=True)
class Status:
    """Everything the line shows; the board replaces it whole and the widget redraws."""

    connection: Connection = "offline"
    retry_at: float | None = None
    """time.monotonic() of the next attempt while reconnecting."""
    reason: str = ""
    unsent: int = 0
    retrying: str = ""
    """Why the outbox is waiting to send again ('' when it is not): the server did not store a command."""
    unread: int = 0
    above: int = 0
    """New findings above the rows in view, the inspector having scrolled away from the newest."""
    shown: int = 0
    total: int = 0
    enquiries: int = 0
    """Unread lines of enquiry in my inbox (addressed to me or my inspectorate)."""


def connection_text(status: Status, now: float) -> tuple[str, str]:
    """(words, style) for the connection part; the countdown is whole seconds, never negative."""
    match status.connection:
        case "connected":
            return "● connected", "$text-success"
        case "connecting":
            return "◌ connecting…", "$text-warning"
        case "reconnecting":
            if status.retry_at is None:
                return "◌ reconnecting…", "$text-warning"
            seconds = max(0, round(status.retry_at - now))
            return (f"◌ reconnecting in {seconds}s" if seconds else "◌ reconnecting…"), "$text-warning"
        case "refused":
            return "✗ token refused", "$text-error"
        case _:
            return "○ offline", "$text-error"


class StatusLine(Static):
    """One line above the footer; ticks once a second only while a reconnect countdown runs."""

    DEFAULT_CSS = """
    StatusLine { height: 1; padding: 0 1; background: $panel; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.status = Status()
        self._timer: Timer | None = None

    def on_mount(self) -> None:
        self._timer = self.set_interval(1.0, self._tick, pause=True)
        self._draw()

    def set_status(self, **changes: object) -> None:
        status = replace(self.status, **changes)  # type: ignore[arg-type]
        if status == self.status and self._timer is not None:
            return  # a batch sets the same counts many times over
        self.status = status
        if self._timer is not None:
            if self.status.connection == "reconnecting" and self.status.retry_at is not None:
                self._timer.resume()
            else:
                self._timer.pause()
        self._draw()

    def _tick(self) -> None:
        self._draw()

    def _draw(self) -> None:
        s = self.status
        words, style = connection_text(s, time.monotonic())
        parts: list[str | tuple[str, str]] = [(words, style)]
        if s.connection == "reconnecting" and s.reason:
            reason = s.reason if len(s.reason) <= 30 else s.reason[:29] + "…"
            parts.append((f" ({reason})", "$text-muted"))
        parts.append("  ·  ")
        parts.append((f"{s.unsent} unsent", "$text-warning bold") if s.unsent else ("all sent", "$text-muted"))
        if s.unsent and s.retrying:
            parts.append((f", retrying: {s.retrying}", "$text-warning"))
        parts.append("  ·  ")
        parts.append((f"{s.unread} unread", "bold") if s.unread else ("0 unread", "$text-muted"))
        if s.above:
            parts.append((f" ({s.above} new above ↑)", "bold $text-accent"))
        parts.append("  ·  ")
        if s.enquiries:
            plural = "y" if s.enquiries == 1 else "ies"
            parts.append((f"✉ {s.enquiries} new enquir{plural} (i)", "bold $text-accent"))
        else:
            parts.append(("no new enquiries", "$text-muted"))
        parts.append("  ·  ")
        shown = f"{s.total:,} findings" if s.shown == s.total else f"{s.shown:,} of {s.total:,} shown"
        parts.append((shown, "$text-muted"))
        self.update(assemble(*parts), layout=False)  # one line, always: no layout pass of the screen
