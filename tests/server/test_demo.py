"""The demo: its seed data is valid and anonymous, and ``python -m server demo`` really serves it.

By default it is a team at work: an emerging concern and a significant-harm escalation in progress, the lead's
next step still ahead (CP ¶32), a line of enquiry waiting for the lead, no KIT meeting yet today (CP ¶30), and the
rest of the team online, contributing every 20–40 s, the first within seconds. ``--quiet`` is the still demo.
The end-to-end tests run the CLI as a subprocess and join over a real WebSocket as the lead, exactly as
``triangulate demo`` will, so they check the JSON line, the seeded log, the live simulated team and a
clean exit on SIGTERM.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import random
import re
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from server.demo.child_protection import CHILD_PROTECTION
from server.demo.live_demo import DEFAULT_INTERVAL, FIRST_AFTER, DemoTeam, Simulator, local_today, prepare, seed
from server.demo.northmoor import (
    AGENCIES_BY_INSPECTORATE,
    CHILD_ID_PATTERN,
    CHILD_IDS,
    ENQUIRIES,
    ENQUIRY_POOL,
    FIELDWORK_DAYS,
    FINDINGS,
    NORTHMOOR,
    POOL,
    TEAM,
    TIMEZONE,
    finding_ref,
    member,
    monday_of,
    seed_times,
)
from server.demo.seed_plan import SeedContext, plan
from server.storage import database
from shared.alerts import AlertLevel, AlertStatus, Deadlines, next_deadline
from shared.enquiries import is_owner
from shared.findings import FindingPosted, PostFinding
from shared.meetings import OpenMeeting
from shared.protocol import Command, Event, Inspector, Presence
from shared.triangulation import Corroboration, Link, Relation, Source, corroboration_of_all
from shared.vocabulary import Agency, EvidenceSource, Framework, Inspectorate, Role, judgement_areas_for
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
    alerts = [text for a in NORTHMOOR.alerts + CHILD_PROTECTION.alerts for text in (a.summary, a.immediate_action)
              if text is not None]
    return [f.fields.text for f in FINDINGS] + [p.fields.text for p in POOL] + alerts


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


def seeded_log(
    tmp_path: Path, today: date, now: datetime, *, framework: Framework = Framework.INTEGRATED, at_work: bool = False
) -> tuple[DemoTeam, list[Event]]:
    engine = database.connect(f"sqlite:///{tmp_path / 'seed.db'}")
    try:
        team = seed(engine, today, now=now, framework=framework, at_work=at_work)
        head = database.log_position(engine, inspection_id=team.inspection.id)[1]
        pages = database.events_between(engine, inspection_id=team.inspection.id, after=0, upto=head)
        return team, [e for page in pages for e in page]
    finally:
        engine.dispose()


def test_seed_uses_the_real_command_path(tmp_path: Path) -> None:
    team, events = seeded_log(tmp_path, date(2026, 11, 19), datetime(2026, 11, 19, 15, 0, tzinfo=UTC))
    assert team.inspection.start_date == date(2026, 11, 16)
    assert [m.inspector.name for m in team.members] == [s.name for s in TEAM]
    engine = database.connect(f"sqlite:///{tmp_path / 'seed.db'}")
    try:
        for m in team.members:
            found = database.authenticate(engine, token=m.token)
            assert found is not None and found[0] == m.inspector
    finally:
        engine.dispose()
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    posted = [e for e in events if e.kind == "finding.posted"]
    assert [e.data["text"] for e in posted] == [f.fields.text for f in FINDINGS]
    assert [e.at for e in events] == sorted(e.at for e in events), "each step dated after the one before"
    assert events[-1].at <= datetime(2026, 11, 19, 15, 0, tzinfo=UTC)


def test_seed_holds_enquiries_links_and_yesterdays_closed_kit_meeting(tmp_path: Path) -> None:
    """Thursday afternoon: four lines of enquiry, five links and Wednesday's KIT meeting are on the record."""
    team, events = seeded_log(tmp_path, date(2026, 11, 19), datetime(2026, 11, 19, 15, 0, tzinfo=UTC))
    by_kind: dict[str, list[Event]] = {}
    for event in events:
        by_kind.setdefault(event.kind, []).append(event)

    opened = {e.data["enquiry_id"]: e.data for e in by_kind["enquiry.opened"]}
    assert len(opened) == len(ENQUIRIES) == 4
    ways = ("to_inspectorate", "to_agency", "to_inspector")
    addressed = [next(way for way in ways if data[way]) for data in opened.values()]
    assert set(addressed) == {"to_inspectorate", "to_agency", "to_inspector"}
    status = {e.data["enquiry_id"]: e.data["status"] for e in events if e.kind.startswith("enquiry.")}
    assert sorted(status.values()) == ["answered", "closed", "in-progress", "open"]
    waiting = [i for i, s in status.items() if s == "open"]
    assert opened[waiting[0]]["needs_la_input"], "the open one needs the local authority's input"

    sources = {e.data["finding_id"]: Source(e.actor.inspectorate, EvidenceSource(e.data["evidence_source"]))
               for e in by_kind["finding.posted"]}
    links = [Link(e.data["link_id"], e.data["finding_id"], e.data["other_finding_id"], Relation(e.data["relation"]))
             for e in by_kind["finding.linked"]]
    assert {link.relation for link in links} == set(Relation)
    for link in links:
        if link.relation is Relation.CORROBORATES:
            assert sources[link.finding_id].inspectorate != sources[link.other_finding_id].inspectorate
    statuses = corroboration_of_all(links, sources)
    assert statuses[finding_ref("Strategy discussion held within 24 hours")] is Corroboration.CORROBORATED
    assert statuses[finding_ref("School nurse identified indicators")] is Corroboration.CONTESTED

    (meeting,) = by_kind["meeting.opened"]
    assert meeting.data["kind"] == "kit" and meeting.data["day"] == "2026-11-18"
    assert meeting.at.astimezone(ZoneInfo(TIMEZONE)).date() == date(2026, 11, 18)
    agenda = meeting.data["agenda"]
    assert agenda[0]["ref"] == finding_ref("Annex A data received")  # the LA's weaknesses come first
    posted_before = {e.data["finding_id"] for e in by_kind["finding.posted"] if e.seq < meeting.seq}
    assert {item["ref"] for item in agenda if item["section"] == "findings"} == posted_before
    recorded = [e.data for e in by_kind["meeting.recorded"]]
    assert {r["entry"] for r in recorded} == {"note", "la-response", "action"}
    assert all(r["item_id"] in (agenda[0]["id"], None) for r in recorded)
    (action,) = [r for r in recorded if r["entry"] == "action"]
    assert action["owner"] and action["due"] == "2026-11-20"
    (closed,) = by_kind["meeting.closed"]
    (amended,) = by_kind["meeting.amended"]
    assert closed.seq < amended.seq and amended.data["entry_id"] == action["entry_id"]
    assert amended.data["reason"] and amended.data["due"] == "2026-11-23"  # Friday + one working day
    assert {e.actor.id for e in events if e.kind.startswith(("meeting.", "agenda."))} == {team.lead.inspector.id}


