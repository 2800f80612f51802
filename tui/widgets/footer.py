"""The footer every screen and dialog shows: Textual's, rebuilt only when the keys it shows change.

Textual's footer rebuilds all its keys (a dozen widgets, each restyled) whenever the screen's bindings are
refreshed, and our screens refresh them on every highlight move and every batch from the server, because what a
key may do depends on the row and the state; the keys themselves seldom change. Measured on four app-test files side
by side: 20.2 → 14.3 s of CPU with this footer (docs/performance.md, "Test suite").
"""

from __future__ import annotations

from collections.abc import Hashable

from textual.widgets import Footer


class KeyFooter(Footer):
    """A footer that keeps its keys while they would be rebuilt the same."""

    _shown: Hashable = None

    def _showing(self) -> Hashable:
        """Everything ``Footer.compose`` reads to draw the keys."""
        keys = tuple(
            (binding.key, binding.key_display, binding.description, binding.action, binding.show, binding.group,
             enabled, tooltip, binding.tooltip)
            for _node, binding, enabled, tooltip in self.screen.active_bindings.values()
        )
        return keys, self.compact, self.show_command_palette

    async def recompose(self) -> None:
        if not self.is_attached or self._pruning:
            return  # as Widget.recompose: nothing to rebuild, and no screen to ask
        showing = self._showing()
        if showing == self._shown:
            return
        self._shown = showing
        await super().recompose()
