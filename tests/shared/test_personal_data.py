"""Tests for the personal-data guard (shared/personal_data.py), which the app runs before sending and the server
on receipt.

The corpus (personal_data_corpus.json) is the specification: every labelled example must come out exactly as
labelled, except the known misses, which must come out exactly as recorded, so that a change in the detector
either fixes a known miss (update the corpus) or is noticed. The other tests pin down what must never leak: the
plain names in the name index, and the full personal data in messages meant for logs.
"""

from __future__ import annotations

import json
import sys
import unicodedata
from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.personal_data import (
    ERROR_CODE,
    Match,
    NameIndex,
    PersonalDataKind,
    PersonalDataPolicy,
    find_personal_data,
    mask,
    nhs_check_digit_ok,
    redact,
    summary,
    to_wire,
)
from shared.personal_data_names import without_invisible
from tests.shared.personal_data_corpus import Example, found, load

CORPUS = load()
SALT = bytes(range(16))


def _show(example: Example, spans: frozenset[tuple[PersonalDataKind, int, int]]) -> list[tuple[str, str]]:
    return sorted((kind.value, example.text[start:end]) for kind, start, end in spans)


# ---------------------------------------------------------------- the corpus


def test_corpus_is_large_and_covers_every_kind_both_ways() -> None:
    assert len(CORPUS.examples) >= 150
    positives = {kind for e in CORPUS.examples for kind, *_ in e.truth}
    assert positives == set(PersonalDataKind)
    assert sum(not e.truth for e in CORPUS.examples) >= 75, "too few negatives to measure precision"


@pytest.mark.parametrize("example", CORPUS.examples, ids=[f"{i:03}" for i in range(len(CORPUS.examples))])
def test_corpus_example(example: Example) -> None:
    got = found(CORPUS, example)
    if example.known_miss:
        assert got != example.truth, f"known miss now passes, take it off the list: {example.text!r}"
        assert _show(example, got) == _show(example, example.known_got), example.known_miss
    else:
        assert _show(example, got) == _show(example, example.truth), example.note


def test_reasons_never_repeat_the_personal_data() -> None:
    for example in CORPUS.examples:
        for match in CORPUS.find(example.text):
            assert match.text == example.text[match.start:match.end]
            assert match.text.casefold() not in match.reason.casefold()


# ---------------------------------------------------------------- NHS numbers


def test_nhs_check_digit() -> None:
    assert nhs_check_digit_ok("9434765919")
    assert not nhs_check_digit_ok("9434765918")
    assert not nhs_check_digit_ok("943476591")
    assert not nhs_check_digit_ok("94347659x9")


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_at_most_one_check_digit_makes_nine_digits_valid(first_nine: str) -> None:
    assert sum(nhs_check_digit_ok(first_nine + d) for d in "0123456789") <= 1


def test_a_ten_digit_number_failing_the_check_may_still_be_a_phone_number() -> None:
    # 01632 96000x: none of these passes the NHS check except 0163296006, yet all are landlines.
    for last in "0123456789":
        [match] = find_personal_data(f"call 016329600{last[-1]}")
        assert match.kind is PersonalDataKind.PHONE


# ---------------------------------------------------------------- the name index


def test_name_index_keeps_no_plain_names() -> None:
    names = ["Asha Patel", "Okafor, Grace", "Zoë Lefèvre"]
    serialised = NameIndex.build(names, SALT).to_json().casefold()
    for word in ("asha", "patel", "okafor", "grace", "zoe", "zoë", "lefevre", "lefèvre"):
        assert word not in serialised


def test_name_index_round_trips_and_is_order_blind() -> None:
    index = NameIndex.build(["Asha Patel", "Tom Reid"], SALT)
    assert NameIndex.from_json(index.to_json()) == index
    assert NameIndex.build(["Tom Reid", "Asha Patel"], SALT).to_json() == index.to_json()
    assert "asha  PATEL" in index and "Tom Reid" in index and "Reid" in index
    assert "Asha" not in index, "first names alone are not indexed"
    assert "Reid Tom" not in index


def test_name_index_normalises_imported_forms() -> None:
    index = NameIndex.build(["Okafor, Grace", "Dr Imran Siddiqui", "Bethany Louise Harrington"], SALT)
    for phrase in ("Grace Okafor", "Imran Siddiqui", "Siddiqui", "Bethany Harrington", "bethany louise harrington"):
        assert phrase in index, phrase


def test_name_index_digests_depend_on_the_salt() -> None:
    one = NameIndex.build(["Asha Patel"], SALT)
    other = NameIndex.build(["Asha Patel"], NameIndex.new_salt())
    assert not one.digests & other.digests


def test_name_index_refuses_a_short_salt_and_foreign_json() -> None:
    with pytest.raises(ValueError):
        NameIndex.build(["Asha Patel"], b"salt")
    with pytest.raises(ValueError):
        NameIndex.from_json(json.dumps({"format": "something-else"}))


def test_without_a_name_index_names_are_not_looked_for() -> None:
    assert find_personal_data("Asha Patel visited.") == []


def test_children_and_parents_are_indexed_by_first_name_too_but_workers_are_not() -> None:
    index = NameIndex.build(["Asha Patel"], SALT, family=["Jayden Smith", "Smith, Kerry", "Jo Lee"])
    assert "Jayden" in index and "Kerry" in index and "Kerry Smith" in index and "Smith" in index
    assert "Asha" not in index, "a worker's first name says little about who is meant"
    assert "Jo" not in index, "first names under three letters collide with initials and words"
    [match] = find_personal_data("Jayden's plan was not updated.", index)
    assert (match.kind, match.text) == (PersonalDataKind.NAME, "Jayden")


