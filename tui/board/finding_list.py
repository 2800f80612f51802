"""The team board's list of findings: a virtual list that renders only the lines on screen.

A stock DataTable builds every row up front (about a second for 10,000). Here the rows are a Python list
kept sorted newest first, a live event is one bisect and one list insert, and only the visible lines
(plus any that moved) are repainted.

Where the list stands: at its top, the newest finding is in view and new ones arrive in view; scrolled away, the
inspector's place is kept and the list counts the findings that arrived above it (``NewAbove``) until they are
back at the top.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any, ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size, Spacing
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.board.finding_row import Column, cells, fit_columns, headings, render_segments
from tui.state import shown_status
from tui.timefmt import zone

SortKey = tuple[float, str]

_KIND_COMPONENT = {
    "strength": "finding-list--strength",
    "good-practice": "finding-list--strength",
    "weakness": "finding-list--weakness",
    "area-for-improvement": "finding-list--improvement",
}

_SUPPORT_COMPONENT = {
    "corroborated": "finding-list--corroborated",
    "contested": "finding-list--contested",
    "single-source": "finding-list--dim",
}


def sort_key(view: Any) -> SortKey:
    """Oldest first by (posted_at, id); the list shows it reversed, matching tui.state.filter_findings."""
    posted: datetime = view.posted_at
    if posted.tzinfo is None:
        posted = posted.replace(tzinfo=UTC)
    return (posted.timestamp(), view.id)


class FindingList(ScrollView, can_focus=True):
    """A keyboard-driven, virtual list of findings with a fixed heading line."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "jump(0)", "First", show=False),
        Binding("end", "jump(-1)", "Last", show=False),
        Binding("enter", "select", "Open", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "finding-list--heading",
        "finding-list--cursor",
        "finding-list--unread",
        "finding-list--pending",
        "finding-list--rejected",
        "finding-list--strength",
        "finding-list--weakness",
        "finding-list--improvement",
        "finding-list--dim",
        "finding-list--empty",
        "finding-list--corroborated",
        "finding-list--contested",
    }

    DEFAULT_CSS = """
    FindingList {
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-size-vertical: 1;
        background: $surface;
        & > .finding-list--heading { text-style: bold; color: $text-muted; background: $panel; }
        & > .finding-list--cursor { background: $block-cursor-blurred-background; }
        & > .finding-list--unread { text-style: bold; }
        & > .finding-list--pending { color: $text-warning; }
        & > .finding-list--rejected { color: $text-error; text-style: strike; }
        & > .finding-list--strength { color: $text-success; }
        & > .finding-list--weakness { color: $text-error; }
        & > .finding-list--improvement { color: $text-warning; }
        & > .finding-list--dim { color: $text-muted; }
        & > .finding-list--empty { color: $text-muted; text-style: italic; }
        & > .finding-list--corroborated { color: $text-success; text-style: bold; }
        & > .finding-list--contested { color: $text-error; text-style: bold; }
    }
    FindingList:focus > .finding-list--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: $block-cursor-text-style;
    }
    """

    cursor: reactive[int] = reactive(0, init=False, always_update=True)
    """Index of the highlighted row in the visible (filtered) rows."""

    @dataclass
    class Highlighted(Message):
        """The cursor moved to another finding (or to none)."""

        finding_list: FindingList
        finding_id: str | None

        @property
        def control(self) -> FindingList:
            return self.finding_list

    @dataclass
    class NewAbove(Message):
        """How many findings arrived above the visible rows since the inspector scrolled away (0: at the top)."""

        finding_list: FindingList
        count: int

        @property
        def control(self) -> FindingList:
            return self.finding_list

    @dataclass
    class Selected(Message):
        """Enter or a double click on a finding: open it."""

        finding_list: FindingList
        finding_id: str

        @property
        def control(self) -> FindingList:
            return self.finding_list

    def __init__(self, *, timezone: str | None = None, id: str | None = None, classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self._rows: list[Any] = []
        self._keys: list[SortKey] = []
        self._key_of: dict[str, SortKey] = {}
        self._unread: set[str] = set()
        self._connected = False  # as the board starts: offline until the first welcome
        self._tz: tzinfo = zone(timezone)
        self._cache: LRUCache[tuple[Any, ...], Strip] = LRUCache(1024)
        self._columns: list[Column] = []
        self._columns_width = -1
        self.empty_message = "No findings yet — press n to record one."
        self.lines_rendered = 0
        """How many lines render_line has drawn: the scale tests and bench/tui.py check it stays small."""
        self.new_above = 0
        """Findings that arrived above the visible rows while the inspector was scrolled away."""

    # ------------------------------------------------------------------ data in
    # ``_rows`` is kept oldest first so bisect works on plain keys; display row i is _rows[-1 - i].

    @property
    def row_count(self) -> int:
        return len(self._rows)

    def row(self, index: int) -> Any:
        """The finding shown on display row ``index`` (0 = newest)."""
        return self._rows[len(self._rows) - 1 - index]

    @property
    def rows(self) -> list[Any]:
        """The visible findings, newest first (a copy: for tests and small lists)."""
        return self._rows[::-1]

    @property
    def highlighted_id(self) -> str | None:
        return self.row(self.cursor).id if 0 <= self.cursor < len(self._rows) else None

    def set_timezone(self, name: str | None) -> None:
        self._tz = zone(name)
        self._cache.clear()
        self.refresh()

    def set_connected(self, connected: bool) -> None:
        """Pending findings read "sending" while connected and "unsent" while not."""
        if connected != self._connected:
            self._connected = connected
            self._cache.clear()
            self.refresh()

    @property
    def at_top(self) -> bool:
        """The newest finding is in view: the inspector has not scrolled away."""
        return round(self.scroll_y) == 0

    def set_rows(self, rows: list[Any], *, newest: bool = False) -> None:
        """Replace every visible row (a new filter): O(n), keeps the cursor on the same finding if it stays.

        ``newest`` (findings arrived, as in a catch-up): a list at its top stays there, at the newest finding if the
        highlighted one left the rows in view.
        """
        keep = self.highlighted_id
        stay_on_top = newest and self.at_top
        self._rows = sorted(rows, key=sort_key)
        self._keys = [sort_key(view) for view in self._rows]
        self._key_of = {view.id: key for view, key in zip(self._rows, self._keys, strict=True)}
        self._cache.clear()
        self._resize_virtual()
        index = self.index_of(keep) if keep else None
        if index is None or (stay_on_top and not self._in_view(index)):
            index = None
            self.scroll_to(y=0, animate=False, immediate=True)
        self._move_cursor(index if index is not None else 0, force_message=True)
        self.refresh()

    def show_newest(self) -> None:
        """At the top, a highlighted finding pushed out of view by newer ones (a catch-up) gives way to the newest."""
        if self._rows and self.at_top and not self._in_view(self.cursor):
            self._move_cursor(0)

    def _in_view(self, index: int) -> bool:
        return round(self.scroll_y) <= index < round(self.scroll_y) + max(1, self.scrollable_content_region.height - 1)

    def upsert(self, view: Any, visible: bool = True) -> None:
        """Add, move, update or (visible=False) hide one finding, repainting only what shifted."""
        keep = self.highlighted_id
        old_index = self.index_of(view.id)
        if old_index is not None:
            position = len(self._rows) - 1 - old_index
            del self._rows[position]
            del self._keys[position]
            del self._key_of[view.id]
        new_index = None
        if visible:
            key = sort_key(view)
            position = bisect_left(self._keys, key)
            self._rows.insert(position, view)
            self._keys.insert(position, key)
            self._key_of[view.id] = key
            new_index = len(self._rows) - 1 - position
        if old_index is None and new_index is None:
            return
        self._resize_virtual()
        self._after_change(old_index, new_index, keep)

    def take_off(self, finding_id: str) -> None:
        """Take a finding off the list (a refused post the user dismissed). Not ``remove``: that is Textual's own
        (remove this widget), which this once shadowed with another signature."""
        index = self.index_of(finding_id)
        if index is not None:
            self.upsert(self.row(index), visible=False)

    def set_unread(self, finding_ids: set[str]) -> None:
        """Which findings to mark unread; repaints only the rows whose mark changed."""
        changed = self._unread ^ finding_ids
        self._unread = set(finding_ids)
        for finding_id in changed:
            index = self.index_of(finding_id)
            if index is not None:
                self.refresh_line(index + 1)

    def index_of(self, finding_id: str | None) -> int | None:
        """Display index of a visible finding in O(log n), or None."""
        key = self._key_of.get(finding_id) if finding_id else None
        if key is None:
            return None
        position = bisect_left(self._keys, key)
        if position < len(self._rows) and self._rows[position].id == finding_id:
            return len(self._rows) - 1 - position
        return None

    def select_id(self, finding_id: str) -> bool:
        index = self.index_of(finding_id)
        if index is None:
            return False
        self._move_cursor(index)
        return True

    def _after_change(self, old_index: int | None, new_index: int | None, keep: str | None) -> None:
        first = min(i for i in (old_index, new_index) if i is not None)
        top = round(self.scroll_y)
        # A row added or removed above the viewport shifts everything: keep what the user reads in place.
        if top > 0 and first < top and (old_index is None) != (new_index is None):
            self.scroll_to(y=top + (1 if new_index is not None else -1), animate=False, immediate=True)
            if new_index is not None:
                self._count_above(self.new_above + 1)
        kept = self.index_of(keep) if keep else None
        if kept is not None:
            if kept != self.cursor:
                self.set_reactive(FindingList.cursor, kept)
        else:
            self._move_cursor(min(self.cursor, max(0, len(self._rows) - 1)), force_message=True)
        view_height = self.scrollable_content_region.height
        last = round(self.scroll_y) + view_height
        if first <= last:
            self.refresh_lines(first + 1, last - first + 1)

    def _resize_virtual(self) -> None:
        width = self.scrollable_content_region.width
        self.virtual_size = Size(width, len(self._rows) + 1)

    def _count_above(self, count: int) -> None:
        if count != self.new_above:
            self.new_above = count
            self.post_message(self.NewAbove(self, count))

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if round(new_value) == 0:
            self._count_above(0)

    # ------------------------------------------------------------------ cursor

    def _move_cursor(self, index: int, force_message: bool = False) -> None:
        index = max(0, min(index, len(self._rows) - 1)) if self._rows else 0
        if index != self.cursor or force_message:
            old = self.cursor
            self.set_reactive(FindingList.cursor, index)
            self.refresh_line(old + 1)
            self.refresh_line(index + 1)
            self.post_message(self.Highlighted(self, self.highlighted_id))
        self._scroll_cursor_into_view()

    def _scroll_cursor_into_view(self) -> None:
        if not self._rows:
            return
        width = max(1, self.scrollable_content_region.width)
        self.scroll_to_region(
            Region(0, self.cursor + 1, width, 1), spacing=Spacing(top=1), animate=False, force=True, immediate=True
        )

    def action_cursor(self, delta: int) -> None:
        self._move_cursor(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        page = max(1, self.scrollable_content_region.height - 2)
        self._move_cursor(self.cursor + direction * page)

    def action_jump(self, index: int) -> None:
        self._move_cursor(index if index >= 0 else len(self._rows) - 1)

    def action_select(self) -> None:
        finding_id = self.highlighted_id
        if finding_id is not None:
            self.post_message(self.Selected(self, finding_id))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:
            return
        index = int(self.scroll_y) + offset.y - 1
        if 0 <= index < len(self._rows):
            self._move_cursor(index)
            if event.chain >= 2:
                self.action_select()

    # ------------------------------------------------------------------ rendering

    def on_resize(self) -> None:
        self._resize_virtual()
        self._cache.clear()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()

    def _layout(self, width: int) -> list[Column]:
        if width != self._columns_width:
            self._columns = fit_columns(width)
            self._columns_width = width
        return self._columns

    def render_line(self, y: int) -> Strip:
        self.lines_rendered += 1
        width = self.scrollable_content_region.width
        columns = self._layout(width)
        base = self.rich_style
        if y == 0:
            heading_style = base + self.get_component_rich_style("finding-list--heading")
            return Strip(render_segments(columns, headings(columns), heading_style), width)
        index = int(self.scroll_y) + y - 1
        if index >= len(self._rows):
            if not self._rows and y == 1:
                style = base + self.get_component_rich_style("finding-list--empty")
                return Strip([Segment(f" {self.empty_message}".ljust(width)[:width], style)], width)
            return Strip.blank(width, base)
        view = self.row(index)
        selected = index == self.cursor
        unread = view.id in self._unread
        status = self._status(view)
        cache_key = (view.id, len(view.history), status, view.updated_at, getattr(view, "support", None), width,
                     selected, unread, self.has_focus)
        strip = self._cache.get(cache_key)
        if strip is None:
            strip = self._render_row(view, status, columns, width, selected, unread)
            self._cache[cache_key] = strip
        return strip

    def _status(self, view: Any) -> str:
        return shown_status(view, self._connected)

    def _render_row(
        self, view: Any, status: str, columns: list[Column], width: int, selected: bool, unread: bool
    ) -> Strip:
        base = self.rich_style
        if status == "rejected":
            base += self.get_component_rich_style("finding-list--rejected")
        elif status in ("sending", "unsent"):
            base += self.get_component_rich_style("finding-list--pending")
        elif getattr(view, "withdrawn", None) is not None:  # shown only on asking: dim, out of the evidence
            base += self.get_component_rich_style("finding-list--dim")
        if unread:
            base += self.get_component_rich_style("finding-list--unread")
        if selected:
            base += self.get_component_rich_style("finding-list--cursor")
        kind_style = None if selected else self._style(_KIND_COMPONENT.get(str(view.fields.kind)))
        dim = None if selected else self._style("finding-list--dim")
        support = None if selected else self._style(_SUPPORT_COMPONENT.get(str(getattr(view, "support", ""))))

        def style_for(key: str) -> Style | None:
            if key == "kind":
                return kind_style
            if key == "support":
                return support
            if key in ("time", "criterion"):
                return dim
            return None

        return Strip(render_segments(columns, cells(view, self._tz, unread, status), base, style_for), width)

    def _style(self, component: str | None) -> Style | None:
        return self.get_component_rich_style(component) if component else None

    def on_focus(self, event: events.Focus) -> None:
        self._cache.clear()
        self.refresh()

    def on_blur(self, event: events.Blur) -> None:
        self._cache.clear()
        self.refresh()
