"""Annex A's lists for inspectors to consider, computed from the imported cases (``shared.annex_a_lists``).

Each list is named in the framework's words with how many children are on it; the highlighted list's children show
below, the sampled ones marked. Enter on a list returns it, so the cases screen can offer its cases for a line of
enquiry: the sample draws on the list. ``triangulate cases views`` prints the same.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from shared.annex_a import CaseRecord
from shared.annex_a_lists import AnnexAView, ViewCount, every_view
from tui.dialogs.frame import FramedDialog
from tui.widgets.footer import KeyFooter
from tui.widgets.plain import assemble, plain

SAMPLED_MARK = "✓"


def view_children(counted: ViewCount, sampled: Collection[str]) -> Content:
    """The children on one list, ✓ for those already in the sample."""
    if not counted.child_ids:
        return plain("No imported case is on this list.")
    parts: list[str | tuple[str, str]] = [(f"{counted.view.label}\n", "bold")]
    for child_id in counted.child_ids:
        parts.append((f"{SAMPLED_MARK} {child_id}  ", "$text-success") if child_id in sampled else f"  {child_id}  ")
    parts.append(("\n✓ in the sample · Enter: add cases from this list for a line of enquiry", "$text-muted"))
    return assemble(*parts)


class ListsScreen(FramedDialog[AnnexAView | None]):
    """Returns the list chosen with Enter, or None; Esc or v closes."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,v,q", "close", "Close")]

    DEFAULT_CSS = """
    ListsScreen > #annex-lists { width: 100; height: 100%; max-height: 40; }
    ListsScreen #annex-lists-title { text-style: bold; }
    ListsScreen #annex-list-options { height: 1fr; min-height: 6; }
    ListsScreen #annex-list-children { height: 10; border-top: solid $primary-muted; }
    """

    def __init__(self, cases: Sequence[CaseRecord], sampled: Collection[str]) -> None:
        super().__init__()
        self.counts = every_view(cases)
        self._sampled = sampled

    def compose(self) -> ComposeResult:
        with Vertical(id="annex-lists"):
            yield Label("Annex A: what inspectors consider", id="annex-lists-title")
            yield OptionList(*(Option(f"{len(c.child_ids):>4}  {c.view.label}", id=c.view.value) for c in self.counts),
                             id="annex-list-options")
            with VerticalScroll(id="annex-list-children"):
                yield Static(id="annex-list-children-body")
        yield KeyFooter()

    def on_mount(self) -> None:
        options = self.query_one("#annex-list-options", OptionList)
        options.highlighted = 0
        options.focus()

    @property
    def children_text(self) -> str:
        return str(self.query_one("#annex-list-children-body", Static).content)

    @on(OptionList.OptionHighlighted, "#annex-list-options")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        counted = self.counts[event.option_index]
        self.query_one("#annex-list-children-body", Static).update(view_children(counted, self._sampled))

    @on(OptionList.OptionSelected, "#annex-list-options")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.counts[event.option_index].view)

    def action_close(self) -> None:
        self.dismiss(None)
