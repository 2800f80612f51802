"""``triangulate join`` and ``triangulate demo``: start the terminal client.

The server is never imported here: ``demo`` runs it as a subprocess by module name, so the client and the
server stay separate programs that share only the wire protocol.
"""

from __future__ import annotations

import asyncio
import functools
import json
import os
import queue
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import Future, InvalidStateError
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import click
from click.core import ParameterSource

from shared.vocabulary import Framework
from tui.config import Connection, cache_path, config_dir, forget_connection, load_connection, save_connection

if TYPE_CHECKING:  # the app, the client and their messages load only when a command really runs the app
    from shared.protocol import Command
    from tui.app import TriangulateApp
    from tui.client import TeamClient
    from tui.messages import ClientMessage
    from tui.store import LocalStore

DEMO_START_TIMEOUT = 60.0


def _check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("ws", "wss") or not parts.netloc:
        raise click.BadParameter(f"{url!r} is not a server address like ws://HOST:PORT", param_hint="URL")
    return url


def _check_cafile(url: str, cafile: str | None) -> str | None:
    """The CA file as an absolute path (it is remembered), once it is known to load; only for wss://."""
    if cafile is None:
        return None
    if urlsplit(url).scheme != "wss":
        raise click.BadParameter("a CA file is only for wss:// servers", param_hint="--cafile")
    from tui.client import tls_context

    path = str(Path(cafile).resolve())
    try:
        tls_context(path)
    except (OSError, ValueError) as exc:  # ssl.SSLError is an OSError
        raise click.BadParameter(f"cannot read CA certificates from {cafile}: {exc}", param_hint="--cafile") from None
    return path


def _run_app(url: str, token: str, store_path: Path, **kwargs: Any) -> int:
    """Open the app; returns its exit code (2 when the server refused the token).

    The theme the user picks in the app is remembered in the config directory, with the remembered server."""
    from tui.app import TriangulateApp  # Textual loads only when a command really runs the app

    return _run(lambda: TriangulateApp.connect(url, token, store_path, settings_dir=config_dir(), **kwargs), store_path)


def _run(make_app: Callable[[], TriangulateApp], store_path: Path) -> int:
    """Make the app (it opens the cache), run it and close the cache; returns the app's exit code."""
    try:
        app = make_app()
    except (OSError, sqlite3.Error) as exc:  # the data directory is not writable, or the cache is not SQLite
        raise click.ClickException(f"cannot open the cache {store_path}: {_reason(exc)}") from None
    for fixed in app.store.tightened:
        click.echo(f"Made {fixed} readable by you alone: the cache holds the inspection's evidence.", err=True)
    try:
        app.run()
    finally:
        app.store.close()
    return 2 if app.auth_error else (app.return_code or 0)


def _reason(exc: Exception) -> str:
    """``Not a directory``, not ``[Errno 20] Not a directory: '…'``: the message names the path itself."""
    if isinstance(exc, OSError) and exc.errno:
        return os.strerror(exc.errno)
    return str(exc)


TOKEN_ON_COMMAND_LINE = (
    "warning: a token given with --token can be read by anyone on this computer (ps); next time give it with "
    "$TRIANGULATE_TOKEN or --token-file, or let join ask for it"
)


def _token(ctx: click.Context, url: str, token: str | None, token_file: Path | None, saved: str | None) -> str:
    """The token, from the first of: --token (or $TRIANGULATE_TOKEN), --token-file, the one remembered for this
    server, and a prompt that does not echo it."""
    from_command_line = ctx.get_parameter_source("token") is ParameterSource.COMMANDLINE
    if from_command_line and token_file is not None:
        raise click.UsageError("give the token with --token-file or --token, not both")
    if from_command_line:
        click.echo(TOKEN_ON_COMMAND_LINE, err=True)
    if token_file is not None:
        try:
            token = token_file.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise click.BadParameter(f"cannot read {token_file}: {exc}", param_hint="--token-file") from None
        if not token:
            raise click.BadParameter(f"{token_file} holds no token", param_hint="--token-file")
        return token
    if token:
        return token.strip()
    if saved is not None:
        return saved
    return str(click.prompt(f"Token for {url} (not shown as you type)", hide_input=True)).strip()


