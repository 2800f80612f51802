"""Fixed, fictional evidence events after the app_data findings: one more finding, links, enquiries and an alert.

For the triangulation and journey tests and snapshots (no network). The story: CQC's late health assessments
(f002) are corroborated by Ofsted's case file (f009, another inspectorate); the police's MASH finding (f003)
contradicts Ofsted's strength about NM-0412's strategy discussion (f001), so both are contested; a line of
enquiry to HMIC about NM-0412 is open and a significant-harm escalation about the same child is acknowledged.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from shared.protocol import Event, Inspector

from .alerts_data import event, raised_harm
from .app_data import ASHA, BEN, CARA, NOW, T0, seed_events

CHILD = "NM-0412"
EXTRA_FINDING = "f009"
ENQUIRY_TO_HMIC = "q-hmic-0412"
ENQUIRY_TO_LA = "q-la-consent"
HARM = "harm-0412"


def posted(seq: int, actor: Inspector, at: datetime, finding_id: str, **fields: Any) -> Event:
    """A finding.posted event (its fields include ``kind``, so not through alerts_data.event)."""
    return Event(seq=seq, kind="finding.posted", actor=actor, at=at, data={"finding_id": finding_id, **fields})


def evidence_log(first_seq: int | None = None) -> list[Event]:
    """The events to append after ``seed_events()``."""
    seq = iter(range(first_seq or len(seed_events()) + 1, 10_000))
    return [
        posted(next(seq), ASHA, T0 + timedelta(minutes=2905), EXTRA_FINDING,
               agency="local-authority", kind="weakness", judgement_area="looked-after",
               evidence_source="case-file", criterion=None, child_id="NM-0588",
               text="Consent forms for initial health assessments sit with social workers for weeks."),
        event(next(seq), "finding.linked", ASHA, T0 + timedelta(minutes=2908), link_id="l-consent",
              finding_id=EXTRA_FINDING, other_finding_id="f002", relation="corroborates",
              note="Same delay seen from the local authority's side."),
        event(next(seq), "finding.linked", CARA, T0 + timedelta(minutes=2910), link_id="l-mash",
              finding_id="f003", other_finding_id="f001", relation="contradicts",
              note="MASH minutes do not list health at the strategy discussion."),
        event(next(seq), "finding.linked", BEN, T0 + timedelta(minutes=2912), link_id="l-related",
              finding_id="f007", other_finding_id="f008", relation="relates-to", note=""),
        event(next(seq), "enquiry.opened", ASHA, T0 + timedelta(minutes=2915), enquiry_id=ENQUIRY_TO_HMIC,
              status="open", to_inspectorate="hmic", to_agency=None, to_inspector=None,
              question="Who attended NM-0412's strategy discussion, by the police's own records?",
              why="Our case file says police and health both attended; the MASH minutes disagree.",
              finding_ids=["f001", "f003"], child_ids=[CHILD], needs_la_input=False),
        event(next(seq), "enquiry.opened", BEN, T0 + timedelta(minutes=2918), enquiry_id=ENQUIRY_TO_LA,
              status="open", to_inspectorate=None, to_agency="local-authority", to_inspector=None,
              question="Why do consent forms for health assessments take weeks to reach health?",
              why="Health attribute the late assessments to consent; we need the LA's account.",
              finding_ids=["f002"], child_ids=[], needs_la_input=True),
        raised_harm(next(seq), at=NOW - timedelta(minutes=40), actor=CARA, alert_id=HARM, child_id=CHILD),
        event(next(seq), "alert.acknowledged", ASHA, NOW - timedelta(minutes=35), alert_id=HARM,
              status="acknowledged"),
    ]
