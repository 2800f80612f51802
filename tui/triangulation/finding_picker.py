"""Tick the findings an enquiry cites from a list, as the link dialog picks one: type to narrow it, space ticks.

The board never shows a finding's reference, so nobody is asked to type one: each finding is a line (reference,
inspectorate, agency, kind, first line) found by any of its words. What is ticked stays ticked while the list is
narrowed, and is listed first, so it can be seen and unticked whatever was typed.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, SelectionList, Static
from textual.widgets.selection_list import Selection

from tui.triangulation.candidates import Candidate, matching
from tui.widgets.plain import plain
from tui.widgets.plain_fields import PlainInput

MAX_SHOWN = 200


class FindingPicker(Vertical):
    """``chosen``: the ticked findings' ids, in the order they were ticked."""

    DEFAULT_CSS = """
    FindingPicker { height: auto; }
    FindingPicker > #finding-choices { height: auto; max-height: 7; border: none; background: $panel; }
    FindingPicker > #finding-count { color: $text-muted; }
    """

    def __init__(self, candidates: Sequence[Candidate], chosen: Sequence[str] = (), *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._candidates = list(candidates)
        offered = {c.id for c in self._candidates}
        self._chosen = [finding_id for finding_id in dict.fromkeys(chosen) if finding_id in offered]
        self._shown: set[str] = set()

    @property
    def chosen(self) -> list[str]:
        return list(self._chosen)

    @property
    def listed(self) -> list[str]:
        """The ids the list shows now, top to bottom (what tests look at)."""
        listing = self.query_one("#finding-choices", SelectionList)
        return [listing.get_option_at_index(index).value for index in range(listing.option_count)]

    def compose(self) -> ComposeResult:
        yield PlainInput(placeholder="Find findings: words from them, an author, an agency or a #ref",
                         compact=True, id="finding-search")
        yield SelectionList[str](id="finding-choices", compact=True)
        yield Static(id="finding-count")

    def on_mount(self) -> None:
        self._fill("")

    def focus(self, scroll_visible: bool = True) -> FindingPicker:
        """Focusing the picker puts the cursor in its search box."""
        self.query_one("#finding-search", Input).focus(scroll_visible)
        return self

    def _fill(self, query: str) -> None:
        by_id = {c.id: c for c in self._candidates}
        ticked = [by_id[finding_id] for finding_id in self._chosen]
        rest = [c for c in matching(self._candidates, query) if c.id not in self._chosen][:MAX_SHOWN]
        shown = (*ticked, *rest)
        self._shown = {c.id for c in shown}
        listing = self.query_one("#finding-choices", SelectionList)
        listing.clear_options()
        listing.add_options([Selection(plain(c.line, one_line=True), c.id, c.id in self._chosen) for c in shown])
        self._count()

    def _count(self) -> None:
        if not self._candidates:
            words = "No findings recorded yet: record them first, then cite them."
        elif not self._chosen:
            words = "None ticked (optional): space or Enter ticks the highlighted finding."
        else:
            words = f"{len(self._chosen)} ticked, listed first."
        self.query_one("#finding-count", Static).update(plain(words))

    @on(Input.Changed, "#finding-search")
    def _search(self, event: Input.Changed) -> None:
        event.stop()
        self._fill(event.value)

    @on(Input.Submitted, "#finding-search")
    def _to_list(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#finding-choices", SelectionList).focus()

    @on(SelectionList.SelectionToggled, "#finding-choices")
    def _toggled(self, event: SelectionList.SelectionToggled[str]) -> None:
        """The user ticked or unticked one: keep it, whatever the list shows by the time this arrives."""
        finding_id = event.selection.value
        if finding_id in self._chosen:
            self._chosen.remove(finding_id)
        else:
            self._chosen.append(finding_id)
        if finding_id in self._shown:  # still listed: make its tick agree (a refill may have come between)
            listing = self.query_one("#finding-choices", SelectionList)
            (listing.select if finding_id in self._chosen else listing.deselect)(finding_id)
        self._count()
