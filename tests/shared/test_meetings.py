"""Unit tests for shared.meetings: the Minutes rules, the drafted agenda, and the Markdown minutes.

The server and the app fold the same ``Minutes`` model, so its rules (frozen after closing, amendments with
history, no dropping an item with entries, no local authority responses in the team's meeting) are pinned here,
with the exact agenda drafted from given findings, alerts and enquiries, and the exact exported text.

The command frames here are raw JSON on purpose: they test how decode_command reads the wire, so they are not built
through the models.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from shared.catalogue import decode_command
from shared.criteria import Grade
from shared.grades import GradeAgreed, GradeReopened, board_cells
from shared.meeting_attendance import Attendance, DcsPresence
from shared.meetings import (
    AgendaItem,
    AgreedGrade,
    AlertNote,
    AmendEntry,
    EnquiryNote,
    EntryKind,
    FindingNote,
    GradeNote,
    MeetingKind,
    MeetingRuleError,
    Minutes,
    RecordEntry,
    Section,
    draft_agenda,
    fold_grade_event,
    frozen_refusal,
    grade_freeze,
    minutes_markdown,
)
from shared.protocol import ErrorCode, ProtocolError
from shared.vocabulary import Agency, FindingKind, Framework

T0 = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)
LA = Agency.LOCAL_AUTHORITY


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def meeting(kind: MeetingKind = MeetingKind.KIT, items: int = 2) -> Minutes:
    agenda = [AgendaItem(id=f"m.{n}", section=Section.FINDINGS, title=f"Item {n}") for n in range(1, items + 1)]
    return Minutes(id="m", kind=kind, day=date(2026, 11, 18), opened_at=T0, agenda=agenda)


def record(entry_id: str, item_id: str | None = "m.1", kind: str = "note", **fields: Any) -> RecordEntry:
    values: dict[str, Any] = {"id": entry_id, "meeting_id": "m", "item_id": item_id, "entry": kind, "text": "Noted."}
    if kind == "action":
        values |= {"owner": "DCS", "due": "2026-11-20"}
    values.update(fields)
    return RecordEntry.model_validate(values)


def amend(entry_id: str, text: str = "Corrected.", **fields: Any) -> AmendEntry:
    return AmendEntry.model_validate({"id": "a", "meeting_id": "m", "entry_id": entry_id, "text": text, **fields})


def refusal(code: str, field: str) -> Any:
    """Expect a MeetingRuleError with this code and field."""

    class Expect:
        def __enter__(self) -> None:
            return None

        def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: object) -> bool:
            assert isinstance(error, MeetingRuleError), f"expected a refusal ({code}, {field}), got {error!r}"
            assert (error.code, error.field) == (code, field), str(error)
            return True

    return Expect()


# ---------------------------------------------------------------- the agenda


def test_items_are_added_at_a_position_or_at_the_end() -> None:
    minutes = meeting()
    minutes.add_item("x", "  First  ", 0)
    minutes.add_item("y", "Last", None)
    minutes.add_item("z", "Way beyond", 99)
    assert [(i.id, i.title, i.section) for i in minutes.agenda] == [
        ("x", "First", Section.OTHER),
        ("m.1", "Item 1", Section.FINDINGS),
        ("m.2", "Item 2", Section.FINDINGS),
        ("y", "Last", Section.OTHER),
        ("z", "Way beyond", Section.OTHER),
    ]


def test_an_item_id_is_used_once() -> None:
    with refusal("conflict", "id"):
        meeting().add_item("m.1", "Again", None)


def test_items_move_and_positions_are_clamped() -> None:
    minutes = meeting(items=3)
    minutes.move_item("m.3", 0)
    assert [i.id for i in minutes.agenda] == ["m.3", "m.1", "m.2"]
    minutes.move_item("m.3", 50)
    assert [i.id for i in minutes.agenda] == ["m.1", "m.2", "m.3"]
    with refusal("not_found", "item_id"):
        minutes.move_item("nope", 0)


def test_a_dropped_item_is_kept_aside_and_can_no_longer_be_used() -> None:
    minutes = meeting()
    minutes.drop_item("m.1")
    assert [i.id for i in minutes.agenda] == ["m.2"]
    assert [i.id for i in minutes.dropped] == ["m.1"]
    with refusal("not_found", "item_id"):
        minutes.record(record("e1", "m.1"), at(1))
    with refusal("not_found", "item_id"):
        minutes.drop_item("m.1")


def test_an_item_with_entries_cannot_be_dropped() -> None:
    minutes = meeting()
    minutes.record(record("e1", "m.1"), at(1))
    with refusal("invalid", "item_id"):
        minutes.drop_item("m.1")
    assert [i.id for i in minutes.agenda] == ["m.1", "m.2"]


# ---------------------------------------------------------------- recording


def test_entries_are_recorded_against_items_or_in_general() -> None:
    minutes = meeting()
    minutes.record(record("e1", "m.2", "la-response", text="DCS accepts it."), at(1))
    minutes.record(record("e2", None, "action", text="Send the audit."), at(2))
    assert [(e.id, e.item_id, e.kind, e.current.text) for e in minutes.entries] == [
        ("e1", "m.2", EntryKind.LA_RESPONSE, "DCS accepts it."),
        ("e2", None, EntryKind.ACTION, "Send the audit."),
    ]
    assert (minutes.entries[1].current.owner, minutes.entries[1].current.due) == ("DCS", date(2026, 11, 20))


def test_the_team_meeting_refuses_local_authority_responses_only() -> None:
    minutes = meeting(MeetingKind.TEAM)
    with refusal("invalid", "entry"):
        minutes.record(record("e1", kind="la-response"), at(1))
    minutes.record(record("e2", kind="note"), at(2))
    minutes.record(record("e3", kind="action"), at(3))
    assert [e.id for e in minutes.entries] == ["e2", "e3"]


def test_an_entry_id_is_used_once() -> None:
    minutes = meeting()
    minutes.record(record("e1"), at(1))
    with refusal("conflict", "id"):
        minutes.record(record("e1"), at(2))


def test_closing_freezes_everything_but_amendments() -> None:
    minutes = meeting()
    minutes.record(record("e1"), at(1))
    minutes.close(at(30))
    assert not minutes.is_open
    assert minutes.closed_at == at(30)

    for attempt in (
        lambda: minutes.record(record("e2"), at(31)),
        lambda: minutes.add_item("x", "Late", None),
        lambda: minutes.move_item("m.2", 0),
        lambda: minutes.drop_item("m.2"),
        lambda: minutes.close(at(32)),
    ):
        with refusal("out_of_order", "meeting_id"):
            attempt()

    minutes.amend(amend("e1", "Corrected after the meeting.", reason="Typo."), at(60))
    assert [(v.text, v.at, v.reason) for v in minutes.entries[0].versions] == [
        ("Noted.", at(1), ""),
        ("Corrected after the meeting.", at(60), "Typo."),
    ]
    assert minutes.entries[0].current.text == "Corrected after the meeting."


def test_an_amended_action_keeps_an_owner_and_a_due_date() -> None:
    minutes = meeting()
    minutes.record(record("e1", kind="action"), at(1))
    with refusal("invalid", "owner"):
        minutes.amend(amend("e1", owner=None, due="2026-11-21"), at(2))
    with refusal("invalid", "due"):
        minutes.amend(amend("e1", owner="DCS", due=None), at(2))
    minutes.amend(amend("e1", owner="Head of Service", due="2026-11-21"), at(3))
    assert [(v.owner, v.due) for v in minutes.entries[0].versions] == [
        ("DCS", date(2026, 11, 20)),
        ("Head of Service", date(2026, 11, 21)),
    ]


def test_amending_an_unknown_entry_is_not_found() -> None:
    with refusal("not_found", "entry_id"):
        meeting().amend(amend("nope"), at(1))


def test_minutes_survive_a_round_trip_through_json() -> None:
    minutes = meeting()
    minutes.record(record("e1", kind="action"), at(1))
    minutes.close(at(2))
    minutes.amend(amend("e1", owner="DCS", due="2026-11-22"), at(3))
    assert Minutes.model_validate_json(minutes.model_dump_json()) == minutes


# ---------------------------------------------------------------- the commands on the wire


@pytest.mark.parametrize(
    ("frame", "field"),
    [
        ({"entry": "action", "owner": None}, "owner"),
        ({"entry": "action", "owner": "  "}, "owner"),
        ({"entry": "action", "due": None}, "due"),
        ({"text": "   "}, "text"),
        ({"entry": "minute"}, "entry"),
        ({"item_id": "has space"}, "item_id"),
    ],
)
def test_a_bad_record_command_names_the_field(frame: dict[str, Any], field: str) -> None:
    values = {
        "type": "meeting.record",
        "id": "r",
        "meeting_id": "m",
        "entry": "action",
        "text": "Send the audit.",
        "owner": "DCS",
        "due": "2026-11-20",
    }
    values.update(frame)
    with pytest.raises(ProtocolError) as raised:
        decode_command(json.dumps({k: v for k, v in values.items() if v is not None}))
    assert raised.value.frame.code == ErrorCode.INVALID
    assert raised.value.frame.field == field


@pytest.mark.parametrize(
    ("frame", "field"),
    [
        ({"type": "meeting.open", "id": "m", "kind": "board", "day": "2026-11-18"}, "kind"),
        ({"type": "meeting.open", "id": "m", "kind": "kit", "day": "18/11/2026"}, "day"),
        ({"type": "agenda.add", "id": "a", "meeting_id": "m", "title": ""}, "title"),
        ({"type": "agenda.add", "id": "a", "meeting_id": "m", "title": "x", "position": -1}, "position"),
        ({"type": "agenda.move", "id": "a", "meeting_id": "m", "item_id": "i"}, "position"),
        ({"type": "meeting.amend", "id": "a", "meeting_id": "m", "entry_id": "e"}, "text"),
        ({"type": "meeting.amend", "id": "a", "meeting_id": "m", "entry_id": "e", "text": "   "}, "text"),
        ({"type": "meeting.close", "id": "c"}, "meeting_id"),
    ],
)
def test_a_bad_meeting_command_names_the_field(frame: dict[str, Any], field: str) -> None:
    with pytest.raises(ProtocolError) as raised:
        decode_command(json.dumps(frame))
    assert raised.value.frame.code == ErrorCode.INVALID
    assert raised.value.frame.field == field


# ---------------------------------------------------------------- drafting the agenda


def finding(id: str, agency: Agency, kind: FindingKind, text: str, minute: int) -> FindingNote:
    return FindingNote(id, agency, kind, text, at(minute))


FINDINGS = [
    finding("old", LA, FindingKind.WEAKNESS, "Before the last meeting.", 0),
    finding("at-last", LA, FindingKind.WEAKNESS, "Posted as the last meeting opened.", 10),
    finding("la-s", LA, FindingKind.STRENGTH, "Managers know their cases.", 11),
    finding("h-gp", Agency.HEALTH, FindingKind.GOOD_PRACTICE, "Named nurse supervision.", 12),
    finding("la-w2", LA, FindingKind.WEAKNESS, "Plans lack timescales.", 14),
    finding("p-n", Agency.POLICE, FindingKind.NOTE, "Custody records checked.\nNothing else.", 13),
    finding("la-w1", LA, FindingKind.WEAKNESS, "Thresholds are not understood.", 12),
    finding("h-afi", Agency.HEALTH, FindingKind.AREA_FOR_IMPROVEMENT, "School nurse capacity.", 15),
    finding("h-w", Agency.HEALTH, FindingKind.WEAKNESS, "No GP input.", 16),
    finding("l-s", Agency.LSCB, FindingKind.STRENGTH, "Audits are multi-agency.", 17),
    finding("y-w", Agency.YOT, FindingKind.WEAKNESS, "x" * 130, 18),
]
ALERTS = [
    # Concerns in order of raising (b before a, whatever their ids say).
    AlertNote("b-concern", Agency.POLICE, "Notifications are late.", "Open", False, False, raised_at=at(1)),
    AlertNote("a-concern", LA, "Drift in plans.", "Noted", False, False, raised_at=at(2)),
    AlertNote("z-harm", Agency.HEALTH, "Baby home, no health visit.", "Acknowledged", True, False, raised_at=at(3)),
    AlertNote("y-late", LA, "Child with risk adult.", "Raised", True, True, raised_at=at(4)),
]
ENQUIRIES = [
    EnquiryNote("q-team-2", "Are notifications checked daily?", needs_la_input=False, opened_at=at(5)),
    EnquiryNote("q-la-2", "Has the audit been shared?", needs_la_input=True, opened_at=at(4)),
    EnquiryNote("q-la-1", "Why no health at strategy discussions?\nCase NM-1.", needs_la_input=True, opened_at=at(1)),
    EnquiryNote("q-team-1", "Do case files show GP input?", needs_la_input=False, opened_at=at(2)),
]


def rows(agenda: list[AgendaItem]) -> list[tuple[str, str, str, str | None, str | None]]:
    return [(i.id, i.section.value, i.title, i.ref, i.agency.value if i.agency else None) for i in agenda]


def test_the_drafted_kit_agenda_exactly() -> None:
    agenda = draft_agenda(
        MeetingKind.KIT, meeting_id="k2", since=at(10), findings=FINDINGS, alerts=ALERTS, enquiries=ENQUIRIES
    )
    assert rows(agenda) == [
        ("k2.1", "findings", "Local authority — Weakness: Thresholds are not understood.", "la-w1", "local-authority"),
        ("k2.2", "findings", "Local authority — Weakness: Plans lack timescales.", "la-w2", "local-authority"),
        ("k2.3", "findings", "Local authority — Strength: Managers know their cases.", "la-s", "local-authority"),
        ("k2.4", "findings", "Health — Weakness: No GP input.", "h-w", "health"),
        ("k2.5", "findings", "Health — Area for improvement: School nurse capacity.", "h-afi", "health"),
        ("k2.6", "findings", "Health — Good practice: Named nurse supervision.", "h-gp", "health"),
        ("k2.7", "findings", "Police — Note: Custody records checked.", "p-n", "police"),
        ("k2.8", "findings", "Youth offending team — Weakness: " + "x" * 119 + "…", "y-w", "yot"),
        ("k2.9", "findings", "LSCB — Strength: Audits are multi-agency.", "l-s", "lscb"),
        ("k2.10", "alerts", "OVERDUE — Local authority: Child with risk adult. (Raised)", "y-late", "local-authority"),
        ("k2.11", "alerts", "Health: Baby home, no health visit. (Acknowledged)", "z-harm", "health"),
        ("k2.12", "alerts", "Police: Notifications are late. (Open)", "b-concern", "police"),
        ("k2.13", "alerts", "Local authority: Drift in plans. (Noted)", "a-concern", "local-authority"),
        ("k2.14", "enquiries", "Why no health at strategy discussions?", "q-la-1", None),
        ("k2.15", "enquiries", "Has the audit been shared?", "q-la-2", None),
    ]


def test_the_drafted_team_agenda_has_the_other_enquiries() -> None:
    agenda = draft_agenda(
        MeetingKind.TEAM, meeting_id="t1", since=at(16), findings=FINDINGS, alerts=[], enquiries=ENQUIRIES
    )
    assert rows(agenda) == [
        ("t1.1", "findings", "Youth offending team — Weakness: " + "x" * 119 + "…", "y-w", "yot"),
        ("t1.2", "findings", "LSCB — Strength: Audits are multi-agency.", "l-s", "lscb"),
        ("t1.3", "enquiries", "Do case files show GP input?", "q-team-1", None),
        ("t1.4", "enquiries", "Are notifications checked daily?", "q-team-2", None),
    ]


def test_the_first_meeting_of_a_kind_has_every_finding() -> None:
    agenda = draft_agenda(MeetingKind.KIT, meeting_id="k1", since=None, findings=FINDINGS, alerts=[], enquiries=[])
    assert {i.ref for i in agenda} == {f.id for f in FINDINGS}
    assert [i.ref for i in agenda][:4] == ["old", "at-last", "la-w1", "la-w2"]


def test_an_empty_record_drafts_an_empty_agenda() -> None:
    assert draft_agenda(MeetingKind.KIT, meeting_id="k", since=None, findings=[], alerts=[], enquiries=[]) == []


# ---------------------------------------------------------------- minutes as Markdown


EXPECTED_MARKDOWN = """\
# Keeping-in-touch meeting, Wednesday 18 November 2026

