"""Tests for the criteria catalogue (shared/criteria.json, shared/criteria.py).

Findings are tagged with these criteria and reports quote them, so the catalogue must hold every criterion the
documents have, no more, filed under the right agency and judgement area, in the documents' own words. The
expected letter runs below were read off the documents by hand, paragraph by paragraph, not derived from the
data file; the verbatim check reads the documents themselves (in ../shared/seeds, beside the repository).
"""

from __future__ import annotations

import re
from collections import defaultdict

import pytest

from shared.criteria import (
    GRADE_SCALES,
    Criterion,
    Grade,
    all_criteria,
    criteria_for,
    criterion,
    search,
)
from shared.vocabulary import Agency, Framework, JudgementArea, judgement_areas_for
from tests.seeds import needs_seeds, normalise, paragraph_body, paragraph_text


def _run(first: str, last: str) -> list[str]:
    return [chr(c) for c in range(ord(first), ord(last) + 1)]


# (framework, paragraph) -> the letters the document runs through, as read from it.
EXPECTED_LETTERS: dict[tuple[Framework, int], list[str]] = {
    # Health [I ¶63–70]
    (Framework.INTEGRATED, 63): _run("a", "j"),  # overall outstanding
    (Framework.INTEGRATED, 64): _run("a", "d"),  # overall good; b's marker is lost in the source
    (Framework.INTEGRATED, 68): _run("a", "w"),  # help and protection, good
    (Framework.INTEGRATED, 69): _run("a", "h"),  # looked after, good
    (Framework.INTEGRATED, 70): _run("a", "o"),  # leadership, good
    # Police [I ¶75–81]
    (Framework.INTEGRATED, 75): _run("a", "f"),  # overall outstanding
    (Framework.INTEGRATED, 76): _run("a", "c"),  # overall good
    (Framework.INTEGRATED, 80): _run("a", "v"),  # help and protection, good
    (Framework.INTEGRATED, 81): _run("a", "i"),  # leadership, good
    # Probation [I ¶84–90]
    (Framework.INTEGRATED, 84): _run("a", "e"),
    (Framework.INTEGRATED, 85): _run("a", "e"),
    (Framework.INTEGRATED, 86): _run("a", "d"),
    (Framework.INTEGRATED, 87): _run("a", "e"),
    (Framework.INTEGRATED, 88): _run("a", "f"),
    (Framework.INTEGRATED, 89): _run("a", "c"),
    (Framework.INTEGRATED, 90): _run("a", "e"),
    # Youth offending teams [I ¶91–97]
    (Framework.INTEGRATED, 91): _run("a", "b"),
    (Framework.INTEGRATED, 92): _run("a", "f"),
    (Framework.INTEGRATED, 93): _run("a", "d"),
    (Framework.INTEGRATED, 94): _run("a", "e"),
    (Framework.INTEGRATED, 95): _run("a", "g"),
    (Framework.INTEGRATED, 96): _run("a", "c"),
    (Framework.INTEGRATED, 97): _run("a", "e"),
    # Custody [I ¶103–107]: indicators run on across a paragraph's expectations (¶103: a–g, h–k, l–m)
    (Framework.INTEGRATED, 103): _run("a", "m"),
    (Framework.INTEGRATED, 104): _run("a", "m"),
    (Framework.INTEGRATED, 105): _run("a", "h"),
    (Framework.INTEGRATED, 106): _run("a", "o"),  # l's marker is lost in the source
    (Framework.INTEGRATED, 107): _run("a", "d"),
    # LSCB [I ¶115]
    (Framework.INTEGRATED, 115): _run("a", "l"),
    # Child-protection evaluation schedule [CP ¶20, ¶24]: unlettered bullets, lettered by position
    (Framework.CHILD_PROTECTION, 20): _run("a", "h"),
    (Framework.CHILD_PROTECTION, 24): _run("a", "d"),
}

