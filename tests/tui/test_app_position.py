"""Where the board stands: at the newest finding after a catch-up and as findings arrive, unless the inspector
scrolled away, and then their place is kept and the status line says how many arrived above."""

from __future__ import annotations

import random
from pathlib import Path

from shared.protocol import Event
from tui import messages as m
from tui.app import TriangulateApp
from tui.board.finding_list import FindingList
from tui.messages import ClientBatch
from tui.opening import FIRST_LOOK, first_look
from tui.store import LocalStore

from .app_data import BEN, NOW, welcome
from .app_server import wait_for
from .test_app_scale import event

SIZE = (100, 30)
CACHED = 40


def teammates(first: int, count: int, rng: random.Random) -> list[Event]:
    """Findings by Ben (a teammate of Asha, who runs the app), one a minute."""
    return [e.model_copy(update={"actor": BEN}) for e in (event(seq, rng) for seq in range(first, first + count))]


def visible_ids(widget: FindingList) -> list[str]:
    top, height = round(widget.scroll_y), widget.scrollable_content_region.height - 1
    return [widget.row(i).id for i in range(top, min(top + height, widget.row_count))]


def cached_app(tmp_path: Path, events: list[Event]) -> TriangulateApp:
    store = LocalStore(tmp_path / "cache.sqlite3")
    store.save_welcome(welcome())
    store.append(events)
    return TriangulateApp(store=store, now=lambda: NOW)


def replay(app: TriangulateApp, events: list[Event], page: int) -> None:
    """What the client yields on connecting: the replay in pages (then ``caught_up``)."""
    for start in range(0, len(events), page):
        app.post_message(ClientBatch([m.EventReceived(e) for e in events[start:start + page]]))


def caught_up(app: TriangulateApp) -> None:
    app.post_message(ClientBatch([m.CaughtUp(app.state.head)]))


async def test_after_a_large_catch_up_the_newest_finding_is_in_view(tmp_path: Path) -> None:
    rng = random.Random(3)
    app = cached_app(tmp_path, teammates(1, CACHED, rng))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.board.findings.row_count == CACHED, "the cache on the board")
        missed = teammates(CACHED + 1, 1_700, rng)
        replay(app, missed[:500], page=500)  # pages as the client sends them …
        replay(app, missed[500:], page=1_200)  # … and one bigger than a redraw of the whole list
        await wait_for(pilot, lambda: app.state.head == missed[-1].seq, "the replay folded")
        caught_up(app)
        await wait_for(pilot, lambda: app.caught_up, "caught up")
        await pilot.pause()
        board = app.board.findings
        newest = missed[-1].data["finding_id"]
        assert board.rows[0].id == newest
        assert newest in visible_ids(board)
        assert board.highlighted_id == newest  # not the finding that was newest before the catch-up


async def test_a_live_finding_arrives_in_the_visible_rows_and_the_cursor_stays(tmp_path: Path) -> None:
    rng = random.Random(4)
    app = cached_app(tmp_path, teammates(1, CACHED, rng))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.board.findings.row_count == CACHED, "the cache on the board")
        replay(app, teammates(CACHED + 1, 600, rng), page=500)
        await wait_for(pilot, lambda: app.state.head == CACHED + 600, "the replay folded")
        caught_up(app)
        await wait_for(pilot, lambda: app.caught_up, "caught up")
        board = app.board.findings
        await pilot.press("down")
        reading = board.highlighted_id
        for live in teammates(CACHED + 601, 3, rng):
            app.post_message(ClientBatch([m.EventReceived(live)]))
            finding_id = live.data["finding_id"]
            await wait_for(pilot, lambda finding_id=finding_id: finding_id in visible_ids(board), "the live finding")
            assert board.rows[0].id == finding_id
        assert board.highlighted_id == reading
        assert "new above" not in str(app.board.status_line.render())


async def test_scrolled_away_the_place_is_kept_and_the_news_is_above(tmp_path: Path) -> None:
    rng = random.Random(5)
    app = cached_app(tmp_path, teammates(1, 300, rng))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.board.findings.row_count == 300, "the cache on the board")
        caught_up(app)
        await wait_for(pilot, lambda: app.caught_up, "caught up")
        board = app.board.findings
        await pilot.press("pagedown", "pagedown", "down")
        reading, in_view = board.highlighted_id, visible_ids(board)
        arrived = teammates(301, 2, rng)
        app.post_message(ClientBatch([m.EventReceived(e) for e in arrived]))
        await wait_for(pilot, lambda: board.row_count == 302, "the live findings")
        await pilot.pause()
        assert board.highlighted_id == reading
        assert visible_ids(board) == in_view
        assert arrived[-1].data["finding_id"] not in visible_ids(board)
        assert "2 new above" in str(app.board.status_line.render())

        await pilot.press("home")
        assert arrived[-1].data["finding_id"] in visible_ids(board)
        assert "new above" not in str(app.board.status_line.render())


async def test_a_big_cache_first_shows_its_newest_findings_then_the_whole(tmp_path: Path) -> None:
    rng = random.Random(6)
    events = teammates(1, FIRST_LOOK + 300, rng)
    app = cached_app(tmp_path, events)
    glance = first_look(app.store, app.store.welcome)
    assert glance is not None and glance.me is None  # for looking only: nothing is done as anyone from it
    assert len(glance.findings) == FIRST_LOOK and events[-1].data["finding_id"] in glance.findings
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.board.findings.row_count == len(events), "the whole cache")
        assert app.board.state is app.state and app.state.me is not None
        assert app.board.findings.highlighted_id == events[-1].data["finding_id"]


def test_a_small_cache_has_no_first_look(tmp_path: Path) -> None:
    with LocalStore(tmp_path / "cache.sqlite3") as store:
        store.save_welcome(welcome())
        store.append(teammates(1, FIRST_LOOK, random.Random(7)))
        assert first_look(store, store.welcome) is None


async def test_a_catch_up_that_ends_in_the_same_burst_leaves_the_cursor_on_the_newest(tmp_path: Path) -> None:
    """A new machine's whole log and the end of the catch-up in one burst (as the demo's first screen had it): the
    cursor stayed on the first finding folded, the oldest, out of view below the rows shown."""
    app = cached_app(tmp_path, [])
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.state.me is not None, "the cache")  # the client starts only after it
        log = teammates(1, CACHED, random.Random(5))
        app.post_message(ClientBatch([*(m.EventReceived(e) for e in log), m.CaughtUp(log[-1].seq)]))
        await wait_for(pilot, lambda: app.board.findings.row_count == CACHED, "the log on the board")
        await pilot.pause()
        findings = app.board.findings
        assert findings.highlighted_id == findings.row(0).id  # the newest
        assert findings.highlighted_id in visible_ids(findings)
