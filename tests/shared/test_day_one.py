"""The day-one request checklist is the seed's list, word for word and in order (CP ¶27; Annex A, "Additional
information required for the inspection"), and folds to each item's latest state."""

from __future__ import annotations

from datetime import date

from shared.day_one import Checklist, DayOneItem, DayOneRequestSet, ItemState, has_checklist
from shared.vocabulary import Framework
from tests.seeds import needs_seeds, normalise, sentence, source

CP = Framework.CHILD_PROTECTION
HEADING = "#### Additional information required for the inspection"


def seed_list() -> list[str]:
    """Every non-blank line under Annex A's heading, to the end of the document (the seed's last section)."""
    lines = source(CP).read_text(encoding="utf-8").splitlines()
    start = lines.index(HEADING) + 1
    assert not any(line.startswith("#") for line in lines[start:]), "the list is the document's last section"
    return [normalise(line) for line in lines[start:] if line.strip()]


@needs_seeds
def test_the_items_are_the_seeds_additional_information_in_its_order() -> None:
    """CP ¶27: "The lead inspector will request the information outlined in Annex A"; the items are Annex A's."""
    assert sentence(CP, 27, "The lead inspector will request") == (
        "The lead inspector will request the information outlined in Annex A and begin the inspection")
    assert [normalise(item.label) for item in DayOneItem] == seed_list()
    assert len(DayOneItem) == 13


def test_only_the_child_protection_framework_keeps_the_checklist() -> None:
    assert has_checklist(Framework.CHILD_PROTECTION) and not has_checklist(Framework.INTEGRATED)


def test_the_checklist_folds_each_items_latest_state_in_the_seeds_order() -> None:
    checklist = Checklist()
    assert checklist.line == "0 of 13 received"
    assert [state.item for state in checklist.items()] == list(DayOneItem)
    checklist.apply(DayOneRequestSet(item=DayOneItem.LSCB_MINUTES, received_on=date(2026, 11, 17), note="Two of three"))
    checklist.apply(DayOneRequestSet(item=DayOneItem.THRESHOLDS, received_on=date(2026, 11, 16)))
    checklist.apply(DayOneRequestSet(item=DayOneItem.THRESHOLDS, received_on=None, note="Draft only: asked again"))
    assert checklist.line == "1 of 13 received"
    states = {state.item: state for state in checklist.items()}
    assert states[DayOneItem.LSCB_MINUTES] == ItemState(DayOneItem.LSCB_MINUTES, date(2026, 11, 17), "Two of three")
    thresholds = states[DayOneItem.THRESHOLDS]
    assert not thresholds.received and thresholds.note == "Draft only: asked again"
    assert checklist == Checklist.of([DayOneRequestSet(item=DayOneItem.LSCB_MINUTES, received_on=date(2026, 11, 17),
                                                       note="Two of three"),
                                      DayOneRequestSet(item=DayOneItem.THRESHOLDS, note="Draft only: asked again")])
