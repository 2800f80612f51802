"""Build the published report: under the integrated framework the summary report, one report per agency and the
LSCB report, as one document; under the child-protection framework the single report under CP ¶44's headings.

Integrated consultation ¶108–110: no aggregate judgement across agencies, but a summary of the key findings and
of how well agencies work together, plus agency reports on strengths and weaknesses, published together. Every
statement is a finding's own text (or a grade's rationale) and carries the ids it rests on, so the team can show
its evidence (CP ¶57). Withdrawn findings are dropped before anything else happens, so they cannot surface in a
statement, a grade's citations, a corroboration or the appendix. Inspectors appear only as inspectorates and
children only by case reference (CP ¶51).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import date

from shared.criteria import GRADE_SCALES, criterion
from shared.grade_board import GradeBoard
from shared.grades import (
    NARRATIVE_ONLY,
    OVERALL,
    board_cells,
    contradicted_warnings,
    judgement_label,
    judgements_for,
)
from shared.report_model import (
    Block,
    EvidenceEntry,
    GradeLine,
    GradeReason,
    Report,
    ReportFinding,
    ReportInput,
    Section,
    Statement,
    cited_ids,
)
from shared.reporting_clock import reporting_clock, short_day
from shared.sampling import about_the_sample
from shared.triangulation import Corroboration, Link, Relation, Source, corroboration_of_all, independent
from shared.vocabulary import (
    INSPECTORATE_OF,
    Agency,
    EvidenceSource,
    FindingKind,
    Framework,
    Inspectorate,
    JudgementArea,
    judgement_areas_for,
)

__all__ = [
    "Block",
    "EvidenceEntry",
    "GradeLine",
    "Report",
    "ReportFinding",
    "ReportInput",
    "Section",
    "Statement",
    "build_report",
]

AGENCY_BLOCKS: tuple[tuple[FindingKind, str], ...] = (
    (FindingKind.STRENGTH, "Strengths"),
    (FindingKind.WEAKNESS, "Weaknesses"),
    (FindingKind.AREA_FOR_IMPROVEMENT, "Areas for improvement"),
    (FindingKind.GOOD_PRACTICE, "Good practice"),
)
"""The kinds an agency report lists, in order (¶109). Notes are working notes and are not reported."""

REPORTED_KINDS = frozenset(kind for kind, _ in AGENCY_BLOCKS)

CONCERNS_FIRST = (
    FindingKind.WEAKNESS,
    FindingKind.AREA_FOR_IMPROVEMENT,
    FindingKind.STRENGTH,
    FindingKind.GOOD_PRACTICE,
)
"""The summary's order: what needs to change comes before what works."""

GRADES_BLOCK = "Judgements and the evidence for them"
KEY_CONCERNS_BLOCK = "Key findings from all agencies: weaknesses and areas for improvement"
KEY_POSITIVES_BLOCK = "Key findings from all agencies: strengths and good practice"
CONCERNS_BLOCK = "Corroborated weaknesses and areas for improvement"
POSITIVES_BLOCK = "Corroborated strengths and good practice"
AGREES_BLOCK = "Where inspectorates' evidence agrees"
CONFLICTS_BLOCK = "Where inspectorates' evidence conflicts"
CASES_BLOCK = "Children's cases seen across agencies"

CLOCK_NOT_SET = (
    "Last day of fieldwork not set: the reporting clock starts once the lead records it (CP ¶45–48)."
)


def build_report(data: ReportInput) -> Report:
    """The whole document for ``data``, deterministic for the same input."""
    evidence = _Evidence(data.findings, data.links)
    framework = data.inspection.framework
    if framework is Framework.CHILD_PROTECTION:
        sections = _child_protection_sections(data, evidence)
    else:
        sections = (
            _summary(data, evidence),
            *(_agency_section(data, evidence, agency) for agency in Agency if agency is not Agency.LSCB),
            _lscb_section(data.board, evidence),
        )
    end = data.inspection.end_date
    return Report(
        title=f"{data.inspection.name}: inspection report",
        subtitle=_subtitle(data),
        generated_at=data.generated_at,
        timezone=data.inspection.timezone,
        sections=sections,
        evidence=evidence.appendix(cited_ids(sections)),
        clock=tuple(reporting_clock(end)) if end is not None else (),
        clock_note=CLOCK_NOT_SET if end is None else _clock_from(end),
        method=_method(framework),
        draft=not all_signed_off(data.board, framework),
        grade_reasons=grade_reasons(data.board, framework),
        chain_head=data.chain_head,
    )


