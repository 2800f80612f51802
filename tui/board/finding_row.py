"""How one finding becomes one line of the team board: the columns, which fit at a given width, and the cells.

Pure functions over a FindingView so the virtual list can render just the lines on screen, and so the
benchmark's baseline table shows the very same cells.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import tzinfo
from typing import Any

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style

from tui.timefmt import short_time
from tui.widgets.labels import AGENCY_SHORT, INSPECTORATE_SHORT, KIND_SHORT, STATUS_MARK, SUPPORT_MARK, short
from tui.widgets.plain import visible

TEXT_MIN = 16
"""The finding's first line never shrinks below this; lesser columns drop out first on a narrow terminal."""


@dataclass(frozen=True)
class Column:
    """A list column: its heading, width, and how important it is to keep when space runs out (lower = keep)."""

    key: str
    title: str
    width: int
    priority: int


AUTHOR_WIDTH = 12

COLUMNS: tuple[Column, ...] = (
    Column("mark", "", 2, 0),
    Column("support", "✓", 1, 2),
    Column("time", "Time", 12, 1),
    Column("inspectorate", "Insp.", 8, 5),
    Column("agency", "Agency", 9, 2),
    Column("kind", "Kind", 11, 2),
    Column("criterion", "Crit.", 6, 6),
    Column("child", "Child ID", 9, 3),
    Column("author", "Author", AUTHOR_WIDTH, 4),
)
TEXT_COLUMN = Column("text", "Finding", 0, 0)


def fit_columns(width: int) -> list[Column]:
    """The columns that fit in ``width`` cells, in display order, ending with a text column taking the rest."""
    chosen = list(COLUMNS)
    for column in sorted(COLUMNS, key=lambda c: -c.priority):
        used = sum(c.width + 1 for c in chosen)
        if width - used >= TEXT_MIN or column.priority == 0:
            break
        chosen.remove(column)
    used = sum(c.width + 1 for c in chosen)
    return [*chosen, Column("text", TEXT_COLUMN.title, max(0, width - used), 0)]


def short_name(name: str, width: int) -> str:
    """'Margaret Dunne' -> 'Margaret D.' when the full name does not fit the column."""
    if cell_len(name) <= width:
        return name
    words = name.split()
    if len(words) >= 2:
        shorter = f"{' '.join(words[:-1])} {words[-1][0]}."
        if cell_len(shorter) <= width:
            return shorter
        return f"{words[0][0]}. {words[-1]}"
    return name


def cells(view: Any, tz: tzinfo, unread: bool, status: str | None = None) -> dict[str, str]:
    """The text of every column for one finding (a tui.state.FindingView); ``status`` overrides view.status."""
    fields = view.fields
    amended = len(view.history) > 1
    status = STATUS_MARK.get(status or view.status, "?")
    mark = ("●" if unread else " ") + ("✎" if amended and status == " " else status)
    return {
        "mark": mark,
        "support": SUPPORT_MARK.get(str(getattr(view, "support", "")), ""),
        "time": short_time(view.posted_at, tz),
        "inspectorate": short(INSPECTORATE_SHORT, view.author.inspectorate),
        "agency": short(AGENCY_SHORT, fields.agency),
        "kind": short(KIND_SHORT, fields.kind),
        "criterion": fields.criterion or "",
        "child": fields.child_id or "",
        "author": short_name(view.author.name, AUTHOR_WIDTH),
        "text": f"withdrawn · {view.first_line}" if getattr(view, "withdrawn", None) is not None else view.first_line,
    }


def render_segments(
    columns: list[Column],
    values: dict[str, str],
    base: Style,
    style_for: Callable[[str], Style | None] = lambda key: None,
) -> list[Segment]:
    """Lay the cells out into segments padded to each column's width, one space between columns."""
    segments: list[Segment] = []
    for index, column in enumerate(columns):
        if column.width <= 0:
            continue
        extra = style_for(column.key)
        style = base + extra if extra else base
        text = visible(values.get(column.key, ""), one_line=True)
        if column.key == "text" and cell_len(text) > column.width:
            text = set_cell_size(text, column.width - 1) + "…"
        segments.append(Segment(set_cell_size(text, column.width), style))
        if index < len(columns) - 1:
            segments.append(Segment(" ", base))
    return segments


def headings(columns: list[Column]) -> dict[str, str]:
    return {c.key: c.title for c in columns}
