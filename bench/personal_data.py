"""Personal-data guard benchmark: precision and recall per kind on the labelled corpus, and throughput.

Usage: python bench/personal_data.py [--names 300] [--chars 1000000] [--scores-only]

Why both halves of the corpus: the first part was written while the detector was developed, so its figures flatter
it; the held-out part was written afterwards and run once, its misses recorded rather than tuned away, so it is the
better estimate of how the detector does on text nobody tuned it for. Figures are for docs/personal-data.md.

Throughput is measured on corpus text repeated to ``--chars`` characters, with and without a name index of
``--names`` synthetic names (an Annex A list of allocated workers is a few hundred; at most 400 here), and as
the time to check one 4,000-character field (the longest free text the protocol takes), pathological ones too.
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from itertools import product
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from shared.personal_data import NameIndex, PersonalDataKind, find_personal_data
from tests.shared.personal_data_corpus import PARTS, Corpus, Example, Score, load, score

FIELD = 4_000
FIRST = ["Asha", "Tom", "Grace", "Daniel", "Zoë", "Sam", "Imran", "Bethany", "Kwame", "Rachel", "Jo", "Priya",
         "Liam", "Chloe", "Oluwaseun", "Megan", "Hamza", "Aoife", "Ewan", "Fatima"]
LAST = ["Patel", "Reid", "Okafor", "Whitfield", "Lefèvre", "Siddiqui", "Harrington", "Mensah-Bonsu", "Nowak",
        "O'Connor", "Kaur", "Davies", "Evans", "Hughes", "Begum", "Murphy", "Kowalski", "Adeyemi", "Stewart", "Lloyd"]


def _table(title: str, scores: dict[PersonalDataKind | None, Score]) -> None:
    print(f"\n{title}")
    print(f"{'kind':<14}{'TP':>5}{'FP':>5}{'FN':>5}{'precision':>11}{'recall':>8}")
    for kind, s in scores.items():
        name = kind.value if kind else "all"
        print(f"{name:<14}{s.true_positives:>5}{s.false_positives:>5}{s.false_negatives:>5}"
              f"{s.precision:>11.3f}{s.recall:>8.3f}")


def _counts(examples: tuple[Example, ...]) -> str:
    positives = sum(bool(e.truth) for e in examples)
    misses = sum(bool(e.known_miss) for e in examples)
    return f"{len(examples)} examples: {positives} with personal data, {len(examples) - positives} without; " \
           f"{misses} known misses"


def _best_of(runs: int, fn: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def _throughput(corpus: Corpus, names: NameIndex, chars: int) -> None:
    prose = " ".join(e.text for e in corpus.examples)
    long_text = (prose + " ") * (chars // len(prose) + 1)
    long_text = long_text[:chars]
    print(f"\nthroughput on {len(long_text):,} characters of corpus prose (best of 3)")
    for label, index in (("no name index", None), (f"name index of {len(names):,} digests", names)):
        seconds = _best_of(3, lambda index=index: find_personal_data(long_text, index, today=corpus.today))
        print(f"  {label:<32}{len(long_text) / seconds / 1e6:6.2f} M chars/s")

    fields = [long_text[i:i + FIELD] for i in range(0, min(len(long_text), 200 * FIELD), FIELD)]
    per_field = [_best_of(3, lambda f=f: find_personal_data(f, names, today=corpus.today)) for f in fields]
    print(f"\none {FIELD:,}-character field, with the name index ({len(fields)} fields, best of 3 each)")
    print(f"  median {statistics.median(per_field) * 1e3:.2f} ms, worst {max(per_field) * 1e3:.2f} ms")

    print("\npathological 4,000-character fields, with the name index (best of 3)")
    pathological = {
        "'0 ' repeated": "0 " * 2000,
        "'(0' repeated": "(0" * 2000,
        "'a.' then '@'": "a." * 1999 + "@",
        "one word": "a" * FIELD,
        "'Mrs Patel ' repeated": "Mrs Patel " * 400,
        "'3/4/' repeated": "3/4/" * 1000,
    }
    for label, text in pathological.items():
        seconds = _best_of(3, lambda text=text: find_personal_data(text, names, today=corpus.today))
        print(f"  {label:<24}{seconds * 1e3:8.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--names", type=int, default=300, help="synthetic names in the throughput index")
    parser.add_argument("--chars", type=int, default=1_000_000, help="length of the long text")
    parser.add_argument("--scores-only", action="store_true", help="precision and recall only, no timings")
    args = parser.parse_args()

    corpus = load()
    print(f"Python {platform.python_version()} on {platform.machine()}; corpus today = {corpus.today}")
    print(f"corpus: {_counts(corpus.examples)}")
    _table(f"whole corpus ({_counts(corpus.examples)})", score(corpus))
    for part in PARTS:
        examples = corpus.part(part)
        _table(f"{part} part ({_counts(examples)})", score(corpus, examples))
    if args.scores_only:
        return

    everyone = [f"{first} {last}" for first, last in product(FIRST, LAST)]
    names = NameIndex.build(random.Random(7).sample(everyone, min(args.names, len(everyone))), NameIndex.new_salt())
    _throughput(corpus, names, args.chars)


if __name__ == "__main__":
    main()
