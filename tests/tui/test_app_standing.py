"""The app when the lead revokes its token or changes its role while it is connected (issue 14 §3).

A real server on a SQLite file, the real app, and the real ``triangulate inspector`` commands run against the
same file while both run: a revoked app stops and says why; an app whose role changed says so and carries on,
reconnected, in its new role.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from click.testing import CliRunner
from textual.widgets import Select

from shared.cli import main
from shared.protocol import REVOKED_REASON
from shared.vocabulary import Role
from tui.app import TriangulateApp
from tui.triangulation.enquiry_forms import EnquiryForm

from .app_server import lead_and_inspector, live, make_app, notified, running_server, wait_for

SIZE = (100, 30)
ASHA, BEN = 1, 2
"""Inspector ids as seeded by tests/tui/app_server.py (the first inspection's lead, then its CQC inspector)."""


def server_db(tmp_path: Path) -> str:
    """The database of ``running_server(tmp_path)``."""
    return f"sqlite:///{tmp_path / 'server.db'}"


async def triangulate(*args: str) -> None:
    result = await asyncio.to_thread(CliRunner().invoke, main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output


async def test_a_token_revoked_while_connected_stops_the_app_with_the_reason(tmp_path: Path) -> None:
    async with running_server(tmp_path) as server:
        ben = make_app(tmp_path, server.url, server.tokens["ben"], name="ben")
        async with ben.run_test(size=SIZE) as pilot:
            await live(pilot)
            assert ben.state.me is not None and ben.state.me.id == BEN

            await triangulate("inspector", "revoke", str(BEN), "--db", server.db_url)

            await wait_for(pilot, lambda: ben.auth_error is not None, "the revocation")
            assert ben.auth_error == REVOKED_REASON
            assert ben.board.status_line.status.connection == "refused"  # and no "reconnecting"
        assert ben.return_code == 2


async def test_a_changed_role_reconnects_and_says_so(tmp_path: Path) -> None:
    async with running_server(tmp_path) as server:
        asha = make_app(tmp_path, server.url, server.tokens["asha"], name="asha")
        async with asha.run_test(size=SIZE) as pilot:
            await live(pilot)
            assert asha.state.me is not None and asha.state.me.id == ASHA and asha.state.me.role is Role.LEAD

            await triangulate("inspector", "role", str(ASHA), "--role", "inspector", "--db", server.db_url)

            await wait_for(pilot, lambda: asha.state.me is not None and asha.state.me.role is Role.INSPECTOR,
                           "the new role")
            await wait_for(pilot, lambda: notified(asha, "You are now Inspector"), "the toast")  # toasts are posted
            await live(pilot)
            assert asha.auth_error is None and asha.is_running


def roster(app: TriangulateApp) -> str:
    return str(app.board.query_one("#roster").render())


async def test_the_rest_of_the_team_sees_a_revocation_and_a_new_role_on_the_roster(tmp_path: Path) -> None:
    async with lead_and_inspector(tmp_path, SIZE) as (asha, pilot, ben, _):
        assert "Ben Okafor" in roster(asha) and "2 of 2 connected" in roster(asha)

        await triangulate("inspector", "role", str(BEN), "--role", "qa-manager", "--db", server_db(tmp_path))
        await wait_for(pilot, lambda: "CQC QA" in roster(asha), "Ben's new role on Asha's roster")

        await triangulate("inspector", "revoke", str(BEN), "--db", server_db(tmp_path))
        await wait_for(pilot, lambda: "Ben Okafor" not in roster(asha), "Ben off Asha's roster")
        assert "1 of 1 connected" in roster(asha)
        await wait_for(pilot, lambda: ben.auth_error is not None, "Ben's app stopped")


def addressees(app: TriangulateApp) -> list[str]:
    """The people the open enquiry form offers to address."""
    assert isinstance(app.screen, EnquiryForm)
    return [str(prompt) for select in app.screen.query(Select) for prompt, _ in select._options
            if str(prompt).startswith("Inspector — ")]


async def test_a_revoked_member_is_no_longer_offered_work(tmp_path: Path) -> None:
    """The lead's pick lists offer only those who still have access (the server refuses the rest by name)."""
    async with lead_and_inspector(tmp_path, SIZE) as (asha, pilot, _ben, _):
        await pilot.press("o")
        await wait_for(pilot, lambda: isinstance(asha.screen, EnquiryForm), "the enquiry form")
        assert addressees(asha) == ["Inspector — Ben Okafor (CQC)"]
        await pilot.press("escape")

        await triangulate("inspector", "revoke", str(BEN), "--db", server_db(tmp_path))
        await wait_for(pilot, lambda: "Ben Okafor" not in roster(asha), "Ben off Asha's roster")
        await pilot.press("o")
        await wait_for(pilot, lambda: isinstance(asha.screen, EnquiryForm), "the enquiry form again")
        assert addressees(asha) == []
