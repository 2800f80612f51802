"""Dates that look like dates of birth, told apart from the dates inspectors legitimately write.

Annex A of the child-protection framework hands inspectors every child's date of birth, and with a child unique
ID beside it a date of birth re-identifies the child. But findings are full of dates of meetings, referrals and
plans. The heuristic, in order:

1. a date after a birth cue ("DOB", "D.O.B.", "date of birth", "born", "birthday") or followed by "(DOB)" is
   flagged whatever its year (a parent's date of birth is personal data too);
2. otherwise a date with an event word shortly before it ("on", "since", "meeting", "referral", "plan"…) is an
   event, not a birth date;
3. otherwise a date 1 to 25 years before today is flagged as a plausible child's or young person's date of birth;
   more recent dates are taken to be events in the period under inspection, older ones to be history.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from shared.personal_data_match import Match, PersonalDataKind

YOUNGEST_YEARS = 1
OLDEST_YEARS = 25
"""Uncued dates this many years before today are flagged: the children and care leavers (to 25) inspected."""

OLDEST_CUED_YEARS = 120

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
    "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))

_NUMERIC = re.compile(r"(?<![\w/.-])(?P<d>\d{1,2})(?P<s>[/.-])(?P<m>\d{1,2})(?P=s)(?P<y>\d{4}|\d{2})(?![\w/-])(?!\.\d)")
_ISO = re.compile(r"(?<![\w/.-])(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?!\d|[/-]\d)")
_DAY_MONTH = re.compile(
    rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?\s+(?P<mon>{_MONTH})\.?,?\s+(?P<y>\d{{4}})\b", re.IGNORECASE
)
_MONTH_DAY = re.compile(
    rf"\b(?P<mon>{_MONTH})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})\b", re.IGNORECASE
)

_BIRTH_CUE_BEFORE = re.compile(
    r"(?:\bdob\b|\bd\.\s?o\.\s?b\b\.?|\bdate\s+of\s+birth\b|\bborn\b|\bbirth\s?date\b|\bbirthday\b)"
    r"[\s:;,.()\-–]*(?:[\w'’-]+[\s:;,()\-–]+){0,3}$",
    re.IGNORECASE,
)
_BIRTH_CUE_AFTER = re.compile(r"\s*[(\[,–-]?\s*(?:dob\b|d\.\s?o\.\s?b\b|date\s+of\s+birth\b)", re.IGNORECASE)
_EVENTS = (
    """on since from until till to by between dated during after before at of week weeks meeting meetings
    conference referral referred review reviewed visit visited assessment assessed plan plans strategy discussion
    hearing order contact audit audited report letter supervision icpc rcpc placed placement closed opened
    allocated started ended ceased commenced received sent held completed minutes agreed issued made recorded
    noted logged escalated deadline due inspection fieldwork s47 s17 core group panel court"""
)
EVENT_WORDS = frozenset(_EVENTS.split())
"""Words that, a few words before a date, say the date is an event inspectors may name, not a birth."""
_EVENT_WINDOW = 5
_CLAUSE_END = re.compile(r"[!?;\n]|\.\s")
_WORD = re.compile(r"[\w'’]+")


def _year(y: str, today: date) -> int:
    if len(y) == 4:
        return int(y)
    century = 2000 if int(y) <= today.year % 100 else 1900
    return century + int(y)


def _candidates(text: str, today: date) -> Iterator[tuple[int, int, date]]:
    for pattern in (_NUMERIC, _ISO, _DAY_MONTH, _MONTH_DAY):
        for m in pattern.finditer(text):
            month = MONTHS[m["mon"].lower()] if "mon" in m.groupdict() else int(m["m"])
            try:
                yield m.start(), m.end(), date(_year(m["y"], today), month, int(m["d"]))
            except ValueError:  # 31/02/2012 is not a date at all
                continue


def _years_before(day: date, today: date) -> int:
    """Whole years from ``day`` to ``today`` (an age), negative if ``day`` is in the future."""
    years = today.year - day.year
    return years - 1 if (today.month, today.day) < (day.month, day.day) else years


def _clause_before(text: str, start: int) -> str:
    lead = text[max(0, start - 80):start]
    ends = list(_CLAUSE_END.finditer(lead))
    return lead[ends[-1].end():] if ends else lead


def classify(text: str, start: int, end: int, day: date, today: date) -> str | None:
    """Why the date at ``text[start:end]`` is a date of birth, or None if it is taken to be an event."""
    age = _years_before(day, today)
    if _BIRTH_CUE_BEFORE.search(text[max(0, start - 60):start]) or _BIRTH_CUE_AFTER.match(text, end, end + 20):
        if 0 <= age <= OLDEST_CUED_YEARS and day <= today:
            return "a date next to a date-of-birth cue"
        return None
    if any(w.lower() in EVENT_WORDS for w in _WORD.findall(_clause_before(text, start))[-_EVENT_WINDOW:]):
        return None
    if YOUNGEST_YEARS <= age <= OLDEST_YEARS:
        return f"a date {YOUNGEST_YEARS}–{OLDEST_YEARS} years ago with no event word before it: a child's birth date?"
    return None


def find_dates_of_birth(text: str, today: date) -> Iterator[Match]:
    """Dates written dd/mm/yyyy (or with . or -, or a two-digit year), yyyy-mm-dd, "3 March 2012", "March 3, 2012"."""
    for start, end, day in _candidates(text, today):
        reason = classify(text, start, end, day, today)
        if reason:
            yield Match(PersonalDataKind.DATE_OF_BIRTH, start, end, text[start:end], reason)
