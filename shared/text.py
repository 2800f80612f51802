"""What a person's text may hold, once for every free-text field of every command (docs/protocol.md, "Text").

Text typed by one inspector is stored, shown to the whole team, exported to minutes and printed in the report, so
the server takes only text that means the same to everyone:

- Line breaks are ``\\n``: ``\\r\\n`` and a lone ``\\r`` (pasted from another system) become ``\\n``. A ``\\r`` kept
  would move a terminal's cursor back over the line and hide what came before it.
- Control characters are refused, except tab and newline: C0 (NUL included: PostgreSQL cannot store it at all),
  DEL, C1 (U+0080–U+009F, which terminals read as escape sequences), and unpaired surrogates (not text at all).
- Bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) are refused: they reorder what a
  reader sees without being seen themselves, so a finding could read one way in the report and another in the log.
  Right-to-left text needs none of them; the marks U+200E and U+200F, which only hint direction, are kept.
- Text is stored NFC-normalised, so the same words typed on two keyboards are the same text (and the same digest).
- Text made only of invisible characters (whitespace, zero-width and other format characters, fillers) counts as
  blank: it is taken as empty, so where text must be given it is refused like any blank.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

_LINE_BREAK = re.compile(r"\r\n?")
_REFUSED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_FILLERS = frozenset("\u115f\u1160\u2800\u3164\uffa0")
"""Letters and symbols that draw nothing (Hangul fillers, the blank Braille pattern)."""

_NAMES = {"\x00": "NUL", "\x1b": "ESC", "\x7f": "DEL", "\x9b": "CSI"}


class TextRefused(ValueError):
    """A text breaks the rules above; the message says which character and where."""


def is_invisible(char: str) -> bool:
    return char.isspace() or unicodedata.category(char) == "Cf" or char in _FILLERS


def is_blank(text: str) -> bool:
    """True for text a reader would see as nothing: empty, or only whitespace and invisible characters."""
    return all(is_invisible(char) for char in text)


def clean(text: str) -> str:
    """The text as stored: line breaks as ``\\n``, NFC, and blank text as ``""``; raises TextRefused."""
    text = _LINE_BREAK.sub("\n", text)
    found = _REFUSED.search(text)
    if found is not None:
        raise TextRefused(f"must not contain {describe(found.group())} (at character {found.start() + 1})")
    if is_blank(text):
        return ""
    return unicodedata.normalize("NFC", text)


def describe(char: str) -> str:
    """``U+0000 (NUL)``: a character named so that the name can be shown safely."""
    code = ord(char)
    name = _NAMES.get(char)
    if name is None:
        if 0xD800 <= code <= 0xDFFF:
            name = "an unpaired surrogate"
        elif 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
            name = "a bidirectional control"
        else:
            name = "a control character"
    return f"U+{code:04X} ({name})"


def clean_values(values: dict[str, Any]) -> dict[str, Any]:
    """Every string in a frame's fields (at any depth, keys too) cleaned; raises ValueError("field: why").

    The field named is the top-level one, which is what a form or a client shows the error against.
    """
    cleaned: dict[str, Any] = {}
    for key, value in values.items():
        try:
            cleaned[_key(key)] = _clean_any(value)
        except TextRefused as refused:
            raise ValueError(f"{key}: {refused}") from None
    return cleaned


def _key(key: Any) -> Any:
    found = _REFUSED.search(key) if isinstance(key, str) else None
    if found is not None:
        raise ValueError(f"frame: a field name must not contain {describe(found.group())}")
    return key


def _clean_any(value: Any) -> Any:
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, list):
        return [_clean_any(item) for item in value]
    if isinstance(value, dict):
        return {_key(key): _clean_any(item) for key, item in value.items()}
    return value
