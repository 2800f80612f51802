"""The frame every dialog is drawn in: a box in the middle of the screen, above the footer."""

from __future__ import annotations

from typing import TypeVar

from textual.screen import ModalScreen

T = TypeVar("T")


class FramedDialog(ModalScreen[T]):
    """A modal whose one Vertical (or VerticalScroll) child is its box; a subclass gives the box its width by id."""

    DEFAULT_CSS = """
    FramedDialog { align: center middle; }
    FramedDialog > Vertical, FramedDialog > VerticalScroll {
        max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    """
