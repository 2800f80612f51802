"""Deadlines that nag: the server itself records ``alert.overdue`` when an escalation step is late.

The duty is to inform the senior manager *immediately* (child-protection framework ¶32), so the server, not a
client that may be closed, keeps the clock, and it must keep it across a restart. Deadlines here are 1–2 s
(set with ``deadlines.set``), with a real server, a real SQLite file and real clients.

Where a test needs "the step was taken before its deadline" or "the server stopped before the deadline" to be
certain rather than raced, it runs the server on a ``ManualClock`` that only moves when the test says; the
watch still sleeps and wakes in real time. Nothing asserts on how long anything took: waits are bounded only
so a broken server fails instead of hanging, and "no overdue for X" is proved with a later overdue as a
barrier (the watch's pass that records the later one would have recorded X too).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta

import pytest

from server.network.team_server import ServerConfig, TeamServer
from shared.alerts import SetDeadlines
from shared.protocol import ErrorCode, Event, utc_text
from tests.server.conftest import (
    Team,
    WireClient,
    accepted,
    alert_command,
    assert_gap_free,
    concern_frame,
    event_of,
    harm_frame,
    make_team,
    new_id,
    refused,
)


class ManualClock:
    """The server's clock, moved only by the test; starts on a whole second so wire times (ms) compare exactly."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def clocked(
    team: Team, make_config: Callable[..., ServerConfig], clock: ManualClock
) -> AsyncIterator[TeamServer]:
    """A running server whose time is ``clock``."""
    async with TeamServer(make_config(), clock=clock) as running:
        yield running


def deadlines(acknowledge: int, inform: int, confirm: int) -> SetDeadlines:
    return SetDeadlines(id=new_id("deadlines"), acknowledge_seconds=acknowledge, inform_seconds=inform,
                        confirm_seconds=confirm)


async def overdue(client: WireClient, alert_id: str, step: str) -> Event:
    """The overdue event for ``step`` of ``alert_id``, whether it came in the replay or live."""
    return await event_of(client, "alert.overdue", alert_id=alert_id, step=step)


def overdue_steps(events: list[Event], alert_id: str) -> list[str]:
    """Every overdue step recorded for ``alert_id``, in log order (duplicates kept, to catch them)."""
    return [e.data["step"] for e in events if e.kind == "alert.overdue" and e.data["alert_id"] == alert_id]


async def join_all(server: TeamServer, team: Team, since: int = 0) -> list[WireClient]:
    return [await WireClient.join(server.url, m.token, since=since) for m in team.members]


async def close_all(clients: list[WireClient]) -> None:
    for client in clients:
        await client.close()


async def raise_harm(client: WireClient) -> tuple[str, Event]:
    """Raise an escalation; returns its id and its ``alert.raised`` event (whose ``at`` starts the clocks)."""
    frame = harm_frame()
    await accepted(client, frame)
    return str(frame["id"]), await event_of(client, "alert.raised", alert_id=frame["id"])


# ---------------------------------------------------------------- real clock


async def test_overdue_arrives_for_acknowledge_and_inform_once_each(server: TeamServer, team: Team) -> None:
    clients = await join_all(server, team)
    lead, cqc, _ = clients
    set_ack = await accepted(lead, deadlines(acknowledge=1, inform=2, confirm=1))
    for client in clients:
        event = await event_of(client, "deadlines.set")
        assert event.seq == set_ack.seq
        assert event.actor == team.lead.inspector
        assert event.data == {"acknowledge_seconds": 1, "inform_seconds": 2, "confirm_seconds": 1}

    alert_id, raised = await raise_harm(cqc)

    for client in clients:
        late_ack = await overdue(client, alert_id, "acknowledged")
        late_inform = await overdue(client, alert_id, "informed")
        assert late_ack.actor is None and late_inform.actor is None  # the server recorded them, nobody else
        assert late_ack.data == {"alert_id": alert_id, "step": "acknowledged",
                                 "due_at": utc_text(raised.at + timedelta(seconds=1))}
        assert late_inform.data == {"alert_id": alert_id, "step": "informed",
                                    "due_at": utc_text(raised.at + timedelta(seconds=2))}
        assert raised.seq < late_ack.seq < late_inform.seq

    # Overdue never blocks the duty: the lead can still take the steps, late.
    await accepted(lead, alert_command("alert.acknowledge", alert_id))
    inform = alert_command("alert.inform", alert_id)
    await accepted(lead, inform)
    for client in clients:  # a later pass of the watch: the barrier for "once each" above
        late_confirm = await overdue(client, alert_id, "confirmed")
        due = datetime.fromisoformat(inform["informed_at"]) + timedelta(seconds=1)
        assert late_confirm.data["due_at"] == utc_text(due)
    confirmed = await accepted(lead, alert_command("alert.confirm", alert_id))

    for client in clients:
        events = await client.wait_seq(confirmed.seq)
        assert_gap_free(events)
        assert overdue_steps(events, alert_id) == ["acknowledged", "informed", "confirmed"]
    assert clients[0].events == clients[1].events == clients[2].events
    fresh = await WireClient.join(server.url, team.hmic.token)
    assert fresh.replay == clients[2].events
    await close_all([*clients, fresh])


