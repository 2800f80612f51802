"""Joining a ``wss://`` server: the CA file is checked, remembered, used, and an untrusted server is not retried."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import trustme
from click.testing import CliRunner

from tui.cli import join
from tui.config import Connection, load_connection, save_connection

from .app_server import live, make_app, running_server, wait_for

SIZE = (100, 30)


@pytest.fixture
def pki(tmp_path: Path) -> dict[str, Path]:
    """A throwaway CA, and a certificate from it for 127.0.0.1 (trustme)."""
    ca = trustme.CA()
    issued = ca.issue_cert("127.0.0.1")
    paths = {"ca": tmp_path / "ca.pem", "chain": tmp_path / "server.pem"}
    ca.cert_pem.write_to_path(str(paths["ca"]))
    issued.private_key_and_cert_chain_pem.write_to_path(str(paths["chain"]))
    return paths


def test_the_ca_file_is_remembered_with_the_server(tmp_path: Path) -> None:
    save_connection(Connection("wss://team.example.org:8765", "secret", "/etc/triangulate/ca.pem"), tmp_path)
    assert load_connection(tmp_path) == Connection("wss://team.example.org:8765", "secret", "/etc/triangulate/ca.pem")
    # a file saved before --cafile existed still loads
    (tmp_path / "connection.json").write_text(json.dumps({"url": "ws://h:1", "token": "t"}))
    assert load_connection(tmp_path) == Connection("ws://h:1", "t", None)


def test_a_ca_file_is_only_for_wss(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, pki: dict[str, Path]) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    result = CliRunner().invoke(join, ["ws://127.0.0.1:9", "--token", "t", "--cafile", str(pki["ca"])])
    assert result.exit_code == 2
    assert "only for wss://" in result.output
    assert load_connection(tmp_path / "triangulate") is None


def test_a_ca_file_that_is_not_certificates_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate")
    result = CliRunner().invoke(join, ["wss://127.0.0.1:9", "--token", "t", "--cafile", str(junk)])
    assert result.exit_code == 2
    assert "cannot read CA certificates" in result.output


async def test_the_app_joins_a_wss_server_trusting_the_ca_file(tmp_path: Path, pki: dict[str, Path]) -> None:
    async with running_server(tmp_path, certfile=str(pki["chain"])) as server:
        assert server.url.startswith("wss://")
        app = make_app(tmp_path, server.url, server.tokens["asha"], cafile=str(pki["ca"]))
        async with app.run_test(size=SIZE) as pilot:
            await live(pilot)
            assert app.board.status_line.status.connection == "connected"


async def test_the_app_stops_on_an_untrusted_certificate(tmp_path: Path, pki: dict[str, Path]) -> None:
    async with running_server(tmp_path, certfile=str(pki["chain"])) as server:
        app = make_app(tmp_path, server.url, server.tokens["asha"])  # the system trust store: not our CA
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: app.return_code is not None, "the app to give up")
        assert app.return_code == 3
        assert app.auth_error is None  # not a token problem: the token is kept
