"""What the personal-data guard reports: a kind of personal data and where it sits in the text.

Kept apart from the detectors so each detector module can build matches without importing the others.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.vocabulary import Labelled


class PersonalDataKind(Labelled):
    """Kinds of personal data a free-text field must not carry (child-protection framework ¶51)."""

    NHS_NUMBER = "nhs-number", "NHS number"
    NI_NUMBER = "ni-number", "National Insurance number"
    POSTCODE = "postcode", "UK postcode"
    PHONE = "phone", "phone number"
    EMAIL = "email", "email address"
    DATE_OF_BIRTH = "date-of-birth", "date of birth"
    NAME = "name", "person's name"


@dataclass(frozen=True, slots=True)
class Match:
    """One piece of personal data: ``text[start:end]`` is what the app highlights.

    ``reason`` says why it was flagged in words safe to log: it never repeats the matched text.
    """

    kind: PersonalDataKind
    start: int
    end: int
    text: str
    reason: str
