"""Command handlers for the grade board: permissions, the framework's scale and cited findings checked here.

Each handler refuses with CommandRejected before changing anything, so a refused command leaves no trace. The
rules' warnings (shared.grades) are computed here and sent in the event data, so every client shows the same.

The board keeps its promises here, not only in the app: once the final team meeting has closed, a grade on a
cell changes only after the lead reopens it with a reason (kept in that meeting's minutes as an amendment); an
agreed grade that contradicts a rule's warning needs a recorded reason; and a grade the QA manager challenged
cannot be signed off until the lead has responded. ``grade.challenges`` counts the challenges awaiting that
response.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlmodel import Session, col, select

from server.handlers.errors import CommandRejected
from server.handlers.finding_handlers import require_live
from server.handlers.rows import inspection_row
from server.storage.tables import EventRow, FindingRow, GradeRow, InspectorRow, LinkRow, MeetingRow
from shared import kinds
from shared.catalogue import read
from shared.criteria import Grade
from shared.grades import (
    AgreeGrade,
    ChallengeGrade,
    GradeAgreed,
    GradeChallenged,
    GradeProposed,
    GradeReopened,
    GradeResponded,
    GradeSignedOff,
    GradeWarning,
    ProposeGrade,
    ReopenGrade,
    RespondToChallenge,
    SignOffGrade,
    cell_name,
    grade_warnings,
    judgement_refusal,
    may_agree,
    may_quality_assure,
    may_respond,
    propose_refusal,
    scale_refusal,
    warning_reason_refusal,
)
from shared.meetings import MeetingKind, MeetingRuleError, Minutes, frozen_refusal, grade_freeze
from shared.protocol import ErrorCode, Inspector
from shared.triangulation import Link, Relation, Source
from shared.vocabulary import Agency, EvidenceSource, Framework, Inspectorate, JudgementArea

Cell = ChallengeGrade | SignOffGrade | RespondToChallenge | ReopenGrade


def _cell(session: Session, inspection_id: int, agency: Agency, judgement: str) -> GradeRow | None:
    return session.exec(
        select(GradeRow).where(
            GradeRow.inspection_id == inspection_id, GradeRow.agency == agency.value, GradeRow.judgement == judgement
        )
    ).first()


def _cell_to_grade(session: Session, inspection_id: int, command: ProposeGrade | AgreeGrade, at: datetime) -> GradeRow:
    """The board's cell this grade goes in, new if nobody has graded it yet."""
    return _cell(session, inspection_id, command.agency, command.judgement) or GradeRow(
        inspection_id=inspection_id, agency=command.agency.value, judgement=command.judgement, updated_at=at
    )


def _require_framework_cell(
    session: Session, inspection_id: int, command: ProposeGrade | AgreeGrade | Cell
) -> Framework:
    """Refuse a cell the inspection's framework does not grade (a child-protection inspection grades the local
    authority alone on CP ¶24's judgements; decoding only knew the cell is some framework's); its framework."""
    framework = Framework(inspection_row(session, inspection_id).framework)
    refusal = judgement_refusal(command.agency, command.judgement, framework)
    if refusal is not None:
        raise CommandRejected(ErrorCode.INVALID, refusal[1], field=refusal[0])
    return framework


def _check_grade(
    session: Session, inspection_id: int, command: ProposeGrade | AgreeGrade, framework: Framework
) -> None:
    """The grade on the scale of the inspection's ``framework`` (whose cell it already is), and the cited findings
    live."""
    why = scale_refusal(framework, command.grade)
    if why is not None:
        raise CommandRejected(ErrorCode.INVALID, why, field="grade")
    for finding_id in command.finding_ids:
        require_live(session, inspection_id, finding_id, "finding_ids")  # unknown: not_found; withdrawn: conflict


def _warnings(session: Session, inspection_id: int, command: ProposeGrade | AgreeGrade) -> list[GradeWarning]:
    """The rules' warnings on this grade, against the board (agreed grades over proposed) and the live links."""
    grades: dict[str, Grade] = {}
    understands = command.leaders_understand_failure  # the leadership cell's flag (¶70, ¶81), kept with its grade
    for row in session.exec(
        select(GradeRow).where(GradeRow.inspection_id == inspection_id, GradeRow.agency == command.agency.value)
    ).all():
        current = row.agreed_grade or row.proposed_grade
        if current is not None:
            grades[row.judgement] = Grade(current)
        if row.judgement == JudgementArea.LEADERSHIP and command.judgement != JudgementArea.LEADERSHIP:
            understands = row.agreed_leaders_understand if row.agreed_grade else row.proposed_leaders_understand
    inspectorates = {
        row.id: Inspectorate(row.inspectorate)
        for row in session.exec(select(InspectorRow).where(InspectorRow.inspection_id == inspection_id)).all()
    }
    sources = {
        row.finding_id: Source(inspectorates[row.author_id], EvidenceSource(row.evidence_source))
        for row in session.exec(select(FindingRow).where(FindingRow.inspection_id == inspection_id)).all()
        if row.withdrawn_at is None  # withdrawn evidence corroborates nothing
    }
    links = [
        Link(row.link_id, row.finding_id, row.other_finding_id, Relation(row.relation))
        for row in session.exec(select(LinkRow).where(LinkRow.inspection_id == inspection_id)).all()
        if row.finding_id in sources and row.other_finding_id in sources  # nor does it contradict anything
    ]
    found = grade_warnings(
        command.agency,
        command.judgement,
        command.grade,
        command.finding_ids,
        grades,
        links,
        sources,
        leaders_understand_failure=understands,
    )
    return found


