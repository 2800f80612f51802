"""How the simulated team triangulates: which findings it links, and which lines of enquiry it opens, and who.

The simulator's members read the log like any client; ``SeenRecord`` keeps what they need from it (each
finding's inspectorate, agency, area and child, and the links already made). The choosers are pure given the
random generator, so a seeded demo makes the same choices from the same record.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from server.demo.northmoor import CHILD_IDS, LINK_NOTES, PoolEnquiry
from shared.catalogue import read_payload
from shared.enquiries import OpenEnquiry, is_owner
from shared.findings import FindingPosted
from shared.protocol import Event, Inspector
from shared.triangulation import FindingLinked, LinkFindings, Relation
from shared.vocabulary import Agency, Inspectorate, JudgementArea

RELATION_WEIGHTS = {Relation.CORROBORATES: 6, Relation.RELATES_TO: 3, Relation.CONTRADICTS: 1}
"""Most links the team makes support each other's evidence; now and then one contradicts."""
LINK_TRIES = 8


class Member(Protocol):
    """What the choosers need of a simulated member."""

    @property
    def ready(self) -> bool: ...

    @property
    def inspector(self) -> Inspector: ...


M = TypeVar("M", bound=Member)


@dataclass(frozen=True)
class SeenFinding:
    id: str
    inspectorate: Inspectorate
    agency: Agency
    area: JudgementArea | None
    child_id: str | None


@dataclass
class SeenRecord:
    """The findings and links on the record, as the simulated team has read them (replayed or live)."""

    findings: dict[str, SeenFinding] = field(default_factory=dict)
    linked: set[tuple[frozenset[str], Relation]] = field(default_factory=set)

    def witness(self, event: Event) -> None:
        payload = read_payload(event)
        if isinstance(payload, FindingPosted) and event.actor is not None:
            self.findings[payload.finding_id] = SeenFinding(
                payload.finding_id, event.actor.inspectorate, payload.agency, payload.judgement_area, payload.child_id
            )
        elif isinstance(payload, FindingLinked):
            self.linked.add((frozenset({payload.finding_id, payload.other_finding_id}), payload.relation))


def _related(a: SeenFinding, b: SeenFinding) -> bool:
    """Worth linking: another inspectorate's finding about the same child, or in the same judgement area."""
    if a.id == b.id or a.inspectorate == b.inspectorate:
        return False
    return (a.child_id is not None and a.child_id == b.child_id) or (a.area is not None and a.area == b.area)


def choose_link(
    rng: random.Random, record: SeenRecord, members: Sequence[M], tries: int = LINK_TRIES
) -> tuple[M, LinkFindings] | None:
    """An online member links one of their inspectorate's findings to a related one from another inspectorate."""
    online = [m for m in members if m.ready]
    own = [f for f in record.findings.values() if any(m.inspector.inspectorate == f.inspectorate for m in online)]
    for _ in range(tries if own else 0):  # many findings have nothing related yet: look again, a few times
        first = rng.choice(own)
        partners = [f for f in record.findings.values() if _related(first, f)]
        if not partners:
            continue
        other = rng.choice(partners)
        relation = rng.choices(list(RELATION_WEIGHTS), weights=list(RELATION_WEIGHTS.values()))[0]
        if (frozenset({first.id, other.id}), relation) in record.linked:
            continue
        author = rng.choice([m for m in online if m.inspector.inspectorate == first.inspectorate])
        command = LinkFindings(id=f"sim-{uuid.uuid4().hex}", finding_id=first.id, other_finding_id=other.id,
                               relation=relation, note=rng.choice(LINK_NOTES[relation]))
        return author, command
    return None


def choose_enquiry(
    rng: random.Random, entry: PoolEnquiry, record: SeenRecord, members: Sequence[M]
) -> tuple[M, OpenEnquiry] | None:
    """Someone it is not addressed to asks it (anyone, for the LSCB, which everyone inspects)."""
    online = [m for m in members if m.ready]
    askers = [m for m in online if not is_owner(m.inspector, to_inspectorate=entry.to_inspectorate,
                                                to_agency=entry.to_agency, to_inspector=None)] or online
    if not askers:
        return None
    about = sorted(f.id for f in record.findings.values() if entry.to_agency and f.agency == entry.to_agency)
    command = OpenEnquiry(
        id=f"sim-{uuid.uuid4().hex}",
        to_agency=entry.to_agency,
        to_inspectorate=entry.to_inspectorate,
        question=entry.question,
        why=entry.why,
        finding_ids=[rng.choice(about)] if about else [],
        child_ids=[rng.choice(CHILD_IDS)] if entry.about_child else [],
        needs_la_input=entry.needs_la_input,
    )
    return rng.choice(askers), command