async def test_overdue_arrives_after_a_restart(
    team: Team, make_config: Callable[..., ServerConfig], clock: ManualClock
) -> None:
    """As an operator would hit it: the server is down when the deadlines pass, and comes back later.

    Both servers read ``clock``, which moves only while neither runs: the deadlines certainly pass in the gap,
    without the test waiting for them in real time."""
    config = make_config()
    async with TeamServer(config, clock=clock) as first:
        lead = await WireClient.join(first.url, team.lead.token)
        await accepted(lead, deadlines(acknowledge=1, inform=2, confirm=60))
        alert_id, raised = await raise_harm(lead)
        head = raised.seq
        await lead.close()
    clock.advance(2.5)  # both deadlines pass while no server runs

    async with TeamServer(config, clock=clock) as second:
        lead = await WireClient.join(second.url, team.lead.token, since=head)
        cqc = await WireClient.join(second.url, team.cqc.token, since=head)
        for client in (lead, cqc):
            await overdue(client, alert_id, "acknowledged")
            late_inform = await overdue(client, alert_id, "informed")
            events = await client.wait_seq(late_inform.seq)
            assert overdue_steps(events, alert_id) == ["acknowledged", "informed"]
            assert_gap_free(events, first=head + 1)
        everything = await WireClient.join(second.url, team.hmic.token, since=0)
        assert overdue_steps(everything.replay, alert_id) == ["acknowledged", "informed"]
        await close_all([lead, cqc, everything])


# ---------------------------------------------------------------- a clock the test moves


async def test_a_step_taken_before_its_deadline_is_never_flagged(
    clocked: TeamServer, team: Team, clock: ManualClock
) -> None:
    clients = await join_all(clocked, team)
    lead, cqc, _ = clients
    await accepted(lead, deadlines(acknowledge=1, inform=2, confirm=1))
    alert_id, raised = await raise_harm(cqc)
    await accepted(lead, alert_command("alert.acknowledge", alert_id))  # the clock has not moved: in time

    clock.advance(2.5)
    for client in clients:
        late = await overdue(client, alert_id, "informed")
        assert late.data["due_at"] == utc_text(raised.at + timedelta(seconds=2))

    await accepted(lead, alert_command("alert.inform", alert_id, informed_at=utc_text(clock.now)))
    confirmed = await accepted(lead, alert_command("alert.confirm", alert_id))  # still T0 + 2.5: in time
    barrier_id, _ = await raise_harm(cqc)
    clock.advance(10)  # past the confirm deadline (T0 + 3.5) and both of the barrier's
    for client in clients:
        await overdue(client, barrier_id, "acknowledged")
        last = await overdue(client, barrier_id, "informed")
        events = await client.wait_seq(last.seq)
        assert confirmed.seq < last.seq
        assert overdue_steps(events, alert_id) == ["informed"]
        assert overdue_steps(events, barrier_id) == ["acknowledged", "informed"]
        assert_gap_free(events)
    await close_all(clients)


async def test_concerns_are_never_flagged_and_an_escalated_one_is_timed_from_escalation(
    clocked: TeamServer, team: Team, clock: ManualClock
) -> None:
    clients = await join_all(clocked, team)
    lead, cqc, hmic = clients
    await accepted(lead, deadlines(acknowledge=1, inform=2, confirm=1))
    ids = {}
    for name in ("open", "noted", "closed", "escalated"):
        frame = concern_frame()
        await accepted(cqc, frame)
        ids[name] = str(frame["id"])
    await accepted(hmic, alert_command("alert.note", ids["noted"]))
    await accepted(hmic, alert_command("alert.close", ids["closed"]))

    clock.advance(100)  # long past every deadline, had they been escalations
    await accepted(hmic, alert_command("alert.escalate", ids["escalated"]))
    escalated = await event_of(hmic, "alert.escalated", alert_id=ids["escalated"])
    clock.advance(1.5)

    for client in clients:
        late = await overdue(client, ids["escalated"], "acknowledged")
        assert late.data["due_at"] == utc_text(escalated.at + timedelta(seconds=1))
        assert escalated.at == raised_at(client, ids["escalated"]) + timedelta(seconds=100)
        flagged = {e.data["alert_id"] for e in await client.wait_seq(late.seq) if e.kind == "alert.overdue"}
        assert flagged == {ids["escalated"]}
    await close_all(clients)


