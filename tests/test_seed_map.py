"""docs/seeds.md maps every seed paragraph the product uses, in both frameworks, to where the product implements it.

Every paragraph cited in the code (``CP ¶N``, ``I ¶N``, ``integrated ¶N``, ``child-protection framework ¶N``, with
ranges such as ``¶38–43`` and lists such as ``¶15, ¶31``) and every paragraph of the criteria catalogue must have a
row there, and every paragraph a row lists must exist in its seed: a citation added without a row, or a row for a
paragraph the seed does not have, fails here.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from shared.criteria import all_criteria
from shared.vocabulary import Framework
from tests.seeds import needs_seeds, paragraph_text

ROOT = Path(__file__).resolve().parents[1]
SEED_MAP = ROOT / "docs" / "seeds.md"
SOURCES = ("shared", "server", "tui")

CP, INT = Framework.CHILD_PROTECTION, Framework.INTEGRATED
_ITEM = r"¶\d+[a-z]?(?:[–-]\d+)?"
CITATION = re.compile(
    r"(?P<who>\bCP|\bI|\b[Ii]ntegrated(?: consultation)?|\b[Cc]hild-protection(?: framework)?) "
    rf"(?P<items>{_ITEM}(?:(?:, |,? and ){_ITEM})*)"
)
"""A citation: whose document, then one paragraph, a range or a list of them (a letter names an item of one)."""

Paragraph = tuple[Framework, int]


def cited(text: str) -> set[Paragraph]:
    """Every paragraph ``text`` cites, ranges expanded."""
    found: set[Paragraph] = set()
    for citation in CITATION.finditer(text):
        framework = CP if citation["who"].lower().startswith(("cp", "child")) else INT
        for item in re.finditer(r"¶(\d+)[a-z]?(?:[–-](\d+))?", citation["items"]):
            first = int(item[1])
            found.update((framework, n) for n in range(first, int(item[2] or first) + 1))
    return found


def code_citations() -> dict[Paragraph, set[str]]:
    """Each paragraph the product's source cites, with the files that cite it."""
    where: dict[Paragraph, set[str]] = defaultdict(set)
    for source in SOURCES:
        for path in sorted((ROOT / source).rglob("*.py")):
            for paragraph in cited(path.read_text(encoding="utf-8")):
                where[paragraph].add(str(path.relative_to(ROOT)))
    return where


def mapped() -> set[Paragraph]:
    """The paragraphs docs/seeds.md gives a row: those its tables' first column cites."""
    rows = [line for line in SEED_MAP.read_text(encoding="utf-8").splitlines() if line.startswith("| ")]
    first_cells = [row.split("|")[1] for row in rows]
    return {paragraph for cell in first_cells for paragraph in cited(cell)}


def label(paragraph: Paragraph) -> str:
    framework, n = paragraph
    return f"{'CP' if framework is CP else 'I'} ¶{n}"


def test_citations_are_read_with_their_ranges_lists_and_items() -> None:
    assert cited("(CP ¶14–15, ¶24, ¶44)") == {(CP, 14), (CP, 15), (CP, 24), (CP, 44)}
    assert cited("integrated consultation ¶35–36, ¶48; Child-protection framework ¶51") == {
        (INT, 35), (INT, 36), (INT, 48), (CP, 51)
    }
    assert cited("[I ¶68c] and I ¶36, ¶100 — HMI Prisons") == {(INT, 68), (INT, 36), (INT, 100)}
    assert cited("CP ¶32 and ¶49") == {(CP, 32), (CP, 49)}
    assert cited("HMI ¶3, health ¶67, (¶70)") == set(), "a bare paragraph is not attributed to either seed"


def test_every_paragraph_the_code_cites_has_a_row_in_the_seed_map() -> None:
    rows = mapped()
    missing = [f"{label(p)} (cited in {', '.join(sorted(files))})"
               for p, files in sorted(code_citations().items()) if p not in rows]
    assert not missing, f"docs/seeds.md has no row for: {'; '.join(missing)}"


def test_every_paragraph_of_the_criteria_catalogue_has_a_row_in_the_seed_map() -> None:
    catalogue = set().union(*(cited(item.citation) for item in all_criteria()))
    assert {(INT, 68), (INT, 118), (CP, 20), (CP, 24)} <= catalogue
    assert not sorted(label(p) for p in catalogue - mapped())


def test_the_seed_map_covers_both_frameworks_and_the_paragraphs_being_built() -> None:
    rows = mapped()
    assert {(INT, 108), (INT, 109), (INT, 110)} <= rows
    assert {(CP, n) for n in (15, 27, 28, 29, 30, 31, 38, 39, 40, 41, 42, 43)} <= rows
    assert "[child-protection.md](child-protection.md)" in SEED_MAP.read_text(encoding="utf-8")


@needs_seeds
def test_every_paragraph_the_seed_map_lists_is_in_its_seed() -> None:
    for framework, n in sorted(mapped()):
        assert paragraph_text(framework, n).startswith(f"{n}. "), label((framework, n))
