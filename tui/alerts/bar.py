"""The full-width alert bar: what nobody on the team may miss, at the top of whichever screen is showing.

It draws the lines tui.alerts.book.bar_lines works out and nothing else; the app mounts one on every screen and
keeps them all current. ``split: top`` (not ``dock``) puts it above the header and shrinks the rest of the
screen, so it never covers what it would otherwise hide.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual import events
from textual.content import Content
from textual.widget import Widget

from tui.alerts.book import BarLine
from tui.widgets.plain import assemble, plain

MAX_LINES = 3
"""More than this and the bar says how many more: the alerts screen lists them all."""

STYLE = {"harm": "bold", "overdue": "bold", "unconfirmed": "bold italic"}


class AlertBar(Widget):
    """Hidden while there is nothing to say; a click opens the alerts screen.

    A plain Widget rather than a Static, so screens that look up "their" Static never find the bar instead.
    """

    DEFAULT_CSS = """
    AlertBar {
        split: top; width: 100%; height: auto; max-height: 4; display: none;
        padding: 0 1; background: $error; color: auto 95%; text-wrap: nowrap; text-overflow: ellipsis;
    }
    AlertBar.-shown { display: block; }
    AlertBar.-quiet { background: $warning; }
    """

    def __init__(self) -> None:
        super().__init__(id="alert-bar")
        self.lines: tuple[BarLine, ...] = ()
        self._content = plain("")

    def show_lines(self, lines: Sequence[BarLine]) -> None:
        lines = tuple(lines)
        if lines == self.lines and self.is_mounted:
            return
        self.lines = lines
        self.set_class(bool(lines), "-shown")
        self.set_class(bool(lines) and all(line.severity == "unconfirmed" for line in lines), "-quiet")
        shown = lines[:MAX_LINES]
        parts: list[str | tuple[str, str]] = []
        for index, line in enumerate(shown):
            parts += ["\n" if index else "", (line.text, STYLE[line.severity])]
        if len(lines) > len(shown):
            parts.append((f"\n… and {len(lines) - len(shown)} more — press a for the alerts screen", "bold"))
        self._content = assemble(*parts)
        self.refresh(layout=True)

    def render(self) -> Content:
        return self._content

    @property
    def text(self) -> str:
        """Every line in full, even those cut short on screen (what tests look at)."""
        return "\n".join(line.text for line in self.lines)

    async def _on_click(self, event: events.Click) -> None:
        event.stop()
        await self.app.run_action("feature('alerts', 'alerts')")
