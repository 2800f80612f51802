"""The rule for which criterion a finding may cite (shared.criteria.criterion_refusal and fitting).

The finding form and the server both apply it, so an inspector never sees a criterion offered that the server
would refuse, and a refusal always says what is wrong and what would fit.
"""

from __future__ import annotations

import pytest

from shared.criteria import all_criteria, criterion, criterion_refusal, fitting
from shared.vocabulary import Agency, Framework, JudgementArea, judgement_areas_for

INTEGRATED, CP = Framework.INTEGRATED, Framework.CHILD_PROTECTION
HEALTH, POLICE, LA, YOT = Agency.HEALTH, Agency.POLICE, Agency.LOCAL_AUTHORITY, Agency.YOT
HP, LAC, LEADERSHIP = JudgementArea.HELP_AND_PROTECTION, JudgementArea.LOOKED_AFTER, JudgementArea.LEADERSHIP


@pytest.mark.parametrize(
    ("criterion_id", "agency", "area", "framework"),
    [
        ("I68c", HEALTH, HP, INTEGRATED),  # the area's own lettered criterion
        ("I68-inadequate", HEALTH, HP, INTEGRATED),  # the area's grade descriptor
        ("I63a", HEALTH, LEADERSHIP, INTEGRATED),  # overall effectiveness fits any of the agency's areas
        ("I69b", HEALTH, None, INTEGRATED),  # a finding with no area may cite any of its agency's criteria
        ("I92b", YOT, None, INTEGRATED),  # narrative-only agency
        ("CP20a", LA, HP, CP),
        ("CP24a", LA, LEADERSHIP, CP),  # CP ¶24 items have no area
    ],
)
def test_a_criterion_that_fits_is_accepted(
    criterion_id: str, agency: Agency, area: JudgementArea | None, framework: Framework
) -> None:
    assert criterion_refusal(criterion_id, agency, area, framework) is None


def test_an_unknown_id_is_refused_with_what_fits() -> None:
    why = criterion_refusal("1.2", HEALTH, HP, INTEGRATED)
    assert why is not None
    assert "unknown criterion '1.2'" in why
    assert "43 criteria fit Health × children who need help and protection" in why and "I68a" in why


@pytest.mark.parametrize(("old", "new"), [("68c", "I68c"), ("i68c", "I68c"), ("80a", "I80a")])
def test_an_old_code_or_wrong_case_suggests_the_id(old: str, new: str) -> None:
    agency = POLICE if new.startswith("I80") else HEALTH
    assert criterion_refusal(old, agency, HP, INTEGRATED) == f"unknown criterion {old!r}: did you mean {new!r}?"


def test_another_agencys_criterion_is_refused() -> None:
    why = criterion_refusal("I80a", HEALTH, HP, INTEGRATED)
    assert why is not None
    assert why.startswith("I80a [I ¶80a] is a criterion for Police, not Health;")
    assert "e.g. I68a, I68b, I68c" in why


def test_another_judgement_areas_criterion_is_refused() -> None:
    why = criterion_refusal("I69b", HEALTH, HP, INTEGRATED)
    assert why is not None
    assert why.startswith(
        "I69b [I ¶69b] is about children looked after and care leavers, not children who need help and protection;"
    )


def test_another_frameworks_criterion_is_refused() -> None:
    why = criterion_refusal("I68c", HEALTH, HP, CP)
    assert why is not None
    assert "is from the integrated framework, but this inspection uses the child-protection framework" in why
    assert "has no criteria for Health × children who need help and protection, so leave the criterion empty" in why


def test_the_local_authority_has_no_criteria_under_the_integrated_framework() -> None:
    """Ofsted's own framework is not in the documents, and every child-protection criterion is the LA's."""
    for area in (*judgement_areas_for(LA), None):
        assert fitting(LA, area, INTEGRATED) == []
    why = criterion_refusal("CP20a", LA, HP, INTEGRATED)
    assert why is not None
    assert "is from the child-protection framework, but this inspection uses the integrated framework" in why
    assert why.endswith("so leave the criterion empty")


def test_fitting_is_exactly_what_the_rule_accepts_with_the_areas_own_first() -> None:
    for framework in Framework:
        for agency in Agency:
            for area in (*judgement_areas_for(agency), None):
                offered = fitting(agency, area, framework)
                accepted = [c for c in all_criteria() if criterion_refusal(c.id, agency, area, framework) is None]
                assert sorted(c.id for c in offered) == sorted(c.id for c in accepted)
                if area is not None:
                    own = [c.judgement_area == area for c in offered]
                    assert own == sorted(own, reverse=True), "the area's own criteria come first"


def test_health_help_and_protection_offers_its_26_then_the_overall_descriptors() -> None:
    offered = fitting(HEALTH, HP, INTEGRATED)
    assert [c.id for c in offered[:3]] == ["I68a", "I68b", "I68c"]
    assert sum(1 for c in offered if c.judgement_area == HP) == 26
    assert offered[26] == criterion("I63a")
