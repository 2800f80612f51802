"""The client's view of triangulated evidence: links, lines of enquiry and meetings, folded from events.

Pure (no I/O, no UI), like ``state.py``: the corroboration rule, the meeting rules and the enquiry rules are
the ones in ``shared/``, so what the app shows is what the server enforces.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

from pydantic import BaseModel

from shared import kinds
from shared.enquiries import (
    INSPECTORATE_OF,
    AnswerEnquiry,
    CloseEnquiry,
    EnquiryAnswered,
    EnquiryClosed,
    EnquiryMoved,
    EnquiryOpened,
    EnquiryOutcome,
    EnquiryPayload,
    EnquiryStatus,
    OpenEnquiry,
    StartEnquiry,
    is_owner,
)
from shared.findings import FindingFields
from shared.grades import GradePayload
from shared.meeting_attendance import AttendanceRecorded, RecordAttendance
from shared.meetings import (
    AddAgendaItem,
    AgendaAdded,
    AgendaDropped,
    AgendaMoved,
    AmendEntry,
    CloseMeeting,
    DropAgendaItem,
    MeetingAmended,
    MeetingClosed,
    MeetingKind,
    MeetingOpened,
    MeetingRecorded,
    Minutes,
    MoveAgendaItem,
    OpenMeeting,
    RecordEntry,
    fold_grade_event,
)
from shared.protocol import STORED, Command, Event, Inspector
from shared.triangulation import (
    Corroboration,
    FindingLinked,
    FindingUnlinked,
    Link,
    LinkFindings,
    Source,
    UnlinkFindings,
    corroboration_of_all,
)
from shared.vocabulary import Agency, FindingKind, Inspectorate, JudgementArea
from tui.fold import Tracking, as_utc

EVIDENCE_KINDS = frozenset({
    kinds.FINDING_LINKED, kinds.FINDING_UNLINKED,
    kinds.ENQUIRY_OPENED, kinds.ENQUIRY_STARTED, kinds.ENQUIRY_ANSWERED, kinds.ENQUIRY_CLOSED,
    kinds.MEETING_OPENED, kinds.AGENDA_ADDED, kinds.AGENDA_MOVED, kinds.AGENDA_DROPPED, kinds.MEETING_RECORDED,
    kinds.MEETING_AMENDED, kinds.MEETING_CLOSED, kinds.ATTENDANCE_RECORDED,
})
"""Events this module folds in: links, lines of enquiry and meetings."""


EVIDENCE_COMMANDS: tuple[type[Command], ...] = (
    LinkFindings, UnlinkFindings, OpenEnquiry, StartEnquiry, AnswerEnquiry, CloseEnquiry, OpenMeeting, AddAgendaItem,
    MoveAgendaItem, DropAgendaItem, RecordEntry, AmendEntry, CloseMeeting, RecordAttendance,
)
"""Our own commands whose fate the book tracks until their event arrives (links, enquiries, meetings)."""


@dataclass
class EnquiryView:
    """A line of enquiry with its history, as everyone sees it."""

    id: str
    asker: Inspector | None
    to_inspectorate: Inspectorate | None
    to_agency: Agency | None
    to_inspector: int | None
    question: str
    why: str
    finding_ids: list[str]
    child_ids: list[str]
    needs_la_input: bool
    opened_at: datetime
    status: EnquiryStatus = EnquiryStatus.OPEN
    answer: str | None = None
    answer_finding_ids: list[str] = field(default_factory=list)
    outcome: EnquiryOutcome | None = None
    reason: str | None = None
    updated_at: datetime | None = None
    timeline: list[tuple[datetime, Inspector | None, str]] = field(default_factory=list)

    def addressed_to(self, member: Inspector) -> bool:
        return is_owner(
            member, to_inspectorate=self.to_inspectorate, to_agency=self.to_agency, to_inspector=self.to_inspector
        )

    def addressee(self, team: Mapping[int, Inspector]) -> str:
        """Who it is addressed to, in words: 'Health (CQC)', 'Ben Okafor (CQC)', 'HMIC'."""
        if self.to_inspector is not None:
            member = team.get(self.to_inspector)
            return f"{member.name} ({member.inspectorate.label})" if member else f"inspector {self.to_inspector}"
        if self.to_agency is not None:
            answers = INSPECTORATE_OF[self.to_agency]
            return f"{self.to_agency.label} ({answers.label if answers else 'every inspectorate'})"
        return self.to_inspectorate.label if self.to_inspectorate else "—"


@dataclass(frozen=True)
class LinkMade:
    """Who made a link and when: only its author (or the lead) may withdraw it."""

    by: Inspector | None
    at: datetime


@dataclass
class EvidenceBook(Tracking):
    """Links, enquiries and meetings of one inspection, and our commands on them in flight."""

    name: ClassVar[str] = "evidence"
    kinds: ClassVar[frozenset[str]] = EVIDENCE_KINDS | {kinds.GRADE_AGREED, kinds.GRADE_REOPENED}
    """Its own, and the grade events that amend a final meeting's minutes."""
    tracks: ClassVar[tuple[type[Command], ...]] = EVIDENCE_COMMANDS

    links: dict[str, Link] = field(default_factory=dict)
    enquiries: dict[str, EnquiryView] = field(default_factory=dict)
    meetings: dict[str, Minutes] = field(default_factory=dict)
    read_enquiries: set[str] = field(default_factory=set)
    made: dict[str, LinkMade] = field(default_factory=dict)
    """Each live link's author and time."""
    _by_finding: dict[str, set[str]] = field(default_factory=dict, repr=False)

    def apply(self, event: Event, payload: BaseModel) -> str | None:
        """Fold in one event whose data was read as its kind's model; returns the id of what changed (link,
        enquiry or meeting), or None."""
        if isinstance(payload, GradePayload):
            fold_grade_event(self.meetings, payload, as_utc(event.at))
            return None
        try:
            return self._fold(event, payload)
        except (KeyError, ValueError):  # MeetingRuleError and ValidationError included
            return None  # refused by the minutes' own rules, or about what this app never saw: skip it

    def _fold(self, event: Event, payload: BaseModel) -> str | None:
        at = as_utc(event.at)
        if isinstance(payload, FindingLinked):
            link = Link(payload.link_id, payload.finding_id, payload.other_finding_id, payload.relation, payload.note)
            self.links[link.id] = link
            self.made[link.id] = LinkMade(event.actor, at)
            for end in (link.finding_id, link.other_finding_id):
                self._by_finding.setdefault(end, set()).add(link.id)
            return link.id
        if isinstance(payload, FindingUnlinked):
            gone = self.links.pop(payload.link_id, None)
            self.made.pop(payload.link_id, None)
            if gone is not None:
                for end in (gone.finding_id, gone.other_finding_id):
                    self._by_finding.get(end, set()).discard(gone.id)
            return payload.link_id
        if isinstance(payload, EnquiryOpened | EnquiryMoved):
            return self._enquiry(payload, event.actor, at)
        return self._meeting(payload, at)

    def _enquiry(self, payload: EnquiryPayload, actor: Inspector | None, at: datetime) -> str | None:
        if isinstance(payload, EnquiryOpened):
            enquiry = EnquiryView(
                id=payload.enquiry_id,
                asker=actor,
                to_inspectorate=payload.to_inspectorate,
                to_agency=payload.to_agency,
                to_inspector=payload.to_inspector,
                question=payload.question,
                why=payload.why,
                finding_ids=list(payload.finding_ids),
                child_ids=list(payload.child_ids),
                needs_la_input=payload.needs_la_input,
                opened_at=at,
                updated_at=at,
            )
            enquiry.timeline.append((at, actor, "opened"))
            self.enquiries[enquiry.id] = enquiry
            return enquiry.id
        enquiry = self.enquiries[payload.enquiry_id]
        enquiry.status = payload.status
        enquiry.updated_at = at
        if isinstance(payload, EnquiryAnswered):
            enquiry.answer = payload.answer
            enquiry.answer_finding_ids = list(payload.finding_ids)
            enquiry.timeline.append((at, actor, f"answered: {enquiry.answer}"))
        elif isinstance(payload, EnquiryClosed):
            enquiry.outcome = payload.outcome
            enquiry.reason = payload.reason
            enquiry.timeline.append((at, actor, f"closed ({enquiry.outcome.label.lower()}): {enquiry.reason}"))
        else:
            enquiry.timeline.append((at, actor, enquiry.status.label.lower()))
        return enquiry.id

    def _meeting(self, payload: BaseModel, at: datetime) -> str | None:
        if isinstance(payload, MeetingOpened):
            minutes = payload.minutes(at)
            self.meetings[minutes.id] = minutes
            return minutes.id
        minutes = self.meetings[getattr(payload, "meeting_id", "")]
        if isinstance(payload, AgendaAdded):
            minutes.add_item(payload.item_id, payload.title, payload.position)
        elif isinstance(payload, AgendaMoved):
            minutes.move_item(payload.item_id, payload.position)
        elif isinstance(payload, AgendaDropped):
            minutes.drop_item(payload.item_id)
        elif isinstance(payload, MeetingRecorded):
            entry = {"id": payload.entry_id, **payload.model_dump(exclude={"entry_id"})}
            minutes.record(RecordEntry.model_validate(entry, context=STORED), at)
        elif isinstance(payload, MeetingAmended):
            minutes.amend(payload, at)
        elif isinstance(payload, AttendanceRecorded):
            minutes.record_attendance(payload.attendance())
        elif isinstance(payload, MeetingClosed):
            minutes.close(at, payload.agreed_grades or ())  # a final meeting's: the grades as they stood at close
        else:
            return None
        return minutes.id

    # ------------------------------------------------------------ what the screens ask

    def inbox(self, me: Inspector) -> list[EnquiryView]:
        """Enquiries addressed to me or my inspectorate that are not closed, newest first."""
        return sorted(
            (e for e in self.enquiries.values() if e.status is not EnquiryStatus.CLOSED and e.addressed_to(me)),
            key=lambda e: e.opened_at,
            reverse=True,
        )

    def unread_inbox(self, me: Inspector) -> int:
        return sum(1 for e in self.inbox(me) if e.id not in self.read_enquiries)

    def asked_by(self, me: Inspector) -> list[EnquiryView]:
        """My own enquiries that are not closed, newest first."""
        return sorted(
            (e for e in self.enquiries.values()
             if e.status is not EnquiryStatus.CLOSED and e.asker is not None and e.asker.id == me.id),
            key=lambda e: e.opened_at,
            reverse=True,
        )

    def meetings_by_day(self, kind: MeetingKind | None = None) -> list[Minutes]:
        """Every meeting, newest first, for browsing past minutes by day."""
        found = [m for m in self.meetings.values() if kind is None or m.kind is kind]
        return sorted(found, key=lambda m: (m.day, m.opened_at), reverse=True)

    def open_meeting(self, kind: MeetingKind) -> Minutes | None:
        return next((m for m in self.meetings.values() if m.kind is kind and m.is_open), None)

    def links_of(self, finding_id: str) -> list[Link]:
        """The live links touching a finding, oldest first (an index, so the board can ask for every row)."""
        if not self._by_finding.get(finding_id):
            return []  # most findings: folding a big cache asks this of every one
        return sorted((self.links[i] for i in self._by_finding.get(finding_id, ())),
                      key=lambda link: (self.made[link.id].at, link.id))

    def link_ends(self, payload: BaseModel) -> tuple[str, ...]:
        """The findings a link event touches (call before folding an unlink, while the link is known)."""
        if isinstance(payload, FindingLinked):
            return (payload.finding_id, payload.other_finding_id)
        link = self.links.get(payload.link_id) if isinstance(payload, FindingUnlinked) else None
        return (link.finding_id, link.other_finding_id) if link is not None else ()

    # ------------------------------------------------------------ our own commands

    def pending_on(self, enquiry_id: str) -> list[Command]:
        """Our unsettled commands on one enquiry (so a second press does not send the same step twice)."""
        return [c for c in self.pending.values() if getattr(c, "enquiry_id", None) == enquiry_id]

    def mark_read(self, enquiry_id: str) -> bool:
        """Returns True if it was unread."""
        if enquiry_id in self.read_enquiries:
            return False
        self.read_enquiries.add(enquiry_id)
        return True


