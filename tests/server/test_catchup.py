"""Catch-up across many pages: the log is read a page at a time, and no page boundary may lose, repeat or reorder
an event.

The server's page is 500 events; here it is made small (``catch_up_page``) so a few dozen events cross several
pages, and every ``since`` from 0 to the head is replayed, so the replay ends on, just before and just after each
boundary (N*page and N*page±1 events). One test keeps the real page size and crosses it twice.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import text

from server.network.team_server import ServerConfig, TeamServer
from server.storage import database
from shared.protocol import Ack, Event, encode
from tests.server.conftest import Team, WireClient, assert_gap_free, post_frame

PAGE = 7
PAGES = 3


async def post_many(client: WireClient, count: int) -> list[Event]:
    """Post ``count`` findings back to back (the writer commits them in batches) and return the live log."""
    frames = [post_frame(text=f"finding {i} of {count}") for i in range(count)]
    for frame in frames:
        await client.send(frame)
    for frame in frames:
        assert isinstance(await client.reply(frame["id"]), Ack)
    return await client.wait_seq(count)


async def test_every_since_replays_exactly_the_missing_events_across_small_pages(
    team: Team, make_config: Callable[..., ServerConfig]
) -> None:
    head = PAGE * PAGES + 1
    async with TeamServer(make_config(catch_up_page=PAGE)) as server:
        poster = await WireClient.join(server.url, team.cqc.token, max_queue=None)
        live = await post_many(poster, head)
        assert_gap_free(live)
        for since in range(head + 1):
            joiner = await WireClient.join(server.url, team.lead.token, since=since, max_queue=None)
            assert joiner.synced is not None and joiner.synced.head == head
            assert joiner.replay == live[since:], f"replay after {since} of {head} with pages of {PAGE}"
            await joiner.close()
        await poster.close()


async def test_catch_up_crosses_the_real_page_size(server: TeamServer, team: Team) -> None:
    head = 2 * database.CATCH_UP_PAGE + 1
    poster = await WireClient.join(server.url, team.cqc.token, max_queue=None)
    live = await post_many(poster, head)
    for since in (0, 1, database.CATCH_UP_PAGE - 1, database.CATCH_UP_PAGE, database.CATCH_UP_PAGE + 1):
        joiner = await WireClient.join(server.url, team.lead.token, since=since, max_queue=None)
        assert joiner.replay == live[since:], f"replay after {since} of {head}"
        await joiner.close()
    await poster.close()


async def test_the_log_reads_the_same_in_pages_of_any_size(server: TeamServer, team: Team) -> None:
    head = PAGE * PAGES + 1
    poster = await WireClient.join(server.url, team.cqc.token, max_queue=None)
    await post_many(poster, head)
    await poster.close()
    inspection_id = team.inspection.id
    whole = [e for page in database.events_between(server.engine, inspection_id=inspection_id, after=0, upto=head)
             for e in page]
    assert_gap_free(whole)
    assert len(whole) == head
    for size in range(1, head + 2):
        for after, upto in ((0, head), (size, head), (1, size * 2 + 1), (head - size, head)):
            if not 0 <= after <= upto <= head:
                continue
            pages = list(database.events_between(
                server.engine, inspection_id=inspection_id, after=after, upto=upto, page=size
            ))
            assert all(0 < len(page) <= size for page in pages), f"page size {size}: {[len(p) for p in pages]}"
            assert [e for page in pages for e in page] == whole[after:upto], f"pages of {size}, ({after}, {upto}]"
            frames = list(database.frames_between(
                server.engine, inspection_id=inspection_id, after=after, upto=upto, page=size
            ))
            assert all(0 < len(page) <= size for page in frames)
            assert [f for page in frames for f in page] == [encode(e) for e in whole[after:upto]]


async def test_events_stored_before_frames_were_kept_replay_as_they_did(
    team: Team, make_config: Callable[..., ServerConfig]
) -> None:
    """Revision 0005 stores each event's frame; older events have none and are encoded from their columns, mixed
    with stored ones across page boundaries."""
    head = PAGE * PAGES + 1
    async with TeamServer(make_config(catch_up_page=PAGE)) as server:
        poster = await WireClient.join(server.url, team.cqc.token, max_queue=None)
        live = await post_many(poster, head)
        await poster.close()
        with server.engine.begin() as conn:
            forgotten = conn.execute(text("UPDATE event SET frame = NULL WHERE seq % 3 <> 0 OR seq > :page"),
                                     {"page": PAGE * 2})
            assert forgotten.rowcount > head // 2
        for since in (0, PAGE - 1, PAGE, PAGE + 1, head - 1):
            joiner = await WireClient.join(server.url, team.lead.token, since=since, max_queue=None)
            assert joiner.replay == live[since:], f"replay after {since} of {head}, some without a stored frame"
            await joiner.close()
