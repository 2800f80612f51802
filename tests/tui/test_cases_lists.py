"""CP Annex A's lists in the app: the lead opens them from the cases screen (``v``), sees each list in the seed's
words with its children, and adds a list's cases to the sample for a line of enquiry, the list's words as reason.

No network: a seeded cache (tests/tui/app_data.py) plus an import of the file with every seed column.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList, Select, TextArea

from shared.annex_a import read_annex_a
from shared.annex_a_lists import AnnexAView
from tests.shared.annex_a_files import SALT, TODAY, write_csv
from tests.shared.annex_a_seed import SEED_ROWS
from tui.app import TriangulateApp
from tui.cases.lists_screen import ListsScreen
from tui.cases.screen import CasesScreen
from tui.dialogs.command_form import CommandForm

from .app_data import NOW, seeded_store
from .app_server import wait_for
from .cases_data import imported


def lists_app(tmp_path: Path) -> TriangulateApp:
    file = write_csv(tmp_path / "annex-a.csv", SEED_ROWS)
    cases = read_annex_a(file, filename=file.name, today=TODAY, pseudonym_salt=SALT).cases
    store = seeded_store(tmp_path / "cache.sqlite3")
    store.append([imported(store.head + 1, cases)])
    return TriangulateApp(store=store, now=lambda: NOW)


async def test_the_lead_opens_annex_as_lists_and_adds_one_lists_cases(tmp_path: Path) -> None:
    app = lists_app(tmp_path)
    async with app.run_test(size=(110, 34)) as pilot:
        await wait_for(pilot, lambda: len(app.state.cases.cases) == len(SEED_ROWS) - 1, "the cache")
        await pilot.press("K")
        await wait_for(pilot, lambda: isinstance(app.screen, CasesScreen), "the cases screen")
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(app.screen, ListsScreen), "v opens Annex A's lists")
        lists = app.screen
        assert isinstance(lists, ListsScreen)
        options = lists.query_one(OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert labels[3] == "   1  Section 47 enquiries that proceeded to an initial child protection conference"
        options.highlighted = list(AnnexAView).index(AnnexAView.UNALLOCATED)
        await pilot.pause()
        assert "Cases not allocated to a named social worker" in lists.children_text
        assert "SA-03" in lists.children_text and "SA-01" not in lists.children_text

        options.highlighted = list(AnnexAView).index(AnnexAView.REFERRALS_ASSESSED)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandForm), "the list's cases for a line of enquiry")
        form = app.screen
        assert isinstance(form, CommandForm)
        choices = form.query_one("#field-child_id", Select)
        assert [value for _, value in choices._options if value != Select.NULL] == ["SA-02", "SA-03", "SA-04"]
        reason = form.query_one("#field-reason", TextArea).text
        assert reason == f"Annex A: {AnnexAView.REFERRALS_ASSESSED.label}"


async def test_lists_are_not_offered_before_an_import(tmp_path: Path) -> None:
    app = TriangulateApp(store=seeded_store(tmp_path / "cache.sqlite3"), now=lambda: NOW)
    async with app.run_test(size=(110, 34)) as pilot:
        await pilot.press("K")
        await wait_for(pilot, lambda: isinstance(app.screen, CasesScreen), "the cases screen")
        await pilot.press("v")
        assert isinstance(app.screen, CasesScreen)
