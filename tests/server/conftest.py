"""Fixtures and a strict wire client for black-box tests of the real server.

Every test talks to a real ``TeamServer`` on 127.0.0.1 (ephemeral port) backed by a real database, through a
real ``websockets`` client, so the tests check what an inspector's client sees, not how the server is built.
``db_url`` is parametrised: every test using it runs twice, on a SQLite file in ``tmp_path`` and on a real
PostgreSQL server (tests/pg.py; skipped, saying why, where none is configured). The client here is deliberately
raw (no retries, no outbox): it records every frame the server sends so tests can assert that nothing unexpected
arrived.

Commands are built through the shared models (shared/catalogue.py): a test sends a model, or a builder below
whose valid defaults the model writes (``wire``), with any field a test breaks on purpose laid over as sent. Only
the wire-contract tests (bad input, hostile clients, the strict protocol, fuzzing) send raw JSON of their own.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import secrets
import shutil
import socket
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from server.network.team_server import ServerConfig, TeamServer
from server.storage import database
from server.storage.shelf import EngineShelf
from shared.alerts import RaiseAlert
from shared.catalogue import COMMANDS
from shared.cli import main
from shared.enquiries import OpenEnquiry
from shared.findings import AmendFinding, PostFinding
from shared.meetings import OpenMeeting
from shared.protocol import (
    Ack,
    Command,
    Error,
    Event,
    Frame,
    Hello,
    Inspection,
    Inspector,
    Presence,
    Synced,
    Welcome,
    decode_server,
    encode,
)
from shared.triangulation import LinkFindings
from shared.vocabulary import Framework, Inspectorate, Role
from tests.pg import SessionSchema

TIMEOUT = 10.0
"""Upper bound for any single wait: only there so a broken server fails a test instead of hanging it."""

ServerFrame = Welcome | Event | Synced | Ack | Error | Presence
F = TypeVar("F", bound=ServerFrame)

_ids = itertools.count(1)


def new_id(prefix: str = "cmd") -> str:
    """A fresh command id, unique within the test session (ids are client-generated on the wire)."""
    return f"{prefix}-{next(_ids)}"


def wire(command: Command | dict[str, Any], **overrides: Any) -> dict[str, Any]:
    """``command``'s frame as its shared model writes it, with ``overrides`` laid over it as sent, unchecked: how a
    test breaks a field on purpose. ``name=None`` leaves a field out."""
    frame = json.loads(encode(command)) if isinstance(command, Command) else dict(command)
    frame.update(overrides)
    return {name: value for name, value in frame.items() if name not in overrides or value is not None}


def command_id_of(frame: Command | dict[str, Any]) -> Any:
    return frame.id if isinstance(frame, Command) else frame.get("id")


def type_of(frame: Command | dict[str, Any]) -> Any:
    return frame.model_dump()["type"] if isinstance(frame, Command) else frame.get("type")


def finding(**overrides: Any) -> dict[str, Any]:
    """Valid finding fields; pass ``name=None`` to leave an optional field out."""
    values: dict[str, Any] = {
        "agency": "local-authority",
        "judgement_area": "help-and-protection",
        "criterion": None,  # the integrated framework has no criteria for the local authority
        "kind": "strength",
        "evidence_source": "case-file",
        "text": "Strategy meetings are held promptly and the right agencies attend.",
        "child_id": "LA-000123",
    }
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not None}


def post_frame(command_id: str | None = None, **overrides: Any) -> dict[str, Any]:
    return wire(PostFinding(id=command_id or new_id(), **finding()), **overrides)


def amend_frame(finding_id: str, command_id: str | None = None, **overrides: Any) -> dict[str, Any]:
    return wire(AmendFinding(id=command_id or new_id(), finding_id=finding_id, **finding()), **overrides)


def assert_gap_free(events: list[Event], first: int = 1) -> None:
    """Seqs are consecutive from ``first``: no event lost, none duplicated, none out of order."""
    seqs = [e.seq for e in events]
    assert seqs == list(range(first, first + len(seqs))), f"seqs not gap-free from {first}: {seqs}"


class WireClient:
    """One raw WebSocket connection speaking shared.protocol, recording every frame it receives.

    ``frames`` is everything received, in order; ``events`` the event frames among them.
    ``recv_until`` consumes frames in order but keeps skipped ones, so a later ``recv_until`` for
    another type still finds them (an ack and its event may arrive in either order).
    """

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.frames: list[ServerFrame] = []
        self.events: list[Event] = []
        self.welcome: Welcome | None = None
        self.replay: list[Event] = []
        self.synced: Synced | None = None
        self._unread: list[ServerFrame] = []

    # ------------------------------------------------------------ opening

    @classmethod
    async def open(cls, url: str, **kwargs: Any) -> WireClient:
        """Connect without saying hello (for handshake tests)."""
        kwargs.setdefault("proxy", None)
        kwargs.setdefault("open_timeout", TIMEOUT)
        ws = await asyncio.wait_for(connect(url, **kwargs), TIMEOUT)
        return cls(ws)

    @classmethod
    async def join(cls, url: str, token: str, since: int = 0, **kwargs: Any) -> WireClient:
        """Connect, say hello and read welcome + replay up to ``synced``."""
        client = await cls.open(url, **kwargs)
        await client.send(Hello(token=token, since=since))
        first = await client.recv()
        assert isinstance(first, Welcome), f"expected welcome, got {first!r}"
        client.welcome = first
        client.synced = await client.recv_until(Synced)
        client.replay = [f for f in client.frames if isinstance(f, Event)]
        return client

    @property
    def me(self) -> Inspector:
        assert self.welcome is not None
        return self.welcome.inspector

    # ------------------------------------------------------------ sending

    async def send(self, frame: Frame | dict[str, Any] | str | bytes) -> None:
        """Send a model as it encodes itself, a dict as JSON text; str and bytes go as-is (text and binary frames)."""
        if isinstance(frame, Frame):
            frame = encode(frame)
        await self.ws.send(json.dumps(frame) if isinstance(frame, dict) else frame)

    async def command(self, frame: Command | dict[str, Any]) -> Ack | Error:
        """Send a command and wait for its ack or error (matched by id)."""
        await self.send(frame)
        return await self.reply(command_id_of(frame))

    async def post(self, command_id: str | None = None, **overrides: Any) -> Ack | Error:
        return await self.command(post_frame(command_id, **overrides))

    async def amend(self, finding_id: str, command_id: str | None = None, **overrides: Any) -> Ack | Error:
        return await self.command(amend_frame(finding_id, command_id, **overrides))

    async def posted(self, command_id: str | None = None, **overrides: Any) -> Ack:
        """Post and insist it was accepted."""
        reply = await self.post(command_id, **overrides)
        assert isinstance(reply, Ack), f"post refused: {reply!r}"
        return reply

    # ------------------------------------------------------------ receiving

    async def recv(self, timeout: float = TIMEOUT) -> ServerFrame:
        """Next frame from the socket (not from the unread backlog), decoded strictly."""
        raw = await asyncio.wait_for(self.ws.recv(), timeout)
        try:
            frame = decode_server(raw)
        except ValueError as exc:
            raise AssertionError(f"server sent a frame that is not in the protocol: {raw!r}") from exc
        self.frames.append(frame)
        if isinstance(frame, Event):
            self.events.append(frame)
        return frame

    async def recv_until(
        self,
        kind: type[F] | tuple[type[F], ...],
        match: Callable[[F], bool] | None = None,
        timeout: float = TIMEOUT,
    ) -> F:
        """The first not-yet-consumed frame of ``kind`` satisfying ``match``; others stay unread."""

        def wanted(frame: ServerFrame) -> bool:
            return isinstance(frame, kind) and (match is None or match(frame))  # type: ignore[arg-type]

        for i, frame in enumerate(self._unread):
            if wanted(frame):
                return self._unread.pop(i)  # type: ignore[return-value]

        async def read() -> F:
            while True:
                frame = await self.recv(timeout=timeout)
                if wanted(frame):
                    return frame  # type: ignore[return-value]
                self._unread.append(frame)

        return await asyncio.wait_for(read(), timeout)

    async def reply(self, command_id: str | None) -> Ack | Error:
        """The ack or error answering ``command_id`` (errors with no id match ``None``)."""
        return await self.recv_until((Ack, Error), lambda f: f.id == command_id)  # type: ignore[arg-type]

    async def wait_seq(self, seq: int) -> list[Event]:
        """Read until an event with at least ``seq`` has arrived; returns all events so far."""
        while not self.events or self.events[-1].seq < seq:
            self._unread.append(await self.recv())
        return self.events

    async def read_forever(self) -> None:
        """Keep reading (as a real client's loop does) until cancelled or closed; frames stay unread."""
        with contextlib.suppress(asyncio.CancelledError, ConnectionClosed):
            while True:
                self._unread.append(await self.recv(timeout=3600))

    async def until_closed(self, timeout: float = TIMEOUT) -> int | None:
        """Read (and record) everything until the server closes; returns the close code."""

        async def drain() -> None:
            try:
                while True:
                    await self.recv(timeout=timeout)
            except ConnectionClosed:
                return

        await asyncio.wait_for(drain(), timeout)
        return self.ws.close_code

    async def close(self) -> None:
        await self.ws.close()


# ---------------------------------------------------------------- team and server fixtures


@dataclass(frozen=True)
class Member:
    inspector: Inspector
    token: str


@dataclass(frozen=True)
class Team:
    """One inspection and its people, created through the server's store like an admin would."""

    inspection: Inspection
    lead: Member
    cqc: Member
    hmic: Member

    @property
    def members(self) -> list[Member]:
        return [self.lead, self.cqc, self.hmic]


def make_team(db_url: str, name: str = "Northmoor", *, engine: Engine | None = None) -> Team:
    """Create an inspection with a lead and two inspectors; tokens are only available here.

    ``engine``: one already connected to ``db_url`` (kept by the caller); otherwise one is opened and closed here.
    """
    own = engine is None
    engine = engine if engine is not None else database.connect(db_url)
    try:
        inspection = database.create_inspection(
            engine,
            name=name,
            framework=Framework.INTEGRATED,
            start_date=date(2026, 11, 16),
            timezone="Europe/London",
        )

        def add(person: str, inspectorate: Inspectorate, role: Role) -> Member:
            inspector, token = database.add_inspector(
                engine, inspection_id=inspection.id, name=person, inspectorate=inspectorate, role=role
            )
            return Member(inspector, token)

        return Team(
            inspection=inspection,
            lead=add(f"Asha Patel ({name})", Inspectorate.OFSTED, Role.LEAD),
            cqc=add(f"Ben Okafor ({name})", Inspectorate.CQC, Role.INSPECTOR),
            hmic=add(f"Carys Evans ({name})", Inspectorate.HMIC, Role.INSPECTOR),
        )
    finally:
        if own:
            engine.dispose()


def revoke(db_url: str, member: Member) -> None:
    """Revoke the member's token as an administrator does: ``triangulate inspector revoke``."""
    command = ["inspector", "revoke", str(member.inspector.id), "--db", db_url]
    result = CliRunner().invoke(main, command, catch_exceptions=False)
    assert result.exit_code == 0, result.output


class SQLiteFile(NamedTuple):
    path: Path
    engines: EngineShelf


@pytest.fixture(scope="session")
def sqlite_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SQLiteFile]:
    """The one SQLite file path this worker's tests use, each starting it anew, and the shelf their servers take
    engines on it from: the engine, with the statements it has compiled, outlives each test."""
    shelf = EngineShelf()
    yield SQLiteFile(tmp_path_factory.mktemp("db") / "triangulate.db", shelf)
    shelf.close()


