"""The lists Annex A's information is for: "This information is required so that inspectors can consider the
following" (child-protection framework, Annex A), each computed from the imported cases.

Every view is named as the seed words it, so an inspector opening one reads the framework's own list, and each is a
plain test on a ``CaseRecord``: the sample (a line of enquiry) and the case board can draw on the same cases.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from shared.annex_a import CaseRecord, CaseStatus, ReferralType
from shared.vocabulary import Labelled


class AnnexAView(Labelled):
    """Annex A's lists for inspectors to consider, in the seed's order and its words."""

    CONTACTS_NOT_REFERRED = "contacts-not-referred", "Contacts that did not proceed to a referral"
    REFERRALS_ASSESSED = (
        "referrals-assessed",
        "Referrals and re-referrals of children believed to be at risk of harm that led to an assessment under "
        "section 17 or a section 47 enquiry",
    )
    REFERRALS_NO_FURTHER_ACTION = (
        "referrals-no-further-action",
        "Referrals and re-referrals that were deemed to require no further action/did not proceed to assessment",
    )
    S47_TO_ICPC = "s47-to-icpc", "Section 47 enquiries that proceeded to an initial child protection conference"
    S47_NOT_TO_ICPC = (
        "s47-not-to-icpc",
        "Section 47 enquiries that did not proceed to an initial child protection conference",
    )
    UNALLOCATED = "unallocated", "Cases not allocated to a named social worker"
    COMMON_ASSESSMENT = (
        "common-assessment",
        "Children and young people in respect of whom a common assessment (e.g. CAF) has been completed, or who are "
        "otherwise the subject of a multi-agency targeted intervention",
    )
    CP_PLAN_NOW = (
        "cp-plan-now",
        "Children and young people currently the subject of a child protection plan, including identification of "
        "those children who have previously been subject of a plan/plans",
    )
    EMERGENCY_ORDERS = (
        "emergency-orders",
        "Children and young people subject of an application to the court in the last six months for emergency "
        "protection, care or supervision orders, and children protected under police powers of protection",
    )
    CP_PLAN_ENDED_CLOSED = (
        "cp-plan-ended-closed",
        "Children and young people who have ceased to be the subject of a child protection plan and whose case is "
        "closed to children's social care",
    )
    CP_PLAN_THEN_CIN = (
        "cp-plan-then-cin",
        "Children and young people who have previously been the subject of a child protection plan and are now "
        "subject of a child in need plan",
    )


EARLY_HELP, ASSESSMENTS, SECTION_47, CHILD_PROTECTION = 2, 4, 5, 7
"""The lists of an Annex A workbook ("List 2" early help …) that say what the columns of the 2012 list said."""


def _on(case: CaseRecord, *lists: int) -> bool:
    return bool(set(lists) & set(case.lists or ()))


def _s47(case: CaseRecord) -> bool:
    return case.referral_type is ReferralType.S47 or _on(case, SECTION_47)


def _assessed(case: CaseRecord) -> bool:
    """Type S47 or S17, or on a workbook's list of assessments or of section 47 enquiries."""
    return case.referral_type is not None or _on(case, ASSESSMENTS, SECTION_47)


def _no_further_action(case: CaseRecord) -> bool:
    """A referral with no S47/S17 type and nothing after it: no assessment, plan, conference or CIN services."""
    after = (case.cin_start, case.cp_plan_start, case.icpc_date)
    return case.referral_date is not None and not _assessed(case) and not any(after)


RULES: dict[AnnexAView, Callable[[CaseRecord], bool]] = {
    AnnexAView.CONTACTS_NOT_REFERRED: lambda case: case.contact_date is not None and (
        case.referral_date is None or case.referral_date < case.contact_date
    ),
    AnnexAView.REFERRALS_ASSESSED: lambda case: case.referral_date is not None and _assessed(case),
    AnnexAView.REFERRALS_NO_FURTHER_ACTION: _no_further_action,
    AnnexAView.S47_TO_ICPC: lambda case: _s47(case) and case.icpc_date is not None,
    AnnexAView.S47_NOT_TO_ICPC: lambda case: _s47(case) and case.icpc_date is None,
    AnnexAView.UNALLOCATED: lambda case: case.status is CaseStatus.CURRENT and case.unallocated is True,
    AnnexAView.COMMON_ASSESSMENT: lambda case: case.caf_date is not None or _on(case, EARLY_HELP),
    AnnexAView.CP_PLAN_NOW: lambda case: (case.cp_plan_start is not None and case.cp_plan_end is None)
    or _on(case, CHILD_PROTECTION),
    AnnexAView.EMERGENCY_ORDERS: lambda case: case.emergency_order is True,
    AnnexAView.CP_PLAN_ENDED_CLOSED: lambda case: case.cp_plan_end is not None and case.status is CaseStatus.CLOSED,
    AnnexAView.CP_PLAN_THEN_CIN: lambda case: case.cp_plan_end is not None and case.cin_start is not None
    and case.cin_end is None and case.cin_start >= case.cp_plan_end,
}
"""How each list is read from the Annex A columns; see docs/cases.md for why each test is what it is."""


@dataclass(frozen=True, slots=True)
class ViewCount:
    view: AnnexAView
    child_ids: list[str]


def in_view(view: AnnexAView, cases: Iterable[CaseRecord]) -> list[CaseRecord]:
    """The cases on one of Annex A's lists, in child ID order."""
    return sorted((case for case in cases if RULES[view](case)), key=lambda case: case.child_id)


def every_view(cases: Sequence[CaseRecord]) -> list[ViewCount]:
    """Each list with the children on it, in the seed's order (empty lists included: none is news too)."""
    return [ViewCount(view, [case.child_id for case in in_view(view, cases)]) for view in AnnexAView]
