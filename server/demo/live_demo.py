"""A ready-made inspection to try Triangulate with: a seeded team and record, and the rest of the team at work.

``python -m server demo --db PATH`` seeds a fresh database (fictional Northmoor inspection, see
server.demo.northmoor; ``--framework child-protection`` for Ofsted's inspection under the 2012 framework, see
server.demo.child_protection), starts the real team server and prints one JSON line with the URL and everyone's
token, so a client (``triangulate demo``) can join as the lead. Seed findings go through the same command handler as
live ones, so the demo's log is a real log. The seed holds lines of enquiry (one waiting for the lead), links and the
previous fieldwork day's closed KIT meeting, none for today (server.demo.seed_plan).

By default the demo shows a team at work: an emerging concern and a significant-harm escalation raised minutes
before it started (the lead's next step counting down), and the rest of the team connected over real WebSockets,
contributing every 20–40 s, the first within seconds: mostly a finding, now and then a risk alert (the others
confirm they have seen it), a line of enquiry or a link. The simulated team is everyone but the lead, or, with
``--user-on-stdin``, everyone but the member ``triangulate demo --as NAME`` joins as. ``--quiet`` is the still
demo: the seed alone, no alerts, nobody else online.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import random
import signal
import sys
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

import click
from sqlalchemy import Engine, event
from sqlmodel import Session
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from server.cli.clean_errors import listening
from server.demo.child_protection import CHILD_PROTECTION
from server.demo.link_choices import SeenRecord, choose_enquiry, choose_link
from server.demo.northmoor import (
    AGENCIES_BY_INSPECTORATE,
    CHILD_IDS,
    NORTHMOOR,
    TIMEZONE,
    DemoRecord,
    PoolAlert,
    PoolEnquiry,
    PoolFinding,
    monday_of,
)
from server.demo.seed_plan import apply_plan, plan
from server.network.team_server import ServerConfig, TeamServer
from server.storage import database
from shared.alerts import AlertEscalated, AlertLevel, AlertRaised, MarkAlertSeen, RaiseAlert
from shared.catalogue import read_payload
from shared.enquiries import OpenEnquiry
from shared.findings import FindingFields, PostFinding
from shared.protocol import (
    UNAUTHORIZED_CLOSE,
    Command,
    Error,
    Event,
    Hello,
    Inspection,
    Inspector,
    Synced,
    decode_server,
    encode,
)
from shared.triangulation import LinkFindings
from shared.vocabulary import Agency, Framework, Role

log = logging.getLogger(__name__)

DEFAULT_INTERVAL = 30.0
"""Mean seconds between the simulated team's contributions: now and then, as people at work post."""
JITTER = 1 / 3
"""Each pause is the interval give or take this share of it: 20–40 s by default."""
FIRST_AFTER = (2.0, 5.0)
"""Seconds after the team is online before its first contribution (at most one interval), so a new user sees
something happen at once."""
ONLINE_WAIT = 15.0
"""The team starts contributing after this long even if a member has not got online."""
ALERT_CHANCE = 0.1
"""Each simulated contribution is a risk alert rather than a finding with this chance: now and then."""
ENQUIRY_CHANCE = 0.07
"""...or a new line of enquiry, with this chance..."""
LINK_CHANCE = 0.1
"""...or a link between two findings from different inspectorates, with this one."""
SEEN_DELAY = (2.0, 12.0)
"""Seconds before a simulated member confirms they have seen a teammate's alert."""


@dataclass(frozen=True)
class DemoMember:
    inspector: Inspector
    token: str


@dataclass(frozen=True)
class DemoTeam:
    """The demo inspection and its people with their tokens (lead first); tokens exist only here."""

    inspection: Inspection
    members: list[DemoMember]

    @property
    def lead(self) -> DemoMember:
        return self.members[0]

    def announcement(self, url: str) -> dict[str, Any]:
        """The one JSON line a client reads to join the demo."""
        return {
            "url": url,
            "inspection": self.inspection.model_dump(mode="json"),
            "members": [
                {
                    "id": m.inspector.id,
                    "name": m.inspector.name,
                    "inspectorate": m.inspector.inspectorate.value,
                    "role": m.inspector.role.value,
                    "token": m.token,
                }
                for m in self.members
            ],
        }


# ---------------------------------------------------------------- seeding

