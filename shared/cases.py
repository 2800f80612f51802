"""Case sampling and tracking on the wire: the Annex A list, the sample, allocation and each case's progress.

Child-protection framework ¶38–43 and Annex A: the local authority's list is imported (minimised by
``shared.annex_a``), a balanced sample of at least 50 is drawn with a recorded seed (``shared.sampling``) — fewer,
or other than three good-practice cases, only with the lead's reason — and inspectors track the sampled cases. The
import travels in batches because a whole list is bigger than one frame; the client decides ``--strict`` before
sending anything, and each batch is stored whole or not at all.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field, model_validator

from shared.annex_a import CaseRecord
from shared.fields import FREE_TEXT, GIVEN, ChildId, RefId
from shared.personal_data import PersonalDataPolicy
from shared.protocol import Command, Payload
from shared.protocol import PersonalDataFound as PersonalDataFound
from shared.sampling import DEFAULT_MEET_FRACTION, DEFAULT_SIZE, Sample, Selection
from shared.vocabulary import Labelled

MAX_BATCH = 100
"""Cases per ``cases.import`` command: about 40 KiB of JSON, under the server's 64 KiB frame limit."""
MAX_DIGESTS = 400
"""Name digests per ``cases.import`` command (64 hex characters each)."""
SOURCE_LENGTH = 200
"""Characters of the imported file's name kept with the cases, for the record."""
MAX_GOOD_PRACTICE = 10
MAX_SAMPLE = 500

Digest = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
Reason = Annotated[str, Field(min_length=1, max_length=500), GIVEN, FREE_TEXT]


class TrackingStatus(Labelled):
    """How far an inspector has got with a sampled case (issue 7; CP ¶38–43)."""

    NOT_STARTED = "not-started"
    IN_PROGRESS = "in-progress"
    TRACKED = "tracked"
    DISCUSSED = "discussed-with-practitioner"
    MET = "met-child-or-family"


class ImportCases(Command):
    """``cases.import``: one batch of the Annex A list (lead only). A case already imported is replaced.

    ``name_digests`` are the personal-data guard's salted hashes of the worker names in this batch (never the
    names); ``source`` is the file's name, for the record.
    """

    type: Literal["cases.import"] = "cases.import"
    cases: Annotated[list[CaseRecord], Field(min_length=1, max_length=MAX_BATCH)]
    name_digests: Annotated[list[Digest], Field(max_length=MAX_DIGESTS)] = []
    source: Annotated[str, Field(min_length=1, max_length=SOURCE_LENGTH), FREE_TEXT]

    @model_validator(mode="after")
    def _unique(self) -> ImportCases:
        ids = [case.child_id for case in self.cases]
        if len(set(ids)) != len(ids):
            raise ValueError("cases: a child unique ID appears twice in one batch")
        return self


class DrawSample(Command):
    """``sample.draw``: the lead draws the balanced random sample from the imported cases (server computes it).

    ``reason`` is required when the draw takes fewer than 50 cases at random (a smaller ``size``, or fewer eligible
    cases) or other than three good-practice cases (CP ¶39, ¶43; ``shared.sampling.reason_needed``): the server
    knows how many are eligible, so it checks, and keeps the reason with the draw for the report.
    """

    type: Literal["sample.draw"] = "sample.draw"
    seed: Annotated[int, Field(ge=0, le=2**63 - 1)]
    size: Annotated[int, Field(ge=1, le=MAX_SAMPLE)] = DEFAULT_SIZE
    good_practice: Annotated[list[ChildId], Field(max_length=MAX_GOOD_PRACTICE)] = []
    meet_fraction: Annotated[float, Field(ge=0, le=1)] = DEFAULT_MEET_FRACTION
    reason: Reason | None = None


class AddToSample(Command):
    """``sample.add``: any inspector adds an imported case to the sample, with a reason (a line of enquiry)."""

    type: Literal["sample.add"] = "sample.add"
    child_id: ChildId
    reason: Reason
    enquiry_id: RefId | None = None


class AllocateCase(Command):
    """``case.allocate``: the lead gives a sampled case to an inspector (``inspector_id`` null to take it back)."""

    type: Literal["case.allocate"] = "case.allocate"
    child_id: ChildId
    inspector_id: int | None


class RecordCaseProgress(Command):
    """``case.progress``: the allocated inspector (or the lead) records how far the case has got."""

    type: Literal["case.progress"] = "case.progress"
    child_id: ChildId
    status: TrackingStatus


class SetPersonalDataPolicy(Command):
    """``personal-data.set``: the lead chooses what the server does when a text looks like personal data."""

    type: Literal["personal-data.set"] = "personal-data.set"
    policy: PersonalDataPolicy


# PersonalDataFound lives in shared.protocol, beside the finding payloads that carry it; re-exported here.


# ---------------------------------------------------------------- event payloads


class CasesImported(Payload):
    """Data of ``cases.imported``: one batch of the Annex A list, the guard's name digests and the file's name."""

    cases: list[CaseRecord]
    name_digests: list[str] = []
    source: str = ""
    count: int = 0


class SampleDrawn(Sample):
    """Data of ``sample.drawn``: the whole sample as it now stands (line-of-enquiry cases too)."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class SampleAdded(Payload):
    """Data of ``sample.added``: a case added for a line of enquiry, with the reason."""

    child_id: str
    selection: Selection = Selection.LINE_OF_ENQUIRY
    reason: str | None = None
    enquiry_id: str | None = None


class CaseAllocated(Payload):
    """Data of ``case.allocated``: who tracks the case (null: nobody)."""

    child_id: str
    inspector_id: int | None = None


class CaseProgressed(Payload):
    """Data of ``case.progressed``."""

    child_id: str
    status: TrackingStatus


class PersonalDataPolicySet(Payload):
    """Data of ``personal-data.set``: what the server does, from now on, with a text that looks like personal data."""

    policy: PersonalDataPolicy


CasePayload = CasesImported | SampleDrawn | SampleAdded | CaseAllocated | CaseProgressed
