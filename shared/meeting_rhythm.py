"""Whether today's meetings with the Director of Children's Services have been held, at a glance for the lead.

CP ¶30: "Daily discussions between the lead inspector and the Director of Children's Services, or their
representative, form an essential part of the inspection" — a keeping-in-touch (KIT) meeting each day of
fieldwork. CP ¶28: the planning meeting with the DCS "At the earliest possible opportunity". Both are read from
the folded minutes and the fieldwork dates; today is given (the clock is the caller's), so this stays pure.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from shared.fieldwork import fieldwork_day, on_site_today
from shared.meetings import MeetingKind, Minutes
from shared.vocabulary import Labelled


class KitState(Labelled):
    NOT_HELD = "not-held", "not held"
    OPEN = "open", "open"
    HELD = "held", "held"


@dataclass(frozen=True)
class KitGlance:
    """Today's KIT meeting on a day of fieldwork: whether it was held, and with the DCS or their representative."""

    day: date
    fieldwork_day: int
    state: KitState
    with_dcs: bool
    planning_held: bool

    @property
    def marker(self) -> str:
        """For the header: ``KIT not held``, ``KIT open``, ``KIT held``, or ``KIT held, no DCS``."""
        no_dcs = ", no DCS" if self.state is KitState.HELD and not self.with_dcs else ""
        return f"KIT {self.state.label}{no_dcs}"

    @property
    def line(self) -> str:
        """For the meetings screen: what is due today, in the framework's words."""
        kit = f"Today's KIT meeting (day {self.fieldwork_day} of fieldwork)"
        if self.state is KitState.NOT_HELD:
            text = f"{kit} is not held yet: CP ¶30, a daily discussion with the DCS or their representative."
        else:
            done = "is open" if self.state is KitState.OPEN else "was held"
            text = (f"{kit} {done} with the DCS or their representative." if self.with_dcs else
                    f"{kit} {done}; the DCS or their representative is not recorded as attending.")
        if not self.planning_held:
            text += " No planning meeting with the DCS yet: CP ¶28, at the earliest possible opportunity."
        return text

    @property
    def needs_attention(self) -> bool:
        return self.state is not KitState.HELD or not self.with_dcs or not self.planning_held


def kit_glance(meetings: Iterable[Minutes], start_date: date | None, end_date: date | None,
               today: date) -> KitGlance | None:
    """Today's KIT meeting as the minutes have it; None when today is not a day of fieldwork (before it starts,
    after its last day, at a weekend or on a bank holiday) or fieldwork has no first day."""
    if start_date is None or not on_site_today(start_date, today) or (end_date is not None and today > end_date):
        return None
    number = fieldwork_day(start_date, today)
    assert number is not None  # on_site_today: on or after the first day
    meetings = list(meetings)
    kits = [m for m in meetings if m.kind is MeetingKind.KIT and m.day == today]
    state = (KitState.HELD if any(not m.is_open for m in kits) else
             KitState.OPEN if kits else KitState.NOT_HELD)
    planning = any(m.kind is MeetingKind.PLANNING for m in meetings)
    return KitGlance(today, number, state, any(m.attendance.dcs_present for m in kits), planning)
