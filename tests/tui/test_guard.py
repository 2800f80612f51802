"""The app's personal-data guard on its own: the same inputs as the server (policy, name index, local date)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from shared.alerts import AlertLevel, RaiseAlert
from shared.findings import PostFinding
from shared.personal_data import NameIndex, PersonalDataKind, PersonalDataPolicy
from shared.protocol import Error, Event, Welcome
from shared.vocabulary import Agency
from tui.guard import PersonalDataGuard, context, describe, refusal_message, signature
from tui.state import TeamState

from .app_data import ASHA, NORTHMOOR, NOW, TEAM

SALT = bytes(range(16))
NHS = "943 476 5919"  # the published example: its check digit is valid


def finding(text: str) -> PostFinding:
    return PostFinding(id="c1", agency="local-authority", kind="weakness", evidence_source="case-file", text=text)


def welcomed(**inspection: object) -> TeamState:
    state = TeamState()
    state.welcome(Welcome(inspector=ASHA, inspection=NORTHMOOR.model_copy(update=inspection), epoch="e", head=0,
                          team=TEAM))
    return state


def guard_for(state: TeamState, now: datetime = NOW) -> PersonalDataGuard:
    return PersonalDataGuard(lambda: state, lambda: now)


def test_an_nhs_number_is_found_in_the_field_it_is_in() -> None:
    flags = guard_for(welcomed()).check(finding(f"Health visitor records show NHS no {NHS} on file."))
    assert [(name, match.kind, match.text) for name, match in flags] == [("text", PersonalDataKind.NHS_NUMBER, NHS)]


def test_clean_text_and_identifiers_are_not_flagged() -> None:
    command = finding("Strategy meeting for NM-10234 held promptly; criterion I68c met.")
    assert guard_for(welcomed()).check(command) == []


def test_alert_fields_are_checked_in_the_servers_order() -> None:
    command = RaiseAlert(id="a1", level=AlertLevel.EMERGING_CONCERN, agency=Agency.POLICE,
                         summary="Mother's mobile is 07700 900123.", immediate_action="Ring LS6 2AB team.")
    flags = guard_for(welcomed()).check(command)
    assert [(name, match.kind) for name, match in flags] == [
        ("summary", PersonalDataKind.PHONE), ("immediate_action", PersonalDataKind.POSTCODE)]


def test_names_need_the_imported_digests_and_the_inspections_salt() -> None:
    state = welcomed(case_salt=SALT.hex())
    guard = guard_for(state)
    command = finding("The allocated worker, Karen Whitfield, had not visited.")
    assert guard.check(command) == []
    state.cases.name_digests.update(NameIndex.build(["Karen Whitfield"], SALT).digests)
    assert [match.kind for _, match in guard.check(command)] == [PersonalDataKind.NAME]


def test_the_index_is_rebuilt_only_when_the_digests_change() -> None:
    state = welcomed(case_salt=SALT.hex())
    state.cases.name_digests.update(NameIndex.build(["Karen Whitfield"], SALT).digests)
    guard = guard_for(state)
    first = guard.names
    assert first is not None and guard.names is first
    state.cases.name_digests.update(NameIndex.build(["Tom Reid"], SALT).digests)
    second = guard.names
    assert second is not first and second is not None and len(second) > len(first)
    assert guard.names is second


def test_no_index_without_a_salt() -> None:
    state = welcomed(case_salt=None)
    state.cases.name_digests.update(NameIndex.build(["Karen Whitfield"], SALT).digests)
    assert guard_for(state).names is None


def test_policy_follows_the_leads_setting_and_alerts_are_never_refused() -> None:
    state = welcomed()
    guard = guard_for(state)
    alert = RaiseAlert(id="a1", level=AlertLevel.EMERGING_CONCERN, agency=Agency.POLICE, summary="x")
    assert guard.policy is PersonalDataPolicy.REFUSE
    assert guard.refuses(finding("x")) and not guard.refuses(alert)
    state.apply(Event(seq=1, kind="personal-data.set", actor=ASHA, at=NOW, data={"policy": "warn"}))
    assert state.inspection is not None and state.inspection.personal_data_policy == "warn"
    assert guard.policy is PersonalDataPolicy.WARN and not guard.refuses(finding("x"))


def test_before_any_welcome_the_default_policy_applies() -> None:
    assert guard_for(TeamState()).policy is PersonalDataPolicy.REFUSE


def test_today_is_the_inspections_date_not_utcs() -> None:
    late = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)  # already 1 July in London (summer time)
    assert guard_for(welcomed(), late).today() == date(2026, 7, 1)


def test_a_date_of_birth_is_judged_from_the_clocks_today() -> None:
    command = finding("Child LA-0042 (17/11/2012) lives with her aunt.")
    flags = guard_for(welcomed()).check(command)
    assert [match.kind for _, match in flags] == [PersonalDataKind.DATE_OF_BIRTH]  # 14 years before the clock
    later = datetime(2040, 1, 5, 9, 0, tzinfo=UTC)
    assert guard_for(welcomed(), later).check(command) == []  # 27 years before: history, not a child's birth


def test_the_notice_lines_are_masked_and_name_the_field() -> None:
    text = f"Health visitor records show NHS no {NHS} on file, and more after that."
    [flag] = guard_for(welcomed()).check(finding(text))
    assert describe(flag, {"text": "Finding"}) == "looks like an NHS number: 943 *** **** (in Finding)"
    before, found, after = context(text, flag[1], width=10)
    assert (before, found, after) == ("…ow NHS no ", NHS, " on file, …")


def test_signature_changes_when_the_text_does() -> None:
    assert signature(finding("a")) == (("text", "a"),)
    assert signature(finding("a")) != signature(finding("b"))


def test_a_servers_personal_data_refusal_says_what_to_do() -> None:
    error = Error(id="c1", code="personal_data", message="looks like an NHS number at '943 *** ****'",
                  field="text")
    message = refusal_message(error)
    assert "policy refuses personal data" in message and "in text: looks like an NHS number" in message
    assert "Edit it out" in message and NHS not in message
    assert refusal_message(Error(id="c1", code="forbidden", message="only the lead")) == "only the lead"