@pytest.mark.parametrize(
    ("today", "now", "kit_day"),
    [
        # Early in a week, fieldwork began the week before: the KIT is on its last seeded day, the Friday.
        (date(2026, 11, 16), datetime(2026, 11, 16, 0, 10, tzinfo=UTC), date(2026, 11, 13)),  # Monday, 00:10
        (date(2026, 11, 16), datetime(2026, 11, 16, 10, 0, tzinfo=UTC), date(2026, 11, 13)),  # Monday morning
        (date(2026, 11, 17), datetime(2026, 11, 17, 7, 0, tzinfo=UTC), date(2026, 11, 13)),  # Tuesday, early
        (date(2026, 11, 20), datetime(2026, 11, 20, 23, 0, tzinfo=UTC), date(2026, 11, 19)),  # Friday night
        (date(2026, 11, 22), datetime(2026, 11, 22, 22, 0, tzinfo=UTC), date(2026, 11, 20)),  # Sunday: Friday's
        (date(2026, 11, 18), datetime(2026, 12, 1, 9, 0, tzinfo=UTC), date(2026, 11, 13)),  # a past date
    ],
)
def test_the_seed_plan_is_in_order_in_the_past_with_the_kit_on_the_previous_fieldwork_day(
    today: date, now: datetime, kit_day: date
) -> None:
    steps = plan(today, now)
    assert [s.at for s in steps] == sorted(s.at for s in steps) and steps[-1].at <= now
    members = {spec.key: Inspector(id=n, name=spec.name, inspectorate=spec.inspectorate, role=spec.role)
               for n, spec in enumerate(TEAM, start=1)}
    context = SeedContext(members, salt=bytes(16), sampled=[f"NM-{n}" for n in range(10_000, 10_050)])
    commands = [step.build(context) for step in steps]
    (meeting,) = [c for c in commands if isinstance(c, OpenMeeting)]
    assert meeting.day == kit_day < today, "today's KIT is the lead's to hold (CP ¶30)"


