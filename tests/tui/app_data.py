"""Fixed, fictional data for the app tests and snapshots: a LocalStore filled without any network."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from shared.protocol import Event, Inspection, Inspector, Welcome
from shared.vocabulary import (
    Agency,
    EvidenceSource,
    FindingKind,
    Framework,
    Inspectorate,
    JudgementArea,
    Role,
)
from tui.store import LocalStore

NORTHMOOR = Inspection(
    id=1,
    name="Northmoor",
    framework=Framework.INTEGRATED,
    start_date=date(2026, 11, 16),
    timezone="Europe/London",
)
ASHA = Inspector(id=1, name="Asha Patel", inspectorate=Inspectorate.OFSTED, role=Role.LEAD)
BEN = Inspector(id=2, name="Ben Okafor", inspectorate=Inspectorate.CQC, role=Role.INSPECTOR)
CARA = Inspector(id=3, name="Cara Jones", inspectorate=Inspectorate.HMIC, role=Role.INSPECTOR)
DEV = Inspector(id=4, name="Dev Sharma", inspectorate=Inspectorate.HMI_PROBATION, role=Role.INSPECTOR)
ELLA = Inspector(id=5, name="Ella Brown", inspectorate=Inspectorate.OFSTED, role=Role.QA_MANAGER)
TEAM = [ASHA, BEN, CARA, DEV, ELLA]

T0 = datetime(2026, 11, 16, 9, 5, tzinfo=UTC)
NOW = datetime(2026, 11, 18, 10, 30, tzinfo=UTC)
"""The fixed clock: Wednesday of the first week, day 3 of fieldwork."""

FINDINGS: list[tuple[Inspector, int, dict[str, Any]]] = [
    (
        ASHA,
        0,
        dict(
            agency=Agency.LOCAL_AUTHORITY,
            kind=FindingKind.STRENGTH,
            judgement_area=JudgementArea.HELP_AND_PROTECTION,
            evidence_source=EvidenceSource.CASE_FILE,
            criterion="CP20a",
            child_id="NM-0412",
            text="Strategy discussion held within a day of the referral; police and health both present.",
        ),
    ),
    (
        BEN,
        95,
        dict(
            agency=Agency.HEALTH,
            kind=FindingKind.WEAKNESS,
            judgement_area=JudgementArea.LOOKED_AFTER,
            evidence_source=EvidenceSource.DOCUMENT_OR_DATA,
            criterion="69b",
            text="Initial health assessments for children looked after are late in 40% of cases sampled.",
        ),
    ),
    (
        CARA,
        180,
        dict(
            agency=Agency.POLICE,
            kind=FindingKind.AREA_FOR_IMPROVEMENT,
            evidence_source=EvidenceSource.MULTI_AGENCY_MEETING,
            criterion="80f",
            child_id="NM-0412",
            text="Officers attending the MASH do not always record the child's views.",
        ),
    ),
    (
        DEV,
        1440,
        dict(
            agency=Agency.YOT,
            kind=FindingKind.GOOD_PRACTICE,
            evidence_source=EvidenceSource.OBSERVATION,
            text="YOT case manager's direct work with the young person is thoughtful and well recorded.",
        ),
    ),
    (
        ASHA,
        1500,
        dict(
            agency=Agency.LOCAL_AUTHORITY,
            kind=FindingKind.WEAKNESS,
            judgement_area=JudgementArea.LEADERSHIP,
            evidence_source=EvidenceSource.STAFF_DISCUSSION,
            criterion="CP24",
            text="Managers' oversight of caseloads is not recorded.\nSupervision notes are brief.",
        ),
    ),
    (
        ELLA,
        1560,
        dict(
            agency=Agency.LSCB,
            kind=FindingKind.NOTE,
            judgement_area=JudgementArea.LSCB_EFFECTIVENESS,
            evidence_source=EvidenceSource.DOCUMENT_OR_DATA,
            text="Line of enquiry: does the LSCB audit neglect cases? Ask at the KIT meeting.",
        ),
    ),
    (
        BEN,
        2880,
        dict(
            agency=Agency.HEALTH,
            kind=FindingKind.STRENGTH,
            evidence_source=EvidenceSource.MEETING_WITH_CHILD_OR_FAMILY,
            child_id="NM-0977",
            text="Family say the health visitor explained the plan clearly.",
        ),
    ),
    (
        CARA,
        2900,
        dict(
            agency=Agency.POLICE,
            kind=FindingKind.WEAKNESS,
            judgement_area=JudgementArea.HELP_AND_PROTECTION,
            evidence_source=EvidenceSource.CASE_FILE,
            child_id="NM-0977",
            text="Missing episodes not shared with children's social care for three days.",
        ),
    ),
]


def seed_events(team: list[Inspector] | None = None) -> list[Event]:
    """The findings above as a log, plus one amendment (of Asha's second finding)."""
    events: list[Event] = []
    for seq, (author, minutes, data) in enumerate(FINDINGS, start=1):
        events.append(
            Event(
                seq=seq,
                kind="finding.posted",
                actor=author,
                at=T0 + timedelta(minutes=minutes),
                data={"finding_id": f"f{seq:03d}", **_json(data)},
            )
        )
    amended = dict(
        FINDINGS[4][2],
        text="Managers' oversight of caseloads is not recorded in 6 of 10 files.\n"
        "Supervision notes are brief and rarely reflective.",
    )
    events.append(
        Event(
            seq=len(events) + 1,
            kind="finding.amended",
            actor=ASHA,
            at=T0 + timedelta(minutes=1620),
            data={"finding_id": "f005", "version": 2, **_json(amended)},
        )
    )
    return events


def _json(data: dict[str, Any]) -> dict[str, Any]:
    return {k: (str(v) if v is not None else None) for k, v in data.items()}


def welcome(me: Inspector = ASHA, online: list[int] | None = None, epoch: str = "seeded") -> Welcome:
    return Welcome(
        inspector=me,
        inspection=NORTHMOOR,
        epoch=epoch,
        head=len(FINDINGS) + 1,
        team=TEAM,
        online=online if online is not None else [ASHA.id, BEN.id, CARA.id],
    )


def seeded_store(path: Path, me: Inspector = ASHA) -> LocalStore:
    """A cache as if ``me`` had synced the seed log and then gone offline."""
    store = LocalStore(path)
    store.save_welcome(welcome(me))
    store.append(seed_events())
    return store
