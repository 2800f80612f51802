"""Times are stored in UTC and shown in the inspection's local time, summer time included."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from tui.timefmt import day_label, fieldwork_day, long_time, short_time, to_local, zone

LONDON = ZoneInfo("Europe/London")


def test_winter_times_are_gmt() -> None:
    moment = datetime(2026, 11, 16, 9, 5, tzinfo=UTC)
    assert short_time(moment, LONDON) == "16 Nov 09:05"
    assert long_time(moment, LONDON) == "Mon 16 Nov 2026 09:05 GMT"


def test_summer_times_are_bst_an_hour_ahead() -> None:
    moment = datetime(2026, 6, 15, 9, 5, tzinfo=UTC)
    assert short_time(moment, LONDON) == "15 Jun 10:05"
    assert long_time(moment, LONDON).endswith("10:05 BST")


def test_the_clocks_change_in_the_night() -> None:
    # 29 March 2026: 01:00 GMT becomes 02:00 BST.
    assert short_time(datetime(2026, 3, 29, 0, 59, tzinfo=UTC), LONDON) == "29 Mar 00:59"
    assert short_time(datetime(2026, 3, 29, 1, 0, tzinfo=UTC), LONDON) == "29 Mar 02:00"
    # 25 October 2026: 01:00 UTC is 01:00 GMT again after 01:59 BST.
    assert short_time(datetime(2026, 10, 25, 0, 30, tzinfo=UTC), LONDON) == "25 Oct 01:30"
    assert short_time(datetime(2026, 10, 25, 1, 30, tzinfo=UTC), LONDON) == "25 Oct 01:30"


def test_naive_times_are_taken_as_utc() -> None:
    assert to_local(datetime(2026, 6, 1, 12, 0), LONDON).hour == 13


def test_unknown_zone_falls_back_to_london() -> None:
    assert zone("Not/AZone") == LONDON
    assert zone(None) == LONDON
    assert zone("Europe/Paris") == ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    ("now", "day"),
    [
        (datetime(2026, 11, 16, 0, 0, tzinfo=UTC), 1),
        (datetime(2026, 11, 18, 10, 30, tzinfo=UTC), 3),
        (datetime(2026, 11, 15, 23, 59, tzinfo=UTC), None),
    ],
)
def test_fieldwork_day_counts_from_the_start_date(now: datetime, day: int | None) -> None:
    assert fieldwork_day(date(2026, 11, 16), now, LONDON) == day


def test_fieldwork_day_uses_the_local_date_in_summer() -> None:
    # 23:30 UTC on 1 June is already 2 June in London: day 2.
    assert fieldwork_day(date(2026, 6, 1), datetime(2026, 6, 1, 23, 30, tzinfo=UTC), LONDON) == 2


def test_day_labels() -> None:
    now = datetime(2026, 11, 18, 10, 30, tzinfo=UTC)
    assert day_label(date(2026, 11, 16), now, LONDON) == "Day 3 of fieldwork"
    assert day_label(date(2026, 11, 30), now, LONDON) == "Fieldwork starts Mon 30 Nov 2026"
    assert day_label(None, now, LONDON) == "Fieldwork dates not set"
