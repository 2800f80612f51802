"""The case sample (child-protection framework ¶38–40): random, reproducible, balanced, and honest about its gaps."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from pydantic import ValidationError

from shared.annex_a import CaseRecord
from shared.sampling import (
    ATTRIBUTES,
    Attribute,
    Sample,
    Selection,
    add_to_sample,
    balance_report,
    draw_sample,
    eligible_cases,
    three_months_before,
)
from tests.shared.annex_a_files import TODAY, population

BALANCE_TOLERANCE_CASES = 1.0
"""Every value of every attribute gets within one case of its fair share (size × population share)."""


@pytest.fixture(scope="module")
def cases() -> list[CaseRecord]:
    return population(2_000, seed=7)


@pytest.fixture(scope="module")
def sample(cases: list[CaseRecord]) -> Sample:
    return draw_sample(cases, seed=2026, today=TODAY, good_practice=["GEN-00010", "GEN-00020", "GEN-00030"])


def test_the_same_seed_gives_the_same_sample_whatever_the_file_order(cases: list[CaseRecord], sample: Sample) -> None:
    shuffled = list(cases)
    random.Random(1).shuffle(shuffled)
    again = draw_sample(shuffled, seed=2026, today=TODAY, good_practice=["GEN-00010", "GEN-00020", "GEN-00030"])
    assert again == sample


def test_another_seed_gives_another_sample(cases: list[CaseRecord], sample: Sample) -> None:
    other = draw_sample(cases, seed=2027, today=TODAY)
    drawn = {case.child_id for case in sample.selected(Selection.RANDOM)}
    assert len(drawn & {case.child_id for case in other.selected(Selection.RANDOM)}) < 10


def test_size_good_practice_and_meetings(sample: Sample) -> None:
    assert len(sample.selected(Selection.RANDOM)) == 50
    assert [case.child_id for case in sample.selected(Selection.GOOD_PRACTICE)] == [
        "GEN-00010",
        "GEN-00020",
        "GEN-00030",
    ]
    assert len(sample.cases) == 53 and len(set(sample.child_ids)) == 53
    assert len(sample.to_meet) == 10
    assert all(case.selection is Selection.RANDOM for case in sample.to_meet)


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_every_attribute_tracks_the_population(cases: list[CaseRecord], seed: int) -> None:
    drawn = draw_sample(cases, seed=seed, today=TODAY)
    report = balance_report(cases, drawn)
    for row in report.rows:
        fair_share = 50 * row.population_share
        assert abs(row.sample - fair_share) <= BALANCE_TOLERANCE_CASES, row
    for attribute in ATTRIBUTES:
        assert report.largest_difference(attribute) <= BALANCE_TOLERANCE_CASES / 50


def test_the_meeting_subset_is_balanced_too(cases: list[CaseRecord], sample: Sample) -> None:
    records = {case.child_id: case for case in cases}
    drawn = [records[case.child_id] for case in sample.selected(Selection.RANDOM)]
    to_meet = [records[case.child_id] for case in sample.to_meet]
    for field in ("gender", "disability"):
        for value in {getattr(case, field) for case in drawn}:
            share = sum(getattr(case, field) == value for case in drawn) / len(drawn)
            assert abs(sum(getattr(case, field) == value for case in to_meet) - 10 * share) <= 1


def test_only_current_and_recently_closed_cases_are_drawn(cases: list[CaseRecord], sample: Sample) -> None:
    cutoff = three_months_before(TODAY)
    records = {case.child_id: case for case in cases}
    stale = [case for case in cases if case.closed_date and case.closed_date < cutoff]
    assert len(stale) > 100  # the generated population really has cases to exclude
    for case in sample.selected(Selection.RANDOM):
        closed = records[case.child_id].closed_date
        assert closed is None or closed >= cutoff
    assert sample.eligible == len(cases) - len(stale)


def test_the_three_month_window_is_calendar_months() -> None:
    assert three_months_before(date(2026, 11, 16)) == date(2026, 8, 16)
    assert three_months_before(date(2026, 5, 31)) == date(2026, 2, 28)
    assert three_months_before(date(2024, 5, 31)) == date(2024, 2, 29)
    assert three_months_before(date(2026, 1, 15)) == date(2025, 10, 15)
    boundary = CaseRecord(child_id="EDGE-1", closed_date=date(2026, 8, 16))
    day_before = CaseRecord(child_id="EDGE-2", closed_date=date(2026, 8, 15))
    assert [case.child_id for case in eligible_cases([day_before, boundary], today=TODAY)] == ["EDGE-1"]


def test_good_practice_cases_are_added_marked_and_never_take_a_random_place(cases: list[CaseRecord]) -> None:
    closed_long_ago = next(
        case for case in cases if case.closed_date and case.closed_date < TODAY - timedelta(days=120)
    )
    plain = draw_sample(cases, seed=9, today=TODAY)
    already_drawn = plain.selected(Selection.RANDOM)[0].child_id
    with_la = draw_sample(cases, seed=9, today=TODAY, good_practice=[already_drawn, closed_long_ago.child_id])
    assert len(with_la.selected(Selection.RANDOM)) == 50
    assert {case.child_id for case in with_la.selected(Selection.GOOD_PRACTICE)} == {
        already_drawn,
        closed_long_ago.child_id,
    }
    assert with_la.child_ids.count(already_drawn) == 1
    with pytest.raises(ValueError, match="not on the Annex A list"):
        draw_sample(cases, seed=9, today=TODAY, good_practice=["NOPE-1"])


def test_a_small_authority_gets_every_eligible_case(cases: list[CaseRecord]) -> None:
    few = [case for case in cases if case.closed_date is None][:30]
    assert {case.child_id for case in draw_sample(few, seed=1, today=TODAY).cases} == {case.child_id for case in few}


def test_cases_are_added_for_a_line_of_enquiry(sample: Sample) -> None:
    added = add_to_sample(sample, "GEN-01999", "interface with adult mental health services")
    assert added.cases[-1].selection is Selection.LINE_OF_ENQUIRY
    assert added.cases[-1].reason == "interface with adult mental health services"
    assert len(sample.cases) == 53  # the original is unchanged
    with pytest.raises(ValueError, match="already in the sample"):
        add_to_sample(added, "GEN-01999", "again")
    with pytest.raises(ValidationError):
        add_to_sample(sample, "not a child id!", "bad")


def test_balance_report_shows_shares_and_unsampled_strata(cases: list[CaseRecord], sample: Sample) -> None:
    report = balance_report(cases, sample)
    for attribute in ATTRIBUTES:
        rows = [row for row in report.rows if row.attribute is attribute]
        assert sum(row.population_share for row in rows) == pytest.approx(1)
        assert sum(row.sample_share for row in rows) == pytest.approx(1)
    unsampled = report.unsampled
    assert Attribute.WORKER in {row.attribute for row in unsampled}  # 61 workers, 50 places
    assert all(row.sample == 0 and 50 * row.population_share <= BALANCE_TOLERANCE_CASES for row in unsampled)
    assert sum(row.sample for row in report.rows if row.attribute is Attribute.GENDER) == 50  # good practice left out


def test_the_sample_travels_as_json(sample: Sample) -> None:
    assert Sample.model_validate_json(sample.model_dump_json()) == sample
