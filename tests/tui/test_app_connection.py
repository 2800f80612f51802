"""What the app says about the connection: a refused token, an unreachable server, presence, a database outage."""

from __future__ import annotations

import socket
from pathlib import Path

from tests.outage import writes_refused
from tests.server.conftest import WireClient

from .app_data import ASHA, seeded_store
from .app_server import live, make_app, new_finding, running_server, wait_for

SIZE = (100, 30)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_a_wrong_token_exits_with_a_clear_message(tmp_path: Path) -> None:
    async with running_server(tmp_path) as server:
        app = make_app(tmp_path, server.url, "not-a-real-token")
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: app.auth_error is not None, "the refusal")
        assert app.return_code == 2
        assert app.auth_error


async def test_an_unreachable_server_opens_from_the_cache_and_says_reconnecting(tmp_path: Path) -> None:
    url = f"ws://127.0.0.1:{free_port()}"
    seeded_store(tmp_path / "app.sqlite3", me=ASHA).close()
    app = make_app(tmp_path, url, "some-token")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: len(app.board.findings.rows) == 8, "the cached findings")
        await wait_for(pilot, lambda: app.board.status_line.status.connection == "reconnecting", "the retry")
        line = str(app.board.status_line.render())
        assert "reconnecting" in line and "8 findings" in line
        roster = str(app.board.query_one("#roster").render())
        assert "offline" in roster and "●" not in roster  # presence is unknown while we are offline


async def test_presence_shows_who_is_connected(tmp_path: Path) -> None:
    async with running_server(tmp_path) as server:
        asha = make_app(tmp_path, server.url, server.tokens["asha"], name="asha")
        ben = make_app(tmp_path, server.url, server.tokens["ben"], name="ben")
        async with asha.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: asha.board.connected, "asha connected")
            assert "1 of 2 connected" in str(asha.board.query_one("#roster").render())
            async with ben.run_test(size=SIZE):
                await wait_for(pilot, lambda: len(asha.state.online) == 2, "ben's presence")
                assert "2 of 2 connected" in str(asha.board.query_one("#roster").render())
            await wait_for(pilot, lambda: len(asha.state.online) == 1, "ben leaving")


async def test_a_finding_saved_while_the_database_is_down_says_retrying_and_lands_once(tmp_path: Path) -> None:
    async with running_server(tmp_path) as server:
        app = make_app(tmp_path, server.url, server.tokens["asha"])
        async with app.run_test(size=SIZE) as pilot:
            await live(pilot)
            with writes_refused(server.db_url):
                await new_finding(pilot, "GP not invited to the strategy discussion.", agency="health",
                                  kind="weakness", evidence_source="case-file")
                await pilot.press("ctrl+s")
                finding_id = app.board.findings.highlighted_id
                status = app.board.status_line
                await wait_for(pilot, lambda: status.status.retrying, "the retry")
                line = str(status.render())
                assert "1 unsent, retrying: the server could not store it" in line
                assert app.state.findings[finding_id].status == "sending"  # not refused: still on its way
            await wait_for(pilot, lambda: app.state.findings[finding_id].status == "saved", "the finding saved")
            await wait_for(pilot, lambda: status.status.unsent == 0, "an empty outbox")
            assert "retrying" not in str(status.render())
        reader = await WireClient.join(server.url, server.tokens["ben"])
        await reader.close()
        assert [e.data["finding_id"] for e in reader.replay if e.kind == "finding.posted"] == [finding_id]
