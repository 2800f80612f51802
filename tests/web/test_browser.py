"""The app in a real browser: a real team server, ``triangulate web`` on loopback and headless Chromium.

One person signs in with their token, waits for the board and records a finding, which a second client connected
over the protocol receives; a teammate's escalation flashes the page and retitles its tab; the report saved from the
preview downloads. In a second browser session a wrong token is refused and nothing of the inspection reaches that
page. What each page received over its websocket is kept, so "nothing reached it" is checked against the same words
reaching the signed-in page. A revoked token ends its browser session; closing a tab ends its app process.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from shared.cli import main
from shared.protocol import Ack, Event
from tests.server.conftest import WireClient, harm_frame
from tests.web.browser import launched, team_server, web_server

pytestmark = pytest.mark.slow
WAIT_MS = 30_000
FINDING = "Recorded from a browser session"


class Page:
    """A browser tab on the web app, with every websocket frame it received."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.data = bytearray()
        """The terminal output: what the session drew."""
        self.messages: list[str] = []
        """The page's own messages (its title, the bell)."""
        page.on("websocket", lambda ws: ws.on("framereceived", self._received))

    def _received(self, payload: str | bytes) -> None:
        if isinstance(payload, bytes):
            self.data.extend(payload)
        else:
            self.messages.append(payload)

    async def sign_in(self, address: str, token: str) -> None:
        await self.page.goto(address)
        await self.page.wait_for_function("document.title.startsWith('Sign in')", timeout=WAIT_MS)
        await self.page.click("#terminal")
        await self.page.keyboard.type(token)
        await self.page.keyboard.press("Enter")

    async def title_has(self, words: str) -> None:
        from playwright.async_api import TimeoutError as PlaywrightTimeout  # here: tests/web/browser.py says why

        try:
            await self.page.wait_for_function("words => document.title.includes(words)", arg=words, timeout=WAIT_MS)
        except PlaywrightTimeout:  # say where the tab is instead
            raise AssertionError(
                f"the tab's title never had {words!r}: it is {await self.page.title()!r}, and the session last drew "
                f"{self.last_drawn()!r}") from None

    def last_drawn(self, chars: int = 600) -> str:
        """The end of what the session drew, as text (escape sequences left out)."""
        text = re.sub(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07]*\x07|[@-_])", " ", self.data.decode(errors="replace"))
        return " ".join(text.split())[-chars:]

    async def drawn(self, words: str, since: int = 0) -> None:
        """Wait until the session has drawn ``words`` (after byte ``since`` of its output)."""
        async with asyncio.timeout(WAIT_MS / 1000):
            while words.encode() not in self.data[since:]:
                await asyncio.sleep(0.05)

    async def keys(self, *keys: str) -> None:
        """Press each key once the session has drawn what the last one did (a screen opening, focus moving)."""
        for key in keys:
            await self.page.keyboard.press(key)
            await self.settled()

    async def settled(self, quiet: float = 0.3) -> None:
        """Wait until the session has drawn nothing for ``quiet`` seconds."""
        async with asyncio.timeout(WAIT_MS / 1000):
            while True:
                size = len(self.data)
                await asyncio.sleep(quiet)
                if len(self.data) == size:
                    return


def descendants(pid: int) -> list[int]:
    """Every process started by ``pid`` and by its children (Linux)."""
    found: list[int] = []
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        found += [int(child), *descendants(int(child))]
    return found


