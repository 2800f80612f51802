"""Command handlers for case sampling and tracking (CP ¶38–43, Annex A), and the personal-data policy.

The lead imports the minimised Annex A list and draws the sample; the server computes the draw (shared.sampling)
from the stored list with the inspection's local date, so everyone's sample is the same one. Only the server knows
how many cases are eligible, so it is the server that refuses a draw of fewer than 50 cases, or with other than
three good-practice cases, without the lead's reason (CP ¶39, ¶43), and keeps the reason with the draw. Any team
member may add a case for a line of enquiry; the lead allocates sampled cases; the allocated inspector (or the lead)
records progress. A redraw is refused once any sampled case is allocated or under way, so nobody's work is lost.

``actor`` None is the server itself: ``triangulate cases …`` run by whoever holds the database, which is more
authority than the lead's, so it passes the lead's checks.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlmodel import Session, col, select

from server.handlers.errors import CommandRejected
from server.handlers.membership import active_member, require_lead
from server.handlers.personal_data_guard import local_date
from server.handlers.rows import inspection_row, named_row
from server.storage.tables import CaseRow, CaseSampleRow, EnquiryRow, NameDigestRow
from shared.annex_a import CaseRecord
from shared.cases import (
    AddToSample,
    AllocateCase,
    CaseAllocated,
    CaseProgressed,
    CasesImported,
    DrawSample,
    ImportCases,
    PersonalDataPolicySet,
    RecordCaseProgress,
    SampleAdded,
    SetPersonalDataPolicy,
    TrackingStatus,
)
from shared.protocol import ErrorCode, Inspector
from shared.sampling import Sample, SampledCase, Selection, draw_sample, reason_needed
from shared.vocabulary import Role

DRAWN = (Selection.RANDOM.value, Selection.GOOD_PRACTICE.value)


def case_rows(session: Session, inspection_id: int) -> list[CaseRow]:
    """Every imported case of the inspection, by child ID."""
    return list(
        session.exec(select(CaseRow).where(CaseRow.inspection_id == inspection_id).order_by(col(CaseRow.child_id)))
    )


def record_of(row: CaseRow) -> CaseRecord:
    return CaseRecord.model_validate_json(row.record)


def _case(session: Session, inspection_id: int, child_id: str) -> CaseRow:
    query = select(CaseRow).where(CaseRow.inspection_id == inspection_id, CaseRow.child_id == child_id)
    return named_row(session, query, f"{child_id} is not on the imported Annex A list", "child_id")


def _sampled(session: Session, inspection_id: int, child_id: str) -> CaseRow:
    row = _case(session, inspection_id, child_id)
    if row.selection is None:
        raise CommandRejected(
            ErrorCode.OUT_OF_ORDER, f"{child_id} is not in the sample: add it first (sample.add)", field="child_id"
        )
    return row


def stored_sample(session: Session, inspection_id: int) -> Sample | None:
    """The sample as it stands (draw plus later additions), or None before the first draw."""
    drawn = session.exec(select(CaseSampleRow).where(CaseSampleRow.inspection_id == inspection_id)).first()
    if drawn is None:
        return None
    cases = [
        SampledCase(
            child_id=row.child_id,
            selection=Selection(row.selection),
            meet_child_or_family=row.meet_child_or_family,
            reason=row.reason,
        )
        for row in case_rows(session, inspection_id)
        if row.selection is not None
    ]
    return Sample(seed=drawn.seed, drawn_on=drawn.drawn_on, size=drawn.size, eligible=drawn.eligible,
                  cases=tuple(cases), reason=drawn.reason)


# ---------------------------------------------------------------- handlers


def import_cases(
    session: Session, *, inspection_id: int, actor: Inspector | None, command: ImportCases, at: datetime
) -> CasesImported:
    """Store one batch; a case already imported gets the new record and keeps its place in the sample."""
    require_lead(actor, "import the Annex A list")
    ids = [case.child_id for case in command.cases]
    existing = {
        row.child_id: row
        for row in session.exec(
            select(CaseRow).where(CaseRow.inspection_id == inspection_id, col(CaseRow.child_id).in_(ids))
        )
    }
    for case in command.cases:
        row = existing.get(case.child_id) or CaseRow(
            inspection_id=inspection_id, child_id=case.child_id, record="", updated_at=at
        )
        row.record = case.model_dump_json()
        row.updated_at = at
        session.add(row)
    known = set(
        session.exec(
            select(NameDigestRow.digest).where(
                NameDigestRow.inspection_id == inspection_id, col(NameDigestRow.digest).in_(command.name_digests)
            )
        )
    )
    for digest in dict.fromkeys(command.name_digests):
        if digest not in known:
            session.add(NameDigestRow(inspection_id=inspection_id, digest=digest))
    return CasesImported(cases=command.cases, name_digests=command.name_digests, source=command.source,
                         count=len(command.cases))


def draw(session: Session, *, inspection_id: int, actor: Inspector | None, command: DrawSample, at: datetime) -> Sample:
    """Draw (or redraw) the random and good-practice part; returns the whole sample, line-of-enquiry cases too."""
    require_lead(actor, "draw the case sample")
    rows = case_rows(session, inspection_id)
    if not rows:
        raise CommandRejected(ErrorCode.OUT_OF_ORDER, "import the Annex A list before drawing the sample")
    by_id = {row.child_id: row for row in rows}
    unknown = [child_id for child_id in command.good_practice if child_id not in by_id]
    if unknown:
        raise CommandRejected(
            ErrorCode.NOT_FOUND, f"good-practice cases not on the Annex A list: {', '.join(unknown)}",
            field="good_practice",
        )
    started = [row.child_id for row in rows if row.selection is not None and _under_way(row)]
    if started:
        raise CommandRejected(
            ErrorCode.CONFLICT,
            f"{len(started)} sampled case(s) are already allocated or under way ({', '.join(started[:5])}"
            f"{', …' if len(started) > 5 else ''}): a redraw would lose that work",
        )
    today = local_date(inspection_row(session, inspection_id), at)
    sample = draw_sample(
        [record_of(row) for row in rows], size=command.size, seed=command.seed, today=today,
        good_practice=command.good_practice, meet_fraction=command.meet_fraction,
    )
    why = reason_needed(len(sample.selected(Selection.RANDOM)), len(sample.selected(Selection.GOOD_PRACTICE)))
    if why is not None and command.reason is None:
        raise CommandRejected(ErrorCode.INVALID, f"this draw needs a reason: {why}", field="reason")
    for row in rows:
        if row.selection in DRAWN:  # out of the last draw; back to a line of enquiry if one was why it was added
            row.selection = Selection.LINE_OF_ENQUIRY.value if row.reason else None
            row.meet_child_or_family = False
            session.add(row)
    for case in sample.cases:  # a line-of-enquiry case drawn this time is a drawn case, keeping its reason
        row = by_id[case.child_id]
        row.selection, row.meet_child_or_family = case.selection.value, case.meet_child_or_family
        row.updated_at = at
        session.add(row)
    _record_draw(session, inspection_id, command, sample, at)
    whole = stored_sample(session, inspection_id)
    assert whole is not None
    return whole


def _under_way(row: CaseRow) -> bool:
    return row.allocated_to is not None or row.status != TrackingStatus.NOT_STARTED.value


def _record_draw(session: Session, inspection_id: int, command: DrawSample, sample: Sample, at: datetime) -> None:
    drawn = session.exec(select(CaseSampleRow).where(CaseSampleRow.inspection_id == inspection_id)).first()
    drawn = drawn or CaseSampleRow(
        inspection_id=inspection_id, seed=0, size=0, drawn_on=sample.drawn_on, eligible=0, meet_fraction=0, drawn_at=at
    )
    drawn.seed, drawn.size, drawn.drawn_on, drawn.eligible = sample.seed, sample.size, sample.drawn_on, sample.eligible
    drawn.meet_fraction, drawn.drawn_at = command.meet_fraction, at
    drawn.good_practice = json.dumps(list(dict.fromkeys(command.good_practice)))
    drawn.reason = command.reason.strip() if command.reason else None
    session.add(drawn)


def add(session: Session, *, inspection_id: int, actor: Inspector | None, command: AddToSample, at: datetime
        ) -> SampleAdded:
    """Any team member adds an imported case for a line of enquiry (¶38), with the reason."""
    row = _case(session, inspection_id, command.child_id)
    if row.selection is not None:
        raise CommandRejected(ErrorCode.CONFLICT, f"{command.child_id} is already in the sample", field="child_id")
    if command.enquiry_id is not None and session.exec(
        select(EnquiryRow.id).where(EnquiryRow.inspection_id == inspection_id,
                                    EnquiryRow.enquiry_id == command.enquiry_id)
    ).first() is None:
        raise CommandRejected(ErrorCode.NOT_FOUND, f"no enquiry with id {command.enquiry_id!r}", field="enquiry_id")
    row.selection, row.meet_child_or_family = Selection.LINE_OF_ENQUIRY.value, False
    row.reason, row.enquiry_id, row.updated_at = command.reason.strip(), command.enquiry_id, at
    session.add(row)
    return SampleAdded(child_id=row.child_id, selection=Selection(row.selection), reason=row.reason,
                       enquiry_id=row.enquiry_id)


def allocate(session: Session, *, inspection_id: int, actor: Inspector | None, command: AllocateCase, at: datetime
             ) -> CaseAllocated:
    """The lead gives a sampled case to a team member, or takes it back (``inspector_id`` null)."""
    require_lead(actor, "allocate cases")
    row = _sampled(session, inspection_id, command.child_id)
    if command.inspector_id is not None:
        active_member(session, inspection_id, command.inspector_id, "inspector_id")
    row.allocated_to, row.updated_at = command.inspector_id, at
    session.add(row)
    return CaseAllocated(child_id=row.child_id, inspector_id=row.allocated_to)


def progress(session: Session, *, inspection_id: int, actor: Inspector | None, command: RecordCaseProgress,
             at: datetime) -> CaseProgressed:
    """The allocated inspector, or the lead, records how far the case has got."""
    row = _sampled(session, inspection_id, command.child_id)
    if actor is not None and actor.role is not Role.LEAD and actor.id != row.allocated_to:
        raise CommandRejected(
            ErrorCode.FORBIDDEN, "only the inspector the case is allocated to, or the lead, may record its progress",
            field="child_id",
        )
    row.status, row.updated_at = command.status.value, at
    session.add(row)
    return CaseProgressed(child_id=row.child_id, status=TrackingStatus(row.status))


def set_policy(session: Session, *, inspection_id: int, actor: Inspector | None, command: SetPersonalDataPolicy,
               at: datetime) -> PersonalDataPolicySet:
    """The lead chooses warn-and-record or refuse for the whole inspection; alerts are warned about either way."""
    require_lead(actor, "set the personal-data policy")
    inspection = inspection_row(session, inspection_id)
    inspection.personal_data_policy = command.policy.value
    session.add(inspection)
    return PersonalDataPolicySet(policy=command.policy)
