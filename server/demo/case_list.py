"""The demo's Annex A list and case sample: a fictional spreadsheet read by the real importer, then drawn.

On the first morning the local authority hands over its list of children (child-protection framework Annex A);
the lead imports it, draws the balanced sample of 50 with three good-practice cases, and shares the cases out.
The list is written as a CSV and read back with ``shared.annex_a`` so the demo goes through the same minimisation
as a real import: dates of birth become age bands and worker names become pseudonyms and salted digests.
Every child and worker here is made up; the child IDs the demo's findings mention are on the list.
"""

from __future__ import annotations

import csv
import functools
import io
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Protocol
from zoneinfo import ZoneInfo

from shared.annex_a import read_annex_a
from shared.cases import MAX_BATCH, AllocateCase, DrawSample, ImportCases, RecordCaseProgress, TrackingStatus
from shared.protocol import Command, Inspector

POPULATION = 240
SAMPLE_SEED = 20_261_116
GOOD_PRACTICE = ("NM-10412", "NM-10611", "NM-10853")
"""The local authority's three good-practice cases (CP ¶40)."""
FINDING_CHILDREN = ("NM-10234", "NM-10412", "NM-10588", "NM-10611", "NM-10795", "NM-10853", "NM-10937",
                    "NM-11020", "NM-11146", "NM-11302", "NM-11479", "NM-11520")  # fmt: skip
"""Child IDs the demo's findings, alerts and enquiries mention: they are on the list too."""

HEADER = ("Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Legal Status", "Disability", "Contact Date",
          "Contact Source", "Referral Date", "Referral Source", "Allocated Team", "Allocated Worker",
          "CP Plan Start Date", "CP Plan End Date", "CIN Start Date", "CIN End Date", "Case Closure Date")  # fmt: skip
TEAMS = ("Assessment North", "Assessment South", "Child Protection East", "Child Protection West",
         "Children in Need", "Disabled Children")  # fmt: skip
WORKERS = ("Rowan Ellery", "Imogen Castell", "Tobias Wren", "Priyanka Holm", "Callum Ashdown", "Nadia Ferreira",
           "Owen Tresize", "Harriet Quill", "Samir Okonjo", "Beatrix Lyle", "Declan Morrow", "Yasmin Kettle")
ETHNICITIES = (("White British", 60), ("Asian – Pakistani", 10), ("Black – African", 8),
               ("Mixed – White and Asian", 7), ("White – Other", 7), ("Black – Caribbean", 4), ("Not recorded", 4))
LEGAL = (("CPP", 45), ("CIN", 40), ("LAC s20", 8), ("LAC s31", 7))
SOURCES = ("Police", "Schools", "Health visitor", "GP", "Self", "Anonymous")

IMPORTED_AT, DRAWN_AT, SHARED_AT = time(10, 20), time(11, 5), time(11, 30)
PROGRESS: tuple[tuple[int, int, TrackingStatus], ...] = (
    (0, 0, TrackingStatus.IN_PROGRESS), (1, 0, TrackingStatus.TRACKED), (2, 1, TrackingStatus.DISCUSSED),
    (3, 1, TrackingStatus.MET), (4, 2, TrackingStatus.IN_PROGRESS), (5, 2, TrackingStatus.TRACKED),
    (6, 3, TrackingStatus.MET), (7, 3, TrackingStatus.IN_PROGRESS),
)  # fmt: skip
"""(allocated case number, fieldwork day, status): progress the inspectors recorded on the days so far."""


class CaseContext(Protocol):
    """What a case step needs that exists only once earlier steps ran (``server.demo.seed_plan.SeedContext``)."""

    members: Mapping[str, Inspector]
    salt: bytes
    """The inspection's case salt: pseudonyms and name digests must match what a real import would make."""
    sampled: list[str]
    """The randomly drawn child IDs, in the sample's order, once the draw has run."""


@dataclass(frozen=True)
class CaseStep:
    at: datetime
    author: str
    build: Callable[[CaseContext], Command]


