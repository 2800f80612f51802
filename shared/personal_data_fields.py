"""Which fields of which commands are free text, so the personal-data guard checks every one (issue 7).

One registry for both sides, read from the commands' own field types (``shared.fields.FREE_TEXT``): the app checks
a command before sending it and the server checks it on receipt, with the same fields, the same name index and the
same ``today``, so they agree. Every other string field of a client command is an identifier the protocol already
confines to a pattern (a command, finding or child ID), an enum or a date; ``tests/shared/test_personal_data_fields.py``
fails when a new command adds a string field that is in neither group, so a new free-text field cannot slip past the
guard unclassified.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import get_args

from pydantic.fields import FieldInfo

from shared import fields
from shared.catalogue import COMMANDS
from shared.personal_data import Match, NameIndex, find_personal_data, mask
from shared.protocol import Command, PersonalDataFound


def _free_text(info: FieldInfo) -> bool:
    """Whether the field's type carries the ``FREE_TEXT`` mark (on it, or on the text of an optional field)."""
    return fields.FREE_TEXT in info.metadata or any(
        fields.FREE_TEXT in getattr(arg, "__metadata__", ()) for arg in get_args(info.annotation)
    )


FREE_TEXT: Mapping[str, tuple[str, ...]] = {
    kind: names
    for kind, model in COMMANDS.items()
    if (names := tuple(name for name, info in model.model_fields.items() if _free_text(info)))
}
"""Command type → its free-text fields (those whose type shared.fields marks ``FREE_TEXT``), in the order they
are declared, which is the order a refusal names them: each command declares its main text first.

``alert.inform``'s ``informed_name`` is a name by design (the senior manager told, CP ¶32), but it is checked like
the rest: alerts are only ever warned about, and a worker's name or a phone number there is still worth flagging.
``cases.import``'s CaseRecords are not free text: they are the authority's values, already minimised on import."""

ALWAYS_WARN: frozenset[str] = frozenset(kind for kind in FREE_TEXT if kind.startswith("alert."))
"""Alerts are accepted whatever the policy, with the matches recorded: the duty to tell the senior manager at once
(CP ¶32, ¶49) must never wait on a rewording. Only ``refuse`` is affected; ``warn`` already accepts."""


def command_type(command: Command) -> str:
    return str(getattr(command, "type", ""))


def free_text_fields(command: Command) -> dict[str, str]:
    """Field name → text, for each free-text field the command fills in (blank and absent fields left out)."""
    texts: dict[str, str] = {}
    for name in FREE_TEXT.get(command_type(command), ()):
        value = getattr(command, name, None)
        if isinstance(value, str) and value.strip():
            texts[name] = value
    return texts


def check_command(command: Command, names: NameIndex | None, *, today: date) -> dict[str, list[Match]]:
    """Field name → what looks like personal data in it; fields with nothing found are left out.

    ``today`` is the inspection's local date when the command is sent (the server uses the day of receipt).
    """
    found: dict[str, list[Match]] = {}
    for name, text in free_text_fields(command).items():
        matches = find_personal_data(text, names, today=today)
        if matches:
            found[name] = matches
    return found


def records(found: Mapping[str, list[Match]]) -> list[PersonalDataFound]:
    """What an accepted event records about the matches: field, kind, masked text and reason, never the text."""
    return [
        PersonalDataFound(field=name, kind=match.kind.value, masked=mask(match), reason=match.reason)
        for name, matches in found.items()
        for match in matches
    ]


def warn_only(command: Command) -> bool:
    return command_type(command) in ALWAYS_WARN
