"""The demo: its seed data is valid and anonymous, and ``python -m server demo`` really serves it.

The end-to-end test runs the CLI as a subprocess and joins over a real WebSocket as the lead, exactly as
``triangulate demo`` will, so it checks the JSON line, the seeded log, the live simulated team and a
clean exit on SIGTERM.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import signal
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from server import store
from server.demo import DemoTeam, Simulator, local_today, prepare, seed
from server.demo_data import (
    AGENCIES_BY_INSPECTORATE,
    CHILD_ID_PATTERN,
    CHILD_IDS,
    FINDINGS,
    POOL,
    TEAM,
    member,
    monday_of,
    seed_times,
)
from shared.protocol import Event, FindingPosted, Presence
from shared.vocabulary import Inspectorate, Role, judgement_areas_for
from tests.server.conftest import TIMEOUT, WireClient

REPO = Path(__file__).resolve().parents[2]

# First names an author of fiction might reach for; none may appear in what inspectors wrote about families.
COMMON_FIRST_NAMES = {
    "aaliyah", "abigail", "adam", "aisha", "alex", "alfie", "amelia", "amy", "archie", "ava", "ben", "bella",
    "callum", "charlie", "chloe", "daisy", "david", "dylan", "ella", "ellie", "emily", "emma", "ethan",
    "evie", "freddie", "george", "grace", "harry", "holly", "isabella", "isla", "jack", "jacob", "james",
    "jayden", "jessica", "john", "jordan", "josh", "kai", "kayla", "leo", "liam", "lily", "logan", "lucy",
    "mason", "mia", "mohammed", "muhammad", "noah", "olivia", "oscar", "poppy", "riley", "rosie", "ruby",
    "ryan", "sam", "sarah", "sophie", "tyler", "william", "zara", "zoe",
}  # fmt: skip


def all_texts() -> list[str]:
    return [f.fields.text for f in FINDINGS] + [p.fields.text for p in POOL]


# ---------------------------------------------------------------- the data


def test_no_personal_names_in_finding_texts() -> None:
    """Findings refer to "the child", "mother"...; the only names in the demo are the inspectors'."""
    inspector_names = {part.lower() for spec in TEAM for part in spec.name.split()}
    assert not inspector_names & COMMON_FIRST_NAMES, "pick inspector names outside the test's list"
    for text in all_texts():
        words = set(re.findall(r"[a-z]+", text.lower()))
        assert not words & (COMMON_FIRST_NAMES | inspector_names), text


def test_child_ids_are_ids_and_every_finding_is_valid_for_its_agency() -> None:
    for seeded in FINDINGS:
        fields = seeded.fields
        author = member(seeded.author)
        assert fields.agency in AGENCIES_BY_INSPECTORATE[author.inspectorate], fields.text
        assert fields.judgement_area is None or fields.judgement_area in judgement_areas_for(fields.agency)
        assert fields.child_id is None or re.fullmatch(CHILD_ID_PATTERN, fields.child_id)
    assert all(re.fullmatch(CHILD_ID_PATTERN, child) for child in CHILD_IDS)
    assert all(p.fields.child_id is None for p in POOL), "pool children are drawn at post time"


def test_team_and_volume() -> None:
    assert TEAM[0].role == Role.LEAD and TEAM[0].inspectorate == Inspectorate.OFSTED
    assert {spec.inspectorate for spec in TEAM} == set(Inspectorate)
    assert any(spec.role == Role.QA_MANAGER for spec in TEAM)
    assert 35 <= len(FINDINGS) <= 50 and len(POOL) >= 25
    covered = {agency for agencies in AGENCIES_BY_INSPECTORATE.values() for agency in agencies}
    assert {f.fields.agency for f in FINDINGS} == covered
    assert len({f.fields.kind for f in FINDINGS}) == 5
    assert len({f.fields.evidence_source for f in FINDINGS}) == 6
    # Every pool agency has a non-lead inspector who could post it.
    writers = {a for s in TEAM if s.role == Role.INSPECTOR for a in AGENCIES_BY_INSPECTORATE[s.inspectorate]}
    assert {p.fields.agency for p in POOL} <= writers


@pytest.mark.parametrize(
    ("today", "now"),
    [
        (date(2026, 11, 16), datetime(2026, 11, 16, 6, 0, tzinfo=UTC)),  # Monday before fieldwork starts
        (date(2026, 11, 16), datetime(2026, 11, 16, 10, 0, tzinfo=UTC)),  # Monday morning
        (date(2026, 11, 18), datetime(2026, 11, 18, 12, 0, tzinfo=UTC)),  # Wednesday noon
        (date(2026, 11, 20), datetime(2026, 11, 20, 23, 0, tzinfo=UTC)),  # Friday night
        (date(2026, 11, 22), datetime(2026, 11, 22, 22, 0, tzinfo=UTC)),  # Sunday
        (date(2026, 11, 18), datetime(2026, 12, 1, 9, 0, tzinfo=UTC)),  # a past date, checked later
    ],
)
def test_seed_times_are_in_order_in_the_past_and_in_this_week(today: date, now: datetime) -> None:
    times = seed_times(today, now)
    assert len(times) == len(FINDINGS)
    assert times == sorted(times)
    assert times[-1] <= now
    start = datetime.combine(monday_of(today), datetime.min.time(), UTC) - timedelta(hours=1)
    assert times[0] >= min(start, now - timedelta(hours=1))
    assert times[-1] < datetime.combine(today + timedelta(days=1), datetime.min.time(), UTC)