@pytest.fixture
def db_path(sqlite_file: SQLiteFile) -> Path:
    """Where this test's SQLite database is: no file there yet (nor its log). The engine the worker's shelf keeps on
    it holds no connection, and a new file is a new inode: a connection some test left open reads its own old one."""
    path = sqlite_file.path
    for leftover in path.parent.glob(path.name + "*"):
        leftover.unlink()
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    """Which database this run of the test uses."""
    return str(request.param)


@pytest.fixture
def db_url(backend: str, db_path: Path, request: pytest.FixtureRequest) -> str:
    """A new, empty database: a SQLite file, or the session's PostgreSQL schema emptied."""
    if backend == "sqlite":
        return f"sqlite:///{db_path}"
    schema: SessionSchema = request.getfixturevalue("pg_schema")
    return schema.empty()


def stored_bytes(db_url: str) -> bytes:
    """Everything the database holds, as a backup or a thief would read it: the SQLite file and its log, or
    every row of every table as PostgreSQL prints it."""
    parsed = make_url(db_url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database or "")
        return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            tables = conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"))
            rows = [conn.execute(text(f'SELECT t::text FROM "{name}" t')).scalars().all() for name in tables.scalars()]
    finally:
        engine.dispose()
    return "\n".join(row for table in rows for row in table).encode()


