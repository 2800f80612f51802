"""The day-one request checklist: the information the lead asks the local authority for on day one, ticked off as
it arrives (CP ¶27: "The lead inspector will request the information outlined in Annex A and begin the
inspection"; Annex A, "Additional information required for the inspection").

Each item is the seed's own words, in its order (a test reads the seed's list and checks these equal it). The lead
records an item as received, on a day and with a short note, or as not received yet; the state lives in the event
log alone, since no rule of the server's depends on it, and every client folds it (``Checklist``). The case list
itself (Annex A's spreadsheet) is not an item here: its import shows it arrived.

Child-protection inspections only. The list is the 2012 framework's Annex A; the integrated framework (a
consultation) names no information to request on day one, so an integrated inspection is not offered a checklist
its framework does not set out, and the server refuses ``day-one.set`` for one, naming ``item``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from shared.fields import Short
from shared.protocol import Command, Payload
from shared.vocabulary import Framework, Labelled


class DayOneItem(Labelled):
    """Annex A's "Additional information required for the inspection", in the seed's order and words."""

    PRIVATE_FOSTERING = "private-fostering", "Number of privately fostered children"
    THRESHOLDS = "thresholds", "Details of agreed threshold criteria for child protection services"
    WORKFORCE = (
        "workforce",
        "Social work workforce profile of staff working with children in need and children subject to child "
        "protection plans; this includes the number of qualified social workers and their relevant experience, the "
        "number of vacancies for permanent staff, the number of locum/agency staff, staff turnover/stability, "
        "sickness levels and individual caseloads of staff",
    )
    STRUCTURE = (
        "structure",
        "Local authority children's service organisational structure, including lines of accountability, case "
        "management and workflow arrangements and protocols for transfer of cases between different teams and "
        "number of cases awaiting transfer",
    )
    FEEDBACK = (
        "feedback",
        "Evidence to demonstrate how feedback from children, young people, families and front line staff both "
        "individually and collectively is sought, taken into account and where appropriate impacts on practice, "
        "strategy, service development and design",
    )
    CAF_ANALYSIS = (
        "caf-analysis",
        "Impact and analysis of Common Assessment Framework activity over the last 12 months and any other "
        "analysis of data in relation to the early help, identification and protection of children as available",
    )
    AUDITS = (
        "audits",
        "Copies of any quality assurance activity, multi-agency and single agency case audits over the last six "
        "months and action plans in relation to early help, identification and protection of children",
    )
    COMPLAINTS = (
        "complaints",
        "Evidence to demonstrate how the outcome of complaints have contributed to improvement in help and "
        "protection",
    )
    LSCB_MINUTES = "lscb-minutes", "Minutes of the last three LSCB meetings"
    LSCB_TRAINING = "lscb-training", "Evidence of LSCB multi-agency training and its impact"
    ALTERNATIVE_PROVISION = (
        "alternative-provision",
        "Children and young people for whom the local authority is responsible who are in any form of Alternative "
        "Educational Provision, other than at a registered Pupil Referral Unit, with the date of placement of the "
        "child and the amount of education/training received by the child",
    )
    NEEDS_ANALYSIS = (
        "needs-analysis",
        "The local strategic needs analysis in relation to early help and the protection of children, including, "
        "for example, numbers of children living in homes where there is known substance misuse, mental ill health "
        "of a parent/carer and/or domestic violence and shared local strategy to address this needs analysis",
    )
    MULTI_AGENCY_MEETINGS = (
        "multi-agency-meetings",
        "List of multi-agency meetings during the fieldwork period, such as child protection conferences: initial "
        "and review, core groups and any planned strategy meetings. The lead inspector will indicate the "
        "geographical areas to be covered. This will be reviewed on a regular basis between the lead inspector "
        "and the local authority.",
    )


def has_checklist(framework: Framework) -> bool:
    """Whether an inspection under ``framework`` keeps the day-one checklist: only the child-protection one sets
    it out (see the module's docstring)."""
    return framework is Framework.CHILD_PROTECTION


class SetDayOneRequest(Command):
    """``day-one.set``: the lead records one item as received on ``received_on`` (null: not received yet), with an
    optional short note ("partial: no caseloads"; no names)."""

    type: Literal["day-one.set"] = "day-one.set"
    item: DayOneItem
    received_on: date | None = None
    note: Short | None = None


class DayOneRequestSet(Payload):
    """Data of ``day-one.set``: that item's state from now on."""

    item: DayOneItem
    received_on: date | None = None
    note: str | None = None


@dataclass(frozen=True)
class ItemState:
    """One item as the checklist shows it: received on a day, or not yet; the lead's note either way."""

    item: DayOneItem
    received_on: date | None = None
    note: str | None = None

    @property
    def received(self) -> bool:
        return self.received_on is not None


@dataclass
class Checklist:
    """The checklist folded from ``day-one.set`` events: each item's latest state, every item in the seed's order."""

    states: dict[DayOneItem, ItemState] = field(default_factory=dict)

    @classmethod
    def of(cls, events: Iterable[DayOneRequestSet]) -> Checklist:
        checklist = cls()
        for event in events:
            checklist.apply(event)
        return checklist

    def apply(self, event: DayOneRequestSet) -> None:
        self.states[event.item] = ItemState(event.item, event.received_on, event.note)

    def items(self) -> list[ItemState]:
        return [self.states.get(item, ItemState(item)) for item in DayOneItem]

    @property
    def received(self) -> int:
        return sum(1 for state in self.states.values() if state.received)

    @property
    def line(self) -> str:
        """"9 of 13 received" — the checklist's headline."""
        return f"{self.received} of {len(DayOneItem)} received"
