"""Who is on site when: each inspector's days on site, which the lead records (CP ¶15; I ¶36, ¶100).

CP ¶15: the lead is on site from day one, three inspectors from day two and two more from day three "for the
remainder of the inspection"; I ¶36: "It is not anticipated that all inspectors will be on site for the whole
inspection"; I ¶100: HMI Prisons inspectors "would be present for week three". So each inspector has a first and
a last day on site (no first day: from the start of fieldwork; no last day: to its end), and only days of
fieldwork count.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal

from pydantic import model_validator

from shared.fieldwork import FieldworkDay, on_site_today
from shared.protocol import Command, Frame, Inspector
from shared.vocabulary import Role
from shared.working_days import add_working_days


def last_before_first(first_day: date | None, last_day: date | None) -> str | None:
    """Why these days on site cannot both be right; None if they can."""
    if first_day is not None and last_day is not None and last_day < first_day:
        return f"the last day on site ({last_day:%a} {last_day.day} {last_day:%b %Y}) is before the first"
    return None


class SetOnSite(Command):
    """``on-site.set``: the lead records one inspector's first and last day on site (null: fieldwork's own)."""

    type: Literal["on-site.set"] = "on-site.set"
    inspector_id: int
    first_day: FieldworkDay | None = None
    last_day: FieldworkDay | None = None

    @model_validator(mode="after")
    def _rules(self) -> SetOnSite:
        why = last_before_first(self.first_day, self.last_day)
        if why is not None:
            raise ValueError(f"last_day: {why}")
        return self


class OnSiteSet(Frame):
    """Data of ``on-site.set``: that inspector's days on site from now on."""

    inspector_id: int
    first_day: date | None
    last_day: date | None


@dataclass(frozen=True)
class DaysOnSite:
    first_day: date | None
    last_day: date | None


def on_site(days: DaysOnSite, start_date: date, end_date: date | None, today: date) -> bool:
    """Whether an inspector with these days is on site ``today``: a day of fieldwork within them."""
    first = days.first_day or start_date
    last = min(filter(None, (days.last_day, end_date)), default=None)
    return first <= today and (last is None or today <= last) and on_site_today(start_date, today)


def on_site_now(
    members: Iterable[int], team_days: Mapping[int, DaysOnSite], start_date: date | None, end_date: date | None,
    today: date,
) -> frozenset[int] | None:
    """Which ``members`` are on site today (one whose days are not recorded is there for all of fieldwork); None
    while nobody's days are recorded, or fieldwork has no first day."""
    if not team_days or start_date is None:
        return None
    everywhere = DaysOnSite(None, None)
    return frozenset(member for member in members
                     if on_site(team_days.get(member, everywhere), start_date, end_date, today))


DAY_TWO = 3
"""CP ¶15: "three inspectors will be on site on day two" after the lead's day one; the rest join on day three."""


def framework_rhythm(team: Iterable[Inspector], start_date: date) -> dict[int, date]:
    """Each inspector's first day on site as CP ¶15 has it, to the end of fieldwork: the lead on day one, the next
    three inspectors (in the order given) on day two, everyone after them on day three — CP ¶15's further two, and
    any additional inspector CP ¶14 allows. The QA manager, who scrutinises the judgements (CP ¶31) rather than
    inspects, is left out. A plan for the lead to adjust, not a rule."""
    day_two, day_three = add_working_days(start_date, 1), add_working_days(start_date, 2)
    members = list(team)
    inspectors = [member for member in members if member.role is Role.INSPECTOR]
    plan = {member.id: start_date for member in members if member.role is Role.LEAD}
    plan |= {member.id: day_two for member in inspectors[:DAY_TWO]}
    plan |= {member.id: day_three for member in inspectors[DAY_TWO:]}
    return plan
