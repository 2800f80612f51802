"""``wss://``: the server behind its own certificate, and a client that trusts only what it should.

Certificates come from a throwaway CA made at test time (trustme), so nothing depends on the machine's trust
store except the test that proves the system store does *not* trust our CA. The client is the real
``TeamClient``; the server the real ``TeamServer`` on an ephemeral port.
"""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import trustme
from click.testing import CliRunner

from server.cli.server_cli import serve
from server.network.team_server import ServerConfig, TeamServer
from server.network.tls import TlsConfigError, server_context
from shared.findings import PostFinding
from shared.vocabulary import Agency, EvidenceSource, FindingKind
from tests.server.conftest import Team, WireClient, new_id
from tests.tui.client_inbox import FAST, Inbox
from tui.client import TeamClient, tls_context
from tui.messages import Acked, CaughtUp, Connected, Disconnected, EventReceived, Untrusted
from tui.store import LocalStore


@dataclass(frozen=True)
class Certs:
    ca: Path
    """The CA certificate a client may be told to trust (--cafile)."""
    cert: Path
    key: Path
    other_ca: Path
    """A CA that did not issue the server's certificate."""


def write_certs(directory: Path, *hosts: str) -> Certs:
    ca, other = trustme.CA(), trustme.CA()
    issued = ca.issue_cert(*hosts)
    paths = Certs(directory / "ca.pem", directory / "cert.pem", directory / "key.pem", directory / "other-ca.pem")
    ca.cert_pem.write_to_path(str(paths.ca))
    other.cert_pem.write_to_path(str(paths.other_ca))
    for i, pem in enumerate(issued.cert_chain_pems):  # leaf first, then intermediates
        pem.write_to_path(str(paths.cert), append=i > 0)
    issued.private_key_pem.write_to_path(str(paths.key))
    return paths


@pytest.fixture
def backend() -> str:
    """TLS does not depend on the database: SQLite only (overrides the conftest's SQLite/PostgreSQL pair)."""
    return "sqlite"


@pytest.fixture
def certs(tmp_path: Path) -> Certs:
    return write_certs(tmp_path, "127.0.0.1")


@pytest.fixture
async def tls_server(team: Team, certs: Certs, make_config: Callable[..., ServerConfig]) -> AsyncIterator[TeamServer]:
    async with TeamServer(make_config(certfile=str(certs.cert), keyfile=str(certs.key))) as running:
        yield running


def post(text: str) -> PostFinding:
    return PostFinding(
        id=new_id("tls"), agency=Agency.LOCAL_AUTHORITY, kind=FindingKind.STRENGTH,
        evidence_source=EvidenceSource.CASE_FILE, text=text,
    )


def client(url: str, token: str, tmp_path: Path, name: str, **kwargs: Any) -> TeamClient:
    return TeamClient(url, token, LocalStore(tmp_path / f"{name}.sqlite3"), **FAST, **kwargs)


async def test_wss_round_trip_with_the_ca_file(
    tls_server: TeamServer, team: Team, certs: Certs, tmp_path: Path
) -> None:
    assert tls_server.url.startswith("wss://127.0.0.1:")
    inbox = Inbox(client(tls_server.url, team.lead.token, tmp_path, "lead", ssl_context=tls_context(str(certs.ca))))
    assert (await inbox.next(Connected)).welcome.inspector == team.lead.inspector
    await inbox.next(CaughtUp)

    command = post("Seen over TLS.")
    await inbox.client.send(command)
    received = await inbox.next(EventReceived)
    acked = await inbox.next(Acked)
    assert (acked.command_id, acked.seq) == (command.id, received.event.seq)
    assert received.event.data["text"] == "Seen over TLS."
    await inbox.close()

    # A raw client trusting the same CA sees the same log.
    raw = await WireClient.join(tls_server.url, team.cqc.token, ssl=tls_context(str(certs.ca)))
    assert [e.seq for e in raw.replay] == [received.event.seq]
    await raw.close()


