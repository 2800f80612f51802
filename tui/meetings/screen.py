"""The meetings screen: every planning, KIT, team and final meeting by day, and the chosen one's agenda with its
record.

The lead runs the meeting from here (CP ¶28–31): open today's planning, KIT, team or final meeting, record who
attended, reorder, drop and add agenda items, record notes, the local authority's responses and actions, close it,
and amend entries afterwards; a line above says whether today's KIT meeting has been held (CP ¶30). Everyone else
sees the same minutes change live, read-only: keys are offered only for what the shared meeting rules allow this
user on the highlighted line, and the server still decides (its refusal is shown by the app). The screen asks the
app to send or export, by message; it never sees the socket or disk.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from shared.grades import judgement_label
from shared.meeting_attendance import RecordAttendance
from shared.meetings import (
    AddAgendaItem,
    AgendaItem,
    AgreedGrade,
    AmendEntry,
    CloseMeeting,
    DropAgendaItem,
    Entry,
    EntryKind,
    EntryVersion,
    GradeAmendment,
    MeetingKind,
    Minutes,
    MoveAgendaItem,
    OpenMeeting,
    RecordEntry,
)
from shared.protocol import Command, Inspector
from shared.vocabulary import Framework, Role
from tui import messages as m
from tui.meetings.close_dialog import CloseMeetingDialog
from tui.meetings.forms import (
    MeetingContext,
    MeetingForm,
    add_item_form,
    amend_form,
    attendance_form,
    new_command_id,
    open_form,
    record_form,
)
from tui.meetings.glance import todays_kit
from tui.outbox import Outbox
from tui.state import TeamState
from tui.timefmt import short_time, to_local
from tui.widgets.hanging import Block, Hanging
from tui.widgets.plain import assemble, plain
from tui.widgets.state_screen import StateScreen

MEETING_COMMANDS = (
    OpenMeeting, AddAgendaItem, MoveAgendaItem, DropAgendaItem, RecordEntry, AmendEntry, CloseMeeting, RecordAttendance,
)


def sending(state: TeamState) -> dict[str, Command]:
    """Our meeting commands not yet settled: the screen says they are on their way."""
    return {cid: c for cid, c in state.evidence.pending.items() if isinstance(c, MEETING_COMMANDS)}


ITEM, ENTRY, GENERAL = "item:", "entry:", "general"
"""Option ids in the minutes list: an agenda item, an entry, or the general (no item) line."""

KIND_SHORT = {MeetingKind.KIT: "KIT", MeetingKind.TEAM: "Team", MeetingKind.FINAL: "Final",
              MeetingKind.PLANNING: "Planning"}
RECORD_KINDS = {"note": EntryKind.NOTE, "la_response": EntryKind.LA_RESPONSE, "record_action": EntryKind.ACTION}
LEAD_ACTIONS = frozenset(
    {"open_meeting", "add_item", "move_up", "move_down", "drop_item", "amend", "close_meeting", "attendance",
     *RECORD_KINDS}
)


MEETING_KEYS: tuple[tuple[str, str], ...] = (
    ("b", "begin today's planning, KIT, team or final meeting (lead)"),
    ("d", "record who attended: the DCS or their representative, and others (lead)"),
    ("+  x", "add an agenda item · drop the highlighted one (lead)"),
    ("⇧↑ ⇧↓", "move the highlighted item up · down (lead)"),
    ("n  r  p", "record a note · the LA's response · an action point (lead)"),
    ("e  f", "amend an entry, even after closing · finish: close and freeze (lead)"),
    ("w", "export the minutes as Markdown, and copy them (anyone)"),
    ("tab", "between the list of meetings by day and the minutes"),
)
"""For the help screen: the keys on this screen, in its words."""


# ---------------------------------------------------------------- what is highlighted, and what may be done


@dataclass(frozen=True)
class Row:
    """The highlighted line of the minutes: an agenda item, an entry (and its item), or the general line."""

    item: AgendaItem | None = None
    entry: Entry | None = None


def row_of(minutes: Minutes | None, option_id: str | None) -> Row:
    if minutes is None or option_id is None:
        return Row()
    if option_id.startswith(ITEM):
        item = next((i for i in minutes.agenda if i.id == option_id.removeprefix(ITEM)), None)
        return Row(item=item)
    if option_id.startswith(ENTRY):
        entry = next((e for e in minutes.entries if e.id == option_id.removeprefix(ENTRY)), None)
        item = next((i for i in minutes.agenda if entry and i.id == entry.item_id), None)
        return Row(item=item, entry=entry)
    return Row()


def is_lead(me: Inspector | None) -> bool:
    return me is not None and me.role is Role.LEAD


def may(action: str, *, me: Inspector | None, minutes: Minutes | None, row: Row,
        closed_kinds: frozenset[MeetingKind]) -> bool:
    """Whether to offer ``action``: the lead only (as the server rules), and only where the meeting rules allow.

    ``closed_kinds`` are the kinds with no meeting open now, i.e. those the lead may open.
    """
    if action == "export":
        return minutes is not None
    if action not in LEAD_ACTIONS:
        return True  # going back
    if not is_lead(me):
        return False
    if action == "open_meeting":
        return bool(closed_kinds)
    if minutes is None:
        return False
    if action == "amend":
        return row.entry is not None
    if not minutes.is_open:
        return False
    if action in ("add_item", "close_meeting", "note", "record_action", "attendance"):
        return True
    if action == "la_response":
        return minutes.kind is not MeetingKind.TEAM  # the DCS is at planning and KIT meetings, invited to the final
    item = row.item if row.entry is None else None
    if item is None:
        return False
    index = minutes.agenda.index(item)
    if action == "move_up":
        return index > 0
    if action == "move_down":
        return index < len(minutes.agenda) - 1
    return not any(entry.item_id == item.id for entry in minutes.entries)  # drop_item


def default_meeting(meetings: list[Minutes]) -> Minutes | None:
    """What to show first: the open KIT meeting, else the open team meeting, else the latest."""
    for kind in MeetingKind:
        found = next((m for m in meetings if m.kind is kind and m.is_open), None)
        if found is not None:
            return found
    return meetings[0] if meetings else None


# ---------------------------------------------------------------- drawing


def stamp(moment: datetime, tz: tzinfo) -> str:
    local = to_local(moment, tz)
    return f"{local.day} {local:%b %H:%M}"


def short_day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def meeting_option(minutes: Minutes, tz: tzinfo) -> Option:
    """Two lines in the side list: the day and kind, then whether it is open."""
    if minutes.is_open:
        mark, state, style = "● ", f"open since {to_local(minutes.opened_at, tz):%H:%M}", "bold $text-success"
    else:
        assert minutes.closed_at is not None
        mark, state, style = "✓ ", f"closed {to_local(minutes.closed_at, tz):%H:%M}", "bold"
    return Option(assemble(
        (mark + short_day(minutes.day), style), f"  {KIND_SHORT[minutes.kind]}",
        (f"\n  {state}", "$text-muted"),
    ), id=minutes.id)


def version_text(entry: Entry, version: EntryVersion) -> str:
    if entry.kind is EntryKind.ACTION:
        due = short_day(version.due) if version.due else "?"
        return f"{version.text.strip()} — owner: {version.owner}; due {due}"
    return version.text.strip()


ENTRY_STYLE = {
    EntryKind.NOTE: "bold",
    EntryKind.LA_RESPONSE: "bold $text-warning",
    EntryKind.ACTION: "bold $text-accent",
}


def entry_prompt(entry: Entry, tz: tzinfo) -> Hanging:
    """The entry as it stands, then each amendment with its reason and the version it replaced."""
    mark = "  ✎" if len(entry.versions) > 1 else ""
    body = assemble(
        (f"{entry.kind.label}: ", ENTRY_STYLE[entry.kind]), version_text(entry, entry.current), (mark, "$text-warning")
    )
    blocks = [Block(body, plain("• "), indent=5)]
    for before, after in zip(entry.versions, entry.versions[1:], strict=False):
        reason = f" — {after.reason}" if after.reason.strip() else " (no reason given)"
        blocks.append(Block(plain(f"amended {stamp(after.at, tz)}{reason}", "italic $text-warning"),
                            plain("✎ ", "$text-warning"), indent=7))
        was = f"before ({stamp(before.at, tz)}): {version_text(entry, before)}"
        blocks.append(Block(plain(was, "$text-muted"), indent=9))
    return Hanging(blocks)


def minutes_options(minutes: Minutes, tz: tzinfo, *, lead: bool) -> list[Option]:
    """The agenda in order, in its sections, each item followed by its entries; then general and dropped."""
    options: list[Option] = []
    section = None
    for number, item in enumerate(minutes.agenda, start=1):
        if item.section is not section:
            section = item.section
            options.append(Option(plain(section.label, "bold $text-primary"), disabled=True))
        options.append(Option(Hanging([Block(plain(item.title), plain(f"{number:>3}. "))]), id=ITEM + item.id))
        options += [Option(entry_prompt(e, tz), id=ENTRY + e.id) for e in minutes.entries if e.item_id == item.id]
    if not minutes.agenda:
        options.append(Option(plain("  The agenda is empty.", "$text-muted italic"), disabled=True))
    general = [e for e in minutes.entries if e.item_id is None]
    hint = " — highlight this line to record against no item" if lead and minutes.is_open else ""
    options.append(Option(assemble(("General", "bold $text-primary"), (hint, "$text-muted")), id=GENERAL))
    options += [Option(entry_prompt(e, tz), id=ENTRY + e.id) for e in general]
    if minutes.dropped:
        options.append(Option(plain("Dropped from the agenda", "bold $text-muted"), disabled=True))
        options += [Option(Hanging([Block(plain(item.title, "strike $text-muted"), indent=5)]), disabled=True)
                    for item in minutes.dropped]
    if minutes.agreed_grades:
        options.append(Option(plain("Agreed grades at close", "bold $text-primary"), disabled=True))
        options += [Option(Hanging([Block(plain(agreed_text(cell)), indent=5)]), disabled=True)
                    for cell in minutes.agreed_grades]
    if minutes.grade_amendments:
        options.append(Option(plain("Amendments to the agreed grades", "bold $text-primary"), disabled=True))
        options += [Option(Hanging([Block(plain(amendment_text(a, tz)), indent=5)]), disabled=True)
                    for a in minutes.grade_amendments]
    return options


def amendment_text(amendment: GradeAmendment, tz: tzinfo) -> str:
    """``Health — Overall effectiveness: reopened 26 Nov 09:00 (was good) — reason; agreed requires improvement``."""
    was = amendment.before.label.lower() if amendment.before else "not agreed"
    now = (f"; agreed {amendment.agreed.label.lower()} {short_time(amendment.agreed_at, tz)}"
           if amendment.agreed is not None and amendment.agreed_at is not None else "; open: not yet agreed again")
    return (f"{amendment.agency.label} — {judgement_label(amendment.judgement)}: reopened "
            f"{short_time(amendment.reopened_at, tz)} (was {was}) — {amendment.reason}{now}")


def agreed_text(cell: AgreedGrade) -> str:
    """``Health — Overall effectiveness: Good (signed off)``: a final meeting's record of one judgement."""
    grade = cell.grade.label if cell.grade else "not agreed"
    signed = " (signed off)" if cell.signed_off else ""
    return f"{cell.agency.label} — {judgement_label(cell.judgement)}: {grade}{signed}"


