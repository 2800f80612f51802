"""Live sharing and durable catch-up: what every inspector on the team sees, and that nothing is lost.

These are the promises the product makes: a finding posted by one inspector reaches every connected
inspector in the same order; a client that was away gets exactly what it missed; a retried command
never creates a second finding; a server restart loses nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from server.network.team_server import ServerConfig, TeamServer
from shared.findings import FindingAmended, FindingFields, FindingPosted
from shared.protocol import Ack, Error, Event, Presence
from tests.server.conftest import (
    Team,
    WireClient,
    amend_frame,
    assert_gap_free,
    finding,
    make_team,
    post_frame,
)


async def test_welcome_describes_me_my_inspection_and_team(server: TeamServer, team: Team) -> None:
    client = await WireClient.join(server.url, team.cqc.token)
    welcome = client.welcome
    assert welcome is not None
    assert welcome.inspector == team.cqc.inspector
    assert welcome.inspection == team.inspection
    assert welcome.epoch
    assert welcome.head == 0
    assert {i.id for i in welcome.team} == {m.inspector.id for m in team.members}
    assert client.replay == []
    assert client.synced is not None and client.synced.head == 0
    await client.close()


async def test_post_is_broadcast_to_every_connection_including_sender(server: TeamServer, team: Team) -> None:
    alice = await WireClient.join(server.url, team.cqc.token)
    bob = await WireClient.join(server.url, team.hmic.token)
    command = post_frame(agency="health", text="Health visitors share concerns quickly.")

    reply = await alice.command(command)

    assert isinstance(reply, Ack)
    assert reply.id == command["id"]
    for client in (alice, bob):
        event = await client.recv_until(Event)
        assert event.seq == reply.seq
        assert event.kind == "finding.posted"
        assert event.actor == team.cqc.inspector
        assert event.at.tzinfo is not None
        data = FindingPosted.model_validate(event.data)
        assert data.finding_id == command["id"]
        assert data.fields() == FindingFields.model_validate(finding(agency="health", text=command["text"])).fields()
    await alice.close()
    await bob.close()


async def test_both_clients_see_all_posts_in_the_same_order(server: TeamServer, team: Team) -> None:
    alice = await WireClient.join(server.url, team.cqc.token)
    bob = await WireClient.join(server.url, team.hmic.token)
    for i in range(5):
        await alice.posted(text=f"alice {i}")
        await bob.posted(text=f"bob {i}")

    a_events = await alice.wait_seq(10)
    b_events = await bob.wait_seq(10)

    assert a_events == b_events
    assert_gap_free(a_events)
    await alice.close()
    await bob.close()


async def test_amend_is_broadcast_with_increasing_versions(server: TeamServer, team: Team) -> None:
    alice = await WireClient.join(server.url, team.cqc.token)
    bob = await WireClient.join(server.url, team.hmic.token)
    posted = await alice.posted()
    finding_id = posted.id

    first = await alice.amend(finding_id, kind="weakness", text="On reflection, delays are common.")
    second = await alice.amend(finding_id, kind="area-for-improvement", text="Delays in a few cases.")

    assert isinstance(first, Ack) and isinstance(second, Ack)
    events = await bob.wait_seq(second.seq)
    amended = [e for e in events if e.kind == "finding.amended"]
    assert [e.seq for e in amended] == [first.seq, second.seq]
    versions = [FindingAmended.model_validate(e.data) for e in amended]
    assert [(v.finding_id, v.version) for v in versions] == [(finding_id, 2), (finding_id, 3)]
    assert versions[1].kind == "area-for-improvement"
    assert versions[1].text == "Delays in a few cases."
    await alice.close()
    await bob.close()


async def test_presence_follows_connections(server: TeamServer, team: Team) -> None:
    alice = await WireClient.join(server.url, team.cqc.token)
    bob = await WireClient.join(server.url, team.hmic.token)
    bob_id = team.hmic.inspector.id
    alice_id = team.cqc.inspector.id
    assert bob.welcome is not None
    assert bob_id in bob.welcome.online and alice_id in bob.welcome.online

    await alice.recv_until(Presence, lambda p: bob_id in p.online and alice_id in p.online)
    await bob.close()
    gone = await alice.recv_until(Presence, lambda p: bob_id not in p.online)
    assert alice_id in gone.online
    await alice.close()


async def test_catch_up_with_since_gets_exactly_the_missing_events(server: TeamServer, team: Team) -> None:
    alice = await WireClient.join(server.url, team.cqc.token)
    acks = [await alice.posted(text=f"finding {i}") for i in range(5)]
    live = await alice.wait_seq(acks[-1].seq)

    late = await WireClient.join(server.url, team.hmic.token, since=2)

    assert late.welcome is not None and late.welcome.head == 5
    assert late.replay == live[2:]
    assert late.synced is not None and late.synced.head == 5
    # the replay comes before synced, and nothing is repeated live afterwards
    await alice.posted(text="after catch-up")
    await late.wait_seq(6)
    assert_gap_free(late.events, first=3)
    await alice.close()
    await late.close()


async def test_since_zero_replays_everything_and_since_head_replays_nothing(
    server: TeamServer, team: Team
) -> None:
    alice = await WireClient.join(server.url, team.cqc.token)
    for i in range(3):
        await alice.posted(text=f"finding {i}")
    everything = await WireClient.join(server.url, team.lead.token, since=0)
    nothing = await WireClient.join(server.url, team.hmic.token, since=3)

    assert [e.seq for e in everything.replay] == [1, 2, 3]
    assert nothing.replay == []
    assert nothing.synced is not None and nothing.synced.head == 3
    for client in (alice, everything, nothing):
        await client.close()


async def test_since_beyond_head_replays_nothing_and_reports_the_real_head(
    server: TeamServer, team: Team
) -> None:
    """A client whose cache is ahead of the server (restored backup) learns the real head to resync."""
    alice = await WireClient.join(server.url, team.cqc.token)
    await alice.posted()
    ahead = await WireClient.join(server.url, team.hmic.token, since=99)
    assert ahead.welcome is not None and ahead.welcome.head == 1
    assert ahead.replay == []
    await alice.close()
    await ahead.close()


async def test_retried_post_gets_the_same_ack_and_makes_one_event(server: TeamServer, team: Team) -> None:
    alice = await WireClient.join(server.url, team.cqc.token)
    bob = await WireClient.join(server.url, team.hmic.token)
    command = post_frame()

    first = await alice.command(command)
    second = await alice.command(command)
    marker = await alice.posted(text="marker after the retry")

    assert isinstance(first, Ack) and isinstance(second, Ack)
    assert second.seq == first.seq
    events = await bob.wait_seq(marker.seq)
    assert [e.seq for e in events] == [first.seq, marker.seq]
    assert_gap_free(events)
    await alice.close()
    await bob.close()


async def test_retry_after_reconnect_gets_the_same_ack(server: TeamServer, team: Team) -> None:
    """The case retries exist for: the ack was lost with the connection."""
    alice = await WireClient.join(server.url, team.cqc.token)
    command = post_frame()
    first = await alice.command(command)
    await alice.close()

    again = await WireClient.join(server.url, team.cqc.token, since=0)
    second = await again.command(command)

    assert isinstance(first, Ack) and isinstance(second, Ack)
    assert second.seq == first.seq
    assert [e.seq for e in again.replay] == [first.seq]
    marker = await again.posted()
    assert marker.seq == first.seq + 1
    await again.close()


async def test_retried_amend_gets_the_same_ack(server: TeamServer, team: Team) -> None:
    alice = await WireClient.join(server.url, team.cqc.token)
    posted = await alice.posted()
    command = amend_frame(posted.id, kind="weakness")

    first = await alice.command(command)
    second = await alice.command(command)
    marker = await alice.posted()

    assert isinstance(first, Ack) and isinstance(second, Ack)
    assert first.seq == second.seq
    events = await alice.wait_seq(marker.seq)
    assert [e.seq for e in events] == [posted.seq, first.seq, marker.seq]
    await alice.close()


async def test_someone_elses_command_id_never_acks_a_finding_they_did_not_write(
    server: TeamServer, team: Team
) -> None:
    """Reusing an id already used by a colleague must not tell the second author 'saved' for nothing."""
    alice = await WireClient.join(server.url, team.cqc.token)
    bob = await WireClient.join(server.url, team.hmic.token)
    command = post_frame()
    await alice.command(command)

    reply = await bob.command({**command, "text": "Bob's own, different finding."})
    marker = await bob.posted()

    events = await bob.wait_seq(marker.seq)
    if isinstance(reply, Ack):
        mine = [e for e in events if e.seq == reply.seq]
        assert mine and mine[0].actor == team.hmic.inspector, (
            f"bob got ack seq {reply.seq} for an event he did not write: {mine}"
        )
    else:
        assert isinstance(reply, Error)
        assert reply.code in {"conflict", "forbidden", "invalid"}
    await alice.close()
    await bob.close()


async def test_restart_loses_nothing_and_keeps_the_epoch(
    team: Team, make_config: Callable[..., ServerConfig]
) -> None:
    async with TeamServer(make_config()) as first:
        alice = await WireClient.join(first.url, team.cqc.token)
        bob = await WireClient.join(first.url, team.hmic.token)
        early = [await alice.posted(text=f"before bob leaves {i}") for i in range(3)]
        await bob.wait_seq(early[-1].seq)
        bob_head = bob.events[-1].seq
        epoch = bob.welcome.epoch if bob.welcome else None
        await bob.close()
        retried = post_frame(text="posted while bob was away")
        missed = [await alice.command(retried)]
        missed += [await alice.posted(text=f"while bob away {i}") for i in range(3)]
        missed.append(await alice.amend(early[0].id, kind="weakness"))
        seen_by_alice = await alice.wait_seq(missed[-1].seq)
        await alice.close()

    async with TeamServer(make_config()) as second:
        bob = await WireClient.join(second.url, team.hmic.token, since=bob_head)
        assert bob.welcome is not None
        assert bob.welcome.epoch == epoch
        assert bob.welcome.head == len(seen_by_alice)
        assert bob.replay == seen_by_alice[bob_head:]
        assert_gap_free(bob.replay, first=bob_head + 1)

        alice = await WireClient.join(second.url, team.cqc.token, since=len(seen_by_alice))
        assert alice.replay == []
        again = await alice.command(retried)  # idempotency survives the restart
        assert again == missed[0]
        after = await alice.posted(text="after restart")
        assert after.seq == len(seen_by_alice) + 1
        await bob.wait_seq(after.seq)
        assert_gap_free(bob.events, first=bob_head + 1)
        await alice.close()
        await bob.close()


async def test_epoch_is_stable_across_restarts(team: Team, make_config: Callable[..., ServerConfig]) -> None:
    epochs = []
    for _ in range(3):
        async with TeamServer(make_config()) as running:
            client = await WireClient.join(running.url, team.lead.token)
            assert client.welcome is not None
            epochs.append(client.welcome.epoch)
            await client.close()
    assert len(set(epochs)) == 1


async def test_a_new_database_has_a_different_epoch(tmp_path: Path, team: Team, server: TeamServer) -> None:
    """Epoch exists so a client can tell a wiped/replaced server from the one it cached."""
    other_url = f"sqlite:///{tmp_path / 'other.db'}"
    other_team = make_team(other_url)
    here = await WireClient.join(server.url, team.lead.token)
    async with TeamServer(ServerConfig(db_url=other_url, host="127.0.0.1", port=0)) as other:
        there = await WireClient.join(other.url, other_team.lead.token)
        assert here.welcome is not None and there.welcome is not None
        assert here.welcome.epoch != there.welcome.epoch
        await there.close()
    await here.close()


async def test_events_sent_live_match_events_replayed_later(server: TeamServer, team: Team) -> None:
    alice = await WireClient.join(server.url, team.cqc.token)
    posted = await alice.posted(child_id=None, judgement_area=None, criterion=None)
    await alice.amend(posted.id, agency="police", judgement_area="leadership")
    live = await alice.wait_seq(posted.seq + 1)
    replayed = await WireClient.join(server.url, team.lead.token)
    assert replayed.replay == live
    await alice.close()
    await replayed.close()


async def test_joining_while_others_post_is_gap_free_and_duplicate_free(
    server: TeamServer, team: Team
) -> None:
    """Events committed during a joiner's replay arrive exactly once, after the replay, in order."""
    alice = await WireClient.join(server.url, team.cqc.token, max_queue=None)
    backlog = [post_frame(text=f"backlog {i}") for i in range(150)]
    for frame in backlog:
        await alice.send(frame)
    for frame in backlog:
        assert isinstance(await alice.reply(frame["id"]), Ack)

    async def keep_posting() -> int:
        frames = [post_frame(text=f"during join {i}") for i in range(100)]
        for frame in frames:
            await alice.send(frame)
        replies = [await alice.reply(frame["id"]) for frame in frames]
        return max(r.seq for r in replies if isinstance(r, Ack))

    posting = asyncio.create_task(keep_posting())
    joiners = await asyncio.gather(
        *(WireClient.join(server.url, m.token, max_queue=None) for m in (team.hmic, team.lead, team.hmic))
    )
    last = await posting
    assert last == 250
    for joiner in joiners:
        events = await joiner.wait_seq(last)
        assert_gap_free(events)
        assert joiner.synced is not None
        assert [e.seq for e in joiner.replay] == list(range(1, joiner.synced.head + 1))
        await joiner.close()
    await alice.close()