# (framework, paragraph) -> ids of the entries without a letter: paragraph-level descriptors and criterion
# headings, the ■ grade descriptors after a 'good' list, and HMI Prisons' expectation statements.
_GRADES = ("outstanding", "requires-improvement", "inadequate")
EXPECTED_UNLETTERED: dict[tuple[Framework, int], set[str]] = {
    (Framework.INTEGRATED, 65): {"I65"},
    (Framework.INTEGRATED, 66): {"I66"},
    (Framework.INTEGRATED, 67): {"I67"},
    (Framework.INTEGRATED, 68): {f"I68-{g}" for g in _GRADES},
    (Framework.INTEGRATED, 69): {f"I69-{g}" for g in _GRADES},
    (Framework.INTEGRATED, 70): {f"I70-{g}" for g in _GRADES},
    (Framework.INTEGRATED, 77): {"I77"},
    (Framework.INTEGRATED, 78): {"I78"},
    (Framework.INTEGRATED, 79): {"I79"},
    (Framework.INTEGRATED, 80): {f"I80-{g}" for g in _GRADES},
    (Framework.INTEGRATED, 81): {f"I81-{g}" for g in _GRADES},
    **{(Framework.INTEGRATED, n): {f"I{n}"} for n in range(84, 98)},
    (Framework.INTEGRATED, 103): {"I103", "I103-exp1", "I103-exp2", "I103-exp3"},
    (Framework.INTEGRATED, 104): {"I104", "I104-exp1"},
    (Framework.INTEGRATED, 105): {"I105", "I105-exp1"},
    (Framework.INTEGRATED, 106): {"I106", "I106-exp1"},
    (Framework.INTEGRATED, 107): {"I107"},
    (Framework.INTEGRATED, 116): {"I116"},
    (Framework.INTEGRATED, 117): {"I117"},
    (Framework.INTEGRATED, 118): {"I118"},
}

# Which agency each paragraph belongs to, from the documents' proposal headings.
EXPECTED_AGENCY: dict[tuple[Framework, int], Agency] = {
    **{(Framework.INTEGRATED, n): Agency.HEALTH for n in range(63, 71)},
    **{(Framework.INTEGRATED, n): Agency.POLICE for n in range(75, 82)},
    **{(Framework.INTEGRATED, n): Agency.PROBATION for n in range(84, 91)},
    **{(Framework.INTEGRATED, n): Agency.YOT for n in range(91, 98)},
    **{(Framework.INTEGRATED, n): Agency.CUSTODY for n in range(103, 108)},
    **{(Framework.INTEGRATED, n): Agency.LSCB for n in range(115, 119)},
    (Framework.CHILD_PROTECTION, 20): Agency.LOCAL_AUTHORITY,
    (Framework.CHILD_PROTECTION, 24): Agency.LOCAL_AUTHORITY,
}


def _by_paragraph() -> dict[tuple[Framework, int], list[Criterion]]:
    grouped: dict[tuple[Framework, int], list[Criterion]] = defaultdict(list)
    for item in all_criteria():
        grouped[(item.framework, item.paragraph)].append(item)
    return grouped


# --- counts and letters --------------------------------------------------------------------------------------


def test_catalogue_covers_exactly_the_paragraphs_in_scope() -> None:
    assert set(_by_paragraph()) == set(EXPECTED_AGENCY)


@pytest.mark.parametrize(("key", "letters"), EXPECTED_LETTERS.items(), ids=lambda v: str(v))
def test_lettered_paragraph_runs_exactly_as_the_document(key: tuple[Framework, int], letters: list[str]) -> None:
    found = [item.letter for item in _by_paragraph()[key] if item.letter is not None]
    assert found == letters


def test_paragraphs_without_letters_have_none() -> None:
    for key, items in _by_paragraph().items():
        if key not in EXPECTED_LETTERS:
            assert all(item.letter is None for item in items), key


# Sorted: a set prints in hash order, and xdist needs every worker to collect the same ids.
@pytest.mark.parametrize(
    ("key", "ids"), EXPECTED_UNLETTERED.items(), ids=lambda v: str(sorted(v) if isinstance(v, set) else v)
)
def test_unlettered_entries_per_paragraph(key: tuple[Framework, int], ids: set[str]) -> None:
    assert {item.id for item in _by_paragraph()[key] if item.letter is None} == ids


def test_paragraphs_with_only_a_lettered_list_have_no_extra_entries() -> None:
    for key, items in _by_paragraph().items():
        if key not in EXPECTED_UNLETTERED:
            assert all(item.letter is not None for item in items), key


def test_the_counts_the_domain_map_quotes() -> None:
    """domain.md: health help and protection a–w, looked-after a–h, leadership a–o; police a–v, a–i; LSCB a–l."""
    lettered = {k: len([i for i in v if i.letter]) for k, v in _by_paragraph().items()}
    integrated = {n: lettered[(Framework.INTEGRATED, n)] for n in (68, 69, 70, 80, 81, 115)}
    assert integrated == {68: 23, 69: 8, 70: 15, 80: 22, 81: 9, 115: 12}
    assert len(all_criteria()) == 291


# --- identity and vocabulary ---------------------------------------------------------------------------------


