"""Unit tests for the corroboration rule in shared.triangulation, which every client applies to the same links.

The rule (docs/triangulation.md): a contradicting link makes a finding *contested* whatever else supports it;
otherwise a corroborating link to a finding from another inspectorate, or resting on another kind of evidence,
makes it *corroborated*; otherwise it is *single source*. ``relates-to`` changes nothing. The per-finding
function and the all-at-once one (for the triangulation view) must always agree.

The command frames here are raw JSON on purpose: they test how decode_command reads the wire, so they are not built
through the models.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.catalogue import COMMANDS, decode_command
from shared.protocol import ErrorCode, ProtocolError, decode_server
from shared.triangulation import (
    Corroboration,
    Link,
    LinkFindings,
    Relation,
    Source,
    UnlinkFindings,
    corroboration,
    corroboration_of_all,
    independent,
)
from shared.vocabulary import EvidenceSource, Inspectorate

CASE_FILE = EvidenceSource.CASE_FILE
OBSERVATION = EvidenceSource.OBSERVATION

SOURCES: dict[str, Source] = {
    "cqc-case": Source(Inspectorate.CQC, CASE_FILE),
    "cqc-case-2": Source(Inspectorate.CQC, CASE_FILE),
    "cqc-obs": Source(Inspectorate.CQC, OBSERVATION),
    "ofsted-case": Source(Inspectorate.OFSTED, CASE_FILE),
    "hmic-obs": Source(Inspectorate.HMIC, OBSERVATION),
}


def link(a: str, b: str, relation: Relation, id: str | None = None) -> Link:
    return Link(id or f"{a}~{b}~{relation.value}", a, b, relation)


def status(finding_id: str, *links: Link) -> Corroboration:
    """The status by both functions, insisting they agree."""
    one = corroboration(finding_id, links, SOURCES)
    assert corroboration_of_all(links, SOURCES)[finding_id] is one
    return one


# ---------------------------------------------------------------- every case of the rule


def test_no_links_is_single_source() -> None:
    assert status("cqc-case") is Corroboration.SINGLE_SOURCE


def test_corroborated_from_another_inspectorate() -> None:
    assert status("cqc-case", link("cqc-case", "ofsted-case", Relation.CORROBORATES)) is Corroboration.CORROBORATED


def test_corroboration_counts_at_either_end_of_the_link() -> None:
    assert status("cqc-case", link("ofsted-case", "cqc-case", Relation.CORROBORATES)) is Corroboration.CORROBORATED
    assert status("ofsted-case", link("ofsted-case", "cqc-case", Relation.CORROBORATES)) is Corroboration.CORROBORATED


def test_same_inspectorate_but_a_different_kind_of_evidence_corroborates() -> None:
    assert status("cqc-case", link("cqc-case", "cqc-obs", Relation.CORROBORATES)) is Corroboration.CORROBORATED


def test_same_inspectorate_and_same_kind_of_evidence_is_still_single_source() -> None:
    same = link("cqc-case", "cqc-case-2", Relation.CORROBORATES)
    assert status("cqc-case", same) is Corroboration.SINGLE_SOURCE
    assert status("cqc-case-2", same) is Corroboration.SINGLE_SOURCE


def test_a_contradiction_makes_both_ends_contested() -> None:
    against = link("cqc-case", "hmic-obs", Relation.CONTRADICTS)
    assert status("cqc-case", against) is Corroboration.CONTESTED
    assert status("hmic-obs", against) is Corroboration.CONTESTED


def test_contested_wins_over_corroborated_in_either_order() -> None:
    support = link("cqc-case", "ofsted-case", Relation.CORROBORATES)
    against = link("cqc-case", "hmic-obs", Relation.CONTRADICTS)
    assert status("cqc-case", support, against) is Corroboration.CONTESTED
    assert status("cqc-case", against, support) is Corroboration.CONTESTED
    assert status("ofsted-case", support, against) is Corroboration.CORROBORATED  # only the contradicted end


def test_a_contradiction_from_the_same_inspectorate_and_source_still_contests() -> None:
    assert status("cqc-case", link("cqc-case", "cqc-case-2", Relation.CONTRADICTS)) is Corroboration.CONTESTED


@pytest.mark.parametrize("other", ["cqc-case-2", "cqc-obs", "ofsted-case"])
def test_relates_to_changes_nothing(other: str) -> None:
    assert status("cqc-case", link("cqc-case", other, Relation.RELATES_TO)) is Corroboration.SINGLE_SOURCE
    support = link("cqc-case", "ofsted-case", Relation.CORROBORATES)
    assert status("cqc-case", support, link("cqc-case", other, Relation.RELATES_TO)) is Corroboration.CORROBORATED


def test_links_between_other_findings_do_not_count() -> None:
    elsewhere = link("ofsted-case", "hmic-obs", Relation.CONTRADICTS)
    assert status("cqc-case", elsewhere, link("ofsted-case", "cqc-obs", Relation.CORROBORATES)) is (
        Corroboration.SINGLE_SOURCE
    )


def test_a_corroborating_finding_whose_source_is_unknown_does_not_corroborate() -> None:
    assert status("cqc-case", link("cqc-case", "not-yet-received", Relation.CORROBORATES)) is (
        Corroboration.SINGLE_SOURCE
    )


def test_every_known_finding_gets_a_status() -> None:
    links = [link("cqc-case", "ofsted-case", Relation.CORROBORATES), link("hmic-obs", "cqc-obs", Relation.CONTRADICTS)]
    assert corroboration_of_all(links, SOURCES) == {
        "cqc-case": Corroboration.CORROBORATED,
        "cqc-case-2": Corroboration.SINGLE_SOURCE,
        "cqc-obs": Corroboration.CONTESTED,
        "ofsted-case": Corroboration.CORROBORATED,
        "hmic-obs": Corroboration.CONTESTED,
    }


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (Source(Inspectorate.CQC, CASE_FILE), Source(Inspectorate.CQC, CASE_FILE), False),
        (Source(Inspectorate.CQC, CASE_FILE), Source(Inspectorate.CQC, OBSERVATION), True),
        (Source(Inspectorate.CQC, CASE_FILE), Source(Inspectorate.HMIC, CASE_FILE), True),
        (Source(Inspectorate.CQC, CASE_FILE), Source(Inspectorate.HMIC, OBSERVATION), True),
    ],
)
def test_independent(a: Source, b: Source, expected: bool) -> None:
    assert independent(a, b) is expected
    assert independent(b, a) is expected


def test_the_worked_example_in_the_docs() -> None:
    """docs/triangulation.md walks through these links step by step; the statuses there must be the rule's."""
    sources = {
        "F1": Source(Inspectorate.CQC, CASE_FILE),
        "F2": Source(Inspectorate.OFSTED, EvidenceSource.STAFF_DISCUSSION),
        "F3": Source(Inspectorate.CQC, CASE_FILE),
        "F4": Source(Inspectorate.CQC, OBSERVATION),
        "F5": Source(Inspectorate.HMIC, EvidenceSource.MULTI_AGENCY_MEETING),
    }
    s, c, x = Corroboration.SINGLE_SOURCE, Corroboration.CORROBORATED, Corroboration.CONTESTED
    contradiction = link("F5", "F1", Relation.CONTRADICTS)
    steps: list[tuple[list[Link], list[Corroboration]]] = [
        ([], [s, s, s, s, s]),
        ([link("F2", "F1", Relation.CORROBORATES)], [c, c, s, s, s]),
        ([link("F3", "F1", Relation.CORROBORATES)], [c, c, s, s, s]),
        ([link("F4", "F3", Relation.CORROBORATES)], [c, c, c, c, s]),
        ([link("F5", "F2", Relation.RELATES_TO)], [c, c, c, c, s]),
        ([contradiction], [x, c, c, c, x]),
    ]
    links: list[Link] = []
    for added, expected in steps:
        links += added
        assert [corroboration(f, links, sources) for f in sources] == expected, added
    links.remove(contradiction)
    assert list(corroboration_of_all(links, sources).values()) == [c, c, c, c, s]


