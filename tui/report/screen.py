"""The report preview: the published report as it stands now, read in the terminal, exported or copied.

The same document ``triangulate report`` prints (shared.report), built by the app from what the server has
recorded (tui.report.input), so the team can read the draft while the fieldwork goes on. A contents list at the
side jumps to each part (keys 1–9 too, ``]`` and ``[`` step through them); the text scrolls beside it. The app
rebuilds the report while the screen is open whenever an event changes the evidence, and the screen asks the app,
by message, to write a file or fill the clipboard: it never touches the disk.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import ClassVar, Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.visual import Visual
from textual.widget import Widget
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from shared.report_model import APPENDICES, Report
from tui import messages as m
from tui.report.text import (
    appendix_label,
    clock_text,
    contents_label,
    evidence_text,
    front_text,
    method_text,
    section_text,
)
from tui.widgets.footer import KeyFooter
from tui.widgets.plain import plain

Format = Literal["md", "html"]

REPORT_KEYS: tuple[tuple[str, str], ...] = (
    ("1 … 9  ]  [", "jump to a part · the next part · the previous part"),
    ("w  h", "save as Markdown · as HTML to print (the path is shown)"),
    ("y", "copy the whole report to the clipboard as Markdown"),
    ("tab", "between the contents and the text"),
)
"""For the help screen: the keys on this screen, in its words."""

NO_REPORT = "No report yet: the app has not been welcomed by the team server. Connect once and it appears here."


class ReportScreen(Screen[None]):
    """The combined report, part by part, beside its contents."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "app.pop_screen", "Back"),
        Binding("w", "export('md')", "Save .md"),
        Binding("h", "export('html')", "Save .html"),
        Binding("y", "copy", "Copy"),
        Binding("right_square_bracket", "step(1)", "Next part", key_display="]"),
        Binding("left_square_bracket", "step(-1)", "Previous", key_display="[", show=False),
        *(Binding(str(n), f"jump({n - 1})", show=False) for n in range(1, 10)),
    ]

    DEFAULT_CSS = """
    ReportScreen #report-contents { width: 24; height: 100%; border: none; border-right: solid $primary-muted; }
    ReportScreen #report-body { width: 1fr; height: 100%; padding: 0 1; }
    ReportScreen #report-body > Static { margin-bottom: 1; }
    """

    SUB_TITLE = "Report preview"

    def __init__(self) -> None:
        super().__init__()
        self.report: Report | None = None
        self._drawn: dict[str, object] = {}
        """What each part was last drawn from, by widget id."""
        self._composed = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            yield OptionList(id="report-contents")
            with VerticalScroll(id="report-body"):
                yield Static(NO_REPORT, id="report-front")
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        self._composed = True
        self.body.focus()
        self._redraw()

    # ------------------------------------------------------------------ shortcuts

    @property
    def body(self) -> VerticalScroll:
        return self.query_one("#report-body", VerticalScroll)

    @property
    def contents(self) -> OptionList:
        return self.query_one("#report-contents", OptionList)

    @property
    def parts(self) -> list[Widget]:
        """The parts the contents list names, in order (not the front matter)."""
        return list(self.body.query(".report-part"))

    @property
    def text(self) -> str:
        """The whole preview as plain text (for tests)."""
        return "\n".join(str(static.content) for static in self.body.query(Static))

    @property
    def contents_text(self) -> str:
        listing = self.contents
        return "\n".join(str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count))

    # ------------------------------------------------------------------ what the app tells us

    def show(self, report: Report | None) -> None:
        """Draw ``report`` (None: not connected yet); the reader stays where they were in the text."""
        self.report = report
        self.sub_title = f"{self.SUB_TITLE} — DRAFT" if report is not None and report.draft else self.SUB_TITLE
        self._redraw()
        self.refresh_bindings()

    def _redraw(self) -> None:
        if not self._composed:
            return
        report = self.report
        front = self.query_one("#report-front", Static)
        if report is None:
            front.update(NO_REPORT)
            return
        parts = self._parts_for(report)
        drawn = self._drawn
        for part_id, (model, draw) in parts.items():
            if drawn.get(part_id) != model:  # redraw only what changed: a long part takes a moment to wrap
                self.query_one(f"#{part_id}", Static).update(draw())
        self._drawn = {part_id: model for part_id, (model, _) in parts.items()}

    def _parts_for(self, report: Report) -> dict[str, tuple[object, Callable[[], Visual]]]:
        """Each part's widget id, what it is drawn from (to tell whether it changed) and how to draw it."""
        anchors = [section.anchor for section in report.sections] + [anchor for anchor, _ in APPENDICES]
        if [part.id for part in self.parts] != [f"report-{anchor}" for anchor in anchors]:
            self._drawn = {}
            self.body.remove_children(".report-part")
            self.body.mount_all(Static(id=f"report-{anchor}", classes="report-part") for anchor in anchors)
            labels = [contents_label(section) for section in report.sections]
            labels += [appendix_label(title) for _, title in APPENDICES]
            self.contents.set_options(
                Option(plain(f"{n if n <= 9 else ' '} {label}"), id=anchor)
                for n, (label, anchor) in enumerate(zip(labels, anchors, strict=True), start=1)
            )
            self.contents.highlighted = 0
        parts: dict[str, tuple[object, Callable[[], Visual]]] = {
            "report-front": ((report.title, report.subtitle, report.generated_label, report.draft),
                             partial(front_text, report)),
        }
        for section in report.sections:
            parts[f"report-{section.anchor}"] = (section, partial(section_text, section))
        (evidence, _), (clock, _), (method, _) = APPENDICES
        parts[f"report-{evidence}"] = ((report.evidence, report.grade_reasons), partial(evidence_text, report))
        parts[f"report-{clock}"] = ((report.clock, report.clock_note), partial(clock_text, report))
        parts[f"report-{method}"] = (report.method, partial(method_text, report))
        return parts

    # ------------------------------------------------------------------ moving about

    def jump_to(self, index: int) -> None:
        """Scroll so that part ``index`` (0 = the summary) starts at the top, and show it in the contents."""
        parts = self.parts
        if not 0 <= index < len(parts):
            return
        self.contents.highlighted = index
        self.body.scroll_to_widget(parts[index], animate=False, top=True)

    def current_part(self) -> int:
        """The part at the top of the text: the last one starting at or above the top line."""
        parts = self.parts
        top = self.body.scroll_offset.y
        starts = [part.virtual_region.y for part in parts]
        return max((i for i, start in enumerate(starts) if start <= top), default=0)

    def action_jump(self, index: int) -> None:
        self.jump_to(index)

    def action_step(self, by: int) -> None:
        self.jump_to(self.current_part() + by)

    @on(OptionList.OptionSelected, "#report-contents")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.jump_to(event.option_index)

    # ------------------------------------------------------------------ export

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("export", "copy", "step", "jump"):
            return self.report is not None
        return True

    def action_export(self, fmt: Format) -> None:
        if self.report is not None:
            self.post_message(m.ExportReport(self.report, fmt))

    def action_copy(self) -> None:
        if self.report is not None:
            self.post_message(m.CopyReport(self.report))
