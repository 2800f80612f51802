"""Withdrawing a finding through the app, end to end: two live apps on a real server.

"w" is offered only on one's own finding (or to the lead, on anyone's); the form wants a reason; the teammate's
board stops listing the finding, and with the ``withdrawn`` search word shows it dimmed, with who, when and why.
An author whose finding the lead withdraws is told once (not for history replayed on a first start-up), and the
enquiry form never offers a withdrawn finding to cite.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Label, Static

from shared.findings import PostFinding, WithdrawFinding
from tui.app import TriangulateApp
from tui.board.screen import BoardScreen
from tui.dialogs.command_form import CommandForm
from tui.triangulation.enquiry_forms import EnquiryForm
from tui.triangulation.finding_picker import FindingPicker

from .app_server import fill, lead_and_inspector, live, make_app, offered, running_server, wait_for
from .picking import tick

SIZE = (110, 34)
REASON = "Recorded twice: the same case file as my earlier finding."
LEAD_REASON = "Not about this inspection: the child lives in another authority."
TOLD = "Asha Patel withdrew your finding “Initial health assessments are late.”: " + LEAD_REASON


def post(text: str, command_id: str) -> PostFinding:
    return PostFinding(id=command_id, agency="health", kind="weakness", evidence_source="case-file", text=text)


def listed(board: BoardScreen) -> set[str]:
    return {view.id for view in board.findings.rows}


def told(app: TriangulateApp) -> list[str]:
    """The notices this app showed about the user's findings withdrawn by someone else."""
    return [n.message for n in app._notifications if "withdrew your finding" in n.message]


def withdraw(finding_id: str, reason: str = REASON) -> WithdrawFinding:
    return WithdrawFinding(id=f"withdraw-{finding_id}", finding_id=finding_id, reason=reason)


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


async def test_the_author_is_told_once_when_the_lead_withdraws_their_finding(tmp_path: Path) -> None:
    async with lead_and_inspector(tmp_path, SIZE) as (asha, pa, ben, pb):
        assert asha.client is not None and ben.client is not None
        await ben.client.send(post("Initial health assessments are late.\nSeen in 4 of 10 files.", "ben-1"))
        await ben.client.send(post("Health plans are not reviewed.", "ben-2"))
        await asha.client.send(post("Looked-after children's health plans are out of date.", "asha-1"))
        for app, pilot in ((asha, pa), (ben, pb)):
            await wait_for(pilot, lambda app=app: {"asha-1", "ben-1", "ben-2"} <= listed(app.board), "the findings")

        asha.outbox.send(withdraw("ben-1", LEAD_REASON))
        await wait_for(pb, lambda: "ben-1" in ben.state.withdrawn_ids, "the lead's withdrawal reaching Ben")
        assert told(ben) == [TOLD]

        # Withdrawing one's own finding tells no one: not its author, and not a teammate it does not belong to.
        ben.outbox.send(withdraw("ben-2"))
        asha.outbox.send(withdraw("asha-1"))
        for app, pilot in ((asha, pa), (ben, pb)):
            await wait_for(pilot, lambda app=app: {"ben-1", "ben-2", "asha-1"} <= app.state.withdrawn_ids,
                           "every withdrawal")
        assert told(ben) == [TOLD], "told once, and only about the lead's withdrawal"
        assert told(asha) == []


async def test_a_withdrawal_made_while_away_is_told_once_and_history_not_at_all(tmp_path: Path) -> None:
    async with running_server(tmp_path) as server:
        tokens = server.tokens
        ben = make_app(tmp_path, server.url, tokens["ben"], name="ben")
        async with ben.run_test(size=SIZE) as pb:
            await live(pb)
            ben.outbox.send(post("Initial health assessments are late.", "ben-1"))
            await wait_for(pb, lambda: ben.state.findings["ben-1"].version == 1, "Ben's finding saved")
            # ...and in his cache: a cache with nothing in it is a new machine, whose history is not news.
            await wait_for(pb, lambda: ben.store.head >= 1, "Ben's finding cached")
        ben.store.close()

        asha = make_app(tmp_path, server.url, tokens["asha"], name="asha")
        async with asha.run_test(size=SIZE) as pa:  # while Ben is away, the lead withdraws his finding
            await live(pa)
            asha.outbox.send(withdraw("ben-1", LEAD_REASON))
            await wait_for(pa, lambda: "ben-1" in asha.state.withdrawn_ids and not asha.state.pending_ids,
                           "the withdrawal saved")
        asha.store.close()

        for run, expected in ((1, [TOLD]), (2, [])):  # news when he is back; already seen the time after
            back = make_app(tmp_path, server.url, tokens["ben"], name="ben")
            async with back.run_test(size=SIZE) as pb:
                await live(pb)
                await wait_for(pb, lambda back=back: "ben-1" in back.state.withdrawn_ids, "the withdrawal")
                # A toast is added when Textual handles its Notify message, a moment after the fold that sent it.
                if expected:
                    await wait_for(pb, lambda back=back: told(back), "the news")
                await pb.pause()
                assert told(back) == expected, f"start-up {run}"
            back.store.close()

        # A first start-up on a new machine replays the whole history: nothing there is news.
        fresh = make_app(tmp_path, server.url, tokens["ben"], name="ben-laptop")
        async with fresh.run_test(size=SIZE) as pb:
            await live(pb)
            await wait_for(pb, lambda: "ben-1" in fresh.state.withdrawn_ids, "the history replayed")
            await pb.pause()
            assert told(fresh) == []
        fresh.store.close()


async def test_the_enquiry_form_does_not_offer_a_withdrawn_finding(tmp_path: Path) -> None:
    async with lead_and_inspector(tmp_path, SIZE) as (asha, pa, ben, pb):
        assert ben.client is not None
        await ben.client.send(post("Initial health assessments are late.", "ben-1"))
        await ben.client.send(post("Health plans are not reviewed.", "ben-2"))
        await wait_for(pb, lambda: {"ben-1", "ben-2"} <= listed(ben.board), "Ben's findings saved")
        ben.outbox.send(withdraw("ben-1"))
        await wait_for(pa, lambda: "ben-1" in asha.state.withdrawn_ids and "ben-2" in listed(asha.board),
                       "the withdrawal on Asha's board")

        # Asha looks at the withdrawn finding and asks: the form does not start from it ...
        asha.board.set_query("withdrawn", select="ben-1")
        await wait_for(pa, lambda: asha.board.detail.shown_id == "ben-1", "the withdrawn finding highlighted")
        await pa.press("o")
        form = asha.screen
        assert isinstance(form, EnquiryForm)
        picker = form.query_one("#field-finding_ids", FindingPicker)
        assert picker.chosen == []
        # ... nor lists it to tick: a withdrawn finding is no longer evidence.
        assert "ben-1" not in picker.listed and "ben-2" in picker.listed
        await fill(pa, form, to="to_inspectorate:cqc", question="Were health assessments late for every child?",
                   why="One finding says so for 4 of 10 files.")
        await tick(pa, picker, "Initial health assessments")
        assert picker.chosen == []
        await tick(pa, picker, "plans are not reviewed")
        assert picker.chosen == ["ben-2"]
        await pa.press("ctrl+s")
        assert isinstance(asha.screen, BoardScreen)
