"""TeamState and withdrawn findings: the fold, our own withdrawal's fate, what the board hides by default, and that
a withdrawn finding stops supporting or contesting its linked findings (in the triangulation view and journey too).
"""

from __future__ import annotations

from datetime import timedelta

from shared.findings import WithdrawFinding
from shared.protocol import Event, Inspector
from shared.triangulation import Corroboration
from shared.vocabulary import Agency, JudgementArea
from tui.board.detail import describe
from tui.board.filter_query import build_query, parse_query
from tui.state import FindingFilter, TeamState, Withdrawal, filter_findings
from tui.timefmt import long_time, zone
from tui.triangulation.views import journey, matrix
from tui.widgets.support import describe_support

from .app_data import ASHA, BEN, CARA, T0, seed_events, welcome
from .evidence_data import CHILD, EXTRA_FINDING, evidence_log

REASON = "Same case file as f002: recorded twice."
AT = T0 + timedelta(days=3)


def seeded(me: Inspector = ASHA) -> TeamState:
    """f002 (CQC) is corroborated by f009 (Ofsted); f003 (HMIC) contradicts f001 (Ofsted)."""
    return TeamState.build(welcome(me), seed_events() + evidence_log())


def withdrawn(state: TeamState, finding_id: str, actor: Inspector = ASHA, reason: str = REASON) -> Event:
    return Event(seq=state.head + 1, kind="finding.withdrawn", actor=actor, at=AT,
                 data={"finding_id": finding_id, "reason": reason})


def test_the_event_marks_the_finding_withdrawn_and_keeps_its_history() -> None:
    state = seeded()
    before = state.findings[EXTRA_FINDING]
    view = state.apply(withdrawn(state, EXTRA_FINDING))
    assert view is not None and view.id == EXTRA_FINDING
    assert view.withdrawn == Withdrawal(REASON, AT, ASHA)
    assert view.status == "saved" and view.withdrawing is None
    assert view.fields == before.fields and view.history == before.history and view.version == before.version
    assert state.findings[EXTRA_FINDING] == view  # still held: the detail pane and the history need it
    assert state.withdrawn_ids == {EXTRA_FINDING}  # the board's count of what it hides


def test_a_withdrawn_finding_no_longer_corroborates_or_contests() -> None:
    state = seeded()
    state.take_side_changes()
    assert state.findings["f002"].support is Corroboration.CORROBORATED
    assert state.findings["f001"].support is Corroboration.CONTESTED

    state.apply(withdrawn(state, EXTRA_FINDING))
    assert {v.id: v.support for v in state.take_side_changes()} == {"f002": Corroboration.SINGLE_SOURCE}

    state.apply(withdrawn(state, "f003", actor=CARA, reason="Another child's strategy discussion."))
    assert {v.id: v.support for v in state.take_side_changes()} == {"f001": Corroboration.SINGLE_SOURCE}
    # the link is still there, and the detail says why it does not count
    parts = describe_support(state.findings["f002"], state, zone(None))
    assert "withdrawn: no longer counts either way" in "".join(p if isinstance(p, str) else p[0] for p in parts)


def test_triangulation_and_the_journey_leave_withdrawn_findings_out() -> None:
    state = seeded()
    cell = (Agency.POLICE, None)
    assert matrix(state)[cell].findings == 1
    assert [step.ref for step in journey(state, CHILD) if step.what == "finding"] == ["f001", "f003"]
    contested = {step.ref: step.contested for step in journey(state, CHILD)}
    assert contested["f001"]

    state.apply(withdrawn(state, "f003", actor=CARA))

    assert EXTRA_FINDING in {v.id for v in state.saved_findings()}
    assert "f003" not in {v.id for v in state.saved_findings()}
    assert cell not in matrix(state)
    assert not matrix(state)[(Agency.LOCAL_AUTHORITY, JudgementArea.HELP_AND_PROTECTION)].status[
        Corroboration.CONTESTED]
    steps = journey(state, CHILD)
    assert [step.ref for step in steps if step.what == "finding"] == ["f001"]
    assert not any(step.contested for step in steps)


def test_the_board_hides_withdrawn_findings_unless_asked() -> None:
    state = seeded()
    state.apply(withdrawn(state, EXTRA_FINDING))
    assert EXTRA_FINDING not in {v.id for v in filter_findings(state.findings)}
    assert not FindingFilter().active
    shown = FindingFilter(withdrawn=True)
    assert shown.active
    assert EXTRA_FINDING in {v.id for v in filter_findings(state.findings, shown)}
    assert len(filter_findings(state.findings, shown)) == len(state.findings)

    parsed = parse_query("withdrawn cqc", state.team.values())
    assert parsed.filter == FindingFilter(inspectorate=parsed.filter.inspectorate, withdrawn=True)
    assert "withdrawn: shown" in parsed.chips and not parsed.problems
    assert parse_query('"withdrawn"', []).filter == FindingFilter(text="withdrawn")  # quoted: free text
    assert parse_query(build_query(withdrawn=True), []).filter.withdrawn


def test_our_withdrawal_is_sending_until_its_event_arrives() -> None:
    state = seeded(me=BEN)
    command = WithdrawFinding(id="w1", finding_id="f002", reason=REASON)

    view = state.add_pending(command, at=AT)
    assert view is not None and view.status == "sending"
    assert view.withdrawing == REASON and view.withdrawn is None
    assert "f002" in {v.id for v in filter_findings(state.findings)}  # still listed, marked as sending
    assert "Withdrawing: " in describe(view, zone(None), "sending", BEN.id).plain

    state.acked("w1", seq=state.head + 1)  # committed, as for an amendment: shown as ours until its event
    assert state.findings["f002"].withdrawing == REASON and state.findings["f002"].status == "saved"
    state.apply(withdrawn(state, "f002", actor=BEN))
    view = state.findings["f002"]
    assert view.status == "saved" and view.withdrawing is None
    assert view.withdrawn == Withdrawal(REASON, AT, BEN)
    text = describe(view, zone(None), "saved", BEN.id).plain
    assert f"Withdrawn by Ben Okafor (you) at {long_time(AT, zone(None))}: {REASON}" in text


def test_a_refused_withdrawal_is_marked_and_changes_nothing_else() -> None:
    state = seeded(me=CARA)
    before = state.findings["f002"]
    state.add_pending(WithdrawFinding(id="w2", finding_id="f002", reason=REASON), at=AT)
    message = "only the finding's author or the lead inspector may withdraw it"

    view = state.rejected("w2", message)

    assert view is not None and view.status == "rejected" and view.error == message
    assert view.withdrawn is None and view.withdrawing is None
    assert view.refused is None  # nothing to edit and send again
    assert view.fields == before.fields and view.support is before.support
    assert "e: edit and send again" not in describe(view, zone(None), "rejected", CARA.id).plain
    assert state.pending_ids == set()
