"""The personal-data guard: one checker for every free-text field, run by the app before sending and the server
on receipt (issue 7).

Children are identified by the local authority's child unique ID, never by name, and the identity of named
individuals is not disclosed (child-protection framework ¶51). Findings, alerts, enquiries and KIT notes are
shared with the whole team and may be disclosed under FOI, so this module finds what should not be in them:
NHS and National Insurance numbers, postcodes, phone numbers, email addresses, dates of birth and the names in
the imported data. It only finds; the app highlights and the server applies the inspection's policy.
See docs/personal-data.md for each detector, its measured precision and recall, and the policy choices.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date

from shared.personal_data_cues import find_cued_names
from shared.personal_data_dates import find_dates_of_birth
from shared.personal_data_match import Match, PersonalDataKind
from shared.personal_data_names import NameIndex, normalise_name, without_invisible
from shared.personal_data_numbers import (
    find_emails,
    find_nhs_numbers,
    find_ni_numbers,
    find_phones,
    find_postcodes,
    nhs_check_digit_ok,
)
from shared.vocabulary import Labelled

__all__ = [
    "ERROR_CODE",
    "Match",
    "NameIndex",
    "PersonalDataKind",
    "PersonalDataPolicy",
    "find_personal_data",
    "mask",
    "nhs_check_digit_ok",
    "normalise_name",
    "redact",
    "summary",
    "to_wire",
]

ERROR_CODE = "personal_data"
"""The ``error.code`` the server sends when its policy refuses a text."""


class PersonalDataPolicy(Labelled):
    """What the server does with a text in which the checker finds personal data; one per inspection."""

    WARN = "warn", "Warn and record"
    REFUSE = "refuse"


# When two detectors claim overlapping text the longer match wins; on the same length, the more specific kind
# (earlier here). An email holds names and digits; an NHS number's check digit beats a bare phone shape.
_PRECEDENCE = (
    PersonalDataKind.EMAIL,
    PersonalDataKind.NHS_NUMBER,
    PersonalDataKind.NI_NUMBER,
    PersonalDataKind.DATE_OF_BIRTH,
    PersonalDataKind.PHONE,
    PersonalDataKind.POSTCODE,
    PersonalDataKind.NAME,
)


def _rank(match: Match) -> tuple[int, int, int]:
    precedence = _PRECEDENCE.index(match.kind)
    if match.kind is PersonalDataKind.NHS_NUMBER and match.text.startswith("0"):
        # No NHS number in England or Wales starts with 0; ten digits from 0 are a phone number first.
        precedence = _PRECEDENCE.index(PersonalDataKind.PHONE) + 1
    return (match.start - match.end, precedence, match.start)


def _resolve(candidates: Iterable[Match]) -> list[Match]:
    """Best-ranked first, each kept if it overlaps nothing kept; ``kept`` stays sorted, so only neighbours matter."""
    kept: list[Match] = []
    starts: list[int] = []
    for match in sorted(set(candidates), key=_rank):
        i = bisect_left(starts, match.start)
        clear_before = i == 0 or kept[i - 1].end <= match.start
        clear_after = i == len(kept) or match.end <= kept[i].start
        if clear_before and clear_after:
            kept.insert(i, match)
            starts.insert(i, match.start)
    return kept


def find_personal_data(text: str, names: NameIndex | None = None, *, today: date | None = None) -> list[Match]:
    """Every piece of personal data in ``text``, sorted by start and non-overlapping.

    ``today`` anchors the date-of-birth heuristic; the server should pass the day of receipt so that the app
    and the server agree on the same text. Invisible characters are skipped ("943\u200b476 5919" is an NHS
    number), but the spans returned are in ``text`` as given, invisible characters included.
    """
    today = today or date.today()
    visible = without_invisible(text)
    candidates: list[Match] = [
        *find_emails(visible),
        *find_nhs_numbers(visible),
        *find_ni_numbers(visible),
        *find_postcodes(visible),
        *find_phones(visible),
        *find_dates_of_birth(visible, today),
        *find_cued_names(visible),
    ]
    if names is not None:
        candidates.extend(names.find(visible))
    found = _resolve(candidates)
    return found if visible == text else _in_original(text, found)


def _in_original(text: str, matches: list[Match]) -> list[Match]:
    """Matches found in the text without its invisible characters, moved back onto the text as given."""
    kept = [i for i, c in enumerate(text) if without_invisible(c)]
    return [replace(m, start=kept[m.start], end=kept[m.end - 1] + 1, text=text[kept[m.start]:kept[m.end - 1] + 1])
            for m in matches]


# ---------------------------------------------------------------- showing matches without repeating them


def _keep_first(n: int) -> Callable[[str], str]:
    def masker(text: str) -> str:
        out, seen = [], 0
        for c in text:
            if c.isalnum():
                seen += 1
                out.append(c if seen <= n else "*")
            else:
                out.append(c)
        return "".join(out)

    return masker


def _mask_email(text: str) -> str:
    local, _, domain = text.partition("@")
    return f"{local[:1]}{'*' * (len(local) - 1)}@{domain}"


def _mask_postcode(text: str) -> str:
    outward = text[:-3]
    return outward + "***"


def _mask_name(text: str) -> str:
    return " ".join(_keep_first(1)(word) for word in text.split(" "))


_MASKERS: dict[PersonalDataKind, Callable[[str], str]] = {
    PersonalDataKind.NHS_NUMBER: _keep_first(3),
    PersonalDataKind.NI_NUMBER: _keep_first(2),
    PersonalDataKind.POSTCODE: _mask_postcode,
    PersonalDataKind.PHONE: _keep_first(5),
    PersonalDataKind.EMAIL: _mask_email,
    PersonalDataKind.DATE_OF_BIRTH: _keep_first(0),
    PersonalDataKind.NAME: _mask_name,
}

_ARTICLE = {PersonalDataKind.NHS_NUMBER: "an", PersonalDataKind.EMAIL: "an"}


def mask(match: Match) -> str:
    """The match with enough hidden that logs and error messages do not carry it: ``943 *** ****``.

    Kept: the first three digits of an NHS number (its issuing range), the NI prefix letters, a postcode's
    outward code (a district), the first five digits of a phone number (its area code), an email's domain and
    the initial of each word of a name. A date of birth keeps only its shape.
    """
    return _MASKERS[match.kind](match.text)


def summary(matches: Iterable[Match], *, limit: int = 5) -> str:
    """One line for an error message or a warning, masked: "looks like an NHS number at '943 *** ****'"."""
    matches = list(matches)
    parts = [f"looks like {_ARTICLE.get(m.kind, 'a')} {m.kind.label} at '{mask(m)}'" for m in matches[:limit]]
    if len(matches) > limit:
        parts.append(f"and {len(matches) - limit} more")
    return "; ".join(parts)


def redact(text: str, matches: Iterable[Match]) -> str:
    """``text`` with each match replaced by its kind in brackets ("[NHS number]"); matches must not overlap."""
    out, pos = [], 0
    for m in sorted(matches, key=lambda m: m.start):
        if m.start < pos:
            raise ValueError("matches overlap; pass the result of find_personal_data")
        out += [text[pos:m.start], f"[{m.kind.label}]"]
        pos = m.end
    out.append(text[pos:])
    return "".join(out)


def to_wire(matches: Iterable[Match]) -> list[dict[str, object]]:
    """What may travel in an error frame or be recorded: kind, span, masked text and reason, never the text."""
    return [{"kind": m.kind.value, "start": m.start, "end": m.end, "masked": mask(m), "reason": m.reason}
            for m in matches]
