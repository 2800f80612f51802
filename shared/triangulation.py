"""Corroboration: links between findings, and the one rule that says how well a finding is supported.

Integrated consultation ¶35–36, ¶48: inspectorates share findings so each can test the others' evidence and
strengths and weaknesses are attributed to the right part of the system.

The rule, applied to a finding F:
- **contested** if any ``contradicts`` link touches F (either end), whatever else supports it;
- else **corroborated** if a ``corroborates`` link joins F to a finding recorded by a *different inspectorate*
  or resting on a *different kind of evidence source* (one inspector's second case file is not corroboration);
- else **single source**. ``relates-to`` links never change the status.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import Field, model_validator

from shared.fields import FREE_TEXT, RefId
from shared.protocol import Command, Payload
from shared.vocabulary import EvidenceSource, Inspectorate, Labelled


class Relation(Labelled):
    CORROBORATES = "corroborates"
    CONTRADICTS = "contradicts"
    RELATES_TO = "relates-to"


class Corroboration(Labelled):
    SINGLE_SOURCE = "single-source"
    CORROBORATED = "corroborated"
    CONTESTED = "contested"


class LinkFindings(Command):
    """``finding.link``: the new link's id is this command's id."""

    type: Literal["finding.link"] = "finding.link"
    finding_id: RefId
    other_finding_id: RefId
    relation: Relation
    note: Annotated[str, Field(max_length=500), FREE_TEXT] = ""

    @model_validator(mode="after")
    def _rules(self) -> LinkFindings:
        if self.finding_id == self.other_finding_id:
            raise ValueError("other_finding_id: a finding cannot be linked to itself")
        return self


class UnlinkFindings(Command):
    """``finding.unlink``: the link's author (or the lead) withdraws it; the log keeps that it existed."""

    type: Literal["finding.unlink"] = "finding.unlink"
    link_id: RefId


class FindingLinked(Payload):
    """Data of ``finding.linked``: the new link's id is its command's id."""

    finding_id: str
    other_finding_id: str
    relation: Relation
    note: str = ""
    link_id: str


class FindingUnlinked(Payload):
    """Data of ``finding.unlinked``."""

    link_id: str


@dataclass(frozen=True)
class Source:
    """What the rule needs to know about a finding."""

    inspectorate: Inspectorate
    evidence_source: EvidenceSource


@dataclass(frozen=True)
class Link:
    id: str
    finding_id: str
    other_finding_id: str
    relation: Relation
    note: str = ""


def independent(a: Source, b: Source) -> bool:
    """Two findings support each other only if they come from different inspectorates or kinds of evidence."""
    return a.inspectorate != b.inspectorate or a.evidence_source != b.evidence_source


def corroboration(finding_id: str, links: Iterable[Link], sources: Mapping[str, Source]) -> Corroboration:
    """The status of one finding under the rule above."""
    supported = False
    for link in links:
        if finding_id not in (link.finding_id, link.other_finding_id):
            continue
        if link.relation is Relation.CONTRADICTS:
            return Corroboration.CONTESTED
        other = link.other_finding_id if link.finding_id == finding_id else link.finding_id
        if (
            link.relation is Relation.CORROBORATES
            and finding_id in sources
            and other in sources
            and independent(sources[finding_id], sources[other])
        ):
            supported = True
    return Corroboration.CORROBORATED if supported else Corroboration.SINGLE_SOURCE


def corroboration_of_all(links: Iterable[Link], sources: Mapping[str, Source]) -> dict[str, Corroboration]:
    """Every finding's status in one pass over the links (for the triangulation view)."""
    status = dict.fromkeys(sources, Corroboration.SINGLE_SOURCE)
    for link in links:
        ends = (link.finding_id, link.other_finding_id)
        if link.relation is Relation.CONTRADICTS:
            for end in ends:
                if end in status:
                    status[end] = Corroboration.CONTESTED
        elif (
            link.relation is Relation.CORROBORATES
            and all(end in sources for end in ends)
            and independent(sources[ends[0]], sources[ends[1]])
        ):
            for end in ends:
                if status[end] is not Corroboration.CONTESTED:
                    status[end] = Corroboration.CORROBORATED
    return status