def test_names_after_family_and_title_words_are_found_without_a_list() -> None:
    text = "Jayden moved with his mum Kerry Smith; foster carer Jane Doe and Dr. Patel's report agree."
    assert [m.text for m in find_personal_data(text)] == ["Kerry Smith", "Jane Doe", "Patel"]
    for anonymous in ("Child A lives with Mother A.", "Mum said the Foster Carer Review was late.", "Mr X agreed."):
        assert find_personal_data(anonymous) == [], anonymous


# ---------------------------------------------------------------- invisible characters


def test_invisible_characters_are_every_format_character() -> None:
    every = (chr(c) for c in range(sys.maxunicode + 1))
    assert all(without_invisible(c) == "" for c in every if unicodedata.category(c) == "Cf")
    assert without_invisible("Zoë 😀 \u0301e\u00a0x") == "Zoë 😀 \u0301e\u00a0x", "visible marks and spaces stay"


def test_invisible_characters_are_skipped_and_spans_point_into_the_text_as_given() -> None:
    index = NameIndex.build([], SALT, family=["Jayden Smith"])
    text = "Jay\u200bden Smith's NHS no is 943\u2060476\u200d5919, mobile 07700\u00ad900123."
    found = find_personal_data(text, index)
    assert [(m.kind, m.text) for m in found] == [
        (PersonalDataKind.NAME, "Jay\u200bden Smith"),
        (PersonalDataKind.NHS_NUMBER, "943\u2060476\u200d5919"),
        (PersonalDataKind.PHONE, "07700\u00ad900123"),
    ]
    assert all(text[m.start:m.end] == m.text for m in found)


# ---------------------------------------------------------------- what may be shown and logged


def test_summary_masks_the_match() -> None:
    text = "NHS 943 476 5919, mobile 07700 900123, lives at LS6 2AB, DOB 03/04/2012, email a.patel@example.org"
    matches = find_personal_data(text, today=CORPUS.today)
    message = summary(matches)
    assert message.startswith("looks like an NHS number at '943 *** ****'")
    assert "'07700 ******'" in message and "'LS6 ***'" in message and "'**/**/****'" in message
    assert "'a******@example.org'" in message
    for match in matches:
        assert match.text not in message


def test_summary_names_only_initials_and_limits_its_length() -> None:
    index = NameIndex.build(["Asha Patel"], SALT)
    matches = find_personal_data("Asha Patel; " * 7, index)
    assert summary(matches).count("'A*** P****'") == 5
    assert summary(matches).endswith("and 2 more")
    assert summary([]) == ""


def test_mask_keeps_separators_and_hides_the_rest() -> None:
    [ni] = find_personal_data("NI JG 10 37 59 C")
    assert mask(ni) == "JG ** ** ** *"


def test_redact_replaces_each_match_with_its_kind() -> None:
    text = "Child LA-0042 (DOB 03/04/2012) lives at LS6 2AB."
    assert redact(text, find_personal_data(text, today=CORPUS.today)) == (
        "Child LA-0042 (DOB [date of birth]) lives at [UK postcode]."
    )


def test_redact_refuses_overlapping_matches() -> None:
    a = Match(PersonalDataKind.NAME, 0, 5, "Asha ", "x")
    b = Match(PersonalDataKind.NAME, 3, 8, "a Pa", "x")
    with pytest.raises(ValueError):
        redact("Asha Patel", [a, b])


def test_wire_form_carries_spans_but_not_the_text() -> None:
    text = "Mobile 07700 900123."
    [wire] = to_wire(find_personal_data(text))
    assert wire == {"kind": "phone", "start": 7, "end": 19, "masked": "07700 ******",
                    "reason": "the shape and length of a UK mobile number"}
    assert "900123" not in json.dumps(wire)


def test_policy_and_error_code() -> None:
    assert ERROR_CODE == "personal_data"
    assert [p.value for p in PersonalDataPolicy] == ["warn", "refuse"]


# ---------------------------------------------------------------- dates and today


def test_today_defaults_to_the_real_date() -> None:
    ten_years_ago = date.today() - timedelta(days=3653)
    text = f"Child LA-0042 ({ten_years_ago:%d/%m/%Y}) was seen."
    [match] = find_personal_data(text)
    assert match.kind is PersonalDataKind.DATE_OF_BIRTH


def test_future_dates_are_never_dates_of_birth() -> None:
    assert find_personal_data("DOB 01/01/2030", today=CORPUS.today) == []


# ---------------------------------------------------------------- invariants on any text

_PIECES = st.sampled_from([
    " ", ", ", ". ", "\n", "DOB ", "NHS ", "NI ", "Mrs ", "Asha", "Patel", "Will", "May", "07700", "900123",
    "943", "476", "5919", "LS6", "2AB", "+44", "(0)", "@", "example.org", "03/04/2012", "-", "JG", "10", "37", "C",
    "\u200b", "\u202e", "mum ", "Kerry", "Jayden", "'s", ".", "QQ",
])


@given(st.lists(_PIECES, max_size=40).map("".join))
def test_matches_are_sorted_non_overlapping_and_point_into_the_text(text: str) -> None:
    index = NameIndex.build(["Asha Patel", "Will May"], SALT, family=["Jayden Smith", "Kerry Smith"])
    matches = find_personal_data(text, index, today=CORPUS.today)
    for match in matches:
        assert text[match.start:match.end] == match.text != ""
    for before, after in pairwise(matches):
        assert before.end <= after.start
    redact(text, matches)
