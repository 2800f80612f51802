"""Who attended a meeting: the Director of Children's Services (DCS) or their representative, and who else.

CP ¶28: the planning meeting is with "the Director of Children's Services or their representative"; CP ¶30: the
daily keeping-in-touch meetings are discussions between the lead and the DCS "or their representative"; CP ¶31:
the DCS "will be invited to join" the final meeting. So the minutes say how the DCS took part (attended, sent a
representative, invited, sent apologies) and who else attended, as the lead writes it.

The names are of the local authority's senior officers, adults in their working role, but they are free text all
the same: the fields sit flat on the commands (not in a list of people) so that the personal-data guard, which
reads every free-text field of a command, reads each one.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, model_validator

from shared.fields import RefId, Short, Text
from shared.protocol import Command, Payload
from shared.vocabulary import Labelled

DCS = "Director of Children's Services"


class DcsPresence(Labelled):
    """How the DCS took part in a meeting."""

    ATTENDED = "attended"
    REPRESENTED = "represented", "Sent a representative"
    INVITED = "invited", "Invited"
    APOLOGIES = "apologies", "Invited; sent apologies"


class MeetingWarning(BaseModel):
    """What the framework expects of a meeting and this one does not do: shown and minuted, never a refusal."""

    field: str
    text: str


DCS_NOT_INVITED = MeetingWarning(
    field="dcs",
    text=f"The {DCS} is not recorded as invited: CP ¶31 says the DCS will be invited to join the final meeting.",
)


class Attendance(BaseModel):
    """Who attended, as the minutes keep it; all empty until the lead records it."""

    dcs: DcsPresence | None = None
    dcs_name: str | None = None
    representative: str | None = None
    others: str | None = None

    @property
    def dcs_present(self) -> bool:
        """The DCS or their representative was there (CP ¶30's daily discussion took place with them)."""
        return self.dcs in (DcsPresence.ATTENDED, DcsPresence.REPRESENTED)

    @property
    def dcs_invited(self) -> bool:
        """The DCS was invited, whether they came or not (CP ¶31)."""
        return self.dcs is not None

    @property
    def recorded(self) -> bool:
        return self.dcs is not None or bool(self.others)

    def lines(self) -> list[str]:
        """The attendance in words, one line each: ``Director of Children's Services: attended (Jane Smith)``."""
        if not self.recorded:
            return ["Not recorded."]
        lines = []
        if self.dcs is not None:
            name = f" ({self.dcs_name})" if self.dcs_name else ""
            how = self.dcs.label.lower()
            if self.dcs is DcsPresence.REPRESENTED:
                how = f"represented by {self.representative}"
            lines.append(f"{DCS}{name}: {how}")
        if self.others:
            lines.append(f"Also present: {self.others}")
        return lines


class AttendanceCommand(Command):
    """The attendance fields a command may carry (``meeting.open``, ``attendance.record``), with their rules."""

    dcs: DcsPresence | None = None
    dcs_name: Short | None = None
    representative: Short | None = None
    """Who came in the DCS's place, e.g. "Tom Jones, Head of Service"; only with ``dcs: represented``."""
    others: Text | None = None
    """Everyone else present, as the lead writes it."""

    @model_validator(mode="after")
    def _attendance_rules(self) -> AttendanceCommand:
        if self.dcs is DcsPresence.REPRESENTED and not self.representative:
            raise ValueError("representative: name who represented the DCS")
        if self.representative and self.dcs is not DcsPresence.REPRESENTED:
            raise ValueError("representative: only when the DCS sent a representative (dcs: represented)")
        if self.dcs_name and self.dcs is None:
            raise ValueError("dcs: say how the DCS took part")
        return self

    def attendance(self) -> Attendance:
        return Attendance(dcs=self.dcs, dcs_name=self.dcs_name, representative=self.representative,
                          others=self.others)


class RecordAttendance(AttendanceCommand):
    """``attendance.record`` (lead only, while the meeting is open): who attended, replacing what was recorded."""

    type: Literal["attendance.record"] = "attendance.record"
    meeting_id: RefId


class AttendanceRecorded(Payload):
    """Data of ``attendance.recorded``: the meeting's attendance from now on."""

    meeting_id: str
    dcs: DcsPresence | None = None
    dcs_name: str | None = None
    representative: str | None = None
    others: str | None = None

    def attendance(self) -> Attendance:
        return Attendance.model_validate(self.model_dump(exclude={"meeting_id"}))
