"""The forms the lead fills in to run a meeting: open it, record who attended, add an agenda item, record an entry,
amend one.

Each is an CommandForm (validated with the command's own pydantic model from shared.meetings, as the server
validates it) in the calm colours. Dates are typed as the
inspection's local dates; "today" is today where the inspection happens, not where the laptop thinks it is.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any

from shared.meeting_attendance import DcsPresence, RecordAttendance
from shared.meeting_framework import FINAL_MEETING_GUIDANCE, final_day_warning, final_meeting_day
from shared.meetings import (
    AddAgendaItem,
    AgendaItem,
    AmendEntry,
    Entry,
    EntryKind,
    MeetingKind,
    Minutes,
    OpenMeeting,
    RecordEntry,
)
from shared.protocol import Inspection
from shared.vocabulary import Framework
from tui.dialogs.command_form import CommandForm, FormField
from tui.timefmt import to_local

DAY_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y")


class MeetingForm(CommandForm):
    """An CommandForm in the calm colours: a meeting is business as usual, not an alarm."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(calm=True, **kwargs)


@dataclass(frozen=True)
class MeetingContext:
    """The clock and the inspection's time zone, which decide what "today" is."""

    now: datetime
    timezone: tzinfo

    @property
    def today(self) -> date:
        return to_local(self.now, self.timezone).date()


def new_command_id() -> str:
    return uuid.uuid4().hex


def parse_day(text: str) -> date:
    """A due date typed as 2026-11-20 or 20/11/2026."""
    text = text.strip()
    for pattern in DAY_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError("give a date like 2026-11-20 or 20/11/2026")


def parse_position(text: str) -> int:
    """Agenda positions are typed from 1 (the top) and sent from 0."""
    try:
        number = int(text)
    except ValueError:
        raise ValueError("give a number: 1 puts it first; leave it empty to add it last") from None
    if number < 1:
        raise ValueError("1 is the top of the agenda")
    return number - 1