def test_ids_are_unique_and_follow_the_scheme() -> None:
    items = all_criteria()
    assert len({item.id for item in items}) == len(items)
    for item in items:
        prefix = "I" if item.framework is Framework.INTEGRATED else "CP"
        if item.letter is not None:
            assert item.id == f"{prefix}{item.paragraph}{item.letter}"
        else:
            assert re.fullmatch(rf"{prefix}{item.paragraph}(-[a-z0-9-]+)?", item.id), item.id


def test_agency_area_and_grade_are_valid_for_each_entry() -> None:
    for item in all_criteria():
        assert item.agency is EXPECTED_AGENCY[(item.framework, item.paragraph)], item.id
        if item.judgement_area is not None:
            assert item.judgement_area in judgement_areas_for(item.agency), item.id
        if item.grade is not None:
            assert item.grade in GRADE_SCALES[item.framework], item.id


def test_narrative_only_agencies_have_neither_area_nor_grade() -> None:
    for item in all_criteria():
        if item.agency in (Agency.PROBATION, Agency.YOT, Agency.CUSTODY):
            assert item.judgement_area is None and item.grade is None, item.id


@pytest.mark.parametrize(
    ("paragraph", "area"),
    [
        (68, JudgementArea.HELP_AND_PROTECTION),
        (69, JudgementArea.LOOKED_AFTER),
        (70, JudgementArea.LEADERSHIP),
        (80, JudgementArea.HELP_AND_PROTECTION),
        (81, JudgementArea.LEADERSHIP),
        (115, JudgementArea.LSCB_EFFECTIVENESS),
    ],
)
def test_judgement_lists_are_filed_under_their_judgement(paragraph: int, area: JudgementArea) -> None:
    assert {item.judgement_area for item in _by_paragraph()[(Framework.INTEGRATED, paragraph)]} == {area}


def test_overall_effectiveness_descriptors_have_no_judgement_area() -> None:
    for n in (*range(63, 68), *range(75, 80)):
        assert all(item.judgement_area is None for item in _by_paragraph()[(Framework.INTEGRATED, n)]), n


def test_grades_follow_the_headings() -> None:
    assert {criterion(f"I63{c}").grade for c in "abcdefghij"} == {Grade.OUTSTANDING}
    assert {c.grade for c in criteria_for(Agency.HEALTH, JudgementArea.HELP_AND_PROTECTION) if c.letter} == {Grade.GOOD}
    assert criterion("I65").grade is Grade.REQUIRES_IMPROVEMENT
    assert criterion("I67").grade is Grade.INADEQUATE
    assert criterion("I79").grade is Grade.INADEQUATE
    assert criterion("I80-outstanding").grade is Grade.OUTSTANDING
    assert criterion("I116").grade is Grade.OUTSTANDING
    assert criterion("I117").grade is Grade.REQUIRES_IMPROVEMENT
    assert criterion("I118").grade is Grade.INADEQUATE
    assert all(c.grade is None for c in criteria_for(Agency.LOCAL_AUTHORITY))


# --- verbatim against the documents -------------------------------------------------------------------------

@needs_seeds
def test_every_text_is_verbatim_from_its_paragraph() -> None:
    cache: dict[tuple[Framework, int], str] = {}
    missing = []
    for item in all_criteria():
        key = (item.framework, item.paragraph)
        if key not in cache:
            cache[key] = paragraph_text(*key)
        assert item.text and item.text == item.text.strip() and "  " not in item.text, item.id
        if normalise(item.text) not in cache[key]:
            missing.append(item.id)
    assert missing == []


@needs_seeds
def test_lettered_items_start_where_the_document_letters_them() -> None:
    """Guards against a letter being attached to the wrong text (e.g. texts shifted by one)."""
    for item in all_criteria():
        if item.letter is None or item.framework is not Framework.INTEGRATED or item.id in {"I64b", "I106l"}:
            continue  # CP letters are positional; I64b and I106l lost their markers in the source
        marker = "I" if item.letter == "l" else item.letter  # the source prints l as a capital I
        needle = normalise(f"{marker}. {item.text[:60]}")
        assert needle in paragraph_text(item.framework, item.paragraph), item.id


# Descriptors that are a whole paragraph (¶67 and ¶79 run into the next heading, so are checked by inclusion above):
# lead-in and bullet(s), nothing cut (I ¶118 once held its lead-in only).
WHOLE_PARAGRAPH_DESCRIPTORS = ("I65", "I66", "I77", "I78", "I116", "I117", "I118")


@needs_seeds
@pytest.mark.parametrize("criterion_id", WHOLE_PARAGRAPH_DESCRIPTORS)
def test_a_whole_paragraph_descriptor_is_the_whole_paragraph(criterion_id: str) -> None:
    item = criterion(criterion_id)
    assert normalise(item.text) == paragraph_body(item.framework, item.paragraph)