def all_signed_off(board: GradeBoard, framework: Framework = Framework.INTEGRATED) -> bool:
    """Every graded judgement of the framework agreed and signed off: until then the report is a DRAFT."""
    for agency, judgement in board_cells(framework):
        cell = board.cell(agency, judgement)
        if cell is None or cell.agreed is None or cell.signed_off is None:
            return False
    return True


def grade_reasons(board: GradeBoard, framework: Framework = Framework.INTEGRATED) -> tuple[GradeReason, ...]:
    """Each agreed grade that contradicts a rule's warning, with the reason the lead recorded (board order)."""
    found = []
    for agency, judgement, cell in board.rows(framework):
        step = cell.agreed if cell is not None else None
        if cell is None or step is None or step.grade is None:
            continue
        contradicted = contradicted_warnings(judgement, step.warnings)
        if contradicted:
            messages = tuple(w.message for w in contradicted)
            label = judgement_label(judgement, framework)
            found.append(GradeReason(agency, label, step.grade, messages, cell.warning_reason))
    return tuple(found)


# ---------------------------------------------------------------- the evidence the report may use


class _Evidence:
    """Live findings, live links between them, and each finding's corroboration under the one rule."""

    def __init__(self, findings: Iterable[ReportFinding], links: Iterable[Link]) -> None:
        live = [f for f in findings if not f.withdrawn]
        self.by_id = {f.id: f for f in live}
        self.links = [
            link for link in links if link.finding_id in self.by_id and link.other_finding_id in self.by_id
        ]
        sources = {f.id: Source(f.inspectorate, f.evidence_source) for f in live}
        self.status = corroboration_of_all(self.links, sources)
        self.partners: dict[str, list[str]] = defaultdict(list)
        """The findings that corroborate each one under the rule (independent ones only)."""
        self.rivals: dict[str, list[str]] = defaultdict(list)
        """The findings that contradict each one."""
        for link in self.links:
            a, b = link.finding_id, link.other_finding_id
            if link.relation is Relation.CONTRADICTS:
                self.rivals[a].append(b)
                self.rivals[b].append(a)
            elif link.relation is Relation.CORROBORATES and independent(sources[a], sources[b]):
                self.partners[a].append(b)
                self.partners[b].append(a)
        self.reported = sorted(
            (f for f in live if f.kind in REPORTED_KINDS), key=lambda f: (f.posted_at, f.id)
        )

    def live(self, ids: Iterable[str]) -> tuple[str, ...]:
        return tuple(fid for fid in ids if fid in self.by_id)

    def about(self, agency: Agency) -> list[ReportFinding]:
        return [f for f in self.reported if f.agency is agency]

    def cross_links(self, relation: Relation) -> list[tuple[Link, ReportFinding, ReportFinding]]:
        """Links of ``relation`` joining findings of two different inspectorates, in the order they were made;
        each pair in agency order, whichever way the inspector drew the link."""
        order = {agency: i for i, agency in enumerate(Agency)}
        found = []
        for link in self.links:
            a, b = sorted(
                (self.by_id[link.finding_id], self.by_id[link.other_finding_id]),
                key=lambda f: (order[f.agency], f.posted_at, f.id),
            )
            if link.relation is relation and a.inspectorate is not b.inspectorate:
                found.append((link, a, b))
        return found

    def appendix(self, cited: Iterable[str]) -> tuple[EvidenceEntry, ...]:
        """The cited findings grouped by agency, oldest first within each, as a reader looks them up."""
        order = {agency: i for i, agency in enumerate(Agency)}
        found = sorted((self.by_id[fid] for fid in cited), key=lambda f: (order[f.agency], f.posted_at, f.id))
        return tuple(self.entry(f.id) for f in found)

    def entry(self, finding_id: str) -> EvidenceEntry:
        f = self.by_id[finding_id]
        return EvidenceEntry(
            finding_id=f.id,
            agency=f.agency,
            inspectorate=f.inspectorate,
            kind=f.kind,
            evidence_source=f.evidence_source,
            judgement_area=f.judgement_area,
            criterion=f.criterion,
            citation=_citation(f.criterion),
            child_id=f.child_id,
            corroboration=self.status[f.id],
            posted_at=f.posted_at,
        )


