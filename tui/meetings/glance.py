"""Today's keeping-in-touch meeting at a glance (CP ¶30): for the header the lead sees and the meetings screen.

Drawn from the folded minutes and the fieldwork dates by shared.meeting_rhythm; "today" is today where the
inspection happens, from the app's clock, so tests give the clock and nothing here waits on time.
"""

from __future__ import annotations

from datetime import datetime

from shared.meeting_rhythm import KitGlance, KitState, kit_glance
from shared.vocabulary import Role
from tui.clock.reporting_clock import today_for
from tui.state import TeamState


def todays_kit(state: TeamState, now: datetime) -> KitGlance | None:
    """Today's KIT meeting as the minutes have it; None when today is not a day of fieldwork."""
    inspection = state.inspection
    if inspection is None:
        return None
    today = today_for(inspection, now)
    return kit_glance(state.evidence.meetings.values(), inspection.start_date, inspection.end_date, today)


def header_marker(state: TeamState, now: datetime) -> str | None:
    """For the lead, who holds the meeting: ``KIT not held`` (or open, or held without the DCS) until today's
    KIT is held with the DCS or their representative; None for everyone else, and once it is."""
    if state.me is None or state.me.role is not Role.LEAD:
        return None
    glance = todays_kit(state, now)
    if glance is None or (glance.state is KitState.HELD and glance.with_dcs):
        return None
    return glance.marker
