"""Asks before closing a meeting, because closing cannot be undone: the minutes are frozen from then on.

Closing the final team meeting also records the agreed grades as they stand (shared.meetings.Minutes.agreed_grades),
so the dialog says how many judgements are agreed: a gap there is the lead's last chance to notice it.
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import Static

from shared.grade_board import GradeBoard
from shared.meetings import EntryKind, MeetingKind, Minutes
from shared.vocabulary import Framework
from tui.dialogs.buttons import press
from tui.dialogs.confirm import ConfirmDialog


def agreed_count(grades: GradeBoard, framework: Framework = Framework.INTEGRATED) -> tuple[int, int]:
    """(judgements with an agreed grade, graded judgements on the framework's board): what a final meeting would
    record."""
    rows = grades.rows(framework)
    agreed = sum(1 for _, _, cell in rows if cell is not None and cell.agreed is not None and cell.agreed.grade)
    return agreed, len(rows)


def close_warning(
    minutes: Minutes, grades: GradeBoard | None = None, framework: Framework = Framework.INTEGRATED
) -> str:
    actions = sum(1 for entry in minutes.entries if entry.kind is EntryKind.ACTION)
    recorded = f"{len(minutes.entries)} entries ({actions} actions)" if minutes.entries else "nothing recorded yet"
    if minutes.kind is MeetingKind.FINAL:
        agreed, total = agreed_count(grades or GradeBoard(), framework)
        freezes = ("Closing the final team meeting freezes its minutes with the agreed grades as they stand: "
                   f"{agreed} of {total} judgements agreed. Nothing more can be recorded, added, moved or dropped. "
                   "After that, a grade changes only if the lead reopens it with a reason (O on the grade board), "
                   "which these minutes record as an amendment.")
    else:
        freezes = "Closing freezes the minutes: nothing more can be recorded, added, moved or dropped."
    return (
        f"{len(minutes.agenda)} agenda items, {recorded}.\n\n"
        f"{freezes} A correction after closing is an amendment, kept with its history."
    )


class CloseMeetingDialog(ConfirmDialog):
    """Returns True to close the meeting, False to keep it open."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,n", "keep", "Keep it open"),
        Binding("y", "close_meeting", "Close it"),
    ]

    def __init__(
        self, minutes: Minutes, grades: GradeBoard | None = None, framework: Framework = Framework.INTEGRATED
    ) -> None:
        day = minutes.day
        super().__init__(
            "close", f"Close the {minutes.kind.label.lower()} of {day:%A} {day.day} {day:%B}?",
            Static(close_warning(minutes, grades, framework), id="close-warning"),
            press("Keep it open  n", "keep", id="keep"),
            press("Close and freeze the minutes  y", "close_meeting", id="close", variant="warning"))
        self.minutes = minutes
        self.grades = grades
        """The grade board now: a final meeting's close records its agreed grades."""

    def action_keep(self) -> None:
        self.dismiss(False)

    def action_close_meeting(self) -> None:
        self.dismiss(True)
