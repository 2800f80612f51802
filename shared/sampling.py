"""Choosing the cases inspectors track (child-protection framework ¶38–40), and showing how balanced the choice is.

¶38: "selected at random from both current cases and cases that have been closed in the previous three months …
adjusted to ensure a balance of age, gender, disability and ethnicity, practitioner and team." So the draw is random
first and balanced second: cases are taken in a seeded random order while they fit each attribute's quota, then
single swaps that bring the sample's shares closer to the population's are made, again in random order, until none
is left. ¶39 adds the local authority's three good-practice cases; ¶40 a subset to meet the child or family; ¶38 lets
inspectors add cases for a line of enquiry at any point. A draw of fewer than the 50 cases ¶43 asks for, or with
other than ¶39's three good-practice cases, carries the reason the lead gives, and the report says it
(``reason_needed``, ``about_the_sample``). See docs/cases.md.
"""

from __future__ import annotations

import calendar
import math
import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from shared.annex_a import CaseRecord, CaseStatus
from shared.fields import ChildId
from shared.vocabulary import Labelled

DEFAULT_SIZE = 50
MIN_SIZE = 50
"""CP ¶43: "At least 50 cases will be selected by inspectors"."""
GOOD_PRACTICE_CASES = 3
"""CP ¶39: "the local authority will be asked to identify three cases that demonstrate local good practice"."""
DEFAULT_MEET_FRACTION = 0.2
"""10 of a sample of 50: enough children and families to hear from in a two-week visit (¶40)."""
RECENT_MONTHS = 3
NOT_RECORDED = "Not recorded"


class Attribute(Labelled):
    """What ¶38 asks the sample to be balanced on, in its order."""

    AGE_BAND = "age-band", "Age"
    GENDER = "gender"
    DISABILITY = "disability"
    ETHNICITY = "ethnicity"
    WORKER = "practitioner"
    TEAM = "team"


ATTRIBUTES: tuple[Attribute, ...] = tuple(Attribute)


class Selection(Labelled):
    RANDOM = "random", "Random sample"
    GOOD_PRACTICE = "good-practice", "Good practice (chosen by the local authority)"
    LINE_OF_ENQUIRY = "line-of-enquiry", "Added for a line of enquiry"



Reason = Annotated[str, Field(min_length=1, max_length=500)]


class SampledCase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    child_id: ChildId
    selection: Selection
    meet_child_or_family: bool = False
    reason: Reason | None = None


class Sample(BaseModel):
    """The tracked cases; ``seed``, ``drawn_on`` and the same Annex A list reproduce the random part exactly."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    seed: int
    drawn_on: date
    size: int = Field(ge=0)
    eligible: int = Field(ge=0)
    cases: tuple[SampledCase, ...]
    reason: Reason | None = None
    """The lead's reason for drawing fewer than 50 cases or other than three good-practice cases (CP ¶39, ¶43)."""

    @property
    def child_ids(self) -> list[str]:
        return [case.child_id for case in self.cases]

    def selected(self, selection: Selection) -> list[SampledCase]:
        return [case for case in self.cases if case.selection is selection]

    @property
    def to_meet(self) -> list[SampledCase]:
        return [case for case in self.cases if case.meet_child_or_family]


class BalanceRow(BaseModel):
    """One value of one attribute: how common it is among eligible cases and in the random sample."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    attribute: Attribute
    value: str
    population: int
    sample: int
    population_share: float
    sample_share: float

    @property
    def difference(self) -> float:
        """Sample share minus population share: positive is over-represented."""
        return self.sample_share - self.population_share


class BalanceReport(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    rows: tuple[BalanceRow, ...]

    @property
    def unsampled(self) -> list[BalanceRow]:
        """Strata present among eligible cases with no case in the sample: where ¶38's balance falls short."""
        return [row for row in self.rows if row.population and not row.sample]

    def largest_difference(self, attribute: Attribute) -> float:
        return max((abs(row.difference) for row in self.rows if row.attribute is attribute), default=0.0)


def three_months_before(today: date) -> date:
    """The same day three calendar months earlier, or that month's last day (31 May → 28 or 29 February)."""
    year, month_index = divmod(today.year * 12 + today.month - 1 - RECENT_MONTHS, 12)
    last_day = calendar.monthrange(year, month_index + 1)[1]
    return date(year, month_index + 1, min(today.day, last_day))


def is_eligible(case: CaseRecord, *, today: date) -> bool:
    """Current, or closed on or after the day three calendar months ago (¶38)."""
    if case.status is CaseStatus.CURRENT or case.closed_date is None:
        return True
    return three_months_before(today) <= case.closed_date <= today


def eligible_cases(cases: Iterable[CaseRecord], *, today: date) -> list[CaseRecord]:
    """Eligible cases sorted by child ID, so the draw does not depend on the order of the spreadsheet."""
    return sorted((case for case in cases if is_eligible(case, today=today)), key=lambda case: case.child_id)


