"""Links between findings end to end: a real server, a real SQLite file, the lead plus two inspectors connected.

A link says one finding corroborates, contradicts or relates to another; it is an event every member sees
live, and each client computes a finding's corroboration status from the links it holds with the one rule in
``shared.triangulation``. These tests pin who may link and unlink, the refusals (self-links, unknown findings,
duplicates), retries, isolation, and that the status another member computes changes as links come and go.
"""

from __future__ import annotations

from typing import Any

import pytest

from server.network.team_server import TeamServer
from shared.protocol import ErrorCode, Event
from shared.triangulation import Corroboration, Link, Relation, Source, UnlinkFindings, corroboration
from shared.vocabulary import EvidenceSource
from tests.server.conftest import (
    Team,
    TeamRoom,
    accepted,
    event_of,
    join_team,
    link_frame,
    make_team,
    new_id,
    posted,
    refused,
    wire,
)


async def two_findings(room: TeamRoom) -> tuple[str, str]:
    """A CQC finding about health and an Ofsted finding about the local authority."""
    health = await posted(room.cqc, agency="health", kind="weakness", evidence_source="case-file")
    la = await posted(room.lead, agency="local-authority", kind="weakness", evidence_source="staff-discussion")
    return health, la


def unlink_frame(link_id: str, command_id: str | None = None) -> dict[str, Any]:
    return wire(UnlinkFindings(id=command_id or new_id("unlink"), link_id=link_id))


def status_seen_by(events: list[Event], finding_id: str) -> Corroboration:
    """What a client computes from the events it received: live links and each finding's source."""
    sources: dict[str, Source] = {}
    links: dict[str, Link] = {}
    for event in events:
        if event.kind in ("finding.posted", "finding.amended"):
            assert event.actor is not None
            source = Source(event.actor.inspectorate, EvidenceSource(event.data["evidence_source"]))
            sources[event.data["finding_id"]] = source
        elif event.kind == "finding.linked":
            data = event.data
            links[data["link_id"]] = Link(
                data["link_id"], data["finding_id"], data["other_finding_id"], Relation(data["relation"]), data["note"]
            )
        elif event.kind == "finding.unlinked":
            del links[event.data["link_id"]]
    return corroboration(finding_id, links.values(), sources)


# ---------------------------------------------------------------- linking, seen by everyone


async def test_a_link_reaches_the_whole_team(team_room: TeamRoom, team: Team) -> None:
    health, la = await two_findings(team_room)
    frame = link_frame(health, la, "contradicts", note="The LA says health attended; CQC found no invitation.")

    ack = await accepted(team_room.hmic, frame)  # anyone may link anyone's findings

    for client in team_room.all:
        event = await event_of(client, "finding.linked", link_id=frame["id"])
        assert event.seq == ack.seq
        assert event.actor == team.hmic.inspector
        assert event.data == {
            "link_id": frame["id"],
            "finding_id": health,
            "other_finding_id": la,
            "relation": "contradicts",
            "note": "The LA says health attended; CQC found no invitation.",
        }
    await team_room.everyone_sees(ack.seq)


async def test_the_note_is_optional(team_room: TeamRoom) -> None:
    health, la = await two_findings(team_room)
    frame = link_frame(health, la, "relates-to", note=None)
    ack = await accepted(team_room.cqc, frame)
    events = await team_room.everyone_sees(ack.seq)
    assert events[-1].data["note"] == ""