RECORDS: dict[Framework, DemoRecord] = {Framework.INTEGRATED: NORTHMOOR, Framework.CHILD_PROTECTION: CHILD_PROTECTION}
"""The demo of each framework (``--framework``): both run on the same server code, side by side if need be."""

FIELDWORK_LENGTH = timedelta(days=11)
"""Two weeks on site, Monday to the second Friday: the reporting clock counts from that Friday."""


def seed(
    engine: Engine,
    today: date,
    *,
    now: datetime | None = None,
    framework: Framework = Framework.INTEGRATED,
    at_work: bool = False,
) -> DemoTeam:
    """Create the framework's demo inspection, its team and its record so far; fieldwork began this Monday.

    The record: findings, lines of enquiry, links, emerging grades and yesterday's closed KIT meeting (see
    server.demo.northmoor, server.demo.child_protection and server.demo.seed_plan); ``at_work`` adds the alerts
    in progress, raised minutes before ``now``.
    """
    record = RECORDS[framework]
    inspection = database.create_inspection(
        engine, name=record.name, framework=record.framework, start_date=monday_of(today),
        end_date=monday_of(today) + FIELDWORK_LENGTH, timezone=TIMEZONE,
    )
    members: dict[str, DemoMember] = {}
    for spec in record.team:
        inspector, token = database.add_inspector(
            engine, inspection_id=inspection.id, name=spec.name, inspectorate=spec.inspectorate, role=spec.role
        )
        members[spec.key] = DemoMember(inspector, token)
    # One transaction through the real handler: findings, enquiries, links and meetings are ordinary events,
    # each dated when it happened and applied in that order (server.demo.seed_plan).
    steps = plan(today, now or datetime.now(UTC), record=record, at_work=at_work)
    with Session(engine) as session:
        apply_plan(session, inspection_id=inspection.id, members={k: m.inspector for k, m in members.items()},
                   steps=steps)
        session.commit()
    return DemoTeam(inspection, [members[spec.key] for spec in record.team])


def tokens_path(db_path: Path) -> Path:
    """Where a demo database keeps its (fictional) team's tokens, so a second run can reuse it."""
    return db_path.with_name(db_path.name + ".demo-tokens.json")


