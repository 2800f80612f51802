"""Unit tests for the written confirmation to the senior manager (child-protection framework ¶32, ¶49).

The letter is a record that must stand up afterwards: it must carry the child unique ID and the facts, give
times as the manager lived them (UK local time, so BST in summer), and never name a child. The only people
it may name are the manager written to and the lead who signs.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

import pytest

from shared.alerts import InformMethod
from shared.confirmation import ConfirmationFacts, written_confirmation
from shared.vocabulary import Agency

MANAGER = "Dana Whitfield"
LEAD = "Asha Patel"


def facts(**overrides: Any) -> ConfirmationFacts:
    values: dict[str, Any] = {
        "inspection_name": "Joint inspection of Northmoor",
        "timezone": "Europe/London",
        "child_id": "NM-10234",
        "agency": Agency.HEALTH,
        "summary": "  Bruising seen at a health visit was not referred to children's social care.\n",
        "immediate_action": "Arrange a child protection medical today.",
        "raised_at": datetime(2026, 11, 18, 9, 50, tzinfo=UTC),
        "informed_name": MANAGER,
        "informed_role": "Director of Children's Services",
        "informed_at": datetime(2026, 11, 18, 10, 42, tzinfo=UTC),
        "method": InformMethod.PHONE,
        "lead_name": LEAD,
        "contact": "Asha Patel, 07700 900123",
    }
    values.update(overrides)
    return ConfirmationFacts(**values)


def test_it_carries_the_child_unique_id_and_the_facts() -> None:
    text = written_confirmation(facts())
    assert "Child unique ID: NM-10234" in text
    assert "Service concerned: Health" in text
    assert "Joint inspection of Northmoor" in text
    assert "Bruising seen at a health visit was not referred to children's social care." in text
    assert "Arrange a child protection medical today." in text
    assert "Director of Children's Services" in text
    assert "Contact: Asha Patel, 07700 900123" in text
    assert text.startswith(f"Dear {MANAGER},")
    assert text.rstrip().endswith(f"{LEAD}\nLead inspector")


def test_winter_times_are_gmt() -> None:
    text = written_confirmation(facts())
    assert "on Wednesday 18 November 2026 at 10:42" in text
    assert "Identified: Wednesday 18 November 2026 at 09:50" in text


def test_summer_times_are_bst_not_utc() -> None:
    text = written_confirmation(
        facts(raised_at=datetime(2026, 7, 15, 8, 5, tzinfo=UTC), informed_at=datetime(2026, 7, 15, 9, 30, tzinfo=UTC))
    )
    assert "on Wednesday 15 July 2026 at 10:30" in text
    assert "Identified: Wednesday 15 July 2026 at 09:05" in text
    assert "at 09:30" not in text


def test_the_local_date_is_used_when_bst_moves_it_past_midnight() -> None:
    text = written_confirmation(facts(informed_at=datetime(2026, 7, 14, 23, 30, tzinfo=UTC)))
    assert "on Wednesday 15 July 2026 at 00:30" in text


@pytest.mark.parametrize(
    ("moment", "local"),
    [
        (datetime(2026, 3, 29, 0, 59, tzinfo=UTC), "Sunday 29 March 2026 at 00:59"),  # last minute of GMT
        (datetime(2026, 3, 29, 1, 0, tzinfo=UTC), "Sunday 29 March 2026 at 02:00"),  # clocks go forward
        (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), "Sunday 25 October 2026 at 01:30"),  # BST
        (datetime(2026, 10, 25, 1, 30, tzinfo=UTC), "Sunday 25 October 2026 at 01:30"),  # GMT again
    ],
)
def test_the_clock_changes(moment: datetime, local: str) -> None:
    assert f"on {local}" in written_confirmation(facts(informed_at=moment))


def test_another_zone_is_honoured() -> None:
    text = written_confirmation(facts(timezone="UTC", informed_at=datetime(2026, 7, 15, 9, 30, tzinfo=UTC)))
    assert "on Wednesday 15 July 2026 at 09:30" in text


def test_the_only_people_it_can_name_are_the_manager_and_the_lead() -> None:
    """No field could carry a child's (or anyone else's) name: the facts have no such field."""
    name_fields = {f.name for f in dataclasses.fields(ConfirmationFacts) if "name" in f.name}
    assert name_fields == {"inspection_name", "informed_name", "lead_name"}
    assert not any("child" in f.name and f.name != "child_id" for f in dataclasses.fields(ConfirmationFacts))


def test_names_appear_only_in_the_greeting_and_the_signature() -> None:
    lines = written_confirmation(facts(contact="01632 960000")).splitlines()
    assert [i for i, line in enumerate(lines) if MANAGER in line] == [0]
    assert [line for line in lines if LEAD in line] == [LEAD]
    assert lines[-2:] == [LEAD, "Lead inspector"]


@pytest.mark.parametrize(
    ("method", "how"),
    [
        (InformMethod.PHONE, "by telephone"),
        (InformMethod.VIDEO, "by video call"),
        (InformMethod.IN_PERSON, "in person"),
    ],
)
def test_it_says_how_the_manager_was_told_in_plain_english(method: InformMethod, how: str) -> None:
    """The letter goes to a Director of Children's Services; "what I told you telephone on" will not do."""
    sentence = next(line for line in written_confirmation(facts(method=method)).splitlines() if "told you" in line)
    assert f"what I told you {how} on " in sentence, sentence[:90]