Joint inspection of Northmoor · opened 18 Nov 2026 09:00 · closed 18 Nov 2026 09:45

## Findings since the last meeting

1. Health — Weakness: No GP input.
   - **Local authority's response:** Health leads will raise it with every practice.
     - version 1 (18 Nov 2026 09:05): Health leads will raise it.
     - version 2 (18 Nov 2026 10:00): Health leads will raise it with practices.
     - amended 18 Nov 2026 11:00 — Agreed wording.
   - **Action:** Send the GP audit. — owner: Designated nurse; due 2026-11-20
2. Local authority — Strength: Managers know their cases.

## Open and overdue alerts

3. OVERDUE — Local authority: Child with risk adult. (Raised)

## Other business

4. Any other business
   - **Note:** None raised.

## General

- **Note:** Next KIT on Thursday.

## Actions

| action | owner | due |
| --- | --- | --- |
| Send the GP audit. | Designated nurse | 2026-11-20 |
"""


def test_minutes_markdown_exactly() -> None:
    minutes = Minutes(
        id="k",
        kind=MeetingKind.KIT,
        day=date(2026, 11, 18),
        opened_at=T0,
        agenda=[
            AgendaItem(id="k.1", section=Section.FINDINGS, title="Health — Weakness: No GP input.", ref="f1"),
            AgendaItem(
                id="k.2", section=Section.FINDINGS, title="Local authority — Strength: Managers know their cases."
            ),
            AgendaItem(
                id="k.3", section=Section.ALERTS, title="OVERDUE — Local authority: Child with risk adult. (Raised)"
            ),
        ],
    )
    minutes.add_item("aob", "Any other business", None)
    minutes.record(record("r1", "k.1", "la-response", text="Health leads will raise it."), at(5))
    minutes.record(
        record("a1", "k.1", "action", text="Send the GP audit.", owner="Designated nurse", due="2026-11-20"), at(6)
    )
    minutes.record(record("n1", "aob", text="None raised."), at(7))
    minutes.record(record("n2", None, text="Next KIT on Thursday."), at(8))
    minutes.close(at(45))
    minutes.amend(amend("r1", "Health leads will raise it with practices."), at(60))
    minutes.amend(amend("r1", "Health leads will raise it with every practice.", reason="Agreed wording."), at(120))

    text = minutes_markdown(minutes, inspection_name="Joint inspection of Northmoor", timezone="Europe/London")

    assert text == EXPECTED_MARKDOWN


def test_open_minutes_are_marked_draft_and_times_are_local() -> None:
    summer = Minutes(
        id="k", kind=MeetingKind.TEAM, day=date(2026, 6, 1), opened_at=datetime(2026, 6, 1, 15, 30, tzinfo=UTC)
    )
    assert minutes_markdown(summer, inspection_name="N", timezone="Europe/London") == (
        "# Team triangulation meeting, Monday 01 June 2026\n\nN · opened 01 Jun 2026 16:30 · open — draft minutes\n\n"
    )


# ---------------------------------------------------------------- the final team meeting (CP ¶31)


GRADES = [
    GradeNote(Agency.HEALTH, "overall", Grade.GOOD, warnings=1),
    GradeNote(Agency.HEALTH, "help-and-protection", Grade.INADEQUATE, warnings=2),
    GradeNote(Agency.POLICE, "leadership", Grade.REQUIRES_IMPROVEMENT, agreed=Grade.INADEQUATE),
    GradeNote(Agency.LSCB, "lscb-effectiveness", None, agreed=Grade.GOOD, warnings=1),
]


def test_the_drafted_final_agenda_exactly() -> None:
    """Every graded cell in board order, then the narratives, then every open alert and enquiry; no findings."""
    agenda = draft_agenda(
        MeetingKind.FINAL, meeting_id="f", since=at(10), findings=FINDINGS, alerts=ALERTS[3:], enquiries=ENQUIRIES,
        grades=GRADES,
    )  # fmt: skip
    assert rows(agenda) == [
        ("f.1", "grades", "Local authority — Overall effectiveness: not yet proposed", "local-authority/overall",
         "local-authority"),
        ("f.2", "grades", "Local authority — Children who need help and protection: not yet proposed",
         "local-authority/help-and-protection", "local-authority"),
        ("f.3", "grades", "Local authority — Children looked after and care leavers: not yet proposed",
         "local-authority/looked-after", "local-authority"),
        ("f.4", "grades", "Local authority — Leadership, management and governance: not yet proposed",
         "local-authority/leadership", "local-authority"),
        ("f.5", "grades", "Health — Overall effectiveness: proposed good, 1 warning", "health/overall", "health"),
        ("f.6", "grades", "Health — Children who need help and protection: proposed inadequate, 2 warnings",
         "health/help-and-protection", "health"),
        ("f.7", "grades", "Health — Children looked after and care leavers: not yet proposed", "health/looked-after",
         "health"),
        ("f.8", "grades", "Health — Leadership, management and governance: not yet proposed", "health/leadership",
         "health"),
        ("f.9", "grades", "Police — Overall effectiveness: not yet proposed", "police/overall", "police"),
        ("f.10", "grades", "Police — Children who need help and protection: not yet proposed",
         "police/help-and-protection", "police"),
        ("f.11", "grades", "Police — Leadership, management and governance: proposed requires improvement, "
         "agreed inadequate, no warnings", "police/leadership", "police"),
        ("f.12", "grades", "LSCB — Effectiveness of the LSCB: not yet proposed, agreed good, 1 warning",
         "lscb/lscb-effectiveness", "lscb"),
        ("f.13", "narratives", "Probation — the narrative of strengths and weaknesses (no findings)", None,
         "probation"),
        ("f.14", "narratives", "Youth offending team — the narrative of strengths and weaknesses (1 finding)", None,
         "yot"),
        ("f.15", "narratives", "Custody — the narrative of strengths and weaknesses (no findings)", None, "custody"),
        ("f.16", "alerts", "OVERDUE — Local authority: Child with risk adult. (Raised)", "y-late", "local-authority"),
        ("f.17", "enquiries", "Why no health at strategy discussions?", "q-la-1", None),
        ("f.18", "enquiries", "Do case files show GP input?", "q-team-1", None),
        ("f.19", "enquiries", "Has the audit been shared?", "q-la-2", None),
        ("f.20", "enquiries", "Are notifications checked daily?", "q-team-2", None),
    ]  # fmt: skip


def test_a_final_meeting_with_nothing_graded_still_lists_every_judgement_to_agree() -> None:
    agenda = draft_agenda(MeetingKind.FINAL, meeting_id="f", since=None, findings=[], alerts=[], enquiries=[])
    assert [i.section for i in agenda] == [Section.GRADES] * 12 + [Section.NARRATIVES] * 3
    assert all(i.title.endswith("not yet proposed") for i in agenda[:12])


def test_the_final_meeting_hears_the_local_authority_and_keeps_the_agreed_grades_at_close() -> None:
    final = meeting(MeetingKind.FINAL)
    final.record(record("r1", "m.1", "la-response", text="The DCS accepts the findings."), at(1))  # DCS invited
    final.close(at(30), [{"agency": "health", "judgement": "overall", "grade": "good", "signed_off": True},
                         AgreedGrade(agency=Agency.POLICE, judgement="leadership")])  # fmt: skip
    assert final.agreed_grades == [
        AgreedGrade(agency=Agency.HEALTH, judgement="overall", grade=Grade.GOOD, signed_off=True),
        AgreedGrade(agency=Agency.POLICE, judgement="leadership", grade=None),
    ]
    assert Minutes.model_validate_json(final.model_dump_json()) == final
    kit = meeting(MeetingKind.KIT)
    kit.close(at(30), [{"agency": "health", "judgement": "overall", "grade": "good"}])
    assert kit.agreed_grades == []  # only a final meeting records grades


def test_final_minutes_end_with_the_agreed_grades_at_close() -> None:
    final = meeting(MeetingKind.FINAL, items=1)
    draft = minutes_markdown(final, inspection_name="N", timezone="Europe/London")
    assert draft.endswith("## Agreed grades\n\nRecorded when the meeting closes.\n")
    final.close(at(60), [AgreedGrade(agency=Agency.HEALTH, judgement="overall", grade=Grade.GOOD, signed_off=True),
                         AgreedGrade(agency=Agency.LSCB, judgement="lscb-effectiveness")])  # fmt: skip
    text = minutes_markdown(final, inspection_name="N", timezone="Europe/London")
    assert text == (
        "# Final team meeting, Wednesday 18 November 2026\n\nN · opened 18 Nov 2026 09:00 · closed 18 Nov 2026 10:00\n"
        "\n## Findings since the last meeting\n\n1. Item 1\n"
        "\n## Agreed grades at close\n\n| agency | judgement | agreed grade | signed off |\n| --- | --- | --- | --- |\n"
        "| Health | Overall effectiveness | Good | yes |\n| LSCB | Effectiveness of the LSCB | not agreed | no |\n"
    )


# ---------------------------------------------------------------- the close freezes the grades


def closed_final() -> Minutes:
    final = meeting(MeetingKind.FINAL, items=1)
    final.close(at(60), [AgreedGrade(agency=Agency.HEALTH, judgement="overall", grade=Grade.GOOD),
                         AgreedGrade(agency=Agency.POLICE, judgement="leadership")])  # fmt: skip
    return final


def test_a_closed_final_meeting_freezes_every_cell_until_it_is_reopened_and_agreed_again() -> None:
    final = meeting(MeetingKind.FINAL, items=1)
    assert not final.freezes(Agency.HEALTH, "overall")  # open: the meeting is still agreeing them
    with refusal("out_of_order", "meeting_id"):
        final.reopen_grade(Agency.HEALTH, "overall", "Why.", at(1))
    final = closed_final()
    assert final.freezes(Agency.HEALTH, "overall") and final.freezes(Agency.LSCB, "lscb-effectiveness")
    assert frozen_refusal(final, Agency.HEALTH, "overall") == (
        "health: overall effectiveness: grades are frozen by the final team meeting of 18 November 2026; "
        "the lead must reopen them with a reason"
    )

    amendment = final.reopen_grade(Agency.HEALTH, "overall", " New evidence. ", at(90))
    assert (amendment.before, amendment.reason, amendment.is_open) == (Grade.GOOD, "New evidence.", True)
    assert frozen_refusal(final, Agency.HEALTH, "overall") is None
    assert final.freezes(Agency.HEALTH, "leadership")  # one cell reopened, not the board
    with refusal("out_of_order", "judgement"):
        final.reopen_grade(Agency.HEALTH, "overall", "Again.", at(91))

    assert final.reagree_grade(Agency.HEALTH, "leadership", Grade.GOOD, at(95)) is None  # not reopened
    final.reagree_grade(Agency.HEALTH, "overall", Grade.REQUIRES_IMPROVEMENT, at(100))
    assert final.freezes(Agency.HEALTH, "overall")
    assert final.frozen_grade(Agency.HEALTH, "overall") is Grade.REQUIRES_IMPROVEMENT
    assert final.agreed_grades[0].grade is Grade.GOOD  # what the meeting closed on stays as it was
    assert final.reopen_grade(Agency.HEALTH, "overall", "Once more.", at(120)).before is Grade.REQUIRES_IMPROVEMENT
    assert Minutes.model_validate_json(final.model_dump_json()) == final


def test_the_latest_closed_final_meeting_holds_the_freeze() -> None:
    first, kit = closed_final(), meeting(MeetingKind.KIT)
    kit.close(at(200))
    second = meeting(MeetingKind.FINAL).model_copy(update={"id": "m2"})
    assert grade_freeze([kit]) is None
    assert grade_freeze([first, kit, second]) is first  # the second is still open
    second.close(at(300))
    assert grade_freeze([first, second, kit]) is second


def test_clients_fold_the_amendments_from_the_grade_events() -> None:
    final = closed_final()
    meetings = {"m": final}
    cell = {"agency": Agency.POLICE, "judgement": "leadership"}
    reopened = GradeReopened(**cell, reason="The review arrived.", meeting_id="m")
    fold_grade_event(meetings, reopened, at(70))
    fold_grade_event(meetings, GradeAgreed(**cell, grade=Grade.GOOD), at(75))
    assert final.grade_amendments[0].is_open  # an agreement that names no amended meeting completes nothing
    fold_grade_event(meetings, GradeAgreed(**cell, grade=Grade.GOOD, amends_meeting="m"), at(80))
    fold_grade_event(meetings, reopened.model_copy(update={"meeting_id": "elsewhere"}), at(85))  # not held: ignored
    [amendment] = final.grade_amendments
    assert (amendment.before, amendment.agreed, amendment.agreed_at) == (None, Grade.GOOD, at(80))


def test_final_minutes_list_the_amendments_to_the_agreed_grades() -> None:
    final = closed_final()
    final.reopen_grade(Agency.HEALTH, "overall", "Late CQC evidence.", at(90))
    final.reopen_grade(Agency.POLICE, "leadership", "The review arrived.", at(95))
    final.reagree_grade(Agency.HEALTH, "overall", Grade.REQUIRES_IMPROVEMENT, at(100))
    text = minutes_markdown(final, inspection_name="N", timezone="Europe/London")
    assert text.endswith(
        "\n## Amendments to the agreed grades\n\n"
        "- **Health — Overall effectiveness** (was good): reopened by the lead 18 Nov 2026 10:30 — Late CQC evidence.\n"
        "  - agreed requires improvement 18 Nov 2026 10:40; frozen again\n"
        "- **Police — Leadership, management and governance** (was not agreed): reopened by the lead "
        "18 Nov 2026 10:35 — The review arrived.\n"
        "  - open: not yet agreed again\n"
    )


# ---------------------------------------------------------------- the framework's words (CP ¶24, ¶28, ¶30, ¶31)


def test_cp24_a_child_protection_final_meetings_minutes_speak_its_framework() -> None:
    """Agenda, agreed grades, amendments and refusals name CP ¶24's judgements; nothing of the integrated
    framework (other agencies, the LSCB, narratives) appears."""
    cp = Framework.CHILD_PROTECTION
    agenda = draft_agenda(MeetingKind.FINAL, meeting_id="f", since=None, findings=[], alerts=[], enquiries=[],
                          framework=cp)
    minutes = Minutes(id="f", kind=MeetingKind.FINAL, day=date(2026, 11, 25), opened_at=T0, agenda=agenda,
                      framework=cp)
    minutes.close(at(60), [AgreedGrade(agency=LA, judgement=str(j), grade=Grade.ADEQUATE) for _, j in board_cells(cp)])
    minutes.reopen_grade(LA, "leadership", "The DCS's new data.", at(90))

    text = minutes_markdown(minutes, inspection_name="Southmoor", timezone="Europe/London")

    help_and_protection = ("The effectiveness of the help and protection provided to children, young people, and "
                           "their families and carers")
    assert f"Local authority — {help_and_protection}: not yet proposed" in text
    assert f"| Local authority | {help_and_protection} | Adequate | no |" in text
    assert "| Local authority | The quality of practice | Adequate | no |" in text
    assert "**Local authority — Leadership and governance** (was adequate): reopened by the lead" in text
    for integrated in ("Children who need help and protection", "Leadership, management and governance", "LSCB",
                       "Narratives", "Health", "Police", "agency report", "inspectorate"):
        assert integrated not in text, integrated
    refusal = frozen_refusal(minutes, LA, "quality-of-practice")
    assert refusal is not None and refusal.startswith("local authority: the quality of practice: grades are frozen")


def test_the_minutes_say_who_attended_and_what_the_framework_warned_about() -> None:
    final = Minutes(id="f", kind=MeetingKind.FINAL, day=date(2026, 11, 24), opened_at=T0)
    final.record_attendance(Attendance(dcs=DcsPresence.REPRESENTED, representative="Head of *Service*",
                                       others="QA manager | MASH manager"))
    kit = meeting()
    kit.record_attendance(Attendance(dcs=DcsPresence.ATTENDED, dcs_name="Director"))

    assert "\n## Attendance\n\n- Director of Children's Services: represented by Head of \\*Service\\*\n" \
           "- Also present: QA manager \\| MASH manager\n" in minutes_markdown(final, inspection_name="N",
                                                                              timezone="Europe/London")
    assert "- Director of Children's Services (Director): attended\n" in minutes_markdown(
        kit, inspection_name="N", timezone="Europe/London")
    final.record_attendance(Attendance())
    warned = minutes_markdown(final, inspection_name="N", timezone="Europe/London")
    assert "## Attendance" not in warned
    assert "\n## Warnings\n\n- The Director of Children's Services is not recorded as invited" in warned
