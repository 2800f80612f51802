"""Issue 14 in the app: the children and parents named in the lead's Annex A list are known to every member's form.

The lead imports the list through the real dialog; only the salted digests of the names reach the server and Ben's
app, and Ben's finding form holds back a finding that names the child or his mother, as the server would refuse it.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import TextArea

from tests.shared.annex_a_files import write_csv
from tui.board.screen import BoardScreen

from .app_server import lead_and_inspector, wait_for
from .test_cases_app import open_cases, read_in_dialog, server_database_text
from .test_guard_app import SIZE, new_health_finding, notice, server_events

ANNEX_A = [
    ["Child Unique ID", "Child's Name", "Mother", "Allocated Social Worker"],
    ["NM-3001", "Jayden Smith", "Kerry Smith", "Omar Khan"],
    ["NM-3002", "Skye Mahoney", "Not known", "Omar Khan"],
]
NAMES = ("Jayden", "Kerry", "Skye", "Mahoney")


async def test_a_finding_naming_a_child_and_his_mum_from_the_list_is_held_back(tmp_path: Path) -> None:
    async with lead_and_inspector(tmp_path, SIZE) as (_asha, pa, ben, pb):
        await open_cases(pa)
        dialog = await read_in_dialog(pa, write_csv(tmp_path / "annex-a.csv", ANNEX_A))
        assert dialog.found is not None and not any(name in dialog.found_text for name in NAMES)
        await pa.press("ctrl+s")
        await wait_for(pb, lambda: len(ben.state.cases.name_digests) > 0, "the name digests at Ben's")
        assert isinstance(ben.screen, BoardScreen)

        form = await new_health_finding(pb, "Jayden Smith moved with his mum Kerry Smith.")
        await pb.press("ctrl+s")
        assert ben.screen is form, "the form stays open"
        said = notice(ben)
        assert "looks like a person's name: J***** S**** (in Finding)" in said
        assert "looks like a person's name: K**** S**** (in Finding)" in said
        assert form.query_one("#text", TextArea).selected_text == "Jayden Smith"
        await pb.press("ctrl+s")
        assert ben.screen is form and ben.state.findings == {}, "refused by policy: pressing again sends nothing"

        for text in ("Jayden's plan had no contingency.", "Skye lives with her nan; Mrs Mahoney was not told."):
            form.query_one("#text", TextArea).text = text
            await pb.pause()
            await pb.press("ctrl+s")
            assert ben.screen is form and "person's name" in notice(ben), text

        form.query_one("#text", TextArea).text = "NM-3001 moved with his mother; the plan was not updated."
        await pb.pause()
        await pb.press("ctrl+s")
        await wait_for(pb, lambda: isinstance(ben.screen, BoardScreen), "the clean finding sent")
        await wait_for(pb, lambda: server_events(tmp_path)[-1].kind == "finding.posted", "the finding stored")
        stored = server_database_text(tmp_path / "server.db")
        assert "NM-3001 moved" in stored and not any(name in stored for name in NAMES)
