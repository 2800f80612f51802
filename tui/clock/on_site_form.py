"""The lead's form for one inspector's days on site: who, their first and their last day (CP ¶15; I ¶36, ¶100).

Checked with SetOnSite itself (shared.on_site), as the server checks it, so "the last day on site is before the
first" shows inline before anything is sent. An empty day means fieldwork's own first or last day.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime, tzinfo

from shared.on_site import SetOnSite
from shared.protocol import Inspector
from tui.dialogs.command_form import CommandForm, FormField
from tui.meetings.forms import parse_day
from tui.widgets.labels import INSPECTORATE_SHORT, short

INTRO = (
    "Not everyone is on site for the whole inspection: the lead from day one, three inspectors from day two and "
    "two more from day three (CP ¶15); HMI Prisons typically in week three (integrated ¶100). Leave a day empty "
    "for fieldwork's own first or last day. The team panel shows who is on site today."
)


class OnSiteForm(CommandForm):
    """Returns a SetOnSite command, or None if cancelled."""

    def __init__(self, team: Iterable[Inspector], *, now: datetime, timezone: tzinfo) -> None:
        members = sorted(team, key=lambda m: m.name)
        super().__init__(
            title="Days on site",
            intro=INTRO,
            command_type=SetOnSite,
            command_id=uuid.uuid4().hex,
            fields=[
                FormField("inspector_id", "Inspector", "choice", placeholder="Who?", convert=int, choices=[
                    (f"{m.name} ({short(INSPECTORATE_SHORT, m.inspectorate)})", str(m.id)) for m in members
                ]),
                FormField("first_day", "First day on site", placeholder="2026-12-14 or 14/12/2026 (empty: day one)",
                          convert=parse_day),
                FormField("last_day", "Last day on site", placeholder="2026-12-18 or 18/12/2026 (empty: the last "
                          "day)", convert=parse_day),
            ],
            timezone=timezone,
            now=now,
            send_label="Set",
            calm=True,
        )
