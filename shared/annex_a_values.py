"""Reading one Annex A cell: dates as local authorities write them, yes/no, gender, and worker pseudonyms.

Every refusal is a ``CellError`` whose message is the reason the user reads next to the row and column. Messages
never repeat the cell's value: a bad date of birth or a worker's name must not end up in a log or on the wire.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from datetime import date, datetime, timedelta

from shared.personal_data_cues import FAMILY_WORDS

Cell = str | int | float | bool | date | datetime | None
"""What a spreadsheet cell can hold once read (CSV cells are always ``str`` or ``None``)."""

EARLIEST_DATE = date(1900, 1, 1)
EXCEL_EPOCH = date(1899, 12, 30)
"""Day 0 of Excel's 1900 date system, as far as serials after February 1900 are concerned."""

MIN_SALT = 16
DAY_FIRST = "dates are read day first, dd/mm/yyyy"


class CellError(ValueError):
    """A cell we refuse; ``str(error)`` is the reason shown to the user."""


MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}

_TIME = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
_NUMERIC = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_DAY_MONTH_NAME = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[\s\-/]*([A-Za-z]{3,9})\.?[\s\-/,]*(\d{2}|\d{4})$")
_MONTH_NAME_DAY = re.compile(r"^([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$")
_SERIAL = re.compile(r"^\d{5}(\.0+)?$")


def month_first_only(value: Cell) -> bool:
    """True for a cell like ``03/25/2024`` that can only be month first: evidence a column was exported US-style."""
    if not isinstance(value, str):
        return False
    match = _NUMERIC.match(_TIME.sub("", value.strip()))
    return match is not None and int(match[1]) <= 12 < int(match[2]) <= 31


