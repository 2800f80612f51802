"""Fieldwork dates and the reporting clock in the app, against a real server: the lead sets the dates through the
palette's form (a last day before the first is caught inline), and a teammate's open clock shows the milestones
at once. After fieldwork the header names the next milestone; the state folds ``fieldwork.set``."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.command import CommandInput, CommandList, CommandPalette
from textual.pilot import Pilot
from textual.widgets import Label, Static

from shared.fieldwork import SetFieldwork
from shared.protocol import Event, Inspection, Inspector, Welcome
from shared.vocabulary import Framework, Inspectorate, Role
from tui.app import TriangulateApp
from tui.clock.fieldwork_form import FieldworkForm
from tui.clock.on_site_form import OnSiteForm
from tui.clock.reporting_clock import NOT_SET, ReportingClock, fieldwork_label
from tui.clock.screen import ClockScreen
from tui.state import TeamState

from .app_server import fill, lead_and_inspector, live, make_app, running_server, wait_for

SIZE = (100, 30)


async def palette(pilot: Pilot[Any], title: str) -> None:
    """Choose a command from ctrl+p by typing its name, as a user would."""
    app = pilot.app
    await pilot.press("ctrl+p")
    await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), "the command palette")
    app.screen.query_one(CommandInput).value = title
    commands = app.screen.query_one(CommandList)
    await wait_for(pilot, lambda: commands.option_count > 0 and commands.highlighted is not None
                   and title in str(commands.get_option_at_index(commands.highlighted).prompt), title)
    await pilot.press("enter")
    await wait_for(pilot, lambda: not isinstance(app.screen, CommandPalette), "the palette to close")


def clock_text(app: TriangulateApp) -> str:
    return str(app.screen.query_one(ReportingClock).render())


def titles(app: TriangulateApp) -> set[str]:
    return {command.title for command in app.get_system_commands(app.screen)}


async def test_the_lead_sets_fieldwork_dates_and_a_teammates_clock_shows_the_milestones(tmp_path: Path) -> None:
    async with lead_and_inspector(tmp_path, SIZE) as (asha, pa, ben, pb):
        assert "Set fieldwork dates" not in titles(ben)  # only the lead sets them
        await palette(pb, "Reporting clock")
        assert isinstance(ben.screen, ClockScreen)
        assert NOT_SET in clock_text(ben)

        await palette(pa, "Set fieldwork dates")
        form = asha.screen
        assert isinstance(form, FieldworkForm)
        await fill(pa, form, start_date="2026-11-16", end_date="13/11/2026")
        await pa.press("ctrl+s")
        error = str(form.query_one("#error-end_date", Label).render())
        assert "before the first" in error and "Fri 13 Nov 2026" in error
        assert asha.screen is form  # nothing sent

        await fill(pa, form, end_date="18/12/2026")
        preview = str(form.query_one("#fieldwork-preview", Static).render())
        assert preview == "Draft by Wed 6 Jan 2027, published by Fri 22 Jan 2027"
        await pa.press("ctrl+s")
        await wait_for(pa, lambda: not isinstance(asha.screen, FieldworkForm), "the form to close")

        await wait_for(pb, lambda: NOT_SET not in clock_text(ben), "Ben's clock to show the milestones")
        shown = clock_text(ben)
        assert "fieldwork ends Fri 18 Dec 2026" in shown
        for line in ("Draft report (10)", "Wed 6 Jan 2027", "Factual-accuracy comments (15)", "Wed 13 Jan 2027",
                     "Final report (20)", "Wed 20 Jan 2027", "Report published (22)", "Fri 22 Jan 2027"):
            assert line in shown
        assert "due in 32 working days" in shown  # from Wed 18 Nov, the fixed clock's today
        assert ben.state.inspection is not None
        assert (ben.state.inspection.start_date, ben.state.inspection.end_date) == (date(2026, 11, 16),
                                                                                    date(2026, 12, 18))
        assert ben.sub_title.startswith("Day 3 of 25")  # still on site: five weeks of working days


async def test_after_fieldwork_the_header_names_the_next_milestone(tmp_path: Path) -> None:
    new_year_eve = datetime(2026, 12, 31, 12, 0, tzinfo=UTC)
    async with running_server(tmp_path) as server:
        asha = make_app(tmp_path, server.url, server.tokens["asha"], name="asha", now=lambda: new_year_eve)
        ben = make_app(tmp_path, server.url, server.tokens["ben"], name="ben", now=lambda: new_year_eve)
        async with asha.run_test(size=SIZE) as pa, ben.run_test(size=SIZE) as pb:
            await live(pa)
            await live(pb)
            asha.outbox.send(SetFieldwork(id="fieldwork-1", start_date=date(2026, 11, 30),
                                           end_date=date(2026, 12, 18)))

            await wait_for(pb, lambda: ben.sub_title.startswith("Draft report due in 3 working days"),
                           "Ben's header to name the draft")


def test_the_state_folds_fieldwork_dates_into_the_inspection() -> None:
    lead = Inspector(id=1, name="Asha Patel", inspectorate=Inspectorate.OFSTED, role=Role.LEAD)
    inspection = Inspection(id=1, name="Northmoor", framework=Framework.INTEGRATED, start_date=date(2026, 11, 16))
    welcome = Welcome(inspector=lead, inspection=inspection, epoch="e", head=0)
    event = Event(seq=1, kind="fieldwork.set", actor=lead, at=datetime(2026, 11, 18, tzinfo=UTC),
                  data={"start_date": "2026-11-30", "end_date": "2026-12-18"})

    state = TeamState.build(welcome, [event])

    assert state.inspection == inspection.model_copy(
        update={"start_date": date(2026, 11, 30), "end_date": date(2026, 12, 18)}
    )


def northmoor(start: date | None, end: date | None) -> Inspection:
    return Inspection(id=1, name="Northmoor", framework=Framework.CHILD_PROTECTION, start_date=start, end_date=end)


@pytest.mark.parametrize(
    ("today", "end", "label"),
    [
        (date(2026, 11, 16), date(2026, 11, 27), "Day 1 of 10"),
        (date(2026, 11, 23), date(2026, 11, 27), "Day 6 of 10"),  # Monday of week two: day 8 by the calendar
        (date(2026, 11, 21), date(2026, 11, 27), "No fieldwork today · 5 of 10 days done"),  # a Saturday
        (date(2026, 11, 27), date(2026, 11, 27), "Day 10 of 10"),
        (date(2026, 11, 25), date(2026, 11, 25), "Day 8 of 8"),  # CP ¶31: day eight, the Wednesday of week two
        (date(2026, 11, 30), date(2026, 11, 27), "Draft report due in 9 working days"),  # over: it stops counting
        (date(2026, 11, 18), None, "Day 3 of fieldwork"),  # no last day set yet
        (date(2026, 11, 24), None, "Day 7 of fieldwork"),
        (date(2026, 11, 22), None, "No fieldwork today · 5 days done"),
        (date(2026, 11, 13), date(2026, 11, 27), "Fieldwork starts Mon 16 Nov 2026"),
    ],
)
def test_the_header_counts_fieldwork_in_working_days(today: date, end: date | None, label: str) -> None:
    """Issue 16: "Day 6 of 10" in fieldwork working days, not calendar days, and not after fieldwork ends."""
    now = datetime(today.year, today.month, today.day, 10, 30, tzinfo=UTC)
    assert fieldwork_label(northmoor(date(2026, 11, 16), end), now) == label


def test_a_bank_holiday_is_not_a_day_of_fieldwork() -> None:
    """Christmas 2026: Friday 25, Boxing Day's substitute Monday 28 December and New Year's Day are days off."""
    inspection = northmoor(date(2026, 12, 21), date(2027, 1, 8))
    assert fieldwork_label(inspection, datetime(2026, 12, 28, 12, 0, tzinfo=UTC)) == \
        "No fieldwork today · 4 of 12 days done"
    assert fieldwork_label(inspection, datetime(2026, 12, 29, 12, 0, tzinfo=UTC)) == "Day 5 of 12"


def test_the_header_says_when_no_dates_are_set_and_uses_the_local_date() -> None:
    assert fieldwork_label(northmoor(None, None), datetime(2026, 11, 18, tzinfo=UTC)) == "Fieldwork dates not set"
    # 23:30 UTC on Monday 1 June is already Tuesday in London: day 2.
    summer = northmoor(date(2026, 6, 1), date(2026, 6, 12))
    assert fieldwork_label(summer, datetime(2026, 6, 1, 23, 30, tzinfo=UTC)) == "Day 2 of 10"


# ---------------------------------------------------------------- who is on site when (CP ¶15; I ¶36, ¶100)

LEAD = Inspector(id=1, name="Asha Patel", inspectorate=Inspectorate.OFSTED, role=Role.LEAD)
CQC = Inspector(id=2, name="Ben Okafor", inspectorate=Inspectorate.CQC, role=Role.INSPECTOR)
PRISONS = Inspector(id=3, name="Fay Green", inspectorate=Inspectorate.HMI_PRISONS, role=Role.INSPECTOR)


def on_site_set(seq: int, inspector: Inspector, first: str | None, last: str | None) -> Event:
    return Event(seq=seq, kind="on-site.set", actor=LEAD, at=datetime(2026, 11, 30, 8, tzinfo=UTC),
                 data={"inspector_id": inspector.id, "first_day": first, "last_day": last})


def test_who_is_on_site_each_day_follows_the_days_the_lead_recorded() -> None:
    """CP ¶15: the lead from day one, others from day two; I ¶100: HMI Prisons "for week three"; I ¶36: not all
    inspectors on site for the whole inspection. Only days of fieldwork count."""
    inspection = Inspection(id=1, name="Northmoor", framework=Framework.INTEGRATED, start_date=date(2026, 11, 30),
                            end_date=date(2026, 12, 18))
    welcome = Welcome(inspector=LEAD, inspection=inspection, epoch="e", head=0, team=[LEAD, CQC, PRISONS])
    assert TeamState.build(welcome).on_site(date(2026, 12, 1)) is None  # nobody's days recorded: not shown

    state = TeamState.build(welcome, [on_site_set(1, CQC, "2026-12-01", None),
                                      on_site_set(2, PRISONS, "2026-12-14", "2026-12-18")])
    assert state.on_site(date(2026, 11, 30)) == {LEAD.id}  # day one: the lead alone
    assert state.on_site(date(2026, 12, 1)) == {LEAD.id, CQC.id}
    assert state.on_site(date(2026, 12, 5)) == frozenset()  # a Saturday
    assert state.on_site(date(2026, 12, 14)) == {LEAD.id, CQC.id, PRISONS.id}  # week three
    assert state.on_site(date(2026, 12, 21)) == frozenset()  # fieldwork is over
    state.apply(on_site_set(3, PRISONS, None, None))  # the lead's change replaces what was recorded
    assert state.on_site(date(2026, 12, 1)) == {LEAD.id, CQC.id, PRISONS.id}


def roster_text(app: TriangulateApp) -> str:
    return str(app.board.query_one("#roster").render())


async def test_the_lead_records_days_on_site_and_the_team_panel_shows_who_is_on_site_today(tmp_path: Path) -> None:
    """Fieldwork from Mon 16 Nov; the apps' today is Wed 18 Nov. Ben joins on Mon 23 Nov."""
    async with lead_and_inspector(tmp_path, SIZE) as (asha, pa, ben, pb):
        assert "Set days on site" not in titles(ben)  # only the lead records them
        assert "on site" not in roster_text(ben)  # nobody's days recorded yet

        await palette(pa, "Set days on site")
        form = asha.screen
        assert isinstance(form, OnSiteForm)
        await fill(pa, form, inspector_id="2", first_day="23/11/2026", last_day="20/11/2026")
        await pa.press("ctrl+s")
        assert asha.screen is form and "before the first" in str(form.query_one("#error-last_day", Label).render())
        await fill(pa, form, last_day="")
        await pa.press("ctrl+s")

        await wait_for(pb, lambda: "1 on site today" in roster_text(ben), "Ben's team panel")
        roster = roster_text(ben)
        assert "Ben Okafor (you) CQC · off site" in roster and "Asha Patel Ofsted lead · on site" in roster
        await wait_for(pa, lambda: "1 on site today" in roster_text(asha), "Asha's team panel")
