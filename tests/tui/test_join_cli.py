"""``triangulate join`` as typed: where the token comes from, what is remembered, and how private the files are.

The real command runs the real app against a real server; Textual's own headless driver stands in for the
terminal, and ``TEXTUAL_PRESS``'s keys quit it once it is up, as a user would.
"""

from __future__ import annotations

import asyncio
import os
import socket
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
import textual.constants
from click.testing import CliRunner, Result

from tui.app import TriangulateApp
from tui.cli import TOKEN_ON_COMMAND_LINE, join
from tui.config import Connection, cache_path, load_connection, save_connection

from .app_server import live, notified, running_server, wait_for


@pytest.fixture
def home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """A fresh user: their own config and data directories, a common umask, a headless terminal."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("TRIANGULATE_TOKEN", raising=False)
    monkeypatch.setattr(textual.constants, "DRIVER", "textual.drivers.headless_driver:HeadlessDriver")
    old = os.umask(0o022)
    try:
        yield tmp_path
    finally:
        os.umask(old)


def quit_once_up(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keys a user might press once the app is up: open the help, close it, quit."""
    monkeypatch.setattr(textual.constants, "PRESS", "question_mark,escape,ctrl+q")


def closed_port() -> str:
    """A server address where nothing listens: a mistyped one."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"ws://127.0.0.1:{s.getsockname()[1]}"


def remembered(home: Path) -> Connection | None:
    return load_connection(home / "config" / "triangulate")


def cached(home: Path, connection: Connection) -> Path:
    return cache_path(connection, home / "data" / "triangulate")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def run_join(*args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(join, list(args), input=stdin, env=env)


def test_a_mistyped_server_does_not_replace_the_remembered_one(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    good = Connection("ws://team.example.org:8765", "the-good-token")
    save_connection(good, home / "config" / "triangulate")
    quit_once_up(monkeypatch)
    result = run_join(closed_port(), env={"TRIANGULATE_TOKEN": "t"})
    assert result.exit_code == 0, result.output
    assert remembered(home) == good


def test_the_token_comes_from_the_environment_or_a_file_without_a_warning(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    quit_once_up(monkeypatch)
    url = closed_port()
    result = run_join(url, env={"TRIANGULATE_TOKEN": "from-env"})
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output
    assert cached(home, Connection(url, "from-env")).exists()  # the cache is named after the token it used
    token_file = home / "token"
    token_file.write_text("from-file\n")
    result = run_join(url, "--token-file", str(token_file))
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output
    assert cached(home, Connection(url, "from-file")).exists()
    assert remembered(home) is None  # the server never answered


def test_a_token_on_the_command_line_still_works_with_a_warning(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    quit_once_up(monkeypatch)
    url = closed_port()
    result = run_join(url, "--token", "typed")
    assert result.exit_code == 0, result.output
    assert TOKEN_ON_COMMAND_LINE in result.output
    assert cached(home, Connection(url, "typed")).exists()


def test_an_empty_token_file_is_refused(home: Path) -> None:
    empty = home / "token"
    empty.write_text("\n")
    result = run_join(closed_port(), "--token-file", str(empty))
    assert result.exit_code == 2
    assert "holds no token" in result.output


async def test_join_asks_for_the_token_without_showing_it(home: Path) -> None:
    async with running_server(home) as server:
        # Asked, because nothing is remembered; the server refuses the typed token, so the app ends by itself.
        result = await asyncio.to_thread(run_join, server.url, stdin="not-a-real-token\n")
    assert result.exit_code == 2, result.output
    assert f"Token for {server.url}" in result.output
    assert "not-a-real-token" not in result.output
    assert remembered(home) is None


async def test_the_server_is_remembered_once_it_has_accepted_the_token(tmp_path: Path) -> None:
    calls: list[Connection] = []
    async with running_server(tmp_path) as server:
        url, port = server.url, server.server.port
        connection = Connection(url, server.tokens["asha"])

        def remember() -> None:
            calls.append(connection)
            save_connection(connection, tmp_path / "config")

        app = TriangulateApp.connect(url, connection.token, tmp_path / "app.sqlite3", on_first_welcome=remember)
        async with app.run_test() as pilot:
            await live(pilot)
            assert load_connection(tmp_path / "config") == connection
            await server.server.stop()
            await wait_for(pilot, lambda: app.board.status_line.status.connection == "reconnecting", "the drop")
            async with running_server(tmp_path, port=port):
                await live(pilot)
        app.store.close()
    assert calls == [connection]  # once, however often it reconnects


async def test_settings_that_cannot_be_saved_leave_the_app_running_and_say_so(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("")
    async with running_server(tmp_path) as server:
        connection = Connection(server.url, server.tokens["asha"])
        app = TriangulateApp.connect(server.url, connection.token, tmp_path / "app.sqlite3",
                                     on_first_welcome=lambda: save_connection(connection, tmp_path / "a-file"))
        async with app.run_test() as pilot:
            await live(pilot)
            assert notified(app, "This server will not be remembered")
        app.store.close()


async def test_the_cache_and_settings_are_private_to_the_user(home: Path) -> None:
    async with running_server(home) as server:
        connection = Connection(server.url, server.tokens["asha"])
        settings = save_connection(connection, home / "config" / "triangulate")
        path = cached(home, connection)
        app = TriangulateApp.connect(server.url, connection.token, path)
        async with app.run_test() as pilot:
            await live(pilot)  # the app has written the whole log to its cache
            files = [path, Path(f"{path}-wal"), Path(f"{path}-shm"), settings]
            assert {f.name: mode(f) for f in files} == {f.name: 0o600 for f in files}
            directories = [path.parent, home / "data" / "triangulate", settings.parent]
            assert {str(d): mode(d) for d in directories} == {str(d): 0o700 for d in directories}
        app.store.close()


def test_a_cache_readable_by_others_is_made_private_and_the_user_told(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    quit_once_up(monkeypatch)
    url = closed_port()
    path = cached(home, Connection(url, "t"))
    path.touch(mode=0o644)
    path.parent.chmod(0o755)
    result = run_join(url, env={"TRIANGULATE_TOKEN": "t"})
    assert result.exit_code == 0, result.output
    assert f"Made {path} (was 0644) readable by you alone" in result.output
    assert (mode(path), mode(path.parent)) == (0o600, 0o700)


def test_a_data_directory_that_cannot_hold_the_cache_is_named(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (home / "a-file").write_text("")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "a-file"))
    result = run_join(closed_port(), env={"TRIANGULATE_TOKEN": "t"})
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert result.output.strip().splitlines() == [f"Error: cannot keep a cache in {home / 'a-file' / 'triangulate'}: "
                                                  "Not a directory"]


def test_a_cache_that_is_not_a_database_is_named(home: Path) -> None:
    url = closed_port()
    path = cached(home, Connection(url, "t"))
    path.write_bytes(b"not SQLite at all " * 100)
    result = run_join(url, env={"TRIANGULATE_TOKEN": "t"})
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert f"Error: cannot open the cache {path}: file is not a database" in result.output