def prepare(
    db_path: Path, today: date, framework: Framework = Framework.INTEGRATED, *, at_work: bool = False
) -> DemoTeam:
    """Seed ``db_path`` with the framework's demo if it holds no inspection (``at_work``: with its alerts in
    progress); otherwise reopen the demo seeded there before (its framework was chosen once, when it was created).

    Tokens are stored only hashed in the database, so the demo writes its team's tokens beside it
    (owner-only). They unlock nothing but fictional demo data.
    """
    engine = database.connect(f"sqlite:///{db_path}")
    event.listen(engine, "checkout", _seeding)
    try:
        sidecar = tokens_path(db_path)
        if not database.list_inspections(engine):
            team = seed(engine, today, framework=framework, at_work=at_work)
            saved = {"inspection_id": team.inspection.id, "tokens": [m.token for m in team.members]}
            with os.fdopen(os.open(sidecar, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as fh:
                json.dump(saved, fh)
            return team
        if not sidecar.exists():
            raise click.ClickException(
                f"{db_path} already holds data that is not a Triangulate demo; use a new --db path"
            )
        saved = json.loads(sidecar.read_text())
        members: list[DemoMember] = []
        for token in saved["tokens"]:
            found = database.authenticate(engine, token=token)
            if found is None:
                raise click.ClickException(f"a demo token in {sidecar} no longer works; use a new --db path")
            members.append(DemoMember(found[0], token))
        return DemoTeam(database.get_inspection(engine, inspection_id=saved["inspection_id"]), members)
    finally:
        engine.dispose()


def _seeding(dbapi_connection: Any, _record: object, _proxy: object) -> None:
    """The seed's commits are not each flushed to the disk (measured: 0.2-0.3 s of its 0.65-0.8 s at load 3): WAL
    with synchronous=NORMAL keeps the file consistent through a power cut, which can lose only the end of a fictional
    seed, not corrupt it. The server that serves the demo opens its own connections, with full fsync."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


# ---------------------------------------------------------------- the simulated team


class SimulatedMember:
    """One team member's live connection: stays connected (so presence shows them) and posts on request."""

    def __init__(
        self,
        url: str,
        member: DemoMember,
        on_event: Callable[[SimulatedMember, Event], None] | None = None,
        on_record: Callable[[Event], None] | None = None,
    ):
        self.url = url
        self.member = member
        self.on_event = on_event
        """Called for each live event (not the replay)."""
        self.on_record = on_record
        """Called for every event, replayed or live: what this member has read of the record."""
        self._ws: ClientConnection | None = None
        self._since = 0
        self.synced = asyncio.Event()
        """Set once this member has caught up with the record and is online."""

    @property
    def ready(self) -> bool:
        return self._ws is not None

    @property
    def inspector(self) -> Inspector:
        return self.member.inspector

    def may_write(self, entry: PoolFinding) -> bool:
        """Inspectors (not the QA manager) write findings about the agencies their inspectorate covers."""
        return self.covers(entry.fields.agency)

    def covers(self, agency: Agency) -> bool:
        inspector = self.member.inspector
        return inspector.role == Role.INSPECTOR and agency in AGENCIES_BY_INSPECTORATE.get(inspector.inspectorate, ())

    async def run(self) -> None:
        """Stay connected until cancelled; reconnect after a drop, give up on a refused token."""
        while True:
            try:
                async with connect(self.url, proxy=None, max_size=None) as ws:
                    await ws.send(encode(Hello(token=self.member.token, since=self._since)))
                    await self._read(ws)
            except (OSError, ConnectionClosed) as exc:
                if isinstance(exc, ConnectionClosed) and exc.rcvd and exc.rcvd.code == UNAUTHORIZED_CLOSE:
                    log.warning("simulated %s was refused; stopping", self.member.inspector.name)
                    return
                log.info("simulated %s disconnected (%s); reconnecting", self.member.inspector.name, exc)
            finally:
                self._ws = None
            await asyncio.sleep(1.0)

    async def _read(self, ws: ClientConnection) -> None:
        """Keep reading: the server closes connections that stop reading their events."""
        async for raw in ws:
            frame = decode_server(raw)
            if isinstance(frame, Event):
                self._since = frame.seq
                if self.on_record is not None:
                    self.on_record(frame)
                if self._ws is ws and self.on_event is not None:  # live, not replayed
                    self.on_event(self, frame)
            elif isinstance(frame, Synced):
                self._ws = ws
                self.synced.set()
            elif isinstance(frame, Error):
                log.warning("simulated %s got error: %s", self.member.inspector.name, frame.message)

    async def post(self, fields: FindingFields) -> None:
        await self.send(PostFinding(id=f"sim-{uuid.uuid4().hex}", **fields.fields()))

    async def send(self, command: Command) -> None:
        if self._ws is None:
            return
        with contextlib.suppress(ConnectionClosed):
            await self._ws.send(encode(command))


class Simulator:
    """The rest of the team at work: everyone but ``user`` (the lead unless told otherwise) online, one
    contribution every ``interval`` s or so.

    The first comes a few seconds after the team is online and is a finding. After that the contribution is now
    and then (``alert_chance``) a risk alert; whoever did not raise it confirms they have seen it a few seconds
    later, so the lead watches the "seen by" list fill up. Now and then, too, someone opens a line of enquiry
    (``enquiry_chance``) or links two findings from different inspectorates (``link_chance``), so the
    triangulation views change while the lead watches. ``sleep`` is the clock the pauses are waited on.
    """

    def __init__(
        self,
        url: str,
        team: DemoTeam,
        *,
        interval: float,
        rng: random.Random,
        alert_chance: float = ALERT_CHANCE,
        enquiry_chance: float = ENQUIRY_CHANCE,
        link_chance: float = LINK_CHANCE,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        user: int | None = None,
    ) -> None:
        self.record = SeenRecord()
        self.content = RECORDS[team.inspection.framework]
        """What this inspection's simulated team draws on (the framework's pools)."""
        user = team.lead.inspector.id if user is None else user
        self.members = [SimulatedMember(url, m, self._noticed, self.record.witness) for m in team.members
                        if m.inspector.id != user]
        self.interval = interval
        self.rng = rng
        self.alert_chance = alert_chance
        self.enquiry_chance = enquiry_chance
        self.link_chance = link_chance
        self.sleep = sleep
        self._seeing: set[asyncio.Task[None]] = set()

    async def run(self) -> None:
        async with asyncio.TaskGroup() as group:
            for simulated in self.members:
                group.create_task(simulated.run())
            group.create_task(self._contribute_forever())

    def next_finding(self, queue: list[PoolFinding]) -> tuple[SimulatedMember, FindingFields] | None:
        """Take the next pool entry and an author who is online and covers its agency."""
        if not queue:
            queue.extend(self.content.pool)
            self.rng.shuffle(queue)
        entry = queue.pop()
        authors = [m for m in self.members if m.ready and m.may_write(entry)]
        if not authors:
            return None
        fields = entry.fields
        if entry.about_child:
            fields = fields.model_copy(update={"child_id": self.rng.choice(CHILD_IDS)})
        return self.rng.choice(authors), fields

    def next_alert(self, queue: list[PoolAlert]) -> tuple[SimulatedMember, RaiseAlert] | None:
        """Take the next alert from the pool, raised by an online inspector who covers its agency."""
        if not queue:
            queue.extend(self.content.alert_pool)
            self.rng.shuffle(queue)
        entry = queue.pop()
        authors = [m for m in self.members if m.ready and m.covers(entry.agency)]
        if not authors:
            return None
        command = RaiseAlert(
            id=f"sim-{uuid.uuid4().hex}",
            level=AlertLevel.SIGNIFICANT_HARM if entry.harm else AlertLevel.EMERGING_CONCERN,
            agency=entry.agency,
            child_id=self.rng.choice(CHILD_IDS) if entry.about_child or entry.harm else None,
            summary=entry.summary,
            immediate_action=entry.immediate_action,
        )
        return self.rng.choice(authors), command

    def next_enquiry(self, queue: list[PoolEnquiry]) -> tuple[SimulatedMember, OpenEnquiry] | None:
        """Take the next line of enquiry from the pool, asked by an online member it is not addressed to."""
        if not queue:
            queue.extend(self.content.enquiry_pool)
            self.rng.shuffle(queue)
        return choose_enquiry(self.rng, queue.pop(), self.record, self.members)

    def next_link(self) -> tuple[SimulatedMember, LinkFindings] | None:
        """Link a finding to a related one from another inspectorate (same child, or same judgement area)."""
        return choose_link(self.rng, self.record, self.members)

    def _noticed(self, member: SimulatedMember, event: Event) -> None:
        """A teammate raised an alert: this member confirms they have seen it, after a moment."""
        alert = read_payload(event)
        if not isinstance(alert, AlertRaised | AlertEscalated):
            return
        if event.actor is not None and event.actor.id == member.member.inspector.id:
            return
        see = MarkAlertSeen(id=f"sim-{uuid.uuid4().hex}", alert_id=alert.alert_id)
        delay = self.rng.uniform(*SEEN_DELAY) * min(1.0, self.interval / DEFAULT_INTERVAL)

        async def later() -> None:
            await self.sleep(delay)
            await member.send(see)

        task = asyncio.create_task(later())
        self._seeing.add(task)
        task.add_done_callback(self._seeing.discard)

    def pauses(self) -> Iterator[float]:
        """Seconds before each contribution: the first within a few seconds, then ``interval`` give or take a
        third."""
        yield min(self.rng.uniform(*FIRST_AFTER), self.interval)
        while True:
            yield self.interval * self.rng.uniform(1 - JITTER, 1 + JITTER)

    async def online(self) -> None:
        """Until every member has caught up and is online (or ONLINE_WAIT has passed)."""
        waits = [asyncio.create_task(m.synced.wait()) for m in self.members]
        try:
            if waits:
                await asyncio.wait(waits, timeout=ONLINE_WAIT)
        finally:
            for wait in waits:
                wait.cancel()

    async def _contribute_forever(self) -> None:
        await self.online()
        queue: list[PoolFinding] = []
        alerts: list[PoolAlert] = []
        enquiries: list[PoolEnquiry] = []
        for turn, pause in enumerate(self.pauses()):
            await self.sleep(pause)
            draw = 1.0 if turn == 0 else self.rng.random()  # a finding first: the board moves at once
            other: tuple[SimulatedMember, Command] | None
            if draw < self.alert_chance:
                other = self.next_alert(alerts)
            elif draw < self.alert_chance + self.enquiry_chance:
                other = self.next_enquiry(enquiries)
            elif draw < self.alert_chance + self.enquiry_chance + self.link_chance:
                other = self.next_link()
            else:
                chosen = self.next_finding(queue)
                if chosen is not None:
                    author, fields = chosen
                    await author.post(fields)
                continue
            if other is not None:
                await other[0].send(other[1])


# ---------------------------------------------------------------- running


async def read_user(stream: TextIO) -> int | None:
    """The id of the member the person at the keyboard joins as: one line ``triangulate demo`` writes once it has
    picked them (``--user-on-stdin``); None if the input ends first."""
    reader = asyncio.StreamReader()
    transport, _ = await asyncio.get_running_loop().connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(reader), stream
    )
    try:
        line = (await reader.readline()).strip()
    finally:
        transport.close()
    return int(line) if line.isdigit() else None


def local_today() -> date:
    """Today where the inspection happens, which decides the fieldwork week."""
    return datetime.now(ZoneInfo(TIMEZONE)).date()


async def serve_demo(
    db_path: Path,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    simulate: bool = True,
    interval: float = DEFAULT_INTERVAL,
    rng: random.Random | None = None,
    today: date | None = None,
    out: TextIO | None = None,
    framework: Framework = Framework.INTEGRATED,
    user_from: TextIO | None = None,
) -> None:
    """Seed if needed, serve, announce the JSON line, and run until SIGINT/SIGTERM; ``simulate``: the team at
    work (its alerts in the seed, the rest of the team online once the line is out), else the still demo.
    ``user_from``: the simulated team is everyone but the member named there (read_user), not the lead."""
    team = await asyncio.to_thread(prepare, db_path, today or local_today(), framework, at_work=simulate)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        async with listening(TeamServer(ServerConfig(db_url=f"sqlite:///{db_path}", host=host, port=port))) as server:
            stream = out or sys.stdout
            stream.write(json.dumps(team.announcement(server.url)) + "\n")
            stream.flush()
            simulation: asyncio.Task[None] | None = None
            if simulate:

                async def simulate_team() -> None:
                    user = await read_user(user_from) if user_from is not None else None
                    await Simulator(server.url, team, interval=interval, rng=rng or random.Random(), user=user).run()

                simulation = asyncio.create_task(simulate_team(), name="simulator")
            await stop.wait()
            if simulation is not None:  # leave before the server closes, so nobody reconnects
                simulation.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await simulation
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)