@pytest.fixture(scope="session")
def sqlite_team(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Team]:
    """A SQLite file holding the standard team, made once per worker for ``team`` to copy: creating the schema and
    the team costs about 35 ms of CPU and 130 ms of waiting on the disk, a copy well under 1 ms."""
    path = tmp_path_factory.mktemp("team") / "triangulate.db"
    made = make_team(f"sqlite:///{path}")
    leftover = [p.name for p in path.parent.iterdir() if p != path]
    assert not leftover, f"the closed database left {leftover}: a copy of the main file alone would be incomplete"
    return path, made


@pytest.fixture
def team(backend: str, db_url: str, db_path: Path, request: pytest.FixtureRequest) -> Team:
    """The standard team in this test's new database: on SQLite a copy of the worker's ready-made file; on
    PostgreSQL its rows put back in one round trip from the session schema's copy (tests/pg.py), made the first time
    through the schema's one engine."""
    # A new salt and epoch, as a team made afresh has: the server keeps caches per database, salt and inspection
    # (personal_data_guard's name index), which must not carry one test's names into the next.
    salt, epoch = secrets.token_hex(16), secrets.token_hex(8)
    afresh = f"UPDATE inspection SET case_salt = '{salt}', epoch = '{epoch}'"

    def salted(kept: Team) -> Team:
        return replace(kept, inspection=kept.inspection.model_copy(update={"case_salt": salt}))

    if backend == "sqlite":
        template, made = request.getfixturevalue("sqlite_team")
        shutil.copy(template, db_path)  # with its 0600 mode: the file holds the inspection
        with contextlib.closing(sqlite3.connect(db_path)) as copy, copy:
            copy.execute(afresh)
        return salted(made)
    schema: SessionSchema = request.getfixturevalue("pg_schema")
    kept = schema.restore_team(then=afresh)
    if isinstance(kept, Team):
        return salted(kept)
    made = make_team(db_url, engine=schema.engine())
    schema.keep_as_team(made)
    return made