def _freeze(session: Session, inspection_id: int) -> tuple[MeetingRow, Minutes] | None:
    """The closed final meeting that froze the agreed grades, with its minutes (None before one closes)."""
    rows = session.exec(
        select(MeetingRow).where(
            MeetingRow.inspection_id == inspection_id,
            MeetingRow.kind == MeetingKind.FINAL.value,
            col(MeetingRow.is_open).is_(False),
        )
    ).all()
    minutes = {row.meeting_id: (row, Minutes.model_validate_json(row.minutes)) for row in rows}
    freeze = grade_freeze(m for _, m in minutes.values())
    return minutes[freeze.id] if freeze is not None else None


def _require_not_frozen(
    session: Session, inspection_id: int, command: ProposeGrade | AgreeGrade
) -> tuple[MeetingRow, Minutes] | None:
    """Refuse a change to a cell the final meeting froze; returns the freeze (its cell reopened), if any."""
    freeze = _freeze(session, inspection_id)
    why = frozen_refusal(freeze[1] if freeze else None, command.agency, command.judgement)
    if why is not None:
        raise CommandRejected(ErrorCode.OUT_OF_ORDER, why, field="judgement")
    return freeze


def _save_minutes(session: Session, row: MeetingRow, minutes: Minutes) -> None:
    row.minutes = minutes.model_dump_json()
    session.add(row)


def propose_grade(
    session: Session, *, inspection_id: int, actor: Inspector, command: ProposeGrade, at: datetime
) -> GradeProposed:
    framework = _require_framework_cell(session, inspection_id, command)  # before who may: no such cell here
    why = propose_refusal(actor, command.agency)
    if why is not None:
        raise CommandRejected(ErrorCode.FORBIDDEN, why)
    _check_grade(session, inspection_id, command, framework)
    _require_not_frozen(session, inspection_id, command)
    warnings = _warnings(session, inspection_id, command)
    row = _cell_to_grade(session, inspection_id, command, at)
    row.proposed_grade = command.grade.value
    row.proposed_by = actor.id
    row.proposed_findings = json.dumps(command.finding_ids)
    row.proposed_leaders_understand = command.leaders_understand_failure
    row.updated_at = at
    session.add(row)
    return GradeProposed.of(command, warnings=warnings)


def agree_grade(
    session: Session, *, inspection_id: int, actor: Inspector, command: AgreeGrade, at: datetime
) -> GradeAgreed:
    framework = _require_framework_cell(session, inspection_id, command)
    if not may_agree(actor):
        raise CommandRejected(ErrorCode.FORBIDDEN, "only the lead inspector may record the agreed grade")
    _check_grade(session, inspection_id, command, framework)
    freeze = _require_not_frozen(session, inspection_id, command)
    warnings = _warnings(session, inspection_id, command)
    why = warning_reason_refusal(command.judgement, warnings, command.warning_reason)
    if why is not None:
        raise CommandRejected(ErrorCode.INVALID, f"warning_reason: {why}", field="warning_reason")
    row = _cell_to_grade(session, inspection_id, command, at)
    amends = None
    if freeze is not None and freeze[1].reagree_grade(command.agency, command.judgement, command.grade, at):
        _save_minutes(session, *freeze)  # the reopened cell is frozen again, its amendment complete
        amends = freeze[1].id
    # A newly agreed grade needs signing off again.
    sign_off_withdrawn = row.signed_off
    row.agreed_grade = command.grade.value
    row.agreed_by = actor.id
    row.agreed_findings = json.dumps(command.finding_ids)
    row.agreed_leaders_understand = command.leaders_understand_failure
    row.signed_off = False
    row.signed_off_by = None
    row.updated_at = at
    session.add(row)
    return GradeAgreed.of(command, warnings=warnings, sign_off_withdrawn=sign_off_withdrawn, amends_meeting=amends)


