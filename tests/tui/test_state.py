"""The reducer on its own: events, pending commands and their outcomes, and filters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from shared.findings import AmendFinding, PostFinding
from shared.protocol import Event, Inspection, Inspector, Welcome
from shared.vocabulary import Agency, EvidenceSource, FindingKind, Framework, Inspectorate, Role
from tui.state import FindingFilter, FindingView, TeamState, filter_findings, shown_status

ASHA = Inspector(id=1, name="Asha Patel", inspectorate=Inspectorate.OFSTED, role=Role.LEAD)
BEN = Inspector(id=2, name="Ben Okafor", inspectorate=Inspectorate.CQC, role=Role.INSPECTOR)
CARA = Inspector(id=3, name="Cara Jones", inspectorate=Inspectorate.HMIC, role=Role.INSPECTOR)
NORTHMOOR = Inspection(id=1, name="Northmoor", framework=Framework.INTEGRATED)
T0 = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)


def welcome(me: Inspector = ASHA, online: list[int] | None = None) -> Welcome:
    return Welcome(inspector=me, inspection=NORTHMOOR, epoch="e1", head=0, team=[ASHA, BEN], online=online or [me.id])


def fields(text: str = "Strategy meetings held promptly.", **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "agency": Agency.LOCAL_AUTHORITY,
        "kind": FindingKind.STRENGTH,
        "evidence_source": EvidenceSource.CASE_FILE,
        "text": text,
    }
    return values | overrides


def posted(seq: int, finding_id: str, actor: Inspector = ASHA, minutes: int = 0, **kw: Any) -> Event:
    return Event(
        seq=seq,
        kind="finding.posted",
        actor=actor,
        at=T0 + timedelta(minutes=minutes),
        data={"finding_id": finding_id, **fields(**kw)},
    )


def amended(seq: int, finding_id: str, version: int, text: str, actor: Inspector = ASHA) -> Event:
    return Event(
        seq=seq,
        kind="finding.amended",
        actor=actor,
        at=T0 + timedelta(hours=1, minutes=seq),
        data={"finding_id": finding_id, "version": version, **fields(text)},
    )


@pytest.fixture
def state() -> TeamState:
    s = TeamState()
    s.welcome(welcome())
    return s


def test_welcome_sets_me_team_and_presence(state: TeamState) -> None:
    assert state.me == ASHA
    assert state.inspection == NORTHMOOR
    assert set(state.team) == {1, 2}
    assert state.online == {1}
    state.presence([1, 2])
    assert state.online == {1, 2}


def test_posted_event_becomes_saved_finding(state: TeamState) -> None:
    view = state.apply(posted(1, "f1", actor=BEN, text="Health visitor\n  not at strategy meeting"))
    assert view is not None
    assert view.status == "saved"
    assert view.author == BEN
    assert view.posted_at == T0 and view.updated_at == T0
    assert view.posted_at.tzinfo is not None
    assert view.first_line == "Health visitor"
    assert view.version == 1
    assert state.findings["f1"] == view
    assert state.head == 1


def test_naive_event_time_is_taken_as_utc(state: TeamState) -> None:
    event = posted(1, "f1").model_copy(update={"at": datetime(2026, 11, 16, 9, 0)})
    view = state.apply(event)
    assert view is not None and view.posted_at == T0


def test_amendment_keeps_history(state: TeamState) -> None:
    state.apply(posted(1, "f1", text="first"))
    view = state.apply(amended(2, "f1", 2, "second"))
    view = state.apply(amended(3, "f1", 3, "third"))
    assert view is not None
    assert view.fields.text == "third"
    assert view.version == 3
    assert [(v, f.text) for v, _at, f in view.history] == [(1, "first"), (2, "second"), (3, "third")]
    assert view.posted_at == T0
    assert view.updated_at > view.posted_at


def test_replayed_event_is_ignored(state: TeamState) -> None:
    state.apply(posted(1, "f1", text="first"))
    state.apply(amended(2, "f1", 2, "second"))
    assert state.apply(posted(1, "f1", text="first")) is None
    assert state.findings["f1"].fields.text == "second"


def test_unknown_kind_and_bad_payload_advance_head_only(state: TeamState) -> None:
    odd = Event(seq=1, kind="line_of_enquiry.opened", actor=ASHA, at=T0, data={"x": 1})
    bad = Event(seq=2, kind="finding.posted", actor=ASHA, at=T0, data={"finding_id": "f1"})
    assert state.apply(odd) is None
    assert state.apply(bad) is None
    assert state.head == 2
    assert state.findings == {}


def test_event_actor_joins_team(state: TeamState) -> None:
    state.apply(posted(1, "f1", actor=CARA))
    assert state.team[3] == CARA


def test_pending_post_shows_at_once_then_saves_on_event(state: TeamState) -> None:
    cmd = PostFinding(id="c1", **fields("on its way"))
    view = state.add_pending(cmd, at=T0)
    assert view is not None
    assert (view.status, view.author, view.fields.text, view.version) == ("sending", ASHA, "on its way", 0)
    assert state.pending_ids == {"c1"}
    assert shown_status(view, connected=True) == "sending"
    assert shown_status(view, connected=False) == "unsent"

    saved = state.apply(posted(1, "c1", text="on its way"))
    assert saved is not None and saved.status == "saved"
    assert state.pending_ids == set()
    assert state.acked("c1", 1) is None  # ack after the event: nothing left to do
    assert state.findings["c1"].status == "saved"


def test_ack_before_event_keeps_finding_shown(state: TeamState) -> None:
    state.add_pending(PostFinding(id="c1", **fields("hello")), at=T0)
    view = state.acked("c1", seq=1)
    assert view is not None and view.status == "saved"
    assert state.findings["c1"].fields.text == "hello"
    state.apply(posted(1, "c1", text="hello"))
    assert state.findings["c1"].status == "saved"
    assert state.pending_ids == set()


def test_pending_amend_overlays_then_clears(state: TeamState) -> None:
    state.apply(posted(1, "f1", text="draft"))
    view = state.add_pending(AmendFinding(id="a1", finding_id="f1", **fields("better")), at=T0)
    assert view is not None
    assert (view.status, view.fields.text, view.version) == ("sending", "better", 1)

    # ack first, event second: the new text never flickers back to the old one
    view = state.acked("a1", seq=2)
    assert view is not None and (view.status, view.fields.text) == ("saved", "better")
    view = state.apply(amended(2, "f1", 2, "better"))
    assert view is not None and (view.status, view.fields.text, view.version) == ("saved", "better", 2)
    assert state.pending_ids == set()


def test_amend_event_before_ack_stays_sending_until_ack(state: TeamState) -> None:
    state.apply(posted(1, "f1", text="draft"))
    state.add_pending(AmendFinding(id="a1", finding_id="f1", **fields("better")), at=T0)
    view = state.apply(amended(2, "f1", 2, "better"))
    assert view is not None and view.status == "sending"
    view = state.acked("a1", seq=2)
    assert view is not None and (view.status, view.fields.text) == ("saved", "better")


def test_rejected_post_is_kept_with_reason(state: TeamState) -> None:
    state.add_pending(PostFinding(id="c1", **fields("bad")), at=T0)
    view = state.rejected("c1", "child_id: must be a child unique ID")
    assert view is not None
    assert view.status == "rejected"
    assert view.error == "child_id: must be a child unique ID"
    assert view.refused is not None and view.refused.text == "bad"
    assert state.pending_ids == set()
    assert state.dismiss("c1") is None
    assert "c1" not in state.findings


def test_rejected_amend_reverts_to_saved_fields(state: TeamState) -> None:
    state.apply(posted(1, "f1", actor=BEN, text="Ben's"))
    state.add_pending(AmendFinding(id="a1", finding_id="f1", **fields("mine now")), at=T0)
    view = state.rejected("a1", "only the author may amend a finding")
    assert view is not None
    assert (view.status, view.fields.text) == ("rejected", "Ben's")
    assert view.refused is not None and view.refused.text == "mine now"
    view = state.dismiss("f1")
    assert view is not None and view.status == "saved" and view.error is None


def test_new_edit_clears_an_old_refusal(state: TeamState) -> None:
    state.apply(posted(1, "f1", text="draft"))
    state.add_pending(AmendFinding(id="a1", finding_id="f1", **fields("x")), at=T0)
    state.rejected("a1", "nope")
    view = state.add_pending(AmendFinding(id="a2", finding_id="f1", **fields("y")), at=T0)
    assert view is not None and (view.status, view.fields.text, view.error) == ("sending", "y", None)


def test_ack_without_seq_drops_the_pending_edit(state: TeamState) -> None:
    state.apply(posted(1, "f1", text="draft"))
    state.add_pending(AmendFinding(id="a1", finding_id="f1", **fields("y")), at=T0)
    view = state.acked("a1")
    assert view is not None and (view.status, view.fields.text) == ("saved", "draft")


def test_outcomes_for_unknown_commands_are_no_ops(state: TeamState) -> None:
    assert state.acked("nope", 5) is None
    assert state.rejected("nope", "x") is None


def test_pending_post_waits_for_welcome_to_know_its_author() -> None:
    state = TeamState.build(None, (), [PostFinding(id="c1", **fields("kept"))])  # cache reset, outbox kept
    assert state.findings == {}
    state.welcome(welcome())
    view = state.findings["c1"]
    assert (view.author, view.status, view.fields.text) == (ASHA, "sending", "kept")


def test_build_from_cache() -> None:
    state = TeamState.build(
        welcome(),
        [posted(1, "f1"), amended(2, "f1", 2, "changed")],
        [PostFinding(id="c9", **fields("offline one"))],
    )
    assert state.head == 2
    assert state.findings["f1"].fields.text == "changed"
    assert state.findings["c9"].status == "sending"
    assert TeamState.build(None).findings == {}


# ---------------------------------------------------------------- filters


@pytest.fixture
def mixed(state: TeamState) -> TeamState:
    state.apply(posted(1, "la", actor=ASHA, minutes=1, text="Thresholds applied well", child_id="LA/1001"))
    state.apply(
        posted(
            2,
            "health",
            actor=BEN,
            minutes=2,
            agency=Agency.HEALTH,
            kind=FindingKind.WEAKNESS,
            text="GP not invited to strategy meeting",
            child_id="LA/1001",
        )
    )
    state.apply(
        posted(
            3,
            "police",
            actor=CARA,
            minutes=3,
            agency=Agency.POLICE,
            kind=FindingKind.WEAKNESS,
            text="Strategy meeting delayed",
            criterion="p-h.c",
        )
    )
    return state


def ids(views: list[FindingView]) -> list[str]:
    return [view.id for view in views]


def test_no_filter_lists_newest_first(mixed: TeamState) -> None:
    assert ids(filter_findings(mixed.findings)) == ["police", "health", "la"]
    assert ids(filter_findings(mixed.findings.values(), FindingFilter())) == ["police", "health", "la"]
    assert not FindingFilter().active


def test_filters_combine(mixed: TeamState) -> None:
    f = mixed.findings
    assert ids(filter_findings(f, FindingFilter(agency=Agency.HEALTH))) == ["health"]
    assert ids(filter_findings(f, FindingFilter(inspectorate=Inspectorate.HMIC))) == ["police"]
    assert ids(filter_findings(f, FindingFilter(kind=FindingKind.WEAKNESS))) == ["police", "health"]
    assert ids(filter_findings(f, FindingFilter(author_id=1))) == ["la"]
    assert ids(filter_findings(f, FindingFilter(child_id="la/1001"))) == ["health", "la"]
    assert ids(filter_findings(f, FindingFilter(text="STRATEGY meeting"))) == ["police", "health"]
    assert ids(filter_findings(f, FindingFilter(text="p-h.c"))) == ["police"]
    both = FindingFilter(kind=FindingKind.WEAKNESS, child_id="LA/1001")
    assert both.active
    assert ids(filter_findings(f, both)) == ["health"]
    assert filter_findings(f, FindingFilter(agency=Agency.LSCB)) == []


def test_pending_findings_are_filtered_too(mixed: TeamState) -> None:
    mixed.add_pending(PostFinding(id="new", **fields("strategy meeting notes")), at=T0 + timedelta(hours=2))
    assert ids(filter_findings(mixed.findings, FindingFilter(text="strategy")))[0] == "new"
