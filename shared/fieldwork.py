"""Fieldwork dates: the first and last day on site, which the lead sets and the reporting clock counts from.

CP ¶45–48 time the reports from "the end of the inspection", the last day of fieldwork; the lead, who chairs
the team and owns the inspection's timetable, is the one who records it (``fieldwork.set``). Fieldwork is
counted in working days, as the frameworks count it (CP ¶15, ¶31: "day eight normally the Wednesday of the
second week"): a weekend or a bank holiday is not a day of fieldwork.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field, model_validator

from shared.protocol import Command, Frame, Inspector
from shared.vocabulary import Role
from shared.working_days import is_working_day, working_days_between

EARLIEST = date(2000, 1, 1)
LATEST = date(2099, 12, 31)
"""Dates outside these are typing mistakes, and past 2099 the bank-holiday rules are guesswork."""

FieldworkDay = Annotated[date, Field(ge=EARLIEST, le=LATEST)]


def fieldwork_day(start_date: date, today: date) -> int | None:
    """Which working day of fieldwork ``today`` is, the first day being day 1 (on a day off, the days done so far);
    None before fieldwork starts."""
    if today < start_date:
        return None
    return 1 + working_days_between(start_date, today)


def fieldwork_days(start_date: date, end_date: date) -> int:
    """How many working days fieldwork lasts, the first and last day included."""
    return 1 + working_days_between(start_date, end_date)


def on_site_today(start_date: date, today: date) -> bool:
    """Whether ``today`` is a day of fieldwork (from the first day on, a working day or the first day itself)."""
    return today == start_date or (today > start_date and is_working_day(today))


def end_before_start(start_date: date | None, end_date: date | None) -> str | None:
    """Why these dates cannot both be right; None if they can."""
    if start_date is not None and end_date is not None and end_date < start_date:
        return (
            f"the last day of fieldwork ({end_date:%a} {end_date.day} {end_date:%b %Y}) is before the first "
            f"({start_date:%a} {start_date.day} {start_date:%b %Y})"
        )
    return None


class SetFieldwork(Command):
    """``fieldwork.set``: the lead records the first and last day of fieldwork (null clears one)."""

    type: Literal["fieldwork.set"] = "fieldwork.set"
    start_date: FieldworkDay | None = None
    end_date: FieldworkDay | None = None

    @model_validator(mode="after")
    def _rules(self) -> SetFieldwork:
        why = end_before_start(self.start_date, self.end_date)
        if why is not None:
            raise ValueError(f"end_date: {why}")
        return self


class FieldworkSet(Frame):
    """Data of ``fieldwork.set``: the inspection's fieldwork dates from now on."""

    start_date: date | None
    end_date: date | None


def may_set_fieldwork(actor: Inspector) -> bool:
    """Only the lead inspector."""
    return actor.role is Role.LEAD
