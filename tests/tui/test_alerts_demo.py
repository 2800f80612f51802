"""The demo's simulated team raises an occasional risk alert, plausibly, and the rest confirm they saw it."""

from __future__ import annotations

import asyncio
import random
import re
from datetime import UTC, datetime

from server.demo.live_demo import DemoMember, DemoTeam, Simulator
from server.demo.northmoor import AGENCIES_BY_INSPECTORATE, ALERT_POOL, CHILD_ID_PATTERN, TEAM
from shared.alerts import AlertLevel, AlertRaised, AlertStatus, MarkAlertSeen, RaiseAlert
from shared.protocol import Command, Event, Inspection, Inspector
from shared.vocabulary import Agency, Framework, Role


async def no_wait(_seconds: float) -> None:
    """The simulator's clock in these tests: every pause is over at once."""


def simulator(seed: int = 7) -> Simulator:
    members = [
        DemoMember(Inspector(id=i, name=s.name, inspectorate=s.inspectorate, role=s.role), f"token-{i}")
        for i, s in enumerate(TEAM, start=1)
    ]
    sim = Simulator("ws://unused", DemoTeam(Inspection(id=1, name="x", framework=Framework.INTEGRATED), members),
                    interval=0.01, rng=random.Random(seed), sleep=no_wait)
    for member in sim.members:
        member._ws = object()  # type: ignore[assignment]  # pretend everyone is online
    return sim


def test_the_alert_pool_is_valid_and_names_no_child() -> None:
    assert any(entry.harm for entry in ALERT_POOL) and any(not entry.harm for entry in ALERT_POOL)
    for entry in ALERT_POOL:
        assert not re.search(r"\b[A-Z][a-z]+ [A-Z][a-z]+\b", entry.summary), "no names, only relationships"


def test_alerts_come_from_inspectors_who_cover_the_agency_and_are_repeatable() -> None:
    def draws(seed: int) -> list[tuple[int, str, str | None]]:
        sim, queue = simulator(seed), []
        out = []
        for _ in range(2 * len(ALERT_POOL)):
            chosen = sim.next_alert(queue)
            assert chosen is not None
            author, command = chosen
            inspector = author.member.inspector
            assert inspector.role is Role.INSPECTOR
            assert command.agency in AGENCIES_BY_INSPECTORATE[inspector.inspectorate]
            if command.level is AlertLevel.SIGNIFICANT_HARM:
                assert command.child_id and command.immediate_action
            assert command.child_id is None or re.fullmatch(CHILD_ID_PATTERN, command.child_id)
            out.append((inspector.id, command.summary, command.child_id))
        return out

    assert draws(3) == draws(3)  # the same seed, the same alerts from the same people


async def test_teammates_confirm_they_saw_an_alert_but_not_the_one_who_raised_it() -> None:
    sim = simulator()
    sent: list[tuple[int, Command]] = []
    for member in sim.members:
        async def send(command: Command, who: int = member.member.inspector.id) -> None:
            sent.append((who, command))

        member.send = send  # type: ignore[method-assign]
    raiser = sim.members[1]
    raised = AlertRaised(level=AlertLevel.EMERGING_CONCERN, agency=Agency.HEALTH, summary="A concern.",
                         alert_id="sim-1", status=AlertStatus.OPEN)
    event = Event(seq=9, kind="alert.raised", actor=raiser.member.inspector, at=datetime(2026, 11, 18, tzinfo=UTC),
                  data=raised.model_dump(mode="json"))
    for member in sim.members:
        member.on_event(member, event)  # type: ignore[misc]
    teammates = len(sim.members) - 1
    for _ in range(100):  # each confirmation waits its delay on the simulator's clock, which here takes no time
        if len(sent) >= teammates:
            break
        await asyncio.sleep(0)
    assert len(sent) == teammates
    assert {who for who, _ in sent} == {m.member.inspector.id for m in sim.members} - {raiser.member.inspector.id}
    assert all(isinstance(c, MarkAlertSeen) and c.alert_id == "sim-1" for _, c in sent)
    assert not any(isinstance(c, RaiseAlert) for _, c in sent)