# ---------------------------------------------------------------- corroboration and the triangulation view


@dataclass(frozen=True)
class Evidence:
    """What the triangulation view needs to know about a finding."""

    id: str
    inspectorate: Inspectorate
    fields: FindingFields
    at: datetime


def corroboration_by_finding(findings: Iterable[Evidence], links: Iterable[Link]) -> dict[str, Corroboration]:
    sources = {f.id: Source(f.inspectorate, f.fields.evidence_source) for f in findings}
    # A link to a finding not given (withdrawn) neither corroborates nor contests, as TeamState and the server count.
    live = [link for link in links if link.finding_id in sources and link.other_finding_id in sources]
    return corroboration_of_all(live, sources)


STRENGTHS = frozenset({FindingKind.STRENGTH, FindingKind.GOOD_PRACTICE})
WEAKNESSES = frozenset({FindingKind.WEAKNESS, FindingKind.AREA_FOR_IMPROVEMENT})


@dataclass
class Cell:
    """One agency × judgement area: how much evidence, which way it points, how well it is supported."""

    findings: int = 0
    strengths: int = 0
    weaknesses: int = 0
    status: Counter[Corroboration] = field(default_factory=Counter)

    @property
    def thin(self) -> bool:
        """No finding here is corroborated: the lead should look for more evidence."""
        return self.findings > 0 and self.status[Corroboration.CORROBORATED] == 0

    @property
    def in_conflict(self) -> bool:
        return self.status[Corroboration.CONTESTED] > 0


