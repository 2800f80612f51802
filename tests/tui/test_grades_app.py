"""The grade board in the app, against a real server: propose, agree, challenge and sign off, seen live.

Three app instances share one real server (tests/tui/app_server.py): a CQC inspector (Ben) proposes health's
grade citing his finding, the lead (Asha) sees it live with the uncorroborated warning and records the agreed
grade, and the QA manager (Ella, added to the seeded team here) challenges it and signs it off. The only
stand-ins are the clocks. Forms are filled by setting their widgets, then sent with ctrl+s, as a user would.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Checkbox, Select, SelectionList, Static

from server.storage import database
from shared.findings import FindingFields
from shared.grades import AgreeGrade
from shared.vocabulary import Agency, EvidenceSource, FindingKind, Inspectorate, JudgementArea, Role
from tui.app import TriangulateApp
from tui.dialogs.command_form import CommandForm
from tui.grades.forms import GradeForm
from tui.grades.screen import NARRATIVE, GradesScreen
from tui.help_screen import HelpScreen

from .app_server import fill, live, make_app, notified, offered, running_server, wait_for

SIZE = (100, 30)
GRADE_ACTIONS = {"propose", "agree", "challenge", "sign_off"}
LAC = JudgementArea.LOOKED_AFTER.value

FINDING = FindingFields(
    agency=Agency.HEALTH, kind=FindingKind.WEAKNESS, judgement_area=JudgementArea.LOOKED_AFTER,
    evidence_source=EvidenceSource.CASE_FILE,
    text="Initial health assessments are late in 4 of the 10 looked-after children's files.",
)


def add_qa_manager(db_url: str) -> str:
    """The QA manager joins the seeded inspection (Asha, lead; Ben, CQC); returns her token."""
    engine = database.connect(db_url)
    try:
        inspection = database.list_inspections(engine)[0]
        _, token = database.add_inspector(engine, inspection_id=inspection.id, name="Ella Brown",
                                       inspectorate=Inspectorate.OFSTED, role=Role.QA_MANAGER)
    finally:
        engine.dispose()
    return token


def grades_screen(app: TriangulateApp) -> GradesScreen:
    screen = app.screen
    assert isinstance(screen, GradesScreen)
    return screen


async def open_board(pilot: Pilot[Any], agency: Agency, judgement: str) -> GradesScreen:
    """Press g and highlight one row."""
    await pilot.press("g")
    screen = grades_screen(pilot.app)  # type: ignore[arg-type]
    screen.select(agency, judgement)
    await pilot.pause()
    return screen


async def send_form(pilot: Pilot[Any], key: str, **values: str) -> CommandForm:
    app = pilot.app
    await pilot.press(key)
    form = app.screen
    assert isinstance(form, CommandForm), f"{key} opens a grade form"
    await fill(pilot, form, **values)
    await pilot.press("ctrl+s")
    assert not isinstance(app.screen, CommandForm), "a valid form closes"
    return form


@pytest.mark.slow
async def test_a_grade_is_proposed_agreed_challenged_and_signed_off_live(tmp_path: Path) -> None:
    async with running_server(tmp_path) as server:
        qa_token = add_qa_manager(server.db_url)
        asha = make_app(tmp_path, server.url, server.tokens["asha"], name="asha")
        ben = make_app(tmp_path, server.url, server.tokens["ben"], name="ben")
        ella = make_app(tmp_path, server.url, qa_token, name="ella")
        async with asha.run_test(size=SIZE) as pa, ben.run_test(size=SIZE) as pb, ella.run_test(size=SIZE) as pe:
            for pilot in (pa, pb, pe):
                await live(pilot)
            ben.board.submit(FINDING)
            await wait_for(pa, lambda: len(asha.state.findings) == 1, "Ben's finding at the lead")
            finding_id = next(iter(asha.state.findings))

            # The lead watches the board; the QA manager too. Nothing graded yet.
            lead_board = await open_board(pa, Agency.HEALTH, LAC)
            qa_board = await open_board(pe, Agency.HEALTH, LAC)
            assert offered(lead_board) & GRADE_ACTIONS == {"propose", "agree"}
            assert offered(qa_board) & GRADE_ACTIONS == set(), "nothing to challenge or sign off yet"

            # Ben, CQC, may propose health's grades but not the police's, and nobody grades probation.
            board = await open_board(pb, Agency.HEALTH, LAC)
            assert offered(board) & GRADE_ACTIONS == {"propose"}
            board.select(Agency.POLICE, "help-and-protection")
            await pb.pause()
            assert not offered(board) & GRADE_ACTIONS
            for agency in (Agency.PROBATION, Agency.YOT, Agency.CUSTODY):
                board.select(agency, NARRATIVE)
                await pb.pause()
                assert not offered(board) & GRADE_ACTIONS, f"{agency.label} is narrative only"
                assert "not graded" in board.detail_text
            assert "Youth offending team" in board.board_text and "Narrative only" in board.board_text
            board.select(Agency.HEALTH, LAC)
            await pb.pause()

            # He proposes requires improvement, citing his finding: the form lists it and uses the scale.
            await pb.press("p")
            form = ben.screen
            assert isinstance(form, GradeForm)
            grades = [value for _, value in form.query_one("#field-grade", Select)._options if value != Select.NULL]
            assert grades == ["outstanding", "good", "requires-improvement", "inadequate"], "the integrated scale"
            assert not form.query(Checkbox), "whether leaders understand the failure is asked on leadership only"
            form.query_one("#field-finding_ids", SelectionList).select(finding_id)
            await fill(pb, form, grade="requires-improvement",
                       rationale="Late initial health assessments for looked-after children.")
            await pb.press("ctrl+s")
            assert ben.screen is board
            await wait_for(pb, lambda: "Req. improv. (Ben)" in board.board_text, "the proposal at Ben's")

            # The lead's board shows it live, flagged: a single case file is single-source evidence.
            await wait_for(pa, lambda: "Req. improv. (Ben)" in lead_board.board_text, "the proposal at the lead")
            assert "⚠1" in lead_board.board_text
            detail = lead_board.detail_text
            assert "rests only on single-source or contested evidence" in detail
            assert "Late initial health assessments" in detail and "Initial health assessments are late" in detail
            assert "Ben Okafor proposed requires improvement, citing 1 finding" in detail

            # The lead records the agreed grade, starting from the proposal.
            await pa.press("r")
            form = asha.screen
            assert isinstance(form, GradeForm)
            assert form.query_one("#field-grade", Select).value == "requires-improvement"
            assert form.query_one("#field-finding_ids", SelectionList).selected == [finding_id]
            await fill(pa, form, rationale="Agreed at the final meeting: assessments are late.")
            await pa.press("ctrl+s")
            await wait_for(pe, lambda: "Agreed at the final meeting" in qa_board.detail_text, "the agreement at QA")
            assert offered(qa_board) & GRADE_ACTIONS == {"challenge", "sign_off"}

            # The QA manager challenges: the lead is told, and the cell is marked until she looks at it.
            lead_board.select(Agency.HEALTH, "overall")
            await pa.pause()
            await send_form(pe, "h", comment="Four of ten files [sic]: is that the whole looked-after sample?")
            await wait_for(pe, lambda: "1 ch. open" in qa_board.board_text, "the challenge")
            await wait_for(pa, lambda: notified(asha, "Four of ten files"), "the challenge told to the lead")
            assert "● " in lead_board.board_text
            assert "sign_off" not in offered(qa_board), "a challenge awaits the lead's response"
            lead_board.select(Agency.HEALTH, LAC)
            await pa.pause()
            assert "● " not in lead_board.board_text, "seen"
            assert "1 challenge awaiting the lead's response" in lead_board.detail_text
            assert offered(lead_board) & {"respond", "reopen"} == {"respond"}

            # The lead responds; then the QA manager signs off, and the lead is told. The history keeps each step.
            await pa.press("e")
            form = asha.screen
            assert isinstance(form, CommandForm)
            assert "“Four of ten files [sic]: is that the whole looked-after sample?”" in str(
                form.query_one("#open-challenges", Static).render()), "the challenge quoted as written"
            await pa.press("escape")
            await send_form(pa, "e", response="Yes: the looked-after sample was ten files, all read.")
            await wait_for(pe, lambda: "sign_off" in offered(qa_board), "the response at QA")
            await send_form(pe, "k")
            await wait_for(pe, lambda: "✓ signed" in qa_board.board_text, "the sign-off")
            assert "sign_off" not in offered(qa_board), "signed off once"
            await wait_for(pa, lambda: "signed off requires improvement" in lead_board.detail_text, "QA at the lead")
            history = lead_board.detail_text.split("History", 1)[1]
            assert notified(asha, "Ella Brown signed off Health · Children looked after")
            steps = ["Ben Okafor proposed", "Asha Patel recorded the agreed grade: requires improvement",
                     "Ella Brown challenged: Four of ten files", "Asha Patel responded: Yes: the looked-after",
                     "Ella Brown signed off requires improvement"]
            assert [history.index(step) for step in steps] == sorted(history.index(step) for step in steps)
            assert "✓ signed off by Ella Brown" in lead_board.detail_text


async def test_a_refused_grade_command_shows_on_its_cell(tmp_path: Path) -> None:
    async with running_server(tmp_path) as server:
        ben = make_app(tmp_path, server.url, server.tokens["ben"], name="ben")
        async with ben.run_test(size=(80, 24)) as pb:
            await live(pb)
            board = await open_board(pb, Agency.HEALTH, "overall")
            ben.outbox.send(AgreeGrade(
                id="ben-agrees", agency=Agency.HEALTH, judgement="overall", grade="good", rationale="Good."))
            await wait_for(pb, lambda: "✗" in board.board_text, "the refusal on the cell")
            assert "The server refused the agreed grade: only the lead inspector may record the agreed grade" \
                in board.detail_text
            assert notified(ben, "only the lead inspector")
            assert not ben.state.grades.pending


async def test_the_board_opens_from_anywhere_and_the_help_lists_it(tmp_path: Path) -> None:
    async with running_server(tmp_path) as server:
        asha = make_app(tmp_path, server.url, server.tokens["asha"], name="asha")
        async with asha.run_test(size=(80, 24)) as pilot:
            await live(pilot)
            assert "Grades" in {command.title for command in asha.get_system_commands(asha.screen)}
            await pilot.press("m", "g")
            screen = grades_screen(asha)
            assert screen.selected == (Agency.LOCAL_AUTHORITY, "overall"), "the first cell highlighted"
            await pilot.press("down", "down", "down")
            assert screen.selected == (Agency.LOCAL_AUTHORITY, "leadership")
            await pilot.press("p")
            form = asha.screen
            assert isinstance(form, GradeForm)
            assert not form.query_one("#field-leaders_understand_failure", Checkbox).value
            await pilot.press("escape", "g")
            assert not isinstance(asha.screen, GradesScreen)
            await pilot.press("question_mark")
            assert isinstance(asha.screen, HelpScreen)