async def test_sign_in_record_a_finding_and_a_wrong_token_sees_nothing(tmp_path: Path) -> None:
    async with team_server(tmp_path) as team, launched() as browser:
        inspection = team["inspection"]["name"]
        lead, colleague = team["members"][0], team["members"][1]
        watcher = await WireClient.join(team["url"], colleague["token"])
        async with web_server(team["url"]) as (address, output, web_pid):
            signed_in = Page(await browser.new_page())
            await signed_in.sign_in(address, lead["token"])
            await signed_in.title_has(inspection)  # the board, caught up

            await signed_in.settled()
            mark = len(signed_in.data)
            await signed_in.keys("n")
            await signed_in.drawn("Record a finding", mark)
            await signed_in.keys("Enter", "ArrowDown", "Enter", "Tab", "Tab", "Tab")  # a kind, then to the text
            await signed_in.page.keyboard.type(FINDING, delay=20)
            await signed_in.settled()  # every letter in the form before ctrl+s (the browser may hold some back)
            await signed_in.keys("Control+s")
            try:
                received = await watcher.recv_until(
                    Event, lambda e: e.kind == "finding.posted" and e.data.get("text") == FINDING,
                    timeout=WAIT_MS / 1000)
            except TimeoutError:
                await signed_in.page.screenshot(path=str(tmp_path / "not-recorded.png"))
                raise AssertionError(f"the finding never reached the server: {tmp_path / 'not-recorded.png'}") from None
            assert received.actor is not None and received.actor.id == lead["id"]

            flashed = asyncio.create_task(
                signed_in.page.wait_for_function("document.body.classList.contains('-bell')", timeout=WAIT_MS))
            assert isinstance(await watcher.command(harm_frame()), Ack)  # a teammate escalates: the bell rings
            await flashed
            await signed_in.title_has("⚠ Significant harm")

            downloads: list[Any] = []
            signed_in.page.on("download", lambda file: downloads.append(file))
            await signed_in.keys("R", "w")  # the report preview, saved as Markdown
            async with asyncio.timeout(WAIT_MS / 1000):
                while not downloads:
                    await asyncio.sleep(0.05)
            assert downloads[0].suggested_filename.endswith(".md") and "report" in downloads[0].suggested_filename
            report = Path(await downloads[0].path()).read_text(encoding="utf-8")
            assert report.startswith(f"# {inspection}: inspection report")

            refused = Page(await browser.new_page())
            await refused.sign_in(address, "not-anyones-token")
            await refused.title_has("Token refused")
            await refused.drawn("refused this token")
            for words in (inspection.split()[3], lead["name"], FINDING):  # on the signed-in page, never on this one
                assert words.encode() in bytes(signed_in.data) + str(signed_in.messages).encode(), words
                assert words.encode() not in bytes(refused.data), words
                assert words not in str(refused.messages), words

            for pid in descendants(web_pid):  # the sessions' processes: no token in an argument or the environment
                with_token = [
                    name for name in ("cmdline", "environ")
                    if lead["token"].encode() in Path(f"/proc/{pid}/{name}").read_bytes()
                ]
                assert with_token == [], f"the token is in process {pid}'s {with_token}"
        assert lead["token"] not in output.text and "not-anyones-token" not in output.text  # never logged
        await watcher.close()


async def test_a_revoked_token_ends_the_browser_session(tmp_path: Path) -> None:
    async with team_server(tmp_path) as team, launched() as browser, web_server(team["url"]) as (address, _, _):
        member = team["members"][1]
        page = Page(await browser.new_page())
        await page.sign_in(address, member["token"])
        await page.title_has(team["inspection"]["name"])

        revoke = ["inspector", "revoke", str(member["id"]), "--db", f"sqlite:///{tmp_path / 'team.db'}"]
        result = await asyncio.to_thread(CliRunner().invoke, main, revoke)
        assert result.exit_code == 0, result.output
        await page.title_has("Signed out: the server refused the token")
        await page.page.wait_for_function("document.body.classList.contains('-closed')", timeout=WAIT_MS)
        assert await page.page.locator(".closed-dialog .message").inner_text() == "Session ended."


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads processes from Linux's /proc")
async def test_closing_the_tab_ends_its_session_process(tmp_path: Path) -> None:
    async with team_server(tmp_path) as team, launched() as browser, web_server(team["url"]) as (address, _, web_pid):
        page = Page(await browser.new_page())
        await page.sign_in(address, team["members"][0]["token"])
        await page.title_has(team["inspection"]["name"])
        sessions = descendants(web_pid)
        assert sessions, "a session process runs for the tab"
        await page.page.close()
        async with asyncio.timeout(WAIT_MS / 1000):
            while any(Path(f"/proc/{pid}").exists() and not _zombie(pid) for pid in sessions):
                await asyncio.sleep(0.05)


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] == "Z"
    except FileNotFoundError:
        return True


