"""Redaction: the lead takes personal data out of a record and its whole history, with a reason (CP ¶51).

``record.redact`` names one record (a finding, a line of enquiry, a meeting note, an alert); every event about it
has its text fields replaced by ``REDACTED``, in the server's log and projections and in every app's cache, and
the ``record.redacted`` event says who did it, when, why, and which seqs it changed. The hash chain covers a hash
of each event's content, not the content (server/storage/chain.py), so the log still verifies and the redaction
is counted, not mistaken for tampering. Which fields of which events belong to a record is listed here, once, for
the server and the app alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any, Literal

from pydantic import ValidationError

from shared import kinds
from shared.fields import RefId, Text
from shared.meetings import Minutes
from shared.protocol import STORED, Command, Event, Payload

REDACTED = "[redacted]"
"""What stands in for redacted text, wherever it showed."""


class RedactedRecord(StrEnum):
    FINDING = "finding"
    ENQUIRY = "enquiry"
    MEETING_NOTE = "meeting-note"
    ALERT = "alert"

    @property
    def label(self) -> str:
        return self.value.replace("-", " ")


ID_KEYS: Mapping[RedactedRecord, str] = {
    RedactedRecord.FINDING: "finding_id",
    RedactedRecord.ENQUIRY: "enquiry_id",
    RedactedRecord.MEETING_NOTE: "entry_id",
    RedactedRecord.ALERT: "alert_id",
}
"""The key in an event's data naming the record it is about."""

TEXT_FIELDS: Mapping[RedactedRecord, Mapping[str, tuple[str, ...]]] = {
    RedactedRecord.FINDING: {
        kinds.FINDING_POSTED: ("text",),
        kinds.FINDING_AMENDED: ("text",),
        kinds.FINDING_WITHDRAWN: ("reason",),
    },
    RedactedRecord.ENQUIRY: {
        kinds.ENQUIRY_OPENED: ("question", "why"),
        kinds.ENQUIRY_ANSWERED: ("answer",),
        kinds.ENQUIRY_CLOSED: ("reason",),
    },
    RedactedRecord.MEETING_NOTE: {
        kinds.MEETING_RECORDED: ("text", "owner"),
        kinds.MEETING_AMENDED: ("text", "owner", "reason"),
    },
    RedactedRecord.ALERT: {
        kinds.ALERT_RAISED: ("summary", "immediate_action"),
        kinds.ALERT_NOTED: ("note",),
        kinds.ALERT_ESCALATED: ("immediate_action",),
        kinds.ALERT_CLOSED: ("reason",),
        kinds.ALERT_INFORMED: ("informed_name", "informed_role"),
        kinds.ALERT_CONFIRMED: ("reference",),
        kinds.ALERT_RESPONDED: ("response",),
        kinds.ALERT_RESOLVED: ("outcome",),
        kinds.ALERT_UPDATED: ("text",),
    },
}
"""Record → event kind → the text fields of that event a redaction replaces."""


class RedactRecord(Command):
    """``record.redact``: the lead replaces a record's text, through its whole history, with ``[redacted]``."""

    type: Literal["record.redact"] = "record.redact"
    record: RedactedRecord
    record_id: RefId
    reason: Text


class RecordRedacted(Payload):
    """``record.redacted``: which record, why, and the seqs of the events whose text was replaced."""

    record: RedactedRecord
    record_id: str
    reason: str
    seqs: list[int]


QUOTED_IN = frozenset({kinds.MEETING_OPENED})
"""Events that quote records: a meeting's drafted agenda has an item per new finding, alert and enquiry, titled
with its text (shared.meeting_framework), its ``ref`` naming the record."""


def kinds_about(record: RedactedRecord) -> frozenset[str]:
    """Every event kind that can hold this kind of record's text."""
    return frozenset(TEXT_FIELDS[record]) | QUOTED_IN


def about(record: RedactedRecord, record_id: str, kind: str, data: Mapping[str, Any]) -> bool:
    """Whether an event (its kind and data) holds text of this record: its own history, or a quote of it."""
    if kind in QUOTED_IN:
        return any(quotes(item, record_id) for item in data.get("agenda") or [])
    return kind in TEXT_FIELDS[record] and data.get(ID_KEYS[record]) == record_id


def redacted(record: RedactedRecord, record_id: str, kind: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """The event's data with the record's text replaced (fields left empty stay empty)."""
    if kind in QUOTED_IN:
        return {**data, "agenda": redacted_agenda(data.get("agenda") or [], record_id)}
    return {**data, **redacted_fields(data, TEXT_FIELDS[record].get(kind, ()))}


def quotes(item: Any, record_id: str) -> bool:
    return isinstance(item, Mapping) and item.get("ref") == record_id


def redacted_agenda(items: list[Any], record_id: str) -> list[Any]:
    """Agenda items (as JSON) with the title of any item about the record replaced."""
    return [{**item, "title": REDACTED} if quotes(item, record_id) else item for item in items]


def redact_minutes(minutes: Minutes, record_id: str) -> Minutes:
    """Meeting minutes with the record's text replaced: a note's every version (its text, owner and reasons for
    amending), and the title of an agenda item about the record."""
    for items in (minutes.agenda, minutes.dropped):
        items[:] = [item.model_copy(update={"title": REDACTED}) if item.ref == record_id else item for item in items]
    for entry in minutes.entries:
        if entry.id == record_id:
            entry.versions = [
                version.model_copy(update=redacted_fields(version.model_dump(), ("text", "owner", "reason")))
                for version in entry.versions
            ]
    return minutes


def redacted_fields(values: Mapping[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    """Just the given fields that hold text, each as ``REDACTED``."""
    return {key: REDACTED for key in fields if values.get(key)}


def redaction_of(event: Event) -> RecordRedacted | None:
    """The event's redaction, if it is one the app can read."""
    if event.kind != kinds.RECORD_REDACTED:
        return None
    try:
        return RecordRedacted.model_validate(event.data, context=STORED)
    except ValidationError:
        return None
