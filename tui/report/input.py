"""The report's input from what the app holds: the same ``ReportInput`` the server reads from its database.

Only what the server has recorded goes in. A finding's fields are its last saved version (``history``), not
the view's, which may show our own unsent amendment; a withdrawal counts once the server recorded it, not
while ours is on its way; grades come from the fold of ``grade.*`` events, never from our grade commands in
flight. So the preview and ``triangulate report`` give the same document for the same events (docs/reports.md).
"""

from __future__ import annotations

from datetime import datetime

from shared.report_model import ReportFinding, ReportInput
from tui.state import FindingView, TeamState


class NoInspection(ValueError):
    """The app has not been welcomed by a server yet, so it does not know which inspection this is."""


def report_input(state: TeamState, generated_at: datetime) -> ReportInput:
    """Everything ``shared.report.build_report`` needs, from the saved part of ``state``."""
    if state.inspection is None:
        raise NoInspection("no inspection yet: connect to the team server once")
    findings = sorted(
        (finding for view in state.findings.values() if (finding := saved_finding(view)) is not None),
        key=lambda f: (f.posted_at, f.id),
    )
    return ReportInput(
        inspection=state.inspection,
        findings=findings,
        links=list(state.evidence.links.values()),
        board=state.grades,
        generated_at=generated_at,
        sample=state.cases.sample,
    )


def saved_finding(view: FindingView) -> ReportFinding | None:
    """The finding as the server holds it; None for our own post the server has not recorded yet."""
    if not view.history:
        return None
    _, _, fields = view.history[-1]
    return ReportFinding(
        id=view.id,
        agency=fields.agency,
        judgement_area=fields.judgement_area,
        criterion=fields.criterion,
        kind=fields.kind,
        evidence_source=fields.evidence_source,
        text=fields.text,
        child_id=fields.child_id,
        inspectorate=view.author.inspectorate,
        posted_at=view.posted_at,
        withdrawn=view.withdrawn is not None,
    )
