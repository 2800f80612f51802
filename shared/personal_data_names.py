"""Names of workers, children, parents and carers in the imported data, held only as salted hashes.

Data minimisation: the server must be able to say "this finding names someone" without keeping the list of
names. So the index keeps HMAC-SHA256 digests of normalised names under a per-inspection random salt, and the
checker hashes every window of one to three words of a text to look them up. The digests are not encryption:
anyone holding the salt can hash a dictionary of names and test it, so the serialised index must be protected
like the rest of the inspection's data; what it prevents is the plain list being read, logged or leaked.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from shared.personal_data_match import Match, PersonalDataKind

FORMAT = "triangulate-name-index/1"
MIN_SALT_BYTES = 16
MIN_SURNAME_LETTERS = 4
MIN_FIRST_NAME_LETTERS = 3
MAX_WINDOW_WORDS = 3
TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "rev", "cllr"})

_COMMON = (
    """able acre archer august baker banks barber bell best bird bishop black bond booth bright brook brooks
    brown burns bush butcher butler carer care carter case cash chair chamberlain chance child church clay clerk
    coates cook cooper court cross dawn day dean doctor drake early english faith field fields fish fisher ford
    forest fowler fox french friend frost gardener gold good grace grant gray green grey hall hand hardy hart
    head health help hill holiday home hood hope house hunt hunter inspector irish joy judge july june king lake
    lamb lane law lead little long lord love major march mark marsh martin mason may mayor meadows miles mill
    miller mills money moon moore morning new newman noble north page paine park parker parks parsons person
    plan police pool pope porter power price read reading reed rice rich rivers rose sage salt savage school
    scott sharp shepherd short silver singer small snow social south spring stone street strong summer swan
    swift tanner taylor turner wall walker ward warden water waters weaver wells west white wild will winter
    wolf wood woods worker wright young
    amber angel autumn blessing charity destiny harmony honey justice liberty mercy patience precious river sky
    storm sunny trinity unity"""
)
COMMON_WORDS = frozenset(_COMMON.split())
"""Surnames and first names that are also everyday or inspection words ("Ward", "Amber" the RAG rating,
"Liberty Protection Safeguards"): alone, they count as a name only after a title."""

_INVISIBLE = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]"
)
"""Every format character (Unicode category Cf): zero-width spaces and joiners, bidi controls, the soft hyphen.
They change nothing a reader sees, so the guard reads text without them."""

_WORD = re.compile(r"(?:[^\W\d_]|[\u0300-\u036f])+(?:['’‐-](?:[^\W\d_]|[\u0300-\u036f])+)*")
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)
_SENTENCE_END = frozenset(".!?\n")
_OPENERS = frozenset(" \t\"'“‘([*•-–")


def without_invisible(text: str) -> str:
    return _INVISIBLE.sub("", text)


def normalise_name(name: str) -> str:
    """Casefolded, accents and invisible characters stripped, curly apostrophes and dashes unified, spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", without_invisible(name))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = plain.replace("’", "'").replace("‘", "'").replace("‐", "-")
    return " ".join(plain.casefold().split())


def _name_words(name: str) -> list[str]:
    """The words of a name as imported, "Surname, First" turned round and titles dropped."""
    if name.count(",") == 1:
        surname, first = name.split(",")
        name = f"{first} {surname}"
    words = [w.rstrip(".") for w in normalise_name(name).split()]
    while words and words[0] in TITLES:
        words.pop(0)
    return words


def name_variants(name: str, *, by_first_name: bool = False) -> set[str]:
    """What of one imported name is indexed: the full name, first-and-last name, and the surname alone.

    A surname alone is indexed if it has at least four letters, because "Mrs Okafor" or "Okafor said" names the
    worker as surely as the full name does. A first name alone only ``by_first_name`` (children, parents and
    carers, with at least three letters): a worker's first name says little about who is meant, but in a finding
    about a sampled case "Jayden's plan" names the child as surely as his full name would.
    """
    words = _name_words(name)
    if not words:
        return set()
    variants = {" ".join(words)}
    if len(words) > 2:
        variants.add(f"{words[0]} {words[-1]}")
    if sum(c.isalpha() for c in words[-1]) >= MIN_SURNAME_LETTERS:
        variants.add(words[-1])
    if by_first_name and len(words) > 1 and sum(c.isalpha() for c in words[0]) >= MIN_FIRST_NAME_LETTERS:
        variants.add(words[0])
    return variants