@click.command()
@click.argument("url", required=False)
@click.option("--token-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Read your inspector token from this file (keep it private to you).")
@click.option("--token", envvar="TRIANGULATE_TOKEN", show_envvar=True,
              help="Your inspector token. Deprecated on the command line, where anyone on this computer can read it "
                   "(ps): set $TRIANGULATE_TOKEN, use --token-file, or give none and join asks for it.")
@click.option("--cafile", type=click.Path(exists=True, dir_okay=False),
              help="For wss://: trust the CA certificate(s) in this PEM file instead of the system's.")
@click.option("--temporary", is_flag=True, help="Do not remember this server; keep no cache after exit.")
@click.option("--light", "theme", flag_value="textual-light", help="Light theme this time.")
@click.option("--dark", "theme", flag_value="textual-dark", help="Dark theme this time.")
@click.pass_context
def join(
    ctx: click.Context, url: str | None, token_file: Path | None, token: str | None, cafile: str | None,
    temporary: bool, theme: str | None,
) -> None:
    """Join an inspection's team server: triangulate join ws://HOST:PORT, then type your token when asked.

    Once the server has accepted them, the server, token and --cafile are remembered, so next time
    `triangulate join` alone reconnects; a mistyped address or token never replaces the remembered ones.
    A wss:// server's certificate is checked against the system's trust store, or only --cafile's.
    """
    saved = load_connection()
    if url is None:
        if saved is None:
            raise click.UsageError("no server remembered yet: run  triangulate join ws://HOST:PORT  "
                                   "(it asks for your token)")
        url = saved.url
    _check_url(url)
    known = saved if saved is not None and saved.url == url else None  # what worked with this server before
    token = _token(ctx, url, token, token_file, known.token if known else None)
    if cafile is None and known is not None:
        cafile = known.cafile
    cafile = _check_cafile(url, cafile)
    connection = Connection(url, token, cafile)
    remember = None if temporary or connection == saved else functools.partial(save_connection, connection)
    with _cache_dir(temporary) as cache_dir:
        try:
            store_path = cache_path(connection, cache_dir)
        except OSError as exc:
            raise click.ClickException(f"cannot keep a cache in {exc.filename}: {_reason(exc)}") from None
        new_cache = not store_path.exists()
        code = _run_app(url, token, store_path, theme=theme, cafile=cafile, on_first_welcome=remember)
    if code == 2:
        if new_cache:  # nothing was ever cached for a token that never worked
            for leftover in (store_path, *store_path.parent.glob(f"{store_path.name}-*")):
                leftover.unlink(missing_ok=True)
        if not temporary and load_connection() == connection:
            forget_connection()  # the remembered token itself is refused now (revoked): not worth keeping
    sys.exit(code)


@contextmanager
def _cache_dir(temporary: bool) -> Iterator[Path | None]:
    if not temporary:
        yield None
        return
    directory = Path(tempfile.mkdtemp(prefix="triangulate-"))
    try:
        yield directory
    finally:
        shutil.rmtree(directory, ignore_errors=True)


# ---------------------------------------------------------------------- demo