def annex_a_csv(fieldwork_start: date, *, seed: int = 16) -> bytes:
    """The local authority's spreadsheet, as it would arrive: one row a child, their column names."""
    rng = random.Random(seed)
    ids = sorted({*FINDING_CHILDREN, *(f"NM-{n}" for n in rng.sample(range(10_000, 11_999), POPULATION))})
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for child_id in ids[:POPULATION]:
        born = fieldwork_start - timedelta(days=rng.randint(90, 17 * 365))
        contact = fieldwork_start - timedelta(days=rng.randint(20, 400))
        legal = rng.choices([v for v, _ in LEGAL], [w for _, w in LEGAL])[0]
        plan_start = min(contact + timedelta(days=rng.randint(10, 40)), fieldwork_start) if legal == "CPP" else None
        closed = fieldwork_start - timedelta(days=rng.randint(5, 150)) if rng.random() < 0.15 else None
        if closed is not None and closed <= contact:
            closed = None
        if child_id in FINDING_CHILDREN or child_id in GOOD_PRACTICE:
            closed = None  # the children the team is already talking about are current cases
        writer.writerow([
            child_id, rng.choice(("Male", "Female", "Female", "Male", "Not known")),
            rng.choices([v for v, _ in ETHNICITIES], [w for _, w in ETHNICITIES])[0],
            born.strftime("%d/%m/%Y"), legal, rng.choice(("No", "No", "No", "Yes")),
            contact.strftime("%d/%m/%Y"), rng.choice(SOURCES), contact.strftime("%d/%m/%Y"), rng.choice(SOURCES),
            rng.choice(TEAMS), rng.choice(WORKERS),
            plan_start.strftime("%d/%m/%Y") if plan_start else "", "",
            contact.strftime("%d/%m/%Y") if legal == "CIN" else "", "",
            closed.strftime("%d/%m/%Y") if closed else "",
        ])  # fmt: skip
    return out.getvalue().encode("utf-8")


@functools.lru_cache(maxsize=2)
def import_commands(fieldwork_start: date, salt: bytes) -> tuple[ImportCases, ...]:
    """The list read by the real importer (nothing rejected), in batches with the workers' name digests.

    Read once per seed, not once per batch: reading is most of what the import costs the demo's start."""
    found = read_annex_a(annex_a_csv(fieldwork_start), filename="Annex A Northmoor.csv", today=fieldwork_start,
                         pseudonym_salt=salt)  # fmt: skip
    if not found.ok:
        raise ValueError(f"demo Annex A list has rejected rows: {found.rejected[:3]}")
    digests = sorted(found.name_index(salt).digests)
    batches = [found.cases[i:i + MAX_BATCH] for i in range(0, len(found.cases), MAX_BATCH)]
    return tuple(
        ImportCases(id=f"seed-cases-{n}", cases=batch, source="Annex A Northmoor.csv",
                    name_digests=digests if n == 1 else [])
        for n, batch in enumerate(batches, start=1)
    )  # fmt: skip


def _import_batch(fieldwork_start: date, batch: int, context: CaseContext) -> Command:
    return import_commands(fieldwork_start, context.salt)[batch]


def _allocation(number: int, member: str, context: CaseContext) -> Command:
    return AllocateCase(id=f"seed-allocate-{number}", child_id=context.sampled[number],
                        inspector_id=context.members[member].id)


def _progress(number: int, status: TrackingStatus, context: CaseContext) -> Command:
    return RecordCaseProgress(id=f"seed-progress-{number}", child_id=context.sampled[number], status=status)


def case_steps(fieldwork_start: date, zone: ZoneInfo, casework: Sequence[str]) -> list[CaseStep]:
    """Import, draw and share out on the first morning, then the progress recorded since.

    ``casework`` names the members (demo team keys) who track cases, in turn.
    """

    def at(day: int, moment: time) -> datetime:
        return datetime.combine(fieldwork_start + timedelta(days=day), moment, zone)

    steps = [
        CaseStep(at(0, IMPORTED_AT) + timedelta(seconds=n), "lead",
                 partial(_import_batch, fieldwork_start, n))
        for n in range(-(-POPULATION // MAX_BATCH))
    ]  # fmt: skip
    steps.append(CaseStep(at(0, DRAWN_AT), "lead", lambda _: DrawSample(
        id="seed-sample", seed=SAMPLE_SEED, good_practice=list(GOOD_PRACTICE))))
    for n in range(len(PROGRESS) + len(casework)):
        member = casework[n % len(casework)]
        steps.append(CaseStep(at(0, SHARED_AT) + timedelta(minutes=n), "lead",
                              partial(_allocation, n, member)))
    for number, day, status in PROGRESS:
        author = casework[number % len(casework)]
        steps.append(CaseStep(at(day, time(15, 0)) + timedelta(minutes=10 * number), author,
                              partial(_progress, number, status)))
    return steps
