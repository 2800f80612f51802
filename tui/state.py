"""The client's view of an inspection: one loop that folds each event, and our commands' fate, into every domain.

No I/O and no UI: the app feeds it what ``TeamClient`` yields and renders the result. Each domain is a fold
(tui.fold) with the same verbs; TeamState reads an event's data once, hands it to the folds of its kind, and
settles our commands through the one pending store (tui.pending) once the event they were acked with is folded.
What is left here is the team and the inspection themselves, and the board's filters.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel

from shared import kinds
from shared.cases import PersonalDataPolicySet
from shared.catalogue import read_payload
from shared.enquiries import EnquiryMoved, EnquiryOpened
from shared.fieldwork import FieldworkSet
from shared.on_site import DaysOnSite, OnSiteSet, on_site_now
from shared.protocol import Command, Event, Inspection, Inspector, Welcome
from shared.redaction import RecordRedacted
from shared.team import InspectorRevoked, RoleChanged
from shared.triangulation import Corroboration, Source
from shared.vocabulary import Agency, FindingKind, Inspectorate, JudgementArea
from tui.alerts.book import AlertBook
from tui.board.book import FindingBook, FindingView, Status, Withdrawal, shown_status
from tui.cases.book import CaseBook
from tui.fold import Fold
from tui.grades.book import GradeBook
from tui.pending import PendingCommands
from tui.triangulation.book import EvidenceBook

__all__ = [
    "FOLDS", "NOT_FOLDED", "FindingFilter", "FindingView", "Status", "TeamState", "Withdrawal", "filter_findings",
    "shown_status",
]

PERSONAL_DATA_KEY = "personal_data"

TEAM_KINDS = frozenset({
    kinds.FIELDWORK_SET, kinds.ON_SITE_SET, kinds.PERSONAL_DATA_SET, kinds.INSPECTOR_REVOKED, kinds.ROLE_CHANGED,
    kinds.RECORD_REDACTED,
})
"""What TeamState folds itself: facts about the inspection and the team, which everything else reads."""

FOLD_TYPES: tuple[type[Fold], ...] = (FindingBook, AlertBook, EvidenceBook, GradeBook, CaseBook)


@dataclass
class TeamState:
    """Everything the app shows about one inspection, rebuilt from events alone."""

    team: dict[int, Inspector] = field(default_factory=dict)
    revoked: set[int] = field(default_factory=set)
    """Members whose access was revoked (``inspector.revoked``): still in ``team`` so their past work keeps its
    names, but no longer on the roster."""
    online: set[int] = field(default_factory=set)
    days_on_site: dict[int, DaysOnSite] = field(default_factory=dict)
    """Each member's days on site, for those the lead has recorded (shared.on_site)."""
    inspection: Inspection | None = None
    me: Inspector | None = None
    redactions: list[RecordRedacted] = field(default_factory=list)
    """What the lead redacted, and why. The cached events are rewritten by the store (tui.store); the app then
    folds the cache again (TeamApp), so no fold keeps the text."""
    head: int = 0
    flagged: dict[int, list[dict[str, object]]] = field(default_factory=dict)
    """Events the server accepted with a personal-data warning, by seq: what it recorded (masked), for the folds
    below strip it so their strict models read the rest."""
    pending: PendingCommands = field(default_factory=PendingCommands)
    """Every command of ours in flight, whichever fold shows it: the one place they are kept."""
    alerts: AlertBook = field(init=False)
    """Risk alerts (tui.alerts.book)."""
    evidence: EvidenceBook = field(init=False)
    """Links, lines of enquiry and meetings (tui.triangulation.book)."""
    grades: GradeBook = field(init=False)
    """The grade board (shared.grade_board), with the server's refusals of our grade commands."""
    cases: CaseBook = field(init=False)
    """The Annex A list, the case sample and its tracking (tui.cases.book)."""
    board: FindingBook = field(init=False)
    """The findings, as saved and as our own commands change them (tui.board.book)."""

    def __post_init__(self) -> None:
        self.alerts = AlertBook(in_flight=self.pending)
        self.evidence = EvidenceBook(in_flight=self.pending)
        self.grades = GradeBook(in_flight=self.pending)
        self.cases = CaseBook(in_flight=self.pending)
        self.board = FindingBook(in_flight=self.pending, evidence=self.evidence)
        folds: tuple[Fold, ...] = (self.board, self.alerts, self.evidence, self.grades, self.cases)
        self._named = {fold.name: fold for fold in folds}
        self._by_kind = {kind: tuple(fold for fold in folds if kind in fold.kinds) for kind in FOLDS}
        self._by_command = {kind: fold for fold in folds for kind in fold.tracks}

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
        self.board.welcome(welcome.inspector)

    def presence(self, online: Iterable[int]) -> None:
        self.online = set(online)

    def on_site(self, today: date) -> frozenset[int] | None:
        """Which members are on site ``today``; None while nobody's days are recorded."""
        inspection = self.inspection
        if inspection is None:
            return None
        members = [member.id for member in self.members()]
        return on_site_now(members, self.days_on_site, inspection.start_date, inspection.end_date, today)

    def members(self) -> list[Inspector]:
        """The team as it is now: everyone whose access was not revoked."""
        return [member for member in self.team.values() if member.id not in self.revoked]

    def apply(self, event: Event, payload: BaseModel | None = None) -> FindingView | None:
        """Fold one event into every fold of its kind; returns the finding that changed. Replayed events
        (seq <= head) are no-ops. ``payload``: its data already read as its kind's model, so it is read once."""
        if event.seq <= self.head:
            return None
        self.head = event.seq
        if event.actor is not None:  # null for what the server records itself (alert.overdue)
            self.team.setdefault(event.actor.id, event.actor)
        if PERSONAL_DATA_KEY in event.data:  # the server's masked record under the warn policy (shared.cases)
            self.flagged[event.seq] = list(event.data[PERSONAL_DATA_KEY])
            event = event.model_copy(update={"data": {k: v for k, v in event.data.items() if k != PERSONAL_DATA_KEY}})
        # A kind or data this version cannot read is skipped.
        payload = payload if payload is not None else read_payload(event)
        if payload is not None:
            self._fold(event, payload)
        for settled in self.pending.folded(self.head):
            self._named[settled.fold].settle(settled.command.id)
        return self.board.changes()

    def _fold(self, event: Event, payload: BaseModel) -> None:
        self.board.linked(self.evidence.link_ends(payload))  # before an unlink forgets the link's ends
        for fold in self._by_kind.get(event.kind, ()):
            fold.apply(event, payload)
        mine = event.actor is not None and self.me is not None and event.actor.id == self.me.id
        if mine and isinstance(payload, EnquiryOpened | EnquiryMoved):
            self.evidence.mark_read(payload.enquiry_id)  # we asked or worked on it: nothing there to read
        if event.kind in TEAM_KINDS:
            self._fold_team(payload)

    def _fold_team(self, payload: BaseModel) -> None:
        """The inspection's and the team's own facts, which every screen reads."""
        match payload:
            case FieldworkSet() if self.inspection is not None:  # before any welcome: the next one carries them
                self.inspection = self.inspection.model_copy(
                    update={"start_date": payload.start_date, "end_date": payload.end_date})
            case OnSiteSet():
                self.days_on_site[payload.inspector_id] = DaysOnSite(payload.first_day, payload.last_day)
            case PersonalDataPolicySet() if self.inspection is not None:  # the app's personal-data check follows
                self.inspection = self.inspection.model_copy(update={"personal_data_policy": payload.policy.value})
            case InspectorRevoked():  # they stay in ``team`` so their past work keeps its names
                self.revoked.add(payload.inspector_id)
            case RecordRedacted():
                self.redactions.append(payload)
            case RoleChanged() if (member := self.team.get(payload.inspector_id)) is not None:
                self.team[member.id] = member.model_copy(update={"role": payload.role})  # ours: the next welcome

    def take_side_changes(self) -> list[FindingView]:
        """Findings changed by an event about something else since the last call (a link changes both ends).

        ``apply`` returns the finding an event is about; a link, or an amendment that changes a finding's kind
        of evidence, also changes how well its linked findings are supported, and the board must repaint them.
        """
        return self.board.take_side_changes()

    # ------------------------------------------------------------ our own commands

    def add_pending(self, command: Command, at: datetime | None = None) -> FindingView | None:
        """Show a command's effect at once (status "sending") until the server settles or refuses it.

        The fold that tracks its type shows it; returns the finding it changes, for a finding command. A post made
        before any welcome (cache just reset) is kept and shown once ``welcome`` names its author.
        """
        fold = self._by_command.get(type(command))
        if fold is None:
            return None
        fold.track(command, at)
        return self._shown(command)

    def acked(self, command_id: str, seq: int | None = None) -> FindingView | None:
        """The server committed the command. Given its ``seq``, it stays ours until that event is folded, so what
        it did never blinks out; with no seq, or one already folded, it is settled now."""
        pending = self.pending.ack(command_id, seq) if seq is not None else self.pending.get(command_id)
        if pending is None:
            return None
        if seq is None or seq <= self.head:
            self._named[pending.fold].settle(command_id)
        return self._shown(pending.command)

    def rejected(self, command_id: str, message: str | None = None) -> FindingView | None:
        """The server refused the command: its fold drops it and remembers why (a finding shows "rejected")."""
        pending = self.pending.get(command_id)
        if pending is None:
            return None
        self._named[pending.fold].refuse(command_id, message)
        return self._shown(pending.command)

    def _shown(self, command: Command) -> FindingView | None:
        return self.board.shown(command) if type(command) in FindingBook.tracks else None

    def dismiss(self, finding_id: str) -> FindingView | None:
        """The user has seen a refusal: clear it (a refused post that never saved disappears)."""
        return self.board.dismiss(finding_id)

    @property
    def pending_ids(self) -> set[str]:
        """Ids of our finding commands not yet acked or refused."""
        return self.board.unacked

    # ------------------------------------------------------------ the board's findings

    @property
    def findings(self) -> dict[str, FindingView]:
        return self.board.findings

    @property
    def withdrawn_ids(self) -> set[str]:
        return self.board.withdrawn_ids

    def saved_findings(self) -> list[FindingView]:
        """Findings as the server holds them, less withdrawn ones and unsent edits: what triangulation counts."""
        return self.board.saved_findings()

    def source_of(self, finding_id: str) -> Source | None:
        return self.board.source_of(finding_id)


FOLDS: dict[str, tuple[str, ...]] = {
    kind: tuple(fold.name for fold in FOLD_TYPES if kind in fold.kinds)
    for kind in sorted({kind for fold in FOLD_TYPES for kind in fold.kinds} | TEAM_KINDS)
}
"""Which folds take each event kind of the catalogue (shared.catalogue.EVENTS), its data already read as the kind's
model; TeamState folds the team's own kinds itself. Every kind is here or in ``NOT_FOLDED``."""

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
