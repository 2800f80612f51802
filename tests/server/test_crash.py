"""Crash test: the server process is SIGKILLed again and again while ten clients post, and nothing is lost.

Ten real ``TeamClient``s (tui/client.py), each an inspector with its own local SQLite store, post findings (and
amend their own) continuously through their durable outboxes. The server is a real ``python -m server serve``
process, killed with SIGKILL at seeded-random moments and restarted on the same database and port; the clients
reconnect on their own and resend whatever was not acked. Once everything has drained, every command any client
queued is in the log exactly once with the seq it was acked with, seqs run 1..head, every client's cached log is
identical to the server's, and the database passes its integrity checks — on SQLite and on PostgreSQL.

Randomness (when to kill, how long the server stays down, what is posted) is seeded; nothing is asserted about
time. ``TRIANGULATE_CRASH_KILLS`` raises the number of kills for a soak run; ``TRIANGULATE_CRASH_SEED`` replays
another schedule.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest

from server.storage import database
from shared.findings import AmendFinding, PostFinding
from shared.protocol import Command, Error
from shared.vocabulary import Agency, EvidenceSource, FindingKind, Framework, Inspectorate, JudgementArea, Role
from tests.server.crash_harness import ServerProcess, event_digest, free_port, integrity_problems, stored_log
from tui.client import TeamClient
from tui.messages import Acked, CacheReset, Connected, EventReceived, Rejected
from tui.store import LocalStore

CLIENTS = 10
KILLS = int(os.environ.get("TRIANGULATE_CRASH_KILLS", "4"))
SEED = int(os.environ.get("TRIANGULATE_CRASH_SEED", "20261116"))
PATIENCE = 180.0
"""Upper bound on any wait for progress: only there so a hang fails the test instead of stalling CI."""

INSPECTORATES = [Inspectorate.OFSTED, Inspectorate.CQC, Inspectorate.HMIC, Inspectorate.HMI_PROBATION]


def make_crew(db_url: str, size: int) -> tuple[int, list[str]]:
    """An inspection with ``size`` inspectors (one client each); returns its id and their tokens."""
    engine = database.connect(db_url)
    try:
        inspection = database.create_inspection(
            engine, name="Crashmoor", framework=Framework.INTEGRATED, start_date=date(2026, 11, 16)
        )
        tokens = []
        for i in range(size):
            _inspector, token = database.add_inspector(
                engine, inspection_id=inspection.id, name=f"Inspector {chr(65 + i)}",
                inspectorate=INSPECTORATES[i % len(INSPECTORATES)], role=Role.LEAD if i == 0 else Role.INSPECTOR,
            )
            tokens.append(token)
        return inspection.id, tokens
    finally:
        engine.dispose()


async def until(condition: Callable[[], Awaitable[bool]], what: str | Callable[[], str]) -> None:
    """Poll until ``condition`` holds; fail (saying what, as it stands then) only if it never does within
    ``PATIENCE``."""

    async def poll() -> None:
        while not await condition():
            await asyncio.sleep(0.05)

    try:
        await asyncio.wait_for(poll(), PATIENCE)
    except TimeoutError:
        raise AssertionError(f"gave up waiting for {what if isinstance(what, str) else what()}") from None


@dataclass
class Poster:
    """One inspector's client, what it queued, and everything it was told."""

    index: int
    client: TeamClient
    store: LocalStore
    rng: random.Random
    queued: list[str] = field(default_factory=list)
    """Command ids in the order they were committed to the outbox."""
    acks: list[tuple[str, int, int]] = field(default_factory=list)
    """(command id, seq, server start it came from)."""
    refusals: list[Error] = field(default_factory=list)
    resets: int = 0
    connects: int = 0
    generation: int = 0
    """Which server start the latest ``Connected`` came from."""
    held: int = 0
    """Highest seq this client has stored."""
    acked_before_event: list[tuple[str, int]] = field(default_factory=list)

    async def listen(self, server: ServerProcess) -> None:
        """The app's worker, minus the app: consume messages until the client is closed."""
        async for message in self.client.messages():
            if isinstance(message, Connected):
                self.connects += 1
                self.generation = server.starts
            elif isinstance(message, EventReceived):
                self.held = max(self.held, message.event.seq)
            elif isinstance(message, Acked):
                self.acks.append((message.command_id, message.seq, server.starts))
                if message.seq > self.held:  # the protocol promises the event first (§3)
                    self.acked_before_event.append((message.command_id, message.seq))
            elif isinstance(message, Rejected):
                self.refusals.append(message.error)
            elif isinstance(message, CacheReset):
                self.resets += 1

    async def post(self, stop: asyncio.Event) -> None:
        """Post a finding every so often, sometimes amending one of our own, until ``stop``; never waits for acks."""
        own: list[str] = []
        n = 0
        while not stop.is_set():
            n += 1
            command: Command
            if own and self.rng.random() < 0.25:
                command = AmendFinding(id=f"c{self.index}-a{n}", finding_id=self.rng.choice(own), **self._fields(n))
            else:
                command = PostFinding(id=f"c{self.index}-p{n}", **self._fields(n))
                own.append(command.id)
            await self.client.send(command)  # durable in the outbox once this returns
            self.queued.append(command.id)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.rng.uniform(0.05, 0.4))

    def _fields(self, n: int) -> dict[str, object]:
        return {
            "agency": Agency.LOCAL_AUTHORITY,
            "judgement_area": JudgementArea.HELP_AND_PROTECTION,
            "kind": self.rng.choice(list(FindingKind)),
            "evidence_source": self.rng.choice(list(EvidenceSource)),
            "text": f"Observation {n} by team member {self.index}: strategy meetings are held promptly.",
            "child_id": f"LA-{self.rng.randrange(1000, 9999)}",
        }


