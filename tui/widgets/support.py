"""How a finding is supported, in words for the detail pane: its corroboration status, links and enquiries.

Pure: given the state, returns content parts, so the board's detail pane and the tests read the same text.
A link is described from the shown finding's side ("corroborated by #f002"), and a corroborating link that
does not count under the rule (same inspectorate and same kind of evidence) says so, so the status is never
a mystery.
"""

from __future__ import annotations

from datetime import tzinfo

from shared.triangulation import Corroboration, Link, Relation, independent
from tui.refs import ref
from tui.state import FindingView, TeamState
from tui.timefmt import short_time
from tui.widgets.labels import INSPECTORATE_SHORT, SUPPORT_MARK, short

Part = str | tuple[str, str]

SUPPORT_STYLE: dict[Corroboration, str] = {
    Corroboration.SINGLE_SOURCE: "$text-muted",
    Corroboration.CORROBORATED: "bold $text-success",
    Corroboration.CONTESTED: "bold $text-error",
}

SUPPORT_WHY: dict[Corroboration, str] = {
    Corroboration.SINGLE_SOURCE: "no independent finding supports it yet",
    Corroboration.CORROBORATED: "supported by another inspectorate or another kind of evidence",
    Corroboration.CONTESTED: "a finding contradicts it: settle the conflict before relying on it",
}


def relation_words(link: Link, finding_id: str) -> str:
    """The link read from ``finding_id``'s side."""
    forward = link.finding_id == finding_id
    if link.relation is Relation.CORROBORATES:
        return "corroborates" if forward else "corroborated by"
    if link.relation is Relation.CONTRADICTS:
        return "contradicts" if forward else "contradicted by"
    return "relates to"


def link_mark(link: Link) -> str:
    if link.relation is Relation.CORROBORATES:
        return SUPPORT_MARK[Corroboration.CORROBORATED]
    if link.relation is Relation.CONTRADICTS:
        return SUPPORT_MARK[Corroboration.CONTESTED]
    return "~"


def other_end(link: Link, finding_id: str) -> str:
    return link.other_finding_id if link.finding_id == finding_id else link.finding_id


def finding_summary(view: FindingView | None, finding_id: str, width: int = 70) -> str:
    """'#f002 Ben Okafor (CQC) · Health weakness: first line…' for one-line lists of findings."""
    if view is None:
        return f"{ref(finding_id)} (not in this cache)"
    line = view.first_line if len(view.first_line) <= width else view.first_line[: width - 1] + "…"
    who = f"{view.author.name} ({short(INSPECTORATE_SHORT, view.author.inspectorate)})"
    return f"{ref(finding_id)} {who} · {view.fields.agency.label} {view.fields.kind.label.lower()}: {line}"


def support_badge(view: FindingView) -> list[Part]:
    """After the heading: '   ✓ Corroborated'."""
    return [("   ", ""), (f"{SUPPORT_MARK[view.support]} {view.support.label}", SUPPORT_STYLE[view.support])]


def describe_support(view: FindingView, state: TeamState, tz: tzinfo) -> list[Part]:
    """What the status means, the links and the lines of enquiry about one finding."""
    book = state.evidence
    status = view.support
    links = book.links_of(view.id)
    parts: list[Part] = [("\n", ""), (f"{status.label}: {SUPPORT_WHY[status]}.", "$text-muted")]
    offer_link = not links and view.withdrawn is None  # a withdrawn finding cannot be linked
    parts.append(("  l: link it to another finding\n" if offer_link else "\n", "$text-muted"))
    if links:
        parts += [("Links", "bold $text-muted"), ("  (l: add · u: remove your own)\n", "$text-muted")]
    me = state.me
    for link in links:
        other_id = other_end(link, view.id)
        other = state.findings.get(other_id)
        made = book.made.get(link.id)
        mark_style = {Relation.CORROBORATES: "$text-success", Relation.CONTRADICTS: "$text-error"}.get(
            link.relation, "$text-muted")
        parts += [(f"  {link_mark(link)} {relation_words(link, view.id)} ", f"bold {mark_style}"),
                  finding_summary(other, other_id, 60), "\n"]
        notes: list[str] = []
        if link.note:
            notes.append(f"“{link.note}”")
        if made is not None:
            who = "you" if me is not None and made.by is not None and made.by.id == me.id else (
                made.by.name if made.by else "someone")
            notes.append(f"linked by {who}, {short_time(made.at, tz)}")
        mine_source, other_source = state.source_of(view.id), state.source_of(other_id)
        if other is not None and other.withdrawn is not None:
            notes.append("withdrawn: no longer counts either way")
        elif (link.relation is Relation.CORROBORATES and mine_source and other_source
                and not independent(mine_source, other_source)):
            notes.append("same inspectorate and kind of evidence: does not count as corroboration")
        if notes:
            parts.append((f"      {' · '.join(notes)}\n", "$text-muted"))
    enquiries = [e for e in book.enquiries.values() if view.id in e.finding_ids or view.id in e.answer_finding_ids]
    if enquiries:
        parts.append(("Lines of enquiry\n", "bold $text-muted"))
    for enquiry in sorted(enquiries, key=lambda e: e.opened_at):
        answers = " (answers it)" if view.id in enquiry.answer_finding_ids else ""
        parts += [(f"  ? {enquiry.status.label.lower()}{answers} ", "bold"), f"{enquiry.question.splitlines()[0]}\n"]
    return parts
