"""A child's journey: every finding, line of enquiry and alert about one child unique ID, from every inspectorate,
in time order and local time, with contested findings marked so contradictions stand out.

Case tracking follows a child through the system (CP ¶38–43); seeing health, police and the local authority
side by side is where the contradictions show. The highlighted step is spelt out below (for a finding, its
links); Enter on a finding shows it on the board.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Input, Label, Static

from shared.triangulation import Corroboration
from tui import messages as m
from tui.refs import ref
from tui.timefmt import long_time, short_time
from tui.triangulation.book import JourneyStep
from tui.triangulation.views import children, journey
from tui.widgets.labels import AGENCY_SHORT, SUPPORT_MARK, short
from tui.widgets.plain import assemble, plain, plain_text
from tui.widgets.plain_fields import PlainInput
from tui.widgets.state_screen import StateScreen
from tui.widgets.support import describe_support, support_badge

WHAT = {"finding": "Finding", "enquiry": "Enquiry", "alert": "Alert"}
SUMMARY_WIDTH = 44


def step_cells(step: JourneyStep, tz: tzinfo) -> tuple[str, str, str, str, str]:
    """When, what (≠ for a contested finding), agency, who, and the first line of the summary."""
    mark = f"{SUPPORT_MARK[Corroboration.CONTESTED]} " if step.contested else "  "
    first = step.summary.strip().splitlines()[0] if step.summary.strip() else ""
    if len(first) > SUMMARY_WIDTH:
        first = first[: SUMMARY_WIDTH - 1] + "…"
    return (short_time(step.at, tz), mark + WHAT.get(step.what, step.what), short(AGENCY_SHORT, step.agency),
            step.who, first)


class JourneyScreen(StateScreen):
    """Open with ``c`` (the highlighted finding's child); type another ID and Enter to follow a different child."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("b", "on_board", "On the board"),
    ]

    DEFAULT_CSS = """
    JourneyScreen #journey-top { height: 1; padding: 0 1; }
    JourneyScreen #journey-top > Label { width: auto; color: $text-muted; }
    JourneyScreen #journey-child { width: 20; margin: 0 1; }
    JourneyScreen #journey-known { width: 1fr; color: $text-muted; }
    JourneyScreen #journey { height: auto; max-height: 50%; }
    JourneyScreen #journey-step { height: 1fr; min-height: 6; padding: 0 1; border-top: solid $primary-muted; }
    """

    SUB_TITLE = "A child's journey"
    COMPACT_FOOTER = False

    def __init__(self, clock: Callable[[], datetime], child_id: str = "") -> None:
        super().__init__()
        self._clock = clock
        self.child_id = child_id
        self.steps: list[JourneyStep] = []

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="journey-top"):
            yield Label("Child unique ID")
            yield PlainInput(self.child_id, placeholder="e.g. NM-10234", compact=True, id="journey-child")
            yield Static("", id="journey-known")
        yield DataTable(id="journey", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="journey-step"):
            yield Static(id="journey-step-body")

    def on_mount(self) -> None:
        table = self.table
        table.add_column("When", width=12, key="when")
        table.add_column("What", width=9, key="what")
        table.add_column("Agency", width=9, key="agency")
        table.add_column("Who", width=12, key="who")
        table.add_column("Summary", key="summary")
        if self.child_id:
            table.focus()
        else:
            self.query_one("#journey-child", Input).focus()

    @property
    def table(self) -> DataTable[Text]:
        return self.query_one("#journey", DataTable)

    # ------------------------------------------------------------------ what the app tells us

    def _draw(self) -> None:
        tz = self.tz
        known = children(self.state)
        others = [c for c in known if c.casefold() != self.child_id.casefold()]
        self.query_one("#journey-known", Static).update(
            plain(f"on record: {', '.join(others[:8])}{' …' if len(others) > 8 else ''}" if others else ""))
        self.steps = journey(self.state, self.child_id) if self.child_id.strip() else []
        error = self.app.get_css_variables().get("text-error", "red")
        table = self.table
        row = table.cursor_row
        table.clear()
        for index, step in enumerate(self.steps):
            style = f"bold {error}" if step.contested else ("bold" if step.what == "alert" else "")
            table.add_row(*(plain_text(cell, style) for cell in step_cells(step, tz)), key=f"{index}")
        if self.steps:
            table.move_cursor(row=min(row, len(self.steps) - 1), animate=False)
        self._show_step()

    def current_step(self) -> JourneyStep | None:
        """The highlighted step (None when the journey is empty)."""
        row = self.table.cursor_row
        return self.steps[row] if 0 <= row < len(self.steps) else None

    def _show_step(self) -> None:
        body = self.query_one("#journey-step-body", Static)
        step = self.current_step()
        if not self.child_id.strip():
            body.update(plain("Type a child unique ID above and press Enter.", "$text-muted italic"))
            return
        if step is None:
            body.update(plain(f"Nothing is recorded about {self.child_id} yet.", "$text-muted italic"))
            return
        tz = self.tz
        parts: list[str | tuple[str, str]] = [
            (f"{WHAT.get(step.what, step.what)} {ref(step.ref)}", "bold"),
            (f" · {step.agency.label if step.agency else ''} · {step.who} · {long_time(step.at, tz)}", "$text-muted"),
        ]
        view = self.state.findings.get(step.ref) if step.what == "finding" else None
        if view is not None:
            parts += support_badge(view)
        parts += ["\n", step.summary, "\n"]
        if view is not None:
            parts += describe_support(view, self.state, tz)
        body.update(assemble(*parts))
        self.refresh_bindings()

    @on(DataTable.RowHighlighted, "#journey")
    def _highlighted(self) -> None:
        self._show_step()

    @on(DataTable.RowSelected, "#journey")
    def _selected(self) -> None:
        self.action_on_board()

    @on(Input.Submitted, "#journey-child")
    def _child_chosen(self, event: Input.Submitted) -> None:
        self.child_id = event.value.strip()
        self._redraw()
        self.table.focus()

    # ------------------------------------------------------------------ actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "on_board":
            step = self.current_step() if self._composed else None
            return step is not None and step.what == "finding"
        return True

    def action_on_board(self) -> None:
        step = self.current_step()
        if step is not None and step.what == "finding":
            self.post_message(m.ShowFinding(self.child_id, step.ref))