@needs_seeds
def test_i118_the_lscb_inadequate_descriptor_is_the_seeds_full_text() -> None:
    """I ¶118: the lead-in and the descriptor after it, as the consultation words it, up to its last sentence."""
    text = criterion("I118").text
    assert normalise(text) == paragraph_body(Framework.INTEGRATED, 118)
    assert text.startswith("The LSCB is likely to be inadequate if the following applies: - it is not demonstrating")
    assert text.endswith("fails to identify where improvements can be made.")


# --- the API the finding form and reports use -------------------------------------------------------------------


def test_criterion_lookup_and_unknown_id() -> None:
    found = criterion("I68c")
    assert (found.framework, found.agency, found.judgement_area) == (
        Framework.INTEGRATED,
        Agency.HEALTH,
        JudgementArea.HELP_AND_PROTECTION,
    )
    assert (found.paragraph, found.letter, found.citation) == (68, "c", "[I ¶68c]")
    assert criterion("CP24b").citation == "[CP ¶24b]"
    assert criterion("I68-outstanding").citation == "[I ¶68]"
    with pytest.raises(KeyError, match="I999z"):
        criterion("I999z")


def test_criteria_are_frozen() -> None:
    with pytest.raises(AttributeError):
        criterion("I68c").text = "changed"  # type: ignore[misc]


def test_criteria_for_agency_and_area() -> None:
    health_hp = criteria_for(Agency.HEALTH, JudgementArea.HELP_AND_PROTECTION)
    assert [c.id for c in health_hp][:2] == ["I68a", "I68b"]
    assert len(health_hp) == 23 + 3
    assert {c.id for c in criteria_for(Agency.POLICE, JudgementArea.LEADERSHIP)} == {
        *(f"I81{c}" for c in "abcdefghi"),
        *(f"I81-{g}" for g in _GRADES),
    }
    assert criteria_for(Agency.POLICE, JudgementArea.LOOKED_AFTER) == []
    assert len(criteria_for(Agency.PROBATION)) == 33 + 7  # ¶84–90: 33 lettered criteria under 7 headings
    assert {c.framework for c in criteria_for(Agency.LOCAL_AUTHORITY)} == {Framework.CHILD_PROTECTION}
    assert criteria_for(Agency.LOCAL_AUTHORITY, framework=Framework.INTEGRATED) == []
    assert [c.id for c in criteria_for("local-authority", "leadership", "child-protection")] == ["CP20f", "CP24d"]


def test_criteria_for_refuses_unknown_values() -> None:
    with pytest.raises(ValueError):
        criteria_for("fire-service")
    with pytest.raises(ValueError):
        criteria_for(Agency.HEALTH, "permanence")


def test_search_is_case_insensitive_over_id_and_text() -> None:
    assert [c.id for c in search("marac")] == ["I68r", "I80j", "I80k", "I88f", "I95f"]
    assert [c.id for c in search("MARAC", agency=Agency.POLICE)] == ["I80j", "I80k"]
    assert [c.id for c in search("68c")] == ["I68c"]
    assert [c.id for c in search("[I ¶68c]")] == ["I68c"]
    assert [c.id for c in search("missing exploitation", agency="health")] == ["I68u"]
    assert search("missing", agency=Agency.HEALTH, judgement_area=JudgementArea.LOOKED_AFTER) == []
    assert search("zebra") == []
    assert search("", agency=Agency.LSCB) == criteria_for(Agency.LSCB)


# --- grade scales ----------------------------------------------------------------------------------------------


def test_grade_scales_belong_to_the_framework() -> None:
    assert GRADE_SCALES[Framework.INTEGRATED] == ("outstanding", "good", "requires-improvement", "inadequate")
    assert GRADE_SCALES[Framework.CHILD_PROTECTION] == ("outstanding", "good", "adequate", "inadequate")
    assert [g.label for g in GRADE_SCALES[Framework.INTEGRATED]] == [
        "Outstanding",
        "Good",
        "Requires improvement",
        "Inadequate",
    ]
    assert [g.label for g in GRADE_SCALES[Framework.CHILD_PROTECTION]] == [
        "Outstanding",
        "Good",
        "Adequate",
        "Inadequate",
    ]
    assert set(GRADE_SCALES) == set(Framework)
    assert Grade.REQUIRES_IMPROVEMENT not in GRADE_SCALES[Framework.CHILD_PROTECTION]
    assert Grade.ADEQUATE not in GRADE_SCALES[Framework.INTEGRATED]
