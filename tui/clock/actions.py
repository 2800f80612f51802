"""The clock feature: the fieldwork dates, who is on site when, and the reporting clock — palette commands, kept
current.

After a batch that set the fieldwork dates or someone's days on site (or a new welcome, or a reset), the header, the
team panel's "on site today" and any open clock screen are redrawn, and the team panel again each minute, so it
follows the day. The lead's SetFieldwork and SetOnSite go through the outbox, like every other command; for a
child-protection inspection the lead may send CP ¶15's rhythm for the whole team at once, then adjust it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date
from typing import Any

from textual.app import SystemCommand
from textual.screen import Screen

from shared.fieldwork import may_set_fieldwork
from shared.kinds import FIELDWORK_SET, ON_SITE_SET
from shared.on_site import SetOnSite, framework_rhythm
from shared.protocol import Command, Inspection
from shared.reporting_clock import short_day
from shared.vocabulary import Framework
from tui.clock.fieldwork_form import FieldworkForm
from tui.clock.on_site_form import OnSiteForm
from tui.clock.reporting_clock import today_for
from tui.clock.screen import ClockScreen
from tui.feature import Batch, Feature
from tui.timefmt import zone


class ClockFeature(Feature):
    """Fieldwork dates: the "Reporting clock" and "Set fieldwork dates" palette commands (no key of their own)."""

    name = "clock"

    def clock_now(self) -> tuple[Inspection | None, date]:
        """The inspection as we know it and today in its time zone: what every clock on screen is drawn from."""
        inspection = self.host.state.inspection
        return inspection, today_for(inspection, self.host.now())

    def mounted(self) -> None:
        self.host.set_interval(60, self.show_on_site)

    def after_batch(self, batch: Batch) -> None:
        if batch.connected or batch.reset or batch.has((FIELDWORK_SET, ON_SITE_SET)):
            self.host.show_title()
            self.show_on_site()
            for screen in self.host.screen_stack:
                if isinstance(screen, ClockScreen):
                    screen.refresh_clock()

    def show_on_site(self) -> None:
        """The team panel's "on site today", for today in the inspection's time zone."""
        inspection, today = self.clock_now()
        on_site = self.host.state.on_site(today) if inspection is not None else None
        board = self.host.board
        if on_site != board.on_site:
            board.on_site = on_site
            board.show_team()

    def commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield SystemCommand("Reporting clock", "When the draft, comments, final and published report are due "
                            "(CP ¶45–48)", self.action_reporting_clock)
        me = self.host.state.me
        if me is not None and may_set_fieldwork(me):
            yield SystemCommand("Set fieldwork dates", "The first and last day of fieldwork; the reporting clock "
                                "counts from the last", self.action_set_fieldwork)
            yield SystemCommand("Set days on site", "An inspector's first and last day on site; the team panel "
                                "shows who is on site today", self.action_set_on_site)
            inspection = self.host.state.inspection
            if inspection is not None and inspection.framework is Framework.CHILD_PROTECTION:
                yield SystemCommand("Apply the framework's rhythm", "Days on site as CP ¶15 has them: the lead from "
                                    "day one, three inspectors from day two, the rest from day three",
                                    self.action_apply_rhythm)

    def action_reporting_clock(self) -> None:
        if not isinstance(self.host.screen, ClockScreen):
            self.host.push_screen(ClockScreen(self.clock_now))

    def action_set_fieldwork(self) -> None:
        host = self.host
        me, inspection = host.state.me, host.state.inspection
        if inspection is None or me is None:
            host.notify("Not connected yet: the inspection is not known.", title="Fieldwork dates")
            return
        if not may_set_fieldwork(me):
            host.notify("Only the lead inspector sets the fieldwork dates.", title="Fieldwork dates")
            return
        host.push_screen(FieldworkForm(inspection, now=host.now(), timezone=zone(inspection.timezone)), self._chosen)

    def _chosen(self, command: Command | None) -> None:
        if command is not None:
            self.host.outbox.send(command)

    def action_set_on_site(self) -> None:
        host = self.host
        me, inspection = host.state.me, host.state.inspection
        if inspection is None or me is None or not may_set_fieldwork(me):
            host.notify("Only the lead inspector sets who is on site when.", title="Days on site")
            return
        host.push_screen(OnSiteForm(host.state.members(), now=host.now(), timezone=zone(inspection.timezone)),
                         self._chosen)

    def action_apply_rhythm(self) -> None:
        """One on-site.set per inspector, as CP ¶15 has it (shared.on_site.framework_rhythm); the lead adjusts any
        of them afterwards with "Set days on site"."""
        host = self.host
        me, inspection = host.state.me, host.state.inspection
        if inspection is None or me is None or not may_set_fieldwork(me):
            host.notify("Only the lead inspector sets who is on site when.", title="Days on site")
            return
        if inspection.start_date is None:
            host.notify("Set the fieldwork dates first: the rhythm counts from day one.", title="Days on site")
            return
        team = sorted(host.state.members(), key=lambda member: member.id)
        plan = framework_rhythm(team, inspection.start_date)
        for inspector_id, first_day in plan.items():
            host.outbox.send(SetOnSite(id=uuid.uuid4().hex, inspector_id=inspector_id, first_day=first_day))
        names = {member.id: member.name for member in team}
        days = sorted(set(plan.values()))
        said = "; ".join(f"from {short_day(day)}: {', '.join(names[i] for i, d in plan.items() if d == day)}"
                         for day in days)
        host.notify(f"{said}. Adjust anyone with \"Set days on site\".", title="Days on site as CP ¶15 has them",
                    timeout=12)
