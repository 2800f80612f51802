"""The two source documents, read by the tests that check the product's words against them.

They live in ``shared/seeds`` beside the repository (``../shared/seeds``), which for a git worktree may be a few
directories further up: the nearest ancestor holding one is used. Without them the tests that need them skip,
saying why (``needs_seeds``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from shared.vocabulary import Framework

SEEDS: Path | None = next(
    (up / "shared" / "seeds" for up in Path(__file__).resolve().parents if (up / "shared" / "seeds").is_dir()), None
)
_FILES = {Framework.INTEGRATED: "000_c50bd15f8411cbc5.txt", Framework.CHILD_PROTECTION: "001_381f0220c7624939.txt"}

needs_seeds = pytest.mark.skipif(
    SEEDS is None, reason="the source documents (shared/seeds beside the repository) are not on this machine"
)

_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"


def source(framework: Framework) -> Path:
    """The document a framework's paragraphs are cited from ([I ¶N] or [CP ¶N])."""
    assert SEEDS is not None, "use needs_seeds on a test that reads the documents"
    return SEEDS / _FILES[framework]


def _is_page_furniture(line: str) -> bool:
    """Footnotes and page-break debris that the documents' conversion left between the halves of a criterion."""
    text = line.strip()
    return (
        text in {"-", "_", "."}
        or (bool(text) and text[0] in _SUPERSCRIPTS)
        # footnote 23 lost its number and sits inside ¶115h
        or text.startswith("Working together to safeguard children, Department for Education")
    )


def normalise(text: str) -> str:
    """Drop footnote markers and list markers ('- ', '■'), collapse whitespace: what 'verbatim' is judged on."""
    text = re.sub(f"[{_SUPERSCRIPTS}]+", "", text)
    text = re.sub(r"(^|\s)[-■](?=\s)", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def paragraph_text(framework: Framework, paragraph: int) -> str:
    """The normalised text of one numbered paragraph, its number included: to the next paragraph's (or the end)."""
    lines = source(framework).read_text(encoding="utf-8").splitlines()
    starts = [i for i, line in enumerate(lines) if re.match(rf"(- )?{paragraph}\. ", line)]
    assert len(starts) == 1, (framework, paragraph)
    end = len(lines)
    for i in range(starts[0] + 1, len(lines)):
        if re.match(r"(- )?\d+\. ", lines[i]):
            end = i
            break
    body = [line for line in lines[starts[0] : end] if not _is_page_furniture(line)]
    return normalise("\n".join(body))


def paragraph_body(framework: Framework, paragraph: int) -> str:
    """A paragraph's normalised text without its number: what a descriptor that is the whole paragraph says."""
    return paragraph_text(framework, paragraph).removeprefix(f"{paragraph}. ")


def sentence(framework: Framework, paragraph: int, start: str) -> str:
    """The words of a paragraph from ``start`` to the end of its sentence (the full stop left off)."""
    text = paragraph_body(framework, paragraph)
    begin = text.index(start)
    return text[begin : text.index(".", begin)]
