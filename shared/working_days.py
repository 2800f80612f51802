"""England and Wales bank holidays and working-day arithmetic, for the reporting clock (CP ¶45–48).

The bank holidays come from the ``holidays`` package (GB, subdivision ENG: England and Wales keep one list),
which already knows the substitute days and the one-offs — the 2022 Platinum Jubilee and State Funeral, the 2023
Coronation, the early May bank holiday moved for VE day in 2020 — so a future one-off needs a package upgrade,
not a code change here. A working day is a weekday that is not a bank holiday.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays

COUNTRY = "GB"
SUBDIVISION = "ENG"
"""England; Wales has the same bank holidays, Scotland and Northern Ireland do not."""

_DAY = timedelta(days=1)


@lru_cache(maxsize=32)
def bank_holidays(year: int) -> frozenset[date]:
    """England and Wales bank holidays in ``year``, substitute days included.

    A holiday falling at a weekend is listed on its own date as well as on its substitute weekday
    (Christmas Day 2021, a Saturday, and its substitute Monday 27 December); weekends are never working days
    anyway. Cached: the reporting clock asks for the same year many times.
    """
    return frozenset(holidays.country_holidays(COUNTRY, subdiv=SUBDIVISION, years=year))


def is_working_day(day: date) -> bool:
    """Monday to Friday and not an England and Wales bank holiday."""
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def add_working_days(start: date, n: int) -> date:
    """The ``n``th working day after ``start`` (``start`` itself is not counted; ``n == 0`` gives ``start``).

    "Within 10 working days of the end of the inspection" (CP ¶45) counts from the day after fieldwork ends,
    whether or not the last day of fieldwork was itself a working day.
    """
    if n < 0:
        raise ValueError(f"n must not be negative (got {n}): the reporting clock only counts forwards")
    day = start
    while n:
        day += _DAY
        if is_working_day(day):
            n -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end``; negative (the same count reversed) if end < start.

    ``working_days_between(d, add_working_days(d, n)) == n`` for every ``n >= 0``.
    """
    if end < start:
        return -working_days_between(end, start)
    count = 0
    day = start
    while day < end:
        day += _DAY
        if is_working_day(day):
            count += 1
    return count
