"""The command palette's entries for the screen the user is on: every key of that screen it allows now.

A footer holds only a screen's everyday keys at 80 columns; the others are still one ctrl+p away, by name. The
entries come from the screen's own bindings and its ``check_action``, so the palette never offers what the
footer would hide (a step the user may not take) and never falls out of step with the keys.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

from textual.actions import parse
from textual.app import SystemCommand
from textual.binding import Binding
from textual.screen import Screen


def screen_commands(screen: Screen[Any]) -> Iterator[SystemCommand]:
    """One command per action bound on ``screen`` itself (not its widgets, not the app) that it allows now."""
    seen: set[str] = set()
    for binding in Binding.make_bindings(type(screen).BINDINGS):
        if binding.action in seen or not binding.description:
            continue
        seen.add(binding.action)
        _, name, parameters = parse(binding.action)
        if not screen.check_action(name, parameters):
            continue
        key = screen.app.get_key_display(binding)
        about = f"{binding.tooltip} ({key})" if binding.tooltip else f"Key {key} on this screen"
        yield SystemCommand(binding.description, about, partial(screen.run_action, binding.action))
