"""Command handlers for findings: validate against current state, update the projection, name the event."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from server.errors import CommandRejected
from server.models import FindingRow
from shared.protocol import AmendFinding, ErrorCode, FindingAmended, FindingPosted, Inspector, PostFinding


def find_finding(session: Session, inspection_id: int, finding_id: str) -> FindingRow | None:
    return session.exec(
        select(FindingRow).where(FindingRow.inspection_id == inspection_id, FindingRow.finding_id == finding_id)
    ).first()


def post_finding(
    session: Session, *, inspection_id: int, actor: Inspector, command: PostFinding, at: datetime
) -> FindingPosted:
    if find_finding(session, inspection_id, command.id) is not None:
        raise CommandRejected(ErrorCode.CONFLICT, "a finding with this id already exists", field="id")
    session.add(
        FindingRow(
            inspection_id=inspection_id,
            finding_id=command.id,
            author_id=actor.id,
            posted_at=at,
            updated_at=at,
            **command.fields(),
        )
    )
    return FindingPosted(finding_id=command.id, **command.fields())


def amend_finding(
    session: Session, *, inspection_id: int, actor: Inspector, command: AmendFinding, at: datetime
) -> FindingAmended:
    row = find_finding(session, inspection_id, command.finding_id)
    if row is None:
        raise CommandRejected(
            ErrorCode.NOT_FOUND, f"no finding with id {command.finding_id!r}", field="finding_id"
        )
    if row.author_id != actor.id:
        raise CommandRejected(ErrorCode.FORBIDDEN, "only the finding's author may amend it", field="finding_id")
    for name, value in command.fields().items():
        setattr(row, name, value)
    row.version += 1
    row.updated_at = at
    session.add(row)
    return FindingAmended(finding_id=row.finding_id, version=row.version, **command.fields())
