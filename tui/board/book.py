"""The board's fold: findings as the server holds them, overlaid with our own commands on their way.

Pure (no I/O, no UI), like every book: TeamState hands it the ``finding.*`` events and our finding commands'
fate (tui.fold), and the board, the detail pane and triangulation read the views it keeps. How well a finding is
supported comes from its links (the evidence book) by shared.triangulation's rule, the server's own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import ClassVar, Literal

from pydantic import BaseModel

from shared import kinds
from shared.findings import (
    AmendFinding,
    FindingAmended,
    FindingFields,
    FindingPosted,
    FindingWithdrawn,
    PostFinding,
    WithdrawFinding,
)
from shared.protocol import Command, Event, Inspector
from shared.triangulation import Corroboration, Source, corroboration
from tui.fold import Tracking, as_utc
from tui.pending import Pending
from tui.triangulation.book import EvidenceBook

Status = Literal["saved", "sending", "unsent", "rejected"]

Version = tuple[int, datetime, FindingFields]
"""One entry of a finding's history: (version, when, fields); version 1 is the original post."""

_FIELD_NAMES = tuple(FindingFields.model_fields)
_EVERY_FIELD = set(_FIELD_NAMES)
"""Every finding's fields are all set: one set shared by all of them, not one each (700 bytes a finding)."""


def fields_of(source: FindingFields) -> FindingFields:
    """Just the finding's fields, from a command or an event payload that was already validated.

    Built without validating again: folding a 20,000-event cache at start-up spent a third of its time here.
    """
    return FindingFields.model_construct(_EVERY_FIELD, **{name: getattr(source, name) for name in _FIELD_NAMES})


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
class _Refusal:
    fields: FindingFields | None  # None for a refused withdrawal: there is nothing to edit and send again
    message: str | None
    unsaved: FindingView | None  # the refused post itself, when it never reached the log


FINDING_COMMANDS = (PostFinding, AmendFinding, WithdrawFinding)


def target(command: Command) -> str:
    """The finding a finding command is about (a post's own id is the new finding's)."""
    return command.finding_id if isinstance(command, AmendFinding | WithdrawFinding) else command.id