async def test_status_on_another_client_follows_links_as_they_come_and_go(team_room: TeamRoom) -> None:
    health, la = await two_findings(team_room)
    same_source = await posted(team_room.cqc, agency="health", kind="weakness", evidence_source="case-file")

    def seen() -> Corroboration:
        return status_seen_by(team_room.hmic.events, health)

    ack = await accepted(team_room.cqc, link_frame(health, same_source, "corroborates"))
    await team_room.everyone_sees(ack.seq)
    assert seen() is Corroboration.SINGLE_SOURCE  # CQC's second case file is not corroboration

    ack = await accepted(team_room.lead, link_frame(health, la, "relates-to"))
    await team_room.everyone_sees(ack.seq)
    assert seen() is Corroboration.SINGLE_SOURCE

    corroborating = link_frame(la, health, "corroborates")
    ack = await accepted(team_room.lead, corroborating)
    await team_room.everyone_sees(ack.seq)
    assert seen() is Corroboration.CORROBORATED

    contradicting = link_frame(health, la, "contradicts")
    ack = await accepted(team_room.cqc, contradicting)
    await team_room.everyone_sees(ack.seq)
    assert seen() is Corroboration.CONTESTED

    ack = await accepted(team_room.cqc, unlink_frame(str(contradicting["id"])))
    await team_room.everyone_sees(ack.seq)
    assert seen() is Corroboration.CORROBORATED

    ack = await accepted(team_room.lead, unlink_frame(str(corroborating["id"])))
    await team_room.everyone_sees(ack.seq)
    assert seen() is Corroboration.SINGLE_SOURCE


# ---------------------------------------------------------------- refusals


async def test_a_finding_cannot_be_linked_to_itself(team_room: TeamRoom) -> None:
    health, la = await two_findings(team_room)
    to_itself = wire(link_frame(health, la), other_finding_id=health)  # the model refuses to build it: sent as is
    error = await refused(team_room.cqc, to_itself, ErrorCode.INVALID, "other_finding_id")
    assert "itself" in error.message


INVALID_LINKS: list[tuple[dict[str, Any], str]] = [
    ({"relation": "supports"}, "relation"),
    ({"relation": None}, "relation"),
    ({"note": "x" * 501}, "note"),
    ({"finding_id": None}, "finding_id"),
    ({"other_finding_id": "has space"}, "other_finding_id"),
    ({"strength": 3}, "strength"),
]


async def test_an_invalid_link_is_refused_naming_the_field(team_room: TeamRoom) -> None:
    health, la = await two_findings(team_room)

    for overrides, field in INVALID_LINKS:  # one server for every case: a refusal changes nothing
        frame = {k: v for k, v in {**link_frame(health, la), **overrides}.items() if v is not None}
        await refused(team_room.cqc, frame, ErrorCode.INVALID, field)

    events = await team_room.everyone_sees((await team_room.hmic.posted()).seq)
    assert "finding.linked" not in [e.kind for e in events]


async def test_linking_an_unknown_finding_is_not_found(team_room: TeamRoom) -> None:
    health, _ = await two_findings(team_room)

    await refused(team_room.cqc, link_frame("no-such-finding", health), ErrorCode.NOT_FOUND, "finding_id")
    await refused(team_room.cqc, link_frame(health, "no-such-finding"), ErrorCode.NOT_FOUND, "other_finding_id")

    marker = await team_room.hmic.posted()
    events = await team_room.everyone_sees(marker.seq)
    assert "finding.linked" not in [e.kind for e in events]


@pytest.mark.parametrize("reverse", [False, True])
async def test_the_same_link_twice_is_a_conflict_but_another_relation_is_not(
    team_room: TeamRoom, reverse: bool
) -> None:
    health, la = await two_findings(team_room)
    await accepted(team_room.cqc, link_frame(health, la, "corroborates"))

    again = link_frame(la, health) if reverse else link_frame(health, la)
    await refused(team_room.hmic, again, ErrorCode.CONFLICT, "relation")

    ack = await accepted(team_room.hmic, link_frame(health, la, "contradicts"))
    events = await team_room.everyone_sees(ack.seq)
    assert [e.data["relation"] for e in events if e.kind == "finding.linked"] == ["corroborates", "contradicts"]


async def test_a_withdrawn_link_may_be_made_again(team_room: TeamRoom) -> None:
    health, la = await two_findings(team_room)
    first = link_frame(health, la)
    await accepted(team_room.cqc, first)
    await accepted(team_room.cqc, unlink_frame(str(first["id"])))

    ack = await accepted(team_room.cqc, link_frame(health, la))

    events = await team_room.everyone_sees(ack.seq)
    assert [e.kind for e in events][-3:] == ["finding.linked", "finding.unlinked", "finding.linked"]


