"""The web server: textual-serve's, with what a server on a network needs.

textual-serve starts one app process per browser websocket and pipes the browser's keys to it. On top of that:
the websocket's Origin must be the host the page was served from (another site's page cannot drive a session in
the person's name), a cap on concurrent sessions, an idle time-out, TLS, and an environment for each session
process that holds no token. The page (templates/app_index.html) works out its websocket's address from its own,
so the same server works directly and behind a reverse proxy.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import ssl
import time
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from urllib.parse import urlsplit

from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

PAGE = Path(__file__).parent / "templates" / "app_index.html"
SECRET_VARIABLES = ("TRIANGULATE_TOKEN",)
"""Never passed on to a session process: each person signs in with their own token."""
IDLE_CLOSE = 4408
"""The websocket close code when a session was idle too long."""


def same_origin(origin: str | None, host: str | None) -> bool:
    """True when the websocket's ``Origin`` names the host the page came from (its ``Host``).

    Browsers always send Origin on a websocket; a page from another site sends its own, so it is refused."""
    if not origin or not host:
        return False
    return urlsplit(origin).netloc.casefold() == host.casefold()


def is_loopback(host: str) -> bool:
    if host.casefold() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def plain_http_warning(host: str, tls: bool) -> str | None:
    """What to say when tokens would cross a network unencrypted; None on loopback or with TLS."""
    if tls or is_loopback(host):
        return None
    return (f"warning: serving plain HTTP on {host}: tokens typed into the browser cross the network unencrypted. "
            "Give --certfile and --keyfile, or serve on 127.0.0.1 behind a reverse proxy that does TLS "
            "(docs/operations.md).")


def tls_context(certfile: str, keyfile: str | None) -> ssl.SSLContext:
    """The server's TLS context, TLS 1.2 at least; raises OSError or ssl.SSLError naming what is wrong."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(certfile, keyfile)
    return context


class Session(AppService):
    """One browser tab's app process: its page title and bell reach the page, and its environment holds no token."""

    def __init__(self, *args: object, monotonic: Callable[[], float], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # AppService's own keywords, passed through
        self._monotonic = monotonic
        self.last_input = monotonic()
        self.drawn = asyncio.Event()

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        environment = super()._build_environment(width, height)
        for name in SECRET_VARIABLES:
            environment.pop(name, None)
        return environment

    async def on_data(self, payload: bytes) -> None:
        """The idle clock starts at the first drawing: the person cannot type before the app is up."""
        if not self.drawn.is_set():
            self.last_input = self._monotonic()
            self.drawn.set()
        await super().on_data(payload)

    async def send_bytes(self, data: bytes) -> bool:
        """Keys and the mouse are what count as use for the idle time-out (not the page's pings)."""
        self.last_input = self._monotonic()
        return await super().send_bytes(data)

    async def stop(self) -> None:
        """Ask the app to quit, and wait for its process to end (textual-serve leaves it unreaped)."""
        await super().stop()
        if self._process is not None:
            await self._process.wait()

    async def on_meta(self, data: bytes) -> None:
        """The session app's page title and bell (tui.web.app), for the page's own script; the rest as before."""
        meta = json.loads(data)
        if meta.get("type") == "page_title":
            await self.remote_write_str(json.dumps(["page_title", str(meta.get("title", ""))]))
        elif meta.get("type") == "bell":
            await self.remote_write_str(json.dumps(["bell"]))
        else:
            await super().on_meta(data)


class WebServer(Server):
    """Serves ``command`` (the session program) to browsers: at most ``max_sessions`` at once, each closed after
    ``idle_timeout`` seconds without a key or a click."""

    def __init__(self, command: str, *, host: str, port: int, max_sessions: int, idle_timeout: float,
                 ssl_context: ssl.SSLContext | None = None, monotonic: Callable[[], float] = time.monotonic) -> None:
        super().__init__(command, host=host, port=port, title="Triangulate")
        self.max_sessions = max_sessions
        self.idle_timeout = idle_timeout
        self.ssl_context = ssl_context
        self._monotonic = monotonic
        self.sockets: set[web.WebSocketResponse] = set()
        """One per session, from the moment it is let in: the cap counts these."""
        self._page = PAGE.read_text(encoding="utf-8")

    async def _make_app(self) -> web.Application:
        app = web.Application()
        app.add_routes([
            web.get("/", self.handle_index, name="index"),
            web.get("/ws", self.handle_websocket, name="websocket"),
            web.get("/download/{key}", self.handle_download, name="download"),
            web.static("/static", self.statics_path, name="static"),
        ])
        app.on_shutdown.append(self._close_sessions)
        return app

    @property
    def full(self) -> bool:
        return len(self.sockets) >= self.max_sessions

    def _full_text(self) -> str:
        return f"All {self.max_sessions} sessions are in use; try again in a few minutes."

    async def handle_index(self, request: web.Request) -> web.Response:
        if self.full:
            raise web.HTTPServiceUnavailable(text=self._full_text())
        return web.Response(text=self._page, content_type="text/html",
                            headers={"Cache-Control": "no-store", "X-Frame-Options": "DENY"})

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        if not same_origin(request.headers.get("Origin"), request.host):
            raise web.HTTPForbidden(text="This page may only be opened from the address it is served at.")
        if self.full:
            raise web.HTTPServiceUnavailable(text=self._full_text())
        websocket = web.WebSocketResponse(heartbeat=15)
        self.sockets.add(websocket)
        try:
            await websocket.prepare(request)
            session = Session(self.command, write_bytes=websocket.send_bytes, write_str=websocket.send_str,
                              close=websocket.close, download_manager=self.download_manager,
                              monotonic=self._monotonic)
            await session.start(to_int(request.query.get("width", "80"), 80),
                                to_int(request.query.get("height", "24"), 24))
            idle = asyncio.create_task(self._close_when_idle(session, websocket))
            try:
                await self._process_messages(websocket, session)
            finally:
                idle.cancel()
                await session.stop()  # the tab closed, or the app ended: its process ends with it
        finally:
            self.sockets.discard(websocket)
        return websocket

    async def _close_when_idle(self, session: Session, websocket: web.WebSocketResponse) -> None:
        await session.drawn.wait()
        while (left := session.last_input + self.idle_timeout - self._monotonic()) > 0:
            await asyncio.sleep(left)
        minutes = max(1, round(self.idle_timeout / 60))
        with suppress(ConnectionError):  # the tab went meanwhile
            await websocket.send_str(json.dumps(["page_title", f"Signed out after {minutes} min idle — Triangulate"]))
        await websocket.close(code=IDLE_CLOSE, message=b"idle")

    async def _close_sessions(self, app: web.Application) -> None:
        for websocket in list(self.sockets):
            await websocket.close(code=1001, message=b"server shutting down")

    async def start(self) -> web.AppRunner:
        """Listening once this returns; ``port(runner)`` is the port (when 0 asked for a free one)."""
        runner = web.AppRunner(await self._make_app(), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, self.host, self.port, ssl_context=self.ssl_context).start()
        return runner

    def address(self, runner: web.AppRunner) -> str:
        """The address to open in a browser."""
        port = runner.addresses[0][1]
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{'https' if self.ssl_context else 'http'}://{host}:{port}/"


async def serve_until_stopped(server: WebServer, stop: asyncio.Event, *, announce: Callable[[str], None]) -> None:
    """Serve until ``stop`` is set; every open session is closed (its app process ends) on the way out."""
    runner = await server.start()
    try:
        announce(server.address(runner))
        await stop.wait()
    finally:
        await runner.cleanup()
