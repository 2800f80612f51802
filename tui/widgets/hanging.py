"""Text with a hanging indent, as a Textual Visual: wrapped lines start under the text, not under its number.

An option list wraps a long prompt back to column 0, so a numbered agenda item or a bulleted entry loses its
shape when it wraps. ``Hanging`` stacks blocks, each a prefix (the number or bullet) and a body wrapped to
the room beside it, and draws them as one Content; anything that shows a Visual can show it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual.content import Content
from textual.css.styles import RulesMap
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual

from tui.widgets.plain import assemble, plain

NO_PREFIX = plain("")


@dataclass(frozen=True)
class Block:
    """``indent`` spaces, then ``prefix``, then ``body``; the body's wrapped lines line up under its start."""

    body: Content
    prefix: Content = NO_PREFIX
    indent: int = 0

    @property
    def hang(self) -> int:
        return self.indent + self.prefix.cell_length

    def lines(self, width: int) -> list[Content]:
        room = max(8, width - self.hang)
        wrapped = self.body.wrap(room) or [plain("")]
        first = assemble(" " * self.indent, self.prefix, wrapped[0])
        return [first, *(assemble(" " * self.hang, line) for line in wrapped[1:])]


class Hanging(Visual):
    """One or more blocks, one under another."""

    def __init__(self, blocks: Sequence[Block]) -> None:
        self.blocks = tuple(blocks)

    @property
    def plain(self) -> str:
        """The text without wrapping (what tests read)."""
        return "\n".join(" " * b.indent + b.prefix.plain + b.body.plain for b in self.blocks)

    def __str__(self) -> str:
        return self.plain

    def _content(self, width: int) -> Content:
        return plain("\n").join(line for block in self.blocks for line in block.lines(width))

    def render_strips(self, width: int, height: int | None, style: Style, options: RenderOptions) -> list[Strip]:
        return self._content(width).render_strips(width, height, style, options)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return container_width

    def get_height(self, rules: RulesMap, width: int) -> int:
        return sum(len(block.lines(width)) for block in self.blocks)