def _digest(salt: bytes, normalised: str) -> str:
    return hmac.new(salt, normalised.encode("utf-8"), hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class Token:
    """A word of the text, normalised once so the windows it belongs to need not normalise it again."""

    start: int
    end: int
    text: str
    norm: str
    stem_end: int
    """End of the word without a possessive "'s" (``end`` if it has none)."""
    stem_norm: str
    joined: bool
    """Whether only spaces separate it from the next word: words of one name are not split by punctuation."""


def tokens(text: str, pos: int = 0, limit: int | None = None) -> list[Token]:
    """The words of ``text`` from ``pos`` (letters, inner apostrophes and hyphens), at most ``limit``, normalised."""
    words = list(islice(_WORD.finditer(text, pos), None if limit is None else limit + 1))
    found = []
    for k, m in enumerate(words[:limit]):
        word = m[0]
        norm = word.casefold() if word.isascii() else normalise_name(word)
        stem = _POSSESSIVE.sub("", word)
        stem_norm = normalise_name(stem) if stem != word else norm
        joined = k + 1 < len(words) and not text[m.end():words[k + 1].start()].strip(" \t")
        found.append(Token(m.start(), m.end(), word, norm, m.start() + len(stem), stem_norm, joined))
    return found


@dataclass(frozen=True)
class NameIndex:
    """Salted hashes of the names in the imported data; the plain names are never stored."""

    salt: bytes
    digests: frozenset[str]
    max_words: int = MAX_WINDOW_WORDS
    _keyed: hmac.HMAC = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Copying a keyed HMAC is cheaper than keying a new one for each of a text's windows.
        object.__setattr__(self, "_keyed", hmac.new(self.salt, digestmod=hashlib.sha256))

    @staticmethod
    def new_salt() -> bytes:
        """A fresh random salt: one per inspection, so digests cannot be compared across inspections."""
        return secrets.token_bytes(MIN_SALT_BYTES)

    @classmethod
    def build(cls, names: Iterable[str], salt: bytes, *, family: Iterable[str] = ()) -> NameIndex:
        """Hash every variant of every name; the caller should drop the plain names afterwards.

        ``names`` are workers'; ``family`` are children's, parents' and carers', indexed by first name too.
        """
        if len(salt) < MIN_SALT_BYTES:
            raise ValueError(f"salt must be at least {MIN_SALT_BYTES} random bytes")
        variants = {v for name in names for v in name_variants(name)}
        variants |= {v for name in family for v in name_variants(name, by_first_name=True)}
        longest = max((len(v.split()) for v in variants), default=1)
        return cls(salt, frozenset(_digest(salt, v) for v in variants), max(MAX_WINDOW_WORDS, longest))

    def to_json(self) -> str:
        """Digests sorted, so the order names were imported in is not kept either."""
        return json.dumps({"format": FORMAT, "algorithm": "hmac-sha256", "salt": self.salt.hex(),
                           "max_words": self.max_words, "digests": sorted(self.digests)})

    @classmethod
    def from_json(cls, data: str) -> NameIndex:
        raw = json.loads(data)
        if raw.get("format") != FORMAT or raw.get("algorithm") != "hmac-sha256":
            raise ValueError("not a Triangulate name index")
        return cls(bytes.fromhex(raw["salt"]), frozenset(raw["digests"]), int(raw["max_words"]))

    def __len__(self) -> int:
        return len(self.digests)

    def __contains__(self, phrase: object) -> bool:
        return isinstance(phrase, str) and self._known(normalise_name(phrase))

    def _known(self, normalised: str) -> bool:
        keyed = self._keyed.copy()
        keyed.update(normalised.encode("utf-8"))
        return keyed.hexdigest() in self.digests

    def find(self, text: str) -> Iterator[Match]:
        """Every window of 1..max_words adjacent words whose hash is in the index (overlaps resolved later)."""
        words = tokens(text)
        for i in range(len(words)):
            for n in range(1, self.max_words + 1):
                if n > 1 and not words[i + n - 2].joined:
                    break
                window = words[i:i + n]
                if n == 1 and not _single_word_may_be_name(text, words, i):
                    continue
                if n > 1 and not _phrase_may_be_name(window):
                    continue
                match = self._lookup(text, window)
                if match:
                    yield match

    def _lookup(self, text: str, window: list[Token]) -> Match | None:
        """The window as written, else without a possessive "'s" on its last word ("Okafor's" → "Okafor")."""
        head = " ".join(t.norm for t in window[:-1])
        last = window[-1]
        for end, norm in ((last.end, last.norm), (last.stem_end, last.stem_norm)):
            if self._known(f"{head} {norm}" if head else norm):
                reason = "a name in the imported data" if len(window) > 1 else "part of a name in the imported data"
                return Match(PersonalDataKind.NAME, window[0].start, end, text[window[0].start:end], reason)
            if last.stem_end == last.end:
                break
        return None


def _after_title(text: str, tokens: list[Token], i: int) -> bool:
    if i == 0:
        return False
    prev = tokens[i - 1]
    return prev.text.casefold() in TITLES and text[prev.end:tokens[i].start].strip(" .") == ""


def sentence_start(text: str, start: int) -> bool:
    """Whether only opening punctuation stands between ``start`` and the start of the text, a sentence or a line."""
    j = start - 1
    while j >= 0 and text[j] in _OPENERS:
        j -= 1
    return j < 0 or text[j] in _SENTENCE_END


def _phrase_may_be_name(window: list[Token]) -> bool:
    """Two or more words match in any case ("asha patel"), unless every word is a common word ("will may")."""
    if all(t.text[:1].isupper() for t in window):
        return True
    return not all(t.stem_norm in COMMON_WORDS for t in window)


def _single_word_may_be_name(text: str, tokens: list[Token], i: int) -> bool:
    """A lone surname or first name counts only if capitalised, and after a title or where a name would stand.

    Without a title it must not be a common word ("Ward", "Child", "Hope", "Amber") or start a capitalised phrase
    ("Green Lane", "Child Protection", "Skye House"). Opening a sentence is no reason to let it pass: "Jayden
    said…" and "Okafor's caseload…" are how findings name people (measured in docs/personal-data.md).
    """
    word = tokens[i].text
    if not word[:1].isupper():
        return False
    if _after_title(text, tokens, i):
        return True
    if tokens[i].stem_norm in COMMON_WORDS:
        return False
    if tokens[i].joined:
        following = tokens[i + 1].text
        if following[:1].isupper() and not following.isupper():
            return False
    return True
