"""The framework's meetings in the app, against a real server (CP ¶15, ¶28, ¶30, ¶31).

The lead opens the planning meeting with the DCS (CP ¶28) and today's keeping-in-touch meeting with the DCS's
representative recorded (CP ¶30); until it is held her header says so, and the meetings screen says it in words.
The final meeting's form says when it falls ("day eight normally", CP ¶31), and one opened on another day without
the DCS invited is minuted with warnings. For a child-protection inspection the palette sends CP ¶15's days on
site for the whole team. The only stand-ins are the clocks (Wednesday 18 November 2026, day 3 of fieldwork).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Label, Static

from server.storage import database
from shared.meeting_attendance import DcsPresence
from shared.meeting_framework import PLANNING_PURPOSES
from shared.meetings import MeetingKind
from shared.on_site import DaysOnSite
from shared.vocabulary import Framework, Inspectorate, Role
from tui.app import TriangulateApp
from tui.meetings.forms import MeetingForm
from tui.meetings.screen import MeetingsScreen

from .app_server import fill, lead_and_inspector, live, make_app, notified, running_server, wait_for
from .test_clock_app import palette

SIZE = (100, 30)


def meetings(app: TriangulateApp) -> MeetingsScreen:
    assert isinstance(app.screen, MeetingsScreen)
    return app.screen


async def open_meeting(pilot: Pilot[Any], **values: str) -> MeetingForm:
    """Press b on the meetings screen and fill the form; returns it (still open if it did not validate)."""
    await pilot.press("b")
    form = pilot.app.screen
    assert isinstance(form, MeetingForm)
    await fill(pilot, form, **values)
    await pilot.press("ctrl+s")
    return form


def error(form: MeetingForm, field: str) -> str:
    label = form.query_one(f"#error-{field}", Label)
    return str(label.render()) if label.has_class("-shown") else ""


async def test_cp28_cp30_the_lead_holds_the_planning_and_todays_kit_meeting_and_her_header_follows(
    tmp_path: Path,
) -> None:
    async with lead_and_inspector(tmp_path, SIZE) as (asha, pa, ben, pb):
        assert asha.sub_title.startswith("KIT not held · Day 3 of fieldwork · ")  # day 3 of fieldwork, nothing held yet
        assert "KIT" not in ben.sub_title  # the lead holds it: only she is nagged

        await pa.press("m")
        screen = meetings(asha)
        assert screen.today_text.startswith("Today's KIT meeting (day 3 of fieldwork) is not held yet: CP ¶30")
        assert "No planning meeting with the DCS yet: CP ¶28" in screen.today_text

        # The planning meeting, drafted from what CP ¶28 says it is for.
        await open_meeting(pa, kind="planning", dcs="attended")
        await wait_for(pa, lambda: screen.minutes is not None, "the planning meeting")
        assert screen.minutes is not None and screen.minutes.kind is MeetingKind.PLANNING
        text = screen.minutes_text
        assert "What the meeting is for" in text and "1. Provide further information about the scope" in text
        assert len(screen.minutes.agenda) == len(PLANNING_PURPOSES)
        assert "Attendance: Director of Children's Services: attended" in screen.title_text
        assert "No planning meeting" not in screen.today_text

        # Today's KIT: a representative must be named.
        form = await open_meeting(pa, kind="kit", dcs="represented")
        assert asha.screen is form and "name who represented the DCS" in error(form, "representative")
        await fill(pa, form, representative="Head of Service", others="MASH manager")
        await pa.press("ctrl+s")
        await wait_for(pa, lambda: screen.minutes is not None and screen.minutes.kind is MeetingKind.KIT, "the KIT")
        assert "Attendance: Director of Children's Services: represented by Head of Service; Also present: " \
               "MASH manager" in screen.title_text
        assert screen.today_text == ("Today's KIT meeting (day 3 of fieldwork) is open with the DCS or their "
                                     "representative.")
        assert asha.sub_title.startswith("KIT open · Day 3 of fieldwork · ")

        # Who attended changes as people come and go (d), until the meeting closes.
        await pa.press("d")
        form = asha.screen
        assert isinstance(form, MeetingForm)
        await fill(pa, form, dcs="attended", representative="", dcs_name="Director")
        await pa.press("ctrl+s")
        await wait_for(pa, lambda: screen.minutes is not None
                       and screen.minutes.attendance.dcs is DcsPresence.ATTENDED, "the attendance")
        await pa.press("f", "y")
        await wait_for(pa, lambda: screen.minutes is not None and not screen.minutes.is_open, "the KIT closed")
        assert "KIT" not in asha.sub_title  # held, with the DCS: nothing to say
        assert screen.today_text == ("Today's KIT meeting (day 3 of fieldwork) was held with the DCS or their "
                                     "representative.")
        assert "attendance" not in {b.binding.action for b in screen.active_bindings.values() if b.enabled}
        await pb.press("m")  # Ben sees the meeting still open, the planning one, with who attended
        await wait_for(pb, lambda: "Attendance: Director of Children's Services: attended"
                       in meetings(ben).title_text, "the attendance at Ben's")
        assert "Planning meeting with the Director of Children's Services" in meetings(ben).title_text
        kit = next(m for m in ben.state.evidence.meetings.values() if m.kind is MeetingKind.KIT)
        assert kit.attendance.lines() == ["Director of Children's Services (Director): attended",
                                          "Also present: MASH manager"]


async def test_cp31_the_final_meeting_off_its_day_without_the_dcs_opens_with_warnings(tmp_path: Path) -> None:
    async with lead_and_inspector(tmp_path, SIZE) as (asha, pa, _ben, _pb):
        await pa.press("m")
        screen = meetings(asha)
        await pa.press("b")
        form = asha.screen
        assert isinstance(form, MeetingForm)
        intro = str(form.query_one("#command-form-intro", Static).render())
        assert "day eight normally the Wednesday of the second week" in intro
        assert "day 8 of fieldwork would be Wed 25 Nov 2026" in intro  # no last day set yet
        assert "Opened today it would be minuted with a warning: The last day of fieldwork is not set" in intro
        await fill(pa, form, kind="final")
        await pa.press("ctrl+s")  # a warning, not a refusal

        await wait_for(pa, lambda: screen.minutes is not None, "the final meeting")
        assert "⚠ The last day of fieldwork is not set" in screen.title_text
        assert "⚠ The Director of Children's Services is not recorded as invited" in screen.title_text
        await wait_for(pa, lambda: notified(asha, "Final team meeting: opened with a warning"), "the warning toast")

        await pa.press("d")
        form = asha.screen
        assert isinstance(form, MeetingForm)
        await fill(pa, form, dcs="invited")
        await pa.press("ctrl+s")
        await wait_for(pa, lambda: "not recorded as invited" not in screen.title_text, "the DCS invited")
        assert "⚠ The last day of fieldwork is not set" in screen.title_text  # the day stays minuted


def child_protection_team(db_path: Path) -> dict[str, str]:
    """A child-protection inspection (fieldwork from Mon 16 Nov 2026): a lead, five inspectors, the QA manager."""
    engine = database.connect(f"sqlite:///{db_path}")
    try:
        inspection = database.create_inspection(engine, name="Southmoor", framework=Framework.CHILD_PROTECTION,
                                                start_date=date(2026, 11, 16), timezone="Europe/London")
        people = [("Dee Marsh", Role.LEAD), *((f"Inspector {n}", Role.INSPECTOR) for n in range(1, 6)),
                  ("Quinn Adair", Role.QA_MANAGER)]
        return {name: database.add_inspector(engine, inspection_id=inspection.id, name=name,
                                             inspectorate=Inspectorate.OFSTED, role=role)[1]
                for name, role in people}
    finally:
        engine.dispose()


async def test_cp15_the_lead_applies_the_frameworks_rhythm_to_the_team(tmp_path: Path) -> None:
    tokens = child_protection_team(tmp_path / "server.db")
    async with running_server(tmp_path) as server:
        dee = make_app(tmp_path, server.url, tokens["Dee Marsh"], name="dee")
        async with dee.run_test(size=SIZE) as pilot:
            await live(pilot)
            await palette(pilot, "Apply the framework's rhythm")
            await wait_for(pilot, lambda: len(dee.state.days_on_site) == 6, "six days on site")
            by_name = {dee.state.team[i].name: days for i, days in dee.state.days_on_site.items()}
            monday, tuesday, wednesday = date(2026, 11, 16), date(2026, 11, 17), date(2026, 11, 18)
            assert by_name == {
                "Dee Marsh": DaysOnSite(monday, None),
                **{f"Inspector {n}": DaysOnSite(tuesday, None) for n in (1, 2, 3)},
                **{f"Inspector {n}": DaysOnSite(wednesday, None) for n in (4, 5)},
            }  # the QA manager scrutinises; she is not on site (CP ¶31)
            assert notified(dee, "from Tue 17 Nov 2026: Inspector 1, Inspector 2, Inspector 3")


async def test_the_rhythm_is_the_child_protection_frameworks_only(tmp_path: Path) -> None:
    async with lead_and_inspector(tmp_path, SIZE) as (asha, _pa, _ben, _pb):
        titles = {command.title for command in asha.get_system_commands(asha.screen)}
        assert "Set days on site" in titles and "Apply the framework's rhythm" not in titles
