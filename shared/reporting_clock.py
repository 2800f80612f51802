"""The reporting clock: when the draft, the factual-accuracy comments, the final report and publication are due.

The child-protection framework sets the timetable from the end of the inspection (CP ¶45–48): the draft report
to the Director of Children's Services within 10 working days, their factual-accuracy comments back within
five more (15), the final report within 20, published within 22. ¶48 says "22 days"; it is counted here in
working days, as the rest of the timetable is and as the team plans it. Working days skip weekends and England
and Wales bank holidays (shared.working_days). Shown in the app and in the report's appendix, so both agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from shared.working_days import add_working_days, working_days_between


@dataclass(frozen=True, slots=True)
class Milestone:
    """One step of the reporting timetable and the day it is due."""

    key: str
    """Stable id: "draft", "factual-accuracy", "final", "published"."""
    label: str
    working_days: int
    """Working days after the last day of fieldwork."""
    due: date
    paragraphs: str
    """Where the timetable says so, e.g. "CP ¶45"."""


TIMETABLE: tuple[tuple[str, str, int, str], ...] = (
    ("draft", "Draft report", 10, "CP ¶45"),
    ("factual-accuracy", "Factual-accuracy comments", 15, "CP ¶46"),
    ("final", "Final report", 20, "CP ¶47"),
    ("published", "Report published", 22, "CP ¶48"),
)
"""(key, label, working days, paragraphs) in order."""


def reporting_clock(last_fieldwork_day: date) -> list[Milestone]:
    """The four milestones counted from the last day of fieldwork, in order."""
    return [
        Milestone(key, label, days, add_working_days(last_fieldwork_day, days), paragraphs)
        for key, label, days, paragraphs in TIMETABLE
    ]


def next_milestone(milestones: Sequence[Milestone], today: date) -> Milestone | None:
    """The first milestone due today or later; None once publication day has passed."""
    return next((milestone for milestone in milestones if milestone.due >= today), None)


def short_day(day: date) -> str:
    """``Fri 18 Dec 2026``: the weekday matters when counting working days."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def clock_status(milestone: Milestone, today: date) -> str:
    """How far off a milestone is, in working days: "due in 3 working days", "due today", "2 working days overdue".

    The day after a Friday deadline is overdue by no working day yet; it reads "overdue since Fri 18 Dec 2026".
    """
    if today == milestone.due:
        return "due today"
    if today < milestone.due:
        ahead = working_days_between(today, milestone.due)
        return f"due in {ahead} working day{'' if ahead == 1 else 's'}"
    behind = working_days_between(milestone.due, today)
    if behind == 0:
        return f"overdue since {short_day(milestone.due)}"
    return f"{behind} working day{'' if behind == 1 else 's'} overdue"
