"""Stateful fuzzing: random sequences of valid and invalid commands from several clients, against a model.

A Hypothesis state machine drives a real ``TeamServer`` (its event loop in a background thread, a real database)
through real WebSocket connections: two inspections, members of each role, one inspector on two devices. Rules
post, amend, withdraw and link findings (their own, others', the other inspection's), raise and acknowledge
alerts, propose grades they may and may not propose, send garbage, retry earlier command ids from any device,
drop the connection mid-command and retry, and disconnect and come back with ``since``. A small model predicts
every answer (ack with which seq, or which error), so a wrong permission, a lost idempotency or a leaked event is
a failure with a minimal reproducing sequence.

After every step: each inspection's log in the database is the model's, event for event, with gap-free seqs (a
refused command wrote nothing, an accepted one was not lost); every connected client holds exactly that log, and
never an event of the other inspection.

Valid commands are built through the shared models; the invalid posts and the garbage stay raw JSON on purpose
(the models would refuse to build them). Derandomized (no example database): CI runs the same sequences every
time. ``TRIANGULATE_STATEFUL_EXAMPLES`` runs more of them (a soak).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import threading
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test
from sqlalchemy import Engine
from websockets.sync.client import ClientConnection, connect

from server.network.team_server import ServerConfig, TeamServer
from server.storage import database
from shared.alerts import AcknowledgeAlert, RaiseAlert
from shared.findings import AmendFinding, PostFinding, WithdrawFinding
from shared.grades import ProposeGrade, may_propose
from shared.protocol import Ack, Error, Event, Inspector, Synced, Welcome, decode_server
from shared.triangulation import LinkFindings
from shared.vocabulary import Agency, Framework, Inspectorate, Role
from tests.server.conftest import wire
from tests.server.crash_harness import event_digest, integrity_problems, read_log

T = TypeVar("T")
WAIT = 10.0
"""Upper bound for one frame to arrive: only there so a broken server fails instead of hanging."""

MACHINE_SETTINGS = settings(
    max_examples=int(os.environ.get("TRIANGULATE_STATEFUL_EXAMPLES", "15")),  # raise it for a soak
    stateful_step_count=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

_ids = itertools.count(1)


def fresh_id(prefix: str) -> str:
    return f"{prefix}{next(_ids)}"


# ---------------------------------------------------------------- the server, in a thread


class ServerThread:
    """A real TeamServer on an ephemeral port, its asyncio loop in a thread so the sync machine can drive it."""

    def __init__(self, db_url: str) -> None:
        self.db_url = db_url
        self.engine: Engine = database.connect(db_url)  # the test's own connection, for setup and checks
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        # No rate limit: the machine sends as fast as it can, and a rate_limited answer is not what is under test.
        config = ServerConfig(db_url=db_url, host="127.0.0.1", port=0, command_rate=None)
        self.server: TeamServer = self.run(self._start(config))
        self.url = self.server.url

    @staticmethod
    async def _start(config: ServerConfig) -> TeamServer:
        server = TeamServer(config)  # built on the loop that runs it
        await server.start()
        return server

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(WAIT * 3)

    def close(self) -> None:
        self.run(self.server.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(WAIT)
        self.loop.close()
        self.engine.dispose()


@pytest.fixture
def running(db_url: str) -> Iterator[ServerThread]:
    server = ServerThread(db_url)
    yield server
    server.close()


# ---------------------------------------------------------------- one device


@dataclass
class Peer:
    """One device: a sync WebSocket connection and every event it has stored (its cache survives disconnects)."""

    name: str
    inspection: str
    """"A" or "B": which of the machine's inspections this member belongs to."""
    me: Inspector
    token: str
    team: set[int] = field(default_factory=set)
    ws: ClientConnection | None = None
    view: list[Event] = field(default_factory=list)
    replies: list[Ack | Error] = field(default_factory=list)

    @property
    def online(self) -> bool:
        return self.ws is not None

    def connect(self, url: str) -> tuple[Welcome, list[Event], Synced]:
        """Say hello with the last seq held; returns the welcome, the replayed events and ``synced``."""
        assert self.ws is None
        # Entered as a context manager (websockets 17.1 deprecates the bare form); ``disconnect`` leaves it.
        self.ws = connect(url, proxy=None, open_timeout=WAIT, compression=None).__enter__()
        self.ws.send(json.dumps({"type": "hello", "token": self.token, "since": len(self.view)}))
        welcome = self._frame()
        assert isinstance(welcome, Welcome), welcome
        self.team = {member.id for member in welcome.team}
        before = len(self.view)
        while not isinstance(frame := self._receive(), Synced):
            pass
        return welcome, self.view[before:], frame

    def disconnect(self) -> None:
        assert self.ws is not None
        self.ws.__exit__(None, None, None)
        self.ws = None
        self.replies.clear()  # answers still unread died with the connection

    def send(self, frame: dict[str, Any] | str | bytes) -> None:
        assert self.ws is not None
        self.ws.send(json.dumps(frame) if isinstance(frame, dict) else frame)

    def reply(self, command_id: str | None) -> Ack | Error:
        """The ack or error for ``command_id`` (None: an error about a frame with no id), storing events meanwhile."""
        while True:
            for i, answer in enumerate(self.replies):
                if answer.id == command_id:
                    return self.replies.pop(i)
            self._receive()

    def catch_up(self, head: int) -> None:
        """Read until this device holds ``head`` events."""
        while len(self.view) < head:
            self._receive()

    def _frame(self) -> Any:
        assert self.ws is not None
        return decode_server(self.ws.recv(timeout=WAIT))

    def _receive(self) -> Any:
        """One frame; an event must be the next seq, by someone of this inspection (isolation)."""
        frame = self._frame()
        if isinstance(frame, Event):
            assert frame.seq == len(self.view) + 1, f"{self.name}: seq {frame.seq} after {len(self.view)}"
            assert frame.actor is None or frame.actor.id in self.team, f"{self.name} got another team's event"
            self.view.append(frame)
        elif isinstance(frame, (Ack, Error)):
            self.replies.append(frame)
        return frame


