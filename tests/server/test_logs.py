"""Tokens never reach a log, even at DEBUG, where websockets prints the start of every frame (the hello too).

One session exercises every path a token travels: the real client's hello, commands, bad hellos of several
shapes, an unknown and a revoked token, and a command that carries a token where none belongs. Every record
from every logger (server, client, websockets, SQLAlchemy) is formatted, exceptions included, and searched.

Frames here are raw JSON on purpose (a wire-contract test): they are what a broken or hostile client sends, which
the shared models would refuse to build.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from server.network.team_server import ServerConfig, TeamServer
from shared.findings import PostFinding
from shared.protocol import Error, ErrorCode
from shared.redact import MASK, RedactTokens, redact
from shared.vocabulary import Agency, EvidenceSource, FindingKind
from tests.server.conftest import TIMEOUT, Team, WireClient, post_frame, revoke
from tui.client import TeamClient
from tui.messages import Acked, CaughtUp, ClientMessage
from tui.store import LocalStore

WRONG_TOKEN = "Zx9-not-a-real-token-but-shaped-like-one-Qw8"


@pytest.fixture
def backend() -> str:
    """Logging does not depend on the database: SQLite only (overrides the conftest's SQLite/PostgreSQL pair)."""
    return "sqlite"


async def client_session(url: str, token: str, store: LocalStore) -> None:
    """The real client: hello, two commands acked, then close."""
    client = TeamClient(url, token, store, backoff=(0.02, 0.1), proxy=None)
    commands = [
        PostFinding(id=f"log-{i}", agency=Agency.HEALTH, kind=FindingKind.STRENGTH,
                    evidence_source=EvidenceSource.OBSERVATION, text=f"Logged session {i}")
        for i in range(2)
    ]
    seen: list[ClientMessage] = []

    async def run() -> None:
        async for message in client.messages():
            seen.append(message)
            if isinstance(message, CaughtUp):
                for command in commands:
                    await client.send(command)
            if sum(isinstance(m, Acked) for m in seen) == len(commands):
                return

    await asyncio.wait_for(run(), TIMEOUT)
    await client.close()


async def refused(url: str, first_frame: str) -> None:
    """Open a raw connection, send one first frame, and read to the close (the server refuses it)."""
    client = await WireClient.open(url)
    await client.send(first_frame)
    await client.until_closed()
    error = client.frames[0]
    assert isinstance(error, Error) and error.code == ErrorCode.UNAUTHORIZED


async def test_no_token_appears_in_any_log_line_at_debug(
    team: Team, db_url: str, make_config: Callable[..., ServerConfig], tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, before any connection decides whether to log frames
    async with TeamServer(make_config()) as running:
        await client_session(running.url, team.lead.token, LocalStore(tmp_path / "lead.sqlite3"))

        live = await WireClient.join(running.url, team.hmic.token)
        wrong = post_frame("log-bad") | {"token": team.hmic.token}  # a token where none belongs
        assert isinstance(await live.command(wrong), Error)
        await live.close()

        cqc = team.cqc.token
        await refused(running.url, f'{{"type": "hello", "token": "{cqc}", "since": -1, "extra": 1}}')
        await refused(running.url, f'{{"type": "hello", "token": "{cqc}"')  # broken JSON
        await refused(running.url, f'{{"type": "helo", "token": "{cqc}", "since": 0}}')
        await refused(running.url, f'{{"type": "hello", "token": "{WRONG_TOKEN}", "since": 0}}')
        revoke(db_url, team.cqc)
        await refused(running.url, f'{{"type": "hello", "token": "{cqc}", "since": 0}}')
        await refused(running.url, f'{{"token":"{cqc}","type":"hello","since":0}}')  # no spaces, token first

    records = caplog.records
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    text = "\n".join(formatter.format(record) for record in records)
    # The session really was logged at DEBUG, frames and all: the search below is not vacuous.
    assert any(r.name.startswith("websockets.server") and "TEXT" in r.getMessage() for r in records)
    assert any(r.name.startswith("websockets.client") and "TEXT" in r.getMessage() for r in records)
    for token in (team.lead.token, team.cqc.token, team.hmic.token, WRONG_TOKEN):
        assert token not in text
        assert token[:16] not in text  # not even the start of one, as a truncated frame would show


def test_redact_masks_token_fields_and_credential_headers() -> None:
    hello = '{"type": "hello", "token": "abc-123", "since": 4}'
    assert redact(hello) == f'{{"type": "hello", "token": "{MASK}", "since": 4}}'
    assert redact("< TEXT '{\"token\":\"abc-12...'") == f"< TEXT '{{\"token\":\"{MASK}'"
    assert redact("Authorization: Bearer abc") == f"Authorization: {MASK}"
    assert redact("unknown or revoked token") == "unknown or revoked token"


def test_the_filter_masks_exceptions_too() -> None:
    try:
        raise ValueError('bad frame {"token": "abc-123"}')
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed: %s", ("token=abc-123",), sys.exc_info())
    RedactTokens().filter(record)
    assert "abc-123" not in record.getMessage()
    assert "abc-123" not in (record.exc_text or "")
