"""Unit tests for the risk-alert rules in shared.alerts, which the server enforces and the app shows.

One set of rules serves both sides, so the order of the duty's steps, who may take them and when each
falls due are pinned down here without a network: a rule that drifts would let the app offer a step the
server refuses, or let a late step go unflagged.

The command frames here are raw JSON on purpose: they test how decode_command reads the wire, so they are not built
through the models.
"""

from __future__ import annotations

import itertools
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import pytest

from shared.alerts import (
    CLOSED_STATUSES,
    DUTY_STEPS,
    ESCALATION_STEPS,
    STEP_COMMANDS,
    STEP_NAMES,
    AcknowledgeAlert,
    AlertLevel,
    AlertOverdue,
    AlertStatus,
    ConfirmInWriting,
    Deadlines,
    RaiseAlert,
    RecordInforming,
    RecordResponse,
    ResolveAlert,
    SetDeadlines,
    concern_refusal,
    deadlines_due,
    may_take_duty_step,
    next_step,
    step_refusal,
)
from shared.catalogue import COMMANDS, decode_command
from shared.protocol import (
    Command,
    ErrorCode,
    Inspector,
    ProtocolError,
    decode_server,
)
from shared.vocabulary import Inspectorate, Role

S = AlertStatus
HARM = AlertLevel.SIGNIFICANT_HARM
CONCERN = AlertLevel.EMERGING_CONCERN
CONCERN_STATUSES = (S.OPEN, S.NOTED, S.CLOSED)
STEPS_AFTER_RAISING = ESCALATION_STEPS[1:]
"""The steps a command can take (raising is done by ``alert.raise``, not a step command)."""
PAIRS = list(itertools.product(ESCALATION_STEPS, STEPS_AFTER_RAISING))
"""Every (current status, step tried) of an escalation."""
SKIPS_AHEAD = [
    (status, step) for status, step in PAIRS
    if (wanted := next_step(status)) is not None and ESCALATION_STEPS.index(step) > ESCALATION_STEPS.index(wanted)
]
BEHIND = [(status, step) for status, step in PAIRS if ESCALATION_STEPS.index(step) <= ESCALATION_STEPS.index(status)]


def inspector(id: int, role: Role = Role.INSPECTOR) -> Inspector:
    return Inspector(id=id, name=f"Inspector {id}", inspectorate=Inspectorate.CQC, role=role)


# ---------------------------------------------------------------- next_step


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (S.RAISED, S.ACKNOWLEDGED),
        (S.ACKNOWLEDGED, S.INFORMED),
        (S.INFORMED, S.CONFIRMED),
        (S.CONFIRMED, S.RESPONDED),
        (S.RESPONDED, S.RESOLVED),
        (S.RESOLVED, None),
        (S.OPEN, None),
        (S.NOTED, None),
        (S.CLOSED, None),
    ],
)
def test_next_step(status: AlertStatus, expected: AlertStatus | None) -> None:
    assert next_step(status) is expected


def test_the_escalation_steps_are_the_issues_order() -> None:
    assert [s.value for s in ESCALATION_STEPS] == [
        "raised", "acknowledged", "informed", "confirmed", "responded", "resolved"
    ]


# ---------------------------------------------------------------- step_refusal


@pytest.mark.parametrize(("status", "step"), PAIRS)
def test_an_escalation_step_is_allowed_only_when_it_is_next(status: AlertStatus, step: AlertStatus) -> None:
    refusal = step_refusal(HARM, status, step)
    assert (refusal is None) is (step is next_step(status)), f"{step} after {status}: {refusal}"


@pytest.mark.parametrize(("status", "step"), SKIPS_AHEAD)
def test_a_skipped_step_names_the_step_that_must_come_next(status: AlertStatus, step: AlertStatus) -> None:
    wanted = next_step(status)
    assert wanted is not None
    refusal = step_refusal(HARM, status, step)
    assert refusal == f"out of order: the next step is to {STEP_NAMES[wanted]}"


