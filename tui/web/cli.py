"""``triangulate web``: serve the app to browsers, each person signing in with their own token."""

from __future__ import annotations

import asyncio
import signal
import ssl
from collections.abc import Callable
from contextlib import suppress

import click

from tui.cli import _check_cafile, _check_url

DEFAULT_PORT = 8080
DEFAULT_MAX_SESSIONS = 30
DEFAULT_IDLE_MINUTES = 30.0


def run_web(command: str, *, host: str, port: int, ssl_context: ssl.SSLContext | None, max_sessions: int,
            idle_minutes: float, announce: Callable[[str], None]) -> None:
    """Serve until Ctrl+C or SIGTERM; every session open then is closed and its app process ends."""
    from tui.web.serve import WebServer, serve_until_stopped

    server = WebServer(command, host=host, port=port, max_sessions=max_sessions, idle_timeout=idle_minutes * 60,
                       ssl_context=ssl_context)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            with suppress(NotImplementedError):
                loop.add_signal_handler(signum, stop.set)
        await serve_until_stopped(server, stop, announce=announce)

    try:
        asyncio.run(main())
    except OSError as exc:  # the port is taken, or the address is not this machine's
        raise click.ClickException(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from None


def _tls(certfile: str | None, keyfile: str | None) -> ssl.SSLContext | None:
    if keyfile is not None and certfile is None:
        raise click.UsageError("--keyfile needs --certfile")
    if certfile is None:
        return None
    from tui.web.serve import tls_context

    try:
        return tls_context(certfile, keyfile)
    except (OSError, ssl.SSLError) as exc:
        raise click.BadParameter(f"cannot use {certfile} with key {keyfile or certfile}: {exc}",
                                 param_hint="--certfile/--keyfile") from None


@click.command()
@click.option("--server", "url", required=True, metavar="URL", help="The team server: ws://HOST:PORT or wss://…")
@click.option("--cafile", type=click.Path(exists=True, dir_okay=False),
              help="For a wss:// team server: trust the CA certificate(s) in this PEM file.")
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to serve browsers on.")
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=click.IntRange(0, 65535),
              help="0 picks a free port.")
@click.option("--certfile", type=click.Path(exists=True, dir_okay=False),
              help="Serve HTTPS with this certificate (PEM, leaf first).")
@click.option("--keyfile", type=click.Path(exists=True, dir_okay=False), help="The certificate's private key (PEM).")
@click.option("--max-sessions", default=DEFAULT_MAX_SESSIONS, show_default=True, type=click.IntRange(1),
              help="Browser sessions open at once; one more is asked to try later.")
@click.option("--idle-minutes", default=DEFAULT_IDLE_MINUTES, show_default=True, type=click.FloatRange(min=0.1),
              help="A session with no key pressed or click for this long is signed out.")
def web(url: str, cafile: str | None, host: str, port: int, certfile: str | None, keyfile: str | None,
        max_sessions: int, idle_minutes: float) -> None:
    """Serve Triangulate to browsers: triangulate web --server ws://HOST:PORT; each person signs in with their own
    token, in their own session.

    The web server holds no token: each is typed in the browser, used by that tab's session alone, and never
    written down or logged. Behind a reverse proxy, or with TLS: docs/operations.md.
    """
    from tui.web.serve import plain_http_warning
    from tui.web.session import command

    _check_url(url)
    cafile = _check_cafile(url, cafile)
    context = _tls(certfile, keyfile)
    if (warning := plain_http_warning(host, context is not None)) is not None:
        click.echo(warning, err=True)
    run_web(command(url, cafile), host=host, port=port, ssl_context=context, max_sessions=max_sessions,
            idle_minutes=idle_minutes,
            announce=lambda address: click.echo(f"Triangulate for browsers at {address} (team server {url})"))
