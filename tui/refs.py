"""Short references to findings and enquiries, shown as ``#3f2a9e`` beside what they refer to.

Ids are the commands' ids (32 hex characters from this app), too long to read; six characters are enough to
tell findings apart in one inspection. Nobody types them: findings are picked from lists that search their words.
"""

from __future__ import annotations

import re

REF_LENGTH = 6
SHORT_ENOUGH = 10
"""Ids this short (hand-made ones, like the demo's ``seed-012``) are shown whole."""


def ref(item_id: str) -> str:
    """'#' and the id, cut to its first six characters if it is long."""
    return f"#{item_id if len(item_id) <= SHORT_ENOUGH else item_id[:REF_LENGTH]}"


def split_words(text: str) -> list[str]:
    """Words separated by spaces or commas (for child unique IDs typed in one box)."""
    return [word for word in re.split(r"[\s,;]+", text.strip()) if word]
