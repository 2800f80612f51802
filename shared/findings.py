"""Findings on the wire: what an inspector writes down, the commands that post, amend and withdraw it, and the
events that record them (``finding.posted``, ``.amended``, ``.withdrawn``)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, model_validator

from shared.fields import FREE_TEXT, ChildId, RefId
from shared.protocol import CleanText, Command, Frame, PersonalDataRecords, field_errors
from shared.text import is_blank
from shared.vocabulary import Agency, EvidenceSource, FindingKind, JudgementArea, judgement_areas_for

MAX_TEXT = 10_000
MAX_REASON = 2_000
CRITERION = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$"


class FindingFields(Frame):
    """What an inspector writes down; shared by post, amend and their events."""

    agency: Agency
    judgement_area: JudgementArea | None = None
    criterion: Annotated[str, Field(pattern=CRITERION)] | None = None
    kind: FindingKind
    evidence_source: EvidenceSource
    text: Annotated[str, Field(min_length=1, max_length=MAX_TEXT), FREE_TEXT]
    child_id: ChildId | None = None

    @model_validator(mode="after")
    def _rules(self) -> FindingFields:
        if is_blank(self.text):
            raise ValueError("text: must not be blank")
        area = self.judgement_area
        if area is not None and area not in judgement_areas_for(self.agency):
            raise ValueError(
                f"judgement_area: '{area.label}' does not apply to {self.agency.label}"
            )
        return self

    def fields(self) -> dict[str, Any]:
        return self.model_dump(mode="json", include=set(FindingFields.model_fields))


# ---------------------------------------------------------------- commands


class PostFinding(Command, FindingFields):
    """``finding.post``: the new finding's id is this command's id."""

    type: Literal["finding.post"] = "finding.post"


class AmendFinding(Command, FindingFields):
    """``finding.amend``: replaces every field of one's own finding; history stays in the log."""

    type: Literal["finding.amend"] = "finding.amend"
    finding_id: RefId


class WithdrawFinding(Command):
    """``finding.withdraw``: the author or the lead takes a finding out of the evidence, with a reason.

    The finding stays in the log and its history; reports, coverage and grades no longer count it.
    """

    type: Literal["finding.withdraw"] = "finding.withdraw"
    finding_id: RefId
    reason: Annotated[str, Field(min_length=1, max_length=MAX_REASON), FREE_TEXT]

    @model_validator(mode="after")
    def _rules(self) -> WithdrawFinding:
        if is_blank(self.reason):
            raise ValueError("reason: must not be blank")
        return self


# ---------------------------------------------------------------- events


class FindingPosted(FindingFields):
    """Data of ``finding.posted``."""

    finding_id: str
    personal_data: PersonalDataRecords


class FindingAmended(FindingFields):
    """Data of ``finding.amended``; ``version`` counts from 1 (the original post)."""

    finding_id: str
    version: int
    personal_data: PersonalDataRecords


class FindingWithdrawn(Frame):
    """Data of ``finding.withdrawn``."""

    finding_id: str
    reason: str
    personal_data: PersonalDataRecords


# ---------------------------------------------------------------- forms


class _FindingDraft(CleanText, FindingFields):
    """Finding fields as a form holds them before they become a command: the same rules, text rules included."""


def validate_finding(values: dict[str, Any]) -> dict[str, str]:
    """The server's own rules for finding fields, for a form to show before sending."""
    try:
        _FindingDraft.model_validate(values)
    except ValidationError as exc:
        return field_errors(exc)
    return {}
