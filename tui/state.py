"""The client's view of an inspection, as a pure reducer over events and command outcomes.

No I/O and no UI: the app feeds it what ``TeamClient`` yields and renders the result, and the
triangulation logic (pending findings, amendments, filters) is unit-tested here on its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel

from shared import kinds
from shared.cases import PersonalDataPolicySet
from shared.catalogue import read_payload
from shared.enquiries import EnquiryMoved, EnquiryOpened
from shared.fieldwork import FieldworkSet
from shared.findings import (
    AmendFinding,
    FindingAmended,
    FindingFields,
    FindingPosted,
    FindingWithdrawn,
    PostFinding,
    WithdrawFinding,
)
from shared.grade_board import GRADE_KINDS
from shared.grades import GradePayload
from shared.meetings import fold_grade_event
from shared.protocol import (
    Command,
    Event,
    Inspection,
    Inspector,
    Welcome,
)
from shared.team import InspectorRevoked, RoleChanged
from shared.triangulation import Corroboration, Source, corroboration
from shared.vocabulary import Agency, FindingKind, Inspectorate, JudgementArea
from tui.alerts.book import ALERT_KINDS, AlertBook
from tui.cases.book import CASE_KINDS, CaseBook
from tui.grades.book import GradeBook
from tui.triangulation.book import EVIDENCE_KINDS, EvidenceBook

Status = Literal["saved", "sending", "unsent", "rejected"]

PERSONAL_DATA_KEY = "personal_data"

Version = tuple[int, datetime, FindingFields]
"""One entry of a finding's history: (version, when, fields); version 1 is the original post."""


