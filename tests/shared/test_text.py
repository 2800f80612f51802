"""The text rules (shared/text.py) as every command and every form applies them.

The command frames here are raw JSON on purpose: they test how decode_command reads the wire, so they are not built
through the models.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import pytest

from shared.alerts import RaiseAlert
from shared.annex_a import read_annex_a
from shared.cases import ImportCases
from shared.catalogue import decode_command
from shared.findings import validate_finding
from shared.meetings import AddAgendaItem
from shared.protocol import ProtocolError
from shared.text import TextRefused, clean, is_blank
from tests.shared.annex_a_files import TODAY, csv_rows, write_csv

SALT = b"text-rules-test-salt-0123456789ab"

FINDING: dict[str, Any] = {
    "agency": "local-authority",
    "judgement_area": "help-and-protection",
    "kind": "strength",
    "evidence_source": "case-file",
    "text": "Strategy meetings are held promptly.",
}

REFUSED = [
    "\x00",
    "\x01",
    "\x07",
    "\x08",
    "\x0b",
    "\x0c",
    "\x1b",
    "\x1f",
    "\x7f",
    "\x80",
    "\x85",
    "\x9b",
    "\x9f",
    "\u202a",
    "\u202e",
    "\u2066",
    "\u2069",
    "\ud800",
]


@pytest.mark.parametrize("char", REFUSED, ids=[f"U+{ord(c):04X}" for c in REFUSED])
def test_control_and_bidi_characters_are_refused_naming_the_character(char: str) -> None:
    with pytest.raises(TextRefused) as refused:
        clean(f"before{char}after")
    assert f"U+{ord(char):04X}" in str(refused.value)
    assert "character 7" in str(refused.value)


@pytest.mark.parametrize("char", REFUSED, ids=[f"U+{ord(c):04X}" for c in REFUSED])
def test_a_form_shows_the_refusal_against_the_field(char: str) -> None:
    errors = validate_finding({**FINDING, "text": f"Seen{char}."})
    assert set(errors) == {"text"}
    assert f"U+{ord(char):04X}" in errors["text"]


def test_tab_and_newline_are_kept_and_carriage_returns_become_newlines() -> None:
    assert clean("a\tb\nc") == "a\tb\nc"
    assert clean("one\r\ntwo\rthree") == "one\ntwo\nthree"


def test_text_is_stored_nfc() -> None:
    decomposed = "Cafe\u0301 visit"  # e + combining acute
    assert clean(decomposed) == "Café visit"
    assert unicodedata.is_normalized("NFC", clean(decomposed))


@pytest.mark.parametrize(
    "text",
    ["", " ", "\n\t", "\u200b", "\u200b\u200d\ufeff", "\u2060 \u00a0", "\u3164", "\u2800\u200e", "\u180e"],
)
def test_text_made_only_of_invisible_characters_is_blank(text: str) -> None:
    assert is_blank(text)
    assert clean(text) == ""


@pytest.mark.parametrize("text", ["x", "\u200bx", "👩\u200d👩\u200d👧", "مرحبا", "[/bold] [sic]", "a\u0301"])
def test_visible_text_is_not_blank(text: str) -> None:
    assert not is_blank(text)
    assert clean(text) == unicodedata.normalize("NFC", text)


@pytest.mark.parametrize("text", ["\u200b", "\u200d\ufeff", " \u2060 "])
def test_invisible_text_is_refused_as_blank_where_text_is_required(text: str) -> None:
    assert validate_finding({**FINDING, "text": text}) == {"text": "must not be blank"}


def test_every_command_applies_the_rules_to_every_string_field() -> None:
    with pytest.raises(ProtocolError) as refused:
        decode_command(
            '{"type": "alert.raise", "id": "a1", "level": "emerging-concern", "agency": "police",'
            ' "summary": "ok", "immediate_action": "call\\u0000them"}'
        )
    assert refused.value.frame.code == "invalid"
    assert refused.value.frame.field == "immediate_action"
    with pytest.raises(ProtocolError) as refused:
        decode_command('{"type": "agenda.add", "id": "g1", "meeting_id": "m1", "title": "\\u200b\\u200b"}')
    assert (refused.value.frame.field, refused.value.frame.message) == ("title", "title: must not be blank")
    item = AddAgendaItem.model_validate({"id": "g2", "meeting_id": "m1", "title": "Re\u0301view\r\nnext"})
    assert item.title == "Réview\nnext"
    alert = RaiseAlert.model_validate(
        {"id": "a2", "level": "emerging-concern", "agency": "police", "summary": "Cafe\u0301"}
    )
    assert alert.summary == "Café"


def test_nested_strings_are_checked_and_named_by_their_top_level_field() -> None:
    case = {"child_id": "LA-1", "team": "East\x1b[31m"}
    with pytest.raises(ValueError, match=r"cases: must not contain U\+001B \(ESC\)"):
        ImportCases.model_validate({"id": "i1", "cases": [case], "source": "list.csv"})


def test_a_field_name_with_a_control_character_is_refused() -> None:
    with pytest.raises(ProtocolError) as refused:
        decode_command('{"type": "finding.post", "id": "p1", "te\\u0000xt": "x"}')
    assert refused.value.frame.code == "invalid"


def test_an_annex_a_cell_against_the_rules_rejects_its_row_and_others_are_stored_nfc(tmp_path: Path) -> None:
    rows = csv_rows()[:3]
    rows[1] = [*rows[1][:8], "Assessment\x00North", *rows[1][9:]]  # team name
    rows[2] = [*rows[2][:2], "White Brit\u0131sh Cafe\u0301", *rows[2][3:]]  # ethnicity, decomposed
    result = read_annex_a(write_csv(tmp_path / "a.csv", rows), filename="a.csv", today=TODAY, pseudonym_salt=SALT)
    [rejected] = result.rejected
    assert (rejected.row, rejected.child_id) == (2, "NM-1001")
    assert "U+0000" in rejected.reason
    [case] = result.cases
    assert case.ethnicity == "White Brit\u0131sh Café"
