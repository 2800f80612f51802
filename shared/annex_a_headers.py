"""Which Annex A column is which: the header variants local authorities really send, and where the header row is.

Case management systems (Liquidlogic, Mosaic, Azeus…) and hand-made spreadsheets name the same column a dozen
ways. Headers are normalised (case, punctuation, spacing, bracketed hints such as ``(dd/mm/yyyy)``, filler words)
and looked up in a table of variants; a near miss is accepted only when it is close to one field and clearly not
to any other, and never when it would turn a start date into an end date.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache

from shared.annex_a_values import Cell, parse_text

HEADER_SEARCH_ROWS = 20
"""Header rows may sit under a title or a row of Annex A's group names ("Child details", "Contacts")."""

FUZZY_CUTOFF = 0.88
FUZZY_MARGIN = 0.06

VARIANTS: dict[str, tuple[str, ...]] = {
    "child_id": (
        "child unique id",
        "child unique identifier",
        "unique id",
        "child id",
        "la child id",
        "child ref",
        "child reference",
        "child reference number",
        "person id",
        "client id",
        "lcs id",
        "mosaic id",
        "system id",
        "id",
        "child uid",
        "uid",
        "child identifier",
        "unique child id",
        "child no",
        "child number",
    ),
    "date_of_birth": (
        "date of birth",
        "dob",
        "d o b",
        "birth date",
        "birthdate",
        "child dob",
        "child date of birth",
        "child s date of birth",
        "childs date of birth",
    ),
    "gender": ("gender", "sex", "child gender", "gender identity", "child sex"),
    "ethnicity": (
        "ethnicity",
        "ethnic origin",
        "ethnic group",
        "ethnicity code",
        "ethnic category",
        "child ethnicity",
        "ethnicity description",
    ),
    "legal_status": ("legal status", "current legal status", "legal status code", "legal status description"),
    "disability": (
        "disability",
        "details disability",
        "disabled",
        "disability details",
        "disability yes no",
        "has disability",
        "disability description",
        "disability y n",
        "child disability",
    ),
    "contact_date": ("contact date", "date contact", "latest contact date", "most recent contact date"),
    "contact_source": ("contact source", "source contact", "contact source description", "contact received from"),
    "referral_date": ("referral date", "date referral", "latest referral date", "most recent referral date"),
    "referral_source": ("referral source", "source referral", "referral source description"),
    "team": (
        "allocated team",
        "team",
        "team name",
        "allocated team name",
        "current team",
        "responsible team",
        "case team",
        "worker team",
    ),
    "worker": (
        "allocated worker",
        "allocated social worker",
        "key worker",
        "keyworker",
        "social worker",
        "worker",
        "worker name",
        "allocated worker name",
        "case holder",
        "named social worker",
        "practitioner",
        "lead practitioner",
        "allocated practitioner",
        "case worker",
        "caseworker",
        "allocated key worker",
        "lead professional",
    ),
    "cp_plan_start": (
        "date became subject child protection plan",
        "date became subject cp plan",
        "cp plan start date",
        "cpp start date",
        "child protection plan start date",
        "cp start date",
        "date cp plan started",
        "cp plan start",
        "cp plan date",
        "date child protection plan started",
    ),
    "cp_plan_end": (
        "date ceased subject child protection plan",
        "date ceased child protection plan",
        "date ceased cp plan",
        "cp plan end date",
        "cpp end date",
        "child protection plan end date",
        "cp end date",
        "date cp plan ended",
        "cp plan end",
        "date child protection plan ended",
    ),
    "cin_start": (
        "date services commenced",
        "cin start date",
        "child in need start date",
        "cin plan start date",
        "s17 start date",
        "section 17 start date",
        "date cin services commenced",
        "cin start",
        "child in need services commenced",
    ),
    "cin_end": (
        "date services ceased",
        "cin end date",
        "child in need end date",
        "cin plan end date",
        "cin closure date",
        "s17 end date",
        "section 17 end date",
        "date cin services ceased",
        "cin end",
        "child in need services ceased",
    ),
    "child_name": (
        "child name",
        "childs name",
        "child s name",
        "name child",
        "child full name",
        "childs full name",
        "full name",
        "name",
        "client name",
        "person name",
        "young person name",
        "young persons name",
    ),
    "child_first_name": (
        "first name",
        "forename",
        "forenames",
        "given name",
        "given names",
        "child first name",
        "child forename",
        "childs first name",
        "childs forename",
    ),
    "child_surname": (
        "surname",
        "last name",
        "family name",
        "child surname",
        "child last name",
        "childs surname",
    ),
    "parent_name": (
        "parent name",
        "parent",
        "parents",
        "parents names",
        "parent carer",
        "parent carer name",
        "parents carers",
        "parents carers names",
        "parent 1",
        "parent 2",
        "parent 1 name",
        "parent 2 name",
        "parent carer 1",
        "parent carer 2",
        "name parent",
        "name parent carer",
        "carer",
        "carer name",
        "carers",
        "carers name",
        "name carer",
        "main carer",
        "primary carer",
        "foster carer",
        "foster carer name",
        "kinship carer",
        "connected carer",
        "special guardian",
        "guardian",
        "guardian name",
        "legal guardian",
        "mother",
        "mothers name",
        "mother name",
        "birth mother",
        "father",
        "fathers name",
        "father name",
        "birth father",
        "step parent",
        "stepfather",
        "stepmother",
        "significant adult",
        "household members",
    ),
    "caf_date": (
        "CAF completion date",
        "date CAF completed",
        "early help assessment completion date",
        "date early help assessment completed",
        "EHA completion date",
    ),
    "caf_organisation": (
        "Organisation completing",
        "organisation completing CAF",
        "CAF organisation",
        "organisation completing early help assessment",
        "early help organisation",
    ),
    "unallocated": ("Case unallocated (Yes or No)", "case unallocated", "unallocated", "is case unallocated"),
    "referral_type": ("Type of referral (S47 or S17)", "referral type", "S47 or S17"),
    "re_referral": (
        "Re-referral (Yes or No)",
        "rereferral",
        "repeat referral",
        "re-referral within 12 months",
        "referral within 12 months of a previous referral",
    ),
    "icpc_date": (
        "Date of initial child protection conference",
        "initial child protection conference date",
        "ICPC date",
        "date of ICPC",
        "date of initial CP conference",
        "initial CP conference date",
    ),
    "emergency_order": (
        "Subject to emergency protection/care or supervision order/protected under police powers in last six months"
        " (Yes or No)*",
        "subject to emergency protection/care or supervision order/police protection in last six months",
        "emergency protection care or supervision order or police protection in last six months",
        "EPO care supervision order or police protection in last 6 months",
    ),
    "closed_date": (
        "case closed date",
        "closure date",
        "date closed",
        "case closure date",
        "date case closed",
        "closed date",
        "case end date",
        "date case ended",
    ),
}

