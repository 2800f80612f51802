"""The personal-data guard in the app, against a real server: held back and highlighted before anything is sent.

Two apps share one real server (tests/tui/app_server.py). What the server stored is read from its database, so
"nothing was sent" is checked where it matters, after a later clean command proves the apps are in step.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import TextArea

from server.storage import database
from shared.annex_a import CaseRecord
from shared.cases import ImportCases, SetPersonalDataPolicy
from shared.findings import PostFinding
from shared.personal_data import NameIndex, PersonalDataPolicy
from shared.protocol import Event
from tui.app import TriangulateApp
from tui.board.finding_form import FindingForm
from tui.board.screen import BoardScreen
from tui.dialogs.command_form import CommandForm
from tui.meetings.forms import MeetingForm
from tui.widgets.guard_notice import GuardNotice

from .app_server import fill, lead_and_inspector, new_finding, notified, wait_for

SIZE = (100, 34)
NHS = "943 476 5919"  # the published example NHS number: its check digit is valid
CLEAN = "Health visitor records show the visits were made on time."


def server_events(tmp_path: Path) -> list[Event]:
    """Every event the server stored, read from its database."""
    engine = database.connect(f"sqlite:///{tmp_path / 'server.db'}")
    try:
        inspection = database.list_inspections(engine)[0]
        _, head = database.log_position(engine, inspection_id=inspection.id)
        return [event for page in database.events_between(engine, inspection_id=inspection.id, after=0, upto=head)
                for event in page]
    finally:
        engine.dispose()


def notice(app: TriangulateApp) -> str:
    """What the guard's notice on the current screen says ('' if there is none)."""
    found = list(app.screen.query(GuardNotice))
    return found[0].plain if found else ""


async def new_health_finding(pilot: Pilot[Any], text: str) -> FindingForm:
    """Open the board's form for a new finding and fill it in (not sent)."""
    return await new_finding(pilot, text, agency="health", kind="weakness", evidence_source="case-file")


async def set_policy(app: TriangulateApp, pilot: Pilot[Any], policy: PersonalDataPolicy) -> None:
    app.outbox.send(SetPersonalDataPolicy(id=f"policy-{policy.value}", policy=policy))
    await wait_for(pilot, lambda: app.guard.policy is policy, f"the {policy.value} policy")


async def test_an_nhs_number_in_a_new_finding_is_held_back_and_highlighted(tmp_path: Path) -> None:
    async with lead_and_inspector(tmp_path, SIZE) as (asha, pa, ben, pb):
        form = await new_health_finding(pa, f"Health visitor notes give NHS no {NHS} for the baby.")
        await pa.press("ctrl+s")
        assert asha.screen is form, "the form stays open"
        said = notice(asha)
        assert "looks like an NHS number: 943 *** **** (in Finding)" in said
        assert "the server would refuse it" in said.lower()
        area = form.query_one("#text", TextArea)
        assert area.selected_text == NHS and asha.focused is area, "the match is selected where it is typed"

        await pa.press("ctrl+s")  # under the default refuse policy, pressing again does not send it either
        assert asha.screen is form and asha.state.findings == {}

        area.text = CLEAN  # reworded: it goes straight through
        await pa.pause()
        await pa.press("ctrl+s")
        assert isinstance(asha.screen, BoardScreen)
        await wait_for(pb, lambda: len(ben.state.findings) == 1, "the clean finding at Ben's")
        assert [view.fields.text for view in ben.state.findings.values()] == [CLEAN]
        assert [event.data["text"] for event in server_events(tmp_path)] == [CLEAN], "nothing else was stored"


async def test_under_warn_a_second_save_sends_it_with_a_masked_warning_and_amends_are_checked(
        tmp_path: Path) -> None:
    async with lead_and_inspector(tmp_path, SIZE) as (asha, pa, ben, pb):
        await set_policy(asha, pa, PersonalDataPolicy.WARN)
        await wait_for(pb, lambda: ben.guard.policy is PersonalDataPolicy.WARN, "the policy at Ben's")

        form = await new_health_finding(pb, f"Health visitor notes give NHS no {NHS} for the baby.")
        await pb.press("ctrl+s")
        assert ben.screen is form and "press ctrl+s again to send it anyway" in notice(ben)
        await pb.press("ctrl+s")
        assert isinstance(ben.screen, BoardScreen) and notified(ben, "Sent with a personal-data warning")
        await wait_for(pa, lambda: len(asha.state.findings) == 1, "Ben's finding at the lead")
        posted = server_events(tmp_path)[-1]
        assert posted.kind == "finding.posted"
        assert posted.data["personal_data"] == [{"field": "text", "kind": "nhs-number", "masked": "943 *** ****",
                                                 "reason": posted.data["personal_data"][0]["reason"]}]
        assert NHS not in str(posted.data["personal_data"])

        # Amending is checked the same way: a postcode added, a notice, then sent on the second save.
        finding_id = next(iter(ben.state.findings))
        await wait_for(pb, lambda: ben.state.findings[finding_id].status == "saved", "the post saved")
        await pb.press("e")
        amend = ben.screen
        assert isinstance(amend, FindingForm)
        amend.query_one("#text", TextArea).text = "The family moved to LS6 2AB last month."
        await pb.pause()
        await pb.press("ctrl+s")
        assert ben.screen is amend and "looks like a UK postcode: LS6 ***" in notice(ben)
        assert amend.query_one("#text", TextArea).selected_text == "LS6 2AB"
        await pb.press("ctrl+s")
        assert isinstance(ben.screen, BoardScreen)
        await wait_for(pa, lambda: asha.state.findings[finding_id].version == 2, "the amendment at the lead")
        amended = server_events(tmp_path)[-1]
        assert amended.kind == "finding.amended" and amended.data["personal_data"][0]["masked"] == "LS6 ***"


