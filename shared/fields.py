"""The field types command models are built from, so each rule on a kind of field is said once.

A reference to something the log already holds is a command id; a child is named by their unique ID, never by
name; what a person writes must be given (not blank) and is marked ``FREE_TEXT`` so the personal-data guard reads
it (shared.personal_data_fields). The constraints come before the blank rule, so a missing or over-long text is
refused with pydantic's own words (shared.protocol.field_errors turns them into the protocol's).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, Field

from shared.protocol import COMMAND_ID, UtcDatetime
from shared.vocabulary import CHILD_ID

LONG_TEXT = 4_000
SHORT_TEXT = 200


class FreeText:
    """Metadata on a command field a person writes freely: the personal-data guard checks every such field."""

    def __repr__(self) -> str:
        return "FREE_TEXT"


FREE_TEXT = FreeText()


def _given(text: str) -> str:
    """Refuse text of only whitespace. The text rules already make it empty where they apply; this still holds
    where they do not (a command read back as stored, shared.protocol.STORED)."""
    if not text.strip():
        raise ValueError("must not be blank")
    return text


GIVEN = AfterValidator(_given)
"""A text that must be given: ``"must not be blank"`` against the field."""

RefId = Annotated[str, Field(pattern=COMMAND_ID)]
"""A finding, alert, enquiry, meeting, link or entry: the id of the command that created it."""
ChildId = Annotated[str, Field(pattern=CHILD_ID)]
Text = Annotated[str, Field(min_length=1, max_length=LONG_TEXT), GIVEN, FREE_TEXT]
Short = Annotated[str, Field(min_length=1, max_length=SHORT_TEXT), GIVEN, FREE_TEXT]


def _zoned(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("give the time with its zone, e.g. 2026-11-18T10:42:00Z")
    return moment


Zoned = Annotated[UtcDatetime, AfterValidator(_zoned)]
"""A moment a person gives (when the senior manager was told): without its zone it could be any of several."""