@pytest.mark.slow
async def test_nothing_acked_or_queued_is_lost_when_the_server_is_killed(db_url: str, tmp_path: Path) -> None:
    rng = random.Random(SEED)
    inspection_id, tokens = make_crew(db_url, CLIENTS)
    server = ServerProcess(db_url, free_port(), tmp_path / "server.log")
    await server.start()
    posters = []
    for i, token in enumerate(tokens):
        local = LocalStore(tmp_path / f"client-{i}.db")
        client = TeamClient(
            server.url, token, local, backoff=(0.05, 1.0), jitter=random.Random(SEED + i).random, proxy=None
        )
        posters.append(Poster(i, client, local, random.Random(SEED * 100 + i)))
    stop = asyncio.Event()
    heads_at_crash: list[int] = []  # what each crash left committed
    settled = 0  # kills made only after every client had reconnected
    listeners = [asyncio.create_task(p.listen(server)) for p in posters]
    producers = [asyncio.create_task(p.post(stop)) for p in posters]

    def acked() -> int:
        return sum(len(p.acks) for p in posters)

    async def everyone_connected() -> bool:
        return all(p.client.connected and p.generation == server.starts for p in posters)

    try:
        for kill in range(KILLS):
            # A random moment, measured in progress rather than time. Every other kill comes while the clients are
            # still reconnecting, replaying and flushing their outboxes; the others once everyone is back and live.
            if kill % 2 == 0:
                await until(everyone_connected, f"all clients to reconnect to start {server.starts}")
                settled += 1
            target = acked() + rng.randint(1, 80)

            async def progressed(target: int = target) -> bool:
                return acked() >= target

            await until(progressed, f"{target} acks")
            await server.kill()
            heads_at_crash.append((await asyncio.to_thread(stored_log, db_url, inspection_id)).head)
            await asyncio.sleep(rng.uniform(0.0, 1.0))  # down for a while: the clients keep queueing
            await server.start()

        await until(everyone_connected, "all clients to reconnect after the last restart")
        stop.set()
        await asyncio.gather(*producers)

        def unacked() -> list[str]:
            """Queued, and neither acked nor refused (a refusal fails the test below, with its reason)."""
            answered = {cid for p in posters for cid, *_ in p.acks} | {e.id for p in posters for e in p.refusals}
            return sorted({cid for p in posters for cid in p.queued} - answered)

        async def drained() -> bool:
            counts = await asyncio.gather(*(asyncio.to_thread(p.store.pending_count) for p in posters))
            return not any(counts) and not unacked()

        await until(drained, lambda: f"every outbox to empty and every command to be acked; unacked: {unacked()[:10]}")
        head = (await asyncio.to_thread(stored_log, db_url, inspection_id)).head

        async def caught_up() -> bool:
            heads = await asyncio.gather(*(asyncio.to_thread(lambda p=p: p.store.head) for p in posters))
            return all(h == head for h in heads)

        await until(caught_up, f"every client to hold seq {head}")
        await server.kill()  # the last stop is a crash too: the checks below read what a crash left
    finally:
        stop.set()
        for p in posters:
            await p.client.close()
        await asyncio.gather(*producers, *listeners, return_exceptions=True)
        await server.stop()

    log = stored_log(db_url, inspection_id)
    queued = [cid for p in posters for cid in p.queued]
    acks = [(cid, seq) for p in posters for cid, seq, _start in p.acks]
    # Commands committed before a crash whose ack the crash swallowed: their resend had to be recognised.
    deduplicated = sum(
        1 for p in posters for _cid, seq, start in p.acks for k, head in enumerate(heads_at_crash, 1)
        if start == k + 1 and seq <= head
    )
    print(f"crash test: {len(heads_at_crash) + 1} crashes, {log.head} events, {deduplicated} resends deduplicated")

    refused = [e for p in posters for e in p.refusals]
    assert not refused, f"valid commands were refused: {refused[:5]}"
    assert [e.seq for e in log.events] == list(range(1, log.head + 1)), "seqs are gap-free 1..head"
    stored_twice = [cid for cid, n in Counter(log.command_ids).items() if n > 1]
    assert not stored_twice, f"stored more than once: {stored_twice[:10]}"
    assert sorted(log.command_ids) == sorted(queued), "the log holds every queued command and nothing else"
    seq_of = log.seq_of
    wrong = [(cid, seq, seq_of.get(cid)) for cid, seq in acks if seq_of.get(cid) != seq]
    assert not wrong, f"acked with a seq the log does not give that command: {wrong[:10]}"
    assert {cid for cid, _ in acks} == set(queued), "every queued command was acked"
    assert not [a for p in posters for a in p.acked_before_event], "an ack overtook its event"
    assert not any(p.resets for p in posters), "the log's epoch changed across restarts"

    server_digest = event_digest(log.events)
    for p in posters:
        assert event_digest(p.store.events()) == server_digest, f"client {p.index}'s cached log differs"
        assert p.connects >= settled + 1, f"client {p.index} did not reconnect after every restart"
        p.store.close()
    assert integrity_problems(db_url) == []
    assert server.starts == KILLS + 1