# ---------------------------------------------------------------- removing links


async def test_the_author_or_the_lead_may_remove_a_link_no_one_else(team_room: TeamRoom, team: Team) -> None:
    health, la = await two_findings(team_room)
    by_cqc = link_frame(health, la, "corroborates")
    by_hmic = link_frame(health, la, "relates-to")
    await accepted(team_room.cqc, by_cqc)
    await accepted(team_room.hmic, by_hmic)

    error = await refused(team_room.hmic, unlink_frame(str(by_cqc["id"])), ErrorCode.FORBIDDEN)
    assert "author" in error.message
    await refused(team_room.cqc, unlink_frame(str(by_hmic["id"])), ErrorCode.FORBIDDEN)

    own = await accepted(team_room.cqc, unlink_frame(str(by_cqc["id"])))
    lead = await accepted(team_room.lead, unlink_frame(str(by_hmic["id"])))

    events = await team_room.everyone_sees(lead.seq)
    by_seq = {e.seq: e for e in events}
    assert by_seq[own.seq].kind == "finding.unlinked"
    assert by_seq[own.seq].data == {"link_id": by_cqc["id"]}
    assert by_seq[own.seq].actor == team.cqc.inspector
    assert by_seq[lead.seq].data == {"link_id": by_hmic["id"]}
    assert by_seq[lead.seq].actor == team.lead.inspector
    assert [e.kind for e in events].count("finding.unlinked") == 2


async def test_removing_an_unknown_or_removed_link_is_not_found(team_room: TeamRoom) -> None:
    health, la = await two_findings(team_room)
    frame = link_frame(health, la)
    await accepted(team_room.cqc, frame)
    await accepted(team_room.cqc, unlink_frame(str(frame["id"])))

    await refused(team_room.cqc, unlink_frame(str(frame["id"])), ErrorCode.NOT_FOUND, "link_id")
    await refused(team_room.lead, unlink_frame("no-such-link"), ErrorCode.NOT_FOUND, "link_id")


# ---------------------------------------------------------------- retries and isolation


async def test_retrying_a_link_or_unlink_gives_the_same_ack_and_one_event(team_room: TeamRoom) -> None:
    health, la = await two_findings(team_room)
    link = link_frame(health, la)
    unlink = unlink_frame(str(link["id"]))

    for frame in (link, unlink):
        first = await accepted(team_room.cqc, frame)
        assert await accepted(team_room.cqc, frame) == first

    marker = await team_room.hmic.posted()
    events = await team_room.everyone_sees(marker.seq)
    assert [e.kind for e in events] == [
        "finding.posted",
        "finding.posted",
        "finding.linked",
        "finding.unlinked",
        "finding.posted",
    ]


async def test_links_stay_inside_their_inspection(server: TeamServer, team_room: TeamRoom, db_url: str) -> None:
    other = await join_team(server.url, make_team(db_url, name="Southdale"))
    try:
        health, la = await two_findings(team_room)
        theirs_a = await posted(other.cqc, agency="health")
        theirs_b = await posted(other.lead)
        ours = link_frame(health, la)
        await accepted(team_room.cqc, ours)

        await refused(other.cqc, link_frame(theirs_a, health), ErrorCode.NOT_FOUND, "other_finding_id")
        await refused(other.lead, unlink_frame(str(ours["id"])), ErrorCode.NOT_FOUND, "link_id")
        same_id = await accepted(other.cqc, link_frame(theirs_a, theirs_b, command_id=str(ours["id"])))

        marker = await team_room.hmic.posted()
        our_events = await team_room.everyone_sees(marker.seq)
        assert [e.kind for e in our_events] == ["finding.posted", "finding.posted", "finding.linked", "finding.posted"]
        assert our_events[2].data["finding_id"] == health
        their_events = await other.everyone_sees(same_id.seq)
        assert [e.kind for e in their_events] == ["finding.posted", "finding.posted", "finding.linked"]
        assert their_events[2].data["finding_id"] == theirs_a
    finally:
        for client in other.all:
            await client.close()