FIELD_LABELS = {
    "child_id": "child unique ID",
    "date_of_birth": "date of birth",
    "gender": "gender",
    "ethnicity": "ethnicity",
    "legal_status": "legal status",
    "disability": "disability",
    "contact_date": "contact date",
    "contact_source": "contact source",
    "referral_date": "referral date",
    "referral_source": "referral source",
    "team": "allocated team",
    "worker": "allocated worker",
    "cp_plan_start": "child protection plan start",
    "cp_plan_end": "child protection plan end",
    "cin_start": "child in need services start",
    "cin_end": "child in need services end",
    "closed_date": "case closed date",
    "caf_date": "CAF completion date",
    "caf_organisation": "organisation completing the CAF",
    "unallocated": "case unallocated",
    "referral_type": "type of referral (S47 or S17)",
    "re_referral": "re-referral",
    "icpc_date": "initial child protection conference",
    "emergency_order": "emergency protection, care or supervision order or police protection in the last six months",
    "child_name": "child's name (hashed for the guard, not kept)",
    "child_first_name": "child's first name (hashed for the guard, not kept)",
    "child_surname": "child's surname (hashed for the guard, not kept)",
    "parent_name": "parent or carer (hashed for the guard, not kept)",
}

FAMILY_FIELDS = ("child_name", "child_first_name", "child_surname", "parent_name")
"""Columns read only to build the personal-data guard's salted name index: never kept, logged or sent."""

