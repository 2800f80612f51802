"""The web server's own checks, against a real server on loopback and real session processes: the websocket's
origin, the cap on sessions, the idle time-out, TLS, the plain-HTTP warning and a token-free environment."""

from __future__ import annotations

import asyncio
import json
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import pytest
import trustme
from click.testing import CliRunner

from shared.cli import main
from tui.web.serve import IDLE_CLOSE, Session, WebServer, plain_http_warning, same_origin, tls_context
from tui.web.session import command

NOWHERE = "ws://127.0.0.1:9"
"""A team server address nothing listens on: the sessions here never get past the sign-in screen."""
WAIT = 30.0


@asynccontextmanager
async def serving(**options: object) -> AsyncIterator[tuple[WebServer, str]]:
    settings: dict[str, object] = {"max_sessions": 5, "idle_timeout": 600.0, **options}
    server = WebServer(command(NOWHERE, None), host="127.0.0.1", port=0, **settings)  # type: ignore[arg-type]
    runner = await server.start()
    try:
        yield server, server.address(runner)
        async with asyncio.timeout(WAIT):
            while server.sockets:  # every session's process has ended
                await asyncio.sleep(0.05)
    finally:
        await runner.cleanup()


def socket_url(address: str) -> str:
    return address.replace("http", "ws", 1) + "ws"


def origin(address: str) -> str:
    return address.rstrip("/")


async def drawn(websocket: aiohttp.ClientWebSocketResponse) -> None:
    """Wait for the session's first drawing: its process is up."""
    async with asyncio.timeout(WAIT):
        while (message := await websocket.receive()).type is not aiohttp.WSMsgType.BINARY:
            assert message.type is aiohttp.WSMsgType.TEXT, f"closed before the session drew anything: {message}"


def test_the_origin_must_be_the_host_the_page_came_from() -> None:
    assert same_origin("http://127.0.0.1:8080", "127.0.0.1:8080")
    assert same_origin("https://Tri.Example.org", "tri.example.org")
    assert not same_origin("https://evil.example", "tri.example.org")
    assert not same_origin("http://127.0.0.1:8081", "127.0.0.1:8080")
    assert not same_origin(None, "127.0.0.1:8080")
    assert not same_origin("null", "127.0.0.1:8080")


async def test_a_websocket_from_another_origin_is_refused() -> None:
    async with serving() as (_, address), aiohttp.ClientSession() as http:
        for bad in ({"Origin": "http://evil.example"}, {}):
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await http.ws_connect(socket_url(address), headers=bad)
            assert refused.value.status == 403
        websocket = await http.ws_connect(socket_url(address), headers={"Origin": origin(address)})
        await drawn(websocket)
        await websocket.close()


async def test_sessions_beyond_the_cap_are_asked_to_come_back_later() -> None:
    async with serving(max_sessions=1) as (server, address), aiohttp.ClientSession() as http:
        first = await http.ws_connect(socket_url(address), headers={"Origin": origin(address)})
        await drawn(first)
        with pytest.raises(aiohttp.WSServerHandshakeError) as full:
            await http.ws_connect(socket_url(address), headers={"Origin": origin(address)})
        assert full.value.status == 503
        async with http.get(address) as page:
            assert page.status == 503
            assert "All 1 sessions are in use" in await page.text()
        await first.close()
        async with asyncio.timeout(WAIT):
            while server.sockets:  # the first session's process ends with its tab
                await asyncio.sleep(0.05)
        async with http.get(address) as page:
            assert page.status == 200
            assert "textual.js" in await page.text()


async def test_an_idle_session_is_signed_out_and_told_why() -> None:
    async with serving(idle_timeout=2.0) as (_, address), aiohttp.ClientSession() as http:
        websocket = await http.ws_connect(socket_url(address), headers={"Origin": origin(address)})
        await drawn(websocket)
        loop = asyncio.get_running_loop()
        for key in range(7):  # a key every 0.4 s for 2.4 s: in use, though longer than the time-out
            if key:
                await asyncio.sleep(0.4)  # pacing the keys
            await websocket.send_json(["stdin", " "])
            last_key = loop.time()
        assert not websocket.closed
        said: list[object] = []
        async with asyncio.timeout(WAIT):
            async for message in websocket:
                if message.type is aiohttp.WSMsgType.TEXT:
                    said.append(json.loads(message.data))
        assert websocket.close_code == IDLE_CLOSE
        assert loop.time() - last_key >= 2.0
        assert ["page_title", "Signed out after 1 min idle — Triangulate"] in said


async def test_https_with_a_certificate(tmp_path: Path) -> None:
    ca = trustme.CA()
    chain = tmp_path / "chain.pem"
    ca.issue_cert("127.0.0.1").private_key_and_cert_chain_pem.write_to_path(str(chain))
    trusted = ssl.create_default_context()
    ca.configure_trust(trusted)
    async with serving(ssl_context=tls_context(str(chain), None)) as (_, address), aiohttp.ClientSession() as http:
        assert address.startswith("https://127.0.0.1:")
        async with http.get(address, ssl=trusted) as page:
            assert page.status == 200
        websocket = await http.ws_connect(socket_url(address), headers={"Origin": origin(address)}, ssl=trusted)
        await drawn(websocket)
        await websocket.close()


def test_plain_http_off_loopback_is_warned_about() -> None:
    for loopback in ("127.0.0.1", "::1", "localhost"):
        assert plain_http_warning(loopback, tls=False) is None
    warning = plain_http_warning("0.0.0.0", tls=False)
    assert warning is not None and "unencrypted" in warning and "--certfile" in warning
    assert plain_http_warning("0.0.0.0", tls=True) is None


def test_bad_tls_options_are_refused_before_serving(tmp_path: Path) -> None:
    key = tmp_path / "key.pem"
    key.write_text("not a key")
    result = CliRunner().invoke(main, ["web", "--server", NOWHERE, "--keyfile", str(key)])
    assert result.exit_code == 2 and "--keyfile needs --certfile" in result.output
    result = CliRunner().invoke(main, ["web", "--server", NOWHERE, "--certfile", str(key)])
    assert result.exit_code == 2 and "cannot use" in result.output
    result = CliRunner().invoke(main, ["web", "--server", "http://example.org"])
    assert result.exit_code == 2 and "ws://HOST:PORT" in result.output


def test_a_session_process_never_inherits_a_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRIANGULATE_TOKEN", "someone-elses-token")

    async def nothing(*_: object) -> None:
        return None

    session = Session("true", write_bytes=nothing, write_str=nothing, close=nothing, download_manager=None,
                      monotonic=lambda: 0.0)
    environment = session._build_environment()
    assert "TRIANGULATE_TOKEN" not in environment
    assert environment["TEXTUAL_DRIVER"] == "textual.drivers.web_driver:WebDriver"
    assert "someone-elses-token" not in command(NOWHERE, None)