# ---------------------------------------------------------------- the model


@dataclass(frozen=True)
class Expected:
    """What the server must answer: an ack (a new event, or the earlier seq for a retry) or an error code."""

    error: str | None = None
    seq: int | None = None
    kind: str | None = None
    """The event kind a new event must have (None for a retry or an error)."""


@dataclass
class Finding:
    author: int
    withdrawn: bool = False


@dataclass
class Alert:
    level: str
    status: str


@dataclass
class Log:
    """One inspection as the model sees it."""

    events: list[Event] = field(default_factory=list)
    commands: dict[str, tuple[int, int, dict[str, Any]]] = field(default_factory=dict)
    """Command id -> (seq, actor id, frame) of every command that made an event."""
    findings: dict[str, Finding] = field(default_factory=dict)
    links: set[tuple[frozenset[str], str]] = field(default_factory=set)
    alerts: dict[str, Alert] = field(default_factory=dict)

    @property
    def head(self) -> int:
        return len(self.events)


KIND_OF = {
    "finding.post": "finding.posted",
    "finding.amend": "finding.amended",
    "finding.withdraw": "finding.withdrawn",
    "finding.link": "finding.linked",
    "alert.raise": "alert.raised",
    "alert.acknowledge": "alert.acknowledged",
    "grade.propose": "grade.proposed",
}

FINDING = {
    "agency": "local-authority", "judgement_area": "help-and-protection", "criterion": None, "kind": "weakness",
    "evidence_source": "case-file", "text": "Strategy discussions rarely include the school nurse.",
    "child_id": "LA-4471",
}

INVALID_POSTS = [
    {"agency": "police", "judgement_area": "looked-after"},  # an area that does not apply to the agency
    {"text": "   "},
    {"child_id": "Jane Smith"},
    {"agency": "fire-brigade"},
    {"kind": None},
    {"surprise": "field"},
]


