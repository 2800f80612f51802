"""The server refuses a criterion the finding may not cite (shared.criteria.criterion_refusal).

A finding's criterion must be in the catalogue, belong to the finding's agency and judgement area, and come
from the inspection's own framework; anything else is ``invalid`` on ``criterion``, with a message naming the
criterion, and nothing is stored or broadcast.
"""

from __future__ import annotations

import pytest

from server.demo.northmoor import FINDINGS, FRAMEWORK, POOL
from server.network.team_server import TeamServer
from shared.criteria import criterion_refusal
from shared.protocol import Ack, Error, ErrorCode
from tests.server.conftest import Member, Team, WireClient

HEALTH_HP = {"agency": "health", "judgement_area": "help-and-protection"}


async def assert_refused(reply: Ack | Error, *words: str) -> None:
    assert isinstance(reply, Error), reply
    assert (reply.code, reply.field) == (ErrorCode.INVALID, "criterion")
    for word in words:
        assert word in reply.message


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({**HEALTH_HP, "criterion": "I999z"}, ["criterion: unknown criterion 'I999z'", "e.g. I68a"]),
        ({**HEALTH_HP, "criterion": "68c"}, ["unknown criterion '68c': did you mean 'I68c'?"]),
        ({**HEALTH_HP, "criterion": "I80a"}, ["I80a [I ¶80a] is a criterion for Police, not Health"]),
        ({**HEALTH_HP, "criterion": "I69b"}, ["I69b [I ¶69b] is about children looked after"]),
        ({"criterion": "CP20a"}, ["CP20a [CP ¶20a] is from the child-protection framework", "leave the criterion"]),
    ],
    ids=["unknown", "old code", "another agency", "another area", "another framework"],
)
async def test_a_criterion_that_does_not_fit_is_refused_and_nothing_is_stored(
    server: TeamServer, team: Team, fields: dict[str, str], words: list[str]
) -> None:
    poster = await WireClient.join(server.url, team.cqc.token)
    watcher = await WireClient.join(server.url, team.hmic.token)
    await assert_refused(await poster.post(**fields), *words)

    # Nothing was stored or broadcast: the next event anyone sees is the good post after it.
    good = await poster.posted(**HEALTH_HP, criterion="I68c")
    events = await watcher.wait_seq(good.seq)
    assert [e.data["criterion"] for e in events] == ["I68c"]
    later = await WireClient.join(server.url, team.lead.token)
    assert [e.seq for e in later.replay] == [good.seq]
    for client in (poster, watcher, later):
        await client.close()


async def test_a_criterion_that_fits_is_stored_and_replayed(server: TeamServer, team: Team) -> None:
    poster = await WireClient.join(server.url, team.cqc.token)
    ack = await poster.posted(**HEALTH_HP, criterion="I68-inadequate")
    await poster.wait_seq(ack.seq)
    await poster.close()
    again = await WireClient.join(server.url, team.hmic.token)
    assert [(e.kind, e.data["criterion"]) for e in again.replay] == [("finding.posted", "I68-inadequate")]
    await again.close()


async def test_amending_to_a_criterion_that_does_not_fit_is_refused(server: TeamServer, team: Team) -> None:
    poster = await WireClient.join(server.url, team.cqc.token)
    posted = await poster.posted(**HEALTH_HP, criterion="I68c")
    await assert_refused(await poster.amend(posted.id, **HEALTH_HP, criterion="I81a"), "criterion for Police")
    # Moving the finding to another area without changing its criterion is refused too.
    await assert_refused(await poster.amend(posted.id, agency="health", judgement_area="looked-after",
                                            criterion="I68c"), "I68c [I ¶68c] is about children who need help")
    amended = await poster.amend(posted.id, agency="health", judgement_area="looked-after", criterion="I69b")
    assert isinstance(amended, Ack), amended
    events = await poster.wait_seq(amended.seq)
    assert [(e.kind, e.data["criterion"]) for e in events] == [
        ("finding.posted", "I68c"), ("finding.amended", "I69b")
    ]
    await poster.close()


async def test_the_inspections_own_framework_decides(cp_lead: Member, server: TeamServer, team: Team) -> None:
    """Under the child-protection framework the LA's CP criteria fit and the integrated ones do not."""
    lead = await WireClient.join(server.url, cp_lead.token)
    posted = await lead.posted(agency="local-authority", judgement_area="help-and-protection", criterion="CP20a")
    await assert_refused(
        await lead.post(agency="local-authority", judgement_area="help-and-protection", criterion="I64a"),
        "I64a [I ¶64a] is from the integrated framework, but this inspection uses the child-protection framework",
    )
    events = await lead.wait_seq(posted.seq)
    assert [e.data["criterion"] for e in events] == ["CP20a"]
    await lead.close()


def test_every_demo_finding_cites_a_criterion_that_fits() -> None:
    """The demo posts through the same handlers, so its data must pass the rule it demonstrates."""
    cited = [f.fields for f in FINDINGS] + [p.fields for p in POOL]
    refusals = [
        why for f in cited if f.criterion
        if (why := criterion_refusal(f.criterion, f.agency, f.judgement_area, FRAMEWORK)) is not None
    ]
    assert refusals == []
    assert sum(1 for f in cited if f.criterion) > 40


async def test_a_child_protection_inspection_refuses_an_area_it_does_not_judge(
    cp_lead: Member, server: TeamServer
) -> None:
    """CP ¶24: the 2012 framework judges the local authority on help and protection, the quality of practice and
    leadership; a finding tagged with children looked after, or with another agency's graded area, is refused on
    the server (not only hidden by the form), and nothing is stored."""
    lead = await WireClient.join(server.url, cp_lead.token)
    looked_after = await lead.post(agency="local-authority", judgement_area="looked-after")
    assert isinstance(looked_after, Error), looked_after
    assert (looked_after.code, looked_after.field) == (ErrorCode.INVALID, "judgement_area")
    assert "Children looked after and care leavers is not judged for Local authority" in looked_after.message
    assert "child-protection framework" in looked_after.message
    health = await lead.post(agency="health", judgement_area="help-and-protection")
    assert isinstance(health, Error) and health.field == "judgement_area", health
    good = await lead.posted(agency="local-authority", judgement_area="quality-of-practice")
    events = await lead.wait_seq(good.seq)
    assert [e.data["judgement_area"] for e in events] == ["quality-of-practice"]
    await lead.close()