def raised_at(client: WireClient, alert_id: str) -> datetime:
    return next(e.at for e in client.events if e.kind == "alert.raised" and e.data["alert_id"] == alert_id)


async def test_new_deadlines_apply_to_open_escalations(clocked: TeamServer, team: Team, clock: ManualClock) -> None:
    lead = await WireClient.join(clocked.url, team.lead.token)
    alert_id, raised = await raise_harm(lead)
    clock.advance(5)  # well inside the default 15 minutes

    await accepted(lead, deadlines(acknowledge=1, inform=600, confirm=600))

    late = await overdue(lead, alert_id, "acknowledged")
    assert late.data["due_at"] == utc_text(raised.at + timedelta(seconds=1))
    await lead.close()


async def test_overdue_survives_a_restart_and_is_recorded_once(
    team: Team, make_config: Callable[..., ServerConfig], clock: ManualClock
) -> None:
    config = make_config()
    async with TeamServer(config, clock=clock) as first:
        lead = await WireClient.join(first.url, team.lead.token)
        await accepted(lead, deadlines(acknowledge=1, inform=2, confirm=60))
        alert_id, raised = await raise_harm(lead)
        head = raised.seq
        await lead.close()
    # Stopped at T0 exactly: nothing was due yet. The deadline passes while the server is down.
    clock.advance(1.5)

    async with TeamServer(config, clock=clock) as second:
        lead = await WireClient.join(second.url, team.lead.token, since=head)
        late_ack = await overdue(lead, alert_id, "acknowledged")
        assert late_ack.seq == head + 1
        assert late_ack.actor is None
        assert late_ack.data["due_at"] == utc_text(raised.at + timedelta(seconds=1))
        clock.advance(1)  # and the inform deadline passes while it runs
        late_inform = await overdue(lead, alert_id, "informed")
        assert overdue_steps(await lead.wait_seq(late_inform.seq), alert_id) == ["acknowledged", "informed"]
        away = await WireClient.join(second.url, team.cqc.token, since=head)
        assert overdue_steps(away.replay, alert_id) == ["acknowledged", "informed"]
        await close_all([lead, away])

    async with TeamServer(config, clock=clock) as third:  # a second restart must not record them again
        cqc = await WireClient.join(third.url, team.cqc.token, since=0)
        barrier_id, _ = await raise_harm(cqc)
        clock.advance(1.5)
        last = await overdue(cqc, barrier_id, "acknowledged")
        events = await cqc.wait_seq(last.seq)
        assert overdue_steps(events, alert_id) == ["acknowledged", "informed"]
        assert_gap_free(events)
        await cqc.close()


async def test_overdue_stays_within_its_inspection(
    clocked: TeamServer, team: Team, db_url: str, clock: ManualClock
) -> None:
    other = make_team(db_url, name="Southvale")
    north = await WireClient.join(clocked.url, team.lead.token)
    south = await WireClient.join(clocked.url, other.lead.token)
    await accepted(north, deadlines(acknowledge=1, inform=600, confirm=600))
    await accepted(south, deadlines(acknowledge=1, inform=600, confirm=600))
    north_id, _ = await raise_harm(north)
    south_id, _ = await raise_harm(south)

    clock.advance(1.5)
    await overdue(north, north_id, "acknowledged")
    await overdue(south, south_id, "acknowledged")
    for client, mine in ((north, north_id), (south, south_id)):
        marker = await client.posted()
        events = await client.wait_seq(marker.seq)
        assert_gap_free(events)
        assert {e.data["alert_id"] for e in events if e.kind == "alert.overdue"} == {mine}
    await close_all([north, south])


async def test_only_the_lead_sets_deadlines(clocked: TeamServer, team: Team) -> None:
    clients = await join_all(clocked, team)
    for client in clients[1:]:
        await refused(client, deadlines(1, 1, 1), ErrorCode.FORBIDDEN)
    marker = await clients[1].posted()
    assert [e.kind for e in await clients[0].wait_seq(marker.seq)] == ["finding.posted"]
    await close_all(clients)
