"""``triangulate demo --web``: the demo in a browser, the demo server's team signing in with their tokens."""

from __future__ import annotations

import os
import sys
import webbrowser

import click

from tui.cli import DemoServer, pick_member
from tui.web.cli import DEFAULT_IDLE_MINUTES, DEFAULT_MAX_SESSIONS, run_web
from tui.web.session import command


def has_desktop() -> bool:
    """A graphical browser can be opened: without one, webbrowser would take over this terminal with a text one."""
    return sys.platform in ("darwin", "win32") or bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def serve_demo(server: DemoServer, *, as_name: str | None, simulate: bool) -> None:
    """Serve the demo to browsers on loopback until Ctrl+C; say where, and the token to sign in with."""
    info = server.announcement()
    url, members = str(info["url"]), list(info["members"])
    me = pick_member(members, as_name)
    server.joining_as(me)  # the simulated team is everyone else

    def announce(address: str) -> None:
        click.echo(f"Demo server at {url}. Open {address} in a browser and sign in as {me['name']} "
                   f"({me['inspectorate']}) with this demo token:\n\n    {me['token']}\n", err=True)
        if not simulate:
            click.echo("Other tabs can sign in as teammates:", err=True)
            for member in members:
                if member is not me:
                    click.echo(f"    {member['token']}   {member['name']} ({member['inspectorate']})", err=True)
        click.echo("Ctrl+C stops the demo.", err=True)
        if has_desktop():
            webbrowser.open(address)

    run_web(command(url, None), host="127.0.0.1", port=0, ssl_context=None, max_sessions=DEFAULT_MAX_SESSIONS,
            idle_minutes=DEFAULT_IDLE_MINUTES, announce=announce)
