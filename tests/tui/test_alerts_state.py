"""The alert reducer on its own: events to views, what each person may do, the bar, clocks, the letter's facts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from textual.binding import Binding

from shared.alerts import AcknowledgeAlert, AlertLevel, AlertStatus, MarkAlertSeen, RaiseAlert
from shared.catalogue import read_payload
from shared.confirmation import written_confirmation
from shared.findings import PostFinding
from shared.protocol import Event
from tui.alerts.book import (
    STEP_ACTIONS,
    STEP_KEYS,
    AlertBook,
    AlertView,
    ago,
    available_actions,
    bar_lines,
    confirmation_facts,
    elapsed,
    news_of,
    unseen_by,
)
from tui.alerts.forms import minutes_to_seconds
from tui.alerts.screen import AlertsScreen
from tui.dialogs.command_form import parse_time
from tui.state import TeamState
from tui.timefmt import zone

from .alerts_data import CLOSED_ID, CONCERN_ID, HARM_ID, RAISED_AT, alert_log, event, raised_concern, raised_harm
from .app_data import ASHA, BEN, CARA, DEV, NORTHMOOR, NOW, TEAM, welcome

TZ = zone("Europe/London")


def fold_in(book: AlertBook, e: Event) -> AlertView | None:
    """One event into the book on its own, its data read as TeamState reads it (once, through the catalogue)."""
    payload = read_payload(e)
    return None if payload is None else book.apply(e, payload)


def book_of(*events: object) -> AlertBook:
    book = AlertBook()
    for e in events:
        fold_in(book, e)  # type: ignore[arg-type]
    return book


def test_a_log_folds_into_views_with_timelines_seen_and_overdue() -> None:
    book = book_of(*alert_log())
    harm = book.alerts[HARM_ID]
    assert harm.level is AlertLevel.SIGNIFICANT_HARM and harm.status is AlertStatus.ACKNOWLEDGED
    assert harm.raised_by == BEN and harm.raised_at == RAISED_AT and harm.child_id == "NM-10234"
    assert [entry.kind for entry in harm.timeline] == [
        "alert.raised", "alert.acknowledged", "alert.updated", "alert.overdue"
    ]
    assert harm.timeline[-1].actor is None  # the server flagged it
    assert harm.seen_by == {CARA.id}
    assert [step for step, _ in harm.overdue_outstanding] == [AlertStatus.INFORMED]
    assert harm.needs_attention and not harm.awaiting_acknowledgement
    assert book.alerts[CLOSED_ID].status is AlertStatus.CLOSED and not book.alerts[CLOSED_ID].is_open
    assert book.deadlines.acknowledge == timedelta(minutes=15)
    # Open first, those needing attention first; the closed concern last.
    assert [a.id for a in book.ordered()] == [HARM_ID, CONCERN_ID, CLOSED_ID]
    assert [a.id for a in book.needing_attention()] == [HARM_ID]


def test_taking_the_overdue_step_stops_the_nagging_but_keeps_the_record() -> None:
    book = book_of(*alert_log())
    fold_in(book, event(50, "alert.informed", ASHA, NOW, alert_id=HARM_ID, informed_name="Dana Whitfield",
                     informed_role="Director of Children's Services", method="phone",
                     informed_at="2026-11-18T10:20:00.000Z", status="informed"))
    harm = book.alerts[HARM_ID]
    assert harm.overdue_outstanding == [] and harm.overdue  # still on the record
    assert harm.informed is not None and harm.informed.name == "Dana Whitfield"
    assert not book.needing_attention()


def test_an_escalated_concern_starts_the_duty_clock_when_escalated() -> None:
    later = RAISED_AT + timedelta(hours=2)
    book = book_of(
        raised_concern(1, RAISED_AT),
        event(2, "alert.escalated", CARA, later, alert_id=CONCERN_ID, child_id="NM-10777",
              immediate_action="Visit today.", status="raised", level="significant-harm"),
    )
    alert = book.alerts[CONCERN_ID]
    assert alert.is_escalation and alert.awaiting_acknowledgement
    assert alert.escalated_at == later and alert.since == later and alert.child_id == "NM-10777"


def test_teamstate_routes_alert_events_and_tolerates_a_null_actor() -> None:
    state = TeamState()
    state.welcome(welcome())
    for e in alert_log():
        assert state.apply(e) is None  # no finding changed
    assert state.head == len(alert_log())
    assert HARM_ID in state.alerts.alerts and not state.findings


def test_our_alert_commands_are_pending_until_acked_or_refused() -> None:
    state = TeamState()
    state.welcome(welcome(me=BEN))
    raise_ = RaiseAlert(id="r1", level="significant-harm", agency="health", child_id="NM-1", summary="s",
                        immediate_action="a")
    assert state.add_pending(raise_) is None
    state.add_pending(PostFinding(id="f1", agency="health", kind="note", evidence_source="observation", text="x"))
    assert list(state.alerts.pending) == ["r1"] and "f1" in state.pending_ids
    assert state.alerts.pending_raises() == [raise_]
    state.acked("r1", 5)
    state.add_pending(MarkAlertSeen(id="s1", alert_id=HARM_ID))
    assert state.alerts.pending_see(HARM_ID)
    state.rejected("s1", "conflict")
    assert not state.alerts.pending


@pytest.mark.parametrize(
    ("me", "deputy", "expected"),
    [
        (ASHA, None, {"inform", "update"}),  # acknowledging it showed she had seen it
        (BEN, None, {"update"}),  # Ben raised it (so has seen it) and is not the lead
        (CARA, None, {"update"}),  # Cara has confirmed she saw it
        (DEV, None, {"update", "see"}),
        (DEV, DEV.id, {"update", "see", "inform"}),  # the named deputy may take duty steps
    ],
)
def test_duty_steps_only_for_the_lead_or_deputy(me: object, deputy: int | None, expected: set[str]) -> None:
    book = book_of(*alert_log())
    assert available_actions(book.alerts[HARM_ID], me, deputy) == expected  # type: ignore[arg-type]


def test_anyone_may_record_the_response_and_concerns_offer_note_escalate_close() -> None:
    book = book_of(*alert_log())
    for kind, status in (("alert.informed", "informed"), ("alert.confirmed", "confirmed")):
        data = {"alert_id": HARM_ID, "status": status}
        if kind == "alert.informed":
            data |= {"informed_name": "D", "informed_role": "DCS", "method": "video",
                     "informed_at": "2026-11-18T10:00:00Z"}
        else:
            data |= {"sent_at": "2026-11-18T10:10:00Z", "reference": "R1"}
        fold_in(book, event(40 + len(data), kind, ASHA, NOW, **data))
    assert "respond" in available_actions(book.alerts[HARM_ID], DEV, None)
    assert available_actions(book.alerts[CONCERN_ID], DEV, None) == {"see", "update", "note", "escalate", "close"}
    assert available_actions(book.alerts[CLOSED_ID], DEV, None) == {"see", "update"}


def test_who_has_not_seen_it() -> None:
    harm = book_of(*alert_log()).alerts[HARM_ID]
    # Cara confirmed; Ben raised it and Asha acknowledged it, which shows they have seen it too.
    assert [m.name for m in unseen_by(harm, TEAM)] == ["Dev Sharma", "Ella Brown"]


def test_the_bar_counts_down_to_each_step_and_stays_for_everyone_until_resolved() -> None:
    """CP ¶32: "inspectors will immediately inform the relevant senior manager and confirm this in writing at the
    earliest opportunity". Every member's bar shows the escalation, who must take the next step and how long is
    left before it is overdue, at every step (not only until it is acknowledged), until it is resolved."""
    book = book_of(raised_harm(1, RAISED_AT))  # 08:55; acknowledge by 09:10, inform by 09:55
    at = RAISED_AT + timedelta(minutes=3)
    lead = bar_lines(book, ASHA, at, TZ)
    assert [line.severity for line in lead] == ["harm"]
    assert lead[0].text == (
        "⚠ SIGNIFICANT HARM · 12 min left (due 18 Nov 09:10) — acknowledge it now: a, then k · "
        "child NM-10234 · Local authority · raised by Ben Okafor 3 min ago"
    )
    other = bar_lines(book, DEV, at, TZ)[0].text
    assert "12 min left" in other and "waiting for the lead to acknowledge it now · s: I have seen it" in other
    fold_in(book, event(2, "alert.seen", DEV, at, alert_id=HARM_ID))
    assert "✓ you have seen it" in bar_lines(book, DEV, at, TZ)[0].text
    late = RAISED_AT + timedelta(minutes=14, seconds=30)
    assert "· under a minute left (due 18 Nov 09:10) —" in bar_lines(book, DEV, late, TZ)[0].text
    unflagged = RAISED_AT + timedelta(minutes=15, seconds=5)  # past due, before the server flags it
    assert "· due now (due 18 Nov 09:10) —" in bar_lines(book, DEV, unflagged, TZ)[0].text

    steps = [
        (event(3, "alert.acknowledged", ASHA, at, alert_id=HARM_ID, status="acknowledged"),
         RAISED_AT + timedelta(minutes=10), "50 min left (due 18 Nov 09:55)",
         "immediately inform the relevant senior manager: a, then i",
         "waiting for the lead to immediately inform the relevant senior manager"),
        (event(4, "alert.informed", ASHA, at, alert_id=HARM_ID, informed_name="Dana Whitfield",
               informed_role="Director of Children's Services", method="phone",
               informed_at="2026-11-18T09:20:00Z", status="informed"),
         NOW, "22 h 50 min left (due 19 Nov 09:20)",
         "confirm this in writing at the earliest opportunity: a, then w",
         "waiting for the lead to confirm this in writing at the earliest opportunity"),
        (event(5, "alert.confirmed", ASHA, NOW, alert_id=HARM_ID, sent_at="2026-11-18T10:25:00Z",
               reference="NM-1", status="confirmed"),
         NOW, None, "record the local authority's response: a, then l",
         "record the local authority's response: a, then l"),  # anyone may record it
        (event(6, "alert.responded", DEV, NOW, alert_id=HARM_ID, response="Child placed safely.",
               status="responded"),
         NOW, None, "resolve it once the risk is addressed: a, then v",
         "waiting for the lead to resolve it once the risk is addressed"),
    ]
    for step, when, clock, lead_call, other_call in steps:
        fold_in(book, step)
        for member, call in ((ASHA, lead_call), (BEN, other_call), (DEV, other_call)):
            lines = bar_lines(book, member, when, TZ)
            assert [line.severity for line in lines] == ["harm"], (step.kind, member.name)
            assert f"— {call}" in lines[0].text, (step.kind, member.name)
            assert (clock is None and " left" not in lines[0].text) or f"SIGNIFICANT HARM · {clock} —" in lines[0].text
            assert "raised by Ben Okafor" in lines[0].text  # when it was raised, not when the step began
    fold_in(book, event(7, "alert.resolved", ASHA, NOW, alert_id=HARM_ID, outcome="Safe.", status="resolved"))
    assert all(bar_lines(book, member, NOW, TZ) == [] for member in TEAM)  # resolved: the bar goes, for everyone


def test_an_overdue_step_replaces_the_countdown() -> None:
    book = book_of(raised_harm(1, RAISED_AT))
    fold_in(book, event(2, "alert.acknowledged", ASHA, NOW, alert_id=HARM_ID, status="acknowledged"))
    fold_in(book, event(3, "alert.overdue", None, NOW, alert_id=HARM_ID, step="informed",
                     due_at="2026-11-18T09:55:00Z"))
    for member in (ASHA, DEV):
        overdue = bar_lines(book, member, NOW, TZ)
        assert [line.severity for line in overdue] == ["overdue"]
        assert overdue[0].text.startswith(
            "⚠ SIGNIFICANT HARM · OVERDUE: record that the senior manager was informed was due 18 Nov 09:55 "
            "(35 min ago) — "
        )
        assert " left" not in overdue[0].text


def test_the_bar_names_the_keys_the_alerts_screen_binds() -> None:
    bound = {binding.key: binding.action for binding in AlertsScreen.BINDINGS if isinstance(binding, Binding)}
    assert {bound[key] for key in STEP_KEYS.values()} == set(STEP_ACTIONS.values())
    assert all(bound[STEP_KEYS[step]] == action for step, action in STEP_ACTIONS.items())


def test_the_bar_names_our_unconfirmed_commands() -> None:
    book = book_of(raised_harm(1, RAISED_AT))
    book.track(AcknowledgeAlert(id="ack-1", alert_id=HARM_ID))
    lines = bar_lines(book, ASHA, NOW, TZ, unconfirmed=["ack-1"])
    assert lines[-1].severity == "unconfirmed"
    assert "NOT YET CONFIRMED BY THE SERVER" in lines[-1].text and "NM-10234" in lines[-1].text


def test_news_rings_for_escalations_and_overdue_only_live() -> None:
    book = book_of(*alert_log())
    news = [news_of(change) for change in book.drain()]
    assert news == [None, "concern", "step", "escalation", None, "step", "step", "overdue", "concern"]
    assert book.drain() == []


@pytest.mark.parametrize(
    ("minutes", "text"),
    [(0, "just now"), (4, "4 min"), (125, "2 h 05 min"), (60 * 24 * 3 + 250, "3 d 4 h"), (-5, "just now")],
)
def test_clocks(minutes: int, text: str) -> None:
    assert elapsed(NOW, NOW + timedelta(minutes=minutes)) == text
    assert ago(NOW, NOW + timedelta(minutes=4)) == "4 min ago"


def test_confirmation_facts_come_from_the_record_and_name_no_child() -> None:
    book = book_of(*alert_log())
    harm = book.alerts[HARM_ID]
    assert confirmation_facts(harm, NORTHMOOR, TEAM) is None  # not informed yet
    fold_in(book, event(50, "alert.informed", ASHA, NOW, alert_id=HARM_ID, informed_name="Dana Whitfield",
                     informed_role="Director of Children's Services", method="phone",
                     informed_at="2026-11-18T10:20:00.000Z", status="informed"))
    facts = confirmation_facts(book.alerts[HARM_ID], NORTHMOOR, TEAM)
    assert facts is not None and facts.lead_name == "Asha Patel" and facts.child_id == "NM-10234"
    letter = written_confirmation(facts)
    assert "Child unique ID: NM-10234" in letter and "Dear Dana Whitfield" in letter
    assert "Wednesday 18 November 2026 at 10:20" in letter


def test_unreadable_alert_events_are_skipped() -> None:
    state = TeamState()
    assert state.apply(event(1, "alert.raised", BEN, NOW, alert_id="x", level="nonsense")) is None
    assert state.apply(event(2, "alert.acknowledged", ASHA, NOW, alert_id="unknown", status="acknowledged")) is None
    assert not state.alerts.alerts and state.head == 2


@pytest.mark.parametrize(("typed", "seconds"), [("15", 900), ("0.5", 30), ("10080", 604_800)])
def test_deadlines_are_typed_in_minutes(typed: str, seconds: int) -> None:
    assert minutes_to_seconds(typed) == seconds


@pytest.mark.parametrize("typed", ["0", "-5", "10081", "soon"])
def test_impossible_deadlines_are_refused_in_minutes(typed: str) -> None:
    with pytest.raises(ValueError, match="minutes"):
        minutes_to_seconds(typed)


def test_local_times_are_read_in_the_inspection_zone() -> None:
    summer = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    assert parse_time("10:52", TZ, summer) == datetime(2026, 7, 1, 9, 52, tzinfo=UTC)  # BST
    assert parse_time("2026-11-18 10:52", TZ, summer) == datetime(2026, 11, 18, 10, 52, tzinfo=UTC)  # GMT
    assert parse_time("18/11/2026 10:52", TZ, summer) == datetime(2026, 11, 18, 10, 52, tzinfo=UTC)
    with pytest.raises(ValueError, match="local time"):
        parse_time("half ten", TZ, summer)