THURSDAY, THURSDAY_AFTERNOON = date(2026, 11, 19), datetime(2026, 11, 19, 15, 0, tzinfo=UTC)


def latest(events: list[Event], prefix: str, key: str) -> dict[str, str]:
    """Each alert's or enquiry's status as its events left it."""
    return {e.data[key]: e.data["status"] for e in events if e.kind.startswith(prefix) and "status" in e.data}


@pytest.mark.parametrize("framework", list(Framework))
def test_cp32_a_team_at_work_has_both_alerts_open_the_leads_next_step_ahead_an_enquiry_waiting_no_kit_today(
    tmp_path: Path, framework: Framework
) -> None:
    """The headline a new user sees (CP ¶32: the escalation's next step counting down; CP ¶30: today's KIT not
    held yet); an emerging concern has no deadline of its own, so it is simply open. ``--quiet`` seeds none of the
    alerts and otherwise the same record."""
    team, events = seeded_log(tmp_path, THURSDAY, THURSDAY_AFTERNOON, framework=framework, at_work=True)
    lead = team.lead.inspector
    raised = {AlertLevel(e.data["level"]): e for e in events if e.kind == "alert.raised"}
    assert set(raised) == set(AlertLevel)
    alerts = latest(events, "alert.", "alert_id")
    concern, harm = raised[AlertLevel.EMERGING_CONCERN], raised[AlertLevel.SIGNIFICANT_HARM]
    assert alerts[concern.data["alert_id"]] == AlertStatus.OPEN.value
    assert alerts[harm.data["alert_id"]] == AlertStatus.ACKNOWLEDGED.value
    assert [e.actor.id for e in events if e.kind == "alert.acknowledged"] == [lead.id]
    due = next_deadline(AlertStatus.ACKNOWLEDGED, harm.at, None, Deadlines())
    assert due is not None and due > THURSDAY_AFTERNOON + timedelta(minutes=30), "time left to inform"
    assert all(e.at <= THURSDAY_AFTERNOON for e in events)
    for alert in raised.values():
        seers = {e.actor.id for e in events if e.kind == "alert.seen" and e.data["alert_id"] == alert.data["alert_id"]}
        assert seers and not seers & {alert.actor.id, lead.id}, "teammates saw it; the lead is the one watching"

    opened = {e.data["enquiry_id"]: e.data for e in events if e.kind == "enquiry.opened"}
    waiting = [data for enquiry_id, data in opened.items() if latest(events, "enquiry.", "enquiry_id")[enquiry_id] ==
               "open" and is_owner(lead, to_inspectorate=data["to_inspectorate"], to_agency=data["to_agency"],
                                   to_inspector=data["to_inspector"])]
    assert waiting, "a line of enquiry waits in the lead's inbox"

    kits = [e.data["day"] for e in events if e.kind == "meeting.opened" and e.data["kind"] == "kit"]
    assert kits == [(THURSDAY - timedelta(days=1)).isoformat()], "yesterday's KIT was held, today's not yet"
    assert not any("personal_data" in e.data for e in events)

    (tmp_path / "quiet").mkdir()
    _, still = seeded_log(tmp_path / "quiet", THURSDAY, THURSDAY_AFTERNOON, framework=framework)
    assert not any(e.kind.startswith("alert.") for e in still)
    assert [(e.kind, e.at) for e in still] == [(e.kind, e.at) for e in events if not e.kind.startswith("alert.")]