def title_content(minutes: Minutes | None, tz: tzinfo, *, lead: bool, sending: int) -> Content:
    """Above the minutes: which meeting, whether it is open or frozen, who attended, what the framework would have
    otherwise (a final meeting's warnings) and what this user can do."""
    if minutes is None:
        todo = ("Press b to begin today's planning, keeping-in-touch, team or final meeting." if lead else
                "The lead inspector opens the day's KIT and team meetings, the planning meeting and the final one; "
                "they appear here live.")
        return assemble(("No meetings yet.", "bold"), (f"\n{todo}", "$text-muted"))
    day = minutes.day
    parts: list[str | tuple[str, str]] = [(f"{minutes.kind.label} · {day:%A} {day.day} {day:%B %Y}", "bold")]
    if minutes.is_open:
        parts.append((f"\n● Open since {to_local(minutes.opened_at, tz):%H:%M}", "bold $text-success"))
        parts.append(" — the whole team sees each change live")
    else:
        assert minutes.closed_at is not None
        parts.append((f"\n✓ Closed {stamp(minutes.closed_at, tz)}", "bold"))
        parts.append(" — the minutes are frozen; corrections are amendments" + (" (e)" if lead else ""))
    if minutes.attendance.recorded:
        parts.append("\nAttendance: " + "; ".join(minutes.attendance.lines()))
    elif minutes.kind is not MeetingKind.TEAM:
        parts.append(("\nAttendance not recorded" + (" (d)" if lead and minutes.is_open else ""), "$text-muted"))
    parts += [(f"\n⚠ {warning.text}", "bold $text-warning") for warning in minutes.warnings]
    if not lead:
        parts.append(("\nRead-only: the lead inspector runs meetings.", "$text-muted"))
    if sending:
        parts.append((f"\n… sending {sending} change{'s' if sending > 1 else ''} to the server", "$text-warning"))
    return assemble(*parts)


