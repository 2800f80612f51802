"""The published report drawn for the terminal: one ``Hanging`` text per part, from the document model.

Drawn from ``shared.report_model.Report``, not from its Markdown: a Markdown widget makes a widget of every
paragraph and table row, which is slow with a few hundred findings, and its tables do not fit 80 columns. Here
each statement is one bulleted block whose wrapped lines hang under its text, a grade is one line, and an
appendix row is one block. Citations are the short references the board shows (``#3f2a9e``), so a reader can
find the finding with ``/``; the exported files keep the full ids.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content
from textual.css.styles import RulesMap

from shared.report_model import (
    APPENDICES,
    DRAFT_NOTE,
    REASONS_TITLE,
    Block,
    GradeLine,
    Report,
    Section,
    Statement,
    clock_cells,
    evidence_cells,
    reason_cells,
)
from tui.grades.detail import GRADE_STYLE
from tui.refs import ref
from tui.widgets.hanging import Block as Line
from tui.widgets.hanging import Hanging
from tui.widgets.plain import assemble, plain

HEADING = "bold $text-primary"
MUTED = "$text-muted"
CITED = "$text-accent"
BLANK = Line(plain(""))


CONTENTS_LABELS = {"summary": "Summary report", "agency-yot": "Youth offending", "lscb": "LSCB (joint)",
                   "judgement-help-and-protection": "Help and protection"}
"""Contents entries other than the agency's own label: short enough for a 24-column side list."""


class ReportText(Hanging):
    """A part of the report: ``Hanging`` that wraps once per width, as a long part is measured, then drawn."""

    def __init__(self, blocks: Sequence[Line]) -> None:
        super().__init__(blocks)
        self._wrapped: dict[int, list[Content]] = {}

    def _lines(self, width: int) -> list[Content]:
        if width not in self._wrapped:
            self._wrapped = {width: [line for block in self.blocks for line in block.lines(width)]}
        return self._wrapped[width]

    def _content(self, width: int) -> Content:
        return plain("\n").join(self._lines(width))

    def get_height(self, rules: RulesMap, width: int) -> int:
        return len(self._lines(width))


def contents_label(section: Section) -> str:
    if section.anchor in CONTENTS_LABELS:
        return CONTENTS_LABELS[section.anchor]
    return section.agency.label if section.agency is not None else section.title


def appendix_label(title: str) -> str:
    """``Appendix A: Evidence`` → ``A. Evidence``."""
    head, _, name = title.partition(": ")
    return f"{head.removeprefix('Appendix ')}. {name}"


def citations(finding_ids: Sequence[str]) -> Content:
    return plain(" ".join(ref(fid) for fid in finding_ids), CITED) if finding_ids else plain("")


def statement_text(statement: Statement) -> Content:
    """Lead in bold, the inspector's text as written, the qualifier muted, then the findings it rests on."""
    parts: list[Content] = []
    if statement.lead:
        parts.append(plain(f"{statement.lead}:", "bold"))
    if statement.text:
        parts.append(plain(" ".join(statement.text.split())))
    if statement.detail:
        parts.append(plain(f"({statement.detail})", MUTED))
    if statement.finding_ids:
        parts.append(citations(statement.finding_ids))
    return plain(" ").join(parts)


def grade_text(line: GradeLine, with_agency: bool) -> Content:
    grade = (plain(line.grade_label, GRADE_STYLE.get(line.grade, "bold")) if line.grade is not None
             else plain(line.grade_label, MUTED))
    label = f"{line.agency.label} · {line.judgement_label}" if with_agency else line.judgement_label
    return assemble(f"{label}: ", grade, (f" ({line.status_label})", MUTED))


