"""The search box's little language: ``police weakness by:asha child:C-104 missed visits``.

``key:value`` words pick agency, inspectorate, kind, author, child, judgement area (``area:leadership``,
``area:none``) or corroboration (``tri:contested``); a value matches a label, a wire value or a short label by
prefix, case-insensitively. A bare word that is exactly an agency, kind, inspectorate or corroboration status
(``police``, ``weakness``, ``cqc``, ``contested``) picks it too; the bare word ``withdrawn`` shows withdrawn
findings, which are hidden otherwise; other words, or any word in double quotes, are free text. One string is
the single source of truth for the filter, so the filter dialog writes words into it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypeVar

from shared.protocol import Inspector
from shared.triangulation import Corroboration
from shared.vocabulary import Agency, FindingKind, Inspectorate, JudgementArea
from tui.state import FindingFilter
from tui.widgets.labels import AGENCY_SHORT, AREA_SHORT, INSPECTORATE_SHORT, KIND_SHORT, SUPPORT_SHORT

E = TypeVar("E", bound=StrEnum)

KEYS: dict[str, str] = {
    "agency": "agency",
    "a": "agency",
    "inspectorate": "inspectorate",
    "insp": "inspectorate",
    "i": "inspectorate",
    "kind": "kind",
    "k": "kind",
    "by": "author",
    "author": "author",
    "child": "child",
    "c": "child",
    "area": "judgement_area",
    "tri": "support",
    "support": "support",
}

WITHDRAWN = "withdrawn"
"""The bare word that shows withdrawn findings as well (dimmed); without it the board hides them."""

NO_AREA = "none"
"""``area:none``: findings with no judgement area (probation, YOT and custody are narrative only)."""


@dataclass
class ParsedQuery:
    """The filter a query means, the words to show as chips, and anything that did not make sense."""

    filter: FindingFilter = field(default_factory=FindingFilter)
    chips: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _norm(text: str) -> str:
    return " ".join(text.casefold().replace("_", " ").replace("-", " ").replace(".", " ").split())


def match_enum(cls: type[E], value: str, shorts: dict[str, str]) -> E | None:
    """The member whose value, label or short label equals ``value``, else the first one it prefixes."""
    wanted = _norm(value)
    if not wanted:
        return None
    names = {m: {_norm(m.value), _norm(getattr(m, "label", "")), _norm(shorts.get(m, ""))} for m in cls}
    for member, spellings in names.items():
        if wanted in spellings:
            return member
    for member, spellings in names.items():
        if any(s.startswith(wanted) for s in spellings if s):
            return member
    for member, spellings in names.items():
        if any(word.startswith(wanted) for s in spellings for word in s.split()):
            return member
    return None


def match_author(team: Iterable[Inspector], value: str) -> Inspector | None:
    """An inspector whose full name, or any word of it, starts with ``value``."""
    wanted = _norm(value)
    members = sorted(team, key=lambda m: m.name)
    for member in members:
        if _norm(member.name) == wanted:
            return member
    for member in members:
        name = _norm(member.name)
        if name.startswith(wanted) or any(word.startswith(wanted) for word in name.split()):
            return member
    return None


def exact_word(word: str) -> tuple[str, str] | None:
    """(key, value) when a bare word is exactly an agency, kind or inspectorate name."""
    wanted = _norm(word)
    for key, cls, shorts in (
        ("agency", Agency, AGENCY_SHORT),
        ("kind", FindingKind, KIND_SHORT),
        ("inspectorate", Inspectorate, INSPECTORATE_SHORT),
        ("support", Corroboration, SUPPORT_SHORT),
    ):
        for member in cls:
            if wanted in {_norm(member.value), _norm(member.label), _norm(shorts.get(member, ""))}:
                return key, member.value
    return None


def parse_query(query: str, team: Iterable[Inspector]) -> ParsedQuery:
    """Turn the search box's text into a FindingFilter."""
    team = list(team)
    result = ParsedQuery()
    values: dict[str, object] = {}
    words: list[str] = []
    for word in query.split():
        key, sep, value = word.partition(":")
        if word.casefold() == WITHDRAWN:
            if not values.get("withdrawn"):
                values["withdrawn"] = True
                result.chips.append("withdrawn: shown")
            continue
        target = KEYS.get(key.casefold()) if sep else None
        if target is None and not sep and not word.startswith('"'):
            exact = exact_word(word)
            if exact is not None and exact[0] not in values:
                target, value = exact
        if target is None:
            words.append(word.strip('"') if word.startswith('"') else word)
            continue
        if not value:
            continue  # still typing
        found: object | None
        chip: str
        if target == "agency":
            found = match_enum(Agency, value, AGENCY_SHORT)
            chip = f"agency: {found.label}" if found else ""
        elif target == "inspectorate":
            found = match_enum(Inspectorate, value, INSPECTORATE_SHORT)
            chip = f"inspectorate: {found.label}" if found else ""
        elif target == "kind":
            found = match_enum(FindingKind, value, KIND_SHORT)
            chip = f"kind: {found.label}" if found else ""
        elif target == "judgement_area":
            found = NO_AREA if _norm(value) == NO_AREA else match_enum(JudgementArea, value, AREA_SHORT)
            chip = f"area: {getattr(found, 'label', 'none')}" if found else ""
        elif target == "support":
            found = match_enum(Corroboration, value, SUPPORT_SHORT)
            chip = f"tri: {found.label.lower()}" if found else ""
        elif target == "author":
            member = match_author(team, value)
            found = member.id if member else None
            chip = f"by: {member.name}" if member else ""
        else:
            found = value
            chip = f"child: {value}"
        if found is None:
            result.problems.append(f"no {target} matches '{value}'")
            continue
        values["author_id" if target == "author" else "child_id" if target == "child" else target] = found
        result.chips.append(chip)
    if words:
        values["text"] = " ".join(words)
        result.chips.append(f'text: "{values["text"]}"')
    result.filter = FindingFilter(**values)  # type: ignore[arg-type]
    return result


def build_query(
    *,
    agency: str | None = None,
    inspectorate: str | None = None,
    kind: str | None = None,
    author: Inspector | None = None,
    child: str | None = None,
    text: str | None = None,
    area: str | None = None,
    support: str | None = None,
    withdrawn: bool = False,
) -> str:
    """The query words for structured choices (from the filter dialog); parse_query reads them back."""
    words = []
    if agency:
        words.append(f"agency:{agency}")
    if inspectorate:
        words.append(f"insp:{inspectorate}")
    if kind:
        words.append(f"kind:{kind}")
    if author is not None:
        words.append(f"by:{author.name.replace(' ', '_')}")
    if child:
        words.append(f"child:{child}")
    if area:
        words.append(f"area:{area}")
    if support:
        words.append(f"tri:{support}")
    if withdrawn:
        words.append(WITHDRAWN)
    if text:
        words.append(text)
    return " ".join(words)
