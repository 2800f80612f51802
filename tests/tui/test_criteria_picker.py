"""The finding form's criteria picker: search the catalogue, choose from the keyboard, follow agency and area.

Against a real server where a post is involved, so "stored" means the server's own database holds the id; the
form checks the same shared rule the server does, so a misfit is an inline error before anything is sent.
"""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session, select
from textual.widgets import Label, Static, TextArea

from server.storage import database
from server.storage.tables import FindingRow
from tui.app import TriangulateApp
from tui.board.criteria_picker import NONE_ID, CriteriaPicker
from tui.board.finding_form import FindingForm
from tui.board.screen import BoardScreen

from .app_data import BEN, NOW, seeded_store
from .app_server import choose, finding_error, make_app, new_finding, running_server, wait_for

SIZE = (80, 24)
"""The smallest terminal the form must work in."""


def chosen_line(picker: CriteriaPicker) -> str:
    return str(picker.query_one("#criterion-chosen", Label).render())


def listed(picker: CriteriaPicker) -> list[str | None]:
    option_list = picker.option_list
    return [option_list.get_option_at_index(i).id for i in range(option_list.option_count)]


def stored_criteria(db_url: str) -> list[str | None]:
    engine = database.connect(db_url)
    try:
        with Session(engine) as session:
            return [row.criterion for row in session.exec(select(FindingRow))]
    finally:
        engine.dispose()


async def test_search_choose_and_post_a_criterion_then_amend_keeps_it(tmp_path: Path) -> None:
    async with running_server(tmp_path) as server:
        app = make_app(tmp_path, server.url, server.tokens["ben"])
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: app.board.connected, "connected")
            form = await new_finding(pilot, agency="health", judgement_area="help-and-protection", kind="weakness",
                                     evidence_source="case-file")
            picker = form.query_one(CriteriaPicker)
            assert listed(picker)[:3] == [NONE_ID, "I68a", "I68b"]  # the area's own criteria first

            picker.focus()
            await pilot.press(*"information sharing")
            assert listed(picker) == ["I68c"]  # I69c says it too, but is about children looked after
            await pilot.press("enter")
            assert picker.value == "I68c"
            assert chosen_line(picker).startswith("[I ¶68c] Communication, information sharing")
            assert not picker.search_box.has_focus, "Enter chooses and moves on to the next field"

            form.query_one("#text", TextArea).text = "ED referrals describe the injury but not the risk."
            await pilot.pause()
            await pilot.press("ctrl+s")
            assert isinstance(app.screen, BoardScreen)
            finding_id = app.board.findings.highlighted_id
            assert finding_id is not None
            await wait_for(pilot, lambda: app.state.findings[finding_id].status == "saved", "the ack")
            assert stored_criteria(server.db_url) == ["I68c"]
            detail = str(app.board.query_one("#detail-body", Static).render())
            assert "Criterion: [I ¶68c] Communication, information sharing" in detail

            await pilot.press("e")  # amend: the picker starts on the finding's criterion
            form = app.screen
            assert isinstance(form, FindingForm)
            picker = form.query_one(CriteriaPicker)
            assert picker.value == "I68c"
            assert chosen_line(picker).startswith("[I ¶68c]")
            picker.focus()
            await pilot.press("up", "up", "up", "enter")  # from I68c up to "(no criterion)"
            assert picker.value is None and chosen_line(picker) == "No criterion"
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: app.state.findings[finding_id].version == 2, "the amendment")
            assert stored_criteria(server.db_url) == [None]


async def test_the_list_follows_agency_and_area_and_a_misfit_is_cleared(tmp_path: Path) -> None:
    async with running_server(tmp_path) as server:
        app = make_app(tmp_path, server.url, server.tokens["ben"])
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: app.board.connected, "connected")
            form = await new_finding(pilot, agency="health", judgement_area="help-and-protection")
            picker = form.query_one(CriteriaPicker)
            picker.focus()
            await pilot.press(*"68c", "enter")
            assert picker.value == "I68c"

            await choose(form, pilot, judgement_area="looked-after")
            assert picker.value is None
            assert "[I ¶68c] cleared: it does not fit Health × children looked after" in chosen_line(picker)
            assert {"I69a", "I63a"} <= set(listed(picker)) and "I68c" not in listed(picker)

            await choose(form, pilot, agency="police")
            assert "I80a" in listed(picker) and not any(str(i).startswith("I6") for i in listed(picker))

            # The integrated framework has no criteria for the local authority: nothing to choose.
            await choose(form, pilot, agency="local-authority")
            assert picker.offered == []
            assert picker.search_box.disabled
            assert "none in the integrated inspection for Local authority" in picker.search_box.placeholder


async def test_an_amended_finding_citing_a_misfit_gets_the_servers_message_inline(tmp_path: Path) -> None:
    """Ben's seeded finding cites '69b', an old code: the form says what is wrong before anything is sent."""
    store_ = seeded_store(tmp_path / "cache.sqlite3", me=BEN)
    app = TriangulateApp(store=store_, now=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.board.findings.row_count > 0, "the cache")
        assert app.board.findings.select_id("f002")
        await pilot.press("e")
        form = app.screen
        assert isinstance(form, FindingForm)
        picker = form.query_one(CriteriaPicker)
        assert picker.value == "69b", "an amendment starts from what the finding says, even a misfit"
        assert "69b (not in the catalogue)" in chosen_line(picker)

        await pilot.press("ctrl+s")
        assert app.screen is form, "a misfit criterion keeps the form open"
        assert finding_error(form, "criterion") == "↑ unknown criterion '69b': did you mean 'I69b'?"
        assert picker.search_box.has_focus

        await pilot.press(*"I69b", "enter")
        assert picker.value == "I69b" and finding_error(form, "criterion") == ""
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, BoardScreen)
        assert app.state.findings["f002"].fields.criterion == "I69b"
