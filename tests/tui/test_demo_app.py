"""``triangulate demo`` as a new user first sees it, in both frameworks: the team at work. The bar counts down to the
lead's next step on a significant-harm escalation in CP ¶32's words, an emerging concern is open, every teammate is
online and one posts within seconds, and a line of enquiry waits in the lead's inbox. ``--quiet`` is the still demo.

The demo server runs as ``triangulate demo`` runs it (tui.cli.DemoServer, a subprocess) and the app joins as the
lead on the real clock, because the seed dates the alerts minutes before the server started. As ``triangulate demo``
does, the app can also start beside its server and join once it announces itself (tui.cli.DemoConnection).
"""

from __future__ import annotations

import asyncio
import re
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from shared.alerts import AlertStatus
from shared.vocabulary import Framework
from tests.seeds import needs_seeds, sentence
from tui.alerts.book import STEP_CALLS
from tui.app import TriangulateApp
from tui.cli import DEMO_START_TIMEOUT, DemoConnection, DemoServer
from tui.store import LocalStore

from .app_server import live, make_app, wait_for
from .test_alerts_app import bar_text

SIZE = (100, 30)
FIRST_CONTRIBUTION = 30.0
"""Seconds to wait for a teammate's first post: it comes a few seconds after the team is online; generous under
load, and far short of the 20–40 s between later contributions."""


@asynccontextmanager
async def demo_app(tmp_path: Path, **options: Any) -> AsyncIterator[tuple[dict[str, Any], TriangulateApp]]:
    """The demo server as ``triangulate demo`` starts it (its JSON line), and the app as its lead."""
    server = DemoServer(tmp_path, **options)
    try:
        info = await asyncio.to_thread(server.announcement, 60)
        lead = info["members"][0]
        server.joining_as(lead)
        yield info, make_app(tmp_path, info["url"], lead["token"], now=lambda: datetime.now(UTC))
    finally:
        server.stop()


async def until(pilot: Pilot[Any], condition: Callable[[], object], what: str, seconds: float) -> None:
    """Like wait_for, with a bound of its own."""
    deadline = asyncio.get_running_loop().time() + seconds
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, f"timed out waiting for {what}"
        await pilot.pause(0.05)


@needs_seeds
@pytest.mark.parametrize("framework", list(Framework))
async def test_cp32_the_demo_opens_on_a_team_at_work(tmp_path: Path, framework: Framework) -> None:
    inform = STEP_CALLS[AlertStatus.INFORMED]
    assert inform in sentence(Framework.CHILD_PROTECTION, 32, "inspectors will immediately")
    async with demo_app(tmp_path, framework=framework) as (info, app), app.run_test(size=SIZE) as pilot:
        await live(pilot)
        state = app.state
        assert state.inspection is not None and state.inspection.framework is framework
        await wait_for(pilot, lambda: "SIGNIFICANT HARM" in bar_text(app), "the alert bar")
        bar = bar_text(app)
        assert inform in bar and re.search(r"· \d+ min left \(due ", bar), bar
        assert [a.is_escalation for a in state.alerts.ordered() if a.is_open] == [True, False]
        assert state.me is not None and state.evidence.unread_inbox(state.me) >= 1
        everyone = {member["id"] for member in info["members"]}
        await wait_for(pilot, lambda: state.online == everyone, "the whole team online")
        await until(pilot, lambda: any(f.startswith("sim-") for f in state.board.findings), "a teammate's post",
                    FIRST_CONTRIBUTION)


async def test_quiet_is_the_still_demo(tmp_path: Path) -> None:
    async with demo_app(tmp_path, simulate=False) as (_, app), app.run_test(size=SIZE) as pilot:
        await live(pilot)
        state = app.state
        assert state.me is not None and state.online == {state.me.id}
        assert not state.alerts.alerts and bar_text(app) == ""
        assert len(state.board.findings) >= 30


def beside(server: DemoServer, tmp_path: Path, as_name: str | None) -> tuple[DemoConnection, TriangulateApp]:
    """The app as ``triangulate demo`` starts it: at once, its client waiting for the server's announcement."""
    store = LocalStore(tmp_path / "cache.sqlite3")
    connection = DemoConnection(server, store, as_name=as_name, simulate=False)
    app = TriangulateApp(store=store, client_factory=lambda _: connection, now=lambda: datetime.now(UTC))
    connection.on_joined = lambda joined: setattr(app, "share_hint", joined.others)
    connection.on_failure = app.exit
    return connection, app


async def test_the_app_starts_beside_its_server_and_joins_as_the_member_named_once_it_announces(
    tmp_path: Path,
) -> None:
    server = DemoServer(tmp_path, simulate=False)
    connection, app = beside(server, tmp_path, "priya")
    try:
        async with app.run_test(size=SIZE) as pilot:
            assert connection.joined is None and not app.board.connected  # the board is up before the server
            await until(pilot, lambda: connection.joined is not None, "the announcement", DEMO_START_TIMEOUT)
            await live(pilot)
            assert app.state.me is not None and app.state.me.name == "Priya Raman"
            assert connection.joined is not None and connection.joined.me["name"] == "Priya Raman"
            assert app.share_hint == connection.joined.others and "# Helen Marsh" in (app.share_hint or "")
            assert len(app.state.board.findings) >= 30
    finally:
        server.stop()
        app.store.close()


async def test_a_demo_server_that_cannot_start_ends_the_app_and_says_why(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        server = DemoServer(tmp_path, simulate=False, port=taken.getsockname()[1])
        connection, app = beside(server, tmp_path, None)
        try:
            async with app.run_test(size=SIZE) as pilot:
                await until(pilot, lambda: connection.failure is not None, "the server's failure", DEMO_START_TIMEOUT)
        finally:
            server.stop()
            app.store.close()
    assert connection.failure is not None and "Address already in use" in connection.failure.message
    assert app.return_code == 0 and connection.joined is None  # the app was told to exit, and joined nobody