async def test_the_team_contributes_every_20_to_40_seconds_the_first_within_seconds_once_online() -> None:
    """Gently paced, on an injected clock (nothing really waits): nothing until the team is online, then a finding
    within a few seconds, so a new user sees something happen, then one contribution every 20–40 s."""
    happened: list[str | float] = []
    sent: list[Command] = []
    enough = asyncio.Event()

    async def sleep(seconds: float) -> None:
        happened.append(seconds)
        if len(happened) > 60:
            enough.set()
            await asyncio.Event().wait()  # parked until cancelled

    simulator = Simulator("ws://unused", _fake_team(), interval=DEFAULT_INTERVAL, rng=random.Random(11), sleep=sleep)
    _witness_seed(simulator)
    for simulated in simulator.members:
        simulated._ws = object()  # type: ignore[assignment]

        async def send(command: Command) -> None:
            sent.append(command)

        simulated.send = send  # type: ignore[method-assign]
    contributing = asyncio.create_task(simulator._contribute_forever())
    try:
        await asyncio.sleep(0)  # it runs until it waits for the team
        for simulated in simulator.members:
            happened.append(f"{simulated.inspector.name} online")
            simulated.synced.set()
        await asyncio.wait_for(enough.wait(), TIMEOUT)
    finally:
        contributing.cancel()
    team = len(simulator.members)
    assert all(isinstance(entry, str) for entry in happened[:team])
    pauses = [entry for entry in happened[team:] if isinstance(entry, float)]
    assert len(pauses) == len(happened) - team
    assert FIRST_AFTER[0] <= pauses[0] <= FIRST_AFTER[1] <= 5
    assert all(20 <= pause <= 40 for pause in pauses[1:]) and 25 < sum(pauses[1:]) / len(pauses[1:]) < 35
    assert isinstance(sent[0], PostFinding), "a finding first: the board moves"
    assert {type(command) for command in sent} > {PostFinding}, "now and then an alert, an enquiry or a link"


def test_the_simulated_team_is_everyone_but_the_person_at_the_keyboard() -> None:
    """The lead by default; ``triangulate demo --as NAME`` names another, and then the lead is simulated too."""
    team = _fake_team()
    everyone = [m.inspector.id for m in team.members]
    default = Simulator("ws://unused", team, interval=1.0, rng=random.Random(1))
    assert [m.inspector.id for m in default.members] == everyone[1:]
    priya = team.members[2].inspector
    assert priya.inspectorate is Inspectorate.CQC
    chosen = Simulator("ws://unused", team, interval=1.0, rng=random.Random(1), user=priya.id)
    assert [m.inspector.id for m in chosen.members] == [i for i in everyone if i != priya.id]


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


def test_simulated_links_join_related_findings_from_different_inspectorates() -> None:
    simulator = _online_simulator(seed=5)
    _witness_seed(simulator)
    made = []
    for _ in range(40):
        chosen = simulator.next_link()
        if chosen is None:
            continue
        author, command = chosen
        seen = simulator.record.findings
        first, other = seen[command.finding_id], seen[command.other_finding_id]
        assert first.inspectorate != other.inspectorate
        assert author.inspector.inspectorate == first.inspectorate, "an inspector links their own finding"
        assert (first.child_id and first.child_id == other.child_id) or (first.area and first.area == other.area)
        made.append((command.finding_id, command.other_finding_id, command.relation, command.note))
    assert len(made) >= 30 and {relation for _, _, relation, _ in made} == set(Relation)
    again = _online_simulator(seed=5)
    _witness_seed(again)
    repeat = [c for c in (again.next_link() for _ in range(40)) if c is not None]
    assert [(c.finding_id, c.other_finding_id, c.relation, c.note) for _, c in repeat] == made


def test_simulated_enquiries_are_asked_by_someone_they_are_not_addressed_to() -> None:
    simulator = _online_simulator(seed=3)
    _witness_seed(simulator)
    queue: list[Any] = []
    for _ in range(2 * len(ENQUIRY_POOL)):
        chosen = simulator.next_enquiry(queue)
        assert chosen is not None
        asker, command = chosen
        if command.to_agency is not Agency.LSCB:
            assert not is_owner(asker.inspector, to_inspectorate=command.to_inspectorate,
                                to_agency=command.to_agency, to_inspector=None)
        assert all(re.fullmatch(CHILD_ID_PATTERN, child) for child in command.child_ids)
        for finding_id in command.finding_ids:
            assert simulator.record.findings[finding_id].agency == command.to_agency


