"""Nothing lost offline: findings recorded with the server down survive an app restart and arrive exactly once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlmodel import Session, select
from textual.pilot import Pilot

from server.storage import database
from server.storage.tables import EventRow
from tui.app import TriangulateApp
from tui.widgets.labels import STATUS_MARK

from .app_server import make_app, new_finding, running_server, wait_for

SIZE = (100, 30)
TEXTS = ("Written on the train: GP not invited to the strategy discussion.", "Second note, still no signal.")


async def record(app: TriangulateApp, pilot: Pilot[Any], text: str) -> str:
    await new_finding(pilot, text, agency="health", kind="weakness", evidence_source="case-file")
    await pilot.press("ctrl+s")
    finding_id = app.board.findings.highlighted_id
    assert finding_id is not None
    return finding_id


def board_line(app: TriangulateApp, text: str) -> str:
    """The rendered board line that shows ``text``'s start, as the inspector sees it."""
    findings = app.board.findings
    lines = [findings.render_line(y).text for y in range(findings.size.height)]
    return next(line for line in lines if text[:15] in line)


async def test_findings_recorded_offline_survive_a_restart_and_reach_the_team_exactly_once(tmp_path: Path) -> None:
    async with running_server(tmp_path) as server:
        url, port, tokens, db_url = server.url, server.server.port, server.tokens, server.db_url
        first = make_app(tmp_path, url, tokens["asha"], name="asha")
        async with first.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: first.caught_up, "A's first sync")
        first.store.close()

    # The server is down. A records two findings; they show as unsent.
    offline = make_app(tmp_path, url, tokens["asha"], name="asha")
    async with offline.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: offline.state.me is not None, "the cached welcome")
        ids = [await record(offline, pilot, text) for text in TEXTS]
        await wait_for(pilot, lambda: offline.board.status_line.status.unsent == 2, "two unsent")
        await pilot.pause()
        for text in TEXTS:
            assert STATUS_MARK["unsent"] in board_line(offline, text)
    offline.store.close()
    offline = None  # type: ignore[assignment]  # the app object is dropped; only its files remain

    # The server comes back on the same database and port; A restarts from its files; B joins.
    async with running_server(tmp_path, port=port):
        again = make_app(tmp_path, url, tokens["asha"], name="asha")
        b = make_app(tmp_path, url, tokens["ben"], name="ben")
        async with again.run_test(size=SIZE) as pa, b.run_test(size=SIZE) as pb:
            await wait_for(pa, lambda: set(ids) <= set(again.state.findings), "A's cache shows them on start")
            await wait_for(pa, lambda: all(again.state.findings[i].status == "saved" for i in ids), "both acks")
            await wait_for(pa, lambda: again.store.pending() == [], "an empty outbox")
            await wait_for(pb, lambda: set(ids) <= set(b.state.findings), "both findings at B")
            assert [b.state.findings[i].fields.text for i in ids] == list(TEXTS)

        engine = database.connect(db_url)
        with Session(engine) as session:
            posted = session.exec(select(EventRow.command_id).where(EventRow.kind == "finding.posted")).all()
        engine.dispose()
        assert sorted(posted) == sorted(ids), "each finding stored exactly once"