def day_text(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def attendance_fields(minutes: Minutes | None = None) -> list[FormField]:
    """How the DCS took part (CP ¶28, ¶30, ¶31) and who else attended; filled in with what ``minutes`` hold."""
    was = minutes.attendance if minutes is not None else None
    return [
        FormField("dcs", "DCS", "choice", choices=DcsPresence.choices(), placeholder="Not recorded",
                  value=was.dcs.value if was is not None and was.dcs is not None else None),
        FormField("dcs_name", "DCS's name", value=was.dcs_name if was else "", placeholder="optional"),
        FormField("representative", "Representative", value=was.representative if was else "",
                  placeholder="who came in the DCS's place, e.g. Head of Service"),
        FormField("others", "Also present", value=was.others if was else "",
                  placeholder="e.g. MASH manager; the team's inspectors"),
    ]


def open_intro(ctx: MeetingContext, inspection: Inspection | None) -> str:
    """What each kind's drafted agenda holds, and when the final meeting falls (CP ¶31) — with the warning the
    server will record if the final meeting is opened today."""
    narratives = "" if inspection is not None and inspection.framework is Framework.CHILD_PROTECTION else (
        " and each narrative")
    start, end = (inspection.start_date, inspection.end_date) if inspection is not None else (None, None)
    late = final_day_warning(ctx.today, start, end)
    today = f" Opened today it would be minuted with a warning: {late.text}" if late is not None else ""
    return (
        "The agenda is drafted from the record: for the planning meeting, what it is for (CP ¶28); otherwise "
        "findings since the last meeting of this kind, open alerts and open lines of enquiry; for the final "
        f"meeting, every judgement to agree{narratives}. You can then reorder, drop and add items. Record the DCS "
        "as invited to the final meeting.\n\n"
        f"{FINAL_MEETING_GUIDANCE} {final_meeting_day(start, end)}{today}"
    )


def open_form(ctx: MeetingContext, kinds: Sequence[MeetingKind], inspection: Inspection | None = None) -> MeetingForm:
    """Open today's meeting of one of ``kinds`` (those not already open), with who attends if known; the server
    drafts the agenda."""
    return MeetingForm(
        title=f"Open a meeting — {day_text(ctx.today)}",
        intro=open_intro(ctx, inspection),
        command_type=OpenMeeting,
        command_id=new_command_id(),
        fixed={"day": ctx.today},
        fields=[FormField("kind", "Meeting", "choice", choices=[(k.label, k.value) for k in kinds],
                          value=kinds[0].value if kinds else None, placeholder="Which meeting?"),
                *attendance_fields()],
        timezone=ctx.timezone,
        now=ctx.now,
        send_label="Open",
    )


def attendance_form(ctx: MeetingContext, minutes: Minutes) -> MeetingForm:
    """Who attended, replacing what was recorded: the DCS or their representative (CP ¶30), and anyone else."""
    invited = " The DCS is invited to the final meeting (CP ¶31)." if minutes.kind is MeetingKind.FINAL else ""
    fields = attendance_fields(minutes)
    return MeetingForm(
        title=f"Who attended — {minutes.kind.label}",
        intro="The DCS, or their representative, and anyone else present; names are checked for personal data like "
        f"any other text.{invited}",
        command_type=RecordAttendance,
        command_id=new_command_id(),
        fixed={"meeting_id": minutes.id},
        fields=fields if minutes.kind is not MeetingKind.TEAM else fields[-1:],
        timezone=ctx.timezone,
        now=ctx.now,
        send_label="Record",
    )


def add_item_form(ctx: MeetingContext, minutes: Minutes, position: int | None) -> MeetingForm:
    """Add an item under "Other business"; it goes at ``position`` (from 0), or last if that is left empty."""
    return MeetingForm(
        title=f"Add an agenda item — {minutes.kind.label}",
        command_type=AddAgendaItem,
        command_id=new_command_id(),
        fixed={"meeting_id": minutes.id},
        fields=[
            FormField("title", "Item", placeholder="what to discuss"),
            FormField("position", "Position", value=str(position + 1) if position is not None else "",
                      placeholder="1 = first; empty = last", convert=parse_position),
        ],
        timezone=ctx.timezone,
        now=ctx.now,
        send_label="Add",
    )


RECORD_TITLES = {
    EntryKind.NOTE: "Record a note",
    EntryKind.LA_RESPONSE: "Record the local authority's response",
    EntryKind.ACTION: "Record an action",
}


def record_form(ctx: MeetingContext, minutes: Minutes, item: AgendaItem | None, kind: EntryKind) -> MeetingForm:
    """A note, the local authority's response or an action, against ``item`` (or in general)."""
    fields = [FormField("text", kind.label, "text")]
    if kind is EntryKind.ACTION:
        fields += [
            FormField("owner", "Owner", placeholder="who will do it, e.g. Head of Service"),
            FormField("due", "Due", placeholder="2026-11-20 or 20/11/2026", convert=parse_day),
        ]
    against = f"Against: {item.title}" if item is not None else "In general (not against an agenda item)."
    return MeetingForm(
        title=f"{RECORD_TITLES[kind]} — {minutes.kind.label}",
        intro=against,
        command_type=RecordEntry,
        command_id=new_command_id(),
        fixed={"meeting_id": minutes.id, "item_id": item.id if item else None, "entry": kind.value},
        fields=fields,
        timezone=ctx.timezone,
        now=ctx.now,
        send_label="Record",
    )


def amend_form(ctx: MeetingContext, minutes: Minutes, entry: Entry) -> MeetingForm:
    """Correct an entry: every earlier version stays in the minutes, with the reason given here."""
    current = entry.current
    fields = [FormField("text", entry.kind.label, "text", value=current.text)]
    if entry.kind is EntryKind.ACTION:
        fields += [
            FormField("owner", "Owner", value=current.owner or ""),
            FormField("due", "Due", value=current.due.isoformat() if current.due else "", convert=parse_day),
        ]
    fields.append(FormField("reason", "Reason", placeholder="why it is corrected (optional)"))
    frozen = "" if minutes.is_open else "The minutes are closed: this is recorded as an amendment. "
    return MeetingForm(
        title=f"Amend — {entry.kind.label.lower()} in the {minutes.kind.label.lower()} of "
        f"{minutes.day.day} {minutes.day:%b}",
        intro=frozen + "Every earlier version stays in the minutes and the export.",
        command_type=AmendEntry,
        command_id=new_command_id(),
        fixed={"meeting_id": minutes.id, "entry_id": entry.id},
        fields=fields,
        timezone=ctx.timezone,
        now=ctx.now,
        send_label="Amend",
    )
