"""Names after family and title words: "his mum Kerry Smith", "Mrs Begley", "foster carer Jane Doe", "Dr Patel".

Annex A lists children by ID and often carries no parent's name at all, so the salted name index cannot know
most of the adults a finding may name. But prose marks them: a capitalised word straight after "mum", "father",
"carer", "Mrs" or "Dr" is almost always a name. This detector needs no list, so it works before any import.

What it leaves alone: anonymised labels ("Child A", "Mother B", "Mr X"), acronyms after a cue ("dad's GP"), a
family word that is itself capitalised mid-sentence ("Father Christmas", "the Foster Carer Review", "Parent Carer
Forum": title case marks a proper noun or a heading, not a relationship), and a cue followed by a pronoun or
another cue ("Mum: She said…", "mum, Dad and Jayden").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from shared.personal_data_match import Match, PersonalDataKind
from shared.personal_data_names import TITLES, Token, sentence_start, tokens

MAX_NAME_WORDS = 3

_FAMILY = (
    """mum mam mummy mom mother dad daddy father parent carer carers guardian grandmother grandma gran granny nan
    nana nanny grandfather grandad granddad grandpa grandparent brother sister sibling son daughter aunt auntie aunty
    uncle cousin nephew niece stepmother stepmum step-mum step-mother stepfather stepdad step-dad step-father
    stepbrother step-brother stepsister step-sister half-brother half-sister great-grandmother great-grandfather
    great-aunt great-uncle partner boyfriend girlfriend husband wife fiancé fiance fiancée fiancee"""
)
FAMILY_WORDS = frozenset(_FAMILY.split())
"""Relationships after which a capitalised word is a name; "foster carer", "special guardian" end in one."""

_CLAUSE_WORDS = (
    """i a an the this that these those he she they it his her their its we you our my your who whom whose when
    where what which if so and but or nor not no yes also then was is are were has had have did does said says
    would could should might must can today yesterday tomorrow monday tuesday wednesday thursday friday saturday
    sunday"""
)
_NOT_NAMES = frozenset(_CLAUSE_WORDS.split())
"""Capitalised words after a cue that start a clause rather than a name ("Mum: She said", "dad. Then")."""

_SEPARATOR = re.compile(r"[ \t]*[,:(]?[ \t]*")
_TITLE_SEPARATOR = re.compile(r"\.?[ \t]+")


def _cue(text: str, word: Token) -> str | None:
    """"title" or "family" if ``word`` introduces a name, else None."""
    if word.norm in TITLES and word.text[:1].isupper():
        return "title"
    if word.norm not in FAMILY_WORDS:
        return None
    if word.text[:1].isupper() and not sentence_start(text, word.start):
        return None  # "Father Christmas", "the Foster Carer Review": a proper noun or a heading
    return "family"


def _name_like(word: Token) -> bool:
    letters = sum(c.isalpha() for c in word.text)
    if not word.text[:1].isupper() or letters < 2:
        return False  # lower case, or an anonymised "Child A"
    if word.text.isupper() and letters <= 3:
        return False  # an acronym: "dad's GP", "Mum DV"
    return word.stem_norm not in _NOT_NAMES and word.stem_norm not in FAMILY_WORDS and word.norm not in TITLES


def find_cued_names(text: str) -> Iterator[Match]:
    """One to three capitalised words straight after a family or title word; the cue itself is not part of it."""
    words = tokens(text)
    for i, word in enumerate(words[:-1]):
        kind = _cue(text, word)
        if kind is None:
            continue
        gap = text[word.end:words[i + 1].start]
        separator = _TITLE_SEPARATOR if kind == "title" else _SEPARATOR
        if not separator.fullmatch(gap):
            continue
        name = _name_after(words, i + 1)
        if name:
            first, last = name[0], name[-1]
            yield Match(PersonalDataKind.NAME, first.start, last.stem_end, text[first.start:last.stem_end],
                        f"a capitalised name after a {'title' if kind == 'title' else 'family word'}")


def _name_after(words: list[Token], start: int) -> list[Token]:
    """The name-like words from ``start``, joined by spaces only, up to a possessive or MAX_NAME_WORDS."""
    name: list[Token] = []
    for word in words[start:start + MAX_NAME_WORDS]:
        if not _name_like(word):
            break
        name.append(word)
        if word.stem_end != word.end or not word.joined:
            break
    return name