class DemoServer:
    """``python -m server demo`` as a child process: started, its JSON line read, and stopped on exit."""

    def __init__(self, directory: Path, *, simulate: bool = True, port: int = 0,
                 framework: Framework = Framework.INTEGRATED) -> None:
        self.directory = directory
        self.log_path = directory / "server.log"
        command = [sys.executable, "-m", "server", "demo", "--db", str(directory / "demo.db"), "--port", str(port),
                   "--framework", framework.value]
        command.append("--user-on-stdin" if simulate else "--quiet")
        self._log = self.log_path.open("w", encoding="utf-8")
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=self._log, stdin=subprocess.PIPE, text=True
        )

    def announcement(self, timeout: float = DEMO_START_TIMEOUT) -> dict[str, Any]:
        """Wait for the one JSON line; then keep draining stdout so the server never blocks on a full pipe."""
        lines: queue.Queue[str] = queue.Queue()
        stdout = self.process.stdout
        assert stdout is not None

        def drain() -> None:
            for line in stdout:
                lines.put(line)
            lines.put("")

        threading.Thread(target=drain, name="demo-stdout", daemon=True).start()
        try:
            line = lines.get(timeout=timeout)
        except queue.Empty:
            raise click.ClickException(f"the demo server did not start within {timeout:.0f}s") from None
        if not line:
            self.process.wait(timeout=5)
            raise click.ClickException(f"the demo server stopped at once:\n{self._log_tail()}")
        try:
            return json.loads(line)
        except ValueError:
            raise click.ClickException(f"the demo server printed something unexpected: {line[:200]}") from None

    def joining_as(self, member: dict[str, Any]) -> None:
        """Tell the server who the person at the keyboard is, so its simulated team is everyone else."""
        stdin = self.process.stdin
        assert stdin is not None
        with suppress(OSError):  # it stopped already: the app says so when it cannot connect
            stdin.write(f"{member['id']}\n")
            stdin.close()

    def _log_tail(self) -> str:
        self._log.flush()
        return "\n".join(self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-15:])

    def stop(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


def pick_member(members: list[dict[str, Any]], name: str | None) -> dict[str, Any]:
    """The lead (first) by default, else the member whose name, or a word of it, starts with ``name``."""
    if not members:
        raise click.ClickException("the demo server announced no team members")
    if name is None:
        return members[0]
    wanted = name.casefold().strip()
    for test in (
        lambda n: n == wanted,
        lambda n: n.startswith(wanted),
        lambda n: any(word.startswith(wanted) for word in n.split()),
    ):
        found = [m for m in members if test(str(m["name"]).casefold())]
        if found:
            return found[0]
    names = ", ".join(str(m["name"]) for m in members)
    raise click.BadParameter(f"no team member called {name!r}; the team is {names}", param_hint="--as")


def join_lines(url: str, members: list[dict[str, Any]], me: dict[str, Any]) -> str:
    """The commands that let the rest of the demo team join from other terminals."""
    lines = []
    for member in members:
        if member is me:
            continue
        lines.append(f"TRIANGULATE_TOKEN={member['token']} triangulate join {url} --temporary"
                     f"   # {member['name']} ({member['inspectorate']})")
    return "\n".join(lines)


def teammates_note(others: str | None) -> str:
    """What the demo says about joining as a teammate: how, or (the team simulated, ``others`` None) why not here,
    since a teammate joined from a second terminal would then be played twice over."""
    if others is None:
        return "The rest of the team is simulated; for a demo shared between terminals, add --quiet."
    return f"Another terminal can join as a teammate:\n{others}"


@dataclass(frozen=True)
class Joined:
    """Whom the person at the keyboard plays in the demo, once the demo server has announced its team."""

    url: str
    me: dict[str, Any]
    others: str | None
    """The commands for joining as a teammate from another terminal; None while the team is simulated."""


class DemoConnection:
    """The app's client in the demo: it waits for the demo server's announcement, picks who the user is, then is a
    TeamClient for them. So the app starts beside the server and shows its board, connecting, while the server
    seeds, instead of after it.

    ``on_joined`` hears who the user is; ``on_failure`` (the app's exit) is called if the server never announces
    or names nobody by ``--as``, and ``failure`` then holds what to say.
    """

    def __init__(self, server: DemoServer, store: LocalStore, *, as_name: str | None, simulate: bool) -> None:
        self._store = store
        self._as_name = as_name
        self._simulate = simulate
        self._announced: Future[dict[str, Any]] = Future()
        self._client: TeamClient | None = None
        self._ready = asyncio.Event()
        self.failure: click.ClickException | None = None
        self.joined: Joined | None = None
        self.on_joined: Callable[[Joined], None] = lambda _: None
        self.on_failure: Callable[[], None] = lambda: None
        self._server = server
        threading.Thread(target=self._wait_for_announcement, name="demo-announcement", daemon=True).start()

    def _wait_for_announcement(self) -> None:
        """In a thread of its own (never the event loop's executor, which would keep a quitting app waiting)."""
        with suppress(InvalidStateError):  # the app quit before the server announced (the future was cancelled)
            try:
                self._announced.set_result(self._server.announcement())
            except click.ClickException as failed:
                self._announced.set_exception(failed)

    @property
    def pending_count(self) -> int:
        return self._store.pending_count()

    async def messages(self) -> AsyncIterator[ClientMessage]:
        from tui.client import TeamClient

        try:
            info = await asyncio.wrap_future(self._announced)
            url, members = str(info["url"]), list(info["members"])
            me = pick_member(members, self._as_name)
        except click.ClickException as failed:
            self.failure = failed
            self.on_failure()
            return
        self._server.joining_as(me)
        self.joined = Joined(url, me, None if self._simulate else join_lines(url, members, me))
        self.on_joined(self.joined)
        self._client = TeamClient(url, str(me["token"]), self._store)
        self._ready.set()
        async for message in self._client.messages():
            yield message

    async def send(self, command: Command) -> None:
        """Into the outbox once we know who the user is (the app's sender waits until then)."""
        await self._ready.wait()
        assert self._client is not None
        await self._client.send(command)

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()


@click.command()
@click.option("--as", "as_name", metavar="NAME", help="Join as this team member (name or its start).")
@click.option("--simulate/--quiet", default=True,
              help="The team at work (the default; --simulate is kept for old scripts): teammates online and "
                   "posting now and then, a significant-harm escalation counting down, an enquiry waiting for the "
                   "lead. --quiet: the still demo, the record alone, nobody else online.")
@click.option("--port", default=0, show_default=True, type=click.IntRange(0, 65535), help="0 picks a free port.")
@click.option("--light", "theme", flag_value="textual-light", help="Light theme this time.")
@click.option("--dark", "theme", flag_value="textual-dark", help="Dark theme this time.")
@click.option("--framework", type=click.Choice([f.value for f in Framework]), default=Framework.INTEGRATED.value,
              show_default=True, help="The integrated inspection, or the 2012 child-protection framework's.")
@click.option("--web", is_flag=True, help="In a browser instead of this terminal (triangulate web, on loopback).")
def demo(as_name: str | None, simulate: bool, port: int, theme: str | None, framework: str, web: bool) -> None:
    """Try Triangulate on a fictional inspection, served by a demo server started just for this, with the rest of
    the team at work (--quiet for a still one)."""
    directory = Path(tempfile.mkdtemp(prefix="triangulate-demo-"))
    server = DemoServer(directory, simulate=simulate, port=port, framework=Framework(framework))
    if web:
        from tui.web.demo import serve_demo

        try:
            serve_demo(server, as_name=as_name, simulate=simulate)
        finally:
            server.stop()
            shutil.rmtree(directory, ignore_errors=True)
        return
    try:
        from tui.app import TriangulateApp  # imported while the server starts
        from tui.store import LocalStore

        connections: list[DemoConnection] = []

        def make_app() -> TriangulateApp:
            store = LocalStore(directory / "cache.sqlite3")
            connection = DemoConnection(server, store, as_name=as_name, simulate=simulate)
            connections.append(connection)
            app = TriangulateApp(store=store, client_factory=lambda _: connection, settings_dir=config_dir(),
                                 theme=theme)
            connection.on_joined = lambda joined: setattr(app, "share_hint", joined.others)
            connection.on_failure = app.exit
            return app

        code = _run(make_app, directory / "cache.sqlite3")
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)
    connection = connections[0]
    if connection.failure is not None:
        raise connection.failure
    if connection.joined is not None:  # said once the app has given the terminal back: it held the screen till now
        me = connection.joined.me
        click.echo(f"Demo server at {connection.joined.url}; you are {me['name']} ({me['inspectorate']}).", err=True)
        click.echo(teammates_note(connection.joined.others), err=True)
    sys.exit(code)