@pytest.mark.parametrize(("status", "step"), BEHIND)
def test_a_step_already_taken_says_so_with_the_current_status(status: AlertStatus, step: AlertStatus) -> None:
    refusal = step_refusal(HARM, status, step)
    assert refusal is not None
    assert "already past" in refusal
    assert status.label.lower() in refusal


@pytest.mark.parametrize(("status", "step"), list(itertools.product(CONCERN_STATUSES, STEPS_AFTER_RAISING)))
def test_an_emerging_concern_must_be_escalated_before_any_step(status: AlertStatus, step: AlertStatus) -> None:
    refusal = step_refusal(CONCERN, status, step)
    assert refusal is not None
    assert "escalate" in refusal


def test_every_step_has_a_name_for_messages() -> None:
    assert set(STEP_NAMES) == set(STEPS_AFTER_RAISING)
    assert STEP_NAMES[S.ACKNOWLEDGED] == "acknowledge it"


# ---------------------------------------------------------------- concern_refusal


@pytest.mark.parametrize("action", ["noted", "escalated", "closed"])
@pytest.mark.parametrize("status", ESCALATION_STEPS)
def test_only_an_emerging_concern_can_be_noted_escalated_or_closed(status: AlertStatus, action: str) -> None:
    refusal = concern_refusal(HARM, status, action)
    assert refusal is not None
    assert f"only an emerging concern can be {action}" in refusal


@pytest.mark.parametrize("action", ["noted", "escalated", "closed"])
def test_a_closed_concern_takes_nothing_more(action: str) -> None:
    refusal = concern_refusal(CONCERN, S.CLOSED, action)
    assert refusal is not None
    assert "closed" in refusal


@pytest.mark.parametrize(
    ("status", "action", "allowed"),
    [
        (S.OPEN, "noted", True),
        (S.OPEN, "escalated", True),
        (S.OPEN, "closed", True),
        (S.NOTED, "noted", False),
        (S.NOTED, "escalated", True),
        (S.NOTED, "closed", True),
    ],
)
def test_an_open_or_noted_concern(status: AlertStatus, action: str, allowed: bool) -> None:
    refusal = concern_refusal(CONCERN, status, action)
    assert (refusal is None) is allowed, refusal


def test_closed_statuses_are_the_two_ends() -> None:
    assert {S.CLOSED, S.RESOLVED} == CLOSED_STATUSES


# ---------------------------------------------------------------- may_take_duty_step


@pytest.mark.parametrize(
    ("actor", "deputy_id", "allowed"),
    [
        (inspector(1, Role.LEAD), None, True),
        (inspector(1, Role.LEAD), 2, True),  # naming a deputy never takes the lead's duty away
        (inspector(2), 2, True),
        (inspector(2), None, False),
        (inspector(2), 3, False),
        (inspector(3, Role.QA_MANAGER), None, False),
        (inspector(3, Role.QA_MANAGER), 3, True),
    ],
)
def test_may_take_duty_step(actor: Inspector, deputy_id: int | None, allowed: bool) -> None:
    assert may_take_duty_step(actor, deputy_id) is allowed


def test_the_duty_steps_are_acknowledge_inform_confirm_resolve() -> None:
    """Recording the local authority's response is anyone's to do; the rest is the lead's duty."""
    assert {S.ACKNOWLEDGED, S.INFORMED, S.CONFIRMED, S.RESOLVED} == DUTY_STEPS


def test_each_step_command_takes_its_step() -> None:
    assert {
        AcknowledgeAlert: S.ACKNOWLEDGED,
        RecordInforming: S.INFORMED,
        ConfirmInWriting: S.CONFIRMED,
        RecordResponse: S.RESPONDED,
        ResolveAlert: S.RESOLVED,
    } == STEP_COMMANDS


# ---------------------------------------------------------------- deadlines_due

RAISED_AT = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)
INFORMED_AT = datetime(2026, 11, 18, 10, 40, tzinfo=UTC)
SHORT = Deadlines(acknowledge=timedelta(seconds=1), inform=timedelta(seconds=2), confirm=timedelta(seconds=3))


