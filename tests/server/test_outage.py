"""The database stops taking writes and comes back (tests/outage.py), on SQLite and PostgreSQL.

The server answers each command it could not store with ``internal`` (the connection stays open, nothing is
written) and its single writer goes on once the database recovers. The real client keeps such a command in its
outbox, says it is retrying, backs off, and sends it again until it lands: exactly once.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from server.network.team_server import TeamServer
from shared.findings import AmendFinding, PostFinding
from shared.protocol import Ack, Error, ErrorCode
from shared.vocabulary import Agency, EvidenceSource, FindingKind
from tests.outage import writes_refused, writes_refused_when
from tests.server.conftest import Team, WireClient, new_id
from tests.tui.client_inbox import FAST, Inbox
from tui.client import TeamClient, backoff_delay
from tui.messages import Acked, CaughtUp, Rejected, Retrying
from tui.store import LocalStore

RETRY_BACKOFF = (0.05, 0.2)
"""Small, so a test retries many times quickly; the jitter is FAST's fixed one."""


async def stored_finding_ids(url: str, member_token: str) -> list[str]:
    reader = await WireClient.join(url, member_token)
    await reader.close()
    return [e.data["finding_id"] for e in reader.replay if e.kind == "finding.posted"]


async def test_the_server_answers_internal_while_it_cannot_store_and_recovers(
    server: TeamServer, team: Team, db_url: str
) -> None:
    lead = await WireClient.join(server.url, team.lead.token)
    first, second = new_id("outage"), new_id("outage")
    with writes_refused(db_url):
        refused = await lead.post(first)
        assert isinstance(refused, Error)
        assert (refused.id, refused.code) == (first, ErrorCode.INTERNAL)
        again = await lead.post(second)  # the connection is still open, and still served
        assert isinstance(again, Error) and again.code == ErrorCode.INTERNAL
    assert isinstance(await lead.post(first), Ack)  # the writer recovered: the same id is now stored
    assert isinstance(await lead.post(second), Ack)
    assert isinstance(await lead.post(first), Ack)  # and a repeat is the same ack, not a second finding
    await lead.close()
    assert await stored_finding_ids(server.url, team.cqc.token) == [first, second]


async def test_a_command_sent_while_the_database_is_unavailable_lands_exactly_once(
    server: TeamServer, team: Team, db_url: str, tmp_path: Path
) -> None:
    local = LocalStore(tmp_path / "lead.sqlite3")
    client = TeamClient(server.url, team.lead.token, local, **FAST, retry_backoff=RETRY_BACKOFF)
    inbox = Inbox(client)
    await inbox.next(CaughtUp)
    command = PostFinding(id=new_id("outage"), agency=Agency.HEALTH, kind=FindingKind.WEAKNESS,
                          evidence_source=EvidenceSource.CASE_FILE, text="GP not invited to the strategy meeting.")

    with writes_refused(db_url):
        await client.send(command)
        retries = [await inbox.next(Retrying) for _ in range(4)]
        assert {(r.command_id, r.reason) for r in retries} == {(command.id, "the server could not store it")}
        # backing off: each pause doubles up to the cap, with the (fixed) jitter
        delays = [backoff_delay(n, *RETRY_BACKOFF, FAST["jitter"]) for n in range(4)]
        assert [r.retry_in for r in retries] == pytest.approx(delays)
        assert local.pending() == [command]  # kept, not dropped
    acked = await inbox.next(Acked)

    assert acked.command_id == command.id
    assert local.pending() == []
    assert not any(isinstance(m, Rejected) for m in inbox.seen)
    await inbox.close()
    local.close()
    assert await stored_finding_ids(server.url, team.cqc.token) == [command.id]


async def test_a_command_refused_only_because_an_earlier_one_failed_is_kept_and_lands_after_it(
    server: TeamServer, team: Team, db_url: str, tmp_path: Path
) -> None:
    """The post fails (``internal``) while its amendment, already on its way, finds no finding (``not_found``).
    That refusal is not final: it was judged without the command before it, so the amendment stays in the outbox
    and goes again after the post; both land, in order, and nothing is shown as refused."""
    local = LocalStore(tmp_path / "lead.sqlite3")
    post = PostFinding(id=new_id("post"), agency=Agency.HEALTH, kind=FindingKind.WEAKNESS,
                       evidence_source=EvidenceSource.CASE_FILE, text="GP not invited (poison-7f3).")
    amend = AmendFinding(id=new_id("amend"), finding_id=post.id, agency=Agency.HEALTH, kind=FindingKind.WEAKNESS,
                         evidence_source=EvidenceSource.CASE_FILE, text="GP not invited to the strategy meeting.")
    local.enqueue(post)  # typed offline: both go out back to back once the client is live
    local.enqueue(amend)
    client = TeamClient(server.url, team.lead.token, local, **FAST, retry_backoff=RETRY_BACKOFF)
    inbox = Inbox(client)
    with writes_refused_when(db_url, "poison-7f3"):
        await inbox.next(CaughtUp)
        waiting = {(await inbox.next(Retrying)).command_id for _ in range(2)}
        assert waiting == {post.id, amend.id}
        assert local.pending() == [post, amend]  # neither dropped
    acked = [(await inbox.next(Acked)).command_id for _ in range(2)]

    assert acked == [post.id, amend.id]
    assert not any(isinstance(m, Rejected) for m in inbox.seen)
    assert local.pending() == []
    await inbox.close()
    local.close()
    reader = await WireClient.join(server.url, team.cqc.token)
    await reader.close()
    assert [(e.kind, e.data["finding_id"]) for e in reader.replay if e.kind.startswith("finding.")] == [
        ("finding.posted", post.id), ("finding.amended", post.id)]
