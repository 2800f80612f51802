"""Annex A's coded cells: "a) Male", "k) APKN", "b) No", "#N/A", yes/no columns and the type of referral.

Local authorities fill Annex A from drop-down lists whose entries carry a letter ("a) WBRI"), and blanks left by a
lookup formula show as ``#N/A``. Decoding happens before any other rule reads a cell, so a coded file and a plain
one give the same records.
"""

from __future__ import annotations

import re

from shared.annex_a_values import NOT_RECORDED, Cell, CellError, parse_text
from shared.vocabulary import Labelled

BLANK_FORMULA = "#N/A"
_LETTERED = re.compile(r"^[a-z]{1,2}\)\s*(\S.*)$")

ETHNICITY_CODES = {
    "WBRI": "White British",
    "WIRI": "White Irish",
    "WIRT": "Traveller of Irish heritage",
    "WROM": "Gypsy/Roma",
    "WOTH": "Any other White background",
    "MWBC": "White and Black Caribbean",
    "MWBA": "White and Black African",
    "MWAS": "White and Asian",
    "MOTH": "Any other mixed background",
    "AIND": "Indian",
    "APKN": "Pakistani",
    "ABAN": "Bangladeshi",
    "AOTH": "Any other Asian background",
    "BCRB": "Black Caribbean",
    "BAFR": "Black African",
    "BOTH": "Any other Black background",
    "CHNE": "Chinese",
    "OOTH": "Any other ethnic group",
}
"""The children-in-need census codes Annex A's ethnicity list uses; REFU and NOBT (refused, not obtained) are blank."""
_ETHNICITY_NOT_RECORDED = frozenset({"REFU", "NOBT"})

_YES = frozenset({"yes", "y", "true", "1"})
_NO = frozenset({"no", "n", "false", "0"})


class ReferralType(Labelled):
    """Annex A's "Type of referral (S47 or S17)": a section 47 enquiry or a section 17 (child in need) assessment."""

    S47 = "s47", "S47"
    S17 = "s17", "S17"


_REFERRAL_TYPES = {
    "s47": ReferralType.S47, "section 47": ReferralType.S47, "s 47": ReferralType.S47,
    "s17": ReferralType.S17, "section 17": ReferralType.S17, "s 17": ReferralType.S17,
}


def decode(value: Cell) -> Cell:
    """A cell as if typed plainly: ``#N/A`` is blank and a drop-down's letter is dropped ("b) Female" → "Female")."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if text == BLANK_FORMULA:
        return None
    match = _LETTERED.match(text)
    return match[1] if match else value


def ethnicity(text: str | None) -> str | None:
    """A census code in words ("APKN" → "Pakistani"); any other spelling as written."""
    if text is None or text.upper() in _ETHNICITY_NOT_RECORDED:
        return None
    return ETHNICITY_CODES.get(text.upper(), text)


def parse_yes_no(value: Cell) -> bool | None:
    """Annex A's "(Yes or No)" columns; blank or not recorded is ``None``, anything else is refused."""
    text = parse_text(value)
    if text is None or text.lower() in NOT_RECORDED:
        return None
    if text.lower() in _YES | _NO:
        return text.lower() in _YES
    raise CellError("expected Yes or No")


def parse_referral_type(value: Cell) -> ReferralType | None:
    """Annex A's "Type of referral (S47 or S17)"; ``S.47``, ``Section 47`` and ``s47`` are one type."""
    text = parse_text(value)
    if text is None or text.lower() in NOT_RECORDED:
        return None
    key = " ".join(re.sub(r"[^0-9a-z]+", " ", text.lower()).split())
    found = _REFERRAL_TYPES.get(key) or _REFERRAL_TYPES.get(key.replace(" ", ""))
    if found is None:
        raise CellError("expected S47 or S17")
    return found