@pytest.fixture
def cp_lead(db_url: str, team: Team) -> Member:
    """The lead of a second inspection, under the child-protection framework, in the same database."""
    engine = database.connect(db_url)
    try:
        inspection = database.create_inspection(
            engine, name="Southmoor", framework=Framework.CHILD_PROTECTION, start_date=date(2026, 11, 16),
            timezone="Europe/London",
        )
        inspector, token = database.add_inspector(
            engine, inspection_id=inspection.id, name="Dee Marsh", inspectorate=Inspectorate.OFSTED, role=Role.LEAD
        )
        return Member(inspector, token)
    finally:
        engine.dispose()


@pytest.fixture
def make_config(backend: str, db_url: str, request: pytest.FixtureRequest) -> Callable[..., ServerConfig]:
    """Config for a server on this test's database; override limits per test.

    The per-connection command rate limit is off unless a test asks for it (tests/server/test_limits.py,
    test_hostile.py): many tests pipeline hundreds of commands on one connection to stress ordering. The server
    takes its engine from the worker's shelf (the session schema's on PostgreSQL, the SQLite file's otherwise) and
    puts it back when it stops.
    """
    engines: EngineShelf = (
        request.getfixturevalue("pg_schema").engines if backend == "postgresql"
        else request.getfixturevalue("sqlite_file").engines
    )

    def make(**overrides: Any) -> ServerConfig:
        values: dict[str, Any] = {
            "db_url": db_url, "host": "127.0.0.1", "port": 0, "command_rate": None, "engines": engines,
        }
        values.update(overrides)
        return ServerConfig(**values)

    return make


@pytest.fixture
async def server(team: Team, make_config: Callable[..., ServerConfig]) -> AsyncIterator[TeamServer]:
    """A running server with default limits (the team already exists)."""
    async with TeamServer(make_config()) as running:
        yield running


@pytest.fixture
def small_rcvbuf_socket() -> Iterator[Callable[[int], socket.socket]]:
    """Sockets connected to a port with a tiny receive buffer, to make a slow reader fill up fast."""
    made: list[socket.socket] = []

    def make(port: int) -> socket.socket:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.connect(("127.0.0.1", port))
        sock.setblocking(False)
        made.append(sock)
        return sock

    yield make
    for sock in made:
        sock.close()