def _citation(criterion_id: str | None) -> str | None:
    if criterion_id is None:
        return None
    try:
        return criterion(criterion_id).citation
    except KeyError:
        return None


def _detail(f: ReportFinding, evidence: _Evidence, support: str | None = None) -> str:
    """The qualifier after a finding's text: case reference, criterion, then ``support`` (by default its status,
    unless it is single source)."""
    parts = []
    if f.child_id:
        parts.append(f"case {f.child_id}")
    if f.criterion:
        parts.append(_citation(f.criterion) or f"criterion {f.criterion}")
    status = evidence.status[f.id]
    if support is None and status is not Corroboration.SINGLE_SOURCE:
        support = status.label.lower()
    if support:
        parts.append(support)
    return " · ".join(parts)


def _support(f: ReportFinding, evidence: _Evidence) -> str:
    """A key finding's support in words, naming whose findings corroborate or contest it: "corroborated by
    Health (CQC)", "contested by Police (HMIC)", or "single source" (the rule in shared.triangulation)."""
    status = evidence.status[f.id]
    others = evidence.rivals[f.id] if status is Corroboration.CONTESTED else evidence.partners[f.id]
    if status is Corroboration.SINGLE_SOURCE or not others:
        return status.label.lower()
    order = {agency: i for i, agency in enumerate(Agency)}
    whose: dict[str, None] = {}
    for other in sorted((evidence.by_id[o] for o in others), key=lambda o: (order[o.agency], o.posted_at, o.id)):
        how = other.inspectorate.label
        if other.inspectorate is f.inspectorate:  # the same inspectorate: another kind of evidence
            how = f"{how}, {other.evidence_source.label.lower()}"
        whose[f"{other.agency.label} ({how})"] = None
    return f"{status.label.lower()} by {_and(list(whose))}"


