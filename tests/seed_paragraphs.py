"""The two source documents' numbered paragraphs, for tests that check the product's words against them.

The documents sit in ``shared/seeds`` beside the repository (or beside the folder of worktrees); a test that
reads them is skipped where they are not. CP is the 2012 child-protection framework, I the integrated one.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CP = "001_381f0220c7624939.txt"
I = "000_c50bd15f8411cbc5.txt"  # noqa: E741 - the documents' own short name


def seeds() -> Path | None:
    """The nearest ``shared/seeds`` above this file that holds the documents."""
    for folder in Path(__file__).resolve().parents:
        candidate = folder / "shared" / "seeds"
        if (candidate / CP).is_file():
            return candidate
    return None


needs_seeds = pytest.mark.skipif(seeds() is None, reason="source documents not beside the repository")


def paragraph(document: str, number: int) -> str:
    """Paragraph ``number`` of a document, up to the next numbered paragraph or heading, whitespace collapsed."""
    folder = seeds()
    assert folder is not None
    text = (folder / document).read_text(encoding="utf-8")
    found = re.search(rf"^(?:- )?{number}\. (.*?)(?=^(?:- )?\d+\. |^#|\Z)", text, re.MULTILINE | re.DOTALL)
    assert found is not None, (document, number)
    return re.sub(r"\s+", " ", found.group(1)).strip()


def sentence(document: str, number: int, start: str) -> str:
    """The words of paragraph ``number`` from ``start`` to the end of its sentence (the full stop left off)."""
    text = paragraph(document, number)
    begin = text.index(start)
    return text[begin : text.index(".", begin)]