def expect(log: Log, actor: Inspector, frame: dict[str, Any]) -> Expected:
    """The model: the answer the protocol (docs/protocol.md §3, §6, §8, §10) requires for ``frame`` now."""
    earlier = log.commands.get(frame["id"])
    if earlier is not None:
        seq, author, _frame = earlier
        return Expected(seq=seq) if author == actor.id else Expected(error="conflict")
    kind = frame["type"]
    new = Expected(seq=log.head + 1, kind=KIND_OF[kind])
    if kind in ("finding.post", "alert.raise"):
        return new
    if kind in ("finding.amend", "finding.withdraw"):
        target = log.findings.get(frame["finding_id"])
        if target is None:
            return Expected(error="not_found")
        may = target.author == actor.id or (kind == "finding.withdraw" and actor.role is Role.LEAD)
        if not may:
            return Expected(error="forbidden")
        return Expected(error="conflict") if target.withdrawn else new
    if kind == "finding.link":
        for finding_id in (frame["finding_id"], frame["other_finding_id"]):
            target = log.findings.get(finding_id)
            if target is None:
                return Expected(error="not_found")
            if target.withdrawn:
                return Expected(error="conflict")
        pair = (frozenset((frame["finding_id"], frame["other_finding_id"])), frame["relation"])
        return Expected(error="conflict") if pair in log.links else new
    if kind == "alert.acknowledge":
        alert = log.alerts.get(frame["alert_id"])
        if alert is None:
            return Expected(error="not_found")
        if actor.role is not Role.LEAD:
            return Expected(error="forbidden")
        return new if alert.level == "significant-harm" and alert.status == "raised" else Expected(error="out_of_order")
    if kind == "grade.propose":
        if not may_propose(actor, Agency(frame["agency"])):
            return Expected(error="forbidden")
        for finding_id in frame["finding_ids"]:
            target = log.findings.get(finding_id)
            if target is None:
                return Expected(error="not_found")
            if target.withdrawn:
                return Expected(error="conflict")
        return new
    raise AssertionError(f"no model for {kind}")


def apply(log: Log, actor: Inspector, frame: dict[str, Any], event: Event) -> None:
    """Record an accepted command's effects in the model."""
    log.events.append(event)
    log.commands[frame["id"]] = (event.seq, actor.id, frame)
    kind = frame["type"]
    if kind == "finding.post":
        log.findings[frame["id"]] = Finding(author=actor.id)
    elif kind == "finding.withdraw":
        log.findings[frame["finding_id"]].withdrawn = True
    elif kind == "finding.link":
        log.links.add((frozenset((frame["finding_id"], frame["other_finding_id"])), frame["relation"]))
    elif kind == "alert.raise":
        log.alerts[frame["id"]] = Alert(level=frame["level"], status="raised" if frame["level"] == "significant-harm"
                                        else "open")
    elif kind == "alert.acknowledge":
        log.alerts[frame["alert_id"]].status = "acknowledged"


# ---------------------------------------------------------------- the machine


TEAMS: dict[str, list[tuple[str, Inspectorate, Role]]] = {
    "A": [("lead", Inspectorate.OFSTED, Role.LEAD), ("cqc", Inspectorate.CQC, Role.INSPECTOR),
          ("hmic", Inspectorate.HMIC, Role.INSPECTOR), ("qa", Inspectorate.OFSTED, Role.QA_MANAGER)],
    "B": [("lead", Inspectorate.OFSTED, Role.LEAD), ("cqc", Inspectorate.CQC, Role.INSPECTOR)],
}
SECOND_DEVICE = ("A", "cqc")
"""This member has a laptop and a tablet: two connections, one inspector, one command-id space."""


