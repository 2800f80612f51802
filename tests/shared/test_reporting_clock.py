"""The reporting clock (CP ¶45–48): milestones counted in working days from the last day of fieldwork, and how
far off each one is.

The command frames here are raw JSON on purpose: they test how decode_command reads the wire, so they are not built
through the models.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from shared.catalogue import decode_command
from shared.fieldwork import SetFieldwork
from shared.protocol import Event, ProtocolError, decode_server
from shared.reporting_clock import Milestone, clock_status, next_milestone, reporting_clock

D = date


def dues(last_day: date) -> dict[str, date]:
    return {milestone.key: milestone.due for milestone in reporting_clock(last_day)}


def test_the_four_milestones_their_labels_and_paragraphs() -> None:
    clock = reporting_clock(D(2026, 11, 6))

    assert [(m.key, m.label, m.working_days, m.paragraphs) for m in clock] == [
        ("draft", "Draft report", 10, "CP ¶45"),
        ("factual-accuracy", "Factual-accuracy comments", 15, "CP ¶46"),
        ("final", "Final report", 20, "CP ¶47"),
        ("published", "Report published", 22, "CP ¶48"),
    ]


def test_a_clock_with_no_bank_holidays_in_it() -> None:
    assert dues(D(2026, 11, 6)) == {
        "draft": D(2026, 11, 20),
        "factual-accuracy": D(2026, 11, 27),
        "final": D(2026, 12, 4),
        "published": D(2026, 12, 8),
    }


def test_fieldwork_ending_fri_18_dec_2026_runs_across_christmas_and_new_year() -> None:
    # Christmas Day (Fri), Boxing Day's substitute (Mon 28th) and New Year's Day (Fri) do not count
    assert dues(D(2026, 12, 18)) == {
        "draft": D(2027, 1, 6),
        "factual-accuracy": D(2027, 1, 13),
        "final": D(2027, 1, 20),
        "published": D(2027, 1, 22),
    }


def test_fieldwork_ending_before_easter_2026() -> None:
    assert dues(D(2026, 3, 27))["draft"] == D(2026, 4, 14)  # Good Friday and Easter Monday skipped


def test_fieldwork_ending_on_a_saturday_counts_from_the_next_working_day() -> None:
    assert dues(D(2026, 11, 7)) == dues(D(2026, 11, 6))


DRAFT: Milestone = reporting_clock(D(2026, 12, 18))[0]
"""Fieldwork ending Fri 18 Dec 2026: the draft is due Wed 6 Jan 2027."""


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2026, 12, 18), "due in 10 working days"),
        (D(2026, 12, 31), "due in 3 working days"),  # New Year's Day is not one of them
        (D(2027, 1, 2), "due in 3 working days"),  # nor does a Saturday count
        (D(2027, 1, 5), "due in 1 working day"),
        (D(2027, 1, 6), "due today"),
        (D(2027, 1, 7), "1 working day overdue"),
        (D(2027, 1, 11), "3 working days overdue"),
    ],
)
def test_clock_status(today: date, expected: str) -> None:
    assert DRAFT.key == "draft"
    assert clock_status(DRAFT, today) == expected


def test_the_weekend_after_a_friday_deadline_is_overdue_by_no_working_day_yet() -> None:
    published = reporting_clock(D(2026, 12, 18))[-1]  # due Fri 22 Jan 2027

    assert clock_status(published, D(2027, 1, 23)) == "overdue since Fri 22 Jan 2027"
    assert clock_status(published, D(2027, 1, 25)) == "1 working day overdue"


def test_next_milestone() -> None:
    clock = reporting_clock(D(2026, 12, 18))

    assert next_milestone(clock, D(2026, 12, 18)) is clock[0]
    assert next_milestone(clock, D(2027, 1, 6)) is clock[0]  # due today is still next
    assert next_milestone(clock, D(2027, 1, 7)) is clock[1]
    assert next_milestone(clock, D(2027, 1, 23)) is None


def test_the_fieldwork_command_refuses_a_last_day_before_the_first_naming_the_field() -> None:
    raw = '{"type": "fieldwork.set", "id": "f1", "start_date": "2026-12-18", "end_date": "2026-12-11"}'
    with pytest.raises(ProtocolError) as refused:
        decode_command(raw)

    assert refused.value.frame.field == "end_date"
    assert "before the first" in refused.value.frame.message


def test_the_fieldwork_command_may_clear_a_date() -> None:
    command = decode_command('{"type": "fieldwork.set", "id": "f1", "start_date": null, "end_date": "2026-12-18"}')

    assert command == SetFieldwork(id="f1", start_date=None, end_date=D(2026, 12, 18))


def test_the_protocol_doc_examples_are_valid_frames() -> None:
    doc = (Path(__file__).parents[2] / "docs" / "protocol.md").read_text(encoding="utf-8")
    section = doc[doc.index("## 11. Fieldwork dates and the reporting clock") :]
    frames = [json.loads(raw) for raw in re.findall(r"```json\n(.*?)```", section, re.S)]
    command = decode_command(json.dumps(frames[0]))
    event = decode_server(json.dumps(frames[1]))
    assert isinstance(command, SetFieldwork) and isinstance(event, Event)
    assert event.kind == "fieldwork.set" and event.data == command.model_dump(mode="json", include={"start_date",
                                                                                                  "end_date"})
    assert "| `fieldwork.set` |" in doc[doc.index("| kind | data |") : doc.index("## 3.")]