def _online_simulator(seed: int) -> Simulator:
    simulator = Simulator("ws://unused", _fake_team(), interval=1.0, rng=random.Random(seed))
    for simulated in simulator.members:
        simulated._ws = object()  # type: ignore[assignment]  # pretend everyone is online
    return simulator


def _witness_seed(simulator: Simulator) -> None:
    """Feed the simulator the seed findings as if replayed to it."""
    team = _fake_team()
    authors = {spec.key: m.inspector for spec, m in zip(TEAM, team.members, strict=True)}
    for number, seeded in enumerate(FINDINGS, start=1):
        simulator.record.witness(Event(seq=number, kind="finding.posted", actor=authors[seeded.author],
                                       at=datetime(2026, 11, 16, tzinfo=UTC),
                                       data={"finding_id": f"seed-{number:03d}", **seeded.fields.fields()}))


def _fake_team() -> DemoTeam:
    from server.demo.live_demo import DemoMember
    from shared.protocol import Inspection
    from shared.vocabulary import Framework

    members = [
        DemoMember(Inspector(id=i, name=s.name, inspectorate=s.inspectorate, role=s.role), f"token-{i}")
        for i, s in enumerate(TEAM, start=1)
    ]
    return DemoTeam(Inspection(id=1, name="x", framework=Framework.INTEGRATED), members)


# ---------------------------------------------------------------- the real thing


