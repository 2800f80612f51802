"""The evaluation criteria a finding is evidence for, and the grade scale each framework uses.

The catalogue is data (``criteria.json`` beside this module), transcribed verbatim from the two source documents
(integrated consultation ¶63–70, ¶75–81, ¶84–97, ¶103–107, ¶115–118; child-protection framework ¶20, ¶24), so
the wording inspectors tag findings with is the documents' own and the tests can check it against them. Ids are
stable wire values: ``I68c`` is integrated ¶68 letter c, ``CP24b`` child-protection ¶24 (second item),
``I65`` a paragraph that is itself the descriptor, ``I68-outstanding`` a grade descriptor printed after a
judgement's 'good' list, ``I103-exp1`` an HMI Prisons expectation statement. The file's ``notes`` record how
the documents' glitches were read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from shared.vocabulary import Agency, Framework, JudgementArea, Labelled


class Grade(Labelled):
    """Every grade either framework can give; which ones apply depends on the framework (GRADE_SCALES)."""

    OUTSTANDING = "outstanding"
    GOOD = "good"
    REQUIRES_IMPROVEMENT = "requires-improvement"
    ADEQUATE = "adequate"
    INADEQUATE = "inadequate"


# The scale belongs to the framework in use: integrated ¶29 has no 'adequate', CP ¶25 no 'requires improvement'.
GRADE_SCALES: dict[Framework, tuple[Grade, ...]] = {
    Framework.INTEGRATED: (Grade.OUTSTANDING, Grade.GOOD, Grade.REQUIRES_IMPROVEMENT, Grade.INADEQUATE),
    Framework.CHILD_PROTECTION: (Grade.OUTSTANDING, Grade.GOOD, Grade.ADEQUATE, Grade.INADEQUATE),
}

_PREFIX = {Framework.INTEGRATED: "I", Framework.CHILD_PROTECTION: "CP"}


@dataclass(frozen=True, slots=True)
class Criterion:
    """One lettered criterion, criterion heading or grade descriptor, as the document words it.

    ``judgement_area`` is None for overall-effectiveness descriptors and for narrative-only agencies
    (probation, YOT, custody); ``grade`` is set only when the text describes a grade (e.g. ¶68's list is what
    'good' looks like), and None for plain evaluation criteria.
    """

    id: str
    framework: Framework
    agency: Agency
    judgement_area: JudgementArea | None
    grade: Grade | None
    paragraph: int
    letter: str | None
    text: str

    @property
    def citation(self) -> str:
        """The reference a report prints, in the project's citation style: ``[I ¶68c]``, ``[CP ¶24b]``."""
        return f"[{_PREFIX[self.framework]} ¶{self.paragraph}{self.letter or ''}]"


def _parse(entry: dict[str, Any]) -> Criterion:
    area = entry["judgement_area"]
    grade = entry["grade"]
    letter = entry["letter"]
    return Criterion(
        id=str(entry["id"]),
        framework=Framework(entry["framework"]),
        agency=Agency(entry["agency"]),
        judgement_area=None if area is None else JudgementArea(area),
        grade=None if grade is None else Grade(grade),
        paragraph=int(entry["paragraph"]),
        letter=None if letter is None else str(letter),
        text=str(entry["text"]),
    )


@cache
def _catalogue() -> dict[str, Criterion]:
    """Read criteria.json once (it ships inside the package), in document order, refusing duplicate ids."""
    raw = json.loads(resources.files("shared").joinpath("criteria.json").read_text(encoding="utf-8"))
    catalogue: dict[str, Criterion] = {}
    for entry in raw["criteria"]:
        item = _parse(entry)
        if item.id in catalogue:
            raise ValueError(f"criteria.json: duplicate criterion id {item.id!r}")
        catalogue[item.id] = item
    return catalogue


def all_criteria() -> list[Criterion]:
    """Every criterion, in document order (integrated first, then child-protection)."""
    return list(_catalogue().values())


def criterion(criterion_id: str) -> Criterion:
    """The criterion with this id; KeyError naming the id if a finding cites one the catalogue lacks."""
    try:
        return _catalogue()[criterion_id]
    except KeyError:
        raise KeyError(
            f"unknown criterion id {criterion_id!r} (ids look like 'I68c', 'I65', 'I68-outstanding' or 'CP24b'; "
            "see shared/criteria.json)"
        ) from None


def _matches(
    item: Criterion,
    agency: Agency | None,
    judgement_area: JudgementArea | None,
    framework: Framework | None,
) -> bool:
    return (
        (agency is None or item.agency == agency)
        and (judgement_area is None or item.judgement_area == judgement_area)
        and (framework is None or item.framework == framework)
    )