# ---------------------------------------------------------------- risk alerts (issue 4)


SUMMARY = "Child left at home with a known risk adult after the strategy discussion."


def harm_frame(command_id: str | None = None, **overrides: Any) -> dict[str, Any]:
    """A valid ``alert.raise`` for a significant-harm escalation; ``name=None`` leaves a field out."""
    harm = RaiseAlert(
        id=command_id or new_id("alert"),
        level="significant-harm",
        agency="local-authority",
        child_id="LA-000123",
        summary=SUMMARY,
        immediate_action="Convene a strategy discussion today and confirm where the child is sleeping.",
    )
    return wire(harm, **overrides)


def concern_frame(command_id: str | None = None, **overrides: Any) -> dict[str, Any]:
    """A valid ``alert.raise`` for an emerging concern (no child ID or immediate action needed)."""
    concern = RaiseAlert(id=command_id or new_id("alert"), level="emerging-concern", agency="local-authority",
                         summary=SUMMARY)
    return wire(concern, **overrides)


STEP_FIELDS: dict[str, dict[str, Any]] = {
    "alert.acknowledge": {},
    "alert.inform": {
        "informed_name": "Dana Whitfield",
        "informed_role": "Director of Children's Services",
        "method": "phone",
    },
    "alert.confirm": {"reference": "NM-2026-014"},
    "alert.respond": {"response": "Strategy discussion held at 14:00; child placed with grandparent."},
    "alert.resolve": {"outcome": "Child safe; case stepped up to child protection enquiry."},
    "alert.note": {"note": "Looked at by the team; keep an eye on it in tomorrow's case sampling."},
    "alert.escalate": {
        "child_id": "LA-000777",
        "immediate_action": "Visit the child today and agree a safety plan.",
    },
    "alert.close": {"reason": "Records show the concern was already addressed by the MASH."},
    "alert.update": {"text": "Police have confirmed the risk adult's bail conditions."},
    "alert.see": {},
}
"""Valid fields for each command that names an alert, keyed by its ``type`` (times are added when sent)."""

ESCALATION_STEP_TYPES = ["alert.acknowledge", "alert.inform", "alert.confirm", "alert.respond", "alert.resolve"]
"""The escalation steps in the order the server must enforce."""


def alert_command(kind: str, alert_id: str, command_id: str | None = None, **overrides: Any) -> dict[str, Any]:
    """A valid command of type ``kind`` on ``alert_id``; ``name=None`` leaves a field out."""
    values: dict[str, Any] = {"id": command_id or new_id(kind.split(".")[1]), "alert_id": alert_id}
    values.update(STEP_FIELDS[kind])
    # Now, not a fixed date: the confirm deadline runs from informed_at, so a past date would be overdue at once.
    now = datetime.now(UTC)
    if kind == "alert.inform":
        values["informed_at"] = now
    if kind == "alert.confirm":
        values["sent_at"] = now
    return wire(COMMANDS[kind](**values), **overrides)


async def accepted(client: WireClient, frame: Command | dict[str, Any]) -> Ack:
    """Send a command and insist it was accepted."""
    reply = await client.command(frame)
    assert isinstance(reply, Ack), f"{type_of(frame)} refused: {reply!r}"
    return reply


async def posted(client: WireClient, **overrides: Any) -> str:
    """Post a finding (``finding`` fields with ``overrides``), insist it was accepted, and return its id."""
    frame = post_frame(new_id("f"), **overrides)
    await accepted(client, frame)
    return str(frame["id"])


async def refused(
    client: WireClient, frame: Command | dict[str, Any], code: str, field: str | None = None
) -> Error:
    """Send a command and insist it was refused with ``code`` (and ``field``, when given)."""
    reply = await client.command(frame)
    kind = type_of(frame)
    assert isinstance(reply, Error), f"{kind} was accepted, expected {code}: {reply!r}"
    assert reply.code == code, f"{kind}: expected {code}, got {reply!r}"
    assert reply.id == command_id_of(frame)
    if field is not None:
        assert reply.field == field, f"{kind}: expected field {field}, got {reply!r}"
    return reply


async def event_of(client: WireClient, kind: str, **data: Any) -> Event:
    """The next unread event of ``kind`` whose data has every given key/value (replayed or live)."""
    return await client.recv_until(
        Event, lambda e: e.kind == kind and all(e.data.get(k) == v for k, v in data.items())
    )