# ---------------------------------------------------------------- the screen


class MeetingsScreen(StateScreen):
    """Open with ``m`` (or the palette) from anywhere; Esc or ``m`` goes back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,m", "back", "Back"),
        Binding("b", "open_meeting", "Begin", tooltip="Begin today's KIT, team or final meeting (lead)"),
        Binding("plus", "add_item", "Add item", key_display="+", show=False, tooltip="Add an agenda item (lead)"),
        Binding("shift+up", "move_up", "Move up", key_display="⇧↑", show=False,
                tooltip="Move the highlighted agenda item up (lead)"),
        Binding("shift+down", "move_down", "Move down", key_display="⇧↓", show=False,
                tooltip="Move the highlighted agenda item down (lead)"),
        Binding("x", "drop_item", "Drop", show=False, tooltip="Drop the highlighted agenda item (lead)"),
        Binding("n", "note", "Note"),
        Binding("r", "la_response", "LA response"),
        Binding("p", "record_action", "Action point"),
        Binding("e", "amend", "Amend"),
        Binding("d", "attendance", "Attendance", show=False, tooltip="Record who attended: the DCS or their "
                "representative, and others (lead)"),
        Binding("f", "close_meeting", "Finish", show=False, tooltip="Finish: close the meeting and freeze its "
                "minutes (lead)"),
        Binding("w", "export", "Export", show=False, tooltip="Export the minutes as Markdown, and copy them"),
    ]
    """Keys the app uses everywhere (i, o, l, u, t, c, a, s, !) are left alone, so that a key this screen
    does not offer right now never does something else instead. The footer shows what is done during a meeting;
    the agenda's keys, finishing and exporting are in help and the palette (80 columns hold no more)."""

    DEFAULT_CSS = """
    MeetingsScreen #meeting-days { width: 28; height: 100%; border: none; border-right: solid $primary-muted; }
    MeetingsScreen #meeting-main { width: 1fr; height: 100%; }
    MeetingsScreen #meeting-title { height: auto; padding: 0 1; border-bottom: solid $primary-muted; }
    MeetingsScreen #meeting-today { height: auto; padding: 0 1; color: $text-muted; }
    MeetingsScreen #meeting-today.-due { color: $text-warning; text-style: bold; }
    MeetingsScreen #meeting-minutes { height: 1fr; border: none; }
    """

    SUB_TITLE = "Planning, KIT, team and final meetings"

    def __init__(self, clock: Callable[[], datetime], outbox: Outbox) -> None:
        super().__init__()
        self._clock = clock
        self.outbox = outbox
        self.sending: Mapping[str, Command] = {}
        self.meeting_id: str | None = None
        self._wanted_meeting: str | None = None
        self._wanted_row: str | None = None

    def compose_body(self) -> ComposeResult:
        with Horizontal():
            yield OptionList(id="meeting-days")
            with Vertical(id="meeting-main"):
                yield Static(id="meeting-today")
                yield Static(id="meeting-title")
                yield OptionList(id="meeting-minutes")

    def on_mount(self) -> None:
        self.minutes_list.focus()

    # ------------------------------------------------------------------ shortcuts

    @property
    def days(self) -> OptionList:
        return self.query_one("#meeting-days", OptionList)

    @property
    def minutes_list(self) -> OptionList:
        return self.query_one("#meeting-minutes", OptionList)

    @property
    def minutes(self) -> Minutes | None:
        """The meeting being shown."""
        return self.state.evidence.meetings.get(self.meeting_id or "")

    @property
    def row(self) -> Row:
        if not self._composed:
            return Row()
        option = self.minutes_list.highlighted_option
        return row_of(self.minutes, option.id if option is not None else None)

    @property
    def title_text(self) -> str:
        """What the title says, as plain text (for tests)."""
        return str(self.query_one("#meeting-title", Static).content)

    @property
    def today_text(self) -> str:
        """The line about today's KIT meeting, as plain text (for tests)."""
        return str(self.query_one("#meeting-today", Static).content)

    @property
    def minutes_text(self) -> str:
        """Every line of the minutes list, as plain text (for tests)."""
        listing = self.minutes_list
        return "\n".join(str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count))

    def _form_context(self) -> MeetingContext:
        return MeetingContext(self._clock(), self.tz)

    # ------------------------------------------------------------------ what the app tells us

    def show(self, state: TeamState, sending: Mapping[str, Command] | None = None) -> None:
        """Redraw from the state; the same meeting and line stay highlighted."""
        self.sending = dict(sending or {})
        super().show(state)

    def select(self, meeting_id: str) -> None:
        self._wanted_meeting = meeting_id
        self._redraw()

    def _draw(self) -> None:
        book = self.state.evidence
        meetings = book.meetings_by_day()
        if self._wanted_meeting in book.meetings:
            self.meeting_id, self._wanted_meeting = self._wanted_meeting, None
        elif self.meeting_id not in book.meetings:
            chosen = default_meeting(meetings)
            self.meeting_id = chosen.id if chosen else None
        tz = self.tz
        self.days.set_options([meeting_option(m, tz) for m in meetings])
        if self.meeting_id is not None:
            self.days.highlighted = self.days.get_option_index(self.meeting_id)
        self._redraw_minutes()

    def show_today(self) -> None:
        """The line about today's KIT meeting (CP ¶30), hidden when today is not a day of fieldwork."""
        glance = todays_kit(self.state, self._clock())
        line = self.query_one("#meeting-today", Static)
        line.update(glance.line if glance is not None else "")
        line.display = glance is not None
        line.set_class(glance is not None and glance.needs_attention, "-due")

    def _redraw_minutes(self) -> None:
        self.show_today()
        minutes, tz, lead = self.minutes, self.tz, is_lead(self.state.me)
        self.query_one("#meeting-title", Static).update(
            title_content(minutes, tz, lead=lead, sending=len(self.sending)))
        listing = self.minutes_list
        current = listing.highlighted_option.id if listing.highlighted_option else None
        options = minutes_options(minutes, tz, lead=lead) if minutes is not None else []
        listing.set_options(options)
        ids = [option.id for option in options if option.id is not None]
        wanted = self._wanted_row
        if wanted in ids or (wanted is not None and wanted.partition(":")[2] not in self.sending):
            self._wanted_row = None  # arrived (highlight it), or refused (forget it)
        keep = next((row for row in (wanted, current) if row is not None and row in ids), None)
        if keep is not None:
            listing.highlighted = listing.get_option_index(keep)
        elif options:
            listing.highlighted = next((i for i, o in enumerate(options) if not o.disabled), None)
        self.refresh_bindings()

    @on(OptionList.OptionHighlighted, "#meeting-days")
    def _day_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id != self.meeting_id:
            self.meeting_id = event.option.id
            self.minutes_list.highlighted = None
            self._redraw_minutes()

    @on(OptionList.OptionSelected, "#meeting-days")
    def _day_selected(self) -> None:
        self.minutes_list.focus()

    @on(OptionList.OptionHighlighted, "#meeting-minutes")
    def _line_highlighted(self) -> None:
        self.refresh_bindings()

    # ------------------------------------------------------------------ which keys apply

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        book = self.state.evidence
        closed = frozenset(kind for kind in MeetingKind if book.open_meeting(kind) is None)
        return may(action, me=self.state.me, minutes=self.minutes, row=self.row, closed_kinds=closed)

    def _allowed(self, action: str) -> Minutes | None:
        """The meeting shown, if ``action`` applies now (a key can race a change of state)."""
        return self.minutes if self.check_action(action, ()) else None

    # ------------------------------------------------------------------ actions

    def _send(self, command: Command | None) -> None:
        if command is None:
            return
        if isinstance(command, OpenMeeting):
            self._wanted_meeting = command.id
        elif isinstance(command, AddAgendaItem):
            self._wanted_row = ITEM + command.id
        elif isinstance(command, RecordEntry):
            self._wanted_row = ENTRY + command.id
        self.outbox.send(command)
        self.show(self.state, sending(self.state))

    def _open(self, form: MeetingForm) -> None:
        self.app.push_screen(form, self._send)

    def action_open_meeting(self) -> None:
        if self.check_action("open_meeting", ()):
            book = self.state.evidence
            kinds = [kind for kind in MeetingKind if book.open_meeting(kind) is None]
            self._open(open_form(self._form_context(), kinds, self.state.inspection))

    def action_add_item(self) -> None:
        if (minutes := self._allowed("add_item")) is not None:
            item = self.row.item
            position = minutes.agenda.index(item) + 1 if item is not None else None
            self._open(add_item_form(self._form_context(), minutes, position))

    def _move(self, action: str, step: int) -> None:
        if (minutes := self._allowed(action)) is not None and (item := self.row.item) is not None:
            position = minutes.agenda.index(item) + step
            self._send(MoveAgendaItem(id=new_command_id(), meeting_id=minutes.id, item_id=item.id,
                                      position=position))

    def action_move_up(self) -> None:
        self._move("move_up", -1)

    def action_move_down(self) -> None:
        self._move("move_down", 1)

    def action_drop_item(self) -> None:
        if (minutes := self._allowed("drop_item")) is not None and (item := self.row.item) is not None:
            self._send(DropAgendaItem(id=new_command_id(), meeting_id=minutes.id, item_id=item.id))

    def _record(self, action: str) -> None:
        if (minutes := self._allowed(action)) is not None:
            self._open(record_form(self._form_context(), minutes, self.row.item, RECORD_KINDS[action]))

    def action_note(self) -> None:
        self._record("note")

    def action_la_response(self) -> None:
        self._record("la_response")

    def action_record_action(self) -> None:
        self._record("record_action")

    def action_amend(self) -> None:
        if (minutes := self._allowed("amend")) is not None and (entry := self.row.entry) is not None:
            self._open(amend_form(self._form_context(), minutes, entry))

    def action_attendance(self) -> None:
        if (minutes := self._allowed("attendance")) is not None:
            self._open(attendance_form(self._form_context(), minutes))

    def action_close_meeting(self) -> None:
        if (minutes := self._allowed("close_meeting")) is not None:
            def closing(confirmed: bool | None) -> None:
                if confirmed:
                    self._send(CloseMeeting(id=new_command_id(), meeting_id=minutes.id))

            inspection = self.state.inspection
            framework = inspection.framework if inspection is not None else Framework.INTEGRATED
            self.app.push_screen(CloseMeetingDialog(minutes, self.state.grades, framework), closing)

    def action_export(self) -> None:
        if (minutes := self._allowed("export")) is not None:
            self.post_message(m.ExportMinutes(minutes.id))