def _graded_cell(session: Session, inspection_id: int, command: Cell) -> tuple[GradeRow | None, str]:
    """The cell's row (None if nobody has graded it) and its name in the inspection's framework's words, for
    the messages that refuse a step on it."""
    framework = _require_framework_cell(session, inspection_id, command)
    row = _cell(session, inspection_id, command.agency, command.judgement)
    return row, cell_name(command.agency, command.judgement, framework)


def challenge_grade(
    session: Session, *, inspection_id: int, actor: Inspector, command: ChallengeGrade, at: datetime
) -> GradeChallenged:
    if not may_quality_assure(actor):
        raise CommandRejected(ErrorCode.FORBIDDEN, "only the QA manager may challenge a grade")
    row, name = _graded_cell(session, inspection_id, command)
    if row is None:
        raise CommandRejected(ErrorCode.NOT_FOUND, f"no grade proposed or agreed yet for {name}", field="judgement")
    row.challenges += 1
    row.updated_at = at
    session.add(row)
    return GradeChallenged.of(command, proposed_grade=row.proposed_grade, agreed_grade=row.agreed_grade)


def sign_off_grade(
    session: Session, *, inspection_id: int, actor: Inspector, command: SignOffGrade, at: datetime
) -> GradeSignedOff:
    if not may_quality_assure(actor):
        raise CommandRejected(ErrorCode.FORBIDDEN, "only the QA manager may sign off a grade")
    row, name = _graded_cell(session, inspection_id, command)
    if row is None or row.agreed_grade is None:
        raise CommandRejected(
            ErrorCode.OUT_OF_ORDER,
            f"no agreed grade yet for {name}: the lead records it at the final meeting first",
            field="judgement",
        )
    if row.signed_off:
        raise CommandRejected(ErrorCode.CONFLICT, f"the agreed grade for {name} is already signed off")
    if row.challenges:
        why = _open_challenge(session, inspection_id, command, name)
        raise CommandRejected(ErrorCode.OUT_OF_ORDER, why, field="judgement")
    row.signed_off = True
    row.signed_off_by = actor.id
    row.updated_at = at
    session.add(row)
    return GradeSignedOff.of(command, grade=row.agreed_grade)


def _open_challenge(session: Session, inspection_id: int, command: Cell, name: str) -> str:
    """Names the newest challenge on the cell (called ``name``), which awaits the lead's response."""
    comment = ""
    for event in session.exec(
        select(EventRow)
        .where(EventRow.inspection_id == inspection_id, EventRow.kind == kinds.GRADE_CHALLENGED)
        .order_by(col(EventRow.seq).desc())
    ).all():
        challenge = read(event.kind, json.loads(event.data))
        if isinstance(challenge, GradeChallenged) and (challenge.agency, challenge.judgement) == (
            command.agency, command.judgement
        ):
            comment = " ".join(challenge.comment.split())
            break
    quoted = comment if len(comment) <= 80 else comment[:79] + "…"
    return (
        f"the QA manager's challenge of the grade for {name} (\u201c{quoted}\u201d) awaits the lead's "
        "response: it cannot be signed off until the lead responds"
    )


def respond_to_challenge(
    session: Session, *, inspection_id: int, actor: Inspector, command: RespondToChallenge, at: datetime
) -> GradeResponded:
    if not may_respond(actor):
        raise CommandRejected(ErrorCode.FORBIDDEN, "only the lead inspector may respond to a QA challenge")
    row, name = _graded_cell(session, inspection_id, command)
    if row is None or not row.challenges:
        raise CommandRejected(ErrorCode.OUT_OF_ORDER, f"no challenge awaits a response on {name}", field="judgement")
    answered = row.challenges
    row.challenges = 0
    row.updated_at = at
    session.add(row)
    return GradeResponded.of(command, answered=answered)


def reopen_grade(
    session: Session, *, inspection_id: int, actor: Inspector, command: ReopenGrade, at: datetime
) -> GradeReopened:
    if not may_respond(actor):
        raise CommandRejected(ErrorCode.FORBIDDEN, "only the lead inspector may reopen a grade")
    _require_framework_cell(session, inspection_id, command)
    freeze = _freeze(session, inspection_id)
    if freeze is None:
        raise CommandRejected(
            ErrorCode.OUT_OF_ORDER,
            "the grades are not frozen: no final team meeting has closed, so they can still be changed",
            field="judgement",
        )
    row, minutes = freeze
    try:
        amendment = minutes.reopen_grade(command.agency, command.judgement, command.reason, at)
    except MeetingRuleError as refused:
        raise CommandRejected(refused.code, str(refused), field=refused.field) from None
    _save_minutes(session, row, minutes)
    before = amendment.before.value if amendment.before else None
    return GradeReopened.of(command, meeting_id=minutes.id, agreed_grade=before)
