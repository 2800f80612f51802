"""Unit tests for shared.enquiries: who owns an enquiry, which moves its status allows, and who a text mentions.

The server refuses with these rules and the app greys out buttons and counts its inbox with them, so they are
pinned here without a network: every agency's inspectorate, every status × command, and the mention syntax.

The command frames here are raw JSON on purpose: they test how decode_command reads the wire, so they are not built
through the models.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from shared.catalogue import decode_command
from shared.enquiries import (
    INSPECTORATE_OF,
    AnswerEnquiry,
    CloseEnquiry,
    EnquiryOutcome,
    EnquiryStatus,
    OpenEnquiry,
    StartEnquiry,
    is_owner,
    mentioned,
    transition_refusal,
)
from shared.protocol import Command, ErrorCode, Inspector, ProtocolError
from shared.vocabulary import Agency, Inspectorate, Role


def person(id: int, name: str, inspectorate: Inspectorate, role: Role = Role.INSPECTOR) -> Inspector:
    return Inspector(id=id, name=name, inspectorate=inspectorate, role=role)


ASHA = person(1, "Asha Patel", Inspectorate.OFSTED, Role.LEAD)
BEN = person(2, "Ben Okafor", Inspectorate.CQC)
CARYS = person(3, "Carys Evans", Inspectorate.HMIC)
DEV = person(4, "Dev Rao", Inspectorate.HMI_PROBATION)
ELLA = person(5, "Ella Byrne", Inspectorate.HMI_PRISONS)
TEAM = [ASHA, BEN, CARYS, DEV, ELLA]


def owners(**address: Any) -> set[int]:
    fields: dict[str, Any] = {"to_inspectorate": None, "to_agency": None, "to_inspector": None, **address}
    return {member.id for member in TEAM if is_owner(member, **fields)}


# ---------------------------------------------------------------- ownership


@pytest.mark.parametrize(
    ("agency", "inspectorate"),
    [
        (Agency.LOCAL_AUTHORITY, Inspectorate.OFSTED),
        (Agency.HEALTH, Inspectorate.CQC),
        (Agency.POLICE, Inspectorate.HMIC),
        (Agency.PROBATION, Inspectorate.HMI_PROBATION),
        (Agency.YOT, Inspectorate.HMI_PROBATION),
        (Agency.CUSTODY, Inspectorate.HMI_PRISONS),
        (Agency.LSCB, None),
    ],
)
def test_each_agency_is_inspected_by_its_inspectorate(agency: Agency, inspectorate: Inspectorate | None) -> None:
    assert INSPECTORATE_OF[agency] is inspectorate


def test_every_agency_has_an_inspectorate_entry() -> None:
    assert set(INSPECTORATE_OF) == set(Agency)


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ({"to_inspectorate": Inspectorate.OFSTED}, {1}),
        ({"to_inspectorate": Inspectorate.CQC}, {2}),
        ({"to_inspectorate": Inspectorate.HMI_PRISONS}, {5}),
        ({"to_agency": Agency.LOCAL_AUTHORITY}, {1}),
        ({"to_agency": Agency.HEALTH}, {2}),
        ({"to_agency": Agency.POLICE}, {3}),
        ({"to_agency": Agency.PROBATION}, {4}),
        ({"to_agency": Agency.YOT}, {4}),
        ({"to_agency": Agency.CUSTODY}, {5}),
        ({"to_agency": Agency.LSCB}, {1, 2, 3, 4, 5}),  # inspected jointly: every inspector owns it
        ({"to_inspector": 3}, {3}),
        ({"to_inspector": 99}, set()),
        ({}, set()),
    ],
)
def test_who_owns_an_enquiry(address: dict[str, Any], expected: set[int]) -> None:
    assert owners(**address) == expected


def test_a_named_inspector_owns_it_alone_not_their_colleagues() -> None:
    colleague = person(6, "Fay Lin", Inspectorate.HMIC)
    fields: dict[str, Any] = {"to_inspectorate": None, "to_agency": None, "to_inspector": CARYS.id}
    assert is_owner(CARYS, **fields)
    assert not is_owner(colleague, **fields)


# ---------------------------------------------------------------- status moves


START = StartEnquiry(id="s", enquiry_id="e")
ANSWER = AnswerEnquiry(id="a", enquiry_id="e", answer="Checked: yes.")
CLOSE_ANSWERED = CloseEnquiry(id="c", enquiry_id="e", outcome=EnquiryOutcome.ANSWERED, reason="Settled.")
CLOSE_DROPPED = CloseEnquiry(id="d", enquiry_id="e", outcome=EnquiryOutcome.NOT_PURSUED, reason="Moot.")

S = EnquiryStatus
OK = None
MOVES: list[tuple[EnquiryStatus, Command, str | None]] = [
    (S.OPEN, START, OK),
    (S.OPEN, ANSWER, OK),
    (S.OPEN, CLOSE_ANSWERED, "it has not been answered yet: close it as not pursued, or wait for the answer"),
    (S.OPEN, CLOSE_DROPPED, OK),
    (S.IN_PROGRESS, START, "this enquiry is already in progress"),
    (S.IN_PROGRESS, ANSWER, OK),
    (S.IN_PROGRESS, CLOSE_ANSWERED, "it has not been answered yet: close it as not pursued, or wait for the answer"),
    (S.IN_PROGRESS, CLOSE_DROPPED, OK),
    (S.ANSWERED, START, "this enquiry is already answered"),
    (S.ANSWERED, ANSWER, "this enquiry is already answered; the asker can close it"),
    (S.ANSWERED, CLOSE_ANSWERED, OK),
    (S.ANSWERED, CLOSE_DROPPED, OK),
    (S.CLOSED, START, "this enquiry is closed"),
    (S.CLOSED, ANSWER, "this enquiry is closed"),
    (S.CLOSED, CLOSE_ANSWERED, "this enquiry is closed"),
    (S.CLOSED, CLOSE_DROPPED, "this enquiry is closed"),
]


@pytest.mark.parametrize(
    ("status", "command", "refusal"), MOVES, ids=[f"{s.value}-{c.type}-{c.id}" for s, c, _ in MOVES]
)
def test_transition_refusal(status: EnquiryStatus, command: Command, refusal: str | None) -> None:
    assert transition_refusal(status, command) == refusal


# ---------------------------------------------------------------- mentions


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("@Asha Patel can you raise this at the KIT?", {1}),
        ("@Asha please look", {1}),
        ("@asha patel and @BEN", {1, 2}),
        ("cc @Carys.", {3}),
        ("(@Dev)", {4}),
        ("@Ella's notes", {5}),
        ("Asha Patel without an at sign", set()),
        ("@Ashanti is not Asha", set()),
        ("@Asha-Mae is someone else", set()),
        ("@Asha_x is someone else", set()),
        ("@Patel is a surname, not a handle", set()),
        ("", set()),
        ("@", set()),
        ("email asha@example.org", set()),
    ],
)
def test_mentioned(text: str, expected: set[int]) -> None:
    assert mentioned(text, TEAM) == expected


def test_a_first_name_mentions_everyone_with_it() -> None:
    namesake = person(7, "Asha Jones", Inspectorate.CQC)
    assert mentioned("@Asha can one of you check?", [*TEAM, namesake]) == {1, 7}


def test_a_full_name_mentions_only_that_person_even_when_a_first_name_is_shared() -> None:
    namesake = person(7, "Asha Jones", Inspectorate.CQC)
    assert mentioned("@Asha Patel can you raise this?", [*TEAM, namesake]) == {1}


def test_names_are_matched_literally_not_as_patterns() -> None:
    odd = person(8, "J.R. (Jo) Smith", Inspectorate.CQC)
    assert mentioned("@J.R. (Jo) Smith please", [odd]) == {8}
    assert mentioned("@JXR please", [odd]) == set()


# ---------------------------------------------------------------- the commands on the wire


def open_frame(**fields: Any) -> dict[str, Any]:
    frame: dict[str, Any] = {
        "type": "enquiry.open",
        "id": "e1",
        "to_inspectorate": "cqc",
        "question": "Was health invited?",
        "why": "No attendance recorded.",
    }
    frame.update(fields)
    return {k: v for k, v in frame.items() if v is not None}


def test_an_enquiry_decodes_with_defaults() -> None:
    command = decode_command(json.dumps(open_frame()))
    assert isinstance(command, OpenEnquiry)
    assert command.to_inspectorate is Inspectorate.CQC
    assert (command.finding_ids, command.child_ids, command.needs_la_input) == ([], [], False)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"to_inspectorate": None}, "to_inspectorate"),
        ({"to_agency": "health"}, "to_inspectorate"),
        ({"to_inspectorate": None, "to_agency": "health", "to_inspector": 3}, "to_inspectorate"),
        ({"question": " "}, "question"),
        ({"why": ""}, "why"),
        ({"child_ids": ["A Name"]}, "child_ids"),
        ({"finding_ids": ["f"] * 51}, "finding_ids"),
    ],
)
def test_a_bad_enquiry_names_the_field(fields: dict[str, Any], field: str) -> None:
    with pytest.raises(ProtocolError) as raised:
        decode_command(json.dumps(open_frame(**fields)))
    assert raised.value.frame.code == ErrorCode.INVALID
    assert raised.value.frame.field == field


@pytest.mark.parametrize(
    ("frame", "field"),
    [
        ({"type": "enquiry.answer", "id": "a", "enquiry_id": "e", "answer": "  "}, "answer"),
        ({"type": "enquiry.close", "id": "c", "enquiry_id": "e", "outcome": "answered", "reason": "\t"}, "reason"),
        ({"type": "enquiry.close", "id": "c", "enquiry_id": "e", "outcome": "dropped", "reason": "x"}, "outcome"),
        ({"type": "enquiry.start", "id": "s"}, "enquiry_id"),
    ],
)
def test_a_bad_step_names_the_field(frame: dict[str, Any], field: str) -> None:
    with pytest.raises(ProtocolError) as raised:
        decode_command(json.dumps(frame))
    assert raised.value.frame.field == field