def as_utc(moment: datetime) -> datetime:
    """State holds aware UTC datetimes only; a naive time from the wire is taken to be UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


_FIELD_NAMES = tuple(FindingFields.model_fields)


def fields_of(source: FindingFields) -> FindingFields:
    """Just the finding's fields, from a command or an event payload that was already validated.

    Built without validating again: folding a 20,000-event cache at start-up spent a third of its time here.
    """
    return FindingFields.model_construct(**{name: getattr(source, name) for name in _FIELD_NAMES})


@dataclass(frozen=True, slots=True)
class Withdrawal:
    """Why and when a finding was taken out of the evidence; the finding itself stays in the history."""

    reason: str
    at: datetime
    by: Inspector | None


@dataclass(frozen=True, slots=True)
class FindingView:
    """A finding as the screen shows it: the saved version overlaid with our own unsent edits."""

    id: str
    author: Inspector
    posted_at: datetime
    updated_at: datetime
    fields: FindingFields
    history: list[Version] = field(default_factory=list)
    status: Status = "saved"
    version: int = 0
    """The saved version shown underneath any pending edit; 0 while the post itself is unsaved."""
    error: str | None = None
    """Why the server refused our last command on this finding (status "rejected")."""
    refused: FindingFields | None = None
    """The fields the server refused, so the app can offer them back for editing."""
    support: Corroboration = Corroboration.SINGLE_SOURCE
    """How well the saved finding is supported by its links (shared.triangulation's rule)."""
    withdrawn: Withdrawal | None = None
    """Set once the server has recorded the withdrawal: the board hides it unless asked, nothing counts it."""
    withdrawing: str | None = None
    """The reason of our own withdrawal not yet recorded (status "sending"), so the detail can say so."""

    @property
    def first_line(self) -> str:
        """The first non-blank line of the text, for one-line lists."""
        return next((line.strip() for line in self.fields.text.splitlines() if line.strip()), "")


def shown_status(view: FindingView, connected: bool) -> Status:
    """What to tell the user: a pending finding is "sending" while connected and "unsent" while offline."""
    if view.status == "sending" and not connected:
        return "unsent"
    return view.status


@dataclass(frozen=True, slots=True)
class _Pending:
    command: Command
    at: datetime


@dataclass(frozen=True, slots=True)
class _Refusal:
    fields: FindingFields | None  # None for a refused withdrawal: there is nothing to edit and send again
    message: str | None
    unsaved: FindingView | None  # the refused post itself, when it never reached the log


def _target(command: Command) -> str:
    return command.finding_id if isinstance(command, AmendFinding | WithdrawFinding) else command.id


@dataclass
class TeamState:
    """Everything the app shows about one inspection, rebuilt from events alone."""

    findings: dict[str, FindingView] = field(default_factory=dict)
    team: dict[int, Inspector] = field(default_factory=dict)
    revoked: set[int] = field(default_factory=set)
    """Members whose access was revoked (``inspector.revoked``): still in ``team`` so their past work keeps its
    names, but no longer on the roster."""
    online: set[int] = field(default_factory=set)
    inspection: Inspection | None = None
    me: Inspector | None = None
    head: int = 0
    alerts: AlertBook = field(default_factory=AlertBook)
    """Risk alerts, folded from the same events (tui.alerts.book)."""
    evidence: EvidenceBook = field(default_factory=EvidenceBook)
    """Links, lines of enquiry and meetings, folded from the same events (tui.triangulation.book)."""
    withdrawn_ids: set[str] = field(default_factory=set)
    """Findings withdrawn, so the board can count what it hides without a pass over every finding."""
    grades: GradeBook = field(default_factory=GradeBook)
    """The grade board, folded from the same events (shared.grade_board), with our grade commands in flight."""
    cases: CaseBook = field(default_factory=CaseBook)
    """The Annex A list, the case sample and its tracking (tui.cases.book), with our case commands in flight."""
    flagged: dict[int, list[dict[str, object]]] = field(default_factory=dict)
    """Events the server accepted with a personal-data warning, by seq: what it recorded (masked), for the folds
    below strip it so their strict models read the rest."""
    _saved: dict[str, FindingView] = field(default_factory=dict, repr=False)
    _pending: dict[str, _Pending] = field(default_factory=dict, repr=False)
    _awaiting: dict[str, int] = field(default_factory=dict, repr=False)  # acked command id -> its seq
    _refusals: dict[str, _Refusal] = field(default_factory=dict, repr=False)
    _side: dict[str, None] = field(default_factory=dict, repr=False)  # an ordered set of finding ids

    @classmethod
    def build(cls, welcome: Welcome | None, events: Iterable[Event] = (), pending: Iterable[Command] = ()) -> TeamState:
        """The state the local store describes: for opening the app, offline or not, and after a reset."""
        state = cls()
        if welcome is not None:
            state.welcome(welcome)
        for event in events:
            state.apply(event)
        for command in pending:
            state.add_pending(command)
        return state

    # ------------------------------------------------------------ server facts

    def welcome(self, welcome: Welcome) -> None:
        self.me = welcome.inspector
        self.inspection = welcome.inspection
        self.team = {member.id: member for member in welcome.team}
        self.team.setdefault(welcome.inspector.id, welcome.inspector)
        self.online = set(welcome.online)
        for pending in list(self._pending.values()):  # a post kept before we knew who we are shows now
            self._refresh(_target(pending.command))

    def presence(self, online: Iterable[int]) -> None:
        self.online = set(online)

    def members(self) -> list[Inspector]:
        """The team as it is now: everyone whose access was not revoked."""
        return [member for member in self.team.values() if member.id not in self.revoked]

    def apply(self, event: Event) -> FindingView | None:
        """Fold one event in; returns the finding that changed. Replayed events (seq <= head) are no-ops."""
        if event.seq <= self.head:
            return None
        self.head = event.seq
        if event.actor is not None:  # null for what the server records itself (alert.overdue)
            self.team.setdefault(event.actor.id, event.actor)
        if PERSONAL_DATA_KEY in event.data:  # the server's masked record under the warn policy (shared.cases)
            self.flagged[event.seq] = list(event.data[PERSONAL_DATA_KEY])
            event = event.model_copy(update={"data": {k: v for k, v in event.data.items() if k != PERSONAL_DATA_KEY}})
        side: set[str] = set()
        # The data read once, as its kind's model; a kind or data this version cannot read is skipped.
        fold, payload = FOLDS.get(event.kind), read_payload(event)
        changed = fold(self, event, payload, side) if fold is not None and payload is not None else None
        touched = ({changed} if changed else set()) | side
        for command_id, seq in list(self._awaiting.items()):
            if seq <= self.head:
                del self._awaiting[command_id]
                self.evidence.settle(command_id)
                self.grades.settle(command_id)
                self.cases.settle(command_id)
                gone = self._pending.pop(command_id, None)
                if gone is not None:
                    touched.add(_target(gone.command))
        for finding_id in touched - {changed}:
            if self._refresh(finding_id) is not None:
                self._side[finding_id] = None
        return self._refresh(changed) if changed else None

    def take_side_changes(self) -> list[FindingView]:
        """Findings changed by an event about something else since the last call (a link changes both ends).

        ``apply`` returns the finding an event is about; a link, or an amendment that changes a finding's kind
        of evidence, also changes how well its linked findings are supported, and the board must repaint them.
        """
        side, self._side = self._side, {}
        return [self.findings[finding_id] for finding_id in side if finding_id in self.findings]

    def _fold_fieldwork(self, event: Event, dates: FieldworkSet, side: set[str]) -> None:
        """The lead changed the fieldwork dates: the reporting clock and the day count follow."""
        if self.inspection is None:
            return  # folded before any welcome (a reset cache); the next welcome carries the dates
        self.inspection = self.inspection.model_copy(
            update={"start_date": dates.start_date, "end_date": dates.end_date}
        )

    def _fold_policy(self, event: Event, chosen: PersonalDataPolicySet, side: set[str]) -> None:
        """The lead chose warn or refuse: the app's personal-data check follows at once (tui.guard)."""
        if self.inspection is not None:
            self.inspection = self.inspection.model_copy(update={"personal_data_policy": chosen.policy.value})

    def _fold_revoked(self, event: Event, revoked: InspectorRevoked, side: set[str]) -> None:
        """The administrator revoked a member; they stay in ``team`` so their past work keeps its names."""
        self.revoked.add(revoked.inspector_id)

    def _fold_role(self, event: Event, change: RoleChanged, side: set[str]) -> None:
        """The administrator changed a role; our own role comes with the next welcome."""
        member = self.team.get(change.inspector_id)
        if member is not None:
            self.team[member.id] = member.model_copy(update={"role": change.role})

    def _fold_grade(self, event: Event, payload: GradePayload, side: set[str]) -> None:
        self.grades.fold(payload, as_utc(event.at), event.actor.id if event.actor else None)
        fold_grade_event(self.evidence.meetings, payload, as_utc(event.at))

    def _fold_case(self, event: Event, payload: BaseModel, side: set[str]) -> None:
        self.cases.fold(payload)

    def _fold_alert(self, event: Event, payload: BaseModel, side: set[str]) -> None:
        self.alerts.fold(event, payload)

    def _fold_evidence(self, event: Event, payload: BaseModel, side: set[str]) -> None:
        ends = self.evidence.link_ends(payload)
        self.evidence.fold(event, payload)
        side.update(end for end in ends if end in self._saved)
        mine = event.actor is not None and self.me is not None and event.actor.id == self.me.id
        if mine and isinstance(payload, EnquiryOpened | EnquiryMoved):
            self.evidence.mark_read(payload.enquiry_id)  # we asked or worked on it: nothing there to read

    def _fold_posted(self, event: Event, posted: FindingPosted, side: set[str]) -> str | None:
        if event.actor is None:  # every finding has its author; one without is data this version cannot read
            return None
        at = as_utc(event.at)
        fields = fields_of(posted)
        self._saved[posted.finding_id] = FindingView(
            id=posted.finding_id,
            author=event.actor,
            posted_at=at,
            updated_at=at,
            fields=fields,
            history=[(1, at, fields)],
            version=1,
        )
        self._pending.pop(posted.finding_id, None)  # our own post: the event proves it committed
        self._awaiting.pop(posted.finding_id, None)
        return posted.finding_id

    def _fold_amended(self, event: Event, amended: FindingAmended, side: set[str]) -> str | None:
        saved = self._saved.get(amended.finding_id)
        if saved is None:
            return None
        at, fields = as_utc(event.at), fields_of(amended)
        if fields.evidence_source != saved.fields.evidence_source:  # its links may now count differently
            side.update(self._neighbours(amended.finding_id))
        self._saved[amended.finding_id] = replace(
            saved,
            fields=fields,
            updated_at=at,
            history=[*saved.history, (amended.version, at, fields)],
            version=amended.version,
        )
        return amended.finding_id

    def _fold_withdrawn(self, event: Event, withdrawn: FindingWithdrawn, side: set[str]) -> str | None:
        saved = self._saved.get(withdrawn.finding_id)
        if saved is None:
            return None
        at = as_utc(event.at)
        self._saved[withdrawn.finding_id] = replace(
            saved, withdrawn=Withdrawal(withdrawn.reason, at, event.actor), updated_at=at
        )
        side.update(self._neighbours(withdrawn.finding_id))  # it no longer supports or contests them
        self.withdrawn_ids.add(withdrawn.finding_id)
        return withdrawn.finding_id

    # ------------------------------------------------------------ our own commands

    def add_pending(self, command: Command, at: datetime | None = None) -> FindingView | None:
        """Show a command's effect at once (status "sending") until the server acks or refuses it.

        A post made before any welcome (cache just reset) is kept and shown once ``welcome`` names its author.
        Alert commands are tracked by ``alerts``, links, enquiries and meetings by ``evidence``, grades by
        ``grades``, and case commands by ``cases``, instead.
        """
        if (self.alerts.add_pending(command) or self.evidence.add_pending(command) or self.grades.add_pending(command)
                or self.cases.add_pending(command)):
            return None
        if not isinstance(command, PostFinding | AmendFinding | WithdrawFinding):
            return None
        self._pending[command.id] = _Pending(command, as_utc(at or datetime.now(UTC)))
        self._refusals.pop(_target(command), None)
        return self._refresh(_target(command))

    def acked(self, command_id: str, seq: int | None = None) -> FindingView | None:
        """The server committed the command. Given its ``seq``, the edit stays shown until that event arrives."""
        self.alerts.settle(command_id)
        books = (self.evidence.pending, self.grades.pending, self.cases.pending)
        if any(command_id in pending for pending in books):  # shown as ours until its event arrives, so it never
            # blinks out
            if seq is not None and seq > self.head:
                self._awaiting[command_id] = seq
            else:
                self.evidence.settle(command_id)
                self.grades.settle(command_id)
                self.cases.settle(command_id)
        pending = self._pending.get(command_id)
        if pending is None:
            return None
        if seq is not None and seq > self.head:
            self._awaiting[command_id] = seq
        else:
            del self._pending[command_id]
        return self._refresh(_target(pending.command))

    def rejected(self, command_id: str, message: str | None = None) -> FindingView | None:
        """The server refused the command: drop the edit, mark the finding "rejected", keep what was typed."""
        self.alerts.settle(command_id)
        self.evidence.settle(command_id)
        self.grades.refuse(command_id, message)
        self.cases.refuse(command_id, message)
        pending = self._pending.get(command_id)
        if pending is None:
            return None
        finding_id = _target(pending.command)
        before = self._view(finding_id)
        del self._pending[command_id]
        self._awaiting.pop(command_id, None)
        unsaved = None
        if isinstance(pending.command, PostFinding) and finding_id not in self._saved and before is not None:
            unsaved = before
        refused = fields_of(pending.command) if isinstance(pending.command, PostFinding | AmendFinding) else None
        self._refusals[finding_id] = _Refusal(refused, message, unsaved)
        return self._refresh(finding_id)

    def dismiss(self, finding_id: str) -> FindingView | None:
        """The user has seen a refusal: clear it (a refused post that never saved disappears)."""
        self._refusals.pop(finding_id, None)
        return self._refresh(finding_id)

    @property
    def pending_ids(self) -> set[str]:
        """Ids of commands not yet acked or refused."""
        return set(self._pending) - set(self._awaiting)

    # ------------------------------------------------------------ corroboration

    def saved_findings(self) -> list[FindingView]:
        """Findings as the server holds them, less withdrawn ones and unsent edits: what triangulation counts."""
        return [view for view in self._saved.values() if view.withdrawn is None]

    def _is_live(self, finding_id: str) -> bool:
        view = self._saved.get(finding_id)
        return view is not None and view.withdrawn is None

    def source_of(self, finding_id: str) -> Source | None:
        """What the corroboration rule needs of a saved finding: its author's inspectorate, its evidence source."""
        view = self._saved.get(finding_id)
        return Source(view.author.inspectorate, view.fields.evidence_source) if view is not None else None

    def _neighbours(self, finding_id: str) -> set[str]:
        return {end for link in self.evidence.links_of(finding_id)
                for end in (link.finding_id, link.other_finding_id) if end != finding_id}

    def _support(self, finding_id: str) -> Corroboration:
        # A withdrawn finding neither corroborates nor contests: its links count as if gone (so the server's too).
        links = [link for link in self.evidence.links_of(finding_id)
                 if all(self._is_live(end) for end in (link.finding_id, link.other_finding_id) if end != finding_id)]
        if not links:
            return Corroboration.SINGLE_SOURCE
        sources = {fid: source for fid in {finding_id, *self._neighbours(finding_id)}
                   if (source := self.source_of(fid)) is not None}
        return corroboration(finding_id, links, sources)

    # ------------------------------------------------------------ views

    def _refresh(self, finding_id: str) -> FindingView | None:
        view = self._view(finding_id)
        if view is None:
            self.findings.pop(finding_id, None)
        else:
            self.findings[finding_id] = view
        return view

    def _view(self, finding_id: str) -> FindingView | None:
        mine = [p for p in self._pending.values() if _target(p.command) == finding_id]
        refusal = self._refusals.get(finding_id)
        view = self._saved.get(finding_id)
        if view is None:
            post = next((p for p in mine if isinstance(p.command, PostFinding)), None)
            if post is not None and isinstance(post.command, PostFinding) and self.me is not None:
                fields = fields_of(post.command)
                view = FindingView(finding_id, self.me, post.at, post.at, fields, [], "sending")
            elif refusal is not None and refusal.unsaved is not None:
                view = refusal.unsaved
            else:
                return None
        fields, updated_at, withdrawing = view.fields, view.updated_at, None
        for p in mine:
            if isinstance(p.command, AmendFinding):
                fields, updated_at = fields_of(p.command), max(updated_at, p.at)
            elif isinstance(p.command, WithdrawFinding):
                withdrawing = p.command.reason
        status: Status = "saved"
        if refusal is not None:
            status = "rejected"
        elif any(p.command.id not in self._awaiting for p in mine):
            status = "sending"
        return replace(
            view,
            fields=fields,
            updated_at=updated_at,
            status=status,
            error=refusal.message if refusal else None,
            refused=refusal.fields if refusal else None,
            support=self._support(finding_id),
            withdrawing=withdrawing,
        )


Fold = Callable[[TeamState, Event, Any, set[str]], str | None]

FOLDS: dict[str, Fold] = {
    kinds.FINDING_POSTED: TeamState._fold_posted,
    kinds.FINDING_AMENDED: TeamState._fold_amended,
    kinds.FINDING_WITHDRAWN: TeamState._fold_withdrawn,
    kinds.FIELDWORK_SET: TeamState._fold_fieldwork,
    kinds.PERSONAL_DATA_SET: TeamState._fold_policy,
    kinds.INSPECTOR_REVOKED: TeamState._fold_revoked,
    kinds.ROLE_CHANGED: TeamState._fold_role,
    **dict.fromkeys(ALERT_KINDS, TeamState._fold_alert),
    **dict.fromkeys(EVIDENCE_KINDS, TeamState._fold_evidence),
    **dict.fromkeys(GRADE_KINDS, TeamState._fold_grade),
    **dict.fromkeys(CASE_KINDS, TeamState._fold_case),
}
"""How the app folds each event kind of the catalogue (shared.catalogue.EVENTS), its data already read as the
kind's model; a fold returns the finding the event is about, if any. Every kind is here or in ``NOT_FOLDED``."""

NOT_FOLDED: dict[str, str] = {}
"""Event kinds the app deliberately leaves unfolded, each with the reason (none today: it folds every kind)."""


# ---------------------------------------------------------------- filtering


@dataclass(frozen=True, slots=True)
class FindingFilter:
    """What the user narrowed the list to; every criterion is optional and they combine with AND."""

    agency: Agency | None = None
    inspectorate: Inspectorate | None = None
    kind: FindingKind | None = None
    author_id: int | None = None
    child_id: str | None = None
    text: str | None = None
    judgement_area: JudgementArea | Literal["none"] | None = None
    """An area, or "none" for findings with no judgement area (as the triangulation view's last column)."""
    support: Corroboration | None = None
    withdrawn: bool = False
    """Show withdrawn findings too (the query word ``withdrawn``); by default they are hidden."""

    @property
    def active(self) -> bool:
        return self.withdrawn or any(
            value not in (None, "")
            for value in (self.agency, self.inspectorate, self.kind, self.author_id, self.child_id, self.text,
                          self.judgement_area, self.support)
        )

    def matches(self, view: FindingView) -> bool:
        f = view.fields
        if view.withdrawn is not None and not self.withdrawn:
            return False
        if self.agency is not None and f.agency != self.agency:
            return False
        if self.inspectorate is not None and view.author.inspectorate != self.inspectorate:
            return False
        if self.kind is not None and f.kind != self.kind:
            return False
        if self.author_id is not None and view.author.id != self.author_id:
            return False
        if self.child_id and (f.child_id or "").casefold() != self.child_id.strip().casefold():
            return False
        if self.judgement_area is not None and (f.judgement_area or "none") != self.judgement_area:
            return False
        if self.support is not None and view.support is not self.support:
            return False
        if self.text:
            haystack = " ".join(filter(None, (f.text, f.criterion, f.child_id))).casefold()
            return all(word in haystack for word in self.text.casefold().split())
        return True


def filter_findings(
    findings: Mapping[str, FindingView] | Iterable[FindingView], wanted: FindingFilter | None = None
) -> list[FindingView]:
    """The findings that match, newest first (by when they were posted)."""
    views = findings.values() if isinstance(findings, Mapping) else findings
    wanted = wanted or FindingFilter()
    chosen = [view for view in views if wanted.matches(view)]
    chosen.sort(key=lambda view: (view.posted_at, view.id), reverse=True)
    return chosen
