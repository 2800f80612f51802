"""Fixed, fictional case events after the app_data findings (no network), for the case book's tests and snapshot.

The story: the lead imports 60 generated cases in one batch, draws a sample of 12 with one good-practice case,
and allocates cases to Ben (CQC) and Cara (HMIC); Ben adds a case for a line of enquiry; Ben and Cara record
how far they have got.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from shared.cases import TrackingStatus
from shared.protocol import Event, Inspector
from shared.sampling import Sample, draw_sample
from tests.shared.annex_a_files import population

from .app_data import ASHA, BEN, CARA, NOW

if TYPE_CHECKING:
    from shared.annex_a import CaseRecord

START = NOW - timedelta(hours=2)
SEED = 2026
GOOD_PRACTICE = "GEN-00007"
DIGESTS = ["a" * 64, "b" * 64]


def records() -> list[CaseRecord]:
    return population(60, seed=11, today=NOW.date())


def drawn() -> Sample:
    return draw_sample(records(), size=12, seed=SEED, today=NOW.date(), good_practice=[GOOD_PRACTICE])


def case_event(seq: int, kind: str, actor: Inspector, minutes: int, **data: Any) -> Event:
    return Event(seq=seq, kind=kind, actor=actor, at=START + timedelta(minutes=minutes), data=data)


def imported(seq: int, cases: list[CaseRecord], source: str = "annex-a.csv", minutes: int = 0) -> Event:
    return case_event(seq, "cases.imported", ASHA, minutes, cases=[c.model_dump(mode="json") for c in cases],
                      name_digests=DIGESTS, source=source, count=len(cases))


def sample_drawn(seq: int, sample: Sample, minutes: int = 5) -> Event:
    return case_event(seq, "sample.drawn", ASHA, minutes, **sample.model_dump(mode="json"))


def random_ids() -> list[str]:
    return [case.child_id for case in drawn().cases if case.selection.value == "random"]


def case_log(first_seq: int) -> list[Event]:
    """The events to append after ``seed_events()``."""
    seq = iter(range(first_seq, 10_000))
    ids = random_ids()
    added = next(case.child_id for case in records() if case.child_id not in {*ids, GOOD_PRACTICE})
    return [
        imported(next(seq), records()),
        sample_drawn(next(seq), drawn()),
        *[case_event(next(seq), "case.allocated", ASHA, 10, child_id=child_id, inspector_id=BEN.id)
          for child_id in ids[:4]],
        *[case_event(next(seq), "case.allocated", ASHA, 11, child_id=child_id, inspector_id=CARA.id)
          for child_id in ids[4:7]],
        case_event(next(seq), "sample.added", BEN, 20, child_id=added, reason="Missing-from-home episodes: "
                   "test the police referral", enquiry_id=None, selection="line-of-enquiry"),
        case_event(next(seq), "case.progressed", BEN, 30, child_id=ids[0], status=TrackingStatus.MET.value),
        case_event(next(seq), "case.progressed", BEN, 31, child_id=ids[1], status=TrackingStatus.TRACKED.value),
        case_event(next(seq), "case.progressed", CARA, 32, child_id=ids[4],
                   status=TrackingStatus.IN_PROGRESS.value),
    ]


def at(minutes: int) -> datetime:
    return START + timedelta(minutes=minutes)
