"""Criteria coverage: for one agency × judgement area cell, which of the catalogue's criteria have evidence.

The triangulation view's criteria level shows this so the team sees what is still untested before judgements
are made. Pure functions of the findings (no Textual), so they are unit-tested directly.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from shared.criteria import Criterion, all_criteria
from shared.vocabulary import Agency, Framework, JudgementArea
from tui.state import FindingView


@dataclass(frozen=True, slots=True)
class CriterionCoverage:
    """One criterion of the cell and how many live findings cite it."""

    criterion: Criterion
    findings: int

    @property
    def covered(self) -> bool:
        return self.findings > 0


@dataclass(frozen=True, slots=True)
class Coverage:
    """Every criterion of one cell, in document order, with its evidence count."""

    agency: Agency
    area: JudgementArea | None
    rows: tuple[CriterionCoverage, ...]

    @property
    def covered(self) -> int:
        return sum(1 for row in self.rows if row.covered)

    @property
    def uncovered(self) -> list[Criterion]:
        return [row.criterion for row in self.rows if not row.covered]

    @property
    def summary(self) -> str:
        """'9 of 26 criteria have evidence', or why there is nothing to cover."""
        if not self.rows:
            return "No criteria in the catalogue for this cell."
        total = len(self.rows)
        noun = "criterion has" if total == 1 else "criteria have"
        return f"{self.covered} of {total} {noun} evidence"


def cite(item: Criterion) -> str:
    """The citation, told apart where the document's own is shared: '[I ¶68] inadequate', '[I ¶103] exp. 2'."""
    if item.letter is not None:
        return item.citation
    if item.grade is not None:
        return f"{item.citation} {item.grade.label.lower()}"
    _, _, expectation = item.id.partition("-exp")
    return f"{item.citation} exp. {expectation}" if expectation else item.citation


def lead(item: Criterion) -> str:
    """What tells apart entries sharing a paragraph's citation, to put before the text: 'Inadequate: '."""
    words = cite(item).removeprefix(item.citation).strip()
    return f"{words[:1].upper()}{words[1:]}: ".replace("Exp. ", "Expectation ") if words else ""


def cell_criteria(agency: Agency, area: JudgementArea | None, framework: Framework | None) -> list[Criterion]:
    """A cell's own criteria: filed under exactly that area (no area: the overall and narrative ones).

    ``framework`` None (not yet known offline) leaves every framework's criteria in.
    """
    return [
        c for c in all_criteria()
        if c.agency == agency and c.judgement_area == area and (framework is None or c.framework == framework)
    ]


def citing_counts(views: Iterable[FindingView]) -> Counter[str]:
    """Criterion id → live findings citing it; withdrawn findings are not evidence.

    Only exact ids count (the server accepts nothing else), so the count always equals what the board shows
    when filtered to the id.
    """
    return Counter(
        view.fields.criterion for view in views
        if view.fields.criterion and getattr(view, "withdrawn", None) is None
    )


def coverage(
    views: Iterable[FindingView], agency: Agency, area: JudgementArea | None, framework: Framework | None
) -> Coverage:
    """The cell's criteria with the number of findings citing each, wherever the finding is filed.

    A finding counts wherever it sits, so an overall descriptor cited from a help-and-protection finding
    still shows as evidenced in the agency's no-area column.
    """
    counts = citing_counts(views)
    rows = tuple(CriterionCoverage(c, counts.get(c.id, 0)) for c in cell_criteria(agency, area, framework))
    return Coverage(agency, area, rows)
