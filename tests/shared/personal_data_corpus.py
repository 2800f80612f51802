"""The personal-data corpus (personal_data_corpus.json and its issue-14 extension) as typed examples, and its score.

Shared by tests/shared/test_personal_data.py and bench/personal_data.py so the figures in docs/personal-data.md
are computed exactly as the tests check them. Each example belongs to a part: the development parts were written
while the detectors were developed and flatter them; each held-out part was written before the round of work it
measures and run once, so it estimates how the detectors do on text nobody tuned them for.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from shared.personal_data import Match, NameIndex, PersonalDataKind, find_personal_data

CORPUS = Path(__file__).with_name("personal_data_corpus.json")
FAMILIES = Path(__file__).with_name("personal_data_corpus_families.json")

DEVELOPMENT = "development"
HELD_OUT_7 = "held-out (issue 7)"
HELD_OUT_14 = "held-out (issue 14: families, new shapes)"
PARTS = (DEVELOPMENT, HELD_OUT_7, HELD_OUT_14)

Span = tuple[PersonalDataKind, int, int]


@dataclass(frozen=True)
class Example:
    text: str
    truth: frozenset[Span]
    known_miss: str | None
    known_got: frozenset[Span]
    note: str | None
    part: str


@dataclass(frozen=True)
class Corpus:
    today: date
    names: NameIndex
    examples: tuple[Example, ...]

    def part(self, name: str) -> tuple[Example, ...]:
        return tuple(e for e in self.examples if e.part == name)

    def find(self, text: str) -> list[Match]:
        return find_personal_data(text, self.names, today=self.today)


def _spans(text: str, labels: list[list[str | int]]) -> frozenset[Span]:
    """[kind, substring, occurrence] → (kind, start, end); a label naming text that is not there is an error."""
    spans = set()
    for kind, needle, *occurrence in labels:
        assert isinstance(needle, str)
        start = -1
        for _ in range(int(occurrence[0]) + 1 if occurrence else 1):
            start = text.index(needle, start + 1)
        spans.add((PersonalDataKind(kind), start, start + len(needle)))
    return frozenset(spans)


def _example(e: dict[str, Any], part: str) -> Example:
    miss = e.get("known_miss", {})
    return Example(text=e["text"], truth=_spans(e["text"], e["find"]), known_miss=miss.get("reason"),
                   known_got=_spans(e["text"], miss.get("got", [])), note=e.get("note"), part=part)


@cache
def load() -> Corpus:
    """Both files: the workers' names and ``today`` from the first, the children's and families' from the second."""
    raw = json.loads(CORPUS.read_text(encoding="utf-8"))
    families = json.loads(FAMILIES.read_text(encoding="utf-8"))
    held_out_from = int(raw["held_out_from"])
    examples = (
        *(_example(e, DEVELOPMENT if i < held_out_from else HELD_OUT_7) for i, e in enumerate(raw["examples"])),
        *(_example(e, DEVELOPMENT) for e in families["development"]),
        *(_example(e, HELD_OUT_14) for e in families["held_out"]),
    )
    names = NameIndex.build(raw["names"], bytes.fromhex(raw["salt_hex"]),
                            family=[*families["children"], *families["family"]])
    return Corpus(date.fromisoformat(raw["today"]), names, examples)


def found(corpus: Corpus, example: Example) -> frozenset[Span]:
    return frozenset((m.kind, m.start, m.end) for m in corpus.find(example.text))


@dataclass(frozen=True)
class Score:
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        flagged = self.true_positives + self.false_positives
        return self.true_positives / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        labelled = self.true_positives + self.false_negatives
        return self.true_positives / labelled if labelled else 1.0


def score(corpus: Corpus, examples: Iterable[Example] | None = None) -> dict[PersonalDataKind | None, Score]:
    """Per kind, and overall under None. A match of the wrong kind or span counts as one FP and one FN."""
    tp: Counter[PersonalDataKind] = Counter()
    fp: Counter[PersonalDataKind] = Counter()
    fn: Counter[PersonalDataKind] = Counter()
    for example in corpus.examples if examples is None else examples:
        got = found(corpus, example)
        for kind, *_ in got & example.truth:
            tp[kind] += 1
        for kind, *_ in got - example.truth:
            fp[kind] += 1
        for kind, *_ in example.truth - got:
            fn[kind] += 1
    scores: dict[PersonalDataKind | None, Score] = {k: Score(tp[k], fp[k], fn[k]) for k in PersonalDataKind}
    scores[None] = Score(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    return scores
