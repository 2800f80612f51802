"""KIT meetings in the app, against a real server: the lead runs one from open to frozen, amended minutes.

Two app instances share one real server (tests/tui/app_server.py): the lead (Asha) runs the meeting and a
CQC inspector (Ben) watches it live, read-only. The only stand-ins are the clocks. Forms are filled by
setting their widgets, then sent with ctrl+s, as a user would.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from shared.criteria import Grade
from shared.findings import FindingFields
from shared.grades import AgreeGrade, ProposeGrade, ReopenGrade
from shared.meetings import (
    AgendaItem,
    EntryKind,
    MeetingKind,
    Minutes,
    OpenMeeting,
    RecordEntry,
    Section,
    minutes_markdown,
)
from shared.vocabulary import Agency, EvidenceSource, FindingKind
from tui.app import TriangulateApp
from tui.meetings.actions import MeetingsFeature
from tui.meetings.close_dialog import CloseMeetingDialog
from tui.meetings.forms import MeetingForm
from tui.meetings.screen import LEAD_ACTIONS, MeetingsScreen, Row, may

from .app_data import ASHA, BEN, NOW, seeded_store
from .app_server import fill, lead_and_inspector, live, make_app, notified, offered, running_server, wait_for
from .meetings_data import TODAY_KIT, meeting_log

SIZE = (100, 30)

FINDINGS = [
    FindingFields(agency=Agency.HEALTH, kind=FindingKind.WEAKNESS, evidence_source=EvidenceSource.CASE_FILE,
                  text="No record of the health visitor being invited to the strategy discussion."),
    FindingFields(agency=Agency.HEALTH, kind=FindingKind.STRENGTH, evidence_source=EvidenceSource.OBSERVATION,
                  text="Named nurse's supervision of health visitors is regular and reflective."),
]


async def submit(pilot: Pilot[Any], key: str, **values: str) -> None:
    """Press ``key`` on the meetings screen, fill the form it opens, and send it."""
    app = pilot.app
    await pilot.press(key)
    form = app.screen
    assert isinstance(form, MeetingForm), f"{key} opens a meeting form"
    await fill(pilot, form, **values)
    await pilot.press("ctrl+s")
    assert not isinstance(app.screen, MeetingForm), "a valid form closes"


def meetings_screen(app: TriangulateApp) -> MeetingsScreen:
    screen = app.screen
    assert isinstance(screen, MeetingsScreen)
    return screen


def highlight(screen: MeetingsScreen, option_id: str) -> None:
    screen.minutes_list.highlighted = screen.minutes_list.get_option_index(option_id)


@pytest.mark.slow
async def test_the_lead_runs_a_kit_meeting_from_open_to_frozen_amended_minutes(tmp_path: Path) -> None:
    async with lead_and_inspector(tmp_path, SIZE) as (asha, pa, ben, pb):
        for fields in FINDINGS:  # Ben records two findings, as the board's form would
            ben.board.submit(fields)
        await wait_for(pa, lambda: len(asha.state.findings) == 2, "Ben's findings at the lead")

        await pb.press("m")  # Ben follows the meetings screen: nothing yet, and nothing for him to do
        assert "The lead inspector opens the day's KIT" in meetings_screen(ben).title_text
        assert not offered(ben.screen) & LEAD_ACTIONS

        # The lead opens today's KIT meeting; the server drafts the agenda from the findings.
        await pa.press("m")
        screen = meetings_screen(asha)
        assert "No meetings yet" in screen.title_text and "open_meeting" in offered(screen)
        await submit(pa, "b")
        await wait_for(pa, lambda: screen.minutes is not None, "the meeting open at the lead")
        minutes = screen.minutes
        assert minutes is not None and minutes.kind is MeetingKind.KIT and minutes.is_open
        assert minutes.day.isoformat() == "2026-11-18"  # today in London at the fixed clock
        assert "Keeping-in-touch meeting · Wednesday 18 November 2026" in screen.title_text
        assert "Findings since the last meeting" in screen.minutes_text
        assert "1. Health — Weakness: No record of the health visitor" in screen.minutes_text
        assert "2. Health — Strength: Named nurse's supervision" in screen.minutes_text
        await wait_for(pb, lambda: "No record of the health visitor" in meetings_screen(ben).minutes_text,
                       "the agenda at Ben's")
        assert notified(ben, "Asha Patel opened the KIT meeting") and not notified(asha, "opened the KIT")

        # An item of other business, added last, then moved up above the strength.
        assert screen.row.item == screen.minutes.agenda[0]  # type: ignore[union-attr]  # the first item
        await pa.press("plus")
        form = asha.screen
        assert isinstance(form, MeetingForm)
        assert form.query_one("#field-position", Input).value == "2", "offered just after the highlighted item"
        await fill(pa, form, title="Health visitor capacity", position="")  # but this one goes last
        await pa.press("ctrl+s")
        await wait_for(pa, lambda: len(screen.minutes.agenda) == 3, "the added item")  # type: ignore[union-attr]
        added = screen.minutes.agenda[-1]  # type: ignore[union-attr]
        assert added.title == "Health visitor capacity" and screen.row.item == added, "the new item highlighted"
        assert {"move_up", "drop_item"} <= offered(screen) and "move_down" not in offered(screen)
        await pa.press("shift+up")
        await wait_for(pa, lambda: screen.minutes.agenda[1].id == added.id, "the item moved up")  # type: ignore[union-attr]
        assert "2. Health visitor capacity" in screen.minutes_text
        assert screen.row.item is not None and screen.row.item.id == added.id, "still highlighted after moving"

        # Against it: a note, the local authority's response and an action.
        await submit(pa, "n", text="Two health visitors for 900 families in the north locality.")
        await submit(pa, "r", text="The DCS will raise capacity with the CCG at Friday's board.")
        await submit(pa, "p", text="Send the health visiting caseload figures.", owner="Head of Service",
                     due="20/11/2026")
        await wait_for(pa, lambda: len(screen.minutes.entries) == 3, "three entries")  # type: ignore[union-attr]
        minutes = screen.minutes
        assert minutes is not None
        assert [e.kind for e in minutes.entries] == [EntryKind.NOTE, EntryKind.LA_RESPONSE, EntryKind.ACTION]
        assert {e.item_id for e in minutes.entries} == {added.id}
        assert "drop_item" not in offered(screen), "an item with entries cannot be dropped"
        text = screen.minutes_text
        assert "• Local authority's response: The DCS will raise capacity" in text
        assert "• Action: Send the health visiting caseload figures. — owner: Head of Service; due Fri 20 Nov" \
            in text

        # Ben sees it all live, and is offered none of it.
        watching = meetings_screen(ben)
        await wait_for(pb, lambda: "caseload figures" in watching.minutes_text, "the entries at Ben's")
        assert "Read-only: the lead inspector runs meetings." in watching.title_text
        highlight(watching, f"item:{added.id}")
        await pb.pause()
        assert not offered(watching) & LEAD_ACTIONS and "export" in offered(watching)
        await pb.press("n")  # a key that is not his does nothing
        assert watching is ben.screen

        # Close, after confirming: the minutes freeze.
        await pa.press("f")
        assert isinstance(asha.screen, CloseMeetingDialog)
        warning = str(asha.screen.query_one("#close-warning", Static).render())
        assert "Closing freezes the minutes" in warning and "grades" not in warning  # only the final records them
        await pa.press("y")
        await wait_for(pa, lambda: not screen.minutes.is_open, "the meeting closed")  # type: ignore[union-attr]
        assert "✓ Closed 18 Nov" in screen.title_text and "the minutes are frozen" in screen.title_text
        assert not offered(screen) & {"add_item", "note", "la_response", "record_action", "close_meeting",
                                      "move_up", "move_down", "drop_item"}
        assert "open_meeting" in offered(screen), "tomorrow's (or the team's) meeting can be opened"

        # A correction after closing is an amendment, with its reason and the earlier version shown.
        action = minutes.entries[2]
        highlight(screen, f"entry:{action.id}")
        await pa.pause()
        assert "amend" in offered(screen)
        await pa.press("e")
        form = asha.screen
        assert isinstance(form, MeetingForm)
        assert form.query_one("#field-due", Input).value == "2026-11-20"
        await fill(pa, form, due="2026-11-23", reason="The DCS asked for Monday.")
        await pa.press("ctrl+s")
        await wait_for(pa, lambda: len(screen.minutes.entries[2].versions) == 2, "the amendment")  # type: ignore[union-attr]
        text = screen.minutes_text
        assert "due Mon 23 Nov  ✎" in text
        assert "✎ amended 18 Nov" in text and "The DCS asked for Monday." in text
        assert "before (18 Nov" in text and "due Fri 20 Nov" in text
        await wait_for(pb, lambda: "The DCS asked for Monday." in watching.minutes_text, "history at Ben's")
        assert "✓ Closed" in watching.title_text


async def test_the_server_refuses_a_meeting_command_from_someone_else_and_the_app_says_so(tmp_path: Path) -> None:
    async with running_server(tmp_path) as server:
        ben = make_app(tmp_path, server.url, server.tokens["ben"], name="ben")
        async with ben.run_test(size=SIZE) as pb:
            await live(pb)
            ben.outbox.send(OpenMeeting(id="ben-tries", kind=MeetingKind.KIT, day=NOW.date()))
            await wait_for(pb, lambda: notified(ben, "only the lead inspector may open a meeting"), "the refusal")
            assert not ben.state.evidence.meetings


async def test_exporting_minutes_writes_markdown_and_copies_it(tmp_path: Path) -> None:
    cache = seeded_store(tmp_path / "cache.sqlite3")
    cache.append(meeting_log(first_seq=cache.head + 1))
    app = TriangulateApp(store=cache, now=lambda: NOW)
    app.feature(MeetingsFeature).export_dir = tmp_path / "minutes"
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: TODAY_KIT in app.state.evidence.meetings, "the cached meetings")
        assert "Meetings" in {command.title for command in app.get_system_commands(app.screen)}
        await pilot.press("m")
        screen = meetings_screen(app)
        assert screen.meeting_id == TODAY_KIT, "the open KIT meeting first"
        await pilot.press("w")
        path = tmp_path / "minutes" / "northmoor-kit-meeting-2026-11-18.md"
        await wait_for(pilot, path.exists, "the exported file")
        expected = minutes_markdown(app.state.evidence.meetings[TODAY_KIT], inspection_name="Northmoor",
                                    timezone="Europe/London")
        assert path.read_text(encoding="utf-8") == expected
        assert "## Actions" in expected and "amended" in expected
        assert app.clipboard == expected
        await wait_for(pilot, lambda: notified(app, str(path)), "the path notified")


def test_what_is_offered_follows_the_meeting_rules() -> None:
    """The keys come from shared rules: the lead only; no LA response at the team's meeting; no dropping an
    item with entries; nothing but amendments once closed."""
    at = datetime(2026, 11, 18, 16, 0, tzinfo=UTC)
    items = [AgendaItem(id=f"t.{n}", section=Section.FINDINGS, title=f"item {n}") for n in (1, 2)]
    team = Minutes(id="t", kind=MeetingKind.TEAM, day=at.date(), opened_at=at, agenda=items)
    first, last = Row(item=items[0]), Row(item=items[1])

    def offers(action: str, row: Row = first, me: Any = ASHA) -> bool:
        return may(action, me=me, minutes=team, row=row, closed_kinds=frozenset({MeetingKind.KIT}))

    assert offers("note") and offers("record_action") and not offers("la_response")
    assert not offers("move_up") and offers("move_down") and offers("move_up", last) and not offers("move_down", last)
    assert offers("drop_item") and offers("open_meeting") and not offers("amend")
    assert not any(offers(action, me=BEN) for action in LEAD_ACTIONS) and offers("export", me=BEN)
    entry = team.record(RecordEntry(id="e1", meeting_id="t", item_id="t.1", entry=EntryKind.NOTE, text="x"), at)
    assert not offers("drop_item") and offers("drop_item", last)
    team.close(at)
    assert offers("amend", Row(item=items[0], entry=entry))
    assert not any(offers(a, Row(item=items[0], entry=entry)) for a in LEAD_ACTIONS - {"amend", "open_meeting"})


async def test_the_lead_opens_the_final_meeting_and_sees_the_judgements_to_agree(tmp_path: Path) -> None:
    """CP ¶31: the lead opens the final team meeting; its agenda lists every judgement with what is proposed."""
    async with lead_and_inspector(tmp_path, SIZE) as (asha, pa, ben, pb):
        ben.outbox.send(ProposeGrade(id="g-health-overall", agency=Agency.HEALTH, judgement="overall",
                                      grade=Grade.GOOD, rationale="Health partners share risk well."))
        await wait_for(pa, lambda: asha.state.head >= 1, "Ben's proposal at the lead")

        await pa.press("m")
        screen = meetings_screen(asha)
        await submit(pa, "b", kind=MeetingKind.FINAL.value)
        await wait_for(pa, lambda: screen.minutes is not None, "the final meeting open at the lead")
        minutes = screen.minutes
        assert minutes is not None and minutes.kind is MeetingKind.FINAL
        assert "Final team meeting · Wednesday 18 November 2026" in screen.title_text
        text = screen.minutes_text
        assert "Judgements to agree" in text
        assert "1. Local authority — Overall effectiveness: not yet proposed" in text
        assert "5. Health — Overall effectiveness: proposed good, 1 warning" in text  # no findings cited
        assert "12. LSCB — Effectiveness of the LSCB: not yet proposed" in text
        assert "Narratives to agree (not graded)" in text and "13. Probation — the narrative" in text
        assert "la_response" in offered(screen), "the DCS is invited to the final meeting (CP ¶31)"
        assert "Final" in str(screen.days.get_option_at_index(0).prompt)

        await pb.press("m")  # Ben follows it, read-only, and was told where
        await wait_for(pb, lambda: "5. Health — Overall effectiveness" in meetings_screen(ben).minutes_text,
                       "the final agenda at Ben's")
        assert notified(ben, "Asha Patel opened the final meeting")

        # The lead records the agreed grade, then closes: the minutes keep the agreed grades as they stood.
        asha.outbox.send(AgreeGrade(id="g-health-agreed", agency=Agency.HEALTH, judgement="overall",
                                     grade=Grade.GOOD, rationale="Agreed at the final meeting."))
        await wait_for(pa, lambda: asha.state.head >= 3, "the agreed grade")
        await pa.press("f")
        assert isinstance(asha.screen, CloseMeetingDialog)
        warning = str(asha.screen.query_one("#close-warning", Static).render())
        assert ("Closing the final team meeting freezes its minutes with the agreed grades as they stand: "
                "1 of 12 judgements agreed.") in warning
        await pa.press("y")
        await wait_for(pa, lambda: not screen.minutes.is_open, "the final meeting closed")  # type: ignore[union-attr]
        text = screen.minutes_text
        assert "Agreed grades at close" in text
        assert "Health — Overall effectiveness: Good" in text
        assert "Police — Overall effectiveness: not agreed" in text
        await wait_for(pb, lambda: "Agreed grades at close" in meetings_screen(ben).minutes_text,
                       "the agreed grades at Ben's")
        assert "a grade changes only if the lead reopens it with a reason" in warning

        # A grade reopened after the close is an amendment in the minutes, at everyone's.
        asha.outbox.send(ReopenGrade(id="g-reopen", agency=Agency.HEALTH, judgement="overall",
                                      reason="The CQC's late evidence changes the picture."))
        await wait_for(pb, lambda: "Amendments to the agreed grades" in meetings_screen(ben).minutes_text,
                       "the amendment at Ben's")
        assert ("Health — Overall effectiveness: reopened" in meetings_screen(ben).minutes_text
                and "(was good) — The CQC's late evidence changes the picture.; open: not yet agreed again"
                in meetings_screen(ben).minutes_text)
