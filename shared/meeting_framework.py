"""What the child-protection framework asks of the planning and final meetings, in its own words.

CP ¶28: "At the earliest possible opportunity" the lead meets the Director of Children's Services (DCS) to plan
the rest of the inspection, for four stated purposes; CP ¶41 adds that at this meeting the lead explains how
case records will be looked at with key professionals. The drafted agenda of a planning meeting is those
purposes. CP ¶31: the team's final meeting is "on the last day of fieldwork (day eight normally the Wednesday of
the second week)" with the DCS invited; a final meeting opened on another day is warned about, not refused.
"""

from __future__ import annotations

from datetime import date

from shared.fieldwork import fieldwork_day
from shared.meeting_attendance import MeetingWarning
from shared.reporting_clock import short_day
from shared.working_days import add_working_days

PLANNING_PURPOSES: tuple[str, ...] = (
    "Provide further information about the scope of the inspection",
    "Agree practical arrangements such as shadowing social work staff, observing multi-agency meetings and "
    "arrangements for scrutiny of case files with appropriate workers – and provide other clarification as "
    "necessary",
    "Provide an opportunity for inspectors to discuss any issues or concerns that have arisen from the "
    "pre-inspection reading",
    "Discuss how children, young people and their families can be directly engaged in the inspection",
    "Explain how inspectors will identify and analyse case records with, and alongside, key professionals who "
    "have oversight of the decision-making process throughout all stages of the child's journey",
)
"""The planning meeting's agenda: CP ¶28's four purposes as the framework words them, then what CP ¶41 says the
lead explains "at the meeting with the Director of Children's Services"."""

FINAL_DAY = 8
"""CP ¶31: the final meeting is "day eight normally"."""

FINAL_MEETING_GUIDANCE = (
    "The team holds its final meeting on the last day of fieldwork (day eight normally the Wednesday of the second "
    "week) to secure their judgements and agree gradings; the Director of Children's Services will be invited to "
    "join this meeting (CP ¶31)."
)


def final_meeting_day(start_date: date | None, end_date: date | None) -> str:
    """When the final meeting falls for these fieldwork dates, for the lead planning it."""
    if end_date is not None:
        return f"The last day of fieldwork is {short_day(end_date)}."
    if start_date is not None:
        return (f"The last day of fieldwork is not set; day {FINAL_DAY} of fieldwork would be "
                f"{short_day(add_working_days(start_date, FINAL_DAY - 1))}.")
    return "The fieldwork dates are not set."


def final_day_warning(day: date, start_date: date | None, end_date: date | None) -> MeetingWarning | None:
    """Why a final meeting on ``day`` is not where CP ¶31 puts it (the last day of fieldwork); None if it is."""
    if end_date is None:
        return MeetingWarning(field="day", text="The last day of fieldwork is not set, and CP ¶31 holds the final "
                              "meeting on the last day of fieldwork: set the fieldwork dates.")
    if day == end_date:
        return None
    number = fieldwork_day(start_date, day) if start_date is not None else None
    which = f" (day {number} of fieldwork)" if number is not None and day <= end_date else ""
    return MeetingWarning(field="day", text=f"CP ¶31 holds the final meeting on the last day of fieldwork, "
                          f"{short_day(end_date)}; this one is on {short_day(day)}{which}.")
