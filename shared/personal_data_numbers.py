"""Detectors for identifiers with a fixed shape: NHS and National Insurance numbers, postcodes, phones, emails.

Each detector is a regular expression for the shape plus a check the expression cannot express (a check digit,
a real postcode area, a dialable UK number length), so that criterion ids (``I68c``), child unique ids
(``NM-10234``), times, sums of money and case numbers in inspection prose are not mistaken for personal data.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from stdnum.gb import nhs

from shared.personal_data_match import Match, PersonalDataKind

# ---------------------------------------------------------------- NHS numbers

_NHS = re.compile(
    r"(?<![\w+/])(?<!\d[.,-])"
    r"(?:\d{10}|\d{2,4}(?P<sep>[ .-])\d{2,4}(?!\d)(?:(?P=sep)\d{2,4}(?!\d)){0,4})"
    r"(?![\w/])(?![.,-]\d)"
)
"""Ten digits bare, or a run of groups of two to four digits with one separator throughout (space, dot or hyphen)."""


def nhs_check_digit_ok(digits: str) -> bool:
    """The NHS number's modulus-11 rule (python-stdnum's ``gb.nhs``): 10 digits, the last a valid check digit."""
    return len(digits) == 10 and digits.isascii() and nhs.is_valid(digits)


def find_nhs_numbers(text: str) -> Iterator[Match]:
    """Ten digits however grouped (``943 476 5919``, ``9434 765 919``, ``943.476.5919``), with a valid check digit.

    A typo'd number is not flagged. In a longer run of groups ("943 476 5919 20") each run of whole groups
    making ten digits is tried, so a number is found next to another figure.
    """
    for m in _NHS.finditer(text):
        groups = m[0].split(m["sep"]) if m["sep"] else [m[0]]
        offsets = [m.start()]
        for group in groups[:-1]:
            offsets.append(offsets[-1] + len(group) + 1)
        first = 0
        while first < len(groups):
            last, digits = first, groups[first]
            while len(digits) < 10 and last + 1 < len(groups):
                last += 1
                digits += groups[last]
            if len(digits) == 10 and nhs_check_digit_ok(digits):
                start, end = offsets[first], offsets[last] + len(groups[last])
                yield Match(PersonalDataKind.NHS_NUMBER, start, end, text[start:end],
                            "10 digits with a valid NHS check digit (modulus 11)")
                first = last + 1
            else:
                first += 1


# ---------------------------------------------------------------- National Insurance numbers

# HMRC: neither letter is D, F, I, Q, U or V; the second is not O; BG GB NK KN TN NT ZZ are never issued. QQ is
# HMRC's own example prefix, found on forms and in guidance, so a QQ number in a finding was copied from somewhere.
_NI = re.compile(
    r"(?<![\w])"
    r"(?P<prefix>QQ|(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z])"
    r"[ -]?(?P<digits>\d{2}(?P<sep>[ -]?)\d{2}(?P=sep)\d{2}|\d{3}[ -]\d{3})"
    r"(?:[ -]?(?P<suffix>[A-D]))?"
    r"(?![\w])",
    re.IGNORECASE,
)
_NI_CUE = re.compile(
    r"(?:\bNI\b|\bNINO\b|\bN\.I\.|\bnational\s+insurance)(?:\s+(?:no\b\.?|number|num\b))?(?:\s+(?:is|was))?[\s:#.-]*$",
    re.IGNORECASE,
)


def find_ni_numbers(text: str) -> Iterator[Match]:
    """National Insurance numbers; the suffix letter is optional, but a bare ``XX123456`` then needs a cue.

    Two letters and six digits is also how many case and court references look, so without the suffix the
    number must be written in NI style (``AB 12 34 56``, ``AB-12-34-56``) or follow "NI"/"National Insurance"; a
    lower-case prefix ("at 12 34 56") always needs the cue.
    """
    for m in _NI.finditer(text):
        cued = bool(_NI_CUE.search(text[max(0, m.start() - 40):m.start()]))
        upper = m["prefix"].isupper() and (m["suffix"] is None or m["suffix"].isupper())
        ni_styled = m["suffix"] is not None or bool(m["sep"])
        if cued or (upper and ni_styled):
            reason = "two HMRC prefix letters and six digits" + (", after an NI cue" if cued else "")
            yield Match(PersonalDataKind.NI_NUMBER, m.start(), m.end(), m[0], reason)


# ---------------------------------------------------------------- postcodes

_AREAS = (
    """AB AL B BA BB BD BF BH BL BN BR BS BT BX CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT DY E EC EH
    EN EX FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY L LA LD LE LL LN LS LU M ME MK ML N
    NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S SA SE SG SK SL SM SN SO SP SR SS ST SW SY TA TD TF TN TQ
    TR TS TW UB W WA WC WD WF WN WR WS WV YO ZE"""
)
POSTCODE_AREAS = frozenset(_AREAS.split())
"""The UK's postcode areas (plus BFPO's BF and the non-geographic BX): ``XY1 2AB`` with an unknown area is a code."""

_POSTCODE = re.compile(
    r"(?<![\w-])(?P<outward>(?P<area>[A-Z]{1,2})\d[A-Z\d]?) ?(?P<inward>\d[ABD-HJLNP-UW-Z]{2})(?![\w-])",
    re.IGNORECASE,
)


def find_postcodes(text: str) -> Iterator[Match]:
    """Full UK postcodes (outward and inward code), with or without the space, in one consistent case.

    A lone outward code ("LS6") is a district of thousands of homes and is not flagged; a mixed-case shape
    ("G1 2nd floor") is prose, not a postcode.
    """
    for m in _POSTCODE.finditer(text):
        letters = "".join(c for c in m[0] if c.isalpha())
        if m["area"].upper() in POSTCODE_AREAS and (letters.isupper() or letters.islower()):
            yield Match(PersonalDataKind.POSTCODE, m.start(), m.end(), m[0], "a UK postcode in a real postcode area")


# ---------------------------------------------------------------- phone numbers

_PHONE = re.compile(
    r"(?<![\w+/.])"
    r"(?P<prefix>\+44[ -]?(?:\(0\)[ -]?)?|0044[ -]?)?"
    r"(?P<body>(?:\(\d+\)|\d+)(?:[ .-]\d+){0,5})"
    r"(?![\w/])"
)
_PHONE_GROUP = re.compile(r"[ .-]?\d+")
_NATIONAL_LENGTHS = {"1": (10, 11), "2": (11,), "3": (11,), "5": (11,), "7": (11,), "8": (10, 11), "9": (11,)}
_PHONE_SORT = {"7": "UK mobile number", "1": "UK landline number", "2": "UK landline number"}


def _national(prefix: str | None, body: str) -> str:
    digits = "".join(c for c in body if c.isdigit())
    if prefix:
        return "0" + digits.removeprefix("0")
    return digits


def _dialable(national: str) -> bool:
    return national[:1] == "0" and len(national) in _NATIONAL_LENGTHS.get(national[1:2], ())


def find_phones(text: str) -> Iterator[Match]:
    """UK numbers written nationally (``07700 900123``, ``(01632) 960 123``, ``0113.496.0772``) or internationally.

    The digits must make a dialable UK length for their range (mobiles and 02/03 numbers 11 digits, 01 and 08
    numbers 10 or 11), so a case number or a sum of money that merely starts with 0 is not a phone number. If the
    whole run is too long, trailing groups are dropped ("call 07700 900123 20 times" still finds the number); at
    most six groups are read at a time, so a long run of numbers costs linear time.
    """
    pos = 0
    while m := _PHONE.search(text, pos):
        found = _phone_in(text, m)
        if found:
            yield found
        # If none, try again from the next group: "ref 0 07700 900123" still finds the mobile.
        pos = found.end if found else m.start() + 1


def _phone_in(text: str, m: re.Match[str]) -> Match | None:
    """The longest run of ``m``'s leading digit groups that makes a dialable UK number, if any."""
    prefix, body = m["prefix"], m["body"]
    if not prefix and not body.lstrip("(").startswith("0"):
        return None
    groups = _PHONE_GROUP.findall(body.replace("(", "").replace(")", ""))
    for keep in range(len(groups), 0, -1):
        national = _national(prefix, "".join(groups[:keep]))
        if _dialable(national):
            # Measured on the body as written, so the span keeps the brackets the writer used.
            end = m.start("body") + _body_end(body, sum(c.isdigit() for g in groups[:keep] for c in g))
            reason = f"the shape and length of a {_PHONE_SORT.get(national[1], 'UK phone number')}"
            return Match(PersonalDataKind.PHONE, m.start(), end, text[m.start():end], reason)
    return None


def _body_end(body: str, digits: int) -> int:
    """Offset in ``body`` just after its ``digits``-th digit (and a closing bracket right after it)."""
    seen = 0
    for i, c in enumerate(body):
        seen += c.isdigit()
        if seen == digits:
            return i + 2 if body[i + 1:i + 2] == ")" else i + 1
    return len(body)


# ---------------------------------------------------------------- email addresses

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_EMAIL = re.compile(rf"(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@{_LABEL}(?:\.{_LABEL})*\.[A-Za-z]{{2,}}(?![\w-])")


def find_emails(text: str) -> Iterator[Match]:
    """Email addresses, work ones included: a worker's address names them as surely as their name does."""
    for m in _EMAIL.finditer(text):
        yield Match(PersonalDataKind.EMAIL, m.start(), m.end(), m[0], "an email address")
