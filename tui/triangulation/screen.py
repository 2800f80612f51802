"""The triangulation view: agencies × judgement areas, so the lead sees where evidence is thin or in conflict.

Each cell counts the findings filed there, strengths against weaknesses, and how many are corroborated,
contested or single source (the rule in shared/triangulation.py). A cell with nothing corroborated is
marked thin, one with a contested finding in conflict. The highlighted cell is spelt out below, with the
criteria its findings cite from the catalogue; Enter shows its findings on the board. ``v`` opens the cell's
criteria level (tui.triangulation.criteria_level): every criterion of the cell with the findings citing it, the ones
with no evidence yet marked, and Enter there shows the findings citing one on the board.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import DataTable, Static

from shared.triangulation import Corroboration
from shared.vocabulary import Agency, Framework, JudgementArea
from tui import messages as m
from tui.state import TeamState
from tui.triangulation.book import Cell
from tui.triangulation.coverage import coverage
from tui.triangulation.criteria_level import CriteriaLevel
from tui.triangulation.views import (
    CellKey,
    agencies_of,
    applies,
    areas_of,
    cited_criteria,
    criteria_in_scope,
    framework_of,
    in_cell,
    matrix,
)
from tui.widgets.labels import AGENCY_SHORT, AREA_SHORT, SUPPORT_MARK
from tui.widgets.plain import assemble, plain
from tui.widgets.state_screen import StateScreen

AGENCY_WIDTH = 10
CELL_WIDTH = 15
LEGEND = ("Each cell: findings  ▲ strengths ▼ weaknesses / ✓ corroborated ≠ contested · single source.  "
          "Thin: nothing corroborated.  Enter: those findings on the board.  v: the cell's criteria.")

CORROBORATED, CONTESTED, SINGLE = (Corroboration.CORROBORATED, Corroboration.CONTESTED,
                                   Corroboration.SINGLE_SOURCE)


def area_title(area: JudgementArea | None) -> str:
    return AREA_SHORT.get(area, area.label) if area is not None else "No area"


def cell_lines(cell: Cell | None, applicable: bool, area_graded: bool = True) -> tuple[str, str]:
    """The two lines of one cell: counts, then support; an empty graded cell says it has no evidence."""
    if not applicable:
        return "—", ""
    if cell is None or cell.findings == 0:
        return ("no evidence" if area_graded else ""), ""
    s = cell.status
    return (f"{cell.findings}  ▲{cell.strengths} ▼{cell.weaknesses}",
            f"{SUPPORT_MARK[CORROBORATED]}{s[CORROBORATED]} {SUPPORT_MARK[CONTESTED]}{s[CONTESTED]} "
            f"{SUPPORT_MARK[SINGLE]}{s[SINGLE]}")


def cell_flag(cell: Cell | None) -> str:
    """'conflict', 'thin' or ''; conflict wins, as it does in the rule."""
    if cell is None:
        return ""
    if cell.in_conflict:
        return "conflict"
    return "thin" if cell.thin else ""


def describe_cell(key: CellKey, cell: Cell | None, state: TeamState) -> Content:
    """The highlighted cell in words, with the criteria its findings cite."""
    agency, area = key
    title = f"{agency.label} × {area.label if area else 'no judgement area'}"
    if not applies(agency, area, framework_of(state)):
        return assemble((title, "bold"), (" — not a judgement made about this agency.", "$text-muted"))
    if cell is None or cell.findings == 0:
        return assemble((title, "bold"), (" — no findings yet: evidence is needed here.", "$text-warning"))
    s = cell.status
    parts: list[str | tuple[str, str]] = [
        (title, "bold"),
        f" — {cell.findings} finding{'s' if cell.findings != 1 else ''}: ▲ {cell.strengths} strengths or good "
        f"practice, ▼ {cell.weaknesses} weaknesses or areas for improvement. ",
        (f"{s[CORROBORATED]} corroborated", "$text-success"), ", ",
        (f"{s[CONTESTED]} contested", "$text-error" if s[CONTESTED] else ""), ", ",
        f"{s[SINGLE]} single source.",
    ]
    flag = cell_flag(cell)
    if flag == "conflict":
        parts.append(("\nIn conflict: a contested finding here needs settling (a line of enquiry?).",
                      "bold $text-error"))
    elif flag == "thin":
        parts.append(("\nThin: no finding here is corroborated by another inspectorate or kind of evidence.",
                      "bold $text-warning"))
    cited = cited_criteria(in_cell(state, key))
    scope = criteria_in_scope(agency, area)
    if cited:
        known = sum(1 for c in cited if c.criterion is not None and c.criterion in scope)
        parts.append((f"\nCriteria cited ({known} of the {len(scope)} in the catalogue for this cell)\n",
                      "bold $text-muted"))
        for item in cited[:8]:
            text = item.criterion.text if item.criterion else "(not in the catalogue)"
            cite = item.criterion.citation if item.criterion else item.code
            text = text if len(text) <= 76 else text[:75] + "…"
            parts += [(f"  {cite} ×{item.findings} ", "bold"), (f"{text}\n", "$text-muted")]
    elif scope:
        parts.append((f"\nNo finding here cites a criterion yet ({len(scope)} in the catalogue).", "$text-muted"))
    return assemble(*parts)


class TriangulationScreen(StateScreen):
    """Open with ``t``; arrows move between cells; Enter (or b) filters the board to the cell; Esc goes back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,t", "back", "Back"),
        Binding("b", "drill", "On the board"),
        Binding("v", "criteria", "Criteria"),
    ]

    DEFAULT_CSS = """
    TriangulationScreen #tri-legend { height: auto; padding: 0 1; color: $text-muted; }
    TriangulationScreen #matrix { height: auto; max-height: 16; }
    TriangulationScreen #tri-cell { height: 1fr; padding: 0 1; border-top: solid $primary-muted; }
    TriangulationScreen #tri-criteria { display: none; }
    TriangulationScreen.-criteria #tri-criteria { display: block; }
    TriangulationScreen.-criteria #tri-legend, TriangulationScreen.-criteria #matrix,
    TriangulationScreen.-criteria #tri-cell { display: none; }
    """

    SUB_TITLE = "Triangulation: agencies × judgement areas"
    COMPACT_FOOTER = False

    def __init__(self) -> None:
        super().__init__()
        self.cells: Mapping[CellKey, Cell] = {}
        self.criteria_key: CellKey | None = None
        """The cell whose criteria level is open, if it is."""
        self.agencies: tuple[Agency, ...] = tuple(Agency)
        self.areas: tuple[JudgementArea | None, ...] = areas_of(Framework.INTEGRATED)
        """Rows and columns: the inspection's framework's (set on mount)."""

    def compose_body(self) -> ComposeResult:
        yield Static(LEGEND, id="tri-legend")
        table: DataTable[Text] = DataTable(id="matrix", cursor_type="cell", zebra_stripes=False)
        yield table
        with VerticalScroll(id="tri-cell"):
            yield Static(id="tri-cell-body")
        yield CriteriaLevel(id="tri-criteria")

    def on_mount(self) -> None:
        table = self.matrix_table
        table.add_column("Agency", width=AGENCY_WIDTH, key="agency")
        framework = framework_of(self.state)
        self.agencies, self.areas = agencies_of(framework), areas_of(framework)  # chosen once, at creation
        for area in self.areas:
            table.add_column(area_title(area), width=CELL_WIDTH, key=area.value if area else "none")
        table.focus()

    @property
    def matrix_table(self) -> DataTable[Text]:
        return self.query_one("#matrix", DataTable)

    def _styles(self) -> dict[str, str]:
        colours = self.app.get_css_variables()
        return {"conflict": f"bold {colours.get('text-error', 'red')}",
                "thin": colours.get("text-warning", "yellow"), "": "", "dim": "dim"}

    def _draw(self) -> None:
        self.cells = matrix(self.state)
        styles = self._styles()
        table = self.matrix_table
        cursor = table.cursor_coordinate
        table.clear()
        framework = framework_of(self.state)
        for agency in self.agencies:
            row = [Text(AGENCY_SHORT.get(agency, agency.label), style="bold")]
            for area in self.areas:
                cell = self.cells.get((agency, area))
                applicable = applies(agency, area, framework)
                first, second = cell_lines(cell, applicable, area is not None)
                flag = cell_flag(cell)
                empty = cell is None or cell.findings == 0
                style = styles["dim"] if (not applicable or (empty and area is None)) else (
                    styles["thin"] if empty else styles[flag])
                row.append(Text(f"{first}\n{second}", style=style))
            table.add_row(*row, height=2, key=agency.value)
        table.move_cursor(row=cursor.row, column=max(1, cursor.column), animate=False)
        self._show_cell()
        self._show_criteria()

    def _key(self) -> CellKey | None:
        coordinate = self.matrix_table.cursor_coordinate
        if coordinate.column < 1 or coordinate.row >= len(self.agencies):
            return None
        return self.agencies[coordinate.row], self.areas[coordinate.column - 1]

    def _show_cell(self) -> None:
        key = self._key()
        body = self.query_one("#tri-cell-body", Static)
        if key is None:
            body.update(plain("Move to a cell to read it.", "$text-muted italic"))
            return
        body.update(describe_cell(key, self.cells.get(key), self.state))

    @on(DataTable.CellHighlighted, "#matrix")
    def _highlighted(self, event: DataTable.CellHighlighted) -> None:
        if event.coordinate.column == 0:
            self.matrix_table.move_cursor(column=1, animate=False)
            return
        self._show_cell()

    @on(DataTable.CellSelected, "#matrix")
    def _selected(self) -> None:
        self.action_drill()

    def action_drill(self) -> None:
        key = self._key()
        if key is not None:
            self.post_message(m.Drill(*key))

    # ------------------------------------------------------------------ the criteria level

    def action_criteria(self) -> None:
        """Open the highlighted cell's criteria level (or close it again)."""
        if self.criteria_key is not None:
            self._close_criteria()
            return
        key = self._key()
        if key is None or not applies(*key, framework_of(self.state)):
            self.notify("Move to a cell that applies to the agency to see its criteria.", severity="warning")
            return
        self.criteria_key = key
        self.add_class("-criteria")
        self._show_criteria()
        self.query_one(CriteriaLevel).table.focus()

    def _close_criteria(self) -> None:
        self.criteria_key = None
        self.remove_class("-criteria")
        self.matrix_table.focus()

    def _show_criteria(self) -> None:
        if self.criteria_key is None:
            return
        framework = framework_of(self.state) if self.state.inspection is not None else None
        self.query_one(CriteriaLevel).show(coverage(self.state.saved_findings(), *self.criteria_key, framework))

    @on(CriteriaLevel.Chosen)
    def _criterion_chosen(self, event: CriteriaLevel.Chosen) -> None:
        if self.criteria_key is not None:
            self.post_message(m.Drill(*self.criteria_key, criterion=event.criterion_id))

    def action_back(self) -> None:
        if self.criteria_key is not None:
            self._close_criteria()
            return
        self.dismiss(None)
