"""The day-one request checklist in the app (CP ¶27; Annex A, "Additional information required for the
inspection"): on a child-protection inspection the lead ticks an item off from the cases screen (``r``) and an
inspector, who has it open from the palette, sees the tick arrive; the inspector cannot tick; an integrated
inspection is not offered the checklist. Two apps on one real server; only the clocks stand in."""

from __future__ import annotations

from pathlib import Path

from shared.day_one import DayOneItem
from shared.vocabulary import Framework
from tui.cases.requests_screen import RequestsScreen
from tui.dialogs.command_form import CommandForm

from .app_server import fill, lead_and_inspector, live, make_app, running_server, seed_team, wait_for
from .test_cases_app import open_cases
from .test_clock_app import palette, titles

SIZE = (100, 30)
MINUTES = list(DayOneItem).index(DayOneItem.LSCB_MINUTES)


async def test_the_lead_ticks_off_a_day_one_request_and_the_inspector_sees_it(tmp_path: Path) -> None:
    tokens = seed_team(tmp_path / "server.db", Framework.CHILD_PROTECTION)  # running_server keeps it
    async with running_server(tmp_path) as server:
        asha = make_app(tmp_path, server.url, tokens["asha"], name="asha")
        ben = make_app(tmp_path, server.url, tokens["ben"], name="ben")
        async with asha.run_test(size=SIZE) as pa, ben.run_test(size=SIZE) as pb:
            await live(pa)
            await live(pb)
            await palette(pb, "Day-one requests")
            watcher = ben.screen
            assert isinstance(watcher, RequestsScreen)
            assert "0 of 13 received" in str(watcher.query_one("#day-one-title").render())
            assert watcher.list_text.splitlines()[0] == "○ not yet     Number of privately fostered children"
            assert "The lead ticks items off." in watcher.detail_text
            await pb.press("enter")
            assert ben.screen is watcher, "only the lead ticks"

            await open_cases(pa)
            await pa.press("r")
            checklist = asha.screen
            assert isinstance(checklist, RequestsScreen)
            for _ in range(MINUTES):
                await pa.press("down")
            await pa.press("enter")
            form = asha.screen
            assert isinstance(form, CommandForm) and "Minutes of the last three LSCB meetings" in str(
                form.query_one("#command-form-intro").render())
            await fill(pa, form, received_on="17/11/2026", note="Two of the three; the third on Thursday.")
            await pa.press("ctrl+s")
            assert asha.screen is checklist

            def ticked() -> bool:
                return "✓ 17/11/2026  Minutes of the last three LSCB meetings" in watcher.list_text

            await wait_for(pb, ticked, "the tick at Ben's")
            assert "1 of 13 received" in str(watcher.query_one("#day-one-title").render())
            await wait_for(pa, lambda: "✓ 17/11/2026  Minutes" in checklist.list_text, "the tick saved at Asha's")
            assert "Note: Two of the three; the third on Thursday." in checklist.detail_text


async def test_an_integrated_inspection_is_not_offered_the_checklist(tmp_path: Path) -> None:
    """The integrated framework sets out no day-one list (shared.day_one): neither the palette nor ``r`` offer it."""
    async with lead_and_inspector(tmp_path, SIZE) as (asha, pa, _ben, _pb):
        assert "Day-one requests" not in titles(asha)
        cases = await open_cases(pa)
        await pa.press("r")
        assert asha.screen is cases
