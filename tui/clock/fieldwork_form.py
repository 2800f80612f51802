"""The lead's form for the first and last day of fieldwork, with the reporting clock previewed as they type.

Checked with SetFieldwork itself (shared.fieldwork), as the server checks it, so "the last day is before the
first" shows inline under the last day before anything is sent.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, tzinfo

from textual import on
from textual.widget import Widget
from textual.widgets import Input, Static

from shared.fieldwork import SetFieldwork
from shared.protocol import Inspection
from shared.reporting_clock import reporting_clock, short_day
from tui.dialogs.command_form import CommandForm, FormField
from tui.meetings.forms import parse_day

INTRO = (
    "The reporting clock counts from the last day of fieldwork: the draft report within 10 working days, the "
    "factual-accuracy comments by 15, the final report by 20, published by 22 (CP ¶45–48). Leave a date empty "
    "to clear it."
)


def preview(end_text: str) -> str:
    """One line under the form: when the draft and the published report would be due for the typed last day."""
    try:
        end = parse_day(end_text) if end_text.strip() else None
    except ValueError:
        return ""
    if end is None:
        return "No last day: the reporting clock will not run."
    try:
        draft, *_, published = reporting_clock(end)
    except (OverflowError, ValueError):
        return ""
    return f"Draft by {short_day(draft.due)}, published by {short_day(published.due)}"


class FieldworkForm(CommandForm):
    """Returns a SetFieldwork command, or None if cancelled."""

    DEFAULT_CSS = """
    FieldworkForm #fieldwork-preview { color: $text-muted; padding-left: 22; height: auto; }
    """

    def __init__(self, inspection: Inspection, *, now: datetime, timezone: tzinfo) -> None:
        super().__init__(
            title=f"Fieldwork dates — {inspection.name}",
            intro=INTRO,
            command_type=SetFieldwork,
            command_id=uuid.uuid4().hex,
            fields=[
                FormField("start_date", "First day", value=_text(inspection.start_date),
                          placeholder="2026-11-30 or 30/11/2026", convert=parse_day),
                FormField("end_date", "Last day", value=_text(inspection.end_date),
                          placeholder="2026-12-18 or 18/12/2026", convert=parse_day),
            ],
            timezone=timezone,
            now=now,
            send_label="Set",
            calm=True,
        )
        self._initial_end = _text(inspection.end_date)

    def on_mount(self) -> None:
        """The preview goes under the last day's inline error, where the eye already is."""
        error = self.query_one("#error-end_date")
        assert isinstance(error.parent, Widget)
        error.parent.mount(Static(preview(self._initial_end), id="fieldwork-preview"), after=error)

    @on(Input.Changed, "#field-end_date")
    def _preview(self, event: Input.Changed) -> None:
        for line in self.query("#fieldwork-preview").results(Static):
            line.update(preview(event.value))


def _text(day: date | None) -> str:
    return day.isoformat() if day is not None else ""