def parse_date(value: Cell, *, today: date, month_first_seen: int | None = None) -> date | None:
    """The date in a cell, ``None`` for a blank one.

    ``month_first_seen`` is the row of a month-first-only value elsewhere in the same column: once a column shows
    one, any day-first reading that could also be month-first is refused as ambiguous instead of being guessed.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return _checked(value.date())
    if isinstance(value, date):
        return _checked(value)
    if isinstance(value, bool):
        raise CellError(f"not a date ({DAY_FIRST})")
    if isinstance(value, int | float):
        return _from_serial(float(value))
    text = _TIME.sub("", " ".join(value.split()))
    if not text:
        return None
    if _SERIAL.match(text):
        return _from_serial(float(text))
    if match := _ISO.match(text):
        return _make(int(match[1]), int(match[2]), int(match[3]))
    if match := _NUMERIC.match(text):
        return _day_first(match, today=today, month_first_seen=month_first_seen)
    if match := _DAY_MONTH_NAME.match(text):
        return _make(_year(match[3], today), _month(match[2]), int(match[1]))
    if match := _MONTH_NAME_DAY.match(text):
        return _make(int(match[3]), _month(match[1]), int(match[2]))
    raise CellError(f"not a date we can read ({DAY_FIRST})")


def _day_first(match: re.Match[str], *, today: date, month_first_seen: int | None) -> date:
    day, month = int(match[1]), int(match[2])
    if month > 12 and day <= 12:
        raise CellError(f"no such date: month {month} ({DAY_FIRST}; this looks month first)")
    if month_first_seen is not None and day <= 12 and month <= 12 and day != month:
        raise CellError(
            f"ambiguous date: this column also has a month-first date (row {month_first_seen}), "
            "so this one could be read either way"
        )
    return _make(_year(match[3], today), month, day)


def _year(text: str, today: date) -> int:
    """Two-digit years are the latest year that is not in the future (children's dates are recent)."""
    if len(text) == 4:
        return int(text)
    year = 2000 + int(text)
    return year if year <= today.year else year - 100


def _month(name: str) -> int:
    try:
        return MONTHS[name.lower()]
    except KeyError:
        raise CellError(f"not a month name ({DAY_FIRST})") from None


def _make(year: int, month: int, day: int) -> date:
    try:
        value = date(year, month, day)
    except ValueError:
        raise CellError(f"no such date (day {day}, month {month})") from None
    return _checked(value)


def _from_serial(serial: float) -> date:
    if serial != int(serial):
        raise CellError(f"not a whole-day date ({DAY_FIRST})")
    if serial < 61:  # Excel's phantom 29 February 1900 and everything before it
        raise CellError(f"not a date we can read ({DAY_FIRST})")
    try:
        return _checked(EXCEL_EPOCH + timedelta(days=int(serial)))
    except OverflowError:
        raise CellError(f"not a date we can read ({DAY_FIRST})") from None


def _checked(value: date) -> date:
    if value < EARLIEST_DATE:
        raise CellError("before 1900: not a plausible date")
    return value


def parse_text(value: Cell) -> str | None:
    """A cell as tidy text: whitespace collapsed, whole numbers without ``.0``, blank as ``None``."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    text = " ".join(str(value).split())
    return text or None


NOT_RECORDED = frozenset(
    {"unknown", "not known", "not recorded", "n/a", "na", "not stated", "information not yet obtained", "-", "?"}
)
_YES = frozenset({"yes", "y", "true", "1", "disabled", "has disability"})
_NO = frozenset({"no", "n", "false", "0", "none", "nil", "no disability", "not disabled", "none known", "nfd"})


def parse_disability(value: Cell) -> bool | None:
    """Yes/no from a yes/no column or from Annex A's free-text "details of any disability".

    Details are never kept (they are health data): any other non-blank text means yes.
    """
    text = parse_text(value)
    if text is None or text.lower() in NOT_RECORDED:
        return None
    return text.lower() in _YES or text.lower() not in _NO


_GENDERS = {"m": "Male", "male": "Male", "boy": "Male", "f": "Female", "female": "Female", "girl": "Female"}
_GENDERS |= {"1": "Male", "2": "Female"}  # the children-in-need census codes; 0 and 9 mean not known
_GENDER_UNKNOWN = frozenset({"0", "9", "not specified", "u"})


def parse_gender(value: Cell) -> str | None:
    """One spelling per gender so ``M`` and ``Male`` are one stratum; other recorded values are kept as written."""
    text = parse_text(value)
    if text is None or text.lower() in NOT_RECORDED | _GENDER_UNKNOWN:
        return None
    return _GENDERS.get(text.lower(), text)


UNALLOCATED = frozenset({"unallocated", "not allocated", "none", "no worker", "awaiting allocation", "n/a", "-"})


_NOT_A_NAME = frozenset({
    "unknown", "deceased", "not", "known", "recorded", "stated", "none", "nil", "no", "tbc", "tba", "withheld",
    "redacted", "unnamed", "name", "contact",
})
"""Words a parent or carer cell holds instead of a name ("Father unknown", "Mother deceased", "No contact")."""
_SEVERAL_PEOPLE = re.compile(r"\s*(?:[;/&+\n]|\band\b)\s*", re.IGNORECASE)
_LABEL = re.compile(r"^\s*[\w' -]{0,20}?:\s*|\([^)]*\)")


def parse_names(value: Cell) -> list[str]:
    """The people named in one cell: "Kerry Smith / Darren Smith", "Mother: Kerry Smith (mum)", "Smith, Kerry".

    Labels before a colon, anything in brackets, relationship words and "unknown"-like words are dropped, so a
    relationship never becomes a "name" (a digest of "mum" would flag every mention of a mum). "Not known",
    "Father unknown", "N/A" and the like give nothing.
    """
    text = parse_text(value)
    if text is None or text.lower() in NOT_RECORDED | UNALLOCATED:
        return []
    names = []
    for part in _SEVERAL_PEOPLE.split(text):
        words = _LABEL.sub(" ", part).split()
        name = " ".join(w for w in words if w.casefold().strip(".,") not in FAMILY_WORDS | _NOT_A_NAME)
        if sum(c.isalpha() for c in name) >= 2:
            names.append(name)
    return names


def normalise_worker_name(name: str) -> str:
    """The form two spellings of one person share: ``Smith, Jane`` and ``jane  SMITH`` give ``jane smith``."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    if text.count(",") == 1:
        surname, forenames = text.split(",")
        text = f"{forenames} {surname}"
    text = re.sub(r"[^\w\s]", " ", text.casefold())
    return " ".join(text.split())


def worker_pseudonym(name: str, *, salt: bytes) -> str:
    """``Worker 7F3A9C``: a salted HMAC, so it is stable within an inspection and useless outside it.

    Six hex digits keep a chance collision between two of an authority's few hundred workers below one in a thousand.
    """
    if len(salt) < MIN_SALT:
        raise ValueError(f"the pseudonym salt must be at least {MIN_SALT} bytes: unsalted names can be guessed back")
    digest = hmac.new(salt, normalise_worker_name(name).encode(), hashlib.sha256).hexdigest()
    return f"Worker {digest[:6].upper()}"
