"""Redaction and purging reach inspectors' laptops: the app's cache and what it shows lose the redacted text, and
an app whose inspection was purged deletes its copy.

A real server, real clients and real cache files: the text a client cached before the redaction must be gone from
its file after it reconnects (the ``record.redacted`` it catches up on rewrites the cached events), and a live app
shows ``[redacted]`` at once, having folded its cache again.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from shared.cli import main
from shared.findings import AmendFinding, PostFinding
from shared.redaction import REDACTED, RedactRecord
from tui.client import TeamClient
from tui.messages import Acked, AuthFailed, CaughtUp, EventReceived
from tui.store import LocalStore

from .app_server import lead_and_inspector, running_server, wait_for
from .client_inbox import FAST, Inbox

NAME = "Quillon Farrowdale"
"""A name the personal-data guard cannot know: what redaction is for."""


def cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def post(text: str, command_id: str) -> PostFinding:
    return PostFinding(id=command_id, agency="health", kind="weakness", evidence_source="case-file", text=text)


def cache_bytes(path: Path) -> bytes:
    """The cache as a thief with the laptop would read it: the file and its write-ahead log."""
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


async def test_a_reconnecting_clients_cache_loses_the_redacted_text(tmp_path: Path) -> None:
    async with running_server(tmp_path) as server:
        asha = Inbox(TeamClient(server.url, server.tokens["asha"], LocalStore(tmp_path / "asha.db"), **FAST))
        await asha.next(CaughtUp)
        await asha.client.send(post(f"{NAME} was seen at home.", "f-1"))
        await asha.client.send(AmendFinding(id="a-1", finding_id="f-1", agency="health", kind="weakness",
                                            evidence_source="case-file", text=f"{NAME} moved to his aunt."))
        await asha.next(Acked, lambda acked: acked.command_id == "a-1")

        path = tmp_path / "ben.db"
        ben = Inbox(TeamClient(server.url, server.tokens["ben"], LocalStore(path), **FAST))
        await ben.next(CaughtUp)
        await ben.close()
        assert NAME.encode() in cache_bytes(path)

        await asha.client.send(RedactRecord(id="r-1", record="finding", record_id="f-1", reason="A child's name."))
        await asha.next(Acked, lambda acked: acked.command_id == "r-1")
        await asha.close()

        store = LocalStore(path)
        ben = Inbox(TeamClient(server.url, server.tokens["ben"], store, **FAST))
        await ben.next(EventReceived, lambda received: received.event.kind == "record.redacted")
        await ben.next(CaughtUp)
        texts = [event.data["text"] for event in store.events() if event.kind.startswith("finding.")]
        await ben.close()
        store.close()

    assert texts == [REDACTED, REDACTED]
    assert NAME.encode() not in cache_bytes(path)


async def test_a_live_app_shows_the_redaction_at_once(tmp_path: Path) -> None:
    async with lead_and_inspector(tmp_path, (110, 34)) as (asha, _pa, ben, pb):
        assert asha.client is not None
        await asha.client.send(post(f"{NAME} was seen at home.", "f-1"))
        await wait_for(pb, lambda: "f-1" in ben.state.findings, "the finding")
        assert NAME in ben.state.findings["f-1"].fields.text

        await asha.client.send(RedactRecord(id="r-1", record="finding", record_id="f-1", reason="A child's name."))

        await wait_for(pb, lambda: ben.state.findings["f-1"].fields.text == REDACTED, "the redaction")
        assert [redaction.reason for redaction in ben.state.redactions] == ["A child's name."]
        assert NAME.encode() not in cache_bytes(tmp_path / "ben.sqlite3")


@pytest.mark.parametrize("connected", [False, True], ids=["when-it-connects-again", "while-connected"])
async def test_an_app_deletes_its_copy_of_a_purged_inspection(tmp_path: Path, connected: bool) -> None:
    async with running_server(tmp_path) as server:
        path = tmp_path / "ben.db"
        store = LocalStore(path)
        ben = Inbox(TeamClient(server.url, server.tokens["ben"], store, **FAST))
        await ben.next(CaughtUp)
        await ben.client.send(post(f"{NAME} was seen at home.", "f-1"))
        await ben.next(Acked)
        assert NAME.encode() in cache_bytes(path)
        if not connected:
            await ben.close()

        purged = cli("inspection", "purge", "1", "--force", "--reason", "Court order.", "--db", server.db_url)
        assert purged.exit_code == 0, purged.output

        if not connected:  # told when it says hello again
            ben = Inbox(TeamClient(server.url, server.tokens["ben"], store, **FAST))
        ended = await ben.next(AuthFailed)  # connected: the server ends the session within two seconds, saying why
        await ben.ended()
        left = (store.events(), store.pending(), store.welcome)
        store.close()

    assert "purged" in ended.message  # not "revoked": the app knows to delete its copy
    assert left == ([], [], None)
    assert NAME.encode() not in cache_bytes(path)
