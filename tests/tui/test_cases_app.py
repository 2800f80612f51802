"""Case sampling in the app, against a real server: the lead imports a messy Annex A file and sees every rejected
row, draws the sample and allocates a case; the inspector sees it under "mine", meets the family, and the lead
sees that live.

Two app instances share one real server (tests/tui/app_server.py): the lead (Asha) and a CQC inspector (Ben). The
only stand-ins are the clocks. The file is one of tests/shared/annex_a_files.py's messy exports, written into
tmp_path; forms are filled by setting their widgets, then sent with ctrl+s, as a user would.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input

from shared.cases import RecordCaseProgress, TrackingStatus
from shared.sampling import Selection
from tests.shared.annex_a_files import csv_rows, write_csv
from tui.app import TriangulateApp
from tui.cases.balance_screen import BalanceScreen
from tui.cases.forms import DrawForm
from tui.cases.import_dialog import CaseImport
from tui.cases.screen import CasesScreen
from tui.dialogs.command_form import CommandForm
from tui.triangulation.journey_screen import JourneyScreen

from .app_server import fill, lead_and_inspector, notified, offered, wait_for

SIZE = (100, 30)
CASE_ACTIONS = {"allocate", "progress", "add", "case_journey", "import_cases", "draw", "balance"}
IMPORTED = ["NM-1001", "NM-1002", "NM-1004", "NM-1006"]
"""The rows of csv_rows() that are cases; rows 5, 6, 7, 9 and 12 are rejected."""
WORKER_NAMES = ("Jane Smith", "Smith, Jane", "Omar Khan")


async def open_cases(pilot: Pilot[Any]) -> CasesScreen:
    await pilot.press("K")
    screen = pilot.app.screen
    assert isinstance(screen, CasesScreen), "K opens the cases screen"
    return screen


async def send_form(pilot: Pilot[Any], key: str, **values: Any) -> None:
    app = pilot.app
    await pilot.press(key)
    form = app.screen
    assert isinstance(form, CommandForm), f"{key} opens a form"
    await fill(pilot, form, **values)
    await pilot.press("ctrl+s")
    assert not isinstance(app.screen, CommandForm), "a valid form closes"


async def read_in_dialog(pilot: Pilot[Any], path: Path) -> CaseImport:
    await pilot.press("I")
    dialog = pilot.app.screen
    assert isinstance(dialog, CaseImport), "I opens the import"
    dialog.query_one("#case-path", Input).value = str(path)
    await pilot.press("enter")
    await wait_for(pilot, lambda: dialog.found is not None or dialog.error_text not in ("", "Reading…"), "the read")
    return dialog


def server_database_text(db_path: Path) -> str:
    """Every byte the server has stored (the database and its write-ahead log), as text: every table counts."""
    files = [db_path, db_path.with_name(db_path.name + "-wal")]
    return "".join(path.read_bytes().decode("utf-8", "replace") for path in files if path.exists())


def member_id(app: TriangulateApp, name: str) -> int:
    return next(member.id for member in app.state.team.values() if member.name == name)


@pytest.mark.slow
async def test_the_lead_imports_sees_rejected_rows_draws_and_allocates_and_progress_shows_live(
    tmp_path: Path,
) -> None:
    annex_a = write_csv(tmp_path / "annex-a.csv", csv_rows())
    async with lead_and_inspector(tmp_path, SIZE) as (asha, pa, ben, pb):
        lead = await open_cases(pa)
        watcher = await open_cases(pb)
        assert offered(lead) & CASE_ACTIONS == {"import_cases"}, "nothing imported yet: only the import"
        assert offered(watcher) & CASE_ACTIONS == set(), "an inspector does not import"

        # The lead reads the file: counts, the columns, and every rejected row with its column and reason.
        dialog = await read_in_dialog(pa, annex_a)
        found = dialog.found
        assert found is not None and [case.child_id for case in found.cases] == IMPORTED
        text = dialog.found_text
        assert "4 cases · 5 rows rejected" in text
        for row in (5, 6, 7, 9, 12):
            assert f"row {row}" in text, f"row {row} is listed"
        assert "duplicate child unique ID: first seen on row 2" in text and "no child unique ID" in text
        assert "Child's Name" in text, "the ignored name column is named, never its contents"
        assert not any(name in text for name in WORKER_NAMES)

        # Strict with rejections sends nothing; without strict the good rows go.
        dialog.query_one("#case-strict", Checkbox).value = True
        await pa.press("ctrl+s")
        assert asha.screen is dialog and "Strict: 5 rows were rejected, so nothing is sent" in dialog.error_text
        dialog.query_one("#case-strict", Checkbox).value = False
        await pa.press("ctrl+s")
        assert asha.screen is lead
        await wait_for(pb, lambda: sorted(ben.state.cases.cases) == IMPORTED, "the import at Ben's")
        assert ben.state.cases.name_digests and ben.state.cases.name_digests == asha.state.cases.name_digests
        stored = server_database_text(tmp_path / "server.db")
        assert "NM-1001" in stored and not any(name in stored for name in WORKER_NAMES), "names never sent"
        assert "2015-04-03" not in stored, "nor a date of birth"

        # The lead draws: the seed is offered, shown, and kept with the sample; NM-1006 is good practice.
        await wait_for(pa, lambda: "draw" in offered(lead), "the draw offered")
        await pa.press("d")
        form = asha.screen
        assert isinstance(form, DrawForm) and form.why_text.startswith("A reason is needed: ")  # no good practice
        await fill(pa, form, seed="4242", size="2", good_practice="NM-1006")
        why = ("2 cases drawn at random, fewer than the 50 CP ¶43 asks for; 1 good-practice case, not the three "
               "CP ¶39 asks the local authority for")
        assert form.why_text == f"A reason is needed: {why}."
        await pa.press("ctrl+s")  # CP ¶39, ¶43: not sent without the reason, and the form says why
        assert asha.screen is form and f"give a reason: {why}" in str(form.query_one("#error-reason").render())
        await fill(pa, form, reason="A pilot list of four children.")
        await pa.press("ctrl+s")
        assert asha.screen is not form
        await wait_for(pb, lambda: ben.state.cases.drawn is not None, "the sample at Ben's")
        assert "seed 4242" in watcher.progress_text and "0 of 3 tracked" in watcher.progress_text
        drawn = {view.child_id: view.selection for view in ben.state.cases.views()}
        assert drawn["NM-1006"] is Selection.GOOD_PRACTICE and len(drawn) == 3
        assert ben.state.cases.drawn is not None and ben.state.cases.drawn.reason == "A pilot list of four children."

        # The balance report compares the eligible population with the random part.
        await pa.press("b")
        balance = asha.screen
        assert isinstance(balance, BalanceScreen) and "Practitioner" in balance.text and "seed 4242" in balance.text
        assert "Why this sample (CP ¶39, ¶43): A pilot list of four children." in balance.text
        await pa.press("escape")

        # The lead allocates a drawn case to Ben; Ben is told, and finds it under "mine".
        child = next(child_id for child_id, selection in drawn.items() if selection is Selection.RANDOM)
        lead.select(child)
        await pa.pause()
        assert {"allocate", "progress", "draw"} <= offered(lead)
        await send_form(pa, "w", inspector_id=member_id(asha, "Ben Okafor"))
        await wait_for(pb, lambda: notified(ben, f"allocated {child} to you"), "Ben told")
        await wait_for(pa, lambda: "draw" not in offered(lead), "no redraw once work has started")
        await pb.press("f")
        assert [line.split()[0] for line in watcher.list_text.splitlines()] == [child]
        watcher.select(child)
        await pb.pause()
        assert offered(watcher) & CASE_ACTIONS == {"progress", "case_journey", "add", "balance"}

        # Ben met the family; the lead's screen shows it live.
        await send_form(pb, "p", status=TrackingStatus.MET.value)
        await wait_for(pa, lambda: "1 of 3 tracked; 1 met child or family" in lead.progress_text, "progress live")
        assert "Ben Okafor" in lead.list_text and "Met child/fam." in lead.list_text
        assert "Ben Okafor 1/1" in lead.progress_text

        # A case not allocated to Ben: the server refuses his progress, and the refusal shows on that case.
        other = next(child_id for child_id in drawn if child_id != child)
        watcher.outbox.send(RecordCaseProgress(id="c-refused", child_id=other, status=TrackingStatus.TRACKED))
        await wait_for(pb, lambda: ben.state.cases.refusals.get(other) is not None, "the refusal")
        await pb.press("f")
        watcher.select(other)
        await pb.pause()
        assert "✗ The server refused" in watcher.detail_text and "allocated to" in watcher.detail_text

        # Ben adds the case the draw left out, for a line of enquiry; everyone sees it.
        left_out = next(child_id for child_id in IMPORTED if child_id not in drawn)
        await send_form(pb, "plus", child_id=left_out, reason="Police attended twice in October; test the referral.")
        await wait_for(pa, lambda: left_out in lead.list_text, "the added case at the lead's")
        added = asha.state.cases.view(left_out)
        assert added is not None and added.selection is Selection.LINE_OF_ENQUIRY
        assert added.reason == "Police attended twice in October; test the referral."

        # The child's journey opens from a case.
        watcher.select(child)
        await pb.pause()
        await pb.press("c")
        journey = ben.screen
        assert isinstance(journey, JourneyScreen) and journey.child_id == child
