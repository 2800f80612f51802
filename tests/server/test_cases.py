"""Case sampling and tracking end to end (CP ¶38–43): a real server on a set clock, a real SQLite file, and the
lead plus two inspectors connected.

The lead imports the minimised Annex A list and draws the sample, which the server computes; any inspector adds a
case for a line of enquiry; the lead allocates cases; the allocated inspector records progress. Each refusal is
checked to leave no trace in anyone's event stream, and every change to reach the whole team and no one else.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest

from server.network.team_server import ServerConfig, TeamServer
from server.storage import database
from shared.alerts import NameDeputy
from shared.annex_a import CaseRecord
from shared.cases import DrawSample, ImportCases, SetPersonalDataPolicy
from shared.catalogue import COMMANDS
from shared.protocol import ErrorCode, Event
from shared.sampling import Sample, Selection, draw_sample, eligible_cases, random_places
from shared.vocabulary import Inspectorate, Role
from tests.server.conftest import (
    Team,
    TeamRoom,
    WireClient,
    accepted,
    enquiry_frame,
    event_of,
    join_team,
    make_team,
    new_id,
    refused,
    wire,
)
from tests.shared.annex_a_files import TODAY, population

POPULATION = population(120, today=TODAY)


class Clock:
    """The server's clock: 10:00 UTC on the import day unless a test moves it."""

    def __init__(self) -> None:
        self.now = datetime(TODAY.year, TODAY.month, TODAY.day, 10, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Served:
    server: TeamServer
    room: TeamRoom
    clock: Clock


@pytest.fixture
async def served(team: Team, make_config: Callable[..., ServerConfig]) -> AsyncIterator[Served]:
    clock = Clock()
    async with TeamServer(make_config(), clock=clock) as server:
        room = await join_team(server.url, team)
        yield Served(server, room, clock)
        for client in room.all:
            await client.close()


def import_frame(records: Sequence[CaseRecord], **overrides: Any) -> dict[str, Any]:
    batch = ImportCases(id=new_id("import"), cases=list(records), source="Annex A Northmoor.xlsx")
    return wire(batch, **overrides)


NO_GOOD_PRACTICE_YET = "The local authority has not yet identified its three good-practice cases."
"""The reason most of these draws give: they take no good-practice cases, which CP ¶39 asks a reason for."""


def draw_frame(seed: int = 1, **overrides: Any) -> dict[str, Any]:
    """A ``sample.draw`` with a reason (``reason=None`` leaves it out)."""
    return wire(DrawSample(id=new_id("draw"), seed=seed, reason=NO_GOOD_PRACTICE_YET), **overrides)


def case_frame(kind: str, child_id: str, **fields: Any) -> dict[str, Any]:
    """A valid ``case.allocate``, ``case.progress`` or ``sample.add``."""
    return wire(COMMANDS[kind](id=new_id(kind.replace(".", "-")), child_id=child_id, **fields))


async def imported(room: TeamRoom, records: Sequence[CaseRecord] = POPULATION) -> None:
    seq = 0
    for start in range(0, len(records), 100):
        seq = (await accepted(room.lead, import_frame(records[start:start + 100]))).seq
    await room.everyone_sees(seq)


async def drawn(room: TeamRoom, seed: int = 1, **overrides: Any) -> Sample:
    ack = await accepted(room.lead, draw_frame(seed, **overrides))
    await room.everyone_sees(ack.seq)
    return Sample.model_validate(room.lead.events[-1].data)


def random_ids(sample: Sample) -> set[str]:
    return {case.child_id for case in sample.selected(Selection.RANDOM)}


def unsampled(sample: Sample, records: Sequence[CaseRecord] = POPULATION) -> str:
    return next(record.child_id for record in records if record.child_id not in sample.child_ids)


async def no_trace(room: TeamRoom) -> None:
    """A refused command left nothing: the next accepted command's event follows the last one for everyone."""
    ack = await accepted(room.lead, NameDeputy(id=new_id("probe"), inspector_id=None))
    await room.everyone_sees(ack.seq)


# ---------------------------------------------------------------- import


async def test_the_lead_imports_the_list_and_everyone_receives_it(served: Served, team: Team) -> None:
    room = served.room
    digests = ["ab" * 32, "cd" * 32]
    frame = import_frame(POPULATION[:100], name_digests=digests)

    ack = await accepted(room.lead, frame)

    for client in room.all:
        event = await event_of(client, "cases.imported")
        assert event.seq == ack.seq and event.actor == team.lead.inspector
        assert event.data == {"cases": frame["cases"], "name_digests": digests, "source": frame["source"],
                              "count": 100}
    await room.everyone_sees(ack.seq)


async def test_only_the_lead_imports(served: Served) -> None:
    room = served.room
    await refused(room.cqc, import_frame(POPULATION[:3]), ErrorCode.FORBIDDEN)
    await refused(room.hmic, draw_frame(), ErrorCode.FORBIDDEN)
    await no_trace(room)


async def test_a_reimported_case_gets_the_new_record_and_keeps_its_tracking(served: Served, team: Team) -> None:
    room = served.room
    await imported(room)
    sample = await drawn(room)
    child_id = sorted(random_ids(sample))[0]
    await accepted(room.lead, case_frame("case.allocate", child_id, inspector_id=team.cqc.inspector.id))
    original = next(record for record in POPULATION if record.child_id == child_id)

    await accepted(room.lead, import_frame([original.model_copy(update={"team": "Assessment East"})]))

    await refused(room.lead, draw_frame(2), ErrorCode.CONFLICT)  # still allocated
    await accepted(room.cqc, case_frame("case.progress", child_id, status="in-progress"))


# ---------------------------------------------------------------- the draw


async def test_the_lead_draws_a_balanced_sample_that_anyone_can_reproduce(served: Served, team: Team) -> None:
    room = served.room
    await imported(room)
    good_practice = [POPULATION[5].child_id, POPULATION[6].child_id, POPULATION[7].child_id]

    ack = await accepted(room.lead, draw_frame(seed=42, size=50, good_practice=good_practice))

    for client in room.all:
        event = await event_of(client, "sample.drawn")
        assert event.seq == ack.seq and event.actor == team.lead.inspector
        sample = Sample.model_validate(event.data)
        assert (sample.seed, sample.size, sample.drawn_on) == (42, 50, TODAY)
        assert sample.eligible == len(eligible_cases(POPULATION, today=TODAY))
        assert len(sample.selected(Selection.RANDOM)) == 50
        assert [c.child_id for c in sample.selected(Selection.GOOD_PRACTICE)] == sorted(good_practice)
        assert len(sample.to_meet) == 10
    expected = draw_sample(POPULATION, size=50, seed=42, today=TODAY, good_practice=good_practice)
    assert set(sample.cases) == set(expected.cases)
    await room.everyone_sees(ack.seq)


async def test_drawing_needs_the_list_and_known_good_practice_cases(served: Served) -> None:
    room = served.room
    await refused(room.lead, draw_frame(), ErrorCode.OUT_OF_ORDER)
    await imported(room, POPULATION[:60])
    reply = await refused(room.lead, draw_frame(good_practice=["NM-404"]), ErrorCode.NOT_FOUND, "good_practice")
    assert "NM-404" in reply.message
    await no_trace(room)


async def test_a_draw_of_fewer_than_50_or_not_three_good_practice_cases_needs_a_reason(served: Served) -> None:
    """CP ¶43: "At least 50 cases will be selected by inspectors"; CP ¶39: the local authority "will be asked to
    identify three cases that demonstrate local good practice". A draw that departs from either is refused without
    the lead's reason, naming the field; the reason is kept with the draw and travels in ``sample.drawn``."""
    room = served.room
    await imported(room)
    three = [POPULATION[5].child_id, POPULATION[6].child_id, POPULATION[7].child_id]

    reply = await refused(room.lead, draw_frame(size=40, good_practice=three, reason=None), ErrorCode.INVALID,
                          "reason")
    assert "40 cases drawn at random, fewer than the 50 CP ¶43 asks for" in reply.message
    reply = await refused(room.lead, draw_frame(good_practice=three[:1], reason=None), ErrorCode.INVALID, "reason")
    assert "1 good-practice case, not the three CP ¶39 asks" in reply.message
    await refused(room.lead, draw_frame(good_practice=three, reason="   "), ErrorCode.INVALID, "reason")
    await no_trace(room)

    plain = await drawn(room, good_practice=three, reason=None)  # 50 cases and three good-practice: no reason
    assert plain.reason is None and len(plain.selected(Selection.RANDOM)) == 50
    why = "Only 40 cases are open to the assessment teams this month."
    smaller = await drawn(room, size=40, good_practice=three, reason=why)
    assert smaller.reason == why and len(smaller.selected(Selection.RANDOM)) == 40
    for client in room.all:
        assert Sample.model_validate(client.events[-1].data).reason == why


async def test_too_few_eligible_cases_need_a_reason_though_50_were_asked_for(served: Served) -> None:
    """CP ¶43's 50 is what is drawn, not what is asked: a list with fewer eligible cases needs the reason too."""
    room = served.room
    small = POPULATION[:45]
    await imported(room, small)
    three = [case.child_id for case in small[:3]]
    expected = random_places(small, size=50, today=TODAY, good_practice=three)
    assert expected < 50
    reply = await refused(room.lead, draw_frame(good_practice=three, reason=None), ErrorCode.INVALID, "reason")
    assert f"{expected} cases drawn at random" in reply.message
    sample = await drawn(room, good_practice=three, reason="The authority's list has only 45 children on it.")
    assert len(sample.selected(Selection.RANDOM)) == expected


async def test_a_redraw_replaces_the_draw_until_work_starts(served: Served, team: Team) -> None:
    room = served.room
    await imported(room)
    first = await drawn(room, seed=1)
    added = unsampled(first)
    await accepted(room.cqc, case_frame("sample.add", added, reason="Interface with adult mental health services"))

    second = await drawn(room, seed=2)
    again = await drawn(room, seed=1)

    assert random_ids(second) != random_ids(first)
    assert random_ids(again) == random_ids(first)
    line_of_enquiry = again.selected(Selection.LINE_OF_ENQUIRY)
    assert [(c.child_id, c.reason) for c in line_of_enquiry] == [
        (added, "Interface with adult mental health services")
    ]

    child_id = sorted(random_ids(again))[0]
    await accepted(room.lead, case_frame("case.allocate", child_id, inspector_id=team.hmic.inspector.id))
    reply = await refused(room.lead, draw_frame(3), ErrorCode.CONFLICT)
    assert child_id in reply.message
    await accepted(room.lead, case_frame("case.allocate", child_id, inspector_id=None))
    await drawn(room, seed=1)  # nothing allocated or under way: allowed again
    await accepted(room.lead, case_frame("case.progress", child_id, status="tracked"))
    await refused(room.lead, draw_frame(4), ErrorCode.CONFLICT)
    await no_trace(room)


async def test_eligibility_counts_from_the_inspections_local_date(
    served: Served, make_config: Callable[..., ServerConfig], db_url: str
) -> None:
    engine = database.connect(db_url)
    try:
        inspection = database.create_inspection(engine, name="Kaitaia", timezone="Pacific/Auckland")
        _lead, token = database.add_inspector(engine, inspection_id=inspection.id, name="Mere Ngata",
                                           inspectorate=Inspectorate.OFSTED, role=Role.LEAD)
    finally:
        engine.dispose()
    served.clock.now = datetime(2026, 11, 16, 12, 0, tzinfo=UTC)  # 17 November, 01:00 in Auckland
    client = await WireClient.join(served.server.url, token)
    current = CaseRecord(child_id="K-1")
    closed_on_the_16th_of_august = CaseRecord(child_id="K-2", closed_date=date(2026, 8, 16))
    await accepted(client, import_frame([current, closed_on_the_16th_of_august]))

    await accepted(client, draw_frame())

    sample = Sample.model_validate((await event_of(client, "sample.drawn")).data)
    assert sample.drawn_on == date(2026, 11, 17)
    assert (sample.eligible, sample.child_ids) == (1, ["K-1"])  # three months back from the 17th is the 17th
    await client.close()


# ---------------------------------------------------------------- adding a case for a line of enquiry


async def test_any_inspector_adds_a_case_for_a_line_of_enquiry(served: Served, team: Team) -> None:
    room = served.room
    await imported(room, POPULATION[:60])
    enquiry = enquiry_frame()
    await accepted(room.lead, enquiry)
    child_id = POPULATION[3].child_id

    ack = await accepted(room.hmic, case_frame("sample.add", child_id, reason=" Substance misuse services ",
                                               enquiry_id=enquiry["id"]))

    for client in room.all:
        event = await event_of(client, "sample.added")
        assert event.seq == ack.seq and event.actor == team.hmic.inspector
        assert event.data == {"child_id": child_id, "selection": "line-of-enquiry",
                              "reason": "Substance misuse services", "enquiry_id": enquiry["id"]}
    await refused(room.cqc, case_frame("sample.add", child_id, reason="Again"), ErrorCode.CONFLICT, "child_id")
    await refused(room.cqc, case_frame("sample.add", "NM-404", reason="Why"), ErrorCode.NOT_FOUND, "child_id")
    await refused(room.cqc, case_frame("sample.add", POPULATION[4].child_id, reason="Why", enquiry_id="nope"),
                  ErrorCode.NOT_FOUND, "enquiry_id")
    blank = wire(case_frame("sample.add", POPULATION[4].child_id, reason="Why"), reason="   ")
    await refused(room.cqc, blank, ErrorCode.INVALID, "reason")
    await no_trace(room)


# ---------------------------------------------------------------- allocation and progress


async def test_the_lead_allocates_and_the_allocated_inspector_records_progress(served: Served, team: Team) -> None:
    room = served.room
    await imported(room)
    child_id = sorted(random_ids(await drawn(room)))[0]

    allocated = await accepted(room.lead, case_frame("case.allocate", child_id, inspector_id=team.cqc.inspector.id))
    progressed = await accepted(room.cqc, case_frame("case.progress", child_id, status="discussed-with-practitioner"))

    for client in room.all:
        event = await event_of(client, "case.allocated")
        assert (event.seq, event.data) == (allocated.seq, {"child_id": child_id, "inspector_id": team.cqc.inspector.id})
        event = await event_of(client, "case.progressed")
        assert event.seq == progressed.seq and event.actor == team.cqc.inspector
        assert event.data == {"child_id": child_id, "status": "discussed-with-practitioner"}
    await accepted(room.lead, case_frame("case.progress", child_id, status="met-child-or-family"))
    await room.everyone_sees(room.lead.events[-1].seq)


async def test_allocation_and_progress_refusals(served: Served, team: Team) -> None:
    room = served.room
    await imported(room)
    sample = await drawn(room)
    child_id = sorted(random_ids(sample))[0]
    outside = unsampled(sample)
    cqc = team.cqc.inspector.id
    await accepted(room.lead, case_frame("case.allocate", child_id, inspector_id=cqc))

    await refused(room.cqc, case_frame("case.allocate", child_id, inspector_id=cqc), ErrorCode.FORBIDDEN)
    await refused(room.lead, case_frame("case.allocate", outside, inspector_id=cqc), ErrorCode.OUT_OF_ORDER,
                  "child_id")
    await refused(room.lead, case_frame("case.allocate", "NM-404", inspector_id=cqc), ErrorCode.NOT_FOUND, "child_id")
    await refused(room.lead, case_frame("case.allocate", child_id, inspector_id=9999), ErrorCode.NOT_FOUND,
                  "inspector_id")
    await refused(room.hmic, case_frame("case.progress", child_id, status="tracked"), ErrorCode.FORBIDDEN, "child_id")
    await refused(room.cqc, case_frame("case.progress", outside, status="tracked"), ErrorCode.OUT_OF_ORDER,
                  "child_id")
    done = wire(case_frame("case.progress", child_id, status="tracked"), status="done")
    await refused(room.cqc, done, ErrorCode.INVALID, "status")
    await no_trace(room)


async def test_a_retried_command_is_applied_once(served: Served, team: Team) -> None:
    room = served.room
    await imported(room, POPULATION[:60])
    child_id = sorted(random_ids(await drawn(room)))[0]
    frame = case_frame("case.allocate", child_id, inspector_id=team.hmic.inspector.id)

    first = await accepted(room.lead, frame)
    second = await accepted(room.lead, frame)

    assert second.seq == first.seq
    events = await room.everyone_sees(first.seq)
    assert [e.seq for e in events if e.kind == "case.allocated"] == [first.seq]


# ---------------------------------------------------------------- the personal-data policy


async def test_the_lead_sets_the_personal_data_policy(served: Served, team: Team) -> None:
    room = served.room
    await refused(room.cqc, SetPersonalDataPolicy(id=new_id(), policy="warn"), ErrorCode.FORBIDDEN)
    assert room.lead.welcome is not None and room.lead.welcome.inspection.personal_data_policy == "refuse"

    ack = await accepted(room.lead, SetPersonalDataPolicy(id=new_id(), policy="warn"))

    for client in room.all:
        assert (await event_of(client, "personal-data.set", policy="warn")).seq == ack.seq
    rejoined = await WireClient.join(served.server.url, team.hmic.token, since=ack.seq)
    assert rejoined.welcome is not None and rejoined.welcome.inspection.personal_data_policy == "warn"
    await rejoined.close()


# ---------------------------------------------------------------- isolation


async def test_inspections_never_see_or_touch_each_others_cases(served: Served, team: Team, db_url: str) -> None:
    room = served.room
    other_team = make_team(db_url, "Southby")
    other = await join_team(served.server.url, other_team)
    await imported(room, POPULATION[:60])
    child_id = sorted(random_ids(await drawn(room)))[0]

    await refused(other.lead, draw_frame(), ErrorCode.OUT_OF_ORDER)
    await refused(other.lead, case_frame("case.allocate", child_id, inspector_id=None), ErrorCode.NOT_FOUND)
    await refused(other.cqc, case_frame("sample.add", child_id, reason="Curious"), ErrorCode.NOT_FOUND)
    await refused(room.lead, case_frame("case.allocate", child_id, inspector_id=other_team.cqc.inspector.id),
                  ErrorCode.NOT_FOUND, "inspector_id")

    ack = await accepted(other.lead, import_frame(POPULATION[:2]))
    assert ack.seq == 1  # its own log: nothing of Northmoor's
    events: list[Event] = await other.everyone_sees(ack.seq)
    assert [e.kind for e in events] == ["cases.imported"]
    for client in other.all:
        await client.close()