def test_default_deadlines_are_the_issues() -> None:
    defaults = Deadlines()
    assert defaults.acknowledge == timedelta(minutes=15)
    assert defaults.inform == timedelta(minutes=60)
    assert defaults.confirm == timedelta(hours=24)


@pytest.mark.parametrize(
    ("status", "informed_at", "expected"),
    [
        (S.RAISED, None, [(S.ACKNOWLEDGED, RAISED_AT + SHORT.acknowledge), (S.INFORMED, RAISED_AT + SHORT.inform)]),
        (S.ACKNOWLEDGED, None, [(S.INFORMED, RAISED_AT + SHORT.inform)]),  # inform runs from raising
        (S.INFORMED, INFORMED_AT, [(S.CONFIRMED, INFORMED_AT + SHORT.confirm)]),  # confirm runs from informing
        (S.INFORMED, None, []),
        (S.CONFIRMED, INFORMED_AT, []),
        (S.RESPONDED, INFORMED_AT, []),
        (S.RESOLVED, INFORMED_AT, []),
        (S.OPEN, None, []),
        (S.NOTED, None, []),
        (S.CLOSED, None, []),
    ],
)
def test_deadlines_due(
    status: AlertStatus, informed_at: datetime | None, expected: list[tuple[AlertStatus, datetime]]
) -> None:
    assert deadlines_due(status, RAISED_AT, informed_at, SHORT) == expected


def test_deadlines_due_with_the_defaults() -> None:
    assert deadlines_due(S.RAISED, RAISED_AT, None, Deadlines()) == [
        (S.ACKNOWLEDGED, datetime(2026, 11, 18, 10, 15, tzinfo=UTC)),
        (S.INFORMED, datetime(2026, 11, 18, 11, 0, tzinfo=UTC)),
    ]
    assert deadlines_due(S.INFORMED, RAISED_AT, INFORMED_AT, Deadlines()) == [
        (S.CONFIRMED, datetime(2026, 11, 19, 10, 40, tzinfo=UTC))
    ]


def test_overdue_data_round_trips_in_utc() -> None:
    data = AlertOverdue(alert_id="a-1", step=S.ACKNOWLEDGED, due_at=RAISED_AT + timedelta(minutes=15))
    assert data.model_dump(mode="json") == {"alert_id": "a-1", "step": "acknowledged",
                                            "due_at": "2026-11-18T10:15:00.000Z"}


# ---------------------------------------------------------------- the commands on the wire


def harm(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "type": "alert.raise", "id": "a-1", "level": "significant-harm", "agency": "health",
        "child_id": "NM-10234", "summary": "Bruising not followed up.", "immediate_action": "Medical today.",
    }
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not None}


def refusal(frame: dict[str, Any]) -> ProtocolError:
    with pytest.raises(ProtocolError) as caught:
        decode_command(json.dumps(frame))
    return caught.value


def test_a_valid_escalation_decodes() -> None:
    command = decode_command(json.dumps(harm()))
    assert isinstance(command, RaiseAlert)
    assert command.level is HARM


def test_significant_harm_must_name_the_child_unique_id() -> None:
    error = refusal(harm(child_id=None)).frame
    assert (error.code, error.field) == (ErrorCode.INVALID, "child_id")
    assert "child unique ID" in error.message


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"immediate_action": None}, "immediate_action"),
        ({"child_id": "Jamie Smith"}, "child_id"),
        ({"summary": "   "}, "summary"),
        ({"summary": "x" * 4001}, "summary"),
        ({"level": "urgent"}, "level"),
    ],
)
def test_an_invalid_raise_names_the_field(overrides: dict[str, Any], field: str) -> None:
    error = refusal(harm(**overrides)).frame
    assert (error.code, error.field, error.id) == (ErrorCode.INVALID, field, "a-1")


def test_an_emerging_concern_needs_no_child_or_action() -> None:
    command = decode_command(
        json.dumps(harm(level="emerging-concern", child_id=None, immediate_action=None))
    )
    assert isinstance(command, RaiseAlert)
    assert command.child_id is None


