"""Text that came from a person or the server, made safe to draw: shown literally, never interpreted.

Anything a teammate typed (a finding, an answer, a name, a reason) or the server said (an error message) may
hold square brackets, which Textual would read as markup (``[/bold]`` raises, ``[@click=app.quit]`` becomes
an action), and characters a terminal acts on instead of showing. Every such string reaches the screen
through ``plain`` (a str to Textual Content, markup never parsed), ``assemble`` (our words mixed with theirs),
``shown`` (a Content already assembled) or ``plain_text`` (Rich Text, for DataTable cells); toasts and the
header go through ``visible`` in TriangulateApp, and forms prefilled with a teammate's words draw them through
tui.widgets.plain_fields. All apply ``visible``:

- C0 controls and DEL are shown as their Unicode control pictures (ESC as ``␛``, NUL as ``␀``, CR as ``␍``),
  so an ANSI/VT escape sequence is shown as text rather than sent to the terminal, and nothing is silently
  dropped (Textual itself deletes BEL, BS, VT, FF and CR, and passes ESC through);
- C1 controls (U+0080–U+009F, which some terminals treat like ESC sequences) and lone surrogates (which
  cannot be written to a terminal at all) are shown as U+FFFD ``�``;
- bidirectional embeddings, overrides, isolates and marks (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F,
  U+061C) are shown as ``�`` too: a terminal that implements bidi would otherwise let them reorder what
  follows (a finding could be made to read backwards), and they are invisible, so a reader could not tell.
  Right-to-left writing itself (Arabic, Hebrew) is untouched;
- line and paragraph separators (U+2028, U+2029) become newlines; newline and tab are kept (Textual expands
  tabs) unless the text is shown on ``one_line``, where a newline is ``⏎`` and a tab a space;
- zero-width characters, combining marks and emoji are kept: they are real writing (joined emoji, accents)
  and Textual measures them.

Each character maps to exactly one, so the styles of an assembled Content still line up (``shown``).
"""

from __future__ import annotations

import re

from rich.text import Text
from textual.content import Content

REPLACEMENT = "\ufffd"
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"

_MULTI_LINE: dict[int, str] = {
    **{code: chr(0x2400 + code) for code in range(0x20) if chr(code) not in "\n\t"},
    0x7F: "\u2421",  # ␡
    **{code: REPLACEMENT for code in range(0x80, 0xA0)},
    **{ord(c): REPLACEMENT for c in BIDI_CONTROLS},
    0x2028: "\n",
    0x2029: "\n",
}
_ONE_LINE: dict[int, str] = {**_MULTI_LINE, 0x0A: "⏎", 0x09: " ", 0x2028: "⏎", 0x2029: "⏎"}
_SURROGATES = re.compile("[\ud800-\udfff]")
_MULTI_LINE_WORK = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c"
                              "\u2028\u2029\ud800-\udfff]")
_ONE_LINE_WORK = re.compile(f"[\n\t{_MULTI_LINE_WORK.pattern[1:-1]}]")


def needs_care(text: str) -> bool:
    """True if ``visible`` would change ``text`` on one line (the cheap test for hot paths)."""
    return _ONE_LINE_WORK.search(text) is not None


def visible(text: str, *, one_line: bool = False) -> str:
    """``text`` with everything a terminal would act on replaced by something a reader can see (see above)."""
    if not (_ONE_LINE_WORK if one_line else _MULTI_LINE_WORK).search(text):
        return text
    shown = text.translate(_ONE_LINE if one_line else _MULTI_LINE)
    return _SURROGATES.sub(REPLACEMENT, shown)


def plain(text: str, style: str = "", *, one_line: bool = False) -> Content:
    """A person's or the server's ``text`` as Content: literal, markup never parsed, controls made visible."""
    content = Content(visible(text, one_line=one_line), strip_control_codes=False)
    return content.stylize(style) if style else content


def shown(content: Content, *, one_line: bool = False) -> Content:
    """An assembled Content (person's text among our own words) with ``visible`` applied, its styles kept."""
    text = visible(content.plain, one_line=one_line)
    if text == content.plain:
        return content
    return Content(text, list(content.spans), strip_control_codes=False)


def plain_text(text: str, style: str = "", *, one_line: bool = True) -> Text:
    """The same as ``plain`` for places that take Rich Text (DataTable cells): markup never parsed."""
    return Text(visible(text, one_line=one_line), style=style, end="")


Part = str | tuple[str, str] | Content


def assemble(*parts: Part) -> Content:
    """``Content.assemble`` with every part made ``visible``: the way to mix our words with a person's."""
    return Content.assemble(*(_part(part) for part in parts))


def _part(part: Part) -> Content:
    if isinstance(part, Content):
        return shown(part)
    if isinstance(part, tuple):
        return plain(*part)
    return plain(part)