async def test_an_alert_with_a_phone_number_warns_but_is_never_held_back(tmp_path: Path) -> None:
    async with lead_and_inspector(tmp_path, SIZE) as (asha, pa, ben, pb):
        await pb.press("exclamation_mark")
        form = ben.screen
        assert isinstance(form, CommandForm)
        await fill(pb, form, level="emerging-concern", agency="police",
                   summary="Mother says to ring her on 07700 900123 about the missing episodes.")
        await pb.press("ctrl+s")
        assert ben.screen is form
        said = notice(ben)
        assert "looks like a phone number: 07700 ****** (in What was found)" in said
        assert "An alert is never held back: press ctrl+s again" in said
        assert form.query_one("#field-summary", TextArea).selected_text == "07700 900123"

        await pb.press("ctrl+s")  # the policy is refuse, but an alert is only ever warned about
        assert not isinstance(ben.screen, CommandForm)
        await wait_for(pa, lambda: form.command_id in asha.state.alerts.alerts, "the alert at the lead")
        raised = server_events(tmp_path)[-1]
        assert raised.kind == "alert.raised"
        assert [(r["field"], r["kind"]) for r in raised.data["personal_data"]] == [("summary", "phone")]


async def test_a_worker_named_in_the_imported_cases_is_caught_in_a_kit_note(tmp_path: Path) -> None:
    async with lead_and_inspector(tmp_path, SIZE) as (asha, pa, _ben, _pb):
        assert asha.state.inspection is not None and asha.state.inspection.case_salt
        salt = bytes.fromhex(asha.state.inspection.case_salt)
        index = NameIndex.build(["Karen Whitfield"], salt)  # as the import does: only the digests travel
        asha.outbox.send(ImportCases(id="import-1", cases=[CaseRecord(child_id="NM-10234")],
                                      name_digests=sorted(index.digests), source="annex-a.csv"))
        await wait_for(pa, lambda: asha.state.cases.name_digests == set(index.digests), "the digests")

        await pa.press("m")
        await pa.press("b")
        opening = asha.screen
        assert isinstance(opening, MeetingForm)
        await pa.press("ctrl+s")
        await wait_for(pa, lambda: asha.state.evidence.meetings, "the KIT meeting open")
        await pa.press("n")
        form = asha.screen
        assert isinstance(form, MeetingForm)
        await fill(pa, form, text="The DCS agreed Karen Whitfield's caseload is too high.")
        await pa.press("ctrl+s")
        assert asha.screen is form
        assert "looks like a person's name: K**** W******** (in Note)" in notice(asha)
        assert form.query_one("#field-text", TextArea).selected_text == "Karen Whitfield"
        await pa.press("ctrl+s")
        assert asha.screen is form, "a KIT note is refused under the default policy: it must be reworded"

        await fill(pa, form, text="The DCS agreed the allocated worker's caseload is too high.")
        await pa.press("ctrl+s")
        assert not isinstance(asha.screen, MeetingForm)
        await wait_for(pa, lambda: server_events(tmp_path)[-1].kind == "meeting.recorded", "the note stored")
        assert "Whitfield" not in str([event.data for event in server_events(tmp_path)])


async def test_the_servers_refusal_shows_on_the_finding_it_refused(tmp_path: Path) -> None:
    async with lead_and_inspector(tmp_path, SIZE) as (asha, pa, _ben, _pb):
        # As a client whose check missed it would send it (an index not yet caught up): straight to the server.
        asha.outbox.send(PostFinding(id="stale-1", agency="health", kind="weakness", evidence_source="case-file",
                                      text=f"NHS no {NHS} on the referral."))
        await wait_for(pa, lambda: asha.state.findings.get("stale-1") is not None
                       and asha.state.findings["stale-1"].status == "rejected", "the refusal")
        error = asha.state.findings["stale-1"].error or ""
        assert "policy refuses personal data" in error and "943 *** ****" in error and NHS not in error
        assert notified(asha, "The server refused it: personal data")
        assert server_events(tmp_path) == []
