"""What the triangulation view and the child's journey show, worked out from TeamState alone.

Pure adapters between the app's state and tui.triangulation.book's rules: the findings as the server holds them become
Evidence, alerts become journey steps, and the criteria a cell's findings cite are counted against the
catalogue (shared.criteria). No Textual here, so all of it is unit-tested without a screen.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from shared.criteria import Criterion, all_criteria, criteria_for
from shared.grades import NARRATIVE_ONLY
from shared.vocabulary import Agency, Framework, JudgementArea, judgement_areas_for
from tui.alerts.book import AlertView, level_name
from tui.state import FindingView, TeamState
from tui.triangulation.book import Cell, Evidence, JourneyStep, child_journey, triangulation_matrix


def areas_of(framework: Framework) -> tuple[JudgementArea | None, ...]:
    """The triangulation view's columns: each judgement area the framework grades, then findings with none."""
    graded = dict.fromkeys(area for agency in Agency for area in judgement_areas_for(agency, framework))
    return (*graded, None)


def agencies_of(framework: Framework) -> tuple[Agency, ...]:
    """The view's rows: every agency, but under the child-protection framework not the narrative-only ones, which
    only the integrated framework inspects."""
    if framework is Framework.CHILD_PROTECTION:
        return tuple(agency for agency in Agency if agency not in NARRATIVE_ONLY)
    return tuple(Agency)


def framework_of(state: TeamState) -> Framework:
    return state.inspection.framework if state.inspection is not None else Framework.INTEGRATED

CellKey = tuple[Agency, JudgementArea | None]


def evidence_of(views: Iterable[FindingView]) -> list[Evidence]:
    return [Evidence(v.id, v.author.inspectorate, v.fields, v.posted_at) for v in views]


def applies(agency: Agency, area: JudgementArea | None, framework: Framework = Framework.INTEGRATED) -> bool:
    """Whether findings about ``agency`` can be filed under ``area`` in the framework (None, "no area", always can)."""
    return area is None or area in judgement_areas_for(agency, framework)


def matrix(state: TeamState) -> dict[CellKey, Cell]:
    """Agencies × judgement areas for the saved findings and live links."""
    return triangulation_matrix(evidence_of(state.saved_findings()), state.evidence.links.values())


# ---------------------------------------------------------------- criteria


@dataclass(frozen=True)
class Cited:
    """A criterion cited by findings in a cell (``criterion`` None when the catalogue does not know the code)."""

    code: str
    criterion: Criterion | None
    findings: int


@cache
def _by_id() -> dict[str, Criterion]:
    return {c.id.casefold(): c for c in all_criteria()}


def criterion_for_code(code: str) -> Criterion | None:
    """The catalogue criterion a finding's code means: its id ('I68c', 'CP24b'), or '68c' for 'I68c'."""
    wanted = code.strip().casefold()
    by_id = _by_id()
    for candidate in (wanted, f"i{wanted}", f"cp{wanted}"):
        if candidate in by_id:
            return by_id[candidate]
    return None


def cited_criteria(views: Iterable[FindingView]) -> list[Cited]:
    """How many of these findings cite each criterion, most cited first."""
    counts = Counter(v.fields.criterion for v in views if v.fields.criterion)
    return [Cited(code, criterion_for_code(code), n) for code, n in sorted(counts.items(), key=lambda kv: -kv[1])]


def criteria_in_scope(agency: Agency, area: JudgementArea | None) -> list[Criterion]:
    """The catalogue's criteria for a cell: an area's own, or (no area) the agency's overall and narrative ones."""
    return [c for c in criteria_for(agency) if c.judgement_area == area]


def in_cell(state: TeamState, key: CellKey) -> list[FindingView]:
    agency, area = key
    return [v for v in state.saved_findings() if v.fields.agency == agency and v.fields.judgement_area == area]


# ---------------------------------------------------------------- a child's journey


def alert_step(alert: AlertView) -> JourneyStep:
    who = alert.raised_by.name if alert.raised_by else ""
    return JourneyStep(alert.raised_at, "alert", alert.id, alert.agency, who,
                       f"{level_name(alert.level)} ({alert.status.label.lower()}): {alert.summary}")


def journey(state: TeamState, child_id: str) -> list[JourneyStep]:
    """Every finding, line of enquiry and alert about one child, from every inspectorate, oldest first."""
    wanted = child_id.strip().casefold()
    views = state.saved_findings()
    alerts = [alert_step(a) for a in state.alerts.alerts.values() if (a.child_id or "").casefold() == wanted]
    return child_journey(child_id.strip(), evidence_of(views), {v.id: v.author.name for v in views},
                         state.evidence.links.values(), state.evidence.enquiries.values(), alerts)


def children(state: TeamState) -> list[str]:
    """Every child unique ID on record (findings, enquiries, alerts), for the journey's suggestions."""
    found = {v.fields.child_id for v in state.saved_findings() if v.fields.child_id}
    found |= {c for e in state.evidence.enquiries.values() for c in e.child_ids}
    found |= {a.child_id for a in state.alerts.alerts.values() if a.child_id}
    return sorted(found, key=str.casefold)
