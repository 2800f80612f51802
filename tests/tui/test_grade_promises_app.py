"""The grade board's promises in the app, against a real server (issue 14 §7).

The lead (Asha) agrees a grade that contradicts a rule's warning: the agree form shows the warning and will not
send without a reason. Then the final team meeting closes: the board offers no proposal or agreement on a frozen
grade, only the lead's reopening with a reason, which the app's copy of the minutes records as an amendment;
the next agreed grade freezes the cell again. The only stand-ins are the clocks.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Label, Select

from shared.grades import ProposeGrade
from shared.meetings import CloseMeeting, MeetingKind, OpenMeeting
from shared.vocabulary import Agency, JudgementArea
from tui.app import TriangulateApp
from tui.dialogs.command_form import CommandForm
from tui.grades.forms import AgreeForm
from tui.grades.screen import GradesScreen

from .app_server import fill, live, make_app, offered, running_server, wait_for

SIZE = (100, 34)
HP = JudgementArea.HELP_AND_PROTECTION.value
REASON = "The failure is confined to one district, which leaders found and are already putting right."


async def board_at(pilot: Pilot[Any], agency: Agency, judgement: str) -> GradesScreen:
    if not isinstance(pilot.app.screen, GradesScreen):
        await pilot.press("g")
    screen = pilot.app.screen
    assert isinstance(screen, GradesScreen)
    screen.select(agency, judgement)
    await pilot.pause()
    return screen


def error_of(form: CommandForm, name: str) -> str:
    label = form.query_one(f"#error-{name}", Label)
    return str(label.render()) if label.has_class("-shown") else ""


async def settled(pilot: Pilot[Any], app: TriangulateApp, what: str) -> None:
    await wait_for(pilot, lambda: not app.state.grades.pending and not app.state.evidence.pending, what)


async def test_the_agree_form_shows_the_warning_and_asks_why_the_team_agreed_against_it(tmp_path: Path) -> None:
    async with running_server(tmp_path) as server:
        asha = make_app(tmp_path, server.url, server.tokens["asha"], name="asha")
        async with asha.run_test(size=SIZE) as pilot:
            await live(pilot)
            asha.outbox.send(ProposeGrade(id="hp", agency=Agency.POLICE, judgement=HP, grade="inadequate",
                                           rationale="Officers rarely attend strategy discussions."))
            await settled(pilot, asha, "help and protection proposed inadequate")
            await board_at(pilot, Agency.POLICE, "overall")

            await pilot.press("r")
            form = asha.screen
            assert isinstance(form, AgreeForm)
            box = form.query_one("#rule-warning-box")
            assert not box.display, "nothing graded on overall yet: no grade chosen, no warning"
            await fill(pilot, form, grade="good", rationale="Agreed at the final meeting.")
            assert box.display
            warning = str(form.query_one("#rule-warning").render())
            assert "overall effectiveness (graded good) is likely inadequate" in warning
            assert "record why" in warning

            # Without a reason the form stays open and says what is missing.
            await pilot.press("ctrl+s")
            assert asha.screen is form
            assert "contradicts the rule's warning" in error_of(form, "warning_reason")

            # Inadequate is what the rule expects: no warning, no reason needed.
            await fill(pilot, form, grade="inadequate")
            assert not box.display
            await fill(pilot, form, grade="good", warning_reason=REASON)
            await pilot.press("ctrl+s")
            assert isinstance(asha.screen, GradesScreen), "sent"
            await settled(pilot, asha, "the agreement saved")
            cell = asha.state.grades.cell(Agency.POLICE, "overall")
            assert cell is not None and cell.agreed is not None and cell.warning_reason == REASON


@pytest.mark.slow
async def test_a_frozen_grade_is_reopened_with_a_reason_and_frozen_again_by_the_next_agreement(
    tmp_path: Path,
) -> None:
    async with running_server(tmp_path) as server:
        asha = make_app(tmp_path, server.url, server.tokens["asha"], name="asha")
        ben = make_app(tmp_path, server.url, server.tokens["ben"], name="ben")
        async with asha.run_test(size=SIZE) as pa, ben.run_test(size=SIZE) as pb:
            await live(pa)
            await live(pb)
            board = await board_at(pa, Agency.HEALTH, "overall")
            await pa.press("r")
            form = asha.screen
            assert isinstance(form, AgreeForm)
            await fill(pa, form, grade="good", rationale="Agreed at the final meeting.")
            await pa.press("ctrl+s")
            asha.outbox.send(OpenMeeting(id="final", kind=MeetingKind.FINAL, day=date(2026, 11, 25)))
            asha.outbox.send(CloseMeeting(id="close", meeting_id="final"))
            await settled(pa, asha, "the final meeting closed")

            # Frozen: nobody proposes or agrees; the lead may reopen.
            await wait_for(pa, lambda: "reopen" in offered(board), "the freeze at the lead")
            assert not offered(board) & {"propose", "agree"}
            assert "Frozen by the final team meeting of 25 November 2026" in board.detail_text
            ben_board = await board_at(pb, Agency.HEALTH, "overall")
            await wait_for(pb, lambda: "frozen by the final team meeting" in ben_board.detail_text.lower(),
                           "the freeze at Ben")
            assert not offered(ben_board) & {"propose", "agree", "reopen"}

            await pa.press("O")
            form = asha.screen
            assert isinstance(form, CommandForm)
            assert "recorded in that meeting's minutes as an amendment" in str(
                form.query_one("#command-form-intro").render())
            await pa.press("ctrl+s")
            assert asha.screen is form and error_of(form, "reason"), "a reason is required"
            await fill(pa, form, reason="The CQC's late evidence on GP attendance changes the picture.")
            await pa.press("ctrl+s")
            await settled(pa, asha, "the reopening saved")

            # Reopened: the lead agrees again, and the minutes record the amendment.
            assert offered(board) & {"agree", "reopen"} == {"agree"}
            assert "reopened the frozen grade: The CQC's late evidence" in board.detail_text
            minutes = asha.state.evidence.meetings["final"]
            [amendment] = minutes.grade_amendments
            assert amendment.is_open and amendment.before is not None and amendment.before.value == "good"
            await wait_for(pb, lambda: "propose" in offered(ben_board), "Ben may propose on the reopened grade")
            await pa.press("r")
            form = asha.screen
            assert isinstance(form, AgreeForm)
            form.query_one("#field-grade", Select).value = "requires-improvement"
            await fill(pa, form, rationale="Amended after the meeting.")
            await pa.press("ctrl+s")
            await settled(pa, asha, "the new agreement saved")
            assert not amendment.is_open and amendment.agreed is not None
            assert amendment.agreed.value == "requires-improvement"
            assert offered(board) & {"propose", "agree", "reopen"} == {"reopen"}, "frozen again"
