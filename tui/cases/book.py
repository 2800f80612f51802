"""The client's case book: the imported Annex A list, the case sample, who tracks each case and how far they are.

Pure (no I/O, no UI), like ``tui/grades/book.py``: it folds the ``cases.*``, ``sample.*`` and ``case.*`` events into
what the cases screen shows (child-protection framework ¶38–43), and tracks our own case commands from the moment
they are queued until their event arrives, so an allocation or a status shows at once, marked as on its way, and a
refusal stays on the case it was about. The name digests are kept so the personal-data guard can be built from
them (``NameIndex(bytes.fromhex(salt), frozenset(book.name_digests))``); the names themselves never reach the app.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import ClassVar

from pydantic import BaseModel

from shared import kinds
from shared.annex_a import CaseRecord
from shared.cases import (
    AddToSample,
    AllocateCase,
    CaseAllocated,
    CaseProgressed,
    CasesImported,
    DrawSample,
    ImportCases,
    RecordCaseProgress,
    SampleAdded,
    SampleDrawn,
    TrackingStatus,
)
from shared.day_one import Checklist, DayOneItem, DayOneRequestSet, ItemState, SetDayOneRequest
from shared.protocol import Command, Event
from shared.sampling import BalanceReport, Sample, SampledCase, Selection, balance_report
from tui.fold import Refusal, Refusing
from tui.pending import C

CASE_KINDS = frozenset({
    kinds.CASES_IMPORTED, kinds.SAMPLE_DRAWN, kinds.SAMPLE_ADDED, kinds.CASE_ALLOCATED, kinds.CASE_PROGRESSED,
    kinds.DAY_ONE_SET,
})
"""Events this module folds in."""
CASE_COMMANDS: tuple[type[Command], ...] = (
    ImportCases, DrawSample, AddToSample, AllocateCase, RecordCaseProgress, SetDayOneRequest,
)

SELECTION_ORDER = (Selection.RANDOM, Selection.GOOD_PRACTICE, Selection.LINE_OF_ENQUIRY)

IMPORT_KEY = "import"
DRAW_KEY = "draw"
"""Where a refused import or draw is kept: they are about the whole list, not one case."""

DONE = frozenset({TrackingStatus.TRACKED, TrackingStatus.DISCUSSED, TrackingStatus.MET})
"""Statuses that count as tracked: discussing the case with the practitioner and meeting the child or family come
after the file has been tracked (¶40–41), so a case at either step has been tracked too."""


def request_key(item: DayOneItem) -> str:
    """Where a refused tick of a day-one request is kept."""
    return f"day-one:{item.value}"


def refusal_key(command: Command) -> str:
    """The case a command is about, the day-one request it ticks, or the whole list for an import or a draw."""
    if isinstance(command, SetDayOneRequest):
        return request_key(command.item)
    child_id = getattr(command, "child_id", None)
    if child_id:
        return str(child_id)
    return IMPORT_KEY if isinstance(command, ImportCases) else DRAW_KEY


@dataclass(frozen=True)
class Added:
    """A case added to the sample for a line of enquiry (¶38): why, and which enquiry if one was named."""

    case: SampledCase
    enquiry_id: str | None


@dataclass(frozen=True)
class CaseView:
    """One sampled case as the screen shows it: saved facts overlaid with our own commands still on their way."""

    child_id: str
    selection: Selection
    meet_child_or_family: bool
    record: CaseRecord | None
    inspector_id: int | None
    status: TrackingStatus
    reason: str | None = None
    enquiry_id: str | None = None
    sending: tuple[Command, ...] = ()
    refusal: Refusal | None = None


@dataclass(frozen=True)
class RequestView:
    """One day-one request as the checklist shows it: saved, or as our tick on its way would make it."""

    state: ItemState
    sending: bool = False
    refusal: Refusal | None = None


@dataclass(frozen=True)
class CaseProgress:
    """How far the team has got with the sample: counts per status and per allocated inspector."""

    sampled: int
    by_status: Mapping[TrackingStatus, int]
    by_inspector: Mapping[int | None, Counter[TrackingStatus]]
    to_meet: int
    """Cases flagged to meet the child or family (¶40)."""

    @property
    def tracked(self) -> int:
        return sum(count for status, count in self.by_status.items() if status in DONE)

    @property
    def met(self) -> int:
        return self.by_status.get(TrackingStatus.MET, 0)

    @property
    def line(self) -> str:
        """"31 of 53 tracked; 6 met child or family" — the screen's headline."""
        return f"{self.tracked} of {self.sampled} tracked; {self.met} met child or family"


