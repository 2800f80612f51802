"""Times are stored in UTC and shown in the inspection's local time, summer time included."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from tui.timefmt import long_time, short_time, to_local, zone

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
