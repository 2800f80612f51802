"""``finding.post``, the command sent most, in Core statements built once instead of the ORM per command.

The same steps as ``dispatch.apply_command`` with ``finding_handlers.post_finding``, in the same order, with the same
refusals and the same event: the actor as they stand now, an idempotent resend, the personal-data guard, the
criterion, then the finding, the seq and the event. What every post of a batch reads (the inspection's row and
its name index) is loaded once per batch (``BatchFacts``). Measured (bench/floor.py): the ORM's unit of work,
autoflush and statement building were most of a finding's CPU.

Every check comes before the first write, so a refused post leaves nothing behind and needs no savepoint. The
writer has row-locked the inspection for the whole batch (``dispatch.lock_inspections``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, insert, select
from sqlmodel import Session

from server.handlers import membership, personal_data_guard
from server.handlers.dispatch import Applied, command_digest, retried
from server.handlers.errors import CommandRejected
from server.handlers.event_append import append_event
from server.handlers.finding_handlers import criterion_check
from server.storage.tables import EventRow, FindingRow, InspectionRow
from shared import kinds
from shared.findings import FindingPosted, PostFinding
from shared.personal_data import NameIndex
from shared.personal_data_fields import free_text_fields
from shared.protocol import ErrorCode, Inspector
from shared.vocabulary import Framework

_events = EventRow.__table__  # type: ignore[attr-defined]
_findings = FindingRow.__table__  # type: ignore[attr-defined]
_inspections = InspectionRow.__table__  # type: ignore[attr-defined]

_EARLIER = select(_events.c.seq, _events.c.actor_id, _events.c.command_digest).where(
    _events.c.inspection_id == bindparam("inspection"), _events.c.command_id == bindparam("command")
)
_FINDING_EXISTS = select(_findings.c.id).where(
    _findings.c.inspection_id == bindparam("inspection"), _findings.c.finding_id == bindparam("finding")
)
_ADD_FINDING = insert(_findings)


_INSPECTION = select(
    _inspections.c.id,
    _inspections.c.framework,
    _inspections.c.timezone,
    _inspections.c.personal_data_policy,
    _inspections.c.case_salt,
).where(_inspections.c.id == bindparam("inspection"))


@dataclass(frozen=True)
class InspectionFacts:
    """What a post reads of its inspection (personal_data_guard.Guarded, and the framework for the criterion)."""

    id: int
    framework: str
    timezone: str
    personal_data_policy: str
    case_salt: str


class BatchFacts:
    """What the posts of one batch read again and again, loaded once: each inspection's facts and name index.

    Any other command may change them (a policy, an import of names), so the writer calls ``forget`` after one.
    """

    def __init__(self, session: Session):
        self._session = session
        self._known: dict[int, tuple[InspectionFacts, NameIndex | None]] = {}

    def inspection(self, inspection_id: int) -> tuple[InspectionFacts, NameIndex | None]:
        known = self._known.get(inspection_id)
        if known is None:
            row = self._session.connection().execute(_INSPECTION, {"inspection": inspection_id}).one()
            facts = InspectionFacts(*row)
            known = self._known[inspection_id] = (facts, personal_data_guard.name_index(self._session, facts))
        return known

    def forget(self) -> None:
        self._known.clear()


def post_finding(
    session: Session, facts: BatchFacts, *, inspection_id: int, actor: Inspector, command: PostFinding, at: datetime
) -> Applied:
    """Apply a ``finding.post`` in ``session`` (not committed here); raises CommandRejected to refuse it."""
    actor = membership.current_actor(session, actor)
    session.flush()  # an earlier command's rows, so the reads below see them (nothing to do after another post)
    connection = session.connection()
    digest = command_digest(command)
    earlier = connection.execute(_EARLIER, {"inspection": inspection_id, "command": command.id}).first()
    if earlier is not None:
        return retried(earlier, command, actor_id=actor.id, digest=digest)  # type: ignore[arg-type]

    inspection, names = facts.inspection(inspection_id)
    found = personal_data_guard.judge(command, inspection, names, at=at) if free_text_fields(command) else []
    if connection.execute(_FINDING_EXISTS, {"inspection": inspection_id, "finding": command.id}).first() is not None:
        raise CommandRejected(ErrorCode.CONFLICT, "a finding with this id already exists", field="id")
    criterion_check(Framework(inspection.framework), command)

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
    payload = FindingPosted(finding_id=command.id, **fields).model_dump(mode="json")
    if found:
        payload = {**payload, "personal_data": [record.model_dump(mode="json") for record in found]}
    event, frame = append_event(
        connection, inspection_id=inspection_id, kind=kinds.FINDING_POSTED, actor=actor, at=at, payload=payload,
        command_id=command.id, digest=digest,
    )
    return Applied(seq=event.seq, event=event, frame=frame)
