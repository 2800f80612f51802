"""Working days around weekends and England and Wales bank holidays: Easter, Christmas falling at a weekend with
its substitute days, the early May bank holiday, and the one-offs (VE day 2020, the 2022 Jubilee and State
Funeral, the 2023 Coronation)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.working_days import add_working_days, bank_holidays, is_working_day, working_days_between

D = date


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        # Christmas on a Friday: Boxing Day (Saturday) moves to Monday 28th
        (2026, {D(2026, 1, 1), D(2026, 4, 3), D(2026, 4, 6), D(2026, 5, 4), D(2026, 5, 25), D(2026, 8, 31),
                D(2026, 12, 25), D(2026, 12, 28)}),
        # Christmas on a Saturday: both days move, to Monday 27th and Tuesday 28th
        (2027, {D(2027, 1, 1), D(2027, 3, 26), D(2027, 3, 29), D(2027, 5, 3), D(2027, 5, 31), D(2027, 8, 30),
                D(2027, 12, 27), D(2027, 12, 28)}),
    ],
)
def test_the_weekday_bank_holidays_of_a_year(year: int, expected: set[date]) -> None:
    assert {day for day in bank_holidays(year) if day.weekday() < 5} == expected


@pytest.mark.parametrize(
    ("day", "why"),
    [
        (D(2020, 5, 8), "early May bank holiday moved to Friday for the 75th anniversary of VE day"),
        (D(2021, 12, 27), "substitute for Christmas Day on a Saturday"),
        (D(2021, 12, 28), "substitute for Boxing Day on a Sunday"),
        (D(2022, 1, 3), "substitute for New Year's Day on a Saturday"),
        (D(2022, 6, 2), "spring bank holiday moved to Thursday"),
        (D(2022, 6, 3), "Platinum Jubilee"),
        (D(2022, 9, 19), "State Funeral of Queen Elizabeth II"),
        (D(2023, 1, 2), "substitute for New Year's Day on a Sunday"),
        (D(2023, 5, 8), "Coronation of King Charles III"),
        (D(2026, 4, 3), "Good Friday"),
        (D(2026, 4, 6), "Easter Monday"),
        (D(2027, 3, 26), "Good Friday"),
        (D(2027, 3, 29), "Easter Monday"),
        (D(2026, 12, 28), "substitute for Boxing Day on a Saturday"),
    ],
)
def test_bank_holidays_are_not_working_days(day: date, why: str) -> None:
    assert day.weekday() < 5
    assert day in bank_holidays(day.year), why
    assert not is_working_day(day), why


@pytest.mark.parametrize(
    "day",
    [
        D(2020, 5, 4),  # the first Monday of May 2020 was a working day: the holiday moved to VE day
        D(2022, 5, 30),  # the last Monday of May 2022 likewise: it moved to Thursday 2 June
        D(2026, 12, 24),  # Christmas Eve is not a bank holiday
        D(2026, 12, 31),  # nor is New Year's Eve
    ],
)
def test_days_that_look_like_holidays_but_are_working_days(day: date) -> None:
    assert is_working_day(day)


def test_weekends_are_never_working_days() -> None:
    assert not is_working_day(D(2026, 12, 19))  # Saturday
    assert not is_working_day(D(2026, 12, 20))  # Sunday
    assert is_working_day(D(2026, 12, 21))  # Monday


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (D(2026, 11, 20), 1, D(2026, 11, 23)),  # Friday → Monday
        (D(2026, 11, 21), 1, D(2026, 11, 23)),  # from a Saturday, the first working day is Monday
        (D(2026, 11, 16), 5, D(2026, 11, 23)),  # a plain week
        (D(2026, 11, 16), 0, D(2026, 11, 16)),
        (D(2026, 4, 2), 1, D(2026, 4, 7)),  # Maundy Thursday → Tuesday after Easter Monday
        (D(2027, 3, 25), 1, D(2027, 3, 30)),
        (D(2026, 12, 24), 1, D(2026, 12, 29)),  # Christmas Friday, weekend, Boxing Day substitute Monday
        (D(2027, 12, 24), 1, D(2027, 12, 29)),  # Christmas and Boxing Day both at the weekend
        (D(2021, 12, 24), 1, D(2021, 12, 29)),
        (D(2020, 12, 24), 1, D(2020, 12, 29)),  # Boxing Day 2020 was a Saturday
        (D(2026, 12, 31), 1, D(2027, 1, 4)),  # New Year's Day, then a weekend
        (D(2026, 5, 1), 1, D(2026, 5, 5)),  # early May bank holiday
        (D(2020, 5, 7), 1, D(2020, 5, 11)),  # VE day 2020
        (D(2022, 6, 1), 1, D(2022, 6, 6)),  # Jubilee: Thursday and Friday off
        (D(2022, 9, 16), 1, D(2022, 9, 20)),  # State Funeral Monday
        (D(2023, 5, 5), 1, D(2023, 5, 9)),  # Coronation Monday
    ],
)
def test_add_working_days(start: date, n: int, expected: date) -> None:
    assert add_working_days(start, n) == expected


def test_counting_backwards_is_refused_with_a_clear_error() -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        add_working_days(D(2026, 12, 18), -1)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2026, 12, 18), D(2026, 12, 18), 0),
        (D(2026, 12, 18), D(2026, 12, 20), 0),  # only a weekend after a Friday
        (D(2026, 12, 18), D(2026, 12, 21), 1),
        (D(2026, 12, 18), D(2027, 1, 4), 8),  # across Christmas, Boxing Day substitute and New Year
        (D(2027, 1, 4), D(2026, 12, 18), -8),
        (D(2022, 5, 27), D(2022, 6, 10), 8),  # two weeks holding the Jubilee Thursday and Friday
    ],
)
def test_working_days_between(start: date, end: date, expected: int) -> None:
    assert working_days_between(start, end) == expected


DAYS = st.dates(min_value=D(2020, 1, 1), max_value=D(2030, 12, 31))


@given(DAYS, st.integers(min_value=0, max_value=60))
def test_adding_then_counting_gives_back_the_same_number(start: date, n: int) -> None:
    end = add_working_days(start, n)
    assert working_days_between(start, end) == n
    if n:  # the nth working day is the first day that completes the count, never a weekend or holiday after it
        assert is_working_day(end)
        assert working_days_between(start, end - timedelta(days=1)) == n - 1


@given(DAYS, DAYS)
def test_counting_backwards_is_the_same_count_negated(start: date, end: date) -> None:
    assert working_days_between(start, end) == -working_days_between(end, start)
