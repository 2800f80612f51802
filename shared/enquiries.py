"""Lines of enquiry one inspectorate asks another to test (integrated consultation ¶35–36, ¶48).

Status runs open → in progress → answered → closed. An enquiry is addressed to exactly one of: an inspectorate,
an agency (meaning the inspectorate that inspects it), or a named inspector. Its *owners* answer it; only its
*asker* closes it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Annotated, Literal

from pydantic import Field, model_validator

from shared.fields import ChildId, RefId, Text
from shared.protocol import Command, Inspector, Payload
from shared.vocabulary import INSPECTORATE_OF, Agency, Inspectorate, Labelled

FindingIds = Annotated[list[RefId], Field(max_length=50)]


class EnquiryStatus(Labelled):
    OPEN = "open"
    IN_PROGRESS = "in-progress"
    ANSWERED = "answered"
    CLOSED = "closed"


class EnquiryOutcome(Labelled):
    ANSWERED = "answered"
    NOT_PURSUED = "not-pursued"


class OpenEnquiry(Command):
    """``enquiry.open``: the new enquiry's id is this command's id."""

    type: Literal["enquiry.open"] = "enquiry.open"
    to_inspectorate: Inspectorate | None = None
    to_agency: Agency | None = None
    to_inspector: int | None = None
    question: Text
    why: Text
    finding_ids: FindingIds = []
    child_ids: Annotated[list[ChildId], Field(max_length=50)] = []
    needs_la_input: bool = False
    """Whether the local authority must answer too, which puts it on the next KIT meeting's agenda."""

    @model_validator(mode="after")
    def _rules(self) -> OpenEnquiry:
        named = [x for x in (self.to_inspectorate, self.to_agency, self.to_inspector) if x is not None]
        if len(named) != 1:
            raise ValueError("to_inspectorate: address the enquiry to exactly one inspectorate, agency or inspector")
        return self


class StartEnquiry(Command):
    """``enquiry.start``: an owner takes the enquiry on (open → in progress)."""

    type: Literal["enquiry.start"] = "enquiry.start"
    enquiry_id: RefId


class AnswerEnquiry(Command):
    """``enquiry.answer``: an owner answers, citing the findings that answer it."""

    type: Literal["enquiry.answer"] = "enquiry.answer"
    enquiry_id: RefId
    answer: Text
    finding_ids: FindingIds = []


class CloseEnquiry(Command):
    """``enquiry.close``: only the asker closes, as answered or not pursued, with a reason."""

    type: Literal["enquiry.close"] = "enquiry.close"
    enquiry_id: RefId
    outcome: EnquiryOutcome
    reason: Text


# ---------------------------------------------------------------- event payloads


class EnquiryOpened(Payload):
    """Data of ``enquiry.opened``: the new enquiry's id is its command's id."""

    to_inspectorate: Inspectorate | None = None
    to_agency: Agency | None = None
    to_inspector: int | None = None
    question: str
    why: str
    finding_ids: list[str] = []
    child_ids: list[str] = []
    needs_la_input: bool = False
    enquiry_id: str
    status: EnquiryStatus


class EnquiryMoved(Payload):
    """Data of a step in an enquiry's life (``enquiry.started``, ``.answered``, ``.closed``): its status now."""

    enquiry_id: str
    status: EnquiryStatus


class EnquiryStarted(EnquiryMoved):
    """Data of ``enquiry.started``."""


class EnquiryAnswered(EnquiryMoved):
    """Data of ``enquiry.answered``: the answer and the findings that support it."""

    answer: str
    finding_ids: list[str] = []


class EnquiryClosed(EnquiryMoved):
    """Data of ``enquiry.closed``."""

    outcome: EnquiryOutcome
    reason: str


EnquiryPayload = EnquiryOpened | EnquiryMoved


def is_owner(
    inspector: Inspector,
    *,
    to_inspectorate: Inspectorate | None,
    to_agency: Agency | None,
    to_inspector: int | None,
) -> bool:
    """Whether ``inspector`` is one of those the enquiry is addressed to."""
    if to_inspector is not None:
        return inspector.id == to_inspector
    if to_inspectorate is not None:
        return inspector.inspectorate is to_inspectorate
    if to_agency is not None:
        wanted = INSPECTORATE_OF[to_agency]
        return wanted is None or inspector.inspectorate is wanted
    return False


def transition_refusal(status: EnquiryStatus, command: Command) -> str | None:
    """Why this command cannot move an enquiry in ``status``; None if it can."""
    if status is EnquiryStatus.CLOSED:
        return "this enquiry is closed"
    if isinstance(command, StartEnquiry) and status is not EnquiryStatus.OPEN:
        return f"this enquiry is already {status.label.lower()}"
    if isinstance(command, AnswerEnquiry) and status is EnquiryStatus.ANSWERED:
        return "this enquiry is already answered; the asker can close it"
    if (
        isinstance(command, CloseEnquiry)
        and command.outcome is EnquiryOutcome.ANSWERED
        and status is not EnquiryStatus.ANSWERED
    ):
        return "it has not been answered yet: close it as not pursued, or wait for the answer"
    return None


def mentioned(text: str, team: Iterable[Inspector]) -> set[int]:
    """Team members named with an ``@``: ``@Asha Patel`` or ``@Asha`` (case-insensitive).

    A full name wins: ``@Asha Patel`` does not also notify another Asha; a bare ``@Asha`` notifies every Asha.
    """
    members = list(team)
    lowered = text.lower()

    def starts(name: str) -> list[int]:
        return [m.start() for m in re.finditer(rf"@{re.escape(name)}(?![\w-])", lowered)]

    found: set[int] = set()
    full_name_at: set[int] = set()
    for member in members:
        hits = starts(member.name.lower())
        if hits:
            found.add(member.id)
            full_name_at.update(hits)
    for member in members:
        first = member.name.lower().split()[0] if member.name.split() else ""
        if first and any(at not in full_name_at for at in starts(first)):
            found.add(member.id)
    return found
