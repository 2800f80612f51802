"""The meetings the child-protection framework asks for, and when, read against the framework itself.

CP ¶28: the planning meeting with the DCS, its agenda the meeting's stated purposes. CP ¶30: a keeping-in-touch
meeting each day of fieldwork, with the DCS or their representative — the lead sees at a glance when today's is
not held. CP ¶31: the final meeting on the last day of fieldwork ("day eight normally"), the DCS invited; other
days are warned about. CP ¶15: who is on site from which day. Every "today" here is given: no clock is read.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import ValidationError

from shared.meeting_attendance import DCS_NOT_INVITED, Attendance, DcsPresence, RecordAttendance
from shared.meeting_framework import (
    FINAL_MEETING_GUIDANCE,
    PLANNING_PURPOSES,
    final_day_warning,
    final_meeting_day,
)
from shared.meeting_rhythm import KitState, kit_glance
from shared.meetings import MeetingKind, MeetingRuleError, Minutes, OpenMeeting, Section, draft_agenda
from shared.on_site import framework_rhythm
from shared.protocol import Inspector
from shared.vocabulary import Framework, Inspectorate, Role
from tests.seeds import needs_seeds, paragraph_body, sentence

CP = Framework.CHILD_PROTECTION
MON = date(2026, 11, 16)  # day one of fieldwork
WED_2 = date(2026, 11, 25)  # day eight: the Wednesday of the second week
T0 = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)


def meeting(kind: MeetingKind, day: date, *, closed: bool = False, dcs: DcsPresence | None = None) -> Minutes:
    minutes = Minutes(id=f"{kind.value}-{day}", kind=kind, day=day, opened_at=T0)
    minutes.record_attendance(Attendance(dcs=dcs))
    if closed:
        minutes.close(T0 + timedelta(hours=1))
    return minutes


# ---------------------------------------------------------------- CP ¶28: the planning meeting


@needs_seeds
def test_cp28_the_planning_agenda_is_the_meetings_stated_purposes_in_the_frameworks_words() -> None:
    paragraph = paragraph_body(CP, 28)
    assert paragraph.startswith("At the earliest possible opportunity, the lead inspector will meet with the "
                                "Director of Children's Services or their representative")
    *purposes, explained = PLANNING_PURPOSES
    assert len(purposes) == 4
    for purpose in purposes:
        assert purpose[0].lower() + purpose[1:] in paragraph, purpose
    assert explained[0].lower() + explained[1:] in sentence(CP, 41, "At the meeting with the Director")


def test_cp28_the_planning_agenda_leads_with_its_purpose_and_leaves_findings_to_the_kit() -> None:
    agenda = draft_agenda(MeetingKind.PLANNING, meeting_id="p", since=None, findings=[], alerts=[], enquiries=[])
    assert [(item.id, item.section, item.title) for item in agenda] == [
        (f"p.{n}", Section.PURPOSE, purpose) for n, purpose in enumerate(PLANNING_PURPOSES, start=1)
    ]


# ---------------------------------------------------------------- CP ¶30: today's KIT meeting at a glance


@needs_seeds
def test_cp30_a_daily_discussion_with_the_dcs_or_their_representative() -> None:
    assert paragraph_body(CP, 30).startswith("Daily discussions between the lead inspector and the Director of "
                                             "Children's Services, or their representative, form an essential part")
    glance = kit_glance([], MON, WED_2, date(2026, 11, 18))
    assert glance is not None and "a daily discussion with the DCS or their representative" in glance.line


def test_todays_kit_is_not_held_until_a_kit_meeting_of_today_closes() -> None:
    today = date(2026, 11, 18)
    yesterday_kit = meeting(MeetingKind.KIT, date(2026, 11, 17), closed=True, dcs=DcsPresence.ATTENDED)
    team_today = meeting(MeetingKind.TEAM, today, closed=True)
    planning = meeting(MeetingKind.PLANNING, MON, closed=True, dcs=DcsPresence.ATTENDED)

    glance = kit_glance([yesterday_kit, team_today, planning], MON, WED_2, today)

    assert glance is not None and (glance.state, glance.fieldwork_day) == (KitState.NOT_HELD, 3)
    assert glance.marker == "KIT not held" and glance.needs_attention
    assert glance.line == ("Today's KIT meeting (day 3 of fieldwork) is not held yet: CP ¶30, a daily discussion "
                           "with the DCS or their representative.")

    kit = meeting(MeetingKind.KIT, today, dcs=DcsPresence.REPRESENTED)
    glance = kit_glance([planning, kit], MON, WED_2, today)
    assert glance is not None and glance.marker == "KIT open" and glance.with_dcs

    kit.close(T0 + timedelta(hours=2))
    glance = kit_glance([planning, kit], MON, WED_2, today)
    assert glance is not None and glance.marker == "KIT held" and not glance.needs_attention
    assert glance.line == "Today's KIT meeting (day 3 of fieldwork) was held with the DCS or their representative."


def test_a_kit_held_without_the_dcs_and_no_planning_meeting_still_need_attention() -> None:
    today = date(2026, 11, 18)
    glance = kit_glance([meeting(MeetingKind.KIT, today, closed=True, dcs=DcsPresence.APOLOGIES)], MON, None, today)
    assert glance is not None and glance.marker == "KIT held, no DCS" and glance.needs_attention
    assert glance.line.endswith("No planning meeting with the DCS yet: CP ¶28, at the earliest possible "
                                "opportunity.")


@pytest.mark.parametrize(
    ("start", "end", "today"),
    [
        (None, None, date(2026, 11, 18)),  # fieldwork has no first day
        (MON, WED_2, date(2026, 11, 13)),  # before fieldwork
        (MON, WED_2, date(2026, 11, 21)),  # a Saturday
        (MON, WED_2, date(2026, 11, 26)),  # after its last day
        (date(2026, 12, 21), None, date(2026, 12, 25)),  # Christmas Day
    ],
)
def test_no_kit_is_due_on_a_day_that_is_not_a_day_of_fieldwork(
    start: date | None, end: date | None, today: date
) -> None:
    assert kit_glance([], start, end, today) is None


# ---------------------------------------------------------------- CP ¶31: the final meeting


@needs_seeds
def test_cp31_the_final_meeting_guidance_quotes_the_framework() -> None:
    paragraph = paragraph_body(CP, 31)
    quoted = ("on the last day of fieldwork (day eight normally the Wednesday of the second week) to secure their "
              "judgements and agree gradings")
    assert quoted in paragraph and quoted in FINAL_MEETING_GUIDANCE
    invited = sentence(CP, 31, "The Director of Children's Services will be invited")
    assert invited[0].lower() + invited[1:] in FINAL_MEETING_GUIDANCE
    assert "will be invited to join the final meeting" in DCS_NOT_INVITED.text


def test_cp31_the_final_meeting_is_warned_about_off_the_last_day_of_fieldwork() -> None:
    assert final_day_warning(WED_2, MON, WED_2) is None
    early = final_day_warning(date(2026, 11, 24), MON, WED_2)
    assert early is not None and early.field == "day"
    assert early.text == ("CP ¶31 holds the final meeting on the last day of fieldwork, Wed 25 Nov 2026; this one is "
                          "on Tue 24 Nov 2026 (day 7 of fieldwork).")
    late = final_day_warning(date(2026, 11, 27), MON, WED_2)
    assert late is not None and late.text.endswith("this one is on Fri 27 Nov 2026.")
    unset = final_day_warning(WED_2, MON, None)
    assert unset is not None and unset.text.startswith("The last day of fieldwork is not set")


def test_cp31_day_eight_is_offered_while_the_last_day_is_not_set() -> None:
    assert final_meeting_day(MON, WED_2) == "The last day of fieldwork is Wed 25 Nov 2026."
    assert final_meeting_day(MON, None) == ("The last day of fieldwork is not set; day 8 of fieldwork would be "
                                            "Wed 25 Nov 2026.")
    assert final_meeting_day(None, None) == "The fieldwork dates are not set."


def test_cp31_the_dcs_warning_follows_the_final_meetings_attendance() -> None:
    final = Minutes(id="f", kind=MeetingKind.FINAL, day=WED_2, opened_at=T0)
    final.record_attendance(Attendance())
    assert final.warnings == [DCS_NOT_INVITED]
    final.record_attendance(Attendance(dcs=DcsPresence.INVITED))
    assert final.warnings == []
    kit = Minutes(id="k", kind=MeetingKind.KIT, day=WED_2, opened_at=T0)
    kit.record_attendance(Attendance())
    assert kit.warnings == []  # only the final meeting's invitation is the framework's


def test_the_team_meeting_is_held_without_the_dcs() -> None:
    team = Minutes(id="t", kind=MeetingKind.TEAM, day=WED_2, opened_at=T0)
    with pytest.raises(MeetingRuleError) as refused:
        team.record_attendance(Attendance(dcs=DcsPresence.ATTENDED))
    assert refused.value.field == "dcs"
    with pytest.raises(ValidationError, match="dcs: the team's own meeting is held without the local authority"):
        OpenMeeting.model_validate({"id": "o", "kind": "team", "day": "2026-11-25", "dcs": "attended"})
    with pytest.raises(ValidationError, match="representative: name who represented the DCS"):
        RecordAttendance.model_validate({"id": "r", "meeting_id": "k", "dcs": "represented"})


# ---------------------------------------------------------------- CP ¶15: who is on site from which day


def member(number: int, role: Role = Role.INSPECTOR) -> Inspector:
    return Inspector(id=number, name=f"Inspector {number}", inspectorate=Inspectorate.OFSTED, role=role)


@needs_seeds
def test_cp15_the_lead_from_day_one_three_from_day_two_two_more_from_day_three() -> None:
    assert sentence(CP, 15, "The lead inspector") == (
        "The lead inspector will be on site from day one (Monday); three inspectors will be on site on day two "
        "(Tuesday) and they will be joined by a further two inspectors on day three (Wednesday) for the remainder "
        "of the inspection"
    )
    team = [member(1, Role.LEAD), *(member(n) for n in range(2, 7)), member(7, Role.QA_MANAGER)]

    plan = framework_rhythm(team, MON)

    tuesday, wednesday = date(2026, 11, 17), date(2026, 11, 18)
    assert plan == {1: MON, 2: tuesday, 3: tuesday, 4: tuesday, 5: wednesday, 6: wednesday}  # QA not on site


def test_cp15_days_two_and_three_are_working_days() -> None:
    """Fieldwork starting on the Friday before a bank holiday Monday: day two is Tuesday, day three Wednesday."""
    friday = date(2026, 8, 28)  # Monday 31 August 2026 is the summer bank holiday
    plan = framework_rhythm([member(1, Role.LEAD), member(2), member(3), member(4), member(5)], friday)
    assert plan == {1: friday, 2: date(2026, 9, 1), 3: date(2026, 9, 1), 4: date(2026, 9, 1), 5: date(2026, 9, 2)}