# ---------------------------------------------------------------- the two functions always agree


finding_ids = st.sampled_from([f"f{n}" for n in range(6)])
sources_strategy = st.dictionaries(
    finding_ids,
    st.builds(Source, st.sampled_from(list(Inspectorate)), st.sampled_from(list(EvidenceSource))),
)
links_strategy = st.lists(
    st.builds(
        Link,
        id=st.uuids().map(str),
        finding_id=finding_ids,
        other_finding_id=st.one_of(finding_ids, st.just("unknown")),
        relation=st.sampled_from(list(Relation)),
    ),
    max_size=12,
)


@settings(max_examples=200, deadline=None)
@given(links=links_strategy, sources=sources_strategy)
def test_corroboration_of_all_agrees_with_corroboration(links: list[Link], sources: dict[str, Source]) -> None:
    everything = corroboration_of_all(links, sources)
    assert set(everything) == set(sources)
    for finding_id in sources:
        assert everything[finding_id] is corroboration(finding_id, links, sources)


@settings(max_examples=200, deadline=None)
@given(links=links_strategy, sources=sources_strategy)
def test_the_status_does_not_depend_on_link_order(links: list[Link], sources: dict[str, Source]) -> None:
    assert corroboration_of_all(links, sources) == corroboration_of_all(list(reversed(links)), sources)