@dataclass
class FindingBook(Tracking):
    """Every finding of the inspection as shown, and the refusals of our finding commands."""

    name: ClassVar[str] = "findings"
    kinds: ClassVar[frozenset[str]] = frozenset({kinds.FINDING_POSTED, kinds.FINDING_AMENDED, kinds.FINDING_WITHDRAWN})
    tracks: ClassVar[tuple[type[Command], ...]] = FINDING_COMMANDS

    evidence: EvidenceBook = field(default_factory=EvidenceBook)
    """The links, for how well each finding is supported."""
    me: Inspector | None = None
    """Who we are: the author our unsaved posts show (none before the first welcome)."""
    findings: dict[str, FindingView] = field(default_factory=dict)
    withdrawn_ids: set[str] = field(default_factory=set)
    """Findings withdrawn, so the board can count what it hides without a pass over every finding."""
    _saved: dict[str, FindingView] = field(default_factory=dict, repr=False)
    _refusals: dict[str, _Refusal] = field(default_factory=dict, repr=False)
    _about: str | None = field(default=None, repr=False)  # the finding the event being folded is about
    _changed: set[str] = field(default_factory=set, repr=False)  # and the others it changed
    _side: dict[str, None] = field(default_factory=dict, repr=False)  # an ordered set of finding ids
    _authors: dict[Inspector, Inspector] = field(default_factory=dict, repr=False)
    """One copy of each author as they were when posting: each event read brings its own (a big cache, 100,000)."""

    # ------------------------------------------------------------ the fold

    def apply(self, event: Event, payload: BaseModel) -> str | None:
        """Fold in one finding event; returns the finding it is about (``changes`` then shows it)."""
        self._about = self._fold(event, payload)
        return self._about

    def _fold(self, event: Event, payload: BaseModel) -> str | None:
        at = as_utc(event.at)
        if isinstance(payload, FindingPosted):
            if event.actor is None:  # every finding has its author; one without is data this version cannot read
                return None
            fields = fields_of(payload)
            author = self._authors.setdefault(event.actor, event.actor)
            self._saved[payload.finding_id] = FindingView(
                payload.finding_id, author, at, at, fields, [(1, at, fields)], version=1
            )
            self.in_flight.settle(payload.finding_id)  # our own post: the event proves it committed
            return payload.finding_id
        saved = self._saved.get(getattr(payload, "finding_id", ""))
        if saved is None:
            return None
        if isinstance(payload, FindingAmended):
            fields = fields_of(payload)
            if fields.evidence_source != saved.fields.evidence_source:  # its links may now count differently
                self._changed.update(self._neighbours(saved.id))
            self._saved[saved.id] = replace(saved, fields=fields, updated_at=at, version=payload.version,
                                            history=[*saved.history, (payload.version, at, fields)])
        elif isinstance(payload, FindingWithdrawn):
            self._saved[saved.id] = replace(saved, withdrawn=Withdrawal(payload.reason, at, event.actor), updated_at=at)
            self._changed.update(self._neighbours(saved.id))  # it no longer supports or contests them
            self.withdrawn_ids.add(saved.id)
        return saved.id

    def linked(self, finding_ids: Iterable[str]) -> None:
        """A link event changes how well the saved findings at its ends are supported."""
        self._changed.update(end for end in finding_ids if end in self._saved)

    def changes(self) -> FindingView | None:
        """After an event: refresh what it changed; returns the finding it is about, the rest wait as side changes."""
        about, self._about = self._about, None
        for finding_id in self._changed - {about}:
            if self._refresh(finding_id) is not None:
                self._side[finding_id] = None
        self._changed.clear()
        return self._refresh(about) if about else None

    def take_side_changes(self) -> list[FindingView]:
        side, self._side = self._side, {}
        return [self.findings[finding_id] for finding_id in side if finding_id in self.findings]

    # ------------------------------------------------------------ our own commands

    def track(self, command: Command, at: datetime | None = None) -> None:
        super().track(command, as_utc(at) if at is not None else None)
        self._refusals.pop(target(command), None)

    def settle(self, command_id: str) -> None:
        gone = self.in_flight.settle(command_id)
        if gone is not None:
            self._changed.add(target(gone.command))

    def refuse(self, command_id: str, message: str | None) -> None:
        """Drop the edit, mark the finding "rejected", keep what was typed (and a refused post that never saved)."""
        pending = self.in_flight.get(command_id)
        if pending is None:
            return
        command, finding_id = pending.command, target(pending.command)
        before = self._view(finding_id)
        self.in_flight.settle(command_id)
        unsaved = before if isinstance(command, PostFinding) and finding_id not in self._saved else None
        refused = fields_of(command) if isinstance(command, PostFinding | AmendFinding) else None
        self._refusals[finding_id] = _Refusal(refused, message, unsaved)

    def shown(self, command: Command) -> FindingView | None:
        """The finding a command is about, as shown now that its fate changed."""
        self._changed.discard(target(command))
        return self._refresh(target(command))

    def welcome(self, me: Inspector) -> None:
        """We know who we are: a post kept before we did shows now."""
        self.me = me
        for pending in self.in_flight.entries(self.name):
            self._refresh(target(pending.command))

    def dismiss(self, finding_id: str) -> FindingView | None:
        """The user has seen a refusal: clear it (a refused post that never saved disappears)."""
        self._refusals.pop(finding_id, None)
        return self._refresh(finding_id)

    @property
    def unacked(self) -> set[str]:
        """Ids of our finding commands the server has not acked or refused yet."""
        return set(self.in_flight.of(self.name, acked=False))

    # ------------------------------------------------------------ corroboration

    def saved_findings(self) -> list[FindingView]:
        """Findings as the server holds them, less withdrawn ones and unsent edits: what triangulation counts."""
        return [view for view in self._saved.values() if view.withdrawn is None]

    def source_of(self, finding_id: str) -> Source | None:
        """What the corroboration rule needs of a saved finding: its author's inspectorate, its evidence source."""
        view = self._saved.get(finding_id)
        return Source(view.author.inspectorate, view.fields.evidence_source) if view is not None else None

    def _is_live(self, finding_id: str) -> bool:
        view = self._saved.get(finding_id)
        return view is not None and view.withdrawn is None

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
        mine: list[Pending] = [p for p in self.in_flight.entries(self.name) if target(p.command) == finding_id]
        refusal = self._refusals.get(finding_id)
        view = self._saved.get(finding_id)
        if view is not None and not mine and refusal is None:  # as saved: only its support can differ
            support = self._support(finding_id)
            return view if support is view.support else replace(view, support=support)
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
        elif any(not p.acked for p in mine):
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
