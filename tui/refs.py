"""Short references to findings and enquiries: shown as ``#3f2a9e``, typed back as any unique prefix of an id.

Ids are the commands' ids (32 hex characters from this app), too long to read or type; six characters are
enough to tell findings apart in one inspection, and a typed prefix that fits two of them is refused by name
rather than guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

REF_LENGTH = 6
SHORT_ENOUGH = 10
"""Ids this short (hand-made ones, like the demo's ``seed-012``) are shown whole."""


def ref(item_id: str) -> str:
    """'#' and the id, cut to its first six characters if it is long."""
    return f"#{item_id if len(item_id) <= SHORT_ENOUGH else item_id[:REF_LENGTH]}"


def split_words(text: str) -> list[str]:
    """Words separated by spaces or commas (for lists of references or child unique IDs typed in one box)."""
    return [word for word in re.split(r"[\s,;]+", text.strip()) if word]


def resolve_refs(text: str, known: Iterable[str]) -> list[str]:
    """The ids the typed references mean, in the order typed, without repeats; ValueError naming a bad one."""
    ids = list(known)
    found: list[str] = []
    for word in split_words(text):
        wanted = word.removeprefix("#")
        match = [wanted] if wanted in ids else [item for item in ids if item.startswith(wanted)]
        if not match:
            raise ValueError(f"no finding {ref(wanted)} here")
        if len(match) > 1:
            raise ValueError(f"#{wanted} fits {len(match)} findings: type more of its id")
        if match[0] not in found:
            found.append(match[0])
    return found
