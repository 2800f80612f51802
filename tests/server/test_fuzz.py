"""Property: whatever a client sends, the server stays up and answers every text frame exactly once.

One real server per test runs on an event loop in a background thread; hypothesis drives it from a
sync test, so every example reuses the same server and connection (as a misbehaving client would).
After each frame a probe (an unknown type with a fresh id) is sent; everything up to the probe's error
is the server's answer to the random frame.

Frames here are raw JSON on purpose (a wire-contract test): they are what a broken or hostile client sends, which
the shared models would refuse to build.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Coroutine, Iterator
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from websockets.exceptions import ConnectionClosed

from server.network.team_server import ServerConfig, TeamServer
from shared.protocol import Ack, Error, ErrorCode, Event, Presence
from shared.vocabulary import Agency, EvidenceSource, FindingKind, JudgementArea
from tests.server.conftest import TIMEOUT, Team, WireClient, amend_frame, new_id, post_frame

T = TypeVar("T")

FUZZ_SETTINGS = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


class Harness:
    """A server plus one authenticated connection, living on an event loop in a thread."""

    def __init__(self, config: ServerConfig, token: str, colleague_token: str) -> None:
        self.token = token
        self.colleague_token = colleague_token
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.server = self.run(self._start(config))
        self.client: WireClient | None = None
        self.reconnects = 0
        self.own_finding, self.colleagues_finding = self.run(self._seed())

    @staticmethod
    async def _start(config: ServerConfig) -> TeamServer:
        server = TeamServer(config)  # built on the loop that will run it
        await server.__aenter__()
        return server

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(TIMEOUT * 3)

    async def _seed(self) -> tuple[str, str]:
        """A finding of our own and a colleague's, so mutated amends hit real targets."""
        colleague = await WireClient.join(self.server.url, self.colleague_token)
        theirs = (await colleague.posted()).id
        await colleague.close()
        client = await self.connected()
        return (await client.posted()).id, theirs

    async def connected(self) -> WireClient:
        if self.client is None or self.client.ws.close_code is not None:
            self.client = await WireClient.join(self.server.url, self.token, max_queue=None)
            self.reconnects += 1
        return self.client

    async def exchange(self, frame: str | bytes) -> list[Ack | Error] | None:
        """Send a frame then a probe; the answers to the frame, or None if the server closed on us.

        Replies may overtake each other (a refused probe needs no commit), so for a text frame this
        waits for the probe's error *and* one answer; any answer must carry the frame's id (or none).
        """
        client = await self.connected()
        probe = new_id("probe")
        expected_id = _command_id(frame)
        wanted = 1 if isinstance(frame, str) else 0
        answers: list[Ack | Error] = []
        probed = False
        try:
            await client.send(frame)
            await client.send({"type": "fuzz.probe", "id": probe})
            while not probed or len(answers) < wanted:
                got = await client.recv()
                if isinstance(got, Error) and got.id == probe:
                    assert got.code == ErrorCode.UNKNOWN_TYPE
                    probed = True
                    continue
                assert isinstance(got, (Ack, Error, Event, Presence)), f"unexpected frame {got!r}"
                if isinstance(got, (Ack, Error)):
                    assert got.id in {expected_id, None}, f"answer {got!r} is not for {frame!r}"
                    answers.append(got)
        except ConnectionClosed:
            return None
        return answers

    def close(self) -> None:
        async def stop() -> None:
            if self.client is not None:
                await self.client.close()
            await self.server.__aexit__(None, None, None)

        self.run(stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(TIMEOUT)
        self.loop.close()


def _command_id(frame: str | bytes) -> str | None:
    """The id the server should echo: the frame's ``id`` if it is a JSON object with a string id."""
    try:
        obj = json.loads(frame)
    except ValueError:
        return None
    value = obj.get("id") if isinstance(obj, dict) else None
    return value if isinstance(value, str) else None


@pytest.fixture
def harness(team: Team, db_url: str) -> Iterator[Harness]:
    # The command rate limit is off: the fuzzer sends hundreds of frames a second on one connection.
    config = ServerConfig(db_url=db_url, host="127.0.0.1", port=0, command_rate=None)
    h = Harness(config, team.cqc.token, team.hmic.token)
    yield h
    h.close()


def still_works(harness: Harness) -> None:
    """A well-formed command after the storm is acked and its event arrives."""

    async def check() -> None:
        client = await harness.connected()
        ack = await client.posted(text="after the fuzzing")
        await client.wait_seq(ack.seq)

    harness.run(check())


# ---------------------------------------------------------------- strategies

json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=20,
)
KEYS = [
    "type", "id", "finding_id", "agency", "judgement_area", "criterion", "kind",
    "evidence_source", "text", "child_id", "token", "since", "seq", "version",
]
plausible_values = st.one_of(
    json_values,
    st.sampled_from([*Agency, *JudgementArea, *FindingKind, *EvidenceSource]).map(str),
    st.sampled_from(["finding.post", "finding.amend", "hello", "finding.posted", "ack"]),
    st.sampled_from(["Jane Smith", "", " ", "a" * 64, "a" * 65, "LA/1", "x" * 10_001]),
    st.integers(min_value=-(2**70), max_value=2**70),
)


