"""tui.widgets.plain: what a teammate's text looks like once it is safe to draw."""

from __future__ import annotations

import pytest
from textual.content import Content

from tui.widgets.plain import assemble, plain, shown, visible


@pytest.mark.parametrize(
    ("typed", "seen"),
    [
        ("[/bold] [@click=app.quit]x[/]", "[/bold] [@click=app.quit]x[/]"),
        ("\x1b[31mred\x1b[0m", "␛[31mred␛[0m"),
        ("nul\x00 bel\x07 bs\x08 cr\r del\x7f", "nul␀ bel␇ bs␈ cr␍ del␡"),
        ("c1 \x9b31m \x85", "c1 �31m �"),
        ("abc\u202eevil\u202c \u2067x\u2069 \u200f", "abc�evil� �x� �"),
        ("line\u2028next\u2029end", "line\nnext\nend"),
        ("two\nlines\tand a tab", "two\nlines\tand a tab"),
        ("lone \ud800", "lone �"),
        ("zero\u200bwidth e\u0301 👩🏽\u200d⚕️ שלום", "zero\u200bwidth e\u0301 👩🏽\u200d⚕️ שלום"),
    ],
)
def test_visible_shows_every_character_a_terminal_would_act_on(typed: str, seen: str) -> None:
    assert visible(typed) == seen
    assert len(visible(typed)) == len(typed)  # one for one, so an assembled Content's styles still line up


def test_on_one_line_a_newline_is_marked_and_a_tab_is_a_space() -> None:
    assert visible("first\nsecond\tthird\u2028fourth", one_line=True) == "first⏎second third⏎fourth"


def test_content_is_literal_and_keeps_its_styles() -> None:
    assert plain("[b]x[/b]\x1b", "bold").plain == "[b]x[/b]␛"
    mixed = assemble(("Raised by ", "bold"), "[/bold]Ben\x07", Content("\x1b"))
    assert mixed.plain == "Raised by [/bold]Ben␇␛"
    assert mixed.spans[0].end == len("Raised by ")
    styled = Content.assemble(("a", "bold"), "\x1b", ("b", "italic"))
    assert [(s.start, s.end) for s in shown(styled).spans] == [(s.start, s.end) for s in styled.spans]