def glance(grades: Sequence[GradeLine]) -> list[Line]:
    """The summary's grades, folded for a terminal: each grade given, then one line for what is not yet graded
    and one for the narrative-only agencies (the exported files keep the full table)."""
    lines = [Line(grade_text(g, with_agency=True), indent=2) for g in grades if g.grade is not None]
    waiting: dict[str, list[GradeLine]] = {}
    for g in grades:
        if g.status != "narrative-only":
            waiting.setdefault(g.agency.label, []).append(g)
    counts = [f"{agency} {sum(g.grade is None for g in own)} of {len(own)}"
              for agency, own in waiting.items() if any(g.grade is None for g in own)]
    if not lines:
        lines.append(Line(plain("No grade has been proposed yet.", f"italic {MUTED}"), indent=2))
    if counts:
        lines.append(Line(plain(" · ".join(counts), MUTED), plain("Not yet graded: ", MUTED),
                          indent=2))
    narrative = [g.agency.label for g in grades if g.status == "narrative-only"]
    if narrative:
        lines.append(Line(plain(" · ".join(narrative), MUTED), plain("Narrative only: ", MUTED),
                          indent=2))
    return lines


def _block(block: Block) -> list[Line]:
    lines = [Line(plain(block.title, "bold"))]
    if not block.statements:
        return [*lines, Line(plain(block.empty, f"italic {MUTED}"), indent=2)]
    return [*lines, *(Line(statement_text(s), plain("• "), indent=1) for s in block.statements)]


def section_text(section: Section) -> ReportText:
    lines = [Line(plain(section.title, HEADING)), BLANK]
    for paragraph in section.paragraphs:
        lines += [Line(plain(paragraph)), BLANK]
    if section.anchor == "summary":
        lines += [Line(plain("Grades at a glance", "bold")), *glance(section.grades), BLANK]
    elif section.grades:
        lines.append(Line(plain("Grades", "bold")))
        lines += [Line(grade_text(g, with_agency=False), indent=2) for g in section.grades]
        lines.append(BLANK)
    for block in section.blocks:
        lines += [*_block(block), BLANK]
    return ReportText(lines)


DRAFT_STYLE = "bold $text-error"


def front_text(report: Report) -> ReportText:
    draft = [Line(plain(DRAFT_NOTE, DRAFT_STYLE))] if report.draft else []
    return ReportText([
        *draft,
        Line(plain(report.title, "bold")),
        Line(plain(report.subtitle, MUTED)),
        Line(plain(f"Prepared from the team's record as it stood on {report.generated_label}.", MUTED)),
    ])


def evidence_text(report: Report) -> ReportText:
    lines = [Line(plain(APPENDICES[0][1], HEADING)), BLANK]
    if not report.evidence:
        lines.append(Line(plain("No findings are cited.", f"italic {MUTED}")))
    for entry in report.evidence:
        _, *cells = evidence_cells(entry)
        lines.append(Line(plain(" · ".join(cells)), plain(f"{ref(entry.finding_id):<8}", CITED)))
    if report.grade_reasons:
        lines += [BLANK, Line(plain(REASONS_TITLE, "bold"))]
        for reason in report.grade_reasons:
            agency, judgement, grade, warning, why = reason_cells(reason)
            lines.append(Line(assemble((f"{agency} · {judgement}: {grade}", "bold"), f" — {why} ",
                                       (f"({warning})", MUTED)), indent=2))
    return ReportText(lines)


def clock_text(report: Report) -> ReportText:
    lines = [Line(plain(APPENDICES[1][1], HEADING)), BLANK, Line(plain(report.clock_note))]
    for milestone in report.clock:
        label, days, due, source = clock_cells(milestone)
        lines.append(Line(assemble((label, "bold"), f": {due}", (f" ({days} working days · {source})",
                                                                          MUTED)), indent=2))
    return ReportText(lines)


def method_text(report: Report) -> ReportText:
    lines = [Line(plain(APPENDICES[2][1], HEADING))]
    for paragraph in report.method:
        lines += [BLANK, Line(plain(paragraph))]
    return ReportText(lines)
