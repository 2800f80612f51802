"""Every domain's fold, driven the same way by TeamState: a command of ours is shown from the moment it is made
until the event it was acked with is folded (or it is refused), and all of them wait in the one pending store."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from shared.alerts import RaiseAlert
from shared.cases import AllocateCase
from shared.catalogue import EVENTS, RECORDS
from shared.enquiries import OpenEnquiry
from shared.fieldwork import SetFieldwork
from shared.findings import PostFinding
from shared.grades import ProposeGrade
from shared.protocol import Command, Event
from shared.vocabulary import Agency, JudgementArea
from tui.state import FOLDS, TeamState

from .app_data import BEN, NOW, welcome

HP = JudgementArea.HELP_AND_PROTECTION.value


@dataclass(frozen=True)
class Case:
    """One domain's command, what the server decides when it records it, and how the screens show it as ours."""

    command: Command
    decided: dict[str, Any]
    shown: Callable[[TeamState], bool]

    def event(self, seq: int) -> Event:
        """The event the server records for the command, as the server builds it (its fields plus what it decided)."""
        kind = RECORDS[type(self.command)]
        data = EVENTS[kind].model_validate(self.command.model_dump(exclude={"id", "type"}) | self.decided)
        return Event(seq=seq, kind=kind, actor=BEN, at=NOW, data=data.model_dump(mode="json"))


CASES = {
    "findings": Case(
        PostFinding(id="f1", agency="health", kind="note", evidence_source="observation", text="Seen at home."),
        {"finding_id": "f1"},
        lambda state: (view := state.findings.get("f1")) is not None and view.status != "rejected",
    ),
    "alerts": Case(
        RaiseAlert(id="r1", level="emerging-concern", agency="health", summary="Missed visits."),
        {"alert_id": "r1", "status": "raised"},
        lambda state: [c.id for c in state.alerts.pending_raises()] == ["r1"],
    ),
    "evidence": Case(
        OpenEnquiry(id="q1", to_inspectorate="cqc", question="Invited?", why="Because."),
        {"enquiry_id": "q1", "status": "open"},
        lambda state: "q1" in state.evidence.pending,
    ),
    "grades": Case(
        ProposeGrade(id="g1", agency="police", judgement=HP, grade="good", rationale="Prompt referrals."),
        {},
        lambda state: [c.id for c in state.grades.pending_on(Agency.POLICE, HP)] == ["g1"],
    ),
    "cases": Case(
        AllocateCase(id="a1", child_id="NM-1", inspector_id=BEN.id),
        {},
        lambda state: [c.id for c in state.cases.pending_on("NM-1")] == ["a1"],
    ),
}


def ben() -> TeamState:
    state = TeamState()
    state.welcome(welcome(me=BEN))
    return state


def test_every_fold_speaks_the_same_protocol_and_every_kind_has_one() -> None:
    state = ben()
    folds = [state.board, state.alerts, state.evidence, state.grades, state.cases]
    assert sorted(fold.name for fold in folds) == sorted(CASES)
    for fold in folds:
        assert fold.kinds and fold.tracks and fold.in_flight is state.pending
        for verb in ("apply", "track", "settle", "refuse"):
            assert callable(getattr(fold, verb))
    tracked = [kind for fold in folds for kind in fold.tracks]
    assert len(tracked) == len(set(tracked))  # each command type is shown by one fold only
    assert {RECORDS[kind] for kind in tracked} <= set(FOLDS)


@pytest.mark.parametrize("domain", CASES)
def test_an_acked_command_stays_ours_until_its_event_is_folded(domain: str) -> None:
    state, case = ben(), CASES[domain]
    state.add_pending(case.command)
    assert case.command.id in state.pending and case.shown(state)
    state.acked(case.command.id, seq=state.head + 1)
    assert case.command.id in state.pending and case.shown(state)  # acked, event not here yet: no blink
    state.apply(case.event(state.head + 1))
    assert case.command.id not in state.pending and len(state.pending) == 0


@pytest.mark.parametrize("domain", CASES)
def test_an_ack_for_an_event_already_folded_settles_at_once(domain: str) -> None:
    state, case = ben(), CASES[domain]
    state.add_pending(case.command)
    state.apply(case.event(1))  # the event came first (a catch-up), the ack after
    state.acked(case.command.id, seq=1)
    assert len(state.pending) == 0


@pytest.mark.parametrize("domain", CASES)
def test_a_refused_command_is_no_longer_ours(domain: str) -> None:
    state, case = ben(), CASES[domain]
    state.add_pending(case.command)
    state.rejected(case.command.id, "not allowed")
    assert case.command.id not in state.pending and not case.shown(state)


def test_refusals_are_kept_where_the_screens_show_them_until_tried_again() -> None:
    state = ben()
    for case in CASES.values():
        state.add_pending(case.command)
        state.rejected(case.command.id, "not allowed")
    finding = state.findings["f1"]
    assert (finding.status, finding.error) == ("rejected", "not allowed")
    assert state.grades.refusals[(Agency.POLICE, HP)].message == "not allowed"
    assert state.cases.refusals["NM-1"].message == "not allowed"
    for domain in ("grades", "cases"):
        state.add_pending(CASES[domain].command)  # sent again: the old refusal is no longer the news
    assert not state.grades.refusals and not state.cases.refusals


def test_one_store_holds_every_domains_commands_and_each_fold_sees_its_own() -> None:
    state = ben()
    for case in CASES.values():
        state.add_pending(case.command)
    assert [entry.command.id for entry in state.pending] == ["f1", "r1", "q1", "g1", "a1"]
    assert {entry.fold for entry in state.pending} == set(CASES)
    assert list(state.alerts.pending) == ["r1"] and list(state.evidence.pending) == ["q1"]
    assert list(state.grades.pending) == ["g1"] and list(state.cases.pending) == ["a1"]
    assert state.pending_ids == {"f1"}
    state.acked("r1", seq=9)
    assert not state.alerts.pending  # confirmed by the server, so the bar no longer calls it unconfirmed
    assert CASES["alerts"].shown(state)  # but the raise stays shown until its alert arrives


def test_a_command_no_fold_shows_is_not_kept() -> None:
    state = ben()
    assert state.add_pending(SetFieldwork(id="d1", start_date=date(2026, 11, 16), end_date=date(2026, 11, 20))) is None
    assert len(state.pending) == 0
