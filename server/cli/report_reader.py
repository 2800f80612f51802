"""Read an inspection's report input from the database: the projections plus the grade board's event history.

Findings and links come from their projections (``finding``, ``finding_link``); the board is folded from the
``grade.*`` events with ``shared.grade_board``, the same fold the app uses, so the report and the board on
screen cannot disagree. Only inspectorates leave this module, never inspectors' names or tokens.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlmodel import Session, col, select

from server.handlers.case_handlers import stored_sample
from server.storage.database import NotFound, as_utc, inspection_model
from server.storage.tables import EventRow, FindingRow, InspectionRow, InspectorRow, LinkRow
from shared.catalogue import read
from shared.grade_board import GRADE_KINDS, GradeBoard
from shared.grades import GradePayload
from shared.report import ReportFinding, ReportInput, build_report
from shared.report_html import render_html
from shared.report_markdown import render_markdown
from shared.report_model import ChainHead
from shared.triangulation import Link, Relation
from shared.vocabulary import Agency, EvidenceSource, FindingKind, Inspectorate, JudgementArea


def report_input(
    session: Session, *, inspection_id: int, generated_at: datetime, chain_head: bool = False
) -> ReportInput:
    """Everything ``shared.report.build_report`` needs for one inspection; NotFound if there is none.

    ``chain_head``: also the log's head and its hash, for a report that leaves the system (printed, published,
    archived). The app's preview cannot know it (clients never see the chain), so the report read for comparing
    with it leaves it out.
    """
    row = session.get(InspectionRow, inspection_id)
    if row is None:
        raise NotFound(f"no inspection with id {inspection_id}")
    return ReportInput(
        inspection=inspection_model(row),
        findings=_findings(session, inspection_id),
        links=_links(session, inspection_id),
        board=_board(session, inspection_id),
        generated_at=generated_at,
        sample=stored_sample(session, inspection_id),
        chain_head=_chain_head(session, inspection_id, row.head) if chain_head else None,
    )


def _chain_head(session: Session, inspection_id: int, head: int) -> ChainHead | None:
    """The head event's chain hash, read in the same transaction as everything else the report shows."""
    chain = session.exec(
        select(EventRow.chain).where(EventRow.inspection_id == inspection_id, EventRow.seq == head)
    ).first()
    return ChainHead(head, chain) if chain is not None else None


def _findings(session: Session, inspection_id: int) -> list[ReportFinding]:
    rows = session.exec(
        select(FindingRow, InspectorRow.inspectorate)
        .join(InspectorRow, col(InspectorRow.id) == FindingRow.author_id)
        .where(FindingRow.inspection_id == inspection_id)
        .order_by(col(FindingRow.posted_at), col(FindingRow.id))
    )
    return [
        ReportFinding(
            id=finding.finding_id,
            agency=Agency(finding.agency),
            judgement_area=JudgementArea(finding.judgement_area) if finding.judgement_area else None,
            criterion=finding.criterion,
            kind=FindingKind(finding.kind),
            evidence_source=EvidenceSource(finding.evidence_source),
            text=finding.text,
            child_id=finding.child_id,
            inspectorate=Inspectorate(inspectorate),
            posted_at=as_utc(finding.posted_at),
            withdrawn=finding.withdrawn_at is not None,
        )
        for finding, inspectorate in rows
    ]


def _links(session: Session, inspection_id: int) -> list[Link]:
    rows = session.exec(select(LinkRow).where(LinkRow.inspection_id == inspection_id).order_by(col(LinkRow.id)))
    return [Link(row.link_id, row.finding_id, row.other_finding_id, Relation(row.relation)) for row in rows]


def _board(session: Session, inspection_id: int) -> GradeBoard:
    board = GradeBoard()
    rows = session.exec(
        select(EventRow)
        .where(EventRow.inspection_id == inspection_id, col(EventRow.kind).in_(GRADE_KINDS))
        .order_by(col(EventRow.seq))
    )
    for event in rows:
        payload = read(event.kind, json.loads(event.data))
        if isinstance(payload, GradePayload):
            board.fold(payload, as_utc(event.at), event.actor_id)
    return board


FORMATS = ("md", "html")


def render_report(
    session: Session, *, inspection_id: int, fmt: str, generated_at: datetime, chain_head: bool = False
) -> str:
    """The published report for one inspection as Markdown (``md``) or print-ready HTML (``html``); with
    ``chain_head``, Appendix A names the log's head it was read at (``report_input``)."""
    data = report_input(session, inspection_id=inspection_id, generated_at=generated_at, chain_head=chain_head)
    report = build_report(data)
    return render_html(report) if fmt == "html" else render_markdown(report)