@dataclass
class CaseBook(Refusing[str]):
    """The Annex A list, the sample and its tracking for one inspection, plus our case commands in flight."""

    name: ClassVar[str] = "cases"
    kinds: ClassVar[frozenset[str]] = CASE_KINDS
    tracks: ClassVar[tuple[type[Command], ...]] = CASE_COMMANDS

    cases: dict[str, CaseRecord] = field(default_factory=dict)
    """Imported cases by child unique ID, minimised (shared.annex_a.CaseRecord)."""
    sources: dict[str, int] = field(default_factory=dict)
    """Each imported file's name and how many cases came from it, for the record."""
    name_digests: set[str] = field(default_factory=set)
    """The personal-data guard's salted hashes of the workers' names; never the names."""
    drawn: Sample | None = None
    """The last draw (random and good-practice cases); a redraw replaces it."""
    added: dict[str, Added] = field(default_factory=dict)
    """Cases added for a line of enquiry, in the order they were added; a redraw keeps them."""
    allocated: dict[str, int] = field(default_factory=dict)
    status: dict[str, TrackingStatus] = field(default_factory=dict)
    requests: Checklist = field(default_factory=Checklist)
    """The day-one request checklist (CP ¶27, Annex A; shared.day_one): what the local authority has sent."""

    # ------------------------------------------------------------ the shared record

    def apply(self, event: Event, payload: BaseModel) -> str | None:
        """Fold in one event whose data was read as its kind's model (shared.catalogue.read_payload); returns the
        child ID it changed (the import or draw key for those), or None."""
        if isinstance(payload, CasesImported):
            self.cases.update((record.child_id, record) for record in payload.cases)
            self.sources[payload.source] = self.sources.get(payload.source, 0) + len(payload.cases)
            self.name_digests.update(payload.name_digests)
            return IMPORT_KEY
        if isinstance(payload, SampleDrawn):
            self.drawn = Sample.model_validate(payload.model_dump())
            return DRAW_KEY
        if isinstance(payload, SampleAdded):
            case = SampledCase(child_id=payload.child_id, selection=Selection.LINE_OF_ENQUIRY,
                               reason=payload.reason or None)
            self.added[case.child_id] = Added(case, payload.enquiry_id or None)
            return case.child_id
        if isinstance(payload, CaseAllocated):
            if payload.inspector_id is None:
                self.allocated.pop(payload.child_id, None)
            else:
                self.allocated[payload.child_id] = payload.inspector_id
            return payload.child_id
        if isinstance(payload, CaseProgressed):
            self.status[payload.child_id] = payload.status
            return payload.child_id
        if isinstance(payload, DayOneRequestSet):
            self.requests.apply(payload)
            return request_key(payload.item)
        return None

    @property
    def sampled(self) -> list[SampledCase]:
        """The sample in order: random, good practice, then lines of enquiry, each by child ID as the server lists
        them, cases added since the draw last. The draw's event carries the whole sample, so a case added before
        a redraw comes back in it."""
        drawn = list(self.drawn.cases) if self.drawn is not None else []
        seen = {case.child_id for case in drawn}
        cases = drawn + [added.case for child_id, added in self.added.items() if child_id not in seen]
        return sorted(cases, key=lambda case: SELECTION_ORDER.index(case.selection))  # stable: keeps the rest

    @property
    def sample(self) -> Sample | None:
        """The whole sample as it stands (the draw, its reason and cases added since); None before a draw."""
        if self.drawn is None:
            return None
        return self.drawn.model_copy(update={"cases": tuple(self.sampled)})

    def under_way(self) -> list[str]:
        """Sampled cases already allocated or started: a redraw would lose that work, so the server refuses it."""
        return [case.child_id for case in self.sampled
                if case.child_id in self.allocated or self.status.get(case.child_id, TrackingStatus.NOT_STARTED)
                is not TrackingStatus.NOT_STARTED]

    def in_sample(self, child_id: str) -> bool:
        return any(case.child_id == child_id for case in self.sampled)

    def unsampled(self) -> list[CaseRecord]:
        """Imported cases not in the sample (nor on their way into it), by child ID: what can be added."""
        taken = {case.child_id for case in self.sampled} | {c.child_id for c in self.pending_of(AddToSample)}
        return [self.cases[child_id] for child_id in sorted(self.cases) if child_id not in taken]

    def balance(self) -> BalanceReport | None:
        """Eligible population against the random draw (shared.sampling.balance_report); None before a draw."""
        if self.drawn is None or not self.cases:
            return None
        return balance_report(list(self.cases.values()), self.drawn)

    # ------------------------------------------------------------ our own commands

    def about(self, command: Command) -> str:
        """A case command's refusal is shown on its case (or on the import or the draw)."""
        return refusal_key(command)

    def pending_of(self, kind: type[C]) -> list[C]:
        return self.in_flight.where(self.name, kind)

    def pending_on(self, child_id: str) -> list[Command]:
        return [command for command in self.pending.values() if getattr(command, "child_id", None) == child_id]

    # ------------------------------------------------------------ what the screen shows

    def views(self, inspector_id: int | None = None) -> list[CaseView]:
        """The sample as shown, our adds on their way at the end; only one inspector's cases if given."""
        rows = [self._view(case.child_id, case.selection, case.meet_child_or_family, case.reason,
                           self.added[case.child_id].enquiry_id if case.child_id in self.added else None)
                for case in self.sampled]
        shown = {row.child_id for row in rows}
        for command in self.pending_of(AddToSample):
            if command.child_id not in shown:
                rows.append(self._view(command.child_id, Selection.LINE_OF_ENQUIRY, False, command.reason,
                                       command.enquiry_id))
                shown.add(command.child_id)
        if inspector_id is not None:
            rows = [row for row in rows if row.inspector_id == inspector_id]
        return rows

    def view(self, child_id: str) -> CaseView | None:
        return next((row for row in self.views() if row.child_id == child_id), None)

    def _view(self, child_id: str, selection: Selection, meet: bool, reason: str | None,
              enquiry_id: str | None) -> CaseView:
        inspector_id = self.allocated.get(child_id)
        status = self.status.get(child_id, TrackingStatus.NOT_STARTED)
        mine = self.pending_on(child_id)
        for command in mine:  # in the order sent, so the newest wins
            if isinstance(command, AllocateCase):
                inspector_id = command.inspector_id
            elif isinstance(command, RecordCaseProgress):
                status = command.status
        return CaseView(child_id, selection, meet, self.cases.get(child_id), inspector_id, status, reason,
                        enquiry_id, tuple(mine), self.refusals.get(child_id))

    def request_views(self) -> list[RequestView]:
        """Every day-one request in the seed's order, our latest tick of each shown as it will be once saved."""
        ours = {command.item: command for command in self.pending_of(SetDayOneRequest)}  # the newest wins
        return [
            RequestView(ItemState(state.item, ours[state.item].received_on, ours[state.item].note), sending=True)
            if state.item in ours else RequestView(state, refusal=self.refusals.get(request_key(state.item)))
            for state in self.requests.items()
        ]

    def progress(self, views: Iterable[CaseView] | None = None) -> CaseProgress:
        """Counts over the given cases (the whole sample by default), as shown, our own changes included."""
        rows = list(self.views() if views is None else views)
        by_inspector: dict[int | None, Counter[TrackingStatus]] = {}
        for row in rows:
            by_inspector.setdefault(row.inspector_id, Counter())[row.status] += 1
        return CaseProgress(
            sampled=len(rows),
            by_status=Counter(row.status for row in rows),
            by_inspector=by_inspector,
            to_meet=sum(1 for row in rows if row.meet_child_or_family),
        )
