"""The seed's rules on the sample, read from the seed: which cases are eligible (CP ¶38), how many are drawn
(CP ¶43) and how many good-practice cases the local authority picks (CP ¶39); a draw that departs from either
number carries the lead's reason, and the report's paragraph on the sample says so."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from shared.annex_a import CaseRecord, CaseStatus
from shared.report import build_report
from shared.report_markdown import render_markdown
from shared.sampling import (
    GOOD_PRACTICE_CASES,
    MIN_SIZE,
    RECENT_MONTHS,
    Selection,
    about_the_sample,
    add_to_sample,
    draw_sample,
    is_eligible,
    random_places,
    reason_needed,
    three_months_before,
)
from shared.vocabulary import Framework
from tests.seeds import needs_seeds, sentence
from tests.shared.annex_a_files import TODAY, population
from tests.shared.test_report_child_protection import make_input

CP = Framework.CHILD_PROTECTION
NUMBERS = {"three": 3}


@needs_seeds
def test_eligible_cases_are_current_or_closed_in_the_previous_three_months_to_the_day() -> None:
    """CP ¶38: "selected at random from both current cases and cases that have been closed in the previous three
    months"; the boundary is the same day three calendar months before the draw, included."""
    rule = sentence(CP, 38, "The samples will be selected")
    assert "from both current cases and cases that have been closed in the previous three months" in rule
    months = re.search(r"previous (\w+) months", rule)
    assert months is not None and NUMBERS[months[1]] == RECENT_MONTHS

    boundary = three_months_before(TODAY)
    assert boundary == date(2026, 8, 16)
    assert is_eligible(CaseRecord(child_id="ON-THE-DAY", closed_date=boundary), today=TODAY)
    assert not is_eligible(CaseRecord(child_id="DAY-BEFORE", closed_date=date(2026, 8, 15)), today=TODAY)
    assert is_eligible(CaseRecord(child_id="CLOSED-TODAY", closed_date=TODAY), today=TODAY)
    assert is_eligible(CaseRecord(child_id="OPEN", status=CaseStatus.CURRENT), today=TODAY)


@needs_seeds
def test_the_numbers_a_draw_keeps_to_are_the_seeds() -> None:
    """CP ¶43: "At least 50 cases will be selected by inspectors"; CP ¶39: "the local authority will be asked to
    identify three cases that demonstrate local good practice"."""
    at_least = sentence(CP, 43, "At least")
    assert at_least == f"At least {MIN_SIZE} cases will be selected by inspectors"
    good_practice = sentence(CP, 39, "In addition")
    picked = re.search(r"identify (\w+) cases that demonstrate local good practice", good_practice)
    assert picked is not None and NUMBERS[picked[1]] == GOOD_PRACTICE_CASES


def test_a_reason_is_needed_below_50_cases_or_without_three_good_practice_cases() -> None:
    """CP ¶39, ¶43: 50 drawn and three good-practice cases need no reason; anything else says why it needs one."""
    assert reason_needed(50, 3) is None
    assert reason_needed(120, 3) is None
    assert reason_needed(49, 3) == "49 cases drawn at random, fewer than the 50 CP ¶43 asks for"
    assert reason_needed(50, 0) == "0 good-practice cases, not the three CP ¶39 asks the local authority for"
    assert reason_needed(1, 4) == ("1 case drawn at random, fewer than the 50 CP ¶43 asks for; 4 good-practice "
                                   "cases, not the three CP ¶39 asks the local authority for")


def test_random_places_counts_what_the_draw_will_take() -> None:
    """The app asks for the reason before the draw: it counts the places the server's draw will fill."""
    cases = population(200, seed=3)
    good_practice = [case.child_id for case in cases[:3]]
    for size, few in ((50, cases), (50, cases[:60]), (30, cases)):
        drawn = draw_sample(few, size=size, seed=5, today=TODAY, good_practice=good_practice)
        assert random_places(few, size=size, today=TODAY, good_practice=good_practice) == len(
            drawn.selected(Selection.RANDOM))


def test_the_reports_paragraph_says_how_the_sample_was_drawn_and_why_it_departs() -> None:
    """CP ¶38–39, ¶43: the report's "About this inspection" states the sample and the lead's reason."""
    cases = population(200, seed=3)
    kept = draw_sample(cases, seed=5, today=TODAY, good_practice=[c.child_id for c in cases[:3]])
    text = about_the_sample(add_to_sample(kept, cases[-1].child_id, "adult mental health services"))
    assert text.startswith("Inspectors tracked a sample of 54 children's cases: 50 drawn at random from ")
    assert "3 identified by the local authority as good practice (CP ¶39); 1 added to follow up lines of enquiry."\
        in text
    assert "reason" not in text

    smaller = draw_sample(cases, size=30, seed=5, today=TODAY).model_copy(
        update={"reason": "The authority asked us to focus on the duty team"})
    text = about_the_sample(smaller)
    assert text.endswith("0 identified by the local authority as good practice (CP ¶39). The sample has 30 cases "
                         "drawn at random, fewer than the 50 CP ¶43 asks for; 0 good-practice cases, not the three "
                         "CP ¶39 asks the local authority for. The lead inspector's reason: The authority asked us "
                         "to focus on the duty team.")


def test_the_reason_shows_in_the_reports_about_this_inspection() -> None:
    """CP ¶44's "About this inspection" states the sample, and the lead's reason for a smaller one (CP ¶43)."""
    cases = population(200, seed=3)
    why = "Only 40 children were open to the assessment teams during fieldwork."
    sample = draw_sample(cases, size=40, seed=5, today=TODAY, good_practice=[c.child_id for c in cases[:3]])
    data = replace(make_input(), sample=sample.model_copy(update={"reason": why}))

    about = build_report(data).section("about-this-inspection")
    assert data.sample is not None and about.paragraphs[-1] == about_the_sample(data.sample)
    assert about.paragraphs[-1].endswith(f"The lead inspector's reason: {why}")
    assert f"The lead inspector's reason: {why}" in render_markdown(build_report(data))
    assert len(build_report(make_input()).section("about-this-inspection").paragraphs) == 2  # no draw, no paragraph
