"""Risk alerts in the app, against a real server: the bar and bell everywhere, seen-by, the lifecycle, duty.

Several app instances share one real server (tests/tui/app_server.py). The only stand-ins are the clocks
(the server's ticking clock, the apps' fixed ``now``) and the terminal bell, which is counted instead of
rung. Forms are filled by setting their widgets, then sent with ctrl+s as a user would.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from server.storage import database
from shared.alerts import ADDRESS_EXPECTATION, INFORM_DUTY, AcknowledgeAlert, AlertStatus
from shared.vocabulary import Inspectorate, Role
from tui.alerts.bar import AlertBar
from tui.alerts.letter import LetterDialog
from tui.alerts.screen import AlertsScreen
from tui.app import TriangulateApp
from tui.board.finding_form import FindingForm
from tui.dialogs.command_form import CommandForm
from tui.help_screen import HelpScreen

from .alerts_data import alert_log
from .app_data import NOW, seed_events, seeded_store
from .app_server import fill, lead_and_inspector, live, make_app, notified, offered, running_server, wait_for

SIZE = (100, 30)
CHILD = "NM-10234"


def count_bells(app: TriangulateApp) -> list[int]:
    """The terminal bell is the one edge we cannot observe: count the calls instead."""
    rung: list[int] = []
    app.bell = lambda: rung.append(1)  # type: ignore[method-assign]
    return rung


def bar_text(app: TriangulateApp) -> str:
    """What the alert bar on the current screen says ('' while it is hidden)."""
    bars = app.screen.query(AlertBar)
    if not bars:
        return ""
    bar = bars.first()
    return bar.text if bar.has_class("-shown") and bar.display else ""


def intro(form: CommandForm) -> str:
    return str(form.query_one("#command-form-intro", Static).render())


def add_member(db_url: str, name: str, inspectorate: Inspectorate = Inspectorate.HMIC) -> str:
    engine = database.connect(db_url)
    try:
        inspection = database.list_inspections(engine)[0]
        return database.add_inspector(engine, inspection_id=inspection.id, name=name, inspectorate=inspectorate,
                                   role=Role.INSPECTOR)[1]
    finally:
        engine.dispose()


async def raise_escalation(pilot: Pilot[Any], child: str = CHILD) -> str:
    """Raise a significant-harm escalation through the form; returns its id (the command's id)."""
    app = pilot.app
    assert isinstance(app, TriangulateApp)
    await pilot.press("exclamation_mark")
    form = app.screen
    assert isinstance(form, CommandForm)
    assert INFORM_DUTY in intro(form)  # CP ¶32, in its own words (tests/tui/test_escalation_wording.py)
    await fill(pilot, form, level="significant-harm", agency="local-authority", child_id=child,
               summary="Child left at home with a known risk adult.",
               immediate_action="Strategy discussion today; confirm where the child sleeps.")
    await pilot.press("ctrl+s")
    assert not isinstance(app.screen, CommandForm), "a valid form closes"
    return form.command_id


async def test_an_escalation_reaches_every_screen_rings_and_stays_after_acknowledgement(tmp_path: Path) -> None:
    """CP ¶32: the bar counts down to the next step for every member, and acknowledging it does not clear it."""
    async with running_server(tmp_path) as server:
        cara_token = add_member(server.db_url, "Cara Jones")
        asha = make_app(tmp_path, server.url, server.tokens["asha"], name="asha")
        ben = make_app(tmp_path, server.url, server.tokens["ben"], name="ben")
        cara = make_app(tmp_path, server.url, cara_token, name="cara")
        bells = {app: count_bells(app) for app in (asha, ben, cara)}
        async with asha.run_test(size=SIZE) as pa, ben.run_test(size=SIZE) as pb, cara.run_test(size=SIZE) as pc:
            for pilot in (pa, pb, pc):
                await live(pilot)
            await pa.press("question_mark")  # the lead is reading the help screen
            await pc.press("a")  # Cara is on the alerts screen
            assert isinstance(asha.screen, HelpScreen) and isinstance(cara.screen, AlertsScreen)
            assert bar_text(asha) == "" and not any(bells.values())

            alert_id = await raise_escalation(pb)

            await wait_for(pa, lambda: "SIGNIFICANT HARM" in bar_text(asha), "the bar on the lead's help screen")
            assert isinstance(asha.screen, HelpScreen)
            assert CHILD in bar_text(asha) and "acknowledge it now: a, then k" in bar_text(asha)
            assert "min left (due 18 Nov 10:" in bar_text(asha)
            await wait_for(pc, lambda: "SIGNIFICANT HARM" in bar_text(cara), "the bar on Cara's alerts screen")
            assert "waiting for the lead" in bar_text(cara) and "s: I have seen it" in bar_text(cara)
            await wait_for(pb, lambda: "SIGNIFICANT HARM" in bar_text(ben), "the bar at the sender too")
            assert bells[asha] and bells[cara] and bells[ben]
            await wait_for(pb, lambda: not ben.state.alerts.pending, "the server's ack of the raise")

            # Cara confirms she has seen it from the alerts screen; the lead sees who has and who has not.
            assert isinstance(cara.screen, AlertsScreen) and cara.screen.highlighted is not None
            await pc.press("s")
            await wait_for(pa, lambda: 3 in asha.state.alerts.alerts[alert_id].seen_by, "Cara's read receipt")
            await pa.press("escape", "a")
            screen = asha.screen
            assert isinstance(screen, AlertsScreen)
            detail = screen.detail.text
            assert "Seen by 2 of 3: Ben Okafor, Cara Jones" in detail
            assert "Not yet seen: Asha Patel" in detail
            assert "see" not in offered(cara.screen)

            await pa.press("k")  # the lead acknowledges: the bar stays, now counting down to the informing
            for app, pilot in ((asha, pa), (ben, pb), (cara, pc)):
                await wait_for(pilot, lambda app=app: "immediately inform the relevant senior manager" in bar_text(app),
                               "the bar to move on to the next step everywhere")
                assert app.state.alerts.alerts[alert_id].status is AlertStatus.ACKNOWLEDGED
                assert "SIGNIFICANT HARM · 1 h " in bar_text(app) and " left (due 18 Nov 11:" in bar_text(app)
            assert "inform the relevant senior manager: a, then i" in bar_text(asha)
            assert "waiting for the lead to immediately inform" in bar_text(cara)
            for app in (asha, ben, cara):
                assert not notified(app, "Not yet confirmed")


@pytest.mark.slow
async def test_the_lead_takes_an_escalation_through_every_step_on_the_alerts_screen(tmp_path: Path) -> None:
    async with lead_and_inspector(tmp_path, SIZE) as (asha, pa, ben, pb):
        alert_id = await raise_escalation(pb)
        await wait_for(pa, lambda: alert_id in asha.state.alerts.alerts, "the escalation at the lead")

        def status() -> AlertStatus:
            return asha.state.alerts.alerts[alert_id].status

        await pa.press("a")
        screen = asha.screen
        assert isinstance(screen, AlertsScreen) and screen.highlighted is not None
        assert screen.highlighted.id == alert_id

        def calls(lead_words: str, other_words: str) -> bool:
            """Both bars still show the escalation, each calling for the next step as that member may take it."""
            return lead_words in bar_text(asha) and other_words in bar_text(ben)

        await wait_for(pb, lambda: calls("acknowledge it now: a, then k", "waiting for the lead to acknowledge it now"),
                       "the acknowledging called for")
        await pa.press("k")
        await wait_for(pa, lambda: status() is AlertStatus.ACKNOWLEDGED, "acknowledged")
        await wait_for(pb, lambda: calls("immediately inform the relevant senior manager: a, then i",
                                         "waiting for the lead to immediately inform"), "the informing called for")
        await wait_for(pa, lambda: "next: record that the senior manager was informed (lead inspector) · due 18 Nov "
                       "11:" in screen.detail.text, "the detail counting down too")
        assert "min left" in screen.detail.text

        await pa.press("i")
        form = asha.screen
        assert isinstance(form, CommandForm)
        assert form.query_one("#field-informed_role", Input).value == "Director of Children's Services"
        assert form.query_one("#field-informed_at", Input).value == "2026-11-18 10:30"  # now, local time
        await fill(pa, form, informed_name="Dana Whitfield", method="phone")
        await pa.press("ctrl+s")
        await wait_for(pa, lambda: status() is AlertStatus.INFORMED, "informed")
        await wait_for(pb, lambda: calls("confirm this in writing at the earliest opportunity: a, then w",
                                         "waiting for the lead to confirm this in writing"), "the letter called for")
        assert "1 d 0 h left (due 19 Nov 10:30)" in bar_text(asha)  # 24 hours from the informing, at 10:30

        await pa.press("w")
        letter = asha.screen
        assert isinstance(letter, LetterDialog)
        text = letter.letter_text
        assert f"Child unique ID: {CHILD}" in text and "Dear Dana Whitfield" in text
        assert "by telephone on Wednesday 18 November 2026 at 10:30" in text
        assert "Yours sincerely,\nAsha Patel\nLead inspector" in text
        await pa.press("ctrl+y")
        assert asha.clipboard == text
        await pa.press("ctrl+s")
        assert asha.screen is letter, "the reference is required"
        await fill(pa, letter, reference="NM-2026-014")
        await pa.press("ctrl+s")
        await wait_for(pa, lambda: status() is AlertStatus.CONFIRMED, "confirmed")

        await wait_for(pb, lambda: calls("record the local authority's response: a, then l",
                                         "record the local authority's response: a, then l"), "anyone may respond")
        await pb.press("a", "l")  # anyone may record the local authority's response
        response = ben.screen
        assert isinstance(response, CommandForm)
        assert ADDRESS_EXPECTATION in intro(response)  # CP ¶49
        await fill(pb, response, response="Strategy discussion held at 14:00; child placed with grandparent.")
        await pb.press("ctrl+s")
        await wait_for(pa, lambda: status() is AlertStatus.RESPONDED, "responded")
        await wait_for(pb, lambda: calls("resolve it once the risk is addressed: a, then v",
                                         "waiting for the lead to resolve it"), "the resolution called for")

        await pa.press("v")
        resolve = asha.screen
        assert isinstance(resolve, CommandForm)
        await fill(pa, resolve, outcome="Child safe; case stepped up to a child protection enquiry.")
        await pa.press("ctrl+s")
        await wait_for(pa, lambda: status() is AlertStatus.RESOLVED, "resolved")
        await wait_for(pb, lambda: bar_text(asha) == bar_text(ben) == "", "resolved: the bar goes, for everyone")

        detail = screen.detail.text
        for words in ("acknowledged · Asha Patel", "senior manager informed · Asha Patel",
                      "Dana Whitfield (Director of Children's Services), telephone",
                      "written confirmation sent", "reference NM-2026-014",
                      "local authority's response · Ben Okafor", "resolved · Asha Patel"):
            assert words in detail, words
        assert "Status: Resolved" in detail
        assert screen.check_action("update", ()) and not screen.check_action("resolve", ())


async def test_a_non_lead_is_not_offered_duty_steps_and_the_server_refuses_them(tmp_path: Path) -> None:
    async with lead_and_inspector(tmp_path, SIZE) as (asha, pa, ben, pb):

        # The raise form shows the server's rules inline before anything is sent.
        await pb.press("exclamation_mark")
        form = ben.screen
        assert isinstance(form, CommandForm)
        await fill(pb, form, level="significant-harm", agency="health", child_id="Jane Smith", summary="x")
        await pb.press("ctrl+s")
        assert ben.screen is form
        assert "never a name" in str(form.query_one("#error-child_id").render())
        await pb.press("escape")

        alert_id = await raise_escalation(pb)
        await wait_for(pb, lambda: alert_id in ben.state.alerts.alerts, "the escalation at Ben")
        await pb.press("a")
        screen = ben.screen
        assert isinstance(screen, AlertsScreen)
        for duty in ("acknowledge", "inform", "confirm", "resolve", "deputy", "deadlines"):
            assert not screen.check_action(duty, ()), duty
        assert "acknowledge" not in offered(screen) and "update" in offered(screen)
        await pb.press("k")
        assert not ben.state.alerts.pending and ben.store.pending() == []  # nothing was sent

        # If Ben's view were stale, the server would still refuse, and the app says so in its words.
        ben.outbox.send(AcknowledgeAlert(id="ben-ack", alert_id=alert_id))
        await wait_for(pb, lambda: notified(ben, "only the lead inspector or their named deputy"), "refusal")
        assert ben.state.alerts.alerts[alert_id].status is AlertStatus.RAISED

        # The lead names Ben as deputy: now he is offered the acknowledgement.
        await pa.press("a", "d")
        deputy = asha.screen
        assert isinstance(deputy, CommandForm)
        await fill(pa, deputy, inspector_id="2")
        await pa.press("ctrl+s")
        await wait_for(pb, lambda: ben.state.alerts.deputy_id == 2, "the deputy named")
        await pb.pause()
        assert screen.check_action("acknowledge", ())
        await pb.press("k")
        await wait_for(pa, lambda: asha.state.alerts.alerts[alert_id].status is AlertStatus.ACKNOWLEDGED,
                       "the deputy's acknowledgement")


async def test_an_offline_client_shows_open_escalations_first_when_it_reconnects(tmp_path: Path) -> None:
    async with running_server(tmp_path) as server:
        asha = make_app(tmp_path, server.url, server.tokens["asha"], name="asha")
        async with asha.run_test(size=SIZE) as pa:
            await live(pa)
        asha.store.close()

        ben = make_app(tmp_path, server.url, server.tokens["ben"], name="ben")
        async with ben.run_test(size=SIZE) as pb:  # while the lead is away, Ben raises an escalation
            await live(pb)
            alert_id = await raise_escalation(pb)
            await wait_for(pb, lambda: not ben.state.alerts.pending, "the server's ack")
        ben.store.close()

        back = make_app(tmp_path, server.url, server.tokens["asha"], name="asha")
        bells = count_bells(back)
        async with back.run_test(size=SIZE) as pa:
            await live(pa)
            await wait_for(pa, lambda: isinstance(back.screen, AlertsScreen) and back.screen.highlighted is not None
                           and "SIGNIFICANT HARM" in bar_text(back), "the alerts screen first, and the bar")
            screen = back.screen
            assert isinstance(screen, AlertsScreen) and screen.highlighted is not None
            assert screen.highlighted.id == alert_id
            assert "SIGNIFICANT HARM" in bar_text(back) and CHILD in bar_text(back)
            assert bells, "an escalation that arrived while away rings once on catching up"


async def test_not_yet_confirmed_shows_loudly_when_the_server_does_not_answer(tmp_path: Path) -> None:
    async with running_server(tmp_path) as server:
        url, port, token = server.url, server.server.port, server.tokens["ben"]
        first = make_app(tmp_path, url, token, name="ben")
        async with first.run_test(size=SIZE) as pilot:
            await live(pilot)
        first.store.close()

    # The server is gone: Ben raises an escalation anyway.
    ben = make_app(tmp_path, url, token, name="ben", alert_confirm_after=0.3)
    async with ben.run_test(size=SIZE) as pb:
        await wait_for(pb, lambda: ben.state.me is not None, "the cached welcome")
        alert_id = await raise_escalation(pb)
        await wait_for(pb, lambda: "NOT YET CONFIRMED BY THE SERVER" in bar_text(ben), "the warning in the bar")
        assert f"raising a significant-harm escalation (child {CHILD})" in bar_text(ben)
        await wait_for(pb, lambda: notified(ben, "Not yet confirmed by the server"), "the warning notification")
        assert [c.id for c in ben.store.pending()] == [alert_id]  # kept, and retried on reconnect

        async with running_server(tmp_path, port=port):
            await wait_for(pb, lambda: alert_id in ben.state.alerts.alerts, "the escalation on the server")
            await wait_for(pb, lambda: "NOT YET CONFIRMED" not in bar_text(ben), "the warning gone")
            await wait_for(pb, lambda: notified(ben, "Confirmed by the server"), "the all-clear")


async def test_an_overdue_step_nags_again_until_it_is_taken(tmp_path: Path) -> None:
    async with running_server(tmp_path) as server:
        asha = make_app(tmp_path, server.url, server.tokens["asha"], name="asha")
        ben = make_app(tmp_path, server.url, server.tokens["ben"], name="ben")
        bells = count_bells(asha)
        async with asha.run_test(size=SIZE) as pa, ben.run_test(size=SIZE) as pb:
            await live(pa)
            await live(pb)
            await pa.press("a", "t")  # the lead sets a one-minute acknowledgement deadline
            form = asha.screen
            assert isinstance(form, CommandForm)
            assert form.query_one("#field-acknowledge_seconds", Input).value == "15"
            await fill(pa, form, acknowledge_seconds="1")
            await pa.press("ctrl+s")
            await wait_for(pa, lambda: asha.state.alerts.deadlines.acknowledge.total_seconds() == 60, "deadlines")
            await pa.press("escape", "question_mark")  # away on the help screen

            alert_id = await raise_escalation(pb)
            await wait_for(pa, lambda: "OVERDUE" in bar_text(asha), "the overdue nag")
            assert "acknowledge it was due" in bar_text(asha)
            await wait_for(pa, lambda: len(bells) >= 2, "a second bell for the overdue step")
            await wait_for(pa, lambda: notified(asha, "Overdue"), "the overdue notification")
            await wait_for(pb, lambda: "OVERDUE" in bar_text(ben), "the whole team is nagged")

            await pa.press("escape", "a", "k")
            await wait_for(pa, lambda: asha.state.alerts.alerts[alert_id].status is AlertStatus.ACKNOWLEDGED, "ack")
            await wait_for(pa, lambda: "acknowledge it was due" not in bar_text(asha), "the nag to stop")


async def test_while_a_step_is_overdue_the_lead_is_nagged_on_every_screen(tmp_path: Path) -> None:
    """Offline, from the cache: the bar is derived from state, so it shows even before any connection."""
    cache = seeded_store(tmp_path / "cache.sqlite3")
    cache.append(alert_log(first_seq=len(seed_events()) + 1))
    app = TriangulateApp(store=cache, now=lambda: NOW, nag_every=0.3)
    bells = count_bells(app)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "OVERDUE" in bar_text(app), "the overdue bar from the cache")
        assert "record that the senior manager was informed was due 18 Nov 09:55" in bar_text(app)
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {"Raise a risk alert", "Alerts", "I've seen the alerts"} <= titles
        await pilot.press("n")  # the finding form is not one of ours, and it still gets the bar
        assert isinstance(app.screen, FindingForm)
        await wait_for(pilot, lambda: "OVERDUE" in bar_text(app), "the bar on the finding form")
        await wait_for(pilot, lambda: len(bells) >= 2, "the nag, again and again")
        await wait_for(pilot, lambda: notified(app, "Still overdue"), "the nag notification")


async def test_clicking_the_alert_bar_opens_the_alerts_screen(tmp_path: Path) -> None:
    """The bar runs the alerts feature's own action, as ``a`` does."""
    cache = seeded_store(tmp_path / "cache.sqlite3")
    cache.append(alert_log(first_seq=cache.head + 1))
    app = TriangulateApp(store=cache, now=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "overdue" in bar_text(app).casefold(), "the overdue escalation in the bar")
        await pilot.click(AlertBar)
        await wait_for(pilot, lambda: isinstance(app.screen, AlertsScreen), "the alerts screen")
