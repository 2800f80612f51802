"""Ticking findings in a form's FindingPicker as a user does: type words from the finding, Enter, End, space."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from tui.triangulation.finding_picker import FindingPicker


async def tick(pilot: Pilot[Any], picker: FindingPicker, words: str) -> None:
    """Narrow the list to the one unticked finding ``words`` find, and tick it."""
    search = picker.query_one("#finding-search", Input)
    search.focus()
    search.value = words
    await pilot.pause()
    await pilot.press("enter", "end", "space")
    await pilot.pause()