def run_demo(
    db_path: Path,
    host: str = "127.0.0.1",
    port: int = 0,
    simulate: bool = True,
    interval: float = DEFAULT_INTERVAL,
    *,
    seed: int | None = None,
    framework: Framework = Framework.INTEGRATED,
    user_from: TextIO | None = None,
) -> None:
    """Blocking entry point for the CLI."""
    asyncio.run(serve_demo(db_path, host, port, simulate=simulate, interval=interval, rng=random.Random(seed),
                           framework=framework, user_from=user_from))


@click.command()
@click.option(
    "--db",
    "db_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="SQLite file for the demo; seeded if new, reused if it is an earlier demo.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=0, show_default=True, type=click.IntRange(0, 65535), help="0 picks a free port.")
@click.option(
    "--simulate/--quiet",
    default=True,
    help="The team at work (the default): alerts in progress, and the rest of the team online, contributing now "
    "and then: findings, a risk alert, a line of enquiry or a link. --quiet: the still demo, nobody else online.",
)
@click.option(
    "--interval",
    default=DEFAULT_INTERVAL,
    show_default=True,
    type=click.FloatRange(min=0.05),
    help="Mean seconds between the simulated team's contributions (give or take a third; the first comes sooner).",
)
@click.option("--seed", "rng_seed", type=int, default=None, help="Random seed for a repeatable simulation.")
@click.option("--framework", type=click.Choice([f.value for f in Framework]), default=Framework.INTEGRATED.value,
              show_default=True, help="Which framework the demo inspection is under (chosen once, when seeded).")
@click.option("--user-on-stdin", is_flag=True,
              help="Leave out of the simulated team the member whose id comes as a line on stdin (triangulate demo "
                   "sends the one it joins as), instead of the lead.")
def demo(
    db_path: Path, host: str, port: int, simulate: bool, interval: float, rng_seed: int | None, framework: str,
    user_on_stdin: bool,
) -> None:
    """Serve a seeded demo inspection and print one JSON line with the URL and every member's token."""
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    db_path.parent.mkdir(parents=True, exist_ok=True)
    run_demo(db_path, host, port, simulate, interval, seed=rng_seed, framework=Framework(framework),
             user_from=sys.stdin if user_on_stdin else None)
