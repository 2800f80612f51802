"""Which steps this user may take on a line of enquiry now, by the shared rules the server enforces.

The screen offers a key only for what ``shared.enquiries`` would accept from this user (an owner starts and
answers; only the asker closes), and nothing while our own step on it is still on its way; the server
still decides, and its refusal is shown if our view was stale.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from shared.enquiries import (
    AnswerEnquiry,
    CloseEnquiry,
    EnquiryOutcome,
    EnquiryStatus,
    StartEnquiry,
    transition_refusal,
)
from shared.protocol import Command, Inspector
from tui.triangulation.book import EnquiryView

Step = Literal["start", "answer", "close_answered", "not_pursued"]

_PROBE_ID = "probe"


def _probes(enquiry_id: str) -> dict[Step, Command]:
    """One command per step, only to ask transition_refusal about it (never sent)."""
    return {
        "start": StartEnquiry(id=_PROBE_ID, enquiry_id=enquiry_id),
        "answer": AnswerEnquiry(id=_PROBE_ID, enquiry_id=enquiry_id, answer="?"),
        "close_answered": CloseEnquiry(id=_PROBE_ID, enquiry_id=enquiry_id, outcome=EnquiryOutcome.ANSWERED,
                                       reason="?"),
        "not_pursued": CloseEnquiry(id=_PROBE_ID, enquiry_id=enquiry_id, outcome=EnquiryOutcome.NOT_PURSUED,
                                    reason="?"),
    }


def is_asker(enquiry: EnquiryView, me: Inspector | None) -> bool:
    return me is not None and enquiry.asker is not None and enquiry.asker.id == me.id


def available_steps(enquiry: EnquiryView, me: Inspector | None, pending: Iterable[Command] = ()) -> frozenset[Step]:
    """The steps to offer ``me`` on ``enquiry``."""
    if me is None or enquiry.status is EnquiryStatus.CLOSED or list(pending):
        return frozenset()
    owner = enquiry.addressed_to(me)
    asker = is_asker(enquiry, me)
    allowed: set[Step] = set()
    for step, probe in _probes(enquiry.id).items():
        if transition_refusal(enquiry.status, probe) is not None:
            continue
        if (step in ("start", "answer") and owner) or (step in ("close_answered", "not_pursued") and asker):
            allowed.add(step)
    return frozenset(allowed)