@pytest.mark.parametrize("trust", ["system", "other-ca"])
async def test_an_untrusted_certificate_is_refused_clearly_and_not_retried(
    tls_server: TeamServer, team: Team, certs: Certs, tmp_path: Path, trust: str
) -> None:
    context = tls_context(str(certs.other_ca)) if trust == "other-ca" else None  # None: the system's trust store
    inbox = Inbox(client(tls_server.url, team.lead.token, tmp_path, "lead", ssl_context=context))
    refused = await inbox.next(Untrusted)
    await inbox.ended()  # it stops by itself: a trust problem is not a network blip

    assert "the server's certificate is not trusted" in refused.message
    assert "--cafile" in refused.message
    assert not any(isinstance(m, Connected | Disconnected) for m in inbox.seen), inbox.seen


async def test_a_certificate_for_another_host_is_refused(
    team: Team, tmp_path: Path, make_config: Callable[..., ServerConfig]
) -> None:
    certs = write_certs(tmp_path, "team.example.org")
    async with TeamServer(make_config(certfile=str(certs.cert), keyfile=str(certs.key))) as running:
        inbox = Inbox(client(running.url, team.lead.token, tmp_path, "lead", ssl_context=tls_context(str(certs.ca))))
        refused = await inbox.next(Untrusted)
        await inbox.ended()
    assert "not trusted" in refused.message
    assert "127.0.0.1" in refused.message  # names the address it tried, whose name the certificate lacks


async def test_plain_ws_to_a_tls_server_fails_cleanly_and_the_server_carries_on(
    tls_server: TeamServer, team: Team, certs: Certs, tmp_path: Path
) -> None:
    plain = Inbox(client(tls_server.url.replace("wss://", "ws://"), team.lead.token, tmp_path, "plain"))
    dropped = await plain.next(Disconnected)
    await plain.close()
    assert "wss://" in dropped.reason, dropped.reason  # says what to do, not just that it failed

    trusted = Inbox(client(tls_server.url, team.cqc.token, tmp_path, "cqc", ssl_context=tls_context(str(certs.ca))))
    await trusted.next(CaughtUp)
    await trusted.client.send(post("The server still serves wss://."))
    await trusted.next(Acked)
    await trusted.close()


async def test_wss_to_a_plain_server_fails_cleanly(server: TeamServer, team: Team, tmp_path: Path) -> None:
    inbox = Inbox(client(server.url.replace("ws://", "wss://"), team.lead.token, tmp_path, "lead"))
    dropped = await inbox.next(Disconnected)
    await inbox.close()
    assert "wss://" in dropped.reason, dropped.reason


def test_the_server_context_insists_on_tls_1_2(certs: Certs) -> None:
    context = server_context(certs.cert, certs.key)
    assert context.minimum_version == ssl.TLSVersion.TLSv1_2
    assert context.verify_mode == ssl.CERT_NONE  # clients authenticate with a token, not a certificate


def test_a_key_in_the_certificate_file_needs_no_keyfile(tmp_path: Path, certs: Certs) -> None:
    both = tmp_path / "both.pem"
    both.write_text(certs.key.read_text() + certs.cert.read_text())
    assert server_context(both).minimum_version == ssl.TLSVersion.TLSv1_2


def test_unusable_certificate_files_are_named(tmp_path: Path, certs: Certs) -> None:
    with pytest.raises(TlsConfigError, match=r"key file not found: .*missing\.pem"):
        server_context(certs.cert, tmp_path / "missing.pem")
    (tmp_path / "other").mkdir()
    wrong = write_certs(tmp_path / "other", "127.0.0.1")
    with pytest.raises(TlsConfigError, match="the key does not match the certificate"):
        server_context(certs.cert, wrong.key)


def test_serve_refuses_a_bad_certificate_before_listening(tmp_path: Path, certs: Certs, db_url: str) -> None:
    result = CliRunner().invoke(serve, ["--db", db_url, "--port", "0", "--certfile", str(certs.cert),
                                        "--keyfile", str(certs.ca)])
    assert result.exit_code == 2
    assert "cannot use certificate" in result.output
    result = CliRunner().invoke(serve, ["--db", db_url, "--port", "0", "--keyfile", str(certs.key)])
    assert result.exit_code == 2
    assert "--keyfile needs --certfile" in result.output