def _and(words: Sequence[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


# ---------------------------------------------------------------- grades


def _grade_lines(
    board: GradeBoard, agency: Agency, evidence: _Evidence, framework: Framework = Framework.INTEGRATED
) -> tuple[GradeLine, ...]:
    if agency in NARRATIVE_ONLY:
        return (GradeLine(agency, "", "Narrative of strengths and weaknesses", None, "narrative-only"),)
    lines = []
    for judgement in judgements_for(agency, framework):
        label = judgement_label(judgement, framework)
        cell = board.cell(agency, str(judgement))
        step = cell.current if cell is not None else None
        if cell is None or step is None:
            lines.append(GradeLine(agency, str(judgement), label, None, "not-graded"))
            continue
        lines.append(
            GradeLine(
                agency=agency,
                judgement=str(judgement),
                judgement_label=label,
                grade=step.grade,
                status="agreed" if cell.agreed is not None else "proposed",
                signed_off=cell.agreed is not None and cell.signed_off is not None,
                rationale=step.text,
                finding_ids=evidence.live(step.finding_ids),
            )
        )
    return tuple(lines)


def _grade_statements(lines: Sequence[GradeLine]) -> Block:
    statements = tuple(
        Statement(
            text=line.rationale,
            finding_ids=line.finding_ids,
            lead=f"{line.judgement_label}: {line.grade_label} ({line.status_label})",
            detail="" if line.finding_ids else "no findings cited",
        )
        for line in lines
        if line.grade is not None
    )
    return Block(GRADES_BLOCK, statements, empty="No grade has been proposed yet.")


# ---------------------------------------------------------------- summary report


def _summary(data: ReportInput, evidence: _Evidence) -> Section:
    grades = tuple(line for agency in Agency for line in _grade_lines(data.board, agency, evidence))
    recorded = {f.inspectorate for f in evidence.reported}
    inspectorates = _and([i.label for i in Inspectorate if i in recorded]) or "no inspectorate yet"
    paragraphs = (
        f"This summary brings together the key findings from all agencies inspected in {data.inspection.name} "
        "and evaluates how well they work together; there is no aggregate judgement across agencies "
        "(integrated ¶108). The agency reports and the joint report on the Local Safeguarding Children Board "
        "follow, published with it as one document (¶109–110).",
        f"It rests on {len(evidence.reported)} findings recorded by {inspectorates}. "
        "Each statement cites the findings it rests on by id; Appendix A lists each one with its agency, "
        "inspectorate, evidence source, criterion and case reference.",
    )
    return Section(
        anchor="summary",
        title="Summary report",
        paragraphs=paragraphs,
        grades=grades,
        blocks=(
            *_key_findings(
                evidence, lambda f: True, (KEY_CONCERNS_BLOCK, KEY_POSITIVES_BLOCK), "No finding of this kind yet."
            ),
            *_working_together(evidence),
        ),
    )


def _key_findings(
    evidence: _Evidence,
    wanted: Callable[[ReportFinding], bool],
    titles: tuple[str, str],
    none: str,
) -> tuple[Block, Block]:
    """The ``wanted`` findings, concerns then positives, each agency's in turn, each told once: a finding is told
    with the findings that corroborate it cited beside it, and its support names whose they are (¶48, ¶108)."""
    agencies = {agency: i for i, agency in enumerate(Agency)}
    support = {Corroboration.CORROBORATED: 0, Corroboration.SINGLE_SOURCE: 1, Corroboration.CONTESTED: 2}
    kinds = {kind: i for i, kind in enumerate(CONCERNS_FIRST)}
    chosen = sorted(
        (f for f in evidence.reported if wanted(f)),
        key=lambda f: (agencies[f.agency], support[evidence.status[f.id]], kinds[f.kind], f.posted_at, f.id),
    )
    concerns: list[Statement] = []
    positives: list[Statement] = []
    told: set[str] = set()
    for f in chosen:
        if f.id in told:
            continue
        partners = sorted(evidence.partners[f.id], key=lambda p: (evidence.by_id[p].posted_at, p))
        told.update((f.id, *partners))
        statement = Statement(
            text=f.text,
            finding_ids=(f.id, *dict.fromkeys(partners)),
            lead=f"{f.agency.label} — {f.kind.label}",
            detail=_detail(f, evidence, _support(f, evidence)),
        )
        (concerns if f.kind in CONCERNS_FIRST[:2] else positives).append(statement)
    return (Block(titles[0], tuple(concerns), none), Block(titles[1], tuple(positives), none))


def _working_together(evidence: _Evidence) -> tuple[Block, Block, Block]:
    """How well agencies work together (¶108), read from links across inspectorates and shared cases."""

    def pair(relation: Relation, verb: str) -> tuple[Statement, ...]:
        return tuple(
            Statement(
                text=f"{a.text} / {b.text}",
                finding_ids=(a.id, b.id),
                lead=f"{a.agency.label} ({a.inspectorate.label}) and {b.agency.label} ({b.inspectorate.label}) {verb}",
            )
            for _, a, b in evidence.cross_links(relation)
        )

    by_child: dict[str, list[ReportFinding]] = defaultdict(list)
    for f in evidence.reported:
        if f.child_id:
            by_child[f.child_id].append(f)
    cases = []
    for child_id in sorted(by_child):
        found = by_child[child_id]
        agencies = [a for a in Agency if any(f.agency is a for f in found)]
        if len(agencies) < 2:
            continue
        inspectorates = sorted({f.inspectorate.label for f in found})
        cases.append(
            Statement(
                text=f"Findings about {_and([a.label for a in agencies])}, recorded by {_and(inspectorates)}.",
                finding_ids=tuple(f.id for f in found),
                lead=f"Case {child_id}",
            )
        )
    return (
        Block(AGREES_BLOCK, pair(Relation.CORROBORATES, "agree"), "No finding is corroborated across inspectorates."),
        Block(CONFLICTS_BLOCK, pair(Relation.CONTRADICTS, "disagree"), "No finding is contested across inspectorates."),
        Block(CASES_BLOCK, tuple(cases), "No child's case has findings about more than one agency."),
    )


# ---------------------------------------------------------------- agency reports and the LSCB report


def _finding_blocks(evidence: _Evidence, agency: Agency) -> tuple[Block, ...]:
    areas: dict[JudgementArea | None, int] = {area: i for i, area in enumerate(judgement_areas_for(agency))}
    found = sorted(evidence.about(agency), key=lambda f: (areas.get(f.judgement_area, len(areas)), f.posted_at, f.id))
    return tuple(
        Block(
            title,
            tuple(
                Statement(
                    text=f.text,
                    finding_ids=(f.id,),
                    lead=f.judgement_area.label if f.judgement_area is not None else "",
                    detail=_detail(f, evidence),
                )
                for f in found
                if f.kind is kind
            ),
        )
        for kind, title in AGENCY_BLOCKS
    )


def _agency_section(data: ReportInput, evidence: _Evidence, agency: Agency) -> Section:
    inspectorate = INSPECTORATE_OF[agency]
    by = f" ({inspectorate.label})" if inspectorate is not None else ""
    lines = _grade_lines(data.board, agency, evidence)
    if agency in NARRATIVE_ONLY:
        paragraphs: tuple[str, ...] = (
            f"{agency.label} is not graded: this is a narrative of strengths and weaknesses against the published "
            "criteria (integrated ¶29, ¶82–107).",
        )
        blocks = _finding_blocks(evidence, agency)
    else:
        scale = ", ".join(grade.label.lower() for grade in GRADE_SCALES[data.inspection.framework])
        paragraphs = (
            f"{agency.label} is graded on the {data.inspection.framework.label.lower()}'s scale ({scale}); "
            "overall effectiveness is a cumulative judgement derived from the others (integrated ¶41, ¶59, ¶74).",
        )
        blocks = (_grade_statements(lines), *_finding_blocks(evidence, agency))
    if not evidence.about(agency):
        paragraphs = (*paragraphs, "No findings about this agency have been recorded.")
    return Section(
        anchor=f"agency-{agency.value}",
        title=f"Agency report: {agency.label}{by}",
        paragraphs=paragraphs,
        grades=lines,
        blocks=blocks,
        agency=agency,
    )


def _lscb_section(board: GradeBoard, evidence: _Evidence) -> Section:
    lines = _grade_lines(board, Agency.LSCB, evidence)
    contributors = sorted({f.inspectorate.label for f in evidence.about(Agency.LSCB)})
    paragraphs = [
        "The effectiveness of the Local Safeguarding Children Board is one shared judgement made by all the "
        "inspectorates together (integrated ¶26, ¶113–118).",
    ]
    if contributors:
        paragraphs.append(f"Findings about the board were recorded by {_and(contributors)}.")
    else:
        paragraphs.append("No findings about the board have been recorded.")
    return Section(
        anchor="lscb",
        title="Joint report: the Local Safeguarding Children Board",
        paragraphs=tuple(paragraphs),
        grades=lines,
        blocks=(_grade_statements(lines), *_finding_blocks(evidence, Agency.LSCB)),
        agency=Agency.LSCB,
    )


# ---------------------------------------------------------------- front matter and appendices


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _subtitle(data: ReportInput) -> str:
    first, last = data.inspection.start_date, data.inspection.end_date
    if first is not None and last is not None:
        when = f"fieldwork {_day(first)} to {_day(last)}"
    elif first is not None:
        when = f"fieldwork from {_day(first)}; last day of fieldwork not set"
    else:
        when = "fieldwork dates not set"
    return f"{data.inspection.framework.label} · {when}"


def _clock_from(end: date) -> str:
    return (
        f"Counted in working days (weekends and bank holidays in England and Wales excluded) from the last day "
        f"of fieldwork, {short_day(end)}."
    )


_STATEMENTS_CITE = (
    "Every statement in this report is an inspector's finding in their own words, or the rationale for a "
    "grade, and cites by id the findings it rests on. Appendix A lists each cited finding with its agency, "
    "the inspectorate that recorded it, its kind, evidence source, criterion and case reference."
)
_CORROBORATION = (
    "A finding is corroborated when a finding recorded by a different inspectorate, or resting on a "
    "different kind of evidence source, corroborates it; it is contested when any finding contradicts it, "
    "whatever else supports it; otherwise it is single source. Links that only relate two findings change "
    "nothing."
)
_NO_ONE_NAMED = (
    "Children are referred to only by the local authority's child unique ID, and inspectors only by their "
    "inspectorate; no individual is named (CP ¶51)."
)


def _method(framework: Framework) -> tuple[str, ...]:
    if framework is Framework.CHILD_PROTECTION:
        return _child_protection_method()
    return (
        _STATEMENTS_CITE,
        f"{_CORROBORATION} The summary's key findings are every agency's strengths, weaknesses, areas for "
        "improvement and good practice (integrated ¶108), each told once with the findings that corroborate it, "
        "and each says whether it is corroborated and by which agencies' findings, single source, or contested "
        "and by whose.",
        "Findings the team has withdrawn are left out of every part of this report: statements, the evidence "
        "behind grades, corroboration and the appendix. Working notes are not reported.",
        "A grade is shown as agreed once the team has agreed it at the final meeting, otherwise as proposed and "
        "not yet agreed. An agreed grade that contradicts a rule's warning (overall effectiveness or leadership "
        "likely inadequate) is listed in Appendix A with the reason the team recorded for agreeing it. Until every "
        "grade is signed off by the quality assurance manager, the report is marked as a draft on every page. "
        "Probation services, youth offending teams and custody receive a narrative, not a grade "
        "(integrated ¶29, ¶82–107). There is no aggregate judgement across agencies (¶108).",
        _NO_ONE_NAMED,
    )


# ---------------------------------------------------------------- the child-protection framework's single report

CP = Framework.CHILD_PROTECTION
AREAS_FOR_IMPROVEMENT = "Areas for improvement"
OTHER_FINDINGS_BLOCK = "Findings not tied to one graded judgement"
SERVICE_BLOCK = "From the local authority's own documents and data"
GRADED_KINDS = (FindingKind.STRENGTH, FindingKind.WEAKNESS, FindingKind.GOOD_PRACTICE)
"""What a graded section lists; areas for improvement have a section of their own (CP ¶44)."""


def _child_protection_sections(data: ReportInput, evidence: _Evidence) -> tuple[Section, ...]:
    """CP ¶44: one report, its headings in the framework's order, text and grades, each statement traced."""
    lines = {line.judgement: line for line in _grade_lines(data.board, Agency.LOCAL_AUTHORITY, evidence, CP)}
    areas = judgement_areas_for(Agency.LOCAL_AUTHORITY, CP)
    scale = ", ".join(grade.label.lower() for grade in GRADE_SCALES[CP])
    graded = tuple(
        Section(
            anchor=f"judgement-{area.value}",
            title=judgement_label(area, CP),
            grades=(lines[area],),
            blocks=(_grade_statements((lines[area],)), *_kind_blocks(evidence, {area}, graded=True)),
        )
        for area in areas
    )
    untied = _kind_blocks(evidence, {None, *(set(JudgementArea) - set(areas))}, graded=False)
    overall = Section(
        anchor="overall-effectiveness",
        title=judgement_label(OVERALL, CP),
        paragraphs=(
            f"The local authority's arrangements for the protection of children are graded on the framework's "
            f"four-point scale ({scale}; CP ¶25). Overall effectiveness includes areas for development (CP ¶24).",
        ),
        grades=(lines[OVERALL],),
        blocks=(
            _grade_statements((lines[OVERALL],)),
            *_key_findings(
                evidence,
                lambda f: evidence.status[f.id] is Corroboration.CORROBORATED,
                (CONCERNS_BLOCK, POSITIVES_BLOCK),
                "No finding of this kind is corroborated yet; see the graded judgements.",
            ),
            Block(OTHER_FINDINGS_BLOCK, tuple(s for block in untied for s in block.statements), "None recorded."),
        ),
    )
    improvement = Section(
        anchor="areas-for-improvement",
        title=AREAS_FOR_IMPROVEMENT,
        paragraphs=("Not graded (CP ¶44).",),
        blocks=(
            Block(
                AREAS_FOR_IMPROVEMENT,
                _statements(evidence, lambda f: f.kind is FindingKind.AREA_FOR_IMPROVEMENT),
                "No area for improvement has been recorded.",
            ),
        ),
    )
    return (overall, improvement, _about(data, evidence), _service_information(evidence), *graded)


def _cp_lead(f: ReportFinding, with_judgement: bool) -> str:
    """A finding's judgement in the framework's words (unless its section is that judgement's), and its agency
    when it is a partner's."""
    parts = [judgement_label(f.judgement_area, CP)] if f.judgement_area is not None and with_judgement else []
    if f.agency is not Agency.LOCAL_AUTHORITY:
        parts.insert(0, f.agency.label)
    return " — ".join(parts)


def _statements(
    evidence: _Evidence,
    wanted: Callable[[ReportFinding], bool],
    pool: Iterable[ReportFinding] | None = None,
    *,
    with_judgement: bool = True,
) -> tuple[Statement, ...]:
    """A statement per reported finding ``wanted`` (or per finding of ``pool``), oldest first."""
    return tuple(
        Statement(text=f.text, finding_ids=(f.id,), lead=_cp_lead(f, with_judgement), detail=_detail(f, evidence))
        for f in (evidence.reported if pool is None else pool)
        if wanted(f)
    )


def _kind_blocks(evidence: _Evidence, areas: set[JudgementArea | None], *, graded: bool) -> tuple[Block, ...]:
    """Strengths, weaknesses and good practice filed under one of ``areas`` (a graded section's own area, whose
    name its statements need not repeat, or the rest)."""
    titles = dict(AGENCY_BLOCKS)

    def under(kind: FindingKind) -> Callable[[ReportFinding], bool]:
        return lambda f: f.kind is kind and f.judgement_area in areas

    return tuple(
        Block(titles[kind], _statements(evidence, under(kind), with_judgement=not graded)) for kind in GRADED_KINDS
    )


def _about(data: ReportInput, evidence: _Evidence) -> Section:
    recorded = {f.inspectorate for f in evidence.reported}
    inspectorates = _and([i.label for i in Inspectorate if i in recorded]) or "no inspector yet"
    return Section(
        anchor="about-this-inspection",
        title="About this inspection",
        paragraphs=(
            f"{data.inspection.name} was inspected under Ofsted's framework for the inspection of local authority "
            f"arrangements for the protection of children (January 2012); {_subtitle(data).partition(' · ')[2]}.",
            f"This single report sets out the inspection findings using text and grades, under the framework's "
            f"headings (CP ¶44). It rests on {len(evidence.reported)} findings recorded by {inspectorates}; each "
            "statement cites the findings it rests on by id, and Appendix A lists each one.",
            *([about_the_sample(data.sample)] if data.sample is not None else []),
        ),
    )


def _service_information(evidence: _Evidence) -> Section:
    context = _statements(
        evidence,
        lambda f: f.kind is FindingKind.NOTE and f.evidence_source is EvidenceSource.DOCUMENT_OR_DATA,
        sorted(evidence.by_id.values(), key=lambda f: (f.posted_at, f.id)),  # notes are not among the reported
    )
    return Section(
        anchor="service-information",
        title="Service information",
        paragraphs=(
            "Brief contextual information about the services provided in the area (CP ¶44): the notes inspectors "
            "recorded from the local authority's own documents and data (CP ¶27, ¶35–36).",
        ),
        blocks=(Block(SERVICE_BLOCK, context, "No contextual information has been recorded yet."),),
    )


def _child_protection_method() -> tuple[str, ...]:
    return (
        _STATEMENTS_CITE,
        f"{_CORROBORATION} The key findings under overall effectiveness are the corroborated ones.",
        "Findings the team has withdrawn are left out of every part of this report: statements, the evidence "
        "behind grades, corroboration and the appendix. Working notes are not reported, except notes drawn from "
        "the local authority's documents and data, which give the service information.",
        "The report follows the child-protection framework's headings in order (CP ¶44): overall effectiveness, "
        "areas for improvement (not graded), about this inspection, service information, then the three graded "
        "judgements (CP ¶24), each on the scale outstanding, good, adequate, inadequate (CP ¶25). A grade is "
        "shown as agreed once the team has agreed it at the final meeting, otherwise as proposed and not yet "
        "agreed; until every grade is signed off by the quality assurance manager, the report is marked as a "
        "draft on every page.",
        _NO_ONE_NAMED,
    )