# ---------------------------------------------------------------- triangulation: enquiries, links, meetings (issue 5)


@dataclass
class TeamRoom:
    """The lead and two inspectors (CQC, HMIC) of one inspection, all connected from seq 0 and synced."""

    lead: WireClient
    cqc: WireClient
    hmic: WireClient

    @property
    def all(self) -> list[WireClient]:
        return [self.lead, self.cqc, self.hmic]

    async def everyone_sees(self, seq: int) -> list[Event]:
        """Wait until every client holds ``seq``; the logs must be identical and gap-free (nothing refused leaked)."""
        logs = [await client.wait_seq(seq) for client in self.all]
        for log in logs:
            assert_gap_free(log)
        assert logs[0] == logs[1] == logs[2]
        return logs[0]


async def join_team(url: str, team: Team) -> TeamRoom:
    """Connect every member of ``team`` (lead, CQC, HMIC) from seq 0."""
    return TeamRoom(
        lead=await WireClient.join(url, team.lead.token),
        cqc=await WireClient.join(url, team.cqc.token),
        hmic=await WireClient.join(url, team.hmic.token),
    )


@pytest.fixture
async def team_room(server: TeamServer, team: Team) -> AsyncIterator[TeamRoom]:
    """The default team, all three connected to the running server."""
    room = await join_team(server.url, team)
    yield room
    for client in room.all:
        await client.close()


def enquiry_frame(command_id: str | None = None, **overrides: Any) -> dict[str, Any]:
    """A valid ``enquiry.open`` addressed to CQC; ``name=None`` leaves a field out."""
    enquiry = OpenEnquiry(
        id=command_id or new_id("enq"),
        to_inspectorate="cqc",
        question="Was the health visitor invited to the strategy discussion for this child?",
        why="The LA's case file records a strategy discussion with no health attendance.",
    )
    return wire(enquiry, **overrides)


def enquiry_command(kind: str, enquiry_id: str, command_id: str | None = None, **overrides: Any) -> dict[str, Any]:
    """A valid ``enquiry.start`` / ``enquiry.answer`` / ``enquiry.close`` on ``enquiry_id``."""
    defaults: dict[str, dict[str, Any]] = {
        "enquiry.start": {},
        "enquiry.answer": {"answer": "Health records show no invitation was received."},
        "enquiry.close": {"outcome": "answered", "reason": "The answer settles it."},
    }
    step = COMMANDS[kind](id=command_id or new_id(kind.split(".")[1]), enquiry_id=enquiry_id, **defaults[kind])
    return wire(step, **overrides)


def grade_command(kind: str, agency: str, judgement: str, grade: str, rationale: str, cited: list[str]) -> Command:
    """A ``grade.*`` command in one line, for fixtures that record a board's history."""
    return COMMANDS[kind](id=new_id("grade"), agency=agency, judgement=judgement, grade=grade, rationale=rationale,
                          finding_ids=cited)


def link_frame(
    finding_id: str,
    other_finding_id: str,
    relation: str = "corroborates",
    command_id: str | None = None,
    **overrides: Any,
) -> dict[str, Any]:
    """A valid ``finding.link``."""
    link = LinkFindings(
        id=command_id or new_id("link"),
        finding_id=finding_id,
        other_finding_id=other_finding_id,
        relation=relation,
        note="Same strategy discussion, seen from both sides.",
    )
    return wire(link, **overrides)


def meeting_frame(kind: str = "kit", day: str = "2026-11-18", command_id: str | None = None) -> dict[str, Any]:
    """A ``meeting.open`` (of a kind the server may refuse at this point: a second team meeting)."""
    return wire(OpenMeeting(id=command_id or new_id("meet"), kind=kind, day=day))


def meeting_command(kind: str, meeting_id: str, command_id: str | None = None, **fields: Any) -> dict[str, Any]:
    """Any valid meeting or agenda command (``meeting.record``, ``agenda.add``, …) on ``meeting_id``; ``name=None``
    leaves a field out."""
    command_id = command_id or new_id(kind.replace(".", "-"))
    given = {name: value for name, value in fields.items() if value is not None}
    return wire(COMMANDS[kind](id=command_id, meeting_id=meeting_id, **given))