def random_places(cases: Iterable[CaseRecord], *, size: int, today: date, good_practice: Iterable[str] = ()) -> int:
    """How many cases a draw of ``size`` takes at random: fewer when fewer eligible cases are left once the
    good-practice cases are kept out (as ``draw_sample`` keeps them)."""
    chosen_by_la = set(good_practice)
    pool = sum(1 for case in eligible_cases(cases, today=today) if case.child_id not in chosen_by_la)
    return min(size, pool)


def reason_needed(drawn: int, good_practice: int) -> str | None:
    """Why a draw of ``drawn`` random cases and ``good_practice`` good-practice cases needs a reason given with it,
    or None when it keeps to CP ¶43 (at least 50 cases) and ¶39 (three good-practice cases)."""
    why = []
    if drawn < MIN_SIZE:
        why.append(f"{drawn} case{'' if drawn == 1 else 's'} drawn at random, fewer than the {MIN_SIZE} CP ¶43 asks "
                   "for")
    if good_practice != GOOD_PRACTICE_CASES:
        why.append(f"{good_practice} good-practice case{'' if good_practice == 1 else 's'}, not the three CP ¶39 asks "
                   "the local authority for")
    return "; ".join(why) or None


def about_the_sample(sample: Sample) -> str:
    """The sample in one paragraph of the report's "About this inspection": how it was drawn (CP ¶38–40, ¶43) and,
    when it departs from 50 cases and three good-practice cases, the lead's reason."""
    drawn, good, added = (len(sample.selected(selection)) for selection in Selection)
    text = (f"Inspectors tracked a sample of {len(sample.cases)} children's cases: {drawn} drawn at random from "
            f"{sample.eligible} current cases and cases closed in the previous three months, balanced by age, "
            f"gender, disability, ethnicity, practitioner and team (CP ¶38); {good} identified by the local "
            f"authority as good practice (CP ¶39)")
    text += f"; {added} added to follow up lines of enquiry." if added else "."
    departs = reason_needed(drawn, good)
    if departs:
        text += f" The sample has {departs}."
    if sample.reason:
        ending = "" if sample.reason.rstrip().endswith((".", "!", "?")) else "."
        text += f" The lead inspector's reason: {sample.reason.rstrip()}{ending}"
    return text


def attribute_value(case: CaseRecord, attribute: Attribute) -> str:
    """The stratum a case is in; a blank is a stratum of its own ("Not recorded") so it is balanced too."""
    match attribute:
        case Attribute.AGE_BAND:
            return case.age_band.label if case.age_band else NOT_RECORDED
        case Attribute.DISABILITY:
            return NOT_RECORDED if case.disability is None else ("Yes" if case.disability else "No")
        case Attribute.WORKER:
            return case.worker or "Unallocated"
        case _:
            return getattr(case, attribute.name.lower()) or NOT_RECORDED


def draw_sample(
    cases: Sequence[CaseRecord],
    *,
    size: int = DEFAULT_SIZE,
    seed: int,
    today: date,
    good_practice: Sequence[str] = (),
    meet_fraction: float = DEFAULT_MEET_FRACTION,
) -> Sample:
    """A balanced random sample of ``size`` eligible cases, plus the good-practice cases on top, some to meet.

    Good-practice IDs must be on the Annex A list (eligible or not: the local authority may pick a closed case);
    they are kept out of the random draw so they never take one of its places. Fewer eligible cases than ``size``
    gives all of them.
    """
    if size < 0 or not 0 <= meet_fraction <= 1:
        raise ValueError("size must be at least 0 and meet_fraction between 0 and 1")
    known = {case.child_id for case in cases}
    unknown = [child_id for child_id in good_practice if child_id not in known]
    if unknown:
        raise ValueError(f"good-practice cases not on the Annex A list: {', '.join(unknown)}")
    chosen_by_la = list(dict.fromkeys(good_practice))
    la_ids = set(chosen_by_la)
    eligible = eligible_cases(cases, today=today)
    pool = [case for case in eligible if case.child_id not in la_ids]
    rng = random.Random(seed)
    drawn = balanced_pick(pool, min(size, len(pool)), rng=rng)
    to_meet = {case.child_id for case in balanced_pick(drawn, round(len(drawn) * meet_fraction), rng=rng)}
    sampled = [
        SampledCase(child_id=case.child_id, selection=Selection.RANDOM, meet_child_or_family=case.child_id in to_meet)
        for case in sorted(drawn, key=lambda case: case.child_id)
    ]
    sampled += [SampledCase(child_id=child_id, selection=Selection.GOOD_PRACTICE) for child_id in chosen_by_la]
    return Sample(seed=seed, drawn_on=today, size=size, eligible=len(eligible), cases=tuple(sampled))


