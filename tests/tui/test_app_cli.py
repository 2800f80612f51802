"""The command line: remembered connections, caches per inspector, picking a demo member, the demo server."""

from __future__ import annotations

import json
import socket
import stat
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from websockets.asyncio.client import connect

from shared.protocol import Hello, Welcome, decode_server, encode
from tui.cli import DemoServer, join, join_lines, pick_member, teammates_note
from tui.config import Connection, cache_path, forget_connection, load_connection, save_connection

MEMBERS = [
    {"name": "Helen Marsh", "inspectorate": "ofsted", "role": "lead", "token": "t-helen"},
    {"name": "Priya Raman", "inspectorate": "cqc", "role": "inspector", "token": "t-priya"},
    {"name": "Gareth Lloyd", "inspectorate": "hmic", "role": "inspector", "token": "t-gareth"},
]


def test_a_connection_is_remembered_privately(tmp_path: Path) -> None:
    assert load_connection(tmp_path) is None
    path = save_connection(Connection("ws://h:1", "secret"), tmp_path)
    assert load_connection(tmp_path) == Connection("ws://h:1", "secret")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    forget_connection(tmp_path)
    assert load_connection(tmp_path) is None


def test_one_cache_per_server_and_inspector_without_the_token_in_the_name(tmp_path: Path) -> None:
    a = cache_path(Connection("ws://h:1", "token-a"), tmp_path)
    b = cache_path(Connection("ws://h:1", "token-b"), tmp_path)
    c = cache_path(Connection("ws://h:2", "token-a"), tmp_path)
    assert len({a, b, c}) == 3
    assert a == cache_path(Connection("ws://h:1", "token-a"), tmp_path)
    assert "token" not in a.name and a.parent.is_dir()


@pytest.mark.parametrize(
    ("name", "expected"),
    [(None, "Helen Marsh"), ("priya", "Priya Raman"), ("GAR", "Gareth Lloyd"), ("lloyd", "Gareth Lloyd")],
)
def test_pick_member(name: str | None, expected: str) -> None:
    assert pick_member(MEMBERS, name)["name"] == expected


def test_pick_member_names_the_team_when_nobody_matches() -> None:
    with pytest.raises(click.BadParameter, match="Helen Marsh, Priya Raman"):
        pick_member(MEMBERS, "zed")


def test_the_simulated_demo_does_not_offer_a_teammate_it_already_plays() -> None:
    assert "add --quiet" in teammates_note(None)
    others = join_lines("ws://127.0.0.1:9", MEMBERS, MEMBERS[1])
    assert teammates_note(others).endswith(others)


def test_join_lines_are_for_everyone_else() -> None:
    text = join_lines("ws://127.0.0.1:9", MEMBERS, MEMBERS[1])
    assert "TRIANGULATE_TOKEN=t-helen triangulate join ws://127.0.0.1:9" in text  # not in ps, unlike --token
    assert "t-gareth" in text and "t-priya" not in text


def test_join_with_nothing_remembered_says_what_to_type(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    result = CliRunner().invoke(join, [])
    assert result.exit_code == 2
    assert "triangulate join ws://HOST:PORT  (it asks for your token)" in result.output


def test_join_refuses_an_address_that_is_not_a_websocket(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    result = CliRunner().invoke(join, ["http://example.invalid", "--token", "t"])
    assert result.exit_code == 2
    assert "ws://HOST:PORT" in result.output
    assert load_connection(tmp_path / "triangulate") is None


async def test_demo_server_runs_as_a_subprocess_and_stops(tmp_path: Path) -> None:
    server = DemoServer(tmp_path)
    try:
        info = server.announcement(timeout=60)
        assert info["url"].startswith("ws://127.0.0.1:")
        lead = info["members"][0]
        assert lead["role"] == "lead"
        async with connect(info["url"]) as ws:
            await ws.send(encode(Hello(token=lead["token"])))
            welcome = decode_server(await ws.recv())
            assert isinstance(welcome, Welcome) and welcome.inspector.name == lead["name"]
    finally:
        server.stop()
    assert server.process.returncode is not None
    json.dumps(info)  # the announcement is plain JSON, as printed


def test_a_demo_on_a_port_in_use_says_so_in_one_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = DemoServer(tmp_path, port=port)
        try:
            with pytest.raises(click.ClickException) as stopped:
                server.announcement(timeout=60)
        finally:
            server.stop()
    assert stopped.value.message.splitlines()[1:] == [
        f"Error: cannot listen on 127.0.0.1:{port}: Address already in use: is another server running there? "
        "Stop it or choose another --port"
    ]
