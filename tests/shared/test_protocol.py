"""Unit tests for the wire protocol: what the server refuses, and how it names the problem.

The form in the client and the server share these rules, so a finding the form accepts must never be
refused by the server and vice versa; these tests pin the rules down without a network.

The command frames here are raw JSON on purpose: they test how decode_command reads the wire, so they are not built
through the models.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from shared.catalogue import decode_command
from shared.findings import (
    MAX_TEXT,
    AmendFinding,
    FindingAmended,
    FindingFields,
    FindingPosted,
    PostFinding,
    validate_finding,
)
from shared.protocol import (
    Ack,
    Error,
    ErrorCode,
    Event,
    Hello,
    Inspector,
    Presence,
    ProtocolError,
    Synced,
    decode_hello,
    decode_server,
    encode,
)
from shared.vocabulary import (
    Agency,
    EvidenceSource,
    FindingKind,
    Inspectorate,
    JudgementArea,
    Role,
    judgement_areas_for,
)


def fields(**overrides: Any) -> dict[str, Any]:
    """A valid set of finding fields, with overrides (None values delete the key)."""
    values: dict[str, Any] = {
        "agency": "local-authority",
        "judgement_area": "help-and-protection",
        "criterion": "1.2",
        "kind": "strength",
        "evidence_source": "case-file",
        "text": "Strategy meetings are timely and well attended.",
        "child_id": "LA-000123",
    }
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not None}


def post(**overrides: Any) -> dict[str, Any]:
    return {"type": "finding.post", "id": "cmd-1", **fields(**overrides)}


def amend(**overrides: Any) -> dict[str, Any]:
    return {"type": "finding.amend", "id": "cmd-2", "finding_id": "cmd-1", **fields(**overrides)}


def refused(raw: str | bytes) -> Error:
    with pytest.raises(ProtocolError) as info:
        decode_command(raw)
    return info.value.frame


# ---------------------------------------------------------------- validate_finding


def test_valid_finding_has_no_errors() -> None:
    assert validate_finding(fields()) == {}


def test_optional_fields_may_be_left_out() -> None:
    minimal = fields(judgement_area=None, criterion=None, child_id=None)
    assert validate_finding(minimal) == {}


@pytest.mark.parametrize("agency", list(Agency))
def test_every_listed_judgement_area_applies(agency: Agency) -> None:
    for area in judgement_areas_for(agency):
        assert validate_finding(fields(agency=agency.value, judgement_area=area.value)) == {}


@pytest.mark.parametrize(
    ("agency", "area"),
    [
        (agency, area)
        for agency in Agency
        for area in JudgementArea
        if area not in judgement_areas_for(agency)
    ],
)
def test_judgement_area_that_does_not_apply_to_agency_is_refused(
    agency: Agency, area: JudgementArea
) -> None:
    errors = validate_finding(fields(agency=agency.value, judgement_area=area.value))
    assert set(errors) == {"judgement_area"}
    assert agency.label in errors["judgement_area"]


def test_police_are_not_judged_on_children_looked_after() -> None:
    errors = validate_finding(fields(agency="police", judgement_area="looked-after"))
    assert "judgement_area" in errors


@pytest.mark.parametrize("name", ["Jane Smith", "jane.smith", "O'Brien", "J Smith", "Zoë"])
def test_child_id_that_looks_like_a_name_is_refused(name: str) -> None:
    errors = validate_finding(fields(child_id=name))
    assert set(errors) == {"child_id"}
    assert "never a name" in errors["child_id"]


@pytest.mark.parametrize("child_id", ["LA-000123", "12345", "NHS/987_65", "a" * 32])
def test_child_unique_ids_are_accepted(child_id: str) -> None:
    assert validate_finding(fields(child_id=child_id)) == {}


@pytest.mark.parametrize("child_id", ["", "a" * 33, "-starts-with-dash", "has space"])
def test_malformed_child_ids_are_refused(child_id: str) -> None:
    assert set(validate_finding(fields(child_id=child_id))) == {"child_id"}


@pytest.mark.parametrize("text", ["", "   ", "\n\t "])
def test_empty_or_blank_text_is_refused(text: str) -> None:
    assert set(validate_finding(fields(text=text))) == {"text"}


def test_text_at_limit_accepted_and_over_limit_refused() -> None:
    assert validate_finding(fields(text="x" * MAX_TEXT)) == {}
    errors = validate_finding(fields(text="x" * (MAX_TEXT + 1)))
    assert set(errors) == {"text"}
    assert str(MAX_TEXT) in errors["text"]


@pytest.mark.parametrize("name", ["agency", "kind", "evidence_source", "text"])
def test_required_fields_are_named_when_missing(name: str) -> None:
    values = fields()
    del values[name]
    assert validate_finding(values) == {name: "is required"}


@pytest.mark.parametrize(
    ("name", "value"),
    [("agency", "fire-brigade"), ("kind", "gossip"), ("evidence_source", "rumour"), ("judgement_area", "x")],
)
def test_unknown_enum_values_are_named(name: str, value: str) -> None:
    errors = validate_finding(fields(**{name: value}))
    assert set(errors) == {name}
    assert errors[name].startswith("must be one of")


def test_bad_criterion_is_refused() -> None:
    assert set(validate_finding(fields(criterion="has space"))) == {"criterion"}
    assert set(validate_finding(fields(criterion="x" * 41))) == {"criterion"}


def test_unknown_field_is_named() -> None:
    errors = validate_finding({**fields(), "childs_name": "Jane Smith"})
    assert errors == {"childs_name": "is not a field of this frame"}


def test_several_problems_are_all_reported() -> None:
    errors = validate_finding(fields(agency="nope", text="", child_id="Jane Smith"))
    assert {"agency", "text", "child_id"} <= set(errors)


# ---------------------------------------------------------------- decode_command


def test_decode_post() -> None:
    command = decode_command(json.dumps(post()))
    assert isinstance(command, PostFinding)
    assert command.id == "cmd-1"
    assert command.agency is Agency.LOCAL_AUTHORITY
    assert command.kind is FindingKind.STRENGTH
    assert command.evidence_source is EvidenceSource.CASE_FILE


def test_decode_amend() -> None:
    command = decode_command(json.dumps(amend(kind="weakness")).encode())
    assert isinstance(command, AmendFinding)
    assert command.finding_id == "cmd-1"
    assert command.kind is FindingKind.WEAKNESS


@pytest.mark.parametrize("raw", ["", "{", "not json", "{'single': 'quotes'}", b"\xff\xfe\x00"])
def test_malformed_json_is_bad_json(raw: str | bytes) -> None:
    assert refused(raw).code == ErrorCode.BAD_JSON


@pytest.mark.parametrize("raw", ["[]", "1", '"finding.post"', "null", "true"])
def test_non_object_json_is_invalid_frame(raw: str) -> None:
    error = refused(raw)
    assert error.code == ErrorCode.INVALID
    assert error.field == "frame"


@pytest.mark.parametrize("kind", ["finding.delete", "hello", "", None, 7, ["finding.post"]])
def test_unknown_type(kind: Any) -> None:
    error = refused(json.dumps({**post(), "type": kind}))
    assert error.code == ErrorCode.UNKNOWN_TYPE
    assert error.field == "type"
    assert error.id == "cmd-1"


def test_missing_type_is_unknown_type() -> None:
    frame = post()
    del frame["type"]
    assert refused(json.dumps(frame)).code == ErrorCode.UNKNOWN_TYPE


@pytest.mark.parametrize(
    ("frame", "field"),
    [
        ({k: v for k, v in post().items() if k != "agency"}, "agency"),
        ({k: v for k, v in post().items() if k != "id"}, "id"),
        (post(agency="fire-brigade"), "agency"),
        (post(text=""), "text"),
        (post(text="  "), "text"),
        (post(text="x" * (MAX_TEXT + 1)), "text"),
        (post(child_id="Jane Smith"), "child_id"),
        (post(agency="police", judgement_area="looked-after"), "judgement_area"),
        ({**post(), "id": "has space"}, "id"),
        ({**post(), "id": "x" * 65}, "id"),
        ({**post(), "id": ""}, "id"),
        ({**post(), "extra": 1}, "extra"),
        ({k: v for k, v in amend().items() if k != "finding_id"}, "finding_id"),
        ({**amend(), "finding_id": "bad id!"}, "finding_id"),
    ],
)
def test_invalid_field_is_named(frame: dict[str, Any], field: str) -> None:
    error = refused(json.dumps(frame))
    assert error.code == ErrorCode.INVALID
    assert error.field == field
    assert error.message.startswith(f"{field}: ")


def test_invalid_error_carries_the_command_id_when_readable() -> None:
    assert refused(json.dumps(post(text=""))).id == "cmd-1"
    assert refused(json.dumps({**post(text=""), "id": 42})).id is None


def test_hello_is_not_a_command() -> None:
    assert refused(json.dumps({"type": "hello", "token": "t"})).code == ErrorCode.UNKNOWN_TYPE


# ---------------------------------------------------------------- hello and server frames


def test_decode_hello() -> None:
    hello = decode_hello('{"type": "hello", "token": "abc", "since": 5}')
    assert hello == Hello(token="abc", since=5)
    assert decode_hello('{"type": "hello", "token": "abc"}').since == 0


@pytest.mark.parametrize(
    "raw",
    [
        "not json",
        "{}",
        '{"type": "hello"}',
        '{"type": "hello", "token": ""}',
        '{"type": "hello", "token": "t", "since": -1}',
        '{"type": "hello", "token": "t", "extra": 1}',
        json.dumps({"type": "hello", "token": "t" * 201}),
        json.dumps(post()),
    ],
)
def test_anything_but_a_valid_hello_is_unauthorized(raw: str) -> None:
    with pytest.raises(ProtocolError) as info:
        decode_hello(raw)
    assert info.value.frame.code == ErrorCode.UNAUTHORIZED


def test_server_frames_round_trip() -> None:
    actor = Inspector(id=1, name="Asha Patel", inspectorate=Inspectorate.OFSTED, role=Role.LEAD)
    posted = FindingPosted(finding_id="cmd-1", **fields())
    frames = [
        Event(seq=1, kind="finding.posted", actor=actor, at=datetime(2026, 11, 16, tzinfo=UTC),
              data=posted.model_dump(mode="json")),
        Synced(head=1),
        Ack(id="cmd-1", seq=1),
        Error(id="cmd-1", code=ErrorCode.FORBIDDEN, message="not yours", field=None),
        Presence(online=[1, 2]),
    ]
    for frame in frames:
        assert decode_server(encode(frame)) == frame


def test_event_payloads_parse_back() -> None:
    posted = FindingPosted(finding_id="cmd-1", **fields())
    assert FindingPosted.model_validate(posted.model_dump(mode="json")) == posted
    amended = FindingAmended(finding_id="cmd-1", version=2, **fields(kind="weakness"))
    assert amended.version == 2
    assert amended.fields() == FindingFields.model_validate(fields(kind="weakness")).fields()


def test_fields_excludes_command_envelope() -> None:
    command = decode_command(json.dumps(amend()))
    assert set(command.fields()) == set(FindingFields.model_fields)
