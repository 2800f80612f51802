"""The reporting clock on screen: each milestone's due date and how many working days are left (CP ¶45–48).

A plain widget given the inspection and today's date (the inspection's local date), so the grade board, the
report preview and the clock screen can all mount it; the dates come from shared.reporting_clock, the same
function the report's appendix uses.
"""

from __future__ import annotations

from datetime import date, datetime

from textual.content import Content
from textual.widgets import Static

from shared.fieldwork import fieldwork_day, fieldwork_days, on_site_today
from shared.protocol import Inspection
from shared.reporting_clock import Milestone, clock_status, next_milestone, reporting_clock, short_day
from tui.timefmt import to_local, zone
from tui.widgets.plain import assemble, plain

NOT_SET = "Last day of fieldwork not set — the lead sets it (palette: Set fieldwork dates)"
NOT_KNOWN = "The inspection is not known yet — waiting for the server."
LABEL_WIDTH = 32
DUE_WIDTH = 17


def today_for(inspection: Inspection | None, now: datetime) -> date:
    """Today where the inspection happens, not where the laptop thinks it is."""
    return to_local(now, zone(inspection.timezone if inspection else None)).date()


def fieldwork_label(inspection: Inspection, now: datetime) -> str:
    """The header's words for where the inspection is: the fieldwork day, or once it is over the next milestone.

    Fieldwork is counted in working days: "Day 6 of 10" while on site (with no last day set, "Day 6 of
    fieldwork"), "No fieldwork today · 5 of 10 days done" at a weekend or on a bank holiday; "Draft report due in
    3 working days" afterwards; the last day of fieldwork once even publication day has passed.
    """
    today = today_for(inspection, now)
    start, end = inspection.start_date, inspection.end_date
    if end is not None and today > end:
        upcoming = next_milestone(reporting_clock(end), today)
        if upcoming is None:
            return f"Fieldwork ended {short_day(end)}"
        return f"{upcoming.label} {clock_status(upcoming, today)}"
    if start is None:
        return "Fieldwork dates not set"
    day = fieldwork_day(start, today)
    if day is None:
        return f"Fieldwork starts {short_day(start)}"
    total = None if end is None else fieldwork_days(start, end)
    if not on_site_today(start, today):
        return f"No fieldwork today · {day if total is None else f'{day} of {total}'} days done"
    return f"Day {day} of {'fieldwork' if total is None else total}"


def _style(milestone: Milestone, today: date, upcoming: Milestone | None) -> str:
    if milestone.due < today:
        return "$text-muted"
    if milestone is upcoming:
        return "bold $text-warning" if milestone.due == today else "bold"
    return ""


def clock_content(inspection: Inspection | None, today: date) -> Content:
    """The whole clock as styled text: a heading and one line per milestone, or why there is none yet."""
    if inspection is None:
        return plain(NOT_KNOWN, "$text-muted italic")
    end = inspection.end_date
    if end is None:
        return plain(NOT_SET, "$text-muted italic")
    milestones = reporting_clock(end)
    upcoming = next_milestone(milestones, today)
    where = "fieldwork ends" if today <= end else "fieldwork ended"
    parts: list[str | tuple[str, str]] = [
        (f"Reporting clock — {where} {short_day(end)}", "bold"),
        ("\nWorking days after it, skipping weekends and bank holidays (CP ¶45–48)", "$text-muted"),
    ]
    for milestone in milestones:
        style = _style(milestone, today, upcoming)
        label = f"{milestone.label} ({milestone.working_days})"
        parts += [
            "\n",
            (f"{label:<{LABEL_WIDTH}}", style),
            (f"{short_day(milestone.due):<{DUE_WIDTH}}", style),
            (clock_status(milestone, today), style or "$text-muted"),
        ]
    return assemble(*parts)


class ReportingClock(Static):
    """The four reporting milestones with due dates and working days left; ``show`` redraws it."""

    DEFAULT_CSS = """
    ReportingClock { height: auto; padding: 0 1; }
    """

    def __init__(
        self, inspection: Inspection | None, today: date, *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(clock_content(inspection, today), id=id, classes=classes)
        self.inspection = inspection
        self.today = today

    def show(self, inspection: Inspection | None, today: date) -> None:
        """Redraw for new dates (the lead changed them) or a new day."""
        self.inspection = inspection
        self.today = today
        self.update(clock_content(inspection, today))
