"""Fixed, fictional grade events after the app_data findings and evidence_data's links (no network).

For the grade board's state tests and snapshot. The story: CQC proposes health's looked-after judgement as
requires improvement citing the late health assessments (f002, corroborated by Ofsted's f009); HMIC proposes
police help and protection inadequate citing one case file (f008, single source); the lead agrees the health
grade and the QA manager challenges, the lead responds, and the QA manager signs it off; nobody has graded
police overall effectiveness yet.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from shared.protocol import Event, Inspector

from .app_data import ASHA, BEN, CARA, ELLA, NOW

START = NOW - timedelta(minutes=30)


def grade_event(seq: int, kind: str, actor: Inspector, at: datetime, agency: str, judgement: str,
                **data: Any) -> Event:
    return Event(seq=seq, kind=kind, actor=actor, at=at, data={"agency": agency, "judgement": judgement, **data})


def grade_log(first_seq: int) -> list[Event]:
    """The events to append after ``seed_events() + evidence_log()``."""
    seq = iter(range(first_seq, 10_000))
    at = iter(START + timedelta(minutes=3 * i) for i in range(100))
    return [
        grade_event(next(seq), "grade.proposed", BEN, next(at), "health", "looked-after",
                    grade="requires-improvement", finding_ids=["f002"], warnings=[],
                    rationale="Initial health assessments are late in 40% of cases; consent delays are shared "
                              "with the local authority (f009)."),
        grade_event(next(seq), "grade.proposed", CARA, next(at), "police", "help-and-protection",
                    grade="inadequate", finding_ids=["f008"],
                    warnings=[{"code": "uncorroborated", "finding_ids": ["f008"],
                               "message": "rests only on single-source or contested evidence: no cited finding "
                                          "is corroborated"}],
                    rationale="Missing episodes are not shared with children's social care for days."),
        grade_event(next(seq), "grade.agreed", ASHA, next(at), "health", "looked-after",
                    grade="requires-improvement", finding_ids=["f002", "f009"], warnings=[],
                    sign_off_withdrawn=False,
                    rationale="Agreed at the final meeting: assessments are late; the causes are shared."),
        grade_event(next(seq), "grade.challenged", ELLA, next(at), "health", "looked-after",
                    comment="Is the 40% drawn from the whole sample or only the looked-after cases?",
                    proposed_grade="requires-improvement", agreed_grade="requires-improvement"),
        grade_event(next(seq), "grade.responded", ASHA, next(at), "health", "looked-after",
                    response="The whole sample: 4 of the 10 looked-after children's files.", answered=1),
        grade_event(next(seq), "grade.signed-off", ELLA, next(at), "health", "looked-after",
                    grade="requires-improvement"),
    ]
