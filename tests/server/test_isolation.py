"""Two inspections on one server never see each other's evidence.

Findings are about children in one local area; leaking them to another inspection's team would be a
data-protection breach, so isolation is tested live, on replay and through command ids.
"""

from __future__ import annotations

from server.network.team_server import TeamServer
from shared.protocol import Ack, Error, ErrorCode
from tests.server.conftest import Team, WireClient, make_team, post_frame


async def test_events_never_cross_inspections(server: TeamServer, team: Team, db_url: str) -> None:
    other = make_team(db_url, name="Southdale")
    north = await WireClient.join(server.url, team.cqc.token)
    north_peer = await WireClient.join(server.url, team.hmic.token)
    south = await WireClient.join(server.url, other.cqc.token)
    south_peer = await WireClient.join(server.url, other.hmic.token)
    assert south.welcome is not None and south.welcome.inspection == other.inspection
    assert {i.id for i in south.welcome.team} == {m.inspector.id for m in other.members}

    north_ids, south_ids = set(), set()
    for i in range(4):
        north_ids.add((await north.posted(text=f"north {i}")).id)
        south_ids.add((await south.posted(text=f"south {i}")).id)
    north_marker = await north.posted(text="north done")
    south_marker = await south.posted(text="south done")
    north_ids.add(north_marker.id)
    south_ids.add(south_marker.id)

    for client, marker, mine in [
        (north_peer, north_marker, north_ids),
        (south_peer, south_marker, south_ids),
    ]:
        events = await client.wait_seq(marker.seq)
        assert {e.data["finding_id"] for e in events} == mine
        seqs = [e.seq for e in events]
        assert seqs == sorted(set(seqs))

    # replay from zero is isolated too
    north_late = await WireClient.join(server.url, team.lead.token)
    south_late = await WireClient.join(server.url, other.lead.token)
    assert {e.data["finding_id"] for e in north_late.replay} == north_ids
    assert {e.data["finding_id"] for e in south_late.replay} == south_ids
    assert north_late.replay == north_peer.events
    assert south_late.replay == south_peer.events

    # presence is per inspection
    for client, members in [(north_late, team.members), (south_late, other.members)]:
        assert client.welcome is not None
        assert set(client.welcome.online) <= {m.inspector.id for m in members}

    for client in (north, north_peer, south, south_peer, north_late, south_late):
        await client.close()


async def test_cannot_amend_a_finding_in_another_inspection(
    server: TeamServer, team: Team, db_url: str
) -> None:
    other = make_team(db_url, name="Southdale")
    north = await WireClient.join(server.url, team.cqc.token)
    south = await WireClient.join(server.url, other.cqc.token)
    posted = await north.posted()

    reply = await south.amend(posted.id, text="overwritten from another inspection")

    assert isinstance(reply, Error)
    assert reply.code in {ErrorCode.NOT_FOUND, ErrorCode.FORBIDDEN}
    marker = await north.posted()
    events = await north.wait_seq(marker.seq)
    assert [e.kind for e in events] == ["finding.posted", "finding.posted"]
    await north.close()
    await south.close()


async def test_reused_command_id_in_another_inspection_leaks_nothing(
    server: TeamServer, team: Team, db_url: str
) -> None:
    """An id collision across inspections must not ack with (or reveal) the other inspection's event."""
    other = make_team(db_url, name="Southdale")
    north = await WireClient.join(server.url, team.cqc.token)
    south = await WireClient.join(server.url, other.cqc.token)
    command = post_frame()
    await north.command(command)

    reply = await south.command({**command, "text": "a different finding in Southdale"})
    marker = await south.posted()

    south_events = await south.wait_seq(marker.seq)
    if isinstance(reply, Ack):
        assert reply.seq in {e.seq for e in south_events}, "ack refers to an event south never saw"
        assert all(e.actor.id in {m.inspector.id for m in other.members} for e in south_events)
    else:
        assert reply.code == ErrorCode.CONFLICT
    await north.close()
    await south.close()
