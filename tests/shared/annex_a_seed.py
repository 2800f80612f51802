"""Annex A as the 2012 child-protection framework lists it (../shared/seeds, beside the repository), and a file
with every one of its columns: each child below is on one or more of the seed's lists, as its comment says.

Everything here is fictional.
"""

from __future__ import annotations

import re

from shared.vocabulary import Framework
from tests.seeds import SEEDS, source

SEED = source(Framework.CHILD_PROTECTION) if SEEDS is not None else None
"""The 2012 framework's text, which holds Annex A (None where the seeds are not beside the repository)."""

SEED_COLUMNS = [
    "Child Unique ID", "Gender", "Ethnicity", "Date of birth", "Legal status", "Details of any disability",
    "Contact date", "Contact source",
    "CAF completion date", "Organisation completing",
    "Allocated team", "Allocated worker", "Case unallocated (Yes or No)",
    "Referral date", "Referral source", "Type of referral (S47 or S17)", "Re-referral (Yes or No)",
    "Date of initial child protection conference", "Date became subject of a child protection plan*",
    "Date ceased to be subject of a child protection plan",
    "Subject to emergency protection/care or supervision order/protected under police powers in last six months "
    "(Yes or No)*",
    "Date services commenced", "Date services ceased",
]
"""Annex A's columns in the seed's order and words (the seed runs them together on one line per group)."""


def seed_text() -> str:
    """The seed's Annex A, whitespace collapsed so a passage wrapped over lines still matches."""
    assert SEED is not None, "use tests.seeds.needs_seeds on a test that reads the seed"
    text = SEED.read_text(encoding="utf-8")
    return " ".join(text[text.index("#### Annex A"):].split())


def in_seed(passage: str) -> bool:
    return re.sub(r"\s+", " ", passage) in seed_text()


# fmt: off
SEED_ROWS: list[list[object]] = [
    [*SEED_COLUMNS, "Child's name", "Home address"],
    # a contact that went no further: contacts that did not proceed to a referral
    ["SA-01", "b) Female", "a) WBRI", "03/04/2015", "CIN", "b) No", "02/11/2026", "School", "", "", "Duty", "Jo Bloggs",
     "b) No", "", "", "", "", "", "", "", "", "", "", "Amy Example", "1 High St"],
    # S47 that went to an ICPC and a plan; an emergency protection order; a re-referral
    ["SA-02", "a) Male", "k) APKN", "05/06/2012", "ICO", "", "", "", "", "", "Child Protection", "Jo Bloggs", "No",
     "01/09/2026", "Police", "S47", "Yes", "20/09/2026", "20/09/2026", "", "a) Yes", "", "", "Ben Example",
     "2 High St"],
    # S47 that did not go to conference; unallocated
    ["SA-03", "Female", "White British", "07/08/2010", "CIN", "", "", "", "", "", "Assessment", "", "Yes",
     "05/10/2026", "Health", "Section 47", "No", "#N/A", "", "", "No", "05/10/2026", "", "Cara Example", ""],
    # S17 assessment after a CAF by a school
    ["SA-04", "Male", "#N/A", "01/01/2016", "CIN", "Autism", "", "", "01/07/2026", "Northmoor Primary School",
     "Family Support", "Omar Khan", "No", "15/08/2026", "School", "S17", "No", "", "", "", "No", "20/08/2026", "",
     "Dan Example", ""],
    # a referral that needed no further action
    ["SA-05", "Female", "Pakistani", "09/09/2011", "", "", "", "", "", "", "Duty", "Jo Bloggs", "No", "10/11/2026",
     "Anonymous", "", "No", "", "", "", "", "", "", "Eve Example", ""],
    # CP plan ended, case closed
    ["SA-06", "Male", "White British", "02/02/2009", "", "", "", "", "", "", "Child Protection", "Jo Bloggs", "No",
     "", "", "", "", "01/01/2026", "01/01/2026", "01/10/2026", "No", "", "", "Fay Example", ""],
    # CP plan ended, now a child in need plan
    ["SA-07", "Female", "Indian", "03/03/2013", "CIN", "", "", "", "", "", "Family Support", "Omar Khan", "No",
     "", "", "", "", "01/02/2026", "01/02/2026", "01/09/2026", "No", "02/09/2026", "", "Gus Example", ""],
]
# fmt: on
