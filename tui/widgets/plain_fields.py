"""Input and TextArea that draw a teammate's text without sending its control characters to the terminal.

A form prefilled with someone's words (a rationale to agree, a minute to amend, an alert letter) keeps those
words exactly, so what is sent is what was there; only the drawing goes through ``tui.widgets.plain.visible``,
line by line. A control character then takes one cell on screen where the widget counted none, so the cursor
may sit a cell to the left of where it looks on such a line: a small price for never emitting an ESC.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import Input, TextArea

from tui.widgets.plain import needs_care, visible


def visible_strip(strip: Strip) -> Strip:
    """``strip`` with every text segment made ``visible``, cut back to its width."""
    if not any(control is None and needs_care(text) for text, _, control in strip):
        return strip
    segments = [Segment(visible(text, one_line=True), style, control) if control is None else
                Segment(text, style, control) for text, style, control in strip]
    return Strip(segments).crop(0, strip.cell_length)


class PlainInput(Input):
    """An Input whose value is drawn through ``visible``."""

    def render_line(self, y: int) -> Strip:
        return visible_strip(super().render_line(y))


class PlainTextArea(TextArea):
    """A TextArea whose text is drawn through ``visible``."""

    def render_line(self, y: int) -> Strip:
        return visible_strip(super().render_line(y))
