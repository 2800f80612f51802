"""A searchable list of the criteria a finding may cite, for the finding form.

It offers only what shared.criteria.criterion_refusal accepts for the chosen agency, judgement area and the
inspection's framework, so the form never offers what the server would refuse. Typing filters the list
(shared.criteria.search: words, '68c', a pasted '[I ¶68c]'); ↑/↓ move through it and Enter chooses, without
leaving the search box, so it is quick from the keyboard and fits a modal at 80×24.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from shared.criteria import Criterion, criterion, criterion_refusal, fitting, search
from shared.grades import judgement_label
from shared.vocabulary import Agency, Framework, JudgementArea
from tui.triangulation.coverage import cite, lead
from tui.widgets.plain import assemble, plain
from tui.widgets.plain_fields import PlainInput

NONE_ID = "-"
"""The option id of 'no criterion' (never a criterion id: the protocol's pattern allows it, the catalogue has none)."""


def known(value: str) -> Criterion | None:
    """The catalogue's criterion with exactly this id (an old code like '68c' is not one)."""
    try:
        return criterion(value)
    except KeyError:
        return None


def describe_choice(value: str | None) -> Content:
    """The chosen line under the search box: citation and text, or that there is none."""
    if value is None:
        return plain("No criterion", "$text-muted italic")
    found = known(value)
    if found is None:
        return assemble((value, "bold"), (" (not in the catalogue)", "$text-error"))
    return assemble((cite(found), "bold"), " ", (found.text, "$text-muted"))


class CriteriaPicker(Vertical):
    """Search box, the chosen criterion, and (while focused) the matching criteria; ``value`` is an id or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "move(1)", "Next", show=False),
        Binding("up", "move(-1)", "Previous", show=False),
        Binding("pagedown", "move(5)", "Page down", show=False),
        Binding("pageup", "move(-5)", "Page up", show=False),
    ]

    DEFAULT_CSS = """
    CriteriaPicker { height: auto; width: 1fr; }
    CriteriaPicker > #criterion-chosen { height: 1; width: 1fr; text-wrap: nowrap; text-overflow: ellipsis; }
    CriteriaPicker > #criterion-list {
        display: none; height: auto; max-height: 7; border: none; padding: 0; background: $boost;
        text-wrap: nowrap; text-overflow: ellipsis;
    }
    CriteriaPicker.-open > #criterion-list { display: block; }
    """

    @dataclass
    class Changed(Message):
        """The chosen criterion changed (by the user, or cleared because it no longer fits)."""

        picker: CriteriaPicker
        value: str | None

        @property
        def control(self) -> CriteriaPicker:
            return self.picker

    def __init__(self, value: str | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.value = value
        self.framework: Framework | None = None
        self._agency: Agency | None = None
        self._area: JudgementArea | None = None
        self._offered: list[Criterion] = []
        self._note = ""
        self._scoped = False

    def compose(self) -> ComposeResult:
        yield PlainInput(placeholder="Choose the agency first", compact=True, id="criterion-search")
        yield Label(describe_choice(self.value), id="criterion-chosen")
        option_list = OptionList(id="criterion-list", compact=True)
        option_list.can_focus = False  # the search box keeps the focus; ↑/↓/Enter there drive the list
        yield option_list

    @property
    def search_box(self) -> Input:
        return self.query_one("#criterion-search", Input)

    @property
    def option_list(self) -> OptionList:
        return self.query_one("#criterion-list", OptionList)

    @property
    def offered(self) -> list[Criterion]:
        """Every criterion the scope allows, the area's own first."""
        return list(self._offered)

    def focus(self, scroll_visible: bool = True) -> CriteriaPicker:
        """Focusing the picker (the form does, on an error) focuses its search box."""
        self.search_box.focus(scroll_visible)
        return self

    # ------------------------------------------------------------------ scope

    def set_scope(
        self, agency: Agency | None, area: JudgementArea | None, framework: Framework | None, *, clear: bool = True
    ) -> None:
        """Offer what fits; with ``clear``, a chosen criterion that no longer fits is dropped (and said so).

        Only a real change of scope clears: Selects report their starting values too, and an amended finding
        must keep the criterion it has until the inspector changes something.
        """
        if (agency, area, framework) == (self._agency, self._area, self.framework) and self._scoped:
            return
        self._scoped = True
        self._agency, self._area, self.framework = agency, area, framework
        if agency is None:
            self._offered = []
        else:
            frameworks = [framework] if framework is not None else list(Framework)
            self._offered = [c for fw in frameworks for c in fitting(agency, area, fw)]
        self._note = ""
        if clear and self.value is not None and self.refusal() is not None:
            was = known(self.value)
            self._note = f"{cite(was) if was else self.value} cleared: it does not fit {self._where()}"
            self._set_value(None)
        self._refresh()

    def refusal(self) -> str | None:
        """The shared rule on the current choice (None while nothing is chosen or the scope is incomplete)."""
        if self.value is None or self._agency is None or self.framework is None:
            return None
        return criterion_refusal(self.value, self._agency, self._area, self.framework)

    def _where(self) -> str:
        if self._agency is None:
            return ""
        area = judgement_label(self._area, self.framework or Framework.INTEGRATED) if self._area else None
        return self._agency.label + (f" × {area.lower()}" if area is not None else "")

    # ------------------------------------------------------------------ showing

    def _refresh(self) -> None:
        if not self.is_mounted:
            return
        box = self.search_box
        if self._agency is None:
            box.placeholder = "Choose the agency first"
        elif not self._offered:
            framework = self.framework.label.lower() if self.framework else "catalogue"
            box.placeholder = f"none in the {framework} for {self._where()}: leave it empty"
        else:
            box.placeholder = f"search {len(self._offered)} criteria: words, 68c…  ↑↓ Enter to choose"
        box.disabled = not self._offered and self.value is None
        self._show_choice()
        self._fill(box.value)

    def _show_choice(self) -> None:
        line = describe_choice(self.value)
        if self._note and self.value is None:
            line = assemble(line, (f" — {self._note}", "$text-warning"))
        self.query_one("#criterion-chosen", Label).update(line)

    def matches(self, text: str) -> list[Criterion]:
        """The offered criteria matching what was typed, in the offered order."""
        if not text.strip():
            return list(self._offered)
        found = {c.id for c in search(text, agency=self._agency, framework=self.framework)}
        return [c for c in self._offered if c.id in found]

    def _fill(self, text: str) -> None:
        option_list = self.option_list
        shown = self.matches(text)
        width = max((len(c.citation) for c in shown), default=0)
        options: list[Option] = []
        if not text.strip():
            options.append(Option(plain("(no criterion)", "italic"), id=NONE_ID))
        options += [Option(assemble((c.citation.ljust(width), "bold"), " ", lead(c), c.text), id=c.id)
                    for c in shown]
        if text.strip() and not shown:
            options.append(Option(plain(f"nothing matches {text.strip()!r}", "$text-muted"), disabled=True))
        option_list.set_options(options)
        wanted = NONE_ID if self.value is None else self.value
        index = next((i for i, o in enumerate(options) if o.id == wanted), 0) if not text.strip() else 0
        option_list.highlighted = index if options and not options[index].disabled else None

    # ------------------------------------------------------------------ behaviour

    def on_mount(self) -> None:
        self._refresh()

    def on_descendant_focus(self) -> None:
        """The list shows only while the search box has the focus, so the form stays short otherwise."""
        self.add_class("-open")
        self.call_after_refresh(self.scroll_visible, animate=False)

    def on_descendant_blur(self) -> None:
        self.remove_class("-open")

    @on(Input.Changed, "#criterion-search")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self._fill(event.value)

    @on(Input.Submitted, "#criterion-search")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        option_list = self.option_list
        if option_list.highlighted is None:
            return
        self._choose(option_list.get_option_at_index(option_list.highlighted).id)
        self.screen.focus_next()

    @on(OptionList.OptionSelected, "#criterion-list")
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._choose(event.option.id)

    def _choose(self, option_id: str | None) -> None:
        self._note = ""
        self._set_value(None if option_id in (None, NONE_ID) else option_id)
        self.search_box.value = ""
        self._show_choice()

    def _set_value(self, value: str | None) -> None:
        if value != self.value:
            self.value = value
            self.post_message(self.Changed(self, value))

    def action_move(self, step: int) -> None:
        option_list = self.option_list
        count = option_list.option_count
        if not count:
            return
        current = option_list.highlighted
        index = 0 if current is None else max(0, min(count - 1, current + step))
        if option_list.get_option_at_index(index).disabled:
            return
        option_list.highlighted = index