@pytest.mark.parametrize(
    ("frame", "field"),
    [
        ({"type": "alert.inform", "id": "i-1", "alert_id": "a-1", "informed_name": "Dana Whitfield",
          "informed_role": "DCS", "method": "phone", "informed_at": "2026-11-18T10:40:00"}, "informed_at"),
        ({"type": "alert.confirm", "id": "c-1", "alert_id": "a-1", "reference": "R1",
          "sent_at": "2026-11-18T10:40:00"}, "sent_at"),
    ],
)
def test_a_time_without_its_zone_is_refused(frame: dict[str, Any], field: str) -> None:
    """A time with no zone is ambiguous across BST; the record must stand up afterwards."""
    error = refusal(frame).frame
    assert (error.code, error.field) == (ErrorCode.INVALID, field)


def test_times_with_an_offset_become_utc() -> None:
    command = decode_command(json.dumps(
        {"type": "alert.inform", "id": "i-1", "alert_id": "a-1", "informed_name": "Dana Whitfield",
         "informed_role": "DCS", "method": "video", "informed_at": "2026-07-15T11:40:00+01:00"}
    ))
    assert isinstance(command, RecordInforming)
    assert command.model_dump(mode="json")["informed_at"] == "2026-07-15T10:40:00.000Z"


@pytest.mark.parametrize("seconds", [0, 7 * 86_400 + 1])
def test_deadlines_are_bounded(seconds: int) -> None:
    frame = {"type": "deadlines.set", "id": "d-1", "acknowledge_seconds": seconds, "inform_seconds": 60,
             "confirm_seconds": 60}
    assert refusal(frame).frame.field == "acknowledge_seconds"
    assert SetDeadlines(id="d-2", acknowledge_seconds=1, inform_seconds=1, confirm_seconds=7 * 86_400)


def test_every_alert_command_is_registered_for_clients() -> None:
    assert {
        "alert.raise", "alert.note", "alert.escalate", "alert.close", "alert.acknowledge", "alert.inform",
        "alert.confirm", "alert.respond", "alert.resolve", "alert.update", "alert.see", "deputy.name",
        "deadlines.set",
    } <= set(COMMANDS)


def test_a_command_only_the_server_records_is_never_decoded_from_a_client() -> None:
    class ServerOnly(Command):  # defining a command registers nothing: the catalogue lists what clients may send
        type: Literal["test.server-only"] = "test.server-only"

    assert "test.server-only" not in COMMANDS
    assert "alert.flag-overdue" not in COMMANDS
    error = refusal({"type": "test.server-only", "id": "x-1"}).frame
    assert (error.code, error.field) == (ErrorCode.UNKNOWN_TYPE, "type")
    assert ServerOnly(id="x-2").type == "test.server-only"


def test_every_alert_example_in_the_protocol_doc_is_a_valid_frame() -> None:
    """docs/protocol.md is what client authors copy from; an example the server would refuse misleads them."""
    doc = (Path(__file__).parents[2] / "docs" / "protocol.md").read_text(encoding="utf-8")
    section = doc[doc.index("## 6. Risk alerts"):]
    examples = re.findall(r"```json\n(.*?)```", section, re.S)
    kinds = set()
    for raw in examples:
        frame = json.loads(raw)
        if frame["type"] in ("event", "error"):
            decoded = decode_server(raw)
            kinds.add(getattr(decoded, "kind", "error"))
        else:
            kinds.add(decode_command(raw).type)  # type: ignore[attr-defined]
    assert {
        "alert.raise", "alert.note", "alert.escalate", "alert.close", "alert.acknowledge", "alert.inform",
        "alert.confirm", "alert.respond", "alert.resolve", "alert.update", "alert.see", "deputy.name",
        "deadlines.set", "alert.raised", "alert.noted", "alert.escalated", "alert.closed", "alert.acknowledged",
        "alert.informed", "alert.confirmed", "alert.responded", "alert.resolved", "alert.updated", "alert.seen",
        "deputy.named", "alert.overdue", "error",
    } <= kinds
