"""Withdrawing a finding through the app, end to end: two live apps on a real server.

"w" is offered only on one's own finding (or to the lead, on anyone's); the form wants a reason; the teammate's
board stops listing the finding, and with the ``withdrawn`` search word shows it dimmed, with who, when and why.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Label, Static

from shared.protocol import PostFinding
from tui.dialogs.command_form import CommandForm
from tui.screens.board import BoardScreen

from .app_server import fill, lead_and_inspector, offered, wait_for

SIZE = (110, 34)
REASON = "Recorded twice: the same case file as my earlier finding."


def post(text: str, command_id: str) -> PostFinding:
    return PostFinding(id=command_id, agency="health", kind="weakness", evidence_source="case-file", text=text)


def listed(board: BoardScreen) -> set[str]:
    return {view.id for view in board.findings.rows}


async def test_the_author_withdraws_and_the_team_stops_counting_it(tmp_path: Path) -> None:
    async with lead_and_inspector(tmp_path, SIZE) as (asha, pa, ben, pb):
        assert asha.client is not None and ben.client is not None
        await asha.client.send(post("Looked-after children's health plans are out of date.", "asha-1"))
        await ben.client.send(post("Initial health assessments are late.\nSeen in 4 of 10 files.", "ben-1"))
        for app, pilot in ((asha, pa), (ben, pb)):
            await wait_for(pilot, lambda app=app: {"asha-1", "ben-1"} <= listed(app.board), "both findings")

        # Not Ben's to withdraw: not offered, and the palette's way in says why.
        assert ben.board.findings.select_id("asha-1")
        await pb.pause()
        assert "withdraw" not in offered(ben.board)
        ben.board.action_withdraw()
        await pb.pause()
        assert isinstance(ben.screen, BoardScreen)
        assert any("Only Asha Patel or the lead inspector" in n.message for n in ben._notifications)
        # The lead may withdraw anyone's.
        assert asha.board.findings.select_id("ben-1")
        await pa.pause()
        assert "withdraw" in offered(asha.board)

        # Ben withdraws his own: the form shows which finding, and wants a reason.
        assert ben.board.findings.select_id("ben-1")
        await pb.pause()
        assert "withdraw" in offered(ben.board)
        await pb.press("w")
        form = ben.screen
        assert isinstance(form, CommandForm)
        assert "Initial health assessments are late." in str(form.query_one("#command-form-intro", Static).render())
        await pb.press("ctrl+s")
        assert ben.screen is form
        error = form.query_one("#error-reason", Label)
        assert error.has_class("-shown") and "required" in str(error.render())
        await fill(pb, form, reason=REASON)
        await pb.press("ctrl+s")
        assert isinstance(ben.screen, BoardScreen)

        await wait_for(pb, lambda: ben.state.findings["ben-1"].withdrawn is not None, "ben's withdrawal saved")
        assert "ben-1" not in listed(ben.board)

        # Asha's board no longer lists it; with the withdrawn word it does, and the detail says who, when and why.
        await wait_for(pa, lambda: "ben-1" not in listed(asha.board), "the finding gone from asha's board")
        assert "asha-1" in listed(asha.board)
        status = asha.board.status_line.status
        assert (status.shown, status.total) == (1, 1)  # what is hidden by default is not counted as filtered out
        asha.board.set_query("withdrawn", select="ben-1")
        await wait_for(pa, lambda: asha.board.detail.shown_id == "ben-1", "the withdrawn finding in the detail")
        assert "ben-1" in listed(asha.board)
        assert (asha.board.status_line.status.shown, asha.board.status_line.status.total) == (2, 2)
        body = str(asha.board.detail.query_one("#detail-body", Static).render())
        assert "Withdrawn by Ben Okafor at " in body and REASON in body
        assert "Initial health assessments are late." in body  # the finding itself stays readable
        assert "withdraw" not in offered(asha.board)  # already withdrawn: nothing more to offer