def criteria_for(
    agency: Agency | str,
    judgement_area: JudgementArea | str | None = None,
    framework: Framework | str | None = None,
) -> list[Criterion]:
    """What the finding form offers once an agency (and perhaps a judgement area and framework) is chosen.

    A judgement area narrows to criteria filed under exactly that area; leave it None to get all of the
    agency's criteria, including overall-effectiveness descriptors and narrative-only agencies' criteria.
    Values are checked against the enums, so a typo raises ValueError instead of silently offering nothing.
    """
    wanted_agency = Agency(agency)
    area = None if judgement_area is None else JudgementArea(judgement_area)
    fw = None if framework is None else Framework(framework)
    return [item for item in _catalogue().values() if _matches(item, wanted_agency, area, fw)]


def search(
    text: str,
    *,
    agency: Agency | str | None = None,
    judgement_area: JudgementArea | str | None = None,
    framework: Framework | str | None = None,
) -> list[Criterion]:
    """Criteria whose id or text contains every word typed (case-insensitive), in document order.

    Lets an inspector find 'MARAC' or '68c' without scrolling a long list; '¶' and brackets are ignored so a
    pasted citation like '[I ¶68c]' finds I68c. An empty query returns everything the filters allow.
    """
    words = [w for w in (raw.strip("¶[](),.;:") for raw in text.casefold().split()) if w]
    wanted_agency = None if agency is None else Agency(agency)
    area = None if judgement_area is None else JudgementArea(judgement_area)
    fw = None if framework is None else Framework(framework)
    found = []
    for item in _catalogue().values():
        if not _matches(item, wanted_agency, area, fw):
            continue
        haystack = f"{item.id.casefold()} {item.text.casefold()}"
        if all(word in haystack for word in words):
            found.append(item)
    return found


# ---------------------------------------------------------------- which criteria a finding may cite


def fits(item: Criterion, agency: Agency, judgement_area: JudgementArea | None, framework: Framework) -> bool:
    """Whether a finding about ``agency`` (under ``judgement_area``) in a ``framework`` inspection may cite it.

    Areas only clash when both have one: a finding with no area may cite any of its agency's criteria, and an
    overall-effectiveness descriptor (no area) fits a finding in any of the agency's areas.
    """
    return (
        item.framework == framework
        and item.agency == agency
        and (item.judgement_area is None or judgement_area is None or item.judgement_area == judgement_area)
    )


def fitting(agency: Agency, judgement_area: JudgementArea | None, framework: Framework) -> list[Criterion]:
    """What the finding form offers: the criteria ``criterion_refusal`` accepts, the area's own first."""
    found = [item for item in _catalogue().values() if fits(item, agency, judgement_area, framework)]
    return sorted(found, key=lambda item: item.judgement_area is None)  # stable: document order within each


_FRAMEWORK_NAME = {
    Framework.INTEGRATED: "integrated framework",
    Framework.CHILD_PROTECTION: "child-protection framework",
}


def _what_fits(agency: Agency, judgement_area: JudgementArea | None, framework: Framework) -> str:
    where = agency.label + (f" × {judgement_area.label.lower()}" if judgement_area is not None else "")
    found = fitting(agency, judgement_area, framework)
    if not found:
        return f"the {_FRAMEWORK_NAME[framework]} has no criteria for {where}, so leave the criterion empty"
    examples = ", ".join(item.id for item in found[:3])
    return f"{len(found)} criteria fit {where} under the {_FRAMEWORK_NAME[framework]}, e.g. {examples}"


def _did_you_mean(criterion_id: str, agency: Agency, judgement_area: JudgementArea | None,
                  framework: Framework) -> str | None:
    """'68c' or 'i68c' for I68c: the old paragraph-and-letter codes, or the right id in the wrong case."""
    wanted = {criterion_id.casefold(), f"{_PREFIX[framework]}{criterion_id}".casefold()}
    return next((item.id for item in fitting(agency, judgement_area, framework) if item.id.casefold() in wanted),
                None)


def criterion_refusal(
    criterion_id: str, agency: Agency, judgement_area: JudgementArea | None, framework: Framework
) -> str | None:
    """Why a finding may not cite this criterion, or None if it may; shared so the form and server agree.

    The message names the problem and what would fit, so the inspector can correct it without the catalogue.
    """
    item = _catalogue().get(criterion_id)
    if item is None:
        near = _did_you_mean(criterion_id, agency, judgement_area, framework)
        if near is not None:
            return f"unknown criterion {criterion_id!r}: did you mean {near!r}?"
        return f"unknown criterion {criterion_id!r}; {_what_fits(agency, judgement_area, framework)}"
    hint = _what_fits(agency, judgement_area, framework)
    if item.framework != framework:
        return (f"{item.id} {item.citation} is from the {_FRAMEWORK_NAME[item.framework]}, but this inspection "
                f"uses the {_FRAMEWORK_NAME[framework]}; {hint}")
    if item.agency != agency:
        return f"{item.id} {item.citation} is a criterion for {item.agency.label}, not {agency.label}; {hint}"
    if item.judgement_area is not None and judgement_area is not None and item.judgement_area != judgement_area:
        return (f"{item.id} {item.citation} is about {item.judgement_area.label.lower()}, not "
                f"{judgement_area.label.lower()}; {hint}")
    return None
