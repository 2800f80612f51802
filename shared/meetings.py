"""The planning meeting and the keeping-in-touch (KIT) meetings with the Director of Children's Services (DCS), the
team's own daily meeting, and the final team meeting on the last day of fieldwork.

CP ¶28: the planning meeting with the DCS at the earliest opportunity. CP ¶29–30: the lead keeps the local
authority informed of emerging findings and seeks its responses. CP ¶31: the final meeting secures the judgements
and agrees the grades (the DCS is invited). The agenda is drafted from the record; during the meeting the lead
records who attended (shared.meeting_attendance), notes, the local authority's responses and actions against
agenda items; closing freezes the minutes, and later corrections are amendments with history. The minutes speak
the inspection's framework (its judgements' names), which the server records when the meeting opens.

``Minutes`` is one pure model folded by the server (to enforce the rules) and by the app (to show them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, model_validator

from shared import grades as board
from shared.criteria import Grade
from shared.fields import FREE_TEXT, GIVEN, RefId, Text
from shared.meeting_attendance import (
    DCS_NOT_INVITED,
    Attendance,
    AttendanceCommand,
    AttendanceRecorded,
    DcsPresence,
    MeetingWarning,
)
from shared.meeting_framework import PLANNING_PURPOSES
from shared.protocol import Command, Payload, UtcDatetime
from shared.vocabulary import Agency, FindingKind, Framework, Labelled

Title = Annotated[str, Field(min_length=1, max_length=300), FREE_TEXT]


class MeetingKind(Labelled):
    KIT = "kit", "Keeping-in-touch meeting"
    TEAM = "team", "Team triangulation meeting"
    FINAL = "final", "Final team meeting"
    PLANNING = "planning", "Planning meeting with the Director of Children's Services"


class Section(Labelled):
    PURPOSE = "purpose", "What the meeting is for"
    GRADES = "grades", "Judgements to agree"
    NARRATIVES = "narratives", "Narratives to agree (not graded)"
    FINDINGS = "findings", "Findings since the last meeting"
    ALERTS = "alerts", "Open and overdue alerts"
    ENQUIRIES = "enquiries", "Open lines of enquiry"
    OTHER = "other", "Other business"


class EntryKind(Labelled):
    NOTE = "note"
    LA_RESPONSE = "la-response", "Local authority's response"
    ACTION = "action"


TEAM_WITHOUT_LA = "the team's own meeting is held without the local authority"


class MeetingRuleError(ValueError):
    """A meeting command that the rules refuse; ``field`` names the offending field."""

    def __init__(self, field: str, message: str, *, code: str = "invalid"):
        super().__init__(message)
        self.field = field
        self.code = code


# ---------------------------------------------------------------- commands


class OpenMeeting(AttendanceCommand):
    """``meeting.open`` (lead only): the new meeting's id is this command's id; the server drafts its agenda.

    Who attends may be recorded as it opens (the final meeting's invitation to the DCS, CP ¶31) or later."""

    type: Literal["meeting.open"] = "meeting.open"
    kind: MeetingKind
    day: date

    @model_validator(mode="after")
    def _team_without_the_dcs(self) -> OpenMeeting:
        if self.kind is MeetingKind.TEAM and self.dcs is not None:
            raise ValueError(f"dcs: {TEAM_WITHOUT_LA}")
        return self


class AddAgendaItem(Command):
    """``agenda.add``: the new item's id is this command's id."""

    type: Literal["agenda.add"] = "agenda.add"
    meeting_id: RefId
    title: Title
    position: Annotated[int, Field(ge=0)] | None = None


class MoveAgendaItem(Command):
    type: Literal["agenda.move"] = "agenda.move"
    meeting_id: RefId
    item_id: RefId
    position: Annotated[int, Field(ge=0)]


class DropAgendaItem(Command):
    type: Literal["agenda.drop"] = "agenda.drop"
    meeting_id: RefId
    item_id: RefId


class RecordEntry(Command):
    """``meeting.record``: a note, the local authority's response, or an action (owner and due date) on an item."""

    type: Literal["meeting.record"] = "meeting.record"
    meeting_id: RefId
    item_id: RefId | None = None
    entry: EntryKind
    text: Text
    owner: Title | None = None
    due: date | None = None

    @model_validator(mode="after")
    def _rules(self) -> RecordEntry:
        if self.entry is EntryKind.ACTION and (self.owner is None or not self.owner.strip()):
            raise ValueError("owner: an action needs an owner")
        if self.entry is EntryKind.ACTION and self.due is None:
            raise ValueError("due: an action needs a due date")
        return self


class AmendEntry(Command):
    """``meeting.amend``: correct an entry, before or after closing; every version stays in the log."""

    type: Literal["meeting.amend"] = "meeting.amend"
    meeting_id: RefId
    entry_id: RefId
    text: Text
    owner: Annotated[Title, GIVEN] | None = None
    due: date | None = None
    reason: Annotated[str, Field(max_length=500), FREE_TEXT] = ""


class CloseMeeting(Command):
    """``meeting.close`` (lead only): freezes the minutes."""

    type: Literal["meeting.close"] = "meeting.close"
    meeting_id: RefId


# ---------------------------------------------------------------- the minutes


class AgendaItem(BaseModel):
    id: str
    section: Section
    title: str
    ref: str | None = None
    """The finding, alert or enquiry the item is about; for a judgement to agree, ``agency/judgement``."""
    agency: Agency | None = None


class AgreedGrade(BaseModel):
    """One cell of the grade board as it stood when the final meeting closed (null grade: not agreed)."""

    agency: Agency
    judgement: str
    grade: Grade | None = None
    signed_off: bool = False


class GradeAmendment(BaseModel):
    """An agreed grade the lead reopened after the final meeting froze it, and the grade agreed instead.

    While ``agreed_at`` is None the cell is open to change; the next agreed grade on it closes the amendment and
    freezes the cell again, so every change after the meeting is in its minutes with the reason for it.
    """

    agency: Agency
    judgement: str
    reason: str
    reopened_at: UtcDatetime
    before: Grade | None = None
    """The agreed grade the meeting (or the last amendment) froze; None if the cell had none."""
    agreed: Grade | None = None
    agreed_at: UtcDatetime | None = None

    @property
    def is_open(self) -> bool:
        return self.agreed_at is None


class EntryVersion(BaseModel):
    text: str
    owner: str | None = None
    due: date | None = None
    at: UtcDatetime
    reason: str = ""


class Entry(BaseModel):
    id: str
    item_id: str | None
    kind: EntryKind
    versions: list[EntryVersion]

    @property
    def current(self) -> EntryVersion:
        return self.versions[-1]


class Minutes(BaseModel):
    """One meeting: its agenda and what was recorded. Methods apply one command each, or raise MeetingRuleError."""

    id: str
    kind: MeetingKind
    day: date
    opened_at: UtcDatetime
    closed_at: UtcDatetime | None = None
    agenda: list[AgendaItem] = []
    dropped: list[AgendaItem] = []
    entries: list[Entry] = []
    agreed_grades: list[AgreedGrade] = []
    """A final meeting's record of the agreed grades at close (from the ``meeting.closed`` event's data)."""
    grade_amendments: list[GradeAmendment] = []
    """Grades reopened since the close (``grade.reopened``) and what was agreed instead (``grade.agreed``)."""
    framework: Framework = Framework.INTEGRATED
    attendance: Attendance = Attendance()
    warnings: list[MeetingWarning] = []
    """Where this meeting departs from what the framework expects of it (CP ¶31's day and invitation)."""

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def _require_open(self) -> None:
        if not self.is_open:
            raise MeetingRuleError("meeting_id", "this meeting is closed: its minutes are frozen", code="out_of_order")

    def _index(self, item_id: str) -> int:
        for index, item in enumerate(self.agenda):
            if item.id == item_id:
                return index
        raise MeetingRuleError("item_id", f"no agenda item {item_id!r} in this meeting", code="not_found")

    def record_attendance(self, attendance: Attendance) -> None:
        """Who attended, replacing what was recorded; a final meeting's warning about the DCS's invitation
        (CP ¶31) follows it."""
        self._require_open()
        if self.kind is MeetingKind.TEAM and attendance.dcs is not None:
            raise MeetingRuleError("dcs", TEAM_WITHOUT_LA)
        self.attendance = attendance
        self.warnings = [warning for warning in self.warnings if warning.field != DCS_NOT_INVITED.field]
        if self.kind is MeetingKind.FINAL and not attendance.dcs_invited:
            self.warnings.append(DCS_NOT_INVITED)

    def add_item(self, item_id: str, title: str, position: int | None) -> AgendaItem:
        self._require_open()
        if any(item.id == item_id for item in self.agenda):
            raise MeetingRuleError("id", "an agenda item with this id already exists", code="conflict")
        item = AgendaItem(id=item_id, section=Section.OTHER, title=title.strip())
        self.agenda.insert(len(self.agenda) if position is None else min(position, len(self.agenda)), item)
        return item

    def move_item(self, item_id: str, position: int) -> None:
        self._require_open()
        item = self.agenda.pop(self._index(item_id))
        self.agenda.insert(min(position, len(self.agenda)), item)

    def drop_item(self, item_id: str) -> None:
        self._require_open()
        if any(entry.item_id == item_id for entry in self.entries):
            raise MeetingRuleError("item_id", "this item has entries recorded against it; it cannot be dropped")
        self.dropped.append(self.agenda.pop(self._index(item_id)))

    def record(self, command: RecordEntry, at: datetime) -> Entry:
        self._require_open()
        if command.item_id is not None:
            self._index(command.item_id)
        if command.entry is EntryKind.LA_RESPONSE and self.kind is MeetingKind.TEAM:
            raise MeetingRuleError("entry", "the team's own meeting has no local authority responses")
        if any(entry.id == command.id for entry in self.entries):
            raise MeetingRuleError("id", "an entry with this id already exists", code="conflict")
        entry = Entry(
            id=command.id,
            item_id=command.item_id,
            kind=command.entry,
            versions=[EntryVersion(text=command.text, owner=command.owner, due=command.due, at=at)],
        )
        self.entries.append(entry)
        return entry

    def amend(self, command: AmendEntry | MeetingAmended, at: datetime) -> Entry:
        for entry in self.entries:
            if entry.id == command.entry_id:
                if entry.kind is EntryKind.ACTION and not (command.owner and command.owner.strip()):
                    raise MeetingRuleError("owner", "an action keeps an owner")
                if entry.kind is EntryKind.ACTION and command.due is None:
                    raise MeetingRuleError("due", "an action keeps a due date")
                entry.versions.append(
                    EntryVersion(text=command.text, owner=command.owner, due=command.due, at=at, reason=command.reason)
                )
                return entry
        raise MeetingRuleError("entry_id", f"no entry {command.entry_id!r} in this meeting", code="not_found")

    def close(self, at: datetime, agreed_grades: Iterable[AgreedGrade | Mapping[str, object]] = ()) -> None:
        """Freeze the minutes; a final meeting keeps the agreed grades as they stood (ignored for other kinds)."""
        self._require_open()
        self.closed_at = at
        if self.kind is MeetingKind.FINAL:
            self.agreed_grades = [AgreedGrade.model_validate(grade) for grade in agreed_grades]


    # ------------------------------------------------------------ the frozen grades of a final meeting

    def _open_amendment(self, agency: Agency, judgement: str) -> GradeAmendment | None:
        return next(
            (a for a in self.grade_amendments if a.is_open and a.agency is agency and a.judgement == str(judgement)),
            None,
        )

    def freezes(self, agency: Agency, judgement: str) -> bool:
        """True if this closed final meeting holds the cell's agreed grade frozen (not reopened since)."""
        if self.kind is not MeetingKind.FINAL or self.is_open:
            return False
        return self._open_amendment(agency, judgement) is None

    def frozen_grade(self, agency: Agency, judgement: str) -> Grade | None:
        """The agreed grade this meeting froze for the cell, as amended since."""
        for amendment in reversed(self.grade_amendments):
            if amendment.agency is agency and amendment.judgement == str(judgement) and not amendment.is_open:
                return amendment.agreed
        cell = next((g for g in self.agreed_grades if g.agency is agency and g.judgement == str(judgement)), None)
        return cell.grade if cell is not None else None

    def reopen_grade(self, agency: Agency, judgement: str, reason: str, at: datetime) -> GradeAmendment:
        """The lead reopens one frozen grade with a reason: recorded here as an amendment."""
        if self.kind is not MeetingKind.FINAL or self.is_open:
            raise MeetingRuleError("meeting_id", "only a closed final meeting freezes grades", code="out_of_order")
        if not self.freezes(agency, judgement):
            raise MeetingRuleError(
                "judgement",
                f"{agency.label.lower()}: {board.judgement_label(judgement, self.framework).lower()} is already "
                "reopened: record the agreed grade to freeze it again",
                code="out_of_order",
            )
        amendment = GradeAmendment(
            agency=agency,
            judgement=str(judgement),
            reason=reason.strip(),
            reopened_at=at,
            before=self.frozen_grade(agency, judgement),
        )
        self.grade_amendments.append(amendment)
        return amendment

    def reagree_grade(self, agency: Agency, judgement: str, grade: Grade, at: datetime) -> GradeAmendment | None:
        """A grade agreed on a reopened cell closes its amendment and freezes the cell again (None if not reopened)."""
        amendment = self._open_amendment(agency, judgement)
        if amendment is not None:
            amendment.agreed = grade
            amendment.agreed_at = at
        return amendment


def grade_freeze(meetings: Iterable[Minutes]) -> Minutes | None:
    """The final meeting whose close froze the agreed grades: the latest closed one (None before any closes)."""
    closed = [m for m in meetings if m.kind is MeetingKind.FINAL and m.closed_at is not None]
    return max(closed, key=lambda m: (m.closed_at, m.id), default=None)


# ---------------------------------------------------------------- event payloads


class MeetingOpened(Payload):
    """Data of ``meeting.opened``: the agenda the server drafted, from what changed ``since`` the last one, the
    inspection's framework, who attends if the lead said, and the server's warnings (CP ¶31's day and invitation)."""

    kind: MeetingKind
    day: date
    meeting_id: str
    since: UtcDatetime | None = None
    agenda: list[AgendaItem] = []
    framework: Framework = Framework.INTEGRATED
    dcs: DcsPresence | None = None
    dcs_name: str | None = None
    representative: str | None = None
    others: str | None = None
    warnings: list[MeetingWarning] = []

    def minutes(self, at: datetime) -> Minutes:
        """The meeting as it opened, as the server recorded it: what a client folds its minutes on from."""
        attendance = Attendance(dcs=self.dcs, dcs_name=self.dcs_name, representative=self.representative,
                                others=self.others)
        return Minutes(id=self.meeting_id, kind=self.kind, day=self.day, opened_at=at, agenda=list(self.agenda),
                       framework=self.framework, attendance=attendance, warnings=list(self.warnings))


class AgendaAdded(Payload):
    """Data of ``agenda.added``: the new item's id is its command's id."""

    meeting_id: str
    title: str
    position: int | None = None
    item_id: str


class AgendaMoved(Payload):
    """Data of ``agenda.moved``."""

    meeting_id: str
    item_id: str
    position: int


class AgendaDropped(Payload):
    """Data of ``agenda.dropped``."""

    meeting_id: str
    item_id: str


class MeetingRecorded(Payload):
    """Data of ``meeting.recorded``: the new entry's id is its command's id."""

    meeting_id: str
    item_id: str | None = None
    entry: EntryKind
    text: str
    owner: str | None = None
    due: date | None = None
    entry_id: str


class MeetingAmended(Payload):
    """Data of ``meeting.amended``: a new version of an entry; the earlier ones stay in the minutes."""

    meeting_id: str
    entry_id: str
    text: str
    owner: str | None = None
    due: date | None = None
    reason: str = ""


class MeetingClosed(Payload):
    """Data of ``meeting.closed``; a final meeting's also carries the grades it agreed (absent for any other)."""

    meeting_id: str
    agreed_grades: Annotated[list[AgreedGrade] | None, Field(exclude_if=lambda grades: grades is None)] = None


MeetingPayload = (
    MeetingOpened | AgendaAdded | AgendaMoved | AgendaDropped | MeetingRecorded | MeetingAmended | MeetingClosed
    | AttendanceRecorded
)


def fold_grade_event(meetings: Mapping[str, Minutes], payload: board.GradePayload, at: datetime) -> None:
    """Keep a final meeting's amendments as the server keeps them, from ``grade.reopened`` (its ``meeting_id``)
    and ``grade.agreed`` (its ``amends_meeting``); other events, and meetings not held here, change nothing."""
    if isinstance(payload, board.GradeReopened):
        meeting_id: str | None = payload.meeting_id
    elif isinstance(payload, board.GradeAgreed):
        meeting_id = payload.amends_meeting
    else:
        return
    minutes = meetings.get(meeting_id) if meeting_id else None
    if minutes is None:
        return
    try:
        if isinstance(payload, board.GradeReopened):
            minutes.reopen_grade(payload.agency, payload.judgement, payload.reason, at)
        else:
            minutes.reagree_grade(payload.agency, payload.judgement, payload.grade, at)
    except ValueError:  # MeetingRuleError included: the server's own record already says it
        return


def frozen_refusal(freeze: Minutes | None, agency: Agency, judgement: str) -> str | None:
    """Why a grade on this cell cannot change now (the final meeting froze it), or None if it can."""
    if freeze is None or not freeze.freezes(agency, judgement):
        return None
    day = f"{freeze.day.day} {freeze.day:%B %Y}"
    cell = f"{agency.label.lower()}: {board.judgement_label(judgement, freeze.framework).lower()}"
    return f"{cell}: grades are frozen by the final team meeting of {day}; the lead must reopen them with a reason"


# ---------------------------------------------------------------- drafting the agenda


@dataclass(frozen=True)
class FindingNote:
    id: str
    agency: Agency
    kind: FindingKind
    text: str
    posted_at: datetime


@dataclass(frozen=True)
class AlertNote:
    id: str
    agency: Agency
    summary: str
    status_label: str
    significant_harm: bool
    overdue: bool
    raised_at: datetime


@dataclass(frozen=True)
class EnquiryNote:
    id: str
    question: str
    needs_la_input: bool
    opened_at: datetime


@dataclass(frozen=True)
class GradeNote:
    """One cell of the grade board as the final meeting's agenda needs it: what is proposed, what is agreed,
    and how many warnings the board shows on it."""

    agency: Agency
    judgement: str
    proposed: Grade | None
    agreed: Grade | None = None
    warnings: int = 0


KIND_ORDER = {
    FindingKind.WEAKNESS: 0,
    FindingKind.AREA_FOR_IMPROVEMENT: 1,
    FindingKind.STRENGTH: 2,
    FindingKind.GOOD_PRACTICE: 3,
    FindingKind.NOTE: 4,
}
AGENCY_ORDER = {agency: index for index, agency in enumerate(Agency)}


def _first_line(text: str, limit: int = 120) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _count(number: int, noun: str) -> str:
    return f"no {noun}s" if number == 0 else f"{number} {noun}{'' if number == 1 else 's'}"


def grade_title(
    agency: Agency, judgement: str, note: GradeNote | None, framework: Framework = Framework.INTEGRATED
) -> str:
    """``Health — Overall effectiveness: proposed good, 1 warning``, or ``…: not yet proposed``."""
    head = f"{agency.label} — {board.judgement_label(judgement, framework)}"
    if note is None or (note.proposed is None and note.agreed is None):
        return f"{head}: not yet proposed"
    parts = [f"proposed {note.proposed.label.lower()}" if note.proposed else "not yet proposed"]
    if note.agreed is not None:
        parts.append(f"agreed {note.agreed.label.lower()}")
    parts.append(_count(note.warnings, "warning"))
    return f"{head}: {', '.join(parts)}"


def _final_items(
    findings: Iterable[FindingNote], grades: Iterable[GradeNote], framework: Framework
) -> list[AgendaItem]:
    """Every graded cell of the framework's board in board order, then each narrative-only agency (CP ¶31: the final
    meeting secures every judgement, so a cell with nothing proposed is listed too — that gap is the point). The
    child-protection framework has the local authority's four judgements and no narratives (CP ¶24)."""
    notes = {(note.agency, str(note.judgement)): note for note in grades}
    items = [
        AgendaItem(
            id="",
            section=Section.GRADES,
            title=grade_title(agency, judgement, notes.get((agency, judgement)), framework),
            ref=f"{agency.value}/{judgement}",
            agency=agency,
        )
        for agency, judgement in board.board_cells(framework)
    ]
    narrated = board.NARRATIVE_ONLY if framework is Framework.INTEGRATED else ()
    counts = {agency: 0 for agency in narrated}
    for finding in findings:
        if finding.agency in counts:
            counts[finding.agency] += 1
    for agency, count in counts.items():
        title = f"{agency.label} — the narrative of strengths and weaknesses ({_count(count, 'finding')})"
        items.append(AgendaItem(id="", section=Section.NARRATIVES, title=title, agency=agency))
    return items


def draft_agenda(
    kind: MeetingKind,
    *,
    meeting_id: str,
    since: datetime | None,
    findings: Iterable[FindingNote],
    alerts: Iterable[AlertNote],
    enquiries: Iterable[EnquiryNote],
    grades: Iterable[GradeNote] = (),
    framework: Framework = Framework.INTEGRATED,
) -> list[AgendaItem]:
    """The drafted agenda: findings since the last meeting of this kind (by agency, weaknesses first), open
    alerts (overdue first, then significant harm, each oldest first), then open lines of enquiry — for a KIT
    meeting those that need the local authority's input, for the team's meeting the others.

    A planning meeting lists instead what it is for (CP ¶28, ¶41), then the open alerts and the lines of enquiry
    that need the local authority's input: the issues and concerns to raise with the DCS.

    A final meeting lists instead every judgement to agree (``grades``: the board's cells) and each narrative-only
    agency with its number of ``findings`` (all given, ``since`` aside), then the open alerts and every open
    line of enquiry: anything still open at the end of fieldwork may bear on a judgement."""
    items: list[AgendaItem] = []
    if kind is MeetingKind.FINAL:
        items += _final_items(findings, grades, framework)
    elif kind is MeetingKind.PLANNING:
        items += [AgendaItem(id="", section=Section.PURPOSE, title=purpose) for purpose in PLANNING_PURPOSES]
    else:
        fresh = [f for f in findings if since is None or f.posted_at > since]
        fresh.sort(key=lambda f: (AGENCY_ORDER[f.agency], KIND_ORDER[f.kind], f.posted_at, f.id))
        for finding in fresh:
            title = f"{finding.agency.label} — {finding.kind.label}: {_first_line(finding.text)}"
            items.append(
                AgendaItem(id="", section=Section.FINDINGS, title=title, ref=finding.id, agency=finding.agency)
            )
    ordered_alerts = sorted(alerts, key=lambda a: (not a.overdue, not a.significant_harm, a.raised_at, a.id))
    for alert in ordered_alerts:
        flag = "OVERDUE — " if alert.overdue else ""
        title = f"{flag}{alert.agency.label}: {_first_line(alert.summary)} ({alert.status_label})"
        items.append(AgendaItem(id="", section=Section.ALERTS, title=title, ref=alert.id, agency=alert.agency))
    wanted_la = kind in (MeetingKind.KIT, MeetingKind.PLANNING)
    for enquiry in sorted(enquiries, key=lambda e: (e.opened_at, e.id)):
        if kind is MeetingKind.FINAL or enquiry.needs_la_input == wanted_la:
            items.append(
                AgendaItem(id="", section=Section.ENQUIRIES, title=_first_line(enquiry.question), ref=enquiry.id)
            )
    for number, item in enumerate(items, start=1):
        item.id = f"{meeting_id}.{number}"
    return items


# ---------------------------------------------------------------- minutes as Markdown


def minutes_markdown(minutes: Minutes, *, inspection_name: str, timezone: str) -> str:
    """The minutes for export: who attended and the framework's warnings (once either is recorded), the agenda in
    order, each item's entries with their amendment history.

    Everything people typed goes through ``md_text``, so a ``|``, ``#`` or ``<script>`` in a note prints as
    written and cannot break the actions table or become markup where the minutes are pasted.
    """
    from zoneinfo import ZoneInfo

    from shared.report_markdown import md_text

    zone = ZoneInfo(timezone)

    def local(moment: datetime) -> str:
        return moment.astimezone(zone).strftime("%d %b %Y %H:%M")

    state = "closed " + local(minutes.closed_at) if minutes.closed_at else "open — draft minutes"
    lines = [
        f"# {minutes.kind.label}, {minutes.day.strftime('%A %d %B %Y')}",
        "",
        f"{md_text(inspection_name)} · opened {local(minutes.opened_at)} · {state}",
        "",
    ]
    if minutes.attendance.recorded:
        lines += ["## Attendance", "", *(f"- {md_text(line)}" for line in minutes.attendance.lines()), ""]
    if minutes.warnings:
        lines += ["## Warnings", "", *(f"- {warning.text}" for warning in minutes.warnings), ""]

    def entry_lines(entry: Entry) -> list[str]:
        version = entry.current
        extra = ""
        if entry.kind is EntryKind.ACTION:
            extra = f" — owner: {md_text(version.owner or '')}; due {version.due.isoformat() if version.due else '?'}"
        out = [f"- **{entry.kind.label}:** {md_text(version.text)}{extra}"]
        for number, earlier in enumerate(entry.versions[:-1], start=1):
            out.append(f"  - version {number} ({local(earlier.at)}): {md_text(earlier.text)}")
        if len(entry.versions) > 1:
            reason = f" — {md_text(version.reason)}" if version.reason else ""
            out.append(f"  - amended {local(version.at)}{reason}")
        return out

    section: Section | None = None
    for number, item in enumerate(minutes.agenda, start=1):
        if item.section is not section:
            section = item.section
            if lines[-1] != "":
                lines.append("")
            lines += [f"## {section.label}", ""]
        lines.append(f"{number}. {md_text(item.title)}")
        for entry in minutes.entries:
            if entry.item_id == item.id:
                lines += ["   " + line for line in entry_lines(entry)]
    general = [entry for entry in minutes.entries if entry.item_id is None]
    if general:
        lines += ["", "## General", ""]
        for entry in general:
            lines += entry_lines(entry)
    actions = [entry for entry in minutes.entries if entry.kind is EntryKind.ACTION]
    if actions:
        lines += ["", "## Actions", "", "| action | owner | due |", "| --- | --- | --- |"]
        for entry in actions:
            v = entry.current
            lines.append(f"| {md_text(v.text)} | {md_text(v.owner or '')} | {v.due.isoformat() if v.due else ''} |")
    lines += _agreed_grades_lines(minutes)
    lines += _amendment_lines(minutes, local)
    return "\n".join(lines) + "\n"


def _agreed_grades_lines(minutes: Minutes) -> list[str]:
    """A final meeting's agreed grades as they stood at close: the record of what the meeting agreed."""
    if minutes.kind is not MeetingKind.FINAL:
        return []
    if minutes.is_open:
        return ["", "## Agreed grades", "", "Recorded when the meeting closes."]
    if not minutes.agreed_grades:
        return []
    lines = ["", "## Agreed grades at close", "", "| agency | judgement | agreed grade | signed off |"]
    lines.append("| --- | --- | --- | --- |")
    for cell in minutes.agreed_grades:
        grade = cell.grade.label if cell.grade else "not agreed"
        signed = "yes" if cell.signed_off else "no"
        label = board.judgement_label(cell.judgement, minutes.framework)
        lines.append(f"| {cell.agency.label} | {label} | {grade} | {signed} |")
    return lines


def _amendment_lines(minutes: Minutes, local: Callable[[datetime], str]) -> list[str]:
    """Each agreed grade reopened after the close: when, why, and what was agreed instead."""
    if not minutes.grade_amendments:
        return []
    lines = ["", "## Amendments to the agreed grades", ""]
    for a in minutes.grade_amendments:
        before = a.before.label.lower() if a.before else "not agreed"
        label = board.judgement_label(a.judgement, minutes.framework)
        head = f"- **{a.agency.label} — {label}** (was {before}): reopened by the lead"
        lines.append(f"{head} {local(a.reopened_at)} — {a.reason}")
        if a.agreed_at is not None and a.agreed is not None:
            lines.append(f"  - agreed {a.agreed.label.lower()} {local(a.agreed_at)}; frozen again")
        else:
            lines.append("  - open: not yet agreed again")
    return lines