@asynccontextmanager
async def demo_process(
    tmp_path: Path, *options: str, stdin: bool = False
) -> AsyncIterator[tuple[dict[str, Any], asyncio.subprocess.Process]]:
    """``python -m server demo`` with ``options`` (and a pipe to its stdin if asked): its JSON line and the process;
    on leaving, SIGTERM and a clean exit."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "server", "demo", "--db", str(tmp_path / "demo.db"), "--port", "0", *options,
        cwd=REPO, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        stdin=asyncio.subprocess.PIPE if stdin else asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    try:
        line = await asyncio.wait_for(proc.stdout.readline(), 30)
        assert line, (await proc.stderr.read()).decode()
        yield json.loads(line), proc
        proc.send_signal(signal.SIGTERM)
        returncode = await asyncio.wait_for(proc.wait(), 15)
        stderr = (await proc.stderr.read()).decode()
        assert returncode == 0, stderr
        assert "Traceback" not in stderr, stderr
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def test_demo_cli_serves_seeded_inspection_and_live_team(tmp_path: Path) -> None:
    async with demo_process(tmp_path, "--interval", "0.2", "--seed", "1") as (announced, _):
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
            kinds = {e.kind for e in client.replay}
            assert {"enquiry.opened", "enquiry.answered", "enquiry.closed", "finding.linked"} <= kinds
            assert {"meeting.opened", "meeting.recorded", "meeting.closed", "meeting.amended"} <= kinds
            assert {"alert.raised", "alert.seen", "alert.acknowledged"} <= kinds, "alerts in progress"
            for event in seeded:
                posted = FindingPosted.model_validate(event.data)  # agency/area rules re-checked here
                assert posted.child_id is None or re.fullmatch(CHILD_ID_PATTERN, posted.child_id)

            lead_id = client.me.id
            head = client.welcome.head
            live = await client.recv_until(
                Event, lambda e: e.seq > head and e.kind == "finding.posted" and e.actor.id != lead_id
            )
            assert FindingPosted.model_validate(live.data).finding_id.startswith("sim-")
            def triangulated(e: Event) -> bool:
                made = e.data.get("enquiry_id") or e.data.get("link_id") or ""
                return e.kind in ("enquiry.opened", "finding.linked") and made.startswith("sim-")

            await client.recv_until(Event, triangulated, timeout=3 * TIMEOUT)  # the team triangulates too
            others = {m["id"] for m in members[1:]}
            await client.recv_until(Presence, lambda p: others <= set(p.online), timeout=TIMEOUT)
        finally:
            await client.close()


async def test_demo_cli_leaves_out_of_its_team_the_member_named_on_stdin(tmp_path: Path) -> None:
    """``triangulate demo --as NAME`` says on stdin whom it joined as: everyone else comes online, the lead too."""
    async with demo_process(tmp_path, "--user-on-stdin", "--interval", "0.2", stdin=True) as (announced, proc):
        members = announced["members"]
        me = members[2]
        assert proc.stdin is not None
        proc.stdin.write(f"{me['id']}\n".encode())
        await proc.stdin.drain()
        client = await WireClient.join(announced["url"], me["token"], since=0)
        try:
            others = {m["id"] for m in members} - {me["id"]}
            await client.recv_until(Presence, lambda p: others <= set(p.online), timeout=TIMEOUT)
            head = client.welcome.head if client.welcome else 0
            live = await client.recv_until(Event, lambda e: e.seq > head and e.kind == "finding.posted")
            assert live.actor is not None and live.actor.id != me["id"], "nobody posts as the person at the keyboard"
        finally:
            await client.close()


async def test_demo_cli_quiet_is_the_still_demo(tmp_path: Path) -> None:
    """No simulated team: when a second member joins, the two of them are everyone online; no alerts seeded."""
    async with demo_process(tmp_path, "--quiet", "--interval", "0.2") as (announced, _):
        lead, other = announced["members"][:2]
        client = await WireClient.join(announced["url"], lead["token"], since=0)
        try:
            assert not any(e.kind.startswith("alert.") for e in client.replay)
            assert sum(e.kind == "finding.posted" for e in client.replay) >= 30
            teammate = await WireClient.join(announced["url"], other["token"], since=0)
            try:
                both = {lead["id"], other["id"]}
                presence = await client.recv_until(Presence, lambda p: other["id"] in p.online)
                assert set(presence.online) == both
            finally:
                await teammate.close()
        finally:
            await client.close()


def test_just_after_midnight_on_a_monday_the_record_still_spans_the_days_of_fieldwork() -> None:
    """Seen in the demo: fieldwork that 'began today' squeezed every seeded finding into a few minutes."""
    today = date(2026, 11, 23)  # a Monday
    times = seed_times(today, datetime(2026, 11, 23, 0, 10, tzinfo=UTC))
    assert monday_of(today) == date(2026, 11, 16)
    assert max(times) - min(times) > timedelta(days=3)
    assert len({t.date() for t in times}) == FIELDWORK_DAYS


def test_seed_imports_the_annex_a_list_draws_the_sample_and_shares_it_out(tmp_path: Path) -> None:
    """Thursday afternoon: Monday's import, draw and allocation, and the progress recorded since, minimised."""
    from server.demo.case_list import GOOD_PRACTICE, POPULATION, WORKERS, annex_a_csv

    _, events = seeded_log(tmp_path, date(2026, 11, 19), datetime(2026, 11, 19, 15, 45, tzinfo=UTC))
    imported = [case for e in events if e.kind == "cases.imported" for case in e.data["cases"]]
    assert len(imported) == POPULATION and all("date_of_birth" not in case for case in imported)
    (drawn,) = [e.data for e in events if e.kind == "sample.drawn"]
    chosen = {case["child_id"]: case["selection"] for case in drawn["cases"]}
    assert sum(selection == "random" for selection in chosen.values()) == 50
    assert {child for child, selection in chosen.items() if selection == "good-practice"} == set(GOOD_PRACTICE)
    allocated = [e.data for e in events if e.kind == "case.allocated"]
    assert allocated and all(data["child_id"] in chosen for data in allocated)
    progressed = [e for e in events if e.kind == "case.progressed"]
    assert progressed and all(e.at <= datetime(2026, 11, 19, 15, 45, tzinfo=UTC) for e in progressed)
    stored = (tmp_path / "seed.db").read_bytes()
    assert not any(name.encode() in stored for name in WORKERS), "worker names are never stored"
    rows = list(csv.DictReader(io.StringIO(annex_a_csv(date(2026, 11, 16)).decode())))
    other_dates = {value for row in rows for key, value in row.items() if key != "Date of Birth"}
    births = {datetime.strptime(row["Date of Birth"], "%d/%m/%Y").date().isoformat() for row in rows
              if row["Date of Birth"] not in other_dates}
    assert births and not any(day.encode() in stored for day in births), "no date of birth is stored"
