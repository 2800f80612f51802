"""The findings a dialog offers to pick (the other end of a link, the findings an enquiry cites), and the search.

Each is shown as one line (reference, inspectorate, agency, kind, first line) and found by any words from it,
its author or agency, or its #reference; nobody has to know a reference to pick a finding.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from shared.triangulation import Source
from tui.refs import ref
from tui.state import FindingView, TeamState
from tui.widgets.labels import AGENCY_SHORT, INSPECTORATE_SHORT, KIND_SHORT, short


@dataclass(frozen=True)
class Candidate:
    """A finding the user may pick: its id, the line the list shows, the words search looks in, its source."""

    id: str
    line: str
    words: str
    source: Source | None


def matching(candidates: Sequence[Candidate], query: str) -> list[Candidate]:
    """Candidates whose words contain every typed word; ``#3f2a`` matches the start of an id."""
    words = query.casefold().split()
    found = []
    for candidate in candidates:
        haystack = f"#{candidate.id.casefold()} {candidate.words}"
        if all(word in haystack for word in words):
            found.append(candidate)
    return found


def candidate_line(view: FindingView, width: int = 94) -> str:
    """One line per finding in a picking list: ref, inspectorate, agency, kind, then the first line."""
    f = view.fields
    line = (f"{ref(view.id):<9} {short(INSPECTORATE_SHORT, view.author.inspectorate):<8} "
            f"{short(AGENCY_SHORT, f.agency):<9} {short(KIND_SHORT, f.kind):<11} {view.first_line}")
    return line if len(line) <= width else line[: width - 1] + "…"


def candidate(view: FindingView, state: TeamState) -> Candidate:
    f = view.fields
    words = " ".join(filter(None, (
        f.text, f.agency.label, short(AGENCY_SHORT, f.agency), f.kind.label, short(KIND_SHORT, f.kind),
        view.author.name, view.author.inspectorate.label, short(INSPECTORATE_SHORT, view.author.inspectorate),
        f.child_id, f.criterion,
    ))).casefold()
    return Candidate(view.id, candidate_line(view), words, state.source_of(view.id))


def finding_candidates(state: TeamState, leave_out: str | None = None) -> list[Candidate]:
    """Every saved, live finding (a withdrawn one is no longer evidence), newest first."""
    views = sorted(state.saved_findings(), key=lambda v: v.posted_at, reverse=True)
    return [candidate(view, state) for view in views if view.id != leave_out]