# ---------------------------------------------------------------- the commands on the wire


def test_a_link_command_decodes_with_an_optional_note() -> None:
    command = decode_command(
        json.dumps(
            {"type": "finding.link", "id": "l1", "finding_id": "a", "other_finding_id": "b", "relation": "contradicts"}
        )
    )
    assert command == LinkFindings(id="l1", finding_id="a", other_finding_id="b", relation=Relation.CONTRADICTS)
    assert command.note == ""
    assert decode_command('{"type": "finding.unlink", "id": "u1", "link_id": "l1"}') == UnlinkFindings(
        id="u1", link_id="l1"
    )


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"other_finding_id": "a"}, "other_finding_id"),
        ({"relation": "supports"}, "relation"),
        ({"note": "x" * 501}, "note"),
        ({"finding_id": "no spaces please"}, "finding_id"),
    ],
)
def test_a_bad_link_command_names_the_field(fields: dict[str, str], field: str) -> None:
    frame = {"type": "finding.link", "id": "l1", "finding_id": "a", "other_finding_id": "b", "relation": "corroborates"}
    with pytest.raises(ProtocolError) as raised:
        decode_command(json.dumps(frame | fields))
    assert raised.value.frame.code == ErrorCode.INVALID
    assert raised.value.frame.field == field


def test_labels_for_people() -> None:
    assert [r.label for r in Relation] == ["Corroborates", "Contradicts", "Relates to"]
    assert [c.label for c in Corroboration] == ["Single source", "Corroborated", "Contested"]


# ---------------------------------------------------------------- the protocol doc


def test_every_triangulation_example_in_the_protocol_doc_is_a_valid_frame_and_none_is_missing() -> None:
    """docs/protocol.md §7–9 is what client authors copy from: every example must decode, every command appear."""
    doc = (Path(__file__).parents[2] / "docs" / "protocol.md").read_text(encoding="utf-8")
    section = doc[doc.index("## 7. Lines of enquiry") :]
    kinds: set[str] = set()
    for raw in re.findall(r"```json\n(.*?)```", section, re.S):
        frame = json.loads(raw)
        if frame["type"] in ("event", "error"):
            decoded = decode_server(raw)
            kinds.add(getattr(decoded, "kind", "error"))
        else:
            kinds.add(decode_command(raw).type)  # type: ignore[attr-defined]
    commands = {
        name for name in COMMANDS if name.split(".")[0] in ("enquiry", "meeting", "agenda") or "link" in name
    }
    events = {
        "enquiry.opened", "enquiry.started", "enquiry.answered", "enquiry.closed", "finding.linked",
        "finding.unlinked", "meeting.opened", "agenda.added", "agenda.moved", "agenda.dropped", "meeting.recorded",
        "meeting.amended", "meeting.closed",
    }  # fmt: skip
    assert len(commands) == 13
    assert commands | events <= kinds
    table = doc[doc.index("| kind | data |") : doc.index("## 3.")]
    assert all(f"| `{kind}` |" in table for kind in events), "every event kind is in the events table (§2)"