MAX_PARENT_COLUMNS = 8
"""Mother, father, carers, guardians: each such column is read, as ``parent_name``, ``parent_name_2``, …"""
FIELD_LABELS |= {f"parent_name_{n}": FIELD_LABELS["parent_name"] for n in range(2, MAX_PARENT_COLUMNS + 1)}

_FILLER = frozenset({"a", "an", "the", "of", "to", "be", "any", "is", "for"})
_POLARITY = frozenset({"start", "started", "commenced", "began", "end", "ended", "ceased", "closed", "closure"})


def normalise_header(header: str) -> str:
    """``"Child's Date of Birth (DD/MM/YYYY)"`` → ``"childs date birth"``."""
    text = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", header.casefold())
    text = text.replace("&", " and ").replace("'", "").replace("’", "")
    words = re.sub(r"[^0-9a-z]+", " ", text).split()
    return " ".join(word for word in words if word not in _FILLER)


_LOOKUP: dict[str, str] = {
    normalise_header(variant): name for name, variants in VARIANTS.items() for variant in variants
}


@dataclass(frozen=True, slots=True)
class HeaderMap:
    """Where each of our fields is in their sheet: ``index[field]`` is a column number, ``names[field]`` its header."""

    index: dict[str, int] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    unmapped: list[str] = field(default_factory=list)


@lru_cache(maxsize=1024)
def match_header(header: str) -> str | None:
    """Our field for one header, or ``None``: exact variant first, then a near miss only if it is unambiguous."""
    key = normalise_header(header)
    if not key:
        return None
    if key in _LOOKUP:
        return _LOOKUP[key]
    if len(key) < 5:
        return None
    scores: dict[str, tuple[float, str]] = {}
    for variant, name in _LOOKUP.items():
        ratio = SequenceMatcher(None, key, variant).ratio()
        if ratio > scores.get(name, (0.0, ""))[0]:
            scores[name] = (ratio, variant)
    ranked = sorted(scores.items(), key=lambda item: item[1][0], reverse=True)
    (best, (ratio, variant)), runner_up = ranked[0], ranked[1][1][0] if len(ranked) > 1 else 0.0
    same_polarity = _POLARITY & set(key.split()) == _POLARITY & set(variant.split())
    if ratio >= FUZZY_CUTOFF and ratio - runner_up >= FUZZY_MARGIN and same_polarity:
        return best
    return None


def map_headers(row: Sequence[Cell]) -> HeaderMap:
    """Map one row of headers; a second column for a field already mapped is left unmapped, never merged.

    The exception is parents and carers: every such column (mother, father, carer…) is read, numbered.
    """
    mapped = HeaderMap()
    for position, cell in enumerate(row):
        header = parse_text(cell)
        if header is None:
            continue
        name = match_header(header)
        if name == "parent_name":
            name = next((f"parent_name_{n}" for n in range(2, MAX_PARENT_COLUMNS + 1)
                         if f"parent_name_{n}" not in mapped.index), None) if name in mapped.index else name
        if name is None or name in mapped.index:
            mapped.unmapped.append(header)
        else:
            mapped.index[name] = position
            mapped.names[name] = header
    return mapped


def find_header_row(rows: Sequence[Sequence[Cell]]) -> tuple[int, HeaderMap] | None:
    """The first of the top rows that names a child ID column exactly, with its map; ``None`` if none does.

    Only the header row itself is matched loosely: a data cell that happens to resemble a header never moves it.
    """
    for position, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if any(_LOOKUP.get(normalise_header(text)) == "child_id" for cell in row if (text := parse_text(cell))):
            return position, map_headers(row)
    return None