def values_for(key: str, finding_ids: list[str]) -> st.SearchStrategy[Any]:
    """Mostly-right values for a key (so the server's deeper rules get exercised), sometimes junk."""
    right: dict[str, st.SearchStrategy[Any]] = {
        "agency": st.sampled_from(list(Agency)).map(str),
        "judgement_area": st.none() | st.sampled_from(list(JudgementArea)).map(str),
        "kind": st.sampled_from(list(FindingKind)).map(str),
        "evidence_source": st.sampled_from(list(EvidenceSource)).map(str),
        "finding_id": st.sampled_from([*finding_ids, "no-such-finding"]),
        "child_id": st.sampled_from([None, "LA-1", "NHS/99_1", "Jane Smith", ""]),
        "text": st.text(max_size=30),
        "id": st.sampled_from(["fz-dup-1", "fz-dup-2", *finding_ids]) | st.text(max_size=70),
        "type": st.sampled_from(["finding.post", "finding.amend", "hello", "finding.posted"]),
    }
    return right[key] | plausible_values if key in right else plausible_values


@st.composite
def mutated_commands(draw: st.DrawFn, finding_ids: list[str]) -> str:
    """A valid post or amend with up to three keys deleted, replaced or added."""
    if draw(st.booleans()):
        frame = post_frame(new_id("fz"))
    else:
        frame = amend_frame(draw(st.sampled_from(finding_ids)), new_id("fz"))
    for _ in range(draw(st.sampled_from([0, 1, 1, 1, 2, 3]))):
        key = draw(st.sampled_from(KEYS) | st.text(max_size=8))
        if key in frame and draw(st.booleans()):
            del frame[key]
        else:
            frame[key] = draw(values_for(key, finding_ids))
    return json.dumps(frame)


random_text_frames = st.one_of(
    st.text(max_size=200),
    json_values.map(json.dumps),
    st.dictionaries(st.sampled_from(KEYS), plausible_values, max_size=8).map(json.dumps),
)


# ---------------------------------------------------------------- properties


def test_random_text_frames_are_answered_exactly_once(harness: Harness) -> None:
    @FUZZ_SETTINGS
    @given(frame=random_text_frames)
    def one(frame: str) -> None:
        answers = harness.run(harness.exchange(frame))
        assert answers is not None, f"server closed the connection on a text frame: {frame!r}"
        assert len(answers) == 1, f"{frame!r} got {answers}"

    one()
    still_works(harness)


def test_mutated_commands_are_answered_exactly_once(harness: Harness) -> None:
    @FUZZ_SETTINGS
    @given(data=st.data())
    def one(data: st.DataObject) -> None:
        frame = data.draw(mutated_commands([harness.own_finding, harness.colleagues_finding]))
        answers = harness.run(harness.exchange(frame))
        assert answers is not None, f"server closed the connection on a text frame: {frame!r}"
        assert len(answers) == 1, f"{frame!r} got {answers}"
        reply = answers[0]
        if isinstance(reply, Error):
            assert reply.code in {
                ErrorCode.INVALID, ErrorCode.UNKNOWN_TYPE, ErrorCode.NOT_FOUND,
                ErrorCode.FORBIDDEN, ErrorCode.CONFLICT, ErrorCode.BAD_JSON,
            }, reply
            if reply.code == ErrorCode.INVALID:
                assert reply.field is not None, reply  # may be "" when the offending key is ""

    one()
    still_works(harness)


def test_random_binary_frames_never_take_the_server_down(harness: Harness) -> None:
    """The contract says nothing about binary frames: answer once or close, but stay up."""

    @FUZZ_SETTINGS
    @given(frame=st.binary(max_size=300) | random_text_frames.map(str.encode))
    def one(frame: bytes) -> None:
        answers = harness.run(harness.exchange(frame))
        assert answers is None or len(answers) <= 1, f"{frame!r} got {answers}"

    one()
    still_works(harness)