def triangulation_matrix(
    findings: Iterable[Evidence], links: Iterable[Link]
) -> dict[tuple[Agency, JudgementArea | None], Cell]:
    """Agencies × judgement areas (None: findings with no judgement area, e.g. probation's narrative)."""
    findings = list(findings)
    status = corroboration_by_finding(findings, links)
    cells: dict[tuple[Agency, JudgementArea | None], Cell] = {}
    for finding in findings:
        cell = cells.setdefault((finding.fields.agency, finding.fields.judgement_area), Cell())
        cell.findings += 1
        cell.strengths += finding.fields.kind in STRENGTHS
        cell.weaknesses += finding.fields.kind in WEAKNESSES
        cell.status[status[finding.id]] += 1
    return cells


# ---------------------------------------------------------------- a child's journey


@dataclass(frozen=True)
class JourneyStep:
    at: datetime
    what: str
    """"finding", "enquiry" or "alert"."""
    ref: str
    agency: Agency | None
    who: str
    summary: str
    contested: bool = False


def child_journey(
    child_id: str,
    findings: Iterable[Evidence],
    authors: Mapping[str, str],
    links: Iterable[Link],
    enquiries: Iterable[EnquiryView],
    alerts: Iterable[JourneyStep] = (),
) -> list[JourneyStep]:
    """Everything recorded about one child, from every inspectorate, in time order; contradictions marked."""
    wanted = child_id.casefold()
    findings = list(findings)
    status = corroboration_by_finding(findings, links)
    steps = [
        JourneyStep(
            f.at, "finding", f.id, f.fields.agency, authors.get(f.id, ""),
            f"{f.fields.kind.label}: {f.fields.text.strip()}", status[f.id] is Corroboration.CONTESTED,
        )
        for f in findings
        if f.fields.child_id and f.fields.child_id.casefold() == wanted
    ]
    steps += [
        JourneyStep(e.opened_at, "enquiry", e.id, e.to_agency, e.asker.name if e.asker else "",
                    f"Line of enquiry ({e.status.label.lower()}): {e.question}")
        for e in enquiries
        if any(c.casefold() == wanted for c in e.child_ids)
    ]
    steps += [a for a in alerts]
    return sorted(steps, key=lambda s: (s.at, s.what, s.ref))
