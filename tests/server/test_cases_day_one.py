"""The day-one request checklist on the server (CP ¶27; Annex A, "Additional information required for the
inspection"): the lead of a child-protection inspection ticks items off and the whole team sees each tick; anyone
else, an item not on the list, a day still to come and an integrated inspection are refused, naming the field; and
``triangulate cases requests`` prints the checklist from the log."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest
from click.testing import CliRunner

from server.network.team_server import TeamServer
from server.storage import database
from shared.cli import main
from shared.day_one import DayOneItem, SetDayOneRequest
from shared.protocol import ErrorCode
from shared.vocabulary import Inspectorate, Role
from tests.server.conftest import Member, TeamRoom, WireClient, accepted, event_of, new_id, refused, wire


def request_frame(item: str = "lscb-minutes", **overrides: Any) -> dict[str, Any]:
    command = SetDayOneRequest(id=new_id("day-one"), item=DayOneItem.LSCB_MINUTES, received_on=date(2026, 11, 17),
                               note="Two of the three; the third is due on Thursday.")
    return wire(command, item=item, **overrides)


def southmoor(db_url: str) -> int:
    """The child-protection inspection tests.server.conftest's ``cp_lead`` leads."""
    engine = database.connect(db_url)
    try:
        return next(i.id for i in database.list_inspections(engine) if i.name == "Southmoor")
    finally:
        engine.dispose()


@pytest.fixture
async def cp_team(cp_lead: Member, db_url: str, server: TeamServer) -> AsyncIterator[tuple[WireClient, WireClient]]:
    """The child-protection inspection's lead and one inspector, connected."""
    engine = database.connect(db_url)
    try:
        _, token = database.add_inspector(engine, inspection_id=southmoor(db_url), name="Sam Reid",
                                          inspectorate=Inspectorate.OFSTED, role=Role.INSPECTOR)
    finally:
        engine.dispose()
    lead = await WireClient.join(server.url, cp_lead.token)
    inspector = await WireClient.join(server.url, token)
    yield lead, inspector
    await lead.close()
    await inspector.close()


async def test_the_lead_ticks_off_a_request_and_the_team_sees_it(cp_team: tuple[WireClient, WireClient]) -> None:
    """CP ¶27: the lead requests Annex A's information on day one; what has arrived is recorded for all to see."""
    lead, inspector = cp_team
    ack = await accepted(lead, request_frame(note="  Two of the three; the third is due on Thursday. "))
    for client in (lead, inspector):
        event = await event_of(client, "day-one.set")
        assert event.seq == ack.seq
        assert event.data == {"item": "lscb-minutes", "received_on": "2026-11-17",
                              "note": "Two of the three; the third is due on Thursday."}
    await accepted(lead, request_frame("thresholds", received_on=None, note=None))  # not yet, no note


async def test_only_the_lead_ticks_and_only_items_on_the_list(cp_team: tuple[WireClient, WireClient]) -> None:
    lead, inspector = cp_team
    await refused(inspector, request_frame(), ErrorCode.FORBIDDEN)
    reply = await refused(lead, request_frame("minutes-of-everything"), ErrorCode.INVALID, "item")
    assert "lscb-minutes" in reply.message  # the error lists the items there are
    await refused(lead, request_frame(received_on="2099-01-04"), ErrorCode.INVALID, "received_on")
    await refused(lead, request_frame(note="x" * 201), ErrorCode.INVALID, "note")


async def test_an_integrated_inspection_has_no_day_one_checklist(team_room: TeamRoom) -> None:
    """The integrated framework sets out no list of information to request on day one: the item is refused."""
    reply = await refused(team_room.lead, request_frame(), ErrorCode.INVALID, "item")
    assert "child-protection framework's Annex A (CP ¶27)" in reply.message


async def test_the_cli_prints_the_checklist(cp_team: tuple[WireClient, WireClient], db_url: str) -> None:
    lead, _ = cp_team
    await accepted(lead, request_frame())
    await accepted(lead, request_frame("private-fostering", received_on="2026-11-16", note=None))
    printed = CliRunner().invoke(main, ["cases", "requests", "--inspection", str(southmoor(db_url)), "--db", db_url])

    assert printed.exit_code == 0, printed.output
    lines = printed.output.splitlines()
    assert lines[0] == "Day-one requests (CP ¶27, Annex A): 2 of 13 received."
    assert "  [x] private-fostering      received 16 Nov 2026" in lines
    assert ("  [x] lscb-minutes           received 17 Nov 2026 — Two of the three; the third is due on Thursday."
            in lines)
    assert "  [ ] thresholds             not yet" in lines
    assert "      Minutes of the last three LSCB meetings" in lines
