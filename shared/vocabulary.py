"""The domain's words as enums, with the labels inspectors read on screen.

Wire values are short stable slugs; labels are for people. Source: ../shared/domain.md
(integrated consultation ¶22, ¶29, ¶41, ¶59, ¶74; child-protection framework ¶25).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self

CHILD_ID = r"^[A-Za-z0-9][A-Za-z0-9/_-]{0,31}$"
"""The local authority's child unique ID: how a finding names a child, never by name (CP ¶51).

Here, not in shared.protocol, so the Annex A import can use it without importing every command family."""


class Labelled(StrEnum):
    """A StrEnum whose members carry a human label: the value in words unless it says otherwise."""

    def __new__(cls, value: str, label: str = "") -> Self:
        """Members are declared ``NAME = "value", "Label"``, or ``NAME = "in-progress"`` where the label is only the
        value in words (``In progress``): said once, the two cannot drift apart."""
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label or value.replace("-", " ").capitalize()
        return member

    label: str

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """(label, value) pairs, the order a Select widget wants."""
        return [(m.label, m.value) for m in cls]


class Inspectorate(Labelled):
    OFSTED = "ofsted"
    CQC = "cqc", "CQC"
    HMIC = "hmic", "HMIC"
    HMI_PROBATION = "hmi-probation", "HMI Probation"
    HMI_PRISONS = "hmi-prisons", "HMI Prisons"


class Role(Labelled):
    LEAD = "lead", "Lead inspector"
    INSPECTOR = "inspector"
    QA_MANAGER = "qa-manager", "QA manager"


class Agency(Labelled):
    """What a finding is about (integrated consultation ¶22, ¶29)."""

    LOCAL_AUTHORITY = "local-authority"
    HEALTH = "health"
    POLICE = "police"
    PROBATION = "probation"
    YOT = "yot", "Youth offending team"
    CUSTODY = "custody"
    LSCB = "lscb", "LSCB"


class JudgementArea(Labelled):
    """The graded judgements that feed overall effectiveness (¶41, ¶59, ¶74), and the LSCB's."""

    HELP_AND_PROTECTION = "help-and-protection", "Children who need help and protection"
    LOOKED_AFTER = "looked-after", "Children looked after and care leavers"
    LEADERSHIP = "leadership", "Leadership, management and governance"
    LSCB_EFFECTIVENESS = "lscb-effectiveness", "Effectiveness of the LSCB"
    QUALITY_OF_PRACTICE = "quality-of-practice", "The quality of practice"
    """Graded only by the child-protection framework (CP ¶24, ¶44)."""


class FindingKind(Labelled):
    STRENGTH = "strength"
    WEAKNESS = "weakness"
    AREA_FOR_IMPROVEMENT = "area-for-improvement"
    GOOD_PRACTICE = "good-practice"
    NOTE = "note"


class EvidenceSource(Labelled):
    CASE_FILE = "case-file"
    OBSERVATION = "observation"
    MEETING_WITH_CHILD_OR_FAMILY = "meeting-with-child-or-family", "Meeting with child/family"
    STAFF_DISCUSSION = "staff-discussion"
    DOCUMENT_OR_DATA = "document-or-data", "Document/data"
    MULTI_AGENCY_MEETING = "multi-agency-meeting", "Multi-agency meeting"


class Framework(Labelled):
    INTEGRATED = "integrated", "Integrated inspection"
    CHILD_PROTECTION = "child-protection", "Child-protection framework"


_ALL_GRADED = (JudgementArea.HELP_AND_PROTECTION, JudgementArea.LOOKED_AFTER, JudgementArea.LEADERSHIP)

JUDGEMENT_AREAS_BY_AGENCY: dict[Agency, tuple[JudgementArea, ...]] = {
    Agency.LOCAL_AUTHORITY: _ALL_GRADED,
    Agency.HEALTH: _ALL_GRADED,
    # The police are not judged on children looked after (¶74).
    Agency.POLICE: (JudgementArea.HELP_AND_PROTECTION, JudgementArea.LEADERSHIP),
    # Probation, YOT and custody get a narrative, not a graded judgement (¶29, ¶82–107).
    Agency.PROBATION: (),
    Agency.YOT: (),
    Agency.CUSTODY: (),
    Agency.LSCB: (JudgementArea.LSCB_EFFECTIVENESS,),
}


CHILD_PROTECTION_AREAS: dict[Agency, tuple[JudgementArea, ...]] = {
    agency: () for agency in Agency
} | {
    # CP ¶24: the local authority alone is judged, on help and protection, the quality of practice, and
    # leadership and governance (overall effectiveness is not an area: no finding is tagged with it).
    Agency.LOCAL_AUTHORITY: (
        JudgementArea.HELP_AND_PROTECTION,
        JudgementArea.QUALITY_OF_PRACTICE,
        JudgementArea.LEADERSHIP,
    ),
}


def judgement_areas_for(agency: Agency, framework: Framework | None = None) -> tuple[JudgementArea, ...]:
    """The judgement areas a finding about this agency may be tagged with under ``framework``; with None, those
    of either framework (what a finding may carry before anyone knows its inspection)."""
    if framework is Framework.CHILD_PROTECTION:
        return CHILD_PROTECTION_AREAS[agency]
    if framework is Framework.INTEGRATED:
        return JUDGEMENT_AREAS_BY_AGENCY[agency]
    either = JUDGEMENT_AREAS_BY_AGENCY[agency] + CHILD_PROTECTION_AREAS[agency]
    return tuple(dict.fromkeys(either))


# Who inspects each agency: a line of enquiry to an agency goes to them, and they propose its grades.
INSPECTORATE_OF: dict[Agency, Inspectorate | None] = {
    Agency.LOCAL_AUTHORITY: Inspectorate.OFSTED,
    Agency.HEALTH: Inspectorate.CQC,
    Agency.POLICE: Inspectorate.HMIC,
    Agency.PROBATION: Inspectorate.HMI_PROBATION,
    Agency.YOT: Inspectorate.HMI_PROBATION,
    Agency.CUSTODY: Inspectorate.HMI_PRISONS,
    Agency.LSCB: None,  # the LSCB is inspected jointly by every inspectorate (¶26, ¶113)
}
