"""Clock and calendar for the screen: times are stored in UTC and shown in the inspection's local time.

Kept apart from widgets so the summer-time rules are unit-tested on their own; the fieldwork day, counted in
working days, is shared.fieldwork's.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIMEZONE = "Europe/London"

Clock = Callable[[], datetime]
"""Returns the current time as an aware datetime; injected so tests and snapshots are deterministic."""


def utc_now() -> datetime:
    """The real clock."""
    return datetime.now(UTC)


def zone(name: str | None) -> tzinfo:
    """The inspection's time zone, falling back to England's if the name is unknown to this machine."""
    try:
        return ZoneInfo(name or DEFAULT_TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIMEZONE)


def to_local(moment: datetime, tz: tzinfo) -> datetime:
    """Convert a stored time to local time; naive datetimes are taken to be UTC, as the store keeps them."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(tz)


def short_time(moment: datetime, tz: tzinfo) -> str:
    """A fixed-width stamp for a list row, e.g. ``16 Nov 14:05``; the day matters on a weeks-long inspection."""
    local = to_local(moment, tz)
    return f"{local.day:02d} {local:%b %H:%M}"


def long_time(moment: datetime, tz: tzinfo) -> str:
    """A stamp for the detail pane that names the zone, e.g. ``Mon 16 Nov 2026 14:05 GMT``."""
    local = to_local(moment, tz)
    return f"{local:%a} {local.day} {local:%b %Y %H:%M} {local.tzname()}"
