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

_CUE_WORDS = FAMILY_WORDS | TITLES
_WORD = re.compile(r"\b[^\W\d_]+(?:-[^\W\d_]+)*(?![\w'’‐-])")
"""A whole word (a hyphenated one too), looked up in a set: far quicker than a regular expression of every cue."""


def _cue(text: str, cue: re.Match[str]) -> str | None:
    """``"title"`` or ``"family"`` if the word ``cue`` found introduces a name, else None."""
    word = cue[0]
    if not word[:1].isupper() and word.casefold() in TITLES:
        return None  # "miss the deadline", "dr" in a URL
    if word.casefold() in TITLES:
        return "title"
    if word[:1].isupper() and not sentence_start(text, cue.start()):
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
    """One to three capitalised words straight after a family or title word; the cue itself is not part of it.

    Cue words are found in one scan of the words and only the few words after each are read.
    """
    for cue in _WORD.finditer(text):
        if cue[0].casefold() not in _CUE_WORDS or text[cue.start() - 1:cue.start()] in ("'", "’", "‐", "-"):
            continue
        kind = _cue(text, cue)
        if kind is None:
            continue
        after = tokens(text, cue.end(), MAX_NAME_WORDS)
        if not after:
            continue
        separator = _TITLE_SEPARATOR if kind == "title" else _SEPARATOR
        if not separator.fullmatch(text, cue.end(), after[0].start):
            continue
        name = _name_after(after)
        if name:
            start, end = name[0].start, name[-1].stem_end
            yield Match(PersonalDataKind.NAME, start, end, text[start:end],
                        f"a capitalised name after a {'title' if kind == 'title' else 'family word'}")


def _name_after(words: list[Token]) -> list[Token]:
    """The name-like words at the start of ``words``, joined by spaces only, up to a possessive or MAX_NAME_WORDS."""
    name: list[Token] = []
    for word in words[:MAX_NAME_WORDS]:
        if not _name_like(word):
            break
        name.append(word)
        if word.stem_end != word.end or not word.joined:
            break
    return name
