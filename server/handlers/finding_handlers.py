"""Command handlers for findings: validate against current state, update the projection, name the event."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, insert
from sqlmodel import Session, select

from server.handlers import transaction_facts
from server.handlers.errors import CommandRejected
from server.handlers.rows import inspection_row
from server.handlers.transaction_facts import refuses_before_writing
from server.storage.tables import FindingRow
from shared.criteria import criterion_refusal
from shared.findings import (
    AmendFinding,
    FindingAmended,
    FindingFields,
    FindingPosted,
    FindingWithdrawn,
    PostFinding,
    WithdrawFinding,
)
from shared.protocol import (
    ErrorCode,
    Inspector,
)
from shared.vocabulary import Framework, Role, judgement_areas_for

_findings = FindingRow.__table__  # type: ignore[attr-defined]
_FINDING_EXISTS = select(_findings.c.id).where(
    _findings.c.inspection_id == bindparam("inspection"), _findings.c.finding_id == bindparam("finding")
)
_ADD_FINDING = insert(_findings)


def find_finding(session: Session, inspection_id: int, finding_id: str) -> FindingRow | None:
    return session.exec(
        select(FindingRow).where(FindingRow.inspection_id == inspection_id, FindingRow.finding_id == finding_id)
    ).first()


@refuses_before_writing
def post_finding(
    session: Session, *, inspection_id: int, actor: Inspector, command: PostFinding, at: datetime
) -> FindingPosted:
    """The command sent most, in Core statements built once: measured (bench/floor.py), the ORM's unit of work,
    autoflush and statement building were most of a finding's CPU."""
    connection = session.connection()
    if connection.execute(_FINDING_EXISTS, {"inspection": inspection_id, "finding": command.id}).first() is not None:
        raise CommandRejected(ErrorCode.CONFLICT, "a finding with this id already exists", field="id")
    known = transaction_facts.inspection(session, inspection_id)
    assert known is not None, "apply_command locked this inspection's row"
    criterion_check(Framework(known[0].framework), command)
    fields = command.fields()
    connection.execute(
        _ADD_FINDING,
        {
            **fields,
            "inspection_id": inspection_id,
            "finding_id": command.id,
            "author_id": actor.id,
            "version": 1,
            "posted_at": at,
            "updated_at": at,
        },
    )
    return FindingPosted(finding_id=command.id, **fields)


def check_criterion(session: Session, inspection_id: int, fields: FindingFields) -> None:
    """Refuse a judgement area or criterion the inspection's framework, the agency or the area rules out.

    The finding model allows the areas of either framework (it cannot know the inspection); here the inspection's
    own framework decides, so a child-protection inspection (CP ¶24) holds no finding about children looked after.
    """
    criterion_check(Framework(inspection_row(session, inspection_id).framework), fields)


def criterion_check(framework: Framework, fields: FindingFields) -> None:
    """``check_criterion`` with the framework already known."""
    area = fields.judgement_area
    if area is not None and area not in judgement_areas_for(fields.agency, framework):
        raise CommandRejected(
            ErrorCode.INVALID,
            f"judgement_area: {area.label} is not judged for {fields.agency.label} under the {framework.label.lower()}",
            field="judgement_area",
        )
    if fields.criterion is None:
        return
    refusal = criterion_refusal(fields.criterion, fields.agency, fields.judgement_area, framework)
    if refusal is not None:
        raise CommandRejected(ErrorCode.INVALID, f"criterion: {refusal}", field="criterion")


def _existing(session: Session, inspection_id: int, finding_id: str) -> FindingRow:
    row = find_finding(session, inspection_id, finding_id)
    if row is None:
        raise CommandRejected(ErrorCode.NOT_FOUND, f"no finding with id {finding_id!r}", field="finding_id")
    return row


def require_live(session: Session, inspection_id: int, finding_id: str, field: str) -> FindingRow:
    """The finding, refusing an unknown one (``not_found``) and a withdrawn one (``conflict``).

    For commands that would build on a finding (links, grades): withdrawn evidence must not be relied on again.
    """
    row = find_finding(session, inspection_id, finding_id)
    if row is None:
        raise CommandRejected(ErrorCode.NOT_FOUND, f"no finding with id {finding_id!r}", field=field)
    if row.withdrawn_at is not None:
        raise CommandRejected(
            ErrorCode.CONFLICT, f"finding {finding_id!r} was withdrawn: it is no longer evidence", field=field
        )
    return row


def amend_finding(
    session: Session, *, inspection_id: int, actor: Inspector, command: AmendFinding, at: datetime
) -> FindingAmended:
    row = _existing(session, inspection_id, command.finding_id)
    if row.author_id != actor.id:
        raise CommandRejected(ErrorCode.FORBIDDEN, "only the finding's author may amend it", field="finding_id")
    if row.withdrawn_at is not None:
        raise CommandRejected(
            ErrorCode.CONFLICT, "this finding was withdrawn: a withdrawn finding cannot be amended", field="finding_id"
        )
    check_criterion(session, inspection_id, command)
    for name, value in command.fields().items():
        setattr(row, name, value)
    row.version += 1
    row.updated_at = at
    session.add(row)
    return FindingAmended(finding_id=row.finding_id, version=row.version, **command.fields())


def withdraw_finding(
    session: Session, *, inspection_id: int, actor: Inspector, command: WithdrawFinding, at: datetime
) -> FindingWithdrawn:
    """Take a finding out of the evidence; the row and the log keep it, so its history is never lost."""
    row = _existing(session, inspection_id, command.finding_id)
    if row.author_id != actor.id and actor.role != Role.LEAD:
        raise CommandRejected(
            ErrorCode.FORBIDDEN, "only the finding's author or the lead inspector may withdraw it", field="finding_id"
        )
    if row.withdrawn_at is not None:
        raise CommandRejected(ErrorCode.CONFLICT, "this finding is already withdrawn", field="finding_id")
    row.withdrawn_at = at
    row.withdrawn_by = actor.id
    row.withdrawn_reason = command.reason
    row.updated_at = at
    session.add(row)
    return FindingWithdrawn(finding_id=row.finding_id, reason=command.reason, personal_data=[])
