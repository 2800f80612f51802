"""Command handlers for lines of enquiry and links between findings: checked against current state."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from server.handlers.errors import CommandRejected
from server.handlers.finding_handlers import require_live
from server.handlers.membership import active_member
from server.handlers.rows import named_row
from server.storage.tables import EnquiryRow, LinkRow
from shared.enquiries import (
    AnswerEnquiry,
    CloseEnquiry,
    EnquiryAnswered,
    EnquiryClosed,
    EnquiryMoved,
    EnquiryOpened,
    EnquiryStarted,
    EnquiryStatus,
    OpenEnquiry,
    StartEnquiry,
    is_owner,
    transition_refusal,
)
from shared.protocol import ErrorCode, Inspector
from shared.triangulation import FindingLinked, FindingUnlinked, LinkFindings, UnlinkFindings
from shared.vocabulary import Agency, Inspectorate, Role


def _require_findings(session: Session, inspection_id: int, finding_ids: list[str], field: str) -> None:
    """Every cited finding exists (else ``not_found``) and is not withdrawn (else ``conflict``): it is evidence."""
    for finding_id in finding_ids:
        require_live(session, inspection_id, finding_id, field)


def _enquiry(session: Session, inspection_id: int, enquiry_id: str) -> EnquiryRow:
    query = select(EnquiryRow).where(EnquiryRow.inspection_id == inspection_id, EnquiryRow.enquiry_id == enquiry_id)
    return named_row(session, query, f"no enquiry with id {enquiry_id!r}", "enquiry_id")


def open_enquiry(
    session: Session, *, inspection_id: int, actor: Inspector, command: OpenEnquiry, at: datetime
) -> EnquiryOpened:
    if session.exec(
        select(EnquiryRow.id).where(EnquiryRow.inspection_id == inspection_id, EnquiryRow.enquiry_id == command.id)
    ).first():
        raise CommandRejected(ErrorCode.CONFLICT, "an enquiry with this id already exists", field="id")
    if command.to_inspector is not None:
        active_member(session, inspection_id, command.to_inspector, "to_inspector")
    _require_findings(session, inspection_id, command.finding_ids, "finding_ids")
    session.add(
        EnquiryRow(
            inspection_id=inspection_id,
            enquiry_id=command.id,
            asker_id=actor.id,
            to_inspectorate=command.to_inspectorate.value if command.to_inspectorate else None,
            to_agency=command.to_agency.value if command.to_agency else None,
            to_inspector=command.to_inspector,
            question=command.question,
            status=EnquiryStatus.OPEN.value,
            needs_la_input=command.needs_la_input,
            opened_at=at,
            updated_at=at,
        )
    )
    return EnquiryOpened.of(command, enquiry_id=command.id, status=EnquiryStatus.OPEN)


Move = StartEnquiry | AnswerEnquiry | CloseEnquiry

MOVES: dict[type[Move], tuple[EnquiryStatus, type[EnquiryMoved]]] = {
    StartEnquiry: (EnquiryStatus.IN_PROGRESS, EnquiryStarted),
    AnswerEnquiry: (EnquiryStatus.ANSWERED, EnquiryAnswered),
    CloseEnquiry: (EnquiryStatus.CLOSED, EnquiryClosed),
}
"""Each command that moves an enquiry → the status it moves it to, and the event that records the move."""


def move_enquiry(
    session: Session, *, inspection_id: int, actor: Inspector, command: Move, at: datetime
) -> EnquiryMoved:
    """Start, answer or close an enquiry: whoever it is addressed to starts and answers it, the asker closes it."""
    row = _enquiry(session, inspection_id, command.enquiry_id)
    if isinstance(command, CloseEnquiry):
        if row.asker_id != actor.id:
            raise CommandRejected(ErrorCode.FORBIDDEN, "only the inspector who asked may close this enquiry")
    elif not is_owner(
        actor,
        to_inspectorate=Inspectorate(row.to_inspectorate) if row.to_inspectorate else None,
        to_agency=Agency(row.to_agency) if row.to_agency else None,
        to_inspector=row.to_inspector,
    ):
        raise CommandRejected(ErrorCode.FORBIDDEN, "this enquiry is not addressed to you")
    refusal = transition_refusal(EnquiryStatus(row.status), command)
    if refusal is not None:
        raise CommandRejected(ErrorCode.OUT_OF_ORDER, refusal, field="enquiry_id")
    if isinstance(command, AnswerEnquiry):
        _require_findings(session, inspection_id, command.finding_ids, "finding_ids")
    to, moved = MOVES[type(command)]
    row.status = to.value
    row.updated_at = at
    session.add(row)
    return moved.of(command, status=to)


def link_findings(
    session: Session, *, inspection_id: int, actor: Inspector, command: LinkFindings, at: datetime
) -> FindingLinked:
    require_live(session, inspection_id, command.finding_id, "finding_id")  # a withdrawn finding is not evidence
    require_live(session, inspection_id, command.other_finding_id, "other_finding_id")
    pair = {command.finding_id, command.other_finding_id}
    for existing in session.exec(select(LinkRow).where(LinkRow.inspection_id == inspection_id)).all():
        if existing.link_id == command.id:
            raise CommandRejected(ErrorCode.CONFLICT, "a link with this id already exists", field="id")
        if {existing.finding_id, existing.other_finding_id} == pair and existing.relation == command.relation:
            raise CommandRejected(ErrorCode.CONFLICT, "these findings are already linked that way", field="relation")
    session.add(
        LinkRow(
            inspection_id=inspection_id,
            link_id=command.id,
            finding_id=command.finding_id,
            other_finding_id=command.other_finding_id,
            relation=command.relation.value,
            author_id=actor.id,
        )
    )
    return FindingLinked.of(command, link_id=command.id)


def unlink_findings(
    session: Session, *, inspection_id: int, actor: Inspector, command: UnlinkFindings, at: datetime
) -> FindingUnlinked:
    row = session.exec(
        select(LinkRow).where(LinkRow.inspection_id == inspection_id, LinkRow.link_id == command.link_id)
    ).first()
    if row is None:
        raise CommandRejected(ErrorCode.NOT_FOUND, f"no link with id {command.link_id!r}", field="link_id")
    if row.author_id != actor.id and actor.role is not Role.LEAD:
        raise CommandRejected(ErrorCode.FORBIDDEN, "only the link's author or the lead inspector may remove it")
    session.delete(row)
    return FindingUnlinked.of(command)
