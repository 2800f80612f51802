"""Text from anyone is shown as text, everywhere (issue 14 §1).

A teammate's finding, answer, note, name or reason, and the server's messages, may hold markup (``[/bold]``
used to crash the lead's app on ``l``; ``[@click=app.quit]`` was a live action), terminal escape sequences,
controls, bidi overrides, zero-width and combining characters, emoji and very long lines. These tests drive
the real app through every screen and dialog with such text and assert that the app survives, that the text
is on screen as typed (controls as visible pictures), and that nothing the terminal would act on is drawn.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.binding import Binding
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, OptionList, Select, Static
from textual.widgets._toast import Toast

from shared.findings import PostFinding
from shared.protocol import Error, Event
from shared.vocabulary import Agency
from tui import messages as m
from tui.alerts.screen import AlertsScreen
from tui.app import TITLE_ROOM, ClientBatch, TriangulateApp
from tui.board.criteria_picker import CriteriaPicker
from tui.board.filter_dialog import FilterDialog
from tui.board.finding_form import FindingForm
from tui.board.screen import BoardScreen
from tui.cases.screen import CasesScreen
from tui.clock.actions import ClockFeature
from tui.clock.screen import ClockScreen
from tui.dialogs.command_form import CommandForm
from tui.grades.screen import GradesScreen, row_id
from tui.help_screen import HelpScreen
from tui.meetings.screen import ENTRY, MeetingsScreen
from tui.report.screen import ReportScreen
from tui.triangulation.enquiries_screen import EnquiriesScreen
from tui.triangulation.journey_screen import JourneyScreen
from tui.triangulation.link_form import LinkForm
from tui.triangulation.screen import TriangulationScreen
from tui.triangulation.unlink_dialog import UnlinkDialog
from tui.widgets.plain import visible

from .alerts_data import HARM_ID
from .app_data import BEN, NOW
from .app_server import choose, live, make_app, offered, running_server, wait_for
from .hostile_data import CORPUS, MARKUP, TAG, hostile, hostile_app

SIZE = (120, 40)

SHOWN_AS: dict[str, str] = {
    "markup": MARKUP,
    "ansi": "ansi ␛[31mred␛[0m ␛]0;title␇ ␛[2J␛[?1049l �31m csi",
    "controls": "nul␀ bel␇ bs␈ vt␋ ff␌ cr␍ del␡ c1��� end",
    "bidi": "bidi �evil� �isolate� �mark",
    "invisible": "zero\u200bwidth\u200cnon\u200djoiner\ufeff\u2060 sep\nline",
    "combining": CORPUS["combining"],
    "emoji": CORPUS["emoji"],
    "long": CORPUS["long"],
}
"""Each kind of hostile text as a reader must see it: literal, with controls as visible pictures."""

TERMINAL_ACTS_ON = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u2028\u2029]")
"""What must never be drawn: C0/C1 controls (ESC starts every escape sequence), DEL, bidi controls, separators."""

ANY_HOSTILE = re.compile(re.escape(TAG) + f"({'|'.join(CORPUS)}):")


def squeeze(text: str) -> str:
    """Text without whitespace, so a line wrapped anywhere still matches."""
    return "".join(text.split(" ")).replace("\n", "")


def drawn(app: TriangulateApp, selector: str | Widget | None = None) -> str:
    """What the terminal is sent for the top screen (or one widget's part of it), row by row."""
    strips = app.screen._compositor.render_strips()
    widget = app.screen.query_one(selector) if isinstance(selector, str) else selector or app.screen
    region = widget.region
    rows = strips[region.y:region.bottom]
    return "\n".join("".join(s.text for s in strip.crop(region.x, region.right)) for strip in rows)


def assert_safe(app: TriangulateApp) -> None:
    """The app is running and nothing on screen is a character the terminal would act on."""
    assert app.is_running, "the app exited"
    for y, strip in enumerate(app.screen._compositor.render_strips()):
        for segment in strip:
            if segment.control is None:
                found = TERMINAL_ACTS_ON.search(segment.text)
                assert found is None, f"row {y} draws {found.group()!r}: {segment.text!r}"


def toasts(app: TriangulateApp) -> str:
    """The text of every toast on screen."""
    return "\n".join(str(toast.render()) for toast in app.screen.query(Toast))


BESIDE = {"textual-tooltip", "textual-toastrack"}
"""Children every screen has that are not its own content."""


def shows_hostile(app: TriangulateApp, selector: str | Widget | None = None) -> bool:
    return ANY_HOSTILE.search(squeeze(drawn(app, selector))) is not None


async def arrive(pilot: Pilot[Any], screen: type[Screen[Any]], *keys: str) -> Any:
    app = pilot.app
    assert isinstance(app, TriangulateApp)
    await pilot.press(*keys)
    await wait_for(pilot, lambda: isinstance(app.screen, screen), screen.__name__)
    await pilot.pause()
    assert_safe(app)
    return app.screen


async def back(pilot: Pilot[Any], to: type[Screen[Any]], key: str = "escape") -> None:
    await arrive(pilot, to, key)


def highlight(options: OptionList, option_id: str) -> None:
    options.highlighted = options.get_option_index(option_id)


async def opened(pilot: Pilot[Any], app: TriangulateApp) -> None:
    await wait_for(pilot, lambda: len(app.board.findings.rows) >= 14 and app.state.me is not None, "the cache")
    await pilot.pause()


# ---------------------------------------------------------------- the crash in the issue, through a real server


async def test_lead_links_a_finding_whose_text_closes_a_tag_it_never_opened(tmp_path: Path) -> None:
    """Ben posts "[/bold] …" through the server; Asha is told, highlights it and presses l: no MarkupError."""
    text = "Seen [/bold] [@click=app.quit]x[/] [sic] [1] [b]b[/b] \U0001f469\U0001f3fd\u200d\u2695\ufe0f"
    async with running_server(tmp_path) as server:
        asha = make_app(tmp_path, server.url, server.tokens["asha"], name="asha")
        ben = make_app(tmp_path, server.url, server.tokens["ben"], name="ben")
        async with asha.run_test(size=SIZE, notifications=True) as pa, ben.run_test(size=SIZE) as pb:
            await live(pa)
            await live(pb)
            ben.outbox.send(PostFinding(id="c-markup", agency="health", kind="weakness",
                                         evidence_source="case-file", text=text))
            await wait_for(pa, lambda: toasts(asha), "the toast")
            assert_safe(asha)
            assert f"New finding · Health · Weakness\n{BEN.name} (CQC): {text}" in toasts(asha)

            finding_id = next(v.id for v in asha.state.findings.values() if v.fields.text == text)
            assert asha.board.findings.select_id(finding_id)
            await pa.pause()
            assert squeeze(text) in squeeze(str(asha.board.query_one("#detail-body", Static).render()))
            form = await arrive(pa, LinkForm, "l")
            assert squeeze(text) in squeeze(str(form.query_one("#link-from", Static).render()))
            await back(pa, BoardScreen)
            assert asha.is_running and ben.is_running


# ---------------------------------------------------------------- every screen and dialog, from a cache


async def test_every_kind_of_hostile_finding_reads_literally_on_the_board(tmp_path: Path) -> None:
    app = hostile_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await opened(pilot, app)
        assert_safe(app)
        header = squeeze(drawn(app, "Header"))
        assert squeeze(visible(hostile("markup"), one_line=True)[: TITLE_ROOM - 1]) in header  # the name, cut to fit
        roster = str(app.board.query_one("#roster").render())
        assert squeeze("[/bold]Asha Patel [/bold] [sic] [1] [b]bold[/b] [@click=ap") in squeeze(roster)
        rows = drawn(app, "FindingList")
        long_row = next(line for line in rows.splitlines() if f"{TAG}long: long" in line)
        assert long_row.rstrip().endswith("x…")  # the 10,000-character line is cropped to its row
        for kind, shown in SHOWN_AS.items():
            assert app.board.findings.select_id(f"h-{kind}")
            await pilot.pause()
            assert_safe(app)
            detail = str(app.board.query_one("#detail-body", Static).render())
            assert squeeze(f"{TAG}{kind}: {shown}") in squeeze(detail), kind
            if kind != "long":
                assert squeeze(f"{TAG}{kind}: {shown}")[:24] in squeeze(rows), kind


@pytest.mark.slow
async def test_board_dialogs_search_and_palette_survive_hostile_text(tmp_path: Path) -> None:
    app = hostile_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await opened(pilot, app)
        app.board.findings.select_id("h-markup")
        await pilot.pause()

        form = await arrive(pilot, LinkForm, "l")
        assert squeeze(MARKUP)[:40] in squeeze(str(form.query_one("#link-from", Static).render()))
        assert shows_hostile(app, "#link-candidates")
        await back(pilot, BoardScreen)

        form = await arrive(pilot, CommandForm, "w")  # withdraw, as the lead
        assert squeeze(MARKUP)[:40] in squeeze(drawn(app, "#command-form-intro"))
        await back(pilot, BoardScreen)

        form = await arrive(pilot, CommandForm, "o")  # ask a line of enquiry about it
        assert shows_hostile(app, "#finding-choices")  # the findings it may cite, listed literally
        await back(pilot, BoardScreen)

        await arrive(pilot, CommandForm, "exclamation_mark")  # raise an alert
        await back(pilot, BoardScreen)

        form = await arrive(pilot, FindingForm, "n")
        await choose(form, pilot, agency="health", judgement_area="help-and-protection")
        form.query_one(CriteriaPicker).focus()
        await pilot.press(*"[/bold] [@click=app.quit]x[/]")  # the search echoed back: "nothing matches '…'"
        assert_safe(app)
        assert "[/bold] [@click=app.quit]x[/]" in drawn(app, "CriteriaPicker")
        await back(pilot, BoardScreen)

        assert app.board.findings.select_id("f009")  # Asha's own, linked to f002
        await pilot.pause()
        form = await arrive(pilot, FindingForm, "e")  # amend: the text is prefilled exactly, drawn safely
        assert form.query_one("#text").text == app.state.findings["f009"].fields.text
        assert shows_hostile(app, "#text")
        await back(pilot, BoardScreen)
        await arrive(pilot, UnlinkDialog, "u")
        assert shows_hostile(app, "#unlink-hint")
        await back(pilot, BoardScreen)

        dialog = await arrive(pilot, FilterDialog, "f")
        authors = dialog.query_one("#author", Select)
        authors.expanded = True  # the list of teammates' names
        await pilot.pause()
        assert_safe(app)
        assert squeeze("[/bold]Asha Patel [/bold] [sic]") in squeeze(drawn(app))
        authors.expanded = False
        dialog.query_one("#text", Input).value = "[/bold] \x1b[31m"
        await pilot.pause()
        assert_safe(app)
        await back(pilot, BoardScreen)

        await arrive(pilot, BoardScreen, "slash", *"[/bold]", "space", *"[@click=app.quit]x[/]")
        assert "[@click=app.quit]x[/]" in app.board.query_one("#search", Input).value
        assert "[/bold]" in drawn(app, "#chips") + drawn(app, "#search")
        await arrive(pilot, BoardScreen, "enter")

        palette = await arrive(pilot, CommandPalette, "ctrl+p", *"[/b]")
        # The palette searches in workers, one per key typed: wait until the last has drawn what it found.
        await wait_for(pilot, lambda: all(w.is_finished for w in app.workers if w.node is palette), "the search")
        await pilot.pause()
        assert_safe(app)
        await back(pilot, BoardScreen)
        await arrive(pilot, HelpScreen, "question_mark")
        await back(pilot, BoardScreen)
        assert app.is_running


IMMEDIATE = {"back", "see", "acknowledge", "sign_off", "start", "export", "copy", "move_up", "move_down", "mine",
             "drop_item", "drill", "on_board", "step", "jump"}
"""Actions that act at once or leave the screen rather than open something to look at."""


async def open_every_dialog(pilot: Pilot[Any]) -> dict[str, bool]:
    """Press each of the top screen's own keys it offers now, check what opens is drawn safely, and go back.

    Returns, by action, whether what it opened showed a teammate's (hostile) text.
    """
    app = pilot.app
    assert isinstance(app, TriangulateApp)
    screen = app.screen
    seen: dict[str, bool] = {}
    for binding in [b for b in screen.BINDINGS if isinstance(b, Binding)]:
        if binding.action.partition("(")[0] in IMMEDIATE or binding.action not in offered(screen):
            continue
        await pilot.press(binding.key.split(",")[0])
        await pilot.pause()
        assert_safe(app)
        while app.screen is not screen:
            own = "".join(drawn(app, child) for child in app.screen.children if child.id not in BESIDE)
            seen[binding.action] = seen.get(binding.action, False) or ANY_HOSTILE.search(squeeze(own)) is not None
            await pilot.press("escape")
            await pilot.pause()
            assert_safe(app)
    return seen


@pytest.mark.slow
async def test_every_screen_shows_hostile_text_and_its_dialogs_open(tmp_path: Path) -> None:
    app = hostile_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await opened(pilot, app)

        screen = await arrive(pilot, AlertsScreen, "a")
        highlight(screen.alert_list, HARM_ID)  # the senior manager has been informed
        await pilot.pause()
        assert shows_hostile(app, "#alert-detail-body")
        dialogs = await open_every_dialog(pilot)
        assert dialogs["confirm"]  # the written confirmation quotes the alert and the senior manager
        for alert_id in ("harm-0412", "c3-concern1", "c4-closed1"):
            highlight(screen.alert_list, alert_id)
            await pilot.pause()
            assert shows_hostile(app, "#alert-detail-body")
            await open_every_dialog(pilot)
        await back(pilot, BoardScreen)

        screen = await arrive(pilot, EnquiriesScreen, "i")
        for option in [o for o in screen.enquiry_list.options if o.id and not o.disabled]:
            highlight(screen.enquiry_list, option.id)
            await pilot.pause()
            assert shows_hostile(app, "#enquiry-body")
            assert all((await open_every_dialog(pilot)).values())  # each step's form quotes the question
        await back(pilot, BoardScreen)

        await arrive(pilot, TriangulationScreen, "t")
        await arrive(pilot, TriangulationScreen, "right", "right", "right", "right", "right", "down")  # Health, none
        await arrive(pilot, TriangulationScreen, "v")  # the cell's criteria
        await arrive(pilot, BoardScreen, "b")  # its findings on the board
        assert shows_hostile(app, "FindingList")
        await arrive(pilot, BoardScreen, "x")

        app.board.findings.select_id("f001")  # about NM-0412
        await pilot.pause()
        await arrive(pilot, JourneyScreen, "c")
        assert shows_hostile(app, "#journey")
        assert shows_hostile(app, "#journey-step-body")
        await back(pilot, BoardScreen)

        screen = await arrive(pilot, MeetingsScreen, "m")
        assert shows_hostile(app, "#meeting-minutes")
        for option_id in ("item:m-kit-1118.2", ENTRY + "t-action", "general"):
            highlight(screen.minutes_list, option_id)
            await pilot.pause()
            dialogs = await open_every_dialog(pilot)
            assert not option_id.startswith(ENTRY) or dialogs["amend"]  # amend: prefilled, drawn safely
        await back(pilot, BoardScreen)

        screen = await arrive(pilot, GradesScreen, "g")
        grade_board = screen.query_one("#grade-board", OptionList)
        for agency, judgement in ((Agency.HEALTH, "looked-after"), (Agency.POLICE, "help-and-protection")):
            highlight(grade_board, row_id(agency, judgement))
            await pilot.pause()
            assert shows_hostile(app, "#grade-detail-body")  # rationales, the challenge, the sign-off
            dialogs = await open_every_dialog(pilot)
            assert dialogs["agree"]  # the proposal's rationale, and the findings to cite by their text
        await back(pilot, BoardScreen)

        await arrive(pilot, CasesScreen, "K")
        assert shows_hostile(app, "#case-progress")
        case = str(app.screen.query_one("#case-detail-body", Static).render())
        assert "[/bold]Ben Okafor ansi ␛[31mred␛[0m" in case  # the inspector it is allocated to
        dialogs = await open_every_dialog(pilot)
        assert {"allocate", "progress", "add", "balance", "import_cases"} <= dialogs.keys()
        await back(pilot, BoardScreen)

        await arrive(pilot, ReportScreen, "R")
        assert shows_hostile(app, "#report-front")
        for _ in range(8):
            await arrive(pilot, ReportScreen, "right_square_bracket")
        await back(pilot, BoardScreen)

        app.feature(ClockFeature).action_reporting_clock()
        await wait_for(pilot, lambda: isinstance(app.screen, ClockScreen), "the clock")
        assert_safe(app)
        await back(pilot, BoardScreen)
        await arrive(pilot, HelpScreen, "question_mark")
        await back(pilot, BoardScreen)
        assert app.is_running


# ---------------------------------------------------------------- toasts: news and the server's refusals


async def test_toasts_show_teammates_news_and_the_servers_words_literally(tmp_path: Path) -> None:
    """Events and refusals as an older server might send them, folded by the app as they arrive."""
    app = hostile_app(tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await opened(pilot, app)
        news = Event(seq=app.state.head + 1, kind="finding.posted", actor=BEN, at=NOW,
                     data={"finding_id": "h-news", "agency": "police", "kind": "strength", "judgement_area": None,
                           "evidence_source": "observation", "criterion": None, "child_id": None,
                           "text": hostile("ansi")})
        refusal = Error(id="c-gone", code="invalid", message=f"text: {MARKUP} \x1b[2J\x07")
        app.post_message(ClientBatch([m.EventReceived(news), m.Rejected(refusal)]))
        await wait_for(pilot, lambda: "text:" in toasts(app), "the toasts")
        assert_safe(app)
        assert f"{TAG}ansi: {SHOWN_AS['ansi']}" in toasts(app)
        assert f"text: {MARKUP} ␛[2J␇" in toasts(app)


async def test_the_servers_refusal_on_the_way_out_is_printed_as_text(tmp_path: Path) -> None:
    """A refused token ends the app with the server's words; printing them must not parse or emit them."""
    app = hostile_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await opened(pilot, app)
        app.post_message(ClientBatch([m.AuthFailed(f"{MARKUP} \x1b[2J")]))
        await wait_for(pilot, lambda: app._exit_renderables, "the exit")
        said = list(app._exit_renderables)
    out = io.StringIO()
    console = Console(file=out, width=300, color_system=None)
    for renderable in said:
        console.print(renderable)
    printed = out.getvalue()
    assert app.return_code == 2
    assert f"The server refused this token: {MARKUP} ␛[2J." in printed
    assert "\x1b" not in printed