def test_seed_uses_the_real_command_path(tmp_path: Path) -> None:
    engine = store.connect(f"sqlite:///{tmp_path / 'seed.db'}")
    try:
        team = seed(engine, date(2026, 11, 19), now=datetime(2026, 11, 19, 15, 0, tzinfo=UTC))
        assert team.inspection.start_date == date(2026, 11, 16)
        assert [m.inspector.name for m in team.members] == [s.name for s in TEAM]
        assert store.log_position(engine, inspection_id=team.inspection.id)[1] == len(FINDINGS)
        for m in team.members:
            found = store.authenticate(engine, token=m.token)
            assert found is not None and found[0] == m.inspector
        events = [
            e
            for page in store.events_between(engine, inspection_id=team.inspection.id, after=0, upto=len(FINDINGS))
            for e in page
        ]
        assert [e.kind for e in events] == ["finding.posted"] * len(FINDINGS)
        assert [e.data["text"] for e in events] == [f.fields.text for f in FINDINGS]
        assert events[-1].at <= datetime(2026, 11, 19, 15, 0, tzinfo=UTC)
    finally:
        engine.dispose()


def test_prepare_reuses_an_earlier_demo_database(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    first = prepare(db, date(2026, 11, 17))
    again = prepare(db, date(2026, 11, 18))
    assert again == first


def test_simulator_picks_authors_who_cover_the_agency() -> None:
    team = _fake_team()
    simulator = Simulator("ws://unused", team, interval=1.0, rng=random.Random(7))
    for simulated in simulator.members:
        simulated._ws = object()  # type: ignore[assignment]  # pretend everyone is online
    queue: list[Any] = []
    for _ in range(3 * len(POOL)):
        chosen = simulator.next_finding(queue)
        assert chosen is not None
        author, fields = chosen
        inspector = author.member.inspector
        assert inspector.role == Role.INSPECTOR
        assert fields.agency in AGENCIES_BY_INSPECTORATE[inspector.inspectorate]
        assert fields.child_id is None or fields.child_id in CHILD_IDS


def _fake_team() -> DemoTeam:
    from server.demo import DemoMember
    from shared.protocol import Inspection, Inspector
    from shared.vocabulary import Framework

    members = [
        DemoMember(Inspector(id=i, name=s.name, inspectorate=s.inspectorate, role=s.role), f"token-{i}")
        for i, s in enumerate(TEAM, start=1)
    ]
    return DemoTeam(Inspection(id=1, name="x", framework=Framework.INTEGRATED), members)


# ---------------------------------------------------------------- the real thing


async def test_demo_cli_serves_seeded_inspection_and_live_team(tmp_path: Path) -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "server", "demo", "--db", str(tmp_path / "demo.db"),
        "--port", "0", "--simulate", "--interval", "0.2", "--seed", "1",
        cwd=REPO, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    try:
        line = await asyncio.wait_for(proc.stdout.readline(), 30)
        assert line, (await proc.stderr.read()).decode()
        announced = json.loads(line)
        members = announced["members"]
        assert announced["url"].startswith("ws://127.0.0.1:")
        assert announced["inspection"]["start_date"] == monday_of(local_today()).isoformat()
        assert members[0]["role"] == "lead"
        assert {m["inspectorate"] for m in members} == {i.value for i in Inspectorate}
        assert all(m["token"] for m in members)

        client = await WireClient.join(announced["url"], members[0]["token"], since=0)
        try:
            assert client.welcome is not None
            assert client.welcome.inspection.model_dump(mode="json") == announced["inspection"]
            assert {m.inspectorate for m in client.welcome.team} == set(Inspectorate)
            seeded = [e for e in client.replay if e.kind == "finding.posted"]
            assert len(seeded) >= 30
            for event in seeded:
                posted = FindingPosted.model_validate(event.data)  # agency/area rules re-checked here
                assert posted.child_id is None or re.fullmatch(CHILD_ID_PATTERN, posted.child_id)

            lead_id = client.me.id
            head = client.welcome.head
            live = await client.recv_until(
                Event, lambda e: e.seq > head and e.kind == "finding.posted" and e.actor.id != lead_id
            )
            assert FindingPosted.model_validate(live.data).finding_id.startswith("sim-")
            others = {m["id"] for m in members[1:]}
            await client.recv_until(Presence, lambda p: others <= set(p.online), timeout=TIMEOUT)
        finally:
            await client.close()

        proc.send_signal(signal.SIGTERM)
        returncode = await asyncio.wait_for(proc.wait(), 15)
        stderr = (await proc.stderr.read()).decode()
        assert returncode == 0, stderr
        assert "Traceback" not in stderr, stderr
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
