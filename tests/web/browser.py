"""Headless Chromium for the browser tests (Debian's chromium, driven by Playwright; never `playwright install`),
and the real processes they drive: a demo team server and ``triangulate web``.

Without a browser the tests are skipped, saying why; in CI (.ci/run sets TRIANGULATE_TEST_BROWSER_REQUIRED=1)
they fail instead, so a missing browser cannot pass for a passing run.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
REQUIRED = os.environ.get("TRIANGULATE_TEST_BROWSER_REQUIRED") == "1"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-gpu-compositing",
    "--disable-software-rasterizer", "--disable-extensions",
]
"""The last three keep a headless browser from emulating a GPU in software (a GPU process running SwiftShader) and
from loading its built-in extensions: the browser tests' Chromium processes, measured alternately, 11.3 and 10.4 s
of CPU → 7.3 and 7.1 s (docs/performance.md, "Test suite")."""
START_TIMEOUT = 60.0
"""Seconds for a process to announce itself: only there so a broken start fails a test instead of hanging it."""


def chromium() -> str:
    """The browser's path; skips (or, in CI, fails) the test when there is none or no Playwright to drive it."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    why = None
    if path is None:
        why = "no Chromium on this machine (Debian: apt-get install chromium; .ci/run installs it)"
    else:
        try:
            import playwright  # noqa: F401
        except ImportError:
            why = "Playwright is not installed (pip install -e '.[test]')"
    if why is not None:
        if REQUIRED:
            pytest.fail(f"TRIANGULATE_TEST_BROWSER_REQUIRED is set but {why}")
        pytest.skip(why)
    assert path is not None
    return path


@asynccontextmanager
async def launched() -> AsyncIterator[Any]:
    """A headless Chromium (Playwright gives it a fresh --user-data-dir, removed when it closes) and a browser
    context in it, closed on leaving."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium(), args=CHROMIUM_FLAGS, headless=True)
        try:
            yield await browser.new_context(viewport={"width": 1400, "height": 850}, accept_downloads=True)
        finally:
            await browser.close()


@dataclass
class Output:
    """What a process printed, read as it comes so it never blocks on a full pipe."""

    lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(self.lines)


async def _first_line(proc: asyncio.subprocess.Process, output: Output) -> str:
    """The first line on stdout; the rest is kept in ``output`` by a task that reads to the end."""
    assert proc.stdout is not None
    line = (await asyncio.wait_for(proc.stdout.readline(), START_TIMEOUT)).decode()
    output.lines.append(line)

    async def drain() -> None:
        assert proc.stdout is not None
        async for more in proc.stdout:
            output.lines.append(more.decode(errors="replace"))

    asyncio.get_running_loop().create_task(drain())
    return line


async def _stop(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is None:
        proc.terminate()
        try:
            await asyncio.wait_for(proc.wait(), 15)
        except TimeoutError:
            proc.kill()
            await proc.wait()


@asynccontextmanager
async def team_server(tmp_path: Path) -> AsyncIterator[dict[str, Any]]:
    """A real team server with a seeded inspection (``python -m server demo --quiet``): its announcement."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "server", "demo", "--db", str(tmp_path / "team.db"), "--port", "0", "--quiet",
        cwd=REPO, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT, stdin=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    output = Output()
    try:
        line = await _first_line(proc, output)
        assert line.startswith("{"), f"the team server did not start: {line}"
        yield json.loads(line)
    finally:
        await _stop(proc)


@asynccontextmanager
async def web_server(url: str, *options: str) -> AsyncIterator[tuple[str, Output, int]]:
    """``triangulate web --server URL --port 0`` as a person would run it: its address, its output and its pid."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", "from shared.cli import main; main()", "web", "--server", url, "--port", "0", *options,
        cwd=REPO, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT, stdin=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    output = Output()
    try:
        line = await _first_line(proc, output)
        assert " at http" in line, f"triangulate web did not start: {line}"
        yield line.split(" at ", 1)[1].split()[0], output, proc.pid
    finally:
        await _stop(proc)
