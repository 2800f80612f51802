"""The triangulation view's criteria level: one cell's criteria, how many findings cite each, and which have none.

So the team can see, before judging a cell, which of the framework's criteria no one has evidence for yet.
The numbers come from tui.triangulation.coverage; Enter on a criterion asks for the findings citing it on the board.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import DataTable, Static

from tui.triangulation.coverage import Coverage, lead
from tui.widgets.plain import assemble

NO_EVIDENCE = "no evidence yet"
CITE_WIDTH = 10
COUNT_WIDTH = 15


def summary_line(coverage: Coverage) -> Content:
    """'Health × Children who need help and protection — 9 of 26 criteria have evidence.'"""
    agency, area = coverage.agency, coverage.area
    title = f"{agency.label} × {area.label if area else 'no judgement area'}"
    style = "$text-success" if coverage.rows and not coverage.uncovered else "$text-warning"
    return assemble((title, "bold"), " — ", (coverage.summary, f"bold {style}"), ".  ",
                            ("Enter: the findings citing it on the board · Esc: back to the cells", "$text-muted"))


class CriteriaLevel(Vertical):
    """A summary line and a table of the cell's criteria; ``show`` keeps the highlighted criterion in place."""

    DEFAULT_CSS = """
    CriteriaLevel { height: 1fr; }
    CriteriaLevel > #criteria-summary { height: auto; padding: 0 1; }
    CriteriaLevel > #criteria-table { height: 1fr; }
    """

    @dataclass
    class Chosen(Message):
        """Show the board filtered to the findings citing this criterion."""

        criterion_id: str

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.coverage: Coverage | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="criteria-summary")
        yield DataTable[Text](id="criteria-table", cursor_type="row", zebra_stripes=True)

    @property
    def table(self) -> DataTable[Text]:
        return self.query_one("#criteria-table", DataTable)

    def on_mount(self) -> None:
        table = self.table
        table.add_column("Criterion", width=CITE_WIDTH, key="criterion")
        table.add_column("Findings", width=COUNT_WIDTH, key="findings")
        table.add_column("What it says", key="text")

    def show(self, coverage: Coverage) -> None:
        self.coverage = coverage
        self.query_one("#criteria-summary", Static).update(summary_line(coverage))
        table = self.table
        keep = table.cursor_row
        warning = self.app.get_css_variables().get("text-warning", "yellow")
        room = max(20, self.app.size.width - CITE_WIDTH - COUNT_WIDTH - 9)  # one line each, at any width
        table.clear()
        for row in coverage.rows:
            words = lead(row.criterion) + row.criterion.text
            words = words if len(words) <= room else words[: room - 1] + "…"
            count = (Text(str(row.findings), style="bold") if row.covered
                     else Text(NO_EVIDENCE, style=f"italic {warning}"))
            table.add_row(Text(row.criterion.citation, style="bold"), count, Text(words), key=row.criterion.id)
        if coverage.rows:
            table.move_cursor(row=min(keep, len(coverage.rows) - 1), animate=False)

    def on_resize(self) -> None:
        if self.coverage is not None:
            self.show(self.coverage)

    @on(DataTable.RowSelected, "#criteria-table")
    def _chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.post_message(self.Chosen(event.row_key.value))

    def highlighted_id(self) -> str | None:
        """The criterion under the cursor, if any."""
        table = self.table
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