class InspectionMachine(RuleBasedStateMachine):
    """Two fresh inspections per run on the shared server; peers start connected and synced at seq 0."""

    def __init__(self, server: ServerThread) -> None:
        super().__init__()
        self.server = server
        self.logs: dict[str, Log] = {"A": Log(), "B": Log()}
        self.inspection_ids: dict[str, int] = {}
        self.peers: list[Peer] = []
        for key, members in TEAMS.items():
            inspection = database.create_inspection(
                server.engine, name=f"Inspection {key}", framework=Framework.INTEGRATED, start_date=date(2026, 11, 16)
            )
            self.inspection_ids[key] = inspection.id
            for role_name, inspectorate, role in members:
                me, token = database.add_inspector(
                    server.engine, inspection_id=inspection.id, name=f"{role_name} of {key}",
                    inspectorate=inspectorate, role=role,
                )
                self.peers.append(Peer(f"{key}-{role_name}", key, me, token))
                if (key, role_name) == SECOND_DEVICE:
                    self.peers.append(Peer(f"{key}-{role_name}-tablet", key, me, token))
        for peer in self.peers:
            peer.connect(server.url)

    def teardown(self) -> None:
        for peer in self.peers:
            if peer.online:
                peer.disconnect()

    # ------------------------------------------------------------ helpers

    def online(self) -> list[Peer]:
        return [p for p in self.peers if p.online]

    def any_online(self) -> bool:
        return bool(self.online())

    def target(self, data: st.DataObject, peer: Peer, pool: str) -> str:
        """An id from ``pool`` (``findings`` or ``alerts``): mostly this inspection's (the peer's own first), sometimes
        the other inspection's (must be ``not_found``: isolation) or one that never existed."""
        mine = self.logs[peer.inspection]
        theirs = self.logs["B" if peer.inspection == "A" else "A"]
        own = sorted(i for i, f in mine.findings.items() if f.author == peer.me.id) if pool == "findings" else []
        choices: list[st.SearchStrategy[str]] = [st.just(f"no-such-{pool}")]
        for ids, weight in ((own, 2), (sorted(getattr(mine, pool)), 3), (sorted(getattr(theirs, pool)), 1)):
            if ids:
                choices += [st.sampled_from(ids)] * weight
        return data.draw(st.one_of(choices))

    def command(self, peer: Peer, frame: dict[str, Any]) -> None:
        """Send ``frame`` and check the answer against the model; an accepted command's event goes into the model."""
        log = self.logs[peer.inspection]
        wanted = expect(log, peer.me, frame)
        peer.send(frame)
        self.judge(peer, frame, wanted, peer.reply(frame["id"]))

    def judge(self, peer: Peer, frame: dict[str, Any], wanted: Expected, answer: Ack | Error) -> None:
        log = self.logs[peer.inspection]
        if wanted.error is not None:
            assert isinstance(answer, Error) and answer.code == wanted.error, f"{frame}: wanted {wanted}, got {answer}"
            return
        assert isinstance(answer, Ack), f"{frame}: wanted {wanted}, got {answer}"
        assert answer.seq == wanted.seq, f"{frame}: acked as seq {answer.seq}, wanted {wanted.seq}"
        if wanted.kind is None:  # a retry: the same seq, and no new event
            return
        assert len(peer.view) >= answer.seq, "the ack came before its event"
        event = peer.view[answer.seq - 1]
        assert event.kind == wanted.kind and event.actor is not None and event.actor.id == peer.me.id, event
        apply(log, peer.me, frame, event)

    # ------------------------------------------------------------ rules: findings

    @precondition(any_online)
    @rule(data=st.data())
    def post(self, data: st.DataObject) -> None:
        peer = data.draw(st.sampled_from(self.online()))
        self.command(peer, wire(PostFinding(id=fresh_id("f"), **FINDING)))

    @precondition(any_online)
    @rule(data=st.data(), broken=st.sampled_from(INVALID_POSTS))
    def post_invalid(self, data: st.DataObject, broken: dict[str, Any]) -> None:
        peer = data.draw(st.sampled_from(self.online()))
        frame = {"type": "finding.post", "id": fresh_id("bad"), **FINDING, **broken}
        frame = {k: v for k, v in frame.items() if v is not None or k == "criterion"}
        peer.send(frame)
        answer = peer.reply(frame["id"])
        assert isinstance(answer, Error) and answer.code == "invalid", f"{frame}: {answer}"

    @precondition(any_online)
    @rule(data=st.data())
    def amend(self, data: st.DataObject) -> None:
        peer = data.draw(st.sampled_from(self.online()))
        target = self.target(data, peer, "findings")
        text = data.draw(st.sampled_from(["Seen again in a second case file.", "Confirmed with the team manager."]))
        self.command(peer, wire(AmendFinding(id=fresh_id("am"), finding_id=target, **(FINDING | {"text": text}))))

    @precondition(any_online)
    @rule(data=st.data())
    def withdraw(self, data: st.DataObject) -> None:
        peer = data.draw(st.sampled_from(self.online()))
        target = self.target(data, peer, "findings")
        self.command(peer, wire(WithdrawFinding(id=fresh_id("wd"), finding_id=target, reason="Recorded twice.")))

    @precondition(any_online)
    @rule(data=st.data(), relation=st.sampled_from(["corroborates", "contradicts", "relates-to"]))
    def link(self, data: st.DataObject, relation: str) -> None:
        peer = data.draw(st.sampled_from(self.online()))
        first = self.target(data, peer, "findings")
        second = self.target(data, peer, "findings")
        if first == second:  # refused on sight, before the model's rules apply (the shared model will not build it)
            frame = {"type": "finding.link", "id": fresh_id("ln"), "finding_id": first, "other_finding_id": second,
                     "relation": relation, "note": ""}
            peer.send(frame)
            answer = peer.reply(frame["id"])
            assert isinstance(answer, Error) and answer.code == "invalid" and answer.field == "other_finding_id"
            return
        link = LinkFindings(id=fresh_id("ln"), finding_id=first, other_finding_id=second, relation=relation, note="")
        self.command(peer, wire(link))

    # ------------------------------------------------------------ rules: alerts and grades

    @precondition(any_online)
    @rule(data=st.data(), level=st.sampled_from(["emerging-concern", "significant-harm"]))
    def raise_alert(self, data: st.DataObject, level: str) -> None:
        peer = data.draw(st.sampled_from(self.online()))
        harm: dict[str, Any] = {"child_id": "LA-0099", "immediate_action": "Strategy discussion today."}
        alert = RaiseAlert(id=fresh_id("al"), level=level, agency="local-authority",
                           summary="Child left with a known risk adult.",
                           **(harm if level == "significant-harm" else {}))
        self.command(peer, wire(alert))

    @precondition(any_online)
    @rule(data=st.data())
    def acknowledge_alert(self, data: st.DataObject) -> None:
        peer = data.draw(st.sampled_from(self.online()))
        target = self.target(data, peer, "alerts")
        self.command(peer, wire(AcknowledgeAlert(id=fresh_id("ack"), alert_id=target)))

    @precondition(any_online)
    @rule(data=st.data(), agency=st.sampled_from(["local-authority", "health", "police", "lscb"]),
          grade=st.sampled_from(["good", "requires-improvement", "inadequate"]))
    def propose_grade(self, data: st.DataObject, agency: str, grade: str) -> None:
        peer = data.draw(st.sampled_from(self.online()))
        judgement = "lscb-effectiveness" if agency == "lscb" else "help-and-protection"
        cited = list(dict.fromkeys(self.target(data, peer, "findings") for _ in range(data.draw(st.integers(0, 2)))))
        self.command(peer, wire(ProposeGrade(id=fresh_id("gr"), agency=agency, judgement=judgement, grade=grade,
                                             rationale="Weighing the evidence so far.", finding_ids=cited)))

    # ------------------------------------------------------------ rules: garbage, retries, connections

    @precondition(any_online)
    @rule(data=st.data(), garbage=st.sampled_from(["json", "type", "binary", "array"]))
    def send_garbage(self, data: st.DataObject, garbage: str) -> None:
        """Refused on sight with one error; the connection stays open (the next steps use it)."""
        peer = data.draw(st.sampled_from(self.online()))
        command_id = fresh_id("junk")
        frame: str | bytes
        frame, answered_id, code = {
            "json": ('{"type": "finding.post", "id": ', None, "bad_json"),
            "type": (json.dumps({"type": "finding.delete", "id": command_id}), command_id, "unknown_type"),
            "binary": (b"\x00\xff not text", None, "invalid"),
            "array": ("[1, 2, 3]", None, "invalid"),
        }[garbage]
        peer.send(frame)
        answer = peer.reply(answered_id)
        assert isinstance(answer, Error) and answer.code == code, f"{garbage}: {answer}"

    @precondition(lambda self: self.any_online() and any(log.commands for log in self.logs.values()))
    @rule(data=st.data())
    def retry(self, data: st.DataObject) -> None:
        """Any device resends any earlier command: its author gets the same seq; anyone else in that inspection a
        conflict; in the other inspection the id is simply new (ids are unique per inspection)."""
        peer = data.draw(st.sampled_from(self.online()))
        earlier = [frame for log in self.logs.values() for _seq, _actor, frame in log.commands.values()]
        self.command(peer, data.draw(st.sampled_from(earlier)))

    @precondition(any_online)
    @rule(data=st.data())
    def disconnect(self, data: st.DataObject) -> None:
        data.draw(st.sampled_from(self.online())).disconnect()

    @precondition(lambda self: any(not p.online for p in self.peers))
    @rule(data=st.data())
    def reconnect(self, data: st.DataObject) -> None:
        """Back with ``since``: exactly the missed events, then ``synced`` at the head."""
        peer = data.draw(st.sampled_from([p for p in self.peers if not p.online]))
        log = self.logs[peer.inspection]
        since = len(peer.view)
        welcome, replayed, synced = peer.connect(self.server.url)
        assert welcome.head == synced.head == log.head
        assert replayed == log.events[since:], f"{peer.name} missed or repeated events on reconnect"

    @precondition(any_online)
    @rule(data=st.data())
    def drop_mid_command(self, data: st.DataObject) -> None:
        """Post, lose the connection before the answer, come back and retry: stored once, whatever happened."""
        peer = data.draw(st.sampled_from(self.online()))
        log = self.logs[peer.inspection]
        frame = wire(PostFinding(id=fresh_id("drop"), **FINDING))
        peer.send(frame)
        peer.disconnect()
        peer.connect(self.server.url)
        peer.send(frame)
        answer = peer.reply(frame["id"])
        assert isinstance(answer, Ack) and answer.seq == log.head + 1, f"{frame['id']}: {answer}"
        peer.catch_up(answer.seq)
        self.judge(peer, frame, Expected(seq=log.head + 1, kind="finding.posted"), answer)

    # ------------------------------------------------------------ invariants

    @invariant()
    def database_matches_the_model(self) -> None:
        """The database's log is the model's, event for event, seqs 1..head: nothing refused wrote an event, nothing
        accepted was lost, and each command id appears once, as the command the model says made it."""
        for key, log in self.logs.items():
            stored = read_log(self.server.engine, self.inspection_ids[key])
            assert stored.head == log.head, f"inspection {key}: head {stored.head} in the database, {log.head} here"
            assert [e.seq for e in stored.events] == list(range(1, stored.head + 1))
            assert event_digest(stored.events) == event_digest(log.events), f"inspection {key}: the log differs"
            assert stored.command_ids == [cid for cid, _ in sorted(log.commands.items(), key=lambda c: c[1][0])]

    @invariant()
    def every_connected_device_holds_its_inspections_log(self) -> None:
        for peer in self.online():
            log = self.logs[peer.inspection]
            peer.catch_up(log.head)  # an event of the other inspection, or one too many, fails in _receive
            assert peer.view == log.events, f"{peer.name}'s view differs from the log"


@pytest.mark.slow
def test_random_command_sequences_keep_the_invariants(running: ServerThread) -> None:
    run_state_machine_as_test(lambda: InspectionMachine(running), settings=MACHINE_SETTINGS)
    assert integrity_problems(running.db_url) == []