def add_to_sample(sample: Sample, child_id: str, reason: str) -> Sample:
    """Add a case for a line of enquiry (¶38), with the reason inspectors give; a case is never in a sample twice."""
    if child_id in sample.child_ids:
        raise ValueError(f"{child_id} is already in the sample")
    added = SampledCase(child_id=child_id, selection=Selection.LINE_OF_ENQUIRY, reason=reason.strip() or None)
    return sample.model_copy(update={"cases": (*sample.cases, added)})


def balance_report(population: Sequence[CaseRecord], sample: Sample) -> BalanceReport:
    """For each attribute and value: eligible population against the random part of the sample.

    Good-practice and line-of-enquiry cases are left out: they are chosen, not drawn, and the balance ¶38 asks for
    is the draw's.
    """
    eligible = eligible_cases(population, today=sample.drawn_on)
    drawn_ids = {case.child_id for case in sample.selected(Selection.RANDOM)}
    drawn = [case for case in eligible if case.child_id in drawn_ids]
    rows: list[BalanceRow] = []
    for attribute in ATTRIBUTES:
        in_population = Counter(attribute_value(case, attribute) for case in eligible)
        in_sample = Counter(attribute_value(case, attribute) for case in drawn)
        for value in sorted(in_population, key=lambda value: (-in_population[value], value)):
            rows.append(
                BalanceRow(
                    attribute=attribute,
                    value=value,
                    population=in_population[value],
                    sample=in_sample[value],
                    population_share=in_population[value] / len(eligible),
                    sample_share=in_sample[value] / len(drawn) if drawn else 0.0,
                )
            )
    return BalanceReport(rows=tuple(rows))


Profile = tuple[str, ...]


def balanced_pick(pool: Sequence[CaseRecord], k: int, *, rng: random.Random) -> list[CaseRecord]:
    """``k`` cases from ``pool`` whose attribute shares track the pool's, chosen at random within that constraint.

    1. Walk the pool in random order, taking a case while every one of its values is under its quota
       (``ceil(k × share)``); top up in the same order if the quotas leave places empty.
    2. Swap a taken case for an untaken one whenever that lowers the total squared gap between each value's count
       and its target ``k × share``, trying pairs in random order, until no swap helps.
    """
    if k <= 0:
        return []
    profiles = [tuple(attribute_value(case, attribute) for attribute in ATTRIBUTES) for case in pool]
    targets = [
        {value: k * count / len(pool) for value, count in Counter(profile[a] for profile in profiles).items()}
        for a in range(len(ATTRIBUTES))
    ]
    order = list(range(len(pool)))
    rng.shuffle(order)
    taken = _fill_by_quota(order, profiles, targets, k)
    _improve_by_swaps(taken, order, profiles, targets, rng)
    return [pool[index] for index in sorted(taken)]


def _fill_by_quota(order: list[int], profiles: list[Profile], targets: list[dict[str, float]], k: int) -> list[int]:
    counts: list[defaultdict[str, int]] = [defaultdict(int) for _ in targets]
    taken: list[int] = []
    for index in order:
        profile = profiles[index]
        if all(counts[a][value] < math.ceil(targets[a][value]) for a, value in enumerate(profile)):
            taken.append(index)
            for a, value in enumerate(profile):
                counts[a][value] += 1
            if len(taken) == k:
                return taken
    chosen = set(taken)
    return taken + [index for index in order if index not in chosen][: k - len(taken)]


def _improve_by_swaps(
    taken: list[int], order: list[int], profiles: list[Profile], targets: list[dict[str, float]], rng: random.Random
) -> None:
    """Local search on Σ (count − target)²; swapping x out for y changes it by 2·Σ(gap_y − gap_x + 1) over the
    attributes where they differ, so a swap can only help when y's total gap is below x's."""
    gaps = [{value: -target for value, target in attribute_targets.items()} for attribute_targets in targets]
    for index in taken:
        for a, value in enumerate(profiles[index]):
            gaps[a][value] += 1
    chosen = set(taken)
    while True:
        outside = [index for index in order if index not in chosen]
        inside = list(taken)
        rng.shuffle(inside)
        total = {index: sum(gaps[a][value] for a, value in enumerate(profiles[index])) for index in order}
        swapped = False
        for x in inside:
            for y in outside:
                if total[y] >= total[x] or _swap_change(profiles[x], profiles[y], gaps) >= -1e-9:
                    continue
                for a, (out_value, in_value) in enumerate(zip(profiles[x], profiles[y], strict=True)):
                    gaps[a][out_value] -= 1
                    gaps[a][in_value] += 1
                taken[taken.index(x)] = y
                chosen.discard(x)
                chosen.add(y)
                swapped = True
                break
            if swapped:
                break
        if not swapped:
            return


def _swap_change(out: Profile, into: Profile, gaps: list[dict[str, float]]) -> float:
    return 2 * sum(
        gaps[a][in_value] - gaps[a][out_value] + 1
        for a, (out_value, in_value) in enumerate(zip(out, into, strict=True))
        if out_value != in_value
    )
