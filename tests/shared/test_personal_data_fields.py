"""The registry of free-text fields the personal-data guard checks (shared/personal_data_fields.py).

The registry is only as good as it is complete: the first test walks every command a client may send and fails
when a string field is neither registered as free text nor an identifier the protocol confines to a pattern. A new
command with a ``note`` field therefore fails here until someone decides whether the guard must read it.
"""

from __future__ import annotations

import types
from datetime import date
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from shared.alerts import RaiseAlert
from shared.cases import AddToSample
from shared.catalogue import COMMANDS
from shared.findings import PostFinding
from shared.personal_data import NameIndex, PersonalDataKind
from shared.personal_data_fields import (
    ALWAYS_WARN,
    FREE_TEXT,
    check_command,
    free_text_fields,
    records,
    warn_only,
)

TODAY = date(2026, 11, 18)
SALT = bytes(range(16))
NESTED_RECORDS = {("cases.import", "cases")}
"""Fields holding whole models rather than text: the Annex A import's minimised CaseRecords (docs/cases.md)."""


def _string_leaves(annotation: Any, metadata: list[Any]) -> list[bool]:
    """For each plain ``str`` inside the annotation: whether a pattern confines it (enums and literals are not str
    here: they are closed sets of values)."""
    if annotation is str:
        return [any(_has_pattern(item) for item in metadata)]
    origin = get_origin(annotation)
    if origin is Annotated:
        inner, *extra = get_args(annotation)
        return _string_leaves(inner, [*metadata, *extra])
    if origin is Literal:
        return []
    if origin in (Union, types.UnionType, list, tuple, set, frozenset):
        return [leaf for arg in get_args(annotation) for leaf in _string_leaves(arg, metadata)]
    return []


def _has_pattern(item: Any) -> bool:
    """A pattern constraint, directly or inside a ``Field(...)`` used as Annotated metadata."""
    return bool(getattr(item, "pattern", None)) or any(_has_pattern(m) for m in getattr(item, "metadata", ()))


def _nested_models(annotation: Any) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    return any(_nested_models(arg) for arg in get_args(annotation))


def test_every_string_field_of_every_command_is_classified() -> None:
    unclassified = []
    for kind, command in sorted(COMMANDS.items()):
        for name, info in command.model_fields.items():
            if (kind, name) in NESTED_RECORDS:
                assert _nested_models(info.annotation)
                continue
            assert not _nested_models(info.annotation), f"{kind}.{name} holds a model: classify its fields"
            leaves = _string_leaves(info.annotation, list(info.metadata))
            if name in FREE_TEXT.get(kind, ()):
                assert leaves, f"{kind}.{name} is registered as free text but is not a string"
            elif leaves and not all(leaves):
                unclassified.append(f"{kind}.{name}")
    assert not unclassified, f"string fields neither free text nor pattern-confined identifiers: {unclassified}"


def test_the_registry_names_only_real_commands_and_fields() -> None:
    for kind, names in FREE_TEXT.items():
        assert kind in COMMANDS, kind
        for name in names:
            assert name in COMMANDS[kind].model_fields, f"{kind}.{name}"


def test_alerts_and_only_alerts_are_warn_only() -> None:
    alerts_with_text = {kind for kind in COMMANDS if kind.startswith("alert.") and kind in FREE_TEXT}
    assert alerts_with_text == ALWAYS_WARN
    assert "alert.raise" in ALWAYS_WARN and "finding.post" not in ALWAYS_WARN


def _post(text: str) -> PostFinding:
    return PostFinding(id="c-1", agency="police", kind="weakness", evidence_source="case-file", text=text)


def test_free_text_fields_leave_out_absent_and_blank_fields() -> None:
    alert = RaiseAlert(id="a-1", level="emerging-concern", agency="police", summary="Bail conditions unclear.")
    assert free_text_fields(alert) == {"summary": "Bail conditions unclear."}
    assert warn_only(alert)
    assert free_text_fields(_post("Strategy meeting held on time.")) == {"text": "Strategy meeting held on time."}
    assert not warn_only(_post("x"))


def test_check_command_finds_numbers_dates_and_imported_names_per_field() -> None:
    names = NameIndex.build(["Smith, Jane"], SALT)
    post = _post("Mrs Smith's case: NHS 943 476 5919, DOB 03/04/2012.")

    found = check_command(post, names, today=TODAY)

    assert list(found) == ["text"]
    assert [match.kind for match in found["text"]] == [
        PersonalDataKind.NAME, PersonalDataKind.NHS_NUMBER, PersonalDataKind.DATE_OF_BIRTH,
    ]
    added = AddToSample(id="s-1", child_id="NM-1", reason="Discussed with Jane Smith on the phone")
    assert [m.kind for m in check_command(added, names, today=TODAY)["reason"]] == [PersonalDataKind.NAME]
    assert check_command(added, None, today=TODAY) == {}


def test_a_clean_text_finds_nothing() -> None:
    names = NameIndex.build(["Jane Smith"], SALT)
    assert check_command(_post("The strategy meeting on 3 March 2026 was held on time."), names, today=TODAY) == {}


def test_records_are_masked() -> None:
    found = check_command(_post("Call 07700 900123 about NM-1."), None, today=TODAY)

    recorded = records(found)

    assert [(r.field, r.kind) for r in recorded] == [("text", "phone")]
    assert "07700 900123" not in recorded[0].model_dump_json()
    assert recorded[0].masked == "07700 ******"
